"""Real FreeSWITCH, xml_curl mode: suspension, SIP-password rotation and
deletion cut a live registration (gone from `sofia status profile internal
reg` within 20 s; the time it took is printed), the old password is refused
afterwards, and reactivation lets the agent register again. A
WebSocket-registered contact receives FreeSWITCH's NOTIFY (Event:
check-sync) when its registration is flushed: the agent desktop relies on it.

The cached variant runs the same with AGENTDESK_XMLCURL_CACHE_MS set, after
proving that FreeSWITCH does cache the user (a second REGISTER makes no
lookup): the xml_flush_cache agentdesk sends before each registration
flush is what makes the cut, and the refusal of the old password, hold."""
from agentdesk_harness import PASSWORD, FsWorld, fs_main, metric, wait_for

CACHE_MS = "600000"  # far longer than the test: only a flush can end it


def lookups(fw):
    """Directory and dialplan requests agentdesk has answered so far."""
    return metric(fw.ad, "agentdesk_http_requests_total", {"route": "/freeswitch/xml"})


def check_sync(ua):
    msg = ua.wait_request("NOTIFY", timeout=20,
                          pred=lambda m: m.get("event", "").startswith("check-sync"))
    assert msg is not None, "no NOTIFY check-sync; got %r" % ua.requests
    return msg


def cut(fw, ua, user, what):
    took = fw.wait_unregistered(user)
    print("%s: registration gone after %.2fs" % (what, took), flush=True)
    check_sync(ua)


def suspend_rotate_delete_cut(backend, env=None):
    cached = bool(env)
    with FsWorld(backend, env=env) as fw:
        aid, token = fw.new_agent("A", "cut@a.example")
        creds = fw.me(token)
        ext, realm, password, _ = creds
        user = "%s@%s" % (ext, realm)
        _, _, b = fw.ad.request("GET", "/v1/auth/me", token=token)
        ext_id = b["data"]["extensions"][0]["id"]
        fw.settle()

        # Suspend.
        with fw.ua("ws", creds) as ua:
            assert ua.register() == 200, ua.last
            assert user in fw.fs[0].registrations()
            if cached:
                # The request counter moves once agentdesk has answered,
                # which may be a moment after FreeSWITCH got the answer.
                before = wait_for(lambda: lookups(fw), what="the registration's lookup")
                assert ua.register() == 200, ua.last
                assert lookups(fw) == before, "FreeSWITCH did not cache the user"
            fw.patch_agent("A", aid, {"status": "suspended"})
            cut(fw, ua, user, "suspend")
            assert ua.register() == 403, ua.last
        # Reactivated: registers again with the same password.
        fw.patch_agent("A", aid, {"status": "active"})
        fw.settle()
        with fw.ua("ws", creds) as ua:
            assert ua.register() == 200, ua.last
            # A new SIP password: the old one is refused, the new one works.
            status, _, b = fw.ad.request("POST", "/v1/admin/extensions/%d/rotate-password" % ext_id,
                                         token=fw.admins["A"])
            assert status == 200, b
            cut(fw, ua, user, "rotate")
            assert ua.register() == 403, ua.last
        token = fw.ad.login("cut@a.example", PASSWORD)  # the suspension ended its sessions
        new = fw.me(token)
        assert new[2] != password
        with fw.ua("ws", new) as ua:
            assert ua.register() == 200, ua.last
            # Deleted: gone, and refused.
            status, _, b = fw.ad.request("DELETE", "/v1/admin/agents/%d" % aid, token=fw.admins["A"])
            assert status == 200, b
            cut(fw, ua, user, "delete")
            assert ua.register() == 403, ua.last


def test_suspend_rotate_delete_cut(backend):
    suspend_rotate_delete_cut(backend)


def test_suspend_rotate_delete_cut_cached(backend):
    suspend_rotate_delete_cut(backend, {"AGENTDESK_XMLCURL_CACHE_MS": CACHE_MS})


if __name__ == "__main__":
    fs_main()
