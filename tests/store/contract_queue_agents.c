/*
 * The storage contract of agents' queue statuses (store/queue_agents.c):
 * what an agent without a row reads as (logged out since its creation,
 * the tenant's defaults, nothing to provision), the upsert of a status and
 * of settings, "Ready"'s flag and what clears it, the provisioning state a
 * queued agent job leaves, the agents not logged out, the queues an agent
 * is a member of (the break reasons are contract_queues.c's).
 *
 * Pool numbers used here start at 910000, clear of the other parts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "contract.h"
#include "store/driver.h"

int contract_queue_agents_checks(int *ret_failures)
{
        *ret_failures = check_failures;
        return check_count;
}

static int64_t tenant(struct store_conn *conn, const char *slug)
{
        struct store_tenant t = { .status = TENANT_STATUS_ACTIVE, .pool_base = 910000, .pool_size = 0 };

        snprintf(t.name, sizeof(t.name), "Queues %s", slug);
        snprintf(t.slug, sizeof(t.slug), "%s", slug);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_insert(conn, &t), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        return t.id;
}

static struct store_user user(struct store_conn *conn, int64_t tenant_id, const char *email,
                              enum user_role role)
{
        struct store_user u = { .tenant_id = tenant_id, .role = role, .status = USER_STATUS_ACTIVE };

        snprintf(u.email, sizeof(u.email), "%s", email);
        snprintf(u.first_name, sizeof(u.first_name), "Q");
        snprintf(u.password_hash, sizeof(u.password_hash), "x");
        CHECK_INT_EQ(store_user_insert(conn, &u), RESULT_OK);
        return u;
}

static void sql(struct store_conn *conn, const char *text, const struct store_param *p, size_t n)
{
        CHECK_INT_EQ(store_exec(conn, text, p, n, NULL, NULL), RESULT_OK);
}

static void set_status(struct store_conn *conn, const struct store_queue_status_change *c)
{
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_agent_set_status(conn, c), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
}

void contract_queue_agents(struct store *store)
{
        struct store_conn *conn;
        struct store_queue_agent a;
        struct store_agent_queue *queues = NULL;
        int64_t *ids = NULL, support = 0;
        size_t n = 0;

        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);
        int64_t t = tenant(conn, "qagents"), other = tenant(conn, "qagents-b");
        struct store_user ada = user(conn, t, "ada@qagents.example", USER_ROLE_AGENT);
        struct store_user bob = user(conn, t, "bob@qagents.example", USER_ROLE_SUPERVISOR);
        struct store_user eve = user(conn, other, "eve@qagents.example", USER_ROLE_AGENT);
        struct store_user root = user(conn, 0, "root@qagents.example", USER_ROLE_SUPERADMIN);

        /* No row: logged out since the user was created, by nobody but
         * itself, with the tenant's defaults, nothing to apply. */
        CHECK_INT_EQ(store_queue_agent_get(conn, ada.id, false, &a), RESULT_OK);
        CHECK(!a.stored && a.status == QUEUE_STATUS_LOGGED_OUT && a.reason[0] == '\0');
        CHECK_INT_EQ(a.since, ada.created_at);
        CHECK_INT_EQ(a.tenant_id, t);
        CHECK(a.role == USER_ROLE_AGENT && a.user_status == USER_STATUS_ACTIVE &&
              a.tenant_status == TENANT_STATUS_ACTIVE);
        CHECK(a.changed_by == QUEUE_ACTOR_AGENT && a.changed_by_user_id == 0 && a.missed_offers == -1);
        CHECK(a.wrap_up_s_own == -1 && a.max_no_answer_own == -1);
        CHECK_INT_EQ(a.wrap_up_s, 10);
        CHECK_INT_EQ(a.max_no_answer, 3);
        CHECK(!a.ready_requested && a.provisioning == JOBS_STATE_PROVISIONED && !a.activity.known);
        CHECK_INT_EQ(store_queue_agent_get(conn, root.id, false, &a), RESULT_OK);
        CHECK(a.tenant_id == 0 && a.tenant_status == TENANT_STATUS_ACTIVE &&
              a.role == USER_ROLE_SUPERADMIN);
        CHECK_INT_EQ(store_queue_agent_get(conn, 987654321, false, &a), RESULT_NOT_FOUND);
        /* "Ready" needs a row (a logged-out agent has no after-call work). */
        CHECK_INT_EQ(store_queue_agent_set_ready(conn, ada.id, true), RESULT_NOT_FOUND);

        /* A status: the row is made; the locked read runs in a transaction
         * (its row locks on PostgreSQL). */
        struct store_queue_status_change c = { .tenant_id = t, .user_id = ada.id,
                                               .status = QUEUE_STATUS_AVAILABLE, .since = 1000,
                                               .changed_by = QUEUE_ACTOR_AGENT,
                                               .changed_by_user_id = ada.id, .missed_offers = -1 };
        set_status(conn, &c);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_agent_get(conn, ada.id, true, &a), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK(a.stored && a.status == QUEUE_STATUS_AVAILABLE && a.since == 1000);
        CHECK(a.changed_by == QUEUE_ACTOR_AGENT && a.changed_by_user_id == ada.id);
        CHECK(a.provisioning == JOBS_STATE_PENDING);  /* the column's default until a job says */

        /* A queued agent job shows pending on the row, its error reset. */
        struct store_param perr[] = { SP_INT(ada.id) };
        sql(conn, "UPDATE queue_agents SET provisioning = 'failed', provisioning_attempts = 4, "
                  "provisioning_error = 'no node' WHERE user_id = ?", perr, 1);
        CHECK_INT_EQ(store_queue_agent_get(conn, ada.id, false, &a), RESULT_OK);
        CHECK(a.provisioning == JOBS_STATE_FAILED && a.provisioning_attempts == 4);
        CHECK_STR_EQ(a.provisioning_error, "no node");
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_insert_queue(conn, t, FS_CHANGE_QUEUE_AGENT, ada.id, JOBS_STATE_PENDING),
                     RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_agent_get(conn, ada.id, false, &a), RESULT_OK);
        CHECK(a.provisioning == JOBS_STATE_PENDING && a.provisioning_attempts == 0 &&
              a.provisioning_error[0] == '\0');

        /* Ready: set, kept by the same status again, cleared by another. */
        CHECK_INT_EQ(store_queue_agent_set_ready(conn, ada.id, true), RESULT_OK);
        CHECK_INT_EQ(store_queue_agent_get(conn, ada.id, false, &a), RESULT_OK);
        CHECK(a.ready_requested);
        c.since = 1001;
        set_status(conn, &c);
        CHECK_INT_EQ(store_queue_agent_get(conn, ada.id, false, &a), RESULT_OK);
        CHECK(a.ready_requested && a.since == 1001);
        c.status = QUEUE_STATUS_ON_BREAK;
        c.reason = "Lunch";
        c.since = 1002;
        c.changed_by = QUEUE_ACTOR_SUPERVISOR;
        c.changed_by_user_id = bob.id;
        set_status(conn, &c);
        CHECK_INT_EQ(store_queue_agent_get(conn, ada.id, false, &a), RESULT_OK);
        CHECK(!a.ready_requested && a.status == QUEUE_STATUS_ON_BREAK && a.since == 1002);
        CHECK_STR_EQ(a.reason, "Lunch");
        CHECK(a.changed_by == QUEUE_ACTOR_SUPERVISOR && a.changed_by_user_id == bob.id);
        CHECK_INT_EQ(store_queue_agent_set_ready(conn, ada.id, false), RESULT_OK);

        /* FreeSWITCH's own change keeps the missed offers; no user. */
        c.reason = NULL;
        c.changed_by = QUEUE_ACTOR_FREESWITCH;
        c.changed_by_user_id = 0;
        c.missed_offers = 3;
        set_status(conn, &c);
        CHECK_INT_EQ(store_queue_agent_get(conn, ada.id, false, &a), RESULT_OK);
        CHECK(a.changed_by == QUEUE_ACTOR_FREESWITCH && a.changed_by_user_id == 0 &&
              a.missed_offers == 3 && a.reason[0] == '\0');

        /* Own settings over the tenant's; the tenant's follow its columns;
         * a user without a row gets one, logged out since its creation. */
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_agent_set_settings(conn, t, ada.id, 25, -1), RESULT_OK);
        CHECK_INT_EQ(store_queue_agent_set_settings(conn, t, bob.id, -1, 7), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        struct store_param pt[] = { SP_INT(t) };
        sql(conn, "UPDATE tenants SET queue_wrap_up_s = 40, queue_max_no_answer = 5 WHERE id = ?", pt, 1);
        CHECK_INT_EQ(store_queue_agent_get(conn, ada.id, false, &a), RESULT_OK);
        CHECK(a.wrap_up_s_own == 25 && a.wrap_up_s == 25 && a.max_no_answer_own == -1 &&
              a.max_no_answer == 5 && a.status == QUEUE_STATUS_ON_BREAK);
        CHECK_INT_EQ(store_queue_agent_get(conn, bob.id, false, &a), RESULT_OK);
        CHECK(a.stored && a.status == QUEUE_STATUS_LOGGED_OUT && a.since == bob.created_at);
        CHECK(a.wrap_up_s_own == -1 && a.wrap_up_s == 40 && a.max_no_answer == 7);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_agent_set_settings(conn, t, ada.id, -1, -1), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_agent_get(conn, ada.id, false, &a), RESULT_OK);
        CHECK(a.wrap_up_s_own == -1 && a.wrap_up_s == 40);

        /* Who is not logged out, per tenant. */
        struct store_queue_status_change e = { .tenant_id = other, .user_id = eve.id,
                                               .status = QUEUE_STATUS_AVAILABLE, .since = 5,
                                               .changed_by = QUEUE_ACTOR_AGENT, .missed_offers = -1 };
        set_status(conn, &e);
        CHECK_INT_EQ(store_queue_agents_signed_in(conn, t, &ids, &n), RESULT_OK);
        CHECK(n == 1 && ids && ids[0] == ada.id);
        free(ids);
        CHECK_INT_EQ(store_queue_agents_signed_in(conn, other, &ids, &n), RESULT_OK);
        CHECK(n == 1 && ids && ids[0] == eve.id);
        free(ids);
        c.status = QUEUE_STATUS_LOGGED_OUT;
        c.missed_offers = -1;
        c.changed_by = QUEUE_ACTOR_SYSTEM;
        set_status(conn, &c);
        CHECK_INT_EQ(store_queue_agents_signed_in(conn, t, &ids, &n), RESULT_OK);
        CHECK(n == 0 && ids == NULL);

        /* The queues of an agent, by name, with its tier. */
        CHECK_INT_EQ(store_queue_agent_queues(conn, ada.id, &queues, &n), RESULT_OK);
        CHECK(n == 0 && queues == NULL);
        struct store_param q1[] = { SP_INT(t), SP_TEXT("Support"), SP_TEXT("7000") };
        struct store_param q2[] = { SP_INT(t), SP_TEXT("Billing"), SP_TEXT("7001") };
        const char *insert_queue = "INSERT INTO queues (tenant_id, name, number, strategy, "
                                   "created_at, updated_at) VALUES (?, ?, ?, 'ring-all', 0, 0)";
        sql(conn, insert_queue, q1, 3);
        sql(conn, insert_queue, q2, 3);
        struct store_param m[] = { SP_INT(ada.id), SP_INT(t) };
        sql(conn, "INSERT INTO queue_members (queue_id, user_id, level, position) "
                  "SELECT id, ?, 2, 3 FROM queues WHERE tenant_id = ?", m, 2);
        CHECK_INT_EQ(store_queue_agent_queues(conn, ada.id, &queues, &n), RESULT_OK);
        CHECK(n == 2 && queues);
        if (n == 2 && queues) {
                CHECK_STR_EQ(queues[0].name, "Billing");
                CHECK_STR_EQ(queues[0].number, "7001");
                CHECK_STR_EQ(queues[1].name, "Support");
                CHECK(queues[0].level == 2 && queues[0].position == 3 && queues[1].id > 0);
                support = queues[1].id;
        }
        free(queues);
        CHECK_INT_EQ(store_queue_agent_queues(conn, bob.id, &queues, &n), RESULT_OK);
        CHECK(n == 0);
        free(queues);

        /* The rows a provisioning state is written to, locked: a queue's
         * and its agents' (ids unsorted, repeated). Where there are row
         * locks, another connection's lock of one of them waits until its
         * lock timeout (RESULT_BUSY), and one of another agent does not. */
        int64_t agents[] = { bob.id, ada.id, ada.id };
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_provisioning_rows_lock(conn, NULL, 0, &support, 1, agents, 3), RESULT_OK);
        if (conn->driver->caps & STORE_CAP_SKIP_LOCKED) {
                struct store *second = contract_open_store_waiting(200);
                struct store_conn *other_conn;
                CHECK_INT_EQ(store_conn_get(second, &other_conn), RESULT_OK);
                CHECK_INT_EQ(store_begin(other_conn), RESULT_OK);
                CHECK_INT_EQ(store_provisioning_rows_lock(other_conn, NULL, 0, NULL, 0, &ada.id, 1), RESULT_BUSY);
                store_rollback(other_conn);
                CHECK_INT_EQ(store_begin(other_conn), RESULT_OK);
                CHECK_INT_EQ(store_provisioning_rows_lock(other_conn, NULL, 0, &support, 1, NULL, 0), RESULT_BUSY);
                store_rollback(other_conn);
                CHECK_INT_EQ(store_begin(other_conn), RESULT_OK);
                CHECK_INT_EQ(store_provisioning_rows_lock(other_conn, NULL, 0, NULL, 0, &eve.id, 1), RESULT_OK);
                CHECK_INT_EQ(store_commit(other_conn), RESULT_OK);
                store_close(second);
        }
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
}
