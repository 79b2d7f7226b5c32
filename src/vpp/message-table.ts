// VPP's message table, as the sockclnt_create reply gives it: `"<name>_<crc8>" → u16 id`. Every id
// except the bootstrap pair is dynamic (plugin ids depend on load order), so the table is rebuilt
// on every connect and never cached across VPP restarts (docs/vpp-lb.md §Handshake and the message table).

import { getArray, getNumber, getString, isStruct, type VppStruct } from './values.js';

export interface MessageTableEntry {
  readonly id: number;
  /** `lb_add_del_vip` */
  readonly name: string;
  /** `6fa569c7` */
  readonly crc: string;
  /** `lb_add_del_vip_6fa569c7` */
  readonly nameCrc: string;
}

/** `lb_add_del_vip_6fa569c7` → name and crc; undefined if there is no `_<8 hex>` suffix. */
export function splitNameCrc(nameCrc: string): { name: string; crc: string } | undefined {
  const m = /^(.+)_([0-9a-f]{8})$/.exec(nameCrc);
  return m ? { name: m[1] ?? '', crc: m[2] ?? '' } : undefined;
}

export class MessageTable {
  private readonly byNameCrc = new Map<string, MessageTableEntry>();
  private readonly byIdMap = new Map<number, MessageTableEntry>();
  private readonly byName = new Map<string, MessageTableEntry[]>();

  constructor(entries: Iterable<{ readonly id: number; readonly nameCrc: string }>) {
    for (const e of entries) {
      // govpp has seen stray control bytes in names; the codec already cut at the first NUL.
      const nameCrc = [...e.nameCrc]
        .filter((ch) => ch > ' ' && ch !== '\x7f')
        .join('')
        .toLowerCase();
      const split = splitNameCrc(nameCrc);
      if (!split) continue;
      const entry: MessageTableEntry = { id: e.id, name: split.name, crc: split.crc, nameCrc };
      this.byNameCrc.set(nameCrc, entry);
      this.byIdMap.set(e.id, entry);
      const list = this.byName.get(split.name) ?? [];
      list.push(entry);
      this.byName.set(split.name, list);
    }
  }

  /** From a decoded sockclnt_create_reply. */
  static fromCreateReply(reply: VppStruct): MessageTable {
    const entries = getArray(reply, 'message_table', 'sockclnt_create_reply').map((item) => {
      if (!isStruct(item)) return { id: -1, nameCrc: '' };
      return { id: getNumber(item, 'index'), nameCrc: getString(item, 'name') };
    });
    return new MessageTable(entries);
  }

  get size(): number {
    return this.byNameCrc.size;
  }

  /** The id of `name_crc`, if VPP has it. */
  id(nameCrc: string): number | undefined {
    return this.byNameCrc.get(nameCrc)?.id;
  }

  has(nameCrc: string): boolean {
    return this.byNameCrc.has(nameCrc);
  }

  byId(id: number): MessageTableEntry | undefined {
    return this.byIdMap.get(id);
  }

  /** Every CRC VPP lists for a message name (normally one). */
  crcsOf(name: string): string[] {
    return (this.byName.get(name) ?? []).map((e) => e.crc);
  }

  /** True when VPP has a message of this name, whatever its CRC. */
  hasName(name: string): boolean {
    return this.byName.has(name);
  }

  entries(): IterableIterator<MessageTableEntry> {
    return this.byNameCrc.values();
  }
}
