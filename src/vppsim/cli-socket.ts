// vppsim's debug-CLI socket: the counterpart of VPP's `unix { cli-listen /run/vpp/cli.sock }`, in
// plain text (no telnet negotiation). A client gets the `vpp# ` prompt, sends one command per line
// and receives the command's output followed by the prompt again, so scripts can read up to the
// prompt. `quit` or `exit` closes the connection. Commands run through the same dispatcher as
// cli_inband, so both show the same text.

import type { Server, Socket } from 'node:net';
import { closeUnixSocket, listenUnixSocket } from './unix-socket.js';
import { createInterface } from 'node:readline';
import { silentLogger, type Logger } from '../log/index.js';

export const CLI_PROMPT = 'vpp# ';

export interface CliSocketOptions {
  readonly socketPath: string;
  /** Runs one command and returns its output. */
  readonly run: (command: string) => string;
  readonly logger?: Logger;
}

export class CliSocketServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly logger: Logger;

  constructor(private readonly opts: CliSocketOptions) {
    this.logger = opts.logger ?? silentLogger;
  }

  get socketPath(): string {
    return this.opts.socketPath;
  }

  /** Listens, replacing a stale socket file left by a killed process. */
  async start(): Promise<void> {
    this.server = await listenUnixSocket(this.opts.socketPath, (socket) => this.accept(socket));
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await closeUnixSocket(server, this.opts.socketPath);
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', (err) => this.logger.debug('vppsim-cli-error', { error: err.message }));
    socket.write(CLI_PROMPT);
    const lines = createInterface({ input: socket, crlfDelay: Infinity });
    lines.on('line', (line) => {
      const command = line.trim();
      if (command === 'quit' || command === 'exit') {
        socket.end();
        return;
      }
      let out = '';
      if (command !== '') {
        this.logger.debug('vppsim-cli', { command });
        out = this.opts.run(command);
        if (out !== '' && !out.endsWith('\n')) out += '\n';
      }
      if (!socket.destroyed && socket.writable) socket.write(out + CLI_PROMPT);
    });
  }
}
