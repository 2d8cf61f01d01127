"""The key file (issue 22, Data): `agentdesk key rotate` re-seals every
sealed secret under a new key while the server serves, and what the old
key keyed (sessions, temporary passwords) keeps verifying until its line
leaves the key file; `doctor` says when the sealed secrets do not open
with the key file; `agentdesk rekey` after a lost key gives the
extensions new SIP passwords and queues their rekey jobs."""
import os

from agentdesk_harness import (XC_PASSWORD, Agentdesk, EslFixture, encode, load, lookup, main,
                               open_stream, parse, swap, user_of, wait_for)

PASSWORD = "correct horse battery"


def setup(ad, agents=3, env=None):
    t = ad.run_json("tenant", "create", "--name", "Keys", "--pool-base", "10000",
                    "--pool-size", "20")
    ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "admin@k.example",
                "--password", PASSWORD, "--role", "admin")
    ad.serve(env=dict({"AGENTDESK_XMLCURL_PASSWORD": XC_PASSWORD}, **(env or {})))
    token = ad.login("admin@k.example", PASSWORD)
    made = []
    for i in range(agents):
        status, _, body = ad.request("POST", "/v1/admin/agents", token=token, json_body={
            "first_name": "K", "last_name": "K%d" % i, "email": "k%d@k.example" % i})
        assert status == 201, body
        made.append({"email": "k%d@k.example" % i, "ext": body["agent"]["extensions"][0]["id"],
                     "number": body["agent"]["extensions"][0]["extension"],
                     "temporary_password": body["temporary_password"]})
    for m in made:
        m["sip"] = sip_password(ad, token, m["ext"])
    return token, made


def sip_password(ad, token, ext):
    status, _, body = ad.request("GET", "/v1/admin/extensions/%d" % ext, token=token)
    assert status == 200, body
    return body["extension"]["sip_password"]


def directory_password(ad, number):
    """The password FreeSWITCH's directory lookup of number answers."""
    status, _, text = lookup(ad, encode(swap(load("directory-sip-auth-register-udp.form"),
                                             user=number, domain="127.0.0.1")))
    assert status == 200, text
    u = user_of(parse(text))
    assert u is not None, text
    return {p.get("name"): p.get("value") for p in u.findall("./params/param")}["password"]


def sealed_line(ad):
    _, out, _ = ad.run("doctor", check=False)
    [line] = [l for l in out.splitlines() if "sealed secrets:" in l]
    return line


def test_key_rotate_online(backend):
    with Agentdesk(backend) as ad:
        token, made = setup(ad)
        # The directory's cache holds the secrets as sealed under key 1.
        assert [directory_password(ad, m["number"]) for m in made] == [m["sip"] for m in made]
        rc, out, err = ad.run("key", "rotate")
        assert "key 2 now seals" in out and "40 sealed value(s) re-sealed" in out, out  # the pool of 20: secret and PIN
        secrets = ad.sql("SELECT sip_secret, vm_pin FROM agent_extensions")
        assert secrets and all(s.startswith("v2:2:") for row in secrets for s in row), secrets
        assert sealed_line(ad).startswith("ok") and "current key 2" in sealed_line(ad)
        with open(ad.env["AGENTDESK_SECRET_KEY_FILE"]) as f:
            lines = [l for l in f.read().splitlines() if l and not l.startswith("#")]
        assert [l.split()[0] for l in lines] == ["2", "1"], lines
        # The serving process opens what is sealed under the new key, with a
        # session keyed under the old one.
        for m in made:
            assert sip_password(ad, token, m["ext"]) == m["sip"]
            assert directory_password(ad, m["number"]) == m["sip"]
        # A temporary password keyed under the old key still logs in.
        ad.login(made[0]["email"], made[0]["temporary_password"])
        # What the server seals now is under key 2.
        status, _, body = ad.request("POST", "/v1/admin/agents", token=token, json_body={
            "first_name": "N", "last_name": "N", "email": "new@k.example"})
        assert status == 201, body
        [(sealed,)] = ad.sql("SELECT sip_secret FROM agent_extensions WHERE id = %d"
                             % body["agent"]["extensions"][0]["id"])
        assert sealed.startswith("v2:2:"), sealed
        fresh = ad.login("admin@k.example", PASSWORD)
        # Dropping key 1's line ends what it keyed (within the server's
        # one-second look at the file); what key 2 keyed lives on.
        with open(ad.env["AGENTDESK_SECRET_KEY_FILE"], "w") as f:
            f.write(lines[0] + "\n")
        wait_for(lambda: ad.request("GET", "/v1/auth/me", token=token)[0] == 401, timeout=10,
                 what="the old session refused once key 1 is gone")
        assert ad.request("GET", "/v1/auth/me", token=fresh)[0] == 200
        for m in made:
            assert sip_password(ad, fresh, m["ext"]) == m["sip"]


def test_lost_key_doctor_and_rekey(backend):
    with Agentdesk(backend) as ad:
        token, made = setup(ad)
        ad.stop()
        key = ad.env["AGENTDESK_SECRET_KEY_FILE"]
        os.unlink(key)
        rc, out, err = ad.run("rekey")
        # Every extension of the pool (20), the 3 assigned ones with a job.
        assert "20 extension(s) got a new SIP password" in out, (out, err)
        assert "3 rekey job(s) queued" in out, out
        assert os.path.exists(key)
        assert sealed_line(ad).startswith("ok"), sealed_line(ad)
        jobs = ad.sql("SELECT COUNT(*) FROM provisioning_jobs WHERE kind = 'rekey'")
        assert jobs == [(str(len(made)),)], jobs
        # Another wrong key: doctor says so.
        with open(key, "w") as f:
            f.write("ab" * 32 + "\n")
        line = sealed_line(ad)
        assert line.startswith("FAIL") and "cannot be opened with the key file" in line, line
        assert "agentdesk rekey" in line


def test_desk_told_to_register_again(backend):
    """Once FreeSWITCH has an agent's new SIP password (its rekey job
    applied), the agent's own stream says so, without the password, and
    /v1/auth/me gives the new one."""
    with EslFixture() as esl, Agentdesk(backend) as ad:
        token, made = setup(ad, agents=1, env={"AGENTDESK_FS_ESL": esl.address})
        m = made[0]
        agent = ad.login(m["email"], m["temporary_password"])
        status, _, body = ad.request("POST", "/v1/auth/change-password", token=agent, json_body={
            "current_password": m["temporary_password"], "new_password": PASSWORD})
        assert status == 200, body
        stream = open_stream(ad, body["data"]["token"], "me")
        try:
            status, _, body = ad.request("POST", "/v1/admin/extensions/%d/rotate-password"
                                         % m["ext"], token=token)
            assert status == 200, body
            new = body["extension"]["sip_password"]
            assert new != m["sip"]
            e = stream.event()
            while e is not None and e["event"] != "extension.credentials":
                e = stream.event()
            assert e is not None, "the stream ended"
            assert e["json"]["data"] == {"extension_id": m["ext"], "extension": m["number"]}, e
            assert new not in e["data"] and m["sip"] not in e["data"]
            # What the desk then reads: the new password.
            status, _, me = ad.request("GET", "/v1/auth/me", token=ad.login(m["email"], PASSWORD))
            assert status == 200 and me["data"]["extensions"][0]["sip_password"] == new, me
        finally:
            stream.close()


if __name__ == "__main__":
    main()
