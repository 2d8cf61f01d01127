/* The default cluster's status; see cluster.h. */
#include "domain/cluster.h"

#include "domain/audit.h"
#include "domain/reconciler.h"

enum result cluster_status(struct domain *d, int64_t tenant_id, int timeout_ms,
                           struct cluster_status *ret)
{
        struct store_conn *conn;
        enum result result;

        ret->n_nodes = fs_nodes_parse(d->settings.fs_esl, d->settings.fs_esl_password,
                                      d->settings.fs_profile, ret->nodes, CLUSTER_MAX_NODES);
        if (ret->n_nodes < 0)
                return RESULT_INVALID;
        result = store_conn_get(d->store, &conn);
        if (!result)
                result = store_job_counts(conn, tenant_id, &ret->jobs_pending, &ret->jobs_failed);
        if (result)
                return result;
        fs_nodes_probe(ret->nodes, ret->n_nodes, timeout_ms, ret->status);
        return RESULT_OK;
}

enum result cluster_resync(struct domain *d, const struct actor *actor, int64_t *ret_job_id)
{
        struct store_conn *conn;
        enum result result;

        result = store_conn_get(d->store, &conn);
        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        result = store_job_insert_resync(conn, ret_job_id);
        if (!result)
                result = audit_record(conn, actor, 0, "freeswitch.resync", "cluster", 0, "cluster",
                                      "default", NULL);
        if (!result)
                result = store_commit(conn);
        if (result) {
                store_rollback(conn);
                return result;
        }
        reconciler_kick(d->reconciler);
        return RESULT_OK;
}

enum result cluster_job_state(struct domain *d, int64_t job_id, struct store_job_state *ret)
{
        struct store_conn *conn;
        enum result result = store_conn_get(d->store, &conn);

        return result ? result : store_job_state(conn, job_id, ret);
}
