/*
 * /v1/me/directory: the colleagues of the caller's tenant (its active
 * agents by name), each with its extensions and presence (offline,
 * available, on_break, on_call; domain/events/presence.c) — never an
 * email nor any secret. Any user of a tenant; agent.presence on
 * /v1/me/events keeps it live.
 */
#include <stdlib.h>

#include "api/common.h"
#include "domain/events/events.h"
#include "domain/live/live.h"

static json_t *entry_json(const struct store_presence *p)
{
        json_t *extensions = json_array();

        for (size_t i = 0; i < p->n_extensions; i++)
                json_array_append_new(extensions, json_string(p->extensions[i]));
        return json_pack("{sI,ss,ss,ss,so,ss}", "agent_id", (json_int_t)p->user_id, "first_name",
                         p->first_name, "last_name", p->last_name, "role",
                         user_role_name(p->role), "extensions", extensions, "presence",
                         events_presence_name(p));
}

static void directory(struct http_request *req, struct api_call *call)
{
        struct store_presence *items = NULL;
        struct store_page page;
        size_t n = 0;
        enum result result;
        json_t *arr;

        if (!api_page(req, &page))
                return;
        result = live_directory(call->ctx->app, call->tenant_id, &page, &items, &n);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        arr = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, entry_json(&items[i]));
        free(items);
        http_respond_json(req, 200, api_list_json("agents", arr, &page));
}

enum result api_directory_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "GET", "/v1/me/directory", API_TENANT_USERS, API_TENANT, directory },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}
