"""docs/api/openapi.yaml describes exactly the routes the server registers
(`agentdesk routes`), its error-code enum is exactly the set of codes the
handlers can send, and AuditEntry.action's enum exactly the set of actions
the code can write (every audit_record() call of src/, read from the C
source). Standard library only: a line parser of the paths block, which is
kept in the file's plain two-space style."""
import glob
import os
import re
import subprocess

from agentdesk_harness import BIN, main


ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SPEC = os.path.join(ROOT, "docs", "api", "openapi.yaml")
METHODS = {"get", "post", "put", "patch", "delete"}


def spec_routes():
    routes, path, in_paths = set(), None, False
    with open(SPEC) as f:
        for line in f:
            if re.match(r"^\S", line):
                in_paths = line.startswith("paths:")
                continue
            if not in_paths:
                continue
            m = re.match(r"^  (/\S*):\s*$", line)
            if m:
                path = re.sub(r"\{(\w+)\}", r":\1", m.group(1))
                continue
            m = re.match(r"^    (\w+):", line)
            if m and path and m.group(1) in METHODS:
                routes.add((m.group(1).upper(), path))
    return routes


def server_routes():
    out = subprocess.run([BIN, "routes"], check=True, stdout=subprocess.PIPE, text=True).stdout
    return {tuple(line.split(" ", 1)) for line in out.splitlines() if line}


def test_routes_match(backend):
    spec, server = spec_routes(), server_routes()
    assert len(server) > 10, server
    missing, extra = server - spec, spec - server
    assert not missing and not extra, "not in openapi.yaml: %s; not in the server: %s" % (
        sorted(missing), sorted(extra))


def test_error_codes_match(backend):
    with open(SPEC) as f:
        text = f.read()
    m = re.search(r"code:\s*\n\s*enum: \[([^\]]*)\]", text)
    assert m, "no error code enum"
    documented = {c.strip() for c in m.group(1).split(",")}
    sent = set()
    for _, src in c_sources():
        sent |= set(re.findall(r'http_respond_error\(\s*req,\s*\d+,\s*"([a-z_]+)"', src))
    # http_respond_result() answers from the rows of enum result:
    # { "name", status, "code", "message" }; those of errors.
    with open(os.path.join(ROOT, "src", "util", "result.c")) as f:
        sent |= set(re.findall(r'\{\s*"[a-z_]+",\s*[45]\d\d,\s*"([a-z_]+)"', f.read()))
    assert sent, "no codes found in src"
    assert documented == sent, "only documented: %s; only sent: %s" % (
        sorted(documented - sent), sorted(sent - documented))


def c_sources():
    """(path, text without comments) of every C file of src/."""
    for path in sorted(glob.glob(os.path.join(ROOT, "src", "**", "*.c"), recursive=True)):
        with open(path) as f:
            text = f.read()
        # Comments blanked (their newlines kept, so lines still count), not
        # what looks like one inside a string ("wss://...").
        yield path, re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|/\*.*?\*/|//[^\n]*',
                           lambda m: m.group(0) if m.group(0)[0] in "\"'"
                           else re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)


def code_chars(text, start=0):
    """(index, character, bracket depth before it) of each character of C
    text from start that is outside a string literal; strings are skipped
    whole."""
    depth, in_str, i = 0, False, start
    while i < len(text):
        c = text[i]
        if in_str:
            if c == "\\":
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        else:
            yield i, c, depth
            depth += (c in "([{") - (c in ")]}")
        i += 1


def call_args(text, start):
    """The top-level arguments (text) of the call whose "(" is at start,
    and the index after its ")"."""
    args, arg_start = [], start + 1
    for i, c, depth in code_chars(text, start):
        if c in ")]}" and depth == 1:
            args.append(text[arg_start:i].strip())
            return args, i + 1
        if c == "," and depth == 1:
            args.append(text[arg_start:i].strip())
            arg_start = i + 1
    raise ValueError("unclosed call at %d" % start)


def top_level(expr, chars):
    """Index of the first of chars in expr outside strings and brackets, or -1."""
    return next((i for i, c, depth in code_chars(expr) if c in chars and depth == 0), -1)


def function_around(text, pos):
    """(name, parameter names, body) of the function around pos (ours open
    and close their body with a brace in column 0)."""
    open_at = text.rfind("\n{", 0, pos)
    head_at = text.rfind("\n}", 0, open_at)
    head = text[head_at + 2 if head_at >= 0 else 0:open_at]
    m = re.search(r"(\w+)\s*\(", head)
    params, _ = call_args(head, m.end() - 1)
    names = [(re.findall(r"\w+", p) or [""])[-1] for p in params]
    return m.group(1), names, text[open_at:text.find("\n}", pos)]


def values(text, pos, expr, where, depth=0):
    """The strings expr can be at pos: a string literal, a ternary of
    them, or a variable or parameter of the function around pos whose
    every assignment, or every caller's argument, is one of these."""
    expr = expr.strip()
    while expr.startswith("(") and top_level(expr[1:], ")") == len(expr) - 2:
        expr = expr[1:-1].strip()
    q = top_level(expr, "?")
    if q >= 0:
        rest = expr[q + 1:]
        c = top_level(rest, ":")
        assert c >= 0, "%s: a ternary without ':' in %r" % (where, expr)
        return (values(text, pos, rest[:c], where, depth)
                + values(text, pos, rest[c + 1:], where, depth))
    m = re.fullmatch(r'"((?:[^"\\]|\\.)*)"', expr)
    if m:
        return [m.group(1)]
    assert re.fullmatch(r"[A-Za-z_]\w*", expr) and depth < 5, \
        "%s: cannot tell which actions %r holds (teach written_actions)" % (where, expr)
    name, params, body = function_around(text, pos)
    found = []
    for a in re.finditer(r"\b%s\s*=(?!=)([^;]*);" % expr, body):
        found += values(text, pos, a.group(1), where, depth + 1)
    if expr in params:
        k = params.index(expr)
        for call in re.finditer(r"\b%s\s*\(" % name, text):
            args, _ = call_args(text, call.end() - 1)
            if args and not args[0].startswith(("struct ", "const ")):   # not the definition
                found += values(text, call.start(), args[k], where, depth + 1)
    assert found, "%s: no value of %s found" % (where, expr)
    return found


def written_actions():
    """{action: [where]} of every audit_record(conn, actor, tenant, ACTION,
    ...) call of src/; values() says what ACTION may be. Anything else
    fails, so a new way of naming actions must be taught here."""
    actions, calls = {}, 0
    for path, text in c_sources():
        for m in re.finditer(r"\baudit_record\s*\(", text):
            args, _ = call_args(text, m.end() - 1)
            if args[0].startswith("struct "):
                continue                 # the definition
            calls += 1
            where = "%s:%d" % (os.path.relpath(path, ROOT), text.count("\n", 0, m.start()) + 1)
            for a in values(text, m.start(), args[3], where):
                actions.setdefault(a, []).append(where)
    assert calls >= 10, "only %d audit_record() calls found in src/" % calls
    return actions


def test_audit_actions_match(backend):
    with open(SPEC) as f:
        text = f.read()
    m = re.search(r"\n    AuditEntry:.*?\n        action:\s*\n\s*enum: \[([^\]]*)\]", text, re.S)
    assert m, "no AuditEntry.action enum in openapi.yaml"
    documented = {a.strip() for a in m.group(1).split(",")}
    written = written_actions()
    assert documented == set(written), "not in openapi.yaml: %s; never written: %s" % (
        {a: written[a] for a in sorted(set(written) - documented)},
        sorted(documented - set(written)))


if __name__ == "__main__":
    main()
