"""The test runner of tests/integration/test_*.py, and the check that every
test function ran.

A test file defines functions `def test_NAME(backend)` at module level and
ends with

    if __name__ == "__main__":
        main()          # fs_main() for the FreeSWITCH tests

main() runs every `test_*` function of the file, in the order they are
written, for the backend named by --backend (sqlite by default); there is
no list to keep. A test that applies to some backends only says so with a
decorator: `@only_on("postgres")`. AGENTDESK_TEST_ONLY=TEXT runs only the
tests whose name holds TEXT.

What ran is recorded when AGENTDESK_TEST_RECORD names a folder (ctest sets
it, tests/CMakeLists.txt): one file per test file and backend,
"<file stem>.<backend>", a line "<STATUS> <test name>" per test, written as
each ends. STATUS is PASS, FAIL, SKIP (the file skipped, e.g. no FreeSWITCH
build), OTHER (not for this backend, only_on) or UNSELECTED (left out by
AGENTDESK_TEST_ONLY).

`python3 runner.py check RECORD_DIR INTEGRATION_DIR` (the ctest
tests_ran_check, after every integration test of the run) reads those
files and the `def test_*` of each test file that has one (found by
parsing the source, not by importing it), and fails when a test function
did not run: one not at module level (never collected), a name defined
twice (the first is shadowed), a test missing from a record (the run
stopped before it), or one that ran on none of its file's backends. A
skip counts as a run unless CI=true. Only the files that a run recorded
are checked: `ctest -R test_agents` checks test_agents.py alone, and a
backend left out of the run is not asked for; the full run records every
file. Standard library only: the check runs as a plain script.
"""
import ast
import os
import re
import sys
import time
import traceback

STATUSES = ("PASS", "FAIL", "SKIP", "OTHER", "UNSELECTED")
BACKENDS = ("sqlite", "postgres")


def only_on(*backends):
    """Decorator: the test runs on these backends only (elsewhere it is
    recorded OTHER)."""
    for b in backends:
        if b not in BACKENDS:
            raise ValueError("only_on: unknown backend %r" % b)

    def mark(fn):
        fn.backends = backends
        return fn
    return mark


def collect(module):
    """The test_* functions defined in module, in source order."""
    tests = [f for name, f in vars(module).items()
             if name.startswith("test_") and callable(f)
             and getattr(f, "__module__", None) == module.__name__]
    return sorted(tests, key=lambda f: f.__code__.co_firstlineno)


class Record:
    """Appends "<STATUS> <name>" lines to the run's record of this file
    and backend (nothing when AGENTDESK_TEST_RECORD is unset)."""

    def __init__(self, script, backend):
        folder = os.environ.get("AGENTDESK_TEST_RECORD")
        self.path = None
        if folder:
            stem = os.path.splitext(os.path.basename(script))[0]
            os.makedirs(folder, exist_ok=True)
            self.path = os.path.join(folder, "%s.%s" % (stem, backend))
            open(self.path, "w").close()

    def add(self, status, name):
        if self.path:
            with open(self.path, "a") as f:
                f.write("%s %s\n" % (status, name))


def backend_arg():
    args = sys.argv[1:]
    if "--backend" in args:
        return args[args.index("--backend") + 1]
    return "sqlite"


def main(precondition=None):
    """Runs the calling file's test functions (see the module's comment).
    precondition, when given, is called first; if it exits with 77 (skip),
    every test is recorded SKIP before the exit goes on."""
    if precondition is not None and not callable(precondition):
        raise TypeError("main() collects the file's test_* functions itself: "
                        "pass no list (only an optional precondition)")
    module = sys.modules["__main__"]
    tests = collect(module)
    backend = backend_arg()
    record = Record(module.__file__, backend)
    if precondition:
        try:
            precondition()
        except SystemExit as e:
            if e.code == 77:
                for t in tests:
                    record.add("SKIP", t.__name__)
            raise
    only = os.environ.get("AGENTDESK_TEST_ONLY")
    passed = failed = 0
    for t in tests:
        if backend not in getattr(t, "backends", BACKENDS):
            record.add("OTHER", t.__name__)
            continue
        if only and only not in t.__name__:
            record.add("UNSELECTED", t.__name__)
            continue
        start = time.time()
        try:
            t(backend)
            passed += 1
            record.add("PASS", t.__name__)
            print("PASS %s (%.2fs)" % (t.__name__, time.time() - start), flush=True)
        except Exception:
            failed += 1
            record.add("FAIL", t.__name__)
            print("FAIL %s" % t.__name__, flush=True)
            traceback.print_exc()
            sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed or not passed else 0)


# ---- the check (tests_ran_check) ------------------------------------------

def declared(path):
    """(module-level test names in order, names defined twice, names
    defined below module level) of a test file, from its source."""
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    top, twice = [], []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_"):
            (twice if node.name in top else top).append(node.name)
    nested = [n.name for n in ast.walk(tree)
              if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
              and n.name.startswith("test_") and n not in tree.body]
    return top, twice, nested


def file_backends(path):
    """The backends ctest runs a file on (its "BACKENDS = (...)" line, as
    tests/CMakeLists.txt reads it)."""
    with open(path) as f:
        for line in f:
            if line.startswith("BACKENDS = "):
                return tuple(b for b in BACKENDS if b in line)
    return BACKENDS


def read_record(path):
    out = {}
    with open(path) as f:
        for line in f:
            status, _, name = line.strip().partition(" ")
            if status not in STATUSES or not name:
                raise ValueError("%s: bad line %r" % (path, line))
            out[name] = status
    return out


def check(record_dir, integration_dir, ci):
    """The problems found (strings); see the module's comment."""
    problems, files, functions = [], 0, 0
    records = {}
    for entry in sorted(os.listdir(record_dir)) if os.path.isdir(record_dir) else []:
        m = re.match(r"^(test_\w+)\.(\w+)$", entry)
        if not m:
            continue
        records.setdefault(m.group(1), {})[m.group(2)] = read_record(os.path.join(record_dir, entry))
    ran = ("PASS", "FAIL") if ci else ("PASS", "FAIL", "SKIP")
    for stem, by_backend in sorted(records.items()):
        source = os.path.join(integration_dir, stem + ".py")
        if not os.path.exists(source):
            problems.append("%s: recorded, but there is no %s" % (stem, source))
            continue
        files += 1
        top, twice, nested = declared(source)
        functions += len(top)
        for name in twice:
            problems.append("%s: %s is defined twice; the first never runs" % (stem, name))
        for name in nested:
            problems.append("%s: %s is not at module level, so it is never collected"
                            % (stem, name))
        whole = set(by_backend) >= set(file_backends(source))
        for name in top:
            statuses = {b: r.get(name) for b, r in by_backend.items()}
            for b, s in sorted(statuses.items()):
                if s is None:
                    problems.append("%s: %s did not run on %s (the run stopped before it?)"
                                    % (stem, name, b))
                elif s == "SKIP" and ci:
                    problems.append("%s: %s was skipped on %s (CI=true: skips do not count)"
                                    % (stem, name, b))
                elif s == "UNSELECTED" and ci:
                    problems.append("%s: %s was left out by AGENTDESK_TEST_ONLY on %s "
                                    "(CI=true runs every test)" % (stem, name, b))
            if (whole and None not in statuses.values()
                    and "UNSELECTED" not in statuses.values()
                    and not any(s in ran for s in statuses.values())):
                problems.append("%s: %s ran on none of %s (only_on names none of them?)"
                                % (stem, name, ", ".join(file_backends(source))))
        for b, r in by_backend.items():
            for name in sorted(set(r) - set(top)):
                problems.append("%s: %s ran on %s but is not a module-level def in %s"
                                % (stem, name, b, source))
    return problems, files, functions


def check_main(argv):
    if len(argv) != 3 or argv[0] != "check":
        sys.exit("usage: runner.py check RECORD_DIR INTEGRATION_DIR")
    ci = os.environ.get("CI") == "true"
    problems, files, functions = check(argv[1], argv[2], ci)
    for p in problems:
        print("NOT RUN: " + p)
    print("%d test functions in %d recorded files%s: %s"
          % (functions, files, " (CI=true: skips do not count)" if ci else "",
             "%d problems" % len(problems) if problems else "every one ran"))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    check_main(sys.argv[1:])
