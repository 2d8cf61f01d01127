/*
 * The board's state (domain/board/): the callers in each queue
 * (queue_callers, keyed by mod_callcenter's member uuid, so an event that
 * repeats writes one row), each agent's activity (queue_activity) and each
 * queue's counts per UTC day (queue_day_counts); and the reads of the
 * queues, users and statuses the board joins to them. See store.h.
 */
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/store.h"
#include "util/text.h"

#define CALLER_COLS                                                                           \
        "member_uuid, queue_id, tenant_id, session_uuid, caller_number, caller_name, "       \
        "joined_at, state, COALESCE(agent_user_id, 0), agent_uuid, cluster_id, node"

static enum result caller_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_board_caller *c = out;

        text_copy(c->member_uuid, sizeof(c->member_uuid), store_rows_get(rows, r, 0));
        c->queue_id = store_int(store_rows_get(rows, r, 1));
        c->tenant_id = store_int(store_rows_get(rows, r, 2));
        text_copy(c->session_uuid, sizeof(c->session_uuid), store_rows_get(rows, r, 3));
        text_copy(c->caller_number, sizeof(c->caller_number), store_rows_get(rows, r, 4));
        text_copy(c->caller_name, sizeof(c->caller_name), store_rows_get(rows, r, 5));
        c->joined_at = store_int(store_rows_get(rows, r, 6));
        c->agent_user_id = store_int(store_rows_get(rows, r, 8));
        text_copy(c->agent_uuid, sizeof(c->agent_uuid), store_rows_get(rows, r, 9));
        c->cluster_id = store_int(store_rows_get(rows, r, 10));
        text_copy(c->node, sizeof(c->node), store_rows_get(rows, r, 11));
        return store_decoded(queue_caller_state_parse(store_rows_get(rows, r, 7), &c->state),
                             "queue_callers");
}

enum result store_board_caller_put(struct store_conn *conn, const struct store_board_caller *c)
{
        struct store_param p[] = {
                SP_TEXT(c->member_uuid),
                SP_INT(c->queue_id),
                SP_INT(c->tenant_id),
                SP_TEXT(c->session_uuid),
                SP_TEXT(c->caller_number),
                SP_TEXT(c->caller_name),
                SP_INT(c->joined_at),
                SP_TEXT(queue_caller_state_name(c->state)),
                c->agent_user_id ? SP_INT(c->agent_user_id) : SP_NULL,
                SP_TEXT(c->agent_uuid),
                SP_INT(c->cluster_id),
                SP_TEXT(c->node),
        };

        return store_exec(conn,
                          "INSERT INTO queue_callers (member_uuid, queue_id, tenant_id, "
                          "session_uuid, caller_number, caller_name, joined_at, state, "
                          "agent_user_id, agent_uuid, cluster_id, node) VALUES "
                          "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (member_uuid) DO UPDATE SET "
                          "queue_id = excluded.queue_id, tenant_id = excluded.tenant_id, "
                          "session_uuid = excluded.session_uuid, "
                          "caller_number = excluded.caller_number, "
                          "caller_name = excluded.caller_name, joined_at = excluded.joined_at, "
                          "state = excluded.state, agent_user_id = excluded.agent_user_id, "
                          "agent_uuid = excluded.agent_uuid, cluster_id = excluded.cluster_id, "
                          "node = excluded.node",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

enum result store_board_caller_get(struct store_conn *conn, const char *member_uuid,
                                   struct store_board_caller *ret)
{
        struct store_param p = SP_TEXT(member_uuid);

        return store_exec_one(conn,
                              "SELECT " CALLER_COLS " FROM queue_callers WHERE member_uuid = ?", &p,
                              1, caller_from_row, ret);
}

enum result store_board_caller_delete(struct store_conn *conn, const char *member_uuid,
                                      bool *ret_deleted)
{
        struct store_param p = SP_TEXT(member_uuid);
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn, "DELETE FROM queue_callers WHERE member_uuid = ?", &p, 1, NULL,
                            &changes);
        if (!result && ret_deleted)
                *ret_deleted = changes > 0;
        return result;
}

/* Every row of sql into a calloc'd array of elements of size, each copied
 * with fn (nothing returned when fn fails on a row). */
static enum result rows_query(struct store_conn *conn, const char *sql,
                              const struct store_param *p, size_t n_p, size_t size,
                              store_row_fn fn, void **ret_items, size_t *ret_n)
{
        struct store_rows rows = { 0 };
        char *items;
        size_t n;
        enum result result;

        *ret_items = NULL;
        *ret_n = 0;
        result = store_exec(conn, sql, p, n_p, &rows, NULL);
        if (result)
                return result;
        items = calloc(rows.nrows ? (size_t)rows.nrows : 1, size);
        if (!items) {
                store_rows_free(&rows);
                return RESULT_NOMEM;
        }
        for (int r = 0; !result && r < rows.nrows; r++)
                result = fn(&rows, r, items + (size_t)r * size);
        n = (size_t)rows.nrows;
        store_rows_free(&rows);
        if (result) {
                free(items);
                return result;
        }
        *ret_items = items;
        *ret_n = n;
        return RESULT_OK;
}

enum result store_board_callers(struct store_conn *conn, int64_t queue_id, size_t max,
                                struct store_board_caller **ret_items, size_t *ret_n)
{
        struct store_param p[] = { SP_INT(queue_id), SP_INT((int64_t)max) };

        return rows_query(conn,
                          "SELECT " CALLER_COLS " FROM queue_callers WHERE queue_id = ? "
                          "ORDER BY joined_at, member_uuid LIMIT ?",
                          p, STORE_NPARAMS(p), sizeof(**ret_items), caller_from_row,
                          (void **)ret_items, ret_n);
}

enum result store_board_callers_of_node(struct store_conn *conn, int64_t cluster_id,
                                        const char *node, struct store_board_caller **ret_items,
                                        size_t *ret_n)
{
        struct store_param p[] = { SP_INT(cluster_id), SP_TEXT(node) };

        return rows_query(conn,
                          "SELECT " CALLER_COLS " FROM queue_callers WHERE cluster_id = ? "
                          "AND node = ? ORDER BY member_uuid",
                          p, STORE_NPARAMS(p), sizeof(**ret_items), caller_from_row,
                          (void **)ret_items, ret_n);
}

#define ACTIVITY_COLS "user_id, tenant_id, state, since, COALESCE(wrap_up_ends_at, 0), " \
                      "COALESCE(queue_id, 0)"

/* The six ACTIVITY_COLS from column col of row r. */
static enum result activity_at(const struct store_rows *rows, int r, int col,
                               struct store_board_activity *a)
{
        a->user_id = store_int(store_rows_get(rows, r, col));
        a->tenant_id = store_int(store_rows_get(rows, r, col + 1));
        a->since = store_int(store_rows_get(rows, r, col + 3));
        a->wrap_up_ends_at = store_int(store_rows_get(rows, r, col + 4));
        a->queue_id = store_int(store_rows_get(rows, r, col + 5));
        return store_decoded(queue_activity_parse(store_rows_get(rows, r, col + 2), &a->state),
                             "queue_activity");
}

static enum result activity_from_row(const struct store_rows *rows, int r, void *out)
{
        return activity_at(rows, r, 0, out);
}

enum result store_board_activity_get(struct store_conn *conn, int64_t user_id,
                                     struct store_board_activity *ret)
{
        struct store_param p = SP_INT(user_id);

        return store_exec_one(conn, "SELECT " ACTIVITY_COLS " FROM queue_activity WHERE user_id = ?",
                              &p, 1, activity_from_row, ret);
}

enum result store_board_activity_put(struct store_conn *conn, const struct store_board_activity *a)
{
        struct store_param p[] = {
                SP_INT(a->user_id),
                SP_INT(a->tenant_id),
                SP_TEXT(queue_activity_name(a->state)),
                SP_INT(a->since),
                a->wrap_up_ends_at ? SP_INT(a->wrap_up_ends_at) : SP_NULL,
                a->queue_id ? SP_INT(a->queue_id) : SP_NULL,
        };

        return store_exec(conn,
                          "INSERT INTO queue_activity (user_id, tenant_id, state, since, "
                          "wrap_up_ends_at, queue_id) VALUES (?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT (user_id) DO UPDATE SET tenant_id = excluded.tenant_id, "
                          "state = excluded.state, since = excluded.since, "
                          "wrap_up_ends_at = excluded.wrap_up_ends_at, queue_id = excluded.queue_id",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

enum result store_board_day_add(struct store_conn *conn, int64_t queue_id, int64_t day,
                                const struct store_board_day *d)
{
        struct store_param p[] = { SP_INT(queue_id),  SP_INT(day),          SP_INT(d->offered),
                                   SP_INT(d->answered), SP_INT(d->abandoned), SP_INT(d->wait_s) };

        return store_exec(conn,
                          "INSERT INTO queue_day_counts (queue_id, day, offered, answered, "
                          "abandoned, wait_s) VALUES (?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT (queue_id, day) DO UPDATE SET "
                          "offered = queue_day_counts.offered + excluded.offered, "
                          "answered = queue_day_counts.answered + excluded.answered, "
                          "abandoned = queue_day_counts.abandoned + excluded.abandoned, "
                          "wait_s = queue_day_counts.wait_s + excluded.wait_s",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

static enum result day_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_board_day *d = out;

        d->offered = store_int(store_rows_get(rows, r, 0));
        d->answered = store_int(store_rows_get(rows, r, 1));
        d->abandoned = store_int(store_rows_get(rows, r, 2));
        d->wait_s = store_int(store_rows_get(rows, r, 3));
        return RESULT_OK;
}

enum result store_board_day_get(struct store_conn *conn, int64_t queue_id, int64_t day,
                                struct store_board_day *ret)
{
        struct store_param p[] = { SP_INT(queue_id), SP_INT(day) };
        enum result result;

        memset(ret, 0, sizeof(*ret));
        result = store_exec_one(conn,
                                "SELECT offered, answered, abandoned, wait_s FROM queue_day_counts "
                                "WHERE queue_id = ? AND day = ?",
                                p, STORE_NPARAMS(p), day_from_row, ret);
        return result == RESULT_NOT_FOUND ? RESULT_OK : result;
}

static enum result int_from_row(const struct store_rows *rows, int r, void *out)
{
        *(int64_t *)out = store_int(store_rows_get(rows, r, 0));
        return RESULT_OK;
}

enum result store_board_queue_tenant(struct store_conn *conn, int64_t queue_id,
                                     int64_t *ret_tenant_id)
{
        struct store_param p = SP_INT(queue_id);

        return store_exec_one(conn, "SELECT tenant_id FROM queues WHERE id = ?", &p, 1,
                              int_from_row, ret_tenant_id);
}

enum result store_board_user_tenant(struct store_conn *conn, int64_t user_id,
                                    int64_t *ret_tenant_id)
{
        struct store_param p = SP_INT(user_id);

        return store_exec_one(conn,
                              "SELECT tenant_id FROM users WHERE id = ? AND tenant_id IS NOT NULL "
                              "AND status <> 'deleted'",
                              &p, 1, int_from_row, ret_tenant_id);
}

static enum result agent_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_board_agent *a = out;
        const char *status = store_rows_get(rows, r, 3);

        a->user_id = store_int(store_rows_get(rows, r, 0));
        text_copy(a->first_name, sizeof(a->first_name), store_rows_get(rows, r, 1));
        text_copy(a->last_name, sizeof(a->last_name), store_rows_get(rows, r, 2));
        a->has_status = status != NULL;
        a->status = QUEUE_STATUS_LOGGED_OUT;
        if (status && !queue_status_parse(status, &a->status))
                return store_decoded(false, "queue_agents");
        text_copy(a->reason, sizeof(a->reason), store_rows_get(rows, r, 4));
        a->status_since = store_int(store_rows_get(rows, r, 5));
        a->has_activity = store_rows_get(rows, r, 6) != NULL;
        return a->has_activity ? activity_at(rows, r, 6, &a->activity) : RESULT_OK;
}

enum result store_board_agents(struct store_conn *conn, int64_t queue_id,
                               struct store_board_agent **ret_items, size_t *ret_n)
{
        struct store_param p = SP_INT(queue_id);

        return rows_query(conn,
                          "SELECT u.id, u.first_name, u.last_name, a.status, "
                          "COALESCE(a.reason, ''), COALESCE(a.status_since, u.created_at), "
                          "v.user_id, v.tenant_id, v.state, v.since, "
                          "COALESCE(v.wrap_up_ends_at, 0), COALESCE(v.queue_id, 0) "
                          "FROM queue_members m JOIN users u ON u.id = m.user_id "
                          "LEFT JOIN queue_agents a ON a.user_id = u.id "
                          "LEFT JOIN queue_activity v ON v.user_id = u.id "
                          "WHERE m.queue_id = ? AND u.status <> 'deleted' ORDER BY u.id",
                          &p, 1, sizeof(**ret_items), agent_from_row, (void **)ret_items, ret_n);
}

static enum result status_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_board_status *st = out;
        const char *status = store_rows_get(rows, r, 2);
        const char *prov = store_rows_get(rows, r, 6);
        bool ok = true;

        st->user_id = store_int(store_rows_get(rows, r, 0));
        st->tenant_id = store_int(store_rows_get(rows, r, 1));
        st->found = status != NULL;
        st->status = QUEUE_STATUS_LOGGED_OUT;
        st->provisioning = JOBS_STATE_PROVISIONED;
        if (status)
                ok = queue_status_parse(status, &st->status) &&
                     (!prov || jobs_state_parse(prov, &st->provisioning));
        text_copy(st->reason, sizeof(st->reason), store_rows_get(rows, r, 3));
        st->since = store_int(store_rows_get(rows, r, 4));
        text_copy(st->changed_by, sizeof(st->changed_by), store_rows_get(rows, r, 5));
        text_copy(st->provisioning_error, sizeof(st->provisioning_error),
                  store_rows_get(rows, r, 7));
        st->wrap_up_s_own = store_rows_get(rows, r, 8) ? store_int(store_rows_get(rows, r, 8)) : -1;
        st->max_no_answer_own =
                store_rows_get(rows, r, 9) ? store_int(store_rows_get(rows, r, 9)) : -1;
        st->wrap_up_s = st->wrap_up_s_own >= 0 ? st->wrap_up_s_own
                                               : store_int(store_rows_get(rows, r, 10));
        st->max_no_answer = st->max_no_answer_own >= 0 ? st->max_no_answer_own
                                                       : store_int(store_rows_get(rows, r, 11));
        return store_decoded(ok, "queue_agents");
}

enum result store_board_agent_status(struct store_conn *conn, int64_t user_id,
                                     struct store_board_status *ret)
{
        struct store_param p = SP_INT(user_id);

        memset(ret, 0, sizeof(*ret));
        return store_exec_one(conn,
                              "SELECT u.id, u.tenant_id, a.status, COALESCE(a.reason, ''), "
                              "COALESCE(a.status_since, u.created_at), COALESCE(a.changed_by, ''), "
                              "a.provisioning, COALESCE(a.provisioning_error, ''), a.wrap_up_s, "
                              "a.max_no_answer, t.queue_wrap_up_s, t.queue_max_no_answer "
                              "FROM users u JOIN tenants t ON t.id = u.tenant_id "
                              "LEFT JOIN queue_agents a ON a.user_id = u.id "
                              "WHERE u.id = ? AND u.status <> 'deleted'",
                              &p, 1, status_from_row, ret);
}

enum result store_board_status_by_freeswitch(struct store_conn *conn, int64_t tenant_id,
                                             int64_t user_id, enum queue_status status,
                                             const char *reason, int64_t now)
{
        struct store_param p[] = { SP_INT(user_id), SP_INT(tenant_id),
                                   SP_TEXT(queue_status_name(status)), SP_TEXT(reason),
                                   SP_INT(now), SP_INT(now) };

        return store_exec(conn,
                          "INSERT INTO queue_agents (user_id, tenant_id, status, reason, "
                          "status_since, changed_by, changed_by_user_id, provisioning, updated_at) "
                          "VALUES (?, ?, ?, ?, ?, 'freeswitch', NULL, 'provisioned', ?) "
                          "ON CONFLICT (user_id) DO UPDATE SET status = excluded.status, "
                          "reason = excluded.reason, status_since = excluded.status_since, "
                          "changed_by = 'freeswitch', changed_by_user_id = NULL, "
                          "updated_at = excluded.updated_at",
                          p, STORE_NPARAMS(p), NULL, NULL);
}
