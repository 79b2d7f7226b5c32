#!/usr/bin/env bash
# The whole test suite, as CI runs it: Debian packages the tests need, typecheck, lint, tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-debian-packages.sh

echo "== typecheck"; npm run --silent typecheck
echo "== lint"; npm run --silent lint
echo "== format"; npm run --silent format:check

echo "== tests"
mapfile -t files < <(find test -name '*.test.ts' | sort)
# A test that hangs fails after 3 minutes instead of eating CI's 90; a stray handle left by a
# test cannot keep the run from finishing.
node --import tsx --test --test-reporter=spec --test-timeout=180000 --test-force-exit "${files[@]}"
