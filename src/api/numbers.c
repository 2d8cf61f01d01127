/* /v1/admin/numbers[/:id]: the tenant's inbound numbers
 * (domain/queues/numbers.h). Admins write; supervisors read. */
#include <stdlib.h>

#include "api/common.h"
#include "domain/queues/numbers.h"

/* An InboundNumber as openapi.yaml shows it. */
static json_t *number_json(const struct store_inbound_number *n)
{
        return json_pack("{sIsIsssososo}", "id", (json_int_t)n->id, "tenant_id",
                         (json_int_t)n->tenant_id, "number", n->number, "queue_id",
                         n->queue_id ? json_integer(n->queue_id) : json_null(), "extension",
                         api_string_or_null(n->extension), "created_at", api_time(n->created_at));
}

static void create(struct http_request *req, struct api_call *call)
{
        struct number_input in = { 0 };
        struct store_inbound_number n;
        const char *field = NULL;
        struct actor actor;
        enum result result;
        json_t *body;

        body = http_request_json(req);
        if (!body)
                return;
        if (!api_field_string(req, body, "number", true, &in.number) ||
            !api_field_int(req, body, "queue_id", 1, INT64_MAX, &in.queue_id) ||
            !api_field_string(req, body, "extension", false, &in.extension))
                goto out;
        actor = api_actor(req, &call->session);
        result = number_create(call->ctx->app, &actor, call->tenant_id, &in, &n, &field);
        if (result)
                api_fail(req, result, field);
        else
                http_respond_json(req, 201, json_pack("{sbso}", "success", 1, "number", number_json(&n)));
out:
        json_decref(body);
}

static void list(struct http_request *req, struct api_call *call)
{
        struct store_inbound_number *items = NULL;
        struct store_page page;
        size_t n = 0;
        enum result result;
        json_t *arr;

        if (!api_page(req, &page))
                return;
        result = number_list(call->ctx->app, call->tenant_id, &page, &items, &n);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        arr = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, number_json(&items[i]));
        free(items);
        http_respond_json(req, 200, api_list_json("numbers", arr, &page));
}

static void delete(struct http_request *req, struct api_call *call)
{
        struct actor actor = api_actor(req, &call->session);
        enum result result;

        result = number_delete(call->ctx->app, &actor, call->tenant_id, call->id);
        if (result)
                api_fail(req, result, NULL);
        else
                http_respond_json(req, 200, json_pack("{sb}", "success", 1));
}

enum result api_numbers_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "POST", "/v1/admin/numbers", API_WRITERS, API_TENANT, create },
                { "GET", "/v1/admin/numbers", API_READERS, API_TENANT, list },
                { "DELETE", "/v1/admin/numbers/:id", API_WRITERS, API_TENANT, delete },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}
