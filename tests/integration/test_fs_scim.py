"""Real FreeSWITCH, xml_curl mode: the identity provider's deprovisioning
end to end (issue 21). A user that SCIM created registers its extension
over WebSocket; Entra ID's PATCH active "False" drops the registration
from `sofia status profile internal reg` within 2 s (the time it took is
printed), the SIP password is refused after it, and so are the user's
session and its login. Reactivation (Okta's replace on active true) lets
it register again. (The desk in Chromium is not driven here.)"""
import json

from agentdesk_harness import PASSWORD, FsWorld, fs_main

# The suspension it drives is the portal's, whose store writes
# test_scim.py runs on both backends; FreeSWITCH's side is the same on
# either, so one backend keeps CI's time.
BACKENDS = ("sqlite",)
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
EMAIL = "leaver@a.example"


def scim(fw, method, path, token, body):
    status, _, b = fw.ad.request(method, "/scim/v2" + path, token=token,
                                 body=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/scim+json"})
    return status, json.loads(b)


def test_scim_deactivation_cuts_registration(backend):
    with FsWorld(backend) as fw:
        admin = fw.admins["A"]
        status, _, b = fw.ad.request("POST", "/v1/admin/scim/tokens", token=admin,
                                     json_body={"name": "Entra"})
        assert status == 201, b
        token = b["token"]
        status, b = scim(fw, "POST", "/Users", token, {
            "schemas": [USER], "userName": EMAIL, "externalId": "leaver-1", "active": True,
            "name": {"givenName": "Lea", "familyName": "Ver"}})
        assert status == 201, b
        uid = b["id"]
        # mail is off: the admin resets the password, the agent sets its own
        status, _, b = fw.ad.request("POST", "/v1/admin/agents/%s/reset-password" % uid,
                                     token=admin)
        assert status == 200, b
        session = fw.ad.login(EMAIL, b["temporary_password"])
        status, _, b = fw.ad.request("POST", "/v1/auth/change-password", token=session,
                                     json_body={"current_password": b["temporary_password"],
                                                "new_password": PASSWORD})
        assert status == 200, b
        session = b["data"]["token"]
        creds = fw.me(session)
        user = "%s@%s" % (creds[0], creds[1])
        fw.settle()
        with fw.ua("ws", creds) as ua:
            assert ua.register() == 200, ua.last
            assert user in fw.fs[0].registrations()
            status, b = scim(fw, "PATCH", "/Users/" + uid, token, {
                "schemas": [PATCH_OP],
                "Operations": [{"op": "Replace", "path": "active", "value": "False"}]})
            assert status == 200 and b["active"] is False, b
            took = fw.wait_unregistered(user, timeout=2)
            print("scim active=false: registration gone after %.2fs" % took, flush=True)
            assert ua.register() == 403, ua.last
        assert fw.ad.request("GET", "/v1/auth/me", token=session)[0] == 401
        status, _, b = fw.ad.request("POST", "/v1/auth/login",
                                     json_body={"email": EMAIL, "password": PASSWORD})
        assert status in (401, 403), (status, b)
        # reactivated: the same SIP password registers again
        status, b = scim(fw, "PATCH", "/Users/" + uid, token, {
            "schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": True}}]})
        assert status == 200 and b["active"] is True, b
        fw.settle()
        with fw.ua("ws", creds) as ua:
            assert ua.register() == 200, ua.last


if __name__ == "__main__":
    fs_main()
