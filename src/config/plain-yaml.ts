// parsePlainYaml: a fast reader for the plain block YAML that big configs are written in (and
// generated as), so a reload of 10 000 backends does not spend most of its time in the `yaml`
// package building a Document it only needs for error positions. It accepts a strict subset —
// block maps and sequences, one-line flow maps and sequences, plain and simply quoted scalars,
// comments — and gives up (undefined) on anything else: anchors, aliases, tags, block
// scalars, multi-line scalars or flows, comments after quotes, tabs, directives, odd indentation,
// duplicate keys, keys that are not plain names, and every scalar the YAML 1.2 core schema would
// read as something other than a string, a decimal integer, a boolean or null. Within the
// subset its value is the one `yaml`'s parseDocument(...).toJS() gives (test/config/
// plain-yaml.test.ts holds it to that over random documents); parse.ts falls back to the full
// parser whenever this gives up or the config has anything to report, so positions and messages
// always come from the full parser. Pure.

export type ConfigPathSegment = string | number;

export interface PlainYaml {
  readonly value: unknown;
  /** The keys of the map at the path, in file order; [] when the path is not a map. */
  keyOrder(path: readonly ConfigPathSegment[]): string[];
}

/** Thrown inside the reader when the text leaves the subset; never escapes parsePlainYaml. */
class OutsideSubset extends Error {}

function giveUp(): never {
  throw new OutsideSubset();
}

interface Line {
  readonly indent: number;
  /** The content after the indent, with no trailing blanks. */
  readonly text: string;
}

/** A block map entry, `key:` or `key: value`; the key is checked by `checkedKey`. */
const KEY = /^([^\s:]+):(?: +(.*))?$/;

// The core schema's readings of a plain scalar (yaml's schema/core and schema/common).
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const TRUE = /^(?:[Tt]rue|TRUE)$/;
const FALSE = /^(?:[Ff]alse|FALSE)$/;
const DECIMAL = /^-?(?:0|[1-9][0-9]*)$/;
const OTHER_NUMBER = [
  /^[-+]?[0-9]+$/,
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
/** The first characters of every null, boolean and number the core schema knows. */
const MAYBE_NOT_STRING = new Set([...'~nNtTfF0123456789+-.']);
/** Characters a plain scalar may not start with (YAML's indicators), or that we leave to yaml. */
const PLAIN_FIRST_EXCLUDED = new Set([...'-?:,[]{}#&*!|>\'"%@`']);

function plainScalar(text: string, inFlow: boolean): unknown {
  if (text === '') giveUp();
  if (PLAIN_FIRST_EXCLUDED.has(text[0] ?? '') && !DECIMAL.test(text)) giveUp();
  if (text.includes(': ') || text.endsWith(':')) giveUp();
  if (inFlow && /[,[\]{}]/.test(text)) giveUp(); // a flow indicator inside (`:` is fine: 2001:db8::1)
  // Only text starting like a null, a boolean or a number can be one of them; most (names,
  // addresses with a letter first) are strings at once, without the regular expressions below.
  if (!MAYBE_NOT_STRING.has(text[0] ?? '')) return text;
  if (NULL.test(text)) return null;
  if (TRUE.test(text)) return true;
  if (FALSE.test(text)) return false;
  if (DECIMAL.test(text)) {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || Object.is(n, -0)) giveUp();
    return n;
  }
  if (OTHER_NUMBER.some((re) => re.test(text))) giveUp();
  return text;
}

/** A quoted scalar with nothing to unescape, or a plain one. */
function scalar(text: string, inFlow: boolean): unknown {
  const quote = text[0];
  if (quote === "'" || quote === '"') {
    const inner = text.slice(1, -1);
    // Single quotes escape only by doubling; double quotes have escapes of their own (left to yaml).
    if (text.length < 2 || text.at(-1) !== quote || inner.includes(quote)) giveUp();
    if (quote === '"' && inner.includes('\\')) giveUp();
    return inner;
  }
  return plainScalar(text, inFlow);
}

/**
 * A plain name; yaml limits implicit keys to 1024 characters, so long ones are left to it. Such a
 * name never reads as an array index, so a map's own key order (Object.keys) is its file order.
 */
const KEY_NAME = /^[A-Za-z_][A-Za-z0-9_./-]*$/;

function checkedKey(key: string): string {
  if (key.length > 1000 || !KEY_NAME.test(key) || key === '__proto__') giveUp();
  if (plainScalar(key, false) !== key) giveUp(); // `null`, `true`, ... are not string keys
  return key;
}

/** Reads the whole document; builds plain objects and arrays. */
class Reader {
  private at = 0;

  constructor(private readonly lines: Line[]) {}

  document(): unknown {
    const first = this.lines[0];
    if (!first) giveUp();
    const value = this.node(first.indent);
    if (this.at !== this.lines.length) giveUp();
    return value;
  }

  private static isItem(line: Line): boolean {
    return line.text === '-' || line.text.startsWith('- ');
  }

  /** The block node whose first line is the current one, at this indent. */
  private node(indent: number): unknown {
    const line = this.lines[this.at];
    if (!line || line.indent !== indent) giveUp();
    return Reader.isItem(line) ? this.sequence(indent) : this.map(indent);
  }

  /** After `key:` or `-` with nothing after it: a nested block, or null. */
  private nested(indent: number, sequenceMayAlign: boolean): unknown {
    const next = this.lines[this.at];
    if (!next || next.indent < indent) return null;
    if (next.indent > indent) return this.node(next.indent);
    // Same indent: only a sequence under a map key may sit there (`key:` then `- item`).
    return sequenceMayAlign && Reader.isItem(next) ? this.sequence(indent) : null;
  }

  /** Nothing may follow a finished entry more indented than the entry itself. */
  private endOfEntry(indent: number): void {
    const next = this.lines[this.at];
    if (next && next.indent > indent) giveUp();
  }

  private map(indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    for (let line = this.lines[this.at]; line?.indent === indent; line = this.lines[this.at]) {
      if (Reader.isItem(line)) giveUp();
      const m = KEY.exec(line.text);
      if (!m) giveUp();
      const key = checkedKey(m[1] ?? '');
      if (Object.hasOwn(map, key)) giveUp();
      this.at++;
      const rest = m[2];
      map[key] = rest === undefined ? this.nested(indent, true) : this.inline(rest);
      this.endOfEntry(indent);
    }
    return map;
  }

  private sequence(indent: number): unknown[] {
    const items: unknown[] = [];
    for (let line = this.lines[this.at]; line?.indent === indent; line = this.lines[this.at]) {
      if (!Reader.isItem(line)) break;
      if (line.text === '-') {
        this.at++;
        items.push(this.nested(indent, false));
        this.endOfEntry(indent);
        continue;
      }
      // `- content`: the content sits at its own column, as if it began a line there.
      const content = line.text.slice(2);
      const column = indent + 2 + (content.length - content.trimStart().length);
      const text = content.trimStart();
      if (KEY.test(text) || Reader.isItem({ indent: column, text })) {
        this.lines[this.at] = { indent: column, text };
        items.push(this.node(column));
      } else {
        this.at++;
        items.push(this.inline(text));
      }
      this.endOfEntry(indent);
    }
    return items;
  }

  /** A value on the line itself: a one-line flow collection or a scalar. */
  private inline(text: string): unknown {
    if (text[0] === '{' || text[0] === '[') {
      const flow = new FlowReader(text);
      const value = flow.value();
      flow.end();
      return value;
    }
    return scalar(text, false);
  }
}

/** One line's flow collection: `{a: b, c: [d, e]}`. */
class FlowReader {
  private at = 0;

  constructor(private readonly text: string) {}

  end(): void {
    this.blanks();
    if (this.at !== this.text.length) giveUp();
  }

  private blanks(): void {
    while (this.text[this.at] === ' ') this.at++;
  }

  value(): unknown {
    this.blanks();
    const c = this.text[this.at];
    if (c === '{') return this.map();
    if (c === '[') return this.sequence();
    // A scalar runs to the next separator; quoted ones may not contain one (left to yaml).
    const start = this.at;
    while (this.at < this.text.length && !',]}'.includes(this.text[this.at] ?? '')) this.at++;
    return scalar(this.text.slice(start, this.at).trimEnd(), true);
  }

  private map(): Record<string, unknown> {
    this.at++; // {
    const map: Record<string, unknown> = {};
    this.blanks();
    if (this.text[this.at] === '}') {
      this.at++;
      return map;
    }
    for (;;) {
      this.blanks();
      const colon = this.text.indexOf(': ', this.at);
      if (colon < 0) giveUp();
      const key = checkedKey(this.text.slice(this.at, colon));
      if (Object.hasOwn(map, key)) giveUp();
      this.at = colon + 2;
      map[key] = this.value();
      this.blanks();
      const c = this.text[this.at++];
      if (c === '}') return map;
      if (c !== ',') giveUp();
    }
  }

  private sequence(): unknown[] {
    this.at++; // [
    const items: unknown[] = [];
    this.blanks();
    if (this.text[this.at] === ']') {
      this.at++;
      return items;
    }
    for (;;) {
      items.push(this.value());
      this.blanks();
      const c = this.text[this.at++];
      if (c === ']') return items;
      if (c !== ',') giveUp();
    }
  }
}

function splitLines(text: string): Line[] {
  if (text.includes('\t') || text.includes('\r') || text.startsWith('\uFEFF')) giveUp();
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    const trimmed = raw.trimEnd();
    let body = trimmed.trimStart();
    if (body === '' || body.startsWith('#')) continue;
    const comment = body.indexOf(' #');
    if (comment >= 0) {
      // A trailing comment ends a plain value; inside quotes it would not be one.
      if (body.includes("'") || body.includes('"')) giveUp();
      body = body.slice(0, comment).trimEnd();
    }
    if (body.includes('#')) giveUp(); // `a#b`: left to yaml
    lines.push({ indent: trimmed.length - trimmed.trimStart().length, text: body });
  }
  return lines;
}

export function parsePlainYaml(text: string): PlainYaml | undefined {
  let reader: Reader;
  let value: unknown;
  try {
    reader = new Reader(splitLines(text));
    value = reader.document();
  } catch (err) {
    // A RangeError is the stack running out on a document nested thousands deep (`[[[[…`): that
    // is outside the subset too, and yaml reports it as an error instead of throwing.
    if (err instanceof OutsideSubset || err instanceof RangeError) return undefined;
    throw err;
  }
  return {
    value,
    keyOrder(path) {
      let here: unknown = value;
      for (const segment of path) {
        if (Array.isArray(here) && typeof segment === 'number') here = here[segment];
        else if (here !== null && typeof here === 'object' && Object.hasOwn(here, segment))
          here = (here as Record<string, unknown>)[String(segment)];
        else return [];
      }
      // checkedKey admits no index-like key, so own-key order is insertion (file) order.
      return here !== null && typeof here === 'object' && !Array.isArray(here) ? Object.keys(here) : [];
    },
  };
}
