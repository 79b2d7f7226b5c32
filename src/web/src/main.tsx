// Entry point: mount the page, start the live connection and the 1 s ticker that drives every
// live age and the clock-drift watchdog.

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
