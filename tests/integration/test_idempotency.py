"""Idempotency-Key on POST /v1/admin/agents (issue 22, Decision): a retry
with the same key and body gets the first answer (status and body, the
temporary password included) and creates nothing; the same key with
another body is 422 idempotency_key_reused; keys are the user's own; the
saved answer is sealed and expires."""
import threading

from agentdesk_harness import Agentdesk, main

PASSWORD = "correct horse battery"


def setup(ad):
    t = ad.run_json("tenant", "create", "--name", "Idem", "--pool-base", "10000",
                    "--pool-size", "20")
    for who in ("a", "b"):
        ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "%s@i.example" % who,
                    "--password", PASSWORD, "--role", "admin")
    ad.serve()
    return ad.login("a@i.example", PASSWORD), ad.login("b@i.example", PASSWORD)


def create(ad, token, body, key=None):
    return ad.request("POST", "/v1/admin/agents", token=token, json_body=body,
                      headers={"Idempotency-Key": key} if key is not None else None)


def users(ad, email):
    return int(ad.sql("SELECT COUNT(*) FROM users WHERE email = '%s'" % email)[0][0])


def test_retry_gets_the_first_answer(backend):
    with Agentdesk(backend) as ad:
        a, b = setup(ad)
        body = {"first_name": "Ida", "last_name": "Em", "email": "ida@i.example"}
        s1, h1, first = create(ad, a, body, key="k-1")
        assert s1 == 201 and first["temporary_password"], first
        s2, h2, again = create(ad, a, body, key="k-1")
        assert (s2, again) == (201, first), again
        assert h2["content-type"].startswith("application/json")
        assert users(ad, "ida@i.example") == 1
        # The answer is kept sealed: the temporary password is not in the row.
        [(sealed,)] = ad.sql("SELECT body FROM idempotency_keys")
        assert sealed.startswith("v1:") and first["temporary_password"] not in sealed
        assert "ida@i.example" not in sealed
        # The same key with another body: refused, nothing written.
        other = dict(body, email="other@i.example")
        s, _, err = create(ad, a, other, key="k-1")
        assert s == 422 and err["error"]["code"] == "idempotency_key_reused", err
        assert err["error"]["field"] == "Idempotency-Key"
        assert users(ad, "other@i.example") == 0
        # Another user's key of the same name is another key: this one runs.
        s, _, err = create(ad, b, body, key="k-1")
        assert s == 409 and err["error"]["code"] == "email_taken", err
        # Without the header, a retry is a second create.
        s, _, err = create(ad, a, body)
        assert s == 409 and err["error"]["code"] == "email_taken", err
        # Keys that are no keys.
        for bad in ("", "x" * 256, "two words", "caf\u00e9"):
            s, _, err = ad.request("POST", "/v1/admin/agents", token=a, json_body=other,
                                   headers={"Idempotency-Key": bad.encode().decode("latin-1")})
            assert s == 400 and err["error"]["field"] == "Idempotency-Key", (bad, s, err)
        assert users(ad, "other@i.example") == 0
        # Expired: the key is forgotten and the request runs again.
        ad.sql("UPDATE idempotency_keys SET expires_at = 0")
        s, _, err = create(ad, a, body, key="k-1")
        assert s == 409 and err["error"]["code"] == "email_taken", err


def test_twins_at_once_get_one_answer(backend):
    with Agentdesk(backend) as ad:
        a, _ = setup(ad)
        body = {"first_name": "Tw", "last_name": "In", "email": "twin@i.example"}
        answers = [None] * 4

        def send(i):
            answers[i] = create(ad, a, body, key="twin")
        threads = [threading.Thread(target=send, args=(i,)) for i in range(len(answers))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(s == 201 for s, _, _ in answers), [(s, b) for s, _, b in answers]
        assert all(b == answers[0][2] for _, _, b in answers), answers
        assert users(ad, "twin@i.example") == 1


if __name__ == "__main__":
    main()
