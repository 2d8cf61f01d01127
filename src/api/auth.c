/*
 * /v1/auth: login, the caller's own profile and SIP settings (/me, in the
 * seed's camelCase), change-password, refresh and logout; the emailed
 * links' routes: tokens/inspect, set-password and forgot-password.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/common.h"
#include "domain/identity/onboarding.h"
#include "domain/identity/sso.h"
#include "util/text.h"
#include "util/wipe.h"

/* What domain/identity/passwords.h refuses, said once for both routes. */
#define WEAK_PASSWORD                                                                    \
        "the new password needs 10 to 256 characters and must not be a commonly used "  \
        "password, one character repeated, a run like 1234567890, the email or the "   \
        "current password"

static json_t *user_json(const struct store_user *u)
{
        return json_pack("{sI,ss,ss,ss,ss,so}", "id", (json_int_t)u->id, "email", u->email,
                         "firstName", u->first_name, "lastName", u->last_name, "role",
                         user_role_name(u->role),
                         "tenantId", u->tenant_id ? json_integer(u->tenant_id) : json_null());
}

void api_respond_session(struct http_request *req, struct auth_token *tok)
{
        http_request_set_tenant(req, tok->user.tenant_id);
        http_respond_json(req, 200,
                          json_pack("{sbs{ss,so,so,sb}}", "success", 1, "data", "token", tok->token,
                                    "expiresAt", api_time(tok->expires_at), "user",
                                    user_json(&tok->user), "mustChangePassword", tok->restricted));
        wipe_memory(tok->token, sizeof(tok->token));
}

/* 429 too_many_attempts with Retry-After. */
static void refuse_throttled(struct http_request *req, int64_t retry_after, const char *message)
{
        char seconds[24];

        snprintf(seconds, sizeof(seconds), "%" PRId64, retry_after);
        http_response_header(req, "Retry-After", seconds);
        http_respond_error(req, 429, "too_many_attempts", message, NULL);
}

static void login(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        const char *email = NULL, *password = NULL;
        struct auth_token tok;
        int64_t retry_after = 0;
        enum result result;
        json_t *body = http_request_json(req);

        if (!body)
                return;
        if (!api_field_string(req, body, "email", true, &email) ||
            !api_field_string(req, body, "password", true, &password))
                goto out;
        result = auth_login(ctx->app, email, password, http_request_client_ip(req), &tok,
                            &retry_after);
        if (result == RESULT_THROTTLED) {
                refuse_throttled(req, retry_after, "too many failed logins; retry later");
                goto out;
        }
        if (result == RESULT_INVALID_CREDENTIALS) {
                http_respond_error(req, 401, "invalid_credentials", "wrong email or password", NULL);
                goto out;
        }
        if (result == RESULT_FORBIDDEN) {
                http_respond_error(req, 403, "sso_required",
                                   "this organisation signs in with single sign-on only", NULL);
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

static void me(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct auth_me m;
        char redirect[600];
        json_t *exts, *sso_uri;
        enum result result;

        result = auth_me(ctx->app, &call->session, &m);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        exts = json_array();
        for (size_t i = 0; i < m.n_extensions; i++)
                json_array_append_new(exts, json_pack("{sI,ss,ss,ss}", "id",
                                                      (json_int_t)m.extensions[i].id, "extension",
                                                      m.extensions[i].extension, "sip_password",
                                                      m.extensions[i].sip_password, "status",
                                                      extension_status_name(m.extensions[i].status)));
        wipe_memory(&m.extensions, sizeof(m.extensions));
        /* The portal's single sign-on form shows it, and warns when none. */
        sso_uri = sso_redirect_uri(ctx->app, redirect, sizeof(redirect)) ? json_string(redirect)
                                                                            : json_null();
        http_respond_json(req, 200,
                          json_pack("{sbs{so,so,s{ss,ss},s{sb,so}}}", "success", 1, "data", "user",
                                    user_json(&call->session.user), "extensions", exts, "sipConfig",
                                    "websocketUrl", m.websocket_url, "realm", m.realm, "features",
                                    "mail", ctx->app->settings.mail_on, "sso_redirect_uri",
                                    sso_uri));
}

static void change_password(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        const char *current = NULL, *next = NULL, *field = NULL;
        struct auth_token tok;
        int64_t retry_after = 0;
        enum result result;
        json_t *body;

        body = http_request_json(req);
        if (!body)
                return;
        if (!api_field_string(req, body, "current_password", true, &current) ||
            !api_field_string(req, body, "new_password", true, &next))
                goto out;
        result = auth_change_password(ctx->app, &call->session, current, next, &tok, &field,
                                      &retry_after);
        if (result == RESULT_THROTTLED) {
                refuse_throttled(req, retry_after, "too many wrong passwords; retry later");
                goto out;
        }
        if (result == RESULT_INVALID) {
                http_respond_error(req, 400, "validation_failed", WEAK_PASSWORD, field);
                goto out;
        }
        if (result) {
                api_fail(req, result, field);
                goto out;
        }
        http_respond_json(req, 200,
                          json_pack("{sbs{ss,so,sb}}", "success", 1, "data", "token", tok.token,
                                    "expiresAt", api_time(tok.expires_at), "mustChangePassword",
                                    0));
        wipe_memory(tok.token, sizeof(tok.token));
out:
        json_decref(body);
}

static void refresh(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct auth_token tok;
        enum result result;

        result = auth_refresh(ctx->app, &call->session, &tok);
        if (result == RESULT_UNAUTHORIZED) {
                api_refuse_token(req, AUTH_REASON_SESSION_REVOKED);
                return;
        }
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200,
                          json_pack("{sbs{ss,so,so}}", "success", 1, "data", "token", tok.token,
                                    "expiresAt", api_time(tok.expires_at), "sessionExpiresAt",
                                    api_time(call->session.login_at +
                                             ctx->app->settings.session_max_age)));
        wipe_memory(tok.token, sizeof(tok.token));
}

static void logout(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        enum result result;

        result = auth_logout(ctx->app, &call->session);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200, json_pack("{sb}", "success", 1));
}

static void tokens_inspect(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct onboarding_link_info info;
        const char *token = NULL;
        int64_t retry_after = 0;
        enum result result;
        json_t *body = http_request_json(req);

        if (!body)
                return;
        if (!api_field_string(req, body, "token", true, &token))
                goto out;
        result = onboarding_inspect(ctx->app, token, http_request_client_ip(req), &info,
                                    &retry_after);
        if (result == RESULT_THROTTLED) {
                refuse_throttled(req, retry_after, "too many invalid links; retry later");
                goto out;
        }
        if (result) {
                api_fail(req, result, result == RESULT_INVALID_TOKEN ? "token" : NULL);
                goto out;
        }
        http_respond_json(req, 200,
                          json_pack("{sbs{sbssssssso}}", "success", 1, "data", "valid", 1,
                                    "purpose", link_purpose_name(info.purpose), "email", info.email, "tenant_name",
                                    info.tenant_name, "expires_at", api_time(info.expires_at)));
out:
        json_decref(body);
}

static void set_password(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        const char *token = NULL, *next = NULL, *field = NULL;
        struct auth_token tok;
        int64_t retry_after = 0;
        enum result result;
        json_t *body = http_request_json(req);

        if (!body)
                return;
        if (!api_field_string(req, body, "token", true, &token) ||
            !api_field_string(req, body, "new_password", true, &next))
                goto out;
        result = onboarding_set_password(ctx->app, token, http_request_client_ip(req), next, &tok,
                                         &field, &retry_after);
        if (result == RESULT_THROTTLED) {
                refuse_throttled(req, retry_after, "too many invalid links; retry later");
                goto out;
        }
        if (result == RESULT_INVALID) {
                http_respond_error(req, 400, "validation_failed", WEAK_PASSWORD, field);
                goto out;
        }
        if (result) {
                api_fail(req, result, result == RESULT_INVALID_TOKEN ? "token" : field);
                goto out;
        }
        api_respond_session(req, &tok);
out:
        json_decref(body);
}

static void forgot_password(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        const char *email = NULL;
        int64_t retry_after = 0;
        enum result result;
        json_t *body = http_request_json(req);

        if (!body)
                return;
        if (!api_field_string(req, body, "email", true, &email))
                goto out;
        if (!text_email_valid(email)) {
                http_respond_error(req, 400, "validation_failed", "email is not valid", "email");
                goto out;
        }
        result = onboarding_forgot(ctx->app, email, http_request_client_ip(req), &retry_after);
        if (result == RESULT_THROTTLED) {
                refuse_throttled(req, retry_after, "too many requests from this address; retry later");
                goto out;
        }
        if (result) {
                api_fail(req, result, NULL);
                goto out;
        }
        /* The same answer whether or not the address has an account. */
        http_respond_json(req, 202,
                          json_pack("{sbss}", "success", 1, "message",
                                    "if an active account has this email, a reset link is on its way"));
out:
        json_decref(body);
}

enum result api_auth_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "POST", "/v1/auth/login", 0, API_PUBLIC, login },
                { "GET", "/v1/auth/me", API_ANY, API_SIGNED_IN, me },
                { "POST", "/v1/auth/change-password", API_ANY, API_SIGNED_IN_RESTRICTED,
                  change_password },
                { "POST", "/v1/auth/refresh", API_ANY, API_SIGNED_IN, refresh },
                { "POST", "/v1/auth/logout", API_ANY, API_SIGNED_IN_RESTRICTED, logout },
                { "POST", "/v1/auth/tokens/inspect", 0, API_PUBLIC, tokens_inspect },
                { "POST", "/v1/auth/set-password", 0, API_PUBLIC, set_password },
                { "POST", "/v1/auth/forgot-password", 0, API_PUBLIC, forgot_password },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}
