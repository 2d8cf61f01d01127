"""Loopback ports for tests that run side by side (ctest -j), in Python.
tests/browser/ports.ts does the same for the browser tests, on the same
folder, so a port is handed to one test process at a time.

Checking that a port is free is not enough: another test can pick the same
free port before this test's server binds it (CI saw it). So a port is also
claimed across processes: a file named after it in one shared folder,
created with O_EXCL and holding the claiming process's id. The claim lasts
until that process exits (the file is removed at exit; the file of a
process that is gone, killed before it could remove it, is taken over).

    reserve(lo, hi, kinds=(socket.SOCK_STREAM,), taken=())

Ports are chosen at random in [lo, hi]: callers keep below the kernel's
ephemeral range (32768-60999), where outgoing connections of other tests
take ports without asking anyone.
"""
import atexit
import os
import random
import socket
import tempfile

DIR = os.environ.get("AGENTDESK_TEST_PORTS") or os.path.join(
    tempfile.gettempdir(), "agentdesk-test-ports-%d" % os.getuid())
_mine = set()


@atexit.register
def _release_all():
    for path in list(_mine):
        _release(path)


def _release(path):
    _mine.discard(path)
    try:
        os.unlink(path)
    except OSError:
        pass


def _alive(text):
    """A claim whose process still runs. An empty file is one being written."""
    try:
        pid = int(text)
    except ValueError:
        return True
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _claim(port):
    os.makedirs(DIR, exist_ok=True)
    path = os.path.join(DIR, str(port))
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                with open(path) as f:
                    if _alive(f.read().strip()):
                        return None
            except FileNotFoundError:
                continue
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            continue
        with os.fdopen(fd, "w") as f:
            f.write(str(os.getpid()))
        _mine.add(path)
        return path
    return None


def _bindable(port, kinds):
    try:
        for kind in kinds:
            with socket.socket(socket.AF_INET, kind) as s:
                s.bind(("127.0.0.1", port))
    except OSError:
        return False
    return True


def reserve(lo, hi, kinds=(socket.SOCK_STREAM,), taken=()):
    """A loopback port in [lo, hi], free now for every socket kind given and
    claimed for this process until it exits."""
    for _ in range(500):
        port = random.randint(lo, hi)
        if port in taken:
            continue
        path = _claim(port)
        if path is None:
            continue
        if _bindable(port, kinds):
            return port
        _release(path)
    raise RuntimeError("no free port in %d-%d" % (lo, hi))
