/*
 * The JSON API and the operational endpoints, as HTTP handlers. One file
 * per resource; each handler is thin: parse, call the domain, answer.
 * Handlers never speak SQL or ESL.
 */
#ifndef AGENTDESK_API_API_H
#define AGENTDESK_API_API_H

#include "domain/core/app.h"
#include "http/http.h"
#include "store/store.h"
#include "web/web.h"

#define API_MAX_ROUTES 128

struct api_route;

/* A route row bound to the context (api/common.h, api_routes_register). */
struct api_binding {
        struct api_context *ctx;
        const struct api_route *route;
};

/* What the handlers share; lives as long as the server. */
struct api_context {
        struct store *store;
        struct app *app;
        struct web_site *web;            /* NULL: the app is not served */
        /* The process's listeners, whose request figures /metrics shows
         * (set by api_register). */
        const struct http_server *servers[3];
        size_t n_servers;
        struct api_binding bindings[API_MAX_ROUTES];  /* filled by api_register */
        size_t n_bindings;
};

/* Registers every route of the API on srv; the FreeSWITCH endpoint goes on
 * fs_srv when given (its own listener, AGENTDESK_FS_LISTEN), /metrics on
 * metrics_srv when given (AGENTDESK_METRICS_LISTEN); each else on srv. */
enum result api_register(struct http_server *srv, struct http_server *fs_srv,
                         struct http_server *metrics_srv, struct api_context *ctx);

/* Per-resource registration, called by api_register(). */
enum result api_health_register(struct http_server *srv, struct api_context *ctx);
enum result api_metrics_register(struct http_server *srv, struct api_context *ctx);
enum result api_auth_register(struct http_server *srv, struct api_context *ctx);
enum result api_agents_register(struct http_server *srv, struct api_context *ctx);
enum result api_imports_register(struct http_server *srv, struct api_context *ctx);
enum result api_extensions_register(struct http_server *srv, struct api_context *ctx);
enum result api_tenants_register(struct http_server *srv, struct api_context *ctx);
enum result api_audit_register(struct http_server *srv, struct api_context *ctx);
enum result api_freeswitch_register(struct http_server *srv, struct api_context *ctx);
enum result api_freeswitch_status_register(struct http_server *srv, struct api_context *ctx);

/* Replaces the addresses allowed to call /freeswitch/xml (a CIDR list,
 * AGENTDESK_XMLCURL_ALLOW) while the server runs (SIGHUP). RESULT_INVALID,
 * the old list kept, when list does not parse. */
enum result api_freeswitch_allow_set(const char *list);
enum result api_clusters_register(struct http_server *srv, struct api_context *ctx);
enum result api_events_register(struct http_server *srv, struct api_context *ctx);
enum result api_calls_register(struct http_server *srv, struct api_context *ctx);
enum result api_directory_register(struct http_server *srv, struct api_context *ctx);
enum result api_board_register(struct http_server *srv, struct api_context *ctx);
enum result api_queues_register(struct http_server *srv, struct api_context *ctx);
enum result api_numbers_register(struct http_server *srv, struct api_context *ctx);
enum result api_queue_status_register(struct http_server *srv, struct api_context *ctx);
enum result api_voicemail_register(struct http_server *srv, struct api_context *ctx);
enum result api_scim_register(struct http_server *srv, struct api_context *ctx);
enum result api_webhooks_register(struct http_server *srv, struct api_context *ctx);
enum result api_sso_register(struct http_server *srv, struct api_context *ctx);
/* The web app for what no route takes (when ctx->web), no-store on /v1. */
enum result api_web_register(struct http_server *srv, struct api_context *ctx);

#endif
