/*
 * The listener's parts that need no node and no store: the bounded queue
 * between a node's reader and its applier (drops counted when full, a
 * re-read superseding what was queued before it, a wake, several pushers
 * at once) and a node's registrations in memory (bindings by call-id, a
 * refresh, an unregister, a re-read replacing them).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "domain/live/queue.h"
#include "domain/live/registrations.h"

static struct fs_event reg_event(enum fs_event_kind kind, const char *user, const char *call_id,
                                 const char *contact, uint64_t seq)
{
        struct fs_event ev;

        memset(&ev, 0, sizeof(ev));
        ev.kind = kind;
        ev.sequence = seq;
        snprintf(ev.u.reg.user, sizeof(ev.u.reg.user), "%s", user);
        snprintf(ev.u.reg.realm, sizeof(ev.u.reg.realm), "a.example");
        snprintf(ev.u.reg.call_id, sizeof(ev.u.reg.call_id), "%s", call_id);
        snprintf(ev.u.reg.contact, sizeof(ev.u.reg.contact), "%s", contact);
        ev.u.reg.expires = kind == FS_EVENT_REGISTER ? 600 : 0;
        return ev;
}

static void test_queue_bounds(void)
{
        struct live_queue *q = live_queue_new(4);
        struct fs_event out[8], ev = reg_event(FS_EVENT_REGISTER, "1001", "c", "x", 0);
        struct live_snapshot *snap = NULL;
        uint64_t received, dropped;
        size_t n;

        for (uint64_t i = 1; i <= 6; i++) {
                ev.sequence = i;
                CHECK_INT_EQ(live_queue_push(q, &ev), i <= 4);
        }
        live_queue_counts(q, &received, &dropped);
        CHECK_INT_EQ(received, 6);
        CHECK_INT_EQ(dropped, 2);
        CHECK_INT_EQ(live_queue_depth(q), 4);
        /* In order, at most max a take. */
        n = live_queue_take(q, out, 3, &snap, 0);
        CHECK_INT_EQ(n, 3);
        CHECK(snap == NULL);
        CHECK_INT_EQ(out[0].sequence, 1);
        CHECK_INT_EQ(out[2].sequence, 3);
        /* Room again after the take: the ring wraps. */
        ev.sequence = 7;
        CHECK(live_queue_push(q, &ev));
        n = live_queue_take(q, out, 8, &snap, 0);
        CHECK_INT_EQ(n, 2);
        CHECK_INT_EQ(out[0].sequence, 4);
        CHECK_INT_EQ(out[1].sequence, 7);
        /* Nothing: the wait runs out. */
        CHECK_INT_EQ(live_queue_take(q, out, 8, &snap, 10), 0);
        live_queue_free(q);
}

static void test_queue_snapshot_supersedes(void)
{
        struct live_queue *q = live_queue_new(8);
        struct fs_event out[8], ev = reg_event(FS_EVENT_REGISTER, "1001", "c", "x", 1);
        struct live_snapshot *snap = NULL, *s1 = calloc(1, sizeof(*s1)), *s2 = calloc(1, sizeof(*s2));
        uint64_t received, dropped;

        uint64_t mark;

        CHECK(live_queue_push(q, &ev));
        CHECK(live_queue_push(q, &ev));
        s1->n_regs = 1;
        live_queue_snapshot(q, s1, live_queue_mark(q));  /* the two before it are older */
        mark = live_queue_mark(q);       /* a re-read begins… */
        ev.sequence = 3;
        CHECK(live_queue_push(q, &ev));  /* …an event comes while it reads… */
        s2->n_regs = 2;
        live_queue_snapshot(q, s2, mark); /* the newer listing wins; s1 is freed */
        ev.sequence = 2;
        CHECK(live_queue_push(q, &ev));
        CHECK_INT_EQ(live_queue_take(q, out, 8, &snap, 0), 2);
        CHECK(snap == s2);
        CHECK_INT_EQ(snap->n_regs, 2);
        CHECK_INT_EQ(out[0].sequence, 3); /* …and follows it */
        CHECK_INT_EQ(out[1].sequence, 2);
        live_snapshot_free(snap);
        live_queue_counts(q, &received, &dropped);
        CHECK_INT_EQ(dropped, 0);        /* superseded, not dropped */
        live_queue_free(q);
}

struct pusher {
        struct live_queue *q;
        int pushed;
};

static void *push_many(void *arg)
{
        struct pusher *p = arg;
        struct fs_event ev = reg_event(FS_EVENT_REGISTER, "1001", "c", "x", 0);

        for (int i = 0; i < 5000; i++)
                p->pushed += live_queue_push(p->q, &ev);
        return NULL;
}

static void *waker(void *arg)
{
        struct timespec t = { .tv_nsec = 20 * 1000000L };

        nanosleep(&t, NULL);
        live_queue_wake(arg);
        return NULL;
}

static void test_queue_threads(void)
{
        struct live_queue *q = live_queue_new(64);
        struct fs_event *out = calloc(64, sizeof(*out));
        struct pusher p[3] = { { q, 0 }, { q, 0 }, { q, 0 } };
        struct live_snapshot *snap = NULL;
        pthread_t t[3], w;
        uint64_t received, dropped, taken = 0;

        for (int i = 0; i < 3; i++)
                pthread_create(&t[i], NULL, push_many, &p[i]);
        for (int k = 0; k < 200; k++)
                taken += live_queue_take(q, out, 64, &snap, 1);
        for (int i = 0; i < 3; i++)
                pthread_join(t[i], NULL);
        taken += live_queue_take(q, out, 64, &snap, 0);
        live_queue_counts(q, &received, &dropped);
        CHECK_INT_EQ(received, 15000);
        CHECK_INT_EQ(received - dropped, taken);
        CHECK_INT_EQ((uint64_t)(p[0].pushed + p[1].pushed + p[2].pushed), taken);
        /* A wake ends a long wait with nothing. */
        pthread_create(&w, NULL, waker, q);
        CHECK_INT_EQ(live_queue_take(q, out, 64, &snap, 5000), 0);
        pthread_join(w, NULL);
        free(out);
        live_queue_free(q);
}

static void test_registrations_in_memory(void)
{
        struct live_regs *r = live_regs_new();
        struct fs_event ev;
        struct fs_registration listing[2];

        CHECK(!live_regs_pending(r));
        ev = reg_event(FS_EVENT_REGISTER, "1001", "call-a", "<sip:1001@127.0.0.1:5061>", 1);
        live_regs_event(r, &ev, 1000);
        ev = reg_event(FS_EVENT_REGISTER, "1001", "call-b", "<sip:1001@127.0.0.1:5062>", 2);
        live_regs_event(r, &ev, 1000);
        ev = reg_event(FS_EVENT_REGISTER, "1002", "call-c", "<sip:1002@127.0.0.1:5063>", 3);
        live_regs_event(r, &ev, 1000);
        CHECK(live_regs_pending(r));
        CHECK_INT_EQ(live_regs_count(r), 2);
        /* An unregister of one binding keeps the other. */
        ev = reg_event(FS_EVENT_UNREGISTER, "1001", "call-a", "", 4);
        live_regs_event(r, &ev, 1001);
        CHECK_INT_EQ(live_regs_count(r), 2);
        ev = reg_event(FS_EVENT_EXPIRE, "1001", "call-b", "", 5);
        live_regs_event(r, &ev, 1002);
        CHECK_INT_EQ(live_regs_count(r), 1);
        /* One of someone never seen: nothing. */
        ev = reg_event(FS_EVENT_UNREGISTER, "1009", "call-z", "", 6);
        live_regs_event(r, &ev, 1002);
        CHECK_INT_EQ(live_regs_count(r), 1);
        /* Channel events are not registrations. */
        ev.kind = FS_EVENT_CHANNEL_CREATE;
        live_regs_event(r, &ev, 1002);
        CHECK_INT_EQ(live_regs_count(r), 1);
        /* A re-read replaces everything. */
        memset(listing, 0, sizeof(listing));
        for (int i = 0; i < 2; i++) {
                snprintf(listing[i].user, sizeof(listing[i].user), "20%02d", i);
                snprintf(listing[i].call_id, sizeof(listing[i].call_id), "l%d", i);
                listing[i].expires = 60;
        }
        live_regs_snapshot(r, listing, 2, 1003, false);
        CHECK_INT_EQ(live_regs_count(r), 2);
        live_regs_snapshot(r, listing, 0, 1004, true);
        CHECK_INT_EQ(live_regs_count(r), 0);
        CHECK(live_regs_pending(r));
        live_regs_free(r);
}

static void test_registrations_many(void)
{
        struct live_regs *r = live_regs_new();
        char user[16], call[16];

        /* Past the first table size: it grows, nothing is lost. */
        for (int i = 0; i < 20000; i++) {
                struct fs_event ev;
                snprintf(user, sizeof(user), "%d", 100000 + i);
                snprintf(call, sizeof(call), "c%d", i);
                ev = reg_event(FS_EVENT_REGISTER, user, call, "<sip:x@127.0.0.1>", (uint64_t)i);
                live_regs_event(r, &ev, 1000);
        }
        CHECK_INT_EQ(live_regs_count(r), 20000);
        live_regs_free(r);
}

int main(void)
{
        test_queue_bounds();
        test_queue_snapshot_supersedes();
        test_queue_threads();
        test_registrations_in_memory();
        test_registrations_many();
        return CHECK_DONE();
}
