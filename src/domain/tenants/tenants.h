/*
 * Tenants and their extension pools.
 *
 * Pool rule (seed): tenant t owns (t+1)*1000 … (t+1)*1000+999 unless a base
 * and size are given. Pools of two tenants never overlap. Allocation takes
 * the lowest free number inside one transaction.
 */
#ifndef AGENTDESK_DOMAIN_TENANTS_H
#define AGENTDESK_DOMAIN_TENANTS_H

#include "domain/core/app.h"
#include "store/store.h"

#define TENANT_POOL_DEFAULT_SIZE 1000
#define TENANT_POOL_MAX_SIZE 100000
#define TENANT_POOL_MAX_NUMBER 999999999  /* extensions stay at most 9 digits */
#define TENANT_NAME_MAX_CHARS 100

/*
 * Creates a tenant named name and generates its pool, in one transaction
 * with its audit entry (actor NULL: the command line). sip_domain may be
 * NULL or "" (the cluster's or the global one applies).
 * pool_base < 0 means the seed rule; pool_size < 0 means 1000. cluster_id
 * 0 is the default cluster; a stored one must exist (else RESULT_INVALID
 * on "cluster_id").
 * RESULT_INVALID for a bad name or pool (ret_field names which),
 * RESULT_POOL_OVERLAP when the pool meets another tenant's. Nothing is
 * written on failure.
 */
enum result tenant_create(struct store *store, const struct actor *actor, const char *name,
                          const char *sip_domain, int64_t pool_base, int64_t pool_size,
                          int64_t cluster_id, struct store_tenant *ret, const char **ret_field);

enum result tenant_get(struct app *app, int64_t id, struct store_tenant *ret,
                       struct store_pool_stats *ret_stats);

/* A page of tenants by id; *ret_items malloc'd, caller frees. */
enum result tenant_list(struct app *app, struct store_page *page, struct store_tenant **ret_items,
                        size_t *ret_n);

/* Fields to change; NULL leaves one as it is ("" clears sip_domain).
 * With set_cluster the tenant moves to cluster_id (0 = the default). */
struct tenant_patch {
        const char *name, *status, *sip_domain;
        bool set_cluster;
        int64_t cluster_id;
};

/* Renames, sets the SIP domain, suspends (every token of its users
 * revoked, assigned extensions deprovisioned) or reactivates (provisioned
 * again), or moves it to another cluster (deprovisioned on the old one,
 * provisioned on the new). */
enum result tenant_update(struct app *app, const struct actor *actor, int64_t id,
                          const struct tenant_patch *patch, struct store_tenant *ret,
                          const char **ret_field);

#endif
