/*
 * The subscribers of the live event log: the Server-Sent Event streams of
 * the portal (/v1/admin/events) and the desk (/v1/me/events).
 *
 * One reader per process (a background worker, domain/core/worker.c)
 * follows live_events (store_live_events_after) into a bounded ring of
 * recent events (EVENTS_RING_EVENTS, EVENTS_RING_BYTES), and hands each event to every
 * stream whose scope takes it (ring.h). After a publisher of this
 * process appends (events_appended() moves; its commit follows) it reads
 * every 10 ms for EVENTS_HOT_MS, and otherwise every EVENTS_POLL_MS,
 * which is how it hears other processes' events. Every
 * EVENTS_HEARTBEAT_S it writes `: heartbeat` to every stream (which is
 * also how a client that went away is found: a suspended connection is
 * only noticed at a write); every EVENTS_SESSION_CHECK_S it ends, with
 * `event: end` (session_ended), the streams whose session was revoked
 * or expired, or whose user or tenant no longer may sign in.
 *
 * A stream is written through a struct events_sink that never blocks: a
 * client that stops reading overflows its bounded queue and is dropped
 * (counted), without holding up the reader or the other streams.
 *
 * States of a stream: subscribed (replayed from the ring, or told to
 * reload) -> following -> over (session ended, shutdown, cut for reading
 * too slowly, or gone). Once over its sink is ended and released, once.
 */
#ifndef AGENTDESK_DOMAIN_EVENTS_STREAMS_H
#define AGENTDESK_DOMAIN_EVENTS_STREAMS_H

#include <stdint.h>

#include "domain/core/app.h"
#include "domain/events/ring.h"

#define EVENTS_RING_EVENTS 1024
#define EVENTS_RING_BYTES (384 * 1024)   /* less than a stream's queue: a full replay fits */
#define EVENTS_POLL_MS 100
#define EVENTS_HOT_MS 200
#define EVENTS_HEARTBEAT_S 15
#define EVENTS_SESSION_CHECK_S 2
/* What may wait for a client, per stream: more than a full ring replay
 * of ordinary events; a client this far behind is cut. */
#define EVENTS_STREAM_QUEUE_BYTES (512 * 1024)

/* Where a stream's bytes go (the HTTP response, wired by api/). write
 * queues and never blocks: RESULT_OK, RESULT_TOO_BIG when the client is
 * too far behind (the stream is cut), any other failure when it is over.
 * end: no more bytes (the body ends after what is queued). release:
 * the hub is done with ctx. Each is called with the hub's lock held, so
 * they must not call back into the hub. */
struct events_sink {
        enum result (*write)(void *ctx, const char *data, size_t len);
        void (*end)(void *ctx);
        void (*release)(void *ctx);
        void *ctx;
};

struct events_hub;

/* Loads the newest EVENTS_RING_EVENTS events of the log into the ring and
 * starts the reader. RESULT_NOMEM, or the store's failure. */
enum result events_hub_start(struct app *app, struct events_hub **ret);

/*
 * Adds a stream of scope, fed through sink (which the hub owns from now
 * on, also on failure). It first gets `: connected`; with last_event_id
 * >= 0 (the client's Last-Event-ID), the events of its scope after that
 * id from the ring, or, when the ring no longer holds them all,
 * `event: reload` (data {"reason":"gap"}); then every new event of its
 * scope. After events_hub_stop it gets `event: end` (shutdown) at once.
 */
void events_subscribe(struct events_hub *hub, const struct events_scope *scope,
                      int64_t last_event_id, const struct events_sink *sink);

/* Ends every stream with `event: end` (shutdown) and stops the reader;
 * later subscriptions end at once. Accepts NULL. */
void events_hub_stop(struct events_hub *hub);

/* Frees a stopped hub. Accepts NULL. */
void events_hub_free(struct events_hub *hub);

/* For /metrics. */
struct events_hub_counts {
        uint64_t streams;                /* open now */
        uint64_t dropped_slow;           /* cut for reading too slowly, since start */
        uint64_t sent;                   /* events written to streams, since start */
        int64_t last_id;                 /* the newest event read */
};
void events_hub_counts(struct events_hub *hub, struct events_hub_counts *ret);

#endif
