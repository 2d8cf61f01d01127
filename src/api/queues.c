/* /v1/admin/queues[/:id[/members]], /v1/admin/queue-settings and
 * /v1/admin/break-reasons: the admin side of queues (domain/queues/).
 * Admins write; supervisors read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/queues/defaults.h"
#include "domain/queues/queues.h"

/* A Queue as openapi.yaml shows it. */
static json_t *queue_json(const struct store_queue *q)
{
        json_t *o = json_object();

        json_object_set_new(o, "id", json_integer(q->id));
        json_object_set_new(o, "tenant_id", json_integer(q->tenant_id));
        json_object_set_new(o, "name", json_string(q->name));
        json_object_set_new(o, "number", json_string(q->number));
        json_object_set_new(o, "strategy", json_string(queue_strategy_name(q->strategy)));
        json_object_set_new(o, "moh_sound", api_string_or_null(q->moh_sound));
        json_object_set_new(o, "max_wait_s", json_integer(q->max_wait_s));
        json_object_set_new(o, "no_agent_max_wait_s", json_integer(q->no_agent_max_wait_s));
        json_object_set_new(o, "timeout_action",
                            json_string(queue_timeout_action_name(q->timeout_action)));
        json_object_set_new(o, "timeout_queue_id",
                            q->timeout_queue_id ? json_integer(q->timeout_queue_id) : json_null());
        json_object_set_new(o, "timeout_extension", api_string_or_null(q->timeout_extension));
        json_object_set_new(o, "tier_rules_apply", json_boolean(q->tier_rules_apply));
        json_object_set_new(o, "tier_rule_wait_s", json_integer(q->tier_rule_wait_s));
        json_object_set_new(o, "tier_rule_wait_multiply_level",
                            json_boolean(q->tier_rule_wait_multiply_level));
        json_object_set_new(o, "tier_rule_no_agent_no_wait",
                            json_boolean(q->tier_rule_no_agent_no_wait));
        json_object_set_new(o, "announce_sound", api_string_or_null(q->announce_sound));
        json_object_set_new(o, "announce_frequency_s", json_integer(q->announce_frequency_s));
        json_object_set_new(o, "members", json_integer(q->members));
        json_object_set_new(o, "provisioning", json_string(jobs_state_name(q->provisioning)));
        json_object_set_new(o, "provisioning_error", api_string_or_null(q->provisioning_error));
        json_object_set_new(o, "created_at", api_time(q->created_at));
        json_object_set_new(o, "updated_at", api_time(q->updated_at));
        return o;
}

/* A boolean field into a "not given" (-1) / 0 / 1. */
static bool field_tri(struct http_request *req, json_t *body, const char *name, int *ret)
{
        bool v;

        if (!json_object_get(body, name))
                return true;
        if (!api_field_bool(req, body, name, &v))
                return false;
        *ret = v;
        return true;
}

/* A string field that null clears ("" in *ret). */
static bool field_nullable(struct http_request *req, json_t *body, const char *name,
                           const char **ret)
{
        if (api_take_null(body, name)) {
                *ret = "";
                return true;
        }
        return api_field_string(req, body, name, false, ret);
}

/* QueueInput from body into *in (QUEUE_INPUT_NONE where absent). */
static bool queue_input(struct http_request *req, json_t *body, struct queue_input *in)
{
        int64_t timeout_queue_id = -1;

        if (api_take_null(body, "timeout_queue_id")) {
                in->timeout_queue_id_given = true;
                in->timeout_queue_id = 0;
        }
        if (!api_field_string(req, body, "name", false, &in->name) ||
            !api_field_string(req, body, "number", false, &in->number) ||
            !api_field_string(req, body, "strategy", false, &in->strategy) ||
            !field_nullable(req, body, "moh_sound", &in->moh_sound) ||
            !api_field_int(req, body, "max_wait_s", 0, 86400, &in->max_wait_s) ||
            !api_field_int(req, body, "no_agent_max_wait_s", 0, 86400, &in->no_agent_max_wait_s) ||
            !api_field_string(req, body, "timeout_action", false, &in->timeout_action) ||
            !api_field_int(req, body, "timeout_queue_id", 1, INT64_MAX, &timeout_queue_id) ||
            !field_nullable(req, body, "timeout_extension", &in->timeout_extension) ||
            !field_tri(req, body, "tier_rules_apply", &in->tier_rules_apply) ||
            !api_field_int(req, body, "tier_rule_wait_s", 0, 86400, &in->tier_rule_wait_s) ||
            !field_tri(req, body, "tier_rule_wait_multiply_level",
                       &in->tier_rule_wait_multiply_level) ||
            !field_tri(req, body, "tier_rule_no_agent_no_wait", &in->tier_rule_no_agent_no_wait) ||
            !field_nullable(req, body, "announce_sound", &in->announce_sound) ||
            !api_field_int(req, body, "announce_frequency_s", 0, 3600, &in->announce_frequency_s))
                return false;
        if (timeout_queue_id > 0) {
                in->timeout_queue_id_given = true;
                in->timeout_queue_id = timeout_queue_id;
        }
        return true;
}

static void respond_queue(struct http_request *req, unsigned status, const struct store_queue *q)
{
        http_respond_json(req, status, json_pack("{sbso}", "success", 1, "queue", queue_json(q)));
}

/* POST (create: name and number required) or PATCH of a queue. */
static void write(struct http_request *req, struct api_call *call, bool create)
{
        struct queue_input in = QUEUE_INPUT_NONE;
        const char *field = NULL;
        struct store_queue q;
        struct actor actor;
        enum result result;
        json_t *body;

        body = http_request_json(req);
        if (!body)
                return;
        if (!api_field_string(req, body, "name", create, &in.name) ||
            !api_field_string(req, body, "number", create, &in.number) || !queue_input(req, body, &in))
                goto out;
        actor = api_actor(req, &call->session);
        result = create ? queue_create(call->ctx->app, &actor, call->tenant_id, &in, &q, &field)
                        : queue_update(call->ctx->app, &actor, call->tenant_id, call->id, &in, &q, &field);
        if (result)
                api_fail(req, result, field);
        else
                respond_queue(req, create ? 201 : 200, &q);
out:
        json_decref(body);
}

static void create(struct http_request *req, struct api_call *call)
{
        write(req, call, true);
}

static void patch(struct http_request *req, struct api_call *call)
{
        write(req, call, false);
}

static void list(struct http_request *req, struct api_call *call)
{
        struct store_queue *items = NULL;
        struct store_page page;
        size_t n = 0;
        enum result result;
        json_t *arr;

        if (!api_page(req, &page))
                return;
        result = queue_list(call->ctx->app, call->tenant_id, &page, &items, &n);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        arr = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, queue_json(&items[i]));
        free(items);
        http_respond_json(req, 200, api_list_json("queues", arr, &page));
}

static void get(struct http_request *req, struct api_call *call)
{
        struct store_queue q;
        enum result result;

        result = queue_get(call->ctx->app, call->tenant_id, call->id, &q);
        if (result)
                api_fail(req, result, NULL);
        else
                respond_queue(req, 200, &q);
}

static void delete(struct http_request *req, struct api_call *call)
{
        struct actor actor = api_actor(req, &call->session);
        enum result result;

        result = queue_delete(call->ctx->app, &actor, call->tenant_id, call->id);
        if (result)
                api_fail(req, result, NULL);
        else
                http_respond_json(req, 200, json_pack("{sb}", "success", 1));
}

/* QueueMembersResponse of m[0..n). */
static void respond_members(struct http_request *req, const struct store_queue_member *m, size_t n)
{
        json_t *arr = json_array();

        for (size_t i = 0; i < n; i++) {
                json_t *exts = json_array();
                for (size_t e = 0; e < m[i].n_extensions; e++)
                        json_array_append_new(exts, json_string(m[i].extensions[e]));
                json_array_append_new(arr, json_pack("{sIsIsIsssssoss}", "agent_id",
                                                     (json_int_t)m[i].user_id, "level",
                                                     (json_int_t)m[i].level, "position",
                                                     (json_int_t)m[i].position, "first_name",
                                                     m[i].first_name, "last_name", m[i].last_name,
                                                     "extensions", exts, "status",
                                                     queue_status_name(m[i].status)));
        }
        http_respond_json(req, 200, json_pack("{sbso}", "success", 1, "members", arr));
}

static void members_get(struct http_request *req, struct api_call *call)
{
        struct store_queue_member *m = NULL;
        size_t n = 0;
        enum result result;

        result = queue_members_get(call->ctx->app, call->tenant_id, call->id, &m, &n);
        if (result)
                api_fail(req, result, NULL);
        else
                respond_members(req, m, n);
        free(m);
}

/* One member of the request, i its index: {agent_id, level?, position?}. */
static bool member_input(struct http_request *req, json_t *item, size_t i,
                         struct store_queue_member *ret)
{
        char field[48];
        json_t *v;

        ret->level = ret->position = 1;
        snprintf(field, sizeof(field), "members[%zu]", i);
        if (!json_is_object(item)) {
                http_respond_error(req, 400, "validation_failed", "a member must be an object", field);
                return false;
        }
        v = json_object_get(item, "agent_id");
        snprintf(field, sizeof(field), "members[%zu].agent_id", i);
        if (!json_is_integer(v) || json_integer_value(v) < 1) {
                http_respond_error(req, 400, "validation_failed", "agent_id must be an agent's id", field);
                return false;
        }
        ret->user_id = json_integer_value(v);
        v = json_object_get(item, "level");
        snprintf(field, sizeof(field), "members[%zu].level", i);
        if (v && (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 100)) {
                http_respond_error(req, 400, "validation_failed", "level must be an integer 1..100", field);
                return false;
        }
        if (v)
                ret->level = json_integer_value(v);
        v = json_object_get(item, "position");
        snprintf(field, sizeof(field), "members[%zu].position", i);
        if (v && (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000)) {
                http_respond_error(req, 400, "validation_failed", "position must be an integer 1..1000",
                                   field);
                return false;
        }
        if (v)
                ret->position = json_integer_value(v);
        return true;
}

static void members_put(struct http_request *req, struct api_call *call)
{
        struct store_queue_member *in = NULL, *m = NULL;
        size_t n, n_now = 0, bad = 0;
        char field[48];
        struct actor actor;
        enum result result;
        json_t *body, *arr;

        body = http_request_json(req);
        if (!body)
                return;
        arr = json_object_get(body, "members");
        if (!json_is_array(arr) || json_array_size(arr) > STORE_QUEUE_MEMBERS_MAX) {
                http_respond_error(req, 400, "validation_failed",
                                   "members must be an array of at most 500", "members");
                goto out;
        }
        n = json_array_size(arr);
        in = calloc(n ? n : 1, sizeof(*in));
        if (!in) {
                api_fail(req, RESULT_NOMEM, NULL);
                goto out;
        }
        for (size_t i = 0; i < n; i++)
                if (!member_input(req, json_array_get(arr, i), i, &in[i]))
                        goto out;
        actor = api_actor(req, &call->session);
        result = queue_members_set(call->ctx->app, &actor, call->tenant_id, call->id, in, n, &m, &n_now,
                                   &bad);
        if (result == RESULT_INVALID) {
                snprintf(field, sizeof(field), "members[%zu].agent_id", bad);
                http_respond_error(req, 400, "validation_failed",
                                   "each member must be an agent of the tenant, once", field);
        } else if (result) {
                api_fail(req, result, NULL);
        } else {
                respond_members(req, m, n_now);
        }
out:
        free(in);
        free(m);
        json_decref(body);
}

static void respond_settings(struct http_request *req, int64_t wrap_up_s, int64_t max_no_answer)
{
        /* TODO(qfs): the tenant's queue node, from domain/provisioning/queue_node.c
         * once it lands; null until then (as for a cluster without nodes). */
        http_respond_json(req, 200, json_pack("{sbsIsIsn}", "success", 1, "wrap_up_s",
                                              (json_int_t)wrap_up_s, "max_no_answer",
                                              (json_int_t)max_no_answer, "node"));
}

static void settings_get(struct http_request *req, struct api_call *call)
{
        int64_t wrap_up_s, max_no_answer;
        enum result result;

        result = queue_defaults_get(call->ctx->app, call->tenant_id, &wrap_up_s, &max_no_answer);
        if (result)
                api_fail(req, result, NULL);
        else
                respond_settings(req, wrap_up_s, max_no_answer);
}

static void settings_put(struct http_request *req, struct api_call *call)
{
        int64_t wrap_up_s = -1, max_no_answer = -1;
        const char *field = NULL;
        struct actor actor;
        enum result result;
        json_t *body;

        body = http_request_json(req);
        if (!body)
                return;
        if (!api_field_int(req, body, "wrap_up_s", 0, QUEUES_WRAP_UP_MAX_S, &wrap_up_s) ||
            !api_field_int(req, body, "max_no_answer", 0, QUEUES_MAX_NO_ANSWER_MAX, &max_no_answer))
                goto out;
        actor = api_actor(req, &call->session);
        result = queue_defaults_set(call->ctx->app, &actor, call->tenant_id, wrap_up_s, max_no_answer,
                                    &wrap_up_s, &max_no_answer, &field);
        if (result)
                api_fail(req, result, field);
        else
                respond_settings(req, wrap_up_s, max_no_answer);
out:
        json_decref(body);
}

static void respond_reasons(struct http_request *req,
                            char reasons[STORE_BREAK_REASONS_MAX][STORE_BREAK_REASON_SIZE], size_t n)
{
        json_t *arr = json_array();

        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, json_string(reasons[i]));
        http_respond_json(req, 200, json_pack("{sbso}", "success", 1, "break_reasons", arr));
}

static void reasons_get(struct http_request *req, struct api_call *call)
{
        char reasons[STORE_BREAK_REASONS_MAX][STORE_BREAK_REASON_SIZE];
        size_t n = 0;
        enum result result;

        result = break_reasons_get(call->ctx->app, call->tenant_id, reasons, &n);
        if (result)
                api_fail(req, result, NULL);
        else
                respond_reasons(req, reasons, n);
}

static void reasons_put(struct http_request *req, struct api_call *call)
{
        char reasons[STORE_BREAK_REASONS_MAX][STORE_BREAK_REASON_SIZE];
        const char *names[STORE_BREAK_REASONS_MAX];
        size_t n, bad = 0;
        char field[48];
        struct actor actor;
        enum result result;
        json_t *body, *arr;

        body = http_request_json(req);
        if (!body)
                return;
        arr = json_object_get(body, "break_reasons");
        n = json_array_size(arr);
        if (!json_is_array(arr) || n < 1 || n > STORE_BREAK_REASONS_MAX) {
                http_respond_error(req, 400, "validation_failed",
                                   "break_reasons must be an array of 1 to 20 names", "break_reasons");
                goto out;
        }
        for (size_t i = 0; i < n; i++) {
                json_t *v = json_array_get(arr, i);
                names[i] = json_string_value(v);
                if (!names[i] || strlen(names[i]) != json_string_length(v)) {
                        snprintf(field, sizeof(field), "break_reasons[%zu]", i);
                        http_respond_error(req, 400, "validation_failed", "a reason must be a name",
                                           field);
                        goto out;
                }
        }
        actor = api_actor(req, &call->session);
        result = break_reasons_set(call->ctx->app, &actor, call->tenant_id, names, n, &bad);
        if (result == RESULT_INVALID) {
                snprintf(field, sizeof(field), "break_reasons[%zu]", bad);
                http_respond_error(req, 400, "validation_failed",
                                   "each reason a name of at most 40 characters, none twice", field);
        } else if (result) {
                api_fail(req, result, NULL);
        } else {
                result = break_reasons_get(call->ctx->app, call->tenant_id, reasons, &n);
                if (result)
                        api_fail(req, result, NULL);
                else
                        respond_reasons(req, reasons, n);
        }
out:
        json_decref(body);
}

enum result api_queues_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "POST", "/v1/admin/queues", API_WRITERS, API_TENANT, create },
                { "GET", "/v1/admin/queues", API_READERS, API_TENANT, list },
                { "GET", "/v1/admin/queues/:id", API_READERS, API_TENANT, get },
                { "PATCH", "/v1/admin/queues/:id", API_WRITERS, API_TENANT, patch },
                { "DELETE", "/v1/admin/queues/:id", API_WRITERS, API_TENANT, delete },
                { "GET", "/v1/admin/queues/:id/members", API_READERS, API_TENANT, members_get },
                { "PUT", "/v1/admin/queues/:id/members", API_WRITERS, API_TENANT, members_put },
                { "GET", "/v1/admin/queue-settings", API_READERS, API_TENANT, settings_get },
                { "PUT", "/v1/admin/queue-settings", API_WRITERS, API_TENANT, settings_put },
                { "GET", "/v1/admin/break-reasons", API_READERS, API_TENANT, reasons_get },
                { "PUT", "/v1/admin/break-reasons", API_WRITERS, API_TENANT, reasons_put },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}
