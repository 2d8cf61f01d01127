/*
 * Provisioning jobs, the outbox of every change FreeSWITCH must learn of
 * (docs/ARCHITECTURE.md, Provisioning): a domain operation queues them in
 * its own transaction, then ends it with jobs_finish(), which commits and
 * wakes the worker that applies them (domain/switches/reconciler.c), or rolls back.
 * The worker is app->job_worker (NULL on the command line: nothing to wake;
 * `agentdesk resync` drains by itself).
 *
 * Kinds (enum fs_change, model/vocab.h, as are a job's status and an
 * extension's provisioning state): provision, deprovision, update and
 * rekey name one extension; resync names a whole cluster; queue names a
 * queue, queue_agent an agent (docs/ARCHITECTURE.md, Queues).
 */
#ifndef AGENTDESK_DOMAIN_JOBS_H
#define AGENTDESK_DOMAIN_JOBS_H

#include "domain/core/app.h"
#include "freeswitch/provision.h"

/* The state an extension shows once a change to it is queued on the
 * default cluster: in xml_curl mode FreeSWITCH asks at once, so
 * provisioned; in push modes pending until its batch's reloadxml
 * answered. (A stored cluster's mode decides for its tenants: store.h.) */
enum jobs_state jobs_queued_state(const struct app *app);

/* In the caller's transaction: a job for change (not FS_CHANGE_RESYNC)
 * of one extension of tenant_id. */
enum result jobs_queue_extension(struct app *app, struct store_conn *conn, int64_t tenant_id,
                                 enum fs_change change, int64_t extension_id);

/* In the caller's transaction: jobs_queue_extension for each of n
 * extensions, many rows a statement (an import's round trips). */
enum result jobs_queue_extensions(struct app *app, struct store_conn *conn, int64_t tenant_id,
                                  enum fs_change change, const int64_t *extension_ids, size_t n);

/* In the caller's transaction: change for every assigned extension of
 * tenant_id. */
enum result jobs_queue_tenant(struct app *app, struct store_conn *conn, int64_t tenant_id,
                              enum fs_change change);

/* In the caller's transaction: a job for a queue (FS_CHANGE_QUEUE, id the
 * queue's) or for an agent's mod_callcenter agent (FS_CHANGE_QUEUE_AGENT,
 * id the user's) of tenant_id; applied on the tenant's queue node. */
enum result jobs_queue_queue(struct app *app, struct store_conn *conn, int64_t tenant_id,
                             enum fs_change change, int64_t id);

/* In the caller's transaction: a resync of cluster_id (0 = the default);
 * ret_id (may be NULL) gets the job's id. */
enum result jobs_queue_resync(struct store_conn *conn, int64_t cluster_id, int64_t *ret_id);

/* Ends the caller's transaction: with result RESULT_OK, commits and wakes
 * app's job worker; otherwise (or when the commit fails) rolls back. Returns
 * the result of the whole. */
enum result jobs_finish(struct app *app, struct store_conn *conn, enum result result);

#endif
