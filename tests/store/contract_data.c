/*
 * The storage contract of issue 22's data operations: the schema version
 * and migration names, the online backup and the restore (SQLite; refused
 * on PostgreSQL), the sealed columns that key rotation walks (a page by
 * id, a compare-and-set swap), and the saved answers of Idempotency-Key.
 *
 * Pool numbers used here start at 950000, clear of the other parts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../unit/check.h"
#include "contract.h"
#include "store/driver.h"

int contract_data_checks(int *ret_failures)
{
        *ret_failures = check_failures;
        return check_count;
}

static void schema(struct store *store)
{
        int current = 0, newest = 0;

        CHECK_INT_EQ(store_schema_version(store, &current, &newest), RESULT_OK);
        CHECK(current == newest && newest > 1);
        CHECK_STR_EQ(store_migration_name(store, 1), "initial schema");
        CHECK(store_migration_name(store, newest) != NULL);
        CHECK(store_migration_name(store, newest + 1) == NULL);
}

static void backup_restore(struct store *store)
{
        const char *copy = "contract-backup.db", *restored = "contract-restored.db";
        int version = 0, current = 0, newest = 0;
        struct stat st;

        unlink(copy);
        unlink(restored);
        if (strcmp(store_backend(store), "sqlite") != 0) {
                CHECK_INT_EQ(store_backup(store, copy), RESULT_UNSUPPORTED);
                CHECK(access(copy, F_OK) != 0);
                CHECK_INT_EQ(store_restore("postgresql://x/y", copy, &version), RESULT_UNSUPPORTED);
                return;
        }
        CHECK_INT_EQ(store_backup(store, copy), RESULT_OK);
        CHECK(stat(copy, &st) == 0 && (st.st_mode & 0777) == 0600);
        CHECK_INT_EQ(store_schema_version(store, &current, &newest), RESULT_OK);
        CHECK_INT_EQ(store_restore("sqlite:contract-restored.db", copy, &version), RESULT_OK);
        CHECK_INT_EQ(version, current);
        /* A database some store holds open is refused; so is a non-database. */
        {
                struct store *held = NULL;
                CHECK_INT_EQ(store_open("sqlite:contract-restored.db", 1000, &held), RESULT_OK);
                CHECK_INT_EQ(store_restore("sqlite:contract-restored.db", copy, &version),
                             RESULT_CONFLICT);
                store_close(held);
        }
        CHECK_INT_EQ(store_restore("sqlite:contract-restored.db", "contract.key", &version),
                     RESULT_INVALID);
        unlink(copy);
        unlink(restored);
}

static void sealed(struct store *store)
{
        struct store_tenant t = { .status = TENANT_STATUS_ACTIVE, .pool_base = 950000, .pool_size = 2 };
        struct store_sealed *page = NULL;
        struct store_conn *conn;
        size_t n = 0;
        int64_t first = 0;

        CHECK_STR_EQ(store_sealed_name(STORE_SEALED_VM_PIN), "agent_extensions.vm_pin");
        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);
        snprintf(t.name, sizeof(t.name), "Sealed");
        snprintf(t.slug, sizeof(t.slug), "sealed");
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_insert(conn, &t), RESULT_OK);
        CHECK_INT_EQ(store_pool_generate(conn, t.id, 950000, 2, contract_plain_secret, NULL),
                     RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        /* Pages by id, from after_id on. */
        CHECK_INT_EQ(store_sealed_page(conn, STORE_SEALED_SIP_SECRET, 0, 1, &page, &n), RESULT_OK);
        CHECK(n == 1);
        if (n == 1)
                first = page[0].id;
        free(page);
        page = NULL;
        CHECK_INT_EQ(store_sealed_page(conn, STORE_SEALED_SIP_SECRET, first, 1000000, &page, &n),
                     RESULT_OK);
        CHECK(n >= 2);
        for (size_t i = 0; i < n; i++)
                CHECK(page[i].id > first && (i == 0 || page[i].id > page[i - 1].id));
        if (n >= 2) {
                int64_t id = page[n - 1].id;
                char old[STORE_TEXT_MAX];
                snprintf(old, sizeof(old), "%s", page[n - 1].value);
                /* Set only while it still holds the value read. */
                CHECK_INT_EQ(store_sealed_swap(conn, STORE_SEALED_SIP_SECRET, id, "not it", "new"),
                             RESULT_NOT_FOUND);
                CHECK_INT_EQ(store_sealed_swap(conn, STORE_SEALED_SIP_SECRET, id, old, "new"),
                             RESULT_OK);
                CHECK_INT_EQ(store_sealed_swap(conn, STORE_SEALED_SIP_SECRET, id, old, "again"),
                             RESULT_NOT_FOUND);
        }
        free(page);
        /* Empty values are none (a sent mail's secret is ''). */
        page = NULL;
        CHECK_INT_EQ(store_sealed_page(conn, STORE_SEALED_ESL_PASSWORD, 0, 10, &page, &n), RESULT_OK);
        for (size_t i = 0; i < n; i++)
                CHECK(page[i].value[0] != '\0');
        free(page);
}

static void idempotency(struct store *store)
{
        struct store_user u = { .role = USER_ROLE_SUPERADMIN, .status = USER_STATUS_ACTIVE };
        struct store_idempotency a = { .status = 201, .body = "sealed-1" }, got = { 0 };
        struct store_conn *conn;

        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);
        snprintf(u.email, sizeof(u.email), "idem@contract.example");
        snprintf(u.password_hash, sizeof(u.password_hash), "x");
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_user_insert(conn, &u), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        snprintf(a.request_digest, sizeof(a.request_digest), "d1");
        CHECK_INT_EQ(store_idempotency_get(conn, 0, u.id, "POST /x", "k", 100, &got),
                     RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_idempotency_insert(conn, 0, u.id, "POST /x", "k", &a, 100, 200), RESULT_OK);
        CHECK_INT_EQ(store_idempotency_get(conn, 0, u.id, "POST /x", "k", 150, &got), RESULT_OK);
        CHECK_STR_EQ(got.request_digest, "d1");
        CHECK_INT_EQ(got.status, 201);
        CHECK_STR_EQ(got.body, "sealed-1");
        free(got.body);
        /* Scoped: another tenant, user, route or key is another entry. */
        CHECK_INT_EQ(store_idempotency_get(conn, 1, u.id, "POST /x", "k", 150, &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_idempotency_get(conn, 0, u.id, "POST /y", "k", 150, &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_idempotency_get(conn, 0, u.id, "POST /x", "K", 150, &got), RESULT_NOT_FOUND);
        /* Taken while unexpired; replaced once expired. */
        CHECK_INT_EQ(store_idempotency_insert(conn, 0, u.id, "POST /x", "k", &a, 150, 300),
                     RESULT_CONFLICT);
        CHECK_INT_EQ(store_idempotency_get(conn, 0, u.id, "POST /x", "k", 200, &got), RESULT_NOT_FOUND);
        a.body = "sealed-2";
        CHECK_INT_EQ(store_idempotency_insert(conn, 0, u.id, "POST /x", "k", &a, 200, 300), RESULT_OK);
        CHECK_INT_EQ(store_idempotency_get(conn, 0, u.id, "POST /x", "k", 250, &got), RESULT_OK);
        CHECK_STR_EQ(got.body, "sealed-2");
        free(got.body);
}

void contract_data(struct store *store)
{
        schema(store);
        backup_restore(store);
        sealed(store);
        idempotency(store);
}
