"""Real FreeSWITCH, xml_curl mode: calls become records through the event
listener and the call records' sink. An agent calls the echo test 9196
and an agent-to-agent call is answered: one record per agent leg (the
two legs of the agent-to-agent call share call_uuid), the right
direction, caller and callee, talk seconds within 1 s of what the SIP
clients measured, the hangup cause, codec and MOS; the usage rows of the
day count them; the agent's own stream is not asked here (the SSE tests
are the streams'), but its call.* events are in the log.

The same session proves the call history and the colleagues' presence
(issue 20): a call the callee refuses is a missed call on its side,
counted until seen; each agent's GET /v1/me/calls shows its legs with
direction, party and its name (a deleted agent's as such), duration,
result and codec; an admin sees an agent's history, another tenant's admin
gets 404; bad paging is 400; the directory carries no email nor secret;
and agent A's /v1/me/events stream carries B's presence, Available, On
break and Available again (its queue status), On a call, Available,
Offline, each within 1 s of the change."""
import json
import threading
import time

from agentdesk_harness import FsWorld, fs_main, wait_for
from agentdesk_harness.sse import open_stream
from sip import reject

TALK = 2.0   # seconds each answered call lasts


def records(fw):
    status, _, body = fw.ad.request("GET", "/v1/admin/calls?limit=50", token=fw.admins["A"])
    assert status == 200, body
    return body["calls"]


def ended(fw, n):
    """The records once n of them have ended, else None (for wait_for)."""
    calls = records(fw)
    done = [c for c in calls if c["ended_at"]]
    return calls if len(done) >= n and len(done) == len(calls) else None


def presence(stream, agent_id, want, since, seen):
    """Reads stream until agent_id's presence is want; the seconds since
    `since` it took (every agent.presence read is appended to seen)."""
    deadline = time.time() + 10
    while time.time() < deadline:
        e = stream.event()
        assert e is not None, seen
        if e["event"] != "agent.presence":
            continue
        data = e["json"]["data"]
        seen.append((data["agent_id"], data["presence"]))
        if data["agent_id"] == agent_id and data["presence"] == want:
            return time.time() - since
    raise AssertionError("no %s for %d: %r" % (want, agent_id, seen))


def history(fw, token, query=""):
    status, _, body = fw.ad.request("GET", "/v1/me/calls" + query, token=token)
    assert status == 200, body
    return body


def test_echo_and_agent_to_agent(backend):
    with FsWorld(backend) as fw:
        id1, tok1 = fw.new_agent("A", "a1@a.example")
        id2, tok2 = fw.new_agent("A", "a2@a.example")
        a1, a2 = fw.me(tok1), fw.me(tok2)
        fw.settle()
        stream = open_stream(fw.ad, tok1, stream="me")
        stream.settimeout(10)
        seen, lags = [], {}
        with fw.ua("ws", a1) as caller, fw.ua("udp", a2) as callee:
            assert caller.register() == 200, caller.last
            assert callee.register() == 200, callee.last
            lags["available"] = presence(stream, id2, "available", time.time(), seen)
            for status_, want in (({"status": "on_break", "reason": "Break"}, "on_break"),
                                  ({"status": "available"}, "available")):
                t0 = time.time()
                status, _, body = fw.ad.request("PUT", "/v1/me/queue-status", token=tok2,
                                                json_body=status_)
                assert status == 200, body
                lags[want + " (queue status)"] = presence(stream, id2, want, t0, seen)

            r, _ = caller.invite("9196")
            assert r.code == 200, r
            t0 = time.time()
            time.sleep(TALK)
            assert caller.bye() == 200
            echo_talk = time.time() - t0

            got = []
            t = threading.Thread(target=lambda: got.append(callee.answer(timeout=20)))
            t.start()
            r, _ = caller.invite(a2[0])
            t.join()
            assert r.code == 200 and got and got[0] is not None, r
            t0 = time.time()
            lags["on_call"] = presence(stream, id2, "on_call", t0, seen)
            time.sleep(TALK)
            assert caller.bye() == 200
            agent_talk = time.time() - t0
            lags["available again"] = presence(stream, id2, "available", time.time(), seen)
            assert callee.wait_request("BYE", 10) is not None

            # A call the callee refuses: missed on its side.
            t = threading.Thread(target=lambda: reject(callee, callee.wait_request("INVITE", 20)))
            t.start()
            r, _ = caller.invite(a2[0])
            t.join()
            assert r.code >= 400, r

            assert callee.register(expires=0) == 200, callee.last
            lags["offline"] = presence(stream, id2, "offline", time.time(), seen)
        stream.close()
        print("presence lags (s): %s" % ", ".join("%s %.3f" % kv for kv in lags.items()))
        assert all(v < 1.0 for v in lags.values()), (lags, seen)

        calls = wait_for(lambda: ended(fw, 5), timeout=15, what="five ended call records",
                         interval=0.2)
        assert len(calls) == 5, calls
        echo = [c for c in calls if c["callee"] == "9196"]
        assert len(echo) == 1, calls
        echo = echo[0]
        assert (echo["extension"], echo["agent_id"], echo["direction"], echo["caller"]) == \
            (a1[0], id1, "outbound", a1[0]), echo
        assert abs(echo["talk_seconds"] - echo_talk) <= 1, (echo, echo_talk)
        assert echo["end_cause"] == "NORMAL_CLEARING" and echo["codec"], echo

        legs = [c for c in calls if c["callee"] != "9196" and c["answered_at"]]
        assert len(legs) == 2 and legs[0]["call_uuid"] == legs[1]["call_uuid"], calls
        by_ext = {c["extension"]: c for c in legs}
        assert set(by_ext) == {a1[0], a2[0]}, legs
        placed, received = by_ext[a1[0]], by_ext[a2[0]]
        assert (placed["agent_id"], placed["direction"], placed["caller"], placed["callee"]) == \
            (id1, "internal", a1[0], a2[0]), placed
        assert (received["agent_id"], received["direction"], received["caller"],
                received["callee"]) == (id2, "internal", a1[0], a2[0]), received
        for c in legs:
            assert abs(c["talk_seconds"] - agent_talk) <= 1, (c, agent_talk)
            assert c["answered_at"] and c["end_cause"] == "NORMAL_CLEARING", c
            assert c["mos"] is None or 1 <= c["mos"] <= 5, c

        # The day's usage, per extension.
        day = time.strftime("%Y-%m-%d", time.gmtime(time.time()))
        status, _, body = fw.ad.request(
            "GET", "/v1/admin/analytics/usage?group_by=extension&from=%s&to=%s" % (day, day),
            token=fw.admins["A"])
        assert status == 200, body
        rows = {r["extension"]: r for r in body["rows"]}
        assert (rows[a1[0]]["calls_placed"], rows[a1[0]]["calls_received"],
                rows[a1[0]]["answered"]) == (3, 0, 2), rows
        assert rows[a1[0]]["talk_seconds"] == echo["talk_seconds"] + placed["talk_seconds"]
        assert (rows[a2[0]]["calls_placed"], rows[a2[0]]["calls_received"],
                rows[a2[0]]["answered"], rows[a2[0]]["missed"]) == (0, 2, 1, 1), rows

        # Each step once, to the agent of the leg (the refused call: no answer).
        kinds = fw.ad.sql("SELECT type, user_id FROM live_events WHERE type LIKE 'call.%' "
                          "ORDER BY id")
        for uid, legs_of in ((id1, 2), (id2, 1)):
            mine = [k for k, u in kinds if u == str(uid)]
            assert sorted(mine) == sorted(["call.started", "call.answered", "call.ended"] *
                                          legs_of + ["call.started", "call.ended"]), kinds

        check_history(fw, (id1, tok1, a1), (id2, tok2, a2), echo, echo_talk, agent_talk)

        # No call in progress is left.
        status, text = fw.ad.metrics()
        assert "\nagentdesk_calls_in_progress 0\n" in text, text


def check_history(fw, first, second, echo, echo_talk, agent_talk):
    """The call history, the missed count and the directory, after the
    calls of test_echo_and_agent_to_agent."""
    (id1, tok1, a1), (id2, tok2, a2) = first, second
    h1 = history(fw, tok1)
    assert (h1["total"], h1["unseen_missed"], len(h1["calls"])) == (3, 0, 3), h1
    refused, agent, echo_row = h1["calls"]
    assert (refused["direction"], refused["party"], refused["party_name"]) == \
        ("out", a2[0], "First Last"), refused
    assert refused["result"] in ("busy", "unanswered") and refused["duration_s"] == 0, refused
    assert (agent["direction"], agent["party"], agent["party_name"], agent["result"]) == \
        ("out", a2[0], "First Last", "answered"), agent
    assert abs(agent["duration_s"] - agent_talk) <= 1 and agent["codec"], (agent, agent_talk)
    assert (echo_row["party"], echo_row["party_name"], echo_row["result"]) == \
        ("9196", None, "answered"), echo_row
    assert echo_row["codec"] == echo["codec"] and echo_row["mos"] == echo["mos"], echo_row
    assert abs(echo_row["duration_s"] - echo_talk) <= 1, echo_row
    assert history(fw, tok1, "?limit=1&offset=1")["calls"] == [agent]

    # The missed call counts until seen, and the count goes out live.
    h2 = history(fw, tok2)
    assert (h2["total"], h2["unseen_missed"]) == (2, 1), h2
    missed, answered = h2["calls"]
    assert (missed["direction"], missed["party"], missed["result"], missed["seen"]) == \
        ("in", a1[0], "missed", False), missed
    assert (answered["direction"], answered["result"], answered["seen"]) == \
        ("in", "answered", True), answered
    status, _, body = fw.ad.request("POST", "/v1/me/calls/seen", token=tok2)
    assert status == 200 and body["marked"] == 1, body
    status, _, body = fw.ad.request("POST", "/v1/me/calls/seen", token=tok2)
    assert status == 200 and body["marked"] == 0, body
    h2 = history(fw, tok2)
    assert h2["unseen_missed"] == 0 and h2["calls"][0]["seen"] is True, h2
    counts = [json.loads(d)["unseen"] for d, in fw.ad.sql(
        "SELECT data FROM live_events WHERE type = 'calls.missed' AND user_id = %d "
        "ORDER BY id" % id2)]
    assert counts == [1, 0], counts

    # An admin or supervisor sees an agent's; another tenant's gets 404.
    status, _, body = fw.ad.request("GET", "/v1/admin/agents/%d/calls" % id2,
                                    token=fw.admins["A"])
    assert status == 200 and body["calls"] == h2["calls"], body
    status, _, body = fw.ad.request("GET", "/v1/admin/agents/%d/calls" % id2,
                                    token=fw.admins["B"])
    assert status == 404, body
    idb, tokb = fw.new_agent("B", "b1@b.example")
    hb = history(fw, tokb)
    assert (hb["total"], hb["calls"], hb["unseen_missed"]) == (0, [], 0), hb
    for query in ("?limit=0", "?limit=501", "?offset=-1", "?limit=x"):
        for path in ("/v1/me/calls", "/v1/me/directory", "/v1/admin/agents/%d/calls" % id1):
            token = fw.admins["A"] if "admin" in path else tok1
            status, _, body = fw.ad.request("GET", path + query, token=token)
            assert status == 400 and body["error"]["code"] == "validation_failed", (path, body)

    # The directory: the tenant's agents, their extensions and presence,
    # no email, no secret.
    status, _, body = fw.ad.request("GET", "/v1/me/directory?limit=500", token=tok1)
    assert status == 200, body
    text = json.dumps(body)
    for secret in (a1[2], a2[2], "@a.example", "email", "password", "sip_"):
        assert secret not in text, (secret, text)
    agents = {a["agent_id"]: a for a in body["agents"]}
    assert body["total"] == len(agents) and idb not in agents, body
    assert agents[id2]["extensions"] == [a2[0]] and agents[id2]["presence"] == "offline", body
    assert (agents[id1]["first_name"], agents[id1]["extensions"]) == ("First", [a1[0]]), body
    status, _, body = fw.ad.request("GET", "/v1/me/directory", token=tokb)
    theirs = {a["agent_id"] for a in body["agents"]}
    assert status == 200 and idb in theirs and not theirs & set(agents), body

    # A deleted agent keeps its history, and shows as a deleted agent.
    status, _, body = fw.ad.request("DELETE", "/v1/admin/agents/%d" % id2, token=fw.admins["A"])
    assert status == 200, body
    assert history(fw, tok1)["calls"][1]["party_name"] == "deleted agent"
    status, _, body = fw.ad.request("GET", "/v1/admin/agents/%d/calls" % id2,
                                    token=fw.admins["A"])
    assert status == 200 and body["total"] == 2, body


if __name__ == "__main__":
    fs_main()
