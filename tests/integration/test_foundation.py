"""The foundation through the real binary: migrations, the CLI, serve,
/healthz, /metrics, errors, the body cap, settings, and SIGTERM mid-request."""
import signal
import threading

from agentdesk_harness import Agentdesk, main, parse_demo_password, wait_for


def test_migrate_is_idempotent(backend):
    with Agentdesk(backend) as ad:
        _, out, _ = ad.run("migrate")
        # Every migration of the backend, each once: PostgreSQL's 1-14 (2 its
        # triggers that tell other nodes of directory changes, 7 the live
        # registrations, 8 the call records, 9 the triggers narrowed by
        # column, 10 queues, 11 queue live, 12 the voicemail ring time, 13
        # call history and presence, 14 agent imports), SQLite's 1-13 (6 the live
        # registrations, 7 the call records, 8 the triggers' count of
        # directory changes, 9 queues, 10 queue live, 11 the voicemail ring
        # time, 12 call history and presence, 13 agent imports).
        want = 14 if backend == "postgres" else 13
        assert "applied %d migration" % want in out, out
        _, out, _ = ad.run("migrate")
        assert "(0 applied)" in out, out


def test_tenant_create_and_pool_rule(backend):
    with Agentdesk(backend) as ad:
        t = ad.run_json("tenant", "create", "--name", "Acme Corp")
        assert t["id"] >= 1 and t["name"] == "Acme Corp" and t["slug"] == "acme-corp", t
        assert t["pool_base"] == (t["id"] + 1) * 1000 and t["pool_size"] == 1000, t
        u = ad.run_json("tenant", "create", "--name", "Small", "--pool-base", "50000",
                        "--pool-size", "10")
        assert (u["pool_base"], u["pool_size"]) == (50000, 10), u
        # Overlap: refused with one clear line, nothing created.
        rc, out, err = ad.run("tenant", "create", "--name", "Overlap", "--pool-base", "50005",
                              check=False)
        assert rc != 0 and out == "", (rc, out)
        assert len(err.strip().splitlines()) == 1 and "overlap" in err, err
        # The refused one left no row behind: its name's slug is still free.
        v = ad.run_json("tenant", "create", "--name", "Overlap", "--pool-base", "60000",
                        "--pool-size", "5")
        assert v["slug"] == "overlap", v
        rc, _, err = ad.run("tenant", "create", "--pool-size", "5", check=False)
        assert rc != 0 and "--name" in err, err
        rc, _, err = ad.run("tenant", "create", "--name", "X", "--pool-size", "-3", check=False)
        assert rc != 0 and "pool-size" in err, err


def test_user_create(backend):
    with Agentdesk(backend) as ad:
        t = ad.run_json("tenant", "create", "--name", "Acme")
        u = ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "Ann@Acme.example",
                        "--password", "long enough pw", "--role", "admin", "--first-name", "Ann")
        assert u["id"] >= 1 and u["email"] == "ann@acme.example" and u["role"] == "admin", u
        rc, out, err = ad.run("user", "create", "--tenant", str(t["id"]), "--email",
                              "ann@acme.example", "--password", "long enough pw", "--role",
                              "agent", check=False)
        assert rc != 0 and out == "" and "exists" in err, err
        rc, _, err = ad.run("user", "create", "--tenant", str(t["id"]), "--email", "b@acme.example",
                            "--password", "short", "--role", "agent", check=False)
        assert rc != 0 and "password" in err, err
        rc, _, err = ad.run("user", "create", "--tenant", "999", "--email", "c@acme.example",
                            "--password", "long enough pw", "--role", "agent", check=False)
        assert rc != 0 and "tenant" in err, err
        s = ad.run_json("user", "create", "--email", "root@platform.example", "--password",
                        "long enough pw", "--role", "superadmin")
        assert s["tenant_id"] is None, s


def test_demo_twice_new_password(backend):
    with Agentdesk(backend) as ad:
        _, out1, _ = ad.run("demo")
        _, out2, _ = ad.run("demo")
        p1, p2 = parse_demo_password(out1), parse_demo_password(out2)
        assert p1 != p2 and len(p2) >= 16, (p1, p2)
        assert "admin@demo.local" in out2
        ad.serve()
        status, _, body = ad.request("POST", "/v1/auth/login",
                                     json_body={"email": "admin@demo.local", "password": p1})
        assert status == 401, body  # the first password was replaced
        ad.login("admin@demo.local", p2)


def test_serve_health_metrics_errors(backend):
    with Agentdesk(backend, env={"AGENTDESK_MAX_BODY_BYTES": "1024"}) as ad:
        ad.run("demo")
        ad.serve()
        status, headers, body = ad.request("GET", "/healthz")
        assert status == 200 and body["success"] is True, body
        assert headers.get("x-request-id"), headers
        status, headers, body = ad.request("GET", "/healthz", headers={"X-Request-Id": "abc-123"})
        assert headers["x-request-id"] == "abc-123"
        status, text = ad.metrics()
        assert status == 200
        assert 'agentdesk_http_requests_total{route="/healthz",method="GET",status="200"}' in text, text
        assert 'agentdesk_pool_extensions{state="free"} 1000' in text, text
        assert "agentdesk_http_request_duration_seconds_bucket" in text
        status, _, body = ad.request("GET", "/v1/no/such/route")  # elsewhere: the web app
        assert status == 404 and body == {"success": False, "error": {
            "code": "not_found", "message": "no such route"}}, body
        status, headers, body = ad.request("DELETE", "/healthz")
        assert status == 405 and body["error"]["code"] == "method_not_allowed"
        assert headers["allow"] == "GET"
        status, _, body = ad.request("POST", "/v1/auth/login", body=b"x" * 2048,
                                     headers={"Content-Type": "application/json"})
        assert status == 413 and body["error"]["code"] == "payload_too_large", body
        status, _, body = ad.request("POST", "/v1/auth/login", body=b"{not json")
        assert status == 400 and body["error"]["code"] == "invalid_json", body
        # The access log names method, path, status, request id; never a body.
        ad.request("POST", "/v1/auth/login",
                   json_body={"email": "x@y.example", "password": "SECRET-PASSWORD-1"})
        log = ad.wait_log("POST /v1/auth/login 401")
        assert "POST /v1/auth/login 401" in log and "id=" in log, log[-2000:]
        assert "SECRET-PASSWORD-1" not in log


def test_bad_settings(backend):
    with Agentdesk(backend) as ad:
        rc, _, err = ad.run("migrate", env={"AGENTDESK_LISTEN": "nonsense",
                                            "AGENTDESK_TOKEN_TTL": "soon"}, check=False)
        assert rc != 0 and "AGENTDESK_LISTEN" in err and "AGENTDESK_TOKEN_TTL" in err, err
        rc, out, _ = ad.run("--help", db=False)
        assert rc == 0 and "AGENTDESK_DB" in out and "tenant create" in out, out
        rc, out, _ = ad.run("serve", "--help", db=False)
        assert rc == 0 and "AGENTDESK_LISTEN" in out
        rc, _, err = ad.run("frobnicate", db=False, check=False)
        assert rc != 0 and "unknown command" in err
        # A config file, overridden by the environment, overridden by a flag.
        conf = ad.tmpdir + "/agentdesk.conf"
        with open(conf, "w") as f:
            f.write("# test\nAGENTDESK_LOG_LEVEL=nonsense\n")
        rc, _, err = ad.run("migrate", "--config", conf, check=False)
        assert rc != 0 and "AGENTDESK_LOG_LEVEL" in err, err
        rc, _, err = ad.run("migrate", "--config", conf, "--log-level", "warn")
        assert rc == 0, err


def test_sigterm_mid_request(backend):
    with Agentdesk(backend) as ad:
        _, out, _ = ad.run("demo")
        ad.serve()
        token = ad.login("admin@demo.local", parse_demo_password(out))
        stop = threading.Event()
        results = []

        def client(i):
            n = 0
            while not stop.is_set():
                try:
                    status, _, _ = ad.request("POST", "/v1/admin/agents", token=token, json_body={
                        "first_name": "A", "last_name": "B%d" % i,
                        "email": "a%d-%d@load.example" % (i, n)})
                    results.append(status)
                except OSError:
                    results.append("closed")
                n += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        # Stop mid-load: once agents are being created.
        wait_for(lambda: results.count(201) >= 6, timeout=30, what="agents being created")
        ad.stop(signal.SIGTERM, expect_rc=0)
        stop.set()
        for t in threads:
            t.join()
        assert all(r in (201, "closed") for r in results), set(results)
        # The store is consistent: current schema, every created agent whole.
        _, out, _ = ad.run("migrate")
        assert "(0 applied)" in out
        _, out, _ = ad.run("demo")
        ad.serve()
        token = ad.login("admin@demo.local", parse_demo_password(out))
        created = 0
        for offset in range(0, 100000, 500):
            status, _, body = ad.request(
                "GET", "/v1/admin/agents?q=load.example&limit=500&offset=%d" % offset, token=token)
            assert status == 200, body
            assert all(len(a["extensions"]) == 1 for a in body["agents"])
            created += len(body["agents"])
            if offset + 500 >= body["total"]:
                break
        # Every 201 the clients saw is there; a request cut by the stop may
        # have committed without its answer arriving, never half-way.
        assert created >= results.count(201), (created, results.count(201))
        status, _, body = ad.request("GET", "/v1/admin/extensions?state=assigned", token=token)
        assert body["total"] == created, (body["total"], created)


def test_key_file_default(backend):
    import os
    import stat
    with Agentdesk(backend) as ad:
        del ad.env["AGENTDESK_SECRET_KEY_FILE"]
        rc, _, err = ad.run("demo", check=False)
        if backend == "sqlite":
            key = os.path.join(ad.tmpdir, "agentdesk.key")
            assert rc == 0, err
            assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
            with open(key) as f:
                assert len(f.read().strip()) == 64
            first = open(key).read()
            ad.run("demo")
            assert open(key).read() == first  # never replaced
        else:
            assert rc != 0 and "AGENTDESK_SECRET_KEY_FILE is required" in err, err
        bad = os.path.join(ad.tmpdir, "bad.key")
        with open(bad, "w") as f:
            f.write("not a key\n")
        rc, _, err = ad.run("demo", env={"AGENTDESK_SECRET_KEY_FILE": bad}, check=False)
        assert rc != 0 and "does not hold a 32-byte hex key" in err, err


if __name__ == "__main__":
    main()
