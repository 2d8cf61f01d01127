/* Queueing provisioning jobs; see jobs.h. */
#include "domain/provisioning/jobs.h"

#include <string.h>

#include "domain/core/worker.h"
#include "util/text.h"

enum jobs_state jobs_queued_state(const struct app *app)
{
        return fs_provision_mode_pushes(app->settings.fs_mode) ? JOBS_STATE_PENDING
                                                             : JOBS_STATE_PROVISIONED;
}

enum result jobs_queue_extension(struct app *app, struct store_conn *conn, int64_t tenant_id,
                                 enum fs_change change, int64_t extension_id)
{
        return store_job_insert(conn, tenant_id, change, extension_id, jobs_queued_state(app));
}

enum result jobs_queue_extensions(struct app *app, struct store_conn *conn, int64_t tenant_id,
                                  enum fs_change change, const int64_t *extension_ids, size_t n)
{
        return store_job_insert_many(conn, tenant_id, change, extension_ids, n,
                                     jobs_queued_state(app));
}

enum result jobs_queue_tenant(struct app *app, struct store_conn *conn, int64_t tenant_id,
                              enum fs_change change)
{
        return store_job_insert_tenant(conn, tenant_id, change, jobs_queued_state(app));
}

enum result jobs_queue_queue(struct app *app, struct store_conn *conn, int64_t tenant_id,
                             enum fs_change change, int64_t id)
{
        (void)app;
        /* applied over the Event Socket in every mode: pending until the
         * node answered */
        return store_job_insert_queue(conn, tenant_id, change, id, JOBS_STATE_PENDING);
}

enum result jobs_queue_resync(struct store_conn *conn, int64_t cluster_id, int64_t *ret_id)
{
        int64_t id;

        return store_job_insert_resync(conn, cluster_id, ret_id ? ret_id : &id);
}

enum result jobs_finish(struct app *app, struct store_conn *conn, enum result result)
{
        if (!result)
                result = store_commit(conn);
        if (result) {
                store_rollback(conn);
                return result;
        }
        worker_wake(app->job_worker);
        return RESULT_OK;
}
