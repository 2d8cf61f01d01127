/* Shared handler helpers; see common.h. */
#include "api/common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/live/live.h"
#include "domain/tenants/tenants.h"
#include "util/log.h"
#include "util/text.h"

/* The bit of a role (enum api_role follows enum user_role). */
static unsigned role_bit(enum user_role role)
{
        return 1u << role;
}

/* The 401's error.reason (openapi.yaml UnauthorizedReason). */
static const char *const reason_names[] = {
        [AUTH_REASON_SESSION_REVOKED] = "session_revoked",
        [AUTH_REASON_SESSION_EXPIRED] = "session_expired",
        [AUTH_REASON_ACCOUNT_SUSPENDED] = "account_suspended",
        [AUTH_REASON_ACCOUNT_DELETED] = "account_deleted",
};

void api_refuse_token(struct http_request *req, enum auth_reason reason)
{
        http_response_header(req, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
        http_respond_json(req, 401,
                          json_pack("{sbs{ss,ss,ss}}", "success", 0, "error", "code",
                                    "unauthorized", "message",
                                    "the token is invalid, expired or revoked", "reason",
                                    reason_names[reason]));
}

bool api_authenticate(struct http_request *req, struct api_context *ctx, unsigned roles,
                      bool allow_restricted, struct store_session *ret)
{
        const char *h = http_request_header(req, "Authorization");
        enum auth_reason reason = AUTH_REASON_SESSION_REVOKED;
        enum result result;

        if (!h || strncasecmp(h, "Bearer ", 7) != 0) {
                http_response_header(req, "WWW-Authenticate", "Bearer");
                http_respond_error(req, 401, "unauthorized", "a bearer token is required", NULL);
                return false;
        }
        h += 7;
        while (*h == ' ')
                h++;
        result = auth_verify(ctx->app, h, ret, &reason);
        if (result == RESULT_UNAUTHORIZED) {
                api_refuse_token(req, reason);
                return false;
        }
        if (result) {
                api_fail(req, result, NULL);
                return false;
        }
        if (ret->user.tenant_id)
                http_request_set_tenant(req, ret->user.tenant_id);
        if (ret->restricted && !allow_restricted) {
                http_respond_error(req, 403, "password_change_required",
                                   "change the temporary password first "
                                   "(POST /v1/auth/change-password)",
                                   NULL);
                return false;
        }
        if (!(role_bit(ret->user.role) & roles)) {
                http_respond_error(req, 403, "forbidden", "your role may not do this", NULL);
                return false;
        }
        return true;
}

static bool parse_positive(const char *s, int64_t max, int64_t *ret)
{
        char *end;
        long long v;

        if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
                return false;
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno || *end || v < 0 || v > max)
                return false;
        *ret = v;
        return true;
}

bool api_tenant_scope(struct http_request *req, struct api_context *ctx,
                      const struct store_session *s, int64_t *ret_tenant_id)
{
        const char *q;
        struct store_tenant t;
        int64_t id;
        enum result result;

        if (s->user.role != USER_ROLE_SUPERADMIN) {
                *ret_tenant_id = s->user.tenant_id;
                return true;
        }
        q = http_request_query(req, "tenant_id");
        if (!q || !parse_positive(q, INT64_MAX, &id) || id == 0) {
                http_respond_error(req, 400, "validation_failed",
                                   "a superadmin names the tenant: ?tenant_id=N", "tenant_id");
                return false;
        }
        result = tenant_get(ctx->app, id, &t, NULL);
        if (result) {
                api_fail(req, result, NULL);
                return false;
        }
        http_request_set_tenant(req, id);
        *ret_tenant_id = id;
        return true;
}

/* The shared preamble of every route row, then its handler. */
static void dispatch(struct http_request *req, void *userdata)
{
        const struct api_binding *b = userdata;
        const struct api_route *route = b->route;
        const char *id = strstr(route->pattern, "/:id");
        bool has_id = id && (id[4] == '/' || id[4] == '\0');
        struct api_call call = { .ctx = b->ctx };

        if (route->scope != API_PUBLIC &&
            !api_authenticate(req, b->ctx, route->roles, route->scope == API_SIGNED_IN_RESTRICTED,
                              &call.session))
                return;
        if (route->scope == API_TENANT &&
            !api_tenant_scope(req, b->ctx, &call.session, &call.tenant_id))
                return;
        if (route->scope != API_PUBLIC && has_id && !api_path_id(req, &call.id))
                return;
        route->handler(req, &call);
}

enum result api_routes_register(struct http_server *srv, struct api_context *ctx,
                                const struct api_route *routes, size_t n)
{
        enum result result = RESULT_OK;

        for (size_t i = 0; i < n && !result; i++) {
                struct api_binding *b;
                if (ctx->n_bindings == API_MAX_ROUTES)
                        return RESULT_NOMEM;
                b = &ctx->bindings[ctx->n_bindings++];
                b->ctx = ctx;
                b->route = &routes[i];
                result = http_server_route(srv, routes[i].method, routes[i].pattern, dispatch, b);
        }
        return result;
}

bool api_page(struct http_request *req, struct store_page *ret)
{
        const char *limit = http_request_query(req, "limit");
        const char *offset = http_request_query(req, "offset");

        ret->limit = 50;
        ret->offset = 0;
        ret->total = 0;
        if (limit && (!parse_positive(limit, 500, &ret->limit) || ret->limit == 0)) {
                http_respond_error(req, 400, "validation_failed", "limit must be 1..500", "limit");
                return false;
        }
        if (offset && !parse_positive(offset, INT64_MAX / 2, &ret->offset)) {
                http_respond_error(req, 400, "validation_failed", "offset must be >= 0", "offset");
                return false;
        }
        return true;
}

bool api_parse_id(const char *s, int64_t *ret)
{
        return parse_positive(s, INT64_MAX / 2, ret);
}

bool api_path_id(struct http_request *req, int64_t *ret_id)
{
        return api_path_param_id(req, "id", ret_id);
}

bool api_path_param_id(struct http_request *req, const char *name, int64_t *ret_id)
{
        if (!parse_positive(http_request_param(req, name), INT64_MAX / 2, ret_id) || *ret_id == 0) {
                http_respond_error(req, 404, "not_found", "no such object", NULL);
                return false;
        }
        return true;
}

struct actor api_actor(struct http_request *req, const struct store_session *s)
{
        return (struct actor){
                .kind = ACTOR_KIND_USER,
                .user_id = s->user.id,
                .role = s->user.role,
                .client_ip = http_request_client_ip(req),
                .request_id = http_request_id(req),
        };
}

static void field_error(struct http_request *req, const char *name, const char *why)
{
        char message[160];

        snprintf(message, sizeof(message), "%s %s", name, why);
        http_respond_error(req, 400, "validation_failed", message, name);
}

bool api_field_string(struct http_request *req, json_t *body, const char *name, bool required,
                      const char **ret)
{
        json_t *v = json_object_get(body, name);

        if (!v) {
                if (required) {
                        field_error(req, name, "is required");
                        return false;
                }
                return true;
        }
        if (!json_is_string(v)) {
                field_error(req, name, "must be a string");
                return false;
        }
        /* jansson rejects invalid UTF-8 and (by default) \u0000 on parse;
         * the length check guards against embedded NULs all the same. */
        if (strlen(json_string_value(v)) != json_string_length(v)) {
                field_error(req, name, "must not contain NUL");
                return false;
        }
        *ret = json_string_value(v);
        return true;
}

bool api_field_int(struct http_request *req, json_t *body, const char *name, int64_t min,
                   int64_t max, int64_t *ret)
{
        json_t *v = json_object_get(body, name);
        char why[96];

        if (!v)
                return true;
        if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
                snprintf(why, sizeof(why), "must be an integer %lld..%lld", (long long)min,
                         (long long)max);
                field_error(req, name, why);
                return false;
        }
        *ret = json_integer_value(v);
        return true;
}

bool api_field_bool(struct http_request *req, json_t *body, const char *name, bool *ret)
{
        json_t *v = json_object_get(body, name);

        if (!v)
                return true;
        if (!json_is_boolean(v)) {
                field_error(req, name, "must be true or false");
                return false;
        }
        *ret = json_is_true(v);
        return true;
}

bool api_take_null(json_t *body, const char *name)
{
        if (!json_is_null(json_object_get(body, name)))
                return false;
        json_object_del(body, name);
        return true;
}

void api_respond_csv(struct http_request *req, enum result result, struct buf *out,
                     const char *filename)
{
        char disposition[128];

        if (result) {
                api_fail(req, result, NULL);
        } else {
                snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"",
                         filename);
                http_response_header(req, "Content-Disposition", disposition);
                http_respond_text(req, 200, "text/csv; charset=utf-8", out->data ? out->data : "",
                                  out->len);
        }
        buf_free(out);
}

void api_fail(struct http_request *req, enum result result, const char *field)
{
        char message[160];

        /* The fields some results always concern, when the domain did not
         * say; http/ owns the status and code of each result. */
        if (!field && result == RESULT_EMAIL_TAKEN)
                field = "email";
        else if (!field && result == RESULT_POOL_OVERLAP)
                field = "pool_base";
        else if (!field && result == RESULT_ROLE_NOT_ALLOWED)
                field = "role";
        else if (!field && result == RESULT_WRONG_PASSWORD)
                field = "current_password";
        if (result == RESULT_INVALID) {
                snprintf(message, sizeof(message), "%s is not valid", field ? field : "input");
                http_respond_result(req, result, message, field);
                return;
        }
        /* a store fault answered 503: what the store said goes to the log
         * (a deadlock, a lock timeout: on which table), the client gets
         * the stock message */
        if (result_info(result)->status == 503)
                LOG_WARN("%s %s: %s: %s", http_request_method(req), http_request_path(req),
                         result_name(result), store_last_error());
        http_respond_result(req, result, NULL, field);
}

json_t *api_time(int64_t epoch)
{
        char buf[32];

        if (epoch <= 0)
                return json_null();
        text_time_iso(epoch, buf, sizeof(buf));
        return json_string(buf);
}

json_t *api_string_or_null(const char *s)
{
        return s && *s ? json_string(s) : json_null();
}

json_t *api_list_json(const char *key, json_t *items, const struct store_page *page)
{
        json_t *o = json_object();

        json_object_set_new(o, "success", json_true());
        json_object_set_new(o, key, items);
        json_object_set_new(o, "total", json_integer(page->total));
        json_object_set_new(o, "limit", json_integer(page->limit));
        json_object_set_new(o, "offset", json_integer(page->offset));
        return o;
}

char *api_text(json_t *o)
{
        char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

        json_decref(o);
        return s;
}

/* SIP text (a contact, a user agent) that is not UTF-8 shows as "". */
static json_t *sip_text(const char *s)
{
        return json_string(text_utf8_valid(s, strlen(s), NULL) ? s : "");
}

static json_t *registration_json(const struct live_state *s)
{
        const struct store_live_registration *r = &s->reg;

        if (!s->has_registration)
                return json_null();
        return json_pack("{sssososIsoso}", "node", r->node, "contact", sip_text(r->contact),
                         "network_ip", sip_text(r->network_ip), "network_port",
                         (json_int_t)r->network_port, "user_agent", sip_text(r->user_agent),
                         "expires_at", api_time(r->expires_at));
}

void api_live_state(struct api_context *ctx, int64_t tenant_id, json_t *extensions)
{
        size_t n = json_array_size(extensions), i;
        const char **names = calloc(n + 1, sizeof(*names));
        struct live_state *states = calloc(n + 1, sizeof(*states));
        enum result result = names && states ? RESULT_OK : RESULT_NOMEM;
        json_t *x;

        json_array_foreach(extensions, i, x) {
                const char *e = json_string_value(json_object_get(x, "extension"));
                if (names)
                        names[i] = e ? e : "";
        }
        if (!result)
                result = ctx->app ? live_extensions_state(ctx->app, tenant_id, names, n, states)
                                  : RESULT_UNSUPPORTED;
        json_array_foreach(extensions, i, x) {
                const struct live_state *s = result ? NULL : &states[i];
                json_object_set_new(x, "registered", !s || s->registered < 0
                                                          ? json_null() : json_boolean(s->registered));
                json_object_set_new(x, "registration", s ? registration_json(s) : json_null());
                json_object_set_new(x, "last_registered_at",
                                    api_time(s ? s->last_registered_at : 0));
        }
        free(names);
        free(states);
}

json_t *api_pool_stats_json(struct api_context *ctx, int64_t tenant_id,
                            const struct store_pool_stats *stats)
{
        int64_t registered = -1;

        if (!ctx->app || live_pool_registered(ctx->app, tenant_id, &registered) != RESULT_OK)
                registered = -1;
        return json_pack("{sIsIsIsosf}", "total", (json_int_t)stats->total, "assigned",
                         (json_int_t)stats->assigned, "free", (json_int_t)stats->free,
                         "registered", registered < 0 ? json_null() : json_integer(registered),
                         "utilisation",
                         stats->total > 0 ? (double)stats->assigned / (double)stats->total : 0.0);
}
