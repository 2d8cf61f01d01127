/*
 * The call records' sink (domain/calls/calls.c) on a real store, driven
 * by the frames a real FreeSWITCH 1.11.1 sent (tests/fixtures/
 * freeswitch-1.11/esl/, argv[2]) parsed by fs_event_parse, as the
 * listener hands them on: an agent-to-agent call (events-call.txt), the
 * echo test 9196 (events-plain.txt, its answer and hangup only), the same
 * events again (nothing written twice), the node's channels after a gap
 * (show-channels-json.txt: legs that ended meanwhile closed "unknown"),
 * and legs that are no agent's. Run on each backend: argv[1] is the
 * store's URL.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "contract.h"
#include "domain/calls/calls.h"
#include "freeswitch/esl.h"
#include "freeswitch/events.h"
#include "store/store.h"

#define LEG_A "f42eeaeb-c815-4bb6-8046-cd23ec6155b8"   /* 10003, who called */
#define LEG_B "7fc2d0ce-2c39-4aae-b03b-51c217d1d7ef"   /* 10004, who answered */
#define LEG_ECHO "b1a51cd4-c9d7-4ccc-a0c2-b736454de3c1" /* 10003 calls 9196 */

static const char *fixtures;
static struct store *store;
static struct store_conn *conn;
static struct app app;
static struct live_sink sink;
static const struct live_node_ref node = { 0, "127.0.0.1:8021" };
static int64_t agents[5];             /* the agents of 10000..10004 */

/* Every frame the server ("S") sent in a fixture file, in order; *ret_n. */
static struct esl_frame *frames_of(const char *name, size_t *ret_n)
{
        char path[1024], *data = malloc(1 << 21);
        struct esl_frame *frames = calloc(64, sizeof(*frames));
        size_t len, n = 0;
        FILE *f;

        snprintf(path, sizeof(path), "%s/esl/%s", fixtures, name);
        f = fopen(path, "rb");
        if (!f || !data || !frames) {
                fprintf(stderr, "cannot read %s\n", path);
                exit(1);
        }
        len = fread(data, 1, (1 << 21) - 1, f);
        fclose(f);
        for (size_t i = 0; i < len;) {
                size_t bytes, used = 0;
                char dir;
                int head;

                if (sscanf(data + i, "--- %c (%zu bytes)\n%n", &dir, &bytes, &head) != 2)
                        break;
                i += (size_t)head;
                if (dir == 'S' && n < 64) {
                        CHECK_INT_EQ(esl_frame_parse(data + i, bytes, &frames[n], &used),
                                     RESULT_OK);
                        CHECK_INT_EQ(used, bytes);
                        n++;
                }
                i += bytes + 1;
        }
        free(data);
        *ret_n = n;
        return frames;
}

static void frames_free(struct esl_frame *frames, size_t n)
{
        for (size_t i = 0; i < n; i++)
                esl_frame_clear(&frames[i]);
        free(frames);
}

/* The channel events of a fixture, parsed; *ret_n. */
static struct fs_event *events_of(const char *name, size_t *ret_n)
{
        size_t nf, n = 0;
        struct esl_frame *frames = frames_of(name, &nf);
        struct fs_event *events = calloc(nf ? nf : 1, sizeof(*events));

        for (size_t i = 0; i < nf; i++) {
                if (esl_frame_kind(&frames[i]) != ESL_FRAME_EVENT)
                        continue;
                CHECK_INT_EQ(fs_event_parse(&frames[i], &events[n]), RESULT_OK);
                if (events[n].kind >= FS_EVENT_CHANNEL_CREATE)
                        n++;
        }
        frames_free(frames, nf);
        *ret_n = n;
        return events;
}

/* Hands events to the sink: one transaction each, or all in one batch. */
static void feed(const struct fs_event *events, size_t n, bool batch)
{
        for (size_t i = 0; i < n; i++) {
                if (!batch || i == 0)
                        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
                CHECK_INT_EQ(sink.channel_event(sink.userdata, conn, &node, &events[i]), RESULT_OK);
                if (!batch || i == n - 1)
                        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        }
}

static void resync(const struct live_node_ref *at, const struct fs_channel *channels, size_t n)
{
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(sink.channels_resync(sink.userdata, conn, at, channels, n), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
}

static int64_t last_event_id(void)
{
        struct store_live_event *items = NULL;
        size_t n = 0;
        int64_t last = 0;

        CHECK_INT_EQ(store_live_events_after(conn, 0, 100000, &items, &n), RESULT_OK);
        if (n)
                last = items[n - 1].id;
        store_live_events_free(items, n);
        return last;
}

/* The events after id: their types and agents as "call.started:3 …". */
static void events_since(int64_t after, char *out, size_t size)
{
        struct store_live_event *items = NULL;
        size_t n = 0, o = 0;

        out[0] = '\0';
        CHECK_INT_EQ(store_live_events_after(conn, after, 100, &items, &n), RESULT_OK);
        for (size_t i = 0; i < n && o < size; i++) {
                json_t *data = json_loads(items[i].data, 0, NULL);
                const char *uuid = json_string_value(json_object_get(data, "call_uuid"));

                CHECK(data && uuid && items[i].tenant_id == 1);
                o += (size_t)snprintf(out + o, size - o, "%s%s:%lld", i ? " " : "",
                                      event_type_name(items[i].type), (long long)items[i].user_id);
                json_decref(data);
        }
        store_live_events_free(items, n);
}

static struct store_usage usage_of(const char *extension, int64_t day)
{
        struct store_usage *rows = NULL, out = { 0 };
        size_t n = 0;

        CHECK_INT_EQ(store_usage_list(conn, 1, day, day, STORE_USAGE_BY_EXTENSION, &rows, &n),
                     RESULT_OK);
        for (size_t i = 0; i < n; i++)
                if (!strcmp(rows[i].extension, extension))
                        out = rows[i];
        free(rows);
        return out;
}

static void test_agent_to_agent(void)
{
        size_t n;
        struct fs_event *events = events_of("events-call.txt", &n);
        struct store_call a, b;
        struct store_usage ua, ub;
        int64_t before = last_event_id(), day;
        char seen[512], want[512];

        CHECK_INT_EQ(n, 7);          /* 2 CREATE, 2 ANSWER, BRIDGE, 2 HANGUP_COMPLETE */
        feed(events, n, false);
        CHECK_INT_EQ(store_call_get(conn, LEG_A, &a), RESULT_OK);
        CHECK_INT_EQ(store_call_get(conn, LEG_B, &b), RESULT_OK);
        CHECK_STR_EQ(a.extension, "10003");
        CHECK_INT_EQ(a.user_id, agents[3]);
        CHECK(a.placed);
        CHECK_STR_EQ(call_direction_name(a.direction), "internal");
        CHECK_STR_EQ(a.caller, "10003");
        CHECK_STR_EQ(a.callee, "10004");
        CHECK_STR_EQ(b.extension, "10004");
        CHECK_INT_EQ(b.user_id, agents[4]);
        CHECK(!b.placed);
        CHECK_STR_EQ(call_direction_name(b.direction), "internal");
        CHECK_STR_EQ(b.caller, "10003");
        CHECK_STR_EQ(b.callee, "10004");
        /* One call, two agent legs: the B leg keeps the call's UUID even
         * though its own hangup names its own. */
        CHECK_STR_EQ(a.call_uuid, LEG_A);
        CHECK_STR_EQ(b.call_uuid, LEG_A);
        CHECK_STR_EQ(a.node, "127.0.0.1:8021");
        CHECK_INT_EQ(a.started_at, 1796596753);
        CHECK_INT_EQ(a.answered_at, 1796596753);
        CHECK_INT_EQ(a.ended_at, 1796596754);
        /* Answered at .707239, hung up at 1796596754.327245: 0.62 s. */
        CHECK_INT_EQ(a.talk_seconds, 1);
        CHECK_INT_EQ(b.talk_seconds, 1);
        CHECK_STR_EQ(a.end_cause, "NORMAL_CLEARING");
        CHECK_STR_EQ(b.codec, "PCMU");
        CHECK_INT_EQ(a.mos_centi, 450);
        CHECK_INT_EQ(b.mos_centi, 450);

        /* Each step published once, to the agent it concerns. */
        events_since(before, seen, sizeof(seen));
        snprintf(want, sizeof(want),
                 "call.started:%lld call.started:%lld call.answered:%lld call.answered:%lld "
                 "call.ended:%lld call.ended:%lld",
                 (long long)agents[3], (long long)agents[4], (long long)agents[4],
                 (long long)agents[3], (long long)agents[4], (long long)agents[3]);
        CHECK_STR_EQ(seen, want);

        day = 1796596753 / 86400;
        ua = usage_of("10003", day);
        ub = usage_of("10004", day);
        CHECK(ua.calls_placed == 1 && ua.calls_received == 0 && ua.answered == 1 && ua.missed == 0 &&
              ua.talk_seconds == 1);
        CHECK(ub.calls_placed == 0 && ub.calls_received == 1 && ub.answered == 1 && ub.missed == 0 &&
              ub.talk_seconds == 1);

        /* The same events again, in one batch (a node that re-sent them,
         * a second listener): nothing is written twice. */
        before = last_event_id();
        feed(events, n, true);
        events_since(before, seen, sizeof(seen));
        CHECK_STR_EQ(seen, "");
        ua = usage_of("10003", day);
        CHECK(ua.calls_placed == 1 && ua.talk_seconds == 1);
        free(events);
}

static void test_echo(void)
{
        size_t n;
        struct fs_event *events = events_of("events-plain.txt", &n);
        struct store_call c;
        int64_t before = last_event_id();
        char seen[512], want[512];
        json_t *o;

        /* Only its answer and hangup were recorded: the leg is recorded
         * from the first event of it the sink sees. */
        CHECK_INT_EQ(n, 2);
        feed(events, n, false);
        CHECK_INT_EQ(store_call_get(conn, LEG_ECHO, &c), RESULT_OK);
        CHECK_STR_EQ(call_direction_name(c.direction), "outbound");
        CHECK_STR_EQ(c.callee, "9196");
        CHECK_INT_EQ(c.talk_seconds, 0);                /* 0.06 s */
        CHECK(c.answered_at > 0 && c.ended_at >= c.answered_at);
        events_since(before, seen, sizeof(seen));
        snprintf(want, sizeof(want), "call.started:%lld call.answered:%lld call.ended:%lld",
                 (long long)agents[3], (long long)agents[3], (long long)agents[3]);
        CHECK_STR_EQ(seen, want);

        /* The CallRecord the events and the list carry. */
        o = calls_record_json(&c);
        CHECK_STR_EQ(json_string_value(json_object_get(o, "agent_name")), "Agent 10003");
        CHECK_INT_EQ(json_integer_value(json_object_get(o, "agent_id")), agents[3]);
        CHECK_STR_EQ(json_string_value(json_object_get(o, "started_at")), "2026-11-28T07:29:14Z");
        CHECK_STR_EQ(json_string_value(json_object_get(o, "end_cause")), "NORMAL_CLEARING");
        CHECK(json_is_number(json_object_get(o, "mos")));
        json_decref(o);
        free(events);
}

struct listing {
        struct fs_channel rows[4];
        size_t n;
};

static void keep_row(void *userdata, const struct fs_channel *c)
{
        struct listing *l = userdata;

        if (l->n < 4)
                l->rows[l->n++] = *c;
}

/* A leg (of events-call.txt's CREATEs, or the listing) made anew. */
static void rename_leg(struct fs_channel *c, const char *suffix)
{
        strncat(c->uuid, suffix, sizeof(c->uuid) - strlen(c->uuid) - 1);
        snprintf(c->call_uuid, sizeof(c->call_uuid), "%s", LEG_A);
        strncat(c->call_uuid, suffix, sizeof(c->call_uuid) - strlen(c->call_uuid) - 1);
}

static void test_resync(void)
{
        size_t nf, n;
        struct esl_frame *frames = frames_of("show-channels-json.txt", &nf);
        struct fs_event *events = events_of("events-call.txt", &n);
        const struct live_node_ref other = { 0, "127.0.0.2:8021" };
        struct listing during = { 0 }, none = { 0 };
        struct store_call a, b, elsewhere;
        struct store_usage ub;
        int64_t before;
        char seen[512], want[512];

        CHECK_INT_EQ(nf, 2);
        CHECK_INT_EQ(fs_channels_parse(frames[0].body, keep_row, &during), RESULT_OK);
        CHECK_INT_EQ(fs_channels_parse(frames[1].body, keep_row, &none), RESULT_OK);
        CHECK_INT_EQ(during.n, 2);
        CHECK_INT_EQ(none.n, 0);
        for (size_t i = 0; i < during.n; i++)
                rename_leg(&during.rows[i], "-r");

        /* The call's two CREATEs, as new legs; a leg open on another node. */
        rename_leg(&events[0].u.channel, "-r");
        rename_leg(&events[1].u.channel, "-r");
        feed(events, 2, true);
        rename_leg(&events[0].u.channel, "-x");
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(sink.channel_event(sink.userdata, conn, &other, &events[0]), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);

        /* The node still has both: nothing ends; the listing's ACTIVE
         * legs are answered. */
        before = last_event_id();
        resync(&node, during.rows, during.n);
        CHECK_INT_EQ(store_call_get(conn, LEG_A "-r", &a), RESULT_OK);
        CHECK_INT_EQ(a.ended_at, 0);
        events_since(before, seen, sizeof(seen));
        snprintf(want, sizeof(want), "call.answered:%lld call.answered:%lld",
                 (long long)agents[3], (long long)agents[4]);
        CHECK_STR_EQ(seen, want);

        /* Only B is left: A ended during the gap. */
        before = last_event_id();
        resync(&node, &during.rows[1], 1);
        CHECK_INT_EQ(store_call_get(conn, LEG_A "-r", &a), RESULT_OK);
        CHECK_INT_EQ(store_call_get(conn, LEG_B "-r", &b), RESULT_OK);
        CHECK_STR_EQ(a.end_cause, "unknown");
        CHECK(a.ended_at >= a.started_at);
        CHECK_INT_EQ(b.ended_at, 0);
        events_since(before, seen, sizeof(seen));
        snprintf(want, sizeof(want), "call.ended:%lld", (long long)agents[3]);
        CHECK_STR_EQ(seen, want);

        /* None left: B ends too, counted in its day; the other node's leg
         * stays open (it is that node's listing that closes it). */
        resync(&node, none.rows, 0);
        CHECK_INT_EQ(store_call_get(conn, LEG_B "-r", &b), RESULT_OK);
        CHECK_STR_EQ(b.end_cause, "unknown");
        CHECK_INT_EQ(store_call_get(conn, LEG_A "-r-x", &elsewhere), RESULT_OK);
        CHECK_INT_EQ(elsewhere.ended_at, 0);
        ub = usage_of("10004", b.started_at / 86400);
        CHECK_INT_EQ(ub.calls_received, 2);
        CHECK_INT_EQ(ub.answered, 2);
        /* Again: nothing more. */
        before = last_event_id();
        resync(&node, none.rows, 0);
        events_since(before, seen, sizeof(seen));
        CHECK_STR_EQ(seen, "");

        /* A leg the node has that began during the gap is recorded. */
        rename_leg(&during.rows[0], "-new");
        resync(&node, during.rows, 1);
        CHECK_INT_EQ(store_call_get(conn, LEG_A "-r-new", &a), RESULT_OK);
        CHECK_INT_EQ(a.user_id, agents[3]);
        CHECK(a.answered_at > 0);
        CHECK_INT_EQ(a.ended_at, 0);
        frames_free(frames, nf);
        free(events);
}

static void test_not_agents(void)
{
        size_t n;
        struct fs_event *events = events_of("events-call.txt", &n);
        struct fs_event ev = events[0];
        struct store_call c;
        int64_t before = last_event_id();
        char seen[64];
        static const char *const users[] = { "10005", "555", "", "20001" };

        /* A free extension, a number no pool has, no user, another
         * tenant's number claimed by this tenant's leg. */
        for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
                ev = events[0];
                snprintf(ev.u.channel.uuid, sizeof(ev.u.channel.uuid), "not-agent-%zu", i);
                snprintf(ev.u.channel.user, sizeof(ev.u.channel.user), "%s", users[i]);
                feed(&ev, 1, false);
                CHECK_INT_EQ(store_call_get(conn, ev.u.channel.uuid, &c), RESULT_NOT_FOUND);
        }
        /* An agent's number on a leg that says another tenant. */
        ev = events[0];
        snprintf(ev.u.channel.uuid, sizeof(ev.u.channel.uuid), "not-agent-tenant");
        snprintf(ev.u.channel.tenant_id, sizeof(ev.u.channel.tenant_id), "2");
        feed(&ev, 1, false);
        CHECK_INT_EQ(store_call_get(conn, "not-agent-tenant", &c), RESULT_NOT_FOUND);
        events_since(before, seen, sizeof(seen));
        CHECK_STR_EQ(seen, "");
        free(events);
}

static void test_deleted_agent(void)
{
        struct store_call c;
        json_t *o;

        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_user_soft_delete(conn, agents[4]), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_call_get(conn, LEG_B, &c), RESULT_OK);
        o = calls_record_json(&c);
        CHECK(json_is_null(json_object_get(o, "agent_id")));
        CHECK_STR_EQ(json_string_value(json_object_get(o, "agent_name")), "deleted agent");
        CHECK_STR_EQ(json_string_value(json_object_get(o, "extension")), "10004");
        json_decref(o);
}

/* Tenant 1 (pool 10000-10009, agents on 10000-10004), as the fixtures'
 * variable_tenant_id says; tenant 2 (20000-20001, an agent on 20001). */
static void setup(void)
{
        struct store_tenant t[2] = {
                { .name = "A", .slug = "a", .status = TENANT_STATUS_ACTIVE, .pool_base = 10000,
                  .pool_size = 10 },
                { .name = "B", .slug = "b", .status = TENANT_STATUS_ACTIVE, .pool_base = 20000,
                  .pool_size = 2 },
        };
        struct store_extension e;

        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        for (int i = 0; i < 2; i++) {
                CHECK_INT_EQ(store_tenant_insert(conn, &t[i]), RESULT_OK);
                CHECK_INT_EQ(store_pool_generate(conn, t[i].id, t[i].pool_base, t[i].pool_size,
                                                 contract_plain_secret, NULL),
                             RESULT_OK);
        }
        CHECK_INT_EQ(t[0].id, 1);
        for (int i = 0; i < 7; i++) {
                struct store_user u = { .role = USER_ROLE_AGENT, .status = USER_STATUS_ACTIVE };
                int64_t tenant = i < 5 ? t[0].id : t[1].id;

                u.tenant_id = tenant;
                snprintf(u.email, sizeof(u.email), "agent%d@example.com", i);
                snprintf(u.first_name, sizeof(u.first_name), "Agent");
                snprintf(u.last_name, sizeof(u.last_name), "%d", i < 5 ? 10000 + i : 20000 + i - 5);
                snprintf(u.password_hash, sizeof(u.password_hash), "x");
                CHECK_INT_EQ(store_user_insert(conn, &u), RESULT_OK);
                CHECK_INT_EQ(store_pool_allocate(conn, tenant, u.id, "s", "p",
                                                 JOBS_STATE_PROVISIONED, &e),
                             RESULT_OK);
                if (i < 5)
                        agents[i] = u.id;
        }
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
}

int main(int argc, char **argv)
{
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
        sink = calls_sink(&app);
        setup();
        test_agent_to_agent();
        test_echo();
        test_resync();
        test_not_agents();
        test_deleted_agent();
        store_close(store);
        return CHECK_DONE();
}
