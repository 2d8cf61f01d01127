/* User rows. Emails are stored lower-case; uniqueness among non-deleted
 * users is the partial index users_email_live. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "util/text.h"
#include "store/store.h"

#define USER_COLS \
        "id, COALESCE(tenant_id, 0), email, first_name, last_name, role, status, " \
        "password_hash, must_change_password, token_version, created_at, updated_at, " \
        "COALESCE(last_login_at, 0)"

static enum result user_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_user *u = out;

        u->id = store_int(store_rows_get(rows, r, 0));
        u->tenant_id = store_int(store_rows_get(rows, r, 1));
        text_copy(u->email, sizeof(u->email), store_rows_get(rows, r, 2));
        text_copy(u->first_name, sizeof(u->first_name), store_rows_get(rows, r, 3));
        text_copy(u->last_name, sizeof(u->last_name), store_rows_get(rows, r, 4));
        text_copy(u->password_hash, sizeof(u->password_hash), store_rows_get(rows, r, 7));
        u->must_change_password = store_int(store_rows_get(rows, r, 8)) != 0;
        u->token_version = store_int(store_rows_get(rows, r, 9));
        u->created_at = store_int(store_rows_get(rows, r, 10));
        u->updated_at = store_int(store_rows_get(rows, r, 11));
        u->last_login_at = store_int(store_rows_get(rows, r, 12));
        return store_decoded(user_role_parse(store_rows_get(rows, r, 5), &u->role) &&
                                     user_status_parse(store_rows_get(rows, r, 6), &u->status),
                             "users");
}

enum result store_user_insert(struct store_conn *conn, struct store_user *u)
{
        int64_t now = store_now();
        struct store_param p[] = {
                u->tenant_id ? SP_INT(u->tenant_id) : SP_NULL,
                SP_TEXT(u->email),
                SP_TEXT(u->first_name),
                SP_TEXT(u->last_name),
                SP_TEXT(user_role_name(u->role)),
                SP_TEXT(user_status_name(u->status)),
                SP_TEXT(u->password_hash),
                SP_INT(u->must_change_password),
                SP_INT(now),
                SP_INT(now),
        };
        enum result result;

        result = store_exec_one(conn,
                                "INSERT INTO users (tenant_id, email, first_name, last_name, role, "
                                "status, password_hash, must_change_password, created_at, "
                                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " USER_COLS,
                                p, STORE_NPARAMS(p), user_from_row, u);
        return result == RESULT_CONFLICT ? RESULT_EMAIL_TAKEN : result;
}

enum result store_user_get(struct store_conn *conn, int64_t id, struct store_user *ret)
{
        struct store_param p = SP_INT(id);

        return store_exec_one(conn, "SELECT " USER_COLS " FROM users WHERE id = ?", &p, 1,
                              user_from_row, ret);
}

enum result store_user_get_by_email(struct store_conn *conn, const char *email,
                                    struct store_user *ret)
{
        struct store_param p = SP_TEXT(email);

        return store_exec_one(conn,
                              "SELECT " USER_COLS " FROM users WHERE email = ? AND status <> 'deleted'",
                              &p, 1, user_from_row, ret);
}

/* Emails a statement of store_user_emails_taken. */
#define EMAILS_PER_QUERY 100

enum result store_user_emails_taken(struct store_conn *conn, const char *const *emails, size_t n,
                                    bool *ret_taken)
{
        enum result result = RESULT_OK;

        for (size_t i = 0; i < n && !result; i += EMAILS_PER_QUERY) {
                size_t k = n - i < EMAILS_PER_QUERY ? n - i : EMAILS_PER_QUERY, len;
                struct store_param p[EMAILS_PER_QUERY];
                char sql[128 + EMAILS_PER_QUERY * 4];
                struct store_rows rows = { 0 };

                len = (size_t)snprintf(sql, sizeof(sql), "SELECT email FROM users "
                                                         "WHERE status <> 'deleted' AND email IN (");
                for (size_t j = 0; j < k; j++) {
                        p[j] = SP_TEXT(emails[i + j]);
                        ret_taken[i + j] = false;
                        len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s?", j ? ", " : "");
                }
                snprintf(sql + len, sizeof(sql) - len, ")");
                result = store_exec(conn, sql, p, k, &rows, NULL);
                for (int r = 0; !result && r < rows.nrows; r++) {
                        const char *email = store_rows_get(&rows, r, 0);
                        for (size_t j = 0; email && j < k; j++)
                                if (!strcmp(email, emails[i + j]))
                                        ret_taken[i + j] = true;
                }
                store_rows_free(&rows);
        }
        return result;
}

enum result store_user_set_password(struct store_conn *conn, int64_t id, const char *hash,
                                    bool must_change)
{
        struct store_param p[] = { SP_TEXT(hash), SP_INT(must_change), SP_INT(store_now()),
                                   SP_INT(id) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn,
                            "UPDATE users SET password_hash = ?, must_change_password = ?, "
                            "token_version = token_version + 1, updated_at = ? "
                            "WHERE id = ? AND status <> 'deleted'",
                            p, STORE_NPARAMS(p), NULL, &changes);
        if (!result && changes == 0)
                result = RESULT_NOT_FOUND;
        return result;
}

/* The live users a filter selects, its parameters and its order. Absent
 * filters are neutralised in SQL, so the statement text (and its cached
 * preparation) stays the same. */
static const char users_from_where[] =
        " FROM users WHERE tenant_id = ? AND status <> 'deleted'"
        " AND (? = '' OR status = ?) AND (? = '' OR role = ?)"
        " AND (? = '' OR lower(email) LIKE ? ESCAPE '!' OR lower(first_name) LIKE ? ESCAPE '!'"
        " OR lower(last_name) LIKE ? ESCAPE '!')";

#define USERS_FILTER_PARAMS 9

struct users_query {
        char like[STORE_NAME_MAX * 2 + 3];
        struct store_param params[USERS_FILTER_PARAMS + 2];  /* + LIMIT, OFFSET */
        const char *order;
};

static void users_query_init(struct users_query *uq, const struct store_user_filter *f)
{
        static const char *const orders[] = {
                [STORE_USER_SORT_ID] = " ORDER BY id",
                [STORE_USER_SORT_NAME] = " ORDER BY lower(last_name), lower(first_name), id",
                [STORE_USER_SORT_NAME_DESC] =
                        " ORDER BY lower(last_name) DESC, lower(first_name) DESC, id DESC",
                [STORE_USER_SORT_CREATED] = " ORDER BY created_at, id",
                [STORE_USER_SORT_CREATED_DESC] = " ORDER BY created_at DESC, id DESC",
        };
        const char *status = f->by_status ? user_status_name(f->status) : "";
        const char *role = f->by_role ? user_role_name(f->role) : "";
        const char *q = f->q ? f->q : "";
        size_t n = 0;

        /* %q% with LIKE's metacharacters escaped by '!'. */
        uq->like[n++] = '%';
        for (const char *c = q; *c && n < sizeof(uq->like) - 3; c++) {
                if (*c == '%' || *c == '_' || *c == '!')
                        uq->like[n++] = '!';
                uq->like[n++] = (char)((*c >= 'A' && *c <= 'Z') ? *c - 'A' + 'a' : *c);
        }
        uq->like[n++] = '%';
        uq->like[n] = '\0';
        struct store_param p[USERS_FILTER_PARAMS] = {
                SP_INT(f->tenant_id), SP_TEXT(status), SP_TEXT(status), SP_TEXT(role),
                SP_TEXT(role), SP_TEXT(q), SP_TEXT(uq->like), SP_TEXT(uq->like), SP_TEXT(uq->like)
        };
        memcpy(uq->params, p, sizeof(p));
        uq->order = (unsigned)f->sort < sizeof(orders) / sizeof(orders[0]) ? orders[f->sort]
                                                                             : orders[0];
}

enum result store_user_list(struct store_conn *conn, const struct store_user_filter *f,
                            struct store_page *page, struct store_user **ret_items,
                            size_t *ret_n)
{
        struct users_query uq;

        users_query_init(&uq, f);
        return store_exec_page(conn, USER_COLS, users_from_where, uq.order, uq.params,
                               USERS_FILTER_PARAMS, page, sizeof(**ret_items), user_from_row,
                               (void **)ret_items, ret_n);
}

#define AGENT_COLS \
        "id, COALESCE(tenant_id, 0), email, first_name, last_name, role, status, " \
        "must_change_password, created_at, updated_at, COALESCE(last_login_at, 0)"

static enum result agent_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_agent_row *a = out;

        a->id = store_int(store_rows_get(rows, r, 0));
        a->tenant_id = store_int(store_rows_get(rows, r, 1));
        text_copy(a->email, sizeof(a->email), store_rows_get(rows, r, 2));
        text_copy(a->first_name, sizeof(a->first_name), store_rows_get(rows, r, 3));
        text_copy(a->last_name, sizeof(a->last_name), store_rows_get(rows, r, 4));
        a->must_change_password = store_int(store_rows_get(rows, r, 7)) != 0;
        a->created_at = store_int(store_rows_get(rows, r, 8));
        a->updated_at = store_int(store_rows_get(rows, r, 9));
        a->last_login_at = store_int(store_rows_get(rows, r, 10));
        return store_decoded(user_role_parse(store_rows_get(rows, r, 5), &a->role) &&
                                     user_status_parse(store_rows_get(rows, r, 6), &a->status),
                             "users");
}

static enum result agent_extension_from_row(const struct store_rows *rows, int r,
                                            struct store_agent_extension *e)
{
        e->id = store_int(store_rows_get(rows, r, 0));
        e->user_id = store_int(store_rows_get(rows, r, 1));
        text_copy(e->extension, sizeof(e->extension), store_rows_get(rows, r, 2));
        e->voicemail_enabled = store_int(store_rows_get(rows, r, 4)) != 0;
        e->provisioning_attempts = store_int(store_rows_get(rows, r, 6));
        text_copy(e->provisioning_error, sizeof(e->provisioning_error), store_rows_get(rows, r, 7));
        e->ring_s = store_int(store_rows_get(rows, r, 8));
        return store_decoded(extension_status_parse(store_rows_get(rows, r, 3), &e->status) &&
                                     jobs_state_parse(store_rows_get(rows, r, 5), &e->provisioning),
                             "agent_extensions");
}

/* An agent's id and its index in the page, sorted by id to find it. */
struct agent_index {
        int64_t id;
        size_t at;
};

static int by_id(const void *a, const void *b)
{
        int64_t x = ((const struct agent_index *)a)->id, y = ((const struct agent_index *)b)->id;

        return x < y ? -1 : x > y;
}

enum result store_agent_page(struct store_conn *conn, const struct store_user_filter *f,
                             struct store_page *page, struct store_agent_page *ret)
{
        struct store_agent_page out = { 0 };
        struct store_rows rows = { 0 };
        struct agent_index *index = NULL;
        struct users_query uq;
        char sql[2048];
        enum result result;

        users_query_init(&uq, f);
        result = store_exec_page(conn, AGENT_COLS, users_from_where, uq.order, uq.params,
                                 USERS_FILTER_PARAMS, page, sizeof(*out.agents), agent_from_row,
                                 (void **)&out.agents, &out.n_agents);
        if (result || out.n_agents == 0)
                goto out;
        /* The same page again as a subquery: one statement for the
         * extensions of every agent on it. */
        snprintf(sql, sizeof(sql),
                 "SELECT id, user_id, extension, status, voicemail_enabled, provisioning, "
                 "provisioning_attempts, provisioning_error, ring_s FROM agent_extensions "
                 "WHERE user_id IN (SELECT id%s%s LIMIT ? OFFSET ?) "
                 "ORDER BY user_id, length(extension), extension",
                 users_from_where, uq.order);
        uq.params[USERS_FILTER_PARAMS] = SP_INT(page->limit);
        uq.params[USERS_FILTER_PARAMS + 1] = SP_INT(page->offset);
        result = store_exec(conn, sql, uq.params, USERS_FILTER_PARAMS + 2, &rows, NULL);
        if (result)
                goto out;
        out.extensions = calloc((size_t)rows.nrows + 1, sizeof(*out.extensions));
        index = calloc(out.n_agents, sizeof(*index));
        if (!out.extensions || !index) {
                result = RESULT_NOMEM;
                goto out;
        }
        for (size_t i = 0; i < out.n_agents; i++)
                index[i] = (struct agent_index){ out.agents[i].id, i };
        qsort(index, out.n_agents, sizeof(*index), by_id);
        for (int r = 0; !result && r < rows.nrows; r++) {
                struct store_agent_extension *e = &out.extensions[out.n_extensions];
                struct agent_index key, *found;
                result = agent_extension_from_row(&rows, r, e);
                key.id = e->user_id;
                found = bsearch(&key, index, out.n_agents, sizeof(*index), by_id);
                if (!found)
                        continue;   /* joined the page between the two statements */
                /* Rows come grouped by user: an agent's extensions are contiguous. */
                if (out.agents[found->at].n_extensions == 0)
                        out.agents[found->at].first_extension = out.n_extensions;
                out.agents[found->at].n_extensions++;
                out.n_extensions++;
        }
out:
        store_rows_free(&rows);
        free(index);
        if (result) {
                store_agent_page_free(&out);
                return result;
        }
        *ret = out;
        return RESULT_OK;
}

void store_agent_page_free(struct store_agent_page *p)
{
        if (!p)
                return;
        free(p->agents);
        free(p->extensions);
        memset(p, 0, sizeof(*p));
}

enum result store_user_update(struct store_conn *conn, const struct store_user *u, bool revoke)
{
        struct store_param p[] = { SP_TEXT(u->first_name), SP_TEXT(u->last_name),
                                   SP_TEXT(user_role_name(u->role)),
                                   SP_TEXT(user_status_name(u->status)), SP_INT(revoke ? 1 : 0),
                                   SP_INT(store_now()), SP_INT(u->id) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn,
                            "UPDATE users SET first_name = ?, last_name = ?, role = ?, status = ?, "
                            "token_version = token_version + ?, updated_at = ? "
                            "WHERE id = ? AND status <> 'deleted'",
                            p, STORE_NPARAMS(p), NULL, &changes);
        if (!result && changes == 0)
                result = RESULT_NOT_FOUND;
        return result;
}

enum result store_user_soft_delete(struct store_conn *conn, int64_t id)
{
        int64_t now = store_now(), changes = 0;
        struct store_param p[] = { SP_INT(now), SP_INT(now), SP_INT(id) };
        enum result result;

        result = store_exec(conn,
                            "UPDATE users SET status = 'deleted', deleted_at = ?, updated_at = ?, "
                            "token_version = token_version + 1 "
                            "WHERE id = ? AND status <> 'deleted'",
                            p, STORE_NPARAMS(p), NULL, &changes);
        if (!result && changes == 0)
                result = RESULT_NOT_FOUND;
        return result;
}

enum result store_user_touch_login(struct store_conn *conn, int64_t id)
{
        struct store_param p[] = { SP_INT(store_now()), SP_INT(id) };

        return store_exec(conn, "UPDATE users SET last_login_at = ? WHERE id = ?", p,
                          STORE_NPARAMS(p), NULL, NULL);
}

/* A user's tenant's status, "" for none (a platform superadmin): active,
 * since no tenant can suspend them. */
static bool tenant_status_of(const char *s, enum tenant_status *ret)
{
        if (*s)
                return tenant_status_parse(s, ret);
        *ret = TENANT_STATUS_ACTIVE;
        return true;
}

enum result store_session_insert(struct store_conn *conn, const char *token_hash, int64_t user_id,
                                 int64_t token_version, bool restricted, int64_t login_at,
                                 int64_t expires_at, int64_t *ret_id)
{
        struct store_rows rows = { 0 };
        struct store_param p[] = { SP_TEXT(token_hash), SP_INT(user_id), SP_INT(token_version),
                                   SP_INT(restricted), SP_INT(store_now()), SP_INT(login_at),
                                   SP_INT(expires_at) };
        enum result result;

        result = store_exec(conn,
                            "INSERT INTO sessions (token_hash, user_id, token_version, restricted, "
                            "created_at, login_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (result)
                return result;
        *ret_id = store_int(store_rows_get(&rows, 0, 0));
        store_rows_free(&rows);
        return RESULT_OK;
}

enum result store_session_lookup(struct store_conn *conn, const char *token_hash, int64_t now,
                                 struct store_session *ret)
{
        struct store_rows rows = { 0 };
        struct store_param p[] = { SP_TEXT(token_hash), SP_INT(now) };
        enum result result;

        /* The user's columns in USER_COLS order, then the session's. */
        result = store_exec(conn,
                            "SELECT u.id, COALESCE(u.tenant_id, 0), u.email, u.first_name, "
                            "u.last_name, u.role, u.status, u.password_hash, "
                            "u.must_change_password, u.token_version, u.created_at, u.updated_at, "
                            "COALESCE(u.last_login_at, 0), s.id, s.restricted, s.expires_at, "
                            "COALESCE(t.status, ''), s.login_at "
                            "FROM sessions s JOIN users u ON u.id = s.user_id "
                            "LEFT JOIN tenants t ON t.id = u.tenant_id "
                            "WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? "
                            "AND s.token_version = u.token_version AND u.status = 'active' "
                            "AND (t.id IS NULL OR t.status = 'active')",
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (result)
                return result;
        if (rows.nrows == 0) {
                store_rows_free(&rows);
                return RESULT_NOT_FOUND;
        }
        result = user_from_row(&rows, 0, &ret->user);
        ret->id = store_int(store_rows_get(&rows, 0, 13));
        ret->restricted = store_int(store_rows_get(&rows, 0, 14)) != 0;
        ret->expires_at = store_int(store_rows_get(&rows, 0, 15));
        if (!result)
                result = store_decoded(tenant_status_of(store_rows_get(&rows, 0, 16),
                                                        &ret->tenant_status),
                                       "tenants");
        ret->login_at = store_int(store_rows_get(&rows, 0, 17));
        store_rows_free(&rows);
        return result;
}

/* The live-session conditions of store_session_lookup, on s, u and t. */
#define SESSION_LIVE \
        "s.revoked_at IS NULL AND s.expires_at > ? AND s.token_version = u.token_version " \
        "AND u.status = 'active' AND (t.id IS NULL OR t.status = 'active')"

enum result store_session_live_user(struct store_conn *conn, int64_t id, int64_t now,
                                    struct store_user *ret)
{
        struct store_param p[] = { SP_INT(id), SP_INT(now) };

        return store_exec_one(conn,
                              "SELECT u.id, COALESCE(u.tenant_id, 0), u.email, u.first_name, "
                              "u.last_name, u.role, u.status, u.password_hash, "
                              "u.must_change_password, u.token_version, u.created_at, "
                              "u.updated_at, COALESCE(u.last_login_at, 0) "
                              "FROM sessions s JOIN users u ON u.id = s.user_id "
                              "LEFT JOIN tenants t ON t.id = u.tenant_id "
                              "WHERE s.id = ? AND " SESSION_LIVE,
                              p, STORE_NPARAMS(p), user_from_row, ret);
}

#define SESSIONS_PER_STATEMENT 31   /* with now: the drivers take 32 parameters */

enum result store_sessions_live(struct store_conn *conn, const int64_t *ids, size_t n,
                                int64_t now, bool *ret_live)
{
        char sql[512 + SESSIONS_PER_STATEMENT * 3];
        struct store_param p[SESSIONS_PER_STATEMENT + 1];
        enum result result = RESULT_OK;

        for (size_t i = 0; i < n; i++)
                ret_live[i] = false;
        for (size_t base = 0; base < n && !result; base += SESSIONS_PER_STATEMENT) {
                size_t k = n - base < SESSIONS_PER_STATEMENT ? n - base : SESSIONS_PER_STATEMENT;
                struct store_rows rows = { 0 };
                size_t len;

                len = (size_t)snprintf(sql, sizeof(sql),
                                       "SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id "
                                       "LEFT JOIN tenants t ON t.id = u.tenant_id WHERE "
                                       SESSION_LIVE " AND s.id IN (");
                p[0] = SP_INT(now);
                for (size_t i = 0; i < k; i++) {
                        len += (size_t)snprintf(sql + len, sizeof(sql) - len, i ? ",?" : "?");
                        p[i + 1] = SP_INT(ids[base + i]);
                }
                snprintf(sql + len, sizeof(sql) - len, ")");
                result = store_exec(conn, sql, p, k + 1, &rows, NULL);
                for (int r = 0; !result && r < rows.nrows; r++) {
                        int64_t id = store_int(store_rows_get(&rows, r, 0));
                        for (size_t i = 0; i < k; i++)
                                if (ids[base + i] == id)
                                        ret_live[base + i] = true;
                }
                store_rows_free(&rows);
        }
        return result;
}

enum result store_session_fault(struct store_conn *conn, const char *token_hash, int64_t now,
                                struct store_session_fault *ret)
{
        struct store_rows rows = { 0 };
        struct store_param p[] = { SP_INT(now), SP_TEXT(token_hash) };
        enum result result;

        result = store_exec(conn,
                            "SELECT CASE WHEN s.revoked_at IS NOT NULL "
                            "OR s.token_version <> u.token_version THEN 1 ELSE 0 END, "
                            "CASE WHEN s.expires_at <= ? THEN 1 ELSE 0 END, u.status, "
                            "COALESCE(t.status, '') "
                            "FROM sessions s JOIN users u ON u.id = s.user_id "
                            "LEFT JOIN tenants t ON t.id = u.tenant_id WHERE s.token_hash = ?",
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (result)
                return result;
        if (rows.nrows == 0) {
                store_rows_free(&rows);
                return RESULT_NOT_FOUND;
        }
        ret->revoked = store_int(store_rows_get(&rows, 0, 0)) != 0;
        ret->expired = store_int(store_rows_get(&rows, 0, 1)) != 0;
        result = store_decoded(user_status_parse(store_rows_get(&rows, 0, 2), &ret->user_status) &&
                                       tenant_status_of(store_rows_get(&rows, 0, 3),
                                                        &ret->tenant_status),
                               "users");
        store_rows_free(&rows);
        return result;
}

enum result store_session_revoke(struct store_conn *conn, int64_t id)
{
        struct store_param p[] = { SP_INT(store_now()), SP_INT(id) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn, "UPDATE sessions SET revoked_at = ? WHERE id = ? "
                            "AND revoked_at IS NULL", p, STORE_NPARAMS(p), NULL, &changes);
        if (!result && changes == 0)
                result = RESULT_NOT_FOUND;
        return result;
}
