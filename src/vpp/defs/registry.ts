// Definitions merged from several sources, highest priority first: VPP's own `get_api_json`, then
// the installed `/usr/share/vpp/api/**/*.api.json`, then our built-in set. A message can have
// several candidate definitions (one per CRC); the client picks the one whose `name_crc` the running
// VPP lists, so a newer lb plugin and an older one can both be spoken. Types are looked up in the
// message's own file first (every .api.json is self-contained), then in every file by priority.

import { VppDefinitionError } from '../errors.js';
import type {
  ApiAlias,
  ApiEnum,
  ApiField,
  ApiJsonFile,
  ApiMessage,
  ApiMessageMeta,
  ApiService,
  ApiStructType,
} from './api-json.js';

/** A file with the place it came from (`vpp:get_api_json`, a path, `builtin:...`). */
export interface SourcedApiFile {
  readonly source: string;
  readonly file: ApiJsonFile;
}

export type TypeDefinition =
  | {
      readonly kind: 'struct';
      readonly name: string;
      readonly fields: readonly ApiField[];
      readonly scope: ApiScope;
    }
  | {
      readonly kind: 'union';
      readonly name: string;
      readonly fields: readonly ApiField[];
      readonly scope: ApiScope;
    }
  | {
      readonly kind: 'enum';
      readonly name: string;
      readonly flags: boolean;
      readonly enumtype: string;
      readonly values: ReadonlyMap<string, number>;
      readonly scope: ApiScope;
    }
  | { readonly kind: 'alias'; readonly name: string; readonly alias: ApiAlias; readonly scope: ApiScope };

export interface MessageDefinition {
  readonly name: string;
  /** 8 lowercase hex digits, no `0x`, as in the message table's `name_crc` keys. */
  readonly crc: string;
  readonly fields: readonly ApiField[];
  readonly scope: ApiScope;
}

/** `0x6FA569C7` or `6fa569c7` → `6fa569c7`. */
export function normaliseCrc(crc: string): string {
  const hex = crc.toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]{1,8}$/.test(hex)) throw new VppDefinitionError(`invalid CRC ${JSON.stringify(crc)}`);
  return hex.padStart(8, '0');
}

/** `vl_api_address_t` → `address`; `u8` stays `u8`. */
export function bareTypeName(type: string): string {
  const m = /^vl_api_(.+)_t$/.exec(type);
  return m?.[1] ?? type;
}

function isMeta(x: ApiField | ApiMessageMeta): x is ApiMessageMeta {
  return !Array.isArray(x);
}

/** One file's definitions. */
export class ApiScope {
  readonly types = new Map<string, TypeDefinition>();
  readonly messages = new Map<string, MessageDefinition>();
  readonly services = new Map<string, ApiService>();

  constructor(
    readonly source: string,
    file: ApiJsonFile,
  ) {
    const where = (what: string): string => `${source}: ${what}`;
    for (const t of arrayOf(file.types, where('types'))) this.addStruct('struct', t, where);
    for (const u of arrayOf(file.unions, where('unions'))) this.addStruct('union', u, where);
    for (const e of arrayOf(file.enums, where('enums'))) this.addEnum(e, false, where);
    for (const e of arrayOf(file.enumflags, where('enumflags'))) this.addEnum(e, true, where);
    for (const [name, alias] of Object.entries(objectOf(file.aliases, where('aliases')))) {
      if (typeof alias !== 'object' || alias === null || typeof (alias as ApiAlias).type !== 'string')
        throw new VppDefinitionError(where(`alias ${name} has no type`));
      this.types.set(name, { kind: 'alias', name, alias: alias as ApiAlias, scope: this });
    }
    for (const m of arrayOf(file.messages, where('messages'))) this.addMessage(m, where);
    for (const [name, svc] of Object.entries(objectOf(file.services, where('services')))) {
      if (typeof svc === 'object' && svc !== null && typeof (svc as ApiService).reply === 'string')
        this.services.set(name, svc as ApiService);
    }
  }

  private addStruct(kind: 'struct' | 'union', t: ApiStructType, where: (w: string) => string): void {
    if (!Array.isArray(t) || typeof t[0] !== 'string')
      throw new VppDefinitionError(where(`malformed ${kind}`));
    const [name, ...fields] = t;
    for (const f of fields) checkField(f, where(`${kind} ${name}`));
    this.types.set(name, { kind, name, fields, scope: this });
  }

  private addEnum(e: ApiEnum, flags: boolean, where: (w: string) => string): void {
    if (!Array.isArray(e) || typeof e[0] !== 'string') throw new VppDefinitionError(where('malformed enum'));
    const [name, ...rest] = e;
    const values = new Map<string, number>();
    let enumtype = 'u32';
    for (const item of rest) {
      if (Array.isArray(item)) {
        const [sym, value] = item as unknown as readonly [unknown, unknown];
        if (typeof sym !== 'string' || typeof value !== 'number')
          throw new VppDefinitionError(where(`enum ${name}: malformed value`));
        values.set(sym, value);
      } else if (typeof item === 'object' && item !== null) {
        const t = (item as { enumtype?: unknown }).enumtype;
        if (typeof t === 'string') enumtype = t;
      }
    }
    this.types.set(name, { kind: 'enum', name, flags, enumtype, values, scope: this });
  }

  private addMessage(m: ApiMessage, where: (w: string) => string): void {
    if (!isList(m) || typeof m[0] !== 'string') throw new VppDefinitionError(where('malformed message'));
    const [name, ...rest] = m;
    const meta = rest.find(isMeta);
    if (!meta || typeof meta.crc !== 'string')
      throw new VppDefinitionError(where(`message ${name} has no crc`));
    const fields = rest.filter((x): x is ApiField => !isMeta(x));
    for (const f of fields) checkField(f, where(`message ${name}`));
    this.messages.set(name, { name, crc: normaliseCrc(meta.crc), fields, scope: this });
  }
}

function isList(v: unknown): v is readonly unknown[] {
  return Array.isArray(v);
}

function checkField(f: unknown, where: string): void {
  if (!Array.isArray(f) || typeof f[0] !== 'string' || typeof f[1] !== 'string')
    throw new VppDefinitionError(`${where}: malformed field ${JSON.stringify(f)}`);
}

function arrayOf<T>(v: readonly T[] | undefined, where: string): readonly T[] {
  if (v === undefined) return [];
  if (!isList(v)) throw new VppDefinitionError(`${where} is not an array`);
  return v;
}

function objectOf(v: object | undefined, where: string): Readonly<Record<string, unknown>> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new VppDefinitionError(`${where} is not an object`);
  return v as Readonly<Record<string, unknown>>;
}

export class ApiDefinitions {
  /** Highest priority first. */
  readonly scopes: readonly ApiScope[];

  constructor(files: readonly (SourcedApiFile | ApiScope)[]) {
    this.scopes = files.map((f) => (f instanceof ApiScope ? f : new ApiScope(f.source, f.file)));
  }

  /** Where the definitions came from, highest priority first. */
  get sources(): readonly string[] {
    return this.scopes.map((s) => s.source);
  }

  /** A new set with `files` ahead of everything already here (e.g. what VPP itself served). */
  withFirst(files: readonly SourcedApiFile[]): ApiDefinitions {
    return new ApiDefinitions([...files, ...this.scopes]);
  }

  /** Every definition of `name`, highest priority first, one per distinct CRC. */
  candidates(name: string): readonly MessageDefinition[] {
    const out: MessageDefinition[] = [];
    for (const s of this.scopes) {
      const m = s.messages.get(name);
      if (m && !out.some((o) => o.crc === m.crc)) out.push(m);
    }
    return out;
  }

  /** The definition of `name` with this CRC (or the highest-priority one when crc is omitted). */
  message(name: string, crc?: string): MessageDefinition | undefined {
    const want = crc === undefined ? undefined : normaliseCrc(crc);
    return this.candidates(name).find((m) => want === undefined || m.crc === want);
  }

  /** The services entry for a request (`{reply, stream}`), from the highest-priority file that has it. */
  service(request: string): ApiService | undefined {
    for (const s of this.scopes) {
      const svc = s.services.get(request);
      if (svc) return svc;
    }
    return undefined;
  }

  /** A named type (`address`, `vl_api_address_t`), looked up in `scope` first. */
  type(name: string, scope?: ApiScope): TypeDefinition | undefined {
    const bare = bareTypeName(name);
    const local = scope?.types.get(bare);
    if (local) return local;
    for (const s of this.scopes) {
      const t = s.types.get(bare);
      if (t) return t;
    }
    return undefined;
  }

  /** Every message name known, in no particular order. */
  messageNames(): Set<string> {
    const names = new Set<string>();
    for (const s of this.scopes) for (const n of s.messages.keys()) names.add(n);
    return names;
  }
}
