"""Operations (issue 22, "Install and service"): /readyz; more in later
parts (log format, config file, signals, systemd)."""
from agentdesk_harness import Agentdesk, free_port, main


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


if __name__ == "__main__":
    main()
