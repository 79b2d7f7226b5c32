// Maps a path into the config (['maglev', 'backends', 'web1', 'address']) back to the YAML node
// it came from, for file:line:col, and lists map keys in file order.

import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { Anchor, ConfigPath } from './finding.js';

export interface Position {
  line: number;
  col: number;
}

interface Step {
  /** The node reached, or null for an empty value (`key:` with nothing after it). */
  node: Node | null;
  /** The key node through which it was reached, when reached through a map. */
  key: Node | null;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

export class YamlLocator {
  readonly #doc: Document;
  readonly #lines: LineCounter;

  constructor(doc: Document, lines: LineCounter) {
    this.#doc = doc;
    this.#lines = lines;
  }

  #resolve(node: unknown): Node | null {
    let current = node;
    // An alias points at its anchor; follow it (bounded, aliases cannot nest deeply in practice).
    for (let i = 0; i < 16 && isAlias(current); i++) current = current.resolve(this.#doc) ?? null;
    return (current as Node | null) ?? null;
  }

  // Key → pair per map, built on first use: a big config with many findings stays linear.
  readonly #index = new WeakMap<Node, Map<string, Pair<unknown, unknown>>>();

  #pairFor(node: Node | null, segment: string | number): Pair<unknown, unknown> | undefined {
    if (!isMap(node)) return undefined;
    let index = this.#index.get(node);
    if (!index) {
      index = new Map();
      for (const pair of node.items) {
        const k = keyText(pair.key);
        if (k !== undefined && !index.has(k)) index.set(k, pair);
      }
      this.#index.set(node, index);
    }
    return index.get(String(segment));
  }

  /** The chain of nodes along the path, as far as the document has them. */
  #walk(path: ConfigPath): Step[] {
    const steps: Step[] = [{ node: this.#resolve(this.#doc.contents), key: null }];
    for (const segment of path) {
      const here = steps[steps.length - 1]?.node ?? null;
      let next: Step | undefined;
      if (isMap(here)) {
        const pair = this.#pairFor(here, segment);
        if (pair) next = { node: this.#resolve(pair.value), key: (pair.key as Node | null) ?? null };
      } else if (isSeq(here) && typeof segment === 'number') {
        const item = here.items[segment];
        if (item !== undefined) next = { node: this.#resolve(item), key: null };
      }
      if (!next) break;
      steps.push(next);
    }
    return steps;
  }

  #offset(node: Node | null): number | undefined {
    if (!node?.range) return undefined;
    // `key:` with nothing after it is an empty scalar placed after the colon; the key is the
    // better place to point at.
    if (isScalar(node) && node.value === null && node.range[0] === node.range[1]) return undefined;
    return node.range[0];
  }

  /** Where a finding about this path should point (1-based line and column). */
  position(path: ConfigPath, at: Anchor): Position {
    const target = at === 'parent' ? path.slice(0, -1) : path;
    const steps = this.#walk(target);
    const complete = steps.length === target.length + 1;
    let offset: number | undefined;
    for (let i = steps.length - 1; i >= 0 && offset === undefined; i--) {
      const step = steps[i];
      if (!step) continue;
      const isTarget = complete && i === steps.length - 1;
      // A bad value points at the value; a key-level finding, a missing key, or a path the
      // document does not have (merged or defaulted keys) points at the nearest key.
      const preferValue = isTarget && at === 'value';
      offset = preferValue
        ? (this.#offset(step.node) ?? this.#offset(step.key))
        : (this.#offset(step.key) ?? this.#offset(step.node));
    }
    if (offset === undefined) return { line: 1, col: 1 };
    return this.#lines.linePos(offset);
  }

  /** The keys of the map at the path, in file order (JS objects put integer-like keys first). */
  keyOrder(path: ConfigPath): string[] {
    const steps = this.#walk(path);
    if (steps.length !== path.length + 1) return [];
    const node = steps[steps.length - 1]?.node ?? null;
    if (!isMap(node)) return [];
    const out: string[] = [];
    for (const pair of node.items) {
      const k = keyText(pair.key);
      if (k !== undefined && k !== '<<') out.push(k);
    }
    return out;
  }
}
