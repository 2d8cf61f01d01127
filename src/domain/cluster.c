/* The default cluster's status; see cluster.h. */
#include "domain/cluster.h"

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
