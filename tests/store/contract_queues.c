/*
 * The storage contract of queues (store/queues.c): each operation called
 * directly with what its header promises checked — rows scoped to their
 * tenant, names and numbers unique per tenant, inbound numbers unique
 * across tenants, members replaced whole, the default break reasons until
 * a tenant sets its own, the tenant's queue defaults.
 *
 * Pool numbers used here start at 700000, clear of the other parts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "contract.h"

int contract_queues_checks(int *ret_failures)
{
        *ret_failures = check_failures;
        return check_count;
}

static int64_t tenant(struct store_conn *conn, const char *slug, int64_t base)
{
        struct store_tenant t = { .status = TENANT_STATUS_ACTIVE, .pool_base = base, .pool_size = 4 };

        snprintf(t.name, sizeof(t.name), "Queues %s", slug);
        snprintf(t.slug, sizeof(t.slug), "%s", slug);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_insert(conn, &t), RESULT_OK);
        CHECK_INT_EQ(store_pool_generate(conn, t.id, base, 4, contract_plain_secret, NULL), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        return t.id;
}

/* An agent of tenant_id, with one extension when with_extension. */
static int64_t agent(struct store_conn *conn, int64_t tenant_id, const char *email, const char *last,
                     bool with_extension)
{
        struct store_user u = { .tenant_id = tenant_id, .role = USER_ROLE_AGENT,
                                .status = USER_STATUS_ACTIVE };
        struct store_extension e;

        snprintf(u.email, sizeof(u.email), "%s", email);
        snprintf(u.first_name, sizeof(u.first_name), "Q");
        snprintf(u.last_name, sizeof(u.last_name), "%s", last);
        snprintf(u.password_hash, sizeof(u.password_hash), "x");
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_user_insert(conn, &u), RESULT_OK);
        if (with_extension)
                CHECK_INT_EQ(store_pool_allocate(conn, tenant_id, u.id, "s", "p", JOBS_STATE_PROVISIONED, &e),
                             RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        return u.id;
}

static struct store_queue queue_named(int64_t tenant_id, const char *name, const char *number)
{
        struct store_queue q = { .tenant_id = tenant_id, .strategy = QUEUE_STRATEGY_RING_ALL,
                                 .max_wait_s = 60, .timeout_action = QUEUE_TIMEOUT_HANGUP,
                                 .tier_rule_wait_s = 300, .tier_rule_wait_multiply_level = true };

        snprintf(q.name, sizeof(q.name), "%s", name);
        snprintf(q.number, sizeof(q.number), "%s", number);
        return q;
}

static void queues_rows(struct store_conn *conn, int64_t ta, int64_t tb)
{
        struct store_queue a = queue_named(ta, "Support", "7000"), b = queue_named(ta, "Sales", "7001");
        struct store_queue dup, got, *items = NULL;
        struct store_page page = { .limit = 10 };
        bool by_name, by_number, in_use;
        size_t n = 0;

        snprintf(a.moh_sound, sizeof(a.moh_sound), "tone_stream://%%(200,0,500)");
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_insert(conn, &a), RESULT_OK);
        CHECK_INT_EQ(store_queue_insert(conn, &b), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK(a.id > 0 && b.id > a.id);
        CHECK_INT_EQ(a.provisioning, JOBS_STATE_PENDING);
        CHECK_INT_EQ(a.members, 0);
        CHECK(a.created_at > 0 && a.updated_at == a.created_at);

        /* same tenant: name or number taken; another tenant may reuse both */
        dup = queue_named(ta, "Support", "7100");
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_insert(conn, &dup), RESULT_CONFLICT);
        store_rollback(conn);
        dup = queue_named(ta, "Other", "7000");
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_insert(conn, &dup), RESULT_CONFLICT);
        store_rollback(conn);
        dup = queue_named(tb, "Support", "7000");
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_insert(conn, &dup), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);

        CHECK_INT_EQ(store_queue_taken(conn, ta, 0, "Support", "7001", &by_name, &by_number), RESULT_OK);
        CHECK(by_name && by_number);
        CHECK_INT_EQ(store_queue_taken(conn, ta, a.id, "Support", "7000", &by_name, &by_number), RESULT_OK);
        CHECK(!by_name && !by_number);
        CHECK_INT_EQ(store_queue_taken(conn, ta, 0, NULL, "7999", &by_name, &by_number), RESULT_OK);
        CHECK(!by_name && !by_number);

        /* read back scoped to the tenant */
        CHECK_INT_EQ(store_queue_get(conn, ta, a.id, &got), RESULT_OK);
        CHECK_STR_EQ(got.name, "Support");
        CHECK_STR_EQ(got.moh_sound, "tone_stream://%(200,0,500)");
        CHECK_INT_EQ(got.strategy, QUEUE_STRATEGY_RING_ALL);
        CHECK_INT_EQ(got.max_wait_s, 60);
        CHECK(got.tier_rule_wait_multiply_level && !got.tier_rules_apply);
        CHECK_INT_EQ(store_queue_get(conn, tb, a.id, &got), RESULT_NOT_FOUND);

        /* by name: Sales before Support */
        CHECK_INT_EQ(store_queue_list(conn, ta, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 2);
        CHECK_INT_EQ(page.total, 2);
        CHECK(n == 2 && items[0].id == b.id && items[1].id == a.id);
        free(items);

        /* update: every field, the timeout into b; another tenant's row is not found */
        a.strategy = QUEUE_STRATEGY_TOP_DOWN;
        a.timeout_action = QUEUE_TIMEOUT_QUEUE;
        a.timeout_queue_id = b.id;
        a.tier_rules_apply = true;
        snprintf(a.name, sizeof(a.name), "Support 2");
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_update(conn, &a), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_get(conn, ta, a.id, &got), RESULT_OK);
        CHECK_STR_EQ(got.name, "Support 2");
        CHECK(got.timeout_queue_id == b.id && got.timeout_action == QUEUE_TIMEOUT_QUEUE &&
              got.strategy == QUEUE_STRATEGY_TOP_DOWN && got.tier_rules_apply);
        got.tenant_id = tb;
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_update(conn, &got), RESULT_NOT_FOUND);
        store_rollback(conn);

        /* b is named by a's timeout: in use; a is not */
        CHECK_INT_EQ(store_queue_in_use(conn, b.id, &in_use), RESULT_OK);
        CHECK(in_use);
        CHECK_INT_EQ(store_queue_in_use(conn, a.id, &in_use), RESULT_OK);
        CHECK(!in_use);

        /* delete: scoped to the tenant, once */
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_delete(conn, tb, a.id), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_queue_delete(conn, ta, a.id), RESULT_OK);
        CHECK_INT_EQ(store_queue_delete(conn, ta, a.id), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_get(conn, ta, a.id, &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_queue_in_use(conn, b.id, &in_use), RESULT_OK);
        CHECK(!in_use);
}

static void members(struct store_conn *conn, int64_t ta)
{
        struct store_queue q = queue_named(ta, "Members", "7200"), got;
        int64_t ann = agent(conn, ta, "ann@queues.test", "Ann", true);
        int64_t bob = agent(conn, ta, "bob@queues.test", "Bob", false);
        struct store_queue_member set[2] = { { .user_id = bob, .level = 2, .position = 1 },
                                             { .user_id = ann, .level = 1, .position = 5 } };
        struct store_queue_member *m = NULL;
        struct store_user_queue *uq = NULL;
        int64_t *ids = NULL;
        size_t n = 0;

        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_insert(conn, &q), RESULT_OK);
        CHECK_INT_EQ(store_queue_members_set(conn, q.id, set, 2), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);

        /* by level: ann (1) then bob (2); ann's extension, bob none; no status row: logged out */
        CHECK_INT_EQ(store_queue_members(conn, q.id, &m, &n), RESULT_OK);
        CHECK_INT_EQ(n, 2);
        if (n == 2) {
                CHECK(m[0].user_id == ann && m[0].level == 1 && m[0].position == 5);
                CHECK_STR_EQ(m[0].last_name, "Ann");
                CHECK_INT_EQ(m[0].n_extensions, 1);
                CHECK_STR_EQ(m[0].extensions[0], "700000");
                CHECK_INT_EQ(m[0].status, QUEUE_STATUS_LOGGED_OUT);
                CHECK_INT_EQ(m[0].user_status, USER_STATUS_ACTIVE);
                CHECK(m[1].user_id == bob && m[1].n_extensions == 0);
        }
        free(m);
        CHECK_INT_EQ(store_queue_get(conn, ta, q.id, &got), RESULT_OK);
        CHECK_INT_EQ(got.members, 2);

        CHECK_INT_EQ(store_user_queues(conn, ann, &uq, &n), RESULT_OK);
        CHECK(n == 1 && uq[0].id == q.id && uq[0].level == 1 && uq[0].position == 5);
        CHECK(n == 1 && strcmp(uq[0].number, "7200") == 0);
        free(uq);

        CHECK_INT_EQ(store_queue_agent_ids(conn, ta, &ids, &n), RESULT_OK);
        CHECK(n == 2 && ((ids[0] == ann && ids[1] == bob) || (ids[0] == bob && ids[1] == ann)));
        free(ids);

        /* replaced whole: bob alone */
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_members_set(conn, q.id, set, 1), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_members(conn, q.id, &m, &n), RESULT_OK);
        CHECK(n == 1 && m[0].user_id == bob);
        free(m);
        CHECK_INT_EQ(store_user_queues(conn, ann, &uq, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);
        free(uq);

        /* emptied, then the queue deleted with a member */
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_members_set(conn, q.id, NULL, 0), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_members(conn, q.id, &m, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);
        free(m);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_members_set(conn, q.id, set, 2), RESULT_OK);
        CHECK_INT_EQ(store_queue_delete(conn, ta, q.id), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_user_queues(conn, bob, &uq, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);
        free(uq);
}

static void settings(struct store_conn *conn, int64_t ta, int64_t tb)
{
        char reasons[STORE_BREAK_REASONS_MAX][STORE_BREAK_REASON_SIZE];
        const char *mine[] = { "Coffee", "Lunch" };
        int64_t wrap = -1, max = -1;
        size_t n = 0;

        /* the defaults until set, then the tenant's own in order */
        CHECK_INT_EQ(store_break_reasons(conn, ta, reasons, &n), RESULT_OK);
        CHECK_INT_EQ(n, 3);
        CHECK(n == 3 && !strcmp(reasons[0], "Break") && !strcmp(reasons[1], "Lunch") &&
              !strcmp(reasons[2], "Training"));
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_break_reasons_set(conn, ta, mine, 2), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_break_reasons(conn, ta, reasons, &n), RESULT_OK);
        CHECK(n == 2 && !strcmp(reasons[0], "Coffee") && !strcmp(reasons[1], "Lunch"));
        CHECK_INT_EQ(store_break_reasons(conn, tb, reasons, &n), RESULT_OK);
        CHECK_INT_EQ(n, 3);

        /* migration's defaults, then set; another tenant keeps its own */
        CHECK_INT_EQ(store_tenant_queue_defaults(conn, ta, &wrap, &max), RESULT_OK);
        CHECK(wrap == 10 && max == 3);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_set_queue_defaults(conn, ta, 25, 5), RESULT_OK);
        CHECK_INT_EQ(store_tenant_set_queue_defaults(conn, 987654, 25, 5), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_queue_defaults(conn, ta, &wrap, &max), RESULT_OK);
        CHECK(wrap == 25 && max == 5);
        CHECK_INT_EQ(store_tenant_queue_defaults(conn, tb, &wrap, &max), RESULT_OK);
        CHECK(wrap == 10 && max == 3);
        CHECK_INT_EQ(store_tenant_queue_defaults(conn, 987654, &wrap, &max), RESULT_NOT_FOUND);
}

static void numbers(struct store_conn *conn, int64_t ta, int64_t tb)
{
        struct store_queue q = queue_named(ta, "Inbound", "7300");
        struct store_inbound_number a = { .tenant_id = ta }, b = { .tenant_id = ta };
        struct store_inbound_number dup = { .tenant_id = tb }, got, *items = NULL;
        struct store_page page = { .limit = 10 };
        bool taken = false, in_use = false;
        size_t n = 0;

        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_insert(conn, &q), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        snprintf(a.number, sizeof(a.number), "+15551230002");
        a.queue_id = q.id;
        snprintf(b.number, sizeof(b.number), "+15551230001");
        snprintf(b.extension, sizeof(b.extension), "700001");
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_inbound_number_insert(conn, &a), RESULT_OK);
        CHECK_INT_EQ(store_inbound_number_insert(conn, &b), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK(a.id > 0 && a.created_at > 0 && a.queue_id == q.id && a.extension[0] == '\0');

        /* unique across tenants */
        snprintf(dup.number, sizeof(dup.number), "+15551230002");
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_inbound_number_insert(conn, &dup), RESULT_CONFLICT);
        store_rollback(conn);
        CHECK_INT_EQ(store_inbound_number_taken(conn, "+15551230002", &taken), RESULT_OK);
        CHECK(taken);
        CHECK_INT_EQ(store_inbound_number_taken(conn, "+15551239999", &taken), RESULT_OK);
        CHECK(!taken);

        /* the queue is in use while a number names it */
        CHECK_INT_EQ(store_queue_in_use(conn, q.id, &in_use), RESULT_OK);
        CHECK(in_use);

        CHECK_INT_EQ(store_inbound_number_get(conn, ta, b.id, &got), RESULT_OK);
        CHECK(got.queue_id == 0 && strcmp(got.extension, "700001") == 0);
        CHECK_INT_EQ(store_inbound_number_get(conn, tb, b.id, &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_inbound_number_list(conn, ta, &page, &items, &n), RESULT_OK);
        CHECK(n == 2 && page.total == 2 && items[0].id == b.id && items[1].id == a.id);
        free(items);
        CHECK_INT_EQ(store_inbound_number_list(conn, tb, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);
        free(items);

        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_inbound_number_delete(conn, tb, a.id), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_inbound_number_delete(conn, ta, a.id), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_queue_in_use(conn, q.id, &in_use), RESULT_OK);
        CHECK(!in_use);
}

void contract_queues(struct store *store)
{
        struct store_conn *conn = NULL;
        int64_t ta, tb;

        if (store_conn_get(store, &conn)) {
                fprintf(stderr, "store_conn_get: %s\n", store_last_error());
                exit(1);
        }
        ta = tenant(conn, "queues-a", 700000);
        tb = tenant(conn, "queues-b", 700100);
        queues_rows(conn, ta, tb);
        members(conn, ta);
        settings(conn, ta, tb);
        numbers(conn, ta, tb);
}
