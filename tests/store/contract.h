/*
 * The parts of the storage contract suite (tests/store/contract*.c), run
 * in order by contract.c's main() against one fresh database.
 */
#ifndef AGENTDESK_TESTS_STORE_CONTRACT_H
#define AGENTDESK_TESTS_STORE_CONTRACT_H

#include "store/store.h"

/* A second store on the same database (another node), opened as the
 * first; exits on failure. */
struct store *contract_open_store(void);
/* The same, its lock waits bounded by busy_timeout_ms. */
struct store *contract_open_store_waiting(int64_t busy_timeout_ms);

/* An active tenant with an empty pool at base, and an active agent of
 * it (contract.c); in the caller's transaction, or alone without one. */
int64_t contract_tenant(struct store_conn *conn, const char *slug, int64_t base);
int64_t contract_user(struct store_conn *conn, int64_t tenant_id, const char *email);

/* tests/store/contract_ops.c: every store_* operation that the domain
 * wrappers in contract.c do not reach directly. */
void contract_basics(struct store *store);
void contract_directory_writes(struct store *store);
void contract_tenants(struct store *store);
void contract_users(struct store *store);
void contract_sessions(struct store *store);
void contract_throttle(struct store *store);
void contract_extensions(struct store *store);
void contract_clusters(struct store *store);
void contract_jobs(struct store *store);
void contract_audit(struct store *store);
void contract_agent_page(struct store *store);
void contract_mail_requests(struct store *store);
void contract_imports(struct store *store);
void contract_bulk(struct store *store);

/* tests/store/contract_calls.c: call records and daily usage. */
void contract_calls(struct store *store);
int contract_calls_checks(int *ret_failures);
/* tests/store/contract_board.c: the board's callers, activity, counts. */
void contract_board(struct store *store);
int contract_board_checks(int *ret_failures);

/* tests/store/contract_queues.c: queues, members, break reasons, inbound
 * numbers, the tenant's queue defaults. */
void contract_queues(struct store *store);
int contract_queues_checks(int *ret_failures);
/* tests/store/contract_queue_agents.c: agents' queue statuses. */
void contract_queue_agents(struct store *store);
int contract_queue_agents_checks(int *ret_failures);
/* tests/store/contract_scim.c: SCIM tokens, externalIds, role mapping. */
void contract_scim(struct store *store);
int contract_scim_checks(int *ret_failures);
/* tests/store/contract_sso.c: single sign-on providers, identities,
 * flows and one-time codes. */
void contract_sso(struct store *store);
int contract_sso_checks(int *ret_failures);
/* A store_secret_fn that "seals" nothing: for pools a test makes itself. */
enum result contract_plain_secret(void *userdata, const char *extension,
                                  char ret_secret[STORE_TEXT_MAX], char ret_pin[STORE_TEXT_MAX]);

/* tests/store/contract_callcenter.c: what FreeSWITCH must know of queues. */
void contract_callcenter(struct store *store);
int contract_callcenter_checks(int *ret_failures);

/* tests/store/contract_webhooks.c: webhook endpoints and their outbox. */
void contract_webhooks(struct store *store);
int contract_webhooks_checks(int *ret_failures);
/* tests/store/contract_data.c: schema version, backup and restore, the
 * sealed columns, Idempotency-Key answers. */
void contract_data(struct store *store);
int contract_data_checks(int *ret_failures);

/* check.h counts per file: contract_ops.c's checks and failures, which
 * main() adds to its own tally. */
int contract_ops_checks(int *ret_failures);

#endif
