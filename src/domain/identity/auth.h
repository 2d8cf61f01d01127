/*
 * Logins and bearer tokens.
 *
 * A token is 32 random bytes ("ad_…"); the store keeps only its keyed hash
 * in sessions, with the user's token_version at issue. A token is valid
 * while its session is not revoked or expired, its token_version is the
 * user's current one, the user is active and its tenant is active: so
 * bumping token_version (suspend, delete, role or password change,
 * tenant suspension) revokes every token of a user at once, and logout
 * revokes one session.
 *
 * A session opened with a temporary password is restricted: only
 * change-password and logout are allowed on it.
 *
 * A session is renewed by auth_refresh: a new token with a fresh expiry,
 * the old one revoked, never past login_at + session_max_age (login_at is
 * the password login, carried from token to token). A refused token says
 * why (enum auth_reason), so that a client can tell "log in again" from
 * "your account is gone".
 */
#ifndef AGENTDESK_DOMAIN_AUTH_H
#define AGENTDESK_DOMAIN_AUTH_H

#include "domain/core/credentials.h"
#include "domain/core/app.h"

struct auth_token {
        char token[CREDENTIALS_TOKEN_LEN + 1];   /* shown once; caller wipes */
        int64_t expires_at;
        bool restricted;
        struct store_user user;
};

/*
 * Checks email and password and opens a session. RESULT_INVALID_CREDENTIALS
 * for a wrong email or password, a suspended or deleted user or tenant (all
 * alike, in about the same time); RESULT_THROTTLED with *ret_retry_after
 * seconds when the email failed too often from this client address
 * (login_max_failures in login_window), from anywhere (the far higher
 * login_account_max_failures in the shorter login_account_window), or the
 * client address failed too often with any email (login_ip_max_failures).
 * A success clears the (email, address) count only. RESULT_FORBIDDEN when
 * the password is right but the user's tenant allows single sign-on only.
 */
enum result auth_login(struct app *app, const char *email, const char *password,
                       const char *client_ip, struct auth_token *ret, int64_t *ret_retry_after);

/* In the caller's transaction: opens a session of u (restricted: opened
 * with a temporary password) into *ret. login_at: the password login the
 * session descends from (now for a login); the token never outlives
 * login_at + the session's absolute limit. */
enum result auth_session_open(struct store_conn *conn, const struct app *app,
                              const struct store_user *u, bool restricted, int64_t login_at,
                              struct auth_token *ret);

/* Why a token was refused. A token no session has (never issued, or
 * malformed) counts as revoked: either way only a new login helps. */
enum auth_reason {
        AUTH_REASON_SESSION_REVOKED,
        AUTH_REASON_SESSION_EXPIRED,
        AUTH_REASON_ACCOUNT_SUSPENDED,   /* the user or its tenant */
        AUTH_REASON_ACCOUNT_DELETED,
};

/*
 * The live session of a bearer token. RESULT_UNAUTHORIZED otherwise, with
 * *ret_reason set (the account's state first: a suspended user's expired
 * token says suspended). *ret is untouched on failure.
 */
enum result auth_verify(struct app *app, const char *token, struct store_session *ret,
                        enum auth_reason *ret_reason);

enum result auth_logout(struct app *app, const struct store_session *s);

/*
 * Renews session s: a new token in *ret (restricted as s is) expiring at
 * min(now + token_ttl, s->login_at + session_max_age), and s revoked, in
 * one transaction. RESULT_UNAUTHORIZED when s was revoked meanwhile (two
 * refreshes of one token: one wins).
 */
enum result auth_refresh(struct app *app, const struct store_session *s, struct auth_token *ret);

/*
 * Changes the session user's password: RESULT_WRONG_PASSWORD when current
 * is wrong; RESULT_THROTTLED, with *ret_retry_after seconds, once current
 * was wrong login_max_failures times within login_window (whatever the
 * session); RESULT_INVALID (field new_password) when the new one is not
 * acceptable (password_acceptable, domain/identity/passwords.h) or the
 * current one. Revokes every
 * token of the user and opens a new session returned in *ret.
 */
enum result auth_change_password(struct app *app, const struct store_session *s,
                                 const char *current, const char *new_password,
                                 struct auth_token *ret, const char **ret_field,
                                 int64_t *ret_retry_after);

/* One extension of the caller, with its SIP password in clear. */
struct auth_extension {
        int64_t id;
        char extension[16];
        char sip_password[64];           /* caller wipes */
        enum extension_status status;
};

struct auth_me {
        struct auth_extension extensions[STORE_MAX_EXTENSIONS_PER_USER];
        size_t n_extensions;
        char websocket_url[512];
        char realm[256];
};

/* The session user's own active extensions and SIP settings. */
enum result auth_me(struct app *app, const struct store_session *s, struct auth_me *ret);

#endif
