"""The push modes' side: a FreeSWITCH conf dir as a node would read it
(with files of the site's own that agentdesk must never touch), and
readers of the user and context files agentdesk writes there."""
import os
import xml.etree.ElementTree as ET

MARKER = "<!-- agentdesk: managed file; agentdesk rewrites and removes it -->"
FOREIGN_USER = '<include><user id="1000"><params><param name="password" value="1234"/></params></user></include>\n'


def conf_dir(ad):
    conf = os.path.join(ad.tmpdir, "conf")
    os.makedirs(os.path.join(conf, "directory", "default"))
    os.makedirs(os.path.join(conf, "dialplan"))
    # What the site had before us: never touched.
    with open(os.path.join(conf, "directory", "default", "1000.xml"), "w") as f:
        f.write(FOREIGN_USER)
    with open(os.path.join(conf, "dialplan", "default.xml"), "w") as f:
        f.write("<include><context name=\"default\"/></include>\n")
    return conf


def files_env(conf, **more):
    e = {"AGENTDESK_FS_MODE": "files", "AGENTDESK_FS_CONF_DIR": conf}
    e.update(more)
    return e


def user_file(conf, ext):
    path = os.path.join(conf, "directory", "default", "%s.xml" % ext)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        text = f.read()
    assert text.startswith(MARKER + "\n"), text
    user = ET.fromstring(text[len(MARKER):]).find("user")
    assert user.get("id") == ext
    return {"params": {p.get("name"): p.get("value") for p in user.findall("./params/param")},
            "variables": {v.get("name"): v.get("value") for v in user.findall("./variables/variable")},
            "mode": os.stat(path).st_mode & 0o777}


def contexts(conf):
    out = {}
    plan = os.path.join(conf, "dialplan")
    for name in sorted(os.listdir(plan)):
        with open(os.path.join(plan, name)) as f:
            text = f.read()
        if text.startswith(MARKER):
            ctx = ET.fromstring(text[len(MARKER):]).find("context")
            out[name] = ctx.get("name")
    return out


def user_files(conf):
    d = os.path.join(conf, "directory", "default")
    return sorted(n[:-4] for n in os.listdir(d) if n.endswith(".xml") and n != "1000.xml")


def sip_password(w, ext_id):
    status, _, body = w.ad.request("GET", "/v1/admin/extensions/%d" % ext_id, token=w.admin)
    return body["extension"]["sip_password"]
