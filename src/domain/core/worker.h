/*
 * Background workers: one thread that does due work when woken and on a
 * poll, backs off while its work fails, optionally works only while this
 * node holds a cluster-wide lock, and stops cleanly. The reconciler is one
 * (domain/switches/reconciler.c), the mail sender another (domain/mail/sender.c);
 * the FreeSWITCH event listeners are meant to be others.
 *
 * States of a worker thread:
 *   IDLE --woken, or poll_ms passed--> [LEADING?] --> WORKING
 *   WORKING --round said "more"--> WORKING (at once)
 *   WORKING --round done--> IDLE
 *   WORKING --round failed--> BACKOFF (poll_ms, doubling up to backoff_max_ms;
 *                                      a wake does not shorten it) --> IDLE
 *   any --worker_stop--> STOPPED (after the round in flight returns)
 * With a lock_key, the worker first takes the lock (store_singleton_try)
 * on its thread's store connection, and after a failed round checks that
 * it still holds it (store_singleton_held); a round must check again
 * before it records anything (the worker cannot know when that is).
 */
#ifndef AGENTDESK_DOMAIN_WORKER_H
#define AGENTDESK_DOMAIN_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct worker;

struct worker_def {
        const char *name;                /* for the log: "reconciler", "mail" */
        /* One round of due work on the worker's thread. *ret_more: more is
         * due now (a full batch), run again without waiting. A failure
         * (not RESULT_OK) backs off. */
        enum result (*round)(void *userdata, bool *ret_more);
        void *userdata;                  /* borrowed; outlives the worker */
        int64_t lock_key;                /* 0: every node works; else the lock's key */
        int poll_ms;                     /* looks for due work at least this often */
        int backoff_max_ms;              /* longest wait after failures */
};

/* Starts the thread. def is copied. The thread's store connection
 * (store_conn_get on store) is released when it stops. */
enum result worker_start(struct store *store, const struct worker_def *def,
                         struct worker **ret);

/* Wakes the thread: work was just queued. Accepts NULL (no worker). */
void worker_wake(struct worker *w);

/* Whether the thread holds its lock now (true without a lock_key). */
bool worker_leading(struct worker *w);

/* The rounds the thread has finished (each tries the lock and, leading,
 * does due work): tests and /metrics watch it move instead of sleeping.
 * 0 for NULL. */
uint64_t worker_rounds(struct worker *w);

/* Stops and joins the thread (the round in flight finishes first), then
 * frees. Accepts NULL. */
void worker_stop(struct worker *w);

#endif
