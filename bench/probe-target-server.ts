// Benchmark target: N loopback addresses (127.1.x.y), one port, each answering every connection
// with a minimal HTTP 200 and closing. Raw TCP on purpose: the benchmark measures the checker's
// cost, so the server side must be as cheap as possible. Run in a child process.

import net from 'node:net';

const count = Number(process.argv[2] ?? 1000);
const port = Number(process.argv[3] ?? 18080);
const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');

export function benchAddress(i: number): string {
  return `127.1.${i >> 8}.${i & 255}`;
}

const servers: net.Server[] = [];
let ready = 0;
for (let i = 0; i < count; i++) {
  const server = net.createServer({ noDelay: true }, (sock) => {
    sock.on('error', () => sock.destroy());
    sock.once('data', () => sock.end(RESPONSE));
  });
  server.listen({ host: benchAddress(i), port, backlog: 64 }, () => {
    if (++ready === count) process.stdout.write(`ready ${count}\n`);
  });
  server.on('error', (err) => {
    process.stderr.write(`listen ${benchAddress(i)}:${port}: ${err.message}\n`);
    process.exit(1);
  });
  servers.push(server);
}
process.on('SIGTERM', () => process.exit(0));
