// loadConfigFile on a worker thread, for the daemon's start-up (where it overlaps the loading of
// the daemon's own modules; reloads parse on the main thread, whose code is warm by then). Parsing a large maglev.yaml makes a lot of
// short-lived garbage (the YAML document with every node's position: about 80 MB for 10 000
// backends). Made on the main thread it would grow V8's heap for good, since V8 keeps the pages
// it once needed; made on a worker it goes away with the worker, and only the finished result
// (a structured clone) reaches the daemon. bench/README.md has the figures.

import { Worker } from 'node:worker_threads';
import type { ConfigParseResult } from './problem.js';

/** load.ts next to this file: load.js when built, load.ts under tsx (tests, `npm start`). */
const LOAD_MODULE = new URL(`./load${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

/**
 * The worker's code. Node 20 does not hand module hooks (tsx's) on to workers, so when this runs
 * from TypeScript sources the worker registers tsx itself; the built daemon never loads it.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  if (workerData.module.endsWith('.ts')) (await import('tsx/esm/api')).register();
  const { loadConfigFile } = await import(workerData.module);
  parentPort.postMessage(await loadConfigFile(workerData.path));
})();
`;

/**
 * Loads `path` on a fresh worker. `module` is the module whose loadConfigFile the worker runs
 * (load.ts; the tests give one that fails). A worker that throws rejects with its error; one that
 * ends without a result rejects with its exit code.
 */
export function loadConfigFileIsolated(path: string, module = LOAD_MODULE): Promise<ConfigParseResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_CODE, { eval: true, workerData: { module, path } });
    // A promise settles once: the exit that follows a result or an error changes nothing.
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`config worker exited with code ${code} without a result`)),
    );
  });
}
