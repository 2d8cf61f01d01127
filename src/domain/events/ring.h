/*
 * What the live streams are made of, without threads or I/O (so a unit
 * test drives it): an event of the log as the stream frames it
 * (docs/api/openapi.yaml, /v1/admin/events: `id:`, `event:`, `data:` one
 * line of LiveEvent JSON, a blank line), the reduced frame of the agents'
 * own stream, which frame a stream's scope gets of an event, and the
 * bounded ring of recent events that a reconnecting client resumes from.
 */
#ifndef AGENTDESK_DOMAIN_EVENTS_RING_H
#define AGENTDESK_DOMAIN_EVENTS_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/vocab.h"
#include "store/store.h"

/* Whose events a stream carries. */
struct events_scope {
        enum event_stream stream;
        int64_t tenant_id;               /* admin: 0 = every tenant's (a superadmin's);
                                          * me: the caller's (0: none, heartbeats only) */
        int64_t user_id;                 /* me: the caller, whose own call.* and
                                          * agent.queue_status it gets */
        int64_t session_id;              /* the session the stream lives with */
};

/* One event, framed. */
struct events_entry {
        int64_t id;
        int64_t tenant_id;               /* 0: none */
        int64_t user_id;                 /* 0: none */
        enum event_type type;
        char *full;                      /* the admin stream's frame; malloc'd */
        size_t full_len;
        char *reduced;                   /* registration.changed for the agents' stream
                                          * (no contact, address, user agent); else NULL */
        size_t reduced_len;
};

/* Frames e into *ret (fields malloc'd; free with events_entry_clear).
 * RESULT_NOMEM; data that is not a JSON object is framed as {}. */
enum result events_entry_make(const struct store_live_event *e, struct events_entry *ret);
void events_entry_clear(struct events_entry *e);

/* The frame of e that a stream of scope carries (*ret_len its length),
 * NULL when none: the admin stream gets its tenant's events (every
 * tenant's with tenant_id 0), never another's; the agents' stream gets
 * its tenant's registration.changed, reduced, and the caller's own
 * call.*. */
const char *events_entry_frame(const struct events_entry *e, const struct events_scope *scope,
                               size_t *ret_len);

/* The recent events, oldest first, at most cap of them and at most
 * max_bytes of frames (the newest one always stays). Every event with an
 * id at or below floor has left it (or was before it began). */
struct events_ring {
        struct events_entry *slots;
        size_t cap, start, n;
        size_t bytes, max_bytes;
        int64_t floor;
};

/* An empty ring of cap slots and max_bytes whose floor is floor.
 * RESULT_NOMEM. */
enum result events_ring_init(struct events_ring *r, size_t cap, size_t max_bytes, int64_t floor);
void events_ring_free(struct events_ring *r);

/* Appends e (taken: *e is cleared), evicting the oldest while full. */
void events_ring_push(struct events_ring *r, struct events_entry *e);

/* The i-th event, oldest first (i < r->n). */
const struct events_entry *events_ring_at(const struct events_ring *r, size_t i);

/* Whether a client that saw last_id can resume from the ring: every
 * event after last_id is still in it (last_id >= floor). */
bool events_ring_covers(const struct events_ring *r, int64_t last_id);

#endif
