#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, creates the
# demo tenant and admin (printing the login), then serves on 127.0.0.1:8080
# with the embedded SQLite store in ./agentdesk.db. Extra arguments go to
# `agentdesk serve` (e.g. --listen 127.0.0.1:9090).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target agentdesk
./build/agentdesk demo
exec ./build/agentdesk serve "$@"
