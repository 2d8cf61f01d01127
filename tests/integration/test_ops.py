"""Operations (issue 22, "Install and service"): /readyz; more in later
parts (log format, config file, signals, systemd)."""
import json

from agentdesk_harness import Agentdesk, free_port, main, parse_demo_password


def test_readyz(backend):
    # FreeSWITCH's Event Socket points at a port nobody listens on: the
    # node is ready all the same (the Decision: that is doctor's to say).
    env = {"AGENTDESK_FS_ESL": "127.0.0.1:%d" % free_port()}
    with Agentdesk(backend, env=env) as ad:
        ad.serve()
        status, _, body = ad.request("GET", "/readyz")
        assert status == 200, body
        assert body == {"success": True, "status": "ready",
                        "checks": {"store": True, "migrations": True, "key": True,
                                   "listeners": True}}, body
        # A migration pending (a newer binary's database rolled back by
        # hand here): not ready, and the message says why; /healthz,
        # which only asks the store, stays 200.
        last = ad.sql("SELECT MAX(version) FROM schema_migrations")[0][0]
        ad.sql("UPDATE schema_migrations SET version = -version WHERE version = %s" % last)
        status, _, body = ad.request("GET", "/readyz")
        assert status == 503 and body["error"]["code"] == "not_ready", body
        assert body["error"]["message"] == "not ready: migrations", body
        assert ad.request("GET", "/healthz")[0] == 200
        ad.sql("UPDATE schema_migrations SET version = -version WHERE version = -%s" % last)
        assert ad.request("GET", "/readyz")[0] == 200


def test_json_log(backend):
    # Every line one object with the fixed keys in order; no secret of a
    # create and a login in it (debug level: every line there is).
    env = {"AGENTDESK_LOG_FORMAT": "json", "AGENTDESK_LOG_LEVEL": "debug"}
    with Agentdesk(backend, env=env) as ad:
        _, out, _ = ad.run("demo")
        admin_password = parse_demo_password(out)
        ad.serve()
        admin = ad.login("admin@demo.local", admin_password)
        status, _, body = ad.request("POST", "/v1/admin/agents", token=admin, json_body={
            "first_name": "Zo\u00eb \"Q\"", "last_name": "\u5c71\u7530",
            "email": "json.log@demo.local"})
        assert status == 201, body
        temporary = body["temporary_password"]
        agent = ad.login("json.log@demo.local", temporary)
        # A path with a quote and a backslash, for the access log's escaping.
        ad.request("GET", '/v1/a"b\\c?x="y"')
        ad.stop()
        lines = ad.log().splitlines()
        assert len(lines) > 5, lines
        for line in lines:
            obj = json.loads(line)
            assert list(obj)[:4] == ["time", "level", "area", "msg"], line
            assert obj["level"] in ("error", "warn", "info", "debug"), line
        assert any("/v1/admin/agents" in json.loads(l)["msg"] for l in lines), lines
        text = "\n".join(lines)
        for secret in (admin_password, temporary, admin, agent):
            assert secret not in text, secret


if __name__ == "__main__":
    main()
