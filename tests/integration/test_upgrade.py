"""Upgrades (issue 22, Data): a database made by each earlier schema version
(tests/fixtures/upgrade/, written from the repository's history by its
make.py) is upgraded by today's binary, and its agent, extension, sealed
SIP secret, provisioning job and mail outbox row all survive; migrate
--dry-run lists what would run and changes nothing; a binary older than
the database refuses to start."""
import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import subprocess
import time

from agentdesk_harness import Agentdesk, main
from agentdesk_harness.server import TESTS

FIXTURES = os.path.join(TESTS, "fixtures", "upgrade")
with open(os.path.join(FIXTURES, "secrets.json")) as f:
    SECRETS = json.load(f)


def fixtures(backend):
    """[(version, SQL that makes its database)] of the backend, oldest first
    (tests/fixtures/upgrade/make.py says how the files are laid out)."""
    with open(os.path.join(FIXTURES, backend, "versions.json")) as f:
        meta = json.load(f)
    with open(os.path.join(FIXTURES, backend, "migrations.sql")) as f:
        parts = re.split(r"^-- migration (\d+): (.*)$", f.read(), flags=re.M)
    migrations = {int(parts[i]): (parts[i + 1], parts[i + 2]) for i in range(1, len(parts), 3)}
    with open(os.path.join(FIXTURES, "rows.sql")) as f:
        rows, outbox = f.read().split("-- mail_outbox\n")
    out = []
    for v in meta["versions"]:
        n = v["version"]
        sql = ["BEGIN;", "CREATE TABLE IF NOT EXISTS schema_migrations ( version INTEGER PRIMARY "
               "KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL);"]
        for k in range(1, n + 1):
            name, text = migrations[k]
            sql += [text.strip().rstrip(";") + ";",
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES "
                    "(%d, '%s', 1764000000);" % (k, name.replace("'", "''"))]
        sql += [rows] + ([outbox] if n >= meta["outbox_from"] else []) + ["COMMIT;"]
        out.append((n, "\n".join(sql), n >= meta["outbox_from"]))
    return out


def load(ad, sql):
    """The version's SQL into ad's fresh database."""
    if ad.backend == "sqlite":
        db = sqlite3.connect(ad.db[len("sqlite:"):])
        db.executescript(sql)
        db.close()
    else:
        subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-d", ad.db], input=sql,
                       text=True, check=True, stdout=subprocess.DEVNULL)


def keyed(backend):
    """An Agentdesk whose key file is the fixtures' key (mode 0600)."""
    ad = Agentdesk(backend)
    key = os.path.join(ad.tmpdir, "key")
    shutil.copy(os.path.join(FIXTURES, "key"), key)
    os.chmod(key, 0o600)
    return ad


def session(ad):
    """A session of admin@up.example written straight into the upgraded
    database: its token, keyed under the fixtures' key as agentdesk keys
    them (HMAC-SHA256), saves an argon2id login per version."""
    with open(os.path.join(FIXTURES, "key")) as f:
        key = bytes.fromhex(f.read().split()[-1])
    token = "ad_" + "u" * 43
    digest = hmac.new(key, token.encode(), hashlib.sha256).hexdigest()
    now = int(time.time())
    ad.sql("INSERT INTO sessions (token_hash, user_id, token_version, created_at, expires_at, "
           "login_at) SELECT '%s', id, token_version, %d, %d, %d FROM users "
           "WHERE email = 'admin@up.example'" % (digest, now, now + 3600, now))
    return token


def newest(ad):
    rc, out, _ = ad.run("migrate", "--dry-run")
    return int(out.split(", this agentdesk's ")[1].split(":")[0])


def test_every_earlier_version_upgrades(backend):
    found = fixtures(backend)
    assert len(found) >= 5, found
    for version, sql, had_outbox in found:
        with keyed(backend) as ad:
            load(ad, sql)
            if version == found[0][0]:   # the longest list; once is enough
                rc, out, _ = ad.run("migrate", "--dry-run")
                pending = [int(line.split()[0]) for line in out.splitlines()[1:]]
                assert pending and min(pending) > version, out
                assert out.splitlines()[0].endswith("%d migration(s) would run" % len(pending)), out
                assert ad.sql("SELECT MAX(version) FROM schema_migrations") == [(str(version),)]
            else:
                pending = [v for v in pending if v > version]
            rc, out, _ = ad.run("migrate")
            assert "applied %d migration(s)" % len(pending) in out, (version, out)
            assert ad.sql("SELECT MAX(version) FROM schema_migrations") == [(str(max(pending)),)]
            # The upgrade itself keeps them (the server's upkeep purges old
            # done jobs and sent mail later, by its own rules).
            [(ext_id,)] = ad.sql("SELECT id FROM agent_extensions WHERE extension = '5000'")
            ext_id = int(ext_id)
            assert ad.sql("SELECT kind, status FROM provisioning_jobs WHERE extension_id = %d"
                          % ext_id)[:1] == [("provision", "done")], version
            outbox = ad.sql("SELECT template, status FROM mail_outbox "
                            "WHERE recipient = 'agent@up.example'")
            assert outbox == ([("password_changed", "sent")] if had_outbox else []), (version, outbox)
            ad.serve()
            token = session(ad) if version != found[0][0] else \
                ad.login("admin@up.example", SECRETS["password"])
            [(agent_id,)] = ad.sql("SELECT id FROM users WHERE email = 'agent@up.example'")
            status, _, body = ad.request("GET", "/v1/admin/agents/%s" % agent_id, token=token)
            assert status == 200 and body["agent"]["email"] == "agent@up.example", (version, body)
            [ext] = body["agent"]["extensions"]
            assert ext["extension"] == "5000" and ext["id"] == ext_id, (version, ext)
            status, _, body = ad.request("GET", "/v1/admin/extensions/%d" % ext["id"], token=token)
            assert status == 200, (version, body)
            assert body["extension"]["sip_password"] == SECRETS["sip_password"], version
            ad.stop()


def test_older_binary_refuses_newer_database(backend):
    with Agentdesk(backend) as ad:
        ad.run("migrate")
        top = newest(ad)
        ad.sql("INSERT INTO schema_migrations (version, name, applied_at) "
               "VALUES (%d, 'from a newer agentdesk', 0)" % (top + 1))
        for args in (("migrate",), ("migrate", "--dry-run"), ("tenant", "create", "--name", "X")):
            rc, _, err = ad.run(*args, check=False)
            assert rc == 1 and "newer than this agentdesk" in err, (args, rc, err)
        try:
            ad.serve()
        except AssertionError as e:
            assert "schema version %d, newer than this agentdesk" % (top + 1) in str(e), e
            ad.stop(expect_rc=1)
        else:
            raise AssertionError("serve started on a newer database")
        assert ad.sql("SELECT COUNT(*) FROM tenants") == [("0",)]


if __name__ == "__main__":
    main()
