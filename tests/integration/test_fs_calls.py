"""Real FreeSWITCH, xml_curl mode: calls through the tenant's dialplan
context (tenant_<id>, served by agentdesk). A registered agent calls the
echo test 9196 and is answered; calls another registered agent of its
tenant, which rings and answers; calls an unregistered extension of its
tenant (480, from the user lookup); calls another tenant's extension
(refused, and nothing rings there)."""
import threading

from agentdesk_harness import FsWorld, fs_main


def drained(ua):
    """The requests ua has received so far (not waiting for more than a
    moment: everything FreeSWITCH sent before its final answer to the caller
    is already on the socket)."""
    while True:
        msg = ua.receive(0.2)
        if msg is None:
            return ua.requests
        if msg.code is None:
            ua.requests.append(msg)


def test_calls_in_tenant_context(backend):
    with FsWorld(backend) as fw:
        a1 = fw.me(fw.new_agent("A", "a1@a.example")[1])
        a2 = fw.me(fw.new_agent("A", "a2@a.example")[1])
        a3 = fw.me(fw.new_agent("A", "a3@a.example")[1])  # never registers
        b1 = fw.me(fw.new_agent("B", "b1@b.example")[1])
        fw.settle()
        with fw.ua("ws", a1) as caller, fw.ua("udp", a2) as callee, fw.ua("ws", b1) as other:
            for ua in (caller, callee, other):
                assert ua.register() == 200, ua.last

            # The echo test.
            r, prov = caller.invite("9196")
            assert r.code == 200, r
            assert caller.bye() == 200

            # Another agent of the tenant: it rings, answers, hangs up on BYE.
            got = []
            t = threading.Thread(target=lambda: got.append(callee.answer(timeout=20)))
            t.start()
            r, prov = caller.invite(a2[0])
            t.join()
            assert got and got[0] is not None, "the callee never got the INVITE"
            assert got[0].start.startswith("INVITE sip:%s@" % a2[0]), got[0].start
            assert r.code == 200, r
            assert any(p.code in (180, 183) for p in prov), [p.code for p in prov]
            assert caller.bye() == 200
            assert callee.wait_request("BYE", 10) is not None

            # An extension of the tenant that is not registered.
            r, _ = caller.invite(a3[0])
            assert r.code == 480, r

            # Another tenant's extension: refused, and it never rang.
            r, _ = caller.invite(b1[0])
            assert r.code >= 400 and r.code != 480, r
            assert not [m for m in drained(other) if m.method == "INVITE"], other.requests
            print("cross-tenant call answered %d %s" % (r.code, r.start), flush=True)


if __name__ == "__main__":
    fs_main()
