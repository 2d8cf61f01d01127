/* Tenants and pools; see tenants.h. */
#include "domain/tenants.h"

#include <stdio.h>
#include <string.h>

#include "domain/credentials.h"
#include "util/text.h"

/* A free slug derived from name: "acme", then "acme-2", "acme-3", … */
static enum result pick_slug(struct store_conn *conn, const char *name, char *slug, size_t size)
{
        char base[STORE_SHORT_MAX - 8];
        struct store_tenant other;
        enum result result;

        text_slug(base, sizeof(base), name);
        snprintf(slug, size, "%s", base);
        for (int n = 2; n < 1000; n++) {
                result = store_tenant_get_by_slug(conn, slug, &other);
                if (result == RESULT_NOT_FOUND)
                        return RESULT_OK;
                if (result)
                        return result;
                snprintf(slug, size, "%s-%d", base, n);
        }
        return RESULT_CONFLICT;
}

enum result tenant_create(struct store *store, const char *name, int64_t pool_base,
                          int64_t pool_size, struct store_tenant *ret,
                          const char **ret_field)
{
        struct store_tenant t = { 0 };
        struct store_conn *conn;
        enum result result;
        bool overlaps = false;

        if (!text_name_valid(name, TENANT_NAME_MAX_CHARS)) {
                *ret_field = "name";
                return RESULT_INVALID;
        }
        if (pool_size < 0)
                pool_size = TENANT_POOL_DEFAULT_SIZE;
        if (pool_size < 1 || pool_size > TENANT_POOL_MAX_SIZE) {
                *ret_field = "pool_size";
                return RESULT_INVALID;
        }
        if (pool_base > TENANT_POOL_MAX_NUMBER) {
                *ret_field = "pool_base";
                return RESULT_INVALID;
        }
        result = store_conn_get(store, &conn);
        if (result)
                return result;
        result = store_begin(conn);
        if (result)
                return result;
        text_copy(t.name, sizeof(t.name), name);
        result = pick_slug(conn, name, t.slug, sizeof(t.slug));
        if (result)
                goto out;
        result = store_tenant_insert(conn, &t);
        if (result)
                goto out;
        if (pool_base < 0)
                pool_base = (t.id + 1) * 1000;
        if (pool_base + pool_size - 1 > TENANT_POOL_MAX_NUMBER) {
                *ret_field = pool_base == (t.id + 1) * 1000 ? "pool_size" : "pool_base";
                result = RESULT_INVALID;
                goto out;
        }
        result = store_pool_overlaps(conn, pool_base, pool_size, t.id, &overlaps);
        if (result)
                goto out;
        if (overlaps) {
                *ret_field = "pool_base";
                result = RESULT_POOL_OVERLAP;
                goto out;
        }
        result = store_tenant_set_pool(conn, t.id, pool_base, pool_size);
        if (result)
                goto out;
        result = store_pool_generate(conn, t.id, pool_base, pool_size,
                                     credentials_new_extension_secret, NULL);
        if (result == RESULT_POOL_OVERLAP)
                *ret_field = "pool_base";
        if (result)
                goto out;
        result = store_commit(conn);
        if (result)
                goto out;
        t.pool_base = pool_base;
        t.pool_size = pool_size;
        *ret = t;
out:
        if (result)
                store_rollback(conn);
        return result;
}

enum result pool_allocate(struct store *store, int64_t tenant_id, int64_t user_id,
                          struct store_extension *ret)
{
        char secret[STORE_TEXT_MAX], pin[STORE_TEXT_MAX];
        struct store_conn *conn;
        enum result result;

        result = store_conn_get(store, &conn);
        if (result)
                return result;
        result = credentials_new_extension_secret(NULL, NULL, secret, pin);
        if (result)
                return result;
        result = store_begin(conn);
        if (result)
                return result;
        result = store_pool_allocate(conn, tenant_id, user_id, secret, pin, ret);
        if (!result)
                result = store_commit(conn);
        if (result)
                store_rollback(conn);
        return result;
}

enum result pool_release(struct store *store, int64_t extension_id)
{
        char secret[STORE_TEXT_MAX], pin[STORE_TEXT_MAX];
        struct store_conn *conn;
        enum result result;

        result = store_conn_get(store, &conn);
        if (result)
                return result;
        result = credentials_new_extension_secret(NULL, NULL, secret, pin);
        if (result)
                return result;
        result = store_begin(conn);
        if (result)
                return result;
        result = store_pool_release(conn, extension_id, secret, pin);
        if (!result)
                result = store_commit(conn);
        if (result)
                store_rollback(conn);
        return result;
}

enum result pool_stats(struct store *store, int64_t tenant_id, struct store_pool_stats *ret)
{
        struct store_conn *conn;
        enum result result = store_conn_get(store, &conn);

        return result ? result : store_pool_stats(conn, tenant_id, ret);
}
