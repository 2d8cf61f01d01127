#!/usr/bin/env bash
# Runs one browser test file with node's test runner (through tsx, from
# web/node_modules) against the built app in web/dist. ctest calls it.
#   run.sh tests/browser/test_x.ts
set -uo pipefail
src=${AGENTDESK_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tsx=$src/web/node_modules/.bin/tsx
if [ ! -x "$tsx" ] || [ ! -f "$src/web/dist/index.html" ]; then
        echo "browser tests: the web app is not built (cd web && npm ci && npm run build)" >&2
        exit 1
fi
# node's test runner runs the file in a child and reports its exit 77 (a
# rig that cannot start, e.g. no FreeSWITCH build: it prints "SKIP: why")
# as a failure; give ctest the 77 back, except under CI=true.
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$tsx" --tsconfig "$src/tests/browser/tsconfig.json" --test --test-reporter=spec "$1" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ] && [ "${CI:-}" != "true" ] && grep -q '^SKIP: ' "$out"; then
        exit 77
fi
exit "$rc"
