#!/usr/bin/env bash
# Builds the web app (web/) into web/dist, which the agentdesk build then
# embeds; does nothing while web/package.json does not exist.
#   scripts/build-web.sh           npm ci when needed, npm run build
#   scripts/build-web.sh --check   also npm run typecheck, when the app has it
# npm ci runs when web/node_modules is missing or older than the lock file.
set -euo pipefail
cd "$(dirname "$0")/../web" 2>/dev/null || exit 0
[ -f package.json ] || exit 0

if ! command -v node >/dev/null 2>&1; then
        echo "the web app needs Node.js: scripts/deps.sh installs Debian's nodejs and npm" >&2
        exit 1
fi
# The oldest Node the app's tools run on: package.json "engines", else 18
# (Debian 12's).
need=$(node -e 'const e = (require("./package.json").engines || {}).node || "";
                const m = e.match(/\d+/); console.log(m ? m[0] : 18)')
have=$(node -p 'process.versions.node.split(".")[0]')
if [ "$have" -lt "$need" ]; then
        echo "the web app needs Node >= $need; this machine has $(node -v)" >&2
        exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
        echo "the web app needs npm: scripts/deps.sh installs it with Debian's nodejs" >&2
        exit 1
fi

# npm ci writes node_modules/.package-lock.json: older than the lock (or
# absent) means the installed modules are not the locked ones.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        npm ci --no-audit --no-fund
fi
if [ "${1:-}" = "--check" ] &&
   node -e 'process.exit((require("./package.json").scripts || {}).typecheck ? 0 : 1)'; then
        npm run --silent typecheck
fi
npm run --silent build
