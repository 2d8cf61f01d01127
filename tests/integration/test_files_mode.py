"""Files mode (AGENTDESK_FS_MODE=files): the conf dir a FreeSWITCH would
read, after each kind of change (freeswitch/provision.c's table) — the user and context files,
parsed as XML — with the exact Event Socket commands that follow (one
reloadxml per batch), atomic writes, owned files only, and a node that is
down."""
import os

from agentdesk_harness import (Agentdesk, EslFixture, FOREIGN_USER, MARKER, World, changes,
                               conf_dir, contexts, extension, files_env, free_port, main,
                               new_agent, restart, settle, sip_password, user_file, user_files,
                               voicebox, wait_for)


def test_files_follow_each_event(backend):
    with Agentdesk(backend) as ad, EslFixture() as fs:
        w = World(ad)
        conf = conf_dir(ad)
        restart(w, fs.address, **files_env(conf))
        # Switching to files mode: a resync writes what the database holds.
        status, _, _ = ad.request("POST", "/v1/admin/freeswitch/resync", token=w.root)
        assert status == 202
        assert settle(w) == {"pending": 0, "failed": 0}
        assert user_files(conf) == ["10000", "10001", "10002", "20000", "20001", "20002"]
        ta, tb = w.tenants["A"]["id"], w.tenants["B"]["id"]
        assert contexts(conf) == {"tenant_%d.xml" % ta: "tenant_%d" % ta,
                                  "tenant_%d.xml" % tb: "tenant_%d" % tb}
        assert changes(fs) == ["reloadxml"], (changes(fs), ad.log()[-3000:])
        seen = [1]

        def since():
            settle(w)
            cmds = changes(fs)[seen[0]:]
            seen[0] += len(cmds)
            return cmds

        status, _, body = ad.request("POST", "/v1/admin/agents", token=w.admin, json_body={
            "first_name": "Zoë", "last_name": '"/><param name="password" value="x', "email": "z@a.example"})
        assert status == 201, body
        aid, ext = body["agent"]["id"], body["agent"]["extensions"][0]
        e = ext["extension"]
        assert ext["provisioning"] == "pending"  # until FreeSWITCH reloaded
        assert since() == ["reloadxml"]
        f = user_file(conf, e)
        assert f["params"]["password"] == sip_password(w, ext["id"]), f
        assert f["variables"]["effective_caller_id_name"] == 'Zoë "/><param name="password" value="x'
        assert f["variables"]["user_context"] == "tenant_%d" % ta and f["mode"] == 0o640
        assert extension(w, ext["id"])["provisioning"] == "provisioned"

        flush = "xml_flush_cache id %s 127.0.0.1" % e
        reg = "sofia profile internal flush_inbound_reg %s@127.0.0.1 reboot" % e
        steps = [
            ("POST", "/v1/admin/extensions/%d/rotate-password" % ext["id"], None,
             ["reloadxml", flush, reg], True),
            ("PATCH", "/v1/admin/agents/%d" % aid, {"first_name": "Zoé"}, ["reloadxml"], True),
            ("PATCH", "/v1/admin/agents/%d" % aid, {"status": "suspended"}, ["reloadxml", reg], False),
            ("PATCH", "/v1/admin/agents/%d" % aid, {"status": "active"}, ["reloadxml"], True),
            # deleted: its voicebox emptied too, as in xml_curl mode
            ("DELETE", "/v1/admin/agents/%d" % aid, None, ["reloadxml", reg] + voicebox(e), False),
        ]
        for method, path, body, expected, present in steps:
            status, _, resp = ad.request(method, path, token=w.admin, json_body=body)
            assert status == 200, resp
            assert since() == expected, (method, path, body, changes(fs), ad.log()[-3000:])
            f = user_file(conf, e)
            assert (f is not None) == present, (method, path, f)
            if present:
                assert f["params"]["password"] == sip_password(w, ext["id"])
        assert user_file(conf, e) is None
        assert extension(w, ext["id"])["provisioning"] == "provisioned"

        # A tenant suspended: its files go in one batch, one reloadxml.
        status, _, _ = ad.request("PATCH", "/v1/admin/tenants/%d" % ta, token=w.root,
                                  json_body={"status": "suspended"})
        assert status == 200
        cmds = since()
        assert cmds.count("reloadxml") == 1 and len(cmds) == 4, (cmds, ad.log()[-3000:])
        assert user_files(conf) == ["20000", "20001", "20002"]
        assert contexts(conf) == {"tenant_%d.xml" % tb: "tenant_%d" % tb}

        # Resync removes stale owned files, never the site's own.
        with open(os.path.join(conf, "directory", "default", "99999.xml"), "w") as f:
            f.write(MARKER + "\n<include><user id=\"99999\"/></include>\n")
        os.remove(os.path.join(conf, "directory", "default", "20001.xml"))
        ad.request("POST", "/v1/admin/freeswitch/resync", token=w.root)
        assert since() == ["reloadxml"]
        assert user_files(conf) == ["20000", "20001", "20002"]
        with open(os.path.join(conf, "directory", "default", "1000.xml")) as f:
            assert f.read() == FOREIGN_USER
        assert os.path.exists(os.path.join(conf, "dialplan", "default.xml"))
        leftovers = [n for n in os.listdir(os.path.join(conf, "directory", "default"))
                     if n.startswith(".")]
        assert leftovers == [], leftovers


def test_node_down_files_written_job_pending(backend):
    port = free_port()
    with Agentdesk(backend) as ad:
        w = World(ad)
        conf = conf_dir(ad)
        restart(w, "127.0.0.1:%d" % port, **files_env(conf))
        aid, ext = new_agent(w, "ada@a.example")
        # The file is there at once; the extension waits for a reloadxml.
        wait_for(lambda: user_file(conf, ext["extension"]) is not None, 5,
                 "the user file of %s" % ext["extension"])
        x = extension(w, ext["id"])
        assert x["provisioning"] == "pending", x
        with EslFixture(port=port) as fs:
            assert settle(w, timeout=15) == {"pending": 0, "failed": 0}
            assert "reloadxml" in changes(fs)
        assert extension(w, ext["id"])["provisioning"] == "provisioned"


def test_missing_conf_dir_is_reported(backend):
    with Agentdesk(backend) as ad, EslFixture() as fs:
        w = World(ad)
        conf = os.path.join(ad.tmpdir, "nowhere")
        restart(w, fs.address, **files_env(conf, AGENTDESK_FS_RETRY_LIMIT="1"))
        aid, ext = new_agent(w, "ada@a.example")
        j = settle(w)
        assert j == {"pending": 0, "failed": 1}, (j, changes(fs), extension(w, ext["id"]))
        x = extension(w, ext["id"])
        assert x["provisioning"] == "failed" and "No such file or directory" in x["provisioning_error"], x
        assert changes(fs) == []  # nothing to reload


def test_doctor_checks_conf_dir(backend):
    with Agentdesk(backend) as ad, EslFixture() as fs:
        ad.run("migrate")
        ad.run("demo")
        conf = conf_dir(ad)
        env = files_env(conf, AGENTDESK_FS_ESL=fs.address, AGENTDESK_XMLCURL_PASSWORD="xc")
        rc, out, err = ad.run("doctor", env=env)
        assert rc == 0 and "ok    conf dir directory/default: " in out, out
        env["AGENTDESK_FS_CONF_DIR"] = os.path.join(ad.tmpdir, "nowhere")
        rc, out, err = ad.run("doctor", check=False, env=env)
        assert rc == 1 and "FAIL  conf dir dialplan: " in out and "No such file" in out, out


def test_mode_settings_checked(backend):
    with Agentdesk(backend) as ad:
        for env, text in (({"AGENTDESK_FS_MODE": "files"}, "AGENTDESK_FS_CONF_DIR: required"),
                          ({"AGENTDESK_FS_MODE": "ssh", "AGENTDESK_FS_CONF_DIR": "/etc/freeswitch"},
                           "AGENTDESK_FS_SSH: required when AGENTDESK_FS_MODE is ssh"),
                          ({"AGENTDESK_FS_MODE": "sftp"}, "must be xml_curl, files or ssh"),
                          ({"AGENTDESK_FS_MODE": "files", "AGENTDESK_FS_CONF_DIR": "relative/conf"},
                           "must be an absolute path")):
            rc, out, err = ad.run("migrate", check=False, env=env)
            assert rc != 0 and text in err, (env, err)


if __name__ == "__main__":
    main()
