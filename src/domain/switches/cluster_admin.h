/*
 * Managing FreeSWITCH clusters and their nodes (superadmin): the stored
 * clusters of cluster.h. Each write is audited (platform entries, tenant
 * 0) and, where it changes what a node should hold (a node added or
 * re-pointed, the mode or domain changed, the cluster enabled again),
 * queues a resync of the cluster in the same transaction. Event Socket
 * passwords are sealed with the key file and never come back out.
 */
#ifndef AGENTDESK_DOMAIN_CLUSTER_ADMIN_H
#define AGENTDESK_DOMAIN_CLUSTER_ADMIN_H

#include "domain/core/app.h"

#define CLUSTER_NAME_MAX_CHARS 100
#define CLUSTER_REGION_MAX_CHARS 64

/* Fields to set; NULL leaves one as it is (or takes its default on
 * create: mode xml_curl, status active, the others ""). "" clears
 * region, sip_domain and websocket_url. */
struct cluster_fields {
        const char *name, *region, *mode, *sip_domain, *websocket_url, *status;
};

/* RESULT_INVALID with *ret_field, RESULT_CONFLICT when the name is taken. */
enum result cluster_create(struct app *app, const struct actor *actor,
                           const struct cluster_fields *f, struct store_cluster *ret,
                           const char **ret_field);

enum result cluster_get(struct app *app, int64_t id, struct store_cluster *ret);

/* A page of clusters by id; *ret_items malloc'd, caller frees. */
enum result cluster_list(struct app *app, struct store_page *page,
                         struct store_cluster **ret_items, size_t *ret_n);

/* A mode the nodes cannot serve (ssh without an SSH target or conf dir on
 * a node, files without a conf dir) is RESULT_INVALID on "mode". */
enum result cluster_update(struct app *app, const struct actor *actor, int64_t id,
                           const struct cluster_fields *f, struct store_cluster *ret,
                           const char **ret_field);

/* RESULT_CLUSTER_IN_USE while a tenant belongs to it. Its nodes and
 * queued jobs go with it. */
enum result cluster_delete(struct app *app, const struct actor *actor, int64_t id);

/* The nodes of a cluster (at most max into ret), passwords blanked. */
enum result cluster_nodes(struct app *app, int64_t cluster_id, struct store_node *ret,
                          size_t max, size_t *ret_n);

/* Node fields; NULL (or esl_port < 0) leaves one as it is, or takes its
 * default on create: esl_port 8021, sofia_profile internal, status
 * active. esl_host and esl_password are required on create. */
struct node_fields {
        const char *name, *esl_host, *esl_password, *sofia_profile, *ssh_target, *conf_dir,
                *status;
        int64_t esl_port;
};

/* RESULT_NOT_FOUND without the cluster; RESULT_INVALID with *ret_field;
 * RESULT_CONFLICT when the cluster has a node of that name or
 * CLUSTER_MAX_NODES already. */
enum result cluster_node_add(struct app *app, const struct actor *actor, int64_t cluster_id,
                             const struct node_fields *f, struct store_node *ret,
                             const char **ret_field);
enum result cluster_node_update(struct app *app, const struct actor *actor, int64_t cluster_id,
                                int64_t id, const struct node_fields *f, struct store_node *ret,
                                const char **ret_field);
enum result cluster_node_delete(struct app *app, const struct actor *actor, int64_t cluster_id,
                                int64_t id);

/* Queues a resync of cluster_id (in xml_curl mode every node
 * drops its cached directory users; in push modes every owned file is
 * rewritten and stale ones removed), audited as actor (NULL: the command
 * line), and wakes the reconciler. RESULT_NOT_FOUND for no such cluster. */
enum result cluster_resync(struct app *app, int64_t cluster_id, const struct actor *actor,
                           int64_t *ret_job_id);

/* Where a job stands. */
enum result cluster_job_state(struct app *app, int64_t job_id, struct store_job_state *ret);

#endif
