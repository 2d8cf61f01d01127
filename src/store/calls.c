/*
 * Call records (one row per agent leg, call_records) and the daily usage
 * kept as they end (call_usage); see store.h. A leg is keyed by its
 * FreeSWITCH Unique-ID, so an event that repeats, or two listeners that
 * both saw it, write it once; every later step is an UPDATE guarded by
 * the state it moves from, and says whether it moved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/store.h"
#include "util/text.h"

/* The columns a struct store_call is read from, the agent joined. */
#define CALL_COLS                                                                              \
        "c.id, c.tenant_id, c.user_id, c.extension, c.leg_uuid, c.call_uuid, c.direction, "    \
        "c.placed, c.caller, c.callee, c.cluster_id, c.node, c.started_at, "                   \
        "COALESCE(c.answered_at, 0), COALESCE(c.ended_at, 0), c.talk_seconds, "                \
        "COALESCE(c.end_cause, ''), COALESCE(c.codec, ''), COALESCE(c.mos_centi, -1), "        \
        "u.first_name, u.last_name, u.status, COALESCE(c.party_user_id, 0), c.party_name, "     \
        "COALESCE(c.seen_at, 0), COALESCE(pu.first_name, ''), COALESCE(pu.last_name, ''), "    \
        "COALESCE(pu.status, '')"
#define CALL_FROM                                                                              \
        " FROM call_records c JOIN users u ON u.id = c.user_id"                                \
        " LEFT JOIN users pu ON pu.id = c.party_user_id"

static enum result call_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_call *c = out;
        const char *status = store_rows_get(rows, r, 21);

        c->id = store_int(store_rows_get(rows, r, 0));
        c->tenant_id = store_int(store_rows_get(rows, r, 1));
        c->user_id = store_int(store_rows_get(rows, r, 2));
        text_copy(c->extension, sizeof(c->extension), store_rows_get(rows, r, 3));
        text_copy(c->leg_uuid, sizeof(c->leg_uuid), store_rows_get(rows, r, 4));
        text_copy(c->call_uuid, sizeof(c->call_uuid), store_rows_get(rows, r, 5));
        c->placed = store_int(store_rows_get(rows, r, 7)) != 0;
        text_copy(c->caller, sizeof(c->caller), store_rows_get(rows, r, 8));
        text_copy(c->callee, sizeof(c->callee), store_rows_get(rows, r, 9));
        c->cluster_id = store_int(store_rows_get(rows, r, 10));
        text_copy(c->node, sizeof(c->node), store_rows_get(rows, r, 11));
        c->started_at = store_int(store_rows_get(rows, r, 12));
        c->answered_at = store_int(store_rows_get(rows, r, 13));
        c->ended_at = store_int(store_rows_get(rows, r, 14));
        c->talk_seconds = store_int(store_rows_get(rows, r, 15));
        text_copy(c->end_cause, sizeof(c->end_cause), store_rows_get(rows, r, 16));
        text_copy(c->codec, sizeof(c->codec), store_rows_get(rows, r, 17));
        c->mos_centi = store_int(store_rows_get(rows, r, 18));
        text_copy(c->first_name, sizeof(c->first_name), store_rows_get(rows, r, 19));
        text_copy(c->last_name, sizeof(c->last_name), store_rows_get(rows, r, 20));
        c->agent_deleted = status && !strcmp(status, "deleted");
        c->party_user_id = store_int(store_rows_get(rows, r, 22));
        text_copy(c->party_name, sizeof(c->party_name), store_rows_get(rows, r, 23));
        c->seen_at = store_int(store_rows_get(rows, r, 24));
        text_copy(c->party_first_name, sizeof(c->party_first_name), store_rows_get(rows, r, 25));
        text_copy(c->party_last_name, sizeof(c->party_last_name), store_rows_get(rows, r, 26));
        status = store_rows_get(rows, r, 27);
        c->party_deleted = status && !strcmp(status, "deleted");
        return store_decoded(call_direction_parse(store_rows_get(rows, r, 6), &c->direction),
                             "call_records");
}

struct owner {
        int64_t tenant_id, user_id;
};

static enum result owner_row(const struct store_rows *rows, int r, void *out)
{
        struct owner *o = out;

        o->tenant_id = store_int(store_rows_get(rows, r, 0));
        o->user_id = store_int(store_rows_get(rows, r, 1));
        return RESULT_OK;
}

enum result store_extension_owner(struct store_conn *conn, const char *extension,
                                  int64_t *ret_tenant_id, int64_t *ret_user_id)
{
        struct store_param p = SP_TEXT(extension);
        struct owner o = { 0 };
        enum result result;

        result = store_exec_one(conn,
                                "SELECT tenant_id, COALESCE(user_id, 0) FROM agent_extensions "
                                "WHERE extension = ?",
                                &p, 1, owner_row, &o);
        if (result == RESULT_OK) {
                *ret_tenant_id = o.tenant_id;
                *ret_user_id = o.user_id;
        }
        return result;
}

enum result store_call_get(struct store_conn *conn, const char *leg_uuid, struct store_call *ret)
{
        struct store_param p = SP_TEXT(leg_uuid);

        return store_exec_one(conn, "SELECT " CALL_COLS CALL_FROM " WHERE c.leg_uuid = ?", &p, 1,
                              call_from_row, ret);
}

enum result store_call_insert(struct store_conn *conn, struct store_call *c, bool *ret_inserted)
{
        struct store_param p[] = {
                SP_INT(c->tenant_id),
                SP_INT(c->user_id),
                SP_TEXT(c->extension),
                SP_TEXT(c->leg_uuid),
                SP_TEXT(c->call_uuid),
                SP_TEXT(call_direction_name(c->direction)),
                SP_INT(c->placed ? 1 : 0),
                SP_TEXT(c->caller),
                SP_TEXT(c->callee),
                SP_INT(c->cluster_id),
                SP_TEXT(c->node),
                SP_INT(c->started_at),
                c->answered_at ? SP_INT(c->answered_at) : SP_NULL,
                c->party_user_id ? SP_INT(c->party_user_id) : SP_NULL,
                SP_TEXT(c->party_name),
        };
        struct store_rows rows = { 0 };
        struct store_call stored;
        enum result result;
        bool inserted;

        result = store_exec(conn,
                            "INSERT INTO call_records (tenant_id, user_id, extension, leg_uuid, "
                            "call_uuid, direction, placed, caller, callee, cluster_id, node, "
                            "started_at, answered_at, party_user_id, party_name) VALUES (?, ?, ?, "
                            "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT (leg_uuid) DO NOTHING RETURNING id",
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (result)
                return result;
        inserted = rows.nrows > 0;
        store_rows_free(&rows);
        result = store_call_get(conn, c->leg_uuid, &stored);
        if (result)
                return result;
        *c = stored;
        *ret_inserted = inserted;
        return RESULT_OK;
}

enum result store_call_answer(struct store_conn *conn, const char *leg_uuid, int64_t answered_at,
                              bool *ret_changed)
{
        struct store_param p[] = { SP_INT(answered_at), SP_TEXT(leg_uuid) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn,
                            "UPDATE call_records SET answered_at = ? WHERE leg_uuid = ? AND "
                            "answered_at IS NULL AND ended_at IS NULL",
                            p, STORE_NPARAMS(p), NULL, &changes);
        if (result == RESULT_OK)
                *ret_changed = changes > 0;
        return result;
}

enum result store_call_end(struct store_conn *conn, const struct store_call *c,
                           bool *ret_changed)
{
        struct store_param p[] = {
                SP_INT(c->ended_at),
                SP_INT(c->talk_seconds),
                SP_TEXT(c->end_cause),
                c->codec[0] ? SP_TEXT(c->codec) : SP_NULL,
                c->mos_centi >= 0 ? SP_INT(c->mos_centi) : SP_NULL,
                c->answered_at ? SP_INT(c->answered_at) : SP_NULL,
                SP_TEXT(c->leg_uuid),
        };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn,
                            "UPDATE call_records SET ended_at = ?, talk_seconds = ?, end_cause = ?, "
                            "codec = ?, mos_centi = ?, answered_at = COALESCE(answered_at, ?) "
                            "WHERE leg_uuid = ? AND ended_at IS NULL",
                            p, STORE_NPARAMS(p), NULL, &changes);
        if (result == RESULT_OK)
                *ret_changed = changes > 0;
        return result;
}

enum result store_calls_open(struct store_conn *conn, int64_t cluster_id, const char *node,
                             char (*ret)[64], size_t max, size_t *ret_n)
{
        struct store_param p[] = { SP_INT(cluster_id), SP_TEXT(node), SP_INT((int64_t)max) };
        struct store_rows rows = { 0 };
        enum result result;

        result = store_exec(conn,
                            "SELECT leg_uuid FROM call_records WHERE cluster_id = ? AND node = ? "
                            "AND ended_at IS NULL ORDER BY id LIMIT ?",
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (result)
                return result;
        for (int r = 0; r < rows.nrows; r++)
                text_copy(ret[r], 64, store_rows_get(&rows, r, 0));
        *ret_n = (size_t)rows.nrows;
        store_rows_free(&rows);
        return RESULT_OK;
}

enum result store_call_list(struct store_conn *conn, const struct store_call_filter *filter,
                            struct store_page *page, struct store_call **ret_items,
                            size_t *ret_n)
{
        struct store_param p[4];
        char where[256];
        size_t n = 0;

        p[n++] = SP_INT(filter->tenant_id);
        snprintf(where, sizeof(where), CALL_FROM " WHERE c.tenant_id = ?%s%s%s%s",
                 filter->from ? " AND c.started_at >= ?" : "",
                 filter->to ? " AND c.started_at < ?" : "",
                 filter->user_id ? " AND c.user_id = ?" : "",
                 filter->active ? " AND c.ended_at IS NULL" : "");
        if (filter->from)
                p[n++] = SP_INT(filter->from);
        if (filter->to)
                p[n++] = SP_INT(filter->to);
        if (filter->user_id)
                p[n++] = SP_INT(filter->user_id);
        return store_exec_page(conn, CALL_COLS, where, " ORDER BY c.started_at DESC, c.id DESC", p,
                               n, page, sizeof(**ret_items), call_from_row, (void **)ret_items,
                               ret_n);
}

/* A missed call: received, never answered, ended. */
#define MISSED_UNSEEN                                                                          \
        "user_id = ? AND placed = 0 AND answered_at IS NULL AND ended_at IS NOT NULL AND "     \
        "seen_at IS NULL"

static enum result count_row(const struct store_rows *rows, int r, void *out)
{
        *(int64_t *)out = store_int(store_rows_get(rows, r, 0));
        return RESULT_OK;
}

enum result store_calls_unseen(struct store_conn *conn, int64_t user_id, int64_t *ret_n)
{
        struct store_param p = SP_INT(user_id);

        *ret_n = 0;
        return store_exec_one(conn, "SELECT COUNT(*) FROM call_records WHERE " MISSED_UNSEEN, &p,
                              1, count_row, ret_n);
}

enum result store_calls_mark_seen(struct store_conn *conn, int64_t user_id, int64_t now,
                                  int64_t *ret_n)
{
        struct store_param p[] = { SP_INT(now), SP_INT(user_id) };

        *ret_n = 0;
        return store_exec(conn, "UPDATE call_records SET seen_at = ? WHERE " MISSED_UNSEEN, p,
                          STORE_NPARAMS(p), NULL, ret_n);
}

enum result store_calls_in_progress(struct store_conn *conn,
                                    void (*fn)(void *userdata, const struct store_tenant *t,
                                               int64_t open),
                                    void *userdata)
{
        struct store_rows rows = { 0 };
        enum result result;

        result = store_exec(conn,
                            "SELECT t.id, t.slug, COUNT(*) FROM call_records c JOIN tenants t ON "
                            "t.id = c.tenant_id WHERE c.ended_at IS NULL GROUP BY t.id, t.slug "
                            "ORDER BY t.id",
                            NULL, 0, &rows, NULL);
        if (result)
                return result;
        for (int r = 0; r < rows.nrows; r++) {
                struct store_tenant t = { .id = store_int(store_rows_get(&rows, r, 0)) };

                text_copy(t.slug, sizeof(t.slug), store_rows_get(&rows, r, 1));
                fn(userdata, &t, store_int(store_rows_get(&rows, r, 2)));
        }
        store_rows_free(&rows);
        return RESULT_OK;
}

enum result store_usage_add(struct store_conn *conn, const struct store_usage *u)
{
        struct store_param p[] = {
                SP_INT(u->tenant_id),      SP_INT(u->day),      SP_TEXT(u->extension),
                SP_INT(u->user_id),        SP_INT(u->calls_placed), SP_INT(u->calls_received),
                SP_INT(u->answered),       SP_INT(u->missed),   SP_INT(u->talk_seconds),
        };

        return store_exec(conn,
                          "INSERT INTO call_usage (tenant_id, day, extension, user_id, calls_placed, "
                          "calls_received, answered, missed, talk_seconds) VALUES (?, ?, ?, ?, ?, ?, "
                          "?, ?, ?) ON CONFLICT (tenant_id, day, extension, user_id) DO UPDATE SET "
                          "calls_placed = call_usage.calls_placed + excluded.calls_placed, "
                          "calls_received = call_usage.calls_received + excluded.calls_received, "
                          "answered = call_usage.answered + excluded.answered, "
                          "missed = call_usage.missed + excluded.missed, "
                          "talk_seconds = call_usage.talk_seconds + excluded.talk_seconds",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

/* The sums, then the group's key columns: day, extension, user_id,
 * first_name, last_name, status. */
#define USAGE_SUMS                                                                             \
        "SUM(cu.calls_placed), SUM(cu.calls_received), SUM(cu.answered), SUM(cu.missed), "     \
        "SUM(cu.talk_seconds)"

static enum result usage_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_usage *u = out;
        const char *status = store_rows_get(rows, r, 10);

        u->calls_placed = store_int(store_rows_get(rows, r, 0));
        u->calls_received = store_int(store_rows_get(rows, r, 1));
        u->answered = store_int(store_rows_get(rows, r, 2));
        u->missed = store_int(store_rows_get(rows, r, 3));
        u->talk_seconds = store_int(store_rows_get(rows, r, 4));
        u->day = store_int(store_rows_get(rows, r, 5));
        text_copy(u->extension, sizeof(u->extension), store_rows_get(rows, r, 6));
        u->user_id = store_int(store_rows_get(rows, r, 7));
        text_copy(u->first_name, sizeof(u->first_name), store_rows_get(rows, r, 8));
        text_copy(u->last_name, sizeof(u->last_name), store_rows_get(rows, r, 9));
        u->agent_deleted = status && !strcmp(status, "deleted");
        return RESULT_OK;
}

enum result store_usage_list(struct store_conn *conn, int64_t tenant_id, int64_t from_day,
                             int64_t to_day, enum store_usage_group group,
                             struct store_usage **ret_items, size_t *ret_n)
{
        static const char *const queries[] = {
                [STORE_USAGE_BY_DAY] =
                        "SELECT " USAGE_SUMS ", cu.day, '', 0, '', '', '' FROM call_usage cu "
                        "WHERE cu.tenant_id = ? AND cu.day >= ? AND cu.day <= ? "
                        "GROUP BY cu.day ORDER BY cu.day",
                /* Its agent now: the extension's holder, if any. */
                [STORE_USAGE_BY_EXTENSION] =
                        "SELECT " USAGE_SUMS ", 0, cu.extension, COALESCE(ae.user_id, 0), "
                        "COALESCE(u.first_name, ''), COALESCE(u.last_name, ''), "
                        "COALESCE(u.status, '') FROM call_usage cu "
                        "LEFT JOIN agent_extensions ae ON ae.extension = cu.extension "
                        "LEFT JOIN users u ON u.id = ae.user_id "
                        "WHERE cu.tenant_id = ? AND cu.day >= ? AND cu.day <= ? "
                        "GROUP BY cu.extension, ae.user_id, u.first_name, u.last_name, u.status "
                        "ORDER BY LENGTH(cu.extension), cu.extension",
                [STORE_USAGE_BY_AGENT] =
                        "SELECT " USAGE_SUMS ", 0, '', cu.user_id, u.first_name, u.last_name, "
                        "u.status FROM call_usage cu JOIN users u ON u.id = cu.user_id "
                        "WHERE cu.tenant_id = ? AND cu.day >= ? AND cu.day <= ? "
                        "GROUP BY cu.user_id, u.first_name, u.last_name, u.status "
                        "ORDER BY cu.user_id",
        };
        struct store_param p[] = { SP_INT(tenant_id), SP_INT(from_day), SP_INT(to_day) };
        struct store_rows rows = { 0 };
        struct store_usage *items = NULL;
        enum result result;

        *ret_items = NULL;
        *ret_n = 0;
        result = store_exec(conn, queries[group], p, STORE_NPARAMS(p), &rows, NULL);
        if (result)
                return result;
        if (rows.nrows > 0) {
                items = calloc((size_t)rows.nrows, sizeof(*items));
                if (!items)
                        result = RESULT_NOMEM;
        }
        for (int r = 0; r < rows.nrows && !result; r++) {
                items[r].tenant_id = tenant_id;
                result = usage_from_row(&rows, r, &items[r]);
        }
        if (!result) {
                *ret_items = items;
                *ret_n = (size_t)rows.nrows;
        } else {
                free(items);
        }
        store_rows_free(&rows);
        return result;
}

enum result store_purge_calls(struct store_conn *conn, int64_t calls_before,
                              int64_t events_before, int64_t limit, int64_t *ret_calls,
                              int64_t *ret_events)
{
        struct store_param calls[] = { SP_INT(calls_before), SP_INT(limit) };
        struct store_param events[] = { SP_INT(events_before), SP_INT(limit) };
        int64_t n_calls = 0, n_events = 0;
        enum result result;

        result = store_exec(conn,
                            "DELETE FROM call_records WHERE id IN (SELECT id FROM call_records "
                            "WHERE started_at < ? ORDER BY id LIMIT ?)",
                            calls, STORE_NPARAMS(calls), NULL, &n_calls);
        if (!result)
                result = store_exec(conn,
                                    "DELETE FROM live_events WHERE id IN (SELECT id FROM "
                                    "live_events WHERE created_at < ? ORDER BY id LIMIT ?)",
                                    events, STORE_NPARAMS(events), NULL, &n_events);
        if (!result) {
                *ret_calls = n_calls;
                *ret_events = n_events;
        }
        return result;
}
