#!/usr/bin/env bash
# The storage contract covers every store_* operation that store/store.h
# declares: each name must be called somewhere in tests/store/. A new
# operation without a contract check fails here.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
missing=0
for fn in $(grep -oE '\bstore_[a-z0-9_]+\(' "$root/src/store/store.h" | tr -d '(' | sort -u); do
        if ! grep -qE "\b$fn\(" "$root"/tests/store/*.c; then
                echo "not in the storage contract (tests/store/): $fn"
                missing=$((missing + 1))
        fi
done
[ "$missing" = 0 ] && echo "every store_* operation of store/store.h is in the contract"
exit $((missing > 0))
