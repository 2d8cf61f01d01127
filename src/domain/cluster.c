/* The default cluster's status; see cluster.h. */
#include "domain/cluster.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include "domain/audit.h"
#include "domain/reconciler.h"
#include "freeswitch/esl.h"

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
        fs_nodes_probe(ret->nodes, ret->n_nodes, timeout_ms, false, ret->status);
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

/* The registration listings of the default cluster's nodes, shared by
 * every request for CLUSTER_REG_CACHE_MS. */
static struct {
        pthread_mutex_t lock;
        int64_t fetched_ms;              /* 0: never */
        int n;
        char *bodies[CLUSTER_MAX_NODES]; /* NULL: that node did not answer */
        bool any;                        /* some node answered */
} reg_cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int64_t monotonic_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void reg_cache_drop(void)
{
        for (int i = 0; i < reg_cache.n; i++) {
                free(reg_cache.bodies[i]);
                reg_cache.bodies[i] = NULL;
        }
        reg_cache.n = 0;
        reg_cache.any = false;
}

int cluster_registered(struct domain *d, const char *extension)
{
        struct fs_node nodes[CLUSTER_MAX_NODES];
        struct fs_node_status st[CLUSTER_MAX_NODES];
        int n, answer = -1;

        pthread_mutex_lock(&reg_cache.lock);
        if (!reg_cache.fetched_ms || monotonic_ms() - reg_cache.fetched_ms > CLUSTER_REG_CACHE_MS) {
                reg_cache_drop();
                n = fs_nodes_parse(d->settings.fs_esl, d->settings.fs_esl_password,
                                   d->settings.fs_profile, nodes, CLUSTER_MAX_NODES);
                if (n > 0) {
                        fs_nodes_probe(nodes, n, CLUSTER_REG_TIMEOUT_MS, true, st);
                        for (int i = 0; i < n; i++) {
                                reg_cache.bodies[i] = st[i].reg_body;
                                reg_cache.any |= st[i].reg_body != NULL;
                        }
                        reg_cache.n = n;
                }
                reg_cache.fetched_ms = monotonic_ms();
        }
        if (reg_cache.any) {
                answer = 0;
                for (int i = 0; i < reg_cache.n && !answer; i++)
                        answer = reg_cache.bodies[i] &&
                                 esl_registration_has_user(reg_cache.bodies[i], extension);
        }
        pthread_mutex_unlock(&reg_cache.lock);
        return answer;
}

void cluster_forget(void)
{
        pthread_mutex_lock(&reg_cache.lock);
        reg_cache_drop();
        reg_cache.fetched_ms = 0;
        pthread_mutex_unlock(&reg_cache.lock);
}

enum result cluster_push_targets(struct domain *d, struct fs_push **ret, int max, int *ret_n,
                                 char *ret_error, size_t error_size)
{
        const char *list = d->settings.fs_ssh;
        enum result result = RESULT_OK;
        int n = 0;

        *ret_n = 0;
        if (strcmp(d->settings.fs_mode, "ssh") != 0) {
                result = fs_push_local(d->settings.fs_conf_dir, &ret[0]);
                *ret_n = result ? 0 : 1;
                if (result)
                        snprintf(ret_error, error_size, "conf dir: %s", result_name(result));
                return result;
        }
        while (*list && !result) {
                char target[300];
                size_t len = strcspn(list, ",");
                if (n >= max || len == 0 || len >= sizeof(target)) {
                        snprintf(ret_error, error_size, "AGENTDESK_FS_SSH: malformed list");
                        result = RESULT_INVALID;
                        break;
                }
                memcpy(target, list, len);
                target[len] = '\0';
                list += len + (list[len] == ',');
                result = fs_push_sftp(target, d->settings.fs_ssh_key, d->settings.fs_ssh_known_hosts,
                                      d->settings.fs_conf_dir, 5000, &ret[n], ret_error, error_size);
                if (!result)
                        n++;
        }
        if (result) {
                while (n > 0)
                        fs_push_close(ret[--n]);
                return result;
        }
        *ret_n = n;
        return RESULT_OK;
}
