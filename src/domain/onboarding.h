/*
 * Onboarding by email: invitations with a set-password link, the
 * self-service password reset, and the "password changed" notice.
 *
 * A link carries a token of 256 random bits (credentials_new_link_token)
 * in the URL fragment (AGENTDESK_PUBLIC_URL/set-password#token=… or
 * /reset-password#token=…), so it never reaches a server log or a
 * Referer. The store keeps only its keyed hash (link_tokens) and, until
 * the message is sent, the token sealed with the key in its outbox row.
 * A link dies when used, when a newer one is issued for the user, when
 * the password changes another way, when the user is suspended or
 * deleted, and when it expires (invitations AGENTDESK_INVITE_TTL, resets
 * one hour).
 */
#ifndef AGENTDESK_DOMAIN_ONBOARDING_H
#define AGENTDESK_DOMAIN_ONBOARDING_H

#include "domain/auth.h"
#include "domain/app.h"

#define ONBOARDING_RESET_TTL 3600

/*
 * In the caller's transaction: revokes the user's live links, issues a
 * new one for purpose ("invitation" or "reset") living ttl seconds, and
 * returns its id, its token sealed (ret_sealed, STORE_TEXT_MAX bytes) and
 * its expiry. The token itself exists only sealed.
 */
enum result onboarding_link_new(struct store_conn *conn, int64_t user_id, const char *purpose,
                                int64_t ttl, int64_t *ret_link_id, char *ret_sealed,
                                int64_t *ret_expires_at);

/* In the caller's transaction: queues an invitation to user u (a new link,
 * older ones revoked). *ret_expires_at gets the link's expiry. */
enum result onboarding_queue_invitation(struct app *d, struct store_conn *conn,
                                        const struct store_user *u, int64_t *ret_expires_at);

/* In the caller's transaction: revokes u's live links and, when mail is
 * on, queues the "password changed" notice. For every password change. */
enum result onboarding_password_changed(struct app *d, struct store_conn *conn,
                                        const struct store_user *u);

/* POST /v1/admin/agents/:id/invite: a new invitation (the old link dies).
 * RESULT_NOT_FOUND as agent_get; RESULT_MAIL_OFF without mail;
 * RESULT_CONFLICT when the agent is suspended. */
enum result onboarding_invite(struct app *d, const struct actor *actor, int64_t tenant_id,
                              int64_t id, int64_t *ret_expires_at);

/* The last invitation of a user, as GET /v1/admin/agents/:id shows it. */
struct onboarding_invitation {
        const char *status;              /* queued|sent|failed|used|expired; NULL: never invited */
        int64_t sent_at, expires_at, created_at;
        char reply[STORE_TEXT_MAX];      /* the SMTP reply when failed */
};

enum result onboarding_invitation_get(struct app *d, int64_t user_id,
                                      struct onboarding_invitation *ret);

/* What a valid link is for (POST /v1/auth/tokens/inspect). */
struct onboarding_link_info {
        char purpose[16];                /* invitation | reset */
        char email[STORE_EMAIL_MAX];
        char tenant_name[STORE_NAME_MAX];
        int64_t expires_at;
};

/* RESULT_INVALID_TOKEN for a token that is malformed, unknown, used,
 * revoked, expired, or whose user or tenant is no longer active. */
enum result onboarding_inspect(struct app *d, const char *token,
                               struct onboarding_link_info *ret);

/*
 * Sets the password of the link's user (RESULT_INVALID, field
 * new_password, as change-password), marks the link used, revokes every
 * session and link of the user, queues the notice for a reset, and opens
 * a session as login does. RESULT_INVALID_TOKEN as inspect.
 */
enum result onboarding_set_password(struct app *d, const char *token, const char *new_password,
                                    struct auth_token *ret, const char **ret_field);

/*
 * POST /v1/auth/forgot-password: whatever the email (known, unknown,
 * suspended) and whether or not the email or client address is
 * throttled, the same statements run: two throttle reads, two counts,
 * one outbox row (queued, or dropped when throttled). The sender decides
 * later whether a reset link goes out. RESULT_OK in every case but a
 * store fault.
 */
enum result onboarding_forgot(struct app *d, const char *email, const char *client_ip);

#endif
