#!/usr/bin/env bash
# scripts/check-cycles.py must pass on the tree and catch a loop planted in
# a copy of it: two files that include each other, and a loop of three.
. "$(dirname "$0")/checks.sh" cycles

"$py" "$check" --root "$root" >/dev/null || { echo "FAIL: the tree itself has a loop"; exit 1; }

plant() { # expected-loop file line [file line …]
        local want=$1
        shift
        rm -rf "$tmp/t" && mkdir -p "$tmp/t" && cp -r "$root/src" "$tmp/t/"
        while [ $# -gt 0 ]; do
                printf '%s\n' "$2" >> "$tmp/t/$1"
                shift 2
        done
        if out=$("$py" "$check" --root "$tmp/t"); then
                echo "FAIL: no loop found for $want"; exit 1
        fi
        grep -qF "loop: $want" <<<"$out" || { echo "FAIL: no 'loop: $want' in:"; echo "$out"; exit 1; }
        echo "ok: $want"
}
plant 'domain/core/worker <-> domain/mail/outbox' \
        src/domain/core/worker.c '#include "domain/mail/outbox.h"'
plant 'domain/identity/auth <-> domain/identity/onboarding <-> domain/identity/users' \
        src/domain/identity/users.c '#include "domain/identity/auth.h"' \
        src/domain/identity/auth.c '#include "domain/identity/onboarding.h"' \
        src/domain/identity/onboarding.c '#include "domain/identity/users.h"'
echo "all planted loops caught"
