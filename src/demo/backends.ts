// Demo backends: small HTTP servers on loopback addresses that name themselves in a header and
// in their body, and can be told to fail and recover, so a newcomer can watch health change.

import http from 'node:http';

export interface DemoBackend {
  name: string;
  address: string;
  port: number;
  healthy: boolean;
  close(): Promise<void>;
}

export async function startDemoBackend(name: string, address: string, port: number): Promise<DemoBackend> {
  const backend: DemoBackend = { name, address, port, healthy: true, close: () => Promise.resolve() };
  const server = http.createServer((req, res) => {
    res.setHeader('X-IPng-Frontend', name);
    if (req.url === '/healthz' || req.url === '/.well-known/ipng/healthz') {
      res.writeHead(backend.healthy ? 200 : 503).end(backend.healthy ? 'ok\n' : 'failing\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello from ${name} (${address})\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  backend.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return backend;
}
