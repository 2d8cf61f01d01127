/* Queueing provisioning jobs; see jobs.h. */
#include "domain/jobs.h"

#include <string.h>

#include "domain/worker.h"

const char *jobs_queued_state(const struct app *d)
{
        return strcmp(d->settings.fs_mode, "xml_curl") != 0 ? "pending" : "provisioned";
}

enum result jobs_queue_extension(struct app *d, struct store_conn *conn, int64_t tenant_id,
                                 enum fs_change change, int64_t extension_id)
{
        return store_job_insert(conn, tenant_id, fs_change_name(change), extension_id,
                                jobs_queued_state(d));
}

enum result jobs_queue_tenant(struct app *d, struct store_conn *conn, int64_t tenant_id,
                              enum fs_change change)
{
        return store_job_insert_tenant(conn, tenant_id, fs_change_name(change),
                                       jobs_queued_state(d));
}

enum result jobs_queue_resync(struct store_conn *conn, int64_t cluster_id, int64_t *ret_id)
{
        int64_t id;

        return store_job_insert_resync(conn, cluster_id, ret_id ? ret_id : &id);
}

enum result jobs_finish(struct app *d, struct store_conn *conn, enum result result)
{
        if (!result)
                result = store_commit(conn);
        if (result) {
                store_rollback(conn);
                return result;
        }
        worker_wake(d->job_worker);
        return RESULT_OK;
}
