// `maglevd --withdraw-all`, the systemd unit's ExecStopPost:
// docs/fleet.md §Stopping and crashing. Whatever happened to maglevd (a clean stop, a crash,
// kill -9), this empties the include file and asks BIRD to configure, so the node stops
// attracting traffic. It needs only the config file: no VPP, no probes, no gRPC.

import type { Clock } from '../clock/index.js';
import type { BirdAnnounceConfig } from '../config/types.js';
import { birdCommands } from './bird-control.js';
import { renderIncludeFile } from './bird-include.js';
import { configureOutcome } from './bird-reply.js';
import { ANNOUNCE_DEFAULTS } from './announcer.js';
import { replaceFile } from './include-file.js';

export type WithdrawAllResult = { ok: true; message: string } | { ok: false; message: string };

export async function withdrawAll(bird: BirdAnnounceConfig, clock: Clock): Promise<WithdrawAllResult> {
  try {
    await replaceFile(bird.includeFile, renderIncludeFile(bird, []));
    const [reply] = await birdCommands(
      { socketPath: bird.socket, clock, timeoutMs: ANNOUNCE_DEFAULTS.timeoutMs },
      ['configure'],
    );
    if (!reply) return { ok: false, message: `BIRD at ${bird.socket} did not answer configure` };
    const outcome = configureOutcome(reply);
    return outcome.ok
      ? { ok: true, message: `withdrew every VIP in ${bird.includeFile}; BIRD: ${outcome.message}` }
      : { ok: false, message: `BIRD refused the configuration: ${outcome.message}` };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}
