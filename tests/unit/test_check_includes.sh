#!/usr/bin/env bash
# scripts/check-includes.py must pass on the tree and catch each kind of
# violation planted in a copy of it: a layer its row forbids, a library
# outside the files its row names, a header of no known library, a domain
# subfolder its row does not name, a file outside the domain's subfolders.
. "$(dirname "$0")/checks.sh" includes

"$py" "$check" --root "$root" >/dev/null || { echo "FAIL: the tree itself does not pass"; exit 1; }

plant() { # file line expected-message
        rm -rf "$tmp/t" && mkdir -p "$tmp/t" && cp -r "$root/src" "$root/docs" "$tmp/t/"
        printf '%s\n' "$2" >> "$tmp/t/$1"
        if out=$("$py" "$check" --root "$tmp/t"); then
                echo "FAIL: $1 with '$2' passed"; exit 1
        fi
        grep -qF "$3" <<<"$out" || { echo "FAIL: $1 with '$2': no '$3' in:"; echo "$out"; exit 1; }
        echo "ok: $1 with '$2' -> $3"
}
plant src/domain/identity/users.c '#include "http/http.h"' 'src/domain/ may not use http/'
plant src/util/log.c '#include "store/store.h"' 'src/util/ may not use store/'
plant src/model/vocab.c '#include "store/store.h"' 'src/model/ may not use store/'
plant src/store/store.c '#include <sqlite3.h>' 'may not use sqlite3 here'
plant src/domain/identity/users.c '#include <sodium.h>' 'may not use libsodium here'
plant src/freeswitch/esl.c '#include <libssh/libssh.h>' 'may not use libssh here'
plant src/http/router.c '#include <curl/curl.h>' 'may not use libcurl here'
plant src/util/text.c '#include <zlib.h>' 'neither libc/POSIX nor a library the table knows'
plant src/api/health.c '#include "../store/driver.h"' 'by their path from src/'
plant src/domain/core/worker.c '#include "domain/identity/users.h"' 'src/domain/core/ may not use domain/identity/'
plant src/domain/provisioning/pool.c '#include "domain/switches/cluster.h"' 'src/domain/provisioning/ may not use domain/switches/'
plant src/domain/stray.c '#include "util/text.h"' 'src/domain/ keeps its files in subfolders'
echo "all planted violations caught"
