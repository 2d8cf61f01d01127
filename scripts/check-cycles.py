#!/usr/bin/env python3
"""Fails when files of src/ use each other in a loop: a.c includes b.h
while b.c (or b.h) includes a.h, directly or through others. A file and
its header are one module (src/domain/identity/auth.c and .h are
domain/identity/auth); a module's edges are the layer headers its .c and
.h include. Calls follow includes here (a function is declared in its
module's header), so a loop of includes is a loop of calls. A header with
no .c of its own (store/driver.h, domain/core/app.h) holds types and the
declarations of what others define, and calls nothing: its own includes
are no edges.

    scripts/check-cycles.py [--root DIR]

Prints each loop, one line per loop, and exits 1 when there is any.
"""
import argparse
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)\.h"', re.M)


def modules(src):
    """{module: {modules it includes}} for every .c and .h under src."""
    graph, code = {}, set()
    for dirpath, _, files in os.walk(src):
        for f in files:
            if not f.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, f)
            mod = os.path.relpath(path, src)[:-2]
            if f.endswith(".c"):
                code.add(mod)
            text = open(path, encoding="utf-8", errors="replace").read()
            graph.setdefault(mod, set()).update(m for m in INCLUDE.findall(text) if m != mod)
    return {m: (edges if m in code else set()) for m, edges in graph.items()}


def loops(graph):
    """The strongly connected components of more than one module (Tarjan),
    each sorted, the list sorted."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in graph:
                continue                 # a header of no module here (generated)
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    root = ap.parse_args().root
    found = loops(modules(os.path.join(root, "src")))
    for comp in found:
        print("loop: " + " <-> ".join(comp))
    print(f"check-cycles: {len(found)} loop(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
