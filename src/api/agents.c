/* /v1/admin/agents: the seed's admin agents routes. */
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/cluster.h"
#include "domain/onboarding.h"
#include "domain/tenants.h"
#include "domain/users.h"
#include "util/text.h"

static void create(struct http_request *req, void *userdata)
{
        struct api_context *ctx = userdata;
        struct agent_create_input in = { .extensions_count = -1 };
        char temporary[CREDENTIALS_TEMP_PASSWORD_LEN + 1];
        const char *field = NULL;
        struct store_session s;
        struct actor actor;
        struct agent a;
        int64_t tenant_id;
        enum result result;
        json_t *body;

        if (!api_scoped(req, ctx, API_WRITERS, &s, &tenant_id, NULL))
                return;
        body = http_request_json(req);
        if (!body)
                return;
        /* With mail on, an invitation goes out unless asked not to. */
        in.send_invite = ctx->domain->settings.mail_on;
        if (!api_field_string(req, body, "first_name", true, &in.first_name) ||
            !api_field_string(req, body, "last_name", true, &in.last_name) ||
            !api_field_string(req, body, "email", true, &in.email) ||
            !api_field_string(req, body, "role", false, &in.role) ||
            !api_field_int(req, body, "extensions_count", 0,
                           ctx->domain->settings.max_extensions_per_agent, &in.extensions_count) ||
            !api_field_bool(req, body, "voicemail_enabled", &in.voicemail_enabled) ||
            !api_field_bool(req, body, "send_invite", &in.send_invite))
                goto out;
        actor = api_actor(req, &s);
        result = agent_create(ctx->domain, &actor, tenant_id, &in, &a, temporary, &field);
        if (result) {
                api_fail(req, result, field);
                goto out;
        }
        if (in.send_invite)
                http_respond_json(req, 201,
                                  json_pack("{sbsosns{ssso}}", "success", 1, "agent",
                                            api_agent_json(&a), "temporary_password", "invitation",
                                            "status", "queued", "expires_at",
                                            api_time(a.invitation_expires_at)));
        else
                http_respond_json(req, 201,
                                  json_pack("{sbsoss}", "success", 1, "agent", api_agent_json(&a),
                                            "temporary_password", temporary));
        credentials_wipe(temporary, sizeof(temporary));
out:
        json_decref(body);
}

static bool enum_query(struct http_request *req, const char *name, const char *const *allowed,
                       const char **ret)
{
        const char *v = http_request_query(req, name);

        if (!v)
                return true;
        for (const char *const *a = allowed; *a; a++)
                if (!strcmp(v, *a)) {
                        *ret = *a;
                        return true;
                }
        http_respond_error(req, 400, "validation_failed", "unknown filter value", name);
        return false;
}

static void list(struct http_request *req, void *userdata)
{
        static const char *const statuses[] = { "active", "suspended", NULL };
        static const char *const roles[] = { "admin", "supervisor", "agent", NULL };
        struct api_context *ctx = userdata;
        struct store_user_filter filter = { 0 };
        struct store_session s;
        struct store_page page;
        struct agent *items = NULL;
        size_t n = 0;
        enum result result;
        json_t *arr;

        if (!api_scoped(req, ctx, API_READERS, &s, &filter.tenant_id, NULL) ||
            !api_page(req, &page) ||
            !enum_query(req, "status", statuses, &filter.status) ||
            !enum_query(req, "role", roles, &filter.role))
                return;
        filter.q = http_request_query(req, "q");
        if (filter.q && (strlen(filter.q) > 200 || !text_utf8_valid(filter.q, strlen(filter.q), NULL))) {
                http_respond_error(req, 400, "validation_failed", "q is not valid", "q");
                return;
        }
        result = agent_list(ctx->domain, &filter, &page, &items, &n);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        arr = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, api_agent_json(&items[i]));
        free(items);
        http_respond_json(req, 200, api_list_json("agents", arr, &page));
}

/* The agent's last invitation, or null (also when it cannot be read:
 * the agent is still worth showing). */
static json_t *invitation_json(struct api_context *ctx, int64_t user_id)
{
        struct onboarding_invitation inv;

        if (onboarding_invitation_get(ctx->domain, user_id, &inv) != RESULT_OK || !inv.status)
                return json_null();
        return json_pack("{ss,so,so,so,so}", "status", inv.status, "created_at",
                         api_time(inv.created_at), "sent_at", api_time(inv.sent_at), "expires_at",
                         api_time(inv.expires_at), "error", api_string_or_null(inv.reply));
}

static void get(struct http_request *req, void *userdata)
{
        struct api_context *ctx = userdata;
        struct store_session s;
        struct agent a;
        int64_t tenant_id, id;
        enum result result;

        if (!api_scoped(req, ctx, API_READERS, &s, &tenant_id, &id))
                return;
        result = agent_get(ctx->domain, tenant_id, id, &a);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        json_t *agent = api_agent_json(&a), *exts = json_object_get(agent, "extensions"), *x;
        struct store_tenant t;
        int64_t cluster_id = tenant_get(ctx->domain, tenant_id, &t, NULL) == RESULT_OK ? t.cluster_id : 0;
        size_t i;
        /* Whether each extension's phone is registered now on its
         * tenant's cluster (null: no node answered). */
        json_array_foreach(exts, i, x) {
                int reg = cluster_registered(ctx->domain, cluster_id,
                                             json_string_value(json_object_get(x, "extension")));
                json_object_set_new(x, "registered", reg < 0 ? json_null() : json_boolean(reg));
        }
        json_object_set_new(agent, "invitation", invitation_json(ctx, id));
        http_respond_json(req, 200, json_pack("{sbso}", "success", 1, "agent", agent));
}

static void invite(struct http_request *req, void *userdata)
{
        struct api_context *ctx = userdata;
        struct store_session s;
        struct actor actor;
        int64_t tenant_id, id, expires_at = 0;
        enum result result;

        if (!api_scoped(req, ctx, API_WRITERS, &s, &tenant_id, &id))
                return;
        actor = api_actor(req, &s);
        result = onboarding_invite(ctx->domain, &actor, tenant_id, id, &expires_at);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 202, json_pack("{sbs{ssso}}", "success", 1, "invitation", "status",
                                              "queued", "expires_at", api_time(expires_at)));
}

static void patch(struct http_request *req, void *userdata)
{
        struct api_context *ctx = userdata;
        struct agent_patch p = { 0 };
        const char *field = NULL;
        struct store_session s;
        struct actor actor;
        struct agent a;
        int64_t tenant_id, id;
        enum result result;
        json_t *body;

        if (!api_scoped(req, ctx, API_WRITERS, &s, &tenant_id, &id))
                return;
        body = http_request_json(req);
        if (!body)
                return;
        if (!api_field_string(req, body, "first_name", false, &p.first_name) ||
            !api_field_string(req, body, "last_name", false, &p.last_name) ||
            !api_field_string(req, body, "role", false, &p.role) ||
            !api_field_string(req, body, "status", false, &p.status))
                goto out;
        actor = api_actor(req, &s);
        result = agent_update(ctx->domain, &actor, tenant_id, id, &p, &a, &field);
        if (result) {
                api_fail(req, result, field);
                goto out;
        }
        http_respond_json(req, 200, json_pack("{sbso}", "success", 1, "agent", api_agent_json(&a)));
out:
        json_decref(body);
}

static void reset_password(struct http_request *req, void *userdata)
{
        struct api_context *ctx = userdata;
        char temporary[CREDENTIALS_TEMP_PASSWORD_LEN + 1];
        struct store_session s;
        struct actor actor;
        int64_t tenant_id, id;
        enum result result;

        if (!api_scoped(req, ctx, API_WRITERS, &s, &tenant_id, &id))
                return;
        actor = api_actor(req, &s);
        result = agent_reset_password(ctx->domain, &actor, tenant_id, id, temporary);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200, json_pack("{sbss}", "success", 1, "temporary_password",
                                              temporary));
        credentials_wipe(temporary, sizeof(temporary));
}

static void delete(struct http_request *req, void *userdata)
{
        struct api_context *ctx = userdata;
        struct store_session s;
        struct actor actor;
        int64_t tenant_id, id;
        enum result result;

        if (!api_scoped(req, ctx, API_WRITERS, &s, &tenant_id, &id))
                return;
        actor = api_actor(req, &s);
        result = agent_delete(ctx->domain, &actor, tenant_id, id);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200, json_pack("{sb}", "success", 1));
}

enum result api_agents_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct {
                const char *method, *pattern;
                http_handler_fn fn;
        } routes[] = {
                { "POST", "/v1/admin/agents", create },
                { "GET", "/v1/admin/agents", list },
                { "GET", "/v1/admin/agents/:id", get },
                { "PATCH", "/v1/admin/agents/:id", patch },
                { "DELETE", "/v1/admin/agents/:id", delete },
                { "POST", "/v1/admin/agents/:id/reset-password", reset_password },
                { "POST", "/v1/admin/agents/:id/invite", invite },
        };
        enum result result = RESULT_OK;

        for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]) && !result; i++)
                result = http_server_route(srv, routes[i].method, routes[i].pattern, routes[i].fn,
                                           ctx);
        return result;
}
