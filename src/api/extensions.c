/* /v1/admin/extensions: the tenant's pool. Only admins see a SIP password,
 * one extension at a time. */
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "util/wipe.h"

/* One extension as a route answers it, with its registration state. */
static json_t *extension_out(struct api_context *ctx, int64_t tenant_id,
                             const struct store_extension *e, const char *sip_password)
{
        json_t *one = json_pack("[o]", api_extension_json(e, sip_password));
        json_t *o;

        api_live_state(ctx, tenant_id, one);
        o = json_incref(json_array_get(one, 0));
        json_decref(one);
        return o;
}

static void list(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct store_extension_filter filter = { .tenant_id = call->tenant_id };
        struct store_pool_stats stats;
        struct store_extension *items = NULL;
        struct store_page page;
        const char *state;
        size_t n = 0;
        enum result result;
        json_t *arr, *out;

        if (!api_page(req, &page))
                return;
        state = http_request_query(req, "state");
        if (state && strcmp(state, "free") && strcmp(state, "assigned")) {
                http_respond_error(req, 400, "validation_failed", "state must be free or assigned",
                                   "state");
                return;
        }
        filter.state = state;
        result = extension_list(ctx->app, &filter, &page, &items, &n, &stats);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        arr = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, api_extension_json(&items[i], NULL));
        free(items);
        api_live_state(ctx, call->tenant_id, arr);
        out = api_list_json("extensions", arr, &page);
        json_object_set_new(out, "stats", api_pool_stats_json(ctx, call->tenant_id, &stats));
        http_respond_json(req, 200, out);
}

static void get(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        char password[64];
        struct store_extension e;
        bool secret_allowed;
        enum result result;

        struct actor actor = api_actor(req, &call->session);

        secret_allowed = call->session.user.role != USER_ROLE_SUPERVISOR;
        result = extension_get(ctx->app, &actor, call->tenant_id, call->id, &e,
                               secret_allowed ? password : NULL);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200,
                          json_pack("{sbso}", "success", 1, "extension",
                                    extension_out(ctx, call->tenant_id, &e, secret_allowed ? password : NULL)));
        wipe_memory(password, sizeof(password));
}

static void rotate(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        char password[64];
        struct store_extension e;
        struct actor actor;
        enum result result;

        actor = api_actor(req, &call->session);
        result = extension_rotate_password(ctx->app, &actor, call->tenant_id, call->id, &e, password);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200, json_pack("{sbso}", "success", 1, "extension",
                                              extension_out(ctx, call->tenant_id, &e, password)));
        wipe_memory(password, sizeof(password));
}

static void patch(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct store_extension e;
        struct actor actor;
        bool enabled = false;
        int64_t ring_s = 0;
        enum result result;
        json_t *body;

        body = http_request_json(req);
        if (!body)
                return;
        if (!json_object_get(body, "voicemail_enabled") && !json_object_get(body, "ring_s")) {
                http_respond_error(req, 400, "validation_failed",
                                   "voicemail_enabled or ring_s is required", "voicemail_enabled");
                goto out;
        }
        if (!api_field_bool(req, body, "voicemail_enabled", &enabled) ||
            !api_field_int(req, body, "ring_s", EXTENSION_RING_MIN_S, EXTENSION_RING_MAX_S,
                           &ring_s))
                goto out;
        actor = api_actor(req, &call->session);
        result = extension_set_voicemail(ctx->app, &actor, call->tenant_id, call->id,
                                         json_object_get(body, "voicemail_enabled") ? enabled : -1,
                                         ring_s, &e);
        if (result) {
                api_fail(req, result, "ring_s");
                goto out;
        }
        http_respond_json(req, 200, json_pack("{sbso}", "success", 1, "extension",
                                              extension_out(ctx, call->tenant_id, &e, NULL)));
out:
        json_decref(body);
}

/* Moves the extension to another agent of the tenant: {"to_agent_id": N}. */
static void transfer(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct store_extension e;
        const char *field = NULL;
        struct actor actor;
        int64_t to = 0;
        enum result result;
        json_t *body;

        body = http_request_json(req);
        if (!body)
                return;
        if (!json_object_get(body, "to_agent_id")) {
                http_respond_error(req, 400, "validation_failed", "to_agent_id is required",
                                   "to_agent_id");
                goto out;
        }
        if (!api_field_int(req, body, "to_agent_id", 1, INT64_MAX, &to))
                goto out;
        actor = api_actor(req, &call->session);
        result = agent_extension_transfer(ctx->app, &actor, call->tenant_id, call->id, to, &e,
                                          &field);
        if (result == RESULT_SELF)
                http_respond_error(req, 409, "same_holder",
                                   "the extension already belongs to that agent", "to_agent_id");
        else if (result == RESULT_AGENT_SUSPENDED)
                http_respond_error(req, 409, "agent_suspended",
                                   "that agent is suspended: activate it first", "to_agent_id");
        else if (result == RESULT_TOO_BIG)
                http_respond_error(req, 409, "extension_limit",
                                   "that agent holds as many extensions as an agent may",
                                   "to_agent_id");
        else if (result == RESULT_CONFLICT)
                http_respond_error(req, 409, "extension_unassigned",
                                   "the extension belongs to no agent (or was just moved)", NULL);
        else if (result)
                api_fail(req, result, field);
        else
                http_respond_json(req, 200, json_pack("{sbso}", "success", 1, "extension",
                                                      extension_out(ctx, call->tenant_id, &e, NULL)));
out:
        json_decref(body);
}

enum result api_extensions_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "GET", "/v1/admin/extensions", API_READERS, API_TENANT, list },
                { "GET", "/v1/admin/extensions/:id", API_READERS, API_TENANT, get },
                { "PATCH", "/v1/admin/extensions/:id", API_WRITERS, API_TENANT, patch },
                { "POST", "/v1/admin/extensions/:id/rotate-password", API_WRITERS, API_TENANT,
                  rotate },
                { "POST", "/v1/admin/extensions/:id/transfer", API_WRITERS, API_TENANT, transfer },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}

/* An extension as every route shows it (common.h). */
json_t *api_extension_json(const struct store_extension *e, const char *sip_password)
{
        json_t *o = json_object();

        json_object_set_new(o, "id", json_integer(e->id));
        json_object_set_new(o, "extension", json_string(e->extension));
        json_object_set_new(o, "status", json_string(extension_status_name(e->status)));
        json_object_set_new(o, "user_id", e->user_id ? json_integer(e->user_id) : json_null());
        json_object_set_new(o, "voicemail_enabled", json_boolean(e->voicemail_enabled));
        json_object_set_new(o, "ring_s", json_integer(e->ring_s));
        json_object_set_new(o, "provisioning", json_string(jobs_state_name(e->provisioning)));
        json_object_set_new(o, "provisioning_attempts", json_integer(e->provisioning_attempts));
        json_object_set_new(o, "provisioning_error", api_string_or_null(e->provisioning_error));
        json_object_set_new(o, "assigned_at", api_time(e->assigned_at));
        json_object_set_new(o, "updated_at", api_time(e->updated_at));
        if (sip_password)
                json_object_set_new(o, "sip_password", json_string(sip_password));
        return o;
}
