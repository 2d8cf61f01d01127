#!/usr/bin/env bash
# The README's second command: installs what the tests need, builds (and
# type-checks) the web app when web/ has one, builds agentdesk with
# AddressSanitizer + UndefinedBehaviorSanitizer, runs every test with ctest
# (two at a time; arguments go to ctest, e.g. -R store or -j4), prints the
# time of each phase, and ends with "N passed, N failed, N skipped".
# A skipped test (exit 77: e.g. no ../shared/freeswitch build) is not a pass.
set -uo pipefail
cd "$(dirname "$0")/.."

phase_start=$(date +%s)
phase() {
        local now
        now=$(date +%s)
        echo "phase: $1 took $((now - phase_start))s"
        phase_start=$now
}

scripts/deps.sh --test || exit 1
phase "dependencies"
scripts/build-web.sh --check || exit 1
phase "web app"
# CI also builds, checks and installs the Debian package (deb_package).
deb_test=OFF
[ "${CI:-}" = true ] && deb_test=ON
cmake -S . -B build-asan -DAGENTDESK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
        -DAGENTDESK_DEB_TEST=$deb_test >/dev/null || exit 1
phase "configure"
cmake --build build-asan -j"$(nproc)" || exit 1
phase "build"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
log=$(mktemp)
ctest --test-dir build-asan --output-on-failure -j2 "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
phase "tests"
# ctest's own summary: "NN% tests passed, F tests failed out of T"; a
# skipped test counts there as not failed, and is listed as "(Skipped)".
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
skipped=$(grep -cE '^[[:space:]]*[0-9]+ - .* \(Skipped\)$' "$log")
rm -f "$log"
# Why tests skipped (each says it on its first line).
grep -h '^SKIP: ' build-asan/Testing/Temporary/LastTest.log 2>/dev/null | sort -u
if [ -z "$summary" ]; then
        echo "0 passed, 1 failed, 0 skipped"
        exit 1
fi
failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) tests? failed.*/\1/')
total=$(echo "$summary" | sed -E 's/.*out of ([0-9]+).*/\1/')
echo "$((total - failed - skipped)) passed, $failed failed, $skipped skipped"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
