// The simulator's message table, laid out the way VPP lays out its own: memclnt messages at their
// fixed ids (15/16 for the sockclnt_create bootstrap, 23/24 control_ping, 27/28 get_api_json ...:
// docs/vpp-lb.md §Handshake and the message table, §Observed on a running VPP), every other module numbered
// from a base in `.api` order. The lb plugin's base is dynamic — chosen per run unless pinned — so a client
// that hard-codes ids fails here the way it would fail against a real VPP after a plugin-load-order change.
// The table is handed out in a shuffled ("hash") order, as VPP's is.

import type { Random } from '../clock/index.js';
import type { SourcedApiFile } from '../vpp/index.js';

/** memclnt ids in current VPP trees (src/vlibmemory/memclnt.api order). */
export const MEMCLNT_FIXED_IDS: Readonly<Record<string, number>> = {
  get_first_msg_id: 10,
  get_first_msg_id_reply: 11,
  api_versions: 12,
  api_versions_reply: 13,
  sockclnt_create: 15,
  sockclnt_create_reply: 16,
  sockclnt_delete: 17,
  sockclnt_delete_reply: 18,
  memclnt_keepalive: 21,
  memclnt_keepalive_reply: 22,
  control_ping: 23,
  control_ping_reply: 24,
  get_api_json: 27,
  get_api_json_reply: 28,
};

export interface SimTableEntry {
  readonly id: number;
  readonly name: string;
  readonly crc: string;
  /** `lb_conf_56cd3261` */
  readonly nameCrc: string;
  /** The module (file) the message belongs to: `memclnt`, `vlib`, `vpe`, `lb`. */
  readonly module: string;
}

export interface SimModule {
  readonly module: string;
  readonly file: SourcedApiFile;
  /** First id for this module's messages; memclnt ignores it (fixed ids). */
  readonly base?: number;
}

export class SimMessageTable {
  private readonly byName = new Map<string, SimTableEntry>();
  private readonly byId = new Map<number, SimTableEntry>();
  /** module → first id, for get_first_msg_id. */
  readonly moduleBase = new Map<string, number>();

  constructor(modules: readonly SimModule[]) {
    for (const m of modules) {
      let next = m.base ?? 0;
      for (const raw of m.file.file.messages ?? []) {
        const [name, ...rest] = raw;
        const meta = rest.find((x) => !Array.isArray(x)) as { crc?: string } | undefined;
        const crc = (meta?.crc ?? '').toLowerCase().replace(/^0x/, '').padStart(8, '0');
        const fixed = MEMCLNT_FIXED_IDS[name];
        const id = m.module === 'memclnt' && fixed !== undefined ? fixed : next++;
        if (this.byId.has(id))
          throw new Error(
            `vppsim: message id ${id} for ${name} is already used by ${this.byId.get(id)?.name}`,
          );
        if (id < 1 || id > 0xffff) throw new Error(`vppsim: message id ${id} for ${name} is out of range`);
        const entry: SimTableEntry = { id, name, crc, nameCrc: `${name}_${crc}`, module: m.module };
        this.byName.set(name, entry);
        this.byId.set(id, entry);
        if (!this.moduleBase.has(m.module) || id < (this.moduleBase.get(m.module) ?? id))
          this.moduleBase.set(m.module, id);
      }
    }
  }

  entryByName(name: string): SimTableEntry | undefined {
    return this.byName.get(name);
  }

  entryById(id: number): SimTableEntry | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Every entry, shuffled with `random` (VPP sends its table in hash order). */
  shuffled(random: Random): SimTableEntry[] {
    const list = [...this.byId.values()];
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const a = list[i];
      const b = list[j];
      if (a && b) {
        list[i] = b;
        list[j] = a;
      }
    }
    return list;
  }
}
