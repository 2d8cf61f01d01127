/*
 * Provisioning jobs, the outbox of every change FreeSWITCH must learn of
 * (docs/ARCHITECTURE.md, Provisioning): a domain operation queues them in
 * its own transaction, then ends it with jobs_finish(), which commits and
 * wakes the worker that applies them (domain/switches/reconciler.c), or rolls back.
 * The worker is app->job_worker (NULL on the command line: nothing to wake;
 * `agentdesk resync` drains by itself).
 *
 * Kinds (enum fs_change, freeswitch/provision.h, stored by name):
 * provision, deprovision, update and rekey name one extension; resync names
 * a whole cluster.
 */
#ifndef AGENTDESK_DOMAIN_JOBS_H
#define AGENTDESK_DOMAIN_JOBS_H

#include "domain/core/app.h"
#include "freeswitch/provision.h"

/* An extension's provisioning state, stored by name. */
enum jobs_state {
        JOBS_STATE_PENDING,              /* a change waits to be applied */
        JOBS_STATE_PROVISIONED,          /* FreeSWITCH knows what the store says */
        JOBS_STATE_FAILED,               /* its job gave up (AGENTDESK_FS_RETRY_LIMIT) */
};

/* "pending", "provisioned", "failed". */
const char *jobs_state_name(enum jobs_state state);
/* false (and *ret untouched) for any other text, NULL included. */
bool jobs_state_parse(const char *s, enum jobs_state *ret);

/* A job's own status, stored by name. */
enum jobs_status {
        JOBS_STATUS_PENDING,             /* due at its next attempt */
        JOBS_STATUS_DONE,                /* every node answered */
        JOBS_STATUS_FAILED,              /* given up (AGENTDESK_FS_RETRY_LIMIT) */
};

/* "pending", "done", "failed". */
const char *jobs_status_name(enum jobs_status status);
/* false (and *ret untouched) for any other text, NULL included. */
bool jobs_status_parse(const char *s, enum jobs_status *ret);

/* The state an extension shows once a change to it is queued on the
 * default cluster: in xml_curl mode FreeSWITCH asks at once, so
 * provisioned; in push modes pending until its batch's reloadxml
 * answered. (A stored cluster's mode decides for its tenants: store.h.) */
enum jobs_state jobs_queued_state(const struct app *app);

/* In the caller's transaction: a job for change (not FS_CHANGE_RESYNC)
 * of one extension of tenant_id. */
enum result jobs_queue_extension(struct app *app, struct store_conn *conn, int64_t tenant_id,
                                 enum fs_change change, int64_t extension_id);

/* In the caller's transaction: change for every assigned extension of
 * tenant_id. */
enum result jobs_queue_tenant(struct app *app, struct store_conn *conn, int64_t tenant_id,
                              enum fs_change change);

/* In the caller's transaction: a resync of cluster_id (0 = the default);
 * ret_id (may be NULL) gets the job's id. */
enum result jobs_queue_resync(struct store_conn *conn, int64_t cluster_id, int64_t *ret_id);

/* Ends the caller's transaction: with result RESULT_OK, commits and wakes
 * app's job worker; otherwise (or when the commit fails) rolls back. Returns
 * the result of the whole. */
enum result jobs_finish(struct app *app, struct store_conn *conn, enum result result);

#endif
