// The demo's control endpoint: lets a newcomer (or a test) make a demo backend fail and recover
// with curl, to watch maglevd, VPP and the dashboard follow.
//   POST /fail/<backend>   POST /recover/<backend>   POST /recover   GET / (state)

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DemoBackend } from './backends.js';

export interface DemoControl {
  port: number;
  close(): Promise<void>;
}

export async function startDemoControl(
  backends: readonly DemoBackend[],
  host: string,
  port: number,
  onChange: (backend: DemoBackend) => void,
): Promise<DemoControl> {
  const server = http.createServer((req, res) => {
    const [, verb, name] = (req.url ?? '/').split('/');
    if (req.method === 'GET' && !verb) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(Object.fromEntries(backends.map((b) => [b.name, b.healthy ? 'healthy' : 'failing']))),
      );
      return;
    }
    if (req.method !== 'POST' || (verb !== 'fail' && verb !== 'recover')) {
      res.writeHead(404).end('use POST /fail/<backend>, POST /recover/<backend> or POST /recover\n');
      return;
    }
    const targets = name ? backends.filter((b) => b.name === name) : verb === 'recover' ? [...backends] : [];
    if (targets.length === 0) {
      res
        .writeHead(404)
        .end(`no demo backend "${name ?? ''}"; try one of ${backends.map((b) => b.name).join(', ')}\n`);
      return;
    }
    for (const b of targets) {
      b.healthy = verb === 'recover';
      onChange(b);
    }
    res
      .writeHead(200)
      .end(`${targets.map((b) => b.name).join(', ')}: ${verb === 'fail' ? 'failing' : 'healthy'}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
