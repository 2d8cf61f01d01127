/*
 * Single sign-on with OpenID Connect (Core 1.0, authorization code flow;
 * RFC 7636 PKCE with S256): a tenant's provider and the flow.
 *
 *   start     the login page's email names a domain of a tenant with a
 *             provider: a flow is stored (the keyed hashes of its state,
 *             its nonce and a browser binding; the PKCE verifier sealed),
 *             the browser gets the binding in a cookie and goes to the
 *             provider's authorization endpoint.
 *   callback  the provider sends the browser back with code and state:
 *             the flow is taken (deleted: a state is used once, whatever
 *             comes of it), the cookie must match its binding, the code is
 *             traded for tokens at the token endpoint, the ID token is
 *             checked (oidc.h) with the flow's nonce, and the user found:
 *             by (iss, sub), else by email when the provider says it is
 *             verified (then linked), else created when the tenant allows
 *             just-in-time accounts. It ends with a one-time code (60 s).
 *   exchange  the login page trades the one-time code for a session, as a
 *             password login does.
 *
 * Refusals of the callback carry a stable code (sso_callback's
 * *ret_refusal) that the login page explains.
 */
#ifndef AGENTDESK_DOMAIN_IDENTITY_SSO_H
#define AGENTDESK_DOMAIN_IDENTITY_SSO_H

#include "domain/core/app.h"
#include "domain/core/credentials.h"
#include "domain/identity/auth.h"

#define SSO_FLOW_TTL 600                 /* seconds from start to callback */
#define SSO_CODE_TTL 60                  /* seconds from callback to exchange */
#define SSO_SECRET_MAX 256

struct sso_settings_input {
        const char *issuer, *client_id, *display_name;
        const char *client_secret;       /* NULL: keep the stored one */
        const char *const *domains;
        size_t n_domains;
        bool password_login, jit_accounts;
};

/* The tenant's provider (client_secret still sealed: never shown).
 * RESULT_NOT_FOUND when it has none. */
enum result sso_settings_get(struct app *app, int64_t tenant_id, struct store_sso *ret);

/* Creates or replaces the tenant's provider, sealing the secret, with an
 * audit entry. RESULT_INVALID with *ret_field (issuer: an https:// URL;
 * client_id; client_secret: required the first time; display_name;
 * email_domains: 1 to 16 host names), RESULT_CONFLICT (field
 * email_domains) when another tenant has one of the domains. */
enum result sso_settings_put(struct app *app, const struct actor *actor, int64_t tenant_id,
                             const struct sso_settings_input *in, struct store_sso *ret,
                             const char **ret_field);

enum result sso_settings_delete(struct app *app, const struct actor *actor, int64_t tenant_id);

/* What the login page may learn of an email: the provider's name when its
 * domain has single sign-on (ret_name, STORE_NAME_MAX bytes; "" when not,
 * whether or not a tenant has the domain) and whether a password login is
 * possible for it. */
void sso_lookup(struct app *app, const char *email, char *ret_name, bool *ret_password_login);

/* The redirect URI the provider must know, AGENTDESK_PUBLIC_URL followed by
 * /v1/auth/oidc/callback, in ret (size bytes). false, ret "", when
 * AGENTDESK_PUBLIC_URL is not set (no flow can start then) or ret is too
 * small. */
bool sso_redirect_uri(const struct app *app, char *ret, size_t size);

/* The binding cookie's value and the state have this many characters. */
#define SSO_TOKEN_LEN CREDENTIALS_LINK_TOKEN_LEN

/*
 * Starts a flow for email's domain: *ret_location (malloc'd, the caller
 * frees) is the provider's authorization URL, ret_binding the value of the
 * browser's binding cookie. RESULT_NOT_FOUND: the domain has no single
 * sign-on; RESULT_UNSUPPORTED: AGENTDESK_PUBLIC_URL is not set (the
 * redirect URI is made from it); RESULT_THROTTLED, with *ret_retry_after
 * in seconds, when client_ip started AGENTDESK_SSO_START_MAX flows in the
 * login window (checked before the provider is asked or the flow
 * written; every start counts); RESULT_PROTOCOL or RESULT_IO and the
 * like: the provider's discovery document could not be read.
 */
enum result sso_start(struct app *app, const char *email, const char *client_ip,
                      char **ret_location, char ret_binding[SSO_TOKEN_LEN + 1],
                      int64_t *ret_retry_after);

/*
 * The provider's redirect back: state, code and error as the query
 * carried them (NULL when absent), binding the cookie's value (NULL when
 * none). RESULT_OK with ret_code, the one-time code for the login page;
 * else RESULT_INVALID (the flow is refused: *ret_refusal names why, a
 * stable code) or a fault (store, …).
 */
enum result sso_callback(struct app *app, const char *state, const char *code, const char *error,
                         const char *binding, char ret_code[SSO_TOKEN_LEN + 1],
                         const char **ret_refusal);

/* Trades a one-time code for a session. RESULT_INVALID_TOKEN when the code
 * is unknown, used or expired, or its user can no longer log in. */
enum result sso_exchange(struct app *app, const char *code, struct auth_token *ret);

/* Whether password logins are allowed for a user of tenant_id (false when
 * its provider says so). */
enum result sso_password_login_allowed(struct store_conn *conn, int64_t tenant_id, bool *ret);

#endif
