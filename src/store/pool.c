/*
 * Extension pools: rows of agent_extensions, free while user_id is NULL.
 *
 * Allocation takes the lowest free number ("lowest" by numeric value:
 * shorter digit strings first, then lexical). On SQLite the caller's
 * BEGIN IMMEDIATE already serializes writers; on PostgreSQL the candidate
 * row is locked with FOR UPDATE SKIP LOCKED, so concurrent allocators each
 * lock a different free row instead of queueing on the same one.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "util/text.h"
#include "store/store.h"

#define EXT_COLS \
        "id, tenant_id, COALESCE(user_id, 0), extension, sip_secret, vm_pin, status, " \
        "voicemail_enabled, provisioning, provisioning_attempts, provisioning_error, " \
        "COALESCE(assigned_at, 0), COALESCE(last_login_at, 0), created_at, updated_at, ring_s"

static enum result ext_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_extension *e = out;

        e->id = store_int(store_rows_get(rows, r, 0));
        e->tenant_id = store_int(store_rows_get(rows, r, 1));
        e->user_id = store_int(store_rows_get(rows, r, 2));
        text_copy(e->extension, sizeof(e->extension), store_rows_get(rows, r, 3));
        text_copy(e->sip_secret, sizeof(e->sip_secret), store_rows_get(rows, r, 4));
        text_copy(e->vm_pin, sizeof(e->vm_pin), store_rows_get(rows, r, 5));
        e->voicemail_enabled = store_int(store_rows_get(rows, r, 7)) != 0;
        e->provisioning_attempts = store_int(store_rows_get(rows, r, 9));
        text_copy(e->provisioning_error, sizeof(e->provisioning_error), store_rows_get(rows, r, 10));
        e->assigned_at = store_int(store_rows_get(rows, r, 11));
        e->last_login_at = store_int(store_rows_get(rows, r, 12));
        e->created_at = store_int(store_rows_get(rows, r, 13));
        e->updated_at = store_int(store_rows_get(rows, r, 14));
        e->ring_s = store_int(store_rows_get(rows, r, 15));
        return store_decoded(extension_status_parse(store_rows_get(rows, r, 6), &e->status) &&
                                     jobs_state_parse(store_rows_get(rows, r, 8), &e->provisioning),
                             "agent_extensions");
}

enum result store_pool_generate(struct store_conn *conn, int64_t tenant_id, int64_t base,
                                int64_t size, store_secret_fn make_secret, void *userdata)
{
        int64_t now = store_now();
        enum result result = RESULT_OK;

        for (int64_t n = base; n < base + size && !result; n++) {
                char number[24], secret[STORE_TEXT_MAX], pin[STORE_TEXT_MAX];
                snprintf(number, sizeof(number), "%" PRId64, n);
                result = make_secret(userdata, number, secret, pin);
                if (result)
                        break;
                struct store_param p[] = { SP_INT(tenant_id), SP_TEXT(number), SP_TEXT(secret),
                                           SP_TEXT(pin), SP_INT(now), SP_INT(now) };
                result = store_exec(conn,
                                    "INSERT INTO agent_extensions (tenant_id, extension, "
                                    "sip_secret, vm_pin, created_at, updated_at) "
                                    "VALUES (?, ?, ?, ?, ?, ?)",
                                    p, STORE_NPARAMS(p), NULL, NULL);
                if (result == RESULT_CONFLICT)
                        result = RESULT_POOL_OVERLAP;
        }
        return result;
}

/* The allocation's statement: the lowest free number of a tenant (after
 * one, with AFTER), taken with SKIP LOCKED where the backend has it. */
#define ALLOCATE_SQL(AFTER, LOCK)                                                                \
        "UPDATE agent_extensions SET user_id = ?, sip_secret = ?, vm_pin = ?, "                  \
        "status = 'active', provisioning = " STORE_QUEUED_STATE ", provisioning_attempts = 0, "  \
        "provisioning_error = '', assigned_at = ?, updated_at = ? "                              \
        "WHERE id = (SELECT id FROM agent_extensions WHERE tenant_id = ? "                       \
        "AND user_id IS NULL" AFTER " ORDER BY length(extension), extension LIMIT 1" LOCK ") "   \
        "RETURNING " EXT_COLS

#define AFTER_SQL " AND (length(extension), extension) > (length(?), ?)"

enum result store_pool_allocate_after(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                                      const char *sip_secret, const char *vm_pin,
                                      enum jobs_state provisioning, const char *after,
                                      struct store_extension *ret)
{
        static const char *const sql[2][2] = {
                { ALLOCATE_SQL("", ""), ALLOCATE_SQL("", " FOR UPDATE SKIP LOCKED") },
                { ALLOCATE_SQL(AFTER_SQL, ""), ALLOCATE_SQL(AFTER_SQL, " FOR UPDATE SKIP LOCKED") },
        };
        int64_t now = store_now();
        struct store_param p[] = { SP_INT(user_id), SP_TEXT(sip_secret), SP_TEXT(vm_pin),
                                   SP_TEXT(jobs_state_name(provisioning)), SP_INT(now), SP_INT(now),
                                   SP_INT(tenant_id), SP_TEXT(after ? after : ""),
                                   SP_TEXT(after ? after : "") };
        enum result result;

        result = store_exec_one(conn, sql[after != NULL][(conn->driver->caps & STORE_CAP_SKIP_LOCKED) != 0],
                                p, STORE_NPARAMS(p) - (after ? 0 : 2), ext_from_row, ret);
        return result == RESULT_NOT_FOUND ? RESULT_POOL_EXHAUSTED : result;
}

enum result store_pool_allocate(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                                const char *sip_secret, const char *vm_pin,
                                enum jobs_state provisioning, struct store_extension *ret)
{
        return store_pool_allocate_after(conn, tenant_id, user_id, sip_secret, vm_pin,
                                         provisioning, NULL, ret);
}

enum result store_pool_release(struct store_conn *conn, int64_t id, const char *sip_secret,
                               const char *vm_pin)
{
        struct store_param p[] = { SP_TEXT(sip_secret), SP_TEXT(vm_pin), SP_INT(store_now()),
                                   SP_INT(id) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn,
                            "UPDATE agent_extensions SET user_id = NULL, sip_secret = ?, "
                            "vm_pin = ?, status = 'active', voicemail_enabled = 0, ring_s = 20, "
                            "assigned_at = NULL, last_login_at = NULL, updated_at = ? "
                            "WHERE id = ? AND user_id IS NOT NULL",
                            p, STORE_NPARAMS(p), NULL, &changes);
        if (!result && changes == 0)
                result = RESULT_NOT_FOUND;
        return result;
}

enum result store_extension_transfer(struct store_conn *conn, int64_t id, int64_t from_user_id,
                                     int64_t to_user_id, const char *sip_secret,
                                     const char *vm_pin, enum jobs_state provisioning)
{
        int64_t now = store_now(), changes = 0;
        struct store_param p[] = { SP_INT(to_user_id), SP_TEXT(sip_secret), SP_TEXT(vm_pin),
                                   SP_TEXT(jobs_state_name(provisioning)), SP_INT(now), SP_INT(now),
                                   SP_INT(id), SP_INT(from_user_id) };
        enum result result;

        result = store_exec(conn,
                            "UPDATE agent_extensions SET user_id = ?, sip_secret = ?, vm_pin = ?, "
                            "status = 'active', provisioning = " STORE_QUEUED_STATE ", "
                            "provisioning_attempts = 0, provisioning_error = '', assigned_at = ?, "
                            "last_login_at = NULL, updated_at = ? WHERE id = ? AND user_id = ?",
                            p, STORE_NPARAMS(p), NULL, &changes);
        return !result && changes == 0 ? RESULT_CONFLICT : result;
}

#define STATS_SQL \
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN user_id IS NULL THEN 0 ELSE 1 END), 0) " \
        "FROM agent_extensions WHERE tenant_id = ?"

enum result store_pool_stats(struct store_conn *conn, int64_t tenant_id,
                             struct store_pool_stats *ret)
{
        struct store_rows rows = { 0 };
        struct store_param p = SP_INT(tenant_id);
        enum result result = store_exec(conn, STATS_SQL, &p, 1, &rows, NULL);

        if (result)
                return result;
        ret->total = store_int(store_rows_get(&rows, 0, 0));
        ret->assigned = store_int(store_rows_get(&rows, 0, 1));
        ret->free = ret->total - ret->assigned;
        store_rows_free(&rows);
        return RESULT_OK;
}

enum result store_pool_stats_all(struct store_conn *conn,
                                 void (*fn)(void *userdata, const struct store_tenant *t,
                                            const struct store_pool_stats *s),
                                 void *userdata)
{
        struct store_rows rows = { 0 };
        enum result result;

        result = store_exec(conn,
                            "SELECT t.id, t.slug, COUNT(e.id), "
                            "COALESCE(SUM(CASE WHEN e.user_id IS NULL THEN 0 ELSE 1 END), 0) "
                            "FROM tenants t LEFT JOIN agent_extensions e ON e.tenant_id = t.id "
                            "GROUP BY t.id, t.slug ORDER BY t.id",
                            NULL, 0, &rows, NULL);
        if (result)
                return result;
        for (int r = 0; r < rows.nrows; r++) {
                struct store_tenant t = { 0 };
                struct store_pool_stats s;
                t.id = store_int(store_rows_get(&rows, r, 0));
                text_copy(t.slug, sizeof(t.slug), store_rows_get(&rows, r, 1));
                s.total = store_int(store_rows_get(&rows, r, 2));
                s.assigned = store_int(store_rows_get(&rows, r, 3));
                s.free = s.total - s.assigned;
                fn(userdata, &t, &s);
        }
        store_rows_free(&rows);
        return RESULT_OK;
}

enum result store_extension_get(struct store_conn *conn, int64_t id, struct store_extension *ret)
{
        struct store_param p = SP_INT(id);

        return store_exec_one(conn, "SELECT " EXT_COLS " FROM agent_extensions WHERE id = ?", &p, 1,
                              ext_from_row, ret);
}

enum result store_extensions_of_user(struct store_conn *conn, int64_t user_id,
                                     struct store_extension *ret, size_t *ret_n)
{
        struct store_rows rows = { 0 };
        struct store_param p[] = { SP_INT(user_id), SP_INT(STORE_MAX_EXTENSIONS_PER_USER) };
        enum result result;

        result = store_exec(conn,
                            "SELECT " EXT_COLS " FROM agent_extensions WHERE user_id = ? "
                            "ORDER BY length(extension), extension LIMIT ?",
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (result)
                return result;
        for (int r = 0; !result && r < rows.nrows; r++)
                result = ext_from_row(&rows, r, &ret[r]);
        if (!result)
                *ret_n = (size_t)rows.nrows;
        store_rows_free(&rows);
        return result;
}

enum result store_extension_list(struct store_conn *conn, const struct store_extension_filter *f,
                                 struct store_page *page, struct store_extension **ret_items,
                                 size_t *ret_n)
{
        static const char from_where[] =
                " FROM agent_extensions WHERE tenant_id = ?"
                " AND (? = '' OR (? = 'free' AND user_id IS NULL)"
                " OR (? = 'assigned' AND user_id IS NOT NULL))";
        const char *state = f->state ? f->state : "";
        struct store_param p[] = { SP_INT(f->tenant_id), SP_TEXT(state), SP_TEXT(state),
                                   SP_TEXT(state) };

        return store_exec_page(conn, EXT_COLS, from_where, " ORDER BY length(extension), extension",
                               p, STORE_NPARAMS(p), page, sizeof(**ret_items), ext_from_row,
                               (void **)ret_items, ret_n);
}

enum result store_extensions_set_status(struct store_conn *conn, int64_t user_id,
                                        enum extension_status status)
{
        struct store_param p[] = { SP_TEXT(extension_status_name(status)), SP_INT(store_now()),
                                   SP_INT(user_id) };

        return store_exec(conn,
                          "UPDATE agent_extensions SET status = ?, updated_at = ? WHERE user_id = ?",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

static enum result update_one(struct store_conn *conn, const char *sql, struct store_param value,
                              int64_t id)
{
        struct store_param p[] = { value, SP_INT(store_now()), SP_INT(id) };
        int64_t changes = 0;
        enum result result = store_exec(conn, sql, p, STORE_NPARAMS(p), NULL, &changes);

        if (!result && changes == 0)
                result = RESULT_NOT_FOUND;
        return result;
}

enum result store_extension_set_secret(struct store_conn *conn, int64_t id, const char *secret)
{
        return update_one(conn, "UPDATE agent_extensions SET sip_secret = ?, updated_at = ? WHERE id = ?",
                          SP_TEXT(secret), id);
}

enum result store_extension_set_pin(struct store_conn *conn, int64_t id, const char *vm_pin)
{
        return update_one(conn, "UPDATE agent_extensions SET vm_pin = ?, updated_at = ? WHERE id = ?",
                          SP_TEXT(vm_pin), id);
}

enum result store_extension_set_voicemail(struct store_conn *conn, int64_t id, bool enabled,
                                          int64_t ring_s)
{
        struct store_param p[] = { SP_INT(enabled), SP_INT(ring_s), SP_INT(store_now()), SP_INT(id) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn,
                            "UPDATE agent_extensions SET voicemail_enabled = ?, ring_s = ?, "
                            "updated_at = ? WHERE id = ?",
                            p, STORE_NPARAMS(p), NULL, &changes);
        return !result && changes == 0 ? RESULT_NOT_FOUND : result;
}

enum result store_directory_lookup(struct store_conn *conn, const char *extension,
                                   struct store_directory_entry *ret)
{
        struct store_rows rows = { 0 };
        struct store_param p = SP_TEXT(extension);
        enum result result;

        result = store_exec(conn,
                            "SELECT e.id, e.tenant_id, COALESCE(e.user_id, 0), e.extension, "
                            "e.sip_secret, e.vm_pin, e.status, e.voicemail_enabled, e.provisioning, "
                            "e.provisioning_attempts, e.provisioning_error, "
                            "COALESCE(e.assigned_at, 0), COALESCE(e.last_login_at, 0), "
                            "e.created_at, e.updated_at, "
                            "COALESCE(u.first_name, ''), COALESCE(u.last_name, ''), "
                            "COALESCE(u.status, ''), t.status, t.sip_domain, "
                            "COALESCE(t.cluster_id, 0), COALESCE(c.sip_domain, ''), e.ring_s "
                            "FROM agent_extensions e JOIN tenants t ON t.id = e.tenant_id "
                            "LEFT JOIN freeswitch_clusters c ON c.id = t.cluster_id "
                            "LEFT JOIN users u ON u.id = e.user_id WHERE e.extension = ?",
                            &p, 1, &rows, NULL);
        if (result)
                return result;
        if (rows.nrows == 0) {
                store_rows_free(&rows);
                return RESULT_NOT_FOUND;
        }
        result = ext_from_row(&rows, 0, &ret->ext);
        text_copy(ret->first_name, sizeof(ret->first_name), store_rows_get(&rows, 0, 15));
        text_copy(ret->last_name, sizeof(ret->last_name), store_rows_get(&rows, 0, 16));
        /* A free extension has no user: none that is live. */
        ret->user_status = USER_STATUS_DELETED;
        if (!result)
                result = store_decoded((!ret->ext.user_id ||
                                        user_status_parse(store_rows_get(&rows, 0, 17),
                                                          &ret->user_status)) &&
                                               tenant_status_parse(store_rows_get(&rows, 0, 18),
                                                                   &ret->tenant_status),
                                       "users or tenants");
        text_copy(ret->tenant_domain, sizeof(ret->tenant_domain), store_rows_get(&rows, 0, 19));
        ret->cluster_id = store_int(store_rows_get(&rows, 0, 20));
        text_copy(ret->cluster_domain, sizeof(ret->cluster_domain), store_rows_get(&rows, 0, 21));
        ret->ext.ring_s = store_int(store_rows_get(&rows, 0, 22));
        store_rows_free(&rows);
        return result;
}

/* Copies column 0 of every row as int64 (ints) or as a string (strs). */
static enum result column(struct store_conn *conn, const char *sql, int64_t cluster_id,
                          int64_t **ints, char (**strs)[16], size_t *ret_n)
{
        struct store_rows rows = { 0 };
        enum result result;
        size_t n;

        struct store_param p = SP_INT(cluster_id);

        *ret_n = 0;
        result = store_exec(conn, sql, &p, 1, &rows, NULL);
        if (result)
                return result;
        n = (size_t)rows.nrows;
        if (ints)
                *ints = calloc(n ? n : 1, sizeof(**ints));
        else
                *strs = calloc(n ? n : 1, sizeof(**strs));
        if (ints ? !*ints : !*strs) {
                store_rows_free(&rows);
                return RESULT_NOMEM;
        }
        for (size_t r = 0; r < n; r++) {
                if (ints)
                        (*ints)[r] = store_int(store_rows_get(&rows, (int)r, 0));
                else
                        text_copy((*strs)[r], sizeof((*strs)[r]), store_rows_get(&rows, (int)r, 0));
        }
        *ret_n = n;
        store_rows_free(&rows);
        return RESULT_OK;
}

enum result store_directory_numbers(struct store_conn *conn, int64_t cluster_id, char (**ret)[16],
                                    size_t *ret_n)
{
        return column(conn,
                      "SELECT e.extension FROM agent_extensions e "
                      "JOIN users u ON u.id = e.user_id JOIN tenants t ON t.id = e.tenant_id "
                      "WHERE e.status = 'active' AND u.status = 'active' AND t.status = 'active' "
                      "AND COALESCE(t.cluster_id, 0) = ? ORDER BY e.extension",
                      cluster_id, NULL, ret, ret_n);
}

enum result store_tenants_active_ids(struct store_conn *conn, int64_t cluster_id, int64_t **ret,
                                     size_t *ret_n)
{
        return column(conn,
                      "SELECT id FROM tenants WHERE status = 'active' "
                      "AND COALESCE(cluster_id, 0) = ? ORDER BY id",
                      cluster_id, ret, NULL, ret_n);
}
