// Where definitions come from, in priority order (docs/vpp-lb.md §Definitions and where they come from):
//   1. VPP itself: the `get_api_json` reply (VPP ≥ 24.06), when the message table has it;
//   2. the installed files, /usr/share/vpp/api/**/*.api.json (path injectable for tests);
//   3. our built-in set (bootstrap memclnt/vlib/vpe, ip_types, lb_types, lb 1.2.0 and 1.1.0).
// A broken file is skipped with a warning rather than taking the daemon down: the next source
// down the list still knows the messages we need.

import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Logger } from '../../log/index.js';
import { VppDefinitionError } from '../errors.js';
import type { ApiJsonFile } from './api-json.js';
import { builtinApiFiles } from './builtin/index.js';
import { ApiDefinitions, ApiScope, type SourcedApiFile } from './registry.js';

export const DEFAULT_API_DIR = '/usr/share/vpp/api';

/** The built-in files, named `builtin:<path>`. */
export function builtinSourcedFiles(): SourcedApiFile[] {
  return builtinApiFiles.map((b) => ({ source: `builtin:${b.path}`, file: b.file }));
}

/** Checks that a parsed JSON value is a usable .api.json file (throws VppDefinitionError otherwise). */
export function asApiJsonFile(value: unknown, source: string): ApiJsonFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new VppDefinitionError(`${source}: not a JSON object`);
  const file = value as ApiJsonFile;
  new ApiScope(source, file); // validates every entry
  return file;
}

/** Parses a `get_api_json` reply: a JSON array with one .api.json object per loaded module. */
export function parseApiJsonList(
  text: string,
  source = 'vpp:get_api_json',
  logger?: Logger,
): SourcedApiFile[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new VppDefinitionError(`${source}: invalid JSON (${(err as Error).message})`);
  }
  const list = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
  const out: SourcedApiFile[] = [];
  list.forEach((item, i) => {
    const where = `${source}[${i}]`;
    try {
      out.push({ source: where, file: asApiJsonFile(item, where) });
    } catch (err) {
      logger?.warn('vpp-api-json-invalid', { source: where, error: (err as Error).message });
    }
  });
  return out;
}

async function findApiJsonFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return [];
    throw err;
  }
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.api.json'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Every *.api.json under dir (recursively, sorted by path). A missing dir is simply empty. */
export async function loadApiDir(dir: string, logger?: Logger): Promise<SourcedApiFile[]> {
  const out: SourcedApiFile[] = [];
  for (const path of await findApiJsonFiles(dir)) {
    const source = `${dir}/${relative(dir, path)}`;
    try {
      const file = asApiJsonFile(JSON.parse(await readFile(path, 'utf8')) as unknown, source);
      out.push({ source, file });
    } catch (err) {
      logger?.warn('vpp-api-json-invalid', { source, error: (err as Error).message });
    }
  }
  return out;
}

export interface LoadDefinitionsOptions {
  /** What VPP served via get_api_json (highest priority). */
  readonly fromVpp?: readonly SourcedApiFile[];
  /** Installed definitions; default /usr/share/vpp/api; null skips the directory. */
  readonly apiDir?: string | null;
  readonly logger?: Logger;
}

/** Merges the three sources, highest priority first. */
export async function loadDefinitions(opts: LoadDefinitionsOptions = {}): Promise<ApiDefinitions> {
  const dir = opts.apiDir === undefined ? DEFAULT_API_DIR : opts.apiDir;
  const installed = dir === null ? [] : await loadApiDir(dir, opts.logger);
  return new ApiDefinitions([...(opts.fromVpp ?? []), ...installed, ...builtinSourcedFiles()]);
}

/** Only the built-in set (no I/O). */
export function builtinDefinitions(): ApiDefinitions {
  return new ApiDefinitions(builtinSourcedFiles());
}
