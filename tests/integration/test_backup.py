"""agentdesk backup and restore (issue 22, Data): SQLite's online backup
taken while agents are being created through the API holds every agent,
extension and sealed SIP secret committed before it began; the restore
refuses a database in use, a file that is not an agentdesk database and
one newer than the binary. PostgreSQL: both refuse, pointing at pg_dump."""
import os
import sqlite3
import stat
import threading

from agentdesk_harness import Agentdesk, main, only_on, wait_for

PASSWORD = "correct horse battery"
CREATES = 200


def admin_token(ad, pool_size=CREATES + 20):
    t = ad.run_json("tenant", "create", "--name", "Backup", "--pool-base", "10000",
                    "--pool-size", str(pool_size))
    ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "admin@b.example",
                "--password", PASSWORD, "--role", "admin")
    ad.serve()
    return ad.login("admin@b.example", PASSWORD)


def create_many(ad, token, prefix, count, answered, errors):
    try:
        for i in range(count):
            status, _, body = ad.request("POST", "/v1/admin/agents", token=token, json_body={
                "first_name": "B", "last_name": "%s%d" % (prefix, i),
                "email": "%s%d@b.example" % (prefix, i)})
            assert status == 201, (status, body)
            answered.append((body["agent"]["id"], body["agent"]["extensions"][0]["id"]))
    except BaseException as e:  # reported by the main thread
        errors.append(e)


@only_on("sqlite")
def test_backup_while_creating_then_restore(backend):
    with Agentdesk(backend) as ad:
        token = admin_token(ad)
        answered, errors = [], []
        threads = [threading.Thread(target=create_many,
                                    args=(ad, token, p, CREATES // 2, answered, errors))
                   for p in ("x", "y")]
        for t in threads:
            t.start()
        wait_for(lambda: len(answered) >= 40 or errors, timeout=60, what="40 creates")
        before = list(answered)      # answered, so committed, before the backup begins
        backup = os.path.join(ad.tmpdir, "backup.db")
        rc, out, err = ad.run("backup", backup)
        during = len(answered)
        for t in threads:
            t.join()
        assert not errors, errors
        assert len(answered) == CREATES and during < CREATES, (during, len(answered))
        assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
        # The secrets as the serving database opens them.
        secrets = {}
        for agent_id, ext_id in before:
            status, _, body = ad.request("GET", "/v1/admin/extensions/%d" % ext_id, token=token)
            assert status == 200, body
            secrets[ext_id] = body["extension"]["sip_password"]
            assert len(secrets[ext_id]) >= 20

        # While the server holds the database, no restore over it.
        rc, _, err = ad.run("restore", backup, check=False)
        assert rc == 1 and "in use" in err, (rc, err)
        ad.stop()

        # Into a fresh place, with the same key file.
        fresh = os.path.join(ad.tmpdir, "fresh")
        os.mkdir(fresh)
        node = ad.sibling()
        node.db = "sqlite:%s/agentdesk.db" % fresh
        rc, out, err = node.run("restore", backup)
        assert "restored" in out, out
        assert stat.S_IMODE(os.stat(os.path.join(fresh, "agentdesk.db")).st_mode) == 0o600
        node.serve()
        try:
            token = node.login("admin@b.example", PASSWORD)
            for agent_id, ext_id in before:
                status, _, body = node.request("GET", "/v1/admin/agents/%d" % agent_id, token=token)
                assert status == 200, (agent_id, body)
                assert [e["id"] for e in body["agent"]["extensions"]] == [ext_id], body
                status, _, body = node.request("GET", "/v1/admin/extensions/%d" % ext_id,
                                               token=token)
                assert status == 200 and body["extension"]["sip_password"] == secrets[ext_id], ext_id
        finally:
            node.stop()


@only_on("sqlite")
def test_restore_refuses_what_it_cannot_open(backend):
    with Agentdesk(backend) as ad:
        ad.run("migrate")
        path = ad.db[len("sqlite:"):]
        before = open(path, "rb").read()
        # Not a database at all, a database of something else, one newer than us.
        junk = os.path.join(ad.tmpdir, "junk")
        with open(junk, "w") as f:
            f.write("not a database\n")
        other = os.path.join(ad.tmpdir, "other.db")
        db = sqlite3.connect(other)
        db.execute("CREATE TABLE t (x)")
        db.commit()
        db.close()
        newer = os.path.join(ad.tmpdir, "newer.db")
        ad.run("backup", newer)
        db = sqlite3.connect(newer)
        db.execute("INSERT INTO schema_migrations (version, name, applied_at) "
                   "VALUES (9999, 'from the future', 0)")
        db.commit()
        db.close()
        for f, why in ((junk, "not an agentdesk database"), (other, "not an agentdesk database"),
                       (newer, "newer than this agentdesk")):
            rc, _, err = ad.run("restore", f, check=False)
            assert rc == 1 and why in err, (f, rc, err)
        assert open(path, "rb").read() == before
        assert not [n for n in os.listdir(ad.tmpdir) if ".tmp-" in n], os.listdir(ad.tmpdir)


@only_on("postgres")
def test_postgres_refuses_with_advice(backend):
    with Agentdesk(backend) as ad:
        ad.run("migrate")
        out = os.path.join(ad.tmpdir, "backup.db")
        rc, _, err = ad.run("backup", out, check=False)
        assert rc == 1 and "pg_dump" in err and "key file" in err, err
        assert not os.path.exists(out)
        rc, _, err = ad.run("restore", out, check=False)
        assert rc == 1 and "pg_restore" in err, err


if __name__ == "__main__":
    main()
