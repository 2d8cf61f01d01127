/*
 * The SQLite backend (https://sqlite.org/c3ref/intro.html).
 *
 * One sqlite3 handle per connection, opened NOMUTEX because the store gives
 * each thread its own. WAL journal so readers never block the writer,
 * foreign keys on, a busy timeout so writers queue. Write transactions use
 * BEGIN IMMEDIATE: the write lock is taken up front, so two writers never
 * both read and then fail to upgrade (the classic SQLITE_BUSY deadlock).
 *
 * Prepared statements are cached per connection, keyed by SQL text.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/driver.h"
#include "store/sqlite/backup.h"
#include "store/sqlite/migrations.h"

#define STMT_CACHE 128

struct stmt_slot {
        char *sql;
        sqlite3_stmt *stmt;
};

struct store_driver_conn {
        sqlite3 *db;
        struct stmt_slot cache[STMT_CACHE];
        int64_t data_version;            /* listen/wait_changes: last seen */
        int64_t directory_changes;       /* ... and directory_changes.n */
};

static enum result translate(sqlite3 *db, int rc)
{
        int ext = sqlite3_extended_errcode(db);

        store_set_error("sqlite: %s", sqlite3_errmsg(db));
        switch (rc & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                return RESULT_BUSY;
        case SQLITE_CONSTRAINT:
                if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
                        return RESULT_CONFLICT;
                return RESULT_STORE;
        case SQLITE_NOMEM:
                return RESULT_NOMEM;
        case SQLITE_CANTOPEN:
        case SQLITE_IOERR:
        case SQLITE_READONLY:
        case SQLITE_FULL:
                return RESULT_IO;
        default:
                return RESULT_STORE;
        }
}

static void sqlite_close(struct store_driver_conn *conn)
{
        if (!conn)
                return;
        for (int i = 0; i < STMT_CACHE; i++) {
                sqlite3_finalize(conn->cache[i].stmt);
                free(conn->cache[i].sql);
        }
        sqlite3_close(conn->db);
        free(conn);
}

/* SQLite counts every allocation under one process-wide mutex unless told
 * not to: with a connection per worker thread that mutex was the hottest
 * lock of a directory lookup. Must run before SQLite initialises. */
static pthread_once_t configured = PTHREAD_ONCE_INIT;

static void configure(void)
{
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* The database holds password hashes and emails: a new file is created
 * 0600 before SQLite opens it (SQLite would create it 0644 less the umask),
 * and SQLite gives its -wal and -shm the mode of the database file. An
 * existing file keeps the mode its owner gave it; ":memory:" and URIs are
 * left to SQLite. */
static enum result create_private(const char *target)
{
        int fd;

        if (!*target || *target == ':' || !strncmp(target, "file:", 5))
                return RESULT_OK;
        fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0)
                close(fd);
        else if (errno != EEXIST) {
                store_set_error("sqlite: cannot create %s: %s", target, strerror(errno));
                return RESULT_IO;
        }
        return RESULT_OK;
}

static enum result sqlite_open(const char *target, int64_t busy_timeout_ms,
                               struct store_driver_conn **ret_conn)
{
        struct store_driver_conn *conn = calloc(1, sizeof(*conn));
        enum result result = RESULT_OK;
        int rc;

        if (!conn)
                return RESULT_NOMEM;
        pthread_once(&configured, configure);
        result = create_private(target);
        if (result)
                goto out;
        rc = sqlite3_open_v2(target, &conn->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc != SQLITE_OK) {
                if (conn->db)
                        result = translate(conn->db, rc);
                else
                        result = RESULT_NOMEM;
                goto out;
        }
        sqlite3_busy_timeout(conn->db, (int)busy_timeout_ms);
        rc = sqlite3_exec(conn->db,
                          "PRAGMA journal_mode=WAL;"
                          "PRAGMA synchronous=NORMAL;"
                          "PRAGMA foreign_keys=ON;",
                          NULL, NULL, NULL);
        if (rc != SQLITE_OK)
                result = translate(conn->db, rc);
out:
        if (result)
                sqlite_close(conn);
        else
                *ret_conn = conn;
        return result;
}

/* The cached statement for sql, prepared on first use. */
static enum result prepare(struct store_driver_conn *conn, const char *sql, sqlite3_stmt **ret)
{
        unsigned h = store_hash_sql(sql) % STMT_CACHE;
        struct stmt_slot *slot = NULL;
        int rc;

        for (unsigned i = 0; i < STMT_CACHE; i++) {
                struct stmt_slot *s = &conn->cache[(h + i) % STMT_CACHE];
                if (!s->sql) {
                        slot = s;
                        break;
                }
                if (strcmp(s->sql, sql) == 0) {
                        *ret = s->stmt;
                        return RESULT_OK;
                }
        }
        if (!slot) {
                /* Full: evict the home slot. */
                slot = &conn->cache[h];
                sqlite3_finalize(slot->stmt);
                free(slot->sql);
                slot->sql = NULL;
                slot->stmt = NULL;
        }
        rc = sqlite3_prepare_v2(conn->db, sql, -1, &slot->stmt, NULL);
        if (rc != SQLITE_OK)
                return translate(conn->db, rc);
        slot->sql = strdup(sql);
        if (!slot->sql) {
                sqlite3_finalize(slot->stmt);
                slot->stmt = NULL;
                return RESULT_NOMEM;
        }
        *ret = slot->stmt;
        return RESULT_OK;
}

static enum result sqlite_exec(struct store_driver_conn *conn, const char *sql,
                               const struct store_param *params, size_t n_params,
                               struct store_rows *ret_rows, int64_t *ret_changes)
{
        struct store_rows rows = { 0 };
        sqlite3_stmt *stmt = NULL;
        enum result result;
        size_t cap = 0;
        int rc;

        result = prepare(conn, sql, &stmt);
        if (result)
                return result;
        for (size_t i = 0; i < n_params; i++) {
                int idx = (int)i + 1;
                switch (params[i].type) {
                case STORE_PARAM_NULL:
                        rc = sqlite3_bind_null(stmt, idx);
                        break;
                case STORE_PARAM_INT:
                        rc = sqlite3_bind_int64(stmt, idx, params[i].i);
                        break;
                default:
                        rc = sqlite3_bind_text(stmt, idx, params[i].s, -1, SQLITE_STATIC);
                        break;
                }
                if (rc != SQLITE_OK) {
                        result = translate(conn->db, rc);
                        goto out;
                }
        }
        rows.ncols = sqlite3_column_count(stmt);
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                if (!ret_rows)
                        continue;
                if ((size_t)(rows.nrows + 1) * (size_t)rows.ncols > cap) {
                        size_t ncap = cap ? cap * 2 : (size_t)rows.ncols * 4;
                        char **cells = realloc(rows.cells, ncap * sizeof(char *));
                        if (!cells) {
                                result = RESULT_NOMEM;
                                goto out;
                        }
                        rows.cells = cells;
                        cap = ncap;
                }
                for (int c = 0; c < rows.ncols; c++) {
                        const unsigned char *text = sqlite3_column_text(stmt, c);
                        char **cell = &rows.cells[rows.nrows * rows.ncols + c];
                        *cell = text ? strdup((const char *)text) : NULL;
                        if (text && !*cell) {
                                /* Keep the table consistent for freeing. */
                                for (int k = c + 1; k < rows.ncols; k++)
                                        rows.cells[rows.nrows * rows.ncols + k] = NULL;
                                rows.nrows++;
                                result = RESULT_NOMEM;
                                goto out;
                        }
                }
                rows.nrows++;
        }
        if (rc != SQLITE_DONE) {
                result = translate(conn->db, rc);
                goto out;
        }
        if (ret_changes)
                *ret_changes = sqlite3_changes64(conn->db);
out:
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        if (result || !ret_rows)
                store_rows_free(&rows);
        else
                *ret_rows = rows;
        return result;
}

static enum result sqlite_exec_script(struct store_driver_conn *conn, const char *sql)
{
        int rc = sqlite3_exec(conn->db, sql, NULL, NULL, NULL);

        return rc == SQLITE_OK ? RESULT_OK : translate(conn->db, rc);
}

static enum result sqlite_begin(struct store_driver_conn *conn)
{
        return sqlite_exec_script(conn, "BEGIN IMMEDIATE");
}

static enum result sqlite_commit(struct store_driver_conn *conn)
{
        enum result result = sqlite_exec_script(conn, "COMMIT");

        if (result && sqlite3_get_autocommit(conn->db) == 0)
                sqlite3_exec(conn->db, "ROLLBACK", NULL, NULL, NULL);
        return result;
}

static void sqlite_rollback(struct store_driver_conn *conn)
{
        if (sqlite3_get_autocommit(conn->db) == 0)
                sqlite3_exec(conn->db, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * Changes the directory reads, made by other connections, this process's
 * or another's (a command line run beside the server): PRAGMA data_version
 * moves on this connection whenever another one commits (it reads the WAL
 * index, no disk), then the count that migration 8's triggers keep in
 * directory_changes says whether that commit changed what the directory
 * reads (a session, a job outcome or a registration does not). Polled
 * every CHANGES_POLL_MS while waiting.
 */
#define CHANGES_POLL_MS 50

static enum result read_int(struct store_driver_conn *conn, const char *sql, int64_t *ret)
{
        sqlite3_stmt *stmt;
        enum result result = prepare(conn, sql, &stmt);
        int rc;

        if (result)
                return result;
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW)
                *ret = sqlite3_column_int64(stmt, 0);
        else
                result = rc == SQLITE_DONE ? RESULT_STORE : translate(conn->db, rc);
        sqlite3_reset(stmt);
        return result;
}

static enum result data_version(struct store_driver_conn *conn, int64_t *ret)
{
        return read_int(conn, "PRAGMA data_version", ret);
}

static enum result directory_changes(struct store_driver_conn *conn, int64_t *ret)
{
        return read_int(conn, "SELECT n FROM directory_changes WHERE id = 1", ret);
}

static enum result sqlite_listen(struct store_driver_conn *conn)
{
        enum result result = data_version(conn, &conn->data_version);

        return result ? result : directory_changes(conn, &conn->directory_changes);
}

static enum result sqlite_wait_changes(struct store_driver_conn *conn, int timeout_ms,
                                       bool *ret_heard)
{
        enum result result = RESULT_OK;
        int64_t version = conn->data_version, changes = conn->directory_changes;

        *ret_heard = false;
        for (int waited = 0; !result && !*ret_heard && waited < timeout_ms;
             waited += CHANGES_POLL_MS) {
                nanosleep(&(struct timespec){ .tv_nsec = CHANGES_POLL_MS * 1000000L }, NULL);
                result = data_version(conn, &version);
                if (result || version == conn->data_version)
                        continue;
                conn->data_version = version;
                result = directory_changes(conn, &changes);
                *ret_heard = !result && changes != conn->directory_changes;
                if (!result)
                        conn->directory_changes = changes;
        }
        return result;
}

static enum result sqlite_backup(struct store_driver_conn *conn, const char *path)
{
        return sqlite_backup_to(conn->db, path);
}

const struct store_driver store_driver_sqlite = {
        .name = "sqlite",
        .caps = 0,
        .open = sqlite_open,
        .close = sqlite_close,
        .exec = sqlite_exec,
        .exec_script = sqlite_exec_script,
        .begin = sqlite_begin,
        .commit = sqlite_commit,
        .rollback = sqlite_rollback,
        .listen = sqlite_listen,
        .wait_changes = sqlite_wait_changes,
        .migration_lock_sql = NULL,
        .migrations = sqlite_migrations,
        .n_migrations = sizeof(sqlite_migrations) / sizeof(sqlite_migrations[0]),
        .backup = sqlite_backup,
        .hold = sqlite_hold,
        .restore = sqlite_restore,
};
