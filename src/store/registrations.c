/*
 * The live registration state (live_registrations, live_streams; the
 * listener of domain/live/ writes them in its batches, every process
 * reads them for the API and /metrics) and the two things the listener
 * reads and writes of an extension: who holds it, and its last_login_at.
 * Ordinary statements through store_exec, so whatever watches the
 * store's writes sees these as writes to their own tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/store.h"
#include "util/text.h"

#define DELETE_CHUNK 400                 /* extensions per DELETE */
#define INSERT_CHUNK 80                  /* rows per INSERT: 880 parameters, under SQLite's 999 */

enum result store_live_registrations_set(struct store_conn *conn, int64_t cluster_id,
                                         const char *node, const char *const *extensions,
                                         size_t n_ext, const struct store_live_registration *regs,
                                         size_t n)
{
        struct store_param *p = calloc(INSERT_CHUNK * 11 + DELETE_CHUNK + 2, sizeof(*p));
        char *sql = malloc(400 + (INSERT_CHUNK * 26 > DELETE_CHUNK * 2 ? INSERT_CHUNK * 26
                                                                      : DELETE_CHUNK * 2));
        enum result result = p && sql ? RESULT_OK : RESULT_NOMEM;
        int64_t now = store_now();

        for (size_t at = 0; !result && at < n_ext; at += DELETE_CHUNK) {
                size_t k = n_ext - at < DELETE_CHUNK ? n_ext - at : DELETE_CHUNK;
                size_t len = (size_t)sprintf(sql, "DELETE FROM live_registrations WHERE "
                                                  "cluster_id = ? AND node = ? AND extension IN (");
                p[0] = SP_INT(cluster_id);
                p[1] = SP_TEXT(node);
                for (size_t i = 0; i < k; i++) {
                        p[2 + i] = SP_TEXT(extensions[at + i]);
                        len += (size_t)sprintf(sql + len, i ? ",?" : "?");
                }
                strcpy(sql + len, ")");
                result = store_exec(conn, sql, p, k + 2, NULL, NULL);
        }
        for (size_t at = 0; !result && at < n; at += INSERT_CHUNK) {
                size_t k = n - at < INSERT_CHUNK ? n - at : INSERT_CHUNK, q = 0;
                size_t len = (size_t)sprintf(sql, "INSERT INTO live_registrations (cluster_id, node, "
                                                  "extension, call_id, realm, contact, network_ip, "
                                                  "network_port, user_agent, expires_at, updated_at) "
                                                  "VALUES ");
                for (size_t i = 0; i < k; i++) {
                        const struct store_live_registration *r = &regs[at + i];
                        p[q++] = SP_INT(cluster_id);
                        p[q++] = SP_TEXT(node);
                        p[q++] = SP_TEXT(r->extension);
                        p[q++] = SP_TEXT(r->call_id);
                        p[q++] = SP_TEXT(r->realm);
                        p[q++] = SP_TEXT(r->contact);
                        p[q++] = SP_TEXT(r->network_ip);
                        p[q++] = SP_INT(r->network_port);
                        p[q++] = SP_TEXT(r->user_agent);
                        p[q++] = SP_INT(r->expires_at);
                        p[q++] = SP_INT(now);
                        len += (size_t)sprintf(sql + len, "%s(?,?,?,?,?,?,?,?,?,?,?)", i ? "," : "");
                }
                result = store_exec(conn, sql, p, q, NULL, NULL);
        }
        free(p);
        free(sql);
        return result;
}

enum result store_live_registrations_clear(struct store_conn *conn, int64_t cluster_id,
                                           const char *node)
{
        struct store_param p[] = { SP_INT(cluster_id), SP_TEXT(node) };

        return store_exec(conn, "DELETE FROM live_registrations WHERE cluster_id = ? AND node = ?",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

/* Columns cluster_id, node, extension, call_id, realm, contact, network_ip,
 * network_port, user_agent, expires_at from col on, into *reg. */
static void registration_row(const struct store_rows *rows, int r, int col,
                             struct store_live_registration *reg)
{
        memset(reg, 0, sizeof(*reg));
        reg->cluster_id = store_int(store_rows_get(rows, r, col));
        text_copy(reg->node, sizeof(reg->node), store_rows_get(rows, r, col + 1));
        text_copy(reg->extension, sizeof(reg->extension), store_rows_get(rows, r, col + 2));
        text_copy(reg->call_id, sizeof(reg->call_id), store_rows_get(rows, r, col + 3));
        text_copy(reg->realm, sizeof(reg->realm), store_rows_get(rows, r, col + 4));
        text_copy(reg->contact, sizeof(reg->contact), store_rows_get(rows, r, col + 5));
        text_copy(reg->network_ip, sizeof(reg->network_ip), store_rows_get(rows, r, col + 6));
        reg->network_port = store_int(store_rows_get(rows, r, col + 7));
        text_copy(reg->user_agent, sizeof(reg->user_agent), store_rows_get(rows, r, col + 8));
        reg->expires_at = store_int(store_rows_get(rows, r, col + 9));
}

#define REGISTRATION_COLS "r.cluster_id, r.node, r.extension, r.call_id, r.realm, r.contact, " \
                          "r.network_ip, r.network_port, r.user_agent, r.expires_at"

enum result store_live_registrations_node(struct store_conn *conn, int64_t cluster_id,
                                          const char *node,
                                          void (*fn)(void *userdata,
                                                     const struct store_live_registration *reg),
                                          void *userdata)
{
        struct store_param p[] = { SP_INT(cluster_id), SP_TEXT(node) };
        struct store_rows rows = { 0 };
        struct store_live_registration reg;
        enum result result;

        result = store_exec(conn,
                            "SELECT " REGISTRATION_COLS " FROM live_registrations r "
                            "WHERE r.cluster_id = ? AND r.node = ? ORDER BY r.updated_at",
                            p, STORE_NPARAMS(p), &rows, NULL);
        for (int r = 0; !result && r < rows.nrows; r++) {
                registration_row(&rows, r, 0, &reg);
                fn(userdata, &reg);
        }
        store_rows_free(&rows);
        return result;
}

enum result store_live_stream_set(struct store_conn *conn, int64_t cluster_id, const char *node,
                                  bool connected)
{
        struct store_param p[] = { SP_INT(cluster_id), SP_TEXT(node), SP_INT(connected ? 1 : 0),
                                   SP_INT(store_now()) };

        return store_exec(conn,
                          "INSERT INTO live_streams (cluster_id, node, connected, heartbeat_at) "
                          "VALUES (?, ?, ?, ?) ON CONFLICT (cluster_id, node) DO UPDATE SET "
                          "connected = excluded.connected, heartbeat_at = excluded.heartbeat_at",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

enum result store_live_stream_delete(struct store_conn *conn, int64_t cluster_id,
                                     const char *node)
{
        struct store_param p[] = { SP_INT(cluster_id), SP_TEXT(node) };
        enum result result = store_live_registrations_clear(conn, cluster_id, node);

        if (!result)
                result = store_exec(conn,
                                    "DELETE FROM live_streams WHERE cluster_id = ? AND node = ?",
                                    p, STORE_NPARAMS(p), NULL, NULL);
        return result;
}

enum result store_live_streams(struct store_conn *conn, int64_t fresh_after,
                               void (*fn)(void *userdata, int64_t cluster_id, const char *node,
                                          bool connected),
                               void *userdata)
{
        struct store_param p[] = { SP_INT(fresh_after) };
        struct store_rows rows = { 0 };
        enum result result;

        result = store_exec(conn,
                            "SELECT cluster_id, node, CASE WHEN connected = 1 AND heartbeat_at >= ? "
                            "THEN 1 ELSE 0 END FROM live_streams ORDER BY cluster_id, node",
                            p, STORE_NPARAMS(p), &rows, NULL);
        for (int r = 0; !result && r < rows.nrows; r++)
                fn(userdata, store_int(store_rows_get(&rows, r, 0)), store_rows_get(&rows, r, 1),
                   store_int(store_rows_get(&rows, r, 2)) == 1);
        store_rows_free(&rows);
        return result;
}

static enum result extension_row(const struct store_rows *rows, int r, void *out)
{
        struct store_live_extension *e = out;
        bool ok;

        memset(e, 0, sizeof(*e));
        e->id = store_int(store_rows_get(rows, r, 0));
        e->tenant_id = store_int(store_rows_get(rows, r, 1));
        e->user_id = store_int(store_rows_get(rows, r, 2));
        e->cluster_id = store_int(store_rows_get(rows, r, 3));
        ok = extension_status_parse(store_rows_get(rows, r, 4), &e->status) &&
             tenant_status_parse(store_rows_get(rows, r, 5), &e->tenant_status);
        text_copy(e->tenant_domain, sizeof(e->tenant_domain), store_rows_get(rows, r, 6));
        text_copy(e->cluster_domain, sizeof(e->cluster_domain), store_rows_get(rows, r, 7));
        e->last_login_at = store_int(store_rows_get(rows, r, 8));
        return store_decoded(ok, "agent_extensions");
}

enum result store_live_extension_get(struct store_conn *conn, const char *extension,
                                     struct store_live_extension *ret)
{
        struct store_param p[] = { SP_TEXT(extension) };

        return store_exec_one(conn,
                              "SELECT e.id, e.tenant_id, COALESCE(e.user_id, 0), "
                              "COALESCE(t.cluster_id, 0), e.status, t.status, t.sip_domain, "
                              "COALESCE(c.sip_domain, ''), COALESCE(e.last_login_at, 0) "
                              "FROM agent_extensions e JOIN tenants t ON t.id = e.tenant_id "
                              "LEFT JOIN freeswitch_clusters c ON c.id = t.cluster_id "
                              "WHERE e.extension = ?",
                              p, STORE_NPARAMS(p), extension_row, ret);
}

enum result store_live_extension_seen(struct store_conn *conn, const char *extension, int64_t at)
{
        struct store_param p[] = { SP_INT(at), SP_TEXT(extension) };

        return store_exec(conn, "UPDATE agent_extensions SET last_login_at = ? WHERE extension = ?",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

enum result store_live_cluster_streams(struct store_conn *conn, int64_t cluster_id,
                                       int64_t fresh_after, int64_t *ret_count)
{
        struct store_param p[] = { SP_INT(cluster_id), SP_INT(fresh_after) };
        struct store_rows rows = { 0 };
        enum result result;

        result = store_exec(conn,
                            "SELECT COUNT(*) FROM live_streams WHERE cluster_id = ? "
                            "AND connected = 1 AND heartbeat_at >= ?",
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (!result)
                *ret_count = store_int(store_rows_get(&rows, 0, 0));
        store_rows_free(&rows);
        return result;
}

/* The registrations that count: of an assigned, active extension of an
 * active tenant (a suspension's flush_inbound_reg sends no event: what
 * the reconciler was told to cut shows cut at once, not at the next
 * re-read), on a node of the tenant's cluster whose stream is connected
 * now. */
#define LIVE_REG_JOIN                                                                     \
        " LEFT JOIN live_registrations r ON r.extension = e.extension"                   \
        " AND e.user_id IS NOT NULL AND e.status = 'active' AND t.status = 'active'"     \
        " AND r.cluster_id = COALESCE(t.cluster_id, 0) AND EXISTS (SELECT 1 FROM live_streams s" \
        " WHERE s.cluster_id = r.cluster_id AND s.node = r.node AND s.connected = 1"      \
        " AND s.heartbeat_at >= ?)"

enum result store_live_registrations_of(struct store_conn *conn, const char *const *extensions,
                                        size_t n, int64_t fresh_after,
                                        void (*fn)(void *userdata, const char *extension,
                                                   int64_t last_login_at,
                                                   const struct store_live_registration *reg),
                                        void *userdata)
{
        struct store_param *p;
        struct store_rows rows = { 0 };
        struct store_live_registration reg;
        enum result result;
        char *sql;
        size_t len;

        if (n == 0)
                return RESULT_OK;
        p = calloc(n + 1, sizeof(*p));
        len = 1024 + n * 3;
        sql = malloc(len);
        if (!p || !sql) {
                free(p);
                free(sql);
                return RESULT_NOMEM;
        }
        p[0] = SP_INT(fresh_after);
        {
                size_t at = (size_t)snprintf(sql, len,
                                             "SELECT e.extension, COALESCE(e.last_login_at, 0), "
                                             REGISTRATION_COLS " FROM agent_extensions e "
                                             "JOIN tenants t ON t.id = e.tenant_id" LIVE_REG_JOIN
                                             " WHERE e.extension IN (");
                for (size_t i = 0; i < n; i++) {
                        p[i + 1] = SP_TEXT(extensions[i]);
                        at += (size_t)snprintf(sql + at, len - at, i ? ",?" : "?");
                }
                snprintf(sql + at, len - at, ") ORDER BY e.extension, r.updated_at DESC, "
                                             "r.expires_at DESC");
        }
        result = store_exec(conn, sql, p, n + 1, &rows, NULL);
        for (int r = 0; !result && r < rows.nrows; r++) {
                const char *node = store_rows_get(&rows, r, 3);
                if (node)
                        registration_row(&rows, r, 2, &reg);
                fn(userdata, store_rows_get(&rows, r, 0), store_int(store_rows_get(&rows, r, 1)),
                   node ? &reg : NULL);
        }
        store_rows_free(&rows);
        free(p);
        free(sql);
        return result;
}

enum result store_live_registered_count(struct store_conn *conn, int64_t tenant_id,
                                        int64_t fresh_after,
                                        void (*fn)(void *userdata, int64_t tenant_id,
                                                   const char *slug, int64_t count),
                                        void *userdata)
{
        struct store_param p[] = { SP_INT(fresh_after), SP_INT(tenant_id), SP_INT(tenant_id) };
        struct store_rows rows = { 0 };
        enum result result;

        result = store_exec(conn,
                            "SELECT t.id, t.slug, COUNT(DISTINCT e.extension) "
                            "FROM agent_extensions e JOIN tenants t ON t.id = e.tenant_id"
                            LIVE_REG_JOIN
                            " WHERE e.user_id IS NOT NULL AND r.node IS NOT NULL "
                            "AND (? = 0 OR e.tenant_id = ?) GROUP BY t.id, t.slug ORDER BY t.id",
                            p, STORE_NPARAMS(p), &rows, NULL);
        for (int r = 0; !result && r < rows.nrows; r++)
                fn(userdata, store_int(store_rows_get(&rows, r, 0)), store_rows_get(&rows, r, 1),
                   store_int(store_rows_get(&rows, r, 2)));
        store_rows_free(&rows);
        return result;
}
