/*
 * The store: agentdesk's one interface to its database.
 *
 * Two backends sit behind it (store/sqlite/, store/postgres/), each filling
 * a struct store_driver (driver.h). The queries in store/ query files are written
 * once, in the SQL that both backends accept; each backend owns its
 * migrations, because DDL differs. Only store/ speaks SQL; only the
 * backends include sqlite3.h or libpq-fe.h.
 *
 * Connections: a struct store_conn is used by one thread at a time.
 * store_conn_get() hands each thread its own, opened on first use and
 * closed by store_close(); callers never free it.
 *
 * Transactions: a write that spans several statements runs between
 * store_begin() and store_commit()/store_rollback(). store_begin() takes
 * the write lock at once on SQLite (BEGIN IMMEDIATE), so concurrent writers
 * queue instead of failing late. Functions below that say "in a
 * transaction" must be called between the two; the others may be called
 * either way.
 *
 * Strings in the structs below are fixed-size arrays, copied out of the
 * result: the caller owns the struct and nothing in it needs freeing.
 *
 * States and kinds are the enums of model/vocab.h: the store decodes a
 * column into its enum once, when it reads the row, and writes the enum's
 * name. A stored word outside the vocabulary (the columns' CHECK
 * constraints allow none) makes the read fail with RESULT_STORE.
 */
#ifndef AGENTDESK_STORE_STORE_H
#define AGENTDESK_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/vocab.h"
#include "model/modes.h"   /* enum fs_mode, a cluster's */
#include "util/result.h"

struct store;
struct store_conn;

#define STORE_NAME_MAX   404   /* 100 characters of UTF-8, NUL */
#define STORE_EMAIL_MAX  256
#define STORE_SHORT_MAX  64
#define STORE_TEXT_MAX   512

/* Opens the store named by url ("sqlite:PATH" or "postgresql://…").
 * busy_timeout_ms bounds waits for locks. Does not migrate. */
enum result store_open(const char *url, int64_t busy_timeout_ms, struct store **ret_store);

/* Closes every connection of the store and frees it. Accepts NULL. The
 * caller guarantees that no thread still uses a connection. */
void store_close(struct store *store);

/* "sqlite" or "postgresql". */
const char *store_backend(const struct store *store);

/* The directory of the SQLite file, or NULL for PostgreSQL (used to place
 * the key file next to the database). Borrowed, lives as long as store. */
const char *store_sqlite_dir(const struct store *store);

/* Applies pending migrations, all in one transaction. *ret_applied (may be
 * NULL) receives how many ran; 0 means the schema was current.
 * RESULT_UNSUPPORTED, changing nothing, when the database is newer than
 * this binary (a version above its newest migration): an older agentdesk
 * never runs on a schema it does not know. */
enum result store_migrate(struct store *store, int *ret_applied);

/* Writes a consistent copy of the database into the file path while
 * others keep writing (SQLite's online backup), mode 0600, atomically
 * (a temporary file renamed over path). RESULT_UNSUPPORTED on PostgreSQL
 * (pg_dump does it). */
enum result store_backup(struct store *store, const char *path);

/* Replaces the SQLite database of url with the backup file (store_backup's
 * copy), atomically; *ret_version gets the backup's schema version.
 * RESULT_CONFLICT while a process has the database open (a store holds it
 * from store_open to store_close), RESULT_INVALID when file is not an
 * agentdesk database, RESULT_UNSUPPORTED when its schema is newer than
 * this binary's or url is not SQLite; why in store_last_error(). */
enum result store_restore(const char *url, const char *file, int *ret_version);

/* How many migrations store_migrate() would apply (changes nothing);
 * RESULT_UNSUPPORTED when the database is newer than this binary. */
enum result store_migrations_pending(struct store *store, int *ret_pending);

/* The database's schema version (0: none yet) into *ret_current, this
 * binary's newest into *ret_newest. */
enum result store_schema_version(struct store *store, int *ret_current, int *ret_newest);

/* The name of this binary's migration version of the store's backend,
 * NULL when it has none. Static storage. */
const char *store_migration_name(const struct store *store, int version);

/* The calling thread's connection; opened on first use. */
enum result store_conn_get(struct store *store, struct store_conn **ret_conn);

/* Releases the calling thread's connection early (a thread about to exit). */
void store_conn_release(struct store *store);

/* A count that grows after every write of what the directory reads made
 * through this store (by this process): an insert or delete of tenants,
 * users, agent_extensions or freeswitch_clusters, or an update that sets a
 * column the directory reads (store.c's directory_tables), at its
 * statement and again at the commit or rollback of its transaction.
 * Writes elsewhere (sessions, jobs, mail, live events, any other table)
 * and the bookkeeping on those rows (provisioning state, logins, password
 * hashes) leave it alone; a statement it cannot tell apart moves it. A
 * reader of those tables that notes it before reading and finds it
 * unchanged afterwards knows that no such write of this process committed
 * in between: what it read may be cached until the count moves. */
uint64_t store_writes(const struct store *store);

/* Whether store_writes() moves for every change the directory reads, made
 * by any process: always on SQLite (one process owns the data); on
 * PostgreSQL while store_watch_start()'s thread is subscribed to the
 * change notifications (migration 2), which arrive a moment after the
 * other process's commit. */
bool store_writes_complete(const struct store *store);

/* Whether store_writes() also moves for the changes other processes make
 * to what the directory reads: while store_watch_start()'s thread
 * watches. On PostgreSQL it is subscribed as above; on SQLite it reads the
 * file's data_version every 50 ms and, when it moved, the count migration
 * 8's triggers keep, so a command line run beside the server is heard
 * too. */
bool store_writes_shared(const struct store *store);

/* Starts a thread that hears the changes of every process to what the
 * directory reads and moves store_writes(): PostgreSQL's notifications (it
 * resubscribes after losing its connection), SQLite's directory_changes. */
enum result store_watch_start(struct store *store);

/* Stops that thread (within about 200 ms). Accepts a store without one. */
void store_watch_stop(struct store *store);

/* A trivial round trip, for /healthz. */
enum result store_ping(struct store_conn *conn);

enum result store_begin(struct store_conn *conn);
enum result store_commit(struct store_conn *conn);
/* Never fails from the caller's point of view; safe without a transaction. */
void store_rollback(struct store_conn *conn);

/* The backend's message for the last failure on this thread ("" if none):
 * for the one log line the caller writes. Never contains parameters. */
const char *store_last_error(void);

/* Seconds since the epoch, as every timestamp in the store is kept. */
int64_t store_now(void);

/* ---- sealed values ------------------------------------------------------ */

/* The columns that hold values sealed with the key (domain/core/
 * credentials.h); '' in them means none. */
enum store_sealed_column {
        STORE_SEALED_SIP_SECRET,         /* agent_extensions.sip_secret */
        STORE_SEALED_VM_PIN,             /* agent_extensions.vm_pin */
        STORE_SEALED_ESL_PASSWORD,       /* freeswitch_nodes.esl_password */
        STORE_SEALED_MAIL_SECRET,        /* mail_outbox.secret (a link's token until sent) */
        STORE_SEALED_WEBHOOK_SECRET,     /* webhook_endpoints.secret (signs deliveries) */
        STORE_SEALED__MAX
};

struct store_sealed {
        int64_t id;                      /* the row's */
        char value[STORE_TEXT_MAX];
};

/* "table.column" of column, for messages. Static storage. */
const char *store_sealed_name(enum store_sealed_column column);

/* Up to limit non-empty values of column in rows of id > after_id, by id,
 * into *ret_items (calloc'd, caller frees) and *ret_n. */
enum result store_sealed_page(struct store_conn *conn, enum store_sealed_column column,
                              int64_t after_id, int64_t limit, struct store_sealed **ret_items,
                              size_t *ret_n);

/* Sets column of row id to value if it still holds old; RESULT_NOT_FOUND
 * (nothing written) when it changed meanwhile or the row is gone. */
enum result store_sealed_swap(struct store_conn *conn, enum store_sealed_column column, int64_t id,
                              const char *old, const char *value);

/* ---- tenants ---------------------------------------------------------- */

struct store_tenant {
        int64_t id;
        char name[STORE_NAME_MAX];
        char slug[STORE_SHORT_MAX];
        enum tenant_status status;
        char sip_domain[256];            /* "" = cluster's or global */
        int64_t pool_base;
        int64_t pool_size;
        int64_t cluster_id;              /* 0 = the default cluster */
        int64_t created_at, updated_at;
};

/* In a transaction. Inserts name, slug, status, sip_domain, pool_base,
 * pool_size, cluster_id of *t; sets t->id and timestamps.
 * RESULT_CONFLICT when the slug is taken. */
enum result store_tenant_insert(struct store_conn *conn, struct store_tenant *t);

/* In a transaction. Sets the pool of tenant `id`. */
enum result store_tenant_set_pool(struct store_conn *conn, int64_t id, int64_t base, int64_t size);

enum result store_tenant_get(struct store_conn *conn, int64_t id, struct store_tenant *ret);
enum result store_tenant_get_by_slug(struct store_conn *conn, const char *slug,
                                     struct store_tenant *ret);

/* Whether [base, base+size) intersects another tenant's pool (other than
 * except_id). */
enum result store_pool_overlaps(struct store_conn *conn, int64_t base, int64_t size,
                                int64_t except_id, bool *ret_overlaps);

/* ---- users ------------------------------------------------------------ */

struct store_user {
        int64_t id;
        int64_t tenant_id;               /* 0 = none (a platform superadmin) */
        char email[STORE_EMAIL_MAX];     /* stored lower-case */
        char first_name[STORE_NAME_MAX];
        char last_name[STORE_NAME_MAX];
        enum user_role role;
        enum user_status status;
        char password_hash[STORE_TEXT_MAX];
        bool must_change_password;
        int64_t token_version;
        int64_t created_at, updated_at, last_login_at;
};

/* Inserts *u (all fields but id and timestamps); sets u->id.
 * RESULT_EMAIL_TAKEN when a non-deleted user has the email. */
enum result store_user_insert(struct store_conn *conn, struct store_user *u);

enum result store_user_get(struct store_conn *conn, int64_t id, struct store_user *ret);

/* The non-deleted user with this (lower-case) email. */
enum result store_user_get_by_email(struct store_conn *conn, const char *email,
                                    struct store_user *ret);

/* For each of n (lower-case) emails, whether a non-deleted user has it
 * (ret_taken[i]), many emails a statement: an import's checks. */
enum result store_user_emails_taken(struct store_conn *conn, const char *const *emails, size_t n,
                                    bool *ret_taken);

/* Sets the password hash and must-change flag, and bumps token_version
 * (revoking every token of the user). */
enum result store_user_set_password(struct store_conn *conn, int64_t id, const char *hash,
                                    bool must_change);

/* ---- extension pools -------------------------------------------------- */

struct store_extension {
        int64_t id;
        int64_t tenant_id;
        int64_t user_id;                 /* 0 = free in the pool */
        char extension[16];              /* digits only */
        char sip_secret[STORE_TEXT_MAX]; /* encrypted, as stored */
        char vm_pin[STORE_TEXT_MAX];     /* encrypted, as stored */
        enum extension_status status;
        bool voicemail_enabled;
        int64_t ring_s;                  /* ring time before voicemail (seconds) */
        enum jobs_state provisioning;
        int64_t provisioning_attempts;
        char provisioning_error[STORE_TEXT_MAX];
        int64_t assigned_at, last_login_at, created_at, updated_at;
};

struct store_pool_stats {
        int64_t total, assigned, free;
};

/*
 * Callback that makes the (encrypted) secret and PIN for one extension,
 * given its number. Lets the store stay ignorant of crypto.
 */
typedef enum result (*store_secret_fn)(void *userdata, const char *extension,
                                       char ret_secret[STORE_TEXT_MAX],
                                       char ret_pin[STORE_TEXT_MAX]);

/* In a transaction. Creates the rows base..base+size-1 of tenant_id, all
 * free, each with a secret from make_secret. RESULT_POOL_OVERLAP when a
 * number already exists. */
enum result store_pool_generate(struct store_conn *conn, int64_t tenant_id, int64_t base,
                                int64_t size, store_secret_fn make_secret, void *userdata);

/* In a transaction. Assigns the lowest free extension of tenant_id to
 * user_id with the given (encrypted) secret and PIN, status active, and
 * the provisioning state a queued change leaves (provisioning: the
 * default cluster's, pending|provisioned; a stored cluster's mode decides
 * for its tenants). RESULT_POOL_EXHAUSTED when none is free; two
 * concurrent callers never receive the same extension. */
enum result store_pool_allocate(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                                const char *sip_secret, const char *vm_pin,
                                enum jobs_state provisioning, struct store_extension *ret);

/* store_pool_allocate, the lowest free extension after `after` (NULL:
 * any) in allocation order: one transaction that takes many (an import)
 * passes the last it took, so the search starts past them instead of
 * stepping over each (PostgreSQL keeps them in the index of free numbers
 * until the commit: quadratic without it). A number freed meanwhile
 * below `after` is left for later creates. */
enum result store_pool_allocate_after(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                                      const char *sip_secret, const char *vm_pin,
                                      enum jobs_state provisioning, const char *after,
                                      struct store_extension *ret);

/* In a transaction. Returns extension `id` to the pool with a new secret
 * and PIN (the old one must never work again). RESULT_NOT_FOUND when it
 * does not exist or is already free. */
enum result store_pool_release(struct store_conn *conn, int64_t id, const char *sip_secret,
                               const char *vm_pin);

/* In a transaction. Moves extension id from from_user_id to to_user_id
 * with a new (encrypted) secret and PIN, status active, assigned now,
 * the provisioning state a queued change leaves (as store_pool_allocate;
 * provisioning the default cluster's); its voicemail settings stay with
 * the number. RESULT_CONFLICT when it is no longer from_user_id's. */
enum result store_extension_transfer(struct store_conn *conn, int64_t id, int64_t from_user_id,
                                     int64_t to_user_id, const char *sip_secret,
                                     const char *vm_pin, enum jobs_state provisioning);

enum result store_pool_stats(struct store_conn *conn, int64_t tenant_id,
                             struct store_pool_stats *ret);

/* Gauges for /metrics: calls fn once per tenant. */
enum result store_pool_stats_all(struct store_conn *conn,
                                 void (*fn)(void *userdata, const struct store_tenant *t,
                                            const struct store_pool_stats *s),
                                 void *userdata);

enum result store_extension_get(struct store_conn *conn, int64_t id, struct store_extension *ret);

/* ---- lists ------------------------------------------------------------ */

/* A page of a list: limit/offset in, total (matching rows) out. */
struct store_page {
        int64_t limit, offset;
        int64_t total;
};

/* ---- tenants, continued ----------------------------------------------- */

/* A page of tenants ordered by id; *ret_items is malloc'd (caller frees)
 * and holds *ret_n entries. */
enum result store_tenant_list(struct store_conn *conn, struct store_page *page,
                              struct store_tenant **ret_items, size_t *ret_n);

/* In a transaction. Writes name, status, sip_domain of *t. */
enum result store_tenant_update(struct store_conn *conn, const struct store_tenant *t);

/* In a transaction. Revokes every token of every user of the tenant. */
enum result store_tenant_revoke_tokens(struct store_conn *conn, int64_t tenant_id);

/* ---- users, continued ------------------------------------------------- */

/* The orders a list of users can take; each breaks ties by id. */
enum store_user_sort {
        STORE_USER_SORT_ID,              /* the default */
        STORE_USER_SORT_NAME,            /* last name, then first name, case-blind */
        STORE_USER_SORT_NAME_DESC,
        STORE_USER_SORT_CREATED,
        STORE_USER_SORT_CREATED_DESC,
};

struct store_user_filter {
        int64_t tenant_id;
        bool by_status;       /* false = any live (not deleted) */
        enum user_status status;
        bool by_role;         /* false = any */
        enum user_role role;
        const char *q;        /* NULL = any; substring of names or email */
        enum store_user_sort sort;
};

/* One agent of a list: what a list shows, no password hash, and where its
 * extensions sit in the page's array of them. */
struct store_agent_row {
        int64_t id;
        int64_t tenant_id;
        char email[STORE_EMAIL_MAX];
        char first_name[STORE_NAME_MAX];
        char last_name[STORE_NAME_MAX];
        enum user_role role;
        enum user_status status;
        bool must_change_password;
        int64_t created_at, updated_at, last_login_at;
        size_t first_extension, n_extensions;
};

/* One extension of a listed agent, without its sealed secrets. */
struct store_agent_extension {
        int64_t id;
        int64_t user_id;
        char extension[16];
        enum extension_status status;
        bool voicemail_enabled;
        int64_t ring_s;
        enum jobs_state provisioning;
        int64_t provisioning_attempts;
        char provisioning_error[STORE_TEXT_MAX / 2];
};

/* A page of agents and all their extensions, read in three statements
 * (count, users, their extensions) whatever the page size. */
struct store_agent_page {
        struct store_agent_row *agents;          /* in the filter's order */
        size_t n_agents;
        struct store_agent_extension *extensions; /* grouped by agent */
        size_t n_extensions;
};

/* Fills *ret (its arrays malloc'd; free with store_agent_page_free) with
 * a page of filter's live users and their extensions. */
enum result store_agent_page(struct store_conn *conn, const struct store_user_filter *filter,
                             struct store_page *page, struct store_agent_page *ret);
void store_agent_page_free(struct store_agent_page *p);

/* A page of live users ordered by id; *ret_items malloc'd, caller frees. */
enum result store_user_list(struct store_conn *conn, const struct store_user_filter *filter,
                            struct store_page *page, struct store_user **ret_items,
                            size_t *ret_n);

/* In a transaction. Writes names, role and status of *u; bumps
 * token_version (revoking tokens) when revoke is true. */
enum result store_user_update(struct store_conn *conn, const struct store_user *u, bool revoke);

/* In a transaction. Soft-deletes the user and revokes its tokens. */
enum result store_user_soft_delete(struct store_conn *conn, int64_t id);

enum result store_user_touch_login(struct store_conn *conn, int64_t id);

/* ---- sessions (bearer tokens) ----------------------------------------- */

struct store_session {
        int64_t id;
        bool restricted;                 /* opened with a temporary password */
        int64_t expires_at;
        int64_t login_at;                /* the password login this token renews */
        enum tenant_status tenant_status; /* active for a platform superadmin (no tenant) */
        struct store_user user;
};

/* Records a token (by its keyed hash) for user at its current
 * token_version; login_at is the password login it descends from. Sets
 * *ret_id. */
enum result store_session_insert(struct store_conn *conn, const char *token_hash, int64_t user_id,
                                 int64_t token_version, bool restricted, int64_t login_at,
                                 int64_t expires_at, int64_t *ret_id);

/* The live session of token_hash: not revoked, not expired at now, token
 * version current, user active, tenant (if any) active. RESULT_NOT_FOUND
 * otherwise. */
enum result store_session_lookup(struct store_conn *conn, const char *token_hash, int64_t now,
                                 struct store_session *ret);

/* What stands between token_hash and a live session, for telling the
 * client why (only asked after store_session_lookup failed). */
struct store_session_fault {
        bool revoked;                    /* revoked_at set or token_version stale */
        bool expired;                    /* expires_at <= now */
        enum user_status user_status;
        enum tenant_status tenant_status; /* active for a platform superadmin (no tenant) */
};

/* RESULT_NOT_FOUND when no session has token_hash (never issued, or its
 * user row is gone). */
enum result store_session_fault(struct store_conn *conn, const char *token_hash, int64_t now,
                                struct store_session_fault *ret);

/* The user of session id while the session is live at now (the
 * conditions of store_session_lookup) into *ret; RESULT_NOT_FOUND
 * otherwise. */
enum result store_session_live_user(struct store_conn *conn, int64_t id, int64_t now,
                                    struct store_user *ret);

/* Which of the n sessions ids are live at now (the conditions of
 * store_session_lookup): ret_live[i] for ids[i]. One statement per 31. */
enum result store_sessions_live(struct store_conn *conn, const int64_t *ids, size_t n,
                                int64_t now, bool *ret_live);

/* Revokes session id; RESULT_NOT_FOUND when it was already revoked, so
 * that of two callers racing to revoke one session only one wins. */
enum result store_session_revoke(struct store_conn *conn, int64_t id);

/* ---- login throttle ---------------------------------------------------- */

/* Failures recorded for key in the window that began at *ret_window_start
 * (0 failures when none or the window expired before now - window). */
enum result store_throttle_get(struct store_conn *conn, const char *key, int64_t now,
                               int64_t window, int64_t *ret_failures, int64_t *ret_window_start);

/* Counts one failure for key (a new window if the old one expired). */
enum result store_throttle_fail(struct store_conn *conn, const char *key, int64_t now,
                                int64_t window);

enum result store_throttle_clear(struct store_conn *conn, const char *key);

/* ---- extensions, continued -------------------------------------------- */

#define STORE_MAX_EXTENSIONS_PER_USER 16

/* The extensions assigned to user_id, ordered by number: at most
 * STORE_MAX_EXTENSIONS_PER_USER into ret (an array of that many). */
enum result store_extensions_of_user(struct store_conn *conn, int64_t user_id,
                                     struct store_extension *ret, size_t *ret_n);

struct store_extension_filter {
        int64_t tenant_id;
        const char *state;    /* NULL, "free" or "assigned" */
};

/* A page of a tenant's pool ordered by number; *ret_items malloc'd. */
enum result store_extension_list(struct store_conn *conn, const struct store_extension_filter *f,
                                 struct store_page *page, struct store_extension **ret_items,
                                 size_t *ret_n);

/* In a transaction. Sets status on every extension of user_id. */
enum result store_extensions_set_status(struct store_conn *conn, int64_t user_id,
                                        enum extension_status status);

enum result store_extension_set_secret(struct store_conn *conn, int64_t id, const char *secret);
/* A new voicemail PIN (sealed). */
enum result store_extension_set_pin(struct store_conn *conn, int64_t id, const char *vm_pin);
enum result store_extension_set_voicemail(struct store_conn *conn, int64_t id, bool enabled,
                                          int64_t ring_s);

/* What FreeSWITCH's directory needs about one extension, in one query. */
struct store_directory_entry {
        struct store_extension ext;
        char first_name[STORE_NAME_MAX];
        char last_name[STORE_NAME_MAX];
        enum user_status user_status;    /* deleted when the extension is free (no user) */
        enum tenant_status tenant_status;
        char tenant_domain[256];         /* "" = the cluster's or the global one */
        int64_t cluster_id;              /* the tenant's; 0 = the default cluster */
        char cluster_domain[256];        /* "" = the global one */
};

/* The extension with that number, with its user and tenant. */
enum result store_directory_lookup(struct store_conn *conn, const char *extension,
                                   struct store_directory_entry *ret);

/* The numbers the nodes of cluster_id (0 = default) should know (active
 * extension, agent and tenant, the tenant in that cluster), in order;
 * *ret is calloc'd, the caller frees it. */
enum result store_directory_numbers(struct store_conn *conn, int64_t cluster_id, char (**ret)[16],
                                    size_t *ret_n);

/* The ids of the active tenants of cluster_id (0 = default); *ret is
 * calloc'd, the caller frees it. */
enum result store_tenants_active_ids(struct store_conn *conn, int64_t cluster_id, int64_t **ret,
                                     size_t *ret_n);

/* ---- provisioning jobs ------------------------------------------------- */

/* Every job is for the cluster its tenant belonged to when it was queued
 * (cluster_id NULL: the default one), so a tenant that moves is taken off
 * the old cluster by jobs queued before the move.
 *
 * In a transaction. Queues a job of kind (any but FS_CHANGE_RESYNC) for
 * one extension, which shows state (pending, or provisioned where
 * FreeSWITCH asks at once: state is the default cluster's, a stored
 * cluster's mode decides for its tenants) with its attempts and error
 * reset. */
enum result store_job_insert(struct store_conn *conn, int64_t tenant_id, enum fs_change kind,
                             int64_t extension_id, enum jobs_state state);

/* In a transaction. store_job_insert for each of the n extensions
 * (extension_ids), many rows a statement: an import's round trips. */
enum result store_job_insert_many(struct store_conn *conn, int64_t tenant_id, enum fs_change kind,
                                  const int64_t *extension_ids, size_t n, enum jobs_state state);

/* Jobs not done yet and jobs given up on, of one tenant (0 = all) and one
 * cluster (0 = the default one, -1 = all). */
enum result store_job_counts(struct store_conn *conn, int64_t tenant_id, int64_t cluster_id,
                             int64_t *ret_pending, int64_t *ret_failed);

/* In a transaction. Queues kind for every assigned extension of tenant,
 * each showing state. */
enum result store_job_insert_tenant(struct store_conn *conn, int64_t tenant_id,
                                    enum fs_change kind, enum jobs_state state);

/* In a transaction. Queues a resync of the whole of cluster_id (0 = the
 * default one). */
enum result store_job_insert_resync(struct store_conn *conn, int64_t cluster_id, int64_t *ret_id);

/* In a transaction. Queues a job of kind FS_CHANGE_QUEUE (id: the queue's)
 * or FS_CHANGE_QUEUE_AGENT (id: the agent's user id) for tenant_id, and
 * shows state on the queue's row or the agent's queue_agents row (when
 * there is one). The job reads what it applies when it runs, so the last
 * change wins. */
enum result store_job_insert_queue(struct store_conn *conn, int64_t tenant_id, enum fs_change kind,
                                   int64_t id, enum jobs_state state);

struct store_job_state {
        enum jobs_status status;
        int64_t attempts;
        char last_error[STORE_TEXT_MAX];
};

enum result store_job_state(struct store_conn *conn, int64_t id, struct store_job_state *ret);

struct store_job {
        int64_t id;
        int64_t tenant_id;
        int64_t extension_id;            /* 0 for a job without one */
        enum fs_change kind;
        int64_t attempts;                /* made so far */
        char extension[16];              /* its number, digits only */
        int64_t cluster_id;              /* 0 = the default cluster */
        char tenant_domain[256];         /* "" = none of its own */
        char cluster_domain[256];        /* "" = none (or the default cluster) */
        int64_t queue_id;                /* FS_CHANGE_QUEUE: its queue; else 0 */
        int64_t user_id;                 /* FS_CHANGE_QUEUE_AGENT: its agent; else 0 */
};

/* Up to max pending jobs due at now (epoch seconds), oldest first; jobs of
 * a disabled cluster wait. */
enum result store_jobs_due(struct store_conn *conn, int64_t now, struct store_job *ret, int max,
                           int *ret_n);

/* Gauges for /metrics (domain/health/health.c): calls fn once per status
 * that has jobs, with their count and the created_at of the oldest. A
 * status that does not decode stops the calls there with RESULT_STORE. */
enum result store_job_stats(struct store_conn *conn,
                            void (*fn)(void *userdata, enum jobs_status status, int64_t count,
                                       int64_t oldest),
                            void *userdata);

/* Queries select by 'pending' (and count 'failed'), the statuses the
 * store itself must know. */

/* In a transaction. The job succeeded on every node: status (done), and
 * its extension shows extension_state (provisioned), unless a later job
 * for it is pending. */
enum result store_job_done(struct store_conn *conn, const struct store_job *job,
                           enum jobs_status status, enum jobs_state extension_state);

/* In a transaction. An attempt failed with error: status is pending (due
 * again at next_attempt_at) or failed (given up for good); the extension
 * shows extension_state (pending or failed), the attempt count and the
 * error. */
enum result store_job_retry(struct store_conn *conn, const struct store_job *job,
                            enum jobs_status status, const char *error, int64_t next_attempt_at,
                            enum jobs_state extension_state);

/* Takes the cluster-wide singleton lock key on this connection if free
 * (a PostgreSQL advisory lock, held until the connection closes); *ret_held
 * says whether this connection holds it. On SQLite, always held. */
enum result store_singleton_try(struct store_conn *conn, int64_t key, bool *ret_held);

/* Whether this connection still holds key now. A PostgreSQL connection
 * that was lost and reset (a new server session) has lost its advisory
 * locks; so has one that cannot answer (*ret_held false, and the error).
 * Asked inside a transaction, the answer holds until its commit: the lock
 * cannot go without the session, and the session's end aborts the
 * transaction. On SQLite, always held. */
enum result store_singleton_held(struct store_conn *conn, int64_t key, bool *ret_held);

/* ---- live registration state (domain/live/) ------------------------- */

/* One registration (a binding, keyed by its call-id) of an extension on a
 * node, as the node's event stream said. cluster_id 0 is the default
 * cluster; node is "host:port". */
struct store_live_registration {
        int64_t cluster_id;
        char node[300];
        char extension[64];
        char call_id[256];
        char realm[256];
        char contact[512];
        char network_ip[64];
        int64_t network_port;
        char user_agent[256];
        int64_t expires_at;              /* epoch seconds */
};

/* In a transaction. The node's rows of extensions[0..n_ext) become
 * regs[0..n) (each reg's extension one of them; an extension without a
 * reg is not registered there any more). A few statements for a whole
 * batch, however many extensions. */
enum result store_live_registrations_set(struct store_conn *conn, int64_t cluster_id,
                                         const char *node, const char *const *extensions,
                                         size_t n_ext, const struct store_live_registration *regs,
                                         size_t n);

/* In a transaction. Deletes every registration row of the node (a
 * re-read replaces them all). */
enum result store_live_registrations_clear(struct store_conn *conn, int64_t cluster_id,
                                           const char *node);

/* Calls fn with every registration row of the node (what its last holder
 * wrote: a new holder starts from it). */
enum result store_live_registrations_node(struct store_conn *conn, int64_t cluster_id,
                                          const char *node,
                                          void (*fn)(void *userdata,
                                                     const struct store_live_registration *reg),
                                          void *userdata);

/* The node's stream: connected or not, heartbeat now. */
enum result store_live_stream_set(struct store_conn *conn, int64_t cluster_id, const char *node,
                                  bool connected);

/* A node no longer listened to: its stream row and its registrations go. */
enum result store_live_stream_delete(struct store_conn *conn, int64_t cluster_id,
                                     const char *node);

/* Calls fn with every stream row (connected means connected with a
 * heartbeat at or after fresh_after). */
enum result store_live_streams(struct store_conn *conn, int64_t fresh_after,
                               void (*fn)(void *userdata, int64_t cluster_id, const char *node,
                                          bool connected),
                               void *userdata);

/* What the listener checks of an extension that registers. */
struct store_live_extension {
        int64_t id, tenant_id;
        int64_t user_id;                 /* 0: free in the pool */
        int64_t cluster_id;              /* its tenant's (0: the default) */
        enum extension_status status;
        enum tenant_status tenant_status;
        char tenant_domain[256], cluster_domain[256];
        int64_t last_login_at;
};

/* RESULT_NOT_FOUND when no tenant's pool holds extension. */
enum result store_live_extension_get(struct store_conn *conn, const char *extension,
                                     struct store_live_extension *ret);

/* In a transaction: the extension registered at (its last_login_at). */
enum result store_live_extension_seen(struct store_conn *conn, const char *extension, int64_t at);

/* How many nodes of cluster_id have a connected stream with a heartbeat
 * at or after fresh_after. */
enum result store_live_cluster_streams(struct store_conn *conn, int64_t cluster_id,
                                       int64_t fresh_after, int64_t *ret_count);

/* For each of extensions[0..n): fn with its last_login_at and its
 * registrations on the connected nodes (fresh_after) of its tenant's
 * cluster, the newest first (reg NULL when it has none). */
enum result store_live_registrations_of(struct store_conn *conn, const char *const *extensions,
                                        size_t n, int64_t fresh_after,
                                        void (*fn)(void *userdata, const char *extension,
                                                   int64_t last_login_at,
                                                   const struct store_live_registration *reg),
                                        void *userdata);

/* Assigned extensions of tenant_id registered on a connected node of its
 * cluster (tenant_id 0: every tenant's, fn once per tenant that has any). */
enum result store_live_registered_count(struct store_conn *conn, int64_t tenant_id,
                                        int64_t fresh_after,
                                        void (*fn)(void *userdata, int64_t tenant_id,
                                                   const char *slug, int64_t count),
                                        void *userdata);

/* ---- FreeSWITCH clusters ---------------------------------------------- */

struct store_cluster {
        int64_t id;
        char name[STORE_NAME_MAX];
        char region[STORE_SHORT_MAX];
        enum fs_mode mode;
        char sip_domain[256];            /* "" = AGENTDESK_SIP_DOMAIN */
        char websocket_url[STORE_TEXT_MAX]; /* "" = AGENTDESK_SIP_WS_URL */
        enum cluster_status status;
        int64_t created_at, updated_at;
};

struct store_node {
        int64_t id;
        int64_t cluster_id;
        char name[STORE_SHORT_MAX];
        char esl_host[256];
        int64_t esl_port;
        char esl_password[STORE_TEXT_MAX]; /* sealed */
        char sofia_profile[STORE_SHORT_MAX];
        char ssh_target[300];            /* ssh mode: user@host[:port] */
        char conf_dir[STORE_TEXT_MAX];   /* push modes */
        enum cluster_status status;
        int64_t created_at, updated_at;
};

/* RESULT_CONFLICT when the name is taken. Sets id and timestamps. */
enum result store_cluster_insert(struct store_conn *conn, struct store_cluster *c);
enum result store_cluster_get(struct store_conn *conn, int64_t id, struct store_cluster *ret);
enum result store_cluster_list(struct store_conn *conn, struct store_page *page,
                               struct store_cluster **ret_items, size_t *ret_n);
enum result store_cluster_update(struct store_conn *conn, const struct store_cluster *c);
/* In a transaction. Deletes the cluster, its nodes and its jobs. */
enum result store_cluster_delete(struct store_conn *conn, int64_t id);
/* How many tenants (of any status) belong to cluster id. */
enum result store_cluster_tenant_count(struct store_conn *conn, int64_t id, int64_t *ret);

/* RESULT_CONFLICT when the cluster has a node of that name. */
enum result store_node_insert(struct store_conn *conn, struct store_node *n);
enum result store_node_get(struct store_conn *conn, int64_t cluster_id, int64_t id,
                           struct store_node *ret);
/* The nodes of cluster_id by id, at most max into ret. */
enum result store_node_list(struct store_conn *conn, int64_t cluster_id, struct store_node *ret,
                            size_t max, size_t *ret_n);
enum result store_node_update(struct store_conn *conn, const struct store_node *n);
enum result store_node_delete(struct store_conn *conn, int64_t cluster_id, int64_t id);

/* In a transaction. Moves tenant id to cluster_id (0 = the default). */
enum result store_tenant_set_cluster(struct store_conn *conn, int64_t id, int64_t cluster_id);

/* ---- live events (store/events.c) ------------------------------------------ */

/* One row of live_events. data is one JSON object, malloc'd. */
struct store_live_event {
        int64_t id;
        int64_t tenant_id;               /* 0: none */
        enum event_type type;
        int64_t user_id;                 /* 0: none */
        char *data;
        int64_t created_at;
};

/* Appends an event to conn's open transaction (outside one, in a
 * transaction of its own). The row is written at the commit, after every
 * other statement of the transaction; on PostgreSQL under a
 * transaction-level advisory lock taken then, so ids are given in commit
 * order, and that lock is always a transaction's last: a transaction that
 * holds it never waits for a row another one locked. */
enum result store_live_event_append(struct store_conn *conn, int64_t tenant_id,
                                    enum event_type type, int64_t user_id, const char *data);

/* The events after after_id, oldest first, at most max: *ret_items
 * (free with store_live_events_free), *ret_n. */
enum result store_live_events_after(struct store_conn *conn, int64_t after_id, int max,
                                    struct store_live_event **ret_items, size_t *ret_n);
void store_live_events_free(struct store_live_event *items, size_t n);

/* ---- webhooks (store/webhooks.c) -------------------------------------------- */

/* A tenant's webhook endpoint (webhook_endpoints). events is the types it
 * takes as ",a,b," (event_type names). secret is sealed
 * (credentials_seal). */
struct store_webhook {
        int64_t id;
        int64_t tenant_id;
        char url[STORE_TEXT_MAX];
        char description[STORE_NAME_MAX];
        char secret[STORE_TEXT_MAX];
        char events[STORE_TEXT_MAX];
        bool enabled;
        int64_t created_at, updated_at;
};

/* Inserts w (tenant_id, url, description, secret, events, enabled) and
 * reads it back into *w (id, times). */
enum result store_webhook_insert(struct store_conn *conn, struct store_webhook *w);
/* RESULT_NOT_FOUND when tenant_id has no endpoint id. */
enum result store_webhook_get(struct store_conn *conn, int64_t tenant_id, int64_t id,
                              struct store_webhook *ret);
/* A page of tenant_id's endpoints by id: *ret_items calloc'd (caller frees). */
enum result store_webhook_list(struct store_conn *conn, int64_t tenant_id, struct store_page *page,
                               struct store_webhook **ret_items, size_t *ret_n);
/* Writes url, description, events and enabled of w (found by id and
 * tenant_id); a disabled endpoint's pending deliveries become cancelled. */
enum result store_webhook_update(struct store_conn *conn, const struct store_webhook *w);
/* Deletes the endpoint and its deliveries; RESULT_NOT_FOUND when none. */
enum result store_webhook_delete(struct store_conn *conn, int64_t tenant_id, int64_t id);

/* One delivery (webhook_deliveries): an event for an endpoint, and the
 * outcome of its last attempt. event_id is the live event's id (0: a test
 * event, sent as the delivery's id negated). data is the event's data
 * (one JSON object), malloc'd, or NULL where a list leaves it out. With
 * the due rows, url and secret (sealed) are the endpoint's. */
struct store_webhook_delivery {
        int64_t id, endpoint_id, tenant_id, event_id;
        char type[STORE_SHORT_MAX];
        char *data;
        int64_t event_at;
        enum webhook_delivery_state state;
        int64_t attempts, next_attempt_ms, last_status, last_latency_ms;
        char last_error[STORE_TEXT_MAX];
        int64_t created_at, updated_at;
        char url[STORE_TEXT_MAX];
        char secret[STORE_TEXT_MAX];
};

/* Queues a test event (type "webhook.test", data data_json) for endpoint
 * endpoint_id of tenant_id, due now: *ret_id its delivery. */
enum result store_webhook_test_insert(struct store_conn *conn, int64_t tenant_id,
                                      int64_t endpoint_id, const char *data_json,
                                      int64_t *ret_id);
/* The pending deliveries due at now_ms of enabled endpoints, oldest first,
 * at most max: *ret_items calloc'd (free with store_webhook_deliveries_free).
 * With lock (PostgreSQL, in a transaction) the rows are locked, FOR
 * UPDATE SKIP LOCKED, until its end. */
enum result store_webhook_due(struct store_conn *conn, int64_t now_ms, bool lock, int max,
                              struct store_webhook_delivery **ret_items, size_t *ret_n);
/* Records an attempt's outcome of delivery d (state, attempts,
 * next_attempt_ms, last_status, last_latency_ms, last_error). */
enum result store_webhook_delivery_record(struct store_conn *conn,
                                          const struct store_webhook_delivery *d);
/* A page of endpoint_id's deliveries (of tenant_id), newest first,
 * without data. */
enum result store_webhook_delivery_list(struct store_conn *conn, int64_t tenant_id,
                                        int64_t endpoint_id, struct store_page *page,
                                        struct store_webhook_delivery **ret_items, size_t *ret_n);
void store_webhook_deliveries_free(struct store_webhook_delivery *items, size_t n);

/* ---- call records and daily usage (store/calls.c) -------------------------- */

/* One agent leg of a call (call_records). Times are epoch seconds, 0 =
 * not (yet). */
struct store_call {
        int64_t id;
        int64_t tenant_id;
        int64_t user_id;                 /* the agent who had the extension */
        char extension[16];
        char leg_uuid[64];               /* FreeSWITCH's Unique-ID: one row per leg */
        char call_uuid[64];              /* Channel-Call-UUID: the legs of one call share it */
        enum call_direction direction;
        bool placed;                     /* the agent dialled it (else was rung) */
        char caller[64], callee[64];
        int64_t cluster_id;              /* 0 = the default cluster */
        char node[300];                  /* "host:port" */
        int64_t started_at, answered_at, ended_at;
        int64_t talk_seconds;
        char end_cause[64];              /* "" while open */
        char codec[72];                  /* "" = unknown */
        int64_t mos_centi;               /* MOS × 100; -1 = unknown */
        int64_t party_user_id;           /* the other party, an agent of the tenant; 0 = none */
        char party_name[128];            /* the caller's name as FreeSWITCH gave it; "" */
        int64_t seen_at;                 /* a missed call the agent saw; 0 = not (yet) */
        /* Read only (the agent and the party's agent as the row is read): */
        char first_name[STORE_NAME_MAX], last_name[STORE_NAME_MAX];
        bool agent_deleted;              /* soft-deleted since */
        char party_first_name[STORE_NAME_MAX], party_last_name[STORE_NAME_MAX];
        bool party_deleted;
};

/* The extension numbered `extension` (numbers are unique across tenants):
 * its tenant and its agent (0 = free in the pool). RESULT_NOT_FOUND when
 * no pool has it. */
enum result store_extension_owner(struct store_conn *conn, const char *extension,
                                  int64_t *ret_tenant_id, int64_t *ret_user_id);

/* In a transaction. Inserts *c (all but id and the read-only fields)
 * unless a row of its leg_uuid exists (an event that repeats, another
 * node's listener first): *ret_inserted says which; either way *c is then
 * the stored row. */
enum result store_call_insert(struct store_conn *conn, struct store_call *c, bool *ret_inserted);

/* The row of leg_uuid; RESULT_NOT_FOUND. */
enum result store_call_get(struct store_conn *conn, const char *leg_uuid, struct store_call *ret);

/* In a transaction. Marks leg_uuid answered at answered_at unless it is
 * already answered or ended: *ret_changed says whether it was. */
enum result store_call_answer(struct store_conn *conn, const char *leg_uuid, int64_t answered_at,
                              bool *ret_changed);

/* In a transaction. Ends leg_uuid unless it already ended: ended_at,
 * talk_seconds, end_cause, codec ("" keeps NULL), mos_centi (-1: NULL),
 * and answered_at where it had none (0 leaves it). *ret_changed says
 * whether it was open. */
enum result store_call_end(struct store_conn *conn, const struct store_call *c,
                           bool *ret_changed);

/* The legs still open on node (of cluster_id), at most max leg_uuids into
 * ret (64 bytes each), *ret_n of them. */
enum result store_calls_open(struct store_conn *conn, int64_t cluster_id, const char *node,
                             char (*ret)[64], size_t max, size_t *ret_n);

struct store_call_filter {
        int64_t tenant_id;
        int64_t from, to;                /* started_at in [from, to); 0 = unbounded */
        int64_t user_id;                 /* 0 = any */
        bool active;                     /* only the open ones */
};

/* A page of filter's records, newest first; *ret_items malloc'd. */
enum result store_call_list(struct store_conn *conn, const struct store_call_filter *filter,
                            struct store_page *page, struct store_call **ret_items,
                            size_t *ret_n);

/* The missed calls of user_id (received, never answered, ended) that it
 * has not seen: *ret_n. */
enum result store_calls_unseen(struct store_conn *conn, int64_t user_id, int64_t *ret_n);

/* In a transaction. Marks every unseen missed call of user_id seen at
 * now: *ret_n how many were. */
enum result store_calls_mark_seen(struct store_conn *conn, int64_t user_id, int64_t now,
                                  int64_t *ret_n);

/* ---- presence (store/presence.c) ---------------------------------------- */

/* An agent of a tenant as the directory shows it (no email, no secret). */
struct store_presence {
        int64_t user_id;
        char first_name[STORE_NAME_MAX], last_name[STORE_NAME_MAX];
        enum user_role role;
        bool registered;                 /* a registration that counts (live_registrations) */
        bool on_call;                    /* a leg open that it placed or answered */
        bool on_break;                   /* its queue status */
        char extensions[4][16];          /* its first extensions, by number */
        size_t n_extensions;
};

/* A page of tenant_id's live agents by name (user_id 0) or the one agent
 * user_id (RESULT_NOT_FOUND when it is no live agent of tenant_id), with
 * the state presence derives from: registrations whose node's stream
 * beat at fresh_after or later, open calls, queue status. *ret_items
 * malloc'd. page NULL: no paging. */
enum result store_presence_list(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                                int64_t fresh_after, struct store_page *page,
                                struct store_presence **ret_items, size_t *ret_n);

/* In a transaction. Keeps presence as user_id's last published one
 * (since now): *ret_changed false when it already was (an agent without
 * a row was "offline"). */
enum result store_presence_set(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                               const char *presence, int64_t now, bool *ret_changed);

/* Open legs per tenant, for /metrics: fn once per tenant that has any. */
enum result store_calls_in_progress(struct store_conn *conn,
                                    void (*fn)(void *userdata, const struct store_tenant *t,
                                               int64_t open),
                                    void *userdata);

/* One day of one extension and agent's figures (call_usage); also a
 * group's sums (store_usage_list). */
struct store_usage {
        int64_t tenant_id;
        int64_t day;                     /* days since the epoch (UTC) */
        char extension[16];
        int64_t user_id;                 /* 0: none (a free extension, by extension) */
        int64_t calls_placed, calls_received, answered, missed, talk_seconds;
        /* Read only: the agent as the list reads it. */
        char first_name[STORE_NAME_MAX], last_name[STORE_NAME_MAX];
        bool agent_deleted;
};

/* In a transaction. Adds u's figures to its (tenant, day, extension,
 * agent) row, made when missing. */
enum result store_usage_add(struct store_conn *conn, const struct store_usage *u);

enum store_usage_group {
        STORE_USAGE_BY_DAY,              /* day; ordered by day */
        STORE_USAGE_BY_EXTENSION,        /* extension, and its agent now; by number */
        STORE_USAGE_BY_AGENT,            /* user_id, the agent then; by id */
};

/* The sums of tenant's days [from_day, to_day] by group; *ret_items
 * malloc'd (caller frees), *ret_n. */
enum result store_usage_list(struct store_conn *conn, int64_t tenant_id, int64_t from_day,
                             int64_t to_day, enum store_usage_group group,
                             struct store_usage **ret_items, size_t *ret_n);

/* Deletes, at most limit rows of each, call records that started before
 * calls_before and live events created before events_before. *ret_calls,
 * *ret_events count them (at limit: more may be left). */
enum result store_purge_calls(struct store_conn *conn, int64_t calls_before,
                              int64_t events_before, int64_t limit, int64_t *ret_calls,
                              int64_t *ret_events);
/* The newest event's id into *ret_id (0 when the log is empty). */
enum result store_live_events_last_id(struct store_conn *conn, int64_t *ret_id);

/* ---- live stream tickets (store/events.c) ---------------------------------- */

/* What a ticket opens: the stream, the session it is bound to, and the
 * tenant it is scoped to (0: every tenant's, a superadmin's). */
struct store_event_ticket {
        int64_t session_id;
        enum event_stream stream;
        int64_t tenant_id;
};

/* Records a ticket by the keyed hash of its secret, valid until
 * expires_at. */
enum result store_event_ticket_insert(struct store_conn *conn, const char *token_hash,
                                      const struct store_event_ticket *ticket, int64_t expires_at);

/* Takes the ticket of token_hash once: marks it used and fills *ret.
 * RESULT_NOT_FOUND when no such ticket, used, or expired at now (of two
 * callers racing for one ticket, one wins). */
enum result store_event_ticket_take(struct store_conn *conn, const char *token_hash, int64_t now,
                                    struct store_event_ticket *ret);

/* ---- audit log ----------------------------------------------------------- */

struct store_audit {
        int64_t id;
        int64_t tenant_id;               /* 0 = platform */
        int64_t actor_user_id;           /* 0 = the command line */
        char action[STORE_SHORT_MAX];
        char target_type[32];
        int64_t target_id;
        char details[2048];              /* a JSON object, no secrets */
        char client_ip[64];
        char request_id[72];
        char actor_email[STORE_EMAIL_MAX]; /* as it was when written; "" = none */
        char target_label[STORE_TEXT_MAX]; /* the target's name then; "" = none */
        int64_t created_at;
};

enum result store_audit_insert(struct store_conn *conn, const struct store_audit *a);

/* A page of a tenant's entries, newest first; *ret_items malloc'd. */
enum result store_audit_list(struct store_conn *conn, int64_t tenant_id, struct store_page *page,
                             struct store_audit **ret_items, size_t *ret_n);

/* ---- link tokens and the mail outbox ------------------------------------ */

/* A link token (set-password or reset link), known by its keyed hash. */
struct store_link {
        int64_t id;
        int64_t user_id;
        enum link_purpose purpose;
        char token_hash[65];
        int64_t expires_at, used_at, revoked_at, created_at;  /* 0 = not */
};

/* In a transaction. Records a link for user_id; sets *ret_id. */
enum result store_link_insert(struct store_conn *conn, int64_t user_id, enum link_purpose purpose,
                              const char *token_hash, int64_t expires_at, int64_t *ret_id);

/* The link with that keyed hash (whatever its state); RESULT_NOT_FOUND. */
enum result store_link_lookup(struct store_conn *conn, const char *token_hash,
                              struct store_link *ret);

/* In a transaction. Marks link id used at now, if it still is live;
 * RESULT_CONFLICT when it was used or revoked meanwhile (a racing use). */
enum result store_link_use(struct store_conn *conn, int64_t id, int64_t now);

/* A link to record: id is set by store_link_insert_many. */
struct store_link_new {
        int64_t user_id;
        enum link_purpose purpose;
        const char *token_hash;
        int64_t expires_at;
        int64_t id;
};

/* In a transaction. store_link_insert for each of the n links, many rows
 * a statement; sets each link's id (found by its token_hash, UNIQUE). */
enum result store_link_insert_many(struct store_conn *conn, struct store_link_new *links,
                                   size_t n);

/* store_link_revoke_user for each of the n users, many a statement. */
enum result store_link_revoke_users(struct store_conn *conn, const int64_t *user_ids, size_t n,
                                    int64_t now);

/* Revokes every live link of user_id (a newer link, a password set another
 * way, a suspension or deletion): they can never be used afterwards. */
enum result store_link_revoke_user(struct store_conn *conn, int64_t user_id, int64_t now);

/* One message of the outbox, with what rendering it needs. */
struct store_mail {
        int64_t id;
        int64_t tenant_id, user_id, link_id;     /* 0 = none */
        char template[32];               /* invitation | password_reset | password_changed */
        char recipient[STORE_EMAIL_MAX];
        char secret[STORE_TEXT_MAX];     /* the link's token, sealed; "" = none */
        int64_t attempts;
        int64_t link_expires_at;         /* 0 = no link */
        bool link_dead;                  /* its link was used or revoked */
        char first_name[STORE_NAME_MAX];
        char tenant_name[STORE_NAME_MAX];
};

/* Queries of the outbox select by 'queued' only, the one status the store
 * itself must know. */

/* In a transaction (that of the change causing the message). Queues a
 * message; status is queued, or dropped for a request that is kept only
 * so that every answer costs the same (forgot-password). */
enum result store_mail_insert(struct store_conn *conn, const struct store_mail *m,
                              enum mail_outbox_status status, int64_t *ret_id);

/* store_mail_insert for each of the n messages m (their ids not
 * returned), many rows a statement. */
enum result store_mail_insert_many(struct store_conn *conn, const struct store_mail *m, size_t n,
                                   enum mail_outbox_status status);

/*
 * Up to max queued messages due at now, oldest first, into ret. With
 * lock (PostgreSQL only; inside a transaction) the rows are locked FOR
 * UPDATE SKIP LOCKED until that transaction ends, so another node never
 * takes them meanwhile.
 */
enum result store_mail_due(struct store_conn *conn, int64_t now, bool lock, struct store_mail *ret,
                           int max, int *ret_n);

/* Queued password_reset requests not yet tied to a user (up to max ids
 * into ret): domain/mail/sender.c resolves each one. */
enum result store_mail_unresolved(struct store_conn *conn, int64_t *ret, int max, int *ret_n);

/* The request's recipient (lower-case email as typed). */
enum result store_mail_get(struct store_conn *conn, int64_t id, struct store_mail *ret);

/* In a transaction. Ties an unresolved request to its user and link
 * (secret sealed); RESULT_CONFLICT when another node did it first. */
enum result store_mail_resolve(struct store_conn *conn, int64_t id, int64_t tenant_id,
                               int64_t user_id, int64_t link_id, const char *secret);

/* Drops a queued message without sending it (a request nobody can
 * receive, a link that died before its message left), saying why: it
 * becomes dropped. */
enum result store_mail_drop(struct store_conn *conn, int64_t id, const char *reason);

/* Records an outcome with the server's reply: sent at now or, when not,
 * status (queued: due again at next_attempt_at; failed: for good). The
 * sealed secret is erased once the message is sent, and by a retry with
 * erase_secret (the last). */
enum result store_mail_sent(struct store_conn *conn, int64_t id, const char *reply, int64_t now);
enum result store_mail_retry(struct store_conn *conn, int64_t id, enum mail_outbox_status status,
                             bool erase_secret, const char *reply, int64_t next_attempt_at);

/* The newest invitation of user_id and what became of its message. */
struct store_invitation {
        bool has_mail;                   /* it has a message */
        enum mail_outbox_status mail_status; /* that message's status */
        int64_t sent_at;                 /* 0 = not sent */
        char last_reply[STORE_TEXT_MAX];
        int64_t expires_at, used_at, revoked_at, created_at;
};

/* RESULT_NOT_FOUND when the user was never invited. */
enum result store_invitation_last(struct store_conn *conn, int64_t user_id,
                                  struct store_invitation *ret);

/* Gauges for /metrics and doctor (domain/health/health.c sums them): calls fn
 * for each template (borrowed for the call) and status with its count of
 * messages and the created_at of its oldest. A status that does not
 * decode stops the calls there with RESULT_STORE. */
enum result store_mail_stats(struct store_conn *conn,
                             void (*fn)(void *userdata, const char *template,
                                        enum mail_outbox_status status, int64_t count,
                                        int64_t oldest),
                             void *userdata);

/* ---- queues (store/queues.c) ------------------------------------------- */

/* A queue of a tenant (mod_callcenter's q<id>). Text fields "" = none:
 * moh_sound (the node's hold music), announce_sound, timeout_extension. */
struct store_queue {
        int64_t id;
        int64_t tenant_id;
        char name[STORE_NAME_MAX];
        char number[16];                 /* digits */
        enum queue_strategy strategy;
        char moh_sound[256];
        int64_t max_wait_s, no_agent_max_wait_s;
        enum queue_timeout_action timeout_action;
        int64_t timeout_queue_id;        /* 0 = none */
        char timeout_extension[16];
        bool tier_rules_apply;
        int64_t tier_rule_wait_s;
        bool tier_rule_wait_multiply_level;
        bool tier_rule_no_agent_no_wait;
        char announce_sound[256];
        int64_t announce_frequency_s;
        int64_t members;                 /* read only: how many members it has */
        enum jobs_state provisioning;    /* read only: set by its jobs */
        int64_t provisioning_attempts;
        char provisioning_error[STORE_TEXT_MAX];
        int64_t created_at, updated_at;
};

/* In a transaction. Inserts every settable field of *q (provisioning
 * pending) and reads the row back into it (id, timestamps).
 * RESULT_CONFLICT when the tenant has a queue of that name or number. */
enum result store_queue_insert(struct store_conn *conn, struct store_queue *q);

/* The queue id of tenant_id; RESULT_NOT_FOUND when absent or another
 * tenant's. */
enum result store_queue_get(struct store_conn *conn, int64_t tenant_id, int64_t id,
                            struct store_queue *ret);

/* A page of tenant_id's queues by name (then id); *ret_items malloc'd,
 * caller frees. */
enum result store_queue_list(struct store_conn *conn, int64_t tenant_id, struct store_page *page,
                             struct store_queue **ret_items, size_t *ret_n);

/* In a transaction. Writes every settable field of *q (the row q->id of
 * q->tenant_id) and its updated_at; RESULT_NOT_FOUND when there is no such
 * row, RESULT_CONFLICT as on insert. */
enum result store_queue_update(struct store_conn *conn, const struct store_queue *q);

/* In a transaction. Deletes queue id of tenant_id and its members;
 * RESULT_NOT_FOUND when there is none. */
enum result store_queue_delete(struct store_conn *conn, int64_t tenant_id, int64_t id);

/* Whether another queue of tenant_id than except_id (0: none) has the
 * name (*ret_name) or the number (*ret_number); NULL name or number is
 * not asked. */
enum result store_queue_taken(struct store_conn *conn, int64_t tenant_id, int64_t except_id,
                              const char *name, const char *number, bool *ret_name,
                              bool *ret_number);

/* Whether queue id is named by an inbound number or by another queue's
 * timeout (then it cannot be deleted). */
enum result store_queue_in_use(struct store_conn *conn, int64_t id, bool *ret_in_use);

#define STORE_QUEUE_MEMBERS_MAX 500

/* A member of a queue (a tier of mod_callcenter): the agent, its level and
 * position, and what a list shows of it. */
struct store_queue_member {
        int64_t user_id;
        int64_t level, position;
        char first_name[STORE_NAME_MAX];
        char last_name[STORE_NAME_MAX];
        enum user_status user_status;
        enum queue_status status;        /* its queue_agents row's; logged out without one */
        char extensions[STORE_MAX_EXTENSIONS_PER_USER][16]; /* by number */
        size_t n_extensions;
};

/* The members of queue_id by level, position, then user id, with their
 * extensions (two statements); *ret malloc'd, caller frees. A deleted
 * user is no member (nor counted in store_queue.members) though its row
 * may stay until the list is next replaced. */
enum result store_queue_members(struct store_conn *conn, int64_t queue_id,
                                struct store_queue_member **ret, size_t *ret_n);

/* In a transaction. The members of queue_id become members[0..n) (their
 * user_id, level and position; the caller has checked them). */
enum result store_queue_members_set(struct store_conn *conn, int64_t queue_id,
                                    const struct store_queue_member *members, size_t n);

/* A queue an agent is a member of. */
struct store_user_queue {
        int64_t id;
        char name[STORE_NAME_MAX];
        char number[16];
        int64_t level, position;
};

/* The queues user_id is a member of, by name; *ret malloc'd, caller frees. */
enum result store_user_queues(struct store_conn *conn, int64_t user_id,
                              struct store_user_queue **ret, size_t *ret_n);

/* The live users of tenant_id that mod_callcenter may know as agents: a
 * member of a queue, or with a queue_agents row; by id. *ret malloc'd,
 * caller frees. */
enum result store_queue_agent_ids(struct store_conn *conn, int64_t tenant_id, int64_t **ret,
                                  size_t *ret_n);

/* The tenant's defaults for queue agents (tenants.queue_wrap_up_s and
 * queue_max_no_answer): what an agent without its own values gets. */
enum result store_tenant_queue_defaults(struct store_conn *conn, int64_t tenant_id,
                                        int64_t *ret_wrap_up_s, int64_t *ret_max_no_answer);

/* In a transaction. Sets them; RESULT_NOT_FOUND for no such tenant. */
enum result store_tenant_set_queue_defaults(struct store_conn *conn, int64_t tenant_id,
                                            int64_t wrap_up_s, int64_t max_no_answer);

#define STORE_BREAK_REASONS_MAX 20
#define STORE_BREAK_REASON_SIZE 164      /* 40 characters of UTF-8, NUL */

/* The tenant's break reasons in order into ret (STORE_BREAK_REASONS_MAX
 * of them at most): its own, or without any the defaults "Break",
 * "Lunch", "Training". */
enum result store_break_reasons(struct store_conn *conn, int64_t tenant_id,
                                char ret[STORE_BREAK_REASONS_MAX][STORE_BREAK_REASON_SIZE],
                                size_t *ret_n);

/* In a transaction. The tenant's reasons become names[0..n) in that order
 * (1..STORE_BREAK_REASONS_MAX, checked by the caller). */
enum result store_break_reasons_set(struct store_conn *conn, int64_t tenant_id,
                                    const char *const *names, size_t n);

/* An inbound number (E.164) of a tenant, routed to one of its queues or
 * one of its extensions. */
struct store_inbound_number {
        int64_t id;
        int64_t tenant_id;
        char number[20];                 /* "+" and up to 15 digits */
        int64_t queue_id;                /* 0 = none: extension */
        char extension[16];              /* "" = none: queue */
        int64_t created_at;
};

/* In a transaction. Inserts *n, sets its id and created_at.
 * RESULT_CONFLICT when any tenant has that number. */
enum result store_inbound_number_insert(struct store_conn *conn, struct store_inbound_number *n);

/* The number id of tenant_id; RESULT_NOT_FOUND when absent or another
 * tenant's. */
enum result store_inbound_number_get(struct store_conn *conn, int64_t tenant_id, int64_t id,
                                     struct store_inbound_number *ret);

/* A page of tenant_id's numbers by number; *ret_items malloc'd, caller
 * frees. */
enum result store_inbound_number_list(struct store_conn *conn, int64_t tenant_id,
                                      struct store_page *page,
                                      struct store_inbound_number **ret_items, size_t *ret_n);

/* In a transaction. RESULT_NOT_FOUND when tenant_id has no number id. */
enum result store_inbound_number_delete(struct store_conn *conn, int64_t tenant_id, int64_t id);

/* Whether any tenant holds number. */
enum result store_inbound_number_taken(struct store_conn *conn, const char *number,
                                       bool *ret_taken);

/* ---- idempotency keys (store/idempotency.c) ------------------------------ */

/* A create's first answer under an Idempotency-Key. */
struct store_idempotency {
        char request_digest[65];
        int64_t status;
        char *body;                      /* sealed; malloc'd, the caller frees */
};

/* The unexpired answer saved for (tenant_id, user_id, route, key) at now
 * into *ret; RESULT_NOT_FOUND when none. */
enum result store_idempotency_get(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                                  const char *route, const char *key, int64_t now,
                                  struct store_idempotency *ret);

/* Saves one (an expired one under the same key is replaced), to expire at
 * expires_at; RESULT_CONFLICT when an unexpired one is there. */
enum result store_idempotency_insert(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                                     const char *route, const char *key,
                                     const struct store_idempotency *answer, int64_t now,
                                     int64_t expires_at);

/* ---- purge (store/purge.c) ---------------------------------------------- */

/* Rows deleted by one store_purge, by table. */
struct store_purged {
        int64_t mail_outbox, link_tokens, sessions, login_throttle, event_tickets;
        int64_t webhook_deliveries;
        int64_t idempotency_keys;        /* expired before `before` */
};

/*
 * Deletes, at most limit rows of each table, what is past its use:
 * messages no longer queued, last updated before `before`, whose link (if
 * any) expired, was used or revoked before it; links that expired, were
 * used or revoked before it, once no message refers to them; sessions that
 * expired or were revoked before it; stream tickets that expired before
 * it; webhook deliveries no longer pending, last updated before it (the
 * delivery log); throttle counts whose window started
 * before throttle_before. *ret counts what went (a table at limit: more
 * may be left).
 */
enum result store_purge(struct store_conn *conn, int64_t before, int64_t throttle_before,
                        int64_t limit, struct store_purged *ret);

/* ---- the board (store/board.c) ---------------------------------------------
 * What mod_callcenter says as it happens (domain/board/), written by the
 * listener's holder in its batches and read by every process: the callers
 * in a queue (queue_callers), each agent's activity (queue_activity), and
 * a queue's counts per UTC day (queue_day_counts). */

struct store_board_caller {
        char member_uuid[64];            /* mod_callcenter's CC-Member-UUID: the key */
        int64_t queue_id, tenant_id;
        char session_uuid[64];           /* the caller's channel */
        char caller_number[64];
        char caller_name[128];
        int64_t joined_at;
        enum queue_caller_state state;
        int64_t agent_user_id;           /* the agent offered it or talking; 0 none */
        char agent_uuid[64];             /* the agent's leg once bridged */
        int64_t cluster_id;              /* the node that holds it */
        char node[300];
};

/* Inserts c, or rewrites the row of its member_uuid. */
enum result store_board_caller_put(struct store_conn *conn, const struct store_board_caller *c);

/* RESULT_NOT_FOUND when no such caller. */
enum result store_board_caller_get(struct store_conn *conn, const char *member_uuid,
                                   struct store_board_caller *ret);

/* Deletes the caller; *ret_deleted (may be NULL) says whether it was there. */
enum result store_board_caller_delete(struct store_conn *conn, const char *member_uuid,
                                      bool *ret_deleted);

/* The callers of queue_id, longest waiting first: *ret_items calloc'd
 * (caller frees), at most max. */
enum result store_board_callers(struct store_conn *conn, int64_t queue_id, size_t max,
                                struct store_board_caller **ret_items, size_t *ret_n);

/* The callers a node holds (every queue): *ret_items calloc'd. */
enum result store_board_callers_of_node(struct store_conn *conn, int64_t cluster_id,
                                        const char *node, struct store_board_caller **ret_items,
                                        size_t *ret_n);

struct store_board_activity {
        int64_t user_id, tenant_id;
        enum queue_activity state;
        int64_t since;
        int64_t wrap_up_ends_at;         /* QUEUE_ACTIVITY_WRAP_UP: when it ends; else 0 */
        int64_t queue_id;                /* the queue of its last offer or call; 0 none */
};

/* RESULT_NOT_FOUND when FreeSWITCH never said. */
enum result store_board_activity_get(struct store_conn *conn, int64_t user_id,
                                     struct store_board_activity *ret);

/* Inserts or rewrites a's row. */
enum result store_board_activity_put(struct store_conn *conn, const struct store_board_activity *a);

/* a as it stands at now: a wrap-up whose end has passed, or that the
 * agent ended with "Ready" (ready_requested), is waiting again (since its
 * end, or now). */
void store_board_activity_now(struct store_board_activity *a, bool ready_requested, int64_t now);

/* A queue's counts of one UTC day (day: epoch seconds / 86400). */
struct store_board_day {
        int64_t offered, answered, abandoned;
        int64_t wait_s;                  /* the total wait of the answered */
};

/* Adds delta to queue_id's counts of day. */
enum result store_board_day_add(struct store_conn *conn, int64_t queue_id, int64_t day,
                                const struct store_board_day *delta);

/* Zeros when the day has none. */
enum result store_board_day_get(struct store_conn *conn, int64_t queue_id, int64_t day,
                                struct store_board_day *ret);

/* The tenant of a queue (RESULT_NOT_FOUND: no such queue), of a user. */
enum result store_board_queue_tenant(struct store_conn *conn, int64_t queue_id, int64_t *ret_tenant_id);
enum result store_board_user_tenant(struct store_conn *conn, int64_t user_id, int64_t *ret_tenant_id);

/* One member of a queue for the board: its status as agentdesk stored it
 * (none: logged out) and its activity (none: FreeSWITCH never said). */
struct store_board_agent {
        int64_t user_id;
        char first_name[STORE_NAME_MAX];
        char last_name[STORE_NAME_MAX];
        bool has_status;
        enum queue_status status;
        char reason[STORE_NAME_MAX];
        int64_t status_since;            /* the user's created_at when no status */
        bool has_activity;
        struct store_board_activity activity;
};

/* The members of queue_id (not deleted), by user id: *ret_items calloc'd. */
enum result store_board_agents(struct store_conn *conn, int64_t queue_id,
                                    struct store_board_agent **ret_items, size_t *ret_n);


/* ---- what FreeSWITCH must know of queues (store/callcenter.c) ----------
 * Reads for the configuration binding, the dialplan and the reconciler's
 * queue jobs: each row joined with what rendering it needs (its tenant's
 * status, realm parts and cluster). The queues' own CRUD is
 * store/queues.c's. */

struct store_cc_queue {
        int64_t id, tenant_id, cluster_id;
        enum tenant_status tenant_status;
        char tenant_domain[256], cluster_domain[256];
        char number[32];
        enum queue_strategy strategy;
        char moh_sound[STORE_TEXT_MAX];  /* "" = $${hold_music} */
        int64_t max_wait_s, no_agent_max_wait_s;
        enum queue_timeout_action timeout_action;
        int64_t timeout_queue_id;
        char timeout_number[32];         /* that queue's number; "" when gone */
        char timeout_extension[32];
        bool tier_rules_apply, tier_rule_wait_multiply_level, tier_rule_no_agent_no_wait;
        int64_t tier_rule_wait_s;
        char announce_sound[STORE_TEXT_MAX];
        int64_t announce_frequency_s;
};

/* Queue id, RESULT_NOT_FOUND when there is none (deleted). */
enum result store_cc_queue_get(struct store_conn *conn, int64_t id, struct store_cc_queue *ret);

/* The queues of tenant_id by number (tenant_id 0: of every tenant of
 * cluster_id, by id); *ret calloc'd (caller frees). */
enum result store_cc_queues(struct store_conn *conn, int64_t tenant_id, int64_t cluster_id,
                            struct store_cc_queue **ret, size_t *ret_n);

/* A tier: user_id in queue_id. */
struct store_cc_member {
        int64_t queue_id, user_id, level, position;
};

/* The members of queue_id by user; *ret calloc'd. */
enum result store_cc_members(struct store_conn *conn, int64_t queue_id,
                             struct store_cc_member **ret, size_t *ret_n);

/* An agent as mod_callcenter gets it: its user's and tenant's state, its
 * status row (or the defaults), its settings with the tenant's defaults
 * applied, and how many queues it is a member of. */
struct store_cc_agent {
        int64_t user_id, tenant_id, cluster_id;
        enum user_status user_status;
        enum tenant_status tenant_status;
        char tenant_domain[256], cluster_domain[256];
        bool has_status;                 /* a queue_agents row */
        enum queue_status status;        /* logged_out without a row */
        int64_t wrap_up_s;               /* in force; 0 while "Ready" is asked */
        int64_t max_no_answer;
        int64_t n_queues;
};

/* RESULT_NOT_FOUND when user id is no user of a tenant. */
enum result store_cc_agent_get(struct store_conn *conn, int64_t user_id, struct store_cc_agent *ret);

/* The agents mod_callcenter may hold for the tenants of cluster_id: every
 * user with a status row or a membership, by id; *ret calloc'd. */
enum result store_cc_agent_ids(struct store_conn *conn, int64_t cluster_id, int64_t **ret,
                               size_t *ret_n);

/* The clusters (0 = the default) with queue state: a tenant of theirs has
 * a queue or an agent's status row; *ret calloc'd. */
enum result store_cc_queue_clusters(struct store_conn *conn, int64_t **ret, size_t *ret_n);

/* The active extensions of user_id (assigned to it, active), in order, at
 * most max of 32 bytes each into ret. */
enum result store_cc_agent_extensions(struct store_conn *conn, int64_t user_id, char (*ret)[32],
                                      size_t max, size_t *ret_n);

/* An extension of tenant_id held by a member of one of its queues (the
 * dialplan tracks direct calls to it: callcenter_track u<user_id>). */
struct store_cc_track {
        int64_t user_id;
        char extension[32];
};

enum result store_cc_tracks(struct store_conn *conn, int64_t tenant_id,
                            struct store_cc_track **ret, size_t *ret_n);

/* An inbound number with its tenant and destination. */
struct store_cc_number {
        int64_t id, tenant_id, cluster_id;
        enum tenant_status tenant_status;
        char tenant_domain[256], cluster_domain[256];
        char number[32];
        int64_t queue_id;
        char queue_number[32];           /* "" when routed to an extension */
        char extension[32];
};

/* The inbound number written number (E.164 with its '+'). */
enum result store_cc_number_find(struct store_conn *conn, const char *number,
                                 struct store_cc_number *ret);

/* The inbound numbers of the tenants of cluster_id, by number; *ret
 * calloc'd. */
enum result store_cc_numbers(struct store_conn *conn, int64_t cluster_id,
                             struct store_cc_number **ret, size_t *ret_n);
/* ---- queue agents (store/queue_agents.c) -------------------------------- */

/*
 * What mod_callcenter says an agent is doing now (openapi.yaml,
 * QueueActivity): the board's queue_activity row (domain/board/, its
 * migration "queue live"), read by store_queue_agent_get as it stands now
 * (store_board_activity_now); `known` false when the board has none.
 */
struct store_queue_activity {
        bool known;
        char state[16];                  /* idle, waiting, receiving, in_queue_call, wrap_up */
        int64_t since;
        int64_t wrap_up_ends_at;         /* 0 = none */
        int64_t queue_id;                /* 0 = none */
};

/*
 * An agent's status for queue calls and its own settings (queue_agents),
 * with what they fall back to: an agent without a row is logged out since
 * its user was created, changed by "agent", with the tenant's defaults
 * (tenants.queue_wrap_up_s, queue_max_no_answer) and nothing for
 * FreeSWITCH to apply (provisioned).
 */
struct store_queue_agent {
        int64_t user_id;
        int64_t tenant_id;               /* the user's (0: a platform superadmin) */
        enum user_role role;
        enum user_status user_status;
        enum tenant_status tenant_status; /* active for a user without a tenant */
        bool stored;                     /* it has a queue_agents row */
        enum queue_status status;
        char reason[STORE_NAME_MAX];     /* "" = none (only on_break has one) */
        int64_t since;                   /* in this status since */
        enum queue_actor changed_by;
        int64_t changed_by_user_id;      /* 0 = none (FreeSWITCH, the system, or gone) */
        int64_t missed_offers;           /* changed_by freeswitch: what caused it; else -1 */
        int64_t wrap_up_s_own;           /* -1 = the tenant's */
        int64_t max_no_answer_own;       /* -1 = the tenant's */
        int64_t wrap_up_s;               /* in force */
        int64_t max_no_answer;           /* in force */
        bool ready_requested;            /* "Ready": wrap_up_time 0 until the next bridge */
        enum jobs_state provisioning;
        int64_t provisioning_attempts;
        char provisioning_error[STORE_TEXT_MAX];
        struct store_queue_activity activity;
};

/*
 * The queue state of user user_id (any tenant, any status; RESULT_NOT_FOUND
 * when there is no such user). With lock (in a transaction) the user's row
 * and its tenant's are locked where the backend has row locks (PostgreSQL:
 * the user's FOR NO KEY UPDATE, the tenant's FOR SHARE; SQLite's writer
 * holds the file), so that two changes of one agent's status run one after
 * the other and neither runs beside a suspension of the agent or its
 * tenant: what it reads stays true until its commit.
 */
enum result store_queue_agent_get(struct store_conn *conn, int64_t user_id, bool lock,
                                  struct store_queue_agent *ret);

/*
 * In a transaction: locks the rows provisioning states are written to, in
 * the one order every transaction takes them (agent_extensions by id,
 * then queues by id, then queue_agents by user id, each ascending;
 * PostgreSQL FOR NO KEY UPDATE, a no-op on SQLite, whose writer holds the
 * file). A transaction that writes several of them takes this first (the
 * reconciler recording its outcomes, a members change, a queue's
 * deletion); the others take at most one agent's, its extensions before
 * its queue_agents row (a suspension). So two of them wait for each other
 * instead of deadlocking. The arrays are not changed; ids may repeat.
 */
enum result store_provisioning_rows_lock(struct store_conn *conn, const int64_t *extension_ids,
                                         size_t n_extensions, const int64_t *queue_ids,
                                         size_t n_queues, const int64_t *user_ids, size_t n_users);

/* A status to record (store_queue_agent_set_status). */
struct store_queue_status_change {
        int64_t tenant_id, user_id;
        enum queue_status status;
        const char *reason;              /* "" or NULL = none */
        int64_t since;
        enum queue_actor changed_by;
        int64_t changed_by_user_id;      /* 0 = none */
        int64_t missed_offers;           /* < 0 = none */
};

/* In a transaction. Writes the agent's status (its row made when it has
 * none). A new status clears ready_requested (the same status keeps it). */
enum result store_queue_agent_set_status(struct store_conn *conn,
                                         const struct store_queue_status_change *c);

/* In a transaction. Sets the agent's own wrap-up time and no-answer limit
 * (< 0: the tenant's), its row made (logged out since the user was
 * created) when it has none. */
enum result store_queue_agent_set_settings(struct store_conn *conn, int64_t tenant_id,
                                           int64_t user_id, int64_t wrap_up_s,
                                           int64_t max_no_answer);

/* Sets or clears ready_requested on the agent's row; RESULT_NOT_FOUND when
 * it has none (a logged-out agent has no after-call work). */
enum result store_queue_agent_set_ready(struct store_conn *conn, int64_t user_id, bool ready);

/* The users of tenant_id whose queue status is not logged out, by id;
 * *ret calloc'd (caller frees; NULL when none). */
enum result store_queue_agents_signed_in(struct store_conn *conn, int64_t tenant_id,
                                         int64_t **ret, size_t *ret_n);

/* A queue an agent is a member of, with its tier. */
struct store_agent_queue {
        int64_t id;
        char name[STORE_NAME_MAX];
        char number[32];
        int64_t level, position;
};

/* The queues user_id is a member of, by name; *ret calloc'd (caller
 * frees; NULL when none). */
enum result store_queue_agent_queues(struct store_conn *conn, int64_t user_id,
                                     struct store_agent_queue **ret, size_t *ret_n);

/* ---- SCIM: tokens, externalIds, the role mapping (store/scim.c) ------- */

/* A tenant's SCIM bearer token, without its secret. */
struct store_scim_token {
        int64_t id, tenant_id;
        char name[STORE_NAME_MAX];
        int64_t created_by;              /* the admin's user id; 0 when gone or the CLI */
        int64_t created_at, last_used_at;   /* last_used_at 0: never */
};

/* Inserts a token of t->tenant_id named t->name, kept as token_hash (a
 * keyed hash of the secret); sets t->id and t->created_at. */
enum result store_scim_token_insert(struct store_conn *conn, struct store_scim_token *t,
                                    const char *token_hash);

/* The tenant's tokens not revoked, by id; *ret calloc'd (caller frees). */
enum result store_scim_token_list(struct store_conn *conn, int64_t tenant_id,
                                  struct store_scim_token **ret, size_t *ret_n);

/* Revokes token id of tenant_id; RESULT_NOT_FOUND when it is not a live
 * token of that tenant. */
enum result store_scim_token_revoke(struct store_conn *conn, int64_t tenant_id, int64_t id);

/* The live token whose hash is token_hash, of an active tenant; its
 * last_used_at is set to now when it was older than a minute (one write
 * per token and minute, not per request). RESULT_NOT_FOUND otherwise. */
enum result store_scim_token_use(struct store_conn *conn, const char *token_hash, int64_t now,
                                 struct store_scim_token *ret);

/* Sets the identity provider's externalId of user_id (of tenant_id). */
enum result store_scim_external_id_set(struct store_conn *conn, int64_t tenant_id,
                                       int64_t user_id, const char *external_id);

/* user_id's externalId into ret (STORE_TEXT_MAX bytes), "" when none. */
enum result store_scim_external_id_get(struct store_conn *conn, int64_t user_id,
                                       char ret[STORE_TEXT_MAX]);

/* What store_scim_users_find matches on. */
enum store_scim_match {
        STORE_SCIM_MATCH_ALL,
        STORE_SCIM_MATCH_EMAIL,          /* value: a lower-case email */
        STORE_SCIM_MATCH_EXTERNAL_ID,    /* value: exactly */
};

/* A page (page->offset, page->limit; page->total set) of the ids of the
 * tenant's users that are not deleted, by id, matching value as match
 * says; *ret calloc'd (caller frees; NULL when none). */
enum result store_scim_users_find(struct store_conn *conn, int64_t tenant_id,
                                  enum store_scim_match match, const char *value,
                                  struct store_page *page, int64_t **ret, size_t *ret_n);

/* The tenant's role mapping: which SCIM attribute names the role ("" none,
 * the domain says which names are allowed) and a JSON object of that
 * attribute's values to roles. */
#define STORE_SCIM_ROLE_MAP_MAX 4096
struct store_scim_settings {
        char role_attribute[64];
        char role_map[STORE_SCIM_ROLE_MAP_MAX];
};

/* The tenant's settings; the defaults ("", "{}") when never set. */
enum result store_scim_settings_get(struct store_conn *conn, int64_t tenant_id,
                                    struct store_scim_settings *ret);
enum result store_scim_settings_set(struct store_conn *conn, int64_t tenant_id,
                                    const struct store_scim_settings *s);
/* ---- single sign-on (domain/identity/sso.c) --------------------------- */

#define STORE_SSO_MAX_DOMAINS 16

/* A tenant's OpenID provider. */
struct store_sso {
        int64_t tenant_id;
        char issuer[STORE_TEXT_MAX];
        char client_id[STORE_TEXT_MAX];
        char client_secret[STORE_TEXT_MAX];  /* sealed, as stored */
        char display_name[STORE_NAME_MAX];
        char domains[STORE_SSO_MAX_DOMAINS][STORE_SHORT_MAX * 4]; /* lower-case */
        size_t n_domains;
        bool password_login;                 /* password logins still allowed */
        bool jit_accounts;                   /* unknown users created (role agent) */
        int64_t updated_at;
};

/* The provider of tenant_id (RESULT_NOT_FOUND: none). */
enum result store_sso_get(struct store_conn *conn, int64_t tenant_id, struct store_sso *ret);

/* The provider of the tenant that holds the (lower-case) email domain
 * (RESULT_NOT_FOUND: no tenant does). */
enum result store_sso_get_by_domain(struct store_conn *conn, const char *domain,
                                    struct store_sso *ret);

/* In a transaction. Creates or replaces s (updated_at set here) and its
 * domains; RESULT_CONFLICT when another tenant holds one of the domains. */
enum result store_sso_put(struct store_conn *conn, const struct store_sso *s);

/* In a transaction. Removes the provider of tenant_id, its domains and
 * the flows under way (RESULT_NOT_FOUND: none). */
enum result store_sso_delete(struct store_conn *conn, int64_t tenant_id);

/* The user linked to (issuer, subject) (RESULT_NOT_FOUND: none). */
enum result store_identity_user(struct store_conn *conn, const char *issuer, const char *subject,
                                int64_t *ret_user_id);

/* Links (issuer, subject) to user_id; RESULT_CONFLICT when already linked. */
enum result store_identity_link(struct store_conn *conn, const char *issuer, const char *subject,
                                int64_t user_id);

/* Removes the link of (issuer, subject), whoever it names. */
enum result store_identity_unlink(struct store_conn *conn, const char *issuer,
                                  const char *subject);

/* A sign-on under way, found by the keyed hash of its state. */
struct store_oidc_flow {
        int64_t tenant_id;
        char binding_hash[65];               /* keyed hash of the browser's cookie */
        char nonce_hash[65];                 /* keyed hash of the nonce */
        char verifier[STORE_TEXT_MAX];       /* the PKCE verifier, sealed */
        int64_t expires_at;
};

enum result store_oidc_flow_insert(struct store_conn *conn, const char *state_hash,
                                   const struct store_oidc_flow *f);

/* Deletes the flow of state_hash and returns it: a state is used once,
 * whatever comes of it (RESULT_NOT_FOUND: unknown or already used). */
enum result store_oidc_flow_take(struct store_conn *conn, const char *state_hash,
                                 struct store_oidc_flow *ret);

enum result store_oidc_code_insert(struct store_conn *conn, const char *code_hash,
                                   int64_t user_id, int64_t expires_at);

/* Deletes the one-time code of code_hash and returns its user and expiry
 * (RESULT_NOT_FOUND: unknown or already used). */
enum result store_oidc_code_take(struct store_conn *conn, const char *code_hash,
                                 int64_t *ret_user_id, int64_t *ret_expires_at);

/* Deletes flows and codes that expired before now. */
enum result store_oidc_purge(struct store_conn *conn, int64_t now);
/* ---- agent imports (store/imports.c) ---- */

/* An import of a CSV file of agents (domain/identity/imports.h). */
struct store_import {
        int64_t id, tenant_id;
        char status[16];                 /* running | done | failed */
        int64_t total, done;             /* rows of the file; rows created so far */
        char *result;                    /* the answer's JSON once finished, else NULL (owned) */
        bool has_passwords;              /* temporary passwords wait for their download */
        int64_t created_at, updated_at;
};

/* Outside a transaction: a running import of tenant_id with total rows
 * (user_id 0: no user). RESULT_CONFLICT when the tenant has one running. */
enum result store_import_start(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                               int64_t total, int64_t *ret_id);

/* Ends an import: done (ok) or failed, its answer's JSON and its sealed
 * temporary passwords (NULL: none). In the import's own transaction for
 * done (the agents and "done" commit together), outside it for failed. */
enum result store_import_finish(struct store_conn *conn, int64_t id, bool ok, int64_t done,
                                const char *result_json, const char *sealed_passwords);

/* Import id of tenant_id (RESULT_NOT_FOUND for another tenant's). Free
 * *ret with store_import_free(). */
enum result store_import_get(struct store_conn *conn, int64_t tenant_id, int64_t id,
                             struct store_import *ret);
void store_import_free(struct store_import *im);

/* Erases the undownloaded temporary passwords of at most limit imports
 * that ended (done or failed) before `before`; *ret_n counts them. The
 * purge's: an admin who never downloads them does not leave them sealed
 * in the store for good. */
enum result store_import_purge_passwords(struct store_conn *conn, int64_t before, int64_t limit,
                                         int64_t *ret_n);

/* Outside a transaction: the sealed temporary passwords of a finished
 * import, erased from the store as they are read (*ret_sealed malloc'd,
 * caller frees). RESULT_NOT_FOUND (absent, another tenant's, not done),
 * RESULT_CONFLICT when they were taken already or there were none. */
enum result store_import_take_passwords(struct store_conn *conn, int64_t tenant_id, int64_t id,
                                        char **ret_sealed);

/* Marks failed the tenant's running imports not updated since before (a
 * node that died mid-import must not block the tenant for ever). */
enum result store_import_fail_stale(struct store_conn *conn, int64_t tenant_id, int64_t before);

#endif
