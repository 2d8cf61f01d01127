"""Real FreeSWITCH, xml_curl mode: an agent created through the API
registers over UDP (sipp) and over WebSocket with its /v1/auth/me
credentials; a wrong password, a free extension of the pool and an
extension in another tenant's domain are refused."""
import os
import re
import time

from agentdesk_harness import FsWorld, fs_main, wait_for
from sip import sipp_register


def test_register_udp_and_ws(backend):
    with FsWorld(backend) as fw:
        aid, token = fw.new_agent("A", "reg1@a.example")
        ext, realm, password, ws_url = fw.me(token)
        assert realm == "a.example", realm
        fs = fw.fs[0]
        # UDP with sipp: digest from /me, 200.
        r = sipp_register(fs.sip_port, [(ext, realm, password)], expect=200)
        assert r.ok, r
        regs = fs.registrations()
        assert "%s@%s" % (ext, realm) in regs, regs
        # WebSocket: the same credentials.
        with fw.ua("ws", (ext, realm, password)) as ua:
            t = time.time()
            assert ua.register() == 200, ua.last
            print("WS REGISTER answered in %.3fs" % (time.time() - t))
            assert "transport=ws" in fs.registrations()["%s@%s" % (ext, realm)]
        # The agent's extension shows registered through the API (once the
        # listener has applied the REGISTER's event: a batch every 100 ms).
        x = wait_for(lambda: (lambda x: x["registered"] and x)(fw.agent("A", aid)["extensions"][0]),
                     timeout=5, what="the extension registered", interval=0.1)
        assert x["provisioning"] == "provisioned", x


def test_refusals(backend):
    with FsWorld(backend) as fw:
        aid, token = fw.new_agent("A", "reg2@a.example")
        ext, realm, password, _ = fw.me(token)
        _, btoken = fw.new_agent("B", "reg2@b.example")
        bext, brealm, bpassword, _ = fw.me(btoken)
        fs = fw.fs[0]
        # The wrong password: its last character changed (to one it is not).
        wrong = password[:-1] + ("y" if password.endswith("x") else "x")
        r = sipp_register(fs.sip_port, [(ext, realm, wrong)], expect=403)
        assert r.ok, r
        with fw.ua("ws", (ext, realm, "not-" + password)) as ua:
            assert ua.register() == 403, ua.last
        # A free extension of the pool (no agent holds it), with any password.
        free = str(int(ext) + 7)
        status, _, b = fw.ad.request("GET", "/v1/admin/extensions?state=free&limit=50",
                                     token=fw.admins["A"])
        assert free in [x["extension"] for x in b["extensions"]], b
        r = sipp_register(fs.sip_port, [(free, realm, password)], expect=403)
        assert r.ok, r
        # Tenant A's extension in tenant B's domain, with its own password;
        # and B's extension in A's domain with B's password.
        r = sipp_register(fs.sip_port, [(ext, brealm, password), (bext, realm, bpassword)],
                          expect=403)
        assert r.ok, r
        with fw.ua("ws", (ext, brealm, password)) as ua:
            assert ua.register() == 403, ua.last
        # Nothing of that registered; the right ones still do.
        assert fs.registrations() == {}, fs.registrations()
        r = sipp_register(fs.sip_port, [(ext, realm, password), (bext, brealm, bpassword)])
        assert r.ok, r
        assert sorted(fs.registrations()) == sorted(["%s@%s" % (ext, realm),
                                                     "%s@%s" % (bext, brealm)])


def test_binding_applies_at_reload_mod_xml_curl(backend):
    """What `agentdesk freeswitch config` tells operators: a changed binding
    takes effect at `reload mod_xml_curl`, not at `reloadxml`."""
    with FsWorld(backend) as fw:
        fs = fw.fs[0]
        creds = fw.me(fw.new_agent("A", "bind@a.example")[1])
        fw.settle()
        with open(os.path.join(fs.conf_dir, "autoload_configs", "xml_curl.conf.xml")) as f:
            text = f.read()
        changed = re.sub(r'value="http://127\.0\.0\.1:\d+/freeswitch/xml"',
                         'value="http://127.0.0.1:9/changed"', text)
        assert changed != text
        with open(os.path.join(fs.conf_dir, "autoload_configs", "xml_curl.conf.xml"), "w") as f:
            f.write(changed)
        assert fs.esl("reloadxml").startswith("+OK")
        with fw.ua("udp", creds) as ua:
            assert ua.register() == 200, ua.last  # still asks agentdesk
        assert "127.0.0.1:9/changed" not in fs.log()
        out = fs.esl("reload mod_xml_curl")
        assert "+OK module loaded" in out, out
        with fw.ua("udp", creds) as ua:
            assert ua.register() == 403, ua.last  # now asks the changed URL
        assert "trying to fetch http://127.0.0.1:9/changed" in fs.log()


if __name__ == "__main__":
    fs_main()
