/*
 * What the resource handlers share: the auth guard, tenant scoping, list
 * paging, body field readers and JSON renderings of domain objects.
 * Every function that answers a failure itself says so and returns false;
 * the handler then returns at once.
 */
#ifndef AGENTDESK_API_COMMON_H
#define AGENTDESK_API_COMMON_H

#include <jansson.h>
#include <stdbool.h>

#include "api/api.h"
#include "domain/identity/agents.h"
#include "domain/identity/auth.h"
#include "domain/provisioning/extensions.h"
#include "domain/identity/users.h"
#include "util/buf.h"

/* Sets of roles, one bit per enum user_role. */
enum api_role {
        API_SUPERADMIN = 1 << USER_ROLE_SUPERADMIN,
        API_ADMIN = 1 << USER_ROLE_ADMIN,
        API_SUPERVISOR = 1 << USER_ROLE_SUPERVISOR,
        API_AGENT = 1 << USER_ROLE_AGENT,
        API_ANY = 0xf,
        API_READERS = API_SUPERADMIN | API_ADMIN | API_SUPERVISOR,
        API_WRITERS = API_SUPERADMIN | API_ADMIN,
        /* The roles that have an agent account: every user of a tenant. */
        API_TENANT_USERS = API_ADMIN | API_SUPERVISOR | API_AGENT,
};

/* Who may call a route, beyond its roles. */
enum api_scope {
        API_PUBLIC,                      /* anyone (the handler checks what it needs) */
        API_SIGNED_IN,                   /* a session whose role is in the row's roles */
        API_SIGNED_IN_RESTRICTED,        /* that, a temporary-password session too */
        API_TENANT,                      /* a signed-in session, and the tenant it acts in */
};

/* What the shared preamble established for a handler. */
struct api_call {
        struct api_context *ctx;
        struct store_session session;    /* unless API_PUBLIC */
        int64_t tenant_id;               /* API_TENANT: the tenant the call acts in */
        int64_t id;                      /* the pattern's :id, when it has one */
};

typedef void (*api_handler_fn)(struct http_request *req, struct api_call *call);

/*
 * A route as a row: {method, pattern, roles, scope, handler}. Before the
 * handler runs, one preamble answers for it: the guard (API_SIGNED_IN*,
 * API_TENANT), the tenant scope (API_TENANT), the :id (404 when not a
 * positive integer). A handler is then only its own logic. A public
 * route's handler checks its callers itself (the FreeSWITCH endpoint: an
 * address list and basic auth, before anything else), so the preamble
 * leaves its :id to it.
 */
struct api_route {
        const char *method, *pattern;
        unsigned roles;                  /* enum api_role bits; unused for API_PUBLIC */
        enum api_scope scope;
        api_handler_fn handler;
};

/* Registers n rows on srv (the one way routes are added); routes must
 * outlive the server (static tables). RESULT_NOMEM past API_MAX_ROUTES. */
enum result api_routes_register(struct http_server *srv, struct api_context *ctx,
                                const struct api_route *routes, size_t n);

#define API_ROUTES_REGISTER(srv, ctx, routes) \
        api_routes_register((srv), (ctx), (routes), sizeof(routes) / sizeof((routes)[0]))

/*
 * The guard: a valid bearer token (else 401 unauthorized), not a
 * temporary-password session unless allow_restricted (else 403
 * password_change_required), a role in roles (else 403 forbidden).
 * Fills *ret and tags the request with the caller's tenant.
 */
bool api_authenticate(struct http_request *req, struct api_context *ctx, unsigned roles,
                      bool allow_restricted, struct store_session *ret);

/* Answers 401 unauthorized with error.reason naming why the token failed. */
void api_refuse_token(struct http_request *req, enum auth_reason reason);

/* The tenant the call acts in: the caller's own, or for a superadmin the
 * ?tenant_id= it names (400 when missing, 404 when unknown). */
bool api_tenant_scope(struct http_request *req, struct api_context *ctx,
                      const struct store_session *s, int64_t *ret_tenant_id);

/* ?limit= (default 50, 1..500) and ?offset= (default 0). */
bool api_page(struct http_request *req, struct store_page *ret);

/* The :id path parameter as a positive integer (else 404). */
bool api_path_id(struct http_request *req, int64_t *ret_id);

/* The path parameter name as a positive integer (else 404). */
bool api_path_param_id(struct http_request *req, const char *name, int64_t *ret_id);

/* Whether s is a decimal id (digits only, no sign, not too big). */
bool api_parse_id(const char *s, int64_t *ret);

/* The actor of an authenticated request. Strings borrowed from req and s. */
struct actor api_actor(struct http_request *req, const struct store_session *s);

/* Body readers. A field that is absent leaves *ret untouched and returns
 * true; one of the wrong type (null included) answers 400
 * validation_failed naming it.
 * Strings must be valid UTF-8 without NUL. */
bool api_field_string(struct http_request *req, json_t *body, const char *name, bool required,
                      const char **ret);
bool api_field_int(struct http_request *req, json_t *body, const char *name, int64_t min,
                   int64_t max, int64_t *ret);
bool api_field_bool(struct http_request *req, json_t *body, const char *name, bool *ret);

/* Whether body holds name as an explicit null; if so it is removed, so
 * that the type checks above pass it by (a null clears or defaults). */
bool api_take_null(json_t *body, const char *name);

/* Answers a domain failure (400 naming field, 404, 409, …). */
void api_fail(struct http_request *req, enum result result, const char *field);

/* Answers a CSV download: result's failure (api_fail), else out's text as
 * text/csv, an attachment named filename. Frees out either way. */
void api_respond_csv(struct http_request *req, enum result result, struct buf *out,
                     const char *filename);

/* ISO 8601 UTC, or null for 0. */
json_t *api_time(int64_t epoch);

/* s as a JSON string, or null when NULL or empty. */
json_t *api_string_or_null(const char *s);

/* {"success": true, key: items, "total", "limit", "offset"} (a new
 * reference; items is taken). */
json_t *api_list_json(const char *key, json_t *items, const struct store_page *page);

/* o as one line of compact JSON, malloc'd (NULL when out of memory); o is
 * released. */
char *api_text(json_t *o);

/*
 * Each resource's JSON, defined with its routes (new references): the
 * object every route of the resource answers with, and the one line the
 * command line prints for it.
 */
/* auth.c: answers a new session as login does (200 with token, expiresAt,
 * user, mustChangePassword) and wipes tok's token. */
void api_respond_session(struct http_request *req, struct auth_token *tok);
/* agents.c */
json_t *api_agent_json(const struct agent *a);
/* One agent of a list page, its extensions found in extensions. */
json_t *api_agent_row_json(const struct store_agent_row *a,
                           const struct store_agent_extension *extensions);
/* `agentdesk user create`'s line. */
char *api_user_text(const struct store_user *u);
/* extensions.c; sip_password only where the route reveals it. */
json_t *api_extension_json(const struct store_extension *e, const char *sip_password);

/* Sets registered, registration and last_registered_at (the openapi's
 * ExtensionSummary) on each object of extensions (a JSON array of objects
 * with an "extension"), all of tenant_id, from the listener's state
 * (domain/live/live.h): no probe of FreeSWITCH. Unknown (null) when it
 * cannot be read. */
void api_live_state(struct api_context *ctx, int64_t tenant_id, json_t *extensions);

/* PoolStats: total, assigned, free, registered (null: no stream of the
 * tenant's cluster is connected), utilisation (assigned / total). */
json_t *api_pool_stats_json(struct api_context *ctx, int64_t tenant_id,
                            const struct store_pool_stats *stats);
/* tenants.c; stats may be NULL. */
json_t *api_tenant_json(const struct store_tenant *t, const struct store_pool_stats *stats);
/* `agentdesk tenant create`'s line: the tenant as the API shows it. */
char *api_tenant_text(const struct store_tenant *t);

#endif
