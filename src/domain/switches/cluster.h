/*
 * FreeSWITCH clusters as the reconciler, the status route and the command
 * line see them. Cluster 0 is the default one, defined by the settings
 * (AGENTDESK_FS_MODE, AGENTDESK_FS_ESL, …); the others are stored in
 * freeswitch_clusters with their nodes (domain/switches/cluster_admin.h edits
 * them). A tenant belongs to one cluster (tenants.cluster_id, NULL = the
 * default), and every node of a cluster gets every change of its tenants.
 */
#ifndef AGENTDESK_DOMAIN_CLUSTER_H
#define AGENTDESK_DOMAIN_CLUSTER_H

#include "domain/core/app.h"
#include "freeswitch/node.h"
#include "freeswitch/provision.h"
#include "freeswitch/push.h"

#define CLUSTER_MAX_NODES 16
#define CLUSTER_MAX_CLUSTERS 64          /* the status route shows at most these */

/* Where one node's conf files go in a push mode. */
struct cluster_target {
        char ssh_target[300];            /* ssh mode: user@host[:port]; "" in files mode */
        char conf_dir[STORE_TEXT_MAX];
};

/* A cluster ready to talk to. Holds Event Socket passwords in the clear:
 * only cluster_open() makes one and cluster_close() wipes it. */
struct cluster {
        int64_t id;                      /* 0 = the default cluster */
        char name[STORE_NAME_MAX];
        enum fs_mode mode;
        char sip_domain[256];            /* "" = AGENTDESK_SIP_DOMAIN */
        bool active;                     /* a disabled cluster's jobs wait */
        int n_nodes;                     /* active nodes with an Event Socket */
        struct fs_node nodes[CLUSTER_MAX_NODES]; /* password, profile: below, or the settings' */
        char passwords[CLUSTER_MAX_NODES][256];  /* a stored cluster's, unsealed */
        char profiles[CLUSTER_MAX_NODES][STORE_SHORT_MAX];
        /* a stored node's name; the default cluster's "host:port": the
         * names the queue-node rule hashes (provisioning/queue_node.h) */
        char node_names[CLUSTER_MAX_NODES][STORE_SHORT_MAX];
        int n_targets;                   /* push modes */
        struct cluster_target targets[CLUSTER_MAX_NODES];
};

/* Loads cluster id (0 = the default). RESULT_NOT_FOUND when there is no
 * such stored cluster. */
enum result cluster_open(struct app *app, int64_t id, struct cluster **ret);
void cluster_close(struct cluster *c);

/* c's mode as the API and the store spell it ("xml_curl", "files", "ssh"). */
const char *cluster_mode_name(const struct cluster *c);

/* One cluster of a status report. */
struct cluster_report {
        struct cluster *cluster;
        struct fs_node_status status[CLUSTER_MAX_NODES];
        int64_t jobs_pending, jobs_failed;
};

/* The clusters tenant_id sees (0: every cluster, for a superadmin; else
 * the tenant's), every node of them probed at once within timeout_ms, and
 * their provisioning jobs (only tenant_id's when not 0). *ret is calloc'd;
 * free it with cluster_report_free(). */
enum result cluster_probe(struct app *app, int64_t tenant_id, int timeout_ms,
                          struct cluster_report **ret, size_t *ret_n);
void cluster_report_free(struct cluster_report *r, size_t n);

/* Opens the push targets of c: a local conf dir per target in files mode,
 * one SFTP session per target in ssh mode (with AGENTDESK_FS_SSH_KEY and
 * AGENTDESK_FS_SSH_KNOWN_HOSTS). All or none: on failure none is left open
 * and ret_error says why. */
enum result cluster_push_targets(struct app *app, const struct cluster *c, struct fs_push **ret,
                                 int max, int *ret_n, char *ret_error, size_t error_size);

#endif
