/*
 * The storage contract of SCIM (store/scim.c): tokens found by their hash
 * only while live and their tenant active, revoked per tenant, listed
 * without revoked ones, last use written at most once a minute;
 * externalIds kept per user; the users found by email or externalId
 * within one tenant only, deleted ones never; the role mapping's defaults
 * and upsert.
 *
 * Pool numbers used here start at 920000, clear of the other parts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "contract.h"
#include "store/driver.h"

int contract_scim_checks(int *ret_failures)
{
        *ret_failures = check_failures;
        return check_count;
}

static void test_tokens(struct store_conn *conn, int64_t a, int64_t b)
{
        struct store_scim_token t = { .tenant_id = a }, u = { .tenant_id = b }, got;
        struct store_scim_token *list = NULL;
        struct store_param p[2];
        size_t n = 9;
        int64_t now = store_now();

        snprintf(t.name, sizeof(t.name), "Entra");
        CHECK_INT_EQ(store_scim_token_insert(conn, &t, "hash-a"), RESULT_OK);
        CHECK(t.id > 0 && t.created_at >= now - 5);
        CHECK_INT_EQ(store_scim_token_insert(conn, &u, "hash-b"), RESULT_OK);
        /* the hash is unique */
        CHECK(store_scim_token_insert(conn, &u, "hash-b") != RESULT_OK);
        CHECK_INT_EQ(store_scim_token_use(conn, "hash-a", now, &got), RESULT_OK);
        CHECK_INT_EQ(got.id, t.id);
        CHECK_INT_EQ(got.tenant_id, a);
        CHECK_STR_EQ(got.name, "Entra");
        CHECK_INT_EQ(got.last_used_at, now);
        /* a second use within the minute keeps the first time */
        CHECK_INT_EQ(store_scim_token_use(conn, "hash-a", now + 30, &got), RESULT_OK);
        CHECK_INT_EQ(got.last_used_at, now);
        CHECK_INT_EQ(store_scim_token_use(conn, "hash-a", now + 61, &got), RESULT_OK);
        CHECK_INT_EQ(got.last_used_at, now + 61);
        CHECK_INT_EQ(store_scim_token_use(conn, "nope", now, &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_scim_token_list(conn, a, &list, &n), RESULT_OK);
        CHECK_INT_EQ(n, 1);
        CHECK(n == 1 && list[0].id == t.id);
        free(list);
        /* another tenant's token is not revoked through this one */
        CHECK_INT_EQ(store_scim_token_revoke(conn, a, u.id), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_scim_token_revoke(conn, a, t.id), RESULT_OK);
        CHECK_INT_EQ(store_scim_token_revoke(conn, a, t.id), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_scim_token_use(conn, "hash-a", now, &got), RESULT_NOT_FOUND);
        list = NULL;
        CHECK_INT_EQ(store_scim_token_list(conn, a, &list, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);
        free(list);
        /* a suspended tenant's token opens nothing */
        p[0] = SP_TEXT("suspended");
        p[1] = SP_INT(b);
        CHECK_INT_EQ(store_exec(conn, "UPDATE tenants SET status = ? WHERE id = ?", p, 2, NULL,
                                NULL),
                     RESULT_OK);
        CHECK_INT_EQ(store_scim_token_use(conn, "hash-b", now, &got), RESULT_NOT_FOUND);
        p[0] = SP_TEXT("active");
        CHECK_INT_EQ(store_exec(conn, "UPDATE tenants SET status = ? WHERE id = ?", p, 2, NULL,
                                NULL),
                     RESULT_OK);
        CHECK_INT_EQ(store_scim_token_use(conn, "hash-b", now, &got), RESULT_OK);
}

static void test_users(struct store_conn *conn, int64_t a, int64_t b)
{
        int64_t ada = contract_user(conn, a, "ada@scim.example");
        int64_t bob = contract_user(conn, a, "bob@scim.example");
        int64_t eve = contract_user(conn, b, "eve@scim.example"), *ids = NULL;
        struct store_page page = { .limit = 10 };
        struct store_param p = SP_INT(bob);
        char ext[STORE_TEXT_MAX];
        size_t n = 0;

        CHECK_INT_EQ(store_scim_external_id_get(conn, ada, ext), RESULT_OK);
        CHECK_STR_EQ(ext, "");
        CHECK_INT_EQ(store_scim_external_id_set(conn, a, ada, "00u1"), RESULT_OK);
        CHECK_INT_EQ(store_scim_external_id_set(conn, a, ada, "00u2"), RESULT_OK);
        CHECK_INT_EQ(store_scim_external_id_set(conn, b, eve, "00u2"), RESULT_OK);
        CHECK_INT_EQ(store_scim_external_id_get(conn, ada, ext), RESULT_OK);
        CHECK_STR_EQ(ext, "00u2");
        CHECK_INT_EQ(store_scim_users_find(conn, a, STORE_SCIM_MATCH_EXTERNAL_ID, "00u2", &page,
                                           &ids, &n),
                     RESULT_OK);
        CHECK(n == 1 && ids[0] == ada && page.total == 1);
        free(ids);
        ids = NULL;
        CHECK_INT_EQ(store_scim_users_find(conn, a, STORE_SCIM_MATCH_EXTERNAL_ID, "00u1", &page,
                                           &ids, &n),
                     RESULT_OK);
        CHECK_INT_EQ(n, 0);
        free(ids);
        ids = NULL;
        CHECK_INT_EQ(store_scim_users_find(conn, a, STORE_SCIM_MATCH_EMAIL, "eve@scim.example",
                                           &page, &ids, &n),
                     RESULT_OK);
        CHECK_INT_EQ(n, 0);       /* another tenant's */
        free(ids);
        ids = NULL;
        CHECK_INT_EQ(store_scim_users_find(conn, a, STORE_SCIM_MATCH_ALL, NULL, &page, &ids, &n),
                     RESULT_OK);
        CHECK(n == 2 && ids[0] == ada && ids[1] == bob && page.total == 2);
        free(ids);
        ids = NULL;
        CHECK_INT_EQ(store_exec(conn, "UPDATE users SET status = 'deleted' WHERE id = ?", &p, 1,
                                NULL, NULL),
                     RESULT_OK);
        CHECK_INT_EQ(store_scim_users_find(conn, a, STORE_SCIM_MATCH_EMAIL, "bob@scim.example",
                                           &page, &ids, &n),
                     RESULT_OK);
        CHECK_INT_EQ(n, 0);
        free(ids);
}

static void test_settings(struct store_conn *conn, int64_t a)
{
        struct store_scim_settings s, got;

        CHECK_INT_EQ(store_scim_settings_get(conn, a, &got), RESULT_OK);
        CHECK_STR_EQ(got.role_attribute, "");
        CHECK_STR_EQ(got.role_map, "{}");
        snprintf(s.role_attribute, sizeof(s.role_attribute), "department");
        snprintf(s.role_map, sizeof(s.role_map), "{\"Ops\":\"supervisor\"}");
        CHECK_INT_EQ(store_scim_settings_set(conn, a, &s), RESULT_OK);
        snprintf(s.role_attribute, sizeof(s.role_attribute), "roles");
        CHECK_INT_EQ(store_scim_settings_set(conn, a, &s), RESULT_OK);
        CHECK_INT_EQ(store_scim_settings_get(conn, a, &got), RESULT_OK);
        CHECK_STR_EQ(got.role_attribute, "roles");
        CHECK_STR_EQ(got.role_map, "{\"Ops\":\"supervisor\"}");
}

void contract_scim(struct store *store)
{
        struct store_conn *conn;
        int64_t a, b;

        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        a = contract_tenant(conn, "scim-a", 920000);
        b = contract_tenant(conn, "scim-b", 921000);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        test_tokens(conn, a, b);
        test_users(conn, a, b);
        test_settings(conn, a);
}
