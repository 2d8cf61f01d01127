/*
 * The FreeSWITCH listener (see live.h): the supervisor that follows the
 * clusters' nodes, and per node a reader thread (the Event Socket
 * connection: connect, subscribe, re-read, read events into the queue,
 * send the flushes of refused registrations) and an applier thread (the
 * node's lock, its batches, its stream's heartbeat, the sinks).
 *
 * States of a node's listener:
 *   WAITING (no lock; the applier tries every second)
 *   --lock taken--> CONNECTING --logged in, subscribed--> RE-READING
 *   --listings queued--> STREAMING --drop, failed batch--> RE-READING
 *   CONNECTING/STREAMING --connection lost--> CONNECTING (backoff 250 ms,
 *   doubling, at most 5 s)
 *   any --lock lost--> WAITING;  any --node gone, stop--> STOPPED
 */
#define LOG_MODULE "live"
#include "domain/live/live.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/core/credentials.h"
#include "domain/live/queue.h"
#include "domain/live/registrations.h"
#include "domain/switches/cluster.h"
#include "domain/switches/reconciler.h"
#include "freeswitch/callcenter.h"
#include "freeswitch/esl.h"
#include "freeswitch/events.h"
#include "util/log.h"
#include "util/text.h"
#include "util/wipe.h"

#define LOCK_BASE 0x616c000000000000LL  /* "al": the listeners' advisory-lock keys */
#define CONNECT_TIMEOUT_MS 2000
#define COMMAND_TIMEOUT_MS 3000
#define LISTING_TIMEOUT_MS 15000
#define BACKOFF_MIN_MS 250
#define BACKOFF_MAX_MS 5000
#define LOCK_TRY_MS 1000
#define HEARTBEAT_MS 1000
#define FLUSHES_MAX 256

/* One node to listen to, as the clusters define it. */
struct node_def {
        int64_t cluster_id;
        char cluster[128];
        char host[256];
        unsigned port;
        char password[256];
        char profile[STORE_SHORT_MAX];
        char node[300];                  /* host:port */
        char fingerprint[700];           /* what, changed, means a new connection */
};

struct node {
        struct live *live;
        struct node_def def;
        int64_t lock_key;
        pthread_t reader, applier;
        atomic_bool stop, removed;       /* removed: the node left its cluster */
        atomic_bool leading, connected, resync, broken;
        struct live_queue *queue;
        pthread_mutex_t lock;            /* guards flushes */
        char *flushes[FLUSHES_MAX];
        size_t n_flushes;
        atomic_int_fast64_t lag_us;      /* the last batch with events: its commit time
                                          * minus its newest event's Event-Date-Timestamp */
        struct node *next;
};

struct live {
        struct app *app;
        struct live_sink sinks[LIVE_SINKS_MAX];
        size_t n_sinks;
        pthread_t supervisor;
        pthread_mutex_t lock;            /* guards nodes, stop */
        pthread_cond_t wake;
        bool stop;
        struct node *nodes;
        atomic_uint_fast64_t refused;
};

static int64_t mono_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_us(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Sleeps ms in short steps, returning early once the node stops. */
static void nap(struct node *n, int ms)
{
        while (ms > 0 && !atomic_load(&n->stop)) {
                int step = ms < 50 ? ms : 50;
                nanosleep(&(struct timespec){ .tv_nsec = step * 1000000L }, NULL);
                ms -= step;
        }
}

/* ---- the reader ------------------------------------------------------- */

static void on_event(void *userdata, const struct esl_frame *frame)
{
        struct node *n = userdata;
        struct fs_event ev;

        if (fs_event_parse(frame, &ev) != RESULT_OK) {
                atomic_store(&n->broken, true);
                return;
        }
        if (ev.kind == FS_EVENT_OTHER ||
            (ev.kind == FS_EVENT_CALLCENTER && ev.u.cc.action == FS_CC_OTHER))
                return;
        if (!live_queue_push(n->queue, &ev))
                atomic_store(&n->resync, true);   /* a drop: read the node again */
}

struct listing {
        void *items;
        size_t n, cap, size;
        bool nomem;
};

static void listing_add(struct listing *l, const void *item)
{
        if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 64;
                void *g = realloc(l->items, cap * l->size);
                if (!g) {
                        l->nomem = true;
                        return;
                }
                l->items = g;
                l->cap = cap;
        }
        memcpy((char *)l->items + l->n++ * l->size, item, l->size);
}

static void add_reg(void *userdata, const struct fs_registration *reg)
{
        listing_add(userdata, reg);
}

static void add_channel(void *userdata, const struct fs_channel *channel)
{
        listing_add(userdata, channel);
}

/* A callcenter_config listing, parsed: false when mod_callcenter gave no
 * table (not loaded: "-ERR … Command not found!"); *ret_result a
 * connection's failure. */
static bool cc_table(struct esl_conn *conn, const char *cmd, struct fs_cc_table *t,
                     enum result *ret_result)
{
        char *body = NULL;
        enum result result = esl_api(conn, cmd, LISTING_TIMEOUT_MS, &body);
        bool ok = false;

        memset(t, 0, sizeof(*t));
        if (result == RESULT_OK || result == RESULT_INVALID) {
                ok = body && fs_cc_table_parse(body, t) == RESULT_OK;
                result = RESULT_OK;
        }
        free(body);
        *ret_result = result;
        return ok;
}

static int64_t cc_int(const struct fs_cc_table *t, size_t r, const char *col)
{
        const char *v = fs_cc_table_get(t, r, col);

        return v ? strtoll(v, NULL, 10) : 0;
}

static void cc_text(const struct fs_cc_table *t, size_t r, const char *col, char *dst, size_t size)
{
        const char *v = fs_cc_table_get(t, r, col);

        text_copy(dst, size, v ? v : "");
}

/* The callers of queue q (agentdesk's q<id>) into members. */
static void cc_add_members(const struct fs_cc_table *t, int64_t queue_id, struct listing *members)
{
        for (size_t r = 0; r < t->n_rows; r++) {
                struct live_cc_member m = { .queue_id = queue_id };
                cc_text(t, r, "uuid", m.uuid, sizeof(m.uuid));
                cc_text(t, r, "session_uuid", m.session_uuid, sizeof(m.session_uuid));
                cc_text(t, r, "cid_number", m.caller_number, sizeof(m.caller_number));
                cc_text(t, r, "cid_name", m.caller_name, sizeof(m.caller_name));
                cc_text(t, r, "state", m.state, sizeof(m.state));
                m.joined_at = cc_int(t, r, "joined_epoch");
                m.bridge_at = cc_int(t, r, "bridge_epoch");
                m.agent_id = fs_cc_agent_id(fs_cc_table_get(t, r, "serving_agent"));
                if (m.uuid[0])
                        listing_add(members, &m);
        }
}

static void cc_add_agents(const struct fs_cc_table *t, struct listing *agents)
{
        for (size_t r = 0; r < t->n_rows; r++) {
                struct live_cc_agent a = { .user_id = fs_cc_agent_id(fs_cc_table_get(t, r, "name")) };
                if (!a.user_id)
                        continue;   /* made by hand on the node: not agentdesk's */
                cc_text(t, r, "status", a.status, sizeof(a.status));
                cc_text(t, r, "state", a.state, sizeof(a.state));
                a.last_bridge_end = cc_int(t, r, "last_bridge_end");
                a.last_bridge_start = cc_int(t, r, "last_bridge_start");
                a.wrap_up_time = cc_int(t, r, "wrap_up_time");
                a.last_status_change = cc_int(t, r, "last_status_change");
                a.last_offered_call = cc_int(t, r, "last_offered_call");
                listing_add(agents, &a);
        }
}

/* mod_callcenter's callers of agentdesk's queues and its agents, into cc
 * (cc->known false when it has none to say). */
static enum result reread_callcenter(struct esl_conn *conn, struct live_cc_state *cc)
{
        struct listing members = { .size = sizeof(struct live_cc_member) };
        struct listing agents = { .size = sizeof(struct live_cc_agent) };
        struct fs_cc_table queues, t;
        enum result result;

        memset(cc, 0, sizeof(*cc));
        char cmd[FS_CC_COMMAND_MAX];

        fs_cc_cmd_list(cmd, FS_CC_LIST_QUEUES, 0);
        if (!cc_table(conn, cmd, &queues, &result))
                return result;
        for (size_t r = 0; !result && r < queues.n_rows; r++) {
                int64_t id = fs_cc_queue_id(fs_cc_table_get(&queues, r, "name"));
                if (!id)
                        continue;
                fs_cc_cmd_list(cmd, FS_CC_LIST_MEMBERS, id);
                if (cc_table(conn, cmd, &t, &result))
                        cc_add_members(&t, id, &members);
                fs_cc_table_free(&t);
        }
        fs_cc_table_free(&queues);
        fs_cc_cmd_list(cmd, FS_CC_LIST_AGENTS, 0);
        if (!result && cc_table(conn, cmd, &t, &result))
                cc_add_agents(&t, &agents);
        fs_cc_table_free(&t);
        if (!result && (members.nomem || agents.nomem))
                result = RESULT_NOMEM;
        if (result) {
                free(members.items);
                free(agents.items);
                return result;
        }
        cc->known = true;
        cc->members = members.items;
        cc->n_members = members.n;
        cc->agents = agents.items;
        cc->n_agents = agents.n;
        return RESULT_OK;
}

/* Reads the node's registrations, channels and mod_callcenter state, and
 * queues them. */
static enum result reread(struct node *n, struct esl_conn *conn)
{
        struct listing regs = { .size = sizeof(struct fs_registration) };
        struct listing chans = { .size = sizeof(struct fs_channel) };
        struct live_cc_state cc = { 0 };
        struct live_snapshot *s;
        uint64_t mark = live_queue_mark(n->queue);
        char cmd[128], *body = NULL;
        enum result result;

        snprintf(cmd, sizeof(cmd), "sofia xmlstatus profile %s reg", n->def.profile);
        result = esl_api(conn, cmd, LISTING_TIMEOUT_MS, &body);
        if (result == RESULT_OK)
                result = fs_registrations_parse(body, add_reg, &regs);
        else if (result == RESULT_INVALID)
                LOG_WARN("node %s: %s: %.120s", n->def.node, cmd, body ? body : "");
        free(body);
        body = NULL;
        if (!result || result == RESULT_INVALID)
                result = esl_api(conn, "show channels as json", LISTING_TIMEOUT_MS, &body);
        if (!result)
                result = fs_channels_parse(body, add_channel, &chans);
        free(body);
        if (!result && (regs.nomem || chans.nomem))
                result = RESULT_NOMEM;
        if (!result)
                result = reread_callcenter(conn, &cc);
        s = result ? NULL : calloc(1, sizeof(*s));
        if (!s) {
                free(regs.items);
                free(chans.items);
                free(cc.members);
                free(cc.agents);
                return result ? result : RESULT_NOMEM;
        }
        s->regs = regs.items;
        s->n_regs = regs.n;
        s->channels = chans.items;
        s->n_channels = chans.n;
        s->cc = cc;
        live_queue_snapshot(n->queue, s, mark);
        LOG_INFO("node %s: read %zu registration(s), %zu channel(s), %zu queue caller(s) and "
                 "%zu queue agent(s)",
                 n->def.node, regs.n, chans.n, cc.n_members, cc.n_agents);
        return RESULT_OK;
}

/* Sends the flushes the applier asked for. */
static enum result send_flushes(struct node *n, struct esl_conn *conn)
{
        enum result result = RESULT_OK;

        for (;;) {
                char *cmd = NULL, *body = NULL;
                pthread_mutex_lock(&n->lock);
                if (n->n_flushes) {
                        cmd = n->flushes[0];
                        memmove(n->flushes, n->flushes + 1, --n->n_flushes * sizeof(char *));
                }
                pthread_mutex_unlock(&n->lock);
                if (!cmd)
                        return result;
                result = esl_api(conn, cmd, COMMAND_TIMEOUT_MS, &body);
                if (result == RESULT_INVALID)
                        LOG_WARN("node %s: %s: %.120s", n->def.node, cmd, body ? body : "");
                free(body);
                free(cmd);
                if (result && result != RESULT_INVALID)
                        return result;
                result = RESULT_OK;
        }
}

static void *reader(void *arg)
{
        struct node *n = arg;
        struct esl_conn *conn = NULL;
        int64_t reread_ms = n->live->app->settings.live_reread_interval * 1000, last_read = 0;
        int backoff = BACKOFF_MIN_MS;
        bool warned = false;

        while (!atomic_load(&n->stop)) {
                char error[200] = "";
                enum result result;

                if (!atomic_load(&n->leading)) {
                        if (conn) {
                                esl_conn_free(conn);
                                conn = NULL;
                                atomic_store(&n->connected, false);
                        }
                        nap(n, 100);
                        continue;
                }
                if (!conn) {
                        result = esl_connect(n->def.host, n->def.port, n->def.password,
                                             CONNECT_TIMEOUT_MS, &conn, error, sizeof(error));
                        if (!result) {
                                esl_conn_on_event(conn, on_event, n);
                                result = esl_command(conn, FS_EVENTS_SUBSCRIPTION,
                                                     COMMAND_TIMEOUT_MS, error, sizeof(error));
                                if (result) {
                                        esl_conn_free(conn);
                                        conn = NULL;
                                }
                        }
                        if (result) {
                                if (!warned)
                                        LOG_WARN("node %s: no event stream: %s", n->def.node,
                                                 error[0] ? error : result_name(result));
                                warned = true;
                                nap(n, backoff);
                                backoff = backoff * 2 < BACKOFF_MAX_MS ? backoff * 2 : BACKOFF_MAX_MS;
                                continue;
                        }
                        LOG_INFO("node %s: event stream connected", n->def.node);
                        warned = false;
                        backoff = BACKOFF_MIN_MS;
                        atomic_store(&n->broken, false);
                        atomic_store(&n->resync, true);
                        atomic_store(&n->connected, true);
                }
                result = RESULT_OK;
                /* After a (re)connect or a drop, and every so often: a
                 * flush_inbound_reg removes registrations without an event. */
                if (mono_ms() - last_read >= reread_ms)
                        atomic_store(&n->resync, true);
                if (atomic_exchange(&n->resync, false)) {
                        result = reread(n, conn);
                        last_read = mono_ms();
                }
                if (!result)
                        result = send_flushes(n, conn);
                if (!result)
                        result = esl_conn_read_events(conn, 100, 512, NULL);
                if (!result && atomic_load(&n->broken))
                        result = RESULT_PROTOCOL;
                if (result) {
                        LOG_WARN("node %s: event stream lost (%s); connecting again", n->def.node,
                                 result_name(result));
                        esl_conn_free(conn);
                        conn = NULL;
                        atomic_store(&n->connected, false);
                }
        }
        esl_conn_free(conn);
        atomic_store(&n->connected, false);
        return NULL;
}

/* ---- the applier ------------------------------------------------------ */

static void refuse(void *userdata, const char *user, const char *realm)
{
        struct node *n = userdata;
        char *cmd;

        if (!text_word_valid(user) || !text_word_valid(realm) || !text_word_valid(n->def.profile))
                return;
        if (asprintf(&cmd, "sofia profile %s flush_inbound_reg %s@%s reboot", n->def.profile, user,
                     realm) < 0)
                return;
        pthread_mutex_lock(&n->lock);
        if (n->n_flushes < FLUSHES_MAX) {
                n->flushes[n->n_flushes++] = cmd;
                cmd = NULL;
        }
        pthread_mutex_unlock(&n->lock);
        free(cmd);
        atomic_fetch_add(&n->live->refused, 1);
}

/* One batch in one transaction, on the lock's connection. RESULT_BUSY
 * when the lock is gone. */
static enum result apply(struct node *n, struct store_conn *conn, struct live_regs *regs,
                         struct live_snapshot *snap, const struct fs_event *evs, size_t n_evs,
                         bool heartbeat, bool connected)
{
        struct live *live = n->live;
        struct live_node_ref ref = { .cluster_id = n->def.cluster_id, .node = n->def.node };
        struct live_flush f = { .app = live->app, .conn = conn, .cluster_id = n->def.cluster_id,
                                .node = n->def.node, .refuse = refuse, .userdata = n };
        bool held = false;
        enum result result;

        result = store_begin(conn);
        if (!result) {
                result = store_singleton_held(conn, n->lock_key, &held);
                if (!result && !held)
                        result = RESULT_BUSY;
        }
        for (size_t k = 0; !result && snap && k < live->n_sinks; k++) {
                const struct live_sink *sink = &live->sinks[k];
                if (sink->channels_resync)
                        result = sink->channels_resync(sink->userdata, conn, &ref, snap->channels,
                                                       snap->n_channels);
                if (!result && sink->callcenter_resync)
                        result = sink->callcenter_resync(sink->userdata, conn, &ref, &snap->cc);
        }
        if (!result && live_regs_pending(regs))
                result = live_regs_flush(regs, &f);
        for (size_t i = 0; !result && i < n_evs; i++) {
                bool channel = evs[i].kind >= FS_EVENT_CHANNEL_CREATE &&
                               evs[i].kind <= FS_EVENT_CHANNEL_HANGUP_COMPLETE;
                bool cc = evs[i].kind == FS_EVENT_CALLCENTER;
                for (size_t k = 0; !result && k < live->n_sinks; k++) {
                        const struct live_sink *sink = &live->sinks[k];
                        if (channel && sink->channel_event)
                                result = sink->channel_event(sink->userdata, conn, &ref, &evs[i]);
                        else if (cc && sink->callcenter_event)
                                result = sink->callcenter_event(sink->userdata, conn, &ref, &evs[i]);
                }
        }
        for (size_t k = 0; !result && k < live->n_sinks; k++)
                if (live->sinks[k].batch_end)
                        result = live->sinks[k].batch_end(live->sinks[k].userdata, conn, &ref);
        if (!result && heartbeat)
                result = store_live_stream_set(conn, n->def.cluster_id, n->def.node, connected);
        if (!result)
                result = store_commit(conn);
        if (result)
                store_rollback(conn);
        return result;
}

static void load_row(void *userdata, const struct store_live_registration *reg)
{
        live_regs_load(userdata, reg);
}

static void *applier(void *arg)
{
        struct node *n = arg;
        struct store *store = n->live->app->store;
        struct store_conn *conn = NULL;
        struct live_regs *regs = live_regs_new();
        struct fs_event *evs = calloc(LIVE_QUEUE_EVENTS, sizeof(*evs));
        int64_t last_try = 0, last_beat = 0, last_batch = 0;
        bool leading = false, was_connected = false, failing = false, rewrite = true;
        /* A snapshot of the node was applied since its stream connected:
         * until then the stream is not marked connected, or a reader would
         * take the registrations not written yet for "not registered". */
        bool synced = false;

        if (!regs || !evs) {
                LOG_ERR("node %s: out of memory: not listening", n->def.node);
                goto out;
        }
        while (!atomic_load(&n->stop)) {
                struct live_snapshot *snap = NULL;
                int64_t now = mono_ms();
                size_t got;
                bool connected, beat;
                enum result result;

                if (!leading) {
                        bool held = false;
                        if (now - last_try < LOCK_TRY_MS) {
                                nap(n, 100);
                                continue;
                        }
                        last_try = now;
                        if (!conn && store_conn_get(store, &conn) != RESULT_OK)
                                conn = NULL;
                        if (conn)
                                (void)store_singleton_try(conn, n->lock_key, &held);
                        if (!held)
                                continue;
                        LOG_INFO("node %s: this process listens to it", n->def.node);
                        leading = true;
                        last_beat = 0;
                        live_regs_free(regs);
                        regs = live_regs_new();
                        if (!regs)
                                break;
                        /* From what the last holder wrote: the first re-read
                         * publishes only what changed since. */
                        if (store_live_registrations_node(conn, n->def.cluster_id, n->def.node,
                                                          load_row, regs) != RESULT_OK)
                                LOG_WARN("node %s: cannot read its registrations: %s",
                                         n->def.node, store_last_error());
                        rewrite = true;   /* its rows are written again at the first re-read */
                        synced = false;   /* this process's listener connects from now */
                        atomic_store(&n->leading, true);
                }
                if (now - last_batch < LIVE_BATCH_MS)
                        nap(n, (int)(LIVE_BATCH_MS - (now - last_batch)));
                got = live_queue_take(n->queue, evs, LIVE_QUEUE_EVENTS, &snap, LIVE_BATCH_MS);
                now = mono_ms();
                connected = atomic_load(&n->connected);
                if (!connected)
                        synced = false;
                else if (snap)
                        synced = true;
                connected = connected && synced;
                beat = now - last_beat >= HEARTBEAT_MS || connected != was_connected;
                if (!got && !snap && !beat && !live_regs_pending(regs))
                        continue;
                last_batch = now;
                if (snap) {
                        live_regs_snapshot(regs, snap->regs, snap->n_regs, (int64_t)time(NULL),
                                           rewrite);
                        rewrite = false;
                }
                for (size_t i = 0; i < got; i++)
                        live_regs_event(regs, &evs[i], (int64_t)time(NULL));
                result = apply(n, conn, regs, snap, evs, got, beat, connected);
                if (result == RESULT_BUSY) {
                        LOG_WARN("node %s: lost its lock: another process listens to it",
                                 n->def.node);
                        leading = false;
                        atomic_store(&n->leading, false);
                } else if (result) {
                        if (!failing)
                                LOG_ERR("node %s: writing a batch: %s (%s); reading the node again",
                                        n->def.node, result_name(result), store_last_error());
                        failing = true;
                        rewrite = true;
                        atomic_store(&n->resync, true);
                } else {
                        failing = false;
                        if (beat) {
                                last_beat = now;
                                was_connected = connected;
                        }
                        int64_t newest = 0;
                        for (size_t i = 0; i < got; i++)
                                if (evs[i].timestamp_us > newest)
                                        newest = evs[i].timestamp_us;
                        if (newest)
                                atomic_store(&n->lag_us, wall_us() - newest);
                }
                live_snapshot_free(snap);
        }
        /* Leaving: the stream is down (or the node gone, with its rows). */
        if (leading && conn) {
                bool removed = atomic_load(&n->removed);
                enum result result = removed
                        ? store_live_stream_delete(conn, n->def.cluster_id, n->def.node)
                        : store_live_stream_set(conn, n->def.cluster_id, n->def.node, false);
                if (result)
                        LOG_WARN("node %s: cannot mark its stream down: %s", n->def.node,
                                 store_last_error());
        }
out:
        atomic_store(&n->leading, false);
        live_regs_free(regs);
        free(evs);
        if (conn)
                store_conn_release(store);
        return NULL;
}

/* ---- the supervisor --------------------------------------------------- */

static int64_t lock_key(const struct node_def *d)
{
        char key[340];
        uint64_t h = 14695981039346656037ULL;

        snprintf(key, sizeof(key), "%" PRId64 "|%s", d->cluster_id, d->node);
        for (const char *s = key; *s; s++)
                h = (h ^ (unsigned char)*s) * 1099511628211ULL;
        return LOCK_BASE | (int64_t)(h & 0x0000ffffffffffffULL);
}

static void node_free(struct node *n)
{
        for (size_t i = 0; i < n->n_flushes; i++)
                free(n->flushes[i]);
        live_queue_free(n->queue);
        pthread_mutex_destroy(&n->lock);
        wipe_memory(n->def.password, sizeof(n->def.password));
        free(n);
}

static struct node *node_start(struct live *live, const struct node_def *d)
{
        struct node *n = calloc(1, sizeof(*n));

        if (!n)
                return NULL;
        n->live = live;
        n->def = *d;
        n->lock_key = lock_key(d);
        pthread_mutex_init(&n->lock, NULL);
        n->queue = live_queue_new(LIVE_QUEUE_EVENTS);
        if (!n->queue || pthread_create(&n->applier, NULL, applier, n) != 0) {
                node_free(n);
                return NULL;
        }
        if (pthread_create(&n->reader, NULL, reader, n) != 0) {
                atomic_store(&n->stop, true);
                pthread_join(n->applier, NULL);
                node_free(n);
                return NULL;
        }
        return n;
}

static void node_stop(struct node *n, bool removed)
{
        atomic_store(&n->removed, removed);
        atomic_store(&n->stop, true);
        live_queue_wake(n->queue);
        pthread_join(n->reader, NULL);
        pthread_join(n->applier, NULL);
        node_free(n);
}

struct defs {
        struct node_def *items;
        size_t n, cap;
};

static enum result add_cluster(struct app *app, int64_t id, struct defs *defs)
{
        struct cluster *c;
        enum result result = cluster_open(app, id, &c);

        if (result)
                return result;
        for (int i = 0; c->active && i < c->n_nodes; i++) {
                const struct fs_node *fn = &c->nodes[i];
                struct node_def *d;
                char hash[65];
                if (defs->n == defs->cap) {
                        size_t cap = defs->cap ? defs->cap * 2 : 8;
                        struct node_def *g = realloc(defs->items, cap * sizeof(*g));
                        if (!g) {
                                result = RESULT_NOMEM;
                                break;
                        }
                        defs->items = g;
                        defs->cap = cap;
                }
                d = &defs->items[defs->n++];
                memset(d, 0, sizeof(*d));
                d->cluster_id = id;
                text_copy(d->cluster, sizeof(d->cluster), c->name);
                text_copy(d->host, sizeof(d->host), fn->host);
                d->port = fn->port;
                text_copy(d->password, sizeof(d->password), fn->password ? fn->password : "");
                text_copy(d->profile, sizeof(d->profile), fn->profile ? fn->profile : "internal");
                snprintf(d->node, sizeof(d->node), "%s:%u", fn->host, fn->port);
                credentials_keyed_hash(d->password, hash);
                snprintf(d->fingerprint, sizeof(d->fingerprint), "%" PRId64 "|%s|%s|%s", id,
                         d->node, d->profile, hash);
        }
        cluster_close(c);
        return result;
}

static void defs_free(struct defs *defs)
{
        if (defs->items)
                wipe_memory(defs->items, defs->cap * sizeof(*defs->items));
        free(defs->items);
        memset(defs, 0, sizeof(*defs));
}

/* Every node of every active cluster, now. */
static enum result load_defs(struct app *app, struct defs *defs)
{
        struct store_page page = { .limit = CLUSTER_MAX_CLUSTERS };
        struct store_cluster *items = NULL;
        struct store_conn *conn;
        size_t got = 0;
        enum result result = add_cluster(app, 0, defs);

        if (!result)
                result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_cluster_list(conn, &page, &items, &got);
        for (size_t i = 0; !result && i < got; i++) {
                result = add_cluster(app, items[i].id, defs);
                if (result == RESULT_NOT_FOUND)
                        result = RESULT_OK;   /* deleted meanwhile */
        }
        free(items);
        return result;
}

/* Whether a node of before is missing from now (removed, or changed: its
 * fingerprint moved). A node added leaves the kept connections valid. */
static bool some_node_left(const struct defs *before, const struct defs *now)
{
        for (size_t i = 0; i < before->n; i++) {
                bool kept = false;
                for (size_t k = 0; k < now->n && !kept; k++)
                        kept = !strcmp(before->items[i].fingerprint, now->items[k].fingerprint);
                if (!kept)
                        return true;
        }
        return false;
}

/* Makes the running listeners match defs. */
static void follow(struct live *live, const struct defs *defs)
{
        struct node *gone = NULL;

        pthread_mutex_lock(&live->lock);
        for (struct node **p = &live->nodes; *p;) {
                struct node *n = *p;
                bool wanted = false;
                for (size_t i = 0; i < defs->n && !wanted; i++)
                        wanted = !strcmp(defs->items[i].fingerprint, n->def.fingerprint);
                if (wanted) {
                        p = &n->next;
                        continue;
                }
                *p = n->next;
                n->next = gone;
                gone = n;
        }
        for (size_t i = 0; i < defs->n; i++) {
                bool running = false;
                for (struct node *n = live->nodes; n && !running; n = n->next)
                        running = !strcmp(defs->items[i].fingerprint, n->def.fingerprint);
                if (running)
                        continue;
                struct node *n = node_start(live, &defs->items[i]);
                if (!n) {
                        LOG_ERR("node %s: cannot start its listener", defs->items[i].node);
                        continue;
                }
                n->next = live->nodes;
                live->nodes = n;
        }
        pthread_mutex_unlock(&live->lock);
        while (gone) {
                struct node *n = gone;
                gone = n->next;
                LOG_INFO("node %s: no longer in its cluster (or changed): its listener stops",
                         n->def.node);
                node_stop(n, true);
        }
}

static void *supervise(void *arg)
{
        struct live *live = arg;
        struct defs known = { 0 };
        bool first = true;

        pthread_mutex_lock(&live->lock);
        while (!live->stop) {
                struct defs defs = { 0 };
                struct timespec until;
                enum result result;

                pthread_mutex_unlock(&live->lock);
                result = load_defs(live->app, &defs);
                if (!result) {
                        /* A node changed or removed, here or by another
                         * process: the reconciler's kept connections go too. */
                        if (!first && some_node_left(&known, &defs))
                                reconciler_links_forget(live->app);
                        first = false;
                        follow(live, &defs);
                        defs_free(&known);
                        known = defs;
                } else {
                        defs_free(&defs);
                }
                pthread_mutex_lock(&live->lock);
                clock_gettime(CLOCK_REALTIME, &until);
                until.tv_nsec += LIVE_WATCH_MS * 1000000L;
                while (until.tv_nsec >= 1000000000L) {
                        until.tv_sec++;
                        until.tv_nsec -= 1000000000L;
                }
                while (!live->stop)
                        if (pthread_cond_timedwait(&live->wake, &live->lock, &until) != 0)
                                break;
        }
        pthread_mutex_unlock(&live->lock);
        defs_free(&known);
        store_conn_release(live->app->store);
        return NULL;
}

enum result live_start(struct app *app, const struct live_sink *sinks, size_t n_sinks,
                       struct live **ret)
{
        struct live *live;

        if (n_sinks > LIVE_SINKS_MAX)
                return RESULT_INVALID;
        live = calloc(1, sizeof(*live));
        if (!live)
                return RESULT_NOMEM;
        live->app = app;
        for (size_t k = 0; k < n_sinks; k++)
                live->sinks[k] = sinks[k];
        live->n_sinks = n_sinks;
        pthread_mutex_init(&live->lock, NULL);
        pthread_cond_init(&live->wake, NULL);
        if (pthread_create(&live->supervisor, NULL, supervise, live) != 0) {
                pthread_cond_destroy(&live->wake);
                pthread_mutex_destroy(&live->lock);
                free(live);
                return RESULT_NOMEM;
        }
        *ret = live;
        return RESULT_OK;
}

void live_stop(struct live *live)
{
        if (!live)
                return;
        pthread_mutex_lock(&live->lock);
        live->stop = true;
        pthread_cond_signal(&live->wake);
        pthread_mutex_unlock(&live->lock);
        pthread_join(live->supervisor, NULL);
        while (live->nodes) {
                struct node *n = live->nodes;
                live->nodes = n->next;
                node_stop(n, false);
        }
        pthread_cond_destroy(&live->wake);
        pthread_mutex_destroy(&live->lock);
        free(live);
}

uint64_t live_refused_total(struct live *live)
{
        return live ? atomic_load(&live->refused) : 0;
}

/* The streams connected now, as the store says (whoever holds them). */
struct up_rows {
        struct { int64_t cluster_id; char node[300]; } *rows;
        size_t n, cap;
};

static void stream_row(void *userdata, int64_t cluster_id, const char *node, bool connected)
{
        struct up_rows *u = userdata;

        if (!connected)
                return;
        if (u->n == u->cap) {
                size_t cap = u->cap ? u->cap * 2 : 16;
                void *g = realloc(u->rows, cap * sizeof(*u->rows));
                if (!g)
                        return;
                u->rows = g;
                u->cap = cap;
        }
        u->rows[u->n].cluster_id = cluster_id;
        text_copy(u->rows[u->n].node, sizeof(u->rows[u->n].node), node);
        u->n++;
}

static bool stream_up(const struct up_rows *u, const struct node *n)
{
        for (size_t i = 0; i < u->n; i++)
                if (u->rows[i].cluster_id == n->def.cluster_id && !strcmp(u->rows[i].node, n->def.node))
                        return true;
        return false;
}

void live_nodes(struct live *live, void (*fn)(void *userdata, const struct live_node_stats *s),
                void *userdata)
{
        struct store_conn *conn = NULL;
        struct up_rows up = { 0 };

        if (!live)
                return;
        /* Read before taking the lock: the supervisor never waits on the store
         * for a scrape. */
        if (store_conn_get(live->app->store, &conn) == RESULT_OK)
                (void)store_live_streams(conn, store_now() - LIVE_STALE_S, stream_row, &up);
        pthread_mutex_lock(&live->lock);
        for (struct node *n = live->nodes; n; n = n->next) {
                struct live_node_stats s = { .node = n->def.node };
                int64_t lag = atomic_load(&n->lag_us);
                text_copy(s.cluster, sizeof(s.cluster), n->def.cluster);
                s.leading = atomic_load(&n->leading);
                s.connected = s.leading && atomic_load(&n->connected);
                s.up = s.connected || stream_up(&up, n);
                live_queue_counts(n->queue, &s.received, &s.dropped);
                s.lag_s = lag > 0 ? (double)lag / 1e6 : 0;
                fn(userdata, &s);
        }
        pthread_mutex_unlock(&live->lock);
        free(up.rows);
}
