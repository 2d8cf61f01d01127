"""Onboarding by email against a real SMTP server (aiosmtpd with STARTTLS
and AUTH): invitations, set-password links, forgot/reset password, the
password-changed notice, the outbox when the server is down, rejects,
kill -9, two nodes, TLS rules and hostile input; invitation.sent|failed to
a webhook endpoint (issue 21), for invitations only."""
import email.header
import hashlib
import hmac
import json
import signal

from agentdesk_harness import (PASSWORD, Agentdesk, Receiver, SmtpServer, free_port, link_token,
                               main, make_cert, parts, wait_for)
from agentdesk_harness.mail import PASSWORD as SMTP_PASSWORD

ADMIN = "admin@acme.example"
NEW_PASSWORD = "a brand new password"


def setup(ad, env, tenant_name="Acme Contact Centre", pool_size=200):
    """A tenant with an admin, the server serving with env; the admin's token."""
    t = ad.run_json("tenant", "create", "--name", tenant_name, "--pool-base", "10000",
                    "--pool-size", str(pool_size))
    ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", ADMIN, "--password",
                PASSWORD, "--role", "admin", "--first-name", "Admin", "--last-name", "A")
    ad.serve(env=serve_env(env))
    return ad.login(ADMIN, PASSWORD)


def serve_env(env):
    e = {"AGENTDESK_XMLCURL_PASSWORD": "xc", "AGENTDESK_FS_ESL": "127.0.0.1:%d" % free_port()}
    e.update(env)
    return e


def create(ad, token, email, **extra):
    body = {"first_name": "Jane", "last_name": "Doe", "email": email}
    body.update(extra)
    status, _, b = ad.request("POST", "/v1/admin/agents", token=token, json_body=body)
    assert status == 201, (status, b)
    return b


def invite_new(ad, admin, smtp, email):
    """Creates an agent with an invitation: its id and the emailed token."""
    agent_id = create(ad, admin, email)["agent"]["id"]
    msg = wait_for(lambda: smtp.to(email), timeout=30, what="the invitation to " + email)[-1]
    return agent_id, link_token(msg, "set-password")


def invitation(ad, token, agent_id):
    status, _, b = ad.request("GET", "/v1/admin/agents/%d" % agent_id, token=token)
    assert status == 200, b
    return b["agent"]["invitation"]


def assert_no_secret_in_log(ad, *secrets):
    log = ad.log()
    for s in secrets:
        assert s not in log, "a secret reached the log"


def test_invitation_end_to_end(backend):
    with SmtpServer() as smtp, Agentdesk(backend) as ad:
        # At debug level too, no line may carry a token or password.
        admin = setup(ad, smtp.env(AGENTDESK_LOG_LEVEL="debug"))
        status, _, me = ad.request("GET", "/v1/auth/me", token=admin)
        # AGENTDESK_PUBLIC_URL set (smtp.env): single sign-on's redirect URI is made from it.
        assert me["data"]["features"] == {
            "mail": True, "sso_redirect_uri": "https://desk.example/v1/auth/oidc/callback"}, me
        b = create(ad, admin, "jane@acme.example")
        assert b["temporary_password"] is None, b
        assert b["invitation"]["status"] == "queued" and b["invitation"]["expires_at"].endswith("Z")
        agent_id = b["agent"]["id"]

        msg = smtp.wait_messages(1)[0]
        assert msg["X-Envelope-To"] == "jane@acme.example"
        assert msg["To"].addresses[0].addr_spec == "jane@acme.example"
        assert msg["From"].addresses[0].addr_spec == "noreply@desk.example"
        assert msg["Subject"] == "Your Acme Contact Centre agent account", msg["Subject"]
        assert msg["Date"] and msg["Message-ID"].endswith("@desk.example>")
        text, html = parts(msg)
        assert "Hello Jane," in text and "<p>Hello Jane,</p>" in html
        token = link_token(msg, "set-password")
        assert len(token) == 43
        wait_for(lambda: invitation(ad, admin, agent_id)["status"] == "sent", timeout=30,
                 what="status sent")
        inv = invitation(ad, admin, agent_id)
        assert inv["sent_at"] and inv["error"] is None, inv

        status, _, b = ad.request("POST", "/v1/auth/tokens/inspect", json_body={"token": token})
        assert status == 200, b
        assert b["data"]["email"] == "jane@acme.example"
        assert b["data"]["tenant_name"] == "Acme Contact Centre"
        assert b["data"]["purpose"] == "invitation"
        # Too short a password: refused, and the link still works.
        status, _, b = ad.request("POST", "/v1/auth/set-password",
                                  json_body={"token": token, "new_password": "short"})
        assert status == 400 and b["error"]["field"] == "new_password", b
        status, _, b = ad.request("POST", "/v1/auth/set-password",
                                  json_body={"token": token, "new_password": NEW_PASSWORD})
        assert status == 200, b
        assert b["data"]["token"].startswith("ad_") and b["data"]["mustChangePassword"] is False
        assert b["data"]["user"]["email"] == "jane@acme.example"
        ad.login("jane@acme.example", NEW_PASSWORD)
        # The link works once.
        for path, body in (("/v1/auth/tokens/inspect", {"token": token}),
                           ("/v1/auth/set-password", {"token": token,
                                                      "new_password": "another new password"})):
            status, _, b = ad.request("POST", path, json_body=body)
            assert status == 400 and b["error"]["code"] == "invalid_token", b
        assert invitation(ad, admin, agent_id)["status"] == "used"
        for bad in ("", "x" * 43, token[:-1], token + "A", "../" + token[3:]):
            status, _, b = ad.request("POST", "/v1/auth/tokens/inspect", json_body={"token": bad})
            assert status == 400 and b["error"]["code"] == "invalid_token", (bad, b)
        # Accepting an invitation is no "password changed" event.
        assert len(smtp.messages()) == 1
        ad.stop()
        assert "accepted: 250" in ad.log()  # the debug lines are there
        assert_no_secret_in_log(ad, token, NEW_PASSWORD, SMTP_PASSWORD)


def test_send_invite_false_and_mail_off(backend):
    with SmtpServer() as smtp, Agentdesk(backend) as ad:
        admin = setup(ad, smtp.env())
        b = create(ad, admin, "temp@acme.example", send_invite=False)
        assert len(b["temporary_password"]) == 16 and "invitation" not in b, b
        assert invitation(ad, admin, b["agent"]["id"]) is None
        status, _, b = ad.request("POST", "/v1/admin/agents", token=admin, json_body={
            "first_name": "A", "last_name": "B", "email": "x@acme.example", "send_invite": "yes"})
        assert status == 400 and b["error"]["field"] == "send_invite", b
        ad.stop()
        # Mail off: everything as before; an invitation cannot be asked for.
        ad.serve(env=serve_env({}))
        status, _, me = ad.request("GET", "/v1/auth/me", token=admin)
        assert me["data"]["features"] == {"mail": False, "sso_redirect_uri": None}, me
        b = create(ad, admin, "plain@acme.example")
        assert len(b["temporary_password"]) == 16, b
        status, _, b = ad.request("POST", "/v1/admin/agents", token=admin, json_body={
            "first_name": "A", "last_name": "B", "email": "y@acme.example", "send_invite": True})
        assert status == 400 and b["error"] == {
            "code": "validation_failed", "message": "send_invite is not valid",
            "field": "send_invite"}, b
        status, _, b = ad.request("POST", "/v1/admin/agents/%d/invite" % 2, token=admin)
        assert status == 409 and b["error"]["code"] == "mail_disabled", b
        assert smtp.messages() == []


def test_resend_invitation(backend):
    with SmtpServer() as smtp, Agentdesk(backend) as ad:
        admin = setup(ad, smtp.env())
        agent_id, first = invite_new(ad, admin, smtp, "jane@acme.example")
        status, _, b = ad.request("POST", "/v1/admin/agents/%d/invite" % agent_id, token=admin)
        assert status == 202 and b["invitation"]["status"] == "queued", b
        second = link_token(smtp.wait_messages(2)[1], "set-password")
        assert first != second
        status, _, b = ad.request("POST", "/v1/auth/tokens/inspect", json_body={"token": first})
        assert status == 400 and b["error"]["code"] == "invalid_token", b
        status, _, b = ad.request("POST", "/v1/auth/tokens/inspect", json_body={"token": second})
        assert status == 200, b
        # Two invitations queued while the relay is down: only the newest
        # goes out (the older one's link is dead before it leaves).
        smtp.stop()
        for _ in range(2):
            status, _, b = ad.request("POST", "/v1/admin/agents/%d/invite" % agent_id, token=admin)
            assert status == 202, b
        smtp.start()
        third = link_token(smtp.wait_messages(3)[2], "set-password")
        wait_for(lambda: "agentdesk_mail_outbox_depth 0" in ad.metrics()[1],
                 timeout=30, what="empty outbox")
        assert len(smtp.messages()) == 3
        status, _, b = ad.request("POST", "/v1/auth/tokens/inspect", json_body={"token": third})
        assert status == 200, b
        second = third
        # Suspending the agent kills the link.
        status, _, b = ad.request("PATCH", "/v1/admin/agents/%d" % agent_id, token=admin,
                                  json_body={"status": "suspended"})
        assert status == 200, b
        status, _, b = ad.request("POST", "/v1/auth/tokens/inspect", json_body={"token": second})
        assert status == 400, b
        assert invitation(ad, admin, agent_id)["status"] == "expired"
        status, _, b = ad.request("POST", "/v1/admin/agents/%d/invite" % agent_id, token=admin)
        assert status == 409, b
        # A supervisor may not invite; another tenant's agent is not found.
        status, _, b = ad.request("POST", "/v1/admin/agents/999/invite", token=admin)
        assert status == 404, b


def test_forgot_password(backend):
    with SmtpServer() as smtp, Agentdesk(backend) as ad:
        admin = setup(ad, smtp.env(AGENTDESK_LOG_LEVEL="debug"))
        for addr in ("live@acme.example", "gone@acme.example"):
            b = create(ad, admin, addr, send_invite=False)
            tok = ad.login(addr, b["temporary_password"])
            status, _, r = ad.request("POST", "/v1/auth/change-password", token=tok, json_body={
                "current_password": b["temporary_password"], "new_password": PASSWORD})
            assert status == 200, r
            if addr.startswith("gone"):
                ad.request("PATCH", "/v1/admin/agents/%d" % b["agent"]["id"], token=admin,
                           json_body={"status": "suspended"})
        # change-password sent two notices.
        smtp.wait_messages(2)
        assert [m["Subject"] for m in smtp.messages()] == [
            "Your Acme Contact Centre password was changed"] * 2
        old_session = ad.login("live@acme.example", PASSWORD)
        answers = []
        for addr in ("live@acme.example", "nobody@acme.example", "gone@acme.example"):
            status, headers, b = ad.request("POST", "/v1/auth/forgot-password",
                                            json_body={"email": addr})
            answers.append((status, json.dumps(b, sort_keys=True)))
        assert answers[0][0] == 202 and len(set(answers)) == 1, answers
        msgs = smtp.wait_messages(3)
        # The requests that reach no one are dropped by the sender: wait
        # for the outbox to be empty, then count.
        wait_for(lambda: "agentdesk_mail_outbox_depth 0" in ad.metrics()[1],
                 timeout=30, what="empty outbox")
        msgs = smtp.messages()
        assert len(msgs) == 3, [m["X-Envelope-To"] for m in msgs]
        reset = msgs[2]
        assert reset["X-Envelope-To"] == "live@acme.example"
        assert reset["Subject"] == "Reset your Acme Contact Centre password"
        token = link_token(reset, "reset-password")
        status, _, b = ad.request("POST", "/v1/auth/tokens/inspect", json_body={"token": token})
        assert status == 200 and b["data"]["purpose"] == "reset", b
        status, _, b = ad.request("POST", "/v1/auth/set-password",
                                  json_body={"token": token, "new_password": NEW_PASSWORD})
        assert status == 200, b
        # Old sessions are revoked; the new password works; the link is spent.
        status, _, _ = ad.request("GET", "/v1/auth/me", token=old_session)
        assert status == 401
        ad.login("live@acme.example", NEW_PASSWORD)
        status, _, b = ad.request("POST", "/v1/auth/set-password",
                                  json_body={"token": token, "new_password": "yet another one!"})
        assert status == 400 and b["error"]["code"] == "invalid_token", b
        # And the user is told.
        notice = smtp.wait_messages(4)[3]
        assert notice["X-Envelope-To"] == "live@acme.example"
        assert notice["Subject"] == "Your Acme Contact Centre password was changed"
        # A newer reset link kills the older one.
        ad.request("POST", "/v1/auth/forgot-password", json_body={"email": "live@acme.example"})
        t1 = link_token(smtp.wait_messages(5)[4], "reset-password")
        ad.request("POST", "/v1/auth/forgot-password", json_body={"email": "live@acme.example"})
        t2 = link_token(smtp.wait_messages(6)[5], "reset-password")
        status, _, _ = ad.request("POST", "/v1/auth/tokens/inspect", json_body={"token": t1})
        assert status == 400
        # Changing the password another way kills the live link too.
        tok = ad.login("live@acme.example", NEW_PASSWORD)
        status, _, b = ad.request("POST", "/v1/auth/change-password", token=tok, json_body={
            "current_password": NEW_PASSWORD, "new_password": PASSWORD})
        assert status == 200, b
        status, _, _ = ad.request("POST", "/v1/auth/tokens/inspect", json_body={"token": t2})
        assert status == 400
        # Throttled per email: still 202 with the same body, and nothing sent.
        # 5 requests per email in the window: 3 came before, so 2 more go
        # out, each awaited (a reset link issued before the previous
        # message left would kill that one's link, and it is dropped).
        before = len(smtp.wait_messages(7))
        for n in range(6):
            status, _, b = ad.request("POST", "/v1/auth/forgot-password",
                                      json_body={"email": "live@acme.example"})
            assert (status, json.dumps(b, sort_keys=True)) == answers[0]
            if n < 2:
                smtp.wait_messages(before + n + 1)
        wait_for(lambda: "agentdesk_mail_outbox_depth 0" in ad.metrics()[1],
                 timeout=30, what="empty outbox")
        assert len(smtp.messages()) == before + 2, (before, len(smtp.messages()))
        status, _, b = ad.request("POST", "/v1/auth/forgot-password", json_body={"email": "bad"})
        assert status == 400 and b["error"]["field"] == "email", b
        # A platform superadmin (no tenant) can reset too.
        ad.run_json("user", "create", "--email", "root@platform.example", "--password", PASSWORD,
                    "--role", "superadmin")
        ad.request("POST", "/v1/auth/forgot-password", json_body={"email": "root@platform.example"})
        root_msg = wait_for(lambda: smtp.to("root@platform.example"), timeout=30,
                            what="the superadmin's link")[0]
        assert root_msg["Subject"] == "Reset your agentdesk password", root_msg["Subject"]
        status, _, b = ad.request("POST", "/v1/auth/set-password", json_body={
            "token": link_token(root_msg, "reset-password"), "new_password": NEW_PASSWORD})
        assert status == 200 and b["data"]["user"]["role"] == "superadmin", b
        ad.stop()
        assert_no_secret_in_log(ad, token, t1, t2, SMTP_PASSWORD)


def test_smtp_down_then_back(backend):
    with SmtpServer() as smtp, Agentdesk(backend) as ad:
        admin = setup(ad, smtp.env())
        smtp.stop()
        ids = [create(ad, admin, "a%02d@acme.example" % i)["agent"]["id"] for i in range(20)]
        wait_for(lambda: "will retry" in ad.log(), timeout=30, what="a failed attempt")
        assert all(invitation(ad, admin, i)["status"] == "queued" for i in ids)
        status, text = ad.metrics()
        assert "agentdesk_mail_outbox_depth 20" in text, text
        # doctor reads the same depth, and says the relay is down.
        rc, out, err = ad.run("doctor", check=False, env=serve_env(smtp.env()))
        rows = [l.split(None, 1) for l in out.splitlines()]
        assert rc == 1 and any(r[0] == "FAIL" and r[1].startswith("mail relay:") for r in rows), out
        assert any(r[0] == "ok" and r[1].startswith("mail outbox: 20 queued,") for r in rows), out
        smtp.start()
        msgs = smtp.wait_messages(20, timeout=60)
        wait_for(lambda: all(invitation(ad, admin, i)["status"] == "sent" for i in ids),
                 timeout=30, what="all sent")
        msgs = smtp.messages()
        rcpts = sorted(m["X-Envelope-To"] for m in msgs)
        assert rcpts == sorted("a%02d@acme.example" % i for i in range(20)), rcpts
        status, text = ad.metrics()
        assert 'agentdesk_mail_messages_total{template="invitation",status="sent"} 20' in text, text
        assert "agentdesk_mail_outbox_depth 0" in text


def test_smtp_rejects(backend):
    with SmtpServer() as smtp, Agentdesk(backend) as ad:
        admin = setup(ad, smtp.env())
        smtp.set_mode("reject")
        agent_id = create(ad, admin, "jane@acme.example")["agent"]["id"]
        inv = wait_for(lambda: (lambda i: i if i["status"] == "failed" else None)(
            invitation(ad, admin, agent_id)), timeout=30, what="failed")
        assert inv["error"].startswith("550"), inv
        status, text = ad.metrics()
        assert 'agentdesk_mail_messages_total{template="invitation",status="failed"} 1' in text
        # 4xx is retried, then delivered.
        smtp.set_mode("tempfail")
        b = create(ad, admin, "john@acme.example")
        wait_for(lambda: "451" in ad.log(), timeout=30, what="a 451")
        assert invitation(ad, admin, b["agent"]["id"])["status"] == "queued"
        smtp.set_mode("ok")
        smtp.wait_messages(1)
        assert smtp.messages()[0]["X-Envelope-To"] == "john@acme.example"


def test_invitation_webhooks(backend):
    """invitation.sent once the relay accepts an invitation, invitation.failed
    (with the reply code) when it rejects one, each one signed delivery to
    the endpoint taking it; never the link or its token; a change-password
    notice is no invitation."""
    with SmtpServer() as smtp, Receiver() as rx, Agentdesk(backend) as ad:
        admin = setup(ad, smtp.env(AGENTDESK_WEBHOOK_ALLOW_PRIVATE="true"))
        hooks = {}
        for path, events in (("/sent", ["invitation.sent"]), ("/failed", ["invitation.failed"])):
            status, _, b = ad.request("POST", "/v1/admin/webhooks", token=admin, json_body={
                "url": rx.url(path), "events": events})
            assert status == 201, b
            hooks[path] = b["webhook"]
        agent_id, token = invite_new(ad, admin, smtp, "jane@acme.example")
        wait_for(lambda: rx.at("/sent"), timeout=15, what="invitation.sent at /sent")
        headers, body = rx.at("/sent")[0]
        parts_ = dict(p.split("=", 1) for p in headers["agentdesk-signature"].split(","))
        want = hmac.new(hooks["/sent"]["secret"].encode(),
                        ("%s.%s" % (parts_["t"], body)).encode(), hashlib.sha256).hexdigest()
        assert hmac.compare_digest(want, parts_["v1"]), headers
        event = json.loads(body)
        assert event["type"] == "invitation.sent", event
        assert event["data"] == {"agent_id": agent_id, "email": "jane@acme.example",
                                 "status": "sent"}, event
        assert token not in body and "set-password" not in body, body
        # A password-changed notice (no invitation) publishes nothing.
        b = create(ad, admin, "tp@acme.example", send_invite=False)
        tok = ad.login("tp@acme.example", b["temporary_password"])
        status, _, r = ad.request("POST", "/v1/auth/change-password", token=tok, json_body={
            "current_password": b["temporary_password"], "new_password": PASSWORD})
        assert status == 200, r
        smtp.wait_messages(2)
        # Rejected: invitation.failed with the code, at /failed only.
        smtp.set_mode("reject")
        failed_id = create(ad, admin, "john@acme.example")["agent"]["id"]
        wait_for(lambda: rx.at("/failed"), timeout=30, what="invitation.failed at /failed")
        event = json.loads(rx.at("/failed")[0][1])
        assert event["type"] == "invitation.failed", event
        assert event["data"] == {"agent_id": failed_id, "email": "john@acme.example",
                                 "status": "failed", "code": 550}, event
        assert "token" not in rx.at("/failed")[0][1]
        # Its outcome committed after the notice's: one delivery each, no more.
        for path in ("/sent", "/failed"):
            status, _, d = ad.request("GET", "/v1/admin/webhooks/%d/deliveries" % hooks[path]["id"],
                                      token=admin)
            assert status == 200 and len(d["deliveries"]) == 1, (path, d)
        assert len(rx.at("/sent")) == 1 and len(rx.at("/failed")) == 1, rx.got


def test_kill9_recovery(backend):
    with SmtpServer() as smtp, Agentdesk(backend) as ad:
        admin = setup(ad, smtp.env())
        smtp.stop()
        for i in range(5):
            create(ad, admin, "k%d@acme.example" % i)
        ad.stop(sig=signal.SIGKILL, expect_rc=None)
        smtp.start()
        ad.serve(env=serve_env(smtp.env()))
        msgs = smtp.wait_messages(5, timeout=60)
        assert sorted(m["X-Envelope-To"] for m in msgs) == ["k%d@acme.example" % i
                                                           for i in range(5)]


def test_two_nodes_exactly_once(backend):
    if backend != "postgres":
        return  # one SQLite file is one process
    with SmtpServer() as smtp, Agentdesk(backend) as ad:
        admin = setup(ad, smtp.env(), pool_size=300)
        other = ad.sibling()
        other.serve(env=serve_env(smtp.env()))
        try:
            for i in range(100):
                node = ad if i % 2 else other
                create(node, admin, "n%03d@acme.example" % i)
            msgs = smtp.wait_messages(100, timeout=120)
            wait_for(lambda: "agentdesk_mail_outbox_depth 0" in ad.metrics()[1],
                     timeout=30, what="empty outbox")
            msgs = smtp.messages()
            rcpts = [m["X-Envelope-To"] for m in msgs]
            assert len(rcpts) == 100 and len(set(rcpts)) == 100, len(rcpts)
        finally:
            other.stop()


def test_tls_rules(backend):
    with SmtpServer() as smtp, Agentdesk(backend) as ad:
        # Plain SMTP to a host that is not loopback: refused at start.
        rc, _, err = ad.run("serve", "--listen", "127.0.0.1:%d" % free_port(), check=False,
                            env=smtp.env(AGENTDESK_SMTP_URL="smtp://192.0.2.1:25",
                                         AGENTDESK_SMTP_TLS="none"))
        assert rc == 2 and "loopback" in err, (rc, err)
        # A certificate that does not verify: failed, with the reason; no plain fallback.
        other_cert, _ = make_cert(smtp.dir, "other")
        admin = setup(ad, smtp.env(AGENTDESK_SMTP_CA_FILE=other_cert))
        agent_id = create(ad, admin, "jane@acme.example")["agent"]["id"]
        inv = wait_for(lambda: (lambda i: i if i["status"] == "failed" else None)(
            invitation(ad, admin, agent_id)), timeout=30, what="failed")
        assert "certificate" in inv["error"], inv
        assert smtp.messages() == []
        rc, out, _ = ad.run("doctor", check=False, env=smtp.env(AGENTDESK_SMTP_CA_FILE=other_cert))
        assert rc == 1 and "FAIL  mail relay" in out, out
        rc, out, _ = ad.run("doctor", check=False, env=smtp.env())
        assert "ok    mail relay: smtp://127.0.0.1:%d answered EHLO over TLS: AUTH accepted" % (
            smtp.port) in out, out
        rc, out, _ = ad.run("doctor", check=False,
                            env=smtp.env(AGENTDESK_SMTP_PASSWORD="wrong password"))
        assert "FAIL  mail relay" in out, out


def test_plain_loopback_relay(backend):
    with SmtpServer(tls=False, auth=False) as smtp, Agentdesk(backend) as ad:
        admin = setup(ad, smtp.env())
        create(ad, admin, "jane@acme.example")
        assert smtp.wait_messages(1)[0]["X-Envelope-To"] == "jane@acme.example"


def test_smtps_relay(backend):
    with SmtpServer(implicit_tls=True) as smtp, Agentdesk(backend) as ad:
        admin = setup(ad, smtp.env())
        create(ad, admin, "jane@acme.example")
        assert smtp.wait_messages(1)[0]["X-Envelope-To"] == "jane@acme.example"


def test_link_dies_on_delete_and_expiry(backend):
    with SmtpServer() as smtp, Agentdesk(backend) as ad:
        admin = setup(ad, smtp.env())
        agent_id, token = invite_new(ad, admin, smtp, "gone@acme.example")
        status, _, b = ad.request("DELETE", "/v1/admin/agents/%d" % agent_id, token=admin)
        assert status == 200, b
        status, _, b = ad.request("POST", "/v1/auth/set-password",
                                  json_body={"token": token, "new_password": NEW_PASSWORD})
        assert status == 400 and b["error"]["code"] == "invalid_token", b
        # A two-second invitation: it expires, and says so.
        ad.stop()
        ad.serve(env=serve_env(smtp.env(AGENTDESK_INVITE_TTL="2")))
        agent_id, token = invite_new(ad, admin, smtp, "late@acme.example")
        wait_for(lambda: invitation(ad, admin, agent_id)["status"] == "expired", timeout=30,
                 what="expired")
        status, _, b = ad.request("POST", "/v1/auth/set-password",
                                  json_body={"token": token, "new_password": NEW_PASSWORD})
        assert status == 400 and b["error"]["code"] == "invalid_token", b


def test_hostile_input(backend):
    tenant = "Société <b>Générale</b> & \"Co\""
    with SmtpServer() as smtp, Agentdesk(backend) as ad:
        admin = setup(ad, smtp.env(), tenant_name=tenant)
        for addr in ("a@b.example\r\nBcc: x@evil.example", "a@b.example>, <x@evil.example",
                     "a" * 300 + "@acme.example"):
            status, _, b = ad.request("POST", "/v1/admin/agents", token=admin, json_body={
                "first_name": "X", "last_name": "Y", "email": addr})
            assert status == 400 and b["error"]["field"] == "email", (addr, b)
        for name in ("Eve\r\nBcc: x@evil.example", "Eve\nX-Evil: 1"):
            status, _, b = ad.request("POST", "/v1/admin/agents", token=admin, json_body={
                "first_name": name, "last_name": "Y", "email": "eve@acme.example"})
            assert status == 400 and b["error"]["field"] == "first_name", (name, b)
        first = "<script>alert(1)</script> Ünïcödé " + "ж" * 60
        b = create(ad, admin, "eve@acme.example", first_name=first)
        msg = smtp.wait_messages(1)[0]
        assert msg["Subject"] == "Your %s agent account" % tenant, msg["Subject"]
        header_block = msg.raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # all ASCII: encoded
        names = [line.split(":", 1)[0].lower() for line in header_block.split("\r\n")
                 if line and not line[0].isspace()]
        assert "bcc" not in names and "x-evil" not in names, names
        assert "=?UTF-8?B?" in header_block
        assert all(len(line) <= 998 for line in header_block.split("\r\n"))
        # Adjacent encoded words join without the space between them (RFC 2047 6.2).
        raw_to = [line for line in header_block.split("\r\n") if line.startswith("To: ")][0]
        assert raw_to.endswith(" <eve@acme.example>"), raw_to
        name = raw_to[4:-len(" <eve@acme.example>")]
        assert str(email.header.make_header(email.header.decode_header(name))) == first, raw_to
        text, html = parts(msg)
        assert first in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
        assert "Soci\u00e9t\u00e9 &lt;b&gt;G\u00e9n\u00e9rale&lt;/b&gt; &amp; &quot;Co&quot;" in html
        token = link_token(msg, "set-password")
        ad.stop()
        assert_no_secret_in_log(ad, token)


if __name__ == "__main__":
    main()
