// Backend servers for netns tests, run inside a namespace by `ip netns exec`: HTTP on port 80
// and HTTPS on 443, dual-stack on every address of the namespace. Both answer
//   /status/NNN → that status;   anything else → 200
// with a body `remote=<client address>`, so a probe's response-regexp can check which source
// address the probe came from. Prints "ready" once both listen; runs until killed.
// Usage: node --import tsx netns-server.ts CERT.pem KEY.pem

import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const [certFile, keyFile] = process.argv.slice(2);
if (certFile === undefined || keyFile === undefined) throw new Error('usage: netns-server.ts CERT KEY');

function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const m = /^\/status\/(\d{3})$/.exec(req.url ?? '');
  const remote = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  res.writeHead(m !== null ? Number(m[1]) : 200, { 'content-type': 'text/plain', connection: 'close' });
  res.end(`remote=${remote}\n`);
}

const servers = [
  http.createServer(handle),
  https.createServer({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) }, handle),
];
let listening = 0;
servers.forEach((server, i) => {
  server.listen({ port: i === 0 ? 80 : 443, host: '::', ipv6Only: false }, () => {
    if (++listening === servers.length) process.stdout.write('ready\n');
  });
});
