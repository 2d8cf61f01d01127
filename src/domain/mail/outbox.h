/*
 * The mail outbox: every message is a row of mail_outbox (store/mail.c)
 * written in the transaction of the change that causes it, and drained by
 * the sender (domain/mail/sender.h, which describes a message's states).
 *
 * A link carries a token of 256 random bits (credentials_new_link_token)
 * in the URL fragment; the store keeps only its keyed hash (link_tokens)
 * and, until the message is sent, the token sealed with the key in its
 * outbox row.
 */
#ifndef AGENTDESK_DOMAIN_MAIL_OUTBOX_H
#define AGENTDESK_DOMAIN_MAIL_OUTBOX_H

#include "domain/core/app.h"

#define MAIL_RESET_TTL 3600              /* a reset link lives an hour */

/*
 * In the caller's transaction: revokes the user's live links, issues a
 * new one for purpose living ttl seconds, and
 * returns its id, its token sealed (ret_sealed, STORE_TEXT_MAX bytes) and
 * its expiry. The token itself exists only sealed.
 */
enum result mail_link_new(struct store_conn *conn, int64_t user_id, enum link_purpose purpose,
                          int64_t ttl, int64_t *ret_link_id, char *ret_sealed,
                          int64_t *ret_expires_at);

/* In the caller's transaction: queues an invitation to user u (a new link,
 * older ones revoked). *ret_expires_at gets the link's expiry. */
enum result mail_queue_invitation(struct app *app, struct store_conn *conn,
                                  const struct store_user *u, int64_t *ret_expires_at);

/* Someone to invite, for mail_queue_invitations. */
struct mail_invitee {
        int64_t tenant_id, user_id;
        char email[STORE_EMAIL_MAX];
        int64_t expires_at;              /* the link's expiry, chosen by the caller */
};

/* In the caller's transaction: mail_queue_invitation for each of n
 * distinct users, the links and messages written many rows a statement
 * (an import's round trips). */
enum result mail_queue_invitations(struct app *app, struct store_conn *conn,
                                   const struct mail_invitee *who, size_t n);

/* In the caller's transaction: revokes u's live links and, when mail is
 * on, queues the "password changed" notice. For every password change. */
enum result mail_queue_password_changed(struct app *app, struct store_conn *conn,
                                        const struct store_user *u);

/* Ends the caller's transaction, in which messages may have been queued:
 * with result RESULT_OK, commits and wakes the sender (app->mail_worker);
 * otherwise (or when the commit fails) rolls back. Returns the result of
 * the whole (as jobs_finish does for provisioning jobs). */
enum result mail_outbox_finish(struct app *app, struct store_conn *conn, enum result result);

/* Wakes the sender after a commit made elsewhere. */
void mail_outbox_kick(struct app *app);

#endif
