/*
 * Single sign-on (domain/identity/sso.h): the tenant's provider settings
 * (/v1/admin/sso, the client secret write-only) and the OpenID Connect
 * flow's routes: lookup (what the login page may offer for an email),
 * start and callback (browser navigations: they answer with redirects,
 * a refusal to /login#sso_error=<code>), exchange (the one-time code for
 * a session).
 *
 * The browser binding: start sets a cookie holding a random value whose
 * keyed hash the flow keeps, and the callback requires it. It is HttpOnly
 * (no script reads it), SameSite=Lax (sent on the provider's top-level
 * redirect back, not on cross-site subrequests), limited to the callback's
 * path, lives 10 minutes and is cleared by the callback; alone it opens
 * nothing (it is not a credential, only proof that the browser that
 * finishes a flow is the one that began it — OAuth 2.0 Security BCP
 * §4.7.1), so the rule that no token is kept in the browser holds.
 */
#define LOG_MODULE "sso"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "util/log.h"
#include "domain/identity/sso.h"
#include "util/wipe.h"

#define BINDING_COOKIE "agentdesk_oidc"
#define CALLBACK_PATH "/v1/auth/oidc/callback"

static json_t *sso_json(const struct store_sso *s)
{
        json_t *domains = json_array();

        for (size_t i = 0; i < s->n_domains; i++)
                json_array_append_new(domains, json_string(s->domains[i]));
        return json_pack("{sI,ss,ss,ss,so,sb,sb,sb,so}", "tenant_id", (json_int_t)s->tenant_id,
                         "issuer", s->issuer, "client_id", s->client_id, "display_name",
                         s->display_name, "email_domains", domains, "client_secret_set", 1,
                         "password_login", s->password_login, "jit_accounts", s->jit_accounts,
                         "updated_at", api_time(s->updated_at));
}

static void settings_get(struct http_request *req, struct api_call *call)
{
        struct store_sso s;
        enum result result = sso_settings_get(call->ctx->app, call->tenant_id, &s);

        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200, json_pack("{sbso}", "success", 1, "sso", sso_json(&s)));
}

static void settings_put(struct http_request *req, struct api_call *call)
{
        struct sso_settings_input in = { .issuer = "", .client_id = "", .display_name = "",
                                         .password_login = true };
        const char *domains[STORE_SSO_MAX_DOMAINS + 1];
        const char *field = NULL;
        struct actor actor;
        struct store_sso s;
        enum result result;
        json_t *body = http_request_json(req), *list, *d;
        size_t i;

        if (!body)
                return;
        if (!api_field_string(req, body, "issuer", true, &in.issuer) ||
            !api_field_string(req, body, "client_id", true, &in.client_id) ||
            !api_field_string(req, body, "client_secret", false, &in.client_secret) ||
            !api_field_string(req, body, "display_name", true, &in.display_name) ||
            !api_field_bool(req, body, "password_login", &in.password_login) ||
            !api_field_bool(req, body, "jit_accounts", &in.jit_accounts))
                goto out;
        list = json_object_get(body, "email_domains");
        if (!json_is_array(list) || json_array_size(list) == 0 ||
            json_array_size(list) > STORE_SSO_MAX_DOMAINS) {
                http_respond_error(req, 400, "validation_failed",
                                   "email_domains must list 1 to 16 domains", "email_domains");
                goto out;
        }
        json_array_foreach(list, i, d) {
                if (!json_is_string(d)) {
                        http_respond_error(req, 400, "validation_failed",
                                           "email_domains must list domain names", "email_domains");
                        goto out;
                }
                domains[in.n_domains++] = json_string_value(d);
        }
        in.domains = domains;
        actor = api_actor(req, &call->session);
        result = sso_settings_put(call->ctx->app, &actor, call->tenant_id, &in, &s, &field);
        if (result == RESULT_CONFLICT) {
                http_respond_error(req, 409, "domain_taken",
                                   "another organisation signs in this email domain", "email_domains");
                goto out;
        }
        if (result) {
                api_fail(req, result, field);
                goto out;
        }
        http_respond_json(req, 200, json_pack("{sbso}", "success", 1, "sso", sso_json(&s)));
out:
        json_decref(body);
}

static void settings_delete(struct http_request *req, struct api_call *call)
{
        struct actor actor = api_actor(req, &call->session);
        enum result result = sso_settings_delete(call->ctx->app, &actor, call->tenant_id);

        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200, json_pack("{sb}", "success", 1));
}

/* The same answer for an unknown domain as for a known one without single
 * sign-on: no list of tenants can be read from it. */
static void lookup(struct http_request *req, struct api_call *call)
{
        char name[STORE_NAME_MAX];
        const char *email = NULL;
        bool password_login = true;
        json_t *body = http_request_json(req);

        if (!body)
                return;
        if (!api_field_string(req, body, "email", true, &email))
                goto out;
        sso_lookup(call->ctx->app, email, name, &password_login);
        http_respond_json(req, 200,
                          json_pack("{sbsos{sb}}", "success", 1, "sso",
                                    *name ? json_pack("{ss}", "name", name) : json_null(), "password",
                                    "allowed", password_login));
out:
        json_decref(body);
}

/* Ends a browser navigation at the login page, with fragment. */
static void redirect_login(struct http_request *req, const char *fragment)
{
        char location[128];

        snprintf(location, sizeof(location), "/login#%s", fragment);
        http_response_header(req, "Location", location);
        http_response_header(req, "Cache-Control", "no-store");
        http_response_header(req, "Referrer-Policy", "no-referrer");
        http_respond_empty(req, 303);
}

static void refuse(struct http_request *req, const char *code)
{
        char fragment[96];

        snprintf(fragment, sizeof(fragment), "sso_error=%s", code);
        redirect_login(req, fragment);
}

static bool secure_cookies(const struct api_context *ctx)
{
        return strncmp(ctx->app->settings.public_url, "https://", 8) == 0;
}

static void start(struct http_request *req, struct api_call *call)
{
        char binding[SSO_TOKEN_LEN + 1], cookie[256];
        const char *email = http_request_query(req, "email");
        char *location = NULL, seconds[24];
        int64_t retry_after = 0;
        enum result result;

        if (!email) {
                refuse(req, "sso_unavailable");
                return;
        }
        result = sso_start(call->ctx->app, email, http_request_client_ip(req), &location, binding,
                           &retry_after);
        if (result == RESULT_THROTTLED) {
                snprintf(seconds, sizeof(seconds), "%" PRId64, retry_after);
                http_response_header(req, "Retry-After", seconds);
                refuse(req, "too_many_attempts");
                return;
        }
        if (result == RESULT_UNSUPPORTED)
                LOG_WARN("single sign-on needs AGENTDESK_PUBLIC_URL (the redirect URI)");
        if (result) {
                refuse(req, result == RESULT_NOT_FOUND || result == RESULT_UNSUPPORTED
                                    ? "sso_unavailable"
                                    : "provider_unreachable");
                return;
        }
        snprintf(cookie, sizeof(cookie),
                 BINDING_COOKIE "=%s; Path=" CALLBACK_PATH "; Max-Age=%d; HttpOnly; SameSite=Lax%s",
                 binding, SSO_FLOW_TTL, secure_cookies(call->ctx) ? "; Secure" : "");
        wipe_memory(binding, sizeof(binding));
        http_response_header(req, "Set-Cookie", cookie);
        wipe_memory(cookie, sizeof(cookie));
        http_response_header(req, "Location", location);
        http_response_header(req, "Cache-Control", "no-store");
        http_response_header(req, "Referrer-Policy", "no-referrer");
        http_respond_empty(req, 303);
        free(location);
}

/* The value of the binding cookie in the request's Cookie header, copied
 * into out (size bytes); NULL when absent. */
static const char *binding_cookie(struct http_request *req, char *out, size_t size)
{
        const char *h = http_request_header(req, "Cookie"), *p;
        size_t n;

        for (p = h; p && (p = strstr(p, BINDING_COOKIE "=")); p++) {
                if (p != h && p[-1] != ' ' && p[-1] != ';')
                        continue;
                p += strlen(BINDING_COOKIE "=");
                n = strcspn(p, "; ");
                if (n >= size)
                        return NULL;
                memcpy(out, p, n);
                out[n] = '\0';
                return out;
        }
        return NULL;
}

static void callback(struct http_request *req, struct api_call *call)
{
        char code[SSO_TOKEN_LEN + 1], fragment[SSO_TOKEN_LEN + 8], binding[SSO_TOKEN_LEN + 2];
        const char *refusal = NULL;
        enum result result;

        result = sso_callback(call->ctx->app, http_request_query(req, "state"),
                              http_request_query(req, "code"), http_request_query(req, "error"),
                              binding_cookie(req, binding, sizeof(binding)), code, &refusal);
        wipe_memory(binding, sizeof(binding));
        /* The binding is spent whatever happened. */
        http_response_header(req, "Set-Cookie",
                             BINDING_COOKIE "=; Path=" CALLBACK_PATH "; Max-Age=0; HttpOnly; "
                                            "SameSite=Lax");
        if (result == RESULT_INVALID) {
                refuse(req, refusal);
                return;
        }
        if (result) {
                refuse(req, "server_error");
                return;
        }
        snprintf(fragment, sizeof(fragment), "code=%s", code);
        redirect_login(req, fragment);
        wipe_memory(code, sizeof(code));
        wipe_memory(fragment, sizeof(fragment));
}

static void exchange(struct http_request *req, struct api_call *call)
{
        const char *code = NULL;
        struct auth_token tok;
        enum result result;
        json_t *body = http_request_json(req);

        if (!body)
                return;
        if (!api_field_string(req, body, "code", true, &code))
                goto out;
        result = sso_exchange(call->ctx->app, code, &tok);
        if (result == RESULT_INVALID_TOKEN) {
                http_respond_error(req, 401, "invalid_code",
                                   "the sign-in code is unknown, used or expired: sign in again",
                                   "code");
                goto out;
        }
        if (result) {
                api_fail(req, result, NULL);
                goto out;
        }
        api_respond_session(req, &tok);
out:
        json_decref(body);
}

enum result api_sso_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "GET", "/v1/admin/sso", API_WRITERS, API_TENANT, settings_get },
                { "PUT", "/v1/admin/sso", API_WRITERS, API_TENANT, settings_put },
                { "DELETE", "/v1/admin/sso", API_WRITERS, API_TENANT, settings_delete },
                { "POST", "/v1/auth/oidc/lookup", 0, API_PUBLIC, lookup },
                { "GET", "/v1/auth/oidc/start", 0, API_PUBLIC, start },
                { "GET", CALLBACK_PATH, 0, API_PUBLIC, callback },
                { "POST", "/v1/auth/oidc/exchange", 0, API_PUBLIC, exchange },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}
