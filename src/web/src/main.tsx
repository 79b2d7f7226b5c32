// Web: the dashboard page (Solid, built by Vite into dist/web, served by src/frontend under
// /view/ and /admin/). Owns the live connection to the dashboard server (live.ts), the one state
// tree (store.ts, with the pure model in model/), and the components. This entry point mounts the
// page and starts the live connection and the 1 s ticker behind every live age and the
// clock-drift watchdog.

import { render } from 'solid-js/web';
import { App } from './App.js';
import { startLive } from './live.js';
import { applyEvent, hydrateFrom, setConnection, tick } from './store.js';
import './styles.css';

const root = document.getElementById('root');
if (root) {
  render(() => <App />, root);
  const live = startLive({
    hydrate: hydrateFrom,
    event: (type, data) => applyEvent(type, data as never),
    connection: setConnection,
  });
  window.setInterval(() => {
    const t = Date.now();
    tick(t);
    live.tick(t);
  }, 1000);
}
