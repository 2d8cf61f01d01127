/* Queueing provisioning jobs; see jobs.h. */
#include "domain/provisioning/jobs.h"

#include <string.h>

#include "domain/core/worker.h"
#include "util/text.h"

static const char *const states[] = {
        [JOBS_STATE_PENDING] = "pending",
        [JOBS_STATE_PROVISIONED] = "provisioned",
        [JOBS_STATE_FAILED] = "failed",
};

const char *jobs_state_name(enum jobs_state state)
{
        return (unsigned)state < sizeof(states) / sizeof(states[0]) ? states[state] : "?";
}

bool jobs_state_parse(const char *s, enum jobs_state *ret)
{
        int i = text_index(states, sizeof(states) / sizeof(states[0]), s);

        if (i >= 0)
                *ret = (enum jobs_state)i;
        return i >= 0;
}

static const char *const statuses[] = {
        [JOBS_STATUS_PENDING] = "pending",
        [JOBS_STATUS_DONE] = "done",
        [JOBS_STATUS_FAILED] = "failed",
};

const char *jobs_status_name(enum jobs_status status)
{
        return (unsigned)status < sizeof(statuses) / sizeof(statuses[0]) ? statuses[status] : "?";
}

bool jobs_status_parse(const char *s, enum jobs_status *ret)
{
        int i = text_index(statuses, sizeof(statuses) / sizeof(statuses[0]), s);

        if (i >= 0)
                *ret = (enum jobs_status)i;
        return i >= 0;
}

enum jobs_state jobs_queued_state(const struct app *app)
{
        return fs_provision_mode_pushes(app->settings.fs_mode) ? JOBS_STATE_PENDING
                                                             : JOBS_STATE_PROVISIONED;
}

enum result jobs_queue_extension(struct app *app, struct store_conn *conn, int64_t tenant_id,
                                 enum fs_change change, int64_t extension_id)
{
        return store_job_insert(conn, tenant_id, fs_provision_change_name(change), extension_id,
                                jobs_state_name(jobs_queued_state(app)));
}

enum result jobs_queue_tenant(struct app *app, struct store_conn *conn, int64_t tenant_id,
                              enum fs_change change)
{
        return store_job_insert_tenant(conn, tenant_id, fs_provision_change_name(change),
                                       jobs_state_name(jobs_queued_state(app)));
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
