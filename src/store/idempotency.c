/* The first answers of creates under an Idempotency-Key (store.h,
 * migration SQLite 16 / PostgreSQL 17). */
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "util/text.h"

enum result store_idempotency_get(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                                  const char *route, const char *key, int64_t now,
                                  struct store_idempotency *ret)
{
        struct store_param p[] = { SP_INT(tenant_id), SP_INT(user_id), SP_TEXT(route), SP_TEXT(key),
                                   SP_INT(now) };
        struct store_rows rows = { 0 };
        enum result result;

        result = store_exec(conn,
                            "SELECT request_digest, status, body FROM idempotency_keys WHERE "
                            "tenant_id = ? AND user_id = ? AND route = ? AND idem_key = ? AND "
                            "expires_at > ?",
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (!result && rows.nrows == 0)
                result = RESULT_NOT_FOUND;
        if (!result) {
                ret->body = strdup(store_rows_get(&rows, 0, 2) ? store_rows_get(&rows, 0, 2) : "");
                if (!ret->body) {
                        result = RESULT_NOMEM;
                } else {
                        text_copy(ret->request_digest, sizeof(ret->request_digest),
                                  store_rows_get(&rows, 0, 0));
                        ret->status = store_int(store_rows_get(&rows, 0, 1));
                }
        }
        store_rows_free(&rows);
        return result;
}

enum result store_idempotency_insert(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                                     const char *route, const char *key,
                                     const struct store_idempotency *answer, int64_t now,
                                     int64_t expires_at)
{
        struct store_param gone[] = { SP_INT(tenant_id), SP_INT(user_id), SP_TEXT(route), SP_TEXT(key),
                                      SP_INT(now) };
        struct store_param p[] = { SP_INT(tenant_id), SP_INT(user_id), SP_TEXT(route), SP_TEXT(key),
                                   SP_TEXT(answer->request_digest), SP_INT(answer->status),
                                   SP_TEXT(answer->body), SP_INT(now), SP_INT(expires_at) };
        enum result result;

        result = store_exec(conn,
                            "DELETE FROM idempotency_keys WHERE tenant_id = ? AND user_id = ? AND "
                            "route = ? AND idem_key = ? AND expires_at <= ?",
                            gone, STORE_NPARAMS(gone), NULL, NULL);
        if (!result)
                result = store_exec(conn,
                                    "INSERT INTO idempotency_keys (tenant_id, user_id, route, "
                                    "idem_key, request_digest, status, body, created_at, "
                                    "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                    p, STORE_NPARAMS(p), NULL, NULL);
        return result;
}
