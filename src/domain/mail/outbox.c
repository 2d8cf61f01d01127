/* The mail outbox: its states and the messages queued in the caller's
 * transaction; see outbox.h. The sender (sender.c) drains it. */
#include "domain/mail/outbox.h"

#include <stdlib.h>
#include <string.h>

#include "domain/core/credentials.h"
#include "domain/core/worker.h"
#include "util/text.h"
#include "util/wipe.h"

/* A link's new token: its keyed hash (65 bytes) and the token sealed
 * (STORE_TEXT_MAX bytes); the token itself is wiped. */
static enum result new_token(char *ret_hash, char *ret_sealed)
{
        char token[CREDENTIALS_LINK_TOKEN_LEN + 1];
        enum result result;

        credentials_new_link_token(token);
        credentials_keyed_hash(token, ret_hash);
        result = credentials_seal(token, ret_sealed);
        wipe_memory(token, sizeof(token));
        return result;
}

enum result mail_link_new(struct store_conn *conn, int64_t user_id, enum link_purpose purpose,
                                int64_t ttl, int64_t *ret_link_id, char *ret_sealed,
                                int64_t *ret_expires_at)
{
        char hash[65], sealed[STORE_TEXT_MAX];
        int64_t now = store_now(), id = 0;
        enum result result;

        result = new_token(hash, sealed);
        if (!result)
                result = store_link_revoke_user(conn, user_id, now);
        if (!result)
                result = store_link_insert(conn, user_id, purpose, hash, now + ttl, &id);
        if (!result) {
                *ret_link_id = id;
                memcpy(ret_sealed, sealed, STORE_TEXT_MAX);
                *ret_expires_at = now + ttl;
        }
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

enum result mail_queue_invitations(struct app *app, struct store_conn *conn,
                                   const struct mail_invitee *who, size_t n)
{
        struct store_link_new *links = calloc(n ? n : 1, sizeof(*links));
        struct store_mail *mails = calloc(n ? n : 1, sizeof(*mails));
        char (*hashes)[65] = calloc(n ? n : 1, sizeof(*hashes));
        int64_t *users = calloc(n ? n : 1, sizeof(*users));
        enum result result = links && mails && hashes && users ? RESULT_OK : RESULT_NOMEM;

        (void)app;
        for (size_t i = 0; i < n && !result; i++) {
                result = new_token(hashes[i], mails[i].secret);
                links[i] = (struct store_link_new){ .user_id = who[i].user_id,
                                                    .purpose = LINK_PURPOSE_INVITATION,
                                                    .token_hash = hashes[i],
                                                    .expires_at = who[i].expires_at };
                users[i] = who[i].user_id;
        }
        /* As mail_link_new: older links revoked, then the new ones. */
        if (!result)
                result = store_link_revoke_users(conn, users, n, store_now());
        if (!result)
                result = store_link_insert_many(conn, links, n);
        for (size_t i = 0; i < n && !result; i++) {
                mails[i].tenant_id = who[i].tenant_id;
                mails[i].user_id = who[i].user_id;
                mails[i].link_id = links[i].id;
                text_copy(mails[i].template, sizeof(mails[i].template), "invitation");
                text_copy(mails[i].recipient, sizeof(mails[i].recipient), who[i].email);
        }
        if (!result)
                result = store_mail_insert_many(conn, mails, n, MAIL_OUTBOX_STATUS_QUEUED);
        if (mails)
                wipe_memory(mails, n * sizeof(*mails));
        free(links);
        free(mails);
        free(hashes);
        free(users);
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
