/* /v1/admin/tenants: the platform's tenants (superadmin only). */
#include <stdlib.h>

#include "api/common.h"
#include "domain/tenants/tenants.h"

/* A tenant with its PoolStats (registered and utilisation included). */
static json_t *tenant_out(struct api_context *ctx, const struct store_tenant *t,
                          const struct store_pool_stats *stats)
{
        json_t *o = api_tenant_json(t, NULL);

        json_object_set_new(o, "stats", api_pool_stats_json(ctx, t->id, stats));
        return o;
}

static void create(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        const char *name = NULL, *sip_domain = NULL, *field = NULL;
        int64_t base = -1, size = -1, cluster_id = 0;
        struct store_pool_stats stats;
        struct store_tenant t;
        struct actor actor;
        enum result result;
        json_t *body;

        body = http_request_json(req);
        if (!body)
                return;
        /* A null sip_domain means none, as in PATCH; a null cluster_id the
         * default cluster. */
        api_take_null(body, "sip_domain");
        api_take_null(body, "cluster_id");
        if (!api_field_string(req, body, "name", true, &name) ||
            !api_field_int(req, body, "cluster_id", 1, INT64_MAX / 2, &cluster_id) ||
            !api_field_int(req, body, "pool_base", 0, TENANT_POOL_MAX_NUMBER, &base) ||
            !api_field_int(req, body, "pool_size", 1, TENANT_POOL_MAX_SIZE, &size) ||
            !api_field_string(req, body, "sip_domain", false, &sip_domain))
                goto out;
        actor = api_actor(req, &call->session);
        result = tenant_create(ctx->store, &actor, name, sip_domain, base, size, cluster_id, &t,
                               &field);
        if (!result)
                result = tenant_get(ctx->app, t.id, &t, &stats);
        if (result) {
                api_fail(req, result, field);
                goto out;
        }
        http_respond_json(req, 201, json_pack("{sbso}", "success", 1, "tenant",
                                              tenant_out(ctx, &t, &stats)));
out:
        json_decref(body);
}

static void list(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct store_tenant *items = NULL;
        struct store_page page;
        size_t n = 0;
        enum result result;
        json_t *arr;

        if (!api_page(req, &page))
                return;
        result = tenant_list(ctx->app, &page, &items, &n);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        arr = json_array();
        for (size_t i = 0; i < n && !result; i++) {
                struct store_pool_stats stats;
                result = tenant_get(ctx->app, items[i].id, &items[i], &stats);
                if (!result)
                        json_array_append_new(arr, tenant_out(ctx, &items[i], &stats));
        }
        free(items);
        if (result) {
                json_decref(arr);
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200, api_list_json("tenants", arr, &page));
}

static void get(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct store_pool_stats stats;
        struct store_tenant t;
        int64_t id;
        enum result result;

        id = call->id;
        result = tenant_get(ctx->app, id, &t, &stats);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200, json_pack("{sbso}", "success", 1, "tenant",
                                              tenant_out(ctx, &t, &stats)));
}

static void patch(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct tenant_patch p = { 0 };
        struct store_pool_stats stats;
        struct store_tenant t;
        struct actor actor;
        const char *field = NULL;
        int64_t id;
        enum result result;
        json_t *body;

        id = call->id;
        body = http_request_json(req);
        if (!body)
                return;
        /* An explicit null clears the tenant's own domain; cluster_id null
         * moves the tenant to the default cluster. */
        if (api_take_null(body, "sip_domain"))
                p.sip_domain = "";
        p.set_cluster = api_take_null(body, "cluster_id") || json_object_get(body, "cluster_id");
        if (!api_field_string(req, body, "name", false, &p.name) ||
            !api_field_int(req, body, "cluster_id", 1, INT64_MAX / 2, &p.cluster_id) ||
            !api_field_string(req, body, "status", false, &p.status) ||
            !api_field_string(req, body, "sip_domain", false, &p.sip_domain))
                goto out;
        actor = api_actor(req, &call->session);
        result = tenant_update(ctx->app, &actor, id, &p, &t, &field);
        if (!result)
                result = tenant_get(ctx->app, id, &t, &stats);
        if (result) {
                api_fail(req, result, field);
                goto out;
        }
        http_respond_json(req, 200, json_pack("{sbso}", "success", 1, "tenant",
                                              tenant_out(ctx, &t, &stats)));
out:
        json_decref(body);
}

enum result api_tenants_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "POST", "/v1/admin/tenants", API_SUPERADMIN, API_SIGNED_IN, create },
                { "GET", "/v1/admin/tenants", API_SUPERADMIN, API_SIGNED_IN, list },
                { "GET", "/v1/admin/tenants/:id", API_SUPERADMIN, API_SIGNED_IN, get },
                { "PATCH", "/v1/admin/tenants/:id", API_SUPERADMIN, API_SIGNED_IN, patch },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}

/* A tenant as the routes show it and as the command line prints it
 * (common.h). */
json_t *api_tenant_json(const struct store_tenant *t, const struct store_pool_stats *stats)
{
        json_t *o = json_object();

        json_object_set_new(o, "id", json_integer(t->id));
        json_object_set_new(o, "name", json_string(t->name));
        json_object_set_new(o, "slug", json_string(t->slug));
        json_object_set_new(o, "status", json_string(tenant_status_name(t->status)));
        json_object_set_new(o, "sip_domain", api_string_or_null(t->sip_domain));
        json_object_set_new(o, "pool_base", json_integer(t->pool_base));
        json_object_set_new(o, "pool_size", json_integer(t->pool_size));
        json_object_set_new(o, "cluster_id", t->cluster_id ? json_integer(t->cluster_id) : json_null());
        json_object_set_new(o, "created_at", api_time(t->created_at));
        json_object_set_new(o, "updated_at", api_time(t->updated_at));
        if (stats)
                json_object_set_new(o, "stats",
                                    json_pack("{sIsIsI}", "total", (json_int_t)stats->total,
                                              "assigned", (json_int_t)stats->assigned, "free",
                                              (json_int_t)stats->free));
        return o;
}

char *api_tenant_text(const struct store_tenant *t)
{
        return api_text(api_tenant_json(t, NULL));
}
