/*
 * The colleagues' directory and the state presence derives from (their
 * registrations, open calls and queue status), and each agent's last
 * published presence (agent_presence); see store.h. Portable SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/store.h"
#include "util/text.h"

/* Registered: a registration of one of its active extensions of an active
 * tenant on a node of the tenant's cluster whose stream beat at ?1 or
 * later (the rule of store/registrations.c's LIVE_REG_JOIN). On a call: a
 * leg open that it placed or answered (a call ringing is not one). */
#define PRESENCE_COLS                                                                          \
        "u.id, u.first_name, u.last_name, u.role, "                                            \
        "CASE WHEN EXISTS (SELECT 1 FROM agent_extensions e JOIN tenants t ON t.id = "         \
        "e.tenant_id JOIN live_registrations r ON r.extension = e.extension AND r.cluster_id " \
        "= COALESCE(t.cluster_id, 0) JOIN live_streams s ON s.cluster_id = r.cluster_id AND "  \
        "s.node = r.node AND s.connected = 1 AND s.heartbeat_at >= ? WHERE e.user_id = u.id "  \
        "AND e.status = 'active' AND t.status = 'active') THEN 1 ELSE 0 END, "                 \
        "CASE WHEN EXISTS (SELECT 1 FROM call_records c WHERE c.user_id = u.id AND "           \
        "c.ended_at IS NULL AND (c.placed = 1 OR c.answered_at IS NOT NULL)) THEN 1 ELSE 0 "   \
        "END, COALESCE(qa.status, 'logged_out')"
#define PRESENCE_FROM                                                                          \
        " FROM users u LEFT JOIN queue_agents qa ON qa.user_id = u.id"                         \
        " WHERE u.tenant_id = ? AND u.status = 'active'"

static enum result presence_row(const struct store_rows *rows, int r, void *out)
{
        struct store_presence *p = out;
        const char *status = store_rows_get(rows, r, 6);

        p->user_id = store_int(store_rows_get(rows, r, 0));
        text_copy(p->first_name, sizeof(p->first_name), store_rows_get(rows, r, 1));
        text_copy(p->last_name, sizeof(p->last_name), store_rows_get(rows, r, 2));
        p->registered = store_int(store_rows_get(rows, r, 4)) != 0;
        p->on_call = store_int(store_rows_get(rows, r, 5)) != 0;
        p->on_break = status && !strcmp(status, "on_break");
        return store_decoded(user_role_parse(store_rows_get(rows, r, 3), &p->role), "users");
}

static enum result count_row(const struct store_rows *rows, int r, void *out)
{
        *(int64_t *)out = store_int(store_rows_get(rows, r, 0));
        return RESULT_OK;
}

/* Adds each agent's extensions (by number) to the n items. */
static enum result add_extensions(struct store_conn *conn, int64_t tenant_id,
                                  struct store_presence *items, size_t n)
{
        struct store_param p = SP_INT(tenant_id);
        struct store_rows rows = { 0 };
        enum result result;

        if (n == 0)
                return RESULT_OK;
        result = store_exec(conn,
                            "SELECT user_id, extension FROM agent_extensions WHERE tenant_id = ? "
                            "AND user_id IS NOT NULL ORDER BY LENGTH(extension), extension",
                            &p, 1, &rows, NULL);
        for (int r = 0; !result && r < rows.nrows; r++) {
                int64_t user_id = store_int(store_rows_get(&rows, r, 0));

                for (size_t i = 0; i < n; i++) {
                        struct store_presence *it = &items[i];
                        size_t max = sizeof(it->extensions) / sizeof(it->extensions[0]);

                        if (it->user_id != user_id || it->n_extensions == max)
                                continue;
                        text_copy(it->extensions[it->n_extensions++], sizeof(it->extensions[0]),
                                  store_rows_get(&rows, r, 1));
                }
        }
        store_rows_free(&rows);
        return result;
}

enum result store_presence_list(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                                int64_t fresh_after, struct store_page *page,
                                struct store_presence **ret_items, size_t *ret_n)
{
        struct store_param p[] = { SP_INT(fresh_after), SP_INT(tenant_id), SP_INT(user_id) };
        enum result result;

        *ret_items = NULL;
        *ret_n = 0;
        if (user_id) {
                result = store_exec_all(conn,
                                        "SELECT " PRESENCE_COLS PRESENCE_FROM " AND u.id = ?", p,
                                        3, sizeof(**ret_items), presence_row,
                                        (void **)ret_items, ret_n);
                if (!result && *ret_n == 0)
                        result = RESULT_NOT_FOUND;
        } else if (page) {
                struct store_param all[] = { p[0], p[1], SP_INT(page->limit),
                                             SP_INT(page->offset) };

                result = store_exec_one(conn, "SELECT COUNT(*)" PRESENCE_FROM, &p[1], 1,
                                        count_row, &page->total);
                if (!result)
                        result = store_exec_all(conn,
                                                "SELECT " PRESENCE_COLS PRESENCE_FROM
                                                " ORDER BY u.first_name, u.last_name, u.id "
                                                "LIMIT ? OFFSET ?",
                                                all, 4, sizeof(**ret_items), presence_row,
                                                (void **)ret_items, ret_n);
        } else {
                result = store_exec_all(conn,
                                        "SELECT " PRESENCE_COLS PRESENCE_FROM
                                        " ORDER BY u.first_name, u.last_name, u.id",
                                        p, 2, sizeof(**ret_items), presence_row,
                                        (void **)ret_items, ret_n);
        }
        if (!result)
                result = add_extensions(conn, tenant_id, *ret_items, *ret_n);
        if (result) {
                free(*ret_items);
                *ret_items = NULL;
                *ret_n = 0;
        }
        return result;
}

enum result store_presence_set(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                               const char *presence, int64_t now, bool *ret_changed)
{
        struct store_param up[] = { SP_TEXT(presence), SP_INT(now), SP_INT(tenant_id),
                                    SP_INT(user_id), SP_TEXT(presence) };
        struct store_param in[] = { SP_INT(user_id), SP_INT(tenant_id), SP_TEXT(presence),
                                    SP_INT(now) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn,
                            "UPDATE agent_presence SET presence = ?, since = ?, tenant_id = ? "
                            "WHERE user_id = ? AND presence <> ?",
                            up, STORE_NPARAMS(up), NULL, &changes);
        /* No row: offline, which it was. */
        if (!result && !changes && strcmp(presence, "offline"))
                result = store_exec(conn,
                                    "INSERT INTO agent_presence (user_id, tenant_id, presence, "
                                    "since) VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
                                    in, STORE_NPARAMS(in), NULL, &changes);
        if (!result)
                *ret_changed = changes > 0;
        return result;
}
