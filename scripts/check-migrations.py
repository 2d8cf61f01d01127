#!/usr/bin/python3
"""Checks that the migrations are append-only: every migration of
src/store/sqlite/migrations.h and src/store/postgres/migrations.h as
committed at HEAD is, version for version, the same (name and SQL) in the
working tree; an edit of a released migration makes a database of that
version different from the one today's binary believes it is. With
--history it also lists the edits made on main's first-parent line in the
past (tests/fixtures/upgrade/README.md lists the versions they affect).
parse() is also tests/fixtures/upgrade/make.py's reader of old migration
files. Needs git; standard library only.

    scripts/check-migrations.py [--history]   # exit 1 and a line per edit
"""
import os
import re
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
FILES = ("src/store/sqlite/migrations.h", "src/store/postgres/migrations.h")
TOKEN = re.compile(r'\s*(?:(?P<str>"(?:\\.|[^"\\])*")|(?P<int>\d+)|(?P<id>[A-Za-z_]\w*)|(?P<p>.))',
                   re.S)


def unescape(lit):
    body = lit[1:-1]
    return re.sub(r'\\(["\\nt\'])', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)),
                  body)


def strings(tokens):
    return "".join(tokens)


def string_macros(text):
    macros = {}
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S).replace("\\\n", " ")
    for m in re.finditer(r"^#define\s+(\w+)\s+(.*)$", text, re.M):
        lits = re.findall(r'"(?:\\.|[^"\\])*"', m.group(2))
        if lits:
            macros[m.group(1)] = "".join(unescape(x) for x in lits)
    return macros


def parse(text):
    """{version: (name, sql)} of a migrations.h text (string macros of its
    own and of store/driver.h expanded)."""
    with open(os.path.join(ROOT, "src", "store", "driver.h")) as f:
        macros = string_macros(f.read())
    macros.update(string_macros(text))
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = text.replace("\\\n", " ")
    body = text[text.index("_migrations[] = {") + len("_migrations[] = {"):]
    out, pos, depth, cur = {}, 0, 0, None
    for m in TOKEN.finditer(body):
        kind, value = m.lastgroup, m.group(m.lastgroup)
        if kind == "p" and value == "{":
            cur, field = [[]], 0
            continue
        if kind == "p" and value == "}":
            if cur is None:
                break
            version = int(cur[0][0])
            out[version] = (strings(cur[1]), strings(cur[2]))
            cur = None
            continue
        if cur is None:
            continue
        if kind == "p" and value == ",":
            cur.append([])
        elif kind == "str":
            cur[-1].append(unescape(value))
        elif kind == "int":
            cur[-1].append(value)
        elif kind == "id":
            if value not in macros:
                raise ValueError("unknown macro %s" % value)
            cur[-1].append(macros[value])
    return out


def main():
    bad = 0
    history = "--history" in sys.argv[1:]
    for path in FILES:
        with open(os.path.join(ROOT, path)) as f:
            now = parse(f.read())
        commits = ["HEAD"]
        if history:
            commits += subprocess.run(["git", "-C", ROOT, "log", "--first-parent", "--format=%H",
                                       "--", path], check=True, stdout=subprocess.PIPE,
                                      text=True).stdout.split()
        for c in commits:
            old = parse(subprocess.run(["git", "-C", ROOT, "show", "%s:%s" % (c, path)], check=True,
                                       stdout=subprocess.PIPE, text=True).stdout)
            for v, m in sorted(old.items()):
                if now.get(v) != m:
                    print("%s: migration %d as of %s differs from today's" % (path, v, c[:10]))
                    bad += c == "HEAD"
        print("%s: %d migrations, %d commits checked" % (path, len(now), len(commits)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
