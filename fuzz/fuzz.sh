#!/usr/bin/env bash
# The libFuzzer drivers of fuzz/ (see CMakeLists.txt there), built with
# clang-14 under ASan/UBSan in a build folder of their own.
#
#   fuzz/fuzz.sh build                   configure and build the drivers
#   fuzz/fuzz.sh replay NAME             run each input of fuzz/corpus/NAME once
#   fuzz/fuzz.sh run NAME SECONDS [DIR]  fuzz NAME for SECONDS from its corpus;
#                                        new inputs go to DIR (default: a temp
#                                        folder, removed), crashes to DIR/crash-*
#   fuzz/fuzz.sh merge NAME DIR...       add to fuzz/corpus/NAME the inputs of
#                                        DIR that reach new code
#
# AGENTDESK_FUZZ_DIR is the build folder (default build-fuzz in the repo),
# AGENTDESK_FUZZ_CC the compiler (default clang-14). Exits non-zero when a
# driver crashes, leaks, trips a sanitizer or breaks one of its checks.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${AGENTDESK_FUZZ_DIR:-$root/build-fuzz}
cc=${AGENTDESK_FUZZ_CC:-clang-14}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

usage() { sed -n '5,12p' "$0" >&2; exit 2; }

driver() {
        bin="$dir/fuzz/fuzz_$1"
        corpus="$root/fuzz/corpus/$1"
        [ -x "$bin" ] || { echo "fuzz: $bin is not built: run fuzz/fuzz.sh build" >&2; exit 1; }
        [ -d "$corpus" ] || { echo "fuzz: no corpus $corpus" >&2; exit 1; }
        dict=()
        [ -f "$root/fuzz/$1.dict" ] && dict=(-dict="$root/fuzz/$1.dict")
        return 0
}

cmd=${1:-}
case "$cmd" in
build)
        command -v "$cc" >/dev/null || { echo "fuzz: $cc not found (scripts/deps.sh --test)" >&2; exit 1; }
        cmake -S "$root" -B "$dir" -DCMAKE_C_COMPILER="$cc" -DAGENTDESK_FUZZ=ON \
              -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1" >/dev/null
        cmake --build "$dir" --target fuzzers -j"$(nproc)"
        ;;
replay)
        [ $# -eq 2 ] || usage
        driver "$2"
        # -runs=0 with a folder runs every input in it once.
        "$bin" -runs=0 "$corpus"
        ;;
run)
        [ $# -ge 3 ] || usage
        driver "$2"
        out=${4:-}
        if [ -z "$out" ]; then
                out=$(mktemp -d)
                trap 'rm -rf "$out"' EXIT
        fi
        mkdir -p "$out"
        # New inputs go to the first folder; the repo's corpus is only read.
        "$bin" "${dict[@]}" -max_total_time="$3" -timeout=10 -rss_limit_mb=2048 \
               -print_final_stats=1 -artifact_prefix="$out/" "$out" "$corpus"
        ;;
merge)
        [ $# -ge 3 ] || usage
        driver "$2"
        shift 2
        "$bin" -merge=1 "$corpus" "$@"
        ;;
*)
        usage
        ;;
esac
