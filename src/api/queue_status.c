/*
 * Agents' queue statuses (domain/queues/status.h): /v1/me/queue-status
 * (GET, PUT) and /v1/me/queue-status/ready for the caller's own, any user
 * of a tenant (a platform superadmin has no agent account: 403);
 * /v1/admin/agents/:id/queue-status (GET, PUT: admin, supervisor,
 * superadmin) and /v1/admin/agents/:id/queue-settings (PUT: admin,
 * superadmin) for an agent of the tenant (another tenant's: 404). Every
 * route answers QueueStatusResponse.
 */
#include <stdlib.h>

#include "api/common.h"
#include "domain/queues/status.h"

static void respond(struct http_request *req, struct queue_status_view *v)
{
        json_t *queues = json_array(), *reasons = json_array();

        for (size_t i = 0; i < v->n_queues; i++) {
                const struct store_agent_queue *q = &v->queues[i];
                json_array_append_new(queues,
                                      json_pack("{sI,ss,ss,sI,sI}", "id", (json_int_t)q->id, "name",
                                                q->name, "number", q->number, "level",
                                                (json_int_t)q->level, "position",
                                                (json_int_t)q->position));
        }
        for (size_t i = 0; i < v->n_break_reasons; i++)
                json_array_append_new(reasons, json_string(v->break_reasons[i]));
        http_respond_json(req, 200,
                          json_pack("{sb,so,so,so}", "success", 1, "queue_status",
                                    queue_status_json(&v->agent), "queues", queues,
                                    "break_reasons", reasons));
        queue_status_view_free(v);
}

static void get(struct http_request *req, struct api_call *call, int64_t user_id)
{
        struct queue_status_view v;
        enum result result = queue_status_get(call->ctx->app, call->tenant_id, user_id, &v);

        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        respond(req, &v);
}

static void put(struct http_request *req, struct api_call *call, int64_t user_id)
{
        const char *status = NULL, *reason = NULL, *field = NULL;
        struct queue_status_view v;
        struct actor actor;
        enum result result;
        json_t *body;

        body = http_request_json(req);
        if (!body)
                return;
        api_take_null(body, "reason");
        if (!api_field_string(req, body, "status", true, &status) ||
            !api_field_string(req, body, "reason", false, &reason))
                goto out;
        actor = api_actor(req, &call->session);
        result = queue_status_set(call->ctx->app, &actor, call->tenant_id, user_id, status, reason,
                                  &v, &field);
        if (result) {
                api_fail(req, result, field);
                goto out;
        }
        respond(req, &v);
out:
        json_decref(body);
}

static void me_get(struct http_request *req, struct api_call *call)
{
        get(req, call, call->session.user.id);
}

static void me_put(struct http_request *req, struct api_call *call)
{
        put(req, call, call->session.user.id);
}

static void me_ready(struct http_request *req, struct api_call *call)
{
        struct queue_status_view v;
        enum result result = queue_status_ready(call->ctx->app, call->tenant_id,
                                                call->session.user.id, &v);

        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        respond(req, &v);
}

static void admin_get(struct http_request *req, struct api_call *call)
{
        get(req, call, call->id);
}

static void admin_put(struct http_request *req, struct api_call *call)
{
        put(req, call, call->id);
}

/* One of the settings: absent (untouched), null (the tenant's default)
 * or an integer in range. */
static bool setting(struct http_request *req, json_t *body, const char *name, int64_t max,
                    bool *ret_set, int64_t *ret)
{
        if (api_take_null(body, name)) {
                *ret_set = true;
                *ret = -1;
                return true;
        }
        if (!json_object_get(body, name))
                return true;
        *ret_set = true;
        return api_field_int(req, body, name, 0, max, ret);
}

static void admin_settings(struct http_request *req, struct api_call *call)
{
        struct queue_settings_patch patch = { 0 };
        struct queue_status_view v;
        struct actor actor;
        enum result result;
        json_t *body;

        body = http_request_json(req);
        if (!body)
                return;
        if (!setting(req, body, "wrap_up_s", 3600, &patch.set_wrap_up_s, &patch.wrap_up_s) ||
            !setting(req, body, "max_no_answer", 100, &patch.set_max_no_answer,
                     &patch.max_no_answer))
                goto out;
        actor = api_actor(req, &call->session);
        result = queue_status_set_settings(call->ctx->app, &actor, call->tenant_id, call->id,
                                           &patch, &v);
        if (result) {
                api_fail(req, result, NULL);
                goto out;
        }
        respond(req, &v);
out:
        json_decref(body);
}

enum result api_queue_status_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "GET", "/v1/me/queue-status", API_TENANT_USERS, API_TENANT, me_get },
                { "PUT", "/v1/me/queue-status", API_TENANT_USERS, API_TENANT, me_put },
                { "POST", "/v1/me/queue-status/ready", API_TENANT_USERS, API_TENANT, me_ready },
                { "GET", "/v1/admin/agents/:id/queue-status", API_READERS, API_TENANT, admin_get },
                { "PUT", "/v1/admin/agents/:id/queue-status", API_READERS, API_TENANT, admin_put },
                { "PUT", "/v1/admin/agents/:id/queue-settings", API_WRITERS, API_TENANT,
                  admin_settings },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}
