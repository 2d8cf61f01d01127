/*
 * The PostgreSQL backend, over libpq
 * (https://www.postgresql.org/docs/15/libpq.html).
 *
 * One PGconn per connection. Statements are prepared once per connection
 * (PQprepare) and cached by SQL text; '?' placeholders of the portable SQL
 * are renumbered to $1, $2, … on the way in. Parameters travel as text and
 * PostgreSQL infers their types from the statement.
 *
 * SQLSTATE classes are translated in translate(): 23505 (unique violation)
 * is a conflict; 40001, 40P01 and 55P03 (serialization, deadlock, lock
 * timeout) mean busy; a lost connection is reset once and reported as a
 * store fault, so the next request reconnects.
 */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "util/text.h"
#include "store/postgres/migrations.h"

#define STMT_CACHE 128

struct stmt_slot {
        char *sql;
        char name[16];
};

struct store_driver_conn {
        PGconn *pg;
        unsigned next_name;
        struct stmt_slot cache[STMT_CACHE];
};

static void forget_statements(struct store_driver_conn *conn)
{
        for (int i = 0; i < STMT_CACHE; i++) {
                free(conn->cache[i].sql);
                conn->cache[i].sql = NULL;
        }
}

static enum result translate(struct store_driver_conn *conn, PGresult *res)
{
        const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn->pg);
        char line[200];

        const char *where = res ? PQresultErrorField(res, PG_DIAG_CONTEXT) : NULL;

        text_copy(line, sizeof(line), msg);
        line[strcspn(line, "\n")] = '\0';
        /* the context names the row a lock was waited for ("while
         * updating tuple (0,3) in relation \"queues\""): no value */
        if (where && state && (!strcmp(state, "40P01") || !strcmp(state, "55P03")))
                store_set_error("postgresql: %s (%.*s)", line, (int)strcspn(where, "\n"), where);
        else
                store_set_error("postgresql: %s", line);
        if (PQstatus(conn->pg) != CONNECTION_OK) {
                /* Prepared statements die with the session. */
                forget_statements(conn);
                PQreset(conn->pg);
                return RESULT_STORE;
        }
        if (!state)
                return RESULT_STORE;
        if (strcmp(state, "23505") == 0)
                return RESULT_CONFLICT;
        if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
                return RESULT_BUSY;
        return RESULT_STORE;
}

static void pg_close(struct store_driver_conn *conn)
{
        if (!conn)
                return;
        forget_statements(conn);
        PQfinish(conn->pg);
        free(conn);
}

static enum result pg_open(const char *target, int64_t busy_timeout_ms,
                           struct store_driver_conn **ret_conn)
{
        const char *keys[] = { "dbname", "connect_timeout", "application_name", NULL };
        const char *values[] = { target, "5", "agentdesk", NULL };
        struct store_driver_conn *conn = calloc(1, sizeof(*conn));
        char sql[128];
        PGresult *res;
        enum result result = RESULT_OK;

        if (!conn)
                return RESULT_NOMEM;
        conn->pg = PQconnectdbParams(keys, values, 1);
        if (!conn->pg) {
                free(conn);
                return RESULT_NOMEM;
        }
        if (PQstatus(conn->pg) != CONNECTION_OK) {
                char line[200];
                text_copy(line, sizeof(line), PQerrorMessage(conn->pg));
                line[strcspn(line, "\n")] = '\0';
                store_set_error("postgresql: %s", line);
                pg_close(conn);
                return RESULT_STORE;
        }
        /* Bound every lock wait, like SQLite's busy timeout; keep the
         * server's notices (CREATE … IF NOT EXISTS) off stderr. */
        snprintf(sql, sizeof(sql),
                 "SET lock_timeout = %" PRId64 "; SET client_min_messages = warning",
                 busy_timeout_ms);
        res = PQexec(conn->pg, sql);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
                result = translate(conn, res);
        PQclear(res);
        if (result)
                pg_close(conn);
        else
                *ret_conn = conn;
        return result;
}

/* Renumbers '?' outside quotes into $n. Caller frees. */
static char *renumber(const char *sql)
{
        size_t len = strlen(sql), n = 0;
        char *out = malloc(len * 4 + 1), *o = out;
        char quote = 0;

        if (!out)
                return NULL;
        for (const char *s = sql; *s; s++) {
                if (quote) {
                        if (*s == quote)
                                quote = 0;
                        *o++ = *s;
                } else if (*s == '\'' || *s == '"') {
                        quote = *s;
                        *o++ = *s;
                } else if (*s == '?') {
                        o += sprintf(o, "$%zu", ++n);
                } else {
                        *o++ = *s;
                }
        }
        *o = '\0';
        return out;
}

static enum result prepare(struct store_driver_conn *conn, const char *sql, size_t n_params,
                           const char **ret_name)
{
        unsigned h = store_hash_sql(sql) % STMT_CACHE;
        struct stmt_slot *slot = NULL;
        char *text;
        PGresult *res;
        enum result result = RESULT_OK;

        for (unsigned i = 0; i < STMT_CACHE; i++) {
                struct stmt_slot *s = &conn->cache[(h + i) % STMT_CACHE];
                if (!s->sql) {
                        slot = s;
                        break;
                }
                if (strcmp(s->sql, sql) == 0) {
                        *ret_name = s->name;
                        return RESULT_OK;
                }
        }
        if (!slot) {
                slot = &conn->cache[h];
                /* The server keeps the old statement until the session
                 * ends; its name is not reused. */
                free(slot->sql);
                slot->sql = NULL;
        }
        text = renumber(sql);
        if (!text)
                return RESULT_NOMEM;
        snprintf(slot->name, sizeof(slot->name), "s%u", conn->next_name++);
        res = PQprepare(conn->pg, slot->name, text, (int)n_params, NULL);
        free(text);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
                result = translate(conn, res);
        PQclear(res);
        if (result)
                return result;
        slot->sql = strdup(sql);
        if (!slot->sql)
                return RESULT_NOMEM;
        *ret_name = slot->name;
        return RESULT_OK;
}

static enum result pg_exec(struct store_driver_conn *conn, const char *sql,
                           const struct store_param *params, size_t n_params,
                           struct store_rows *ret_rows, int64_t *ret_changes)
{
        const char *values_here[32];
        char ints_here[32][24];
        const char **values = values_here;
        char (*ints)[24] = ints_here;
        struct store_rows rows = { 0 };
        const char *name;
        PGresult *res = NULL;
        enum result result;
        ExecStatusType st;

        /* A batch's statements (domain/live/) bind hundreds: those past 32
         * on the heap; renumber() writes at most "$999" for one '?'. */
        if (n_params > 999) {
                store_set_error("postgresql: too many parameters");
                return RESULT_STORE;
        }
        if (n_params > 32) {
                values = malloc(n_params * sizeof(*values));
                ints = malloc(n_params * sizeof(*ints));
                if (!values || !ints) {
                        result = RESULT_NOMEM;
                        goto out;
                }
        }
        result = prepare(conn, sql, n_params, &name);
        if (result)
                goto out;
        for (size_t i = 0; i < n_params; i++) {
                switch (params[i].type) {
                case STORE_PARAM_NULL:
                        values[i] = NULL;
                        break;
                case STORE_PARAM_INT:
                        snprintf(ints[i], sizeof(ints[i]), "%" PRId64, params[i].i);
                        values[i] = ints[i];
                        break;
                default:
                        values[i] = params[i].s;
                        break;
                }
        }
        res = PQexecPrepared(conn->pg, name, (int)n_params, values, NULL, NULL, 0);
        st = PQresultStatus(res);
        if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
                result = translate(conn, res);
                goto out;
        }
        if (ret_changes) {
                const char *t = PQcmdTuples(res);
                *ret_changes = t && *t ? strtoll(t, NULL, 10) : 0;
        }
        if (ret_rows && st == PGRES_TUPLES_OK) {
                rows.nrows = PQntuples(res);
                rows.ncols = PQnfields(res);
                if (rows.nrows * rows.ncols > 0) {
                        rows.cells = calloc((size_t)(rows.nrows * rows.ncols), sizeof(char *));
                        if (!rows.cells) {
                                rows.nrows = 0;
                                result = RESULT_NOMEM;
                                goto out;
                        }
                }
                for (int r = 0; r < rows.nrows; r++)
                        for (int c = 0; c < rows.ncols; c++) {
                                if (PQgetisnull(res, r, c))
                                        continue;
                                char *v = strdup(PQgetvalue(res, r, c));
                                if (!v) {
                                        result = RESULT_NOMEM;
                                        goto out;
                                }
                                rows.cells[r * rows.ncols + c] = v;
                        }
        }
out:
        PQclear(res);
        if (values != values_here) {
                free(values);
                free(ints);
        }
        if (result || !ret_rows)
                store_rows_free(&rows);
        else
                *ret_rows = rows;
        return result;
}

static enum result pg_exec_script(struct store_driver_conn *conn, const char *sql)
{
        PGresult *res = PQexec(conn->pg, sql);
        ExecStatusType st = PQresultStatus(res);
        enum result result = RESULT_OK;

        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
                result = translate(conn, res);
        PQclear(res);
        return result;
}

static enum result pg_begin(struct store_driver_conn *conn)
{
        return pg_exec_script(conn, "BEGIN");
}

static enum result pg_commit(struct store_driver_conn *conn)
{
        return pg_exec_script(conn, "COMMIT");
}

static void pg_rollback(struct store_driver_conn *conn)
{
        if (PQtransactionStatus(conn->pg) != PQTRANS_IDLE) {
                PGresult *res = PQexec(conn->pg, "ROLLBACK");
                PQclear(res);
        }
}

static enum result pg_listen(struct store_driver_conn *conn)
{
        return pg_exec_script(conn, "LISTEN " STORE_CHANGES_CHANNEL);
}

static enum result pg_wait_changes(struct store_driver_conn *conn, int timeout_ms, bool *ret_heard)
{
        struct pollfd p = { .fd = PQsocket(conn->pg), .events = POLLIN };
        PGnotify *n;

        *ret_heard = false;
        if (p.fd < 0 || PQstatus(conn->pg) != CONNECTION_OK)
                return RESULT_IO;
        if (poll(&p, 1, timeout_ms) < 0 && errno != EINTR)
                return RESULT_IO;
        if (!PQconsumeInput(conn->pg) || PQstatus(conn->pg) != CONNECTION_OK)
                return RESULT_IO;
        while ((n = PQnotifies(conn->pg))) {
                *ret_heard = true;
                PQfreemem(n);
        }
        return RESULT_OK;
}

const struct store_driver store_driver_postgres = {
        .name = "postgresql",
        .caps = STORE_CAP_SKIP_LOCKED | STORE_CAP_ADVISORY_LOCK,
        .open = pg_open,
        .close = pg_close,
        .exec = pg_exec,
        .exec_script = pg_exec_script,
        .begin = pg_begin,
        .commit = pg_commit,
        .rollback = pg_rollback,
        .listen = pg_listen,
        .wait_changes = pg_wait_changes,
        /* Two nodes starting at once: the second waits, then sees the
         * schema current. */
        .migration_lock_sql = "SELECT pg_advisory_xact_lock(7270001)",
        .migrations = postgres_migrations,
        .n_migrations = sizeof(postgres_migrations) / sizeof(postgres_migrations[0]),
};
