/*
 * The live streams without threads or sockets (domain/events/ring.h): the
 * exact bytes of a frame, which stream of which scope gets which event
 * (the admin stream its tenant's or, for a superadmin, every tenant's;
 * the agents' stream its tenant's registrations, reduced, and its own
 * calls), and the resume ring (what it covers after evictions).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "domain/events/ring.h"

static struct events_entry make(int64_t id, int64_t tenant, enum event_type type, int64_t user,
                                const char *data)
{
        struct store_live_event e = { .id = id, .tenant_id = tenant, .type = type,
                                      .user_id = user, .data = (char *)data,
                                      .created_at = 1767225600 /* 2026-01-01 */ };
        struct events_entry out;

        CHECK_INT_EQ(events_entry_make(&e, &out), RESULT_OK);
        return out;
}

static void test_frames(void)
{
        struct events_entry e = make(42, 7, EVENT_AGENT_UPDATED, 0,
                                     "{\"agent_id\":3,\"first_name\":\"Ann\\nB\"}");
        struct events_entry bad = make(43, 0, EVENT_AGENT_DELETED, 0, "not json");
        struct events_entry reg = make(44, 7, EVENT_REGISTRATION_CHANGED, 0,
                                       "{\"extension_id\":1,\"extension\":\"1000\",\"agent_id\":3,"
                                       "\"registered\":true,\"registration\":{\"contact\":"
                                       "\"sip:1000@198.51.100.1\"},\"email\":\"a@b.example\","
                                       "\"at\":\"2026-01-01T00:00:00Z\"}");

        /* One line of data, even with a newline inside a value. */
        CHECK_STR_EQ(e.full, "id: 42\nevent: agent.updated\ndata: {\"id\":42,\"type\":"
                             "\"agent.updated\",\"at\":\"2026-01-01T00:00:00Z\",\"tenant_id\":7,"
                             "\"data\":{\"agent_id\":3,\"first_name\":\"Ann\\nB\"}}\n\n");
        CHECK_INT_EQ(e.full_len, strlen(e.full));
        CHECK(e.reduced == NULL);
        CHECK_STR_EQ(bad.full, "id: 43\nevent: agent.deleted\ndata: {\"id\":43,\"type\":"
                               "\"agent.deleted\",\"at\":\"2026-01-01T00:00:00Z\","
                               "\"tenant_id\":null,\"data\":{}}\n\n");
        CHECK_STR_EQ(reg.reduced, "id: 44\nevent: registration.changed\ndata: {\"id\":44,"
                                  "\"type\":\"registration.changed\",\"at\":"
                                  "\"2026-01-01T00:00:00Z\",\"tenant_id\":7,\"data\":"
                                  "{\"extension_id\":1,\"extension\":\"1000\",\"agent_id\":3,"
                                  "\"registered\":true,\"at\":\"2026-01-01T00:00:00Z\"}}\n\n");
        CHECK(strstr(reg.full, "198.51.100.1") != NULL);
        events_entry_clear(&e);
        events_entry_clear(&bad);
        events_entry_clear(&reg);
}

static void test_scopes(void)
{
        struct events_entry agent_a = make(1, 7, EVENT_AGENT_CREATED, 0, "{}");
        struct events_entry agent_b = make(2, 8, EVENT_AGENT_CREATED, 0, "{}");
        struct events_entry platform = make(3, 0, EVENT_AGENT_CREATED, 0, "{}");
        struct events_entry reg_a = make(4, 7, EVENT_REGISTRATION_CHANGED, 0, "{\"agent_id\":5}");
        struct events_entry call_mine = make(5, 7, EVENT_CALL_ENDED, 5, "{}");
        struct events_entry call_other = make(6, 7, EVENT_CALL_STARTED, 6, "{}");
        struct events_entry call_b = make(7, 8, EVENT_CALL_ANSWERED, 5, "{}");
        struct events_entry queue_mine = make(8, 7, EVENT_AGENT_QUEUE_STATUS, 5, "{\"agent_id\":5}");
        struct events_entry queue_other = make(9, 7, EVENT_AGENT_QUEUE_STATUS, 6, "{\"agent_id\":6}");
        struct events_entry presence_other = make(10, 7, EVENT_AGENT_PRESENCE, 6,
                                                  "{\"agent_id\":6,\"presence\":\"on_call\"}");
        struct events_entry presence_b = make(11, 8, EVENT_AGENT_PRESENCE, 6, "{}");
        struct events_entry missed_mine = make(12, 7, EVENT_CALLS_MISSED, 5, "{\"unseen\":1}");
        struct events_entry missed_other = make(13, 7, EVENT_CALLS_MISSED, 6, "{\"unseen\":2}");
        struct events_scope admin_a = { EVENT_STREAM_ADMIN, 7, 1, 1 };
        struct events_scope all = { EVENT_STREAM_ADMIN, 0, 2, 2 };
        struct events_scope me = { EVENT_STREAM_ME, 7, 5, 3 };
        struct events_scope nobody = { EVENT_STREAM_ME, 0, 9, 4 };
        size_t len;

        CHECK(events_entry_frame(&agent_a, &admin_a, &len) == agent_a.full);
        CHECK(events_entry_frame(&agent_b, &admin_a, &len) == NULL);
        CHECK(events_entry_frame(&platform, &admin_a, &len) == NULL);
        CHECK(events_entry_frame(&agent_b, &all, &len) == agent_b.full);
        CHECK(events_entry_frame(&platform, &all, &len) == platform.full);
        CHECK(events_entry_frame(&call_other, &admin_a, &len) == call_other.full);
        /* The agents' stream: registrations reduced, its own calls only. */
        CHECK(events_entry_frame(&agent_a, &me, &len) == NULL);
        CHECK(events_entry_frame(&reg_a, &me, &len) == reg_a.reduced);
        CHECK_INT_EQ(len, reg_a.reduced_len);
        CHECK(events_entry_frame(&call_mine, &me, &len) == call_mine.full);
        CHECK(events_entry_frame(&call_other, &me, &len) == NULL);
        CHECK(events_entry_frame(&call_b, &me, &len) == NULL);
        /* Its own queue status, whole; another agent's never; all of them
         * on the tenant's admin stream. */
        CHECK(events_entry_frame(&queue_mine, &me, &len) == queue_mine.full);
        CHECK(events_entry_frame(&queue_other, &me, &len) == NULL);
        CHECK(events_entry_frame(&queue_other, &admin_a, &len) == queue_other.full);
        CHECK(events_entry_frame(&queue_mine, &nobody, &len) == NULL);
        /* Presence: every agent of the tenant sees a colleague's, never
         * another tenant's; the missed count: its own agent only. */
        CHECK(events_entry_frame(&presence_other, &me, &len) == presence_other.full);
        CHECK(events_entry_frame(&presence_b, &me, &len) == NULL);
        CHECK(events_entry_frame(&presence_other, &admin_a, &len) == presence_other.full);
        CHECK(events_entry_frame(&presence_other, &nobody, &len) == NULL);
        CHECK(events_entry_frame(&missed_mine, &me, &len) == missed_mine.full);
        CHECK(events_entry_frame(&missed_other, &me, &len) == NULL);
        CHECK(events_entry_frame(&missed_other, &admin_a, &len) == missed_other.full);
        /* No tenant: nothing but heartbeats. */
        CHECK(events_entry_frame(&reg_a, &nobody, &len) == NULL);
        CHECK(events_entry_frame(&platform, &nobody, &len) == NULL);
        struct events_entry *all_entries[] = { &agent_a, &agent_b, &platform, &reg_a,
                                               &call_mine, &call_other, &call_b,
                                               &queue_mine, &queue_other, &presence_other,
                                               &presence_b, &missed_mine, &missed_other };
        for (size_t i = 0; i < sizeof(all_entries) / sizeof(all_entries[0]); i++)
                events_entry_clear(all_entries[i]);
}

static void test_ring(void)
{
        struct events_ring r;

        CHECK_INT_EQ(events_ring_init(&r, 3, 1 << 20, 10), RESULT_OK);
        /* Empty, floor 10: a client that saw 10 or later resumes; 9 reloads. */
        CHECK(events_ring_covers(&r, 10));
        CHECK(!events_ring_covers(&r, 9));
        for (int64_t id = 11; id <= 15; id++) {
                struct events_entry e = make(id, 7, EVENT_AGENT_UPDATED, 0, "{}");
                events_ring_push(&r, &e);
                CHECK(e.full == NULL);   /* taken */
        }
        /* 13, 14, 15 kept; 11 and 12 evicted. */
        CHECK_INT_EQ(r.n, 3);
        CHECK_INT_EQ(events_ring_at(&r, 0)->id, 13);
        CHECK_INT_EQ(events_ring_at(&r, 2)->id, 15);
        CHECK_INT_EQ(r.floor, 12);
        CHECK(events_ring_covers(&r, 12));
        CHECK(!events_ring_covers(&r, 11));
        CHECK(events_ring_covers(&r, 15));
        events_ring_free(&r);

        /* Bounded in bytes too: a big event pushes the older out, and
         * stays alone even when it is larger than the bound. */
        CHECK_INT_EQ(events_ring_init(&r, 100, 2000, 0), RESULT_OK);
        for (int64_t id = 1; id <= 10; id++) {
                struct events_entry e = make(id, 7, EVENT_AGENT_UPDATED, 0, "{}");
                events_ring_push(&r, &e);
        }
        CHECK_INT_EQ(r.floor, 0);
        CHECK(r.bytes <= 2000 && r.n == 10);
        {
                char big[2400];
                memset(big, 'x', sizeof(big));
                memcpy(big, "{\"pad\":\"", 8);
                memcpy(big + sizeof(big) - 3, "\"}", 3);
                struct events_entry e = make(11, 7, EVENT_AGENT_UPDATED, 0, big);
                events_ring_push(&r, &e);
        }
        CHECK_INT_EQ(r.n, 1);
        CHECK_INT_EQ(r.floor, 10);
        CHECK(!events_ring_covers(&r, 9));
        CHECK(events_ring_covers(&r, 10));
        {
                struct events_entry e = make(12, 7, EVENT_AGENT_UPDATED, 0, "{}");
                events_ring_push(&r, &e);
        }
        CHECK_INT_EQ(r.n, 1);
        CHECK_INT_EQ(events_ring_at(&r, 0)->id, 12);
        CHECK_INT_EQ(r.floor, 11);
        events_ring_free(&r);
}

int main(void)
{
        test_frames();
        test_scopes();
        test_ring();
        return CHECK_DONE();
}
