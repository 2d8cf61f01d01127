/*
 * A tenant's pool of extensions, each operation in its own transaction:
 * what the storage contract and the benchmarks drive directly (agent
 * creation and deletion take and give back extensions inside their own
 * transactions, domain/identity/agents.c).
 */
#ifndef AGENTDESK_DOMAIN_POOL_H
#define AGENTDESK_DOMAIN_POOL_H

#include "store/store.h"

/* Takes the lowest free extension of the tenant for user_id, with a fresh
 * SIP secret and PIN. RESULT_POOL_EXHAUSTED when none is free. */
enum result pool_allocate(struct store *store, int64_t tenant_id, int64_t user_id,
                          struct store_extension *ret);

/* Returns an extension to its pool with a fresh secret. */
enum result pool_release(struct store *store, int64_t extension_id);

enum result pool_stats(struct store *store, int64_t tenant_id, struct store_pool_stats *ret);

#endif
