"""Throttles of guessing and the growth they must not cause: a login is
throttled per (account, client address) first, so that failures from one
place do not lock the account's owner out from another, with a far higher
per-account limit for guesses spread over many addresses; change-password's
current password, emailed links (tokens/inspect, set-password) and
/freeswitch/xml's basic credentials are throttled too, each refusal counted
in /metrics; forgot-password caps a client before it writes anything; and
the purge deletes what is past its use."""
import http.client
import sqlite3

from agentdesk_harness import (PASSWORD, XC_PASSWORD, XC_USER, Agentdesk, World, encode, load,
                               lookup, main, metric, wait_for)

REFUSALS = "agentdesk_throttle_refusals_total"


def from_address(ad, address):
    """A connection to the server (on 127.0.0.1) from another loopback
    address: another client as the server sees it."""
    return http.client.HTTPConnection("127.0.0.1", ad.port, timeout=30,
                                      source_address=(address, 0))


def login(ad, email, password, address="127.0.0.1"):
    c = from_address(ad, address)
    try:
        return ad.request("POST", "/v1/auth/login", conn=c,
                          json_body={"email": email, "password": password})
    finally:
        c.close()


def rows(ad, table):
    """Rows of table, read from the SQLite file (None on PostgreSQL)."""
    if ad.backend != "sqlite":
        return None
    db = sqlite3.connect(ad.db[len("sqlite:"):])
    try:
        return db.execute("SELECT COUNT(*) FROM %s" % table).fetchone()[0]
    finally:
        db.close()


def test_login_lockout_is_per_address(backend):
    with Agentdesk(backend, env={"AGENTDESK_LOGIN_ACCOUNT_MAX_FAILURES": "8"}) as ad:
        World(ad)
        before = metric(ad, REFUSALS, {"what": "login"})
        for i in range(5):
            status, _, _ = login(ad, "admin@a.example", "wrong guess %d" % i, "127.0.0.2")
            assert status == 401
        status, headers, body = login(ad, "admin@a.example", PASSWORD, "127.0.0.2")
        assert status == 429 and body["error"]["code"] == "too_many_attempts", body
        assert 1 <= int(headers["retry-after"]) <= 900, headers
        # The owner, elsewhere, is not locked out.
        status, _, body = login(ad, "admin@a.example", PASSWORD, "127.0.0.1")
        assert status == 200, body
        # Guesses spread over addresses meet the per-account limit (8 here).
        for i in range(3):
            assert login(ad, "admin@a.example", "wrong %d" % i, "127.0.0.3")[0] == 401
        status, headers, _ = login(ad, "admin@a.example", PASSWORD, "127.0.0.4")
        assert status == 429 and 1 <= int(headers["retry-after"]) <= 60, headers
        assert metric(ad, REFUSALS, {"what": "login"}) == before + 2


def test_change_password_guessing(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        token = w.token("admin")
        for i in range(5):
            status, _, b = ad.request("POST", "/v1/auth/change-password", token=token, json_body={
                "current_password": "wrong guess %d" % i, "new_password": "a new pass phrase"})
            assert status == 400 and b["error"]["field"] == "current_password", b
        status, headers, b = ad.request("POST", "/v1/auth/change-password", token=token,
                                        json_body={"current_password": PASSWORD,
                                                   "new_password": "a new pass phrase"})
        assert status == 429 and b["error"]["code"] == "too_many_attempts", b
        assert "retry-after" in headers
        assert metric(ad, REFUSALS, {"what": "change_password"}) == 1
        # The password is unchanged.
        ad.login("admin@a.example", PASSWORD)


def test_link_guessing(backend):
    with Agentdesk(backend, env={"AGENTDESK_LOGIN_IP_MAX_FAILURES": "3"}) as ad:
        World(ad)
        bad = "A" * 43
        for _ in range(2):
            status, _, b = ad.request("POST", "/v1/auth/tokens/inspect", json_body={"token": bad})
            assert status == 400 and b["error"]["field"] == "token", b
        status, _, b = ad.request("POST", "/v1/auth/set-password", json_body={
            "token": bad, "new_password": "a new pass phrase"})
        assert status == 400 and b["error"]["field"] == "token", b
        for path, body in (("/v1/auth/tokens/inspect", {"token": bad}),
                           ("/v1/auth/set-password",
                            {"token": bad, "new_password": "a new pass phrase"})):
            status, headers, b = ad.request("POST", path, json_body=body)
            assert status == 429 and b["error"]["code"] == "too_many_attempts", (path, b)
            assert "retry-after" in headers
        assert metric(ad, REFUSALS, {"what": "link_token"}) == 2


def test_xmlcurl_guessing(backend):
    with Agentdesk(backend, env={"AGENTDESK_LOGIN_IP_MAX_FAILURES": "3"}) as ad:
        World(ad)
        ad.stop()
        ad.serve(env={"AGENTDESK_XMLCURL_PASSWORD": XC_PASSWORD})
        body = encode(load("directory-sip-auth-register-udp.form"))
        assert lookup(ad, body)[0] == 200
        for i in range(3):
            assert lookup(ad, body, auth=(XC_USER, "guess-%d" % i))[0] == 401
        # Over the limit: the right credentials from that address too.
        status, headers, _ = lookup(ad, body)
        assert status == 429 and 1 <= int(headers["retry-after"]) <= 900, (status, headers)
        assert metric(ad, REFUSALS, {"what": "xmlcurl"}) == 1


def test_forgot_password_capped_before_writing(backend):
    with Agentdesk(backend, env={"AGENTDESK_LOGIN_IP_MAX_FAILURES": "5"}) as ad:
        World(ad)
        outbox, throttle = rows(ad, "mail_outbox"), rows(ad, "login_throttle")
        for i in range(5):
            status, _, _ = ad.request("POST", "/v1/auth/forgot-password",
                                      json_body={"email": "n%d@x.example" % i})
            assert status == 202
        for i in range(5, 50):
            status, headers, b = ad.request("POST", "/v1/auth/forgot-password",
                                            json_body={"email": "n%d@x.example" % i})
            assert status == 429 and b["error"]["code"] == "too_many_attempts", b
            assert "retry-after" in headers
        assert metric(ad, REFUSALS, {"what": "forgot_password"}) == 45
        if backend == "sqlite":
            # Five requests' rows: one message and one email count each,
            # and the address's count.
            assert rows(ad, "mail_outbox") == outbox + 5
            assert rows(ad, "login_throttle") == throttle + 6


def test_purge(backend):
    env = {"AGENTDESK_PURGE_AFTER": "1", "AGENTDESK_PURGE_INTERVAL": "1",
           "AGENTDESK_LOGIN_WINDOW": "1", "AGENTDESK_LOGIN_ACCOUNT_WINDOW": "1"}
    with Agentdesk(backend, env=env) as ad:
        World(ad)
        for i in range(3):
            assert ad.request("POST", "/v1/auth/forgot-password",
                              json_body={"email": "gone%d@x.example" % i})[0] == 202
        token = ad.login("admin@a.example", PASSWORD)
        # An import whose temporary passwords are never downloaded.
        status, _, b = ad.request(
            "POST", "/v1/admin/agents/import", token=token,
            headers={"Content-Type": "text/csv"},
            body=b"first_name,last_name,email,role,extensions_count,voicemail_enabled,send_invite\n"
                 b"Nell,Never,nell@a.example,agent,0,false,false\n")
        assert status == 201 and b["import"]["result_csv"] is True, b
        imported = b["import"]["id"]
        assert ad.request("POST", "/v1/auth/logout", token=token)[0] == 200
        assert login(ad, "admin@b.example", "not the password")[0] == 401
        live = ad.login("admin@b.example", PASSWORD)

        def purged(table, n):
            return metric(ad, "agentdesk_purged_rows_total", {"table": table}) >= n
        # Mail off: each request's message was dropped at once.
        wait_for(lambda: purged("mail_outbox", 3), timeout=20)
        wait_for(lambda: purged("sessions", 1), timeout=20)
        wait_for(lambda: purged("login_throttle", 3), timeout=20)
        wait_for(lambda: purged("import_passwords", 1), timeout=20)
        admin = ad.login("admin@a.example", PASSWORD)
        status, _, b = ad.request("GET", "/v1/admin/imports/%d/result.csv" % imported, token=admin)
        assert status == 410 and b["error"]["code"] == "result_gone", b
        status, _, b = ad.request("GET", "/v1/admin/imports/%d" % imported, token=admin)
        assert status == 200 and b["import"]["result_csv"] is False, b
        if backend == "sqlite":
            assert rows(ad, "mail_outbox") == 0
            assert rows(ad, "login_throttle") == 0
        # What is in use stays.
        assert ad.request("GET", "/v1/auth/me", token=live)[0] == 200


if __name__ == "__main__":
    main()
