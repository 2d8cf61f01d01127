#!/usr/bin/env bash
# The README's first command: installs what is missing, builds the web app
# (when web/ has one) and agentdesk, creates the demo tenant and admin
# (printing the login and the portal's URL), then serves on 127.0.0.1:8080
# with the embedded SQLite store in ./agentdesk.db. Extra arguments go to
# `agentdesk serve` (e.g. --listen 127.0.0.1:9090).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build-web.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target agentdesk
./build/agentdesk demo
# The portal's address: the last --listen, else AGENTDESK_LISTEN, else the default.
listen=${AGENTDESK_LISTEN:-127.0.0.1:8080}
prev=""
for a in "$@"; do
        case "$a" in --listen=*) listen=${a#--listen=} ;; esac
        [ "$prev" = "--listen" ] && listen=$a
        prev=$a
done
scheme=http
[ -n "${AGENTDESK_TLS_CERT_FILE:-}" ] && scheme=https
echo "Portal: $scheme://$listen/login (log in as admin@demo.local with the password above)"
exec ./build/agentdesk serve "$@"
