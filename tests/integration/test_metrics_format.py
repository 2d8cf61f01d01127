"""/metrics in the Prometheus text format, checked by a real parser:
Debian's `promtool check metrics` (package prometheus) reads a scrape
taken after every kind of request and event this suite can cause cheaply
(logins good and bad, agents created, edited and deleted, extension
operations, /freeswitch/xml lookups found, not found and refused, 404s,
provisioning jobs done and failing, mail sent, throttles refusing). Each
series of the families in the scrape is then present with samples, so a
family another branch adds is checked as soon as its events happen here.

promtool 2.42 lets two rules of the format pass that Prometheus's
OpenMetrics parser does not: a family's samples in one group after its
HELP and TYPE lines, and no series twice. grouped() checks those.
promtool and grouped() are first shown a copy with a TYPE line doubled, a
family split and a series repeated: a checker that passes those would
pass anything."""
import re
import shutil
import subprocess

from agentdesk_harness import (XC_PASSWORD, XC_USER, Agentdesk, EslFixture, SmtpServer, encode,
                               free_port, load, lookup, main, parse_demo_password, swap,
                               wait_for)

PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"


def promtool(text):
    """promtool check metrics on text: (exit code, what it printed)."""
    p = subprocess.run([PROMTOOL, "check", "metrics"], input=text, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=60)
    return p.returncode, p.stdout


def assert_valid(text, when):
    rc, out = promtool(text)
    assert rc == 0, "promtool check metrics refused the scrape %s:\n%s\n--- scrape:\n%s" % (
        when, out, text)
    problems = grouped(text)
    assert not problems, "the scrape %s breaks the format: %s\n--- scrape:\n%s" % (
        when, problems, text)


def assert_checkers_refuse_bad_text(text):
    """The same scrape with its first TYPE line written twice (promtool),
    its last sample moved before the first family's (grouped) and a sample
    written twice (grouped)."""
    lines = text.splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.startswith("# TYPE "))
    rc, out = promtool("".join(lines[:first + 1] + [lines[first]] + lines[first + 1:]))
    assert rc != 0, "promtool accepted a doubled TYPE line: " + out
    last = max(i for i, line in enumerate(lines) if not line.startswith("#"))
    assert grouped("".join(lines[:first + 1] + [lines[last]] + lines[first + 1:last])), \
        "grouped() accepted a family split in two"
    assert grouped("".join(lines + [lines[last]])), "grouped() accepted a series twice"


HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def grouped(text):
    """What breaks the grouping rules (empty when none): a sample before
    its family's TYPE line or after another family's group began, a
    series written twice."""
    types, done, seen, problems = {}, set(), set(), []
    current = None
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
            if current:
                done.add(current)
            current = name
            continue
        if not line or line.startswith("#"):
            continue
        series = line.rsplit(" ", 1)[0]
        name = series.split("{", 1)[0]
        family = name
        for suffix in HISTOGRAM_SUFFIXES:
            base = name[:-len(suffix)]
            if name.endswith(suffix) and types.get(base) in ("histogram", "summary"):
                family = base
        if family != current:
            problems.append("line %d: %s outside its family's group" % (n, name))
        if family in done:
            problems.append("line %d: %s after its group ended" % (n, family))
        if series in seen:
            problems.append("line %d: %s twice" % (n, series))
        seen.add(series)
    return problems


def families(text):
    return {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")}


def exercise(ad, token, smtp):
    """Every kind of request and event the server can be made to see here."""
    # Logins: good, bad password, unknown email, a malformed body.
    assert ad.login("admin@demo.local", ad.demo_password)
    for body in ({"email": "admin@demo.local", "password": "wrong"},
                 {"email": "nobody@demo.local", "password": "wrong"}):
        assert ad.request("POST", "/v1/auth/login", json_body=body)[0] == 401
    assert ad.request("POST", "/v1/auth/login", body=b"{", headers={
        "Content-Type": "application/json"})[0] == 400
    # Agents: created (a provisioning job and an invitation), read, edited, deleted.
    status, _, b = ad.request("POST", "/v1/admin/agents", token=token, json_body={
        "first_name": "Jo", "last_name": "Doe", "email": "jo@demo.example"})
    assert status == 201, b
    agent_id, ext = b["agent"]["id"], b["agent"]["extensions"][0]
    assert ad.request("GET", "/v1/admin/agents", token=token)[0] == 200
    assert ad.request("GET", "/v1/admin/agents/%d" % agent_id, token=token)[0] == 200
    status, _, b = ad.request("PATCH", "/v1/admin/agents/%d" % agent_id, token=token,
                              json_body={"first_name": "Joan"})
    assert status == 200, b
    assert ad.request("PATCH", "/v1/admin/agents/%d" % agent_id, token=token,
                      json_body={"role": "nobody"})[0] == 400
    # Extensions: listed, read, edited, secret rotated.
    assert ad.request("GET", "/v1/admin/extensions", token=token)[0] == 200
    assert ad.request("GET", "/v1/admin/extensions/%d" % ext["id"], token=token)[0] == 200
    assert ad.request("PATCH", "/v1/admin/extensions/%d" % ext["id"], token=token,
                      json_body={"voicemail_enabled": False})[0] == 200
    assert ad.request("POST", "/v1/admin/extensions/%d/rotate-password" % ext["id"],
                      token=token)[0] == 200
    # /freeswitch/xml: a user found, one not found, a dialplan, bad credentials.
    for user in (ext["extension"], "1999999"):
        status, _, _ = lookup(ad, encode(swap(load("directory-sip-auth-register-udp.form"),
                                              user=user, domain="127.0.0.1")))
        assert status == 200
    assert lookup(ad, encode(load("dialplan-tenant-context.form")))[0] == 200
    assert lookup(ad, encode(load("directory-user-exists.form")),
                  auth=(XC_USER, "wrong"))[0] == 401
    # 404s: an unknown API route, an unknown agent, no token.
    assert ad.request("GET", "/v1/nothing-here", token=token)[0] == 404
    assert ad.request("GET", "/v1/admin/agents/999999", token=token)[0] == 404
    assert ad.request("GET", "/v1/admin/agents")[0] == 401
    # Mail: a reset link for a known email, sent.
    assert ad.request("POST", "/v1/auth/forgot-password",
                      json_body={"email": "admin@demo.local"})[0] == 202
    wait_for(lambda: smtp.to("admin@demo.local"), timeout=30, what="the reset mail")
    status, _, b = ad.request("DELETE", "/v1/admin/agents/%d" % agent_id, token=token)
    assert status in (200, 204), b


def test_scrape_passes_promtool(backend):
    with Agentdesk(backend) as ad, EslFixture() as fs, SmtpServer() as smtp:
        _, out, _ = ad.run("demo")
        ad.demo_password = parse_demo_password(out)
        env = smtp.env(AGENTDESK_XMLCURL_PASSWORD=XC_PASSWORD, AGENTDESK_FS_ESL=fs.address,
                       AGENTDESK_FS_RETRY_BASE="1", AGENTDESK_METRICS_TENANTS="true")
        ad.serve(env=env)
        token = ad.login("admin@demo.local", ad.demo_password)
        _, text = ad.metrics()
        assert_valid(text, "at start")
        assert_checkers_refuse_bad_text(text)

        exercise(ad, token, smtp)
        # The jobs done by the Event Socket fixture, then one failing
        # against a node that refuses: pending, with an age.
        wait_for(lambda: 'agentdesk_provisioning_jobs{state="pending"} 0' in ad.metrics()[1],
                 what="the jobs done")
        assert_valid(ad.metrics()[1], "after the jobs are done")
        ad.stop()
        ad.serve(env=dict(env, AGENTDESK_FS_ESL="127.0.0.1:%d" % free_port()))
        token = ad.login("admin@demo.local", ad.demo_password)
        exercise(ad, token, smtp)
        # Throttles: the same address guessing until refused.
        for _ in range(12):
            ad.request("POST", "/v1/auth/login", json_body={"email": "admin@demo.local",
                                                            "password": "wrong"})
        status, text = ad.metrics()
        assert status == 200
        assert_valid(text, "after every kind of request and event")
        assert {"agentdesk_http_requests_total", "agentdesk_pool_extensions",
                "agentdesk_mail_messages_total", "agentdesk_provisioning_jobs",
                "agentdesk_provisioning_oldest_pending_seconds"} <= families(text), families(text)
        # The jobs the refusing node keeps pending are counted.
        assert re.search(r'^agentdesk_provisioning_jobs\{state="pending"\} [1-9]', text, re.M), text


if __name__ == "__main__":
    main()
