/* FreeSWITCH clusters at run time; see cluster.h. */
#include "domain/switches/cluster.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/core/credentials.h"
#include "domain/provisioning/queue_node.h"
#include "util/text.h"
#include "util/wipe.h"

/* The default cluster, from the settings. */
static enum result open_default(struct app *app, struct cluster *c)
{
        const struct settings *s = &app->settings;
        const char *list = s->fs_ssh;

        text_copy(c->name, sizeof(c->name), "default");
        c->mode = s->fs_mode;
        c->active = true;
        c->n_nodes = fs_nodes_parse(s->fs_esl, s->fs_esl_password, s->fs_profile, c->nodes,
                                    CLUSTER_MAX_NODES);
        if (c->n_nodes < 0)
                return RESULT_INVALID;   /* the nodes borrow the settings' password and profile */
        for (int k = 0; k < c->n_nodes; k++)
                queue_node_default_name(&c->nodes[k], c->node_names[k], sizeof(c->node_names[k]));
        if (c->mode == FS_MODE_FILES) {
                text_copy(c->targets[0].conf_dir, sizeof(c->targets[0].conf_dir), s->fs_conf_dir);
                c->n_targets = 1;
        }
        while (c->mode == FS_MODE_SSH && *list) {
                struct cluster_target *t = &c->targets[c->n_targets];
                size_t len = strcspn(list, ",");
                if (c->n_targets >= CLUSTER_MAX_NODES || len == 0 || len >= sizeof(t->ssh_target))
                        return RESULT_INVALID;
                memcpy(t->ssh_target, list, len);
                t->ssh_target[len] = '\0';
                text_copy(t->conf_dir, sizeof(t->conf_dir), s->fs_conf_dir);
                c->n_targets++;
                list += len + (list[len] == ',');
        }
        return RESULT_OK;
}

/* A stored cluster and its active nodes. */
static enum result open_stored(struct app *app, int64_t id, struct cluster *c)
{
        struct store_cluster sc;
        struct store_node *nodes;
        struct store_conn *conn;
        size_t n = 0;
        enum result result;

        nodes = calloc(CLUSTER_MAX_NODES, sizeof(*nodes));
        if (!nodes)
                return RESULT_NOMEM;
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_cluster_get(conn, id, &sc);
        if (!result)
                result = store_node_list(conn, id, nodes, CLUSTER_MAX_NODES, &n);
        if (!result) {
                text_copy(c->name, sizeof(c->name), sc.name);
                c->mode = sc.mode;
                text_copy(c->sip_domain, sizeof(c->sip_domain), sc.sip_domain);
                c->active = sc.status == CLUSTER_STATUS_ACTIVE;
        }
        for (size_t i = 0; !result && i < n; i++) {
                const struct store_node *sn = &nodes[i];
                struct fs_node *fn = &c->nodes[c->n_nodes];
                if (sn->status != CLUSTER_STATUS_ACTIVE)
                        continue;
                result = credentials_unseal(sn->esl_password, c->passwords[c->n_nodes],
                                            sizeof(c->passwords[c->n_nodes]));
                if (result)
                        break;
                text_copy(c->profiles[c->n_nodes], sizeof(c->profiles[c->n_nodes]),
                          sn->sofia_profile);
                text_copy(fn->host, sizeof(fn->host), sn->esl_host);
                fn->port = (unsigned)sn->esl_port;
                fn->password = c->passwords[c->n_nodes];
                fn->profile = c->profiles[c->n_nodes];
                text_copy(c->node_names[c->n_nodes], sizeof(c->node_names[c->n_nodes]), sn->name);
                c->n_nodes++;
                if (fs_provision_mode_pushes(c->mode)) {
                        struct cluster_target *t = &c->targets[c->n_targets++];
                        text_copy(t->ssh_target, sizeof(t->ssh_target),
                                  c->mode == FS_MODE_SSH ? sn->ssh_target : "");
                        text_copy(t->conf_dir, sizeof(t->conf_dir), sn->conf_dir);
                }
        }
        free(nodes);
        return result;
}

enum result cluster_open(struct app *app, int64_t id, struct cluster **ret)
{
        struct cluster *c = calloc(1, sizeof(*c));
        enum result result;

        if (!c)
                return RESULT_NOMEM;
        c->id = id;
        result = id ? open_stored(app, id, c) : open_default(app, c);
        if (result) {
                cluster_close(c);
                return result;
        }
        *ret = c;
        return RESULT_OK;
}

void cluster_close(struct cluster *c)
{
        if (!c)
                return;
        wipe_memory(c->passwords, sizeof(c->passwords));
        free(c);
}

const char *cluster_mode_name(const struct cluster *c)
{
        return fs_mode_name(c->mode);
}

void cluster_report_free(struct cluster_report *r, size_t n)
{
        for (size_t i = 0; r && i < n; i++)
                cluster_close(r[i].cluster);
        free(r);
}

/* The ids of the clusters tenant_id sees: 0 and every stored one for the
 * platform, the tenant's own otherwise. */
static enum result visible_clusters(struct store_conn *conn, int64_t tenant_id, int64_t *ids,
                                    size_t *n)
{
        struct store_page page = { .limit = CLUSTER_MAX_CLUSTERS - 1 };
        struct store_cluster *items = NULL;
        struct store_tenant t;
        size_t got = 0;
        enum result result;

        if (tenant_id) {
                result = store_tenant_get(conn, tenant_id, &t);
                ids[0] = result ? 0 : t.cluster_id;
                *n = result ? 0 : 1;
                return result;
        }
        result = store_cluster_list(conn, &page, &items, &got);
        ids[0] = 0;
        for (size_t i = 0; !result && i < got; i++)
                ids[i + 1] = items[i].id;
        *n = result ? 0 : got + 1;
        free(items);
        return result;
}

enum result cluster_probe(struct app *app, int64_t tenant_id, int timeout_ms,
                          struct cluster_report **ret, size_t *ret_n)
{
        int64_t ids[CLUSTER_MAX_CLUSTERS];
        struct cluster_report *r;
        struct store_conn *conn;
        struct fs_node *all = NULL;
        struct fs_node_status *st = NULL;
        size_t n = 0, total = 0, k = 0;
        enum result result;

        *ret = NULL;
        *ret_n = 0;
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = visible_clusters(conn, tenant_id, ids, &n);
        if (result)
                return result;
        r = calloc(n, sizeof(*r));
        if (!r)
                return RESULT_NOMEM;
        for (size_t i = 0; !result && i < n; i++) {
                result = cluster_open(app, ids[i], &r[i].cluster);
                if (!result)
                        result = store_job_counts(conn, tenant_id, ids[i], &r[i].jobs_pending,
                                                  &r[i].jobs_failed);
                if (!result)
                        total += (size_t)r[i].cluster->n_nodes;
        }
        /* Every node of every cluster at once: one hanging node costs
         * timeout_ms, not one timeout per cluster. */
        if (!result && total) {
                all = calloc(total, sizeof(*all));
                st = calloc(total, sizeof(*st));
                if (!all || !st)
                        result = RESULT_NOMEM;
        }
        for (size_t i = 0; !result && i < n; i++)
                for (int j = 0; j < r[i].cluster->n_nodes; j++)
                        all[k++] = r[i].cluster->nodes[j];
        if (!result && total)
                fs_nodes_probe(all, (int)total, timeout_ms, false, st);
        k = 0;
        for (size_t i = 0; !result && i < n; i++)
                for (int j = 0; j < r[i].cluster->n_nodes; j++)
                        r[i].status[j] = st[k++];
        free(all);
        free(st);
        if (result) {
                cluster_report_free(r, n);
                return result;
        }
        *ret = r;
        *ret_n = n;
        return RESULT_OK;
}

enum result cluster_push_targets(struct app *app, const struct cluster *c, struct fs_push **ret,
                                 int max, int *ret_n, char *ret_error, size_t error_size)
{
        const struct settings *s = &app->settings;
        enum result result = RESULT_OK;
        int n = 0;

        *ret_n = 0;
        if (c->n_targets == 0) {
                snprintf(ret_error, error_size, "cluster %.64s has no node with a conf dir",
                         c->name);
                return RESULT_INVALID;
        }
        if (c->mode == FS_MODE_SSH && (!*s->fs_ssh_key || !*s->fs_ssh_known_hosts)) {
                snprintf(ret_error, error_size,
                         "ssh mode needs AGENTDESK_FS_SSH_KEY and AGENTDESK_FS_SSH_KNOWN_HOSTS");
                return RESULT_INVALID;
        }
        for (int i = 0; i < c->n_targets && i < max && !result; i++) {
                const struct cluster_target *t = &c->targets[i];
                if (!*t->conf_dir) {
                        snprintf(ret_error, error_size, "a node of cluster %.64s has no conf dir",
                                 c->name);
                        result = RESULT_INVALID;
                } else if (c->mode == FS_MODE_SSH) {
                        result = fs_push_sftp(t->ssh_target, s->fs_ssh_key, s->fs_ssh_known_hosts,
                                              t->conf_dir, 5000, &ret[n], ret_error, error_size);
                } else {
                        result = fs_push_local(t->conf_dir, &ret[n]);
                        if (result)
                                snprintf(ret_error, error_size, "conf dir %.200s: %s", t->conf_dir,
                                         result_name(result));
                }
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
