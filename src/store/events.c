/* The live event catalogue's log (live_events; domain/events/events.h)
 * and the tickets that open its streams (event_tickets). */
#include <stdio.h>
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

static int cmp_id(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

        return (x > y) - (x < y);
}

struct store_pending_event {
        int64_t tenant_id, user_id, created_at;
        enum event_type type;
        char *data;
};

enum result store_live_event_append(struct store_conn *conn, int64_t tenant_id,
                                    enum event_type type, int64_t user_id, const char *data)
{
        struct store_pending_event *e;
        enum result result;

        if (!conn->in_transaction) {
                result = store_begin(conn);
                if (!result)
                        result = store_live_event_append(conn, tenant_id, type, user_id, data);
                if (!result)
                        return store_commit(conn);
                store_rollback(conn);
                return result;
        }
        if (conn->n_events == conn->cap_events) {
                size_t cap = conn->cap_events ? conn->cap_events * 2 : 8;
                struct store_pending_event *grown = realloc(conn->events, cap * sizeof(*grown));
                if (!grown)
                        return RESULT_NOMEM;
                conn->events = grown;
                conn->cap_events = cap;
        }
        e = &conn->events[conn->n_events];
        *e = (struct store_pending_event){ .tenant_id = tenant_id, .user_id = user_id,
                                           .created_at = store_now(), .type = type,
                                           .data = strdup(data ? data : "{}") };
        if (!e->data)
                return RESULT_NOMEM;
        conn->n_events++;
        return RESULT_OK;
}

#define EVENTS_PER_INSERT 50

enum result store_events_flush(struct store_conn *conn)
{
        enum result result = RESULT_OK;

        if (conn->n_events && (conn->driver->caps & STORE_CAP_ADVISORY_LOCK)) {
                struct store_param key = SP_INT(LIVE_EVENTS_LOCK_KEY);

                result = store_exec(conn, "SELECT pg_advisory_xact_lock(CAST(? AS BIGINT))", &key,
                                    1, NULL, NULL);
        }
        /* EVENTS_PER_INSERT rows a statement, in order (one round trip for
         * many: a 10,000-row import appends 10,000 events). */
        for (size_t i = 0; i < conn->n_events && !result; i += EVENTS_PER_INSERT) {
                struct store_param p[EVENTS_PER_INSERT * 5];
                size_t n = conn->n_events - i < EVENTS_PER_INSERT ? conn->n_events - i
                                                                   : EVENTS_PER_INSERT;
                char sql[160 + EVENTS_PER_INSERT * 18];
                size_t len = (size_t)snprintf(sql, sizeof(sql),
                                              "INSERT INTO live_events (tenant_id, type, user_id, "
                                              "data, created_at) VALUES ");

                for (size_t k = 0; k < n; k++) {
                        const struct store_pending_event *e = &conn->events[i + k];
                        p[5 * k] = e->tenant_id ? SP_INT(e->tenant_id) : SP_NULL;
                        p[5 * k + 1] = SP_TEXT(event_type_name(e->type));
                        p[5 * k + 2] = e->user_id ? SP_INT(e->user_id) : SP_NULL;
                        p[5 * k + 3] = SP_TEXT(e->data);
                        p[5 * k + 4] = SP_INT(e->created_at);
                        len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s(?, ?, ?, ?, ?)",
                                                k ? ", " : "");
                }
                snprintf(sql + len, sizeof(sql) - len, " RETURNING id");
                struct store_rows rows = { 0 };
                int64_t ids[EVENTS_PER_INSERT];

                result = store_exec(conn, sql, p, 5 * n, &rows, NULL);
                if (!result && (size_t)rows.nrows != n)
                        result = RESULT_STORE;
                /* One statement's ids ascend in the order of its rows (the
                 * appenders take the lock above, or SQLite's write lock,
                 * so nobody else numbers rows meanwhile), whatever order
                 * RETURNING lists them in: the k-th smallest is row k's. */
                for (size_t k = 0; !result && k < n; k++)
                        ids[k] = store_int(store_rows_get(&rows, (int)k, 0));
                store_rows_free(&rows);
                if (!result)
                        qsort(ids, n, sizeof(ids[0]), cmp_id);
                /* The webhook outbox's rows, in the same transaction: at
                 * least once holds from the commit on. */
                for (size_t k = 0; !result && k < n; k++) {
                        const struct store_pending_event *e = &conn->events[i + k];
                        result = store_webhook_fan_out(conn, ids[k], e->tenant_id,
                                                       event_type_name(e->type), e->data,
                                                       e->created_at);
                }
        }
        store_events_forget(conn);
        return result;
}

void store_events_forget(struct store_conn *conn)
{
        for (size_t i = 0; i < conn->n_events; i++)
                free(conn->events[i].data);
        free(conn->events);
        conn->events = NULL;
        conn->n_events = conn->cap_events = 0;
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

enum result store_live_events_last_id(struct store_conn *conn, int64_t *ret_id)
{
        int64_t id = 0;
        enum result result = store_exec_one(conn, "SELECT COALESCE(MAX(id), 0) FROM live_events",
                                            NULL, 0, id_row, &id);

        if (result == RESULT_OK)
                *ret_id = id;
        return result;
}

enum result store_event_ticket_insert(struct store_conn *conn, const char *token_hash,
                                      const struct store_event_ticket *ticket, int64_t expires_at)
{
        struct store_param p[] = {
                SP_TEXT(token_hash),
                SP_INT(ticket->session_id),
                SP_TEXT(event_stream_name(ticket->stream)),
                ticket->tenant_id ? SP_INT(ticket->tenant_id) : SP_NULL,
                SP_INT(expires_at),
                SP_INT(store_now()),
        };

        return store_exec(conn,
                          "INSERT INTO event_tickets (token_hash, session_id, stream, tenant_id, "
                          "expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

static enum result ticket_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_event_ticket *t = out;

        t->session_id = store_int(store_rows_get(rows, r, 0));
        t->tenant_id = store_int(store_rows_get(rows, r, 2));
        return store_decoded(event_stream_parse(store_rows_get(rows, r, 1), &t->stream),
                             "event_tickets");
}

enum result store_event_ticket_take(struct store_conn *conn, const char *token_hash, int64_t now,
                                    struct store_event_ticket *ret)
{
        struct store_param p[] = { SP_INT(now), SP_TEXT(token_hash), SP_INT(now) };
        struct store_event_ticket t;
        enum result result;

        /* One statement: of two takers, the second finds used_at set. */
        result = store_exec_one(conn,
                                "UPDATE event_tickets SET used_at = ? WHERE token_hash = ? "
                                "AND used_at IS NULL AND expires_at > ? "
                                "RETURNING session_id, stream, COALESCE(tenant_id, 0)",
                                p, STORE_NPARAMS(p), ticket_from_row, &t);
        if (result == RESULT_OK)
                *ret = t;
        return result;
}
