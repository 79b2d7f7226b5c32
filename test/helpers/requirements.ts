// What a test needs from the machine beyond Node, said where the test is declared, as HAProxy's
// reg-tests do with REQUIRE: `describe('...', { skip: needsRoot('network namespaces') }, ...)`.
// The answer is false when the need is met (the test runs) or the reason it is skipped, which
// node --test prints next to the skipped test. CI runs as root, so there nothing is skipped.

/** false as root; otherwise the reason a root-only test is skipped. */
export function needsRoot(what: string): false | string {
  return process.getuid?.() === 0 ? false : `needs root: ${what}`;
}
