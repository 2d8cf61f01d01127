"""ssh mode (AGENTDESK_FS_MODE=ssh): the same conf files as files mode,
pushed over SFTP to a real OpenSSH sshd the test starts on loopback, with
the host key checked against the known_hosts file: unknown or changed keys
are refused and never learnt."""
import os

from agentdesk_harness import (Agentdesk, EslFixture, SshdFixture, World, changes, conf_dir,
                               extension, main, new_agent, restart, settle, sip_password,
                               user_file, user_files)


def ssh_env(sshd, conf, known_hosts=None, **more):
    e = {"AGENTDESK_FS_MODE": "ssh", "AGENTDESK_FS_CONF_DIR": conf,
         "AGENTDESK_FS_SSH": sshd.target, "AGENTDESK_FS_SSH_KEY": sshd.key,
         "AGENTDESK_FS_SSH_KNOWN_HOSTS": known_hosts or sshd.known_hosts}
    e.update(more)
    return e


def test_push_over_sftp(backend):
    with Agentdesk(backend) as ad, EslFixture() as fs, SshdFixture() as sshd:
        w = World(ad)
        conf = conf_dir(ad)
        restart(w, fs.address, **ssh_env(sshd, conf))
        ad.request("POST", "/v1/admin/freeswitch/resync", token=w.root)
        j = settle(w)
        assert j == {"pending": 0, "failed": 0}, (j, ad.log()[-1500:])
        assert user_files(conf) == ["10000", "10001", "10002", "20000", "20001", "20002"]
        # The World's jobs, refused before the restart, come due on their
        # own backoff: how many batches the resync phase took varies. Each
        # change from here on is one job, one batch, one reloadxml.
        reloads = changes(fs).count("reloadxml")
        aid, ext = new_agent(w, "ada@a.example")
        j = settle(w)
        assert j == {"pending": 0, "failed": 0}, (j, ad.log()[-1500:])
        assert changes(fs).count("reloadxml") == reloads + 1, changes(fs)
        assert user_file(conf, ext["extension"])["params"]["password"] == sip_password(w, ext["id"])
        # Rewriting replaces the file (plain SFTP rename would refuse).
        ad.request("POST", "/v1/admin/extensions/%d/rotate-password" % ext["id"], token=w.admin)
        j = settle(w)
        assert j == {"pending": 0, "failed": 0}, (j, ad.log()[-1500:])
        f = user_file(conf, ext["extension"])
        assert f["params"]["password"] == sip_password(w, ext["id"]) and f["mode"] == 0o640
        ad.request("DELETE", "/v1/admin/agents/%d" % aid, token=w.admin)
        j = settle(w)
        assert j == {"pending": 0, "failed": 0}, (j, ad.log()[-1500:])
        assert user_file(conf, ext["extension"]) is None
        assert changes(fs).count("reloadxml") == reloads + 3, changes(fs)
        assert not [n for n in os.listdir(os.path.join(conf, "directory", "default"))
                    if n.startswith(".")]


def test_host_key_checked(backend):
    with Agentdesk(backend) as ad, EslFixture() as fs, SshdFixture() as sshd:
        w = World(ad)
        conf = conf_dir(ad)
        empty = os.path.join(ad.tmpdir, "empty_known_hosts")
        open(empty, "w").close()
        for known, why in ((empty, "host key unknown: refused"),
                           (sshd.other_known_hosts, "host key CHANGED")):
            with open(known) as f:
                before = f.read()
            restart(w, fs.address, **ssh_env(sshd, conf, known_hosts=known,
                                             AGENTDESK_FS_RETRY_LIMIT="1"))
            aid, ext = new_agent(w, "k%d@a.example" % len(why))
            j = settle(w)
            assert j["pending"] == 0 and j["failed"] >= 1, j
            x = extension(w, ext["id"])
            assert x["provisioning"] == "failed" and why in x["provisioning_error"], x
            assert user_file(conf, ext["extension"]) is None
            with open(known) as f:
                assert f.read() == before  # never learnt
        assert changes(fs) == []


def test_doctor_over_sftp(backend):
    with Agentdesk(backend) as ad, EslFixture() as fs, SshdFixture() as sshd:
        ad.run("migrate")
        ad.run("demo")
        conf = conf_dir(ad)
        env = ssh_env(sshd, conf, AGENTDESK_FS_ESL=fs.address, AGENTDESK_XMLCURL_PASSWORD="xc")
        rc, out, err = ad.run("doctor", env=env)
        assert rc == 0 and ("ok    conf dir dialplan: %s:%s/dialplan" % (sshd.target, conf)) in out, out
        env["AGENTDESK_FS_SSH_KNOWN_HOSTS"] = sshd.other_known_hosts
        rc, out, err = ad.run("doctor", check=False, env=env)
        assert rc == 1 and "FAIL  conf dir: " in out and "CHANGED" in out, out


if __name__ == "__main__":
    main()
