// The Unix sockets vppsim serves (the binary API and the CLI), as VPP does: a stale socket file
// left by a killed process is replaced on start, and the file is removed on close.

import { createServer, type Server, type Socket } from 'node:net';
import { rm } from 'node:fs/promises';

/** Listens on path (replacing a stale file); resolves once it accepts connections. */
export async function listenUnixSocket(
  path: string,
  onConnection: (socket: Socket) => void,
): Promise<Server> {
  await rm(path, { force: true });
  const server = createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** Stops listening and removes the file. server.close() waits for open connections: drop them first. */
export async function closeUnixSocket(server: Server | undefined, path: string): Promise<void> {
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(path, { force: true });
}
