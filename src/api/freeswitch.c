/*
 * POST /freeswitch/xml: the mod_xml_curl binding (docs/freeswitch.md §1,
 * §3). Callers outside AGENTDESK_XMLCURL_ALLOW get 403, wrong or missing
 * basic credentials 401. Everything else is answered 200 with well-formed
 * XML: the user or context, or "not found" — also when the store fails,
 * because FreeSWITCH treats any failure as "not found" anyway and a fast
 * answer keeps its registrar moving.
 */
#define LOG_MODULE "xmlcurl"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/cluster.h"
#include "domain/directory.h"
#include "freeswitch/xml.h"
#include "util/cidr.h"
#include "util/log.h"

static struct cidr_list allow;

static void send_xml(struct http_request *req, char *doc)
{
        if (!doc) {
                http_respond_text(req, 200, "text/xml", fsxml_not_found(), strlen(fsxml_not_found()));
                return;
        }
        http_respond_text(req, 200, "text/xml", doc, strlen(doc));
        credentials_wipe(doc, strlen(doc));
        free(doc);
}

static void not_found(struct http_request *req)
{
        send_xml(req, NULL);
}

static void directory(struct http_request *req, struct api_context *ctx)
{
        const char *purpose = http_request_form(req, "purpose");
        const char *user = http_request_form(req, "user");
        const char *domain = http_request_form(req, "domain");
        struct directory_user u;
        enum result result;

        /* Profile start-up lookups (gateways, network lists) and domain
         * lookups without a user: nothing of ours to add. */
        if (purpose || !user)
                return not_found(req);
        if (!domain)
                domain = http_request_form(req, "key_value");
        result = directory_find_user(ctx->domain, domain, user, &u);
        if (result) {
                if (result != RESULT_NOT_FOUND)
                        LOG_WARN("directory lookup of %.15s failed: %s", user, result_name(result));
                return not_found(req);
        }
        http_request_set_tenant(req, u.tenant_id);
        send_xml(req, directory_user_xml(&u, ctx->cfg->xmlcurl_cache_ms, ctx->cfg->xmlcurl_a1hash,
                                         false));
        credentials_wipe(&u, sizeof(u));
}

static void dialplan(struct http_request *req, struct api_context *ctx)
{
        const char *context = http_request_form(req, "Hunt-Context");
        struct directory_context c;
        enum result result;

        if (!context)
                context = http_request_form(req, "Caller-Context");
        result = directory_find_context(ctx->domain, context, &c);
        if (result) {
                if (result != RESULT_NOT_FOUND)
                        LOG_WARN("dialplan lookup failed: %s", result_name(result));
                return not_found(req);
        }
        http_request_set_tenant(req, c.tenant_id);
        send_xml(req, fsxml_dialplan_context(c.tenant_id, c.lo, c.hi));
}

static void xml(struct http_request *req, void *userdata)
{
        struct api_context *ctx = userdata;
        char user[128], password[256];
        const char *section;
        bool ok;

        if (!cidr_list_contains(&allow, http_request_client_ip(req))) {
                http_respond_text(req, 403, "text/plain", "forbidden\n", 10);
                return;
        }
        ok = http_request_basic_auth(req, user, sizeof(user), password, sizeof(password)) &&
             directory_credentials_ok(ctx->domain, user, password);
        credentials_wipe(password, sizeof(password));
        if (!ok) {
                http_response_header(req, "WWW-Authenticate", "Basic realm=\"agentdesk\"");
                http_respond_text(req, 401, "text/plain", "unauthorized\n", 13);
                return;
        }
        section = http_request_form(req, "section");
        if (section && !strcmp(section, "directory"))
                directory(req, ctx);
        else if (section && !strcmp(section, "dialplan"))
                dialplan(req, ctx);
        else
                not_found(req);
}

/*
 * GET /v1/admin/freeswitch/status (the seed's route): each node of the
 * caller's cluster, asked at once with a bounded wait, so the answer comes
 * within 3 s even when a node hangs; and the tenant's provisioning jobs
 * (every tenant's for a superadmin). Never a password.
 */
static void status(struct http_request *req, void *userdata)
{
        struct api_context *ctx = userdata;
        struct cluster_status *cs;
        struct store_session s;
        json_t *nodes;
        enum result result;
        bool super;

        if (!api_authenticate(req, ctx, API_READERS, false, &s))
                return;
        super = strcmp(s.user.role, "superadmin") == 0;
        cs = calloc(1, sizeof(*cs));
        if (!cs) {
                api_fail(req, RESULT_NOMEM, NULL);
                return;
        }
        result = cluster_status(ctx->domain, super ? 0 : s.user.tenant_id, 2500, cs);
        if (result) {
                api_fail(req, result, NULL);
                free(cs);
                return;
        }
        nodes = json_array();
        for (int i = 0; i < cs->n_nodes; i++) {
                const struct fs_node_status *st = &cs->status[i];
                char address[300];
                snprintf(address, sizeof(address), strchr(cs->nodes[i].host, ':') ? "[%s]:%u" : "%s:%u",
                         cs->nodes[i].host, cs->nodes[i].port);
                json_array_append_new(
                        nodes,
                        json_pack("{ss,sb,so,so,so,ss,so,so}", "address", address, "reachable",
                                  st->reachable, "error",
                                  st->error[0] ? json_string(st->error) : json_null(), "version",
                                  st->version[0] ? json_string(st->version) : json_null(), "uptime",
                                  st->uptime[0] ? json_string(st->uptime) : json_null(), "profile",
                                  cs->nodes[i].profile, "profile_state",
                                  st->profile_state[0] ? json_string(st->profile_state) : json_null(),
                                  "registrations",
                                  st->registrations >= 0 ? json_integer(st->registrations) : json_null()));
        }
        http_respond_json(req, 200,
                          json_pack("{sb,s[{so,ss,ss,so,s{sI,sI}}]}", "success", 1, "clusters", "id",
                                    json_null(), "name", "default", "mode", "xml_curl", "nodes",
                                    nodes, "jobs", "pending", (json_int_t)cs->jobs_pending, "failed",
                                    (json_int_t)cs->jobs_failed));
        free(cs);
}

/* POST /v1/admin/freeswitch/resync (superadmin): queues a resync of the
 * cluster; 202 with the job, which the status route then counts. */
static void resync(struct http_request *req, void *userdata)
{
        struct api_context *ctx = userdata;
        struct store_session s;
        struct actor actor;
        int64_t id = 0;
        enum result result;

        if (!api_authenticate(req, ctx, API_SUPERADMIN, false, &s))
                return;
        actor = api_actor(req, &s);
        result = cluster_resync(ctx->domain, &actor, &id);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 202, json_pack("{sbs{sIssss}}", "success", 1, "job", "id",
                                              (json_int_t)id, "kind", "resync", "status", "pending"));
}

enum result api_freeswitch_register(struct http_server *srv, struct api_context *ctx)
{
        if (!cidr_list_parse(ctx->cfg->xmlcurl_allow, &allow))
                return RESULT_INVALID;
        return http_server_route(srv, "POST", "/freeswitch/xml", xml, ctx);
}

enum result api_freeswitch_status_register(struct http_server *srv, struct api_context *ctx)
{
        enum result result = http_server_route(srv, "GET", "/v1/admin/freeswitch/status", status, ctx);

        return result ? result : http_server_route(srv, "POST", "/v1/admin/freeswitch/resync", resync, ctx);
}
