/* People who log in: platform superadmins and each tenant's admins,
 * supervisors and agents. */
#ifndef AGENTDESK_DOMAIN_USERS_H
#define AGENTDESK_DOMAIN_USERS_H

#include <stdbool.h>

#include "store/store.h"

#define USER_NAME_MAX_CHARS 100

/* The roles, from the platform down; stored and shown by name. */
enum user_role {
        USER_ROLE_SUPERADMIN,
        USER_ROLE_ADMIN,
        USER_ROLE_SUPERVISOR,
        USER_ROLE_AGENT,
};

/* "superadmin", "admin", "supervisor", "agent". */
const char *user_role_name(enum user_role role);

/* false (and *ret untouched) for any other text, NULL included. */
bool user_role_parse(const char *s, enum user_role *ret);

/* A user's status, stored by name. */
enum user_status {
        USER_STATUS_ACTIVE,
        USER_STATUS_SUSPENDED,           /* cannot sign in; extensions taken from FreeSWITCH */
        USER_STATUS_DELETED,             /* gone for every purpose but the audit log */
};

/* "active", "suspended", "deleted". */
const char *user_status_name(enum user_status status);

/* false (and *ret untouched) for any other text, NULL included. */
bool user_status_parse(const char *s, enum user_status *ret);
/* Whether u's stored status parses as active. */
bool user_active(const struct store_user *u);

/*
 * Creates a user with a password chosen by a person (hashed with argon2id).
 * tenant_id 0 is allowed for a superadmin only; the tenant must exist.
 * Names may be empty here (the CLI's first admin); the API requires them.
 * RESULT_INVALID names the field in *ret_field; RESULT_EMAIL_TAKEN when a
 * live user has the email. Nothing is written on failure.
 */
enum result user_create(struct store *store, int64_t tenant_id, const char *email,
                        const char *password, const char *role, const char *first_name,
                        const char *last_name, bool must_change_password,
                        struct store_user *ret, const char **ret_field);

/* Sets a new password (argon2id) and revokes the user's tokens. */
enum result user_set_password(struct store *store, int64_t user_id, const char *password,
                              bool must_change_password);

#endif
