"""Waiting on what can be observed, with a deadline, instead of sleeping:
a test that waits for a state polls for it and fails with what it saw
last; a test that proves something did not happen first waits for an
observable sign that the work it would have happened in is done (a
reconciler pass count in /metrics, say)."""
import re
import time


def wait_for(probe, timeout=10, what="the condition", interval=0.02):
    """Calls probe() until it returns something true, and returns that;
    raises AssertionError naming what and the last value after timeout
    seconds. what may be a function, called then, to say what was seen
    (when the probe's false answer says too little)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %gs waiting for %s (last: %r)"
                                 % (timeout, what() if callable(what) else what, value))
        time.sleep(interval)


def metric(ad, name, labels=None):
    """The value of one sample of GET /metrics (0 when absent): name is the
    family, labels a dict that the sample's labels must include."""
    status, text = ad.metrics()
    assert status == 200, (status, text)
    total = None
    for line in text.splitlines():
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$", line)
        if not m or m.group(1) != name:
            continue
        have = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        if all(have.get(k) == str(v) for k, v in (labels or {}).items()):
            total = (total or 0) + float(m.group(3))
    return total or 0


def reconciler_rounds(ad, rounds=2, timeout=10):
    """Returns once ad's reconciler thread has finished `rounds` more
    rounds than it had when called (agentdesk_reconciler_passes_total): two
    rounds mean one began after the call and ran to its end, so what it
    would have done is done."""
    name = "agentdesk_reconciler_passes_total"
    start = metric(ad, name)
    wait_for(lambda: metric(ad, name) >= start + rounds, timeout,
             "%d reconciler rounds (from %d)" % (rounds, start))
