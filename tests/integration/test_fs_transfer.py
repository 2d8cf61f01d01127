"""Real FreeSWITCH, xml_curl mode: moving an extension to another agent
(POST /v1/admin/extensions/:id/transfer) cuts the old holder's live
registration (gone from `sofia status profile internal reg`; the time it
took is printed, and its contact gets the NOTIFY check-sync the desk relies
on), the old holder's SIP password is refused afterwards, and the new
holder registers the same number with the password its /v1/auth/me gives."""
from agentdesk_harness import FsWorld, fs_main

# The store plays no part in the cut: test_extension_transfer.py runs the
# move on both backends.
BACKENDS = ("sqlite",)


def test_transfer_cuts_and_new_holder_registers(backend):
    with FsWorld(backend) as fw:
        _, old_token = fw.new_agent("A", "old@a.example")
        new_id, new_token = fw.new_agent("A", "new@a.example")
        creds = fw.me(old_token)
        ext, realm, password, ws = creds
        user = "%s@%s" % (ext, realm)
        _, _, b = fw.ad.request("GET", "/v1/auth/me", token=old_token)
        ext_id = b["data"]["extensions"][0]["id"]
        fw.settle()

        with fw.ua("ws", creds) as ua:
            assert ua.register() == 200, ua.last
            assert user in fw.fs[0].registrations()
            status, _, b = fw.ad.request("POST", "/v1/admin/extensions/%d/transfer" % ext_id,
                                         token=fw.admins["A"], json_body={"to_agent_id": new_id})
            assert status == 200, b
            took = fw.wait_unregistered(user)
            print("transfer: the old holder's registration gone after %.2fs" % took, flush=True)
            msg = ua.wait_request("NOTIFY", timeout=20,
                                  pred=lambda m: m.get("event", "").startswith("check-sync"))
            assert msg is not None, "no NOTIFY check-sync; got %r" % ua.requests
            assert ua.register() == 403, ua.last
        _, _, b = fw.ad.request("GET", "/v1/auth/me", token=new_token)
        moved = [x for x in b["data"]["extensions"] if x["extension"] == ext]
        assert len(moved) == 1 and moved[0]["sip_password"] != password, b
        fw.settle()
        with fw.ua("ws", (ext, realm, moved[0]["sip_password"], ws)) as ua:
            assert ua.register() == 200, ua.last
            assert user in fw.fs[0].registrations()


if __name__ == "__main__":
    fs_main()
