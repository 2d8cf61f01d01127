/* Queues, their members, break reasons, inbound numbers and the tenant's
 * queue defaults (migration "queues": SQLite 9, PostgreSQL 10). Portable
 * SQL; see store/driver.h for the rules. The rules (who may be a member,
 * which numbers are free) are domain/queues/'s: these are the rows. */
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "util/text.h"
#include "store/store.h"

#define QUEUE_COLS \
        "q.id, q.tenant_id, q.name, q.number, q.strategy, q.moh_sound, q.max_wait_s, " \
        "q.no_agent_max_wait_s, q.timeout_action, COALESCE(q.timeout_queue_id, 0), " \
        "q.timeout_extension, q.tier_rules_apply, q.tier_rule_wait_s, " \
        "q.tier_rule_wait_multiply_level, q.tier_rule_no_agent_no_wait, q.announce_sound, " \
        "q.announce_frequency_s, (SELECT COUNT(*) FROM queue_members m WHERE m.queue_id = q.id), " \
        "q.provisioning, q.provisioning_attempts, q.provisioning_error, q.created_at, q.updated_at"

static enum result queue_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_queue *q = out;

        q->id = store_int(store_rows_get(rows, r, 0));
        q->tenant_id = store_int(store_rows_get(rows, r, 1));
        text_copy(q->name, sizeof(q->name), store_rows_get(rows, r, 2));
        text_copy(q->number, sizeof(q->number), store_rows_get(rows, r, 3));
        text_copy(q->moh_sound, sizeof(q->moh_sound), store_rows_get(rows, r, 5));
        q->max_wait_s = store_int(store_rows_get(rows, r, 6));
        q->no_agent_max_wait_s = store_int(store_rows_get(rows, r, 7));
        q->timeout_queue_id = store_int(store_rows_get(rows, r, 9));
        text_copy(q->timeout_extension, sizeof(q->timeout_extension), store_rows_get(rows, r, 10));
        q->tier_rules_apply = store_int(store_rows_get(rows, r, 11)) != 0;
        q->tier_rule_wait_s = store_int(store_rows_get(rows, r, 12));
        q->tier_rule_wait_multiply_level = store_int(store_rows_get(rows, r, 13)) != 0;
        q->tier_rule_no_agent_no_wait = store_int(store_rows_get(rows, r, 14)) != 0;
        text_copy(q->announce_sound, sizeof(q->announce_sound), store_rows_get(rows, r, 15));
        q->announce_frequency_s = store_int(store_rows_get(rows, r, 16));
        q->members = store_int(store_rows_get(rows, r, 17));
        q->provisioning_attempts = store_int(store_rows_get(rows, r, 19));
        text_copy(q->provisioning_error, sizeof(q->provisioning_error), store_rows_get(rows, r, 20));
        q->created_at = store_int(store_rows_get(rows, r, 21));
        q->updated_at = store_int(store_rows_get(rows, r, 22));
        return store_decoded(queue_strategy_parse(store_rows_get(rows, r, 4), &q->strategy) &&
                                     queue_timeout_action_parse(store_rows_get(rows, r, 8),
                                                                &q->timeout_action) &&
                                     jobs_state_parse(store_rows_get(rows, r, 18), &q->provisioning),
                             "queues");
}

static enum result id_from_row(const struct store_rows *rows, int r, void *out)
{
        *(int64_t *)out = store_int(store_rows_get(rows, r, 0));
        return RESULT_OK;
}

/* The settable columns of *q, in the order of the statements below. */
#define QUEUE_SET_PARAMS(q)                                                                        \
        SP_TEXT((q)->name), SP_TEXT((q)->number), SP_TEXT(queue_strategy_name((q)->strategy)),     \
                SP_TEXT((q)->moh_sound), SP_INT((q)->max_wait_s), SP_INT((q)->no_agent_max_wait_s), \
                SP_TEXT(queue_timeout_action_name((q)->timeout_action)),                           \
                (q)->timeout_queue_id ? SP_INT((q)->timeout_queue_id) : SP_NULL,                   \
                SP_TEXT((q)->timeout_extension), SP_INT((q)->tier_rules_apply),                    \
                SP_INT((q)->tier_rule_wait_s), SP_INT((q)->tier_rule_wait_multiply_level),         \
                SP_INT((q)->tier_rule_no_agent_no_wait), SP_TEXT((q)->announce_sound),             \
                SP_INT((q)->announce_frequency_s)

enum result store_queue_insert(struct store_conn *conn, struct store_queue *q)
{
        int64_t now = store_now(), id = 0;
        struct store_param p[] = { SP_INT(q->tenant_id), QUEUE_SET_PARAMS(q), SP_INT(now), SP_INT(now) };
        enum result result;

        result = store_exec_one(conn,
                                "INSERT INTO queues (tenant_id, name, number, strategy, moh_sound, "
                                "max_wait_s, no_agent_max_wait_s, timeout_action, timeout_queue_id, "
                                "timeout_extension, tier_rules_apply, tier_rule_wait_s, "
                                "tier_rule_wait_multiply_level, tier_rule_no_agent_no_wait, "
                                "announce_sound, announce_frequency_s, created_at, updated_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                "RETURNING id",
                                p, STORE_NPARAMS(p), id_from_row, &id);
        if (result)
                return result;
        return store_queue_get(conn, q->tenant_id, id, q);
}

enum result store_queue_get(struct store_conn *conn, int64_t tenant_id, int64_t id,
                            struct store_queue *ret)
{
        struct store_param p[] = { SP_INT(id), SP_INT(tenant_id) };

        return store_exec_one(conn, "SELECT " QUEUE_COLS " FROM queues q WHERE q.id = ? AND q.tenant_id = ?",
                              p, STORE_NPARAMS(p), queue_from_row, ret);
}

enum result store_queue_list(struct store_conn *conn, int64_t tenant_id, struct store_page *page,
                             struct store_queue **ret_items, size_t *ret_n)
{
        struct store_param p = SP_INT(tenant_id);

        return store_exec_page(conn, QUEUE_COLS, " FROM queues q WHERE q.tenant_id = ?",
                               " ORDER BY q.name, q.id", &p, 1, page, sizeof(**ret_items),
                               queue_from_row, (void **)ret_items, ret_n);
}

enum result store_queue_update(struct store_conn *conn, const struct store_queue *q)
{
        struct store_param p[] = { QUEUE_SET_PARAMS(q), SP_INT(store_now()), SP_INT(q->id),
                                   SP_INT(q->tenant_id) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn,
                            "UPDATE queues SET name = ?, number = ?, strategy = ?, moh_sound = ?, "
                            "max_wait_s = ?, no_agent_max_wait_s = ?, timeout_action = ?, "
                            "timeout_queue_id = ?, timeout_extension = ?, tier_rules_apply = ?, "
                            "tier_rule_wait_s = ?, tier_rule_wait_multiply_level = ?, "
                            "tier_rule_no_agent_no_wait = ?, announce_sound = ?, "
                            "announce_frequency_s = ?, updated_at = ? WHERE id = ? AND tenant_id = ?",
                            p, STORE_NPARAMS(p), NULL, &changes);
        if (!result && changes == 0)
                result = RESULT_NOT_FOUND;
        return result;
}

enum result store_queue_delete(struct store_conn *conn, int64_t tenant_id, int64_t id)
{
        struct store_param p[] = { SP_INT(id), SP_INT(tenant_id) };
        int64_t changes = 0;
        enum result result;

        /* the members first, whatever the backend does with ON DELETE */
        result = store_exec(conn,
                            "DELETE FROM queue_members WHERE queue_id = "
                            "(SELECT id FROM queues WHERE id = ? AND tenant_id = ?)",
                            p, STORE_NPARAMS(p), NULL, NULL);
        if (!result)
                result = store_exec(conn, "DELETE FROM queues WHERE id = ? AND tenant_id = ?", p,
                                    STORE_NPARAMS(p), NULL, &changes);
        if (!result && changes == 0)
                result = RESULT_NOT_FOUND;
        return result;
}

/* Whether sql (its parameters p) finds a row. */
static enum result exists(struct store_conn *conn, const char *sql, const struct store_param *p,
                          size_t n, bool *ret)
{
        struct store_rows rows = { 0 };
        enum result result = store_exec(conn, sql, p, n, &rows, NULL);

        if (result)
                return result;
        *ret = rows.nrows > 0;
        store_rows_free(&rows);
        return RESULT_OK;
}

enum result store_queue_taken(struct store_conn *conn, int64_t tenant_id, int64_t except_id,
                              const char *name, const char *number, bool *ret_name,
                              bool *ret_number)
{
        bool by_name = false, by_number = false;
        enum result result = RESULT_OK;

        if (name) {
                struct store_param p[] = { SP_INT(tenant_id), SP_INT(except_id), SP_TEXT(name) };
                result = exists(conn, "SELECT 1 FROM queues WHERE tenant_id = ? AND id <> ? AND name = ?",
                                p, STORE_NPARAMS(p), &by_name);
        }
        if (!result && number) {
                struct store_param p[] = { SP_INT(tenant_id), SP_INT(except_id), SP_TEXT(number) };
                result = exists(conn,
                                "SELECT 1 FROM queues WHERE tenant_id = ? AND id <> ? AND number = ?",
                                p, STORE_NPARAMS(p), &by_number);
        }
        if (result)
                return result;
        *ret_name = by_name;
        *ret_number = by_number;
        return RESULT_OK;
}

enum result store_queue_in_use(struct store_conn *conn, int64_t id, bool *ret_in_use)
{
        struct store_param p[] = { SP_INT(id), SP_INT(id), SP_INT(id) };

        return exists(conn,
                      "SELECT 1 FROM inbound_numbers WHERE queue_id = ? UNION ALL "
                      "SELECT 1 FROM queues WHERE timeout_queue_id = ? AND id <> ?",
                      p, STORE_NPARAMS(p), ret_in_use);
}

/* ---- members ---------------------------------------------------------- */

enum result store_queue_members(struct store_conn *conn, int64_t queue_id,
                                struct store_queue_member **ret, size_t *ret_n)
{
        struct store_param p = SP_INT(queue_id);
        struct store_rows rows = { 0 }, exts = { 0 };
        struct store_queue_member *m = NULL;
        size_t at = 0;
        enum result result;

        result = store_exec(conn,
                            "SELECT m.user_id, m.level, m.position, u.first_name, u.last_name, "
                            "u.status, COALESCE(a.status, 'logged_out') FROM queue_members m "
                            "JOIN users u ON u.id = m.user_id "
                            "LEFT JOIN queue_agents a ON a.user_id = m.user_id "
                            "WHERE m.queue_id = ? ORDER BY m.level, m.position, m.user_id",
                            &p, 1, &rows, NULL);
        if (!result)
                result = store_exec(conn,
                                    "SELECT e.user_id, e.extension FROM agent_extensions e "
                                    "JOIN queue_members m ON m.user_id = e.user_id "
                                    "WHERE m.queue_id = ? "
                                    "ORDER BY e.user_id, LENGTH(e.extension), e.extension",
                                    &p, 1, &exts, NULL);
        if (result)
                goto out;
        m = calloc(rows.nrows ? (size_t)rows.nrows : 1, sizeof(*m));
        if (!m) {
                result = RESULT_NOMEM;
                goto out;
        }
        for (int r = 0; r < rows.nrows && !result; r++) {
                m[r].user_id = store_int(store_rows_get(&rows, r, 0));
                m[r].level = store_int(store_rows_get(&rows, r, 1));
                m[r].position = store_int(store_rows_get(&rows, r, 2));
                text_copy(m[r].first_name, sizeof(m[r].first_name), store_rows_get(&rows, r, 3));
                text_copy(m[r].last_name, sizeof(m[r].last_name), store_rows_get(&rows, r, 4));
                result = store_decoded(user_status_parse(store_rows_get(&rows, r, 5), &m[r].user_status) &&
                                               queue_status_parse(store_rows_get(&rows, r, 6), &m[r].status),
                                       "queue_members");
        }
        /* the extensions come grouped by user: find each user's member once */
        for (int r = 0; r < exts.nrows && !result; r++) {
                int64_t user = store_int(store_rows_get(&exts, r, 0));
                if (at >= (size_t)rows.nrows || m[at].user_id != user)
                        for (at = 0; at < (size_t)rows.nrows && m[at].user_id != user; at++)
                                ;
                if (at < (size_t)rows.nrows && m[at].n_extensions < STORE_MAX_EXTENSIONS_PER_USER) {
                        text_copy(m[at].extensions[m[at].n_extensions],
                                  sizeof(m[at].extensions[0]), store_rows_get(&exts, r, 1));
                        m[at].n_extensions++;
                }
        }
        if (!result) {
                *ret = m;
                *ret_n = (size_t)rows.nrows;
                m = NULL;
        }
out:
        free(m);
        store_rows_free(&rows);
        store_rows_free(&exts);
        return result;
}

enum result store_queue_members_set(struct store_conn *conn, int64_t queue_id,
                                    const struct store_queue_member *members, size_t n)
{
        struct store_param d = SP_INT(queue_id);
        enum result result;

        result = store_exec(conn, "DELETE FROM queue_members WHERE queue_id = ?", &d, 1, NULL, NULL);
        for (size_t i = 0; i < n && !result; i++) {
                struct store_param p[] = { SP_INT(queue_id), SP_INT(members[i].user_id),
                                           SP_INT(members[i].level), SP_INT(members[i].position) };
                result = store_exec(conn,
                                    "INSERT INTO queue_members (queue_id, user_id, level, position) "
                                    "VALUES (?, ?, ?, ?)",
                                    p, STORE_NPARAMS(p), NULL, NULL);
        }
        return result;
}

static enum result user_queue_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_user_queue *q = out;

        q->id = store_int(store_rows_get(rows, r, 0));
        text_copy(q->name, sizeof(q->name), store_rows_get(rows, r, 1));
        text_copy(q->number, sizeof(q->number), store_rows_get(rows, r, 2));
        q->level = store_int(store_rows_get(rows, r, 3));
        q->position = store_int(store_rows_get(rows, r, 4));
        return RESULT_OK;
}

enum result store_user_queues(struct store_conn *conn, int64_t user_id,
                              struct store_user_queue **ret, size_t *ret_n)
{
        struct store_param p = SP_INT(user_id);

        return store_exec_all(conn,
                        "SELECT q.id, q.name, q.number, m.level, m.position FROM queue_members m "
                        "JOIN queues q ON q.id = m.queue_id WHERE m.user_id = ? ORDER BY q.name, q.id",
                        &p, 1, sizeof(**ret), user_queue_from_row, (void **)ret, ret_n);
}

enum result store_queue_agent_ids(struct store_conn *conn, int64_t tenant_id, int64_t **ret,
                                  size_t *ret_n)
{
        struct store_param p = SP_INT(tenant_id);

        return store_exec_all(conn,
                        "SELECT u.id FROM users u WHERE u.tenant_id = ? AND u.status <> 'deleted' "
                        "AND (EXISTS (SELECT 1 FROM queue_members m WHERE m.user_id = u.id) "
                        "OR EXISTS (SELECT 1 FROM queue_agents a WHERE a.user_id = u.id)) "
                        "ORDER BY u.id",
                        &p, 1, sizeof(**ret), id_from_row, (void **)ret, ret_n);
}

/* ---- the tenant's defaults -------------------------------------------- */

enum result store_tenant_queue_defaults(struct store_conn *conn, int64_t tenant_id,
                                        int64_t *ret_wrap_up_s, int64_t *ret_max_no_answer)
{
        struct store_param p = SP_INT(tenant_id);
        struct store_rows rows = { 0 };
        enum result result;

        result = store_exec(conn, "SELECT queue_wrap_up_s, queue_max_no_answer FROM tenants WHERE id = ?",
                            &p, 1, &rows, NULL);
        if (result)
                return result;
        if (rows.nrows == 0) {
                result = RESULT_NOT_FOUND;
        } else {
                *ret_wrap_up_s = store_int(store_rows_get(&rows, 0, 0));
                *ret_max_no_answer = store_int(store_rows_get(&rows, 0, 1));
        }
        store_rows_free(&rows);
        return result;
}

enum result store_tenant_set_queue_defaults(struct store_conn *conn, int64_t tenant_id,
                                            int64_t wrap_up_s, int64_t max_no_answer)
{
        struct store_param p[] = { SP_INT(wrap_up_s), SP_INT(max_no_answer), SP_INT(store_now()),
                                   SP_INT(tenant_id) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn,
                            "UPDATE tenants SET queue_wrap_up_s = ?, queue_max_no_answer = ?, "
                            "updated_at = ? WHERE id = ?",
                            p, STORE_NPARAMS(p), NULL, &changes);
        if (!result && changes == 0)
                result = RESULT_NOT_FOUND;
        return result;
}

/* ---- break reasons ---------------------------------------------------- */

static const char *const default_break_reasons[] = { "Break", "Lunch", "Training" };

enum result store_break_reasons(struct store_conn *conn, int64_t tenant_id,
                                char ret[STORE_BREAK_REASONS_MAX][STORE_BREAK_REASON_SIZE],
                                size_t *ret_n)
{
        struct store_param p = SP_INT(tenant_id);
        struct store_rows rows = { 0 };
        size_t n = 0;
        enum result result;

        result = store_exec(conn, "SELECT name FROM break_reasons WHERE tenant_id = ? ORDER BY position",
                            &p, 1, &rows, NULL);
        if (result)
                return result;
        for (int r = 0; r < rows.nrows && n < STORE_BREAK_REASONS_MAX; r++)
                text_copy(ret[n++], STORE_BREAK_REASON_SIZE, store_rows_get(&rows, r, 0));
        for (size_t i = 0; rows.nrows == 0 && i < sizeof(default_break_reasons) / sizeof(*default_break_reasons); i++)
                text_copy(ret[n++], STORE_BREAK_REASON_SIZE, default_break_reasons[i]);
        store_rows_free(&rows);
        *ret_n = n;
        return RESULT_OK;
}

enum result store_break_reasons_set(struct store_conn *conn, int64_t tenant_id,
                                    const char *const *names, size_t n)
{
        struct store_param d = SP_INT(tenant_id);
        enum result result;

        result = store_exec(conn, "DELETE FROM break_reasons WHERE tenant_id = ?", &d, 1, NULL, NULL);
        for (size_t i = 0; i < n && !result; i++) {
                struct store_param p[] = { SP_INT(tenant_id), SP_INT((int64_t)i + 1), SP_TEXT(names[i]) };
                result = store_exec(conn,
                                    "INSERT INTO break_reasons (tenant_id, position, name) VALUES (?, ?, ?)",
                                    p, STORE_NPARAMS(p), NULL, NULL);
        }
        return result;
}

/* ---- inbound numbers -------------------------------------------------- */

#define NUMBER_COLS "id, tenant_id, number, COALESCE(queue_id, 0), extension, created_at"

static enum result number_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_inbound_number *n = out;

        n->id = store_int(store_rows_get(rows, r, 0));
        n->tenant_id = store_int(store_rows_get(rows, r, 1));
        text_copy(n->number, sizeof(n->number), store_rows_get(rows, r, 2));
        n->queue_id = store_int(store_rows_get(rows, r, 3));
        text_copy(n->extension, sizeof(n->extension), store_rows_get(rows, r, 4));
        n->created_at = store_int(store_rows_get(rows, r, 5));
        return RESULT_OK;
}

enum result store_inbound_number_insert(struct store_conn *conn, struct store_inbound_number *n)
{
        struct store_param p[] = { SP_INT(n->tenant_id), SP_TEXT(n->number),
                                   n->queue_id ? SP_INT(n->queue_id) : SP_NULL, SP_TEXT(n->extension),
                                   SP_INT(store_now()) };

        return store_exec_one(conn,
                              "INSERT INTO inbound_numbers (tenant_id, number, queue_id, extension, "
                              "created_at) VALUES (?, ?, ?, ?, ?) RETURNING " NUMBER_COLS,
                              p, STORE_NPARAMS(p), number_from_row, n);
}

enum result store_inbound_number_get(struct store_conn *conn, int64_t tenant_id, int64_t id,
                                     struct store_inbound_number *ret)
{
        struct store_param p[] = { SP_INT(id), SP_INT(tenant_id) };

        return store_exec_one(conn,
                              "SELECT " NUMBER_COLS " FROM inbound_numbers WHERE id = ? AND tenant_id = ?",
                              p, STORE_NPARAMS(p), number_from_row, ret);
}

enum result store_inbound_number_list(struct store_conn *conn, int64_t tenant_id,
                                      struct store_page *page,
                                      struct store_inbound_number **ret_items, size_t *ret_n)
{
        struct store_param p = SP_INT(tenant_id);

        return store_exec_page(conn, NUMBER_COLS, " FROM inbound_numbers WHERE tenant_id = ?",
                               " ORDER BY number, id", &p, 1, page, sizeof(**ret_items),
                               number_from_row, (void **)ret_items, ret_n);
}

enum result store_inbound_number_delete(struct store_conn *conn, int64_t tenant_id, int64_t id)
{
        struct store_param p[] = { SP_INT(id), SP_INT(tenant_id) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn, "DELETE FROM inbound_numbers WHERE id = ? AND tenant_id = ?", p,
                            STORE_NPARAMS(p), NULL, &changes);
        if (!result && changes == 0)
                result = RESULT_NOT_FOUND;
        return result;
}

enum result store_inbound_number_taken(struct store_conn *conn, const char *number,
                                       bool *ret_taken)
{
        struct store_param p = SP_TEXT(number);

        return exists(conn, "SELECT 1 FROM inbound_numbers WHERE number = ?", &p, 1, ret_taken);
}
