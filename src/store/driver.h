/*
 * The backend table behind the store (kamailio srdb1 db_func_t, curl
 * struct Curl_ssl): each backend fills one struct store_driver with its
 * primitives and capability flags. store/store.c and the query files use
 * only these primitives, so a query is written once for both backends.
 *
 * Portable SQL rules for the query files: '?' placeholders (the PostgreSQL
 * driver numbers them), INTEGER timestamps in epoch seconds, INTEGER 0/1
 * booleans, TEXT for strings and encrypted secrets (base64), RETURNING for
 * generated ids. Backend-specific fragments come from caps.
 */
#ifndef AGENTDESK_STORE_DRIVER_H
#define AGENTDESK_STORE_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/result.h"

enum store_param_type { STORE_PARAM_NULL, STORE_PARAM_INT, STORE_PARAM_TEXT };

struct store_param {
        enum store_param_type type;
        int64_t i;
        const char *s;            /* borrowed for the duration of the call */
};

#define SP_INT(v)  ((struct store_param){ .type = STORE_PARAM_INT, .i = (v) })
#define SP_TEXT(v) ((struct store_param){ .type = STORE_PARAM_TEXT, .s = (v) })
#define SP_NULL    ((struct store_param){ .type = STORE_PARAM_NULL })

/*
 * A materialized result: nrows * ncols cells in row order, each a
 * NUL-terminated string or NULL for SQL NULL. Owned by the caller, freed
 * with store_rows_free().
 */
struct store_rows {
        int nrows, ncols;
        char **cells;
};

void store_rows_free(struct store_rows *rows);
const char *store_rows_get(const struct store_rows *rows, int row, int col);

/* The channel the PostgreSQL triggers notify on a change the directory
 * reads (migration 2; migration 9 narrows the updates of users and
 * agent_extensions to the columns that store.c's directory_tables lists).
 * SQLite's triggers count the same changes in directory_changes
 * (migration 8), which the watcher reads. */
#define STORE_CHANGES_CHANNEL "agentdesk_changes"

/* Capabilities. */
#define STORE_CAP_SKIP_LOCKED   (1u << 0)  /* SELECT … FOR UPDATE SKIP LOCKED */
#define STORE_CAP_ADVISORY_LOCK (1u << 1)  /* pg_advisory_lock for singletons */

struct store_driver_conn;  /* the backend's own connection state */

struct store_migration {
        int version;
        const char *name;
        const char *sql;          /* one or more statements */
};

struct store_driver {
        const char *name;
        unsigned caps;

        /* Opens one connection to target (the URL without its scheme for
         * SQLite: the path; the whole URL for PostgreSQL). */
        enum result (*open)(const char *target, int64_t busy_timeout_ms,
                            struct store_driver_conn **ret_conn);
        void (*close)(struct store_driver_conn *conn);

        /* Runs one statement. ret_rows (may be NULL) receives the rows;
         * ret_changes (may be NULL) the number of rows changed. Unique
         * violations come back as RESULT_CONFLICT, lock timeouts as
         * RESULT_BUSY, anything else as RESULT_STORE; the backend's message
         * goes to store_set_error(). */
        enum result (*exec)(struct store_driver_conn *conn, const char *sql,
                            const struct store_param *params, size_t n_params,
                            struct store_rows *ret_rows, int64_t *ret_changes);

        /* Runs a script of several statements without parameters. */
        enum result (*exec_script)(struct store_driver_conn *conn, const char *sql);

        enum result (*begin)(struct store_driver_conn *conn);   /* write transaction */
        enum result (*commit)(struct store_driver_conn *conn);
        void (*rollback)(struct store_driver_conn *conn);

        /* Where another process's changes can be heard (NULL: nowhere).
         * listen subscribes conn to STORE_CHANGES_CHANNEL; wait_changes
         * waits up to timeout_ms and sets *ret_heard to whether a
         * notification came; RESULT_IO when the connection is lost. */
        enum result (*listen)(struct store_driver_conn *conn);
        enum result (*wait_changes)(struct store_driver_conn *conn, int timeout_ms,
                                    bool *ret_heard);

        /* SQL run inside the migration transaction before anything else, to
         * serialize concurrent migrators (NULL when begin already does). */
        const char *migration_lock_sql;

        const struct store_migration *migrations;
        size_t n_migrations;

        /* The online backup into the file path (NULL: the backend has none,
         * its own tools do it). */
        enum result (*backup)(struct store_driver_conn *conn, const char *path);
        /* Marks target in use by this process until *ret_fd (-1: nothing
         * held) is closed, after the last connection (NULL: nothing to
         * mark). */
        enum result (*hold)(const char *target, int *ret_fd);
        /* Replaces the database target with the backup file, when no
         * process holds it (NULL: not possible). */
        enum result (*restore)(const char *target, const char *file, int newest,
                               int *ret_version);
};

extern const struct store_driver store_driver_sqlite;
extern const struct store_driver store_driver_postgres;

/* Used by the query files (store/ query files): the connection's driver and state. */
struct store_conn {
        const struct store_driver *driver;
        struct store_driver_conn *impl;
        struct store *store;
        struct store_conn *next;   /* the store's list of open connections */
        bool in_transaction;       /* between store_begin and its commit or rollback */
        bool directory_written;    /* ... and a statement wrote what the directory reads */
        struct store_pending_event *events; /* ... and the live events it appended: written */
        size_t n_events, cap_events;        /* at its commit (store/events.c) */
};

/* store/events.c: writes conn's pending live events (in its transaction,
 * just before the commit), or forgets them (a rollback, a new
 * transaction, a closed connection). */
enum result store_events_flush(struct store_conn *conn);
void store_events_forget(struct store_conn *conn);

/* store/webhooks.c: queues live event event_id (of tenant_id; none for 0)
 * for each enabled webhook endpoint of the tenant that takes type, in
 * conn's transaction (store_events_flush calls it for each event it
 * writes, so a delivery exists exactly when its event does). */
enum result store_webhook_fan_out(struct store_conn *conn, int64_t event_id, int64_t tenant_id,
                                  const char *type, const char *data, int64_t event_at);

/* Shorthand for query files. */
enum result store_exec(struct store_conn *conn, const char *sql, const struct store_param *params,
                       size_t n_params, struct store_rows *ret_rows, int64_t *ret_changes);

#define STORE_NPARAMS(a) (sizeof(a) / sizeof((a)[0]))

/* Copies row r of rows into the struct at out, decoding its states and
 * kinds into their enums (model/vocab.h); RESULT_STORE for a word that
 * does not decode (store_decoded). */
typedef enum result (*store_row_fn)(const struct store_rows *rows, int r, void *out);

/* RESULT_OK when ok (every column of a row of table decoded), else
 * RESULT_STORE with the error recorded (store_last_error()). A row fn
 * ends with return store_decoded(x_parse(…, &out->x) && …, "table"). */
enum result store_decoded(bool ok, const char *table);

/* Runs sql and copies its first row into out with fn; RESULT_NOT_FOUND
 * when there is none, fn's error when it fails. */
enum result store_exec_one(struct store_conn *conn, const char *sql,
                           const struct store_param *params, size_t n_params, store_row_fn fn,
                           void *out);

/*
 * One page of a list. from_where is " FROM … WHERE …" using the first
 * n_params params; page->total gets the COUNT(*) of it, then
 * "SELECT cols from_where order LIMIT ? OFFSET ?" fills *ret_items, a
 * calloc'd array (caller frees) of *ret_n elements of elem_size, each
 * copied with fn (nothing is returned when fn fails on a row).
 */
enum result store_exec_page(struct store_conn *conn, const char *cols, const char *from_where,
                            const char *order, const struct store_param *params, size_t n_params,
                            struct store_page *page, size_t elem_size, store_row_fn fn,
                            void **ret_items, size_t *ret_n);

/* Every row of sql into *ret_items, a calloc'd array (caller frees) of
 * *ret_n elements of elem_size, each copied with fn (nothing is returned
 * when fn fails on a row). */
enum result store_exec_all(struct store_conn *conn, const char *sql,
                           const struct store_param *params, size_t n_params, size_t elem_size,
                           store_row_fn fn, void **ret_items, size_t *ret_n);

/* FNV-1a of a statement's text, for the drivers' statement caches. */
unsigned store_hash_sql(const char *sql);

/* Records the message that store_last_error() returns on this thread. */
void store_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int64_t store_int(const char *s);

/* The provisioning state an extension of agent_extensions shows once a
 * change to it is queued: "provisioned" where its tenant's stored cluster
 * asks at once (xml_curl), "pending" where files must be pushed first; for
 * the default cluster, the statement's parameter in its place. */
#define STORE_QUEUED_STATE                                                                \
        "COALESCE((SELECT CASE c.mode WHEN 'xml_curl' THEN 'provisioned' ELSE 'pending' END "    \
        "FROM tenants t JOIN freeswitch_clusters c ON c.id = t.cluster_id "                     \
        "WHERE t.id = agent_extensions.tenant_id), ?)"


#endif
