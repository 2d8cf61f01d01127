/* People who log in: platform superadmins and each tenant's admins,
 * supervisors and agents. */
#ifndef AGENTDESK_DOMAIN_USERS_H
#define AGENTDESK_DOMAIN_USERS_H

#include <stdbool.h>

#include "store/store.h"

#define USER_NAME_MAX_CHARS 100

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
