/*
 * The reconciler: applies the provisioning jobs that every change writes
 * (in its own transaction) to each node of the cluster, so FreeSWITCH
 * matches the database. One thread per agentdesk process; with several
 * processes on one PostgreSQL, only the holder of an advisory lock works.
 *
 * A pass takes up to RECONCILER_BATCH due jobs, oldest first, and sends
 * each node their commands (freeswitch/provision.h) over ONE Event Socket
 * connection. A job is done when every node answered +OK; otherwise it is
 * retried after AGENTDESK_FS_RETRY_BASE seconds, doubled each attempt (at
 * most 10 minutes), and marked failed after AGENTDESK_FS_RETRY_LIMIT
 * attempts. Every outcome is also recorded on the job's extension.
 *
 * Nothing is lost: a job is marked done only after FreeSWITCH answered, so
 * a crash mid-batch means the batch runs again (the commands are
 * idempotent).
 */
#ifndef AGENTDESK_DOMAIN_RECONCILER_H
#define AGENTDESK_DOMAIN_RECONCILER_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/domain.h"

#define RECONCILER_BATCH 200

/* The state an extension shows once a change to it is queued: in
 * xml_curl mode FreeSWITCH asks at once, so "provisioned"; in push modes
 * "pending" until its batch's reloadxml answered. */
const char *reconciler_queued_state(const struct domain *d);

/* Starts the thread. It looks for due jobs when kicked, and every second. */
enum result reconciler_start(struct domain *d, struct reconciler **ret);

/* Wakes the thread: jobs were just written. Accepts NULL (no reconciler). */
void reconciler_kick(struct reconciler *r);

/* Stops and joins the thread (an Event Socket call in flight ends within
 * its timeout), then frees. Accepts NULL. */
void reconciler_stop(struct reconciler *r);

/* The rounds the thread has finished (each tries the lock and, leading,
 * runs a pass), and in *ret_leader whether it led the last one: tests and
 * /metrics watch it move instead of sleeping. */
uint64_t reconciler_passes(const struct reconciler *r, bool *ret_leader);

/* One pass on the calling thread: *ret_handled (may be NULL) gets how many
 * jobs it took. */
enum result reconciler_pass(struct domain *d, int *ret_handled);

/* For the command line: when no other process runs the reconciler (on
 * PostgreSQL, the lock is free), takes the lock and applies every due job
 * now; *ret_ran says whether it did. */
enum result reconciler_drain(struct domain *d, bool *ret_ran);

#endif
