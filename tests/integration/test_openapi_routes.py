"""docs/api/openapi.yaml describes exactly the routes the server registers
(`agentdesk routes`), and its error-code enum is exactly the set of codes
the handlers can send. Standard library only: a line parser of the paths
block, which is kept in the file's plain two-space style."""
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
    for path in glob.glob(os.path.join(ROOT, "src", "*", "*.c")):
        with open(path) as f:
            src = f.read()
        sent |= set(re.findall(r'http_respond_error\(\s*req,\s*\d+,\s*"([a-z_]+)"', src))
    # http_respond_result() answers from the rows of enum result:
    # { "name", status, "code", "message" }; those of errors.
    with open(os.path.join(ROOT, "src", "util", "result.c")) as f:
        sent |= set(re.findall(r'\{\s*"[a-z_]+",\s*[45]\d\d,\s*"([a-z_]+)"', f.read()))
    assert sent, "no codes found in src"
    assert documented == sent, "only documented: %s; only sent: %s" % (
        sorted(documented - sent), sorted(sent - documented))


if __name__ == "__main__":
    main([test_routes_match, test_error_codes_match])
