"""The password policy where people set passwords: change-password and
the command line (set-password runs the same check) refuse the passwords
attackers try first (a commonly used one, one character repeated, a run
like 1234567890); a passphrase passes."""
from agentdesk_harness import PASSWORD, Agentdesk, World, main

WEAK = ("1234567890", " " * 10, "qwertyuiop", "password123", "aaaaaaaaaaaa")


def test_weak_passwords_refused(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        token = w.token("admin")
        for weak in WEAK:
            status, _, b = ad.request("POST", "/v1/auth/change-password", token=token, json_body={
                "current_password": PASSWORD, "new_password": weak})
            assert status == 400, (weak, b)
            assert b["error"]["code"] == "validation_failed", b
            assert b["error"]["field"] == "new_password", b
            rc, _, err = ad.run("user", "create", "--email", "weak@platform.example",
                                "--password", weak, "--role", "superadmin", check=False)
            assert rc != 0 and "password" in err, (weak, err)
        status, _, b = ad.request("POST", "/v1/auth/change-password", token=token, json_body={
            "current_password": PASSWORD, "new_password": "a fine new pass phrase"})
        assert status == 200, b


if __name__ == "__main__":
    main()
