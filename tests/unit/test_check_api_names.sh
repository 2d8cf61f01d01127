#!/usr/bin/env bash
# scripts/check-api-names.py must pass on docs/api/openapi.yaml and catch a
# camelCase field planted in a copy of it, in an auth body and elsewhere.
. "$(dirname "$0")/checks.sh" api-names

"$py" "$check" --root "$root" >/dev/null || { echo "FAIL: openapi.yaml itself does not pass"; exit 1; }

plant() { # after-this-line new-line
        mkdir -p "$tmp/docs/api"
        awk -v after="$1" -v add="$2" '{ print } $0 == after && !done { print add; done = 1 }' \
                "$root/docs/api/openapi.yaml" > "$tmp/docs/api/openapi.yaml"
        cmp -s "$root/docs/api/openapi.yaml" "$tmp/docs/api/openapi.yaml" &&
                { echo "FAIL: could not plant after '$1'"; exit 1; }
        if "$py" "$check" --root "$tmp" >/dev/null; then
                echo "FAIL: '$2' passed"; exit 1
        fi
        echo "ok: caught '$2'"
}
plant '            mustChangePassword: { type: boolean }' '            lastSeenAt: { type: string }'
plant '        first_name: { type: string }' '        displayName: { type: string }'
# SCIM's exemption is its own bodies only, not /v1/admin/scim's
plant '        last_used_at:' '        lastUsedAt: { type: string }'
echo "all planted names caught"
