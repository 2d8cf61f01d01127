/* Tenants and pools; see tenants.h. */
#include "domain/tenants/tenants.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/provisioning/jobs.h"
#include "domain/core/credentials.h"
#include "domain/queues/status.h"
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

enum result tenant_create(struct store *store, const struct actor *actor, const char *name,
                          const char *sip_domain, int64_t pool_base, int64_t pool_size,
                          int64_t cluster_id, struct store_tenant *ret, const char **ret_field)
{
        struct store_cluster c;
        char range[48];
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
        if (sip_domain && *sip_domain && !text_sip_domain_valid(sip_domain)) {
                *ret_field = "sip_domain";
                return RESULT_INVALID;
        }
        result = store_conn_get(store, &conn);
        if (result)
                return result;
        result = store_begin(conn);
        if (result)
                return result;
        text_copy(t.name, sizeof(t.name), name);
        text_copy(t.sip_domain, sizeof(t.sip_domain), sip_domain);
        t.status = TENANT_STATUS_ACTIVE;
        t.cluster_id = cluster_id;
        if (cluster_id && (result = store_cluster_get(conn, cluster_id, &c)) != RESULT_OK) {
                if (result == RESULT_NOT_FOUND) {
                        *ret_field = "cluster_id";
                        result = RESULT_INVALID;
                }
                goto out;
        }
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
        snprintf(range, sizeof(range), "%" PRId64 "-%" PRId64, pool_base, pool_base + pool_size - 1);
        result = audit_record(conn, actor, t.id, "tenant.create", "tenant", t.id, "name", t.name,
                              "pool", range, NULL);
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

enum result tenant_get(struct app *app, int64_t id, struct store_tenant *ret,
                       struct store_pool_stats *ret_stats)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        if (!result)
                result = store_tenant_get(conn, id, ret);
        if (!result && ret_stats)
                result = store_pool_stats(conn, id, ret_stats);
        return result;
}

enum result tenant_list(struct app *app, struct store_page *page, struct store_tenant **ret_items,
                        size_t *ret_n)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : store_tenant_list(conn, page, ret_items, ret_n);
}

/* In tenant_update's transaction: takes t off its cluster (its extensions
 * deprovisioned there, the cluster resynced so that its context goes too)
 * and puts it in cluster `to`, resynced as well. The jobs queued before
 * the move are for the old cluster (store.h). */
static enum result move_cluster(struct app *app, struct store_conn *conn,
                                const struct store_tenant *t, int64_t to, const char **ret_field)
{
        struct store_cluster c;
        enum result result = RESULT_OK;

        if (to && (result = store_cluster_get(conn, to, &c)) == RESULT_NOT_FOUND) {
                *ret_field = "cluster_id";
                return RESULT_INVALID;
        }
        if (!result && t->status == TENANT_STATUS_ACTIVE)
                result = jobs_queue_tenant(app, conn, t->id, FS_CHANGE_DEPROVISION);
        if (!result)
                result = jobs_queue_resync(conn, t->cluster_id, NULL);
        if (!result)
                result = store_tenant_set_cluster(conn, t->id, to);
        if (!result)
                result = jobs_queue_resync(conn, to, NULL);
        return result;
}

enum result tenant_update(struct app *app, const struct actor *actor, int64_t id,
                          const struct tenant_patch *patch, struct store_tenant *ret,
                          const char **ret_field)
{
        struct store_tenant t, next;
        struct store_conn *conn;
        const char *action = "tenant.update";
        enum tenant_status status = TENANT_STATUS_ACTIVE;
        bool status_changed, moving;
        char cluster[24];
        enum result result;

        if (patch->name && !text_name_valid(patch->name, TENANT_NAME_MAX_CHARS)) {
                *ret_field = "name";
                return RESULT_INVALID;
        }
        if (patch->status && !tenant_status_parse(patch->status, &status)) {
                *ret_field = "status";
                return RESULT_INVALID;
        }
        if (patch->sip_domain && *patch->sip_domain && !text_sip_domain_valid(patch->sip_domain)) {
                *ret_field = "sip_domain";
                return RESULT_INVALID;
        }
        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        result = store_tenant_get(conn, id, &t);
        if (result)
                return result;
        next = t;
        if (patch->name)
                text_copy(next.name, sizeof(next.name), patch->name);
        if (patch->status)
                next.status = status;
        status = next.status;
        if (patch->sip_domain)
                text_copy(next.sip_domain, sizeof(next.sip_domain), patch->sip_domain);
        status_changed = next.status != t.status;
        moving = patch->set_cluster && patch->cluster_id != t.cluster_id;
        if (moving)
                next.cluster_id = patch->cluster_id;

        result = store_begin(conn);
        if (result)
                return result;
        result = store_tenant_update(conn, &next);
        if (!result && moving)
                result = move_cluster(app, conn, &t, next.cluster_id, ret_field);
        if (!result && status_changed) {
                bool suspend = status == TENANT_STATUS_SUSPENDED;
                action = suspend ? "tenant.suspend" : "tenant.activate";
                /* Tokens are revoked for good: reactivating the tenant
                 * does not bring old sessions back. */
                if (suspend)
                        result = store_tenant_revoke_tokens(conn, id);
                /* The cut-off: its agents out of every queue at once (they
                 * stay logged out when it is reactivated). */
                if (!result && suspend)
                        result = queue_status_cut_off_tenant(app, conn, actor, id);
                if (!result)
                        result = jobs_queue_tenant(app, conn, id, suspend ? FS_CHANGE_DEPROVISION
                                                                        : FS_CHANGE_PROVISION);
        } else if (!result && moving && status == TENANT_STATUS_ACTIVE) {
                result = jobs_queue_tenant(app, conn, id, FS_CHANGE_PROVISION);
        } else if (!result && strcmp(next.sip_domain, t.sip_domain) != 0) {
                result = jobs_queue_tenant(app, conn, id, FS_CHANGE_UPDATE);
        }
        snprintf(cluster, sizeof(cluster), "%" PRId64, next.cluster_id);
        if (!result)
                result = audit_record(conn, actor, id, action, "tenant", id, "name", next.name,
                                      "status", tenant_status_name(next.status), "sip_domain",
                                      next.sip_domain,
                                      "cluster_id", cluster, NULL);
        result = jobs_finish(app, conn, result);
        return result ? result : store_tenant_get(conn, id, ret);
}
