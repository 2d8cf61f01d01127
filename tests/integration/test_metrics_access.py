"""Who may read /metrics: its own listener (AGENTDESK_METRICS_LISTEN,
loopback by default) and nobody on the main one, or the main one with
AGENTDESK_METRICS_TOKEN; tenants named only with AGENTDESK_METRICS_TENANTS.
Some counters move only when an account exists (mail sent for a password
reset): the public must not read them."""
import json

from agentdesk_harness import Agentdesk, SmtpServer, free_port, main, wait_for

TOKEN = "metrics-token-0123456789abcdef"
ADMIN = "admin@acme.example"
PASSWORD = "correct horse battery"


def demo(ad, env=None):
    ad.run("demo")
    ad.serve(env=env)


def test_own_listener_no_tenant_names(backend):
    with Agentdesk(backend) as ad:
        demo(ad)
        # The main listener (the one a reverse proxy publishes) has none.
        status, _, body = ad.request("GET", "/metrics")
        assert status == 404 and body["error"]["code"] == "not_found", (status, body)
        status, text = ad.metrics()
        assert status == 200 and "agentdesk_http_requests_total" in text, text
        # The pools summed, no tenant named or counted.
        assert 'agentdesk_pool_extensions{state="free"} 1000' in text, text
        assert "demo-contact-centre" not in text and "tenant_id=" not in text, text
        # Nothing else is served there.
        saved, ad.port = ad.port, ad.metrics_port
        try:
            status, _, body = ad.request("GET", "/healthz")
        finally:
            ad.port = saved
        assert status == 404, (status, body)


def test_tenant_names_when_asked(backend):
    with Agentdesk(backend) as ad:
        demo(ad, env={"AGENTDESK_METRICS_TENANTS": "true"})
        status, text = ad.metrics()
        assert status == 200
        assert ('agentdesk_pool_extensions{tenant_id="1",tenant="demo-contact-centre",'
                'state="free"} 1000') in text, text


def test_token_on_the_main_listener(backend):
    with Agentdesk(backend) as ad:
        demo(ad, env={"AGENTDESK_METRICS_LISTEN": "", "AGENTDESK_METRICS_TOKEN": TOKEN})
        for token in (None, "wrong", TOKEN + "x", TOKEN[:-1]):
            status, headers, body = ad.request("GET", "/metrics", token=token)
            assert status == 401 and body["error"]["code"] == "unauthorized", (token, status)
            assert headers["www-authenticate"].startswith("Bearer"), headers
        status, _, text = ad.request("GET", "/metrics", token=TOKEN)
        assert status == 200 and 'agentdesk_pool_extensions{state="free"} 1000' in text, text
        assert TOKEN not in ad.log()


def test_token_on_its_own_listener(backend):
    with Agentdesk(backend) as ad:
        demo(ad, env={"AGENTDESK_METRICS_TOKEN": TOKEN})
        assert ad.metrics()[0] == 401
        assert ad.metrics(token=TOKEN)[0] == 200


def test_refused_settings(backend):
    with Agentdesk(backend) as ad:
        # On the main listener without a token: serve does not start.
        rc, _, err = ad.run("serve", "--listen", "127.0.0.1:%d" % free_port(), check=False,
                            env={"AGENTDESK_METRICS_LISTEN": ""})
        assert rc != 0 and "AGENTDESK_METRICS_TOKEN" in err, (rc, err)
        for bad in ("short", "has space in it 0123456789"):
            rc, _, err = ad.run("serve", check=False, env={"AGENTDESK_METRICS_TOKEN": bad})
            assert rc != 0 and "AGENTDESK_METRICS_TOKEN" in err, (bad, rc, err)
            assert bad not in err


def test_reset_mail_counters_not_public(backend):
    """A forgot-password request for an account sends a message; one for an
    unknown email does not. Both answer the same 202; the mail counters
    tell them apart, so they are the operator's only."""
    with SmtpServer() as smtp, Agentdesk(backend) as ad:
        t = ad.run_json("tenant", "create", "--name", "Acme", "--pool-base", "10000",
                        "--pool-size", "10")
        ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", ADMIN, "--password",
                    PASSWORD, "--role", "admin", "--first-name", "Admin", "--last-name", "A")
        ad.serve(env=smtp.env())
        answers = set()
        for addr in ("nobody@acme.example", ADMIN):
            status, _, b = ad.request("POST", "/v1/auth/forgot-password", json_body={"email": addr})
            answers.add((status, json.dumps(b, sort_keys=True)))
        assert len(answers) == 1, answers
        smtp.wait_messages(1)
        sample = 'agentdesk_mail_messages_total{template="password_reset",status="sent"} 1'
        # The operator sees the message that went out...
        wait_for(lambda: sample in ad.metrics()[1], timeout=30, what="the reset counted")
        # ...an anonymous client of the main listener does not.
        status, _, body = ad.request("GET", "/metrics")
        assert status == 404, (status, body)
        assert "password_reset" not in json.dumps(body), body


if __name__ == "__main__":
    main()
