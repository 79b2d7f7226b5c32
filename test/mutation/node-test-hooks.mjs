// An ESM resolve hook, registered by test/mutation/node-test-runner.ts in its worker: every
// `import ... from 'node:test'` gets the collecting stand-in (node-test-collector.ts) instead,
// so that a test file only declares its tests and the runner runs them.

/** @type {string | undefined} */
let collectorUrl;

/** @param {{ collectorUrl: string }} data */
export function initialize(data) {
  collectorUrl = data.collectorUrl;
}

/**
 * @param {string} specifier
 * @param {unknown} context
 * @param {(specifier: string, context: unknown) => Promise<{ url: string }>} next
 */
export async function resolve(specifier, context, next) {
  if (specifier === 'node:test' && collectorUrl !== undefined) {
    return { url: collectorUrl, shortCircuit: true };
  }
  return next(specifier, context);
}
