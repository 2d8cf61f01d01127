"""SIGTERM's drain with 64 requests in flight, on SQLite and, when the
PostgreSQL fixture is there (AGENTDESK_TEST_PG_DIR), on PostgreSQL:

  held:    64 creates whose headers are in (the server holds each in
           flight, its 100 Continue says so) and whose bodies are sent
           right after the SIGTERM: time from the signal to the last
           answer and to the process's exit, answers received;
  flowing: 64 keep-alive clients creating agents back to back when the
           SIGTERM comes, each sending one more after it: time to exit,
           creates answered, new connections refused (the cue a load
           balancer needs), requests cut without an answer (a request on
           a kept-alive connection that reaches the server after the last
           one in flight has ended is cut by the stop: the race every
           HTTP/1.1 server has with a client reusing an idle connection).

AGENTDESK_SHUTDOWN_S is 10 (the default). Figures only."""
import http.client
import json
import os
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from agentdesk_harness import Agentdesk  # noqa: E402

IN_FLIGHT = 64
PASSWORD = "bench password 1"


def setup(backend):
    ad = Agentdesk(backend, env={"AGENTDESK_SHUTDOWN_S": "10"})
    t = ad.run_json("tenant", "create", "--name", "Drain", "--pool-base", "10000",
                    "--pool-size", "5000")
    ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "admin@drain.example",
                "--password", PASSWORD, "--role", "admin")
    ad.serve()
    return ad, ad.login("admin@drain.example", PASSWORD)


def create_body(i):
    return json.dumps({"first_name": "D", "last_name": "R",
                       "email": "d%d@drain.example" % i}).encode()


def held(backend):
    ad, token = setup(backend)
    with ad:
        socks = []
        for i in range(IN_FLIGHT):
            s = socket.create_connection(("127.0.0.1", ad.port), timeout=30)
            body = create_body(i)
            s.sendall(b"POST /v1/admin/agents HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer "
                      + token.encode() + b"\r\nContent-Type: application/json\r\n"
                      b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(body))
            assert s.recv(100).startswith(b"HTTP/1.1 100 Continue")
            socks.append((s, body))
        proc = ad.proc
        start = time.perf_counter()
        proc.send_signal(signal.SIGTERM)
        for s, body in socks:
            s.sendall(body)
        answered = 0
        for s, _ in socks:
            if s.recv(4096).startswith(b"HTTP/1.1 201 "):
                answered += 1
            s.close()
        last_answer = time.perf_counter() - start
        proc.wait(30)
        exited = time.perf_counter() - start
        ad.stop(expect_rc=0)             # already gone: collects its log and exit status
    print("%-8s held:    %d/%d answered 201, last answer %.0f ms and exit %.0f ms after SIGTERM"
          % (backend, answered, IN_FLIGHT, last_answer * 1000, exited * 1000))


def flowing(backend):
    ad, token = setup(backend)
    with ad:
        counts = {"before": 0, "after": 0, "refused": 0, "cut": 0}
        lock = threading.Lock()
        signalled = threading.Event()
        warm = threading.Barrier(IN_FLIGHT + 1)

        def client(k):
            conn = ad.connect()
            i = 0
            warm.wait()
            while True:
                i += 1
                after = signalled.is_set()
                try:
                    status, _, _ = ad.request("POST", "/v1/admin/agents", token=token, conn=conn,
                                              json_body={"first_name": "F", "last_name": "L",
                                                         "email": "f%d-%d@drain.example" % (k, i)})
                except ConnectionRefusedError:
                    # A new connection (the last answer said close):
                    # refused at once, a load balancer's cue to go elsewhere.
                    with lock:
                        counts["refused"] += 1
                    return
                except (OSError, http.client.HTTPException):
                    with lock:
                        counts["cut"] += 1
                    return
                with lock:
                    counts["after" if after else "before"] += 1
                if after:
                    return               # one more round trip after the signal is enough

        threads = [threading.Thread(target=client, args=(k,)) for k in range(IN_FLIGHT)]
        for th in threads:
            th.start()
        warm.wait()
        time.sleep(0.5)                  # the load is flowing
        proc = ad.proc
        start = time.perf_counter()
        signalled.set()
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        exited = time.perf_counter() - start
        for th in threads:
            th.join(30)
        ad.stop(expect_rc=0)
    print("%-8s flowing: exit %.0f ms after SIGTERM; creates answered: %d sent before it, %d "
          "after; %d new connections refused, %d requests cut unanswered"
          % (backend, exited * 1000, counts["before"], counts["after"], counts["refused"],
             counts["cut"]))


if __name__ == "__main__":
    backends = ["sqlite"] + (["postgres"] if os.environ.get("AGENTDESK_TEST_PG_DIR") else [])
    for b in backends:
        held(b)
        flowing(b)
