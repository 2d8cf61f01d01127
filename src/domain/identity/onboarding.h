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

#include "domain/identity/auth.h"
#include "domain/core/app.h"

/* The last invitation of a user, as GET /v1/admin/agents/:id shows it. */
struct onboarding_invitation {
        const char *status;              /* queued|sent|failed|used|expired; NULL: never invited */
        int64_t sent_at, expires_at, created_at;
        char reply[STORE_TEXT_MAX];      /* the SMTP reply when failed */
};

enum result onboarding_invitation_get(struct app *app, int64_t user_id,
                                      struct onboarding_invitation *ret);

/* What a valid link is for (POST /v1/auth/tokens/inspect). */
struct onboarding_link_info {
        enum link_purpose purpose;
        char email[STORE_EMAIL_MAX];
        char tenant_name[STORE_NAME_MAX];
        int64_t expires_at;
};

/* RESULT_INVALID_TOKEN for a token that is malformed, unknown, used,
 * revoked, expired, or whose user or tenant is no longer active;
 * RESULT_THROTTLED, with *ret_retry_after seconds, once client_ip brought
 * login_ip_max_failures such tokens (to inspect or set-password) within
 * login_window, before the token is looked at. */
enum result onboarding_inspect(struct app *app, const char *token, const char *client_ip,
                               struct onboarding_link_info *ret, int64_t *ret_retry_after);

/*
 * Sets the password of the link's user (RESULT_INVALID, field
 * new_password, as change-password), marks the link used, revokes every
 * session and link of the user, queues the notice for a reset, and opens
 * a session as login does. RESULT_INVALID_TOKEN and RESULT_THROTTLED as
 * inspect.
 */
enum result onboarding_set_password(struct app *app, const char *token, const char *client_ip,
                                    const char *new_password, struct auth_token *ret,
                                    const char **ret_field, int64_t *ret_retry_after);

/*
 * POST /v1/auth/forgot-password. A client address that made
 * login_ip_max_failures requests within login_window gets
 * RESULT_THROTTLED (*ret_retry_after seconds) and nothing is written. Else
 * the address's count goes up, and, while the email made fewer than
 * login_max_failures requests, so does the email's and one outbox row is
 * written (queued; dropped with mail off). The sender decides later
 * whether a reset link goes out. None of this depends on whether the
 * email has an account: RESULT_OK in every other case but a store fault.
 */
enum result onboarding_forgot(struct app *app, const char *email, const char *client_ip,
                              int64_t *ret_retry_after);

#endif
