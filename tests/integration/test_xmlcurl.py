"""/freeswitch/xml against the bodies a real FreeSWITCH 1.11.1 sent
(tests/fixtures/freeswitch-1.11/xml_curl), with user, domain and context
swapped in for each case; every answer is parsed as XML."""
import hashlib
import random
import xml.etree.ElementTree as ET

from agentdesk_harness import (Agentdesk, XC_PASSWORD, XC_USER, encode, free_port, is_not_found,
                               load, lookup, main, metric, parse, parse_demo_password,
                               reconciler_rounds, swap, user_of, wait_for)


def setup(ad, env=None):
    _, out, _ = ad.run("demo")
    ad.serve(env=dict({"AGENTDESK_XMLCURL_PASSWORD": XC_PASSWORD}, **(env or {})))
    ad.demo_password = parse_demo_password(out)
    token = ad.login("admin@demo.local", ad.demo_password)
    return token


def create_agent(ad, token, email, first="Jo", last="Doe"):
    status, _, body = ad.request("POST", "/v1/admin/agents", token=token, json_body={
        "first_name": first, "last_name": last, "email": email})
    assert status == 201, body
    ext = body["agent"]["extensions"][0]
    status, _, e = ad.request("GET", "/v1/admin/extensions/%d" % ext["id"], token=token)
    return body["agent"], ext["extension"], e["extension"]["sip_password"]


def test_every_recorded_user_lookup(backend):
    with Agentdesk(backend) as ad:
        token = setup(ad)
        agent, number, password = create_agent(ad, token, "jo@acme.example")
        for name in ("directory-sip-auth-register-udp.form", "directory-sip-auth-register-ws.form",
                     "directory-user-call.form", "directory-user-exists.form"):
            status, headers, text = lookup(ad, encode(swap(load(name), user=number,
                                                           domain="127.0.0.1")))
            assert status == 200 and headers["content-type"].startswith("text/xml"), (name, status)
            doc = parse(text)
            u = user_of(doc)
            assert u is not None, (name, text)
            assert u.get("id") == number and u.get("cacheable") is None
            params = {p.get("name"): p.get("value") for p in u.findall("./params/param")}
            assert params["password"] == password, name
            assert params["vm-password"].isdigit() and params["vm-password"] != number
            variables = {v.get("name"): v.get("value") for v in u.findall("./variables/variable")}
            assert variables == {"tenant_id": "1", "user_context": "tenant_1",
                                 "effective_caller_id_name": "Jo Doe",
                                 "effective_caller_id_number": number,
                                 "agentdesk_voicemail": "false",
                                 "agentdesk_ring_s": "20"}, variables
            assert params["vm-enabled"] == "false"
            dom = doc.find("./section[@name='directory']/domain")
            assert dom.get("name") == "127.0.0.1"
            assert dom.find("./params/param[@name='dial-string']") is not None


def test_a1_hash_and_cacheable(backend):
    with Agentdesk(backend) as ad:
        token = setup(ad, env={"AGENTDESK_XMLCURL_A1HASH": "true",
                               "AGENTDESK_XMLCURL_CACHE_MS": "60000"})
        agent, number, password = create_agent(ad, token, "jo@acme.example")
        _, _, text = lookup(ad, encode(swap(load("directory-sip-auth-register-udp.form"),
                                            user=number, domain="127.0.0.1")))
        u = user_of(parse(text))
        params = {p.get("name"): p.get("value") for p in u.findall("./params/param")}
        # mod_sofia's HA1, tied to the realm; the password itself never leaves.
        a1 = hashlib.md5(("%s:127.0.0.1:%s" % (number, password)).encode()).hexdigest()
        assert params["a1-hash"] == a1 and "password" not in params, params
        assert password not in text
        assert u.get("cacheable") == "60000"


def test_not_found_cases(backend):
    with Agentdesk(backend) as ad:
        token = setup(ad)
        agent, number, _ = create_agent(ad, token, "jo@acme.example")
        reg = load("directory-sip-auth-register-udp.form")
        for user, domain in (("2999", "127.0.0.1"),          # free in the pool
                             ("77777", "127.0.0.1"),         # nobody
                             (number, "other.example.com"),  # another domain
                             ("", "127.0.0.1"), ("x' OR 1=1", "127.0.0.1")):
            status, _, text = lookup(ad, encode(swap(reg, user=user, domain=domain)))
            assert status == 200 and is_not_found(parse(text)), (user, domain, text)
        for name in ("directory-gateways.form", "directory-network-list.form"):
            status, _, text = lookup(ad, encode(load(name)))
            assert status == 200 and is_not_found(parse(text)), name
        # Suspended: gone at once; active again: back.
        ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"], token=token,
                   json_body={"status": "suspended"})
        _, _, text = lookup(ad, encode(swap(reg, user=number, domain="127.0.0.1")))
        assert is_not_found(parse(text))
        ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"], token=token,
                   json_body={"status": "active"})
        _, _, text = lookup(ad, encode(swap(reg, user=number, domain="127.0.0.1")))
        assert user_of(parse(text)) is not None
        # Deleted: gone, and the number is free again.
        ad.request("DELETE", "/v1/admin/agents/%d" % agent["id"], token=token)
        _, _, text = lookup(ad, encode(swap(reg, user=number, domain="127.0.0.1")))
        assert is_not_found(parse(text))


def test_changes_seen_at_once(backend):
    """Lookups answered again and again (the server on SQLite caches the
    rows) still see each change on the very next lookup."""
    with Agentdesk(backend) as ad:
        token = setup(ad)
        agent, number, password = create_agent(ad, token, "jo@acme.example")
        reg = encode(swap(load("directory-sip-auth-register-udp.form"), user=number,
                          domain="127.0.0.1"))

        def params():
            for _ in range(3):
                _, _, text = lookup(ad, reg)
            user = user_of(parse(text))
            if user is None:
                return None
            found = {p.get("name"): p.get("value") for p in user.findall("./params/param")}
            found.update({v.get("name"): v.get("value") for v in user.findall("./variables/variable")})
            return found

        assert params()["password"] == password
        ext_id = agent["extensions"][0]["id"]
        status, _, body = ad.request("POST", "/v1/admin/extensions/%d/rotate-password" % ext_id,
                                     token=token)
        assert status == 200, body
        assert params()["password"] == body["extension"]["sip_password"] != password
        ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"], token=token,
                   json_body={"first_name": "Renamed"})
        assert params()["effective_caller_id_name"] == "Renamed Doe"
        ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"], token=token,
                   json_body={"status": "suspended"})
        assert params() is None
        ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"], token=token,
                   json_body={"status": "active"})
        assert params() is not None
        root_email = "root@platform.example"
        ad.run_json("user", "create", "--email", root_email, "--password", "root password 1",
                    "--role", "superadmin")
        root = ad.login(root_email, "root password 1")
        status, _, body = ad.request("GET", "/v1/admin/tenants", token=root)
        tid = body["tenants"][0]["id"]
        ad.request("PATCH", "/v1/admin/tenants/%d" % tid, token=root,
                   json_body={"sip_domain": "new.example.com"})
        assert params() is None  # 127.0.0.1 is no longer its domain
        ad.request("DELETE", "/v1/admin/agents/%d" % agent["id"], token=token)
        ad.request("PATCH", "/v1/admin/tenants/%d" % tid, token=root, json_body={"sip_domain": None})
        assert params() is None


def cache_hits(ad):
    _, text = ad.metrics()
    for line in text.splitlines() if isinstance(text, str) else text.decode().splitlines():
        if line.startswith('agentdesk_directory_cache_lookups_total{result="hit"}'):
            return int(line.split()[-1])
    return 0


def test_nodes_hear_each_others_changes(backend):
    """The directory cache of one node forgets a row as soon as another
    node changes it: on PostgreSQL through the change notifications, on
    SQLite through the file's data_version, the other writer there being
    a process that writes the file directly.
    The first node keeps rows for ten minutes (AGENTDESK_DIRECTORY_CACHE_MS)
    and writes nothing itself (the other node leads the reconciler, which
    records the jobs' outcomes), so only a notification can make it forget
    a row within the test."""
    env = {"AGENTDESK_XMLCURL_PASSWORD": XC_PASSWORD, "AGENTDESK_DIRECTORY_CACHE_MS": "600000"}
    with Agentdesk(backend) as ad:
        token = setup(ad, env=env)
        agent, number, _ = create_agent(ad, token, "jo@acme.example")
        reg = encode(swap(load("directory-sip-auth-register-udp.form"), user=number,
                          domain="127.0.0.1"))

        def found(node):
            _, _, text = lookup(ad, reg, port=node.port)
            return user_of(parse(text)) is not None

        def cached(want):
            """The row is in the first node's cache, showing want."""
            hits = cache_hits(ad)
            return found(ad) is want and cache_hits(ad) > hits

        # The cache serves (on PostgreSQL once the node has subscribed).
        wait_for(lambda: cached(True), timeout=5, what="the directory cache to serve")
        if backend != "postgres":
            # Another process writes the file (as a command line would):
            # heard through SQLite's data_version.
            import sqlite3
            db = sqlite3.connect(ad.db[len("sqlite:"):], timeout=10)
            try:
                for status, want in (("suspended", False), ("active", True)):
                    wait_for(lambda: cached(not want), timeout=5,
                             what="the row in the node's cache")
                    db.execute("UPDATE users SET status = ? WHERE id = ?", (status, agent["id"]))
                    db.commit()
                    wait_for(lambda: found(ad) is want, timeout=10,
                             what="the node to hear of %s" % status)
            finally:
                db.close()
            return
        other = ad.sibling()
        ad.stop()
        other.serve(env={"AGENTDESK_XMLCURL_PASSWORD": XC_PASSWORD})
        try:
            wait_for(lambda: metric(other, "agentdesk_reconciler_leader") == 1, timeout=10,
                     what="the second node to lead the reconciler")
            ad.serve(env=env)
            reconciler_rounds(ad)
            assert metric(ad, "agentdesk_reconciler_leader") == 0
            b_token = other.login("admin@demo.local", ad.demo_password)
            for status, want in (("suspended", False), ("active", True)):
                wait_for(lambda: cached(not want), timeout=5,
                         what="the row in the first node's cache")
                s, _, body = other.request("PATCH", "/v1/admin/agents/%d" % agent["id"],
                                           token=b_token, json_body={"status": status})
                assert s == 200, body
                wait_for(lambda: found(ad) is want, timeout=10,
                         what="the first node to hear of %s" % status)
        finally:
            other.stop()


def test_dialplan_context(backend):
    with Agentdesk(backend) as ad:
        setup(ad)
        dp = load("dialplan-tenant-context.form")
        status, _, text = lookup(ad, encode(swap(dp, context="tenant_1")))
        doc = parse(text)
        ctx = doc.find("./section[@name='dialplan']/context")
        assert status == 200 and ctx is not None and ctx.get("name") == "tenant_1", text
        cond = ctx.find("./extension[@name='tenant_1_internal']/condition")
        assert cond.get("field") == "destination_number"
        assert cond.get("expression") == "^(2[0-9]\\d{2})$", cond.get("expression")
        assert cond.find("./action[@application='bridge']").get("data") == "user/$1@${domain_name}"
        # transfers (REFER) from these calls stay in the tenant: the exports come before the bridge
        assert [(a.get("application"), a.get("data")) for a in cond.findall("./action")] == [
            ("export", "force_transfer_context=tenant_1"), ("export", "domain_name=${domain_name}"),
            ("set", "call_timeout=${user_data($1@${domain_name} var agentdesk_ring_s)}"),
            ("set", "continue_on_fail=${user_data($1@${domain_name} var agentdesk_voicemail)}"),
            ("set", "hangup_after_bridge=true"),
            ("bridge", "user/$1@${domain_name}"), ("answer", None),
            ("voicemail", "agentdesk ${domain_name} $1"), ("hangup", "NORMAL_CLEARING")]
        box = ctx.find("./extension[@name='voicemail_box']/condition")
        assert box.get("expression") == "^\\*98(2[0-9]\\d{2})$", box.get("expression")
        echo = ctx.find("./extension[@name='echo']/condition")
        assert echo.get("expression") == "^9196$"
        for context in ("default", "public", "tenant_999", "tenant_", "tenant_1x"):
            _, _, text = lookup(ad, encode(swap(dp, context=context)))
            assert is_not_found(parse(text)), context


def test_auth_and_allow_list(backend):
    with Agentdesk(backend) as ad:
        setup(ad)
        body = encode(load("directory-user-exists.form"))
        assert lookup(ad, body, auth=None)[0] == 401
        assert lookup(ad, body, auth=(XC_USER, "wrong"))[0] == 401
        assert lookup(ad, body, auth=("someone", XC_PASSWORD))[0] == 401
        assert lookup(ad, body)[0] == 200
        ad.stop()
        ad.serve(env={"AGENTDESK_XMLCURL_PASSWORD": XC_PASSWORD,
                      "AGENTDESK_XMLCURL_ALLOW": "203.0.113.0/24"})
        assert lookup(ad, body)[0] == 403
        ad.stop()
        ad.serve()  # no password configured: every lookup refused
        assert lookup(ad, body)[0] == 401


def test_field_order_encoding_and_escaping(backend):
    with Agentdesk(backend) as ad:
        token = setup(ad, env={"AGENTDESK_XMLCURL_CACHE_MS": "60000"})
        hostile = '"/><param name="password" value="x'
        _, number, password = create_agent(ad, token, "h@acme.example", first=hostile,
                                           last="Ünïcødé & <Co>")
        pairs = swap(load("directory-sip-auth-register-ws.form"), user=number, domain="127.0.0.1")
        random.Random(7).shuffle(pairs)
        _, _, text = lookup(ad, encode(pairs))
        u = user_of(parse(text))
        assert u is not None and u.get("cacheable") == "60000", text
        names = [p.get("name") for p in u.findall("./params/param")]
        assert names.count("password") == 1
        variables = {v.get("name"): v.get("value") for v in u.findall("./variables/variable")}
        assert variables["effective_caller_id_name"] == hostile + " Ünïcødé & <Co>"
        # Percent-encoded values are decoded: %32 is "2".
        enc = "".join("%%%02X" % ord(c) for c in number)
        body = ("hostname=fs1&section=directory&tag_name=domain&key_name=name&key_value=127.0.0.1"
                "&action=sip_auth&user=%s&domain=127%%2E0%%2E0%%2E1" % enc).encode()
        _, _, text = lookup(ad, body)
        assert user_of(parse(text)).get("id") == number


def test_own_listener(backend):
    with Agentdesk(backend) as ad:
        fs_port = free_port()
        setup(ad, env={"AGENTDESK_FS_LISTEN": "127.0.0.1:%d" % fs_port})
        body = encode(load("directory-user-exists.form"))
        status, _, _ = lookup(ad, body)
        assert status == 404  # not on the main listener
        status, _, text = lookup(ad, body, port=fs_port)
        assert status == 200 and is_not_found(parse(text))


def test_freeswitch_config_command(backend):
    with Agentdesk(backend) as ad:
        rc, out, err = ad.run("freeswitch", "config", db=False,
                              env={"AGENTDESK_XMLCURL_PASSWORD": XC_PASSWORD,
                                   "AGENTDESK_FS_LISTEN": "127.0.0.1:8099",
                                   "AGENTDESK_CARRIER_ADDRESSES": "127.0.0.2,198.51.100.0/24"})
        binding = ET.fromstring(out.split("-->", 1)[1])
        params = {p.get("name"): p for p in binding.findall("param")}
        assert params["gateway-url"].get("value") == "http://127.0.0.1:8099/freeswitch/xml"
        # configuration: mod_callcenter's queues (docs/freeswitch.md, "Queues")
        assert params["gateway-url"].get("bindings") == "directory|dialplan|configuration"
        assert params["gateway-credentials"].get("value") == "%s:%s" % (XC_USER, XC_PASSWORD)
        assert params["auth-scheme"].get("value") == "basic"
        # every configuration file asks agentdesk at start: a short timeout, its cost said
        assert params["timeout"].get("value") == "2"
        assert "mod_callcenter" in err and "every configuration file" in err, err
        assert "voicemail.conf with its own profile" in err, err
        # the carriers' addresses go into the inbound ACL, a bare address as /32
        assert '<node type="allow" cidr="127.0.0.2/32"/>' in err, err
        assert '<node type="allow" cidr="198.51.100.0/24"/>' in err, err
        assert "1000-1019" in err and "ClueCon" in err
        # mod_xml_curl reads bindings only when it loads (real FreeSWITCH: test_fs_*).
        assert "reload mod_xml_curl" in err and "force-register-domain" in err, err
        # files mode: no binding; the include of the queue files instead
        rc, out, err = ad.run("freeswitch", "config", db=False,
                              env={"AGENTDESK_XMLCURL_PASSWORD": XC_PASSWORD,
                                   "AGENTDESK_FS_MODE": "files", "AGENTDESK_FS_CONF_DIR": "/tmp"})
        assert rc == 0 and "<binding" not in out, out
        assert '<X-PRE-PROCESS cmd="include" data="$${conf_dir}/callcenter/*.xml"/>' in out, out
        assert '<X-PRE-PROCESS cmd="include" data="$${conf_dir}/voicemail/*.xml"/>' in out, out


if __name__ == "__main__":
    main()
