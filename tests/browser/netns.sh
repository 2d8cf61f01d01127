#!/usr/bin/env bash
# Runs a command in a network namespace of its own with only `lo` up, so
# that Chromium's ICE candidates, FreeSWITCH's media and agentdesk all stay
# on loopback (Chromium otherwise offers every address of the machine).
#   netns.sh COMMAND [ARGS...]
# Needs root (unshare -n) or unprivileged user namespaces (unshare -rn).
# Neither: exit 77 (ctest: skipped) with the reason, or fail under CI=true.
set -euo pipefail
inner='ip link set lo up && exec "$@"'
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
        exec unshare -n -- sh -c "$inner" sh "$@"
elif unshare -rn true 2>/dev/null; then
        exec unshare -rn -- sh -c "$inner" sh "$@"
fi
echo "SKIP: cannot make a network namespace here (unshare -n needs root or user namespaces)"
[ "${CI:-}" = true ] && exit 1
exit 77
