"""Real FreeSWITCH: GET /v1/admin/freeswitch/status and `agentdesk doctor`
against a real node. Version, uptime, the sofia profile RUNNING and the
registration count as FreeSWITCH itself lists them; doctor passes, and
fails with a clear line when the Event Socket password is wrong."""
import re

from agentdesk_harness import FsWorld, fs_main, wait_for

BACKENDS = ("sqlite",)


def test_status_of_real_node(backend):
    with FsWorld(backend) as fw:
        fs = fw.fs[0]
        agents = [fw.new_agent("A", "s%d@a.example" % k) for k in range(3)]
        creds = [fw.me(token) for _, token in agents]
        fw.settle()
        uas = [fw.ua("ws" if k % 2 else "udp", c) for k, c in enumerate(creds[:2])]
        try:
            for ua in uas:
                assert ua.register() == 200, ua.last
            status, _, body = fw.ad.request("GET", "/v1/admin/freeswitch/status", token=fw.root)
            assert status == 200, body
            [node] = body["clusters"][0]["nodes"]
            assert node["address"] == fs.esl_address and node["reachable"] is True, node
            assert node["error"] is None, node
            # FreeSWITCH's own words: `version` and `status`.
            assert node["version"].startswith("1.11.1-release"), node
            assert fs.esl("version").strip().startswith("FreeSWITCH Version 1.11.1-release"), node
            assert re.fullmatch(r"\d+ years, \d+ days, \d+ hours, \d+ minutes, \d+ seconds, "
                                r"\d+ milliseconds, \d+ microseconds", node["uptime"]), node
            assert node["profile"] == "internal" and node["profile_state"] == "RUNNING (0)", node
            assert node["registrations"] == len(fs.registrations()) == 2, (node, fs.registrations())
            # The agents' own view agrees, once the listener has applied
            # the REGISTERs' events (a batch every 100 ms).
            def regs():
                return [fw.agent("A", aid)["extensions"][0]["registered"] for aid, _ in agents]
            wait_for(lambda: regs() == [True, True, False], timeout=5,
                     what=lambda: "the agents' registrations (%r)" % regs(), interval=0.1)
        finally:
            for ua in uas:
                ua.close()


def test_doctor_against_real_node(backend):
    with FsWorld(backend) as fw:
        fs = fw.fs[0]
        rc, out, err = fw.ad.run("doctor", env=fw.env())
        assert rc == 0 and all(l.startswith("ok ") for l in out.splitlines()), out
        assert "node %s: Event Socket login and status: FreeSWITCH 1.11.1" % fs.esl_address in out, out
        assert "sofia profile internal RUNNING (0), 0 registration(s)" in out, out

        env = dict(fw.env(), AGENTDESK_FS_ESL_PASSWORD="wrong-" + fs.esl_password)
        rc, out, err = fw.ad.run("doctor", env=env, check=False)
        assert rc == 1, out
        fails = [l for l in out.splitlines() if l.startswith("FAIL")]
        assert len(fails) == 1 and fs.esl_address in fails[0], out
        assert "wrong Event Socket password" in fails[0], fails
        assert fs.esl_password not in out + err


if __name__ == "__main__":
    fs_main()
