#!/usr/bin/env bash
# `npm run package`: builds the Debian packages with Debian's own tools (dpkg-buildpackage and
# debhelper) from a copy of this checkout, and prints the path of each .deb on its own line as
# its last output. The copy is what a Debian source package would hold: the files git knows
# (committed or not, minus ignored ones) plus packaging/debian as debian/. debian/rules then
# installs the npm dependencies, builds, and stages the application; nothing is downloaded but
# npm packages (from the lockfile) and, as root, the Debian build dependencies.
#
#   npm run package [-- --version VERSION] [-- --out DIR]
#
# VERSION defaults to package.json's version; DIR to build/packages. The build happens in a
# fresh temporary directory, so two builds can run at once.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

version=""
out="$repo/build/packages"
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "usage: npm run package [-- --version VERSION] [-- --out DIR]" >&2; exit 2 ;;
  esac
done
[ -n "$version" ] || version="$(node -p 'require("./package.json").version')"

bash packaging/ensure-build-deps.sh

work="$(mktemp -d "${TMPDIR:-/tmp}/vpp-maglev-package.XXXXXX")"
trap 'rm -rf "$work"' EXIT
src="$work/vpp-maglev-$version"
mkdir -p "$src"

# The source tree: tracked and untracked-but-not-ignored files, as they are on disk.
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  tar --null -T - -cf - | tar -xf - -C "$src"
rm -rf "$src/debian"
cp -a packaging/debian "$src/debian"

commit="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit-dirty"
fi
# Reproducible: the build date is the commit's date, not the clock's.
epoch="$(git log -1 --format=%ct 2>/dev/null || date +%s)"
node packaging/changelog.mjs --version "$version" --commit "$commit" --epoch "$epoch" >"$src/debian/changelog"

(
  cd "$src"
  export VPP_MAGLEV_COMMIT="$commit"
  # -b: binary packages only; -us -uc: unsigned. As non-root, fakeroot provides the ownership.
  dpkg-buildpackage -b -us -uc
)

mkdir -p "$out"
debs=()
for deb in "$work"/*.deb; do
  mv -f "$deb" "$out/"
  debs+=("$out/$(basename "$deb")")
done
[ ${#debs[@]} -gt 0 ] || { echo "no .deb was built" >&2; exit 1; }
printf '%s\n' "${debs[@]}"
