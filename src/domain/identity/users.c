/* Users; see users.h. */
#include "domain/identity/users.h"

#include <string.h>

#include "domain/core/credentials.h"
#include "domain/identity/passwords.h"
#include "util/text.h"
#include "util/wipe.h"

static bool optional_name_valid(const char *s)
{
        return !s || !*s || text_name_valid(s, USER_NAME_MAX_CHARS);
}

enum result user_create(struct store *store, int64_t tenant_id, const char *email,
                        const char *password, const char *role, const char *first_name,
                        const char *last_name, bool must_change_password,
                        struct store_user *ret, const char **ret_field)
{
        struct store_user u = { 0 };
        struct store_tenant t;
        struct store_conn *conn;
        enum user_role parsed;
        enum result result;

        if (!text_email_valid(email)) {
                *ret_field = "email";
                return RESULT_INVALID;
        }
        if (!user_role_parse(role, &parsed) || (tenant_id == 0 && parsed != USER_ROLE_SUPERADMIN)) {
                *ret_field = tenant_id == 0 && user_role_parse(role, &parsed) ? "tenant_id" : "role";
                return RESULT_INVALID;
        }
        if (!optional_name_valid(first_name)) {
                *ret_field = "first_name";
                return RESULT_INVALID;
        }
        if (!optional_name_valid(last_name)) {
                *ret_field = "last_name";
                return RESULT_INVALID;
        }
        if (!password_acceptable(password, email)) {
                *ret_field = "password";
                return RESULT_INVALID;
        }
        result = store_conn_get(store, &conn);
        if (result)
                return result;
        if (tenant_id) {
                result = store_tenant_get(conn, tenant_id, &t);
                if (result == RESULT_NOT_FOUND)
                        *ret_field = "tenant_id";
                if (result)
                        return result;
        }
        u.tenant_id = tenant_id;
        u.status = USER_STATUS_ACTIVE;
        text_lower(u.email, sizeof(u.email), email);
        text_copy(u.first_name, sizeof(u.first_name), first_name);
        text_copy(u.last_name, sizeof(u.last_name), last_name);
        u.role = parsed;
        u.must_change_password = must_change_password;
        /* Hash before the transaction: argon2id takes tens of ms and must
         * not hold the write lock. */
        result = credentials_hash_password(password, u.password_hash);
        if (result)
                return result;
        result = store_begin(conn);
        if (result)
                return result;
        result = store_user_insert(conn, &u);
        if (result == RESULT_EMAIL_TAKEN)
                *ret_field = "email";
        if (!result)
                result = store_commit(conn);
        if (result) {
                store_rollback(conn);
                return result;
        }
        *ret = u;
        return RESULT_OK;
}

enum result user_set_password(struct store *store, int64_t user_id, const char *password,
                              bool must_change_password)
{
        char hash[STORE_TEXT_MAX];
        struct store_conn *conn;
        enum result result;

        if (!password_acceptable(password, NULL))
                return RESULT_INVALID;
        result = store_conn_get(store, &conn);
        if (result)
                return result;
        result = credentials_hash_password(password, hash);
        if (result)
                return result;
        result = store_user_set_password(conn, user_id, hash, must_change_password);
        wipe_memory(hash, sizeof(hash));
        return result;
}
