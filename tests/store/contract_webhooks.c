/*
 * The storage contract of webhooks (store/webhooks.c): endpoints scoped to
 * their tenant; a live event's commit writes one delivery per enabled
 * endpoint of its tenant that takes its type, and a rollback none; the due
 * rows carry the endpoint's URL and secret; an attempt's record; disabling
 * cancels what is pending; a test delivery; the purge of what is no longer
 * pending; deleting takes the log along.
 *
 * Pool numbers: none (no extension here).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "contract.h"

int contract_webhooks_checks(int *ret_failures)
{
        *ret_failures = check_failures;
        return check_count;
}

static int64_t tenant(struct store_conn *conn, const char *slug, int64_t base)
{
        struct store_tenant t = { .status = TENANT_STATUS_ACTIVE, .pool_base = base, .pool_size = 1 };

        snprintf(t.name, sizeof(t.name), "Hooks %s", slug);
        snprintf(t.slug, sizeof(t.slug), "%s", slug);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_insert(conn, &t), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        return t.id;
}

static struct store_webhook endpoint(struct store_conn *conn, int64_t tenant_id, const char *url,
                                     const char *events)
{
        struct store_webhook w = { .tenant_id = tenant_id, .enabled = true };

        snprintf(w.url, sizeof(w.url), "%s", url);
        snprintf(w.secret, sizeof(w.secret), "sealed-%s", url);
        snprintf(w.events, sizeof(w.events), "%s", events);
        CHECK_INT_EQ(store_webhook_insert(conn, &w), RESULT_OK);
        CHECK(w.id > 0 && w.created_at > 0);
        return w;
}

/* How many deliveries of endpoint id (of tenant_id) there are. */
static size_t count(struct store_conn *conn, int64_t tenant_id, int64_t id)
{
        struct store_webhook_delivery *items = NULL;
        struct store_page page = { .limit = 100 };
        size_t n = 0;

        CHECK_INT_EQ(store_webhook_delivery_list(conn, tenant_id, id, &page, &items, &n), RESULT_OK);
        store_webhook_deliveries_free(items, n);
        return n;
}

void contract_webhooks(struct store *store)
{
        struct store_conn *conn;
        struct store_webhook a1, a2, a3, b1, got, *list = NULL;
        struct store_webhook_delivery *due = NULL, *log = NULL;
        struct store_page page = { .limit = 10 };
        struct store_purged purged;
        int64_t ta, tb, test_id = 0;
        size_t n = 0;

        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);
        ta = tenant(conn, "hooks-a", 810000);
        tb = tenant(conn, "hooks-b", 820000);
        a1 = endpoint(conn, ta, "https://a.example/1", ",agent.created,agent.updated,");
        a2 = endpoint(conn, ta, "https://a.example/2", ",agent.updated,");
        a3 = endpoint(conn, ta, "https://a.example/3", ",agent.created,");
        b1 = endpoint(conn, tb, "https://b.example/1", ",agent.created,");

        /* Scoped to the tenant. */
        CHECK_INT_EQ(store_webhook_get(conn, tb, a1.id, &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_webhook_get(conn, ta, a1.id, &got), RESULT_OK);
        CHECK_STR_EQ(got.url, "https://a.example/1");
        CHECK_STR_EQ(got.secret, "sealed-https://a.example/1");
        CHECK_INT_EQ(store_webhook_list(conn, ta, &page, &list, &n), RESULT_OK);
        CHECK_INT_EQ((int)n, 3);
        CHECK_INT_EQ(page.total, 3);
        free(list);

        /* a3 disabled before the events: it gets none. */
        a3.enabled = false;
        CHECK_INT_EQ(store_webhook_update(conn, &a3), RESULT_OK);
        got = a3;
        got.tenant_id = tb;
        CHECK_INT_EQ(store_webhook_update(conn, &got), RESULT_NOT_FOUND);

        /* A rolled-back event queues nothing; a committed one, a delivery
         * per enabled endpoint of its tenant that takes its type. */
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_live_event_append(conn, ta, EVENT_AGENT_CREATED, 0, "{\"n\":0}"), RESULT_OK);
        store_rollback(conn);
        CHECK_INT_EQ((int)count(conn, ta, a1.id), 0);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_live_event_append(conn, ta, EVENT_AGENT_CREATED, 0, "{\"n\":1}"), RESULT_OK);
        CHECK_INT_EQ(store_live_event_append(conn, ta, EVENT_AGENT_UPDATED, 0, "{\"n\":2}"), RESULT_OK);
        CHECK_INT_EQ(store_live_event_append(conn, ta, EVENT_AGENT_DELETED, 0, "{\"n\":3}"), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ((int)count(conn, ta, a1.id), 2);
        CHECK_INT_EQ((int)count(conn, ta, a2.id), 1);
        CHECK_INT_EQ((int)count(conn, ta, a3.id), 0);
        CHECK_INT_EQ((int)count(conn, tb, b1.id), 0);
        CHECK_INT_EQ((int)count(conn, tb, a1.id), 0);

        /* Due: oldest first, with the endpoint's URL, secret and the data. */
        CHECK_INT_EQ(store_webhook_due(conn, store_now() * 1000 + 1000, false, 10, &due, &n),
                     RESULT_OK);
        CHECK_INT_EQ((int)n, 3);
        if (n == 3) {
                CHECK_INT_EQ(due[0].endpoint_id, a1.id);
                CHECK_STR_EQ(due[0].type, "agent.created");
                CHECK_STR_EQ(due[0].data, "{\"n\":1}");
                CHECK_STR_EQ(due[0].url, "https://a.example/1");
                CHECK_STR_EQ(due[0].secret, "sealed-https://a.example/1");
                CHECK(due[0].event_id > 0 && due[1].event_id == due[2].event_id);
                CHECK_INT_EQ(due[0].state, WEBHOOK_DELIVERY_PENDING);
                /* An attempt: a retry later, then delivered. */
                due[0].attempts = 1;
                due[0].last_status = 500;
                due[0].last_latency_ms = 12;
                due[0].next_attempt_ms = store_now() * 1000 + 3600000;
                snprintf(due[0].last_error, sizeof(due[0].last_error), "answered 500");
                CHECK_INT_EQ(store_webhook_delivery_record(conn, &due[0]), RESULT_OK);
                due[1].attempts = 1;
                due[1].last_status = 200;
                due[1].state = WEBHOOK_DELIVERY_DELIVERED;
                CHECK_INT_EQ(store_webhook_delivery_record(conn, &due[1]), RESULT_OK);
        }
        store_webhook_deliveries_free(due, n);
        CHECK_INT_EQ(store_webhook_due(conn, store_now() * 1000 + 1000, false, 10, &due, &n),
                     RESULT_OK);
        CHECK_INT_EQ((int)n, 1);     /* a2's; a1's retry is an hour away, the other delivered */
        store_webhook_deliveries_free(due, n);
        CHECK_INT_EQ(store_webhook_delivery_list(conn, ta, a1.id, &page, &log, &n), RESULT_OK);
        CHECK_INT_EQ((int)n, 2);
        if (n == 2) {
                CHECK(log[0].id > log[1].id);       /* newest first */
                CHECK(log[0].data == NULL);
                CHECK_INT_EQ(log[1].last_status, 500);
                CHECK_INT_EQ(log[1].last_latency_ms, 12);
                CHECK_STR_EQ(log[1].last_error, "answered 500");
                CHECK_INT_EQ(log[0].state, WEBHOOK_DELIVERY_DELIVERED);
        }
        store_webhook_deliveries_free(log, n);

        /* A test delivery, due now, for that endpoint alone. */
        CHECK_INT_EQ(store_webhook_test_insert(conn, ta, a2.id, "{\"test\":true}", &test_id),
                     RESULT_OK);
        CHECK(test_id > 0);
        CHECK_INT_EQ((int)count(conn, ta, a2.id), 2);

        /* Disabling cancels what is pending: nothing of a2 is due. */
        a2.enabled = false;
        CHECK_INT_EQ(store_webhook_update(conn, &a2), RESULT_OK);
        CHECK_INT_EQ(store_webhook_due(conn, store_now() * 1000 + 7200000, false, 10, &due, &n),
                     RESULT_OK);
        CHECK_INT_EQ((int)n, 1);     /* a1's retry alone */
        store_webhook_deliveries_free(due, n);
        CHECK_INT_EQ(store_webhook_delivery_list(conn, ta, a2.id, &page, &log, &n), RESULT_OK);
        for (size_t i = 0; i < n; i++)
                CHECK_INT_EQ(log[i].state, WEBHOOK_DELIVERY_CANCELLED);
        store_webhook_deliveries_free(log, n);

        /* The purge: what is no longer pending goes (the delivery log is
         * kept AGENTDESK_PURGE_AFTER); a pending retry stays. */
        CHECK_INT_EQ(store_purge(conn, store_now() + 5, 0, 100, &purged), RESULT_OK);
        CHECK_INT_EQ(purged.webhook_deliveries, 3);
        CHECK_INT_EQ((int)count(conn, ta, a1.id), 1);
        CHECK_INT_EQ((int)count(conn, ta, a2.id), 0);

        /* Delete: another tenant's is not found; the log goes along. */
        CHECK_INT_EQ(store_webhook_delete(conn, tb, a1.id), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_webhook_delete(conn, ta, a1.id), RESULT_OK);
        CHECK_INT_EQ(store_webhook_get(conn, ta, a1.id, &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ((int)count(conn, ta, a1.id), 0);
}
