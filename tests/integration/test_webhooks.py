"""Webhooks (issue 21) against a receiver on 127.0.0.1: the signature
verifies with the secret shown once, each endpoint gets the types it takes
and no other, the test event, a 500 retried with the same id until a 2xx
(at least once), the delivery log (status, latency, attempts), a disabled
endpoint gets nothing, a redirect is not followed, another tenant's events
and endpoints stay out of reach, a receiver's certificate verified, the
secret never in a read, a log or the
audit log, bad input refused with its code and nothing written, and a
loopback target refused at connect time when AGENTDESK_WEBHOOK_ALLOW_PRIVATE
is off (a name, localhost, resolved then checked)."""
import hashlib
import hmac
import json
import time

from agentdesk_harness import Agentdesk, Receiver, World, free_port, main, make_cert, wait_for

W = "/v1/admin/webhooks"
ENV = {"AGENTDESK_WEBHOOK_ALLOW_PRIVATE": "true", "AGENTDESK_WEBHOOK_RETRY_BASE_MS": "50",
       "AGENTDESK_WEBHOOK_RETRY_LIMIT": "3"}


def req(w, method, path, body=None, who="admin", key="A"):
    return w.ad.request(method, path, token=w.token(who, key), json_body=body)[::2]


def create(w, rx, path, events, key="A"):
    status, resp = req(w, "POST", W, {"url": rx.url(path), "events": events,
                                      "description": "hook " + path}, key=key)
    assert status == 201, resp
    return resp["webhook"]


def verify(secret, headers, body):
    """Stripe's scheme: t=<unix>,v1=<hex HMAC-SHA256(secret, t.body)>."""
    parts = dict(p.split("=", 1) for p in headers["agentdesk-signature"].split(","))
    assert abs(int(parts["t"]) - time.time()) < 300, parts
    want = hmac.new(secret.encode(), ("%s.%s" % (parts["t"], body)).encode(),
                    hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, parts["v1"])


def deliveries(w, hook_id, key="A"):
    status, resp = req(w, "GET", "%s/%d/deliveries" % (W, hook_id), key=key)
    assert status == 200, resp
    return resp["deliveries"]


def new_agent(w, email, key="A"):
    status, resp = req(w, "POST", "/v1/admin/agents", {"first_name": "Web", "last_name": "Hook",
                                                       "email": email}, key=key)
    assert status == 201, resp
    return resp["agent"]["id"]


def refused(w, body, field, method="POST", path=W, status=400, code="validation_failed"):
    got, resp = req(w, method, path, body)
    assert got == status and resp["error"]["code"] == code, (body, got, resp)
    if field:
        assert resp["error"].get("field") == field, (body, resp)


def test_webhooks(backend):
    with Receiver() as rx, Agentdesk(backend, env=ENV) as ad:
        w = World(ad)
        run(w, rx, backend)


def run(w, rx, backend):
    ad = w.ad
    # ---- bad input: 4xx with its code and field, nothing written
    for body, field in (({"url": "ftp://127.0.0.1/x", "events": ["agent.created"]}, "url"),
                        ({"url": "not a url", "events": ["agent.created"]}, "url"),
                        ({"url": "http://u:pw@127.0.0.1/x", "events": ["agent.created"]}, "url"),
                        ({"url": "http:///x", "events": ["agent.created"]}, "url"),
                        ({"url": rx.url("/x") + "#frag", "events": ["agent.created"]}, "url"),
                        ({"url": "http://127.0.0.1/" + "a" * 600, "events": ["agent.created"]}, "url"),
                        ({"events": ["agent.created"]}, "url"),
                        ({"url": rx.url("/x"), "events": ["agent.nope"]}, "events"),
                        # the agent's own stream's alone: no endpoint takes it
                        ({"url": rx.url("/x"), "events": ["extension.credentials"]}, "events"),
                        ({"url": rx.url("/x"), "events": ["agent.created", "agent.created"]}, "events"),
                        ({"url": rx.url("/x"), "events": []}, "events"),
                        ({"url": rx.url("/x"), "events": "agent.created"}, "events"),
                        ({"url": rx.url("/x"), "events": [1]}, "events"),
                        ({"url": rx.url("/x")}, "events"),
                        ({"url": rx.url("/x"), "events": ["agent.created"], "enabled": "yes"},
                         "enabled")):
        refused(w, body, field)
    got, resp = req(w, "POST", W, {"url": rx.url("/x"), "events": ["agent.created"]},
                    who="supervisor")
    assert got == 403, resp
    status, resp = req(w, "GET", W)
    assert status == 200 and resp["webhooks"] == [], resp

    # ---- endpoints: the secret once, never in a read
    ok = create(w, rx, "/ok", ["agent.created", "agent.updated"])
    secret = ok["secret"]
    assert secret.startswith("whsec_") and len(secret) == 49, ok
    flaky = create(w, rx, "/flaky", ["agent.created"])
    redirect = create(w, rx, "/redirect", ["agent.created"])
    off = create(w, rx, "/off", ["agent.created"])
    other = create(w, rx, "/b", ["agent.created"], key="B")
    status, resp = req(w, "PATCH", "%s/%d" % (W, off["id"]), {"enabled": False})
    assert status == 200 and resp["webhook"]["enabled"] is False, resp
    status, resp = req(w, "GET", W)
    assert status == 200 and [h["id"] for h in resp["webhooks"]] == \
        [ok["id"], flaky["id"], redirect["id"], off["id"]], resp
    assert resp["webhooks"][0]["events"] == ["agent.created", "agent.updated"], resp
    assert "secret" not in json.dumps(resp) and secret not in json.dumps(resp), resp
    # PATCH with bad input changes nothing.
    refused(w, {"events": ["nope"]}, "events", method="PATCH", path="%s/%d" % (W, ok["id"]))
    refused(w, {"url": "gopher://x"}, "url", method="PATCH", path="%s/%d" % (W, ok["id"]))
    status, resp = req(w, "GET", W)
    assert resp["webhooks"][0]["url"] == rx.url("/ok"), resp

    # ---- an event: signed, filtered by type, the same id on every attempt
    agent_id = new_agent(w, "hooked@a.example")
    wait_for(lambda: rx.at("/ok") and len(rx.at("/flaky")) >= 2, timeout=15,
             what="agent.created at /ok, and /flaky's retry")
    headers, body = rx.at("/ok")[0]
    assert headers["Content-Type"] == "application/json", headers
    assert verify(secret, headers, body), headers
    assert not verify("whsec_" + "x" * 43, headers, body)
    event = json.loads(body)
    assert set(event) == {"id", "type", "created_at", "data"}, event
    assert event["type"] == "agent.created" and event["data"]["agent_id"] == agent_id, event
    assert isinstance(event["id"], int) and event["id"] > 0, event
    # Only the types each endpoint takes (creating an agent also moves its
    # extension's provisioning: extension.provisioning, taken by none).
    assert {e["type"] for e in rx.events("/ok")} <= {"agent.created", "agent.updated"}
    flaky_events = rx.events("/flaky")
    assert [e["id"] for e in flaky_events[:2]] == [event["id"]] * 2, flaky_events
    # Each delivery has its own time and signature, all with the endpoint's secret.
    wait_for(lambda: deliveries(w, flaky["id"])[0]["state"] == "delivered", timeout=10,
             what="the retry recorded")
    d = deliveries(w, flaky["id"])[0]
    assert d["event_id"] == event["id"] and d["type"] == "agent.created", d
    assert d["attempts"] == 2 and d["status_code"] == 200 and d["error"] is None, d
    assert isinstance(d["latency_ms"], int) and 0 <= d["latency_ms"] < 10000, d
    d = deliveries(w, ok["id"])[0]
    assert d["state"] == "delivered" and d["attempts"] == 1 and d["status_code"] == 200, d

    # ---- a redirect is an answer, not followed: retried, then failed
    wait_for(lambda: deliveries(w, redirect["id"])[0]["state"] == "failed", timeout=15,
             what="the redirect's retries to end")
    d = deliveries(w, redirect["id"])[0]
    assert d["status_code"] == 302 and d["attempts"] == 3 and "redirect" in d["error"], d
    assert len(rx.at("/redirect")) == 3 and rx.at("/target") == [], rx.got

    # ---- a disabled endpoint gets nothing; neither does another tenant's
    assert rx.at("/off") == [] and deliveries(w, off["id"]) == [], rx.got
    assert rx.at("/b") == [], rx.got
    b_agent = new_agent(w, "hooked@b.example", key="B")
    wait_for(lambda: rx.at("/b"), timeout=10, what="tenant B's own event")
    assert [e["data"]["agent_id"] for e in rx.events("/b")] == [b_agent], rx.events("/b")
    assert b_agent not in [e["data"].get("agent_id") for e in rx.events("/ok")]
    # An edit: agent.updated reaches /ok only.
    status, resp = req(w, "PATCH", "/v1/admin/agents/%d" % agent_id, {"first_name": "Renamed"})
    assert status == 200, resp
    wait_for(lambda: any(e["type"] == "agent.updated" for e in rx.events("/ok")), timeout=10,
             what="agent.updated at /ok")
    assert all(e["type"] == "agent.created" for e in rx.events("/flaky")), rx.events("/flaky")

    # ---- the test event
    status, resp = req(w, "POST", "%s/%d/test" % (W, ok["id"]))
    assert status == 202, resp
    wait_for(lambda: any(e["type"] == "webhook.test" for e in rx.events("/ok")), timeout=10,
             what="the test event")
    headers, body = [(h, b) for h, b in rx.at("/ok") if "webhook.test" in b][0]
    assert verify(secret, headers, body), headers
    test_event = json.loads(body)
    assert test_event["id"] == -resp["delivery_id"] and \
        test_event["data"]["webhook_id"] == ok["id"], test_event
    status, resp = req(w, "POST", "%s/%d/test" % (W, off["id"]))
    assert status == 409 and resp["error"]["code"] == "webhook_disabled", resp

    # ---- tenant isolation: another tenant's endpoint is not found
    for method, path, body in (("PATCH", "%s/%d" % (W, ok["id"]), {"enabled": False}),
                               ("DELETE", "%s/%d" % (W, ok["id"]), None),
                               ("POST", "%s/%d/test" % (W, ok["id"]), None),
                               ("GET", "%s/%d/deliveries" % (W, ok["id"]), None)):
        status, resp = req(w, method, path, body, key="B")
        assert status == 404 and resp["error"]["code"] == "not_found", (method, path, resp)
    status, resp = req(w, "GET", W, key="B")
    assert [h["id"] for h in resp["webhooks"]] == [other["id"]], resp

    # ---- disabling stops deliveries: a new agent reaches /flaky, not /ok
    status, resp = req(w, "PATCH", "%s/%d" % (W, ok["id"]), {"enabled": False})
    assert status == 200, resp
    before = len(rx.at("/ok"))
    late = new_agent(w, "late@a.example")
    wait_for(lambda: late in [e["data"]["agent_id"] for e in rx.events("/flaky")], timeout=10,
             what="the late agent at /flaky")
    assert len(rx.at("/ok")) == before, rx.events("/ok")

    # ---- delete: its log goes with it
    status, resp = req(w, "DELETE", "%s/%d" % (W, redirect["id"]))
    assert status == 200, resp
    status, resp = req(w, "GET", "%s/%d/deliveries" % (W, redirect["id"]))
    assert status == 404, resp

    # ---- the secret and the URL in no audit entry, the secret in no log
    status, resp = req(w, "GET", "/v1/admin/audit?limit=100")
    actions = [e["action"] for e in resp["entries"] if e["action"].startswith("webhook.")]
    assert "webhook.create" in actions and "webhook.delete" in actions, actions
    assert secret not in json.dumps(resp) and rx.url("/ok") not in json.dumps(resp), resp

    # ---- TLS verified: a receiver whose certificate no CA vouches for
    # gets nothing (the handshake fails before any request)
    with Receiver(cert=make_cert(ad.tmpdir, "receiver")) as tls:
        status, resp = req(w, "POST", W, {"url": tls.url("/tls"), "events": ["agent.deleted"]})
        assert status == 201, resp
        hook = resp["webhook"]["id"]
        status, resp = req(w, "POST", "%s/%d/test" % (W, hook))
        assert status == 202, resp
        wait_for(lambda: deliveries(w, hook)[0]["state"] == "failed", timeout=15,
                 what="the TLS delivery's retries to end")
        d = deliveries(w, hook)[0]
        assert d["status_code"] is None and "TLS" in d["error"], d
        assert tls.got == [], tls.got

    # ---- loopback refused at connect time without the setting
    ad.stop()
    ad.serve(env={"AGENTDESK_WEBHOOK_ALLOW_PRIVATE": "false",
                  "AGENTDESK_XMLCURL_PASSWORD": "xc", "AGENTDESK_FS_ESL": "127.0.0.1:%d" % free_port()})
    local = create(w, rx, "/refused", ["agent.created"])
    status, resp = req(w, "PATCH", "%s/%d" % (W, local["id"]), {"url": rx.url("/refused", "localhost")})
    assert status == 200, resp
    status, resp = req(w, "POST", "%s/%d/test" % (W, local["id"]))
    assert status == 202, resp
    wait_for(lambda: deliveries(w, local["id"])[0]["state"] == "failed", timeout=10,
             what="the loopback delivery refused")
    d = deliveries(w, local["id"])[0]
    assert d["attempts"] == 1 and d["status_code"] is None and "refused" in d["error"], d
    assert rx.at("/refused") == [], rx.got
    ad.stop()
    log = ad.log()
    assert secret not in log and local.get("secret", "-") not in log
    assert "whsec_" not in log


if __name__ == "__main__":
    main()
