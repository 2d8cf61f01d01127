/* The live streams' reader and subscribers; see streams.h. */
#define LOG_MODULE "events"
#include "domain/events/streams.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/core/worker.h"
#include "domain/events/events.h"
#include "util/log.h"

/* Events read per statement. */
#define READ_BATCH 256

static const char CONNECTED[] = ": connected\n\n";
static const char HEARTBEAT[] = ": heartbeat\n\n";
static const char RELOAD[] = "event: reload\ndata: {\"reason\":\"gap\"}\n\n";
static const char END_SESSION[] = "event: end\ndata: {\"reason\":\"session_ended\"}\n\n";
static const char END_SHUTDOWN[] = "event: end\ndata: {\"reason\":\"shutdown\"}\n\n";

struct subscriber {
        struct events_scope scope;
        struct events_sink sink;
        int64_t after;                   /* events up to this id were replayed */
        struct subscriber *next;
};

struct events_hub {
        struct app *app;
        struct worker *worker;
        pthread_mutex_t lock;            /* guards what follows */
        struct events_ring ring;
        int64_t cursor;                  /* the newest event read */
        struct subscriber *subs;
        size_t n_subs;
        bool stopped;
        /* the reader thread's own */
        uint64_t appended_seen;
        int64_t hot_until_ms, next_read_ms, next_heartbeat_ms, next_session_check_ms;
        atomic_uint_fast64_t dropped_slow, sent;
};

static int64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Ends s (with last words, or none) and lets go of its sink. */
static void finish(struct subscriber *s, const char *last_words)
{
        if (last_words)
                (void)s->sink.write(s->sink.ctx, last_words, strlen(last_words));
        s->sink.end(s->sink.ctx);
        s->sink.release(s->sink.ctx);
        free(s);
}

/* Writes to s; false when s is over (counted when it was too slow).
 * hub->lock held. */
static bool deliver(struct events_hub *hub, struct subscriber *s, const char *data, size_t len)
{
        enum result result = s->sink.write(s->sink.ctx, data, len);

        if (result == RESULT_TOO_BIG)
                atomic_fetch_add(&hub->dropped_slow, 1);
        return result == RESULT_OK;
}

/* Drops the subscribers marked (scope.stream set out of range) after a
 * pass; hub->lock held. */
static void sweep(struct events_hub *hub, bool (*over)(struct subscriber *, void *), void *arg,
                  const char *last_words)
{
        struct subscriber **p = &hub->subs;

        while (*p) {
                struct subscriber *s = *p;
                if (over(s, arg)) {
                        *p = s->next;
                        hub->n_subs--;
                        finish(s, last_words);
                } else {
                        p = &s->next;
                }
        }
}

struct fanout {
        struct events_hub *hub;
        const struct events_entry *entry;
};

static bool fanout_one(struct subscriber *s, void *arg)
{
        struct fanout *f = arg;
        const char *frame;
        size_t len;

        if (f->entry->id <= s->after)
                return false;
        frame = events_entry_frame(f->entry, &s->scope, &len);
        if (!frame)
                return false;
        atomic_fetch_add(&f->hub->sent, 1);
        return !deliver(f->hub, s, frame, len);
}

static bool heartbeat_one(struct subscriber *s, void *arg)
{
        return !deliver(arg, s, HEARTBEAT, sizeof(HEARTBEAT) - 1);
}

/* Reads what the log gained since the cursor, into the ring and out to
 * the streams. */
static enum result read_new(struct events_hub *hub, struct store_conn *conn)
{
        enum result result;
        size_t n;

        do {
                struct store_live_event *items = NULL;
                struct events_entry *entries;
                int64_t cursor;

                pthread_mutex_lock(&hub->lock);
                cursor = hub->cursor;
                pthread_mutex_unlock(&hub->lock);
                result = store_live_events_after(conn, cursor, READ_BATCH, &items, &n);
                if (result)
                        return result;
                entries = n ? calloc(n, sizeof(*entries)) : NULL;
                for (size_t i = 0; i < n && entries && !result; i++)
                        result = events_entry_make(&items[i], &entries[i]);
                store_live_events_free(items, n);
                if (n && !entries)
                        result = RESULT_NOMEM;
                if (result) {
                        for (size_t i = 0; entries && i < n; i++)
                                events_entry_clear(&entries[i]);
                        free(entries);
                        return result;
                }
                /* Framed outside the lock; handed out under it, so a
                 * subscription sees each event exactly once: replayed
                 * from the ring or delivered here. */
                pthread_mutex_lock(&hub->lock);
                for (size_t i = 0; i < n; i++) {
                        struct fanout f = { hub, &entries[i] };
                        sweep(hub, fanout_one, &f, NULL);
                        hub->cursor = entries[i].id;
                        events_ring_push(&hub->ring, &entries[i]);
                }
                pthread_mutex_unlock(&hub->lock);
                free(entries);
        } while (n == READ_BATCH);
        return RESULT_OK;
}

struct dead_sessions {
        const int64_t *ids;
        const bool *live;
        size_t n;
};

static bool session_over(struct subscriber *s, void *arg)
{
        const struct dead_sessions *d = arg;

        for (size_t i = 0; i < d->n; i++)
                if (d->ids[i] == s->scope.session_id)
                        return !d->live[i];
        return false;   /* subscribed after the check: checked next time */
}

/* Ends the streams whose session is no longer live. */
static enum result check_sessions(struct events_hub *hub, struct store_conn *conn)
{
        int64_t *ids;
        bool *live;
        size_t n = 0;
        enum result result;

        pthread_mutex_lock(&hub->lock);
        ids = hub->n_subs ? calloc(hub->n_subs, sizeof(*ids)) : NULL;
        for (struct subscriber *s = hub->subs; s && ids; s = s->next)
                ids[n++] = s->scope.session_id;
        pthread_mutex_unlock(&hub->lock);
        if (!n) {
                free(ids);
                return RESULT_OK;
        }
        live = calloc(n, sizeof(*live));
        result = live ? store_sessions_live(conn, ids, n, store_now(), live) : RESULT_NOMEM;
        if (!result) {
                struct dead_sessions d = { ids, live, n };
                pthread_mutex_lock(&hub->lock);
                sweep(hub, session_over, &d, END_SESSION);
                pthread_mutex_unlock(&hub->lock);
        }
        free(live);
        free(ids);
        return result;
}

static enum result read_round(void *userdata, bool *ret_more)
{
        struct events_hub *hub = userdata;
        struct store_conn *conn;
        uint64_t appended = events_appended();
        int64_t now = now_ms();
        enum result result;

        *ret_more = false;
        result = store_conn_get(hub->app->store, &conn);
        if (result)
                return result;
        /* An append of this process commits a moment later: the log is
         * read at each round for a while after one. */
        if (appended != hub->appended_seen) {
                hub->appended_seen = appended;
                hub->hot_until_ms = now + EVENTS_HOT_MS;
        }
        if (now < hub->hot_until_ms || now >= hub->next_read_ms) {
                result = read_new(hub, conn);
                if (result)
                        return result;
                hub->next_read_ms = now + EVENTS_POLL_MS;
        }
        if (now >= hub->next_session_check_ms) {
                result = check_sessions(hub, conn);
                if (result)
                        return result;
                hub->next_session_check_ms = now + EVENTS_SESSION_CHECK_S * 1000;
        }
        if (now >= hub->next_heartbeat_ms) {
                pthread_mutex_lock(&hub->lock);
                sweep(hub, heartbeat_one, hub, NULL);
                pthread_mutex_unlock(&hub->lock);
                hub->next_heartbeat_ms = now + EVENTS_HEARTBEAT_S * 1000;
        }
        return RESULT_OK;
}

enum result events_hub_start(struct app *app, struct events_hub **ret)
{
        struct events_hub *hub = calloc(1, sizeof(*hub));
        struct store_conn *conn;
        int64_t last = 0, floor;
        enum result result;
        struct worker_def def = {
                .name = "events",
                .round = read_round,
                .userdata = hub,
                /* A check of events_appended() (an atomic load) at this
                 * pace; the log is read after it moved, or when
                 * EVENTS_POLL_MS passed. */
                .poll_ms = 10,
                .backoff_max_ms = 1000,
        };

        if (!hub)
                return RESULT_NOMEM;
        hub->app = app;
        pthread_mutex_init(&hub->lock, NULL);
        hub->appended_seen = events_appended();
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_live_events_last_id(conn, &last);
        floor = last > EVENTS_RING_EVENTS ? last - EVENTS_RING_EVENTS : 0;
        if (!result)
                result = events_ring_init(&hub->ring, EVENTS_RING_EVENTS, EVENTS_RING_BYTES, floor);
        hub->cursor = floor;
        /* The newest events of the log, for clients that resume across a
         * restart or from another node. */
        if (!result)
                result = read_new(hub, conn);
        if (!result) {
                int64_t now = now_ms();
                hub->next_read_ms = now + EVENTS_POLL_MS;
                hub->next_heartbeat_ms = now + EVENTS_HEARTBEAT_S * 1000;
                hub->next_session_check_ms = now + EVENTS_SESSION_CHECK_S * 1000;
                result = worker_start(app->store, &def, &hub->worker);
        }
        if (result) {
                events_ring_free(&hub->ring);
                pthread_mutex_destroy(&hub->lock);
                free(hub);
                return result;
        }
        *ret = hub;
        return RESULT_OK;
}

void events_subscribe(struct events_hub *hub, const struct events_scope *scope,
                      int64_t last_event_id, const struct events_sink *sink)
{
        struct subscriber *s = calloc(1, sizeof(*s));
        bool ok;

        if (!s) {
                sink->end(sink->ctx);
                sink->release(sink->ctx);
                return;
        }
        s->scope = *scope;
        s->sink = *sink;
        pthread_mutex_lock(&hub->lock);
        if (hub->stopped) {
                finish(s, END_SHUTDOWN);
                pthread_mutex_unlock(&hub->lock);
                return;
        }
        ok = deliver(hub, s, CONNECTED, sizeof(CONNECTED) - 1);
        if (ok && last_event_id >= 0) {
                if (!events_ring_covers(&hub->ring, last_event_id)) {
                        ok = deliver(hub, s, RELOAD, sizeof(RELOAD) - 1);
                } else {
                        for (size_t i = 0; ok && i < hub->ring.n; i++) {
                                const struct events_entry *e = events_ring_at(&hub->ring, i);
                                const char *frame;
                                size_t len;
                                if (e->id <= last_event_id)
                                        continue;
                                frame = events_entry_frame(e, &s->scope, &len);
                                if (frame) {
                                        atomic_fetch_add(&hub->sent, 1);
                                        ok = deliver(hub, s, frame, len);
                                }
                        }
                        s->after = last_event_id;
                }
        }
        if (ok) {
                s->next = hub->subs;
                hub->subs = s;
                hub->n_subs++;
        } else {
                finish(s, NULL);
        }
        pthread_mutex_unlock(&hub->lock);
}

static bool always(struct subscriber *s, void *arg)
{
        (void)s;
        (void)arg;
        return true;
}

void events_hub_stop(struct events_hub *hub)
{
        if (!hub)
                return;
        worker_stop(hub->worker);
        hub->worker = NULL;
        pthread_mutex_lock(&hub->lock);
        hub->stopped = true;
        sweep(hub, always, NULL, END_SHUTDOWN);
        pthread_mutex_unlock(&hub->lock);
}

void events_hub_free(struct events_hub *hub)
{
        if (!hub)
                return;
        events_hub_stop(hub);
        events_ring_free(&hub->ring);
        pthread_mutex_destroy(&hub->lock);
        free(hub);
}

void events_hub_counts(struct events_hub *hub, struct events_hub_counts *ret)
{
        memset(ret, 0, sizeof(*ret));
        if (!hub)
                return;
        pthread_mutex_lock(&hub->lock);
        ret->streams = hub->n_subs;
        ret->last_id = hub->cursor;
        pthread_mutex_unlock(&hub->lock);
        ret->dropped_slow = atomic_load(&hub->dropped_slow);
        ret->sent = atomic_load(&hub->sent);
}
