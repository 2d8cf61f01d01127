"""Real FreeSWITCH, xml_curl mode: calls become records through the event
listener and the call records' sink. An agent calls the echo test 9196
and an agent-to-agent call is answered: one record per agent leg (the
two legs of the agent-to-agent call share call_uuid), the right
direction, caller and callee, talk seconds within 1 s of what the SIP
clients measured, the hangup cause, codec and MOS; the usage rows of the
day count them; the agent's own stream is not asked here (the SSE tests
are the streams'), but its call.* events are in the log."""
import threading
import time

from agentdesk_harness import FsWorld, fs_main, wait_for

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


def test_echo_and_agent_to_agent(backend):
    with FsWorld(backend) as fw:
        id1, tok1 = fw.new_agent("A", "a1@a.example")
        id2, tok2 = fw.new_agent("A", "a2@a.example")
        a1, a2 = fw.me(tok1), fw.me(tok2)
        fw.settle()
        with fw.ua("ws", a1) as caller, fw.ua("udp", a2) as callee:
            for ua in (caller, callee):
                assert ua.register() == 200, ua.last

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
            time.sleep(TALK)
            assert caller.bye() == 200
            agent_talk = time.time() - t0
            assert callee.wait_request("BYE", 10) is not None

        calls = wait_for(lambda: ended(fw, 3), timeout=15, what="three ended call records",
                         interval=0.2)
        assert len(calls) == 3, calls
        echo = [c for c in calls if c["callee"] == "9196"]
        assert len(echo) == 1, calls
        echo = echo[0]
        assert (echo["extension"], echo["agent_id"], echo["direction"], echo["caller"]) == \
            (a1[0], id1, "outbound", a1[0]), echo
        assert abs(echo["talk_seconds"] - echo_talk) <= 1, (echo, echo_talk)
        assert echo["end_cause"] == "NORMAL_CLEARING" and echo["codec"], echo

        legs = [c for c in calls if c is not echo and c["callee"] != "9196"]
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
                rows[a1[0]]["answered"]) == (2, 0, 2), rows
        assert rows[a1[0]]["talk_seconds"] == echo["talk_seconds"] + placed["talk_seconds"]
        assert (rows[a2[0]]["calls_placed"], rows[a2[0]]["calls_received"],
                rows[a2[0]]["answered"], rows[a2[0]]["missed"]) == (0, 1, 1, 0), rows

        # Each step once, to the agent of the leg.
        kinds = fw.ad.sql("SELECT type, user_id FROM live_events WHERE type LIKE 'call.%' "
                          "ORDER BY id")
        for uid, legs_of in ((id1, 2), (id2, 1)):
            mine = [k for k, u in kinds if u == str(uid)]
            assert sorted(mine) == sorted(["call.started", "call.answered", "call.ended"] *
                                          legs_of), kinds

        # No call in progress is left.
        status, text = fw.ad.metrics()
        assert "\nagentdesk_calls_in_progress 0\n" in text, text


if __name__ == "__main__":
    fs_main()
