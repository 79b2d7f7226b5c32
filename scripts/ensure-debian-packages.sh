#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when missing. Needs root (CI runs as root);
# without root it names what is missing and fails.
set -euo pipefail

# command → package
declare -A needed=(
  [ip]=iproute2
  [openssl]=openssl
  [promtool]=prometheus
  [tmux]=tmux
  [chromium]=chromium
  # the Debian package test (test/packaging): build, check, install, read the units
  [dpkg-buildpackage]=dpkg-dev
  [dh]=debhelper
  [pandoc]=pandoc
  [lintian]=lintian
  [man]=man-db
  [systemd-analyze]=systemd
  # the fleet end-to-end test (test/e2e/fleet.test.ts): BIRD 2 in network namespaces
  [bird]=bird2
)

missing=()
for cmd in "${!needed[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${needed[$cmd]}")
done
# Python module (imported by Debian's /usr/bin/python3, not a pyenv one) → package: the
# independent gRPC reflection client in test/interop.
declare -A python_needed=(
  [grpc]=python3-grpcio
  [google.protobuf]=python3-protobuf
)
for mod in "${!python_needed[@]}"; do
  /usr/bin/python3 -c "import $mod" >/dev/null 2>&1 || missing+=("${python_needed[$mod]}")
done
# AddressSanitizer's runtime for scripts/test-native-asan.sh (gcc's, as node-gyp builds with it).
[ -e "$(${CC:-gcc} -print-file-name=libasan.so)" ] || missing+=(libasan8)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]} (run as root, or: apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}"
# Packages like prometheus start a service from their postinst; tests need only the binaries,
# and a stray server could take a port the tests use. policy-rc.d exit 101 = "don't start".
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1
fi
trap '[ "$made_policy" = 1 ] && rm -f "$policy"' EXIT
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
