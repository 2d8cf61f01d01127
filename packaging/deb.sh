#!/usr/bin/env bash
# Builds the Debian package from this checkout, offline, in a scratch copy
# (dpkg-buildpackage writes its results beside the source folder):
#   packaging/deb.sh [OUTDIR]     (default: build-deb/)
# The copy holds the tracked files and the built web app (web/dist: run
# scripts/build-web.sh first), as the source package does. Prints the
# .deb's path, then lintian's verdict; exits non-zero on a lintian error.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$root/build-deb}" && cd "${1:-$root/build-deb}" && pwd)
version=$(dpkg-parsechangelog -l "$root/debian/changelog" -S Version)
test -f "$root/web/dist/index.html" || { echo "web/dist is not built: scripts/build-web.sh" >&2; exit 1; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
src="$scratch/agentdesk-$version"
mkdir -p "$src"
git -C "$root" ls-files -z --cached --others --exclude-standard | \
        (cd "$root" && xargs -0 cp --parents -t "$src")
mkdir -p "$src/web"
cp -a "$root/web/dist" "$src/web/"
(cd "$src" && dpkg-buildpackage -us -uc -b >"$scratch/build.log" 2>&1) || {
        tail -40 "$scratch/build.log" >&2
        exit 1
}
cp "$scratch"/*.deb "$scratch"/*.changes "$scratch"/*.buildinfo "$out"/
deb=$(ls "$out"/agentdesk_"$version"_*.deb)
echo "$deb"
lintian --fail-on error "$deb"
