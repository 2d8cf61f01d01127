/*
 * The storage contract of call records and daily usage (store/calls.c):
 * each operation called directly with what its header promises checked —
 * a leg written once, steps guarded by the state they move from, lists
 * scoped to a tenant, usage summed per group, the purge by age. The sink
 * that drives them from FreeSWITCH's events is tests/store/calls_sink.c.
 *
 * Pool numbers used here start at 900000, clear of the other parts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "contract.h"
#include "store/driver.h"

int contract_calls_checks(int *ret_failures)
{
        *ret_failures = check_failures;
        return check_count;
}

enum result contract_plain_secret(void *userdata, const char *extension,
                                  char ret_secret[STORE_TEXT_MAX], char ret_pin[STORE_TEXT_MAX])
{
        (void)userdata;
        (void)extension;
        snprintf(ret_secret, STORE_TEXT_MAX, "s");
        snprintf(ret_pin, STORE_TEXT_MAX, "p");
        return RESULT_OK;
}

/* A tenant with a pool of 4 at base, and an agent on its first number. */
static void tenant_with_agent(struct store_conn *conn, const char *slug, int64_t base,
                              int64_t *ret_tenant, int64_t *ret_user)
{
        struct store_tenant t = { .status = TENANT_STATUS_ACTIVE, .pool_base = base, .pool_size = 4 };
        struct store_user u = { .role = USER_ROLE_AGENT, .status = USER_STATUS_ACTIVE };
        struct store_extension e;

        snprintf(t.name, sizeof(t.name), "Calls %s", slug);
        snprintf(t.slug, sizeof(t.slug), "%s", slug);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_insert(conn, &t), RESULT_OK);
        CHECK_INT_EQ(store_pool_generate(conn, t.id, base, 4, contract_plain_secret, NULL), RESULT_OK);
        u.tenant_id = t.id;
        snprintf(u.email, sizeof(u.email), "agent@%s.example", slug);
        snprintf(u.first_name, sizeof(u.first_name), "Ada");
        snprintf(u.last_name, sizeof(u.last_name), "%s", slug);
        snprintf(u.password_hash, sizeof(u.password_hash), "x");
        CHECK_INT_EQ(store_user_insert(conn, &u), RESULT_OK);
        CHECK_INT_EQ(store_pool_allocate(conn, t.id, u.id, "s", "p", JOBS_STATE_PROVISIONED, &e),
                     RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        *ret_tenant = t.id;
        *ret_user = u.id;
}

static struct store_call leg(int64_t tenant, int64_t user, const char *ext, const char *uuid,
                             const char *node, int64_t started)
{
        struct store_call c = { .tenant_id = tenant, .user_id = user, .placed = true,
                                .direction = CALL_DIRECTION_OUTBOUND, .started_at = started,
                                .mos_centi = -1 };

        snprintf(c.extension, sizeof(c.extension), "%s", ext);
        snprintf(c.leg_uuid, sizeof(c.leg_uuid), "%s", uuid);
        snprintf(c.call_uuid, sizeof(c.call_uuid), "call-%s", uuid);
        snprintf(c.caller, sizeof(c.caller), "%s", ext);
        snprintf(c.callee, sizeof(c.callee), "9196");
        snprintf(c.node, sizeof(c.node), "%s", node);
        return c;
}

static void insert(struct store_conn *conn, struct store_call *c, bool want_inserted)
{
        bool inserted = !want_inserted;

        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_call_insert(conn, c, &inserted), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(inserted, want_inserted);
}

struct open_count {
        int64_t tenant, open;
        int tenants;
};

static void count_open(void *userdata, const struct store_tenant *t, int64_t open)
{
        struct open_count *c = userdata;

        c->tenants++;
        if (t->id == c->tenant)
                c->open = open;
}

static void test_records(struct store_conn *conn, int64_t ta, int64_t ua, int64_t tb, int64_t ub)
{
        int64_t now = store_now(), tenant = -1, user = -1;
        struct store_call a = leg(ta, ua, "900000", "leg-a", "fs1:8021", now - 100);
        struct store_call again = leg(ta, ua, "900000", "leg-a", "fs9:8021", now);
        struct store_call b = leg(tb, ub, "900100", "leg-b", "fs1:8021", now - 50);
        struct store_call got, *items = NULL;
        struct store_call_filter filter = { .tenant_id = ta };
        struct store_page page = { .limit = 10 };
        struct open_count oc = { .tenant = ta };
        char open[4][64];
        size_t n = 9;
        bool changed = false;

        CHECK_INT_EQ(store_extension_owner(conn, "900000", &tenant, &user), RESULT_OK);
        CHECK_INT_EQ(tenant, ta);
        CHECK_INT_EQ(user, ua);
        CHECK_INT_EQ(store_extension_owner(conn, "900001", &tenant, &user), RESULT_OK);
        CHECK_INT_EQ(user, 0);                         /* free in the pool */
        tenant = user = -7;
        CHECK_INT_EQ(store_extension_owner(conn, "999999", &tenant, &user), RESULT_NOT_FOUND);
        CHECK_INT_EQ(tenant, -7);

        insert(conn, &a, true);
        CHECK(a.id > 0);
        CHECK_STR_EQ(a.first_name, "Ada");
        /* A repeat (another node, another start) writes nothing: the row
         * stays the first one's. */
        insert(conn, &again, false);
        CHECK_INT_EQ(again.id, a.id);
        CHECK_STR_EQ(again.node, "fs1:8021");
        CHECK_INT_EQ(again.started_at, now - 100);
        insert(conn, &b, true);

        CHECK_INT_EQ(store_calls_open(conn, 0, "fs1:8021", open, 4, &n), RESULT_OK);
        CHECK_INT_EQ(n, 2);
        CHECK_INT_EQ(store_calls_open(conn, 0, "fs1:8021", open, 1, &n), RESULT_OK);
        CHECK_INT_EQ(n, 1);
        CHECK_STR_EQ(open[0], "leg-a");
        CHECK_INT_EQ(store_calls_open(conn, 3, "fs1:8021", open, 4, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);                            /* another cluster's node */
        CHECK_INT_EQ(store_calls_in_progress(conn, count_open, &oc), RESULT_OK);
        CHECK_INT_EQ(oc.open, 1);
        CHECK(oc.tenants >= 2);

        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_call_answer(conn, "leg-a", now - 90, &changed), RESULT_OK);
        CHECK(changed);
        CHECK_INT_EQ(store_call_answer(conn, "leg-a", now - 80, &changed), RESULT_OK);
        CHECK(!changed);                               /* answered once */
        a.ended_at = now - 30;
        a.talk_seconds = 60;
        snprintf(a.end_cause, sizeof(a.end_cause), "NORMAL_CLEARING");
        snprintf(a.codec, sizeof(a.codec), "PCMU");
        a.mos_centi = 450;
        a.answered_at = now - 1;                       /* it had one: kept */
        CHECK_INT_EQ(store_call_end(conn, &a, &changed), RESULT_OK);
        CHECK(changed);
        a.talk_seconds = 999;
        CHECK_INT_EQ(store_call_end(conn, &a, &changed), RESULT_OK);
        CHECK(!changed);                               /* ended once */
        CHECK_INT_EQ(store_call_answer(conn, "leg-b", 0, &changed), RESULT_OK);
        CHECK_INT_EQ(store_call_answer(conn, "leg-none", now, &changed), RESULT_OK);
        CHECK(!changed);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);

        CHECK_INT_EQ(store_call_get(conn, "leg-a", &got), RESULT_OK);
        CHECK_INT_EQ(got.answered_at, now - 90);
        CHECK_INT_EQ(got.ended_at, now - 30);
        CHECK_INT_EQ(got.talk_seconds, 60);
        CHECK_STR_EQ(got.end_cause, "NORMAL_CLEARING");
        CHECK_STR_EQ(got.codec, "PCMU");
        CHECK_INT_EQ(got.mos_centi, 450);
        CHECK_STR_EQ(call_direction_name(got.direction), "outbound");
        CHECK(got.placed);
        CHECK_STR_EQ(got.call_uuid, "call-leg-a");
        CHECK_INT_EQ(store_call_get(conn, "leg-none", &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_calls_open(conn, 0, "fs1:8021", open, 4, &n), RESULT_OK);
        CHECK_INT_EQ(n, 1);
        CHECK_STR_EQ(open[0], "leg-b");

        /* The list: the tenant's own, newest first, by period and agent. */
        CHECK_INT_EQ(store_call_list(conn, &filter, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 1);
        CHECK_INT_EQ(page.total, 1);
        CHECK(n == 1 && !strcmp(items[0].leg_uuid, "leg-a"));
        free(items);
        filter.active = true;
        CHECK_INT_EQ(store_call_list(conn, &filter, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);
        free(items);
        filter = (struct store_call_filter){ .tenant_id = tb, .active = true, .user_id = ub,
                                             .from = now - 50, .to = now - 49 };
        CHECK_INT_EQ(store_call_list(conn, &filter, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 1);
        free(items);
        filter.from = now - 49;
        CHECK_INT_EQ(store_call_list(conn, &filter, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);
        free(items);
        filter.from = 0;
        filter.to = now - 50;                          /* to is excluded */
        CHECK_INT_EQ(store_call_list(conn, &filter, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);
        free(items);
        filter = (struct store_call_filter){ .tenant_id = tb, .user_id = ua };
        CHECK_INT_EQ(store_call_list(conn, &filter, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);                            /* another tenant's agent */
        free(items);

        /* A deleted agent keeps its records. */
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_user_soft_delete(conn, ub), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_call_get(conn, "leg-b", &got), RESULT_OK);
        CHECK(got.agent_deleted);
        CHECK_INT_EQ(got.user_id, ub);
}

/* The history's additions (the party's agent, the caller's name, missed
 * calls seen) and the directory's presence (store/presence.c). */
static void test_history(struct store_conn *conn, int64_t ta, int64_t ua, int64_t ub)
{
        int64_t now = store_now(), unseen = -1, marked = -1;
        struct store_call m1 = leg(ta, ua, "900000", "hist-m1", "fs7:8021", now - 40);
        struct store_call m2 = leg(ta, ua, "900000", "hist-m2", "fs7:8021", now - 30);
        struct store_call m3 = leg(ta, ua, "900000", "hist-m3", "fs7:8021", now - 20);
        struct store_presence *p = NULL;
        struct store_page page = { .limit = 10 };
        struct store_live_registration reg = { .cluster_id = 0, .network_port = 5060 };
        const char *exts[] = { "900000" };
        struct store_call got;
        bool changed = false;
        size_t n = 9;

        m1.placed = m2.placed = m3.placed = false;
        m1.party_user_id = ub;                         /* deleted since test_records */
        snprintf(m2.party_name, sizeof(m2.party_name), "Bob Caller");
        insert(conn, &m1, true);
        insert(conn, &m2, true);
        insert(conn, &m3, true);
        CHECK_INT_EQ(m1.party_user_id, ub);
        CHECK(m1.party_deleted);
        CHECK_STR_EQ(m1.party_last_name, "calls-b");
        CHECK_STR_EQ(m2.party_name, "Bob Caller");
        CHECK_INT_EQ(m2.party_user_id, 0);

        /* m1 ends unanswered (missed), m2 answered, m3 stays open. */
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        m1.ended_at = now - 35;
        snprintf(m1.end_cause, sizeof(m1.end_cause), "ORIGINATOR_CANCEL");
        CHECK_INT_EQ(store_call_end(conn, &m1, &changed), RESULT_OK);
        m2.answered_at = now - 29;
        m2.ended_at = now - 25;
        snprintf(m2.end_cause, sizeof(m2.end_cause), "NORMAL_CLEARING");
        CHECK_INT_EQ(store_call_end(conn, &m2, &changed), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_calls_unseen(conn, ua, &unseen), RESULT_OK);
        CHECK_INT_EQ(unseen, 1);
        CHECK_INT_EQ(store_calls_unseen(conn, ub, &unseen), RESULT_OK);
        CHECK_INT_EQ(unseen, 0);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_calls_mark_seen(conn, ua, now, &marked), RESULT_OK);
        CHECK_INT_EQ(marked, 1);
        CHECK_INT_EQ(store_calls_mark_seen(conn, ua, now + 1, &marked), RESULT_OK);
        CHECK_INT_EQ(marked, 0);                       /* seen once */
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_calls_unseen(conn, ua, &unseen), RESULT_OK);
        CHECK_INT_EQ(unseen, 0);
        CHECK_INT_EQ(store_call_get(conn, "hist-m1", &got), RESULT_OK);
        CHECK_INT_EQ(got.seen_at, now);
        CHECK_INT_EQ(store_call_get(conn, "hist-m2", &got), RESULT_OK);
        CHECK_INT_EQ(got.seen_at, 0);                  /* answered: never missed */

        /* Presence: not registered, a call ringing is no call. */
        CHECK_INT_EQ(store_presence_list(conn, ta, 0, now - 5, &page, &p, &n), RESULT_OK);
        CHECK_INT_EQ(n, 1);
        CHECK_INT_EQ(page.total, 1);
        if (n == 1) {
                CHECK_INT_EQ(p[0].user_id, ua);
                CHECK_STR_EQ(p[0].first_name, "Ada");
                CHECK(!p[0].registered && !p[0].on_call && !p[0].on_break);
                CHECK_INT_EQ(p[0].n_extensions, 1);
                CHECK_STR_EQ(p[0].extensions[0], "900000");
                CHECK_INT_EQ(p[0].role, USER_ROLE_AGENT);
        }
        free(p);
        CHECK_INT_EQ(store_presence_list(conn, ta, ub, now - 5, NULL, &p, &n), RESULT_NOT_FOUND);
        CHECK_INT_EQ(n, 0);
        /* Registered on a node whose stream beats, and the call answered. */
        snprintf(reg.node, sizeof(reg.node), "fs7:8021");
        snprintf(reg.extension, sizeof(reg.extension), "900000");
        snprintf(reg.call_id, sizeof(reg.call_id), "hist-reg");
        snprintf(reg.realm, sizeof(reg.realm), "calls-a.example");
        reg.expires_at = now + 600;
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_live_stream_set(conn, 0, "fs7:8021", true), RESULT_OK);
        CHECK_INT_EQ(store_live_registrations_set(conn, 0, "fs7:8021", exts, 1, &reg, 1),
                     RESULT_OK);
        CHECK_INT_EQ(store_call_answer(conn, "hist-m3", now - 10, &changed), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_presence_list(conn, ta, ua, now - 5, NULL, &p, &n), RESULT_OK);
        CHECK_INT_EQ(n, 1);
        if (n == 1)
                CHECK(p[0].registered && p[0].on_call);
        free(p);
        /* A stream that no longer beats: its registrations do not count. */
        CHECK_INT_EQ(store_presence_list(conn, ta, ua, now + 60, NULL, &p, &n), RESULT_OK);
        if (n == 1)
                CHECK(!p[0].registered);
        free(p);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_live_registrations_set(conn, 0, "fs7:8021", exts, 1, NULL, 0),
                     RESULT_OK);
        CHECK_INT_EQ(store_live_stream_delete(conn, 0, "fs7:8021"), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);

        /* The last published presence: an event only when it moves. */
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_presence_set(conn, ta, ua, "offline", now, &changed), RESULT_OK);
        CHECK(!changed);                               /* no row: it was offline */
        CHECK_INT_EQ(store_presence_set(conn, ta, ua, "available", now, &changed), RESULT_OK);
        CHECK(changed);
        CHECK_INT_EQ(store_presence_set(conn, ta, ua, "available", now + 1, &changed), RESULT_OK);
        CHECK(!changed);
        CHECK_INT_EQ(store_presence_set(conn, ta, ua, "on_call", now + 2, &changed), RESULT_OK);
        CHECK(changed);
        CHECK_INT_EQ(store_presence_set(conn, ta, ua, "offline", now + 3, &changed), RESULT_OK);
        CHECK(changed);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
}

static void add(struct store_conn *conn, int64_t tenant, int64_t day, const char *ext,
                int64_t user, int64_t placed, int64_t received, int64_t answered, int64_t talk)
{
        struct store_usage u = { .tenant_id = tenant, .day = day, .user_id = user,
                                 .calls_placed = placed, .calls_received = received,
                                 .answered = answered, .missed = received - (answered && received),
                                 .talk_seconds = talk };

        snprintf(u.extension, sizeof(u.extension), "%s", ext);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_usage_add(conn, &u), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
}

static void test_usage(struct store_conn *conn, int64_t ta, int64_t ua, int64_t tb, int64_t ub)
{
        struct store_usage *rows = NULL;
        size_t n = 9;

        add(conn, ta, 100, "900000", ua, 1, 0, 1, 30);
        add(conn, ta, 100, "900000", ua, 0, 1, 0, 0);   /* summed into its row */
        add(conn, ta, 101, "900000", ua, 0, 1, 1, 12);
        add(conn, ta, 101, "900002", ua, 1, 0, 0, 0);   /* a number it no longer has */
        add(conn, ta, 103, "900000", ua, 1, 0, 1, 5);   /* outside the period */
        add(conn, tb, 100, "900100", ub, 1, 0, 1, 7);   /* another tenant */

        CHECK_INT_EQ(store_usage_list(conn, ta, 100, 102, STORE_USAGE_BY_DAY, &rows, &n), RESULT_OK);
        CHECK_INT_EQ(n, 2);
        if (n == 2) {
                CHECK_INT_EQ(rows[0].day, 100);
                CHECK_INT_EQ(rows[0].calls_placed, 1);
                CHECK_INT_EQ(rows[0].calls_received, 1);
                CHECK_INT_EQ(rows[0].answered, 1);
                CHECK_INT_EQ(rows[0].missed, 1);
                CHECK_INT_EQ(rows[0].talk_seconds, 30);
                CHECK_INT_EQ(rows[1].day, 101);
                CHECK_INT_EQ(rows[1].calls_placed, 1);
                CHECK_INT_EQ(rows[1].talk_seconds, 12);
        }
        free(rows);

        CHECK_INT_EQ(store_usage_list(conn, ta, 100, 102, STORE_USAGE_BY_EXTENSION, &rows, &n),
                     RESULT_OK);
        CHECK_INT_EQ(n, 2);
        if (n == 2) {
                CHECK_STR_EQ(rows[0].extension, "900000");
                CHECK_INT_EQ(rows[0].user_id, ua);      /* its agent now */
                CHECK_STR_EQ(rows[0].first_name, "Ada");
                CHECK_INT_EQ(rows[0].talk_seconds, 42);
                CHECK_STR_EQ(rows[1].extension, "900002");
                CHECK_INT_EQ(rows[1].user_id, 0);       /* free now */
        }
        free(rows);

        CHECK_INT_EQ(store_usage_list(conn, ta, 0, 1000, STORE_USAGE_BY_AGENT, &rows, &n), RESULT_OK);
        CHECK_INT_EQ(n, 1);
        if (n == 1) {
                CHECK_INT_EQ(rows[0].user_id, ua);
                CHECK_INT_EQ(rows[0].calls_placed, 3);
                CHECK_INT_EQ(rows[0].calls_received, 2);
                CHECK_INT_EQ(rows[0].talk_seconds, 47);
                CHECK(!rows[0].agent_deleted);
        }
        free(rows);

        /* The deleted agent's usage stays, marked. */
        CHECK_INT_EQ(store_usage_list(conn, tb, 0, 1000, STORE_USAGE_BY_AGENT, &rows, &n), RESULT_OK);
        CHECK(n == 1 && rows[0].agent_deleted && rows[0].talk_seconds == 7);
        free(rows);
        CHECK_INT_EQ(store_usage_list(conn, ta, 200, 300, STORE_USAGE_BY_DAY, &rows, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);
        CHECK(rows == NULL);
}

static void test_purge_calls(struct store_conn *conn, int64_t ta, int64_t ua)
{
        int64_t now = store_now(), calls = -1, events = -1, total = 0;
        struct store_call old = leg(ta, ua, "900000", "leg-old", "fs2:8021", now - 10 * 86400);
        struct store_call young = leg(ta, ua, "900000", "leg-young", "fs2:8021", now - 3600);
        struct store_call got;
        struct store_usage *rows = NULL;
        size_t n = 0;

        insert(conn, &old, true);
        insert(conn, &young, true);
        add(conn, ta, (now - 10 * 86400) / 86400, "900000", ua, 1, 0, 0, 0);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_live_event_append(conn, ta, EVENT_CALL_ENDED, ua, "{}"), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);

        /* Nothing past either age: nothing goes. */
        CHECK_INT_EQ(store_purge_calls(conn, now - 30 * 86400, now - 3600, 10, &calls, &events),
                     RESULT_OK);
        CHECK_INT_EQ(calls, 0);
        CHECK_INT_EQ(events, 0);
        /* One row a table at a time, until the old are gone. */
        do {
                CHECK_INT_EQ(store_purge_calls(conn, now - 86400, now + 1, 1, &calls, &events),
                             RESULT_OK);
                total += calls;
        } while (calls || events);
        CHECK_INT_EQ(total, 1);
        CHECK_INT_EQ(store_call_get(conn, "leg-old", &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_call_get(conn, "leg-young", &got), RESULT_OK);
        /* The usage outlives the records. */
        CHECK_INT_EQ(store_usage_list(conn, ta, (now - 10 * 86400) / 86400,
                                      (now - 10 * 86400) / 86400, STORE_USAGE_BY_DAY, &rows, &n),
                     RESULT_OK);
        CHECK_INT_EQ(n, 1);
        free(rows);
}

void contract_calls(struct store *store)
{
        struct store_conn *conn = NULL;
        int64_t ta, ua, tb, ub;

        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);
        tenant_with_agent(conn, "calls-a", 900000, &ta, &ua);
        tenant_with_agent(conn, "calls-b", 900100, &tb, &ub);
        test_records(conn, ta, ua, tb, ub);
        test_history(conn, ta, ua, ub);
        test_usage(conn, ta, ua, tb, ub);
        test_purge_calls(conn, ta, ua);
}
