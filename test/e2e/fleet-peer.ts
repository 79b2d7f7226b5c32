// The far ends of test/e2e/fleet.test.ts, run inside a namespace by `ip netns exec`, driven by one
// JSON command per stdin line and answering one JSON line with the command's `id`:
//   {"id":1,"op":"serve","hosts":[…],"port":P}  → {"id":1}
//       backends: each host says "<host> <client address>" and closes (the client address shows
//       which LB node proxied the connection), health checks included;
//   {"id":2,"op":"connect","host":H,"port":P,"source":S,"sourcePort":N}
//       → {"id":2,"line":"<host> <client address>"} (or "error"): one connection with that
//       exact 5-tuple, closed by the far end first, so the same tuple can be used again.
// Runs until stdin closes.

import net from 'node:net';
import { createInterface } from 'node:readline';

interface Command {
  id: number;
  op: string;
  hosts?: string[];
  host?: string;
  port?: number;
  source?: string;
  sourcePort?: number;
}

const servers: net.Server[] = [];

function serve(hosts: readonly string[], port: number): Promise<void[]> {
  return Promise.all(
    hosts.map(
      (host) =>
        new Promise<void>((resolve, reject) => {
          const server = net.createServer((socket) => {
            socket.on('error', () => undefined);
            socket.end(`${host} ${socket.remoteAddress ?? '?'}\n`);
          });
          server.once('error', reject);
          server.listen({ host, port }, () => resolve());
          servers.push(server);
        }),
    ),
  );
}

function connect(host: string, port: number, source: string, sourcePort: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = net.connect({ host, port, localAddress: source, localPort: sourcePort });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('error', reject);
    socket.once('close', () => resolve(text.trim()));
  });
}

async function run(cmd: Command): Promise<Record<string, unknown>> {
  switch (cmd.op) {
    case 'serve':
      await serve(cmd.hosts ?? [], cmd.port ?? 0);
      return {};
    case 'connect':
      return { line: await connect(cmd.host ?? '', cmd.port ?? 0, cmd.source ?? '', cmd.sourcePort ?? 0) };
    default:
      throw new Error(`unknown op ${cmd.op}`);
  }
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const cmd = JSON.parse(line) as Command;
  run(cmd).then(
    (body) => process.stdout.write(JSON.stringify({ id: cmd.id, ...body }) + '\n'),
    (err: unknown) =>
      process.stdout.write(
        JSON.stringify({ id: cmd.id, error: err instanceof Error ? err.message : String(err) }) + '\n',
      ),
  );
});
lines.on('close', () => {
  for (const s of servers) s.close();
  process.exit(0);
});
