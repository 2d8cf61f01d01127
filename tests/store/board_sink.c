/*
 * The board's sink (domain/board/sink.c) on a real store, driven by the
 * callcenter::info frames a real FreeSWITCH 1.11.1 sent
 * (tests/fixtures/freeswitch-1.11/esl/events-callcenter.txt, argv[2]),
 * parsed by fs_event_parse and handed on in batches as the listener does,
 * the recorded names (support@default, u1, u2) taken as agentdesk's queue
 * and agents: Alice answered by u1 (offered, answered, wait, the agent in
 * a call then in wrap-up), u2 set On Break by mod_callcenter after a
 * missed offer (stored, changed_by freeswitch, audited, published), Bob
 * abandoning; one queue.live per queue per batch; another node's word and
 * another tenant's agent ignored; a re-read after a gap. Run on each
 * backend: argv[1] is the store's URL.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "../unit/recorded.h"
#include "domain/board/board.h"
#include "domain/provisioning/queue_node.h"
#include "freeswitch/esl.h"
#include "freeswitch/events.h"
#include "store/driver.h"
#include "store/store.h"

#define ALICE "f54d2a04-1cad-452e-94c3-a20e86b88c57"
#define BOB "add30a67-c442-4b9d-83d3-5db1abe5ef7b"
#define N_EVENTS 27

static const char *fixtures;
static struct store *store;
static struct store_conn *conn;
static struct app app;
static struct board *board;
static struct live_sink sink;
static struct live_node_ref node, stranger;
static int64_t ta, tb, ua, ub, uz, qa, qb;
static struct fs_event evs[N_EVENTS];
static int64_t last_event;

static void gather(char d, const char *bytes, size_t n, void *ctx)
{
        size_t *count = ctx;
        struct esl_frame f = { 0 };
        size_t used = 0;

        if (d != 'S' || esl_frame_parse(bytes, n, &f, &used) != RESULT_OK)
                return;
        if (esl_frame_kind(&f) == ESL_FRAME_EVENT && *count < N_EVENTS) {
                CHECK_INT_EQ(fs_event_parse(&f, &evs[*count]), RESULT_OK);
                (*count)++;
        }
        esl_frame_clear(&f);
}

/* The recorded names as agentdesk's: support@default → q<qa>, u1 → u<ua>,
 * u2 → u<ub>. */
static void rename_all(void)
{
        for (size_t i = 0; i < N_EVENTS; i++) {
                struct fs_callcenter *c = &evs[i].u.cc;
                if (!strcmp(c->queue, "support@default"))
                        snprintf(c->queue, sizeof(c->queue), "q%lld", (long long)qa);
                if (!strcmp(c->agent, "u1"))
                        snprintf(c->agent, sizeof(c->agent), "u%lld", (long long)ua);
                else if (!strcmp(c->agent, "u2"))
                        snprintf(c->agent, sizeof(c->agent), "u%lld", (long long)ub);
        }
}

static void exec(const char *sql, const struct store_param *p, size_t n)
{
        CHECK_INT_EQ(store_exec(conn, sql, p, n, NULL, NULL), RESULT_OK);
}

static int64_t user(int64_t tenant, const char *email)
{
        struct store_user u = { .role = USER_ROLE_AGENT, .status = USER_STATUS_ACTIVE,
                                .tenant_id = tenant };

        snprintf(u.email, sizeof(u.email), "%s", email);
        snprintf(u.first_name, sizeof(u.first_name), "Sink");
        snprintf(u.password_hash, sizeof(u.password_hash), "x");
        CHECK_INT_EQ(store_user_insert(conn, &u), RESULT_OK);
        return u.id;
}

static int64_t queue(int64_t tenant, const char *number)
{
        struct store_param p[] = { SP_INT(tenant), SP_TEXT(number), SP_TEXT(number) };
        struct store_rows rows = { 0 };
        int64_t id;

        CHECK_INT_EQ(store_exec(conn,
                                "INSERT INTO queues (tenant_id, name, number, strategy, created_at, "
                                "updated_at) VALUES (?, ?, ?, 'longest-idle-agent', 1, 1) RETURNING id",
                                p, 3, &rows, NULL),
                     RESULT_OK);
        id = rows.nrows ? store_int(store_rows_get(&rows, 0, 0)) : 0;
        store_rows_free(&rows);
        return id;
}

static void setup(void)
{
        static char names[2][64];
        const char *list[2] = { "127.0.0.1:8021", "127.0.0.1:8022" };
        struct store_tenant t = { .status = TENANT_STATUS_ACTIVE };
        int k;

        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        snprintf(t.name, sizeof(t.name), "Board A");
        snprintf(t.slug, sizeof(t.slug), "board-sink-a");
        CHECK_INT_EQ(store_tenant_insert(conn, &t), RESULT_OK);
        ta = t.id;
        snprintf(t.name, sizeof(t.name), "Board B");
        snprintf(t.slug, sizeof(t.slug), "board-sink-b");
        t.id = 0;
        CHECK_INT_EQ(store_tenant_insert(conn, &t), RESULT_OK);
        tb = t.id;
        ua = user(ta, "ua@board-sink.example");
        ub = user(ta, "ub@board-sink.example");
        uz = user(tb, "uz@board-sink.example");
        qa = queue(ta, "7000");
        qb = queue(tb, "7000");
        /* ua and ub are Available as agentdesk stored it (and FreeSWITCH
         * has it) */
        struct store_param p[] = { SP_INT(ub), SP_INT(ta), SP_INT(ua), SP_INT(ta) };
        exec("INSERT INTO queue_agents (user_id, tenant_id, status, status_since, provisioning, "
             "updated_at) VALUES (?, ?, 'available', 1, 'provisioned', 1), "
             "(?, ?, 'available', 1, 'provisioned', 1)",
             p, 4);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        /* The default cluster of two nodes: which holds tenant A's queues
         * is the rule's to say. */
        k = queue_node_pick(ta, list, 2);
        CHECK(k >= 0);
        snprintf(names[0], sizeof(names[0]), "%s", list[k]);
        snprintf(names[1], sizeof(names[1]), "%s", list[1 - k]);
        node = (struct live_node_ref){ 0, names[0] };
        stranger = (struct live_node_ref){ 0, names[1] };
}

/* Events [from, to) of node in one batch, as the listener applies it. */
static void batch(const struct live_node_ref *from_node, size_t from, size_t to)
{
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        for (size_t i = from; i < to; i++)
                CHECK_INT_EQ(sink.callcenter_event(sink.userdata, conn, from_node, &evs[i]),
                             RESULT_OK);
        CHECK_INT_EQ(sink.batch_end(sink.userdata, conn, from_node), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
}

/* The events appended since the last call: how many of type, the data of
 * the last one into data (may be NULL), or of the last one that holds
 * want (may be NULL). */
static int events_with(enum event_type type, const char *want, int64_t *ret_user, char *data,
                       size_t size)
{
        struct store_live_event *items = NULL;
        size_t n = 0;
        int count = 0;

        CHECK_INT_EQ(store_live_events_after(conn, last_event, 1000, &items, &n), RESULT_OK);
        for (size_t i = 0; i < n; i++) {
                if (items[i].id > last_event)
                        last_event = items[i].id;
                if (items[i].type != type || (want && !strstr(items[i].data, want)))
                        continue;
                count++;
                if (ret_user)
                        *ret_user = items[i].user_id;
                if (data)
                        snprintf(data, size, "%s", items[i].data);
        }
        store_live_events_free(items, n);
        return count;
}

static int events_of(enum event_type type, int64_t *ret_user, char *data, size_t size)
{
        return events_with(type, NULL, ret_user, data, size);
}

static void test_answered(void)
{
        struct store_board_caller c;
        struct store_board_activity a;
        struct store_board_day d;
        int64_t day = evs[3].timestamp_us / 1000000 / 86400;

        /* u1 asked "Ready" after its last call (FreeSWITCH has wrap_up_time
         * 0 for it): this call's answer ends that */
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_agent_set_ready(conn, ua, true), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        /* Alice in, offered to u1, answered */
        batch(&node, 0, 8);
        {
                struct store_queue_agent st;
                struct store_param p[] = { SP_INT(ua) };
                struct store_rows rows = { 0 };
                CHECK_INT_EQ(store_queue_agent_get(conn, ua, false, &st), RESULT_OK);
                CHECK(!st.ready_requested);
                CHECK_INT_EQ(st.provisioning, JOBS_STATE_PENDING);
                CHECK_INT_EQ(store_exec(conn,
                                        "SELECT COUNT(*) FROM provisioning_jobs WHERE user_id = ? "
                                        "AND kind = 'queue_agent' AND status = 'pending'",
                                        p, 1, &rows, NULL),
                             RESULT_OK);
                CHECK_STR_EQ(rows.nrows ? store_rows_get(&rows, 0, 0) : "", "1");
                store_rows_free(&rows);
                /* the job wins the race with FreeSWITCH's events: ours */
                CHECK_INT_EQ(store_begin(conn), RESULT_OK);
                exec("UPDATE queue_agents SET provisioning = 'provisioned' WHERE user_id = ?", p, 1);
                CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        }
        CHECK_INT_EQ(events_of(EVENT_QUEUE_LIVE, NULL, NULL, 0), 1);   /* once, not per event */
        CHECK_INT_EQ(store_board_caller_get(conn, ALICE, &c), RESULT_OK);
        CHECK_INT_EQ(c.queue_id, qa);
        CHECK_INT_EQ(c.tenant_id, ta);
        CHECK_STR_EQ(c.caller_number, "5551001");
        CHECK_STR_EQ(c.caller_name, "Alice");
        CHECK_INT_EQ(c.state, QUEUE_CALLER_ANSWERED);
        CHECK_INT_EQ(c.agent_user_id, ua);
        CHECK_STR_EQ(c.agent_uuid, "24415da0-4f39-4fc9-aa43-12cc66d0f4c4");
        CHECK_STR_EQ(c.node, node.node);
        CHECK_INT_EQ(store_board_activity_get(conn, ua, &a), RESULT_OK);
        CHECK_INT_EQ(a.state, QUEUE_ACTIVITY_IN_QUEUE_CALL);
        CHECK_INT_EQ(a.queue_id, qa);
        CHECK_INT_EQ(store_board_day_get(conn, qa, day, &d), RESULT_OK);
        CHECK_INT_EQ(d.offered, 1);
        CHECK_INT_EQ(d.answered, 1);
        CHECK_INT_EQ(d.abandoned, 0);
        /* Alice hangs up: u1 in wrap-up (the tenant's 10 s), which the
         * Waiting that follows does not end; Alice out, not abandoned */
        batch(&node, 8, 13);
        CHECK_INT_EQ(events_of(EVENT_QUEUE_LIVE, NULL, NULL, 0), 1);
        CHECK_INT_EQ(store_board_caller_get(conn, ALICE, &c), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_board_activity_get(conn, ua, &a), RESULT_OK);
        CHECK_INT_EQ(a.state, QUEUE_ACTIVITY_WRAP_UP);
        CHECK_INT_EQ(a.since, 1796608627);
        CHECK_INT_EQ(a.wrap_up_ends_at, 1796608627 + 10);
        CHECK_INT_EQ(store_board_day_get(conn, qa, day, &d), RESULT_OK);
        CHECK_INT_EQ(d.offered, 1);
        CHECK_INT_EQ(d.abandoned, 0);
}

static void test_max_no_answer(void)
{
        struct store_queue_agent st;
        struct store_board_day d;
        struct store_audit *audit = NULL;
        struct store_page page = { .limit = 10 };
        int64_t day = evs[17].timestamp_us / 1000000 / 86400, who = 0;
        char data[2048] = "";
        size_t n = 0;

        batch(&node, 13, N_EVENTS);
        /* the change itself, and the activity's at the batch's end: both
         * say why (missed_offers is stored) */
        CHECK_INT_EQ(events_with(EVENT_AGENT_QUEUE_STATUS, "\"missed_offers\":1", &who, data,
                                 sizeof(data)),
                     2);
        CHECK_INT_EQ(who, ub);
        /* u2's own status: On Break by FreeSWITCH, after 1 missed offer */
        CHECK_INT_EQ(store_queue_agent_get(conn, ub, false, &st), RESULT_OK);
        CHECK_INT_EQ(st.status, QUEUE_STATUS_ON_BREAK);
        CHECK_INT_EQ(st.changed_by, QUEUE_ACTOR_FREESWITCH);
        CHECK(strstr(data, "\"changed_by\":\"freeswitch\"") != NULL);
        CHECK(strstr(data, "\"status\":\"on_break\"") != NULL);
        CHECK_INT_EQ(store_audit_list(conn, ta, &page, &audit, &n), RESULT_OK);
        CHECK(n >= 1);
        if (n >= 1) {
                CHECK_STR_EQ(audit[0].action, "agent.queue_status");
                CHECK_INT_EQ(audit[0].target_id, ub);
                CHECK_INT_EQ(audit[0].actor_user_id, 0);
                CHECK(strstr(audit[0].details, "freeswitch") != NULL);
        }
        free(audit);
        /* u1's Available (event 2) was what the store says: agentdesk's;
         * its Logged Out (event 13, by hand on the node, long after the
         * store's change, nothing pending) is someone else's: adopted */
        CHECK_INT_EQ(store_queue_agent_get(conn, ua, false, &st), RESULT_OK);
        CHECK_INT_EQ(st.status, QUEUE_STATUS_LOGGED_OUT);
        CHECK_INT_EQ(st.changed_by, QUEUE_ACTOR_FREESWITCH);
        /* Bob gave up: abandoned */
        CHECK_INT_EQ(store_board_caller_get(conn, BOB, &(struct store_board_caller){ 0 }),
                     RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_board_day_get(conn, qa, day, &d), RESULT_OK);
        CHECK_INT_EQ(d.offered, 2);
        CHECK_INT_EQ(d.answered, 1);
        CHECK_INT_EQ(d.abandoned, 1);
        CHECK_INT_EQ(d.wait_s, 0);
}

/* A status change of ours overtaken by a later one of ours (the store
 * changed in the event's second, or a job is pending) is not FreeSWITCH's. */
static void test_overtaken(void)
{
        struct store_param p[] = { SP_INT(evs[22].timestamp_us / 1000000), SP_INT(ub) };
        struct store_queue_agent st;

        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        exec("UPDATE queue_agents SET status = 'available', changed_by = 'agent', status_since = ?, "
             "provisioning = 'provisioned' WHERE user_id = ?",
             p, 2);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        batch(&node, 22, 23);   /* "On Break", no max-no-answer before it */
        CHECK_INT_EQ(store_queue_agent_get(conn, ub, false, &st), RESULT_OK);
        CHECK_INT_EQ(st.status, QUEUE_STATUS_AVAILABLE);
        CHECK_INT_EQ(st.changed_by, QUEUE_ACTOR_AGENT);
        p[0] = SP_INT(1);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        exec("UPDATE queue_agents SET status_since = ?, provisioning = 'pending' WHERE user_id = ?",
             p, 2);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        batch(&node, 22, 23);
        CHECK_INT_EQ(store_queue_agent_get(conn, ub, false, &st), RESULT_OK);
        CHECK_INT_EQ(st.status, QUEUE_STATUS_AVAILABLE);
}

static void test_not_ours(void)
{
        struct store_board_day before, after;
        int64_t day = evs[3].timestamp_us / 1000000 / 86400;
        struct store_board_caller c;

        /* Another node of the cluster says the same: not the queue node */
        CHECK_INT_EQ(store_board_day_get(conn, qa, day, &before), RESULT_OK);
        batch(&stranger, 0, 8);
        CHECK_INT_EQ(store_board_caller_get(conn, ALICE, &c), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_board_day_get(conn, qa, day, &after), RESULT_OK);
        CHECK_INT_EQ(after.offered, before.offered);
        CHECK_INT_EQ(events_of(EVENT_QUEUE_LIVE, NULL, NULL, 0), 0);
        /* tenant B's queue offered to tenant A's agent: never named */
        for (size_t i = 0; i < 8; i++) {
                struct fs_callcenter *cc = &evs[i].u.cc;
                if (cc->queue[0])
                        snprintf(cc->queue, sizeof(cc->queue), "q%lld", (long long)qb);
        }
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        {
                const char *list[2] = { node.node, stranger.node };
                int k = queue_node_pick(tb, list, 2);
                const struct live_node_ref *b_node = k == 0 ? &node : &stranger;
                for (size_t i = 0; i < 8; i++)
                        CHECK_INT_EQ(sink.callcenter_event(sink.userdata, conn, b_node, &evs[i]),
                                     RESULT_OK);
        }
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_board_caller_get(conn, ALICE, &c), RESULT_OK);
        CHECK_INT_EQ(c.queue_id, qb);
        CHECK_INT_EQ(c.tenant_id, tb);
        CHECK_INT_EQ(c.agent_user_id, 0);
}

static void test_resync(void)
{
        struct live_cc_member m[2] = {
                { .queue_id = 0, .uuid = "m-waiting", .caller_number = "5559", .joined_at = 100,
                  .state = "Waiting" },
                { .queue_id = 0, .uuid = "m-abandoned", .state = "Abandoned" },
        };
        struct live_cc_agent ag = { .user_id = 0, .state = "Waiting", .last_bridge_end = 0 };
        struct live_cc_state cc = { .known = true, .members = m, .n_members = 2, .agents = &ag,
                                    .n_agents = 1 };
        struct store_board_caller c;
        struct store_board_activity a;
        const char *list[2] = { node.node, stranger.node };
        const struct live_node_ref *b_node = queue_node_pick(tb, list, 2) == 0 ? &node : &stranger;

        m[0].queue_id = m[1].queue_id = qb;
        ag.user_id = uz;
        events_of(EVENT_QUEUE_LIVE, NULL, NULL, 0);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(sink.callcenter_resync(sink.userdata, conn, b_node, &cc), RESULT_OK);
        CHECK_INT_EQ(sink.batch_end(sink.userdata, conn, b_node), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        /* Alice (left during the gap) out; the waiting caller in; the
         * abandoned one not */
        CHECK_INT_EQ(store_board_caller_get(conn, ALICE, &c), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_board_caller_get(conn, "m-waiting", &c), RESULT_OK);
        CHECK_INT_EQ(c.state, QUEUE_CALLER_WAITING);
        CHECK_INT_EQ(c.queue_id, qb);
        CHECK_INT_EQ(c.joined_at, 100);
        CHECK_INT_EQ(store_board_caller_get(conn, "m-abandoned", &c), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_board_activity_get(conn, uz, &a), RESULT_OK);
        CHECK_INT_EQ(a.state, QUEUE_ACTIVITY_WAITING);
        CHECK_INT_EQ(events_of(EVENT_QUEUE_LIVE, NULL, NULL, 0), 1);
        /* the same picture again: nothing moved, nothing published */
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(sink.callcenter_resync(sink.userdata, conn, b_node, &cc), RESULT_OK);
        CHECK_INT_EQ(sink.batch_end(sink.userdata, conn, b_node), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(events_of(EVENT_QUEUE_LIVE, NULL, NULL, 0), 0);
        CHECK_INT_EQ(events_of(EVENT_AGENT_QUEUE_STATUS, NULL, NULL, 0), 0);
}

static void test_live_json(void)
{
        json_t *o = NULL;

        CHECK_INT_EQ(board_live(&app, tb, qb, &o), RESULT_OK);
        if (o) {
                json_t *w = json_object_get(o, "waiting");
                CHECK_INT_EQ(json_array_size(w), 1);
                CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(w, 0), "uuid")),
                             "m-waiting");
                CHECK(json_integer_value(json_object_get(o, "longest_wait_s")) > 0);
        }
        json_decref(o);
        /* another tenant's queue: as if there were none */
        CHECK_INT_EQ(board_live(&app, ta, qb, &o), RESULT_NOT_FOUND);
}

/* u1 answered an offer whose caller hung up before mod_callcenter bridged
 * them (CC-Agent-Bridged: false): FreeSWITCH sets no last_bridge_end, so
 * no wrap-up follows and the board must not show one. */
static void test_not_bridged(void)
{
        struct fs_event e = evs[10];
        struct store_board_activity a;

        CHECK_INT_EQ(e.u.cc.action, FS_CC_BRIDGE_AGENT_END);
        e.u.cc.not_bridged = true;
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(sink.callcenter_event(sink.userdata, conn, &node, &e), RESULT_OK);
        CHECK_INT_EQ(sink.batch_end(sink.userdata, conn, &node), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_board_activity_get(conn, ua, &a), RESULT_OK);
        CHECK_INT_EQ(a.state, QUEUE_ACTIVITY_WAITING);
        CHECK_INT_EQ(a.wrap_up_ends_at, 0);
}

int main(int argc, char **argv)
{
        size_t n = 0;

        if (argc != 3) {
                fprintf(stderr, "usage: %s URL FIXTURES\n", argv[0]);
                return 2;
        }
        fixtures = argv[2];
        if (store_open(argv[1], 10000, &store) || store_migrate(store, NULL) ||
            store_conn_get(store, &conn)) {
                fprintf(stderr, "store %s: %s\n", argv[1], store_last_error());
                return 1;
        }
        app.store = store;
        app.settings.fs_esl = (char *)"127.0.0.1:8021,127.0.0.1:8022";
        board = board_new(&app);
        sink = board_sink(board);
        recorded_blocks(fixtures, "events-callcenter.txt", gather, &n);
        CHECK_INT_EQ(n, N_EVENTS);
        setup();
        rename_all();
        CHECK_INT_EQ(store_live_events_last_id(conn, &last_event), RESULT_OK);
        test_answered();
        test_max_no_answer();
        test_overtaken();
        test_not_ours();
        test_resync();
        test_live_json();
        test_not_bridged();
        board_free(board);
        store_close(store);
        return CHECK_DONE();
}
