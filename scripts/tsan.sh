#!/usr/bin/env bash
# ThreadSanitizer run: builds agentdesk with -fsanitize=thread in a folder
# of its own (build-tsan) and runs integration tests against that binary on
# both backends. The harness fails a test whose server printed a
# ThreadSanitizer report, so a data race fails the run.
#
#   scripts/tsan.sh                 the threaded paths: status, clusters,
#                                   reconciler, xml_curl, agents
#   scripts/tsan.sh all             every tests/integration/test_*.py
#   scripts/tsan.sh test_clusters   the tests named
#
# Ends with "N passed, N failed, N skipped" like scripts/test.sh (a test
# that finds no FreeSWITCH build exits 77: skipped).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dir=${AGENTDESK_TSAN_DIR:-$root/build-tsan}
py=/usr/bin/python3

scripts/deps.sh --test || exit 1
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1" \
      -DCMAKE_C_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
      -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null || exit 1
cmake --build "$dir" --target agentdesk -j"$(nproc)" || exit 1

if [ $# -eq 0 ]; then
        set -- test_freeswitch_status test_clusters test_reconciler test_xmlcurl test_agents
elif [ "$1" = all ]; then
        set -- $(cd tests/integration && ls test_*.py | sed 's/\.py$//')
fi

pg=$(mktemp -d)
fsdir=$(mktemp -d)
trap 'tests/harness/pg.sh stop "$pg" >/dev/null 2>&1; rm -rf "$fsdir"' EXIT
tests/harness/pg.sh start "$pg" >/dev/null || exit 1
# The tests against real FreeSWITCH (test_fs_*) need the shared build
# unpacked, as ctest's freeswitch fixture does; without it they skip.
case " $* " in
*" test_fs_"*) "$py" tests/harness/freeswitch.py unpack "$fsdir" >/dev/null || exit 1
               export AGENTDESK_FREESWITCH_DIR="$fsdir" ;;
esac

export AGENTDESK_BIN="$dir/agentdesk" AGENTDESK_TEST_PG_DIR="$pg" AGENTDESK_SOURCE_DIR="$root"
# halt_on_error=0: every report reaches the server's log for the harness.
export TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 history_size=4"
passed=0 failed=0 skipped=0 failures=()
work=$(mktemp -d)
for t in "$@"; do
        for backend in sqlite postgres; do
                (cd "$work" && "$py" "$root/tests/integration/$t.py" --backend "$backend") \
                        >"$work/$t-$backend.log" 2>&1
                rc=$?
                if [ "$rc" -eq 0 ]; then
                        passed=$((passed + 1))
                        echo "pass  $t $backend"
                elif [ "$rc" -eq 77 ]; then
                        skipped=$((skipped + 1))
                        echo "skip  $t $backend: $(head -n 1 "$work/$t-$backend.log")"
                else
                        failed=$((failed + 1))
                        failures+=("$t-$backend")
                        echo "FAIL  $t $backend"
                        tail -n 60 "$work/$t-$backend.log"
                fi
        done
done
rm -rf "$work"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
