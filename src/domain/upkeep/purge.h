/*
 * The purge: one background worker (domain/core/worker.h) that deletes the
 * rows nothing needs any more, so that the store does not grow with
 * traffic — mail no longer queued, dead links, ended sessions (all
 * purge_after seconds after their end), throttle counts whose window is
 * over, expired stream tickets, call records call_retention_days after
 * their start (their daily usage stays) and live events
 * PURGE_LIVE_EVENTS_AFTER after they were appended (the streams resume
 * from each process's ring, filled from the log as it is written: the log
 * need only outlast its reader); an import's undownloaded temporary
 * passwords are erased PURGE_IMPORT_PASSWORDS_AFTER after it ended (or
 * purge_after, when shorter). It runs at start and every
 * purge_interval seconds, in batches of PURGE_BATCH rows a table until
 * nothing is left; on every node (a delete that another node made first
 * deletes nothing).
 */
#ifndef AGENTDESK_DOMAIN_UPKEEP_PURGE_H
#define AGENTDESK_DOMAIN_UPKEEP_PURGE_H

#include <stdint.h>

#include "domain/core/app.h"

#define PURGE_BATCH 1000

/* How long live_events keep an event, seconds. */
#define PURGE_LIVE_EVENTS_AFTER 3600

/* How long an import's undownloaded temporary passwords are kept, seconds. */
#define PURGE_IMPORT_PASSWORDS_AFTER 86400

struct purge;

/* Starts the worker on app's store and settings (borrowed; they outlive
 * it). */
enum result purge_start(struct app *app, struct purge **ret);

/* Stops it after the round in flight, and frees. Accepts NULL. */
void purge_stop(struct purge *p);

/* Rows this process deleted since start, by table (for /metrics), and the
 * rounds it finished. */
struct purge_counts {
        uint64_t mail_outbox, link_tokens, sessions, login_throttle, event_tickets, rounds;
        uint64_t call_records, live_events, webhook_deliveries, import_passwords;
};
void purge_counts(const struct purge *p, struct purge_counts *ret);

#endif
