/*
 * FreeSWITCH clusters as agentdesk sees them. For now there is the default
 * cluster, defined by the settings (AGENTDESK_FS_ESL nodes, their password
 * and sofia profile; mode xml_curl). Clusters stored in freeswitch_clusters
 * (several per platform, a tenant in one) are not served yet.
 */
#ifndef AGENTDESK_DOMAIN_CLUSTER_H
#define AGENTDESK_DOMAIN_CLUSTER_H

#include "domain/domain.h"
#include "freeswitch/node.h"
#include "freeswitch/push.h"

#define CLUSTER_MAX_NODES 16

struct cluster_status {
        int n_nodes;
        struct fs_node nodes[CLUSTER_MAX_NODES];
        struct fs_node_status status[CLUSTER_MAX_NODES];
        int64_t jobs_pending, jobs_failed;
};

/* Probes every node of the default cluster at once, within timeout_ms,
 * and counts the provisioning jobs of tenant_id (0 = all). */
enum result cluster_status(struct domain *d, int64_t tenant_id, int timeout_ms,
                           struct cluster_status *ret);

/* Queues a resync of the default cluster (design.md: in xml_curl mode every
 * node drops its cached directory users), audited as actor (NULL: the
 * command line), and wakes the reconciler. */
enum result cluster_resync(struct domain *d, const struct actor *actor, int64_t *ret_job_id);

/* Where a job stands. */
enum result cluster_job_state(struct domain *d, int64_t job_id, struct store_job_state *ret);

/* Opens the push targets of the default cluster: the local conf dir in
 * files mode; in ssh mode one SFTP session per AGENTDESK_FS_SSH target.
 * All or none: on failure none is left open and ret_error says why. */
enum result cluster_push_targets(struct domain *d, struct fs_push **ret, int max, int *ret_n,
                                 char *ret_error, size_t error_size);

#define CLUSTER_REG_CACHE_MS 3000
#define CLUSTER_REG_TIMEOUT_MS 1000

/* Whether extension is registered on some node of the default cluster: 1
 * or 0, from listings (`sofia status profile <p> reg`) at most
 * CLUSTER_REG_CACHE_MS old, fetched with a CLUSTER_REG_TIMEOUT_MS bound;
 * -1 when no node answered. Extension numbers are unique on the platform,
 * so the user part is enough. */
int cluster_registered(struct domain *d, const char *extension);

/* Drops the cached listings (at shutdown). */
void cluster_forget(void);

#endif
