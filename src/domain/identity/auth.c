/* Logins, tokens and /me; see auth.h. */
#include "domain/identity/auth.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "domain/core/throttle.h"
#include "domain/provisioning/extensions.h"
#include "domain/provisioning/realm.h"
#include "domain/mail/outbox.h"
#include "domain/tenants/tenants.h"
#include "domain/identity/passwords.h"
#include "domain/identity/users.h"
#include "util/text.h"
#include "util/wipe.h"

enum result auth_session_open(struct store_conn *conn, const struct app *app,
                              const struct store_user *u, bool restricted, int64_t login_at,
                              struct auth_token *ret)
{
        int64_t id, now = store_now(), limit = login_at + app->settings.session_max_age;
        char hash[65];

        credentials_new_token(ret->token);
        credentials_keyed_hash(ret->token, hash);
        ret->expires_at = now + app->settings.token_ttl;
        if (ret->expires_at > limit)
                ret->expires_at = limit;
        ret->restricted = restricted;
        ret->user = *u;
        return store_session_insert(conn, hash, u->id, u->token_version, restricted, login_at,
                                    ret->expires_at, &id);
}

enum result auth_login(struct app *app, const char *email, const char *password,
                       const char *client_ip, struct auth_token *ret, int64_t *ret_retry_after)
{
        char lower[STORE_EMAIL_MAX], account_key[STORE_EMAIL_MAX + 8], ip_key[80];
        char pair_key[STORE_EMAIL_MAX + 80];
        const struct settings *set = &app->settings;
        struct store_user u;
        struct store_tenant t;
        struct store_conn *conn;
        int64_t now = store_now();
        enum result result, found;
        bool ok;

        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        snprintf(ip_key, sizeof(ip_key), "ip:%s", client_ip);
        if (strlen(email) >= sizeof(lower) || !text_utf8_valid(email, strlen(email), NULL)) {
                /* No user can have it; answer like any unknown email. */
                (void)credentials_check_password(NULL, password);
                result = store_throttle_fail(conn, ip_key, now, set->login_window);
                return result ? result : RESULT_INVALID_CREDENTIALS;
        }
        text_lower(lower, sizeof(lower), email);
        snprintf(account_key, sizeof(account_key), "email:%s", lower);
        /* Neither an email nor an address holds a space. */
        snprintf(pair_key, sizeof(pair_key), "pair:%s %s", client_ip, lower);
        result = throttle_check(conn, THROTTLE_LOGIN, pair_key, set->login_max_failures,
                                set->login_window, now, ret_retry_after);
        if (!result)
                result = throttle_check(conn, THROTTLE_LOGIN, account_key,
                                        set->login_account_max_failures, set->login_account_window,
                                        now, ret_retry_after);
        if (!result)
                result = throttle_check(conn, THROTTLE_LOGIN, ip_key, set->login_ip_max_failures,
                                        set->login_window, now, ret_retry_after);
        if (result)
                return result;

        found = store_user_get_by_email(conn, lower, &u);
        if (found && found != RESULT_NOT_FOUND)
                return found;
        /* The password is checked (or the time of a check spent) whatever
         * else is wrong, so that the answer's timing tells nothing. */
        ok = credentials_check_password(found ? NULL : u.password_hash, password);
        if (ok && u.status != USER_STATUS_ACTIVE)
                ok = false;
        if (ok && u.tenant_id) {
                result = store_tenant_get(conn, u.tenant_id, &t);
                if (result)
                        return result;
                ok = t.status == TENANT_STATUS_ACTIVE;
        }
        if (!ok) {
                result = store_throttle_fail(conn, pair_key, now, set->login_window);
                if (!result)
                        result = store_throttle_fail(conn, account_key, now,
                                                     set->login_account_window);
                if (!result)
                        result = store_throttle_fail(conn, ip_key, now, set->login_window);
                return result ? result : RESULT_INVALID_CREDENTIALS;
        }
        if (u.tenant_id) {
                /* The tenant signs in through its OpenID provider only
                 * (domain/identity/sso.h): said once the password is right,
                 * so it tells a guesser nothing. */
                struct store_sso sso;
                enum result has = store_sso_get(conn, u.tenant_id, &sso);

                if (has && has != RESULT_NOT_FOUND)
                        return has;
                if (!has && !sso.password_login)
                        return RESULT_FORBIDDEN;
        }
        result = store_begin(conn);
        if (result)
                return result;
        result = store_throttle_clear(conn, pair_key);
        if (!result)
                result = store_user_touch_login(conn, u.id);
        if (!result)
                result = auth_session_open(conn, app, &u, u.must_change_password, now, ret);
        if (!result)
                result = store_commit(conn);
        if (result)
                store_rollback(conn);
        return result;
}

static enum auth_reason reason_of(const struct store_session_fault *f)
{
        if (f->user_status == USER_STATUS_DELETED)
                return AUTH_REASON_ACCOUNT_DELETED;
        /* A superadmin's tenant status is active: it has none. */
        if (f->user_status != USER_STATUS_ACTIVE || f->tenant_status != TENANT_STATUS_ACTIVE)
                return AUTH_REASON_ACCOUNT_SUSPENDED;
        if (f->revoked)
                return AUTH_REASON_SESSION_REVOKED;
        return f->expired ? AUTH_REASON_SESSION_EXPIRED : AUTH_REASON_SESSION_REVOKED;
}

enum result auth_verify(struct app *app, const char *token, struct store_session *ret,
                        enum auth_reason *ret_reason)
{
        struct store_session_fault fault;
        struct store_conn *conn;
        enum result result;
        int64_t now = store_now();
        char hash[65];

        if (!token || strncmp(token, "ad_", 3) != 0 || strlen(token) != CREDENTIALS_TOKEN_LEN) {
                *ret_reason = AUTH_REASON_SESSION_REVOKED;
                return RESULT_UNAUTHORIZED;
        }
        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        /* Under the current key, then the older ones of the key file. */
        for (int k = 0; credentials_keyed_hash_at(token, k, hash); k++) {
                result = store_session_lookup(conn, hash, now, ret);
                if (result != RESULT_NOT_FOUND)
                        return result;
        }
        result = RESULT_NOT_FOUND;
        for (int k = 0; result == RESULT_NOT_FOUND && credentials_keyed_hash_at(token, k, hash); k++)
                result = store_session_fault(conn, hash, now, &fault);
        if (result && result != RESULT_NOT_FOUND)
                return result;
        *ret_reason = result ? AUTH_REASON_SESSION_REVOKED : reason_of(&fault);
        return RESULT_UNAUTHORIZED;
}

enum result auth_logout(struct app *app, const struct store_session *s)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        if (!result)
                result = store_session_revoke(conn, s->id);
        /* Revoked meanwhile by a concurrent logout or refresh: done too. */
        return result == RESULT_NOT_FOUND ? RESULT_OK : result;
}

enum result auth_refresh(struct app *app, const struct store_session *s, struct auth_token *ret)
{
        struct store_conn *conn;
        enum result result;

        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        result = store_begin(conn);
        if (result)
                return result;
        result = store_session_revoke(conn, s->id);
        if (result == RESULT_NOT_FOUND)
                result = RESULT_UNAUTHORIZED;
        if (!result)
                result = auth_session_open(conn, app, &s->user, s->restricted, s->login_at, ret);
        if (!result)
                result = store_commit(conn);
        if (result) {
                store_rollback(conn);
                wipe_memory(ret->token, sizeof(ret->token));
        }
        return result;
}

enum result auth_change_password(struct app *app, const struct store_session *s,
                                 const char *current, const char *new_password,
                                 struct auth_token *ret, const char **ret_field,
                                 int64_t *ret_retry_after)
{
        const struct settings *set = &app->settings;
        char hash[STORE_TEXT_MAX], key[40];
        struct store_conn *conn;
        struct store_user u;
        int64_t now = store_now();
        enum result result;

        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        /* A stolen token must not buy unlimited guesses of the password. */
        snprintf(key, sizeof(key), "change:%" PRId64, s->user.id);
        result = throttle_check(conn, THROTTLE_CHANGE_PASSWORD, key, set->login_max_failures,
                                set->login_window, now, ret_retry_after);
        if (result)
                return result;
        if (!credentials_check_password(s->user.password_hash, current)) {
                result = store_throttle_fail(conn, key, now, set->login_window);
                *ret_field = "current_password";
                return result ? result : RESULT_WRONG_PASSWORD;
        }
        if (!password_acceptable(new_password, s->user.email) ||
            strcmp(new_password, current) == 0) {
                *ret_field = "new_password";
                return RESULT_INVALID;
        }
        result = credentials_hash_password(new_password, hash);
        if (result)
                return result;
        result = store_begin(conn);
        if (result)
                goto out;
        result = store_user_set_password(conn, s->user.id, hash, false);
        if (!result)
                result = store_user_get(conn, s->user.id, &u);
        if (!result)
                result = mail_queue_password_changed(app, conn, &u);
        if (!result)
                result = auth_session_open(conn, app, &u, false, store_now(), ret);
        result = mail_outbox_finish(app, conn, result);
out:
        wipe_memory(hash, sizeof(hash));
        return result;
}

enum result auth_me(struct app *app, const struct store_session *s, struct auth_me *ret)
{
        struct store_extension exts[STORE_MAX_EXTENSIONS_PER_USER];
        struct store_conn *conn;
        struct store_tenant t = { 0 };
        struct store_cluster c;
        const char *cluster_domain = "", *cluster_ws = "";
        enum result result;
        size_t n = 0;

        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        if (s->user.tenant_id) {
                result = store_tenant_get(conn, s->user.tenant_id, &t);
                if (result)
                        return result;
        }
        result = store_extensions_of_user(conn, s->user.id, exts, &n);
        if (result)
                return result;
        ret->n_extensions = 0;
        for (size_t i = 0; i < n; i++) {
                struct auth_extension *e = &ret->extensions[ret->n_extensions];
                if (exts[i].status != EXTENSION_STATUS_ACTIVE)
                        continue;
                result = credentials_unseal(exts[i].sip_secret, e->sip_password,
                                            sizeof(e->sip_password));
                if (result)
                        break;
                e->id = exts[i].id;
                text_copy(e->extension, sizeof(e->extension), exts[i].extension);
                e->status = exts[i].status;
                ret->n_extensions++;
        }
        wipe_memory(exts, sizeof(exts));
        /* The realm (realm.h); the WebSocket URL the cluster's, else the
         * setting. */
        if (!result && t.cluster_id && store_cluster_get(conn, t.cluster_id, &c) == RESULT_OK) {
                cluster_domain = c.sip_domain;
                cluster_ws = c.websocket_url;
        }
        text_copy(ret->realm, sizeof(ret->realm), realm_effective(app, t.sip_domain, cluster_domain));
        text_copy(ret->websocket_url, sizeof(ret->websocket_url),
                  *cluster_ws ? cluster_ws : app->settings.sip_ws_url);
        return result;
}
