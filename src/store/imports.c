/*
 * Agent imports (migration 13 for SQLite, 14 for PostgreSQL): one row per
 * real import of a CSV file (domain/identity/imports.c). The partial
 * unique index on running rows makes "one running import per tenant" hold
 * across nodes: a second start is RESULT_CONFLICT.
 */
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/store.h"
#include "util/text.h"

#define IMPORT_COLS "id, tenant_id, status, total, done, result, "                 \
                    "CASE WHEN passwords IS NULL THEN 0 ELSE 1 END, "           \
                    "created_at, updated_at"

static enum result import_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_import *im = out;
        const char *result = store_rows_get(rows, r, 5);

        im->id = store_int(store_rows_get(rows, r, 0));
        im->tenant_id = store_int(store_rows_get(rows, r, 1));
        text_copy(im->status, sizeof(im->status), store_rows_get(rows, r, 2));
        im->total = store_int(store_rows_get(rows, r, 3));
        im->done = store_int(store_rows_get(rows, r, 4));
        im->result = result ? strdup(result) : NULL;
        im->has_passwords = store_int(store_rows_get(rows, r, 6)) != 0;
        im->created_at = store_int(store_rows_get(rows, r, 7));
        im->updated_at = store_int(store_rows_get(rows, r, 8));
        return store_decoded(!result || im->result, "agent_imports");
}

enum result store_import_start(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                               int64_t total, int64_t *ret_id)
{
        int64_t now = store_now();
        struct store_param p[] = { SP_INT(tenant_id), SP_INT(total),
                                   user_id ? SP_INT(user_id) : SP_NULL, SP_INT(now), SP_INT(now) };
        struct store_rows rows = { 0 };
        enum result result;

        result = store_exec(conn,
                            "INSERT INTO agent_imports (tenant_id, status, total, created_by, "
                            "created_at, updated_at) VALUES (?, 'running', ?, ?, ?, ?) RETURNING id",
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (!result && rows.nrows != 1)
                result = RESULT_STORE;
        if (!result)
                *ret_id = store_int(store_rows_get(&rows, 0, 0));
        store_rows_free(&rows);
        return result;
}

enum result store_import_finish(struct store_conn *conn, int64_t id, bool ok, int64_t done,
                                const char *result_json, const char *sealed_passwords)
{
        struct store_param p[] = { SP_TEXT(ok ? "done" : "failed"), SP_INT(done),
                                   SP_TEXT(result_json),
                                   sealed_passwords ? SP_TEXT(sealed_passwords) : SP_NULL,
                                   SP_INT(store_now()), SP_INT(id) };

        return store_exec(conn,
                          "UPDATE agent_imports SET status = ?, done = ?, result = ?, "
                          "passwords = ?, updated_at = ? WHERE id = ?",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

enum result store_import_get(struct store_conn *conn, int64_t tenant_id, int64_t id,
                             struct store_import *ret)
{
        struct store_param p[] = { SP_INT(id), SP_INT(tenant_id) };

        return store_exec_one(conn,
                              "SELECT " IMPORT_COLS " FROM agent_imports "
                              "WHERE id = ? AND tenant_id = ?",
                              p, STORE_NPARAMS(p), import_from_row, ret);
}

void store_import_free(struct store_import *im)
{
        free(im->result);
        im->result = NULL;
}

enum result store_import_purge_passwords(struct store_conn *conn, int64_t before, int64_t limit,
                                         int64_t *ret_n)
{
        struct store_param p[] = { SP_INT(before), SP_INT(limit) };

        return store_exec(conn,
                          "UPDATE agent_imports SET passwords = NULL WHERE id IN (SELECT id FROM "
                          "agent_imports WHERE passwords IS NOT NULL AND status <> 'running' AND "
                          "updated_at < ? ORDER BY id LIMIT ?)",
                          p, STORE_NPARAMS(p), NULL, ret_n);
}

enum result store_import_take_passwords(struct store_conn *conn, int64_t tenant_id, int64_t id,
                                        char **ret_sealed)
{
        struct store_param p[] = { SP_INT(id), SP_INT(tenant_id) };
        struct store_rows rows = { 0 };
        enum result result;
        char *sealed = NULL;

        /* Read and erased in one transaction: two downloads at once get
         * it once. */
        result = store_begin(conn);
        if (result)
                return result;
        result = store_exec(conn,
                            "SELECT passwords FROM agent_imports WHERE id = ? AND tenant_id = ? "
                            "AND status = 'done'",
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (!result && rows.nrows == 0)
                result = RESULT_NOT_FOUND;
        if (!result && !store_rows_get(&rows, 0, 0))
                result = RESULT_CONFLICT;        /* taken already, or none */
        if (!result && !(sealed = strdup(store_rows_get(&rows, 0, 0))))
                result = RESULT_NOMEM;
        store_rows_free(&rows);
        if (!result)
                result = store_exec(conn,
                                    "UPDATE agent_imports SET passwords = NULL "
                                    "WHERE id = ? AND tenant_id = ?",
                                    p, STORE_NPARAMS(p), NULL, NULL);
        if (!result)
                result = store_commit(conn);
        else
                store_rollback(conn);
        if (result) {
                free(sealed);
                return result;
        }
        *ret_sealed = sealed;
        return RESULT_OK;
}

enum result store_import_fail_stale(struct store_conn *conn, int64_t tenant_id, int64_t before)
{
        struct store_param p[] = { SP_INT(store_now()), SP_INT(tenant_id), SP_INT(before) };

        return store_exec(conn,
                          "UPDATE agent_imports SET status = 'failed', updated_at = ? "
                          "WHERE tenant_id = ? AND status = 'running' AND updated_at < ?",
                          p, STORE_NPARAMS(p), NULL, NULL);
}
