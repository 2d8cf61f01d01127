/* Tenant rows. Portable SQL; see store/driver.h for the rules. */
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "util/text.h"
#include "store/store.h"

#define TENANT_COLS \
        "id, name, slug, status, sip_domain, pool_base, pool_size, COALESCE(cluster_id, 0), " \
        "created_at, updated_at"

static enum result tenant_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_tenant *t = out;

        t->id = store_int(store_rows_get(rows, r, 0));
        text_copy(t->name, sizeof(t->name), store_rows_get(rows, r, 1));
        text_copy(t->slug, sizeof(t->slug), store_rows_get(rows, r, 2));
        text_copy(t->sip_domain, sizeof(t->sip_domain), store_rows_get(rows, r, 4));
        t->pool_base = store_int(store_rows_get(rows, r, 5));
        t->pool_size = store_int(store_rows_get(rows, r, 6));
        t->cluster_id = store_int(store_rows_get(rows, r, 7));
        t->created_at = store_int(store_rows_get(rows, r, 8));
        t->updated_at = store_int(store_rows_get(rows, r, 9));
        return store_decoded(tenant_status_parse(store_rows_get(rows, r, 3), &t->status),
                             "tenants");
}

enum result store_tenant_insert(struct store_conn *conn, struct store_tenant *t)
{
        int64_t now = store_now();
        struct store_param p[] = {
                SP_TEXT(t->name), SP_TEXT(t->slug), SP_TEXT(tenant_status_name(t->status)),
                SP_TEXT(t->sip_domain), SP_INT(t->pool_base), SP_INT(t->pool_size),
                t->cluster_id ? SP_INT(t->cluster_id) : SP_NULL, SP_INT(now), SP_INT(now),
        };

        return store_exec_one(conn,
                              "INSERT INTO tenants (name, slug, status, sip_domain, pool_base, "
                              "pool_size, cluster_id, created_at, updated_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " TENANT_COLS,
                              p, STORE_NPARAMS(p), tenant_from_row, t);
}

enum result store_tenant_set_pool(struct store_conn *conn, int64_t id, int64_t base, int64_t size)
{
        struct store_param p[] = { SP_INT(base), SP_INT(size), SP_INT(store_now()), SP_INT(id) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn,
                            "UPDATE tenants SET pool_base = ?, pool_size = ?, updated_at = ? "
                            "WHERE id = ?",
                            p, STORE_NPARAMS(p), NULL, &changes);
        if (!result && changes == 0)
                result = RESULT_NOT_FOUND;
        return result;
}

enum result store_tenant_get(struct store_conn *conn, int64_t id, struct store_tenant *ret)
{
        struct store_param p = SP_INT(id);

        return store_exec_one(conn, "SELECT " TENANT_COLS " FROM tenants WHERE id = ?", &p, 1,
                              tenant_from_row, ret);
}

enum result store_tenant_get_by_slug(struct store_conn *conn, const char *slug,
                                     struct store_tenant *ret)
{
        struct store_param p = SP_TEXT(slug);

        return store_exec_one(conn, "SELECT " TENANT_COLS " FROM tenants WHERE slug = ?", &p, 1,
                              tenant_from_row, ret);
}

enum result store_pool_overlaps(struct store_conn *conn, int64_t base, int64_t size,
                                int64_t except_id, bool *ret_overlaps)
{
        struct store_rows rows = { 0 };
        struct store_param p[] = { SP_INT(except_id), SP_INT(base + size), SP_INT(base) };
        enum result result;

        result = store_exec(conn,
                            "SELECT COUNT(*) FROM tenants WHERE id <> ? AND pool_size > 0 "
                            "AND pool_base < ? AND ? < pool_base + pool_size",
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (result)
                return result;
        *ret_overlaps = store_int(store_rows_get(&rows, 0, 0)) > 0;
        store_rows_free(&rows);
        return RESULT_OK;
}

enum result store_tenant_list(struct store_conn *conn, struct store_page *page,
                              struct store_tenant **ret_items, size_t *ret_n)
{
        return store_exec_page(conn, TENANT_COLS, " FROM tenants", " ORDER BY id", NULL, 0, page,
                               sizeof(**ret_items), tenant_from_row, (void **)ret_items, ret_n);
}

enum result store_tenant_update(struct store_conn *conn, const struct store_tenant *t)
{
        struct store_param p[] = { SP_TEXT(t->name), SP_TEXT(tenant_status_name(t->status)),
                                   SP_TEXT(t->sip_domain), SP_INT(store_now()), SP_INT(t->id) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn,
                            "UPDATE tenants SET name = ?, status = ?, sip_domain = ?, updated_at = ? "
                            "WHERE id = ?",
                            p, STORE_NPARAMS(p), NULL, &changes);
        if (!result && changes == 0)
                result = RESULT_NOT_FOUND;
        return result;
}

enum result store_tenant_revoke_tokens(struct store_conn *conn, int64_t tenant_id)
{
        struct store_param p[] = { SP_INT(store_now()), SP_INT(tenant_id) };

        return store_exec(conn,
                          "UPDATE users SET token_version = token_version + 1, updated_at = ? "
                          "WHERE tenant_id = ?",
                          p, STORE_NPARAMS(p), NULL, NULL);
}
