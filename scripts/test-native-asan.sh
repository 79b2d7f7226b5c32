#!/usr/bin/env bash
# The native addon's tests once more, against a build of the addon under AddressSanitizer with
# leak detection: every test file that loads the addon (the probe engine, netns sockets, ping
# sockets, /proc/sys access, the stats segment's descriptor passed over a socket in both
# directions), each run in-process by a node that has libasan preloaded.
#
#   - The addon is built from native/ into a temporary directory with -fsanitize=address, and
#     the tests load it through MAGLEV_NATIVE_ADDON (src/native/addon.ts).
#   - node itself is not instrumented: LD_PRELOAD puts libasan in front of it, so the addon's
#     memory errors abort the run and its leaks are reported at exit (LeakSanitizer, exit 23).
#   - scripts/asan-child-env.mjs turns leak detection off for the programs the tests start (ip,
#     sysctl, setpriv, a node child): they keep libasan, so a node child's addon is still checked
#     for memory errors, but their exits are not the addon's to answer for.
set -euo pipefail
cd "$(dirname "$0")/.."

cc=${CC:-gcc}
libasan=$("$cc" -print-file-name=libasan.so)
if [ ! -e "$libasan" ]; then
  echo "libasan not found ($cc -print-file-name=libasan.so): install libasan8" >&2
  exit 1
fi
node_gyp=${npm_config_node_gyp:-$(command -v node-gyp || echo "$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js")}
nodedir=${npm_config_nodedir:-$(npm config get nodedir 2>/dev/null || true)}

build=$(mktemp -d -t maglev-asan.XXXXXX)
trap 'rm -rf "$build"' EXIT
cp native/*.c native/*.h native/binding.gyp "$build"/
echo "== native addon under AddressSanitizer: build"
(
  cd "$build"
  CFLAGS="-fsanitize=address -fno-omit-frame-pointer -g -O1" LDFLAGS="-fsanitize=address" \
    node "$node_gyp" rebuild ${nodedir:+--nodedir="$nodedir"} --loglevel=warn
)

mapfile -t files < <(find test/native test/probe test/netns -name '*.test.ts' | sort;
                     ls test/integration/netns-*.test.ts test/integration/probe-concurrency.test.ts \
                        test/vpp/stats-sim.test.ts test/dataplane/counters-stats.test.ts)
echo "== native addon under AddressSanitizer: ${#files[@]} test files"
failed=()
for f in "${files[@]}"; do
  if ! MAGLEV_NATIVE_ADDON="$build/build/Release/maglev_native.node" LD_PRELOAD="$libasan" \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
    node --import tsx --import ./scripts/asan-child-env.mjs --test-reporter=dot "$f"; then
    failed+=("$f")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed under AddressSanitizer: ${failed[*]}" >&2
  exit 1
fi
