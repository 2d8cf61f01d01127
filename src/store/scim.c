/* SCIM rows: tokens, externalIds, the role mapping. Portable SQL; see
 * store/driver.h for the rules. */
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/store.h"
#include "util/text.h"

#define TOKEN_COLS "id, tenant_id, name, COALESCE(created_by, 0), created_at, " \
                   "COALESCE(last_used_at, 0)"

static enum result token_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_scim_token *t = out;

        t->id = store_int(store_rows_get(rows, r, 0));
        t->tenant_id = store_int(store_rows_get(rows, r, 1));
        text_copy(t->name, sizeof(t->name), store_rows_get(rows, r, 2));
        t->created_by = store_int(store_rows_get(rows, r, 3));
        t->created_at = store_int(store_rows_get(rows, r, 4));
        t->last_used_at = store_int(store_rows_get(rows, r, 5));
        return RESULT_OK;
}

enum result store_scim_token_insert(struct store_conn *conn, struct store_scim_token *t,
                                    const char *token_hash)
{
        struct store_param p[] = {
                SP_INT(t->tenant_id), SP_TEXT(token_hash), SP_TEXT(t->name),
                t->created_by ? SP_INT(t->created_by) : SP_NULL, SP_INT(store_now()),
        };

        return store_exec_one(conn,
                              "INSERT INTO scim_tokens (tenant_id, token_hash, name, created_by, "
                              "created_at) VALUES (?, ?, ?, ?, ?) RETURNING " TOKEN_COLS,
                              p, STORE_NPARAMS(p), token_from_row, t);
}

enum result store_scim_token_list(struct store_conn *conn, int64_t tenant_id,
                                  struct store_scim_token **ret, size_t *ret_n)
{
        struct store_param p = SP_INT(tenant_id);

        return store_exec_all(conn,
                              "SELECT " TOKEN_COLS " FROM scim_tokens WHERE tenant_id = ? "
                              "AND revoked_at IS NULL ORDER BY id",
                              &p, 1, sizeof(**ret), token_from_row, (void **)ret, ret_n);
}

enum result store_scim_token_revoke(struct store_conn *conn, int64_t tenant_id, int64_t id)
{
        struct store_param p[] = { SP_INT(store_now()), SP_INT(id), SP_INT(tenant_id) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn,
                            "UPDATE scim_tokens SET revoked_at = ? WHERE id = ? AND tenant_id = ? "
                            "AND revoked_at IS NULL",
                            p, STORE_NPARAMS(p), NULL, &changes);
        if (!result && changes == 0)
                result = RESULT_NOT_FOUND;
        return result;
}

enum result store_scim_token_use(struct store_conn *conn, const char *token_hash, int64_t now,
                                 struct store_scim_token *ret)
{
        struct store_param p = SP_TEXT(token_hash);
        struct store_param touch[] = { SP_INT(now), SP_INT(0), SP_INT(now - 60) };
        struct store_scim_token t;
        enum result result;

        result = store_exec_one(conn,
                                "SELECT s.id, s.tenant_id, s.name, COALESCE(s.created_by, 0), "
                                "s.created_at, COALESCE(s.last_used_at, 0) FROM scim_tokens s "
                                "JOIN tenants t ON t.id = s.tenant_id WHERE s.token_hash = ? "
                                "AND s.revoked_at IS NULL AND t.status = 'active'",
                                &p, 1, token_from_row, &t);
        if (result)
                return result;
        if (t.last_used_at < now - 60) {
                touch[1] = SP_INT(t.id);
                result = store_exec(conn,
                                    "UPDATE scim_tokens SET last_used_at = ? WHERE id = ? "
                                    "AND (last_used_at IS NULL OR last_used_at < ?)",
                                    touch, STORE_NPARAMS(touch), NULL, NULL);
                if (result)
                        return result;
                t.last_used_at = now;
        }
        *ret = t;
        return RESULT_OK;
}

enum result store_scim_external_id_set(struct store_conn *conn, int64_t tenant_id,
                                       int64_t user_id, const char *external_id)
{
        struct store_param p[] = { SP_INT(user_id), SP_INT(tenant_id), SP_TEXT(external_id) };

        return store_exec(conn,
                          "INSERT INTO scim_users (user_id, tenant_id, external_id) VALUES (?, ?, ?) "
                          "ON CONFLICT (user_id) DO UPDATE SET external_id = excluded.external_id",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

enum result store_scim_external_id_get(struct store_conn *conn, int64_t user_id,
                                       char ret[STORE_TEXT_MAX])
{
        struct store_rows rows = { 0 };
        struct store_param p = SP_INT(user_id);
        enum result result;

        result = store_exec(conn, "SELECT external_id FROM scim_users WHERE user_id = ?", &p, 1,
                            &rows, NULL);
        if (result)
                return result;
        text_copy(ret, STORE_TEXT_MAX, rows.nrows ? store_rows_get(&rows, 0, 0) : "");
        store_rows_free(&rows);
        return RESULT_OK;
}

static enum result id_from_row(const struct store_rows *rows, int r, void *out)
{
        *(int64_t *)out = store_int(store_rows_get(rows, r, 0));
        return RESULT_OK;
}

enum result store_scim_users_find(struct store_conn *conn, int64_t tenant_id,
                                  enum store_scim_match match, const char *value,
                                  struct store_page *page, int64_t **ret, size_t *ret_n)
{
        static const char *const from[] = {
                [STORE_SCIM_MATCH_ALL] = " FROM users u WHERE u.tenant_id = ? "
                                         "AND u.status <> 'deleted'",
                [STORE_SCIM_MATCH_EMAIL] = " FROM users u WHERE u.tenant_id = ? "
                                           "AND u.status <> 'deleted' AND u.email = ?",
                [STORE_SCIM_MATCH_EXTERNAL_ID] = " FROM users u JOIN scim_users s "
                                                 "ON s.user_id = u.id WHERE u.tenant_id = ? "
                                                 "AND u.status <> 'deleted' AND s.external_id = ?",
        };
        struct store_param p[] = { SP_INT(tenant_id), SP_TEXT(value ? value : "") };

        return store_exec_page(conn, "u.id", from[match], " ORDER BY u.id", p,
                               match == STORE_SCIM_MATCH_ALL ? 1 : 2, page, sizeof(**ret),
                               id_from_row, (void **)ret, ret_n);
}

static enum result settings_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_scim_settings *s = out;

        text_copy(s->role_attribute, sizeof(s->role_attribute), store_rows_get(rows, r, 0));
        text_copy(s->role_map, sizeof(s->role_map), store_rows_get(rows, r, 1));
        return RESULT_OK;
}

enum result store_scim_settings_get(struct store_conn *conn, int64_t tenant_id,
                                    struct store_scim_settings *ret)
{
        struct store_param p = SP_INT(tenant_id);
        enum result result;

        result = store_exec_one(conn,
                                "SELECT role_attribute, role_map FROM scim_settings "
                                "WHERE tenant_id = ?",
                                &p, 1, settings_from_row, ret);
        if (result == RESULT_NOT_FOUND) {
                ret->role_attribute[0] = '\0';
                text_copy(ret->role_map, sizeof(ret->role_map), "{}");
                result = RESULT_OK;
        }
        return result;
}

enum result store_scim_settings_set(struct store_conn *conn, int64_t tenant_id,
                                    const struct store_scim_settings *s)
{
        struct store_param p[] = { SP_INT(tenant_id), SP_TEXT(s->role_attribute),
                                   SP_TEXT(s->role_map) };

        return store_exec(conn,
                          "INSERT INTO scim_settings (tenant_id, role_attribute, role_map) "
                          "VALUES (?, ?, ?) ON CONFLICT (tenant_id) DO UPDATE SET "
                          "role_attribute = excluded.role_attribute, role_map = excluded.role_map",
                          p, STORE_NPARAMS(p), NULL, NULL);
}
