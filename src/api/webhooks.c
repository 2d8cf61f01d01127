/* /v1/admin/webhooks[/:id[/test|/deliveries]]: a tenant's webhook
 * endpoints and their delivery log (domain/webhooks/). Admins only: an
 * endpoint receives every event of the types it takes, so choosing one is
 * as much as reading them all. The secret is in the create's answer
 * alone. */
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/webhooks/webhooks.h"
#include "util/wipe.h"

/* A Webhook as openapi.yaml shows it (never its secret). */
static json_t *webhook_json(const struct store_webhook *w)
{
        enum event_type types[WEBHOOK_EVENT_TYPES];
        size_t n = webhook_event_types(w, types);
        json_t *o = json_object(), *events = json_array();

        for (size_t i = 0; i < n; i++)
                json_array_append_new(events, json_string(event_type_name(types[i])));
        json_object_set_new(o, "id", json_integer(w->id));
        json_object_set_new(o, "url", json_string(w->url));
        json_object_set_new(o, "description", json_string(w->description));
        json_object_set_new(o, "events", events);
        json_object_set_new(o, "enabled", json_boolean(w->enabled));
        json_object_set_new(o, "created_at", api_time(w->created_at));
        json_object_set_new(o, "updated_at", api_time(w->updated_at));
        return o;
}

/* WebhookInput from body into *in; the events' names are borrowed from
 * body into names. */
static bool webhook_input(struct http_request *req, json_t *body, struct webhook_input *in,
                          const char *names[WEBHOOK_EVENT_TYPES])
{
        json_t *events = json_object_get(body, "events");
        bool enabled;

        if (!api_field_string(req, body, "url", false, &in->url) ||
            !api_field_string(req, body, "description", false, &in->description))
                return false;
        if (json_object_get(body, "enabled")) {
                if (!api_field_bool(req, body, "enabled", &enabled))
                        return false;
                in->enabled = enabled;
        }
        if (!events)
                return true;
        if (!json_is_array(events) || json_array_size(events) == 0 ||
            json_array_size(events) > WEBHOOK_EVENT_TYPES) {
                http_respond_error(req, 400, "validation_failed",
                                   "events must be an array of event types, each at most once",
                                   "events");
                return false;
        }
        for (size_t i = 0; i < json_array_size(events); i++) {
                names[i] = json_string_value(json_array_get(events, i));
                if (!names[i]) {
                        http_respond_error(req, 400, "validation_failed",
                                           "events must be an array of event types", "events");
                        return false;
                }
        }
        in->events = names;
        in->n_events = json_array_size(events);
        in->events_given = true;
        return true;
}

/* POST (create: url and events required) or PATCH of an endpoint. */
static void write(struct http_request *req, struct api_call *call, bool create)
{
        struct webhook_input in = WEBHOOK_INPUT_NONE;
        const char *names[WEBHOOK_EVENT_TYPES];
        char secret[CREDENTIALS_WEBHOOK_SECRET_LEN + 1] = "";
        const char *field = NULL;
        struct store_webhook w;
        struct actor actor;
        enum result result;
        json_t *body, *o;

        body = http_request_json(req);
        if (!body)
                return;
        if (!webhook_input(req, body, &in, names))
                goto out;
        actor = api_actor(req, &call->session);
        result = create ? webhook_create(call->ctx->app, &actor, call->tenant_id, &in, &w, secret,
                                         &field)
                        : webhook_update(call->ctx->app, &actor, call->tenant_id, call->id, &in, &w,
                                         &field);
        if (result) {
                api_fail(req, result, field);
                goto out;
        }
        o = webhook_json(&w);
        if (create)
                json_object_set_new(o, "secret", json_string(secret));
        http_respond_json(req, create ? 201 : 200, json_pack("{sbso}", "success", 1, "webhook", o));
out:
        wipe_memory(secret, sizeof(secret));
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
        struct store_webhook *items = NULL;
        struct store_page page;
        size_t n = 0;
        enum result result;
        json_t *arr;

        if (!api_page(req, &page))
                return;
        result = webhook_list(call->ctx->app, call->tenant_id, &page, &items, &n);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        arr = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, webhook_json(&items[i]));
        free(items);
        http_respond_json(req, 200, api_list_json("webhooks", arr, &page));
}

static void delete(struct http_request *req, struct api_call *call)
{
        struct actor actor = api_actor(req, &call->session);
        enum result result;

        result = webhook_delete(call->ctx->app, &actor, call->tenant_id, call->id);
        if (result)
                api_fail(req, result, NULL);
        else
                http_respond_json(req, 200, json_pack("{sb}", "success", 1));
}

static void test(struct http_request *req, struct api_call *call)
{
        struct actor actor = api_actor(req, &call->session);
        int64_t delivery_id = 0;
        enum result result;

        result = webhook_send_test(call->ctx->app, &actor, call->tenant_id, call->id, &delivery_id);
        if (result == RESULT_CONFLICT)
                http_respond_error(req, 409, "webhook_disabled",
                                   "the endpoint is disabled: enable it first", NULL);
        else if (result)
                api_fail(req, result, NULL);
        else
                http_respond_json(req, 202, json_pack("{sbsI}", "success", 1, "delivery_id",
                                                      (json_int_t)delivery_id));
}

/* A WebhookDelivery as openapi.yaml shows it. */
static json_t *delivery_json(const struct store_webhook_delivery *d)
{
        json_t *o = json_object();

        json_object_set_new(o, "id", json_integer(d->id));
        json_object_set_new(o, "event_id", json_integer(d->event_id ? d->event_id : -d->id));
        json_object_set_new(o, "type", json_string(d->type));
        json_object_set_new(o, "state", json_string(webhook_delivery_state_name(d->state)));
        json_object_set_new(o, "attempts", json_integer(d->attempts));
        json_object_set_new(o, "status_code", d->last_status ? json_integer(d->last_status)
                                                             : json_null());
        json_object_set_new(o, "latency_ms", d->attempts ? json_integer(d->last_latency_ms)
                                                         : json_null());
        json_object_set_new(o, "error", api_string_or_null(d->last_error));
        json_object_set_new(o, "next_attempt_at",
                            d->state == WEBHOOK_DELIVERY_PENDING
                                    ? api_time(d->next_attempt_ms / 1000) : json_null());
        json_object_set_new(o, "created_at", api_time(d->created_at));
        json_object_set_new(o, "updated_at", api_time(d->updated_at));
        return o;
}

static void deliveries(struct http_request *req, struct api_call *call)
{
        struct store_webhook_delivery *items = NULL;
        struct store_page page;
        size_t n = 0;
        enum result result;
        json_t *arr;

        if (!api_page(req, &page))
                return;
        result = webhook_deliveries(call->ctx->app, call->tenant_id, call->id, &page, &items, &n);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        arr = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, delivery_json(&items[i]));
        store_webhook_deliveries_free(items, n);
        http_respond_json(req, 200, api_list_json("deliveries", arr, &page));
}

enum result api_webhooks_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "GET", "/v1/admin/webhooks", API_WRITERS, API_TENANT, list },
                { "POST", "/v1/admin/webhooks", API_WRITERS, API_TENANT, create },
                { "PATCH", "/v1/admin/webhooks/:id", API_WRITERS, API_TENANT, patch },
                { "DELETE", "/v1/admin/webhooks/:id", API_WRITERS, API_TENANT, delete },
                { "POST", "/v1/admin/webhooks/:id/test", API_WRITERS, API_TENANT, test },
                { "GET", "/v1/admin/webhooks/:id/deliveries", API_WRITERS, API_TENANT, deliveries },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}
