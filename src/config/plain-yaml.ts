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

export interface PlainYaml {
  /**
   * The document's value. Each map's own keys are in file order, as no key it admits reads as an
   * array index; parse.ts takes the order from there (key-order.ts, ownKeyOrder).
   */
  readonly value: unknown;
}

/** Thrown inside the reader when the text leaves the subset; never escapes parsePlainYaml. */
class OutsideSubset extends Error {}

function giveUp(): never {
  throw new OutsideSubset();
}

// Character codes the reader looks at. Only the space is a blank, as in YAML: JavaScript's trim
// would also take no-break spaces and the like, which YAML reads as content.
const SPACE = 0x20;
const HASH = 0x23;
const SINGLE_QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const DASH = 0x2d;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

// The core schema's readings of a plain scalar (yaml's schema/core and schema/common).
const DECIMAL = /^-?(?:0|[1-9][0-9]*)$/;
/** Every other number form, one alternative each, as one expression (one match, not six). */
const OTHER_NUMBER = new RegExp(
  `^(?:${[
    '[-+]?[0-9]+',
    '0o[0-7]+',
    '0x[0-9a-fA-F]+',
    '[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN',
    '[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)[eE][-+]?[0-9]+',
    '[-+]?(?:\\.[0-9]+|[0-9]+\\.[0-9]*)',
  ].join('|')})$`,
);
/** The first characters of every null, boolean and number the core schema knows. */
const MAYBE_NOT_STRING = '~nNtTfF0123456789+-.';
/** Characters a plain scalar may not start with (YAML's indicators), or that we leave to yaml. */
const PLAIN_FIRST_EXCLUDED = '-?:,[]{}#&*!|>\'"%@`';

function plainScalar(text: string, inFlow: boolean): unknown {
  if (text === '') giveUp();
  const first = text[0] ?? '';
  if (PLAIN_FIRST_EXCLUDED.includes(first) && !DECIMAL.test(text)) giveUp();
  // A colon before a blank or at the end would make it a key; a flow indicator inside a flow would
  // end it (a colon alone is fine: 2001:db8::1).
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === COLON && (i + 1 === text.length || text.charCodeAt(i + 1) === SPACE)) giveUp();
    if (
      inFlow &&
      (c === COMMA || c === OPEN_BRACKET || c === CLOSE_BRACKET || c === OPEN_BRACE || c === CLOSE_BRACE)
    )
      giveUp();
  }
  // Only text starting like a null, a boolean or a number can be one of them; most (names,
  // addresses with a letter first) are strings at once, without the tests below.
  if (!MAYBE_NOT_STRING.includes(first)) return text;
  switch (text) {
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
  }
  if (DECIMAL.test(text)) {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || Object.is(n, -0)) giveUp();
    return n;
  }
  if (OTHER_NUMBER.test(text)) giveUp();
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

/** Whether a key may hold this character: `[A-Za-z_]` first, then `[A-Za-z0-9_./-]`. */
function isKeyChar(c: number, first: boolean): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f) return true; // a-z A-Z _
  return !first && ((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2f || c === DASH); // 0-9 . / -
}

/**
 * The key in text[start, end): a plain name, checked character by character before it is copied
 * out. Such a name never reads as an array index, so a map's own key order (Object.keys) is its
 * file order. yaml limits implicit keys to 1024 characters, so long ones are left to it.
 */
function checkedKey(text: string, start: number, end: number): string {
  if (end <= start || end - start > 1000) giveUp();
  for (let i = start; i < end; i++) if (!isKeyChar(text.charCodeAt(i), i === start)) giveUp();
  const key = text.slice(start, end);
  if (key === '__proto__') giveUp();
  if (plainScalar(key, false) !== key) giveUp(); // `null`, `true`, ... are not string keys
  return key;
}

/** Whether text[start, end) is a sequence item: `-` alone, or `- ` and content. */
function isItem(text: string, start: number, end: number): boolean {
  return text.charCodeAt(start) === DASH && (start + 1 === end || text.charCodeAt(start + 1) === SPACE);
}

/**
 * The document's content lines, one at a time, without copying them: the current line's indent
 * and the bounds of its content (no indent, no trailing blanks, no comment) in the text. Blank
 * and comment lines are skipped. Reading lazily keeps nothing of a line alive once it is read.
 */
class Lines {
  /** The current line's indent; -1 past the last line, below every indent, so every block ends. */
  indent = -1;
  start = 0;
  end = 0;
  /** Where the next line begins. */
  private next = 0;
  /** The first `#` at or after some earlier line's start (text.length if none): found once, not per line. */
  private hash = -1;

  constructor(readonly text: string) {
    if (text.includes('\t') || text.includes('\r') || text.startsWith('\uFEFF')) giveUp();
    this.advance();
  }

  get done(): boolean {
    return this.indent < 0;
  }

  get isItem(): boolean {
    return isItem(this.text, this.start, this.end);
  }

  /** Reads the rest of the current line, from `start` on, as a line of its own at its own column. */
  restAt(start: number): void {
    this.indent += start - this.start;
    this.start = start;
  }

  advance(): void {
    const text = this.text;
    while (this.next < text.length) {
      const lineStart = this.next;
      const newline = text.indexOf('\n', lineStart);
      const lineEnd = newline < 0 ? text.length : newline;
      this.next = lineEnd + 1;
      let start = lineStart;
      while (start < lineEnd && text.charCodeAt(start) === SPACE) start++;
      if (start === lineEnd || text.charCodeAt(start) === HASH) continue;
      let end = lineEnd;
      if (this.hash < start) {
        const hash = text.indexOf('#', start);
        this.hash = hash < 0 ? text.length : hash;
      }
      if (this.hash < lineEnd) {
        // ` #` starts a comment, which ends a plain value; `a#b` is left to yaml, and so is a
        // comment after quotes (the `#` could be inside them).
        if (text.charCodeAt(this.hash - 1) !== SPACE) giveUp();
        for (let i = start; i < lineEnd; i++) {
          const c = text.charCodeAt(i);
          if (c === SINGLE_QUOTE || c === DOUBLE_QUOTE) giveUp();
        }
        end = this.hash;
      }
      while (text.charCodeAt(end - 1) === SPACE) end--; // stops at the content's first character
      this.indent = start - lineStart;
      this.start = start;
      this.end = end;
      return;
    }
    this.indent = -1;
  }
}

/** Reads the whole document; builds plain objects and arrays. */
class Reader {
  private readonly line: Lines;
  private readonly flow: FlowReader;

  constructor(private readonly text: string) {
    this.line = new Lines(text);
    this.flow = new FlowReader(text);
  }

  document(): unknown {
    if (this.line.done) giveUp();
    const value = this.node(this.line.indent);
    if (!this.line.done) giveUp();
    return value;
  }

  /** The block node whose first line is the current one, at this indent. */
  private node(indent: number): unknown {
    if (this.line.indent !== indent) giveUp();
    return this.line.isItem ? this.sequence(indent) : this.map(indent);
  }

  /** After `key:` or `-` with nothing after it: a nested block, or null. */
  private nested(indent: number, sequenceMayAlign: boolean): unknown {
    const next = this.line;
    if (next.indent < indent) return null;
    if (next.indent > indent) return this.node(next.indent);
    // Same indent: only a sequence under a map key may sit there (`key:` then `- item`).
    return sequenceMayAlign && next.isItem ? this.sequence(indent) : null;
  }

  /** Nothing may follow a finished entry more indented than the entry itself. */
  private endOfEntry(indent: number): void {
    if (this.line.indent > indent) giveUp();
  }

  private map(indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    const { line, text } = this;
    while (line.indent === indent) {
      if (line.isItem) giveUp();
      // `key:` or `key: value`: the key runs to the first colon, which ends the line or is
      // followed by a blank (checkedKey admits no blank or colon in the key itself).
      const colon = text.indexOf(':', line.start);
      if (colon < 0 || colon >= line.end) giveUp();
      const key = checkedKey(text, line.start, colon);
      if (Object.hasOwn(map, key)) giveUp();
      const end = line.end;
      let value = colon + 1;
      if (value === end) {
        line.advance();
        map[key] = this.nested(indent, true);
      } else {
        if (text.charCodeAt(value) !== SPACE) giveUp();
        while (text.charCodeAt(value) === SPACE) value++; // stops before `end`: no trailing blanks
        line.advance();
        map[key] = this.inline(value, end);
      }
      this.endOfEntry(indent);
    }
    return map;
  }

  /** Whether text[start, end) begins like a map entry: a key without blanks, a colon, then a blank or nothing. */
  private startsEntry(start: number, end: number): boolean {
    const text = this.text;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === COLON) return i > start && (i + 1 === end || text.charCodeAt(i + 1) === SPACE);
      if (c === SPACE) return false;
    }
    return false;
  }

  private sequence(indent: number): unknown[] {
    const items: unknown[] = [];
    const { line, text } = this;
    while (line.indent === indent) {
      if (!line.isItem) break;
      if (line.start + 1 === line.end) {
        line.advance();
        items.push(this.nested(indent, false));
        this.endOfEntry(indent);
        continue;
      }
      // `- content`: the content sits at its own column, as if it began a line there.
      let content = line.start + 2;
      while (text.charCodeAt(content) === SPACE) content++; // stops before the end: no trailing blanks
      const end = line.end;
      if (this.startsEntry(content, end) || isItem(text, content, end)) {
        line.restAt(content);
        items.push(this.node(line.indent));
      } else {
        line.advance();
        items.push(this.inline(content, end));
      }
      this.endOfEntry(indent);
    }
    return items;
  }

  /** A value in text[start, end), the rest of a line already read: a one-line flow collection or a scalar. */
  private inline(start: number, end: number): unknown {
    const c = this.text.charCodeAt(start);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) return this.flow.read(start, end);
    return scalar(this.text.slice(start, end), false);
  }
}

/** One line's flow collection: `{a: b, c: [d, e]}`. One reader serves every line of a document. */
class FlowReader {
  private at = 0;
  private end = 0;
  /** The key last read at each place in a flow map (first, second, ...). */
  private readonly lastKeys: string[] = [];

  constructor(private readonly text: string) {}

  /**
   * The collection in text[start, end), which holds nothing else. The scans (blanks, scalars) stop
   * at `end`; a single look at `end` itself is harmless: what sits there is a blank before a
   * comment or trailing blanks, a line break or nothing, never an indicator.
   */
  read(start: number, end: number): unknown {
    this.at = start;
    this.end = end;
    const value = this.value();
    this.blanks();
    if (this.at !== this.end) giveUp();
    return value;
  }

  private blanks(): void {
    while (this.at < this.end && this.text.charCodeAt(this.at) === SPACE) this.at++;
  }

  private value(): unknown {
    this.blanks();
    const c = this.text.charCodeAt(this.at);
    if (c === OPEN_BRACE) return this.map();
    if (c === OPEN_BRACKET) return this.sequence();
    // A scalar runs to the next separator; quoted ones may not contain one (left to yaml).
    const start = this.at;
    for (; this.at < this.end; this.at++) {
      const d = this.text.charCodeAt(this.at);
      if (d === COMMA || d === CLOSE_BRACKET || d === CLOSE_BRACE) break;
    }
    let end = this.at;
    while (end > start && this.text.charCodeAt(end - 1) === SPACE) end--;
    return scalar(this.text.slice(start, end), true);
  }

  private map(): Record<string, unknown> {
    this.at++; // {
    const map: Record<string, unknown> = {};
    this.blanks();
    if (this.text.charCodeAt(this.at) === CLOSE_BRACE) {
      this.at++;
      return map;
    }
    for (let entry = 0; ;) {
      this.blanks();
      const colon = this.text.indexOf(': ', this.at);
      if (colon < 0 || colon + 2 > this.end) giveUp();
      const key = this.key(entry++, colon);
      if (Object.hasOwn(map, key)) giveUp();
      this.at = colon + 2;
      map[key] = this.value();
      this.blanks();
      const c = this.text.charCodeAt(this.at++);
      if (c === CLOSE_BRACE) return map;
      if (c !== COMMA) giveUp();
    }
  }

  /**
   * The key from here to the colon. Flow maps on consecutive lines mostly repeat their keys in the
   * same places (`{address: ..., healthcheck: ...}`): the key last read at this place is used
   * again when the text matches, instead of a new copy of it.
   */
  private key(entry: number, colon: number): string {
    const last = this.lastKeys[entry];
    if (last !== undefined && colon - this.at === last.length && this.text.startsWith(last, this.at))
      return last;
    const key = checkedKey(this.text, this.at, colon);
    this.lastKeys[entry] = key;
    return key;
  }

  private sequence(): unknown[] {
    this.at++; // [
    const items: unknown[] = [];
    this.blanks();
    if (this.text.charCodeAt(this.at) === CLOSE_BRACKET) {
      this.at++;
      return items;
    }
    for (;;) {
      items.push(this.value());
      this.blanks();
      const c = this.text.charCodeAt(this.at++);
      if (c === CLOSE_BRACKET) return items;
      if (c !== COMMA) giveUp();
    }
  }
}

export function parsePlainYaml(text: string): PlainYaml | undefined {
  let reader: Reader;
  let value: unknown;
  try {
    reader = new Reader(text);
    value = reader.document();
  } catch (err) {
    // A RangeError is the stack running out on a document nested thousands deep (`[[[[…`): that
    // is outside the subset too, and yaml reports it as an error instead of throwing.
    if (err instanceof OutsideSubset || err instanceof RangeError) return undefined;
    throw err;
  }
  return { value };
}
