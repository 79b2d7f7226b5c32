// The `.api.json` format that VPP's vppapigen writes (src/tools/vppapigen/vppapigen_json.py), as
// TypeScript types. One object per `.api` file; every file is self-contained (types it imports are
// copied in). These types describe the JSON as it is, so files from VPP itself, from
// /usr/share/vpp/api and from our built-in set all go through the same code.

/** Options that may trail a field, e.g. `{"default": 1024}`. Only client tooling uses them. */
export interface ApiFieldOptions {
  readonly default?: unknown;
  readonly [option: string]: unknown;
}

/**
 * A field: `[type, name]`, `[type, name, N]` (fixed array or `string[N]`), `[type, name, 0, "count"]`
 * (variable array whose length is the earlier field `count`), `["string", name, 0]` (variable string),
 * each optionally followed by an options object.
 */
export type ApiField =
  | readonly [type: string, name: string]
  | readonly [type: string, name: string, options: ApiFieldOptions]
  | readonly [type: string, name: string, length: number]
  | readonly [type: string, name: string, length: number, options: ApiFieldOptions]
  | readonly [type: string, name: string, length: number, countField: string]
  | readonly [type: string, name: string, length: number, countField: string, options: ApiFieldOptions];

/** The trailing object of a message entry. CRC as `0x` + 8 hex digits. */
export interface ApiMessageMeta {
  readonly crc: string;
  readonly options?: Readonly<Record<string, unknown>>;
  readonly comment?: string | null;
}

/** `[name, field, field, ..., meta]`; the first field is always `["u16", "_vl_msg_id"]`. */
export type ApiMessage = readonly [name: string, ...rest: readonly (ApiField | ApiMessageMeta)[]];

/** A typedef or union: `[name, field, field, ...]`. */
export type ApiStructType = readonly [name: string, ...fields: readonly ApiField[]];

/** `{"enumtype": "u8"}`; without it an enum is a u32. */
export interface ApiEnumMeta {
  readonly enumtype?: string;
}

/** `[name, [SYMBOL, value], ..., {"enumtype": "u8"}]`. */
export type ApiEnum = readonly [name: string, ...rest: readonly (readonly [string, number] | ApiEnumMeta)[]];

/** `{"type": "u8", "length": 4}` or `{"type": "vl_api_prefix_t"}`. */
export interface ApiAlias {
  readonly type: string;
  readonly length?: number;
}

/** `{"reply": "lb_vip_details", "stream": true}` and friends. */
export interface ApiService {
  readonly reply: string;
  readonly stream?: boolean;
  readonly stream_msg?: string;
  readonly events?: readonly string[];
}

export interface ApiJsonFile {
  readonly types?: readonly ApiStructType[];
  readonly messages?: readonly ApiMessage[];
  readonly unions?: readonly ApiStructType[];
  readonly enums?: readonly ApiEnum[];
  readonly enumflags?: readonly ApiEnum[];
  readonly aliases?: Readonly<Record<string, ApiAlias>>;
  readonly services?: Readonly<Record<string, ApiService>>;
  readonly options?: Readonly<Record<string, string>>;
  /** The file CRC, e.g. `"0xac602d7b"`. */
  readonly vl_api_version?: string;
  readonly imports?: readonly string[];
  readonly counters?: readonly unknown[];
  readonly paths?: readonly unknown[];
}
