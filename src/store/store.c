/*
 * The store's core: choosing the backend from the URL, one connection per
 * thread, migrations, and the small helpers the query files share.
 *
 * Each thread's connection is found through a pthread key of the store, so
 * the hot path (an HTTP worker asking for its connection) takes no lock.
 * Opening and closing connections does take the store's mutex, to keep the
 * list that store_close() walks.
 */
#include "store/store.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "store/driver.h"
#include "util/text.h"

struct store {
        const struct store_driver *driver;
        char *target;              /* what driver->open() takes */
        char *sqlite_dir;          /* NULL for PostgreSQL */
        int hold_fd;               /* driver->hold's mark of use, -1: none */
        int64_t busy_timeout_ms;
        pthread_key_t key;
        pthread_mutex_t lock;
        struct store_conn *conns;  /* every open connection */
        atomic_uint_fast64_t writes; /* bumped after each write and commit */
        /* PostgreSQL: the thread that hears other processes' changes. */
        pthread_t watcher;
        bool watcher_started;
        atomic_bool watcher_stop;
        atomic_bool watching;      /* subscribed: writes hears every change */
};

int64_t store_int(const char *s)
{
        return s ? strtoll(s, NULL, 10) : 0;
}

static _Thread_local char last_error[256];

const char *store_last_error(void)
{
        return last_error;
}

void store_set_error(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(last_error, sizeof(last_error), fmt, ap);
        va_end(ap);
}

int64_t store_now(void)
{
        return (int64_t)time(NULL);
}

void store_rows_free(struct store_rows *rows)
{
        if (!rows || !rows->cells)
                return;
        for (int i = 0; i < rows->nrows * rows->ncols; i++)
                free(rows->cells[i]);
        free(rows->cells);
        rows->cells = NULL;
        rows->nrows = rows->ncols = 0;
}

const char *store_rows_get(const struct store_rows *rows, int row, int col)
{
        if (row < 0 || row >= rows->nrows || col < 0 || col >= rows->ncols)
                return NULL;
        return rows->cells[row * rows->ncols + col];
}

/*
 * What the directory reads (domain/provisioning/directory.c, and the CSP's
 * WebSocket URLs): a write elsewhere leaves store_writes() alone, so that
 * sessions, job outcomes, mail, live events and registrations never empty
 * its cache. Any insert or delete of these tables counts; an update counts
 * when it sets one of the columns listed (NULL: any column), so that the
 * bookkeeping kept on these rows (provisioning state and attempts, logins,
 * registrations, password hashes) does not. The triggers of PostgreSQL's
 * migrations 2, 9 and 12 and SQLite's 8 and 11 follow the same lists, for the changes
 * other processes make; a column the directory comes to read is added
 * here and to new triggers in a migration.
 */
static const char *const users_read[] = { "tenant_id", "first_name", "last_name", "status",
                                          NULL };
static const char *const extensions_read[] = { "tenant_id", "user_id", "extension",
                                               "sip_secret", "vm_pin", "status",
                                               "voicemail_enabled", "ring_s", NULL };
static const struct {
        const char *table;
        const char *const *columns;
} directory_tables[] = {
        { "tenants", NULL },
        { "users", users_read },
        { "agent_extensions", extensions_read },
        { "freeswitch_clusters", NULL },
        /* the dialplan's queue numbers and tracked members, the public
         * context's numbers, mod_callcenter's queue configuration */
        { "queues", NULL },
        { "queue_members", NULL },
        { "inbound_numbers", NULL },
};

/* The SQL word at *p (letters, digits, _; or a "quoted" name) into word,
 * lower case; *p moves past it and the blanks after. False when there is
 * none or it does not fit. */
static bool sql_word(const char **p, char *word, size_t size)
{
        const char *s = *p;
        size_t n = 0;
        bool quoted = *s == '"';

        s += quoted;
        while (*s && (quoted ? *s != '"' : (isalnum((unsigned char)*s) || *s == '_'))) {
                if (n + 1 >= size)
                        return false;
                word[n++] = (char)tolower((unsigned char)*s++);
        }
        if (!n || (quoted && *s++ != '"'))
                return false;
        word[n] = '\0';
        while (isspace((unsigned char)*s))
                s++;
        *p = s;
        return true;
}

/* Moves *p past one value of a SET list: to the ',' that ends it (true) or
 * to the WHERE, FROM or RETURNING or the end that ends the list (false). */
static bool sql_skip_value(const char **p)
{
        const char *s = *p;
        int depth = 0;
        char word[16];

        while (*s) {
                if (*s == '\'' || *s == '"') {
                        char q = *s++;
                        while (*s && !(*s == q && s[1] != q))
                                s += *s == q ? 2 : 1;
                        s += *s != '\0';
                } else if (*s == '(') {
                        depth++, s++;
                } else if (*s == ')') {
                        depth--, s++;
                } else if (*s == ',' && depth == 0) {
                        *p = s + 1;
                        while (isspace((unsigned char)**p))
                                (*p)++;
                        return true;
                } else if (isalpha((unsigned char)*s) || *s == '_') {
                        const char *w = s;
                        if (!sql_word(&w, word, sizeof(word))) {
                                while (isalnum((unsigned char)*s) || *s == '_')
                                        s++;
                                continue;
                        }
                        if (depth == 0 && (!strcmp(word, "where") || !strcmp(word, "from") ||
                                           !strcmp(word, "returning")))
                                break;
                        s = w;
                } else {
                        s++;
                }
        }
        *p = s;
        return false;
}

/* Whether statement sql may change what the directory reads; what it
 * cannot tell apart counts. */
static bool writes_directory(const char *sql)
{
        const char *p = sql;
        const char *const *columns = NULL;
        char word[64];
        bool update;
        size_t t;

        while (isspace((unsigned char)*p))
                p++;
        if (!sql_word(&p, word, sizeof(word)))
                return true;
        if (!strcmp(word, "select"))
                return false;
        update = !strcmp(word, "update");
        if (!update && strcmp(word, "insert") && strcmp(word, "delete"))
                return true;
        if (!sql_word(&p, word, sizeof(word)))
                return true;
        if (!strcmp(word, "or") && !(sql_word(&p, word, sizeof(word)) &&   /* OR IGNORE */
                                     sql_word(&p, word, sizeof(word))))
                return true;
        if ((!strcmp(word, "into") || !strcmp(word, "from")) && !update &&
            !sql_word(&p, word, sizeof(word)))
                return true;
        if (*p == '.')
                return true;                    /* a schema's table: not ours to tell */
        for (t = 0; t < sizeof(directory_tables) / sizeof(directory_tables[0]); t++)
                if (!strcmp(word, directory_tables[t].table))
                        break;
        if (t == sizeof(directory_tables) / sizeof(directory_tables[0]))
                return false;
        columns = directory_tables[t].columns;
        if (!update || !columns)
                return true;
        if (!sql_word(&p, word, sizeof(word)) || strcmp(word, "set"))
                return true;
        do {
                if (!sql_word(&p, word, sizeof(word)) || *p != '=')
                        return true;            /* SET (a, b) = …, or not understood */
                for (const char *const *c = columns; *c; c++)
                        if (!strcmp(word, *c))
                                return true;
                p++;
        } while (sql_skip_value(&p));
        return false;
}

enum result store_exec(struct store_conn *conn, const char *sql, const struct store_param *params,
                       size_t n_params, struct store_rows *ret_rows, int64_t *ret_changes)
{
        enum result result = conn->driver->exec(conn->impl, sql, params, n_params, ret_rows,
                                                ret_changes);

        /* After the statement: a reader that read before it sees the old
         * count (see store_writes); in a transaction, once more at its end. */
        if (writes_directory(sql)) {
                atomic_fetch_add(&conn->store->writes, 1);
                conn->directory_written = conn->in_transaction;
        }
        return result;
}

uint64_t store_writes(const struct store *store)
{
        return atomic_load(&store->writes);
}

bool store_writes_complete(const struct store *store)
{
        return store->sqlite_dir != NULL || atomic_load(&store->watching);
}

bool store_writes_shared(const struct store *store)
{
        return atomic_load(&store->watching);
}

/* Listens on its own connection; every change it hears, and every time it
 * (re)subscribes or loses the connection, moves the count. */
static void *watch(void *arg)
{
        struct store *store = arg;
        const struct store_driver *d = store->driver;
        struct store_driver_conn *conn = NULL;

        while (!atomic_load(&store->watcher_stop)) {
                bool heard = false;
                if (!conn) {
                        if (d->open(store->target, store->busy_timeout_ms, &conn) == RESULT_OK &&
                            d->listen(conn) == RESULT_OK) {
                                atomic_fetch_add(&store->writes, 1);
                                atomic_store(&store->watching, true);
                                continue;
                        }
                        if (conn)
                                d->close(conn);
                        conn = NULL;
                        nanosleep(&(struct timespec){ .tv_nsec = 200 * 1000000L }, NULL);
                        continue;
                }
                if (d->wait_changes(conn, 200, &heard) != RESULT_OK) {
                        atomic_store(&store->watching, false);
                        atomic_fetch_add(&store->writes, 1);
                        d->close(conn);
                        conn = NULL;
                } else if (heard) {
                        atomic_fetch_add(&store->writes, 1);
                }
        }
        atomic_store(&store->watching, false);
        if (conn)
                d->close(conn);
        return NULL;
}

enum result store_watch_start(struct store *store)
{
        if (!store->driver->listen || store->watcher_started)
                return RESULT_OK;
        atomic_store(&store->watcher_stop, false);
        if (pthread_create(&store->watcher, NULL, watch, store) != 0)
                return RESULT_NOMEM;
        store->watcher_started = true;
        return RESULT_OK;
}

void store_watch_stop(struct store *store)
{
        if (!store || !store->watcher_started)
                return;
        atomic_store(&store->watcher_stop, true);
        pthread_join(store->watcher, NULL);
        store->watcher_started = false;
}

enum result store_exec_one(struct store_conn *conn, const char *sql,
                           const struct store_param *params, size_t n_params, store_row_fn fn,
                           void *out)
{
        struct store_rows rows = { 0 };
        enum result result = store_exec(conn, sql, params, n_params, &rows, NULL);

        if (result)
                return result;
        if (rows.nrows == 0)
                result = RESULT_NOT_FOUND;
        else
                result = fn(&rows, 0, out);
        store_rows_free(&rows);
        return result;
}

enum result store_exec_page(struct store_conn *conn, const char *cols, const char *from_where,
                            const char *order, const struct store_param *params, size_t n_params,
                            struct store_page *page, size_t elem_size, store_row_fn fn,
                            void **ret_items, size_t *ret_n)
{
        struct store_param all[32];
        struct store_rows rows = { 0 };
        char sql[4096];
        enum result result;

        if (n_params + 2 > sizeof(all) / sizeof(all[0]))
                return RESULT_STORE;
        snprintf(sql, sizeof(sql), "SELECT COUNT(*)%s", from_where);
        result = store_exec(conn, sql, params, n_params, &rows, NULL);
        if (result)
                return result;
        page->total = store_int(store_rows_get(&rows, 0, 0));
        store_rows_free(&rows);

        if (n_params)
                memcpy(all, params, n_params * sizeof(*params));
        all[n_params] = SP_INT(page->limit);
        all[n_params + 1] = SP_INT(page->offset);
        snprintf(sql, sizeof(sql), "SELECT %s%s%s LIMIT ? OFFSET ?", cols, from_where, order);
        return store_exec_all(conn, sql, all, n_params + 2, elem_size, fn, ret_items, ret_n);
}

enum result store_exec_all(struct store_conn *conn, const char *sql,
                           const struct store_param *params, size_t n_params, size_t elem_size,
                           store_row_fn fn, void **ret_items, size_t *ret_n)
{
        struct store_rows rows = { 0 };
        char *items;
        enum result result;

        result = store_exec(conn, sql, params, n_params, &rows, NULL);
        if (result)
                return result;
        items = calloc((size_t)rows.nrows + 1, elem_size);
        if (!items) {
                store_rows_free(&rows);
                return RESULT_NOMEM;
        }
        for (int r = 0; !result && r < rows.nrows; r++)
                result = fn(&rows, r, items + (size_t)r * elem_size);
        if (result) {
                free(items);
        } else {
                *ret_items = items;
                *ret_n = (size_t)rows.nrows;
        }
        store_rows_free(&rows);
        return result;
}

enum result store_decoded(bool ok, const char *table)
{
        if (ok)
                return RESULT_OK;
        store_set_error("a row of %s holds a word outside the vocabulary", table);
        return RESULT_STORE;
}

unsigned store_hash_sql(const char *s)
{
        /* Statements share long prefixes (the column lists) and differ at
         * either end: the length and 32 bytes at each end tell them apart
         * without hashing the whole text on every call. */
        size_t n = strlen(s), head = n < 32 ? n : 32;
        unsigned h = 2166136261u ^ (unsigned)n;

        for (size_t i = 0; i < head; i++)
                h = (h ^ (unsigned char)s[i]) * 16777619u;
        for (size_t i = n - head; i < n; i++)
                h = (h ^ (unsigned char)s[i]) * 16777619u;
        return h;
}

static void conn_unlink_and_close(struct store *store, struct store_conn *conn)
{
        pthread_mutex_lock(&store->lock);
        for (struct store_conn **p = &store->conns; *p; p = &(*p)->next)
                if (*p == conn) {
                        *p = conn->next;
                        break;
                }
        pthread_mutex_unlock(&store->lock);
        conn->driver->close(conn->impl);
        store_events_forget(conn);
        free(conn);
}

/* Called at thread exit with the thread's connection. */
static void conn_destructor(void *value)
{
        struct store_conn *conn = value;

        conn_unlink_and_close(conn->store, conn);
}

enum result store_conn_get(struct store *store, struct store_conn **ret_conn)
{
        struct store_conn *conn = pthread_getspecific(store->key);
        enum result result;

        if (conn) {
                *ret_conn = conn;
                return RESULT_OK;
        }
        conn = calloc(1, sizeof(*conn));
        if (!conn)
                return RESULT_NOMEM;
        conn->driver = store->driver;
        conn->store = store;
        result = store->driver->open(store->target, store->busy_timeout_ms, &conn->impl);
        if (result) {
                free(conn);
                return result;
        }
        pthread_mutex_lock(&store->lock);
        conn->next = store->conns;
        store->conns = conn;
        pthread_mutex_unlock(&store->lock);
        pthread_setspecific(store->key, conn);
        *ret_conn = conn;
        return RESULT_OK;
}

void store_conn_release(struct store *store)
{
        struct store_conn *conn = pthread_getspecific(store->key);

        if (!conn)
                return;
        pthread_setspecific(store->key, NULL);
        conn_unlink_and_close(store, conn);
}

enum result store_open(const char *url, int64_t busy_timeout_ms, struct store **ret_store)
{
        struct store *store;
        struct store_conn *conn;
        enum result result;

        store = calloc(1, sizeof(*store));
        if (!store)
                return RESULT_NOMEM;
        store->busy_timeout_ms = busy_timeout_ms;
        store->hold_fd = -1;
        pthread_mutex_init(&store->lock, NULL);
        if (pthread_key_create(&store->key, conn_destructor) != 0) {
                pthread_mutex_destroy(&store->lock);
                free(store);
                return RESULT_NOMEM;
        }

        if (strncmp(url, "sqlite:", 7) == 0) {
                const char *path = url + 7;
                const char *slash = strrchr(path, '/');
                store->driver = &store_driver_sqlite;
                store->target = strdup(path);
                if (!slash)
                        store->sqlite_dir = strdup(".");
                else if (slash == path)
                        store->sqlite_dir = strdup("/");
                else
                        store->sqlite_dir = strndup(path, (size_t)(slash - path));
                if (!store->sqlite_dir) {
                        result = RESULT_NOMEM;
                        goto fail;
                }
        } else if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
                store->driver = &store_driver_postgres;
                store->target = strdup(url);
        } else {
                store_set_error("unknown store URL (want sqlite:PATH or postgresql://...)");
                result = RESULT_INVALID;
                goto fail;
        }
        if (!store->target) {
                result = RESULT_NOMEM;
                goto fail;
        }
        /* Open the first connection now so that a wrong URL fails here. */
        result = store_conn_get(store, &conn);
        if (!result && store->driver->hold)
                result = store->driver->hold(store->target, &store->hold_fd);
        if (result)
                goto fail;
        *ret_store = store;
        return RESULT_OK;
fail:
        store_close(store);
        return result;
}

void store_close(struct store *store)
{
        if (!store)
                return;
        store_watch_stop(store);
        pthread_key_delete(store->key);
        while (store->conns) {
                struct store_conn *conn = store->conns;
                store->conns = conn->next;
                conn->driver->close(conn->impl);
                store_events_forget(conn);
                free(conn);
        }
        /* After the connections: closing it earlier would drop SQLite's
         * own POSIX locks on the file (they belong to the process). */
        if (store->hold_fd >= 0)
                close(store->hold_fd);
        pthread_mutex_destroy(&store->lock);
        free(store->target);
        free(store->sqlite_dir);
        free(store);
}

enum result store_backup(struct store *store, const char *path)
{
        struct store_conn *conn;
        enum result result;

        if (!store->driver->backup) {
                store_set_error("the %s backend has no online backup", store->driver->name);
                return RESULT_UNSUPPORTED;
        }
        result = store_conn_get(store, &conn);
        return result ? result : store->driver->backup(conn->impl, path);
}

enum result store_restore(const char *url, const char *file, int *ret_version)
{
        const struct store_driver *d = &store_driver_sqlite;

        if (strncmp(url, "sqlite:", 7) != 0) {
                store_set_error("restore works on SQLite only");
                return RESULT_UNSUPPORTED;
        }
        return d->restore(url + 7, file, d->migrations[d->n_migrations - 1].version, ret_version);
}

const char *store_backend(const struct store *store)
{
        return store->driver->name;
}

const char *store_sqlite_dir(const struct store *store)
{
        return store->sqlite_dir;
}

enum result store_begin(struct store_conn *conn)
{
        enum result result = conn->driver->begin(conn->impl);

        conn->in_transaction = !result;
        conn->directory_written = false;
        store_events_forget(conn);
        return result;
}

/* The end of a transaction: when it wrote what the directory reads, the
 * count moves again, after the commit (now visible to every reader) or
 * the rollback (what this connection read inside it is gone). */
static void transaction_ended(struct store_conn *conn)
{
        if (conn->directory_written)
                atomic_fetch_add(&conn->store->writes, 1);
        conn->in_transaction = conn->directory_written = false;
}

enum result store_commit(struct store_conn *conn)
{
        enum result result = store_events_flush(conn);

        if (!result)
                result = conn->driver->commit(conn->impl);
        else
                conn->driver->rollback(conn->impl);
        transaction_ended(conn);
        return result;
}

void store_rollback(struct store_conn *conn)
{
        conn->driver->rollback(conn->impl);
        store_events_forget(conn);
        transaction_ended(conn);
}

enum result store_ping(struct store_conn *conn)
{
        static const char sql[] = "SELECT 1";
        return store_exec(conn, sql, NULL, 0, NULL, NULL);
}

static int newest_migration(const struct store_driver *d)
{
        return d->migrations[d->n_migrations - 1].version;
}

/* The "newer than this binary" message of store_migrate and the rest. */
static void set_newer_error(int current, int newest)
{
        store_set_error("the database is at schema version %d, newer than this agentdesk "
                        "(it knows up to %d): run the agentdesk that upgraded it, or restore a "
                        "backup made before the upgrade",
                        current, newest);
}

enum result store_schema_version(struct store *store, int *ret_current, int *ret_newest)
{
        struct store_conn *conn;
        struct store_rows rows = { 0 };
        enum result result;
        int current = 0;

        result = store_conn_get(store, &conn);
        if (result)
                return result;
        /* No schema_migrations table yet: nothing applied. */
        if (store_exec(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", NULL, 0,
                       &rows, NULL) == RESULT_OK) {
                current = (int)store_int(store_rows_get(&rows, 0, 0));
                store_rows_free(&rows);
        }
        *ret_current = current;
        *ret_newest = newest_migration(store->driver);
        return RESULT_OK;
}

const char *store_migration_name(const struct store *store, int version)
{
        for (size_t i = 0; i < store->driver->n_migrations; i++)
                if (store->driver->migrations[i].version == version)
                        return store->driver->migrations[i].name;
        return NULL;
}

enum result store_migrations_pending(struct store *store, int *ret_pending)
{
        const struct store_driver *d = store->driver;
        int current, newest, pending = 0;
        enum result result = store_schema_version(store, &current, &newest);

        if (result)
                return result;
        if (current > newest) {
                set_newer_error(current, newest);
                return RESULT_UNSUPPORTED;
        }
        for (size_t i = 0; i < d->n_migrations; i++)
                pending += d->migrations[i].version > current;
        *ret_pending = pending;
        return RESULT_OK;
}

enum result store_migrate(struct store *store, int *ret_applied)
{
        const struct store_driver *d = store->driver;
        struct store_conn *conn;
        struct store_rows rows = { 0 };
        enum result result;
        int applied = 0, current = 0;

        result = store_conn_get(store, &conn);
        if (result)
                return result;
        result = store_begin(conn);
        if (result)
                return result;
        if (d->migration_lock_sql) {
                result = d->exec_script(conn->impl, d->migration_lock_sql);
                if (result)
                        goto out;
        }
        result = d->exec_script(conn->impl,
                                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                " version INTEGER PRIMARY KEY,"
                                " name TEXT NOT NULL,"
                                " applied_at BIGINT NOT NULL)");
        if (result)
                goto out;
        result = store_exec(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", NULL, 0,
                            &rows, NULL);
        if (result)
                goto out;
        current = (int)store_int(store_rows_get(&rows, 0, 0));
        if (current > newest_migration(d)) {
                set_newer_error(current, newest_migration(d));
                result = RESULT_UNSUPPORTED;
                goto out;
        }
        for (size_t i = 0; i < d->n_migrations; i++) {
                const struct store_migration *m = &d->migrations[i];
                if (m->version <= current)
                        continue;
                result = d->exec_script(conn->impl, m->sql);
                if (result) {
                        char why[200];
                        text_copy(why, sizeof(why), store_last_error());
                        store_set_error("migration %d (%s): %s", m->version, m->name, why);
                        goto out;
                }
                struct store_param p[] = { SP_INT(m->version), SP_TEXT(m->name), SP_INT(store_now()) };
                result = store_exec(conn,
                                    "INSERT INTO schema_migrations (version, name, applied_at) "
                                    "VALUES (?, ?, ?)",
                                    p, STORE_NPARAMS(p), NULL, NULL);
                if (result)
                        goto out;
                applied++;
        }
        /* A migration's script may change anything the directory reads. */
        conn->directory_written = applied > 0;
        result = store_commit(conn);
out:
        if (result)
                store_rollback(conn);
        store_rows_free(&rows);
        if (!result && ret_applied)
                *ret_applied = applied;
        return result;
}
