/* The mail outbox: its states and the messages queued in the caller's
 * transaction; see outbox.h. The sender (sender.c) drains it. */
#include "domain/mail/outbox.h"

#include <string.h>

#include "domain/core/credentials.h"
#include "domain/core/worker.h"
#include "util/text.h"
#include "util/wipe.h"

enum result mail_link_new(struct store_conn *conn, int64_t user_id, enum link_purpose purpose,
                                int64_t ttl, int64_t *ret_link_id, char *ret_sealed,
                                int64_t *ret_expires_at)
{
        char token[CREDENTIALS_LINK_TOKEN_LEN + 1], hash[65], sealed[STORE_TEXT_MAX];
        int64_t now = store_now(), id = 0;
        enum result result;

        credentials_new_link_token(token);
        credentials_keyed_hash(token, hash);
        result = credentials_seal(token, sealed);
        if (!result)
                result = store_link_revoke_user(conn, user_id, now);
        if (!result)
                result = store_link_insert(conn, user_id, purpose, hash, now + ttl, &id);
        if (!result) {
                *ret_link_id = id;
                memcpy(ret_sealed, sealed, STORE_TEXT_MAX);
                *ret_expires_at = now + ttl;
        }
        wipe_memory(token, sizeof(token));
        wipe_memory(sealed, sizeof(sealed));
        return result;
}

enum result mail_queue_invitation(struct app *app, struct store_conn *conn,
                                        const struct store_user *u, int64_t *ret_expires_at)
{
        struct store_mail m = { .tenant_id = u->tenant_id, .user_id = u->id,
                                .template = "invitation" };
        enum result result;

        text_copy(m.recipient, sizeof(m.recipient), u->email);
        result = mail_link_new(conn, u->id, LINK_PURPOSE_INVITATION, app->settings.invite_ttl, &m.link_id,
                                     m.secret, ret_expires_at);
        if (!result)
                result = store_mail_insert(conn, &m, MAIL_OUTBOX_STATUS_QUEUED, NULL);
        wipe_memory(m.secret, sizeof(m.secret));
        return result;
}

enum result mail_queue_password_changed(struct app *app, struct store_conn *conn,
                                        const struct store_user *u)
{
        struct store_mail m = { .tenant_id = u->tenant_id, .user_id = u->id,
                                .template = "password_changed" };
        enum result result = store_link_revoke_user(conn, u->id, store_now());

        if (result || !app->settings.mail_on)
                return result;
        text_copy(m.recipient, sizeof(m.recipient), u->email);
        return store_mail_insert(conn, &m, MAIL_OUTBOX_STATUS_QUEUED, NULL);
}

enum result mail_outbox_finish(struct app *app, struct store_conn *conn, enum result result)
{
        if (!result)
                result = store_commit(conn);
        if (result) {
                store_rollback(conn);
                return result;
        }
        worker_wake(app->mail_worker);
        return RESULT_OK;
}

void mail_outbox_kick(struct app *app)
{
        worker_wake(app->mail_worker);
}
