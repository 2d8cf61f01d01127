/* Shared handler helpers; see common.h. */
#include "api/common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/tenants/tenants.h"
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
        http_respond_result(req, result, NULL, field);
}

json_t *api_time(int64_t epoch)
{
        char buf[32];
        struct tm tm;
        time_t t = (time_t)epoch;

        if (epoch <= 0)
                return json_null();
        gmtime_r(&t, &tm);
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
        return json_string(buf);
}

json_t *api_string_or_null(const char *s)
{
        return s && *s ? json_string(s) : json_null();
}

json_t *api_extension_json(const struct store_extension *e, const char *sip_password)
{
        json_t *o = json_object();

        json_object_set_new(o, "id", json_integer(e->id));
        json_object_set_new(o, "extension", json_string(e->extension));
        json_object_set_new(o, "status", json_string(extension_status_name(e->status)));
        json_object_set_new(o, "user_id", e->user_id ? json_integer(e->user_id) : json_null());
        json_object_set_new(o, "voicemail_enabled", json_boolean(e->voicemail_enabled));
        json_object_set_new(o, "provisioning", json_string(jobs_state_name(e->provisioning)));
        json_object_set_new(o, "provisioning_attempts", json_integer(e->provisioning_attempts));
        json_object_set_new(o, "provisioning_error", api_string_or_null(e->provisioning_error));
        json_object_set_new(o, "assigned_at", api_time(e->assigned_at));
        json_object_set_new(o, "updated_at", api_time(e->updated_at));
        if (sip_password)
                json_object_set_new(o, "sip_password", json_string(sip_password));
        return o;
}

json_t *api_agent_row_json(const struct store_agent_row *a,
                           const struct store_agent_extension *extensions)
{
        json_t *o = json_object(), *exts = json_array();

        for (size_t i = 0; i < a->n_extensions; i++) {
                const struct store_agent_extension *e = &extensions[a->first_extension + i];
                json_t *x = json_object();
                json_object_set_new(x, "id", json_integer(e->id));
                json_object_set_new(x, "extension", json_string(e->extension));
                json_object_set_new(x, "status", json_string(extension_status_name(e->status)));
                json_object_set_new(x, "voicemail_enabled", json_boolean(e->voicemail_enabled));
                json_object_set_new(x, "provisioning",
                                    json_string(jobs_state_name(e->provisioning)));
                json_object_set_new(x, "provisioning_attempts",
                                    json_integer(e->provisioning_attempts));
                json_object_set_new(x, "provisioning_error", api_string_or_null(e->provisioning_error));
                json_array_append_new(exts, x);
        }
        json_object_set_new(o, "id", json_integer(a->id));
        json_object_set_new(o, "tenant_id", json_integer(a->tenant_id));
        json_object_set_new(o, "email", json_string(a->email));
        json_object_set_new(o, "first_name", json_string(a->first_name));
        json_object_set_new(o, "last_name", json_string(a->last_name));
        json_object_set_new(o, "role", json_string(user_role_name(a->role)));
        json_object_set_new(o, "status", json_string(user_status_name(a->status)));
        json_object_set_new(o, "must_change_password", json_boolean(a->must_change_password));
        json_object_set_new(o, "created_at", api_time(a->created_at));
        json_object_set_new(o, "updated_at", api_time(a->updated_at));
        json_object_set_new(o, "last_login_at", api_time(a->last_login_at));
        json_object_set_new(o, "extensions", exts);
        return o;
}

json_t *api_agent_json(const struct agent *a)
{
        const struct store_user *u = &a->user;
        struct store_agent_extension exts[STORE_MAX_EXTENSIONS_PER_USER];
        struct store_agent_row row = {
                .id = u->id, .tenant_id = u->tenant_id, .role = u->role, .status = u->status,
                .must_change_password = u->must_change_password, .created_at = u->created_at,
                .updated_at = u->updated_at, .last_login_at = u->last_login_at,
                .first_extension = 0, .n_extensions = a->n_extensions,
        };

        text_copy(row.email, sizeof(row.email), u->email);
        text_copy(row.first_name, sizeof(row.first_name), u->first_name);
        text_copy(row.last_name, sizeof(row.last_name), u->last_name);
        for (size_t i = 0; i < a->n_extensions; i++) {
                const struct store_extension *e = &a->extensions[i];
                exts[i] = (struct store_agent_extension){
                        .id = e->id, .user_id = e->user_id, .voicemail_enabled = e->voicemail_enabled,
                        .status = e->status, .provisioning = e->provisioning,
                        .provisioning_attempts = e->provisioning_attempts,
                };
                text_copy(exts[i].extension, sizeof(exts[i].extension), e->extension);
                text_copy(exts[i].provisioning_error, sizeof(exts[i].provisioning_error),
                          e->provisioning_error);
        }
        return api_agent_row_json(&row, exts);
}

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

static char *text_of(json_t *o)
{
        char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

        json_decref(o);
        return s;
}

char *api_tenant_text(const struct store_tenant *t)
{
        return text_of(api_tenant_json(t, NULL));
}

char *api_user_text(const struct store_user *u)
{
        return text_of(json_pack("{sI,so,ss,ss,ss,ss,ss}", "id", (json_int_t)u->id, "tenant_id",
                                 u->tenant_id ? json_integer(u->tenant_id) : json_null(), "email",
                                 u->email, "first_name", u->first_name, "last_name", u->last_name,
                                 "role", user_role_name(u->role), "status",
                                 user_status_name(u->status)));
}
