/*
 * The one queue-node rule: which node of its cluster holds a tenant's
 * queues, agents and statuses (issue 19, "One node per tenant for
 * queues": mod_callcenter's database is per node, so a tenant's queue
 * state lives on one node, and its queue numbers and inbound numbers
 * route there).
 *
 * Rendezvous (highest random weight) hashing of the tenant's id over the
 * names of the cluster's active nodes: each (tenant, node name) pair gets
 * a score and the highest wins. A node added takes only the tenants whose
 * new score beats their old winner's; a node removed gives up only its
 * own tenants; nothing depends on the order or the ids of the nodes.
 * The reconciler, /v1/admin/queue-settings (`node`) and the board ask here.
 */
#ifndef AGENTDESK_DOMAIN_QUEUE_NODE_H
#define AGENTDESK_DOMAIN_QUEUE_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "domain/core/app.h"
#include "store/store.h"

/* The index in names[0..n) of tenant_id's queue node, or -1 when n is 0.
 * Equal names score equally: the first of them wins. */
int queue_node_pick(int64_t tenant_id, const char *const *names, size_t n);

/* The name of tenant_id's queue node into ret (size bytes): among the
 * active nodes of its cluster, a stored cluster's by node name, the
 * default cluster's (AGENTDESK_FS_ESL) each named "host:port" as the
 * setting writes it. "" when the cluster has no active node.
 * RESULT_NOT_FOUND for an unknown tenant. */
enum result queue_node_of_tenant(struct app *app, struct store_conn *conn, int64_t tenant_id,
                                 char *ret, size_t size);

/* The same for cluster_id (0 = the default) given directly. */
enum result queue_node_of_cluster(struct app *app, struct store_conn *conn, int64_t cluster_id,
                                  int64_t tenant_id, char *ret, size_t size);

#endif
