/* Invitations, password reset links and the password-changed notice; see
 * onboarding.h. */
#include "domain/identity/onboarding.h"

#include <stdio.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/core/throttle.h"
#include "domain/mail/outbox.h"
#include "domain/tenants/tenants.h"
#include "domain/identity/passwords.h"
#include "domain/identity/users.h"
#include "util/text.h"
#include "util/wipe.h"

enum result onboarding_invitation_get(struct app *app, int64_t user_id,
                                      struct onboarding_invitation *ret)
{
        struct store_invitation inv;
        struct store_conn *conn;
        /* No message, or one dropped with its link, shows as queued. */
        enum mail_outbox_status mail;
        bool live;
        enum result result = store_conn_get(app->store, &conn);

        *ret = (struct onboarding_invitation){ 0 };
        if (!result)
                result = store_invitation_last(conn, user_id, &inv);
        if (result == RESULT_NOT_FOUND)
                return RESULT_OK;
        if (result)
                return result;
        mail = inv.has_mail && inv.mail_status != MAIL_OUTBOX_STATUS_DROPPED
                       ? inv.mail_status
                       : MAIL_OUTBOX_STATUS_QUEUED;
        live = !inv.used_at && !inv.revoked_at && inv.expires_at > store_now();
        ret->status = inv.used_at ? "used" : !live ? "expired" : mail_outbox_status_name(mail);
        ret->sent_at = inv.sent_at;
        ret->expires_at = inv.expires_at;
        ret->created_at = inv.created_at;
        if (live && mail == MAIL_OUTBOX_STATUS_FAILED)
                text_copy(ret->reply, sizeof(ret->reply), inv.last_reply);
        return RESULT_OK;
}

/* The live link of token, its user (active) and tenant (active). */
static enum result live_link(struct store_conn *conn, const char *token, struct store_link *ret_link,
                             struct store_user *ret_user, struct store_tenant *ret_tenant)
{
        char hash[65];
        size_t len = token ? strlen(token) : 0;
        enum result result;

        if (len != CREDENTIALS_LINK_TOKEN_LEN || strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
                                                                "klmnopqrstuvwxyz0123456789-_") != len)
                return RESULT_INVALID_TOKEN;
        result = RESULT_NOT_FOUND;   /* under each key of the file, the current first */
        for (int k = 0; result == RESULT_NOT_FOUND && credentials_keyed_hash_at(token, k, hash); k++)
                result = store_link_lookup(conn, hash, ret_link);
        if (result == RESULT_NOT_FOUND)
                return RESULT_INVALID_TOKEN;
        if (result)
                return result;
        /* The lookup went by an index; the match is confirmed in constant time. */
        if (!credentials_equal(ret_link->token_hash, hash) || ret_link->used_at ||
            ret_link->revoked_at || ret_link->expires_at <= store_now())
                return RESULT_INVALID_TOKEN;
        result = store_user_get(conn, ret_link->user_id, ret_user);
        if (result == RESULT_NOT_FOUND || (!result && ret_user->status != USER_STATUS_ACTIVE))
                return RESULT_INVALID_TOKEN;
        if (result)
                return result;
        *ret_tenant = (struct store_tenant){ 0 };
        if (ret_user->tenant_id) {
                result = store_tenant_get(conn, ret_user->tenant_id, ret_tenant);
                if (!result && ret_tenant->status != TENANT_STATUS_ACTIVE)
                        return RESULT_INVALID_TOKEN;
        }
        return result;
}

/* live_link, throttled per client address: tokens are 256 bits, so
 * guessing one is hopeless, but it is not free either. */
static enum result checked_link(struct app *app, struct store_conn *conn, const char *client_ip,
                                const char *token, struct store_link *ret_link,
                                struct store_user *ret_user, struct store_tenant *ret_tenant,
                                int64_t *ret_retry_after)
{
        const struct settings *set = &app->settings;
        int64_t now = store_now();
        char key[96];
        enum result result;

        snprintf(key, sizeof(key), "link:ip:%s", client_ip);
        result = throttle_check(conn, THROTTLE_LINK_TOKEN, key, set->login_ip_max_failures,
                                set->login_window, now, ret_retry_after);
        if (!result)
                result = live_link(conn, token, ret_link, ret_user, ret_tenant);
        if (result == RESULT_INVALID_TOKEN) {
                enum result failed = store_throttle_fail(conn, key, now, set->login_window);
                if (failed)
                        result = failed;
        }
        return result;
}

enum result onboarding_inspect(struct app *app, const char *token, const char *client_ip,
                               struct onboarding_link_info *ret, int64_t *ret_retry_after)
{
        struct store_conn *conn;
        struct store_link link;
        struct store_user u;
        struct store_tenant t;
        enum result result = store_conn_get(app->store, &conn);

        if (!result)
                result = checked_link(app, conn, client_ip, token, &link, &u, &t, ret_retry_after);
        if (result)
                return result;
        ret->purpose = link.purpose;
        text_copy(ret->email, sizeof(ret->email), u.email);
        text_copy(ret->tenant_name, sizeof(ret->tenant_name), t.name);
        ret->expires_at = link.expires_at;
        return RESULT_OK;
}

enum result onboarding_set_password(struct app *app, const char *token, const char *client_ip,
                                    const char *new_password, struct auth_token *ret,
                                    const char **ret_field, int64_t *ret_retry_after)
{
        char hash[STORE_TEXT_MAX] = "";
        struct store_conn *conn;
        struct store_link link;
        struct store_user u;
        struct store_tenant t;
        struct actor actor = { .kind = ACTOR_KIND_USER, .client_ip = "", .request_id = "" };
        enum result result = store_conn_get(app->store, &conn);

        if (!result)
                result = checked_link(app, conn, client_ip, token, &link, &u, &t, ret_retry_after);
        if (result)
                return result;
        if (!password_acceptable(new_password, u.email)) {
                *ret_field = "new_password";
                return RESULT_INVALID;
        }
        result = credentials_hash_password(new_password, hash);
        if (!result)
                result = store_begin(conn);
        if (result)
                goto out;
        /* Used once: a racing second use finds it used and fails. */
        result = store_link_use(conn, link.id, store_now());
        if (result == RESULT_CONFLICT)
                result = RESULT_INVALID_TOKEN;
        if (!result)
                result = store_user_set_password(conn, u.id, hash, false);
        if (!result)
                result = store_user_get(conn, u.id, &u);
        /* The first password of an invitation is no change to warn of. */
        if (!result)
                result = link.purpose == LINK_PURPOSE_RESET
                                 ? mail_queue_password_changed(app, conn, &u)
                                 : store_link_revoke_user(conn, u.id, store_now());
        if (!result) {
                actor.user_id = u.id;
                actor.role = u.role;
                result = audit_record(conn, &actor, u.tenant_id,
                                      link.purpose == LINK_PURPOSE_RESET ? "user.reset_password"
                                                                         : "user.accept_invitation",
                                      "user", u.id, "email", u.email, NULL);
        }
        if (!result)
                result = auth_session_open(conn, app, &u, false, store_now(), ret);
        result = mail_outbox_finish(app, conn, result);
out:
        wipe_memory(hash, sizeof(hash));
        return result;
}

enum result onboarding_forgot(struct app *app, const char *email, const char *client_ip,
                              int64_t *ret_retry_after)
{
        const struct settings *set = &app->settings;
        char email_key[STORE_EMAIL_MAX + 16], ip_key[96];
        int64_t now = store_now(), email_n = 0, start;
        struct store_mail m = { .template = "password_reset" };
        struct store_conn *conn;
        enum mail_outbox_status status;
        enum result result;

        text_lower(m.recipient, sizeof(m.recipient), email);
        snprintf(email_key, sizeof(email_key), "forgot:email:%s", m.recipient);
        snprintf(ip_key, sizeof(ip_key), "forgot:ip:%s", client_ip);
        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        /* The client's cap comes before any write: a flood from one
         * address costs one row, not one per request. */
        result = throttle_check(conn, THROTTLE_FORGOT_PASSWORD, ip_key, set->login_ip_max_failures,
                                set->login_window, now, ret_retry_after);
        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        result = store_throttle_get(conn, email_key, now, set->login_window, &email_n, &start);
        if (!result)
                result = store_throttle_fail(conn, ip_key, now, set->login_window);
        /* An email asked for too often gets nothing more (whoever has it). */
        if (!result && email_n < set->login_max_failures) {
                result = store_throttle_fail(conn, email_key, now, set->login_window);
                status = set->mail_on ? MAIL_OUTBOX_STATUS_QUEUED : MAIL_OUTBOX_STATUS_DROPPED;
                if (!result)
                        result = store_mail_insert(conn, &m, status, NULL);
        }
        return mail_outbox_finish(app, conn, result);
}
