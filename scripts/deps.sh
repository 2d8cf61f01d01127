#!/usr/bin/env bash
# Installs the Debian packages agentdesk needs that are missing.
#   scripts/deps.sh          build and run
#   scripts/deps.sh --test   also what the test suite and benchmarks start
set -euo pipefail

packages=(build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev libsodium-dev
          libsqlite3-dev libpq-dev libssl-dev libssh-dev libgnutls28-dev xxd libcurl4-openssl-dev
          libsystemd-dev                  # sd_notify: Type=notify and the watchdog
          libcjose-dev)                   # single sign-on: ID token signatures, JWKs
if [ "${1:-}" = "--test" ]; then
        packages+=(postgresql python3 curl wrk nginx-light procps openssh-server openssh-client openssl
                   clang-14 libclang-rt-14-dev python3-websockets sip-tester python3-aiosmtpd
                   chromium iproute2 util-linux    # tests/browser/netns.sh: ip, unshare
                   libxml2-dev                     # fuzz/xml.c checks documents with libxml2
                   prometheus                      # promtool: test_metrics_format checks /metrics
                   systemd groff-base man-db       # test_ops: systemd-analyze, the man page
                   debhelper lintian)              # deb_package: dpkg-buildpackage, lintian
        # The run-time libraries of the FreeSWITCH build in ../shared/freeswitch (its README).
        packages+=(libcurl4 libedit2 libfreetype6 libjpeg62-turbo libpcre2-8-0 libpng16-16
                   libsndfile1 libspeex1 libspeexdsp1 libsqlite3-0 libssl3 libtiff6 libuuid1 zlib1g
                   libopus0)                       # mod_opus, loaded by every test instance
fi

# The web app's build needs Node and npm: Debian's, only when no Node is
# installed (Debian's npm conflicts with a Node from elsewhere).
if ! command -v node >/dev/null 2>&1; then
        packages+=(nodejs npm)
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
