/* What FreeSWITCH must know of queues: the reads of the configuration
 * binding, the dialplan and the reconciler's queue jobs (store.h,
 * "store/callcenter.c"). Portable SQL; see store/driver.h for the rules. */
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/store.h"
#include "util/text.h"

#define QUEUE_FROM                                                                              \
        " FROM queues q JOIN tenants t ON t.id = q.tenant_id"                                   \
        " LEFT JOIN freeswitch_clusters c ON c.id = t.cluster_id"                               \
        " LEFT JOIN queues tq ON tq.id = q.timeout_queue_id AND tq.tenant_id = q.tenant_id"

#define QUEUE_COLS                                                                              \
        "q.id, q.tenant_id, COALESCE(t.cluster_id, 0), t.status, t.sip_domain, "               \
        "COALESCE(c.sip_domain, ''), q.number, q.strategy, q.moh_sound, q.max_wait_s, "         \
        "q.no_agent_max_wait_s, q.timeout_action, COALESCE(q.timeout_queue_id, 0), "            \
        "COALESCE(tq.number, ''), q.timeout_extension, q.tier_rules_apply, q.tier_rule_wait_s, " \
        "q.tier_rule_wait_multiply_level, q.tier_rule_no_agent_no_wait, q.announce_sound, "     \
        "q.announce_frequency_s"

static enum result queue_row(const struct store_rows *rows, int r, void *out)
{
        struct store_cc_queue *q = out;

        q->id = store_int(store_rows_get(rows, r, 0));
        q->tenant_id = store_int(store_rows_get(rows, r, 1));
        q->cluster_id = store_int(store_rows_get(rows, r, 2));
        text_copy(q->tenant_domain, sizeof(q->tenant_domain), store_rows_get(rows, r, 4));
        text_copy(q->cluster_domain, sizeof(q->cluster_domain), store_rows_get(rows, r, 5));
        text_copy(q->number, sizeof(q->number), store_rows_get(rows, r, 6));
        text_copy(q->moh_sound, sizeof(q->moh_sound), store_rows_get(rows, r, 8));
        q->max_wait_s = store_int(store_rows_get(rows, r, 9));
        q->no_agent_max_wait_s = store_int(store_rows_get(rows, r, 10));
        q->timeout_queue_id = store_int(store_rows_get(rows, r, 12));
        text_copy(q->timeout_number, sizeof(q->timeout_number), store_rows_get(rows, r, 13));
        text_copy(q->timeout_extension, sizeof(q->timeout_extension), store_rows_get(rows, r, 14));
        q->tier_rules_apply = store_int(store_rows_get(rows, r, 15)) != 0;
        q->tier_rule_wait_s = store_int(store_rows_get(rows, r, 16));
        q->tier_rule_wait_multiply_level = store_int(store_rows_get(rows, r, 17)) != 0;
        q->tier_rule_no_agent_no_wait = store_int(store_rows_get(rows, r, 18)) != 0;
        text_copy(q->announce_sound, sizeof(q->announce_sound), store_rows_get(rows, r, 19));
        q->announce_frequency_s = store_int(store_rows_get(rows, r, 20));
        return store_decoded(tenant_status_parse(store_rows_get(rows, r, 3), &q->tenant_status) &&
                                     queue_strategy_parse(store_rows_get(rows, r, 7), &q->strategy) &&
                                     queue_timeout_action_parse(store_rows_get(rows, r, 11),
                                                                &q->timeout_action),
                             "queues");
}

enum result store_cc_queue_get(struct store_conn *conn, int64_t id, struct store_cc_queue *ret)
{
        struct store_param p = SP_INT(id);

        return store_exec_one(conn, "SELECT " QUEUE_COLS QUEUE_FROM " WHERE q.id = ?", &p, 1,
                              queue_row, ret);
}

enum result store_cc_queues(struct store_conn *conn, int64_t tenant_id, int64_t cluster_id,
                            struct store_cc_queue **ret, size_t *ret_n)
{
        struct store_param p = tenant_id ? SP_INT(tenant_id) : SP_INT(cluster_id);

        return store_exec_all(conn,
                              tenant_id ? "SELECT " QUEUE_COLS QUEUE_FROM
                                          " WHERE q.tenant_id = ? ORDER BY q.number"
                                        : "SELECT " QUEUE_COLS QUEUE_FROM
                                          " WHERE COALESCE(t.cluster_id, 0) = ? ORDER BY q.id",
                              &p, 1, sizeof(**ret), queue_row, (void **)ret, ret_n);
}

static enum result member_row(const struct store_rows *rows, int r, void *out)
{
        struct store_cc_member *m = out;

        m->queue_id = store_int(store_rows_get(rows, r, 0));
        m->user_id = store_int(store_rows_get(rows, r, 1));
        m->level = store_int(store_rows_get(rows, r, 2));
        m->position = store_int(store_rows_get(rows, r, 3));
        return RESULT_OK;
}

enum result store_cc_members(struct store_conn *conn, int64_t queue_id,
                             struct store_cc_member **ret, size_t *ret_n)
{
        struct store_param p = SP_INT(queue_id);

        return store_exec_all(conn,
                              "SELECT queue_id, user_id, level, position FROM queue_members "
                              "WHERE queue_id = ? ORDER BY user_id",
                              &p, 1, sizeof(**ret), member_row, (void **)ret, ret_n);
}

static enum result agent_row(const struct store_rows *rows, int r, void *out)
{
        struct store_cc_agent *a = out;

        a->user_id = store_int(store_rows_get(rows, r, 0));
        a->tenant_id = store_int(store_rows_get(rows, r, 1));
        a->cluster_id = store_int(store_rows_get(rows, r, 2));
        text_copy(a->tenant_domain, sizeof(a->tenant_domain), store_rows_get(rows, r, 5));
        text_copy(a->cluster_domain, sizeof(a->cluster_domain), store_rows_get(rows, r, 6));
        a->has_status = store_int(store_rows_get(rows, r, 7)) != 0;
        a->wrap_up_s = store_int(store_rows_get(rows, r, 9));
        a->max_no_answer = store_int(store_rows_get(rows, r, 10));
        a->n_queues = store_int(store_rows_get(rows, r, 11));
        return store_decoded(user_status_parse(store_rows_get(rows, r, 3), &a->user_status) &&
                                     tenant_status_parse(store_rows_get(rows, r, 4), &a->tenant_status) &&
                                     queue_status_parse(store_rows_get(rows, r, 8), &a->status),
                             "queue_agents");
}

enum result store_cc_agent_get(struct store_conn *conn, int64_t user_id, struct store_cc_agent *ret)
{
        struct store_param p = SP_INT(user_id);

        return store_exec_one(
                conn,
                "SELECT u.id, u.tenant_id, COALESCE(t.cluster_id, 0), u.status, t.status, "
                "t.sip_domain, COALESCE(c.sip_domain, ''), "
                "CASE WHEN a.user_id IS NULL THEN 0 ELSE 1 END, COALESCE(a.status, 'logged_out'), "
                /* "Ready" asked: no wrap-up until the next bridge */
                "CASE WHEN COALESCE(a.ready_requested, 0) <> 0 THEN 0 "
                "ELSE COALESCE(a.wrap_up_s, t.queue_wrap_up_s) END, "
                "COALESCE(a.max_no_answer, t.queue_max_no_answer), "
                "(SELECT COUNT(*) FROM queue_members m WHERE m.user_id = u.id) "
                "FROM users u JOIN tenants t ON t.id = u.tenant_id "
                "LEFT JOIN freeswitch_clusters c ON c.id = t.cluster_id "
                "LEFT JOIN queue_agents a ON a.user_id = u.id WHERE u.id = ?",
                &p, 1, agent_row, ret);
}

static enum result id_row(const struct store_rows *rows, int r, void *out)
{
        *(int64_t *)out = store_int(store_rows_get(rows, r, 0));
        return RESULT_OK;
}

enum result store_cc_agent_ids(struct store_conn *conn, int64_t cluster_id, int64_t **ret,
                               size_t *ret_n)
{
        struct store_param p = SP_INT(cluster_id);

        return store_exec_all(conn,
                              "SELECT u.id FROM users u JOIN tenants t ON t.id = u.tenant_id "
                              "WHERE COALESCE(t.cluster_id, 0) = ? AND ("
                              "EXISTS (SELECT 1 FROM queue_agents a WHERE a.user_id = u.id) OR "
                              "EXISTS (SELECT 1 FROM queue_members m WHERE m.user_id = u.id)) "
                              "ORDER BY u.id",
                              &p, 1, sizeof(**ret), id_row, (void **)ret, ret_n);
}

enum result store_cc_queue_clusters(struct store_conn *conn, int64_t **ret, size_t *ret_n)
{
        return store_exec_all(conn,
                              "SELECT DISTINCT COALESCE(t.cluster_id, 0) FROM tenants t WHERE "
                              "EXISTS (SELECT 1 FROM queues q WHERE q.tenant_id = t.id) OR "
                              "EXISTS (SELECT 1 FROM queue_agents a WHERE a.tenant_id = t.id) "
                              "ORDER BY 1",
                              NULL, 0, sizeof(**ret), id_row, (void **)ret, ret_n);
}

enum result store_cc_agent_extensions(struct store_conn *conn, int64_t user_id, char (*ret)[32],
                                      size_t max, size_t *ret_n)
{
        struct store_param p = SP_INT(user_id);
        struct store_rows rows = { 0 };
        enum result result;

        *ret_n = 0;
        result = store_exec(conn,
                            "SELECT extension FROM agent_extensions WHERE user_id = ? "
                            "AND status = 'active' ORDER BY extension",
                            &p, 1, &rows, NULL);
        for (int r = 0; !result && r < rows.nrows && (size_t)r < max; r++)
                text_copy(ret[(*ret_n)++], 32, store_rows_get(&rows, r, 0));
        store_rows_free(&rows);
        return result;
}

static enum result track_row(const struct store_rows *rows, int r, void *out)
{
        struct store_cc_track *t = out;

        t->user_id = store_int(store_rows_get(rows, r, 0));
        text_copy(t->extension, sizeof(t->extension), store_rows_get(rows, r, 1));
        return RESULT_OK;
}

enum result store_cc_tracks(struct store_conn *conn, int64_t tenant_id,
                            struct store_cc_track **ret, size_t *ret_n)
{
        struct store_param p = SP_INT(tenant_id);

        return store_exec_all(conn,
                              "SELECT e.user_id, e.extension FROM agent_extensions e "
                              "JOIN users u ON u.id = e.user_id "
                              "WHERE e.tenant_id = ? AND e.status = 'active' AND u.status = 'active' "
                              "AND EXISTS (SELECT 1 FROM queue_members m JOIN queues q ON q.id = m.queue_id "
                              "WHERE m.user_id = e.user_id AND q.tenant_id = e.tenant_id) "
                              "ORDER BY e.user_id, e.extension",
                              &p, 1, sizeof(**ret), track_row, (void **)ret, ret_n);
}

#define NUMBER_COLS                                                                             \
        "SELECT n.id, n.tenant_id, COALESCE(t.cluster_id, 0), t.status, t.sip_domain, "        \
        "COALESCE(c.sip_domain, ''), n.number, COALESCE(n.queue_id, 0), COALESCE(q.number, ''), " \
        "n.extension FROM inbound_numbers n JOIN tenants t ON t.id = n.tenant_id "              \
        "LEFT JOIN freeswitch_clusters c ON c.id = t.cluster_id "                               \
        "LEFT JOIN queues q ON q.id = n.queue_id AND q.tenant_id = n.tenant_id "

static enum result number_row(const struct store_rows *rows, int r, void *out)
{
        struct store_cc_number *n = out;

        n->id = store_int(store_rows_get(rows, r, 0));
        n->tenant_id = store_int(store_rows_get(rows, r, 1));
        n->cluster_id = store_int(store_rows_get(rows, r, 2));
        text_copy(n->tenant_domain, sizeof(n->tenant_domain), store_rows_get(rows, r, 4));
        text_copy(n->cluster_domain, sizeof(n->cluster_domain), store_rows_get(rows, r, 5));
        text_copy(n->number, sizeof(n->number), store_rows_get(rows, r, 6));
        n->queue_id = store_int(store_rows_get(rows, r, 7));
        text_copy(n->queue_number, sizeof(n->queue_number), store_rows_get(rows, r, 8));
        text_copy(n->extension, sizeof(n->extension), store_rows_get(rows, r, 9));
        return store_decoded(tenant_status_parse(store_rows_get(rows, r, 3), &n->tenant_status),
                             "inbound_numbers");
}

enum result store_cc_number_find(struct store_conn *conn, const char *number,
                                 struct store_cc_number *ret)
{
        struct store_param p = SP_TEXT(number);

        return store_exec_one(conn, NUMBER_COLS "WHERE n.number = ?", &p, 1, number_row, ret);
}

enum result store_cc_numbers(struct store_conn *conn, int64_t cluster_id,
                             struct store_cc_number **ret, size_t *ret_n)
{
        struct store_param p = SP_INT(cluster_id);

        return store_exec_all(conn, NUMBER_COLS "WHERE COALESCE(t.cluster_id, 0) = ? ORDER BY n.number",
                              &p, 1, sizeof(**ret), number_row, (void **)ret, ret_n);
}
