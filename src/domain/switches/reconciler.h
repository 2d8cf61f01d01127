/*
 * The reconciler: applies the provisioning jobs that every change writes
 * (in its own transaction) to each node of the cluster, so FreeSWITCH
 * matches the database. One thread per agentdesk process; with several
 * processes on one PostgreSQL, only the holder of an advisory lock works;
 * it checks that it still holds it before each batch and when recording
 * the outcomes, so a node whose session was lost records nothing.
 *
 * A pass takes up to RECONCILER_BATCH due jobs, oldest first, and sends
 * each node their commands (freeswitch/provision.h) over its Event Socket
 * connection, kept from pass to pass (struct reconciler_links, one per
 * node): a kept connection found dead is replaced once per pass, one that
 * fails is closed and opened again by the next pass, one whose node is
 * gone or has another password is closed. A job is done when every node
 * answered +OK; otherwise it is retried after AGENTDESK_FS_RETRY_BASE
 * seconds, doubled each attempt (at most 10 minutes), and marked failed
 * after AGENTDESK_FS_RETRY_LIMIT attempts. Every outcome is also recorded
 * on the job's extension.
 *
 * Nothing is lost: a job is marked done only after FreeSWITCH answered, so
 * a crash mid-batch means the batch runs again (the commands are
 * idempotent).
 */
#ifndef AGENTDESK_DOMAIN_RECONCILER_H
#define AGENTDESK_DOMAIN_RECONCILER_H

#include "domain/core/app.h"

#define RECONCILER_BATCH 200

struct worker;

/* Starts the reconciler's worker (domain/core/worker.h: woken by jobs_finish,
 * polls every second, leads through the advisory lock) and its kept
 * connections (app->esl_links); stop both with reconciler_stop(). */
enum result reconciler_start(struct app *app, struct worker **ret);

/* Stops app's reconciler worker (the pass in flight finishes), then closes
 * and frees its connections. Accepts what reconciler_start left, also
 * after a failure. */
void reconciler_stop(struct app *app);

/* The reconciler's Event Socket connections, one per node of each
 * cluster, kept across passes. Used by the reconciler's thread only, but
 * for reconciler_links_forget and reconciler_links_counts, which any
 * thread may call. */
struct reconciler_links;

struct reconciler_links *reconciler_links_new(void);
/* Closes every connection and frees. Accepts NULL. */
void reconciler_links_free(struct reconciler_links *links);

/* A cluster or node was edited or deleted: the next pass closes every
 * kept connection before it sends anything, and app's worker is woken to
 * run it. Call it before the edit commits: a pass that reads the edit's
 * jobs then sees the call too. Any thread; app->esl_links may be NULL. */
void reconciler_links_forget(struct app *app);

/* Calls fn with each node ("host:port") the reconciler logged in to, and
 * how many times (a kept connection counts once). Accepts NULL. */
void reconciler_links_counts(struct reconciler_links *links,
                             void (*fn)(void *userdata, const char *node, uint64_t connects),
                             void *userdata);

/* One pass on the calling thread: *ret_handled (may be NULL) gets how many
 * jobs it took. */
enum result reconciler_pass(struct app *app, int *ret_handled);

/* For the command line: when no other process runs the reconciler (on
 * PostgreSQL, the lock is free), takes the lock and applies every due job
 * now; *ret_ran says whether it did. */
enum result reconciler_drain(struct app *app, bool *ret_ran);

#endif
