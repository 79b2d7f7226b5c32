// The stand-in for `node:test` that test/mutation/node-test-runner.ts maps `node:test` to: it runs
// nothing, it only collects what a test file declares (tests, suites, hooks), so that the runner
// can run the same tests many times in one process, once per mutant. Whatever this cannot run
// the way node:test would (the test context `t`, subtests, skip, todo, only) is refused with an
// error naming the test, so that a mutant is never scored by a test that did not really run.

export type Body = () => unknown;

export interface CollectedTest {
  readonly name: string;
  readonly body: Body;
}

export interface CollectedSuite {
  readonly name: string;
  /** Tests and suites in the order the file declares them. */
  readonly children: (CollectedTest | CollectedSuite)[];
  readonly before: Body[];
  readonly after: Body[];
  readonly beforeEach: Body[];
  readonly afterEach: Body[];
}

export function isSuite(child: CollectedTest | CollectedSuite): child is CollectedSuite {
  return 'children' in child;
}

/** The refusal: a test this runner cannot run as node:test would. */
export class UnsupportedTestError extends Error {
  override readonly name = 'UnsupportedTestError';
}

interface Collecting {
  file: string;
  root: CollectedSuite;
  current: CollectedSuite;
  /** Async suite bodies still declaring. */
  pending: Promise<unknown>[];
}

/**
 * The state lives on globalThis, not in this module: if the module were ever loaded twice (under
 * two URLs), both copies must still fill the one collection the runner reads.
 */
const STATE = Symbol.for('vpp-maglev.node-test-collector');
type Holder = { [STATE]?: Collecting | undefined };
const holder = globalThis as Holder;

function emptySuite(name: string): CollectedSuite {
  return { name, children: [], before: [], after: [], beforeEach: [], afterEach: [] };
}

/** Starts collecting the declarations of one test file. */
export function beginFile(file: string): void {
  const root = emptySuite('');
  holder[STATE] = { file, root, current: root, pending: [] };
}

/** The file's declarations, once its async suite bodies have settled. */
export async function endFile(): Promise<CollectedSuite> {
  const collecting = holder[STATE];
  if (collecting === undefined) throw new Error('endFile without beginFile');
  await Promise.all(collecting.pending);
  holder[STATE] = undefined;
  return collecting.root;
}

function collecting(what: string, name: string): Collecting {
  const state = holder[STATE];
  if (state === undefined) {
    throw new UnsupportedTestError(
      `${what} "${name}" declared while no file loads (inside a running test, a subtest?): node-test-runner runs only tests declared when the file loads`,
    );
  }
  return state;
}

interface Options {
  readonly skip?: unknown;
  readonly todo?: unknown;
  readonly only?: unknown;
}

type Declaration = [name: string, options: Options, body: Body | undefined];

/** node:test's overloads: (fn), (name, fn), (name, options, fn), (options, fn). */
function declaration(a: unknown, b: unknown, c: unknown): Declaration {
  if (typeof a === 'function') return [a.name, {}, a as Body];
  if (typeof a === 'object' && a !== null) return ['', a, b as Body | undefined];
  if (typeof b === 'function') return [String(a), {}, b as Body];
  return [String(a), b ?? {}, c as Body | undefined];
}

function refuseOptions(
  state: Collecting,
  what: string,
  name: string,
  options: Options,
  body: Body | undefined,
): Body {
  const where = `${state.file}: ${what} "${name}"`;
  for (const flag of ['skip', 'todo', 'only'] as const) {
    if (options[flag] !== undefined && options[flag] !== false) {
      throw new UnsupportedTestError(
        `${where} has ${flag}: node-test-runner refuses it rather than score without it`,
      );
    }
  }
  if (body === undefined) throw new UnsupportedTestError(`${where} has no body (a todo)`);
  if (body.length > 0) {
    throw new UnsupportedTestError(
      `${where} takes the test context \`t\` (or a done callback), which node-test-runner does not provide`,
    );
  }
  return body;
}

export function test(a: unknown, b?: unknown, c?: unknown): void {
  const [name, options, body] = declaration(a, b, c);
  const state = collecting('test', name);
  state.current.children.push({ name, body: refuseOptions(state, 'test', name, options, body) });
}

export function describe(a: unknown, b?: unknown, c?: unknown): void {
  const [name, options, body] = declaration(a, b, c);
  const state = collecting('suite', name);
  const declare = refuseOptions(state, 'suite', name, options, body);
  const suite = emptySuite(name);
  state.current.children.push(suite);
  const parent = state.current;
  state.current = suite;
  try {
    const result = declare();
    if (result instanceof Promise) state.pending.push(result);
  } finally {
    state.current = parent;
  }
}

function refused(what: string): () => never {
  return () => {
    throw new UnsupportedTestError(`${what}: node-test-runner refuses it rather than score without it`);
  };
}

for (const declare of [test, describe]) {
  Object.assign(declare, { skip: refused('skip'), todo: refused('todo'), only: refused('only') });
}

export const it = test;
export const suite = describe;

function hook(kind: 'before' | 'after' | 'beforeEach' | 'afterEach'): (body: Body) => void {
  return (body) => {
    const state = collecting(kind, body.name);
    if (body.length > 0)
      throw new UnsupportedTestError(`${state.file}: a ${kind} hook takes the test context`);
    state.current[kind].push(body);
  };
}

export const before = hook('before');
export const after = hook('after');
export const beforeEach = hook('beforeEach');
export const afterEach = hook('afterEach');

export default test;
