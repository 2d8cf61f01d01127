"""Real FreeSWITCH, xml_curl mode: voicemail through the tenant's dialplan
and agentdesk's own mod_voicemail profile (served through the
configuration binding).

- sipp calls an unregistered extension with voicemail on and leaves 4 s
  of a tone: mod_voicemail keeps one new message (vm_boxcount), which the
  agent's GET /v1/me/voicemail counts;
- with voicemail off the caller gets 480, as before;
- a registered extension that does not answer rings for its ring time
  (PATCHed to 5 s), then the caller reaches its voicebox;
- *98 from the agent's own extension opens its voicebox with no PIN (the
  authentication event comes at once); *98<that extension> from another
  extension asks for the PIN: a wrong one fails, the agent's PIN (from
  GET /v1/me/voicemail) opens it;
- deleting the agent empties its voicebox: messages, greeting and
  recorded name;
- GET /v1/me/voicemail answers the agent's PIN and counts; PUT sets a new
  PIN (digits only, 4 to 10), which mod_voicemail then asks for, and which
  never reaches agentdesk's log.
"""
import math
import os
import re
import struct
import time
import wave

from agentdesk_harness import FsWorld, fs_main, sip

PROFILE = "agentdesk"


def write_wav(path, seconds, freq=0):
    """A 8 kHz 16-bit mono WAV: silence, or a tone of freq Hz."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(struct.pack("<h", int(6000 * math.sin(2 * math.pi * freq * n / 8000)))
                               for n in range(int(seconds * 8000))))


def install_prompts(fs):
    """The shared build has no sound files, and mod_voicemail gives up on
    a phrase whose file is missing: each voicemail/vm-*.wav its phrases
    play, as a short silence, where the instance's sound_prefix looks."""
    with open(os.path.join(fs.conf_dir, "lang", "en", "vm", "sounds.xml")) as f:
        names = set(re.findall(r'data="voicemail/(vm-[\w-]+\.wav)"', f.read()))
    for name in names:
        write_wav(os.path.join(fs.dir, "sounds", "en", "us", "callie", "voicemail", name), 0.1)


def ext_id(fw, key, aid):
    return fw.agent(key, aid)["extensions"][0]["id"]


def set_voicemail(fw, key, xid, body):
    status, _, b = fw.ad.request("PATCH", "/v1/admin/extensions/%d" % xid,
                                 token=fw.admins[key], json_body=body)
    assert status == 200, b
    return b["extension"]


def boxcount(fw, ext, realm):
    return fw.fs[0].esl("vm_boxcount %s/%s@%s|all" % (PROFILE, ext, realm)).strip()


def wait_for(pred, timeout, what):
    deadline = time.time() + timeout
    while True:
        v = pred()
        if v:
            return v
        assert time.time() < deadline, what
        time.sleep(0.1)


def channel_uuid(fw, dest):
    """The uuid of the channel whose destination is dest."""
    out = fw.fs[0].esl("show channels")
    for line in out.splitlines()[1:]:
        cols = line.split(",")
        if len(cols) > 6 and dest in line:
            return cols[0]
    return None


def test_voicemail(backend):
    with FsWorld(backend) as fw:
        realm = "a.example"
        aid1, tok1 = fw.new_agent("A", "vm1@a.example")
        aid2, tok2 = fw.new_agent("A", "vm2@a.example")
        aid3, tok3 = fw.new_agent("A", "vm3@a.example")
        a1, a2, a3 = fw.me(tok1), fw.me(tok2), fw.me(tok3)
        x1 = ext_id(fw, "A", aid1)
        got = set_voicemail(fw, "A", x1, {"voicemail_enabled": True})
        assert got["voicemail_enabled"] is True and got["ring_s"] == 20, got
        # a ring time out of range is refused, nothing changes
        status, _, b = fw.ad.request("PATCH", "/v1/admin/extensions/%d" % x1,
                                     token=fw.admins["A"], json_body={"ring_s": 4})
        assert status == 400 and b["error"]["field"] == "ring_s", b
        assert fw.extension("A", x1)["ring_s"] == 20
        fw.settle()
        install_prompts(fw.fs[0])
        # The agent's greeting and recorded name, as it would record them
        # from its voicebox's menu (mod_voicemail's own API moves them in).
        box = os.path.join(fw.fs[0].dir, "storage", "voicemail", PROFILE, realm, a1[0])
        for name, cmd in (("greet.wav", "vm_fsdb_pref_greeting_set %s %s %s 1 %s"),
                          ("name.wav", "vm_fsdb_pref_recname_set %s %s %s %s")):
            src = os.path.join(fw.fs[0].dir, "tmp", name)
            write_wav(src, 0.5, 660)
            out = fw.fs[0].esl(cmd % (PROFILE, realm, a1[0], src))
            assert "-OK" in out, out
        assert sorted(os.listdir(box)) == ["greeting_1.wav", "recorded_name.wav"], os.listdir(box)
        ev = fw.fs[0].events("CUSTOM vm::maintenance")
        try:
            # 1. Unregistered, voicemail on: sipp leaves 4 s of a tone.
            t0 = time.time()
            r = sip.sipp_call(fw.fs[0].sip_port, a2[:3], a1[0], talk_s=4.0)
            assert r.ok, (r.out[:1500], r.messages[-2500:])
            assert 200 in r.codes(), r
            left = ev.wait(PROFILE and "vm::maintenance",
                           lambda e: e.get("VM-Action") == "leave-message"
                           and e.get("VM-User") == a1[0], timeout=10)
            assert left is not None, "no leave-message event"
            assert boxcount(fw, a1[0], realm) == "1:0:0:0", boxcount(fw, a1[0], realm)
            print("message left in %.1fs" % (time.time() - t0), flush=True)
            # the agent's desk reads the count (and its PIN)
            status, _, b = fw.ad.request("GET", "/v1/me/voicemail", token=tok1)
            assert status == 200, b
            vm = b["voicemail"]
            assert vm["extension"] == a1[0] and vm["new"] == 1 and vm["saved"] == 0, vm
            assert vm["enabled"] is True and vm["pin"].isdigit() and len(vm["pin"]) >= 4, vm
            # a new PIN: digits only, 4 to 10 of them; anything else changes nothing
            for bad in ("12a4", "123", "12345678901", "", 1234):
                status, _, b = fw.ad.request("PUT", "/v1/me/voicemail", token=tok1,
                                             json_body={"pin": bad})
                assert status == 400 and b["error"]["field"] == "pin", (bad, b)
            status, _, b = fw.ad.request("PUT", "/v1/me/voicemail", token=tok1,
                                         json_body={"pin": "80461"})
            assert status == 200 and b["voicemail"]["pin"] == "80461", b
            status, _, b = fw.ad.request("GET", "/v1/me/voicemail", token=tok1)
            assert b["voicemail"]["pin"] == "80461", b
            fw.settle()
            assert "80461" not in fw.ad.log() and vm["pin"] not in fw.ad.log()

            # 2. Voicemail off: 480 as before.
            with fw.ua("udp", a2) as caller:
                assert caller.register() == 200
                r, _ = caller.invite(a3[0])
                assert r.code == 480, r

                # 3. Registered, not answering: rings for its ring time (5 s),
                # then the voicebox answers.
                set_voicemail(fw, "A", x1, {"ring_s": 5})
                fw.settle()
                with fw.ua("udp", a1) as callee:
                    assert callee.register() == 200
                    t0 = time.time()
                    r, prov = caller.invite(a1[0], timeout=20)
                    rang = time.time() - t0
                    assert r.code == 200, r
                    assert callee.wait_request("INVITE", 1) is not None or any(
                        m.method == "INVITE" for m in callee.requests), "the callee never rang"
                    assert 4 <= rang <= 9, rang
                    print("unanswered: voicemail after %.1fs of ringing" % rang, flush=True)
                    assert caller.bye() == 200

                    # 4. *98 from the agent's own extension: no PIN.
                    n_auth = len(ev.named("vm::maintenance"))
                    r, _ = callee.invite("*98")
                    assert r.code == 200, r
                    auth = ev.wait("vm::maintenance",
                                   lambda e: e.get("VM-Action") == "authentication"
                                   and e.get("VM-User") == a1[0], timeout=3)
                    assert auth is not None and auth["VM-Auth-Result"] == "success", auth
                    assert callee.bye() == 200
                    assert len(ev.named("vm::maintenance")) > n_auth

                # *98<a1> from a2's extension: the PIN is asked.
                r, _ = caller.invite("*98" + a1[0])
                assert r.code == 200, r
                time.sleep(2)
                assert not [e for e in ev.named("vm::maintenance")
                            if e.get("VM-Action") == "authentication" and e.get("VM-User") == a1[0]
                            and e.get("Caller-Caller-ID-Number") == a2[0]], "no PIN was asked"
                uuid = channel_uuid(fw, "*98" + a1[0])
                assert uuid, fw.fs[0].esl("show channels")
                fw.fs[0].esl("uuid_recv_dtmf %s 80460#" % uuid)
                bad = ev.wait("vm::maintenance",
                              lambda e: e.get("VM-Action") == "authentication"
                              and e.get("VM-Auth-Result") == "fail", timeout=5)
                assert bad is not None, "a wrong PIN was not refused"
                # the PIN the agent set opens it
                fw.fs[0].esl("uuid_recv_dtmf %s 80461#" % uuid)
                good = ev.wait("vm::maintenance",
                               lambda e: e.get("VM-Action") == "authentication"
                               and e.get("VM-Auth-Result") == "success"
                               and e.get("Caller-Caller-ID-Number") == a2[0], timeout=15)
                assert good is not None, "the agent's PIN did not open its box"
                assert caller.bye() == 200

            # 5. The agent deleted: its voicebox is emptied on the node
            # (messages, greeting and recorded name), so the next holder of
            # the extension inherits nothing.
            assert boxcount(fw, a1[0], realm) != "0:0:0:0"
            status, _, b = fw.ad.request("DELETE", "/v1/admin/agents/%d" % aid1,
                                         token=fw.admins["A"])
            assert status in (200, 204), b
            fw.settle()
            assert boxcount(fw, a1[0], realm) == "0:0:0:0", boxcount(fw, a1[0], realm)
            assert os.listdir(box) == [], os.listdir(box)
            # the next holder: a new agent takes the extension back
            aid4, tok4 = fw.new_agent("A", "vm4@a.example")
            assert fw.me(tok4)[0] == a1[0]
            assert boxcount(fw, a1[0], realm) == "0:0:0:0"
        finally:
            ev.close()


if __name__ == "__main__":
    fs_main()
