#!/usr/bin/env python3
"""Checks every #include under src/ against the layer table of
docs/ARCHITECTURE.md: a folder may include its own headers, those of the
layers its "may use" cell names and the third-party headers that cell names
(restricted to the files or subfolders given in parentheses, as in
"libssh (sftp.c)" or "sqlite3 (`sqlite/` only)"). "libc only" and
"every layer" mean what they say.

Inside src/domain/ the same holds between its subfolders: a row for
`src/domain/<sub>/` names, in "may use", the other subfolders of the
domain that its files may include (their own always); a file directly in
src/domain/ has no row and fails.

    scripts/check-includes.py [--root DIR]

Prints one line per violation and exits 1 when there is any; 0 otherwise.
The table is read, not copied: change a row and this check follows.
"""
import argparse
import os
import re
import sys

# Library names as the table spells them -> the headers they own.
LIBRARIES = {
    "jansson": re.compile(r"jansson(_config)?\.h$"),
    "libmicrohttpd": re.compile(r"microhttpd\.h$"),
    "libsodium": re.compile(r"sodium(/.*)?\.h$"),
    "sqlite3": re.compile(r"sqlite3(ext)?\.h$"),
    "libpq": re.compile(r"(libpq-fe|postgres_ext)\.h$"),
    "libcrypto": re.compile(r"openssl/.*\.h$"),
    "libssh": re.compile(r"libssh/.*\.h$"),
    "libcurl": re.compile(r"curl/.*\.h$"),
    "libcjose": re.compile(r"cjose/.*\.h$"),
    "GnuTLS": re.compile(r"gnutls/.*\.h$"),
    "libsystemd": re.compile(r"systemd/sd-.*\.h$"),
}

# C11 and POSIX headers, and the Linux ones of calls libc does not wrap
# (openat2): libc, allowed everywhere. A header that is in
# neither list is an error, so a new library cannot slip in unnamed.
SYSTEM = set("""
assert.h ctype.h errno.h fenv.h float.h inttypes.h iso646.h limits.h locale.h
math.h setjmp.h signal.h stdalign.h stdarg.h stdatomic.h stdbool.h stddef.h
stdint.h stdio.h stdlib.h stdnoreturn.h string.h tgmath.h threads.h time.h
uchar.h wchar.h wctype.h
aio.h arpa/inet.h dirent.h dlfcn.h fcntl.h fnmatch.h glob.h grp.h ifaddrs.h
libgen.h net/if.h netdb.h netinet/in.h netinet/tcp.h poll.h pthread.h pwd.h
regex.h sched.h semaphore.h strings.h sys/epoll.h sys/eventfd.h sys/file.h
sys/ioctl.h sys/mman.h sys/random.h sys/resource.h sys/select.h sys/socket.h
sys/stat.h sys/syscall.h sys/time.h sys/types.h sys/uio.h sys/un.h sys/wait.h
syslog.h termios.h unistd.h
linux/openat2.h
""".split())

# Includes the table forbids but the tree still has, each with the work
# that removes it: {(path, header): why}. A stale entry is reported, not
# failed, so that the fix and the removal of its entry need not land
# together.
KNOWN = {}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def split_top(text, sep):
    """Splits at sep outside parentheses."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def scope(token):
    """'libssh (sftp.c)' -> ('libssh', ['sftp.c']); names without a file or
    folder in the parentheses (such as 'request ids') restrict nothing."""
    m = re.match(r"^([\w-]+)\s*(?:\((.*)\))?$", token)
    if not m:
        return None, None
    where = [w.strip("` ") for w in re.split(r"[,\s]+", m.group(2) or "")]
    where = [w for w in where if re.match(r"^[\w./-]+(\.[ch]|/)$", w)]
    return m.group(1), where


def read_table(path, layers):
    """{folder or file: (allowed layers {name: [where]}, libraries {name: [where]})}"""
    rules = {}
    for line in open(path, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) not in (3, 4) or not cells[0].startswith("`src/"):
            continue
        folder = cells[0].strip("`")
        may_use = cells[2]
        if len(cells) == 3:              # src/domain/<sub>/: sibling subfolders
            subs = {t.strip("` ") for t in split_top(may_use, ",")} - {"nothing", "—", "-"}
            rules[folder] = (subs, None)
            continue
        layer_part, _, lib_part = may_use.partition(";")
        allowed, libs = {}, {}
        for tok in split_top(layer_part, ","):
            if tok == "every layer":
                allowed.update({name: [] for name in layers})
                continue
            if tok == "libc only":
                continue
            name, where = scope(tok)
            if name in layers:
                allowed[name] = where
            elif name in LIBRARIES:
                libs[name] = where
            else:
                sys.exit(f"{path}: row {folder}: cannot read '{tok}' (a layer or a library)")
        for tok in split_top(lib_part, ","):
            name, where = scope(tok)
            if name not in LIBRARIES:
                sys.exit(f"{path}: row {folder}: unknown library '{tok}' (add it to LIBRARIES)")
            libs[name] = where
        rules[folder] = (allowed, libs)
    return rules


def in_scope(rel, where):
    """rel is the file's path inside its folder; where lists files or
    subfolders (empty: the whole folder)."""
    return not where or any(rel.startswith(w) if w.endswith("/") else os.path.basename(rel) == w
                            for w in where)


def domain_why(parts, header, subrules, subs):
    """Why a file under src/domain/ may not include header (None: it may)."""
    if len(parts) < 4:
        return "src/domain/ keeps its files in subfolders (a row each in docs/ARCHITECTURE.md)"
    mine = parts[2]
    if f"src/domain/{mine}/" not in subrules:
        return f"no row for src/domain/{mine}/ in docs/ARCHITECTURE.md"
    hp = header.split("/")
    if hp[0] != "domain":
        return None
    if len(hp) < 3 or hp[1] not in subs:
        return "include domain headers by their subfolder (\"domain/<sub>/file.h\")"
    if hp[1] != mine and hp[1] not in subrules[f"src/domain/{mine}/"]:
        return f"src/domain/{mine}/ may not use domain/{hp[1]}/"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    root = ap.parse_args().root
    src = os.path.join(root, "src")
    table = os.path.join(root, "docs", "ARCHITECTURE.md")
    # The layers: src/'s folders and the table's rows (a row may come first).
    layers = {d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d))}
    layers |= set(re.findall(r"^\|\s*`src/(\w+)/`", open(table, encoding="utf-8").read(), re.M))
    rules = read_table(table, layers)
    errors, used = [], set()

    subrules = {k: v[0] for k, v in rules.items() if v[1] is None}
    for k in subrules:
        del rules[k]
    subs = {k.split("/")[2] for k in subrules}

    for dirpath, _, files in os.walk(src):
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            path = os.path.relpath(os.path.join(dirpath, f), root)
            parts = path.split(os.sep)
            if len(parts) == 2:
                key, own, rel = path, None, f
            else:
                key, own, rel = f"src/{parts[1]}/", parts[1], os.path.join(*parts[2:])
            if key not in rules:
                errors.append(f"{path}: no row for {key} in docs/ARCHITECTURE.md")
                continue
            allowed, libs = rules[key]
            for n, line in enumerate(open(os.path.join(root, path), encoding="utf-8"), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                kind, header = m.groups()
                why = None
                if kind == '"':
                    layer = header.split("/")[0]
                    if own == "domain":
                        why = domain_why(parts, header, subrules, subs)
                    if why:
                        pass
                    elif layer not in layers:
                        why = "include layer headers by their path from src/ (\"layer/file.h\")"
                    elif layer != own and (layer not in allowed or
                                           not in_scope(header[len(layer) + 1:], allowed[layer])):
                        why = f"{key} may not use {layer}/"
                elif header not in SYSTEM:
                    lib = next((name for name, rx in LIBRARIES.items() if rx.match(header)), None)
                    if lib is None:
                        why = "neither libc/POSIX nor a library the table knows"
                    elif lib not in libs or not in_scope(rel, libs[lib]):
                        why = f"{key} may not use {lib} here"
                if why is None:
                    continue
                if (path, header) in KNOWN:
                    used.add((path, header))
                    continue
                errors.append(f"{path}:{n}: #include {kind}{header}{'>' if kind == '<' else kind}: {why}")

    for (path, header), reason in sorted(KNOWN.items()):
        state = "still there" if (path, header) in used else "gone: remove it from KNOWN"
        print(f"known exception, {state}: {path} includes {header} ({reason})")
    for e in errors:
        print(e)
    print(f"check-includes: {len(errors)} violation(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
