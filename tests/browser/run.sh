#!/usr/bin/env bash
# Runs one browser test file with node's test runner (through tsx, from
# web/node_modules) against the built app in web/dist. ctest calls it.
#   run.sh tests/browser/test_x.ts
set -euo pipefail
src=${AGENTDESK_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tsx=$src/web/node_modules/.bin/tsx
if [ ! -x "$tsx" ] || [ ! -f "$src/web/dist/index.html" ]; then
        echo "browser tests: the web app is not built (cd web && npm ci && npm run build)" >&2
        exit 1
fi
exec "$tsx" --tsconfig "$src/tests/browser/tsconfig.json" --test --test-reporter=spec "$1"
