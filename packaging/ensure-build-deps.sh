#!/usr/bin/env bash
# Installs the Debian packages `npm run package` needs, when missing (the Build-Depends of
# packaging/debian/control that a plain Debian 12 with Node.js may lack, and the tools
# dpkg-buildpackage calls). Needs root to install; without root it names what is missing.
set -euo pipefail

# command → package
declare -A needed=(
  [dpkg-buildpackage]=dpkg-dev
  [dh]=debhelper
  [pandoc]=pandoc
  [gcc]=gcc
  [make]=make
  [python3]=python3
)
[ "$(id -u)" -eq 0 ] || needed[fakeroot]=fakeroot

missing=()
for cmd in "${!needed[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${needed[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]} (run as root, or: apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
