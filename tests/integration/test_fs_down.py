"""Real FreeSWITCH down, then back, with no admin action: in xml_curl mode
50 suspensions and rotations made while it is down stay "pending" (with an
attempt and an error recorded), then become "provisioned" within the retry
schedule once it is back, and FreeSWITCH then holds what they say; in files
mode 50 creates likewise."""
import time

from agentdesk_harness import FsWorld, fs_main, wait_for
from sip import sipp_register

BACKENDS = ("sqlite",)
N = 50


def wait_failed_attempt(fw, key, ext_ids, timeout=30):
    """Every extension pending with at least one failed attempt recorded."""
    wait_for(lambda: all(fw.extension(key, i)["provisioning_attempts"] >= 1 for i in ext_ids),
             timeout, lambda: "a failed attempt on every extension (%r)"
             % [fw.extension(key, i) for i in ext_ids if
                fw.extension(key, i)["provisioning_attempts"] < 1][:1], 0.1)
    for i in ext_ids:
        x = fw.extension(key, i)
        assert x["provisioning"] == "pending" and x["provisioning_error"], x


def back_up(fw, key, ext_ids, down_at):
    fs = fw.fs[0]
    fs.start()
    back = time.time()
    took = fw.wait_provisioned(key, ext_ids, timeout=120)
    print("FreeSWITCH down %.1fs until ready again; all %d provisioned %.1fs later" % (
        back - down_at, len(ext_ids), took), flush=True)


def test_xmlcurl_changes_while_down(backend):
    with FsWorld(backend, pool_size=N + 10, env={"AGENTDESK_FS_RETRY_LIMIT": "30"}) as fw:
        fs = fw.fs[0]
        agents = fw.create_agents("A", N, "down")
        fw.settle()
        fs.stop_process()
        down_at = time.time()
        suspended, rotated = agents[:N // 2], agents[N // 2:]
        for aid, _, _ in suspended:
            fw.patch_agent("A", aid, {"status": "suspended"})
        for _, ext_id, _ in rotated:
            status, _, b = fw.ad.request("POST", "/v1/admin/extensions/%d/rotate-password" % ext_id,
                                         token=fw.admins["A"])
            assert status == 200, b
        ids = [x for _, x, _ in agents]
        wait_failed_attempt(fw, "A", ids)
        back_up(fw, "A", ids, down_at)
        # What FreeSWITCH now learns from agentdesk: suspended refused, rotated
        # accepted with the new password.
        r = sipp_register(fs.sip_port, [fw.sip_user("A", suspended[0][1], "a.example")], expect=403)
        assert r.ok, r
        r = sipp_register(fs.sip_port, [fw.sip_user("A", x, "a.example") for _, x, _ in rotated[:5]])
        assert r.ok, r


def test_files_creates_while_down(backend):
    with FsWorld(backend, mode="files", pool_size=N + 10, env={"AGENTDESK_FS_RETRY_LIMIT": "30"}) as fw:
        fs = fw.fs[0]
        fs.stop_process()
        down_at = time.time()
        agents = fw.create_agents("A", N, "fdown")
        ids = [x for _, x, _ in agents]
        wait_failed_attempt(fw, "A", ids)
        back_up(fw, "A", ids, down_at)
        r = sipp_register(fs.sip_port, [fw.sip_user("A", x) for x in ids[:10]])
        assert r.ok, r


if __name__ == "__main__":
    fs_main()
