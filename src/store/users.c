/* User rows. Emails are stored lower-case; uniqueness among non-deleted
 * users is the partial index users_email_live. */
#include <string.h>

#include "store/driver.h"
#include "util/text.h"
#include "store/store.h"

#define USER_COLS \
        "id, COALESCE(tenant_id, 0), email, first_name, last_name, role, status, " \
        "password_hash, must_change_password, token_version, created_at, updated_at, " \
        "COALESCE(last_login_at, 0)"

static void user_from_row(const struct store_rows *rows, int r, struct store_user *u)
{
        u->id = store_int(store_rows_get(rows, r, 0));
        u->tenant_id = store_int(store_rows_get(rows, r, 1));
        text_copy(u->email, sizeof(u->email), store_rows_get(rows, r, 2));
        text_copy(u->first_name, sizeof(u->first_name), store_rows_get(rows, r, 3));
        text_copy(u->last_name, sizeof(u->last_name), store_rows_get(rows, r, 4));
        text_copy(u->role, sizeof(u->role), store_rows_get(rows, r, 5));
        text_copy(u->status, sizeof(u->status), store_rows_get(rows, r, 6));
        text_copy(u->password_hash, sizeof(u->password_hash), store_rows_get(rows, r, 7));
        u->must_change_password = store_int(store_rows_get(rows, r, 8)) != 0;
        u->token_version = store_int(store_rows_get(rows, r, 9));
        u->created_at = store_int(store_rows_get(rows, r, 10));
        u->updated_at = store_int(store_rows_get(rows, r, 11));
        u->last_login_at = store_int(store_rows_get(rows, r, 12));
}

enum result store_user_insert(struct store_conn *conn, struct store_user *u)
{
        struct store_rows rows = { 0 };
        int64_t now = store_now();
        struct store_param p[] = {
                u->tenant_id ? SP_INT(u->tenant_id) : SP_NULL,
                SP_TEXT(u->email),
                SP_TEXT(u->first_name),
                SP_TEXT(u->last_name),
                SP_TEXT(u->role),
                SP_TEXT(u->status[0] ? u->status : "active"),
                SP_TEXT(u->password_hash),
                SP_INT(u->must_change_password),
                SP_INT(now),
                SP_INT(now),
        };
        enum result result;

        result = store_exec(conn,
                            "INSERT INTO users (tenant_id, email, first_name, last_name, role, "
                            "status, password_hash, must_change_password, created_at, updated_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " USER_COLS,
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (result == RESULT_CONFLICT)
                return RESULT_EMAIL_TAKEN;
        if (result)
                return result;
        if (rows.nrows == 1)
                user_from_row(&rows, 0, u);
        else
                result = RESULT_STORE;
        store_rows_free(&rows);
        return result;
}

static enum result get_one(struct store_conn *conn, const char *sql, struct store_param p,
                           struct store_user *ret)
{
        struct store_rows rows = { 0 };
        enum result result = store_exec(conn, sql, &p, 1, &rows, NULL);

        if (result)
                return result;
        if (rows.nrows == 0)
                result = RESULT_NOT_FOUND;
        else
                user_from_row(&rows, 0, ret);
        store_rows_free(&rows);
        return result;
}

enum result store_user_get(struct store_conn *conn, int64_t id, struct store_user *ret)
{
        return get_one(conn, "SELECT " USER_COLS " FROM users WHERE id = ?", SP_INT(id), ret);
}

enum result store_user_get_by_email(struct store_conn *conn, const char *email,
                                    struct store_user *ret)
{
        return get_one(conn,
                       "SELECT " USER_COLS " FROM users WHERE email = ? AND status <> 'deleted'",
                       SP_TEXT(email), ret);
}

enum result store_user_set_password(struct store_conn *conn, int64_t id, const char *hash,
                                    bool must_change)
{
        struct store_param p[] = { SP_TEXT(hash), SP_INT(must_change), SP_INT(store_now()),
                                   SP_INT(id) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn,
                            "UPDATE users SET password_hash = ?, must_change_password = ?, "
                            "token_version = token_version + 1, updated_at = ? "
                            "WHERE id = ? AND status <> 'deleted'",
                            p, STORE_NPARAMS(p), NULL, &changes);
        if (!result && changes == 0)
                result = RESULT_NOT_FOUND;
        return result;
}
