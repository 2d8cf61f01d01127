/* The live event catalogue's log (live_events; domain/events/events.h). */
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/store.h"

/* The transaction-level lock that numbers events in commit order on
 * PostgreSQL: a second appender waits for the first one's commit, so the
 * sequence hands out ids in the order the rows become visible. */
#define LIVE_EVENTS_LOCK_KEY 0x61676e74646b10LL

static enum result id_row(const struct store_rows *rows, int r, void *out)
{
        *(int64_t *)out = store_int(store_rows_get(rows, r, 0));
        return RESULT_OK;
}

enum result store_live_event_append(struct store_conn *conn, int64_t tenant_id,
                                    enum event_type type, int64_t user_id, const char *data,
                                    int64_t *ret_id)
{
        struct store_param p[] = {
                tenant_id ? SP_INT(tenant_id) : SP_NULL,
                SP_TEXT(event_type_name(type)),
                user_id ? SP_INT(user_id) : SP_NULL,
                SP_TEXT(data),
                SP_INT(store_now()),
        };
        int64_t id = 0;
        enum result result;

        if (conn->driver->caps & STORE_CAP_ADVISORY_LOCK) {
                struct store_param key = SP_INT(LIVE_EVENTS_LOCK_KEY);

                result = store_exec(conn, "SELECT pg_advisory_xact_lock(CAST(? AS BIGINT))", &key,
                                    1, NULL, NULL);
                if (result != RESULT_OK)
                        return result;
        }
        result = store_exec_one(conn,
                                "INSERT INTO live_events (tenant_id, type, user_id, data, created_at) "
                                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                                p, STORE_NPARAMS(p), id_row, &id);
        if (result == RESULT_OK && ret_id)
                *ret_id = id;
        return result;
}

static enum result event_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_live_event *e = out;
        const char *data = store_rows_get(rows, r, 4);

        e->id = store_int(store_rows_get(rows, r, 0));
        e->tenant_id = store_int(store_rows_get(rows, r, 1));
        e->user_id = store_int(store_rows_get(rows, r, 3));
        e->created_at = store_int(store_rows_get(rows, r, 5));
        e->data = strdup(data ? data : "{}");
        if (!e->data)
                return RESULT_NOMEM;
        return store_decoded(event_type_parse(store_rows_get(rows, r, 2), &e->type), "live_events");
}

enum result store_live_events_after(struct store_conn *conn, int64_t after_id, int max,
                                    struct store_live_event **ret_items, size_t *ret_n)
{
        struct store_param p[] = { SP_INT(after_id), SP_INT(max) };
        struct store_rows rows = { 0 };
        struct store_live_event *items = NULL;
        enum result result;
        int n;

        *ret_items = NULL;
        *ret_n = 0;
        result = store_exec(conn,
                            "SELECT id, COALESCE(tenant_id, 0), type, COALESCE(user_id, 0), data, "
                            "created_at FROM live_events WHERE id > ? ORDER BY id LIMIT ?",
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (result != RESULT_OK)
                return result;
        n = rows.nrows;
        if (n > 0) {
                items = calloc((size_t)n, sizeof(*items));
                if (!items)
                        result = RESULT_NOMEM;
        }
        for (int r = 0; r < n && result == RESULT_OK; r++) {
                result = event_from_row(&rows, r, &items[r]);
                if (result == RESULT_OK)
                        *ret_n = (size_t)r + 1;
        }
        store_rows_free(&rows);
        if (result != RESULT_OK) {
                store_live_events_free(items, n > 0 ? (size_t)n : 0);
                *ret_n = 0;
                return result;
        }
        *ret_items = items;
        return RESULT_OK;
}

void store_live_events_free(struct store_live_event *items, size_t n)
{
        if (!items)
                return;
        for (size_t i = 0; i < n; i++)
                free(items[i].data);
        free(items);
}
