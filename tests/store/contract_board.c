/*
 * The storage contract of the board (store/board.c): callers keyed by
 * mod_callcenter's member uuid (written once, rewritten in place), listed
 * longest waiting first per queue and per node; an agent's activity
 * rewritten in place; a queue's counts summed per UTC day; the reads the
 * board joins (a queue's members with their status and activity, the
 * tenants of a queue and of a user). Queues and statuses are written with
 * plain SQL here: their own operations are domain/queues/'s.
 *
 * Pool numbers used here start at 910000, clear of the other parts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "contract.h"
#include "store/driver.h"

int contract_board_checks(int *ret_failures)
{
        *ret_failures = check_failures;
        return check_count;
}

static int64_t tenant(struct store_conn *conn, const char *slug)
{
        struct store_tenant t = { .status = TENANT_STATUS_ACTIVE, .pool_base = 0, .pool_size = 0 };

        snprintf(t.name, sizeof(t.name), "Board %s", slug);
        snprintf(t.slug, sizeof(t.slug), "%s", slug);
        CHECK_INT_EQ(store_tenant_insert(conn, &t), RESULT_OK);
        return t.id;
}

static int64_t agent(struct store_conn *conn, int64_t tenant_id, const char *email,
                     const char *first)
{
        struct store_user u = { .role = USER_ROLE_AGENT, .status = USER_STATUS_ACTIVE,
                                .tenant_id = tenant_id };

        snprintf(u.email, sizeof(u.email), "%s", email);
        snprintf(u.first_name, sizeof(u.first_name), "%s", first);
        snprintf(u.last_name, sizeof(u.last_name), "Board");
        snprintf(u.password_hash, sizeof(u.password_hash), "x");
        CHECK_INT_EQ(store_user_insert(conn, &u), RESULT_OK);
        return u.id;
}

static int64_t queue(struct store_conn *conn, int64_t tenant_id, const char *name,
                     const char *number)
{
        struct store_param p[] = { SP_INT(tenant_id), SP_TEXT(name), SP_TEXT(number) };
        struct store_rows rows = { 0 };
        int64_t id = 0;

        CHECK_INT_EQ(store_exec(conn,
                                "INSERT INTO queues (tenant_id, name, number, strategy, created_at, "
                                "updated_at) VALUES (?, ?, ?, 'longest-idle-agent', 1, 1) "
                                "RETURNING id",
                                p, 3, &rows, NULL),
                     RESULT_OK);
        if (rows.nrows == 1)
                id = store_int(store_rows_get(&rows, 0, 0));
        store_rows_free(&rows);
        CHECK(id > 0);
        return id;
}

static void member(struct store_conn *conn, int64_t queue_id, int64_t user_id)
{
        struct store_param p[] = { SP_INT(queue_id), SP_INT(user_id) };

        CHECK_INT_EQ(store_exec(conn, "INSERT INTO queue_members (queue_id, user_id) VALUES (?, ?)",
                                p, 2, NULL, NULL),
                     RESULT_OK);
}

static struct store_board_caller caller(const char *uuid, int64_t queue_id, int64_t tenant_id,
                                        int64_t joined_at, const char *node)
{
        struct store_board_caller c = { .queue_id = queue_id, .tenant_id = tenant_id,
                                        .joined_at = joined_at, .state = QUEUE_CALLER_WAITING };

        snprintf(c.member_uuid, sizeof(c.member_uuid), "%s", uuid);
        snprintf(c.session_uuid, sizeof(c.session_uuid), "s-%s", uuid);
        snprintf(c.caller_number, sizeof(c.caller_number), "555%s", uuid);
        snprintf(c.caller_name, sizeof(c.caller_name), "Caller %s", uuid);
        snprintf(c.node, sizeof(c.node), "%s", node);
        return c;
}

static void test_callers(struct store_conn *conn, int64_t ta, int64_t qa, int64_t qa2, int64_t ua)
{
        struct store_board_caller c = caller("m1", qa, ta, 1000, "127.0.0.1:8021"), got, *items;
        size_t n;
        bool deleted;

        CHECK_INT_EQ(store_board_caller_put(conn, &c), RESULT_OK);
        c = caller("m2", qa, ta, 990, "127.0.0.1:8021");
        CHECK_INT_EQ(store_board_caller_put(conn, &c), RESULT_OK);
        c = caller("m3", qa2, ta, 980, "127.0.0.1:8022");
        CHECK_INT_EQ(store_board_caller_put(conn, &c), RESULT_OK);
        CHECK_INT_EQ(store_board_caller_get(conn, "m1", &got), RESULT_OK);
        CHECK_STR_EQ(got.caller_number, "555m1");
        CHECK_STR_EQ(got.caller_name, "Caller m1");
        CHECK_STR_EQ(got.session_uuid, "s-m1");
        CHECK_INT_EQ(got.state, QUEUE_CALLER_WAITING);
        CHECK_INT_EQ(got.agent_user_id, 0);
        CHECK_INT_EQ(got.joined_at, 1000);
        /* the same member again: rewritten in place, never twice */
        got.state = QUEUE_CALLER_ANSWERED;
        got.agent_user_id = ua;
        snprintf(got.agent_uuid, sizeof(got.agent_uuid), "agent-leg");
        CHECK_INT_EQ(store_board_caller_put(conn, &got), RESULT_OK);
        CHECK_INT_EQ(store_board_caller_get(conn, "m1", &got), RESULT_OK);
        CHECK_INT_EQ(got.state, QUEUE_CALLER_ANSWERED);
        CHECK_INT_EQ(got.agent_user_id, ua);
        CHECK_STR_EQ(got.agent_uuid, "agent-leg");
        /* a queue's, longest waiting first, at most max */
        CHECK_INT_EQ(store_board_callers(conn, qa, 10, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 2);
        if (n == 2) {
                CHECK_STR_EQ(items[0].member_uuid, "m2");
                CHECK_STR_EQ(items[1].member_uuid, "m1");
        }
        free(items);
        CHECK_INT_EQ(store_board_callers(conn, qa, 1, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 1);
        free(items);
        /* a node's, whatever the queue */
        CHECK_INT_EQ(store_board_callers_of_node(conn, 0, "127.0.0.1:8022", &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 1);
        if (n == 1)
                CHECK_STR_EQ(items[0].member_uuid, "m3");
        free(items);
        CHECK_INT_EQ(store_board_callers_of_node(conn, 7, "127.0.0.1:8022", &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);
        free(items);
        CHECK_INT_EQ(store_board_caller_delete(conn, "m2", &deleted), RESULT_OK);
        CHECK(deleted);
        CHECK_INT_EQ(store_board_caller_delete(conn, "m2", &deleted), RESULT_OK);
        CHECK(!deleted);
        CHECK_INT_EQ(store_board_caller_get(conn, "m2", &got), RESULT_NOT_FOUND);
        /* a queue deleted takes its callers along */
        struct store_param p = SP_INT(qa2);
        CHECK_INT_EQ(store_exec(conn, "DELETE FROM queues WHERE id = ?", &p, 1, NULL, NULL),
                     RESULT_OK);
        CHECK_INT_EQ(store_board_caller_get(conn, "m3", &got), RESULT_NOT_FOUND);
}

static void test_activity_and_days(struct store_conn *conn, int64_t ta, int64_t qa, int64_t ua)
{
        struct store_board_activity a = { .user_id = ua, .tenant_id = ta,
                                          .state = QUEUE_ACTIVITY_IN_QUEUE_CALL, .since = 100,
                                          .queue_id = qa },
                                    got;
        struct store_board_day d = { .offered = 1 }, day;

        CHECK_INT_EQ(store_board_activity_get(conn, ua, &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_board_activity_put(conn, &a), RESULT_OK);
        CHECK_INT_EQ(store_board_activity_get(conn, ua, &got), RESULT_OK);
        CHECK_INT_EQ(got.state, QUEUE_ACTIVITY_IN_QUEUE_CALL);
        CHECK_INT_EQ(got.since, 100);
        CHECK_INT_EQ(got.queue_id, qa);
        CHECK_INT_EQ(got.wrap_up_ends_at, 0);
        a.state = QUEUE_ACTIVITY_WRAP_UP;
        a.since = 130;
        a.wrap_up_ends_at = 140;
        CHECK_INT_EQ(store_board_activity_put(conn, &a), RESULT_OK);
        CHECK_INT_EQ(store_board_activity_get(conn, ua, &got), RESULT_OK);
        CHECK_INT_EQ(got.state, QUEUE_ACTIVITY_WRAP_UP);
        CHECK_INT_EQ(got.wrap_up_ends_at, 140);

        CHECK_INT_EQ(store_board_day_get(conn, qa, 20000, &day), RESULT_OK);
        CHECK_INT_EQ(day.offered, 0);
        CHECK_INT_EQ(store_board_day_add(conn, qa, 20000, &d), RESULT_OK);
        d = (struct store_board_day){ .answered = 1, .wait_s = 12 };
        CHECK_INT_EQ(store_board_day_add(conn, qa, 20000, &d), RESULT_OK);
        d = (struct store_board_day){ .offered = 1, .abandoned = 1 };
        CHECK_INT_EQ(store_board_day_add(conn, qa, 20000, &d), RESULT_OK);
        CHECK_INT_EQ(store_board_day_add(conn, qa, 20001, &d), RESULT_OK);
        CHECK_INT_EQ(store_board_day_get(conn, qa, 20000, &day), RESULT_OK);
        CHECK_INT_EQ(day.offered, 2);
        CHECK_INT_EQ(day.answered, 1);
        CHECK_INT_EQ(day.abandoned, 1);
        CHECK_INT_EQ(day.wait_s, 12);
        CHECK_INT_EQ(store_board_day_get(conn, qa, 20001, &day), RESULT_OK);
        CHECK_INT_EQ(day.offered, 1);
}

static void test_agents(struct store_conn *conn, int64_t ta, int64_t tb, int64_t qa, int64_t ua,
                        int64_t ua2, int64_t ub)
{
        struct store_board_agent *items;
        struct store_board_status st;
        int64_t id;
        size_t n;
        struct store_param p[] = { SP_INT(ua2), SP_INT(ta) };

        CHECK_INT_EQ(store_board_queue_tenant(conn, qa, &id), RESULT_OK);
        CHECK_INT_EQ(id, ta);
        CHECK_INT_EQ(store_board_queue_tenant(conn, qa + 1000, &id), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_board_user_tenant(conn, ub, &id), RESULT_OK);
        CHECK_INT_EQ(id, tb);
        CHECK_INT_EQ(store_board_user_tenant(conn, ub + 1000, &id), RESULT_NOT_FOUND);

        CHECK_INT_EQ(store_board_agent_status(conn, ua2, &st), RESULT_OK);
        CHECK(!st.found);
        CHECK_INT_EQ(st.status, QUEUE_STATUS_LOGGED_OUT);
        CHECK_INT_EQ(st.tenant_id, ta);
        CHECK_INT_EQ(st.wrap_up_s, 10);   /* the tenant's default */
        CHECK_INT_EQ(st.wrap_up_s_own, -1);
        CHECK_INT_EQ(store_board_agent_status(conn, ub + 1000, &st), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_exec(conn,
                                "INSERT INTO queue_agents (user_id, tenant_id, status, reason, "
                                "status_since, wrap_up_s, updated_at) "
                                "VALUES (?, ?, 'on_break', 'Lunch', 50, 25, 50)",
                                p, 2, NULL, NULL),
                     RESULT_OK);
        CHECK_INT_EQ(store_board_agent_status(conn, ua2, &st), RESULT_OK);
        CHECK(st.found);
        CHECK_INT_EQ(st.status, QUEUE_STATUS_ON_BREAK);
        CHECK_STR_EQ(st.reason, "Lunch");
        CHECK_INT_EQ(st.since, 50);
        CHECK_INT_EQ(st.wrap_up_s, 25);
        CHECK_INT_EQ(st.max_no_answer, 3);
        CHECK_INT_EQ(st.provisioning, JOBS_STATE_PENDING);
        /* mod_callcenter's own change: stored as freeswitch's, provisioned */
        CHECK_INT_EQ(store_board_status_by_freeswitch(conn, ta, ua, QUEUE_STATUS_ON_BREAK, "Break",
                                                      77),
                     RESULT_OK);
        CHECK_INT_EQ(store_board_agent_status(conn, ua, &st), RESULT_OK);
        CHECK(st.found);
        CHECK_INT_EQ(st.status, QUEUE_STATUS_ON_BREAK);
        CHECK_STR_EQ(st.reason, "Break");
        CHECK_STR_EQ(st.changed_by, "freeswitch");
        CHECK_INT_EQ(st.since, 77);
        CHECK_INT_EQ(st.provisioning, JOBS_STATE_PROVISIONED);
        CHECK_INT_EQ(store_board_status_by_freeswitch(conn, ta, ua2, QUEUE_STATUS_ON_BREAK, "Break",
                                                      78),
                     RESULT_OK);
        CHECK_INT_EQ(store_board_agent_status(conn, ua2, &st), RESULT_OK);
        CHECK_STR_EQ(st.reason, "Break");
        CHECK_INT_EQ(st.wrap_up_s, 25);   /* its settings stay */

        member(conn, qa, ua);
        member(conn, qa, ua2);
        CHECK_INT_EQ(store_board_agents(conn, qa, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 2);
        if (n == 2) {
                CHECK_INT_EQ(items[0].user_id, ua);
                CHECK_STR_EQ(items[0].first_name, "Una");
                CHECK(items[0].has_status);
                CHECK_INT_EQ(items[0].status, QUEUE_STATUS_ON_BREAK);
                CHECK(items[0].has_activity);
                CHECK_INT_EQ(items[0].activity.state, QUEUE_ACTIVITY_WRAP_UP);
                CHECK_INT_EQ(items[0].activity.wrap_up_ends_at, 140);
                CHECK_INT_EQ(items[1].user_id, ua2);
                CHECK(items[1].has_status);
                CHECK_INT_EQ(items[1].status, QUEUE_STATUS_ON_BREAK);
                CHECK_STR_EQ(items[1].reason, "Break");
                CHECK_INT_EQ(items[1].status_since, 78);
                CHECK(!items[1].has_activity);
        }
        free(items);
}

void contract_board(struct store *store)
{
        struct store_conn *conn = NULL;
        int64_t ta, tb, qa, qa2, ua, ua2, ub;

        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        ta = tenant(conn, "board-a");
        tb = tenant(conn, "board-b");
        ua = agent(conn, ta, "una@board-a.example", "Una");
        ua2 = agent(conn, ta, "ula@board-a.example", "Ula");
        ub = agent(conn, tb, "ubo@board-b.example", "Ubo");
        qa = queue(conn, ta, "Support", "7000");
        qa2 = queue(conn, ta, "Sales", "7001");
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        test_callers(conn, ta, qa, qa2, ua);
        test_activity_and_days(conn, ta, qa, ua);
        test_agents(conn, ta, tb, qa, ua, ua2, ub);
}
