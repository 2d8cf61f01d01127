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
 */
#ifndef AGENTDESK_STORE_STORE_H
#define AGENTDESK_STORE_STORE_H

#include <stdbool.h>
#include <stdint.h>

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
 * NULL) receives how many ran; 0 means the schema was current. */
enum result store_migrate(struct store *store, int *ret_applied);

/* The calling thread's connection; opened on first use. */
enum result store_conn_get(struct store *store, struct store_conn **ret_conn);

/* Releases the calling thread's connection early (a thread about to exit). */
void store_conn_release(struct store *store);

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

/* ---- tenants ---------------------------------------------------------- */

struct store_tenant {
        int64_t id;
        char name[STORE_NAME_MAX];
        char slug[STORE_SHORT_MAX];
        char status[16];                 /* active | suspended */
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
        char role[16];                   /* superadmin|admin|supervisor|agent */
        char status[16];                 /* active|suspended|deleted */
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
        char status[16];                 /* active | suspended */
        bool voicemail_enabled;
        char provisioning[16];           /* pending | provisioned | failed */
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
 * user_id with the given (encrypted) secret and PIN, status active,
 * provisioning pending. RESULT_POOL_EXHAUSTED when none is free; two
 * concurrent callers never receive the same extension. */
enum result store_pool_allocate(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                                const char *sip_secret, const char *vm_pin,
                                struct store_extension *ret);

/* In a transaction. Returns extension `id` to the pool with a new secret
 * and PIN (the old one must never work again). RESULT_NOT_FOUND when it
 * does not exist or is already free. */
enum result store_pool_release(struct store_conn *conn, int64_t id, const char *sip_secret,
                               const char *vm_pin);

enum result store_pool_stats(struct store_conn *conn, int64_t tenant_id,
                             struct store_pool_stats *ret);

/* Gauges for /metrics: calls fn once per tenant. */
enum result store_pool_stats_all(struct store_conn *conn,
                                 void (*fn)(void *userdata, const struct store_tenant *t,
                                            const struct store_pool_stats *s),
                                 void *userdata);

enum result store_extension_get(struct store_conn *conn, int64_t id, struct store_extension *ret);

#endif
