#!/usr/bin/env bash
# The whole test suite, as CI runs it: Debian packages the tests need, typecheck, lint, tests,
# and the native addon's tests once more under AddressSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-debian-packages.sh

echo "== typecheck"; npm run --silent typecheck
echo "== lint"; npm run --silent lint
echo "== format"; npm run --silent format:check

echo "== tests"
# Every class (unit, integration, e2e: test/classes.ts) in one node --test run, with CI's flags
# (test/run.ts): a hanging test fails after 3 minutes, a stray handle cannot stop the run ending.
node --import tsx test/run.ts all

echo "== native addon under AddressSanitizer"; bash scripts/test-native-asan.sh
