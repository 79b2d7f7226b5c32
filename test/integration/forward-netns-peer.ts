// The far side of test/integration/forward-netns.test.ts, run inside its namespace by
// `ip netns exec`: AS servers and VIP clients on the namespace's addresses, driven by one JSON
// command per stdin line, answered by one JSON line on stdout carrying the command's `id`.
//   {"id":1,"op":"serve","hosts":[…],"vipHosts":[…]}          → {"id":1,"port":P}
//   {"id":2,"op":"connect","host":H,"port":P,"source":S,"count":N}
//                                                               → {"id":2,"results":[{address,port,name}]}
//   {"id":3,"op":"open","host":H,"port":P,"name":"c1"}         → {"id":3,"address":…,"port":…,"as":…}
//   {"id":4,"op":"ask","name":"c1","text":"x"}                 → {"id":4,"answer":"<as>:x"}
//   {"id":5,"op":"ended","name":"c1"}                          → {"id":5,"ended":"reset"|"closed"}
// Runs until stdin closes, then closes everything.

import { createInterface } from 'node:readline';
import {
  closeAll,
  openVia,
  startAsServers,
  type NamedServer,
  type VipClient,
} from '../helpers/vppsim-forward.js';

interface Command {
  id: number;
  op: string;
  hosts?: string[];
  vipHosts?: string[];
  host?: string;
  port?: number;
  source?: string;
  count?: number;
  name?: string;
  text?: string;
}

let servers = new Map<string, NamedServer>();
const clients = new Map<string, VipClient>();

function reply(id: number, body: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ id, ...body }) + '\n');
}

function client(name: string | undefined): VipClient {
  const c = clients.get(name ?? '');
  if (!c) throw new Error(`no client ${name}`);
  return c;
}

async function run(cmd: Command): Promise<Record<string, unknown>> {
  switch (cmd.op) {
    case 'serve': {
      const started = await startAsServers(cmd.hosts ?? [], cmd.vipHosts ?? []);
      servers = started.servers;
      return { port: started.port };
    }
    case 'connect': {
      const results = [];
      for (let i = 0; i < (cmd.count ?? 1); i++) {
        const c = await openVia(cmd.host ?? '', cmd.port ?? 0, cmd.source);
        results.push({ ...c.local, name: await c.line() });
        await c.end();
      }
      return { results };
    }
    case 'open': {
      const c = await openVia(cmd.host ?? '', cmd.port ?? 0, cmd.source);
      clients.set(cmd.name ?? '', c);
      return { ...c.local, as: await c.line() };
    }
    case 'ask':
      return { answer: await client(cmd.name).ask(cmd.text ?? '') };
    case 'ended':
      return { ended: await client(cmd.name).ended };
    default:
      throw new Error(`unknown op ${cmd.op}`);
  }
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const cmd = JSON.parse(line) as Command;
  run(cmd).then(
    (body) => reply(cmd.id, body),
    (err: unknown) => reply(cmd.id, { error: err instanceof Error ? err.message : String(err) }),
  );
});
lines.on('close', () => {
  for (const c of clients.values()) c.destroy();
  void closeAll(servers).then(() => process.exit(0));
});
