/*
 * The storage contract of what FreeSWITCH must know of queues
 * (store/callcenter.c) and of queue jobs' outcomes (store/jobs.c): queues
 * with their tenant and timeout destination, members, an agent with its
 * status row or the tenant's defaults, its extensions, the tracked
 * extensions of a tenant, inbound numbers. The rows are written with SQL
 * here (queues' own CRUD is store/queues.c's and has its own contract).
 *
 * Pool numbers used here start at 910000, clear of the other parts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "contract.h"
#include "store/driver.h"

int contract_callcenter_checks(int *ret_failures)
{
        *ret_failures = check_failures;
        return check_count;
}

static void sql(struct store_conn *conn, const char *text, const struct store_param *p, size_t n)
{
        CHECK_INT_EQ(store_exec(conn, text, p, n, NULL, NULL), RESULT_OK);
}

/* An agent of tenant t on the first free number of its pool. */
static int64_t agent(struct store_conn *conn, int64_t t, const char *email, struct store_extension *ret)
{
        struct store_user u = { .role = USER_ROLE_AGENT, .status = USER_STATUS_ACTIVE, .tenant_id = t };

        snprintf(u.email, sizeof(u.email), "%s", email);
        snprintf(u.password_hash, sizeof(u.password_hash), "x");
        CHECK_INT_EQ(store_user_insert(conn, &u), RESULT_OK);
        CHECK_INT_EQ(store_pool_allocate(conn, t, u.id, "s", "p", JOBS_STATE_PROVISIONED, ret), RESULT_OK);
        return u.id;
}

static int64_t queue(struct store_conn *conn, int64_t t, const char *name, const char *number,
                     const char *timeout, int64_t timeout_queue, const char *timeout_ext)
{
        struct store_param p[] = { SP_INT(t), SP_TEXT(name), SP_TEXT(number), SP_TEXT(timeout),
                                   timeout_queue ? SP_INT(timeout_queue) : SP_NULL, SP_TEXT(timeout_ext),
                                   SP_INT(store_now()), SP_INT(store_now()) };
        struct store_rows rows = { 0 };
        int64_t id = 0;

        CHECK_INT_EQ(store_exec(conn,
                                "INSERT INTO queues (tenant_id, name, number, strategy, max_wait_s, "
                                "timeout_action, timeout_queue_id, timeout_extension, announce_sound, "
                                "announce_frequency_s, created_at, updated_at) VALUES (?, ?, ?, "
                                "'ring-all', 30, ?, ?, ?, 'tone_stream://%(100,100,350)', 20, ?, ?) "
                                "RETURNING id",
                                p, STORE_NPARAMS(p), &rows, NULL),
                     RESULT_OK);
        if (rows.nrows == 1)
                id = store_int(store_rows_get(&rows, 0, 0));
        store_rows_free(&rows);
        return id;
}

void contract_callcenter(struct store *store)
{
        struct store_tenant t = { .status = TENANT_STATUS_ACTIVE, .pool_base = 910000, .pool_size = 4 };
        struct store_tenant t2 = { .status = TENANT_STATUS_ACTIVE, .pool_base = 910100, .pool_size = 4 };
        struct store_extension e1, e2, e3, e4;
        struct store_conn *conn;
        struct store_cc_queue q, *qs = NULL;
        struct store_cc_member *ms = NULL;
        struct store_cc_agent a;
        struct store_cc_track *tr = NULL;
        struct store_cc_number n, *ns = NULL;
        int64_t u1, u2, u3, q1, q2, *ids = NULL;
        char exts[4][32];
        size_t count;

        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);
        snprintf(t.name, sizeof(t.name), "Queues");
        snprintf(t.slug, sizeof(t.slug), "cc-queues");
        snprintf(t.sip_domain, sizeof(t.sip_domain), "cc.example");
        snprintf(t2.name, sizeof(t2.name), "Queues 2");
        snprintf(t2.slug, sizeof(t2.slug), "cc-queues-2");
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_insert(conn, &t), RESULT_OK);
        CHECK_INT_EQ(store_tenant_insert(conn, &t2), RESULT_OK);
        CHECK_INT_EQ(store_pool_generate(conn, t.id, 910000, 4, contract_plain_secret, NULL), RESULT_OK);
        CHECK_INT_EQ(store_pool_generate(conn, t2.id, 910100, 4, contract_plain_secret, NULL), RESULT_OK);
        u1 = agent(conn, t.id, "cc1@q.example", &e1);
        u2 = agent(conn, t.id, "cc2@q.example", &e2);
        CHECK_INT_EQ(store_pool_allocate(conn, t.id, u1, "s", "p", JOBS_STATE_PROVISIONED, &e3), RESULT_OK);
        u3 = agent(conn, t2.id, "cc3@q.example", &e4);
        q2 = queue(conn, t.id, "Overflow", "7001", "hangup", 0, "");
        q1 = queue(conn, t.id, "Support", "7000", "queue", q2, "");
        {
                struct store_param p[] = { SP_INT(q1), SP_INT(u1), SP_INT(q1), SP_INT(u2), SP_INT(q2),
                                           SP_INT(u2) };
                sql(conn,
                    "INSERT INTO queue_members (queue_id, user_id, level, position) "
                    "VALUES (?, ?, 1, 2), (?, ?, 2, 1), (?, ?, 1, 1)",
                    p, STORE_NPARAMS(p));
        }
        {
                struct store_param p[] = { SP_INT(u2), SP_INT(t.id), SP_INT(store_now()),
                                           SP_INT(store_now()), SP_INT(u3), SP_INT(t2.id),
                                           SP_INT(store_now()), SP_INT(store_now()) };
                sql(conn,
                    "INSERT INTO queue_agents (user_id, tenant_id, status, status_since, wrap_up_s, "
                    "updated_at) VALUES (?, ?, 'on_break', ?, 25, ?), (?, ?, 'available', ?, NULL, ?)",
                    p, STORE_NPARAMS(p));
        }
        {
                struct store_param p[] = { SP_INT(t.id), SP_INT(q1), SP_INT(store_now()), SP_INT(t.id),
                                           SP_TEXT(e2.extension), SP_INT(store_now()) };
                sql(conn,
                    "INSERT INTO inbound_numbers (tenant_id, number, queue_id, extension, created_at) "
                    "VALUES (?, '+15559870000', ?, '', ?), (?, '+15559870001', NULL, ?, ?)",
                    p, STORE_NPARAMS(p));
        }
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);

        /* a queue with its tenant and its timeout queue's number */
        CHECK_INT_EQ(store_cc_queue_get(conn, q1, &q), RESULT_OK);
        CHECK_INT_EQ(q.tenant_id, t.id);
        CHECK_INT_EQ(q.cluster_id, 0);
        CHECK_INT_EQ(q.tenant_status, TENANT_STATUS_ACTIVE);
        CHECK_STR_EQ(q.tenant_domain, "cc.example");
        CHECK_STR_EQ(q.number, "7000");
        CHECK_INT_EQ(q.strategy, QUEUE_STRATEGY_RING_ALL);
        CHECK_INT_EQ(q.max_wait_s, 30);
        CHECK_INT_EQ(q.timeout_action, QUEUE_TIMEOUT_QUEUE);
        CHECK_INT_EQ(q.timeout_queue_id, q2);
        CHECK_STR_EQ(q.timeout_number, "7001");
        CHECK_STR_EQ(q.announce_sound, "tone_stream://%(100,100,350)");
        CHECK_INT_EQ(q.announce_frequency_s, 20);
        CHECK_INT_EQ(q.tier_rule_wait_s, 300);
        CHECK(q.tier_rule_wait_multiply_level && !q.tier_rules_apply);
        CHECK_INT_EQ(store_cc_queue_get(conn, q1 + q2 + 1000, &q), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_cc_queues(conn, t.id, 0, &qs, &count), RESULT_OK);
        CHECK_INT_EQ(count, 2);
        if (count == 2) {
                CHECK_STR_EQ(qs[0].number, "7000");   /* by number */
                CHECK_STR_EQ(qs[1].number, "7001");
        }
        free(qs);
        CHECK_INT_EQ(store_cc_queues(conn, t2.id, 0, &qs, &count), RESULT_OK);
        CHECK_INT_EQ(count, 0);
        free(qs);
        CHECK_INT_EQ(store_cc_queues(conn, 0, 0, &qs, &count), RESULT_OK);
        CHECK(count >= 2);
        free(qs);

        /* members by user */
        CHECK_INT_EQ(store_cc_members(conn, q1, &ms, &count), RESULT_OK);
        CHECK_INT_EQ(count, 2);
        if (count == 2) {
                CHECK_INT_EQ(ms[0].user_id, u1);
                CHECK_INT_EQ(ms[0].level, 1);
                CHECK_INT_EQ(ms[0].position, 2);
                CHECK_INT_EQ(ms[1].user_id, u2);
                CHECK_INT_EQ(ms[1].level, 2);
        }
        free(ms);

        /* an agent without a status row: logged out, the tenant's defaults */
        CHECK_INT_EQ(store_cc_agent_get(conn, u1, &a), RESULT_OK);
        CHECK(!a.has_status);
        CHECK_INT_EQ(a.status, QUEUE_STATUS_LOGGED_OUT);
        CHECK_INT_EQ(a.wrap_up_s, 10);
        CHECK_INT_EQ(a.max_no_answer, 3);
        CHECK_INT_EQ(a.n_queues, 1);
        CHECK_INT_EQ(a.user_status, USER_STATUS_ACTIVE);
        CHECK_STR_EQ(a.tenant_domain, "cc.example");
        CHECK_INT_EQ(store_cc_agent_get(conn, u2, &a), RESULT_OK);
        CHECK(a.has_status);
        CHECK_INT_EQ(a.status, QUEUE_STATUS_ON_BREAK);
        CHECK_INT_EQ(a.wrap_up_s, 25);
        CHECK_INT_EQ(a.n_queues, 2);
        CHECK_INT_EQ(store_cc_agent_get(conn, u1 + u2 + u3 + 1000, &a), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_cc_agent_ids(conn, 0, &ids, &count), RESULT_OK);
        {
                int seen = 0;
                for (size_t i = 0; i < count; i++)
                        seen += ids[i] == u1 || ids[i] == u2 || ids[i] == u3;
                CHECK_INT_EQ(seen, 3);
        }
        free(ids);
        CHECK_INT_EQ(store_cc_agent_extensions(conn, u1, exts, 4, &count), RESULT_OK);
        CHECK_INT_EQ(count, 2);
        CHECK_STR_EQ(exts[0], e1.extension);
        CHECK_STR_EQ(exts[1], e3.extension);
        CHECK_INT_EQ(store_cc_agent_extensions(conn, u1, exts, 1, &count), RESULT_OK);
        CHECK_INT_EQ(count, 1);

        CHECK_INT_EQ(store_cc_queue_clusters(conn, &ids, &count), RESULT_OK);
        CHECK(count >= 1 && ids[0] == 0);
        free(ids);

        /* tracked: the extensions of the tenant's members, by user */
        CHECK_INT_EQ(store_cc_tracks(conn, t.id, &tr, &count), RESULT_OK);
        CHECK_INT_EQ(count, 3);
        if (count == 3) {
                CHECK_INT_EQ(tr[0].user_id, u1);
                CHECK_INT_EQ(tr[1].user_id, u1);
                CHECK_INT_EQ(tr[2].user_id, u2);
                CHECK_STR_EQ(tr[2].extension, e2.extension);
        }
        free(tr);
        CHECK_INT_EQ(store_cc_tracks(conn, t2.id, &tr, &count), RESULT_OK);
        CHECK_INT_EQ(count, 0);          /* a status row is no membership */
        free(tr);

        /* inbound numbers */
        CHECK_INT_EQ(store_cc_number_find(conn, "+15559870000", &n), RESULT_OK);
        CHECK_INT_EQ(n.tenant_id, t.id);
        CHECK_INT_EQ(n.queue_id, q1);
        CHECK_STR_EQ(n.queue_number, "7000");
        CHECK_STR_EQ(n.tenant_domain, "cc.example");
        CHECK_INT_EQ(store_cc_number_find(conn, "+15559870001", &n), RESULT_OK);
        CHECK_INT_EQ(n.queue_id, 0);
        CHECK_STR_EQ(n.queue_number, "");
        CHECK_STR_EQ(n.extension, e2.extension);
        CHECK_INT_EQ(store_cc_number_find(conn, "15559870000", &n), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_cc_numbers(conn, 0, &ns, &count), RESULT_OK);
        CHECK(count >= 2);
        free(ns);

        /* a queue job's outcome shows on the queue, an agent job's on its
         * status row, each unless a later job for it is pending; an attempt
         * to be retried shows pending without its error */
        {
                struct store_job jobs[64];
                int nj = 0;
                int64_t first = 0, second = 0;
                struct store_rows rows = { 0 };
                struct store_param p = SP_INT(q1);

                CHECK_INT_EQ(store_begin(conn), RESULT_OK);
                CHECK_INT_EQ(store_job_insert_queue(conn, t.id, FS_CHANGE_QUEUE, q1, JOBS_STATE_PENDING),
                             RESULT_OK);
                CHECK_INT_EQ(store_job_insert_queue(conn, t.id, FS_CHANGE_QUEUE_AGENT, u2,
                                                    JOBS_STATE_PENDING),
                             RESULT_OK);
                CHECK_INT_EQ(store_commit(conn), RESULT_OK);
                CHECK_INT_EQ(store_jobs_due(conn, store_now(), jobs, 64, &nj), RESULT_OK);
                for (int i = 0; i < nj; i++) {
                        if (jobs[i].kind == FS_CHANGE_QUEUE && jobs[i].queue_id == q1)
                                first = i + 1;
                        if (jobs[i].kind == FS_CHANGE_QUEUE_AGENT && jobs[i].user_id == u2)
                                second = i + 1;
                }
                CHECK(first && second);
                if (!first || !second)
                        return;
                CHECK_INT_EQ(store_begin(conn), RESULT_OK);
                CHECK_INT_EQ(store_job_retry(conn, &jobs[first - 1], JOBS_STATUS_PENDING, "node down",
                                             store_now() + 60, JOBS_STATE_PENDING),
                             RESULT_OK);
                CHECK_INT_EQ(store_job_done(conn, &jobs[second - 1], JOBS_STATUS_DONE,
                                            JOBS_STATE_PROVISIONED),
                             RESULT_OK);
                CHECK_INT_EQ(store_commit(conn), RESULT_OK);
                CHECK_INT_EQ(store_exec(conn,
                                        "SELECT provisioning, provisioning_attempts, provisioning_error "
                                        "FROM queues WHERE id = ?",
                                        &p, 1, &rows, NULL),
                             RESULT_OK);
                CHECK_STR_EQ(store_rows_get(&rows, 0, 0), "pending");
                CHECK_STR_EQ(store_rows_get(&rows, 0, 1), "1");
                CHECK_STR_EQ(store_rows_get(&rows, 0, 2), "");   /* retried: no error shown */
                store_rows_free(&rows);
                p = SP_INT(u2);
                CHECK_INT_EQ(store_exec(conn, "SELECT provisioning FROM queue_agents WHERE user_id = ?",
                                        &p, 1, &rows, NULL),
                             RESULT_OK);
                CHECK_STR_EQ(store_rows_get(&rows, 0, 0), "provisioned");
                store_rows_free(&rows);
        }
}
