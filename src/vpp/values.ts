// What decoded VPP messages look like in JavaScript, and small typed accessors so callers never
// need `any`: integers are numbers (u64/i64 are bigints), bool is boolean, strings are strings,
// u8 arrays are Uint8Array, enums are numbers, typedefs are nested objects, unions are objects with
// every member decoded from the same bytes.

import { VppDecodeError } from './errors.js';

export type VppValue = number | bigint | boolean | string | Uint8Array | readonly VppValue[] | VppStruct;

export interface VppStruct {
  readonly [field: string]: VppValue;
}

/** Input for encoding: like VppValue, but any field may be left out (it is then zero on the wire). */
export type VppInput = number | bigint | boolean | string | Uint8Array | readonly VppInput[] | VppFields;

export interface VppFields {
  readonly [field: string]: VppInput | undefined;
}

function fieldError(msg: string, field: string, want: string, got: unknown): VppDecodeError {
  return new VppDecodeError(`${msg}: field ${field} is ${typeof got}, expected ${want}`, msg);
}

export function isStruct(v: VppValue | undefined): v is VppStruct {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

export function getNumber(s: VppStruct, field: string, msg = 'message'): number {
  const v = s[field];
  if (typeof v !== 'number') throw fieldError(msg, field, 'number', v);
  return v;
}

export function getBool(s: VppStruct, field: string, msg = 'message'): boolean {
  const v = s[field];
  if (typeof v !== 'boolean') throw fieldError(msg, field, 'boolean', v);
  return v;
}

export function getString(s: VppStruct, field: string, msg = 'message'): string {
  const v = s[field];
  if (typeof v !== 'string') throw fieldError(msg, field, 'string', v);
  return v;
}

export function getBytes(s: VppStruct, field: string, msg = 'message'): Uint8Array {
  const v = s[field];
  if (!(v instanceof Uint8Array)) throw fieldError(msg, field, 'bytes', v);
  return v;
}

export function getStruct(s: VppStruct, field: string, msg = 'message'): VppStruct {
  const v = s[field];
  if (!isStruct(v)) throw fieldError(msg, field, 'struct', v);
  return v;
}

export function getArray(s: VppStruct, field: string, msg = 'message'): readonly VppValue[] {
  const v = s[field];
  if (!Array.isArray(v)) throw fieldError(msg, field, 'array', v);
  return v as readonly VppValue[];
}
