#!/usr/bin/env python3
"""Every field of docs/api/openapi.yaml is snake_case, but for the seed's
camelCase fields of /v1/auth/* that clients already read (docs/api/README.md,
"Naming"). A new camelCase field fails here, wherever it is added.

    scripts/check-api-names.py [--root DIR]

Standard library only: a line parser that follows the indentation of the
file's block style and takes the keys of every `properties:` mapping (and
the names listed in `required:` beside them). FreeSWITCH's own form fields
(the /freeswitch/xml request body) are FreeSWITCH's names, not ours, and
SCIM's (/scim/v2: the bodies of type application/scim+json and the
schemas they use, SCIM_SCHEMAS) are RFC 7643's and RFC 7644's camelCase,
which identity providers send and read as they are.
"""
import argparse
import os
import re
import sys

# The camelCase names /v1/auth/* answers with since the seed (its /me and
# login shapes) and the first desk; kept for compatibility, never extended.
KEPT = {"firstName", "lastName", "tenantId", "sipConfig", "websocketUrl",
        "expiresAt", "sessionExpiresAt", "mustChangePassword"}
# The component schemas of /scim/v2's bodies (named in its
# application/scim+json content only).
SCIM_SCHEMAS = {"ScimUser", "ScimListResponse", "ScimErrorBody"}
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
KEY = re.compile(r"^( *)\"?([\w/.+-]+)\"?:")


def fields(path):
    """(line number, name, where) of every property name in the file."""
    stack, out = [], []                  # stack of (indent, key)
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        m = KEY.match(line)
        if not m or line.lstrip().startswith("#"):
            continue
        indent, key = len(m.group(1)), m.group(2)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        where = "/".join(k for _, k in stack)
        scim = "application/scim+json" in where or any(
            where.startswith("components/schemas/" + name + "/") for name in SCIM_SCHEMAS)
        if stack and stack[-1][1] == "properties" and "x-www-form-urlencoded" not in where \
                and not scim:
            out.append((n, key, where))
        stack.append((indent, key))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    spec = os.path.join(ap.parse_args().root, "docs", "api", "openapi.yaml")
    found = fields(spec)
    bad = [(n, k) for n, k, _ in found if not SNAKE.match(k) and k not in KEPT]
    for n, k in bad:
        print(f"docs/api/openapi.yaml:{n}: field '{k}' is not snake_case (docs/api/README.md, Naming)")
    print(f"check-api-names: {len(found)} fields, {len(bad)} not snake_case")
    return 1 if bad or len(found) < 50 else 0


if __name__ == "__main__":
    sys.exit(main())
