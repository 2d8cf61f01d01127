/*
 * What FreeSWITCH says as it happens (docs/ARCHITECTURE.md, "The
 * listener"): one Event Socket connection per node of every active
 * cluster (the default one of the settings and the stored ones), apart
 * from the reconciler's command connections, subscribed with
 * FS_EVENTS_SUBSCRIPTION. Per node, a reader thread reads frames and
 * queues the events it parses (domain/live/queue.h: bounded, drops
 * counted, a drop re-reads the node), and an applier thread writes them
 * in batches (at most one per LIVE_BATCH_MS, one transaction each): the
 * registrations (memory and live_registrations), last_login_at,
 * registration.changed events, and the channel events handed to the sink
 * (domain/live/sink.h). After every (re)connect the node's registrations
 * and channels are read again.
 *
 * On PostgreSQL one process listens to a node (an advisory lock per node
 * on its applier's connection, tried every second: a dead holder's node is
 * taken over within a few seconds); SQLite is one process. Every process
 * reads the state from the store: live_streams says which nodes' streams
 * are connected (a heartbeat every second; older than LIVE_STALE_S counts
 * as down), and `registered` is null while no stream of a cluster is.
 *
 * A supervisor thread follows the clusters' nodes (every
 * LIVE_WATCH_MS): a node added, changed or removed, in this process or
 * another, starts or stops its listener and drops the reconciler's kept
 * connections (reconciler_links_forget).
 */
#ifndef AGENTDESK_DOMAIN_LIVE_H
#define AGENTDESK_DOMAIN_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/core/app.h"
#include "domain/events/events.h"
#include "domain/live/sink.h"

#define LIVE_BATCH_MS 100                /* at most one batch per node this often */
#define LIVE_QUEUE_EVENTS 4096           /* events queued per node before drops */
#define LIVE_STALE_S EVENTS_STALE_S      /* a stream without a heartbeat this long is down */
#define LIVE_WATCH_MS 500                /* how often the supervisor reads the clusters */
#define LIVE_LOGIN_EVERY_S 300           /* last_login_at moves on a refresh at most this often */

struct live;

#define LIVE_SINKS_MAX 4

/* Starts the supervisor (and through it a listener per node). sinks (at
 * most LIVE_SINKS_MAX, n_sinks may be 0: nothing consumes the events) are
 * copied and called in their order. */
enum result live_start(struct app *app, const struct live_sink *sinks, size_t n_sinks,
                       struct live **ret);

/* Stops every listener (their streams marked down when they hold them)
 * and frees. Accepts NULL. */
void live_stop(struct live *live);

/* One node's figures for /metrics. */
struct live_node_stats {
        char cluster[128];               /* the cluster's name */
        const char *node;                /* host:port, borrowed for the call */
        bool leading;                    /* this process holds the node's stream */
        bool connected;                  /* … and its stream is connected */
        bool up;                         /* connected here, or by its holder elsewhere */
        uint64_t received, dropped;      /* events, since this process started */
        double lag_s;                    /* the last batch with events: its commit time minus
                                          * its newest Event-Date-Timestamp (0: none yet) */
};

/* Calls fn for each node listened to (or waiting for its lock). */
void live_nodes(struct live *live, void (*fn)(void *userdata, const struct live_node_stats *s),
                void *userdata);

/* Registrations refused (flushed again) since the start. */
uint64_t live_refused_total(struct live *live);

/* One extension's registration state, for the API. */
struct live_state {
        int registered;                  /* 1, 0, or -1: unknown (no stream of its cluster) */
        bool has_registration;
        struct store_live_registration reg; /* the newest, when registered */
        int64_t last_registered_at;      /* 0: never */
};

/* A page of tenant_id's active agents by name with what their presence
 * derives from (events_presence_name): the colleagues' directory. From
 * the store: any process. *ret_items malloc'd. */
enum result live_directory(struct app *app, int64_t tenant_id, struct store_page *page,
                           struct store_presence **ret_items, size_t *ret_n);

/* The state of extensions[0..n) of tenant_id (each must be the tenant's;
 * others are left unknown) into ret[0..n). From the store: any process. */
enum result live_extensions_state(struct app *app, int64_t tenant_id,
                                  const char *const *extensions, size_t n,
                                  struct live_state *ret);

/* How many assigned extensions of tenant_id are registered now, or -1
 * when no stream of its cluster is connected. */
enum result live_pool_registered(struct app *app, int64_t tenant_id, int64_t *ret);

/* Registrations by tenant now (for /metrics): fn once per tenant that has any. */
enum result live_registered_by_tenant(struct app *app,
                                      void (*fn)(void *userdata, int64_t tenant_id,
                                                 const char *slug, int64_t count),
                                      void *userdata);

#endif
