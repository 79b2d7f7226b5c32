// A problem found before it has a position: a path into the document and which node of that
// path it is about. positions.ts turns it into file:line:col.

export type ConfigPath = readonly (string | number)[];

/**
 * 'value': the value at the path (a bad value). 'key': the key at the end of the path (an unknown
 * or misplaced key, a bad name). 'parent': the key of the map the path ends in (a missing key).
 */
export type Anchor = 'value' | 'key' | 'parent';

export interface Finding {
  severity: 'error' | 'warning';
  path: ConfigPath;
  at: Anchor;
  message: string;
}
