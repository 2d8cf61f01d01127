"""The test runner of tests/integration (agentdesk_harness/runner.py) on
small test files of its own: main() runs every test_* function without a
list, only_on() and AGENTDESK_TEST_ONLY leave tests out and say so, a skip
records every test; and the tests_ran check fails on what it must catch (a
test below module level, a name defined twice, a run that stopped early, a
test that runs on no backend, a skip under CI=true) and passes on a whole
run and on a subset. The ctest tests_ran_check_catches."""
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
INTEGRATION = os.path.normpath(os.path.join(HERE, "..", "integration"))
RUNNER = os.path.join(INTEGRATION, "agentdesk_harness", "runner.py")

HEAD = "from agentdesk_harness.runner import main, only_on\n\n"


class Tree:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="agentdesk-runner-")
        self.tests = os.path.join(self.dir, "integration")
        self.record = os.path.join(self.dir, "record")
        os.makedirs(self.tests)

    def write(self, name, body):
        with open(os.path.join(self.tests, name), "w") as f:
            f.write(HEAD + textwrap.dedent(body))

    def run(self, name, backend, env=None):
        e = dict(os.environ, PYTHONPATH=INTEGRATION, AGENTDESK_TEST_RECORD=self.record)
        e.pop("AGENTDESK_TEST_ONLY", None)
        e.update(env or {})
        p = subprocess.run([sys.executable, os.path.join(self.tests, name), "--backend", backend],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=e)
        return p.returncode, p.stdout

    def recorded(self, stem, backend):
        with open(os.path.join(self.record, "%s.%s" % (stem, backend))) as f:
            return f.read().splitlines()

    def check(self, ci=False):
        e = dict(os.environ)
        e.pop("CI", None)
        if ci:
            e["CI"] = "true"
        p = subprocess.run([sys.executable, RUNNER, "check", self.record, self.tests],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=e)
        return p.returncode, p.stdout

    def reset(self):
        shutil.rmtree(self.record, ignore_errors=True)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def expect(cond, what, out=""):
    if not cond:
        print("FAIL: %s\n%s" % (what, out))
        sys.exit(1)
    print("ok: " + what)


def main():
    t = Tree()
    try:
        t.write("test_good.py", '''
            ORDER = []

            def test_b_first(backend):
                ORDER.append("b")

            @only_on("postgres")
            def test_a_postgres_only(backend):
                pass

            def test_c_last(backend):
                assert ORDER == ["b"], ORDER

            if __name__ == "__main__":
                main()
            ''')
        rc, out = t.run("test_good.py", "sqlite")
        expect(rc == 0 and "2 passed, 0 failed" in out, "main() runs every test, in order", out)
        expect(t.recorded("test_good", "sqlite") ==
               ["PASS test_b_first", "OTHER test_a_postgres_only", "PASS test_c_last"],
               "the record names each test with what became of it",
               t.recorded("test_good", "sqlite"))
        rc, out = t.check()
        expect(rc == 0, "a subset (sqlite only) checks what it selected", out)
        rc, out = t.run("test_good.py", "postgres")
        rc, out = t.check()
        expect(rc == 0 and "3 test functions in 1 recorded files: every one ran" in out,
               "the whole run passes", out)

        t.reset()
        rc, out = t.run("test_good.py", "sqlite", env={"AGENTDESK_TEST_ONLY": "c_last"})
        expect("UNSELECTED test_b_first" in t.recorded("test_good", "sqlite"),
               "AGENTDESK_TEST_ONLY records what it left out")
        rc, out = t.check()
        expect(rc == 0, "a test left out by AGENTDESK_TEST_ONLY is not asked for", out)
        rc, out = t.check(ci=True)
        expect(rc == 1 and "AGENTDESK_TEST_ONLY" in out, "... unless CI=true", out)

        t.reset()
        t.write("test_bad.py", '''
            BACKENDS = ("sqlite",)

            def test_ok(backend):
                pass

            def helper():
                def test_hidden(backend):
                    pass
                return test_hidden

            def test_twice(backend):
                pass

            def test_twice(backend):  # noqa: F811
                pass

            @only_on("postgres")
            def test_nowhere(backend):
                pass

            if __name__ == "__main__":
                main()
            ''')
        rc, out = t.run("test_bad.py", "sqlite")
        rc, out = t.check()
        expect(rc == 1, "the check fails on test_bad.py", out)
        expect("test_hidden is not at module level" in out, "... a test below module level", out)
        expect("test_twice is defined twice" in out, "... a name defined twice", out)
        expect("test_nowhere ran on none of sqlite" in out, "... a test for no backend it runs on",
               out)

        t.reset()
        t.run("test_good.py", "sqlite")
        lines = t.recorded("test_good", "sqlite")
        with open(os.path.join(t.record, "test_good.sqlite"), "w") as f:
            f.write("\n".join(lines[:1]) + "\n")     # as if killed after the first test
        rc, out = t.check()
        expect(rc == 1 and "test_c_last did not run on sqlite" in out,
               "... a run that stopped before a test", out)

        t.reset()
        t.write("test_skips.py", '''
            import sys

            def skip():
                sys.exit(77)

            def test_one(backend):
                raise AssertionError("a skipped file runs nothing")

            if __name__ == "__main__":
                main(precondition=skip)
            ''')
        rc, out = t.run("test_skips.py", "sqlite")
        expect(rc == 77 and t.recorded("test_skips", "sqlite") == ["SKIP test_one"],
               "a skip exits 77 and records every test SKIP", out)
        rc, out = t.check()
        expect(rc == 0, "a skip counts as a run", out)
        rc, out = t.check(ci=True)
        expect(rc == 1 and "test_one was skipped on sqlite (CI=true" in out,
               "... unless CI=true", out)

        t.reset()
        rc, out = t.check()
        expect(rc == 0 and "0 test functions in 0 recorded files" in out,
               "nothing recorded, nothing to check", out)
    finally:
        t.close()


if __name__ == "__main__":
    main()
