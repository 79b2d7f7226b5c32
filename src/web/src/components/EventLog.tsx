// The live event log (admin only): oldest at the top, follows new entries like `tail -f`
// unless paused; while paused, new entries are held back and counted. The toolbar sits below
// the list. Probe records (summaries, or two per probe from a maglevd without them) are hidden
// unless asked for.

import { createEffect, createMemo, createSignal, For, on, Show, type JSX } from 'solid-js';
import type { LogEntry } from '../model/state.js';
import { clearLog, state } from '../store.js';

const PROBE_RECORDS = new Set(['probe-start', 'probe-done', 'probe-summary']);
const VPP_API_RECORDS = /^vpp-api-/;

function time(at: number): string {
  const d = new Date(at);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export function EventLog(): JSX.Element {
  const [paused, setPaused] = createSignal(false);
  const [frozen, setFrozen] = createSignal<LogEntry[]>([]);
  const [showProbes, setShowProbes] = createSignal(false);
  const [showVppApi, setShowVppApi] = createSignal(false);
  let list: HTMLOListElement | undefined;

  const wanted = (e: LogEntry) =>
    (showProbes() || !PROBE_RECORDS.has(e.msg)) && (showVppApi() || !VPP_API_RECORDS.test(e.msg));
  const live = createMemo(() => state.log.filter(wanted));
  const shown = createMemo(() => (paused() ? frozen().filter(wanted) : live()));
  // Counted by id, not by length: once the log holds LOG_KEEP entries every new one pushes an
  // old one out, and the lengths stay equal however many arrive.
  const held = () => {
    if (!paused()) return 0;
    const lastFrozen = frozen().at(-1)?.id ?? -1;
    return live().filter((e) => e.id > lastFrozen).length;
  };

  const togglePause = () => {
    if (!paused()) setFrozen([...state.log]);
    setPaused(!paused());
  };

  createEffect(
    on(shown, () => {
      if (!paused() && list) list.scrollTop = list.scrollHeight;
    }),
  );

  return (
    <section class="card event-log" aria-label="Event log" data-paused={paused() ? 'true' : 'false'}>
      <h2 class="section-title">Event log</h2>
      <ol
        ref={(e) => (list = e)}
        class="log-list"
        aria-live="off"
        tabindex="0"
        aria-label="events, oldest first"
      >
        <For each={shown()} fallback={<li class="muted log-empty">No events yet.</li>}>
          {(e) => (
            <li class={`log-entry level-${e.level} kind-${e.kind}`} data-msg={e.msg}>
              <time class="log-time mono">{time(e.at)}</time>
              <span class="log-maglevd">{e.maglevd}</span>
              <span class="log-msg">{e.msg}</span>
              <span class="log-text" title={e.text}>
                {e.text}
              </span>
            </li>
          )}
        </For>
      </ol>
      <div class="toolbar">
        <button
          type="button"
          class="button"
          aria-pressed={paused()}
          onClick={togglePause}
          data-testid="log-pause"
        >
          {paused() ? 'Resume' : 'Pause'}
        </button>
        <button type="button" class="button" onClick={() => clearLog()}>
          Clear
        </button>
        <label class="check">
          <input
            type="checkbox"
            checked={showProbes()}
            onChange={(e) => setShowProbes(e.currentTarget.checked)}
          />
          <span>probes</span>
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={showVppApi()}
            onChange={(e) => setShowVppApi(e.currentTarget.checked)}
          />
          <span>VPP API</span>
        </label>
        <span class="muted log-count">
          {shown().length} shown
          <Show when={held() > 0}>
            <span class="held"> · {held()} new while paused</span>
          </Show>
        </span>
      </div>
    </section>
  );
}
