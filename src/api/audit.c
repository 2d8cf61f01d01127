/* /v1/admin/audit: the tenant's audit log, newest first. */
#include <stdlib.h>

#include "api/common.h"
#include "domain/core/audit.h"

static void list(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct store_audit *items = NULL;
        struct store_page page;
        size_t n = 0;
        enum result result;
        json_t *arr;

        if (!api_page(req, &page))
                return;
        result = audit_list(ctx->app, call->tenant_id, &page, &items, &n);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        arr = json_array();
        for (size_t i = 0; i < n; i++) {
                const struct store_audit *a = &items[i];
                json_t *details = json_loads(a->details, 0, NULL);
                json_array_append_new(
                        arr, json_pack("{sI,ss,so,so,ss,so,so,so,ss,ss,so}", "id", (json_int_t)a->id,
                                       "action", a->action, "actor_user_id",
                                       a->actor_user_id ? json_integer(a->actor_user_id) : json_null(),
                                       "actor_email", api_string_or_null(a->actor_email),
                                       "target_type", a->target_type, "target_id",
                                       a->target_id ? json_integer(a->target_id) : json_null(),
                                       "target_label", api_string_or_null(a->target_label),
                                       "details", details ? details : json_object(), "client_ip",
                                       a->client_ip, "request_id", a->request_id, "created_at",
                                       api_time(a->created_at)));
        }
        free(items);
        http_respond_json(req, 200, api_list_json("entries", arr, &page));
}

enum result api_audit_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "GET", "/v1/admin/audit", API_READERS, API_TENANT, list },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}
