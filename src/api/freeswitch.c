/*
 * POST /freeswitch/xml: the mod_xml_curl binding (docs/freeswitch.md §1,
 * §3) of the default cluster's nodes; POST /freeswitch/xml/:id that of
 * stored cluster id's (`agentdesk freeswitch config --cluster ID`). Each
 * answers only for the tenants of its cluster. Callers outside
 * AGENTDESK_XMLCURL_ALLOW get 403, wrong or missing basic credentials 401,
 * an address that sent wrong ones too often 429. Everything else is answered 200 with well-formed
 * XML: the user or context, or "not found" — also when the store fails,
 * because FreeSWITCH treats any failure as "not found" anyway and a fast
 * answer keeps its registrar moving.
 */
#define LOG_MODULE "xmlcurl"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/switches/cluster.h"
#include "domain/switches/cluster_admin.h"
#include "domain/provisioning/directory.h"
#include "domain/provisioning/jobs.h"
#include "domain/provisioning/queue_plan.h"
#include "util/cidr.h"
#include "util/log.h"
#include "util/wipe.h"

/* AGENTDESK_XMLCURL_ALLOW, parsed; SIGHUP may replace it while requests
 * read it (api_freeswitch_allow_set). */
static struct cidr_shared allow = CIDR_SHARED_INIT;

static bool allowed(const char *ip)
{
        return cidr_shared_contains(&allow, ip);
}

enum result api_freeswitch_allow_set(const char *list)
{
        return cidr_shared_set(&allow, list) ? RESULT_OK : RESULT_INVALID;
}

/* doc (taken) is sent as it is, without a copy of the secret it holds. */
static void send_xml(struct http_request *req, char *doc)
{
        if (!doc) {
                const char *none = directory_not_found_xml();

                http_respond_static(req, 200, "text/xml", none, strlen(none));
                return;
        }
        http_respond_secret(req, 200, "text/xml", doc);
}

static void not_found(struct http_request *req)
{
        send_xml(req, NULL);
}

static void directory(struct http_request *req, struct api_context *ctx, int64_t cluster_id)
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
        result = directory_find_user(ctx->app, cluster_id, domain, user, &u);
        if (result) {
                if (result != RESULT_NOT_FOUND)
                        LOG_WARN("directory lookup of %.15s failed: %s", user, result_name(result));
                return not_found(req);
        }
        http_request_set_tenant(req, u.tenant_id);
        send_xml(req, directory_user_xml(&u, __atomic_load_n(&ctx->app->settings.xmlcurl_cache_ms,
                                                             __ATOMIC_RELAXED),
                                         ctx->app->settings.xmlcurl_a1hash, false));
        directory_user_wipe(&u);
}

static void dialplan(struct http_request *req, struct api_context *ctx, int64_t cluster_id)
{
        const char *context = http_request_form(req, "Hunt-Context");
        struct directory_context c;
        enum result result;
        char *doc = NULL;

        if (!context)
                context = http_request_form(req, "Caller-Context");
        /* The context calls admitted by the inbound ACL arrive in: ours
         * only for an inbound number of a tenant of the cluster, else the
         * node's own. */
        if (context && !strcmp(context, "public")) {
                const char *number = http_request_form(req, "Hunt-Destination-Number");

                result = queue_plan_inbound(ctx->app, cluster_id, number, &doc);
                if (result && result != RESULT_NOT_FOUND)
                        LOG_WARN("public lookup failed: %s", result_name(result));
                return send_xml(req, result ? NULL : doc);
        }
        result = directory_find_context(ctx->app, cluster_id, context, &c);
        if (!result)
                result = directory_context_xml(ctx->app, &c, false, &doc);
        if (result) {
                if (result != RESULT_NOT_FOUND)
                        LOG_WARN("dialplan lookup failed: %s", result_name(result));
                return not_found(req);
        }
        http_request_set_tenant(req, c.tenant_id);
        send_xml(req, doc);
}

/* mod_callcenter's fetch of callcenter.conf: a queue of ours when CC-Queue
 * names one (from memory); mod_voicemail's of voicemail.conf: agentdesk's
 * profile (freeswitch/xml.h FSXML_VM_PROFILE; mod_voicemail asks without
 * naming a profile, so this is the node's whole voicemail.conf); "not
 * found" for mod_callcenter's load and for every other configuration
 * file, so the node keeps its own. */
static void configuration(struct http_request *req, struct api_context *ctx, int64_t cluster_id)
{
        const char *file = http_request_form(req, "key_value");
        const char *queue = http_request_form(req, "CC-Queue");
        enum result result;
        char *doc = NULL;

        if (file && !strcmp(file, "voicemail.conf"))
                return send_xml(req, directory_voicemail_conf_xml());
        if (!file || strcmp(file, "callcenter.conf") != 0 || !queue)
                return not_found(req);
        result = queue_plan_config(ctx->app, cluster_id, queue, &doc);
        if (result && result != RESULT_NOT_FOUND)
                LOG_WARN("callcenter.conf lookup of %.24s failed: %s", queue, result_name(result));
        send_xml(req, result ? NULL : doc);
}

static void xml(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        char user[128], password[256];
        const char *section, *id = http_request_param(req, "id");
        int64_t cluster_id = 0, retry_after = 0;
        enum result result;
        bool given;

        /* The resolved client, not the TCP peer: docs/deploy.md sends
         * FreeSWITCH through the balancer, so the address an operator
         * lists in AGENTDESK_XMLCURL_ALLOW is FreeSWITCH's, which only a
         * proxy in AGENTDESK_TRUSTED_PROXIES can name (without one, or
         * from a peer outside it, this is the peer, as before). A trusted
         * proxy is trusted to say who is behind it, so this lets in no
         * one the proxy itself would not; listing the proxy here instead
         * would admit anyone who can reach it. */
        if (!allowed(http_request_client_ip(req))) {
                http_respond_text(req, 403, "text/plain", "forbidden\n", 10);
                return;
        }
        given = http_request_basic_auth(req, user, sizeof(user), password, sizeof(password));
        result = directory_credentials_check(ctx->app, http_request_client_ip(req),
                                             given ? user : NULL, given ? password : NULL,
                                             &retry_after);
        wipe_memory(password, sizeof(password));
        if (result == RESULT_THROTTLED) {
                char seconds[24];
                snprintf(seconds, sizeof(seconds), "%" PRId64, retry_after);
                http_response_header(req, "Retry-After", seconds);
                http_respond_text(req, 429, "text/plain", "too many attempts\n", 18);
                return;
        }
        if (result && result != RESULT_UNAUTHORIZED) {
                LOG_WARN("credentials check failed: %s", result_name(result));
                return not_found(req);
        }
        if (result) {
                http_response_header(req, "WWW-Authenticate", "Basic realm=\"agentdesk\"");
                http_respond_text(req, 401, "text/plain", "unauthorized\n", 13);
                return;
        }
        /* A path that names no cluster knows no one. */
        if (id && (!api_parse_id(id, &cluster_id) || cluster_id == 0))
                return not_found(req);
        section = http_request_form(req, "section");
        if (section && !strcmp(section, "directory"))
                directory(req, ctx, cluster_id);
        else if (section && !strcmp(section, "dialplan"))
                dialplan(req, ctx, cluster_id);
        else if (section && !strcmp(section, "configuration"))
                configuration(req, ctx, cluster_id);
        else
                not_found(req);
}

static json_t *node_json(const struct fs_node *node, const struct fs_node_status *st)
{
        char address[300];

        snprintf(address, sizeof(address), strchr(node->host, ':') ? "[%s]:%u" : "%s:%u", node->host,
                 node->port);
        return json_pack("{ss,sb,so,so,so,ss,so,so}", "address", address, "reachable", st->reachable,
                         "error", api_string_or_null(st->error), "version",
                         api_string_or_null(st->version), "uptime", api_string_or_null(st->uptime),
                         "profile", node->profile, "profile_state",
                         api_string_or_null(st->profile_state), "registrations",
                         st->registrations >= 0 ? json_integer(st->registrations) : json_null());
}

/*
 * GET /v1/admin/freeswitch/status (the seed's route): each node of the
 * caller's tenant's cluster (every cluster for a superadmin), asked at
 * once with a bounded wait, so the answer comes within 3 s even when a
 * node hangs; and the provisioning jobs (the tenant's, or every tenant's
 * per cluster for a superadmin). Never a password.
 */
static void status(struct http_request *req, struct api_call *call)
{
        const struct store_user *me = &call->session.user;
        struct cluster_report *r = NULL;
        json_t *clusters;
        size_t n = 0;
        bool super = me->role == USER_ROLE_SUPERADMIN;
        enum result result = cluster_probe(call->ctx->app, super ? 0 : me->tenant_id, 2500, &r, &n);

        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        clusters = json_array();
        for (size_t i = 0; i < n; i++) {
                const struct cluster *c = r[i].cluster;
                json_t *nodes = json_array();
                for (int k = 0; k < c->n_nodes; k++)
                        json_array_append_new(nodes, node_json(&c->nodes[k], &r[i].status[k]));
                json_array_append_new(
                        clusters,
                        json_pack("{so,ss,ss,ss,so,s{sI,sI}}", "id",
                                  c->id ? json_integer(c->id) : json_null(), "name", c->name, "mode",
                                  cluster_mode_name(c), "status",
                                  cluster_status_name(c->active ? CLUSTER_STATUS_ACTIVE
                                                                : CLUSTER_STATUS_DISABLED),
                                  "nodes", nodes,
                                  "jobs", "pending", (json_int_t)r[i].jobs_pending, "failed",
                                  (json_int_t)r[i].jobs_failed));
        }
        cluster_report_free(r, n);
        http_respond_json(req, 200, json_pack("{sbso}", "success", 1, "clusters", clusters));
}

/* POST /v1/admin/freeswitch/resync (superadmin), optional body
 * {"cluster_id": ID} (absent or null: the default cluster): queues a
 * resync of the cluster; 202 with the job, which the status route then
 * counts. */
static void resync(struct http_request *req, struct api_call *call)
{
        struct actor actor;
        int64_t id = 0, cluster_id = 0;
        enum result result;
        json_t *body = NULL;

        if (http_request_body_size(req) > 0) {
                body = http_request_json(req);
                if (!body)
                        return;
                api_take_null(body, "cluster_id");
                if (!api_field_int(req, body, "cluster_id", 1, INT64_MAX / 2, &cluster_id))
                        goto out;
        }
        actor = api_actor(req, &call->session);
        result = cluster_resync(call->ctx->app, cluster_id, &actor, &id);
        if (result) {
                /* A cluster named in the body that does not exist. */
                if (result == RESULT_NOT_FOUND)
                        result = RESULT_INVALID;
                api_fail(req, result, result == RESULT_INVALID ? "cluster_id" : NULL);
                goto out;
        }
        http_respond_json(req, 202, json_pack("{sbs{sIssss}}", "success", 1, "job", "id",
                                              (json_int_t)id, "kind",
                                              fs_change_name(FS_CHANGE_RESYNC), "status",
                                              jobs_status_name(JOBS_STATUS_PENDING)));
out:
        json_decref(body);
}

enum result api_freeswitch_register(struct http_server *srv, struct api_context *ctx)
{
        /* Public: xml() checks the address list and basic auth itself. */
        static const struct api_route routes[] = {
                { "POST", "/freeswitch/xml", 0, API_PUBLIC, xml },
                { "POST", "/freeswitch/xml/:id", 0, API_PUBLIC, xml },
        };

        if (api_freeswitch_allow_set(ctx->app->settings.xmlcurl_allow) != RESULT_OK)
                return RESULT_INVALID;
        return API_ROUTES_REGISTER(srv, ctx, routes);
}

enum result api_freeswitch_status_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "GET", "/v1/admin/freeswitch/status", API_READERS, API_SIGNED_IN, status },
                { "POST", "/v1/admin/freeswitch/resync", API_SUPERADMIN, API_SIGNED_IN, resync },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}
