/*
 * What the API cannot reach of domain/queues/status.c, on each backend:
 * the status FreeSWITCH sets itself (queue_status_set_by_freeswitch, in
 * the caller's transaction, as the board calls it): recorded with
 * changed_by freeswitch and its missed offers, audited with no user,
 * published to the agent, its job queued; nothing for the status already
 * stored, for a suspended agent, or for another tenant's; and the
 * QueueStatus composer with an activity the board knows.
 * Usage: test_queue_status URL (a fresh database).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "domain/queues/status.h"
#include "store/store.h"

static struct store *store;
static struct store_conn *conn;
static struct app app;

static int64_t tenant(const char *slug)
{
        struct store_tenant t = { .status = TENANT_STATUS_ACTIVE, .pool_base = 920000 };

        snprintf(t.name, sizeof(t.name), "%s", slug);
        snprintf(t.slug, sizeof(t.slug), "%s", slug);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_insert(conn, &t), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        return t.id;
}

static struct store_user agent(int64_t tenant_id, const char *email)
{
        struct store_user u = { .tenant_id = tenant_id, .role = USER_ROLE_AGENT,
                                .status = USER_STATUS_ACTIVE };

        snprintf(u.email, sizeof(u.email), "%s", email);
        snprintf(u.password_hash, sizeof(u.password_hash), "x");
        CHECK_INT_EQ(store_user_insert(conn, &u), RESULT_OK);
        return u;
}

static size_t audit_count(int64_t tenant_id, struct store_audit *ret_newest)
{
        struct store_page page = { .limit = 500 };
        struct store_audit *items = NULL;
        size_t n = 0;

        CHECK_INT_EQ(store_audit_list(conn, tenant_id, &page, &items, &n), RESULT_OK);
        if (n && ret_newest)
                *ret_newest = items[0];
        free(items);
        return n;
}

static int agent_jobs(int64_t user_id)
{
        struct store_job jobs[64];
        int n = 0, count = 0;

        CHECK_INT_EQ(store_jobs_due(conn, store_now() + 3600, jobs, 64, &n), RESULT_OK);
        for (int i = 0; i < n; i++)
                count += jobs[i].kind == FS_CHANGE_QUEUE_AGENT && jobs[i].user_id == user_id;
        return count;
}

/* Runs set_by_freeswitch in a transaction of its own, committed. */
static enum result by_freeswitch(int64_t tenant_id, int64_t user_id, enum queue_status status,
                                 int64_t missed)
{
        enum result result;

        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        result = queue_status_set_by_freeswitch(&app, conn, tenant_id, user_id, status, missed);
        /* whatever it answered, the transaction is still usable */
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        return result;
}

static void test_by_freeswitch(void)
{
        int64_t t = tenant("qs-fs"), other = tenant("qs-fs-b");
        struct store_user u = agent(t, "ann@qs-fs.example");
        struct store_queue_agent a;
        struct store_audit entry;
        struct store_live_event *events = NULL;
        size_t n_events = 0;
        int64_t last_event = 0;

        CHECK_INT_EQ(store_live_events_last_id(conn, &last_event), RESULT_OK);
        CHECK_INT_EQ(by_freeswitch(t, u.id, QUEUE_STATUS_ON_BREAK, 3), RESULT_OK);
        CHECK_INT_EQ(store_queue_agent_get(conn, u.id, false, &a), RESULT_OK);
        CHECK(a.status == QUEUE_STATUS_ON_BREAK && a.changed_by == QUEUE_ACTOR_FREESWITCH &&
              a.changed_by_user_id == 0 && a.missed_offers == 3 && a.reason[0] == '\0' &&
              a.provisioning == JOBS_STATE_PENDING);
        CHECK_INT_EQ(agent_jobs(u.id), 1);
        CHECK_INT_EQ(audit_count(t, &entry), 1);
        CHECK_STR_EQ(entry.action, "agent.queue_status");
        CHECK(entry.actor_user_id == 0 && entry.target_id == u.id);
        CHECK(strstr(entry.details, "\"changed_by\":\"freeswitch\"") != NULL);
        CHECK(strstr(entry.details, "\"from\":\"logged_out\"") != NULL);
        CHECK(strstr(entry.details, "\"missed_offers\":\"3\"") != NULL);
        CHECK_INT_EQ(store_live_events_after(conn, last_event, 10, &events, &n_events), RESULT_OK);
        CHECK_INT_EQ(n_events, 1);
        if (n_events == 1) {
                json_t *data = json_loads(events[0].data, 0, NULL);
                CHECK(events[0].type == EVENT_AGENT_QUEUE_STATUS && events[0].user_id == u.id &&
                      events[0].tenant_id == t);
                CHECK_STR_EQ(json_string_value(json_object_get(data, "changed_by")), "freeswitch");
                CHECK_INT_EQ(json_integer_value(json_object_get(data, "missed_offers")), 3);
                CHECK(json_is_null(json_object_get(data, "reason")));
                json_decref(data);
        }
        store_live_events_free(events, n_events);

        /* What is stored already (agentdesk's own change coming back):
         * nothing more. */
        CHECK_INT_EQ(by_freeswitch(t, u.id, QUEUE_STATUS_ON_BREAK, 4), RESULT_OK);
        CHECK_INT_EQ(audit_count(t, NULL), 1);
        CHECK_INT_EQ(agent_jobs(u.id), 1);
        /* Another tenant's agent: not found, nothing written. */
        CHECK_INT_EQ(by_freeswitch(other, u.id, QUEUE_STATUS_AVAILABLE, -1), RESULT_NOT_FOUND);
        /* A suspended agent stays logged out as agentdesk keeps it. */
        u.status = USER_STATUS_SUSPENDED;
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_user_update(conn, &u, true), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(by_freeswitch(t, u.id, QUEUE_STATUS_AVAILABLE, -1), RESULT_AGENT_SUSPENDED);
        CHECK_INT_EQ(store_queue_agent_get(conn, u.id, false, &a), RESULT_OK);
        CHECK(a.status == QUEUE_STATUS_ON_BREAK && a.missed_offers == 3);
        CHECK_INT_EQ(audit_count(t, NULL), 1);
        CHECK_INT_EQ(agent_jobs(u.id), 1);
}

static void test_composer(void)
{
        struct store_queue_agent a = { .user_id = 7, .status = QUEUE_STATUS_AVAILABLE,
                                       .since = 1765000000, .changed_by = QUEUE_ACTOR_ADMIN,
                                       .missed_offers = 2, .wrap_up_s_own = -1,
                                       .max_no_answer_own = 4, .wrap_up_s = 10,
                                       .max_no_answer = 4,
                                       .provisioning = JOBS_STATE_FAILED };
        json_t *o;
        char *text;

        snprintf(a.reason, sizeof(a.reason), "Lunch");  /* left over: not on break */
        snprintf(a.provisioning_error, sizeof(a.provisioning_error), "node down");
        o = queue_status_json(&a);
        text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
        CHECK_STR_EQ(text, "{\"activity\":null,\"agent_id\":7,\"changed_by\":\"admin\","
                           "\"max_no_answer\":4,\"max_no_answer_own\":4,\"missed_offers\":null,"
                           "\"provisioning\":\"failed\",\"provisioning_error\":\"node down\","
                           "\"ready_requested\":false,\"reason\":null,"
                           "\"since\":\"2025-12-06T05:46:40Z\",\"status\":\"available\","
                           "\"wrap_up_s\":10,\"wrap_up_s_own\":null}");
        free(text);
        json_decref(o);
        /* The board's activity, when it knows it. */
        a.activity = (struct store_queue_activity){ .known = true, .since = 1765000100,
                                                    .wrap_up_ends_at = 1765000125, .queue_id = 3 };
        snprintf(a.activity.state, sizeof(a.activity.state), "wrap_up");
        o = queue_status_json(&a);
        text = json_dumps(json_object_get(o, "activity"), JSON_COMPACT | JSON_SORT_KEYS);
        CHECK_STR_EQ(text, "{\"queue_id\":3,\"since\":\"2025-12-06T05:48:20Z\","
                           "\"state\":\"wrap_up\",\"wrap_up_ends_at\":\"2025-12-06T05:48:45Z\"}");
        free(text);
        json_decref(o);
}

int main(int argc, char **argv)
{
        if (argc != 2) {
                fprintf(stderr, "usage: %s URL\n", argv[0]);
                return 2;
        }
        if (store_open(argv[1], 10000, &store) || store_migrate(store, NULL) ||
            store_conn_get(store, &conn)) {
                fprintf(stderr, "store %s: %s\n", argv[1], store_last_error());
                return 1;
        }
        app.store = store;
        test_by_freeswitch();
        test_composer();
        store_close(store);
        return CHECK_DONE();
}
