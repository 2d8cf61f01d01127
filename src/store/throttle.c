/*
 * Login throttle state, shared by every agentdesk node through the store.
 * A key ("email:…" or "ip:…") counts failures in a fixed window that starts
 * at its first failure; an expired window starts again at 1.
 */
#include "store/driver.h"
#include "store/store.h"

enum result store_throttle_get(struct store_conn *conn, const char *key, int64_t now,
                               int64_t window, int64_t *ret_failures, int64_t *ret_window_start)
{
        struct store_rows rows = { 0 };
        struct store_param p[] = { SP_TEXT(key), SP_INT(now - window) };
        enum result result;

        result = store_exec(conn,
                            "SELECT failures, window_start FROM login_throttle "
                            "WHERE key = ? AND window_start > ?",
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (result)
                return result;
        *ret_failures = rows.nrows ? store_int(store_rows_get(&rows, 0, 0)) : 0;
        *ret_window_start = rows.nrows ? store_int(store_rows_get(&rows, 0, 1)) : now;
        store_rows_free(&rows);
        return RESULT_OK;
}

enum result store_throttle_fail(struct store_conn *conn, const char *key, int64_t now,
                                int64_t window)
{
        struct store_param p[] = { SP_TEXT(key), SP_INT(now), SP_INT(now - window),
                                   SP_INT(now - window), SP_INT(now) };

        return store_exec(conn,
                          "INSERT INTO login_throttle (key, failures, window_start) VALUES (?, 1, ?) "
                          "ON CONFLICT (key) DO UPDATE SET "
                          "failures = CASE WHEN login_throttle.window_start <= ? THEN 1 "
                          "ELSE login_throttle.failures + 1 END, "
                          "window_start = CASE WHEN login_throttle.window_start <= ? THEN ? "
                          "ELSE login_throttle.window_start END",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

enum result store_throttle_clear(struct store_conn *conn, const char *key)
{
        struct store_param p = SP_TEXT(key);

        return store_exec(conn, "DELETE FROM login_throttle WHERE key = ?", &p, 1, NULL, NULL);
}
