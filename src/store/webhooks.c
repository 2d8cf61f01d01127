/* Webhook endpoints and their delivery outbox (migration "webhooks":
 * SQLite 15, PostgreSQL 16). Portable SQL; see store/driver.h for the
 * rules. The outbox's rows of catalogue events are written by
 * store_events_flush (store/events.c), in the transaction of the event;
 * the rules (which types, the backoff) are domain/webhooks/'s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/store.h"
#include "util/text.h"

#define WEBHOOK_COLS "id, tenant_id, url, description, secret, events, enabled, created_at, updated_at"

static enum result webhook_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_webhook *w = out;

        w->id = store_int(store_rows_get(rows, r, 0));
        w->tenant_id = store_int(store_rows_get(rows, r, 1));
        text_copy(w->url, sizeof(w->url), store_rows_get(rows, r, 2));
        text_copy(w->description, sizeof(w->description), store_rows_get(rows, r, 3));
        text_copy(w->secret, sizeof(w->secret), store_rows_get(rows, r, 4));
        text_copy(w->events, sizeof(w->events), store_rows_get(rows, r, 5));
        w->enabled = store_int(store_rows_get(rows, r, 6)) != 0;
        w->created_at = store_int(store_rows_get(rows, r, 7));
        w->updated_at = store_int(store_rows_get(rows, r, 8));
        return RESULT_OK;
}

static enum result id_from_row(const struct store_rows *rows, int r, void *out)
{
        *(int64_t *)out = store_int(store_rows_get(rows, r, 0));
        return RESULT_OK;
}

enum result store_webhook_insert(struct store_conn *conn, struct store_webhook *w)
{
        int64_t now = store_now(), id = 0;
        struct store_param p[] = { SP_INT(w->tenant_id), SP_TEXT(w->url), SP_TEXT(w->description),
                                   SP_TEXT(w->secret),   SP_TEXT(w->events), SP_INT(w->enabled),
                                   SP_INT(now),          SP_INT(now) };
        enum result result;

        result = store_exec_one(conn,
                                "INSERT INTO webhook_endpoints (tenant_id, url, description, secret, "
                                "events, enabled, created_at, updated_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                p, STORE_NPARAMS(p), id_from_row, &id);
        if (result)
                return result;
        return store_webhook_get(conn, w->tenant_id, id, w);
}

enum result store_webhook_get(struct store_conn *conn, int64_t tenant_id, int64_t id,
                              struct store_webhook *ret)
{
        struct store_param p[] = { SP_INT(id), SP_INT(tenant_id) };

        return store_exec_one(conn,
                              "SELECT " WEBHOOK_COLS " FROM webhook_endpoints "
                              "WHERE id = ? AND tenant_id = ?",
                              p, STORE_NPARAMS(p), webhook_from_row, ret);
}

enum result store_webhook_list(struct store_conn *conn, int64_t tenant_id, struct store_page *page,
                               struct store_webhook **ret_items, size_t *ret_n)
{
        struct store_param p = SP_INT(tenant_id);

        return store_exec_page(conn, WEBHOOK_COLS, " FROM webhook_endpoints WHERE tenant_id = ?",
                               " ORDER BY id", &p, 1, page, sizeof(**ret_items), webhook_from_row,
                               (void **)ret_items, ret_n);
}

enum result store_webhook_update(struct store_conn *conn, const struct store_webhook *w)
{
        int64_t now = store_now(), changes = 0;
        struct store_param p[] = { SP_TEXT(w->url), SP_TEXT(w->description), SP_TEXT(w->events),
                                   SP_INT(w->enabled), SP_INT(now), SP_INT(w->id),
                                   SP_INT(w->tenant_id) };
        struct store_param c[] = { SP_INT(now), SP_INT(w->id) };
        enum result result;

        result = store_exec(conn,
                            "UPDATE webhook_endpoints SET url = ?, description = ?, events = ?, "
                            "enabled = ?, updated_at = ? WHERE id = ? AND tenant_id = ?",
                            p, STORE_NPARAMS(p), NULL, &changes);
        if (!result && changes == 0)
                result = RESULT_NOT_FOUND;
        if (!result && !w->enabled)
                result = store_exec(conn,
                                    "UPDATE webhook_deliveries SET state = 'cancelled', "
                                    "updated_at = ? WHERE endpoint_id = ? AND state = 'pending'",
                                    c, STORE_NPARAMS(c), NULL, NULL);
        return result;
}

enum result store_webhook_delete(struct store_conn *conn, int64_t tenant_id, int64_t id)
{
        struct store_param p[] = { SP_INT(id), SP_INT(tenant_id) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn, "DELETE FROM webhook_endpoints WHERE id = ? AND tenant_id = ?", p,
                            STORE_NPARAMS(p), NULL, &changes);
        if (!result && changes == 0)
                return RESULT_NOT_FOUND;
        if (!result)
                result = store_exec(conn,
                                    "DELETE FROM webhook_deliveries WHERE endpoint_id = ? "
                                    "AND tenant_id = ?",
                                    p, STORE_NPARAMS(p), NULL, NULL);
        return result;
}

enum result store_webhook_test_insert(struct store_conn *conn, int64_t tenant_id,
                                      int64_t endpoint_id, const char *data_json,
                                      int64_t *ret_id)
{
        int64_t now = store_now();
        struct store_param p[] = { SP_INT(endpoint_id), SP_INT(tenant_id), SP_TEXT(data_json),
                                   SP_INT(now),         SP_INT(now * 1000), SP_INT(now),
                                   SP_INT(now) };

        return store_exec_one(conn,
                              "INSERT INTO webhook_deliveries (endpoint_id, tenant_id, event_id, "
                              "type, data, event_at, next_attempt_ms, created_at, updated_at) "
                              "VALUES (?, ?, 0, 'webhook.test', ?, ?, ?, ?, ?) RETURNING id",
                              p, STORE_NPARAMS(p), id_from_row, ret_id);
}

enum result store_webhook_fan_out(struct store_conn *conn, int64_t event_id, int64_t tenant_id,
                                  const char *type, const char *data, int64_t event_at)
{
        char pattern[STORE_SHORT_MAX + 4];
        int64_t now = store_now();
        struct store_param p[] = { SP_INT(event_id), SP_TEXT(type), SP_TEXT(data),
                                   SP_INT(event_at), SP_INT(now * 1000), SP_INT(now),
                                   SP_INT(now),      SP_INT(tenant_id), SP_TEXT(pattern) };

        if (!tenant_id)
                return RESULT_OK;
        snprintf(pattern, sizeof(pattern), "%%,%s,%%", type);
        return store_exec(conn,
                          "INSERT INTO webhook_deliveries (endpoint_id, tenant_id, event_id, type, "
                          "data, event_at, next_attempt_ms, created_at, updated_at) "
                          "SELECT id, tenant_id, CAST(? AS BIGINT), CAST(? AS TEXT), "
                          "CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT), "
                          "CAST(? AS BIGINT), CAST(? AS BIGINT) FROM webhook_endpoints "
                          "WHERE tenant_id = ? AND enabled = 1 AND events LIKE ?",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

#define DELIVERY_COLS                                                                        \
        "d.id, d.endpoint_id, d.tenant_id, d.event_id, d.type, d.event_at, d.state, "       \
        "d.attempts, d.next_attempt_ms, d.last_status, d.last_latency_ms, d.last_error, " \
        "d.created_at, d.updated_at"

static enum result delivery_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_webhook_delivery *d = out;

        d->id = store_int(store_rows_get(rows, r, 0));
        d->endpoint_id = store_int(store_rows_get(rows, r, 1));
        d->tenant_id = store_int(store_rows_get(rows, r, 2));
        d->event_id = store_int(store_rows_get(rows, r, 3));
        text_copy(d->type, sizeof(d->type), store_rows_get(rows, r, 4));
        d->event_at = store_int(store_rows_get(rows, r, 5));
        d->attempts = store_int(store_rows_get(rows, r, 7));
        d->next_attempt_ms = store_int(store_rows_get(rows, r, 8));
        d->last_status = store_int(store_rows_get(rows, r, 9));
        d->last_latency_ms = store_int(store_rows_get(rows, r, 10));
        text_copy(d->last_error, sizeof(d->last_error), store_rows_get(rows, r, 11));
        d->created_at = store_int(store_rows_get(rows, r, 12));
        d->updated_at = store_int(store_rows_get(rows, r, 13));
        return store_decoded(webhook_delivery_state_parse(store_rows_get(rows, r, 6), &d->state),
                             "webhook_deliveries");
}

/* A due row: the delivery, its data, its endpoint's url and secret. */
static enum result due_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_webhook_delivery *d = out;
        const char *data = store_rows_get(rows, r, 14);
        enum result result = delivery_from_row(rows, r, out);

        text_copy(d->url, sizeof(d->url), store_rows_get(rows, r, 15));
        text_copy(d->secret, sizeof(d->secret), store_rows_get(rows, r, 16));
        d->data = strdup(data ? data : "{}");
        return result ? result : d->data ? RESULT_OK : RESULT_NOMEM;
}

enum result store_webhook_due(struct store_conn *conn, int64_t now_ms, bool lock, int max,
                              struct store_webhook_delivery **ret_items, size_t *ret_n)
{
        struct store_param p[] = { SP_INT(now_ms), SP_INT(max) };
        bool skip_locked = lock && (conn->driver->caps & STORE_CAP_SKIP_LOCKED);

        /* The lock is taken on the outbox rows only (FOR UPDATE OF d): the
         * endpoints stay free for the API. */
        return store_exec_all(conn,
                              skip_locked
                                      ? "SELECT " DELIVERY_COLS ", d.data, e.url, e.secret "
                                        "FROM webhook_deliveries d JOIN webhook_endpoints e "
                                        "ON e.id = d.endpoint_id WHERE d.state = 'pending' "
                                        "AND d.next_attempt_ms <= ? AND e.enabled = 1 "
                                        "ORDER BY d.id LIMIT ? FOR UPDATE OF d SKIP LOCKED"
                                      : "SELECT " DELIVERY_COLS ", d.data, e.url, e.secret "
                                        "FROM webhook_deliveries d JOIN webhook_endpoints e "
                                        "ON e.id = d.endpoint_id WHERE d.state = 'pending' "
                                        "AND d.next_attempt_ms <= ? AND e.enabled = 1 "
                                        "ORDER BY d.id LIMIT ?",
                              p, STORE_NPARAMS(p), sizeof(**ret_items), due_from_row,
                              (void **)ret_items, ret_n);
}

enum result store_webhook_delivery_record(struct store_conn *conn,
                                          const struct store_webhook_delivery *d)
{
        struct store_param p[] = { SP_TEXT(webhook_delivery_state_name(d->state)),
                                   SP_INT(d->attempts),
                                   SP_INT(d->next_attempt_ms),
                                   SP_INT(d->last_status),
                                   SP_INT(d->last_latency_ms),
                                   SP_TEXT(d->last_error),
                                   SP_INT(store_now()),
                                   SP_INT(d->id) };

        /* A delivery cancelled meanwhile (its endpoint disabled) stays so. */
        return store_exec(conn,
                          "UPDATE webhook_deliveries SET state = ?, attempts = ?, "
                          "next_attempt_ms = ?, last_status = ?, last_latency_ms = ?, "
                          "last_error = ?, updated_at = ? WHERE id = ? AND state = 'pending'",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

enum result store_webhook_delivery_list(struct store_conn *conn, int64_t tenant_id,
                                        int64_t endpoint_id, struct store_page *page,
                                        struct store_webhook_delivery **ret_items, size_t *ret_n)
{
        struct store_param p[] = { SP_INT(endpoint_id), SP_INT(tenant_id) };

        return store_exec_page(conn, DELIVERY_COLS,
                               " FROM webhook_deliveries d WHERE d.endpoint_id = ? "
                               "AND d.tenant_id = ?",
                               " ORDER BY d.id DESC", p, STORE_NPARAMS(p), page,
                               sizeof(**ret_items), delivery_from_row, (void **)ret_items, ret_n);
}

void store_webhook_deliveries_free(struct store_webhook_delivery *items, size_t n)
{
        if (!items)
                return;
        for (size_t i = 0; i < n; i++)
                free(items[i].data);
        free(items);
}
