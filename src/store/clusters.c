/*
 * FreeSWITCH clusters and their nodes. Portable
 * SQL; see store/driver.h for the rules. A node's Event Socket password is
 * stored sealed by the caller: the store never sees it in the clear.
 */
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/store.h"
#include "util/text.h"

#define CLUSTER_COLS "id, name, region, mode, sip_domain, websocket_url, status, created_at, updated_at"
#define NODE_COLS                                                                              \
        "id, cluster_id, name, esl_host, esl_port, esl_password, sofia_profile, ssh_target, " \
        "conf_dir, status, created_at, updated_at"

static enum result cluster_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_cluster *c = out;

        c->id = store_int(store_rows_get(rows, r, 0));
        text_copy(c->name, sizeof(c->name), store_rows_get(rows, r, 1));
        text_copy(c->region, sizeof(c->region), store_rows_get(rows, r, 2));
        text_copy(c->sip_domain, sizeof(c->sip_domain), store_rows_get(rows, r, 4));
        text_copy(c->websocket_url, sizeof(c->websocket_url), store_rows_get(rows, r, 5));
        c->created_at = store_int(store_rows_get(rows, r, 7));
        c->updated_at = store_int(store_rows_get(rows, r, 8));
        return store_decoded(fs_mode_parse(store_rows_get(rows, r, 3), &c->mode) &&
                                     cluster_status_parse(store_rows_get(rows, r, 6), &c->status),
                             "freeswitch_clusters");
}

static enum result node_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_node *n = out;

        n->id = store_int(store_rows_get(rows, r, 0));
        n->cluster_id = store_int(store_rows_get(rows, r, 1));
        text_copy(n->name, sizeof(n->name), store_rows_get(rows, r, 2));
        text_copy(n->esl_host, sizeof(n->esl_host), store_rows_get(rows, r, 3));
        n->esl_port = store_int(store_rows_get(rows, r, 4));
        text_copy(n->esl_password, sizeof(n->esl_password), store_rows_get(rows, r, 5));
        text_copy(n->sofia_profile, sizeof(n->sofia_profile), store_rows_get(rows, r, 6));
        text_copy(n->ssh_target, sizeof(n->ssh_target), store_rows_get(rows, r, 7));
        text_copy(n->conf_dir, sizeof(n->conf_dir), store_rows_get(rows, r, 8));
        n->created_at = store_int(store_rows_get(rows, r, 10));
        n->updated_at = store_int(store_rows_get(rows, r, 11));
        return store_decoded(cluster_status_parse(store_rows_get(rows, r, 9), &n->status),
                             "freeswitch_nodes");
}

/* Runs an UPDATE or DELETE that must touch one row. */
static enum result change_one(struct store_conn *conn, const char *sql,
                              const struct store_param *p, size_t n)
{
        int64_t changes = 0;
        enum result result = store_exec(conn, sql, p, n, NULL, &changes);

        return !result && changes == 0 ? RESULT_NOT_FOUND : result;
}

enum result store_cluster_insert(struct store_conn *conn, struct store_cluster *c)
{
        int64_t now = store_now();
        struct store_param p[] = { SP_TEXT(c->name), SP_TEXT(c->region), SP_TEXT(fs_mode_name(c->mode)),
                                   SP_TEXT(c->sip_domain), SP_TEXT(c->websocket_url),
                                   SP_TEXT(cluster_status_name(c->status)), SP_INT(now), SP_INT(now) };

        return store_exec_one(conn,
                              "INSERT INTO freeswitch_clusters (name, region, mode, sip_domain, "
                              "websocket_url, status, created_at, updated_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING " CLUSTER_COLS,
                              p, STORE_NPARAMS(p), cluster_from_row, c);
}

enum result store_cluster_get(struct store_conn *conn, int64_t id, struct store_cluster *ret)
{
        struct store_param p = SP_INT(id);

        return store_exec_one(conn, "SELECT " CLUSTER_COLS " FROM freeswitch_clusters WHERE id = ?",
                              &p, 1, cluster_from_row, ret);
}

enum result store_cluster_list(struct store_conn *conn, struct store_page *page,
                               struct store_cluster **ret_items, size_t *ret_n)
{
        return store_exec_page(conn, CLUSTER_COLS, " FROM freeswitch_clusters", " ORDER BY id",
                               NULL, 0, page, sizeof(**ret_items), cluster_from_row,
                               (void **)ret_items, ret_n);
}

enum result store_cluster_update(struct store_conn *conn, const struct store_cluster *c)
{
        struct store_param p[] = { SP_TEXT(c->name), SP_TEXT(c->region), SP_TEXT(fs_mode_name(c->mode)),
                                   SP_TEXT(c->sip_domain), SP_TEXT(c->websocket_url),
                                   SP_TEXT(cluster_status_name(c->status)), SP_INT(store_now()), SP_INT(c->id) };

        return change_one(conn,
                          "UPDATE freeswitch_clusters SET name = ?, region = ?, mode = ?, "
                          "sip_domain = ?, websocket_url = ?, status = ?, updated_at = ? WHERE id = ?",
                          p, STORE_NPARAMS(p));
}

enum result store_cluster_delete(struct store_conn *conn, int64_t id)
{
        struct store_param p[] = { SP_INT(id) };
        enum result result;

        /* What was queued for it has nowhere left to go. */
        result = store_exec(conn, "DELETE FROM provisioning_jobs WHERE cluster_id = ?", p, 1, NULL,
                            NULL);
        if (!result)
                result = store_exec(conn, "DELETE FROM freeswitch_nodes WHERE cluster_id = ?", p, 1,
                                    NULL, NULL);
        if (!result)
                result = change_one(conn, "DELETE FROM freeswitch_clusters WHERE id = ?", p, 1);
        return result;
}

enum result store_cluster_tenant_count(struct store_conn *conn, int64_t id, int64_t *ret)
{
        struct store_param p[] = { SP_INT(id) };
        struct store_rows rows = { 0 };
        enum result result;

        result = store_exec(conn, "SELECT COUNT(*) FROM tenants WHERE cluster_id = ?", p, 1, &rows,
                            NULL);
        if (result)
                return result;
        *ret = store_int(store_rows_get(&rows, 0, 0));
        store_rows_free(&rows);
        return RESULT_OK;
}

enum result store_node_insert(struct store_conn *conn, struct store_node *n)
{
        int64_t now = store_now();
        struct store_param p[] = { SP_INT(n->cluster_id), SP_TEXT(n->name), SP_TEXT(n->esl_host),
                                   SP_INT(n->esl_port), SP_TEXT(n->esl_password),
                                   SP_TEXT(n->sofia_profile), SP_TEXT(n->ssh_target),
                                   SP_TEXT(n->conf_dir), SP_TEXT(cluster_status_name(n->status)), SP_INT(now),
                                   SP_INT(now) };

        return store_exec_one(conn,
                              "INSERT INTO freeswitch_nodes (cluster_id, name, esl_host, esl_port, "
                              "esl_password, sofia_profile, ssh_target, conf_dir, status, "
                              "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                              "RETURNING " NODE_COLS,
                              p, STORE_NPARAMS(p), node_from_row, n);
}

enum result store_node_get(struct store_conn *conn, int64_t cluster_id, int64_t id,
                           struct store_node *ret)
{
        struct store_param p[] = { SP_INT(id), SP_INT(cluster_id) };

        return store_exec_one(conn,
                              "SELECT " NODE_COLS " FROM freeswitch_nodes WHERE id = ? AND cluster_id = ?",
                              p, STORE_NPARAMS(p), node_from_row, ret);
}

enum result store_node_list(struct store_conn *conn, int64_t cluster_id, struct store_node *ret,
                            size_t max, size_t *ret_n)
{
        struct store_param p[] = { SP_INT(cluster_id) };
        struct store_rows rows = { 0 };
        enum result result;

        *ret_n = 0;
        result = store_exec(conn,
                            "SELECT " NODE_COLS " FROM freeswitch_nodes WHERE cluster_id = ? ORDER BY id",
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (result)
                return result;
        for (int r = 0; !result && r < rows.nrows && (size_t)r < max; r++)
                result = node_from_row(&rows, r, &ret[r]);
        if (!result)
                *ret_n = (size_t)rows.nrows < max ? (size_t)rows.nrows : max;
        store_rows_free(&rows);
        return result;
}

enum result store_node_update(struct store_conn *conn, const struct store_node *n)
{
        struct store_param p[] = { SP_TEXT(n->name), SP_TEXT(n->esl_host), SP_INT(n->esl_port),
                                   SP_TEXT(n->esl_password), SP_TEXT(n->sofia_profile),
                                   SP_TEXT(n->ssh_target), SP_TEXT(n->conf_dir), SP_TEXT(cluster_status_name(n->status)),
                                   SP_INT(store_now()), SP_INT(n->id), SP_INT(n->cluster_id) };

        return change_one(conn,
                          "UPDATE freeswitch_nodes SET name = ?, esl_host = ?, esl_port = ?, "
                          "esl_password = ?, sofia_profile = ?, ssh_target = ?, conf_dir = ?, "
                          "status = ?, updated_at = ? WHERE id = ? AND cluster_id = ?",
                          p, STORE_NPARAMS(p));
}

enum result store_node_delete(struct store_conn *conn, int64_t cluster_id, int64_t id)
{
        struct store_param p[] = { SP_INT(id), SP_INT(cluster_id) };

        return change_one(conn, "DELETE FROM freeswitch_nodes WHERE id = ? AND cluster_id = ?", p,
                          STORE_NPARAMS(p));
}

enum result store_tenant_set_cluster(struct store_conn *conn, int64_t id, int64_t cluster_id)
{
        struct store_param p[] = { cluster_id ? SP_INT(cluster_id) : SP_NULL, SP_INT(store_now()),
                                   SP_INT(id) };

        return change_one(conn, "UPDATE tenants SET cluster_id = ?, updated_at = ? WHERE id = ?", p,
                          STORE_NPARAMS(p));
}
