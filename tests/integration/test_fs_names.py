"""Real FreeSWITCH, xml_curl mode: a name never carries FreeSWITCH's
variable syntax into what FreeSWITCH parses. The API refuses "$${…}" and
"${…}" in names; a row that holds them anyway (written before names were
checked) reaches FreeSWITCH as literal text, not as the global variables
FreeSWITCH would put in its place when it reads the document."""
import sqlite3

from agentdesk_harness import FsWorld, fs_main

BACKENDS = ("sqlite",)
HOSTILE = ("$${default_password}", "$${hostname} ${sip_from_user}")


def test_names_reach_freeswitch_as_text(backend):
    with FsWorld(backend) as fw:
        aid, token = fw.new_agent("A", "names@a.example")
        ext, realm, _, _ = fw.me(token)
        fs = fw.fs[0]
        # The API refuses the syntax in either name.
        for field, value in (("first_name", HOSTILE[0]), ("last_name", HOSTILE[1])):
            status, _, b = fw.ad.request("PATCH", "/v1/admin/agents/%d" % aid,
                                         token=fw.admins["A"], json_body={field: value})
            assert status == 400, b
            assert b["error"]["code"] == "validation_failed" and b["error"]["field"] == field, b
        # A row written before the check: FreeSWITCH reads it back as it is.
        db = sqlite3.connect(fw.ad.db[len("sqlite:"):])
        with db:
            db.execute("UPDATE users SET first_name = ?, last_name = ? WHERE id = ?",
                       HOSTILE + (aid,))
        db.close()
        out = fs.esl("user_data %s@%s var effective_caller_id_name" % (ext, realm))
        assert out.strip() == "%s %s" % HOSTILE, out
        # FreeSWITCH does know the variables the name spelled.
        assert fs.esl("global_getvar hostname").strip() not in ("", "$${hostname}")


if __name__ == "__main__":
    fs_main()
