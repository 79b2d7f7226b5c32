// The order of a map's keys as the file writes them, which the daemon keeps (backends, frontends
// and pools are listed, checked and synced in it). A YAML map becomes a JS object, whose own keys
// come in insertion order, with one exception: array-index keys ("10") come first, in numeric
// order; and a `<<` merge puts the merged keys first. So the order comes from where the document
// was read: KeyOrder is one function for the whole document, asked once per map.

import type { ConfigPath } from './finding.js';

/** The keys of `map`, the map at `path` in the document, in file order. */
export type KeyOrder = (map: Readonly<Record<string, unknown>>, path: ConfigPath) => readonly string[];

/**
 * For a document read by parsePlainYaml, which admits no array-index key and no merge: own-key
 * order is already file order. It allocates nothing but the key list, which matters for the
 * 10 000-entry maps of a large config's reload.
 */
export const ownKeyOrder: KeyOrder = (map) => Object.keys(map);

/**
 * For any document: the keys that the document lists at the path (`listed`, yaml's own nodes),
 * then the keys the map has and the document does not list there (those merged in by `<<`).
 */
export function listedKeyOrder(listed: (path: ConfigPath) => readonly string[]): KeyOrder {
  return (map, path) => {
    const keys = new Set(listed(path).filter((k) => Object.hasOwn(map, k)));
    for (const k of Object.keys(map)) keys.add(k);
    return [...keys];
  };
}
