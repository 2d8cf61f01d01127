#!/usr/bin/env bash
# The README's second command: installs what the tests need, builds (and
# type-checks) the web app when web/ has one, builds agentdesk with
# AddressSanitizer + UndefinedBehaviorSanitizer, runs every test with ctest
# (arguments go to ctest, e.g. -R store), and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test || exit 1
scripts/build-web.sh --check || exit 1
cmake -S . -B build-asan -DAGENTDESK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null || exit 1
cmake --build build-asan -j"$(nproc)" || exit 1

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
log=$(mktemp)
ctest --test-dir build-asan --output-on-failure "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
# ctest's own summary: "NN% tests passed, F tests failed out of T".
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
rm -f "$log"
if [ -z "$summary" ]; then
        echo "0 passed, 1 failed"
        exit 1
fi
failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) tests? failed.*/\1/')
total=$(echo "$summary" | sed -E 's/.*out of ([0-9]+).*/\1/')
echo "$((total - failed)) passed, $failed failed"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
