/*
 * The bounded queue between a node's socket reader and its applier
 * (domain/live/listener.c): the reader never waits on it (a full queue
 * drops the event, counted, and the reader re-reads the node's state), the
 * applier takes what is there in one go. A re-read (a snapshot of the
 * node's registrations and channels) replaces whatever events were queued
 * before it: they are older than what it says.
 *
 * Any number of threads may push; one takes. Pure memory, no I/O.
 */
#ifndef AGENTDESK_DOMAIN_LIVE_QUEUE_H
#define AGENTDESK_DOMAIN_LIVE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/live/sink.h"        /* struct live_cc_state */
#include "freeswitch/events.h"

/* A node's registrations, channels and mod_callcenter state, read after a
 * (re)connect or a drop. */
struct live_snapshot {
        struct fs_registration *regs;
        size_t n_regs;
        struct fs_channel *channels;
        size_t n_channels;
        struct live_cc_state cc;
};

void live_snapshot_free(struct live_snapshot *s);

struct live_queue;

/* A queue of at most capacity events; NULL when out of memory. */
struct live_queue *live_queue_new(size_t capacity);
void live_queue_free(struct live_queue *q);

/* Copies ev in; false (and counted as dropped) when the queue is full. */
bool live_queue_push(struct live_queue *q, const struct fs_event *ev);

/* Takes s (malloc'd): the events queued so far are dropped (not counted:
 * s supersedes them), and a snapshot not yet taken is freed. */
void live_queue_snapshot(struct live_queue *q, struct live_snapshot *s);

/*
 * Waits up to wait_ms for anything, then takes it: a snapshot into
 * *ret_snap (NULL when none; it comes before the events) and up to max
 * events into out. Returns how many events. Also returns (with nothing)
 * when live_queue_wake was called.
 */
size_t live_queue_take(struct live_queue *q, struct fs_event *out, size_t max,
                       struct live_snapshot **ret_snap, int wait_ms);

/* Makes a waiting live_queue_take return now. */
void live_queue_wake(struct live_queue *q);

/* Events pushed (taken in or dropped) and dropped since the start. */
void live_queue_counts(struct live_queue *q, uint64_t *ret_received, uint64_t *ret_dropped);

/* Events queued now. */
size_t live_queue_depth(struct live_queue *q);

#endif
