/*
 * Link tokens and the mail outbox (SQLite migration 2, PostgreSQL 3). A
 * message row is written in the transaction of the change that causes
 * it; domain/mail/sender.c takes the due ones (locked FOR UPDATE SKIP
 * LOCKED on PostgreSQL, so two nodes never take the same) and records
 * each outcome.
 */
#include <stdio.h>
#include <string.h>

#include "store/driver.h"
#include "store/store.h"
#include "util/text.h"

static enum result id_row(const struct store_rows *rows, int r, void *out)
{
        *(int64_t *)out = store_int(store_rows_get(rows, r, 0));
        return RESULT_OK;
}

enum result store_link_insert(struct store_conn *conn, int64_t user_id, enum link_purpose purpose,
                              const char *token_hash, int64_t expires_at, int64_t *ret_id)
{
        struct store_param p[] = { SP_INT(user_id), SP_TEXT(link_purpose_name(purpose)), SP_TEXT(token_hash),
                                   SP_INT(expires_at), SP_INT(store_now()) };

        return store_exec_one(conn,
                              "INSERT INTO link_tokens (user_id, purpose, token_hash, expires_at, "
                              "created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                              p, STORE_NPARAMS(p), id_row, ret_id);
}

/* Rows a statement of the *_many inserts below. */
#define LINKS_PER_INSERT 100

enum result store_link_revoke_users(struct store_conn *conn, const int64_t *user_ids, size_t n,
                                    int64_t now)
{
        enum result result = RESULT_OK;

        for (size_t i = 0; i < n && !result; i += LINKS_PER_INSERT) {
                size_t k = n - i < LINKS_PER_INSERT ? n - i : LINKS_PER_INSERT, len;
                struct store_param p[1 + LINKS_PER_INSERT];
                char sql[256 + LINKS_PER_INSERT * 4];

                len = (size_t)snprintf(sql, sizeof(sql),
                                       "UPDATE link_tokens SET revoked_at = ? WHERE used_at IS NULL "
                                       "AND revoked_at IS NULL AND user_id IN (");
                p[0] = SP_INT(now);
                for (size_t j = 0; j < k; j++) {
                        p[1 + j] = SP_INT(user_ids[i + j]);
                        len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s?", j ? ", " : "");
                }
                snprintf(sql + len, sizeof(sql) - len, ")");
                result = store_exec(conn, sql, p, 1 + k, NULL, NULL);
        }
        return result;
}

enum result store_link_insert_many(struct store_conn *conn, struct store_link_new *links, size_t n)
{
        int64_t now = store_now();
        enum result result = RESULT_OK;

        for (size_t i = 0; i < n && !result; i += LINKS_PER_INSERT) {
                size_t k = n - i < LINKS_PER_INSERT ? n - i : LINKS_PER_INSERT, len, found = 0;
                struct store_param p[5 * LINKS_PER_INSERT];
                char sql[160 + LINKS_PER_INSERT * 20];
                struct store_rows rows = { 0 };

                len = (size_t)snprintf(sql, sizeof(sql),
                                       "INSERT INTO link_tokens (user_id, purpose, token_hash, "
                                       "expires_at, created_at) VALUES ");
                for (size_t j = 0; j < k; j++) {
                        const struct store_link_new *l = &links[i + j];
                        p[5 * j] = SP_INT(l->user_id);
                        p[5 * j + 1] = SP_TEXT(link_purpose_name(l->purpose));
                        p[5 * j + 2] = SP_TEXT(l->token_hash);
                        p[5 * j + 3] = SP_INT(l->expires_at);
                        p[5 * j + 4] = SP_INT(now);
                        len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s(?, ?, ?, ?, ?)",
                                                j ? ", " : "");
                }
                snprintf(sql + len, sizeof(sql) - len, " RETURNING id, token_hash");
                result = store_exec(conn, sql, p, 5 * k, &rows, NULL);
                /* Each id back to its row by token_hash (UNIQUE), not by
                 * the order RETURNING lists the rows in. */
                for (int r = 0; !result && r < rows.nrows; r++) {
                        const char *hash = store_rows_get(&rows, r, 1);
                        for (size_t j = 0; j < k; j++)
                                if (hash && !strcmp(hash, links[i + j].token_hash)) {
                                        links[i + j].id = store_int(store_rows_get(&rows, r, 0));
                                        found++;
                                        break;
                                }
                }
                store_rows_free(&rows);
                if (!result && found != k)
                        result = RESULT_STORE;
        }
        return result;
}

static enum result link_row(const struct store_rows *rows, int r, void *out)
{
        struct store_link *l = out;

        l->id = store_int(store_rows_get(rows, r, 0));
        l->user_id = store_int(store_rows_get(rows, r, 1));
        text_copy(l->token_hash, sizeof(l->token_hash), store_rows_get(rows, r, 3));
        l->expires_at = store_int(store_rows_get(rows, r, 4));
        l->used_at = store_int(store_rows_get(rows, r, 5));
        l->revoked_at = store_int(store_rows_get(rows, r, 6));
        l->created_at = store_int(store_rows_get(rows, r, 7));
        return store_decoded(link_purpose_parse(store_rows_get(rows, r, 2), &l->purpose),
                             "link_tokens");
}

enum result store_link_lookup(struct store_conn *conn, const char *token_hash,
                              struct store_link *ret)
{
        struct store_param p[] = { SP_TEXT(token_hash) };

        return store_exec_one(conn,
                              "SELECT id, user_id, purpose, token_hash, expires_at, "
                              "COALESCE(used_at, 0), COALESCE(revoked_at, 0), created_at "
                              "FROM link_tokens WHERE token_hash = ?",
                              p, STORE_NPARAMS(p), link_row, ret);
}

enum result store_link_use(struct store_conn *conn, int64_t id, int64_t now)
{
        struct store_param p[] = { SP_INT(now), SP_INT(id) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn,
                            "UPDATE link_tokens SET used_at = ? "
                            "WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL",
                            p, STORE_NPARAMS(p), NULL, &changes);
        return !result && changes != 1 ? RESULT_CONFLICT : result;
}

enum result store_link_revoke_user(struct store_conn *conn, int64_t user_id, int64_t now)
{
        struct store_param p[] = { SP_INT(now), SP_INT(user_id) };

        return store_exec(conn,
                          "UPDATE link_tokens SET revoked_at = ? "
                          "WHERE user_id = ? AND used_at IS NULL AND revoked_at IS NULL",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

enum result store_mail_insert(struct store_conn *conn, const struct store_mail *m,
                              enum mail_outbox_status status, int64_t *ret_id)
{
        int64_t now = store_now();
        struct store_param p[] = {
                m->tenant_id ? SP_INT(m->tenant_id) : SP_NULL,
                m->user_id ? SP_INT(m->user_id) : SP_NULL,
                SP_TEXT(m->template),
                SP_TEXT(m->recipient),
                m->link_id ? SP_INT(m->link_id) : SP_NULL,
                SP_TEXT(m->secret),
                SP_TEXT(mail_outbox_status_name(status)),
                SP_INT(now),
                SP_INT(now),
        };
        int64_t id = 0;
        enum result result;

        result = store_exec_one(conn,
                                "INSERT INTO mail_outbox (tenant_id, user_id, template, recipient, "
                                "link_id, secret, status, created_at, updated_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                p, STORE_NPARAMS(p), id_row, &id);
        if (!result && ret_id)
                *ret_id = id;
        return result;
}

enum result store_mail_insert_many(struct store_conn *conn, const struct store_mail *m, size_t n,
                                   enum mail_outbox_status status)
{
        int64_t now = store_now();
        enum result result = RESULT_OK;

        for (size_t i = 0; i < n && !result; i += LINKS_PER_INSERT) {
                size_t k = n - i < LINKS_PER_INSERT ? n - i : LINKS_PER_INSERT, len;
                struct store_param p[9 * LINKS_PER_INSERT];
                char sql[200 + LINKS_PER_INSERT * 32];

                len = (size_t)snprintf(sql, sizeof(sql),
                                       "INSERT INTO mail_outbox (tenant_id, user_id, template, "
                                       "recipient, link_id, secret, status, created_at, updated_at) "
                                       "VALUES ");
                for (size_t j = 0; j < k; j++) {
                        const struct store_mail *x = &m[i + j];
                        p[9 * j] = x->tenant_id ? SP_INT(x->tenant_id) : SP_NULL;
                        p[9 * j + 1] = x->user_id ? SP_INT(x->user_id) : SP_NULL;
                        p[9 * j + 2] = SP_TEXT(x->template);
                        p[9 * j + 3] = SP_TEXT(x->recipient);
                        p[9 * j + 4] = x->link_id ? SP_INT(x->link_id) : SP_NULL;
                        p[9 * j + 5] = SP_TEXT(x->secret);
                        p[9 * j + 6] = SP_TEXT(mail_outbox_status_name(status));
                        p[9 * j + 7] = SP_INT(now);
                        p[9 * j + 8] = SP_INT(now);
                        len += (size_t)snprintf(sql + len, sizeof(sql) - len,
                                                "%s(?, ?, ?, ?, ?, ?, ?, ?, ?)", j ? ", " : "");
                }
                result = store_exec(conn, sql, p, 9 * k, NULL, NULL);
        }
        return result;
}

#define MAIL_COLS                                                                              \
        "o.id, COALESCE(o.tenant_id, 0), COALESCE(o.user_id, 0), COALESCE(o.link_id, 0), "      \
        "o.template, o.recipient, o.secret, o.attempts, COALESCE(l.expires_at, 0), "            \
        "COALESCE(u.first_name, ''), COALESCE(t.name, ''), "                                   \
        "CASE WHEN l.used_at IS NOT NULL OR l.revoked_at IS NOT NULL THEN 1 ELSE 0 END "
#define MAIL_FROM                                                                              \
        "FROM mail_outbox o LEFT JOIN link_tokens l ON l.id = o.link_id "                       \
        "LEFT JOIN users u ON u.id = o.user_id LEFT JOIN tenants t ON t.id = o.tenant_id "

static enum result mail_row(const struct store_rows *rows, int r, void *out)
{
        struct store_mail *m = out;

        m->id = store_int(store_rows_get(rows, r, 0));
        m->tenant_id = store_int(store_rows_get(rows, r, 1));
        m->user_id = store_int(store_rows_get(rows, r, 2));
        m->link_id = store_int(store_rows_get(rows, r, 3));
        text_copy(m->template, sizeof(m->template), store_rows_get(rows, r, 4));
        text_copy(m->recipient, sizeof(m->recipient), store_rows_get(rows, r, 5));
        text_copy(m->secret, sizeof(m->secret), store_rows_get(rows, r, 6));
        m->attempts = store_int(store_rows_get(rows, r, 7));
        m->link_expires_at = store_int(store_rows_get(rows, r, 8));
        text_copy(m->first_name, sizeof(m->first_name), store_rows_get(rows, r, 9));
        text_copy(m->tenant_name, sizeof(m->tenant_name), store_rows_get(rows, r, 10));
        m->link_dead = store_int(store_rows_get(rows, r, 11)) != 0;
        return RESULT_OK;
}

enum result store_mail_due(struct store_conn *conn, int64_t now, bool lock, struct store_mail *ret,
                           int max, int *ret_n)
{
        struct store_param p[] = { SP_INT(now), SP_INT(max) };
        struct store_rows rows = { 0 };
        enum result result;
        bool skip_locked = lock && (conn->driver->caps & STORE_CAP_SKIP_LOCKED);

        *ret_n = 0;
        /* The lock is taken on the outbox rows only (FOR UPDATE OF o):
         * users and tenants stay free for the API. Unresolved requests
         * (no user yet) wait for store_mail_resolve. */
        result = store_exec(conn,
                            skip_locked
                                    ? "SELECT " MAIL_COLS MAIL_FROM
                                      "WHERE o.status = 'queued' AND o.next_attempt_at <= ? "
                                      "AND o.user_id IS NOT NULL "
                                      "ORDER BY o.id LIMIT ? FOR UPDATE OF o SKIP LOCKED"
                                    : "SELECT " MAIL_COLS MAIL_FROM
                                      "WHERE o.status = 'queued' AND o.next_attempt_at <= ? "
                                      "AND o.user_id IS NOT NULL ORDER BY o.id LIMIT ?",
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (result)
                return result;
        for (int r = 0; r < rows.nrows && r < max; r++)
                mail_row(&rows, r, &ret[r]);
        *ret_n = rows.nrows < max ? rows.nrows : max;
        /* The cells held sealed secrets. */
        for (int i = 0; i < rows.nrows * rows.ncols; i++)
                if (rows.cells[i])
                        memset(rows.cells[i], 0, strlen(rows.cells[i]));
        store_rows_free(&rows);
        return RESULT_OK;
}

enum result store_mail_unresolved(struct store_conn *conn, int64_t *ret, int max, int *ret_n)
{
        struct store_param p[] = { SP_INT(max) };
        struct store_rows rows = { 0 };
        enum result result;

        *ret_n = 0;
        result = store_exec(conn,
                            "SELECT id FROM mail_outbox WHERE status = 'queued' "
                            "AND user_id IS NULL ORDER BY id LIMIT ?",
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (result)
                return result;
        for (int r = 0; r < rows.nrows && r < max; r++)
                ret[r] = store_int(store_rows_get(&rows, r, 0));
        *ret_n = rows.nrows < max ? rows.nrows : max;
        store_rows_free(&rows);
        return RESULT_OK;
}

enum result store_mail_get(struct store_conn *conn, int64_t id, struct store_mail *ret)
{
        struct store_param p[] = { SP_INT(id) };

        return store_exec_one(conn, "SELECT " MAIL_COLS MAIL_FROM "WHERE o.id = ?", p,
                              STORE_NPARAMS(p), mail_row, ret);
}

enum result store_mail_resolve(struct store_conn *conn, int64_t id, int64_t tenant_id,
                               int64_t user_id, int64_t link_id, const char *secret)
{
        struct store_param p[] = { tenant_id ? SP_INT(tenant_id) : SP_NULL, SP_INT(user_id),
                                   SP_INT(link_id), SP_TEXT(secret), SP_INT(store_now()),
                                   SP_INT(id) };
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn,
                            "UPDATE mail_outbox SET tenant_id = ?, user_id = ?, link_id = ?, "
                            "secret = ?, updated_at = ? "
                            "WHERE id = ? AND user_id IS NULL AND status = 'queued'",
                            p, STORE_NPARAMS(p), NULL, &changes);
        return !result && changes != 1 ? RESULT_CONFLICT : result;
}

enum result store_mail_drop(struct store_conn *conn, int64_t id, const char *reason)
{
        struct store_param p[] = { SP_TEXT(mail_outbox_status_name(MAIL_OUTBOX_STATUS_DROPPED)),
                                   SP_TEXT(reason), SP_INT(store_now()),
                                   SP_INT(id) };

        return store_exec(conn,
                          "UPDATE mail_outbox SET status = ?, secret = '', last_reply = ?, "
                          "updated_at = ? WHERE id = ? AND status = 'queued'",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

enum result store_mail_sent(struct store_conn *conn, int64_t id, const char *reply, int64_t now)
{
        struct store_param p[] = { SP_TEXT(mail_outbox_status_name(MAIL_OUTBOX_STATUS_SENT)),
                                   SP_TEXT(reply), SP_INT(now), SP_INT(now),
                                   SP_INT(id) };

        return store_exec(conn,
                          "UPDATE mail_outbox SET status = ?, secret = '', "
                          "attempts = attempts + 1, last_reply = ?, sent_at = ?, updated_at = ? "
                          "WHERE id = ?",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

enum result store_mail_retry(struct store_conn *conn, int64_t id, enum mail_outbox_status status,
                             bool erase_secret, const char *reply, int64_t next_attempt_at)
{
        struct store_param p[] = { SP_TEXT(mail_outbox_status_name(status)), SP_INT(erase_secret),
                                   SP_TEXT(reply), SP_INT(next_attempt_at), SP_INT(store_now()),
                                   SP_INT(id) };

        return store_exec(conn,
                          "UPDATE mail_outbox SET status = ?, "
                          "secret = CASE WHEN ? = 1 THEN '' ELSE secret END, "
                          "attempts = attempts + 1, last_reply = ?, next_attempt_at = ?, "
                          "updated_at = ? WHERE id = ?",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

static enum result invitation_row(const struct store_rows *rows, int r, void *out)
{
        struct store_invitation *i = out;
        const char *mail_status = store_rows_get(rows, r, 0);

        /* The link's message, if it has one: "" (none) otherwise. */
        i->has_mail = *mail_status != '\0';
        i->mail_status = MAIL_OUTBOX_STATUS_QUEUED;
        i->sent_at = store_int(store_rows_get(rows, r, 1));
        text_copy(i->last_reply, sizeof(i->last_reply), store_rows_get(rows, r, 2));
        i->expires_at = store_int(store_rows_get(rows, r, 3));
        i->used_at = store_int(store_rows_get(rows, r, 4));
        i->revoked_at = store_int(store_rows_get(rows, r, 5));
        i->created_at = store_int(store_rows_get(rows, r, 6));
        return store_decoded(!i->has_mail || mail_outbox_status_parse(mail_status, &i->mail_status),
                             "mail_outbox");
}

enum result store_invitation_last(struct store_conn *conn, int64_t user_id,
                                  struct store_invitation *ret)
{
        struct store_param p[] = { SP_INT(user_id) };

        return store_exec_one(conn,
                              "SELECT COALESCE(o.status, ''), COALESCE(o.sent_at, 0), "
                              "COALESCE(o.last_reply, ''), l.expires_at, COALESCE(l.used_at, 0), "
                              "COALESCE(l.revoked_at, 0), l.created_at FROM link_tokens l "
                              "LEFT JOIN mail_outbox o ON o.link_id = l.id "
                              "WHERE l.user_id = ? AND l.purpose = 'invitation' "
                              "ORDER BY l.id DESC LIMIT 1",
                              p, STORE_NPARAMS(p), invitation_row, ret);
}

enum result store_mail_stats(struct store_conn *conn,
                             void (*fn)(void *userdata, const char *template,
                                        enum mail_outbox_status status, int64_t count,
                                        int64_t oldest),
                             void *userdata)
{
        enum mail_outbox_status status;
        struct store_rows rows = { 0 };
        enum result result;

        result = store_exec(conn,
                            "SELECT template, status, COUNT(*), MIN(created_at) FROM mail_outbox "
                            "GROUP BY template, status ORDER BY template, status",
                            NULL, 0, &rows, NULL);
        if (result)
                return result;
        for (int r = 0; !result && r < rows.nrows; r++) {
                result = store_decoded(mail_outbox_status_parse(store_rows_get(&rows, r, 1),
                                                                &status),
                                       "mail_outbox");
                if (!result)
                        fn(userdata, store_rows_get(&rows, r, 0), status,
                           store_int(store_rows_get(&rows, r, 2)),
                           store_int(store_rows_get(&rows, r, 3)));
        }
        store_rows_free(&rows);
        return result;
}
