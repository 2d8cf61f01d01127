"""An email is a global login, so a tenant admin who creates an agent with
an email some live account holds gets 409 email_taken; the answer says no
more than that: one body whether the account is in the admin's tenant,
another tenant or the platform's staff, and no word of whose it is."""
from agentdesk_harness import Agentdesk, World, main


def test_email_taken_says_no_more(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        admin = w.token("admin")
        bodies = []
        for email in ("admin@a.example", "admin@b.example", w.super["email"]):
            status, _, b = ad.request("POST", "/v1/admin/agents", token=admin, json_body={
                "first_name": "F", "last_name": "L", "email": email.upper()})
            assert status == 409 and b["error"]["code"] == "email_taken", b
            bodies.append(b)
        assert bodies[0] == bodies[1] == bodies[2], bodies
        message = bodies[0]["error"]["message"].lower()
        for word in ("exist", "tenant", "platform", "admin", "user"):
            assert word not in message, message


if __name__ == "__main__":
    main()
