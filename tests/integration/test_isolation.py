"""The tenant-isolation matrix: every route the server registers, for every
kind of caller, on an object of the caller's tenant (A) and of another
tenant (B). The expected status of each cell is written out below.
Callers: superadmin (acting in A with ?tenant_id=), admin, supervisor and
agent of A, an agent of A still on its temporary password, and no token."""
import subprocess

from agentdesk_harness import Agentdesk, BIN, PASSWORD, World, main


ROLES = ("superadmin", "admin", "supervisor", "agent", "temp", "none")

# route -> {role: (status on own-tenant object, status on other-tenant object)}
# Routes without an object have the same status in both columns.
MATRIX = {
    ("GET", "/v1/auth/me"):
        dict(superadmin=(200, 200), admin=(200, 200), supervisor=(200, 200), agent=(200, 200),
             temp=(403, 403), none=(401, 401)),
    ("POST", "/v1/auth/change-password"):  # wrong current password in the body
        dict(superadmin=(400, 400), admin=(400, 400), supervisor=(400, 400), agent=(400, 400),
             temp=(400, 400), none=(401, 401)),
    ("POST", "/v1/auth/logout"):
        dict(superadmin=(200, 200), admin=(200, 200), supervisor=(200, 200), agent=(200, 200),
             temp=(200, 200), none=(401, 401)),
    ("POST", "/v1/auth/refresh"):  # spends the token, like logout; temp must change first
        dict(superadmin=(200, 200), admin=(200, 200), supervisor=(200, 200), agent=(200, 200),
             temp=(403, 403), none=(401, 401)),
    ("POST", "/v1/auth/login"):  # public; the body logs in as admin of A
        dict(superadmin=(200, 200), admin=(200, 200), supervisor=(200, 200), agent=(200, 200),
             temp=(200, 200), none=(200, 200)),
    ("GET", "/healthz"):
        dict(superadmin=(200, 200), admin=(200, 200), supervisor=(200, 200), agent=(200, 200),
             temp=(200, 200), none=(200, 200)),
    ("GET", "/readyz"):
        dict(superadmin=(200, 200), admin=(200, 200), supervisor=(200, 200), agent=(200, 200),
             temp=(200, 200), none=(200, 200)),
    ("GET", "/metrics"):  # on its own listener only (test_metrics_access.py), for any token
        dict(superadmin=(404, 404), admin=(404, 404), supervisor=(404, 404), agent=(404, 404),
             temp=(404, 404), none=(404, 404)),
    ("POST", "/freeswitch/xml"):  # a bearer token is not mod_xml_curl's basic auth
        dict(superadmin=(401, 401), admin=(401, 401), supervisor=(401, 401), agent=(401, 401),
             temp=(401, 401), none=(401, 401)),
    ("POST", "/v1/admin/tenants"):
        dict(superadmin=(201, 201), admin=(403, 403), supervisor=(403, 403), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("GET", "/v1/admin/tenants"):
        dict(superadmin=(200, 200), admin=(403, 403), supervisor=(403, 403), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("GET", "/v1/admin/tenants/:id"):
        dict(superadmin=(200, 200), admin=(403, 403), supervisor=(403, 403), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("PATCH", "/v1/admin/tenants/:id"):
        dict(superadmin=(200, 200), admin=(403, 403), supervisor=(403, 403), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("GET", "/v1/admin/agents"):
        dict(superadmin=(200, 200), admin=(200, 200), supervisor=(200, 200), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("POST", "/v1/admin/agents"):
        dict(superadmin=(201, 201), admin=(201, 201), supervisor=(403, 403), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("GET", "/v1/admin/agents/:id"):
        dict(superadmin=(200, 404), admin=(200, 404), supervisor=(200, 404), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("PATCH", "/v1/admin/agents/:id"):
        dict(superadmin=(200, 404), admin=(200, 404), supervisor=(403, 403), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("DELETE", "/v1/admin/agents/:id"):
        dict(superadmin=(200, 404), admin=(200, 404), supervisor=(403, 403), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("POST", "/v1/admin/agents/:id/invite"):  # mail is off in this world
        dict(superadmin=(409, 404), admin=(409, 404), supervisor=(403, 403), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("POST", "/v1/auth/tokens/inspect"):  # public; no such link
        dict(superadmin=(400, 400), admin=(400, 400), supervisor=(400, 400), agent=(400, 400),
             temp=(400, 400), none=(400, 400)),
    ("POST", "/v1/auth/set-password"):  # public; no such link
        dict(superadmin=(400, 400), admin=(400, 400), supervisor=(400, 400), agent=(400, 400),
             temp=(400, 400), none=(400, 400)),
    ("POST", "/v1/auth/forgot-password"):  # public; always the same answer
        dict(superadmin=(202, 202), admin=(202, 202), supervisor=(202, 202), agent=(202, 202),
             temp=(202, 202), none=(202, 202)),
    ("POST", "/v1/admin/agents/:id/reset-password"):
        dict(superadmin=(200, 404), admin=(200, 404), supervisor=(403, 403), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("GET", "/v1/admin/extensions"):
        dict(superadmin=(200, 200), admin=(200, 200), supervisor=(200, 200), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("GET", "/v1/admin/extensions/:id"):
        dict(superadmin=(200, 404), admin=(200, 404), supervisor=(200, 404), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("PATCH", "/v1/admin/extensions/:id"):
        dict(superadmin=(200, 404), admin=(200, 404), supervisor=(403, 403), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("POST", "/v1/admin/extensions/:id/rotate-password"):
        dict(superadmin=(200, 404), admin=(200, 404), supervisor=(403, 403), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("GET", "/v1/admin/audit"):
        dict(superadmin=(200, 200), admin=(200, 200), supervisor=(200, 200), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("GET", "/v1/admin/calls"):
        dict(superadmin=(200, 200), admin=(200, 200), supervisor=(200, 200), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("GET", "/v1/admin/analytics/usage"):
        dict(superadmin=(200, 200), admin=(200, 200), supervisor=(200, 200), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("GET", "/v1/admin/analytics/usage.csv"):
        dict(superadmin=(200, 200), admin=(200, 200), supervisor=(200, 200), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("POST", "/v1/admin/freeswitch/resync"):
        dict(superadmin=(202, 202), admin=(403, 403), supervisor=(403, 403), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("GET", "/v1/admin/freeswitch/status"):
        dict(superadmin=(200, 200), admin=(200, 200), supervisor=(200, 200), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("POST", "/freeswitch/xml/:id"):
        dict(superadmin=(401, 401), admin=(401, 401), supervisor=(401, 401), agent=(401, 401),
             temp=(401, 401), none=(401, 401)),
    # Live streams: a ticket for a signed-in caller (the admin stream: the
    # readers of a tenant, a superadmin for all); the stream itself takes
    # the ticket only, never a bearer token.
    ("POST", "/v1/admin/events/ticket"):
        dict(superadmin=(201, 201), admin=(201, 201), supervisor=(201, 201), agent=(403, 403),
             temp=(403, 403), none=(401, 401)),
    ("POST", "/v1/me/events/ticket"):
        dict(superadmin=(201, 201), admin=(201, 201), supervisor=(201, 201), agent=(201, 201),
             temp=(403, 403), none=(401, 401)),
    ("GET", "/v1/admin/events"):
        dict(superadmin=(401, 401), admin=(401, 401), supervisor=(401, 401), agent=(401, 401),
             temp=(401, 401), none=(401, 401)),
    ("GET", "/v1/me/events"):
        dict(superadmin=(401, 401), admin=(401, 401), supervisor=(401, 401), agent=(401, 401),
             temp=(401, 401), none=(401, 401)),
}

# Queue statuses: one's own (any user of a tenant; a superadmin has no
# agent account), an agent's of the tenant (readers; settings: writers).
for _route in (("GET", "/v1/me/queue-status"), ("PUT", "/v1/me/queue-status"),
               ("POST", "/v1/me/queue-status/ready")):
    MATRIX[_route] = dict(superadmin=(403, 403), admin=(200, 200), supervisor=(200, 200),
                          agent=(200, 200), temp=(403, 403), none=(401, 401))
# One's own voicebox: any user of a tenant with an extension (the World's
# admin, made on the command line, has none: 404).
for _route in (("GET", "/v1/me/voicemail"), ("PUT", "/v1/me/voicemail")):
    MATRIX[_route] = dict(superadmin=(403, 403), admin=(404, 404), supervisor=(200, 200),
                          agent=(200, 200), temp=(403, 403), none=(401, 401))
for _route in (("GET", "/v1/admin/agents/:id/queue-status"),
               ("PUT", "/v1/admin/agents/:id/queue-status")):
    MATRIX[_route] = dict(superadmin=(200, 404), admin=(200, 404), supervisor=(200, 404),
                          agent=(403, 403), temp=(403, 403), none=(401, 401))
MATRIX[("PUT", "/v1/admin/agents/:id/queue-settings")] = dict(
    superadmin=(200, 404), admin=(200, 404), supervisor=(403, 403), agent=(403, 403),
    temp=(403, 403), none=(401, 401))

# Call history and colleagues (issue 20): one's own history, seen mark and
# directory (any user of a tenant: its own tenant's only, so both columns
# alike), an agent's history (readers of its tenant; another tenant's: 404).
for _route in (("GET", "/v1/me/calls"), ("POST", "/v1/me/calls/seen"),
               ("GET", "/v1/me/directory")):
    MATRIX[_route] = dict(superadmin=(403, 403), admin=(200, 200), supervisor=(200, 200),
                          agent=(200, 200), temp=(403, 403), none=(401, 401))
MATRIX[("GET", "/v1/admin/agents/:id/calls")] = dict(
    superadmin=(200, 404), admin=(200, 404), supervisor=(200, 404), agent=(403, 403),
    temp=(403, 403), none=(401, 401))

# The board of a queue: readers see their tenant's (a superadmin names it);
# eavesdrop is the tenant's admins' and supervisors' (the agent named is in
# no call of it: 404 in both columns; another tenant's queue is absent).
MATRIX[("GET", "/v1/admin/queues/:id/live")] = dict(
    superadmin=(200, 404), admin=(200, 404), supervisor=(200, 404), agent=(403, 403),
    temp=(403, 403), none=(401, 401))
MATRIX[("POST", "/v1/admin/queues/:id/eavesdrop")] = dict(
    superadmin=(403, 403), admin=(404, 404), supervisor=(404, 404), agent=(403, 403),
    temp=(403, 403), none=(401, 401))

# Clusters are the platform's, not a tenant's: the superadmin manages them,
# every other caller is refused, in both columns alike.
for _route, _ok in ((("GET", "/v1/admin/freeswitch/clusters"), 200),
                    (("POST", "/v1/admin/freeswitch/clusters"), 201),
                    (("GET", "/v1/admin/freeswitch/clusters/:id"), 200),
                    (("PATCH", "/v1/admin/freeswitch/clusters/:id"), 200),
                    (("DELETE", "/v1/admin/freeswitch/clusters/:id"), 200),
                    (("POST", "/v1/admin/freeswitch/clusters/:id/nodes"), 201),
                    (("PATCH", "/v1/admin/freeswitch/clusters/:id/nodes/:node_id"), 200),
                    (("DELETE", "/v1/admin/freeswitch/clusters/:id/nodes/:node_id"), 200)):
    MATRIX[_route] = dict(superadmin=(_ok, _ok), admin=(403, 403), supervisor=(403, 403),
                          agent=(403, 403), temp=(403, 403), none=(401, 401))

# Queues and inbound numbers (issue 19): admins write, supervisors read,
# agents never; an object of another tenant is an absent one.
for _route, _ok, _writes, _object in (
        (("GET", "/v1/admin/queues"), 200, False, False),
        (("POST", "/v1/admin/queues"), 201, True, False),
        (("GET", "/v1/admin/queues/:id"), 200, False, True),
        (("PATCH", "/v1/admin/queues/:id"), 200, True, True),
        (("DELETE", "/v1/admin/queues/:id"), 200, True, True),
        (("GET", "/v1/admin/queues/:id/members"), 200, False, True),
        (("PUT", "/v1/admin/queues/:id/members"), 200, True, True),
        (("GET", "/v1/admin/queue-settings"), 200, False, False),
        (("PUT", "/v1/admin/queue-settings"), 200, True, False),
        (("GET", "/v1/admin/break-reasons"), 200, False, False),
        (("PUT", "/v1/admin/break-reasons"), 200, True, False),
        (("GET", "/v1/admin/numbers"), 200, False, False),
        (("POST", "/v1/admin/numbers"), 201, True, False),
        (("DELETE", "/v1/admin/numbers/:id"), 200, True, True)):
    _other = 404 if _object else _ok
    MATRIX[_route] = dict(superadmin=(_ok, _other), admin=(_ok, _other),
                          supervisor=(403, 403) if _writes else (_ok, _other),
                          agent=(403, 403), temp=(403, 403), none=(401, 401))

# SCIM (issue 21): the tenant's tokens and role mapping are the admins';
# /scim/v2 takes a tenant's SCIM token only, so every session (whatever its
# role) is refused there like no token at all (test_scim.py: a SCIM token's
# tenant).
for _route, _ok, _object in (
        (("GET", "/v1/admin/scim/tokens"), 200, False),
        (("POST", "/v1/admin/scim/tokens"), 201, False),
        (("DELETE", "/v1/admin/scim/tokens/:id"), 200, True),
        (("GET", "/v1/admin/scim/settings"), 200, False),
        (("PUT", "/v1/admin/scim/settings"), 200, False)):
    _other = 404 if _object else _ok
    MATRIX[_route] = dict(superadmin=(_ok, _other), admin=(_ok, _other), supervisor=(403, 403),
                          agent=(403, 403), temp=(403, 403), none=(401, 401))
for _route in (("GET", "/scim/v2/ServiceProviderConfig"), ("GET", "/scim/v2/ResourceTypes"),
               ("GET", "/scim/v2/Schemas"), ("GET", "/scim/v2/Users"), ("POST", "/scim/v2/Users"),
               ("GET", "/scim/v2/Users/:id"), ("PUT", "/scim/v2/Users/:id"),
               ("PATCH", "/scim/v2/Users/:id"), ("DELETE", "/scim/v2/Users/:id")):
    MATRIX[_route] = {role: (401, 401) for role in ROLES}
# Webhooks (issue 21): the tenant's admins only, reads included (an
# endpoint receives every event it takes); another tenant's is absent.
for _route, _ok, _object in (
        (("GET", "/v1/admin/webhooks"), 200, False),
        (("POST", "/v1/admin/webhooks"), 201, False),
        (("PATCH", "/v1/admin/webhooks/:id"), 200, True),
        (("DELETE", "/v1/admin/webhooks/:id"), 200, True),
        (("POST", "/v1/admin/webhooks/:id/test"), 202, True),
        (("GET", "/v1/admin/webhooks/:id/deliveries"), 200, True)):
    _other = 404 if _object else _ok
    MATRIX[_route] = dict(superadmin=(_ok, _other), admin=(_ok, _other),
                          supervisor=(403, 403), agent=(403, 403), temp=(403, 403),
                          none=(401, 401))

# Moving an extension (issue 21): admins, within their tenant (the target
# is tenant A's agent: B's extension is absent to A's admin).
MATRIX[("POST", "/v1/admin/extensions/:id/transfer")] = dict(
    superadmin=(200, 404), admin=(200, 404), supervisor=(403, 403), agent=(403, 403),
    temp=(403, 403), none=(401, 401))

# Nothing listens there, and loopback is refused anyway (the setting is off).
HOOK = {"url": "http://127.0.0.1:9/hook", "events": ["agent.created"]}
# The CSV import and export (issue 21): admins import (the matrix sends
# JSON, which the route refuses as 415 once the caller may import) and
# read imports, another tenant's being absent; readers export.
MATRIX[("POST", "/v1/admin/agents/import")] = dict(
    superadmin=(415, 415), admin=(415, 415), supervisor=(403, 403), agent=(403, 403),
    temp=(403, 403), none=(401, 401))
MATRIX[("GET", "/v1/admin/agents.csv")] = dict(
    superadmin=(200, 200), admin=(200, 200), supervisor=(200, 200), agent=(403, 403),
    temp=(403, 403), none=(401, 401))
for _route in (("GET", "/v1/admin/imports/:id"), ("GET", "/v1/admin/imports/:id/result.csv")):
    MATRIX[_route] = dict(superadmin=(200, 404), admin=(200, 404), supervisor=(403, 403),
                          agent=(403, 403), temp=(403, 403), none=(401, 401))

# Single sign-on (issue 21): the tenant's provider settings are the
# admins', reads included (they name the provider, its client and the
# domains it signs in), like the other tenant settings; each cell finds a
# provider in place (A's admin puts one first). The sign-on routes are
# public and answer every caller alike, a session being no part of them:
# lookup of an email whose domain no tenant holds, start for it, a
# callback with a state no flow has (both navigations: a 303 to /login),
# the exchange of a code never given. None of them calls out.
for _route in (("GET", "/v1/admin/sso"), ("PUT", "/v1/admin/sso"), ("DELETE", "/v1/admin/sso")):
    MATRIX[_route] = dict(superadmin=(200, 200), admin=(200, 200), supervisor=(403, 403),
                          agent=(403, 403), temp=(403, 403), none=(401, 401))
for _route, _status in ((("POST", "/v1/auth/oidc/lookup"), 200),
                        (("GET", "/v1/auth/oidc/start"), 303),
                        (("GET", "/v1/auth/oidc/callback"), 303),
                        (("POST", "/v1/auth/oidc/exchange"), 401)):
    MATRIX[_route] = {role: (_status, _status) for role in ROLES}


def sso_settings(key):
    """Tenant key's provider; its domain is no user's (password logins stay)."""
    return {"issuer": "https://idp.%s.example" % key.lower(), "client_id": "agentdesk",
            "client_secret": "secret of %s" % key, "display_name": "IdP %s" % key,
            "email_domains": ["sso.%s.example" % key.lower()]}


QUERIES = {
    ("GET", "/v1/auth/oidc/start"): "?email=nobody%40no-sso.example",
    ("GET", "/v1/auth/oidc/callback"): "?state=" + "A" * 43 + "&code=never-given",
}
# Where those navigations end: the refusal says nothing was begun or called.
LOCATIONS = {
    ("GET", "/v1/auth/oidc/start"): "/login#sso_error=sso_unavailable",
    ("GET", "/v1/auth/oidc/callback"): "/login#sso_error=state_invalid",
}

BODIES = {
    ("POST", "/v1/auth/change-password"): {"current_password": "certainly wrong",
                                           "new_password": "whatever new one"},
    ("POST", "/v1/auth/login"): {"email": "admin@a.example", "password": PASSWORD},
    ("POST", "/v1/auth/tokens/inspect"): {"token": "A" * 43},
    ("POST", "/v1/auth/set-password"): {"token": "A" * 43, "new_password": "whatever new one"},
    ("POST", "/v1/auth/forgot-password"): {"email": "nobody@a.example"},
    ("PATCH", "/v1/admin/tenants/:id"): {"name": "Renamed"},
    ("PATCH", "/v1/admin/agents/:id"): {"first_name": "Renamed"},
    ("PATCH", "/v1/admin/extensions/:id"): {"voicemail_enabled": True},
    ("PATCH", "/v1/admin/freeswitch/clusters/:id"): {"region": "eu-west"},
    ("POST", "/v1/admin/freeswitch/clusters/:id/nodes"): {
        "name": "fs2", "esl_host": "127.0.0.1", "esl_password": "ClueCon"},
    ("PATCH", "/v1/admin/freeswitch/clusters/:id/nodes/:node_id"): {"esl_port": 8022},
    ("PATCH", "/v1/admin/queues/:id"): {"max_wait_s": 30},
    ("PUT", "/v1/admin/queues/:id/members"): {"members": []},
    ("PUT", "/v1/admin/queue-settings"): {"wrap_up_s": 5},
    # the break reasons the next row's "Break" stays one of
    ("PUT", "/v1/admin/break-reasons"): {"break_reasons": ["Break"]},
    # "Break": in the defaults and in what the break-reasons cell sets
    ("PUT", "/v1/me/queue-status"): {"status": "on_break", "reason": "Break"},
    ("PUT", "/v1/me/voicemail"): {"pin": "2468"},
    ("PUT", "/v1/admin/agents/:id/queue-status"): {"status": "available"},
    ("PUT", "/v1/admin/agents/:id/queue-settings"): {"wrap_up_s": 20},
    ("POST", "/v1/admin/queues/:id/eavesdrop"): {"agent_id": 999999, "mode": "listen"},
    ("PUT", "/v1/admin/scim/settings"): {"role_attribute": ""},
    ("POST", "/scim/v2/Users"): {"userName": "scim@a.example",
                                 "name": {"givenName": "S", "familyName": "C"}},
    ("POST", "/v1/admin/webhooks"): HOOK,
    ("PATCH", "/v1/admin/webhooks/:id"): {"description": "renamed"},
    ("PUT", "/v1/admin/sso"): sso_settings("A"),
    ("POST", "/v1/auth/oidc/lookup"): {"email": "nobody@no-sso.example"},
    ("POST", "/v1/auth/oidc/exchange"): {"code": "A" * 43},
}


def test_matrix_covers_every_route(backend):
    out = subprocess.run([BIN, "routes"], check=True, stdout=subprocess.PIPE, text=True).stdout
    registered = {tuple(line.split(" ", 1)) for line in out.splitlines() if line}
    assert registered == set(MATRIX), (registered ^ set(MATRIX))


def test_isolation_matrix(backend):
    with Agentdesk(backend) as ad:
        w = World(ad, pool_size=200)
        ta, tb = w.tenants["A"]["id"], w.tenants["B"]["id"]
        root = w.super["token"]
        admin_a, admin_b = w.token("admin", "A"), w.token("admin", "B")
        serial = [0]

        def fresh_cluster():
            """A stored cluster with one node, made by the superadmin."""
            serial[0] += 1
            status, _, body = ad.request("POST", "/v1/admin/freeswitch/clusters", token=root,
                                         json_body={"name": "c%d" % serial[0]})
            assert status == 201, body
            cid = body["cluster"]["id"]
            status, _, body = ad.request("POST", "/v1/admin/freeswitch/clusters/%d/nodes" % cid,
                                         token=root, json_body={"name": "fs1",
                                                                "esl_host": "127.0.0.1",
                                                                "esl_password": "ClueCon"})
            assert status == 201, body
            return cid, body["node"]["id"]

        def fresh_queue(key):
            serial[0] += 1
            token = admin_a if key == "A" else admin_b
            status, _, body = ad.request("POST", "/v1/admin/queues", token=token, json_body={
                "name": "q%d" % serial[0], "number": str(7000 + serial[0])})
            assert status == 201, body
            return body["queue"]["id"]

        def fresh_number(key):
            serial[0] += 1
            token = admin_a if key == "A" else admin_b
            base = w.tenants[key]["pool_base"]
            status, _, body = ad.request("POST", "/v1/admin/numbers", token=token, json_body={
                "number": "+1555%07d" % serial[0], "extension": str(base)})
            assert status == 201, body
            return body["number"]["id"]

        def fresh_scim_token(key):
            token = admin_a if key == "A" else admin_b
            status, _, body = ad.request("POST", "/v1/admin/scim/tokens", token=token,
                                         json_body={})
            assert status == 201, body
            return body["scim_token"]["id"]
        def fresh_webhook(key):
            token = admin_a if key == "A" else admin_b
            status, _, body = ad.request("POST", "/v1/admin/webhooks", token=token, json_body=HOOK)
            assert status == 201, body
            return body["webhook"]["id"]

        def fresh_agent(key):
            serial[0] += 1
            token = admin_a if key == "A" else admin_b
            status, _, body = ad.request("POST", "/v1/admin/agents", token=token, json_body={
                "first_name": "T", "last_name": "T", "email": "t%d@%s.example" % (serial[0], key)})
            assert status == 201, body
            return body["agent"]["id"], body["agent"]["extensions"][0]["id"]

        def fresh_import(key):
            """A finished import of one agent (with its temporary password)."""
            serial[0] += 1
            token = admin_a if key == "A" else admin_b
            status, _, body = ad.request(
                "POST", "/v1/admin/agents/import", token=token,
                body=("first_name,last_name,email\r\nI,I,i%d@%s.example\r\n"
                      % (serial[0], key)).encode(), headers={"Content-Type": "text/csv"})
            assert status == 201, body
            return body["import"]["id"]

        tokens = {}

        def caller_token(role, fresh=False):
            if not fresh and role in tokens:
                return tokens[role]
            tokens[role] = login(role)
            return tokens[role]

        def login(role):
            if role == "none":
                return None
            if role == "superadmin":
                return ad.login(w.super["email"], PASSWORD)
            u = w.users[("A", role)]
            if role == "temp":
                return ad.login(u["email"], u["temporary_password"])
            return ad.login(u["email"], PASSWORD)

        def put_sso(key):
            token = admin_a if key == "A" else admin_b
            status, _, body = ad.request("PUT", "/v1/admin/sso", token=token,
                                         json_body=sso_settings(key))
            assert status == 200, body

        # B's provider: no cell of A's callers may change or remove it.
        put_sso("B")
        wrong = []
        for (method, pattern), expected in sorted(MATRIX.items()):
            for role in ROLES:
                for col, key in ((0, "A"), (1, "B")):
                    # Logging out or refreshing spends the token: that cell gets its own.
                    spends = pattern in ("/v1/auth/logout", "/v1/auth/refresh")
                    token = caller_token(role, fresh=spends)
                    agent_id = ext_id = object_id = 0
                    clustered = pattern.startswith(("/v1/admin/freeswitch/clusters/",
                                                    "/freeswitch/xml/"))
                    imported = pattern.startswith("/v1/admin/imports/")
                    queued = pattern.startswith(("/v1/admin/queues/", "/v1/admin/numbers/",
                                                 "/v1/admin/scim/tokens/",
                                                 "/v1/admin/webhooks/")) or imported
                    if ":id" in pattern and not pattern.startswith("/v1/admin/tenants/") \
                            and not clustered and not queued:
                        agent_id, ext_id = fresh_agent(key)
                    if imported:
                        object_id = fresh_import(key)
                    elif pattern.startswith("/v1/admin/queues/"):
                        object_id = fresh_queue(key)
                    elif pattern.startswith("/v1/admin/numbers/"):
                        object_id = fresh_number(key)
                    elif pattern.startswith("/v1/admin/scim/tokens/"):
                        object_id = fresh_scim_token(key)
                    elif pattern.startswith("/v1/admin/webhooks/"):
                        object_id = fresh_webhook(key)
                    elif pattern == "/v1/admin/sso":
                        put_sso("A")
                    path = pattern + QUERIES.get((method, pattern), "")
                    if clustered:
                        cluster_id, node_id = fresh_cluster()
                        path = pattern.replace(":id", str(cluster_id)).replace(":node_id",
                                                                               str(node_id))
                    elif pattern.startswith("/v1/admin/tenants/"):
                        path = pattern.replace(":id", str(ta if key == "A" else tb))
                    elif "/agents/" in pattern:
                        path = pattern.replace(":id", str(agent_id))
                    elif "/extensions/" in pattern:
                        path = pattern.replace(":id", str(ext_id))
                    elif queued:
                        path = pattern.replace(":id", str(object_id))
                    body = BODIES.get((method, pattern))
                    if (method, pattern) == ("POST", "/v1/admin/agents"):
                        serial[0] += 1
                        body = {"first_name": "N", "last_name": "N",
                                "email": "n%d@a.example" % serial[0]}
                    if (method, pattern) == ("POST", "/v1/admin/extensions/:id/transfer"):
                        body = {"to_agent_id": w.users[("A", "supervisor")]["id"]}
                    if (method, pattern) == ("POST", "/v1/admin/freeswitch/clusters"):
                        serial[0] += 1
                        body = {"name": "new%d" % serial[0]}
                    if (method, pattern) == ("POST", "/v1/admin/tenants"):
                        serial[0] += 1
                        body = {"name": "T%d" % serial[0], "pool_base": 500000 + 10 * serial[0],
                                "pool_size": 10}
                    if (method, pattern) == ("POST", "/v1/admin/queues"):
                        serial[0] += 1
                        body = {"name": "new%d" % serial[0], "number": str(8000 + serial[0])}
                    if (method, pattern) == ("POST", "/v1/admin/numbers"):
                        serial[0] += 1
                        body = {"number": "+1666%07d" % serial[0], "extension": str(10000)}
                    if role == "superadmin" and pattern.startswith(("/v1/admin/agents",
                                                                    "/v1/admin/queue",
                                                                    "/v1/admin/break-reasons",
                                                                    "/v1/admin/numbers",
                                                                    "/v1/admin/webhooks",
                                                                    "/v1/admin/imports",
                                                                    "/v1/admin/extensions",
                                                                    "/v1/admin/audit",
                                                                    "/v1/admin/calls",
                                                                    "/v1/admin/analytics",
                                                                    "/v1/admin/scim",
                                                                    "/v1/admin/sso")):
                        path += "?tenant_id=%d" % ta
                    if spends:
                        tokens.pop(role, None)
                    if pattern.startswith("/freeswitch/xml"):
                        status = ad.request(method, path, token=token, body=b"section=directory",
                                            headers={"Content-Type":
                                                     "application/x-www-form-urlencoded"})[0]
                    else:
                        status, headers, resp = ad.request(method, path, token=token,
                                                           json_body=body)
                        where = LOCATIONS.get((method, pattern))
                        if where and headers.get("location") != where:
                            wrong.append("%s %s as %s: Location %s, expected %s" % (
                                method, pattern, role, headers.get("location"), where))
                        if status == 403 and role == "temp":
                            assert resp["error"]["code"] == "password_change_required", resp
                        if status == 404:
                            # Another tenant's object is exactly an absent one.
                            gone = path.replace("/%d" % (agent_id if "/agents/" in pattern
                                                         else object_id if queued else ext_id),
                                                "/999999", 1)
                            _, _, absent = ad.request(method, gone, token=token, json_body=body)
                            assert resp == absent, (resp, absent)
                    if status != expected[role][col]:
                        wrong.append("%s %s as %s on %s: %d, expected %d" % (
                            method, pattern, role, key, status, expected[role][col]))
        assert not wrong, "\n".join(wrong)
        status, _, body = ad.request("GET", "/v1/admin/sso", token=admin_b)
        assert status == 200 and body["sso"]["issuer"] == "https://idp.b.example" and \
            body["sso"]["email_domains"] == ["sso.b.example"], body


def test_tenant_id_in_body_moves_nothing(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        tb = w.tenants["B"]["id"]
        status, _, body = ad.request("POST", "/v1/admin/agents", token=w.token("admin"), json_body={
            "first_name": "X", "last_name": "Y", "email": "moved@a.example", "tenant_id": tb})
        assert status == 201 and body["agent"]["tenant_id"] == w.tenants["A"]["id"], body
        # ?tenant_id is for superadmins only; an admin's is ignored.
        status, _, body = ad.request("GET", "/v1/admin/agents?tenant_id=%d" % tb,
                                     token=w.token("admin"))
        assert all(a["tenant_id"] == w.tenants["A"]["id"] for a in body["agents"])
        aid = body["agents"][0]["id"]
        status, _, body = ad.request("PATCH", "/v1/admin/agents/%d" % aid, token=w.token("admin"),
                                     json_body={"tenant_id": tb, "first_name": "Still A"})
        assert status == 200 and body["agent"]["tenant_id"] == w.tenants["A"]["id"]


if __name__ == "__main__":
    main()
