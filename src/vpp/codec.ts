// The binary codec, driven entirely by `.api.json` definitions: no message is encoded by hand.
// Wire rules (docs/vpp-lb.md §Wire rules; vpp_papi's vpp_serializer.py): packed C structs, big-endian
// integers, bool as one byte, enums as an integer of their declared width (u32 when undeclared),
// fixed arrays, variable arrays whose length is an earlier count field, `string[N]` NUL-padded,
// variable `string` as u32 length + bytes, unions as big as their largest member, aliases and nested
// typedefs inline. Fields left out encode as zero: VPP applies no `[default=...]` on the wire, so
// neither do we (callers that need a default must send it, e.g. new_flows_table_length).
// Decoding never trusts the input: every read is bounds-checked and fails with a VppDecodeError.

import type { ApiField, ApiFieldOptions } from './defs/api-json.js';
import { bareTypeName, type ApiDefinitions, type ApiScope, type MessageDefinition } from './defs/registry.js';
import { VppDecodeError, VppDefinitionError, VppEncodeError } from './errors.js';
import type { VppFields, VppInput, VppStruct, VppValue } from './values.js';

type IntType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32';
type ScalarType = IntType | 'u64' | 'i64' | 'f64' | 'bool';

const SCALAR_SIZE: Readonly<Record<ScalarType, number>> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  u64: 8,
  i64: 8,
  f64: 8,
  bool: 1,
};

const INT_RANGE: Readonly<Record<IntType, readonly [number, number]>> = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
};

function isScalar(t: string): t is ScalarType {
  return Object.hasOwn(SCALAR_SIZE, t);
}

function isIntType(t: string): t is IntType {
  return Object.hasOwn(INT_RANGE, t);
}

/** A compiled type. Every layout except a struct with variable parts has a fixed size. */
export type Layout =
  | { readonly kind: 'scalar'; readonly type: ScalarType; readonly size: number }
  | {
      readonly kind: 'enum';
      readonly name: string;
      readonly width: IntType;
      readonly values: ReadonlyMap<string, number>;
      readonly size: number;
    }
  | { readonly kind: 'array'; readonly element: Layout; readonly length: number; readonly size: number }
  | { readonly kind: 'string'; readonly length: number; readonly size: number }
  | {
      readonly kind: 'union';
      readonly name: string;
      readonly members: readonly FieldLayout[];
      readonly size: number;
    }
  | StructLayout;

export interface StructLayout {
  readonly kind: 'struct';
  readonly name: string;
  readonly fields: readonly FieldLayout[];
  /** undefined when the struct holds a variable array or string. */
  readonly size: number | undefined;
  /** The smallest possible encoding (variable parts empty). */
  readonly minSize: number;
  /** count field → the variable array it counts. */
  readonly countOf: ReadonlyMap<string, string>;
}

export type FieldLayout =
  | { readonly name: string; readonly shape: 'single'; readonly layout: Layout }
  | {
      readonly name: string;
      readonly shape: 'var-array';
      readonly element: Layout;
      readonly countField: string;
    }
  /** A legacy `T x[0]` without a count field: takes the rest of the message. */
  | { readonly name: string; readonly shape: 'rest-array'; readonly element: Layout }
  | { readonly name: string; readonly shape: 'var-string' };

function fixedSize(l: Layout): number | undefined {
  return l.size;
}

function minSize(l: Layout): number {
  return l.kind === 'struct' ? l.minSize : l.size;
}

function fieldMinSize(f: FieldLayout): number {
  switch (f.shape) {
    case 'single':
      return minSize(f.layout);
    case 'var-string':
      return 4;
    default:
      return 0;
  }
}

/** Splits `[type, name, length?, countField?, options?]`. */
function parseField(f: ApiField): { type: string; name: string; length?: number; countField?: string } {
  const [type, name, ...rest] = f as readonly [string, string, ...(number | string | ApiFieldOptions)[]];
  const length = rest.find((x): x is number => typeof x === 'number');
  const countField = rest.find((x): x is string => typeof x === 'string');
  return {
    type,
    name,
    ...(length !== undefined && { length }),
    ...(countField !== undefined && { countField }),
  };
}

/** Turns definitions into layouts, resolving names in the message's own file first. */
class LayoutCompiler {
  private readonly resolving: string[] = [];

  constructor(private readonly defs: ApiDefinitions) {}

  struct(name: string, fields: readonly ApiField[], scope: ApiScope): StructLayout {
    const out: FieldLayout[] = [];
    const countOf = new Map<string, string>();
    let size: number | undefined = 0;
    let min = 0;
    for (const raw of fields) {
      const f = this.field(raw, scope, `${name}.${parseField(raw).name}`);
      if (f.shape === 'var-array') {
        if (!out.some((o) => o.name === f.countField))
          throw new VppDefinitionError(`${name}.${f.name}: count field ${f.countField} must come before it`);
        countOf.set(f.countField, f.name);
      }
      out.push(f);
      const fs = f.shape === 'single' ? fixedSize(f.layout) : undefined;
      size = size === undefined || fs === undefined ? undefined : size + fs;
      min += fieldMinSize(f);
    }
    return { kind: 'struct', name, fields: out, size, minSize: min, countOf };
  }

  private field(raw: ApiField, scope: ApiScope, where: string): FieldLayout {
    const { type, name, length, countField } = parseField(raw);
    if (type === 'string') {
      if (length !== undefined && length > 0) return { name, shape: 'single', layout: stringLayout(length) };
      return { name, shape: 'var-string' };
    }
    const element = this.type(type, scope, where);
    if (countField !== undefined) return { name, shape: 'var-array', element, countField };
    if (length === undefined) return { name, shape: 'single', layout: element };
    if (length === 0) return { name, shape: 'rest-array', element };
    return { name, shape: 'single', layout: arrayLayout(element, length, where) };
  }

  type(type: string, scope: ApiScope, where: string): Layout {
    if (isScalar(type)) return { kind: 'scalar', type, size: SCALAR_SIZE[type] };
    const def = this.defs.type(type, scope);
    if (!def) throw new VppDefinitionError(`${where}: unknown type ${type}`);
    const key = `${def.scope.source}:${def.name}`;
    if (this.resolving.includes(key)) throw new VppDefinitionError(`${where}: type ${type} refers to itself`);
    this.resolving.push(key);
    try {
      switch (def.kind) {
        case 'struct':
          return this.struct(def.name, def.fields, def.scope);
        case 'union': {
          const members: FieldLayout[] = [];
          let size = 0;
          for (const raw of def.fields) {
            const m = this.field(raw, def.scope, `${def.name}.${parseField(raw).name}`);
            const ms = m.shape === 'single' ? fixedSize(m.layout) : undefined;
            if (ms === undefined)
              throw new VppDefinitionError(`union ${def.name}: member ${m.name} has no fixed size`);
            size = Math.max(size, ms);
            members.push(m);
          }
          return { kind: 'union', name: def.name, members, size };
        }
        case 'enum': {
          if (!isIntType(def.enumtype))
            throw new VppDefinitionError(`enum ${def.name}: unsupported enumtype ${def.enumtype}`);
          return {
            kind: 'enum',
            name: def.name,
            width: def.enumtype,
            values: def.values,
            size: SCALAR_SIZE[def.enumtype],
          };
        }
        case 'alias': {
          const { type: target, length } = def.alias;
          if (target === 'string') {
            if (!length) throw new VppDefinitionError(`alias ${def.name}: a string alias needs a length`);
            return stringLayout(length);
          }
          const base = this.type(target, def.scope, `alias ${def.name}`);
          return length ? arrayLayout(base, length, `alias ${def.name}`) : base;
        }
      }
    } finally {
      this.resolving.pop();
    }
  }
}

function stringLayout(length: number): Layout {
  return { kind: 'string', length, size: length };
}

function arrayLayout(element: Layout, length: number, where: string): Layout {
  const es = fixedSize(element);
  if (es === undefined) throw new VppDefinitionError(`${where}: fixed array of a variable-size type`);
  return { kind: 'array', element, length, size: es * length };
}

// ---------------------------------------------------------------------------------------------
// Encoding

class Writer {
  buf: Buffer;
  off = 0;

  constructor(initial: number) {
    this.buf = Buffer.alloc(Math.max(16, initial));
  }

  ensure(n: number): void {
    if (this.off + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.off + n));
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }

  /** Moves forward n bytes, leaving zeros (the buffer is zero-filled and never rewound past data). */
  skip(n: number): void {
    this.ensure(n);
    this.off += n;
  }

  result(): Buffer {
    return this.buf.subarray(0, this.off);
  }
}

function encodeError(path: string, what: string, msg: string): VppEncodeError {
  return new VppEncodeError(`${path}: ${what}`, msg);
}

interface EncodeCtx {
  readonly msg: string;
}

function isFieldsObject(v: unknown): v is VppFields {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function writeInt(w: Writer, type: IntType, v: number): void {
  w.ensure(SCALAR_SIZE[type]);
  const b = w.buf;
  switch (type) {
    case 'u8':
      b.writeUInt8(v, w.off);
      break;
    case 'i8':
      b.writeInt8(v, w.off);
      break;
    case 'u16':
      b.writeUInt16BE(v, w.off);
      break;
    case 'i16':
      b.writeInt16BE(v, w.off);
      break;
    case 'u32':
      b.writeUInt32BE(v, w.off);
      break;
    case 'i32':
      b.writeInt32BE(v, w.off);
      break;
  }
  w.off += SCALAR_SIZE[type];
}

function checkInt(type: IntType, v: VppInput | undefined, path: string, ctx: EncodeCtx): number {
  if (v === undefined) return 0;
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n))
    throw encodeError(path, `expected an integer (${type}), got ${describe(v)}`, ctx.msg);
  const [lo, hi] = INT_RANGE[type];
  if (n < lo || n > hi) throw encodeError(path, `${n} is out of range for ${type}`, ctx.msg);
  return n;
}

function describe(v: unknown): string {
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined) return String(v);
  return typeof v === 'object' ? 'an object' : typeof v;
}

function encodeScalar(
  w: Writer,
  type: ScalarType,
  v: VppInput | undefined,
  path: string,
  ctx: EncodeCtx,
): void {
  if (type === 'bool') {
    if (v !== undefined && typeof v !== 'boolean' && v !== 0 && v !== 1)
      throw encodeError(path, `expected a boolean, got ${describe(v)}`, ctx.msg);
    w.ensure(1);
    w.buf[w.off++] = v === true || v === 1 ? 1 : 0;
    return;
  }
  if (type === 'u64' || type === 'i64') {
    let big: bigint;
    if (v === undefined) big = 0n;
    else if (typeof v === 'bigint') big = v;
    else if (typeof v === 'number' && Number.isSafeInteger(v)) big = BigInt(v);
    else throw encodeError(path, `expected an integer (${type}), got ${describe(v)}`, ctx.msg);
    const ok = type === 'u64' ? big >= 0n && big < 1n << 64n : big >= -(1n << 63n) && big < 1n << 63n;
    if (!ok) throw encodeError(path, `${big} is out of range for ${type}`, ctx.msg);
    w.ensure(8);
    if (type === 'u64') w.buf.writeBigUInt64BE(big, w.off);
    else w.buf.writeBigInt64BE(big, w.off);
    w.off += 8;
    return;
  }
  if (type === 'f64') {
    if (v !== undefined && typeof v !== 'number')
      throw encodeError(path, `expected a number, got ${describe(v)}`, ctx.msg);
    // vpp_papi packs f64 in native (little-endian) order, the one exception to big-endian.
    w.ensure(8);
    w.buf.writeDoubleLE(v ?? 0, w.off);
    w.off += 8;
    return;
  }
  writeInt(w, type, checkInt(type, v, path, ctx));
}

function encodeLayout(w: Writer, l: Layout, v: VppInput | undefined, path: string, ctx: EncodeCtx): void {
  switch (l.kind) {
    case 'scalar':
      encodeScalar(w, l.type, v, path, ctx);
      return;
    case 'enum': {
      let n: VppInput | undefined = v;
      if (typeof v === 'string') {
        n = l.values.get(v);
        if (n === undefined) throw encodeError(path, `${v} is not a value of enum ${l.name}`, ctx.msg);
      }
      writeInt(w, l.width, checkInt(l.width, n, path, ctx));
      return;
    }
    case 'string': {
      if (v !== undefined && typeof v !== 'string')
        throw encodeError(path, `expected a string, got ${describe(v)}`, ctx.msg);
      const bytes = Buffer.from(v ?? '', 'utf8');
      if (bytes.length > l.length - 1)
        throw encodeError(path, `string of ${bytes.length} bytes does not fit string[${l.length}]`, ctx.msg);
      const start = w.off;
      w.skip(l.length);
      bytes.copy(w.buf, start);
      return;
    }
    case 'array':
      encodeFixedArray(w, l, v, path, ctx);
      return;
    case 'union': {
      if (v !== undefined && !isFieldsObject(v))
        throw encodeError(path, `expected a union object, got ${describe(v)}`, ctx.msg);
      const start = w.off;
      w.skip(l.size);
      const end = w.off;
      if (v) {
        for (const key of Object.keys(v)) {
          if (!l.members.some((m) => m.name === key))
            throw encodeError(`${path}.${key}`, `not a member of ${l.name}`, ctx.msg);
        }
        // Members given are written at offset 0, one over the other: with one member (the usual
        // case) the rest stays zero; a decoded union (every member) re-encodes to the same bytes.
        for (const m of l.members) {
          if (v[m.name] === undefined || m.shape !== 'single') continue;
          w.off = start;
          encodeLayout(w, m.layout, v[m.name], `${path}.${m.name}`, ctx);
        }
      }
      w.off = end;
      return;
    }
    case 'struct':
      if (v !== undefined && !isFieldsObject(v))
        throw encodeError(path, `expected an object, got ${describe(v)}`, ctx.msg);
      encodeStruct(w, l, v ?? {}, path, ctx);
      return;
  }
}

function encodeFixedArray(
  w: Writer,
  l: Extract<Layout, { kind: 'array' }>,
  v: VppInput | undefined,
  path: string,
  ctx: EncodeCtx,
): void {
  const start = w.off;
  w.skip(l.size);
  const end = w.off;
  if (v === undefined) return;
  if (isBytes(l.element)) {
    const bytes = toBytes(v, path, ctx);
    if (bytes.length > l.length)
      throw encodeError(path, `${bytes.length} bytes do not fit u8[${l.length}]`, ctx.msg);
    w.buf.set(bytes, start);
    return;
  }
  if (!Array.isArray(v)) throw encodeError(path, `expected an array, got ${describe(v)}`, ctx.msg);
  const items = v as readonly VppInput[];
  if (items.length > l.length)
    throw encodeError(path, `${items.length} elements do not fit [${l.length}]`, ctx.msg);
  w.off = start;
  items.forEach((item, i) => encodeLayout(w, l.element, item, `${path}[${i}]`, ctx));
  w.off = end;
}

function isBytes(l: Layout): boolean {
  return l.kind === 'scalar' && l.type === 'u8';
}

function toBytes(v: VppInput, path: string, ctx: EncodeCtx): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 255))
    return Uint8Array.from(v as readonly number[]);
  throw encodeError(path, `expected bytes, got ${describe(v)}`, ctx.msg);
}

function lengthOf(v: VppInput | undefined, path: string, ctx: EncodeCtx): number {
  if (v === undefined) return 0;
  if (v instanceof Uint8Array || Array.isArray(v)) return v.length;
  throw encodeError(path, `expected an array, got ${describe(v)}`, ctx.msg);
}

function encodeStruct(w: Writer, l: StructLayout, v: VppFields, path: string, ctx: EncodeCtx): void {
  for (const key of Object.keys(v)) {
    if (v[key] !== undefined && !l.fields.some((f) => f.name === key))
      throw encodeError(`${path}.${key}`, `${l.name} has no such field`, ctx.msg);
  }
  for (const f of l.fields) {
    const fp = `${path}.${f.name}`;
    const value = v[f.name];
    const counted = l.countOf.get(f.name);
    if (counted !== undefined && f.shape === 'single') {
      const actual = lengthOf(v[counted], `${path}.${counted}`, ctx);
      if (value !== undefined && value !== actual)
        throw encodeError(fp, `count ${describe(value)} but ${counted} has ${actual} elements`, ctx.msg);
      encodeLayout(w, f.layout, actual, fp, ctx);
      continue;
    }
    switch (f.shape) {
      case 'single':
        encodeLayout(w, f.layout, value, fp, ctx);
        break;
      case 'var-string': {
        if (value !== undefined && typeof value !== 'string')
          throw encodeError(fp, `expected a string, got ${describe(value)}`, ctx.msg);
        const bytes = Buffer.from(value ?? '', 'utf8');
        writeInt(w, 'u32', bytes.length);
        w.ensure(bytes.length);
        bytes.copy(w.buf, w.off);
        w.off += bytes.length;
        break;
      }
      case 'var-array':
      case 'rest-array': {
        if (value === undefined) break;
        if (isBytes(f.element)) {
          const bytes = toBytes(value, fp, ctx);
          w.ensure(bytes.length);
          w.buf.set(bytes, w.off);
          w.off += bytes.length;
          break;
        }
        if (!Array.isArray(value))
          throw encodeError(fp, `expected an array, got ${describe(value)}`, ctx.msg);
        (value as readonly VppInput[]).forEach((item, i) =>
          encodeLayout(w, f.element, item, `${fp}[${i}]`, ctx),
        );
        break;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding

class Reader {
  off = 0;
  constructor(
    readonly buf: Buffer,
    readonly msg: string,
  ) {}

  need(n: number, path: string): void {
    if (this.off + n > this.buf.length)
      throw new VppDecodeError(
        `${this.msg}: truncated at ${path} (needs ${n} bytes at offset ${this.off}, message has ${this.buf.length})`,
        this.msg,
      );
  }

  get remaining(): number {
    return this.buf.length - this.off;
  }
}

function readInt(r: Reader, type: IntType, path: string): number {
  const size = SCALAR_SIZE[type];
  r.need(size, path);
  const b = r.buf;
  const o = r.off;
  r.off += size;
  switch (type) {
    case 'u8':
      return b.readUInt8(o);
    case 'i8':
      return b.readInt8(o);
    case 'u16':
      return b.readUInt16BE(o);
    case 'i16':
      return b.readInt16BE(o);
    case 'u32':
      return b.readUInt32BE(o);
    case 'i32':
      return b.readInt32BE(o);
  }
}

function decodeScalar(r: Reader, type: ScalarType, path: string): VppValue {
  switch (type) {
    case 'bool':
      r.need(1, path);
      return r.buf[r.off++] !== 0;
    case 'u64':
    case 'i64': {
      r.need(8, path);
      const v = type === 'u64' ? r.buf.readBigUInt64BE(r.off) : r.buf.readBigInt64BE(r.off);
      r.off += 8;
      return v;
    }
    case 'f64': {
      r.need(8, path);
      const v = r.buf.readDoubleLE(r.off);
      r.off += 8;
      return v;
    }
    default:
      return readInt(r, type, path);
  }
}

function decodeLayout(r: Reader, l: Layout, path: string): VppValue {
  switch (l.kind) {
    case 'scalar':
      return decodeScalar(r, l.type, path);
    case 'enum':
      return readInt(r, l.width, path);
    case 'string': {
      r.need(l.length, path);
      const raw = r.buf.subarray(r.off, r.off + l.length);
      r.off += l.length;
      const nul = raw.indexOf(0);
      return raw.toString('utf8', 0, nul < 0 ? raw.length : nul);
    }
    case 'array': {
      r.need(l.size, path);
      if (isBytes(l.element)) {
        const bytes = new Uint8Array(r.buf.subarray(r.off, r.off + l.length));
        r.off += l.length;
        return bytes;
      }
      const out: VppValue[] = [];
      for (let i = 0; i < l.length; i++) out.push(decodeLayout(r, l.element, `${path}[${i}]`));
      return out;
    }
    case 'union': {
      r.need(l.size, path);
      const start = r.off;
      const out: Record<string, VppValue> = {};
      for (const m of l.members) {
        if (m.shape !== 'single') continue;
        r.off = start;
        out[m.name] = decodeLayout(r, m.layout, `${path}.${m.name}`);
      }
      r.off = start + l.size;
      return out;
    }
    case 'struct':
      return decodeStruct(r, l, path);
  }
}

function decodeArray(r: Reader, element: Layout, count: number, path: string): VppValue {
  // Check the whole array fits before allocating anything: a corrupt count must not cost memory.
  const min = minSize(element);
  if (count * min > r.remaining)
    throw new VppDecodeError(
      `${r.msg}: truncated at ${path} (${count} elements do not fit in ${r.remaining} bytes)`,
      r.msg,
    );
  if (isBytes(element)) {
    const bytes = new Uint8Array(r.buf.subarray(r.off, r.off + count));
    r.off += count;
    return bytes;
  }
  const out: VppValue[] = [];
  for (let i = 0; i < count; i++) out.push(decodeLayout(r, element, `${path}[${i}]`));
  return out;
}

function decodeStruct(r: Reader, l: StructLayout, path: string): VppStruct {
  const out: Record<string, VppValue> = {};
  for (const f of l.fields) {
    const fp = `${path}.${f.name}`;
    switch (f.shape) {
      case 'single':
        out[f.name] = decodeLayout(r, f.layout, fp);
        break;
      case 'var-string': {
        const n = readInt(r, 'u32', fp);
        r.need(n, fp);
        out[f.name] = r.buf.toString('utf8', r.off, r.off + n);
        r.off += n;
        break;
      }
      case 'var-array': {
        const raw = out[f.countField];
        const count = typeof raw === 'bigint' ? Number(raw) : raw;
        if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0)
          throw new VppDecodeError(`${r.msg}: count field ${f.countField} of ${fp} is not an integer`, r.msg);
        out[f.name] = decodeArray(r, f.element, count, fp);
        break;
      }
      case 'rest-array': {
        const size = fixedSize(f.element) ?? 1;
        out[f.name] = decodeArray(r, f.element, Math.floor(r.remaining / Math.max(1, size)), fp);
        break;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Messages

/** A message's compiled encoder/decoder. */
export class MessageCodec {
  /** `lb_add_del_vip_6fa569c7`, the key in VPP's message table. */
  readonly nameCrc: string;
  readonly fieldNames: ReadonlySet<string>;

  constructor(
    readonly name: string,
    readonly crc: string,
    readonly layout: StructLayout,
  ) {
    this.nameCrc = `${name}_${crc}`;
    this.fieldNames = new Set(layout.fields.map((f) => f.name));
  }

  /** Encoded size when the message has no variable parts. */
  get fixedSize(): number | undefined {
    return this.layout.size;
  }

  /** The shortest valid encoding; anything shorter is truncated (VPP drops it). */
  get minSize(): number {
    return this.layout.minSize;
  }

  hasField(name: string): boolean {
    return this.fieldNames.has(name);
  }

  encode(fields: VppFields): Buffer {
    const w = new Writer(this.layout.size ?? this.layout.minSize + 64);
    encodeStruct(w, this.layout, fields, this.name, { msg: this.name });
    return w.result();
  }

  /** Decodes one message (trailing bytes are ignored, as VPP does). Throws VppDecodeError. */
  decode(payload: Uint8Array): VppStruct {
    const buf = Buffer.isBuffer(payload)
      ? payload
      : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    return decodeStruct(new Reader(buf, this.name), this.layout, this.name);
  }
}

const compiled = new WeakMap<ApiDefinitions, WeakMap<MessageDefinition, MessageCodec>>();

/** Compiles (once per definition set) the codec for one message definition. */
export function compileMessage(def: MessageDefinition, defs: ApiDefinitions): MessageCodec {
  let perDefs = compiled.get(defs);
  if (!perDefs) compiled.set(defs, (perDefs = new WeakMap()));
  let codec = perDefs.get(def);
  if (!codec) {
    const layout = new LayoutCompiler(defs).struct(def.name, def.fields, def.scope);
    if (layout.fields[0]?.name !== '_vl_msg_id')
      throw new VppDefinitionError(`message ${def.name}: the first field must be _vl_msg_id`);
    codec = new MessageCodec(def.name, def.crc, layout);
    perDefs.set(def, codec);
  }
  return codec;
}

/** Compiles a named type on its own (tests, tools). */
export function compileType(type: string, defs: ApiDefinitions): Layout {
  return new LayoutCompiler(defs).type(
    type,
    defs.scopes[0] ?? emptyScopeError(type),
    `type ${bareTypeName(type)}`,
  );
}

function emptyScopeError(type: string): never {
  throw new VppDefinitionError(`no definitions to resolve ${type}`);
}

/** Encodes a single value of a layout (tests and tools). */
export function encodeValue(layout: Layout, value: VppInput | undefined): Buffer {
  const w = new Writer(layout.size ?? 64);
  encodeLayout(w, layout, value, 'value', { msg: 'value' });
  return w.result();
}

/** Decodes a single value of a layout (tests and tools). */
export function decodeValue(layout: Layout, bytes: Uint8Array): VppValue {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return decodeLayout(new Reader(buf, 'value'), layout, 'value');
}
