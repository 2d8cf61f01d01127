/*
 * /v1/admin/freeswitch/clusters and their nodes (superadmin only): the
 * stored FreeSWITCH clusters a tenant can belong to. The default cluster
 * is the settings' and is not listed here (the status route shows it).
 * Event Socket passwords go in and never come out.
 */
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/switches/cluster.h"
#include "domain/switches/cluster_admin.h"

static json_t *node_json(const struct store_node *n)
{
        json_t *o = json_object();

        json_object_set_new(o, "id", json_integer(n->id));
        json_object_set_new(o, "cluster_id", json_integer(n->cluster_id));
        json_object_set_new(o, "name", json_string(n->name));
        json_object_set_new(o, "esl_host", json_string(n->esl_host));
        json_object_set_new(o, "esl_port", json_integer(n->esl_port));
        json_object_set_new(o, "sofia_profile", json_string(n->sofia_profile));
        json_object_set_new(o, "ssh_target", api_string_or_null(n->ssh_target));
        json_object_set_new(o, "conf_dir", api_string_or_null(n->conf_dir));
        json_object_set_new(o, "status", json_string(cluster_status_name(n->status)));
        json_object_set_new(o, "created_at", api_time(n->created_at));
        json_object_set_new(o, "updated_at", api_time(n->updated_at));
        return o;
}

/* The cluster with its nodes; NULL (after answering) when they cannot be read. */
static json_t *cluster_json(struct http_request *req, struct api_context *ctx,
                            const struct store_cluster *c)
{
        struct store_node *nodes = calloc(CLUSTER_MAX_NODES, sizeof(*nodes));
        json_t *o, *arr;
        size_t n = 0;
        enum result result = nodes ? cluster_nodes(ctx->app, c->id, nodes, CLUSTER_MAX_NODES, &n)
                                   : RESULT_NOMEM;

        if (result) {
                free(nodes);
                api_fail(req, result, NULL);
                return NULL;
        }
        arr = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, node_json(&nodes[i]));
        free(nodes);
        o = json_object();
        json_object_set_new(o, "id", json_integer(c->id));
        json_object_set_new(o, "name", json_string(c->name));
        json_object_set_new(o, "region", api_string_or_null(c->region));
        json_object_set_new(o, "mode", json_string(fs_mode_name(c->mode)));
        json_object_set_new(o, "sip_domain", api_string_or_null(c->sip_domain));
        json_object_set_new(o, "websocket_url", api_string_or_null(c->websocket_url));
        json_object_set_new(o, "status", json_string(cluster_status_name(c->status)));
        json_object_set_new(o, "created_at", api_time(c->created_at));
        json_object_set_new(o, "updated_at", api_time(c->updated_at));
        json_object_set_new(o, "nodes", arr);
        return o;
}

static void respond_cluster(struct http_request *req, struct api_context *ctx, unsigned status,
                            const struct store_cluster *c)
{
        json_t *o = cluster_json(req, ctx, c);

        if (o)
                http_respond_json(req, status, json_pack("{sbso}", "success", 1, "cluster", o));
}

/* A null value of field clears it: "" into *slot. */
static void null_clears(json_t *body, const char *field, const char **slot)
{
        if (api_take_null(body, field))
                *slot = "";
}

/* Reads the cluster fields of body; a null region, sip_domain or
 * websocket_url clears it. */
static bool cluster_fields(struct http_request *req, json_t *body, bool create,
                           struct cluster_fields *f)
{
        null_clears(body, "region", &f->region);
        null_clears(body, "sip_domain", &f->sip_domain);
        null_clears(body, "websocket_url", &f->websocket_url);
        return api_field_string(req, body, "name", create, &f->name) &&
               api_field_string(req, body, "region", false, &f->region) &&
               api_field_string(req, body, "mode", false, &f->mode) &&
               api_field_string(req, body, "sip_domain", false, &f->sip_domain) &&
               api_field_string(req, body, "websocket_url", false, &f->websocket_url) &&
               api_field_string(req, body, "status", false, &f->status);
}

/* POST (create) or PATCH of a cluster. */
static void write_cluster(struct http_request *req, struct api_call *call, bool create)
{
        struct api_context *ctx = call->ctx;
        struct cluster_fields f = { 0 };
        struct store_cluster c;
        struct actor actor;
        const char *field = NULL;
        enum result result;
        json_t *body;

        body = http_request_json(req);
        if (!body)
                return;
        if (!cluster_fields(req, body, create, &f))
                goto out;
        actor = api_actor(req, &call->session);
        result = create ? cluster_create(ctx->app, &actor, &f, &c, &field)
                        : cluster_update(ctx->app, &actor, call->id, &f, &c, &field);
        if (result) {
                api_fail(req, result, field);
                goto out;
        }
        respond_cluster(req, ctx, create ? 201 : 200, &c);
out:
        json_decref(body);
}

static void create(struct http_request *req, struct api_call *call)
{
        write_cluster(req, call, true);
}

static void patch(struct http_request *req, struct api_call *call)
{
        write_cluster(req, call, false);
}

static void list(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct store_cluster *items = NULL;
        struct store_page page;
        size_t n = 0;
        enum result result;
        json_t *arr;

        if (!api_page(req, &page))
                return;
        result = cluster_list(ctx->app, &page, &items, &n);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        arr = json_array();
        for (size_t i = 0; i < n; i++) {
                json_t *o = cluster_json(req, ctx, &items[i]);
                if (!o) {
                        json_decref(arr);
                        free(items);
                        return;
                }
                json_array_append_new(arr, o);
        }
        free(items);
        http_respond_json(req, 200, api_list_json("clusters", arr, &page));
}

static void get(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct store_cluster c;
        enum result result = cluster_get(ctx->app, call->id, &c);

        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        respond_cluster(req, ctx, 200, &c);
}

static void delete(struct http_request *req, struct api_call *call)
{
        struct actor actor = api_actor(req, &call->session);
        enum result result = cluster_delete(call->ctx->app, &actor, call->id);

        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200, json_pack("{sb}", "success", 1));
}

/* Reads the node fields of body; a null ssh_target or conf_dir clears it. */
static bool node_fields(struct http_request *req, json_t *body, bool create, struct node_fields *f)
{
        f->esl_port = -1;
        null_clears(body, "ssh_target", &f->ssh_target);
        null_clears(body, "conf_dir", &f->conf_dir);
        return api_field_string(req, body, "name", create, &f->name) &&
               api_field_string(req, body, "esl_host", create, &f->esl_host) &&
               api_field_int(req, body, "esl_port", 1, 65535, &f->esl_port) &&
               api_field_string(req, body, "esl_password", create, &f->esl_password) &&
               api_field_string(req, body, "sofia_profile", false, &f->sofia_profile) &&
               api_field_string(req, body, "ssh_target", false, &f->ssh_target) &&
               api_field_string(req, body, "conf_dir", false, &f->conf_dir) &&
               api_field_string(req, body, "status", false, &f->status);
}

/* POST (create) or PATCH of a node. */
static void write_node(struct http_request *req, struct api_call *call, bool create)
{
        struct api_context *ctx = call->ctx;
        struct node_fields f = { 0 };
        struct store_node n;
        struct actor actor;
        const char *field = NULL;
        enum result result;
        int64_t cluster_id = call->id, id = 0;
        json_t *body;

        if (!create && !api_path_param_id(req, "node_id", &id))
                return;
        body = http_request_json(req);
        if (!body)
                return;
        if (!node_fields(req, body, create, &f))
                goto out;
        actor = api_actor(req, &call->session);
        result = create ? cluster_node_add(ctx->app, &actor, cluster_id, &f, &n, &field)
                        : cluster_node_update(ctx->app, &actor, cluster_id, id, &f, &n, &field);
        if (result) {
                api_fail(req, result, field);
                goto out;
        }
        http_respond_json(req, create ? 201 : 200,
                          json_pack("{sbso}", "success", 1, "node", node_json(&n)));
out:
        json_decref(body);
}

static void node_create(struct http_request *req, struct api_call *call)
{
        write_node(req, call, true);
}

static void node_patch(struct http_request *req, struct api_call *call)
{
        write_node(req, call, false);
}

static void node_delete(struct http_request *req, struct api_call *call)
{
        struct actor actor;
        enum result result;
        int64_t id;

        if (!api_path_param_id(req, "node_id", &id))
                return;
        actor = api_actor(req, &call->session);
        result = cluster_node_delete(call->ctx->app, &actor, call->id, id);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200, json_pack("{sb}", "success", 1));
}

enum result api_clusters_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "GET", "/v1/admin/freeswitch/clusters", API_SUPERADMIN, API_SIGNED_IN, list },
                { "POST", "/v1/admin/freeswitch/clusters", API_SUPERADMIN, API_SIGNED_IN, create },
                { "GET", "/v1/admin/freeswitch/clusters/:id", API_SUPERADMIN, API_SIGNED_IN, get },
                { "PATCH", "/v1/admin/freeswitch/clusters/:id", API_SUPERADMIN, API_SIGNED_IN,
                  patch },
                { "DELETE", "/v1/admin/freeswitch/clusters/:id", API_SUPERADMIN, API_SIGNED_IN,
                  delete },
                { "POST", "/v1/admin/freeswitch/clusters/:id/nodes", API_SUPERADMIN, API_SIGNED_IN,
                  node_create },
                { "PATCH", "/v1/admin/freeswitch/clusters/:id/nodes/:node_id", API_SUPERADMIN,
                  API_SIGNED_IN, node_patch },
                { "DELETE", "/v1/admin/freeswitch/clusters/:id/nodes/:node_id", API_SUPERADMIN,
                  API_SIGNED_IN, node_delete },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}
