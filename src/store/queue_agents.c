/*
 * Agents' queue statuses and settings (queue_agents, migration "queues"),
 * and what an agent's queue page reads beside them: the queues it is a
 * member of (its tenant's break reasons are store/queues.c's). Portable SQL; see
 * store/driver.h for the rules.
 *
 * A row exists once an agent has been given a status or settings of its
 * own; until then it is logged out since its user was created, with its
 * tenant's defaults. The provisioning columns are written when an agent
 * job is queued (store_job_insert_queue) and by the reconciler when a job
 * ends.
 */
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/store.h"
#include "util/text.h"

#define QA_COLS                                                                              \
        "u.id, COALESCE(u.tenant_id, 0), u.role, u.status, COALESCE(t.status, 'active'), "   \
        "CASE WHEN qa.user_id IS NULL THEN 0 ELSE 1 END, COALESCE(qa.status, 'logged_out'), "   \
        "COALESCE(qa.reason, ''), "                                                          \
        "COALESCE(qa.status_since, u.created_at), COALESCE(qa.changed_by, 'agent'), "        \
        "COALESCE(qa.changed_by_user_id, 0), COALESCE(qa.missed_offers, -1), "               \
        "COALESCE(qa.wrap_up_s, -1), COALESCE(qa.max_no_answer, -1), "                       \
        "COALESCE(qa.wrap_up_s, t.queue_wrap_up_s, 0), "                                     \
        "COALESCE(qa.max_no_answer, t.queue_max_no_answer, 0), "                             \
        "COALESCE(qa.ready_requested, 0), COALESCE(qa.provisioning, 'provisioned'), "        \
        "COALESCE(qa.provisioning_attempts, 0), COALESCE(qa.provisioning_error, ''), "      \
        "v.state, COALESCE(v.since, 0), COALESCE(v.wrap_up_ends_at, 0), COALESCE(v.queue_id, 0)"

#define QA_FROM                                                                              \
        " FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id "                           \
        "LEFT JOIN queue_agents qa ON qa.user_id = u.id "                                    \
        "LEFT JOIN queue_activity v ON v.user_id = u.id"

static enum result queue_agent_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_queue_agent *a = out;

        memset(a, 0, sizeof(*a));
        a->user_id = store_int(store_rows_get(rows, r, 0));
        a->tenant_id = store_int(store_rows_get(rows, r, 1));
        a->stored = store_int(store_rows_get(rows, r, 5)) != 0;
        text_copy(a->reason, sizeof(a->reason), store_rows_get(rows, r, 7));
        a->since = store_int(store_rows_get(rows, r, 8));
        a->changed_by_user_id = store_int(store_rows_get(rows, r, 10));
        a->missed_offers = store_int(store_rows_get(rows, r, 11));
        a->wrap_up_s_own = store_int(store_rows_get(rows, r, 12));
        a->max_no_answer_own = store_int(store_rows_get(rows, r, 13));
        a->wrap_up_s = store_int(store_rows_get(rows, r, 14));
        a->max_no_answer = store_int(store_rows_get(rows, r, 15));
        a->ready_requested = store_int(store_rows_get(rows, r, 16)) != 0;
        a->provisioning_attempts = store_int(store_rows_get(rows, r, 18));
        text_copy(a->provisioning_error, sizeof(a->provisioning_error),
                  store_rows_get(rows, r, 19));
        /* the board's (store/board.c), as it stands now */
        if (store_rows_get(rows, r, 20)) {
                struct store_board_activity act = {
                        .user_id = a->user_id,
                        .since = store_int(store_rows_get(rows, r, 21)),
                        .wrap_up_ends_at = store_int(store_rows_get(rows, r, 22)),
                        .queue_id = store_int(store_rows_get(rows, r, 23)),
                };
                if (!queue_activity_parse(store_rows_get(rows, r, 20), &act.state))
                        return store_decoded(false, "queue_activity");
                store_board_activity_now(&act, a->ready_requested, store_now());
                a->activity.known = true;
                text_copy(a->activity.state, sizeof(a->activity.state),
                          queue_activity_name(act.state));
                a->activity.since = act.since;
                a->activity.wrap_up_ends_at = act.wrap_up_ends_at;
                a->activity.queue_id = act.queue_id;
        }
        return store_decoded(user_role_parse(store_rows_get(rows, r, 2), &a->role) &&
                                     user_status_parse(store_rows_get(rows, r, 3), &a->user_status) &&
                                     tenant_status_parse(store_rows_get(rows, r, 4),
                                                         &a->tenant_status) &&
                                     queue_status_parse(store_rows_get(rows, r, 6), &a->status) &&
                                     queue_actor_parse(store_rows_get(rows, r, 9), &a->changed_by) &&
                                     jobs_state_parse(store_rows_get(rows, r, 17), &a->provisioning),
                             "queue_agents");
}

enum result store_queue_agent_get(struct store_conn *conn, int64_t user_id, bool lock,
                                  struct store_queue_agent *ret)
{
        struct store_param p = SP_INT(user_id);
        struct store_queue_agent a;
        enum result result = RESULT_OK;

        /* The rows a suspension updates are locked first, so that it waits
         * for this change or this change waits for it and then reads it.
         * FOR NO KEY UPDATE leaves the inserts that refer to the user
         * (sessions, audit) free. */
        if (lock && (conn->driver->caps & STORE_CAP_SKIP_LOCKED))
                result = store_exec(conn,
                                    "SELECT u.id FROM users u JOIN tenants t ON t.id = u.tenant_id "
                                    "WHERE u.id = ? FOR NO KEY UPDATE OF u FOR SHARE OF t",
                                    &p, 1, NULL, NULL);
        if (!result)
                result = store_exec_one(conn, "SELECT " QA_COLS QA_FROM " WHERE u.id = ?", &p, 1,
                                        queue_agent_from_row, &a);
        if (!result)
                *ret = a;
        return result;
}

static int by_id(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

        return (x > y) - (x < y);
}

/* Locks table's rows of the n ids, one at a time in ascending order. */
static enum result lock_sorted(struct store_conn *conn, const char *sql, const int64_t *ids,
                               size_t n)
{
        int64_t *sorted;
        enum result result = RESULT_OK;

        if (!n)
                return RESULT_OK;
        sorted = malloc(n * sizeof(*sorted));
        if (!sorted)
                return RESULT_NOMEM;
        memcpy(sorted, ids, n * sizeof(*sorted));
        qsort(sorted, n, sizeof(*sorted), by_id);
        for (size_t i = 0; i < n && !result; i++) {
                struct store_param p = SP_INT(sorted[i]);

                if (i && sorted[i] == sorted[i - 1])
                        continue;
                result = store_exec(conn, sql, &p, 1, NULL, NULL);
        }
        free(sorted);
        return result;
}

enum result store_provisioning_rows_lock(struct store_conn *conn, const int64_t *extension_ids,
                                         size_t n_extensions, const int64_t *queue_ids,
                                         size_t n_queues, const int64_t *user_ids, size_t n_users)
{
        enum result result;

        if (!(conn->driver->caps & STORE_CAP_SKIP_LOCKED))
                return RESULT_OK;
        result = lock_sorted(conn, "SELECT id FROM agent_extensions WHERE id = ? FOR NO KEY UPDATE",
                             extension_ids, n_extensions);
        if (!result)
                result = lock_sorted(conn, "SELECT id FROM queues WHERE id = ? FOR NO KEY UPDATE",
                                     queue_ids, n_queues);
        if (!result)
                result = lock_sorted(conn,
                                     "SELECT user_id FROM queue_agents WHERE user_id = ? "
                                     "FOR NO KEY UPDATE",
                                     user_ids, n_users);
        return result;
}

enum result store_queue_agent_set_status(struct store_conn *conn,
                                         const struct store_queue_status_change *c)
{
        int64_t now = store_now();
        struct store_param p[] = {
                SP_INT(c->user_id),
                SP_INT(c->tenant_id),
                SP_TEXT(queue_status_name(c->status)),
                SP_TEXT(c->reason ? c->reason : ""),
                SP_INT(c->since),
                SP_TEXT(queue_actor_name(c->changed_by)),
                c->changed_by_user_id ? SP_INT(c->changed_by_user_id) : SP_NULL,
                c->missed_offers >= 0 ? SP_INT(c->missed_offers) : SP_NULL,
                SP_INT(now),
        };

        return store_exec(conn,
                          "INSERT INTO queue_agents (user_id, tenant_id, status, reason, status_since, "
                          "changed_by, changed_by_user_id, missed_offers, updated_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
                          "ready_requested = CASE WHEN queue_agents.status = excluded.status "
                          "THEN queue_agents.ready_requested ELSE 0 END, "
                          "tenant_id = excluded.tenant_id, status = excluded.status, "
                          "reason = excluded.reason, status_since = excluded.status_since, "
                          "changed_by = excluded.changed_by, "
                          "changed_by_user_id = excluded.changed_by_user_id, "
                          "missed_offers = excluded.missed_offers, updated_at = excluded.updated_at",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

enum result store_queue_agent_set_settings(struct store_conn *conn, int64_t tenant_id,
                                           int64_t user_id, int64_t wrap_up_s,
                                           int64_t max_no_answer)
{
        int64_t now = store_now();
        struct store_param p[] = {
                SP_INT(user_id),
                SP_INT(tenant_id),
                SP_INT(user_id),
                wrap_up_s >= 0 ? SP_INT(wrap_up_s) : SP_NULL,
                max_no_answer >= 0 ? SP_INT(max_no_answer) : SP_NULL,
                SP_INT(now),
        };

        return store_exec(conn,
                          "INSERT INTO queue_agents (user_id, tenant_id, status_since, wrap_up_s, "
                          "max_no_answer, updated_at) "
                          "VALUES (?, ?, (SELECT created_at FROM users WHERE id = ?), ?, ?, ?) "
                          "ON CONFLICT (user_id) DO UPDATE SET wrap_up_s = excluded.wrap_up_s, "
                          "max_no_answer = excluded.max_no_answer, updated_at = excluded.updated_at",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

enum result store_queue_agent_set_ready(struct store_conn *conn, int64_t user_id, bool ready)
{
        struct store_param p[] = { SP_INT(ready ? 1 : 0), SP_INT(store_now()), SP_INT(user_id) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn,
                            "UPDATE queue_agents SET ready_requested = ?, updated_at = ? "
                            "WHERE user_id = ?",
                            p, STORE_NPARAMS(p), NULL, &changes);
        if (!result && changes == 0)
                result = RESULT_NOT_FOUND;
        return result;
}

enum result store_queue_agents_signed_in(struct store_conn *conn, int64_t tenant_id,
                                         int64_t **ret, size_t *ret_n)
{
        struct store_param p = SP_INT(tenant_id);
        struct store_rows rows = { 0 };
        enum result result;
        int64_t *ids = NULL;

        *ret = NULL;
        *ret_n = 0;
        result = store_exec(conn,
                            "SELECT user_id FROM queue_agents WHERE tenant_id = ? "
                            "AND status <> 'logged_out' ORDER BY user_id",
                            &p, 1, &rows, NULL);
        if (result)
                return result;
        if (rows.nrows > 0 && !(ids = calloc((size_t)rows.nrows, sizeof(*ids)))) {
                store_rows_free(&rows);
                return RESULT_NOMEM;
        }
        for (int r = 0; r < rows.nrows; r++)
                ids[r] = store_int(store_rows_get(&rows, r, 0));
        *ret = ids;
        *ret_n = (size_t)rows.nrows;
        store_rows_free(&rows);
        return RESULT_OK;
}

enum result store_queue_agent_queues(struct store_conn *conn, int64_t user_id,
                                     struct store_agent_queue **ret, size_t *ret_n)
{
        struct store_param p = SP_INT(user_id);
        struct store_rows rows = { 0 };
        struct store_agent_queue *q = NULL;
        enum result result;

        *ret = NULL;
        *ret_n = 0;
        result = store_exec(conn,
                            "SELECT q.id, q.name, q.number, m.level, m.position FROM queue_members m "
                            "JOIN queues q ON q.id = m.queue_id WHERE m.user_id = ? "
                            "ORDER BY q.name, q.id",
                            &p, 1, &rows, NULL);
        if (result)
                return result;
        if (rows.nrows > 0 && !(q = calloc((size_t)rows.nrows, sizeof(*q)))) {
                store_rows_free(&rows);
                return RESULT_NOMEM;
        }
        for (int r = 0; r < rows.nrows; r++) {
                q[r].id = store_int(store_rows_get(&rows, r, 0));
                text_copy(q[r].name, sizeof(q[r].name), store_rows_get(&rows, r, 1));
                text_copy(q[r].number, sizeof(q[r].number), store_rows_get(&rows, r, 2));
                q[r].level = store_int(store_rows_get(&rows, r, 3));
                q[r].position = store_int(store_rows_get(&rows, r, 4));
        }
        *ret = q;
        *ret_n = (size_t)rows.nrows;
        store_rows_free(&rows);
        return RESULT_OK;
}
