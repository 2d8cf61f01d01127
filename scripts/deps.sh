#!/usr/bin/env bash
# Installs the Debian packages agentdesk needs that are missing.
#   scripts/deps.sh          build and run
#   scripts/deps.sh --test   also what the test suite and benchmarks start
set -euo pipefail

packages=(build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev libsodium-dev
          libsqlite3-dev libpq-dev libssl-dev libssh-dev libcurl4-openssl-dev)
if [ "${1:-}" = "--test" ]; then
        packages+=(postgresql python3 curl wrk nginx-light procps openssh-server openssh-client
                   python3-aiosmtpd openssl)
fi

missing=()
for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
