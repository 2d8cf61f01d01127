/*
 * SCIM 2.0 provisioning (RFC 7643, RFC 7644) as the domain sees it: a
 * tenant's SCIM bearer tokens, and its users as an identity provider
 * (Microsoft Entra ID, Okta) manages them. The HTTP and JSON side is
 * api/scim.c; here are the rules, over agents.h's create, update and
 * delete so that a user the provider creates, suspends or deletes is
 * exactly one the portal would have.
 *
 * Tokens: "scim_" + 43 base64url characters (32 random bytes), shown once
 * and stored as their keyed hash (credentials_keyed_hash), like sessions.
 * They live in a table of their own: a SCIM token is no session (never
 * valid on /v1) and a session is no SCIM token. A token acts only in its
 * tenant, and not at all while the tenant is suspended.
 *
 * The rules of a SCIM user: userName is the email (stored lower-case);
 * name.givenName and name.familyName are required; externalId is kept as
 * given; active false suspends (as the portal does: tokens revoked,
 * extensions deprovisioned, the registration cut), true reactivates; the
 * role comes from the tenant's mapping of one attribute (department,
 * title, userType or the primary of roles), default agent; a new user is
 * invited when mail is on, else it has a temporary password nobody sees
 * (an admin resets it).
 */
#ifndef AGENTDESK_DOMAIN_IDENTITY_SCIM_H
#define AGENTDESK_DOMAIN_IDENTITY_SCIM_H

#include "domain/identity/agents.h"

#define SCIM_TOKEN_PREFIX "scim_"
#define SCIM_TOKEN_LEN (5 + CREDENTIALS_LINK_TOKEN_LEN)

/* The most tokens a tenant keeps at once (a rotation needs two). */
#define SCIM_TOKENS_MAX 10

/* A new token named name (may be "" or NULL; a name otherwise, at most 100
 * characters) into ret_token, shown once; *ret its row. Audited
 * (scim_token.create). RESULT_INVALID (ret_field "name"), RESULT_CONFLICT
 * with SCIM_TOKENS_MAX live already. */
enum result scim_token_create(struct app *app, const struct actor *actor, int64_t tenant_id,
                              const char *name, char ret_token[SCIM_TOKEN_LEN + 1],
                              struct store_scim_token *ret, const char **ret_field);

/* The tenant's live tokens; *ret calloc'd (caller frees). */
enum result scim_token_list(struct app *app, int64_t tenant_id, struct store_scim_token **ret,
                            size_t *ret_n);

/* Revokes the tenant's token id at once. Audited (scim_token.revoke). */
enum result scim_token_revoke(struct app *app, const struct actor *actor, int64_t tenant_id,
                              int64_t id);

/* The live token that token is, of an active tenant, into *ret;
 * RESULT_UNAUTHORIZED for anything else (a session token included). */
enum result scim_token_verify(struct app *app, const char *token, struct store_scim_token *ret);

/* The attributes a role may be mapped from ("" is none). */
bool scim_role_attribute_valid(const char *name);

/* The tenant's role mapping. set: attribute one scim_role_attribute_valid
 * accepts, map a JSON object text of at most 50 values (non-empty strings
 * of at most 100 characters) to "admin", "supervisor" or "agent";
 * RESULT_INVALID naming the field ("role_attribute", "role_map") otherwise.
 * Audited (scim.settings). */
enum result scim_settings_get(struct app *app, int64_t tenant_id,
                              struct store_scim_settings *ret);
enum result scim_settings_set(struct app *app, const struct actor *actor, int64_t tenant_id,
                              const struct store_scim_settings *s, const char **ret_field);

/* A user as SCIM shows it. */
struct scim_user {
        struct agent agent;
        char external_id[STORE_TEXT_MAX];
};

/* What a provider sends for a user (create, or replace: all of it). */
struct scim_user_input {
        const char *user_name;           /* the email */
        const char *given_name, *family_name;
        const char *external_id;         /* NULL: none (replace: left as it is) */
        bool active;
        /* the attributes a role may be mapped from; NULL when absent */
        const char *department, *title, *user_type, *role;
};

/* Creates the user (agents.h agent_create, invited when mail is on) with
 * its externalId, in one transaction. RESULT_INVALID (ret_field the SCIM
 * attribute), RESULT_EMAIL_TAKEN, RESULT_POOL_EXHAUSTED. active false
 * creates it, then suspends it. */
enum result scim_user_create(struct app *app, const struct actor *actor, int64_t tenant_id,
                             const struct scim_user_input *in, struct scim_user *ret,
                             const char **ret_field);

/* The tenant's user id (RESULT_NOT_FOUND as agent_get). */
enum result scim_user_get(struct app *app, int64_t tenant_id, int64_t id, struct scim_user *ret);

/* A page of the tenant's user ids, all of them or those whose userName
 * (email, any case) or externalId is value; *ret calloc'd (caller frees). */
enum result scim_user_find(struct app *app, int64_t tenant_id, enum store_scim_match match,
                           const char *value, struct store_page *page, int64_t **ret,
                           size_t *ret_n);

/* Replaces what SCIM manages of the user: names, active, externalId, and
 * the role when the tenant maps one. userName cannot change
 * (RESULT_CONFLICT, ret_field "userName": the email is the login). */
enum result scim_user_replace(struct app *app, const struct actor *actor, int64_t tenant_id,
                              int64_t id, const struct scim_user_input *in,
                              struct scim_user *ret, const char **ret_field);

/* Deletes the user as the portal does (agent_delete). */
enum result scim_user_delete(struct app *app, const struct actor *actor, int64_t tenant_id,
                             int64_t id);

#endif
