"""A real FreeSWITCH for the browser tests (written in TypeScript), driven
over stdin/stdout with one JSON object per line, on the suite's harness
(tests/harness/freeswitch.py): the same build, configuration and ports
as the Python tests use.

At start it prints the instance's ports (nothing runs yet):
    {"ws_port", "wss_port", "esl_port", "esl_password", "sip_port"}
Then it answers each command with {"ok": true, ...} or {"ok": false, "error"}:
    {"cmd": "start", "binding": XML}   conf with agentdesk's xml_curl binding, start, wait ready
    {"cmd": "start"}                   start again (after stop), wait ready
    {"cmd": "stop"}                    shutdown, wait for the process (the folder stays)
    {"cmd": "esl", "arg": CMD}         -> {"out": reply}
    {"cmd": "events", "names": NAMES}  subscribe (event plain NAMES)
    {"cmd": "wait_event", "name": N, "match": {header: value}, "timeout": S} -> {"event": {..} | null}
    {"cmd": "clear_events"}            forget the events received so far
    {"cmd": "log_grep", "pattern": RE} -> {"lines": the last 50 lines of FreeSWITCH's log matching}
End of input (or {"cmd": "quit"}) stops and removes everything. Without
the build it prints {"skip": reason} and exits 77, or fails under CI=true.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))

import freeswitch  # noqa: E402


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    fixture = os.environ.get("AGENTDESK_FREESWITCH_DIR")
    build = None
    if fixture and os.path.exists(os.path.join(fixture, freeswitch.TOP, "bin", "freeswitch")):
        build = os.path.join(fixture, freeswitch.TOP)
    if build is None:
        reason = "FreeSWITCH build not unpacked (AGENTDESK_FREESWITCH_DIR=%s)" % fixture
        if fixture and os.path.exists(os.path.join(fixture, "missing")):
            with open(os.path.join(fixture, "missing")) as f:
                reason = f.read().strip()
        say({"skip": reason})
        return 1 if os.environ.get("CI") == "true" else freeswitch.SKIP
    fs = freeswitch.Instance(build, "xml_curl", name="fs-desk")
    events = None
    failed = False
    say({"ws_port": fs.ws_port, "wss_port": fs.wss_port, "esl_port": fs.esl_port,
         "esl_password": fs.esl_password, "sip_port": fs.sip_port})
    try:
        for line in sys.stdin:
            req = json.loads(line)
            cmd = req.get("cmd")
            try:
                if cmd == "start":
                    if "binding" in req:
                        fs.write_conf()
                        fs.set_binding(req["binding"])
                    fs.start()
                    say({"ok": True, "start_seconds": fs.start_seconds})
                elif cmd == "stop":
                    if events:
                        events.close()
                        events = None
                    fs.stop_process()
                    say({"ok": True})
                elif cmd == "esl":
                    say({"ok": True, "out": fs.esl(req["arg"])})
                elif cmd == "events":
                    events = fs.events(req["names"])
                    say({"ok": True})
                elif cmd == "wait_event":
                    match = req.get("match", {})
                    ev = events.wait(req["name"], lambda e: all(e.get(k) == v for k, v in match.items()),
                                     timeout=req.get("timeout", 20))
                    if ev:
                        ev = {k: v for k, v in ev.items() if k != "_raw"}
                    say({"ok": True, "event": ev})
                elif cmd == "clear_events":
                    with events.lock:
                        events.frames.clear()
                    say({"ok": True})
                elif cmd == "log_grep":
                    rx = re.compile(req["pattern"])
                    say({"ok": True, "lines": [l for l in fs.log().splitlines() if rx.search(l)][-50:]})
                elif cmd == "failed":
                    failed = True
                    say({"ok": True})
                elif cmd == "quit":
                    break
                else:
                    say({"ok": False, "error": "unknown command %r" % cmd})
            except Exception as e:  # noqa: BLE001 (reported to the test, which fails)
                say({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
    finally:
        if events:
            events.close()
        fs.stop(failed=failed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
