/*
 * The storage contract: one suite, run against every backend (libuv runs
 * one test list on every platform). Usage: test_store_contract URL KEYFILE
 * where URL is a fresh, empty database.
 *
 * Covers migrations (idempotent), tenants and the pool rule, overlap
 * refusal with nothing written, users and email uniqueness, allocation of
 * the lowest free number, release with a new secret, and the contention
 * proof: 200 concurrent allocations against a pool of 100, from threads of
 * one process and from two processes, give exactly 100 distinct extensions
 * inside the pool and 100 clean "pool exhausted" answers. Link tokens
 * are used once; the mail outbox hands out due messages, and on
 * PostgreSQL two transactions taking them with a lock never get the same.
 * A row's states come back decoded, and a word outside the vocabulary
 * fails the read. contract_ops.c covers the rest of store.h, one function per part of it.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../unit/check.h"
#include "contract.h"
#include "domain/core/credentials.h"
#include "domain/provisioning/pool.h"
#include "domain/tenants/tenants.h"
#include "domain/identity/users.h"
#include "store/driver.h"
#include "store/store.h"

static const char *url;

struct store *contract_open_store(void)
{
        return contract_open_store_waiting(10000);
}

struct store *contract_open_store_waiting(int64_t busy_timeout_ms)
{
        struct store *store = NULL;
        enum result result = store_open(url, busy_timeout_ms, &store);

        if (result) {
                fprintf(stderr, "store_open(%s): %s %s\n", url, result_name(result),
                        store_last_error());
                exit(1);
        }
        return store;
}

/* Inserts a user without the argon2id cost (the contract is the store's). */
static int64_t quick_user(struct store *store, int64_t tenant_id, const char *email)
{
        struct store_user u = { 0 };
        struct store_conn *conn;

        u.tenant_id = tenant_id;
        snprintf(u.email, sizeof(u.email), "%s", email);
        u.role = USER_ROLE_AGENT;
        snprintf(u.password_hash, sizeof(u.password_hash), "x");
        if (store_conn_get(store, &conn) || store_begin(conn))
                return 0;
        if (store_user_insert(conn, &u) || store_commit(conn)) {
                store_rollback(conn);
                return 0;
        }
        return u.id;
}

int64_t contract_tenant(struct store_conn *conn, const char *slug, int64_t base)
{
        struct store_tenant t = { .status = TENANT_STATUS_ACTIVE, .pool_base = base, .pool_size = 0 };

        snprintf(t.name, sizeof(t.name), "Tenant %s", slug);
        snprintf(t.slug, sizeof(t.slug), "%s", slug);
        CHECK_INT_EQ(store_tenant_insert(conn, &t), RESULT_OK);
        return t.id;
}

int64_t contract_user(struct store_conn *conn, int64_t tenant_id, const char *email)
{
        struct store_user u = { .tenant_id = tenant_id, .role = USER_ROLE_AGENT,
                                .status = USER_STATUS_ACTIVE };

        snprintf(u.email, sizeof(u.email), "%s", email);
        snprintf(u.first_name, sizeof(u.first_name), "S");
        snprintf(u.password_hash, sizeof(u.password_hash), "x");
        CHECK_INT_EQ(store_user_insert(conn, &u), RESULT_OK);
        return u.id;
}

static void test_migrations(struct store *store)
{
        int applied = -1;

        CHECK_INT_EQ(store_migrate(store, &applied), RESULT_OK);
        CHECK(applied >= 1);
        CHECK_INT_EQ(store_migrate(store, &applied), RESULT_OK);
        CHECK_INT_EQ(applied, 0);
}

static void test_tenants(struct store *store)
{
        struct store_tenant a, b, c, got;
        struct store_pool_stats stats;
        struct store_conn *conn;
        const char *field = NULL;

        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);
        CHECK_INT_EQ(tenant_create(store, NULL, "Acme Corp", NULL, -1, -1, 0, &a, &field), RESULT_OK);
        CHECK_INT_EQ(a.pool_base, (a.id + 1) * 1000);
        CHECK_INT_EQ(a.pool_size, 1000);
        CHECK_STR_EQ(a.slug, "acme-corp");
        CHECK_INT_EQ(pool_stats(store, a.id, &stats), RESULT_OK);
        CHECK_INT_EQ(stats.total, 1000);
        CHECK_INT_EQ(stats.free, 1000);
        CHECK_INT_EQ(stats.assigned, 0);

        /* Same name: a distinct slug. */
        CHECK_INT_EQ(tenant_create(store, NULL, "Acme Corp", NULL, 50000, 10, 0, &b, &field), RESULT_OK);
        CHECK_STR_EQ(b.slug, "acme-corp-2");

        /* Overlapping a's pool: refused, nothing written. */
        field = NULL;
        CHECK_INT_EQ(tenant_create(store, NULL, "Overlap", NULL, a.pool_base + 999, 5, 0, &c, &field),
                     RESULT_POOL_OVERLAP);
        CHECK_STR_EQ(field, "pool_base");
        CHECK_INT_EQ(store_tenant_get_by_slug(conn, "overlap", &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(tenant_create(store, NULL, "Overlap", NULL, 49995, 6, 0, &c, &field), RESULT_POOL_OVERLAP);
        CHECK_INT_EQ(store_tenant_get_by_slug(conn, "overlap", &got), RESULT_NOT_FOUND);

        /* Bad input. */
        CHECK_INT_EQ(tenant_create(store, NULL, "", NULL, -1, -1, 0, &c, &field), RESULT_INVALID);
        CHECK_STR_EQ(field, "name");
        CHECK_INT_EQ(tenant_create(store, NULL, "Big", NULL, 0, 100001, 0, &c, &field), RESULT_INVALID);
        CHECK_STR_EQ(field, "pool_size");
        CHECK_INT_EQ(tenant_create(store, NULL, "Far", NULL, 999999999, 2, 0, &c, &field), RESULT_INVALID);

        CHECK_INT_EQ(store_tenant_get(conn, a.id, &got), RESULT_OK);
        CHECK_STR_EQ(got.name, "Acme Corp");
        CHECK_STR_EQ(tenant_status_name(got.status), "active");
        CHECK_INT_EQ(store_tenant_get(conn, 999999, &got), RESULT_NOT_FOUND);
}

/* Runs sql, with id as its one parameter when it has one. */
static enum result raw(struct store_conn *conn, const char *sql, int64_t id)
{
        struct store_param p = SP_INT(id);

        return store_exec(conn, sql, &p, strchr(sql, '?') ? 1 : 0, NULL, NULL);
}

/* The store decodes a row's states into the vocabulary's enums once, as
 * it reads the row: a suspended tenant comes back as the enum, and a word
 * outside the vocabulary (planted past the column's CHECK constraint)
 * fails the read with RESULT_STORE, read as one row or in a list. */
static void test_decoded_row(struct store *store)
{
        bool sqlite = strcmp(store_backend(store), "sqlite") == 0;
        struct store_tenant t, got, *items = NULL;
        struct store_page page = { .limit = 1000 };
        struct store_conn *conn;
        const char *field = NULL;
        size_t n = 99;

        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);
        CHECK_INT_EQ(tenant_create(store, NULL, "Decoded", NULL, 770000, 2, 0, &t, &field), RESULT_OK);
        CHECK_INT_EQ(raw(conn, "UPDATE tenants SET status = 'suspended' WHERE id = ?", t.id),
                     RESULT_OK);
        CHECK_INT_EQ(store_tenant_get(conn, t.id, &got), RESULT_OK);
        CHECK_INT_EQ(got.status, TENANT_STATUS_SUSPENDED);

        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(raw(conn, sqlite ? "PRAGMA ignore_check_constraints = ON"
                                      : "ALTER TABLE tenants DROP CONSTRAINT tenants_status_check",
                         0),
                     RESULT_OK);
        CHECK_INT_EQ(raw(conn, "UPDATE tenants SET status = 'Suspended' WHERE id = ?", t.id),
                     RESULT_OK);
        CHECK_INT_EQ(store_tenant_get(conn, t.id, &got), RESULT_STORE);
        CHECK(strstr(store_last_error(), "tenants") != NULL);
        CHECK_INT_EQ(store_tenant_list(conn, &page, &items, &n), RESULT_STORE);
        CHECK(items == NULL && n == 99);
        store_rollback(conn);
        if (sqlite)
                CHECK_INT_EQ(raw(conn, "PRAGMA ignore_check_constraints = OFF", 0), RESULT_OK);
        /* The word is gone with the transaction; the constraint is back. */
        CHECK_INT_EQ(store_tenant_get(conn, t.id, &got), RESULT_OK);
        CHECK_INT_EQ(got.status, TENANT_STATUS_SUSPENDED);
        CHECK(raw(conn, "UPDATE tenants SET status = 'Suspended' WHERE id = ?", t.id) != RESULT_OK);
}

static void test_users(struct store *store)
{
        struct store_tenant t;
        struct store_user u, v, got;
        struct store_conn *conn;
        const char *field = NULL;

        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);
        CHECK_INT_EQ(tenant_create(store, NULL, "Users Inc", NULL, 70000, 10, 0, &t, &field), RESULT_OK);
        CHECK_INT_EQ(user_create(store, t.id, "Jane.Doe@Example.com", "correct horse 1", "admin",
                                 "Jane", "Doe", false, &u, &field),
                     RESULT_OK);
        CHECK_STR_EQ(u.email, "jane.doe@example.com");
        CHECK(strncmp(u.password_hash, "$argon2id$", 10) == 0);
        CHECK(credentials_check_password(u.password_hash, "correct horse 1"));
        CHECK(!credentials_check_password(u.password_hash, "correct horse 2"));
        CHECK_INT_EQ(user_create(store, t.id, "JANE.DOE@example.com", "another pass 1", "agent",
                                 NULL, NULL, false, &v, &field),
                     RESULT_EMAIL_TAKEN);
        CHECK_INT_EQ(user_create(store, t.id, "not-an-email", "another pass 1", "agent", NULL,
                                 NULL, false, &v, &field),
                     RESULT_INVALID);
        CHECK_STR_EQ(field, "email");
        CHECK_INT_EQ(user_create(store, t.id, "x@example.com", "another pass 1", "root", NULL, NULL,
                                 false, &v, &field),
                     RESULT_INVALID);
        CHECK_STR_EQ(field, "role");
        CHECK_INT_EQ(user_create(store, 0, "y@example.com", "another pass 1", "agent", NULL, NULL,
                                 false, &v, &field),
                     RESULT_INVALID);
        CHECK_INT_EQ(user_create(store, 987654, "y@example.com", "another pass 1", "agent", NULL,
                                 NULL, false, &v, &field),
                     RESULT_NOT_FOUND);
        CHECK_INT_EQ(user_create(store, 0, "root@example.com", "another pass 1", "superadmin",
                                 NULL, NULL, false, &v, &field),
                     RESULT_OK);
        CHECK_INT_EQ(store_user_get_by_email(conn, "jane.doe@example.com", &got), RESULT_OK);
        CHECK_INT_EQ(got.id, u.id);
        CHECK_INT_EQ(got.token_version, 1);
        CHECK_INT_EQ(user_set_password(store, u.id, "brand new pass", true), RESULT_OK);
        CHECK_INT_EQ(store_user_get(conn, u.id, &got), RESULT_OK);
        CHECK_INT_EQ(got.token_version, 2);
        CHECK(got.must_change_password);
}

static void test_allocate_release(struct store *store)
{
        struct store_tenant t;
        struct store_extension e1, e2, e3, got;
        struct store_pool_stats stats;
        struct store_conn *conn;
        const char *field = NULL;
        char plain[64];

        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);
        /* Numbers of different lengths: 98, 99, 100, 101: "lowest" is numeric. */
        CHECK_INT_EQ(tenant_create(store, NULL, "Small", NULL, 98, 4, 0, &t, &field), RESULT_OK);
        int64_t u1 = quick_user(store, t.id, "a1@small.test");
        int64_t u2 = quick_user(store, t.id, "a2@small.test");
        CHECK(u1 && u2);
        CHECK_INT_EQ(pool_allocate(store, t.id, u1, &e1), RESULT_OK);
        CHECK_STR_EQ(e1.extension, "98");
        CHECK_INT_EQ(pool_allocate(store, t.id, u2, &e2), RESULT_OK);
        CHECK_STR_EQ(e2.extension, "99");
        CHECK_INT_EQ(pool_allocate(store, t.id, u2, &e3), RESULT_OK);
        CHECK_STR_EQ(e3.extension, "100");
        CHECK_STR_EQ(jobs_state_name(e1.provisioning), "pending");
        CHECK_INT_EQ(e1.user_id, u1);
        CHECK(strncmp(e1.sip_secret, "v1:", 3) == 0);
        CHECK_INT_EQ(credentials_unseal(e1.sip_secret, plain, sizeof(plain)), RESULT_OK);
        CHECK_INT_EQ((int64_t)strlen(plain), CREDENTIALS_SIP_SECRET_LEN);
        CHECK_INT_EQ(pool_stats(store, t.id, &stats), RESULT_OK);
        CHECK_INT_EQ(stats.assigned, 3);
        CHECK_INT_EQ(stats.free, 1);

        /* Release: free again, with a new secret; lowest free is reused. */
        CHECK_INT_EQ(pool_release(store, e1.id), RESULT_OK);
        CHECK_INT_EQ(pool_release(store, e1.id), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_extension_get(conn, e1.id, &got), RESULT_OK);
        CHECK_INT_EQ(got.user_id, 0);
        CHECK(strcmp(got.sip_secret, e1.sip_secret) != 0);
        CHECK_INT_EQ(pool_allocate(store, t.id, u2, &e3), RESULT_OK);
        CHECK_STR_EQ(e3.extension, "98");
        CHECK_INT_EQ(pool_allocate(store, t.id, u2, &e3), RESULT_OK);
        CHECK_STR_EQ(e3.extension, "101");
        CHECK_INT_EQ(pool_allocate(store, t.id, u2, &e3), RESULT_POOL_EXHAUSTED);
}

/* ---- contention ---------------------------------------------------------- */

#define POOL 100
#define ATTEMPTS 200
#define THREADS 8

struct race {
        struct store *store;
        int64_t tenant_id;
        const int64_t *users;
        int first, count;
        /* results, per attempt */
        int64_t number[ATTEMPTS];
        enum result result[ATTEMPTS];
};

static void *race_thread(void *arg)
{
        struct race *r = arg;

        for (int i = r->first; i < r->first + r->count; i++) {
                struct store_extension e;
                r->result[i] = pool_allocate(r->store, r->tenant_id, r->users[i], &e);
                r->number[i] = r->result[i] ? -1 : strtoll(e.extension, NULL, 10);
        }
        store_conn_release(r->store);
        return NULL;
}

/* Runs attempts [first, first+count) on THREADS/2 threads of this process. */
static void race_run(struct race *r, int first, int count, int threads)
{
        pthread_t tid[THREADS];
        struct race part[THREADS];

        for (int k = 0; k < threads; k++) {
                part[k] = *r;
                part[k].first = first + k * count / threads;
                part[k].count = first + (k + 1) * count / threads - part[k].first;
                pthread_create(&tid[k], NULL, race_thread, &part[k]);
        }
        for (int k = 0; k < threads; k++) {
                pthread_join(tid[k], NULL);
                for (int i = part[k].first; i < part[k].first + part[k].count; i++) {
                        r->number[i] = part[k].number[i];
                        r->result[i] = part[k].result[i];
                }
        }
}

static void race_check(const struct race *r, int64_t base, const char *how)
{
        int ok = 0, exhausted = 0, other = 0, inside = 1;
        char seen[POOL] = { 0 };
        int dup = 0;

        for (int i = 0; i < ATTEMPTS; i++) {
                if (r->result[i] == RESULT_OK) {
                        ok++;
                        if (r->number[i] < base || r->number[i] >= base + POOL) {
                                inside = 0;
                                continue;
                        }
                        if (seen[r->number[i] - base]++)
                                dup++;
                } else if (r->result[i] == RESULT_POOL_EXHAUSTED) {
                        exhausted++;
                } else {
                        other++;
                        fprintf(stderr, "%s: attempt %d: %s\n", how, i, result_name(r->result[i]));
                }
        }
        printf("%s: %d allocated, %d exhausted, %d other errors, %d duplicates\n", how, ok,
               exhausted, other, dup);
        CHECK_INT_EQ(ok, POOL);
        CHECK_INT_EQ(exhausted, ATTEMPTS - POOL);
        CHECK_INT_EQ(other, 0);
        CHECK_INT_EQ(dup, 0);
        CHECK(inside);
}

static void race_setup(struct store *store, const char *name, int64_t base, struct race *r,
                       int64_t *users)
{
        struct store_tenant t;
        const char *field = NULL;
        char email[64];

        CHECK_INT_EQ(tenant_create(store, NULL, name, NULL, base, POOL, 0, &t, &field), RESULT_OK);
        for (int i = 0; i < ATTEMPTS; i++) {
                snprintf(email, sizeof(email), "u%d@%" PRId64 ".race.test", i, base);
                users[i] = quick_user(store, t.id, email);
                CHECK(users[i] > 0);
        }
        memset(r, 0, sizeof(*r));
        r->store = store;
        r->tenant_id = t.id;
        r->users = users;
}

static void test_race_threads(struct store *store)
{
        static int64_t users[ATTEMPTS];
        static struct race r;

        race_setup(store, "Race Threads", 300000, &r, users);
        race_run(&r, 0, ATTEMPTS, THREADS);
        race_check(&r, 300000, "threads");
}

static void test_race_processes(struct store *store)
{
        static int64_t users[ATTEMPTS];
        static struct race r;
        int fds[2][2];
        pid_t pid[2];

        race_setup(store, "Race Processes", 400000, &r, users);
        for (int p = 0; p < 2; p++) {
                CHECK(pipe(fds[p]) == 0);
                pid[p] = fork();
                if (pid[p] == 0) {
                        /* A separate process with its own store and
                         * connections, as a second agentdesk node. */
                        struct race mine = r;
                        int first = p * ATTEMPTS / 2;
                        mine.store = contract_open_store();
                        race_run(&mine, first, ATTEMPTS / 2, THREADS / 2);
                        ssize_t want = (ssize_t)(sizeof(int64_t) * ATTEMPTS / 2);
                        ssize_t w1 = write(fds[p][1], &mine.number[first], (size_t)want);
                        ssize_t w2 = write(fds[p][1], &mine.result[first],
                                           sizeof(enum result) * ATTEMPTS / 2);
                        store_close(mine.store);
                        _exit(w1 == want && w2 > 0 ? 0 : 1);
                }
                close(fds[p][1]);
        }
        for (int p = 0; p < 2; p++) {
                int first = p * ATTEMPTS / 2, status = 0;
                ssize_t n1 = read(fds[p][0], &r.number[first], sizeof(int64_t) * ATTEMPTS / 2);
                ssize_t n2 = read(fds[p][0], &r.result[first], sizeof(enum result) * ATTEMPTS / 2);
                CHECK(n1 == (ssize_t)(sizeof(int64_t) * ATTEMPTS / 2));
                CHECK(n2 == (ssize_t)(sizeof(enum result) * ATTEMPTS / 2));
                close(fds[p][0]);
                waitpid(pid[p], &status, 0);
                CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
        race_check(&r, 400000, "processes");
}

/* The audit log keeps the actor's email and the target's label as given,
 * quotes, markup and non-ASCII included, newest first; the domain labels a
 * tenant by its name. */
static void test_audit(struct store *store)
{
        struct store_conn *conn;
        struct store_audit a = { 0 }, *items = NULL;
        struct store_page page = { .limit = 10 };
        struct store_tenant t;
        const char *field;
        size_t n = 0;

        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);
        CHECK_INT_EQ(tenant_create(store, NULL, "Audited", NULL, 880000, 5, 0, &t, &field), RESULT_OK);
        a.tenant_id = t.id;
        snprintf(a.action, sizeof(a.action), "agent.update");
        snprintf(a.target_type, sizeof(a.target_type), "user");
        a.target_id = 42;
        snprintf(a.actor_email, sizeof(a.actor_email), "boss@audited.example");
        snprintf(a.target_label, sizeof(a.target_label), "Zoë \"<b>\" '山田' <z@audited.example>");
        CHECK_INT_EQ(store_audit_insert(conn, &a), RESULT_OK);
        a.actor_email[0] = a.target_label[0] = '\0';
        CHECK_INT_EQ(store_audit_insert(conn, &a), RESULT_OK);
        CHECK_INT_EQ(store_audit_list(conn, t.id, &page, &items, &n), RESULT_OK);
        /* tenant_create() wrote the first: the command line, no email. */
        CHECK_INT_EQ(n, 3);
        if (n == 3) {
                CHECK_STR_EQ(items[2].action, "tenant.create");
                CHECK_STR_EQ(items[2].actor_email, "");
                CHECK_STR_EQ(items[2].target_label, "Audited");
                CHECK_STR_EQ(items[0].actor_email, "");
                CHECK_STR_EQ(items[0].target_label, "");
                CHECK_STR_EQ(items[1].actor_email, "boss@audited.example");
                CHECK_STR_EQ(items[1].target_label, "Zoë \"<b>\" '山田' <z@audited.example>");
                CHECK_INT_EQ(items[1].target_id, 42);
        }
        free(items);
}

/* The live event log hands events back after an id, oldest first, with
 * their type decoded and their data as written; a rolled-back append
 * leaves nothing. */
static void test_live_events(struct store *store)
{
        struct store_conn *conn;
        struct store_live_event *items = NULL;
        int64_t first = 0, second = 0;
        size_t n = 0;

        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);
        CHECK_INT_EQ(store_live_events_after(conn, 0, 1000, &items, &n), RESULT_OK);
        store_live_events_free(items, n);
        CHECK_INT_EQ(store_live_events_last_id(conn, &first), RESULT_OK);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_live_event_append(conn, 7, EVENT_REGISTRATION_CHANGED, 0,
                                             "{\"extension\":\"2001\"}"), RESULT_OK);
        CHECK_INT_EQ(store_live_event_append(conn, 0, EVENT_CALL_ENDED, 12, "{}"), RESULT_OK);
        /* written at the commit, after the transaction's other statements */
        CHECK_INT_EQ(store_live_events_last_id(conn, &second), RESULT_OK);
        CHECK_INT_EQ(second, first);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_live_events_after(conn, first, 10, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 2);
        if (n == 2) {
                first = items[0].id;
                second = items[1].id;
        }
        store_live_events_free(items, n);
        CHECK(second > first && first > 0);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_live_event_append(conn, 7, EVENT_AGENT_CREATED, 0, "{}"), RESULT_OK);
        store_rollback(conn);
        CHECK_INT_EQ(store_live_events_after(conn, first - 1, 10, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 2);
        if (n == 2) {
                CHECK_INT_EQ(items[0].id, first);
                CHECK_INT_EQ(items[0].tenant_id, 7);
                CHECK_INT_EQ(items[0].type, EVENT_REGISTRATION_CHANGED);
                CHECK_STR_EQ(items[0].data, "{\"extension\":\"2001\"}");
                CHECK_INT_EQ(items[1].tenant_id, 0);
                CHECK_INT_EQ(items[1].user_id, 12);
                CHECK_INT_EQ(items[1].type, EVENT_CALL_ENDED);
        }
        store_live_events_free(items, n);
        CHECK_INT_EQ(store_live_events_after(conn, second, 10, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);
        store_live_events_free(items, n);
        int64_t last = -1;
        CHECK_INT_EQ(store_live_events_last_id(conn, &last), RESULT_OK);
        CHECK_INT_EQ(last, second);
}

struct live_seen {
        int calls, with_reg;
        int64_t last_login_at;
        char node[300], contact[512];
        int64_t count, tenant_id;
        bool connected;
};

static void live_state_row(void *userdata, const char *extension, int64_t last_login_at,
                           const struct store_live_registration *reg)
{
        struct live_seen *s = userdata;

        (void)extension;
        s->calls++;
        s->last_login_at = last_login_at;
        if (reg && !s->with_reg++) {
                snprintf(s->node, sizeof(s->node), "%s", reg->node);
                snprintf(s->contact, sizeof(s->contact), "%s", reg->contact);
        }
}

static void live_count_row(void *userdata, int64_t tenant_id, const char *slug, int64_t count)
{
        struct live_seen *s = userdata;

        (void)slug;
        s->tenant_id = tenant_id;
        s->count += count;
}

static void live_stream_row(void *userdata, int64_t cluster_id, const char *node, bool connected)
{
        struct live_seen *s = userdata;

        if (cluster_id == 0 && !strcmp(node, "127.0.0.1:8021"))
                s->connected = connected;
}

static void live_node_row(void *userdata, const struct store_live_registration *reg)
{
        struct live_seen *s = userdata;

        s->calls++;
        snprintf(s->contact, sizeof(s->contact), "%s", reg->contact);
}

/* The listener's state: a node's rows of an extension replaced as a whole,
 * counted only while the node's stream is connected and fresh, the
 * extension the listener checks and its last_login_at; a node that leaves
 * takes its rows along. */
static void test_live_registrations(struct store *store)
{
        struct store_live_registration regs[2] = { 0 };
        struct store_live_extension le;
        struct store_extension e;
        struct store_tenant t;
        struct store_conn *conn;
        struct live_seen seen = { 0 };
        const char *field = NULL, *node = "127.0.0.1:8021";
        const char *exts[1];
        int64_t count = -1, now = store_now();

        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);
        CHECK_INT_EQ(tenant_create(store, NULL, "Live", NULL, 7700, 4, 0, &t, &field), RESULT_OK);
        int64_t u = quick_user(store, t.id, "l1@live.test");
        CHECK(u != 0);
        CHECK_INT_EQ(pool_allocate(store, t.id, u, &e), RESULT_OK);
        exts[0] = e.extension;
        CHECK_INT_EQ(store_live_extension_get(conn, e.extension, &le), RESULT_OK);
        CHECK_INT_EQ(le.id, e.id);
        CHECK_INT_EQ(le.tenant_id, t.id);
        CHECK_INT_EQ(le.user_id, u);
        CHECK_INT_EQ(le.cluster_id, 0);
        CHECK_INT_EQ(le.status, EXTENSION_STATUS_ACTIVE);
        CHECK_INT_EQ(le.tenant_status, TENANT_STATUS_ACTIVE);
        CHECK_INT_EQ(le.last_login_at, 0);
        CHECK_INT_EQ(store_live_extension_get(conn, "7799", &le), RESULT_NOT_FOUND);

        for (int i = 0; i < 2; i++) {
                snprintf(regs[i].extension, sizeof(regs[i].extension), "%s", e.extension);
                snprintf(regs[i].call_id, sizeof(regs[i].call_id), "call-%d", i);
                snprintf(regs[i].realm, sizeof(regs[i].realm), "live.test");
                snprintf(regs[i].contact, sizeof(regs[i].contact), "<sip:%s@192.0.2.%d>",
                         e.extension, i + 1);
                snprintf(regs[i].network_ip, sizeof(regs[i].network_ip), "192.0.2.%d", i + 1);
                regs[i].network_port = 5060 + i;
                snprintf(regs[i].user_agent, sizeof(regs[i].user_agent), "phone");
                regs[i].expires_at = now + 600;
        }
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_live_registrations_set(conn, 0, node, exts, 1, regs, 2), RESULT_OK);
        /* The same rows again (a refresh): replaced, not doubled. */
        CHECK_INT_EQ(store_live_registrations_set(conn, 0, node, exts, 1, regs, 2), RESULT_OK);
        CHECK_INT_EQ(store_live_extension_seen(conn, e.extension, now), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_live_registrations_node(conn, 0, node, live_node_row, &seen), RESULT_OK);
        CHECK_INT_EQ(seen.calls, 2);

        /* No stream row yet: the cluster is unknown, nothing counts. */
        CHECK_INT_EQ(store_live_cluster_streams(conn, 0, now - 5, &count), RESULT_OK);
        CHECK_INT_EQ(count, 0);
        memset(&seen, 0, sizeof(seen));
        CHECK_INT_EQ(store_live_registrations_of(conn, exts, 1, now - 5, live_state_row, &seen),
                     RESULT_OK);
        CHECK_INT_EQ(seen.calls, 1);
        CHECK_INT_EQ(seen.with_reg, 0);
        CHECK_INT_EQ(seen.last_login_at, now);
        /* Connected: both bindings, and one extension registered. */
        CHECK_INT_EQ(store_live_stream_set(conn, 0, node, true), RESULT_OK);
        CHECK_INT_EQ(store_live_cluster_streams(conn, 0, now - 5, &count), RESULT_OK);
        CHECK_INT_EQ(count, 1);
        memset(&seen, 0, sizeof(seen));
        CHECK_INT_EQ(store_live_registrations_of(conn, exts, 1, now - 5, live_state_row, &seen),
                     RESULT_OK);
        CHECK_INT_EQ(seen.with_reg, 2);
        CHECK_STR_EQ(seen.node, node);
        memset(&seen, 0, sizeof(seen));
        CHECK_INT_EQ(store_live_registered_count(conn, t.id, now - 5, live_count_row, &seen),
                     RESULT_OK);
        CHECK_INT_EQ(seen.count, 1);
        CHECK_INT_EQ(seen.tenant_id, t.id);
        memset(&seen, 0, sizeof(seen));
        CHECK_INT_EQ(store_live_streams(conn, now - 5, live_stream_row, &seen), RESULT_OK);
        CHECK(seen.connected);
        /* A heartbeat older than fresh_after: down again. */
        CHECK_INT_EQ(store_live_cluster_streams(conn, 0, now + 3600, &count), RESULT_OK);
        CHECK_INT_EQ(count, 0);
        memset(&seen, 0, sizeof(seen));
        CHECK_INT_EQ(store_live_streams(conn, now + 3600, live_stream_row, &seen), RESULT_OK);
        CHECK(!seen.connected);
        /* Disconnected: nothing counts. */
        CHECK_INT_EQ(store_live_stream_set(conn, 0, node, false), RESULT_OK);
        memset(&seen, 0, sizeof(seen));
        CHECK_INT_EQ(store_live_registered_count(conn, 0, now - 5, live_count_row, &seen),
                     RESULT_OK);
        CHECK_INT_EQ(seen.count, 0);
        CHECK_INT_EQ(store_live_stream_set(conn, 0, node, true), RESULT_OK);
        /* One binding left, then none. */
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_live_registrations_set(conn, 0, node, exts, 1, regs + 1, 1),
                     RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        memset(&seen, 0, sizeof(seen));
        CHECK_INT_EQ(store_live_registrations_of(conn, exts, 1, now - 5, live_state_row, &seen),
                     RESULT_OK);
        CHECK_INT_EQ(seen.with_reg, 1);
        CHECK_STR_EQ(seen.contact, regs[1].contact);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_live_registrations_clear(conn, 0, node), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        memset(&seen, 0, sizeof(seen));
        CHECK_INT_EQ(store_live_registrations_of(conn, exts, 1, now - 5, live_state_row, &seen),
                     RESULT_OK);
        CHECK_INT_EQ(seen.with_reg, 0);
        /* A page's worth of extensions in one statement (more parameters
         * than a driver's small fixed arrays). */
        {
                const char *many[120];
                for (int i = 0; i < 120; i++)
                        many[i] = i % 2 ? e.extension : "7798";
                memset(&seen, 0, sizeof(seen));
                CHECK_INT_EQ(store_live_registrations_of(conn, many, 120, now - 5, live_state_row,
                                                         &seen), RESULT_OK);
                CHECK_INT_EQ(seen.calls, 1);
        }
        /* The node leaves: its stream row and its registrations go. */
        CHECK_INT_EQ(store_live_registrations_set(conn, 0, node, exts, 1, regs, 1), RESULT_OK);
        CHECK_INT_EQ(store_live_stream_delete(conn, 0, node), RESULT_OK);
        memset(&seen, 0, sizeof(seen));
        CHECK_INT_EQ(store_live_registrations_node(conn, 0, node, live_node_row, &seen), RESULT_OK);
        CHECK_INT_EQ(seen.calls, 0);
        CHECK_INT_EQ(store_live_cluster_streams(conn, 0, now - 5, &count), RESULT_OK);
        CHECK_INT_EQ(count, 0);
}

/* Sent invitations, and queued messages with the oldest's created_at. */
struct mail_counts {
        int64_t sent, queued, oldest;
};

static void count_row(void *userdata, const char *template, enum mail_outbox_status status,
                      int64_t count, int64_t oldest)
{
        struct mail_counts *c = userdata;

        if (!strcmp(template, "invitation") && status == MAIL_OUTBOX_STATUS_SENT)
                c->sent += count;
        if (status == MAIL_OUTBOX_STATUS_QUEUED) {
                c->queued += count;
                if (!c->oldest || oldest < c->oldest)
                        c->oldest = oldest;
        }
}

static void test_mail_outbox(struct store *store)
{
        struct store_tenant t;
        struct store_conn *conn;
        struct store_link link;
        struct store_invitation inv;
        struct store_mail m = { .template = "invitation", .recipient = "m@mail.example",
                                .secret = "sealed" }, due[8];
        const char *field = NULL;
        struct mail_counts counts = { 0 };
        int64_t link_id = 0, ids[6], now = store_now();
        int n = 0;

        CHECK_INT_EQ(tenant_create(store, NULL, "Mail Co", NULL, 810000, 10, 0, &t, &field), RESULT_OK);
        m.tenant_id = t.id;
        m.user_id = quick_user(store, t.id, "m@mail.example");
        CHECK(m.user_id > 0);
        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);

        /* A link is used once; revoked links cannot be used. */
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_link_insert(conn, m.user_id, LINK_PURPOSE_INVITATION, "h1", now + 60, &link_id),
                     RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_link_lookup(conn, "h1", &link), RESULT_OK);
        CHECK_INT_EQ(link.user_id, m.user_id);
        CHECK(link.used_at == 0 && link.revoked_at == 0 && link.expires_at == now + 60);
        CHECK_INT_EQ(store_link_lookup(conn, "nope", &link), RESULT_NOT_FOUND);
        m.link_id = link_id;
        CHECK_INT_EQ(store_mail_insert(conn, &m, MAIL_OUTBOX_STATUS_QUEUED, &ids[0]), RESULT_OK);
        CHECK_INT_EQ(store_invitation_last(conn, m.user_id, &inv), RESULT_OK);
        CHECK(inv.has_mail);
        CHECK_STR_EQ(mail_outbox_status_name(inv.mail_status), "queued");
        CHECK_INT_EQ(store_link_use(conn, link_id, now), RESULT_OK);
        CHECK_INT_EQ(store_link_use(conn, link_id, now), RESULT_CONFLICT);
        CHECK_INT_EQ(store_link_insert(conn, m.user_id, LINK_PURPOSE_RESET, "h2", now + 60, &link_id), RESULT_OK);
        CHECK_INT_EQ(store_link_revoke_user(conn, m.user_id, now), RESULT_OK);
        CHECK_INT_EQ(store_link_use(conn, link_id, now), RESULT_CONFLICT);
        CHECK_INT_EQ(store_link_lookup(conn, "h2", &link), RESULT_OK);
        CHECK(link.revoked_at == now);

        /* Due, sent, retried later, failed. */
        m.link_id = 0;
        for (int i = 1; i < 6; i++)
                CHECK_INT_EQ(store_mail_insert(conn, &m, MAIL_OUTBOX_STATUS_QUEUED, &ids[i]), RESULT_OK);
        CHECK_INT_EQ(store_mail_due(conn, now, false, due, 8, &n), RESULT_OK);
        CHECK_INT_EQ(n, 6);
        CHECK_INT_EQ(due[0].id, ids[0]);
        CHECK_STR_EQ(due[0].secret, "sealed");
        CHECK_STR_EQ(due[0].tenant_name, "Mail Co");
        CHECK_INT_EQ(store_mail_sent(conn, ids[0], "250 ok", now), RESULT_OK);
        CHECK_INT_EQ(store_mail_retry(conn, ids[1], MAIL_OUTBOX_STATUS_QUEUED, false, "451 later", now + 100),
                     RESULT_OK);
        CHECK_INT_EQ(store_mail_retry(conn, ids[2], MAIL_OUTBOX_STATUS_FAILED, true, "550 no", now), RESULT_OK);
        CHECK_INT_EQ(store_invitation_last(conn, m.user_id, &inv), RESULT_OK);
        CHECK_STR_EQ(mail_outbox_status_name(inv.mail_status), "sent");
        CHECK(inv.used_at == now && inv.sent_at == now);
        CHECK_INT_EQ(store_mail_get(conn, ids[0], &due[0]), RESULT_OK);
        CHECK_STR_EQ(due[0].secret, "");  /* erased once sent */
        CHECK_INT_EQ(store_mail_due(conn, now, false, due, 8, &n), RESULT_OK);
        CHECK_INT_EQ(n, 3);
        CHECK_INT_EQ(store_mail_stats(conn, count_row, &counts), RESULT_OK);
        CHECK_INT_EQ(counts.sent, 1);
        CHECK_INT_EQ(counts.queued, 4);
        CHECK(counts.oldest >= now && counts.oldest <= store_now());

        /* Two transactions taking due rows with the lock get disjoint sets. */
        if (strcmp(store_backend(store), "postgresql") == 0) {
                struct store *other = contract_open_store();
                struct store_conn *conn2;
                struct store_mail due2[8];
                int n2 = 0;
                CHECK_INT_EQ(store_conn_get(other, &conn2), RESULT_OK);
                CHECK_INT_EQ(store_begin(conn), RESULT_OK);
                CHECK_INT_EQ(store_mail_due(conn, now, true, due, 2, &n), RESULT_OK);
                CHECK_INT_EQ(store_begin(conn2), RESULT_OK);
                CHECK_INT_EQ(store_mail_due(conn2, now, true, due2, 8, &n2), RESULT_OK);
                CHECK_INT_EQ(n, 2);
                CHECK_INT_EQ(n2, 1);
                for (int i = 0; i < n; i++)
                        for (int k = 0; k < n2; k++)
                                CHECK(due[i].id != due2[k].id);
                CHECK_INT_EQ(store_commit(conn2), RESULT_OK);
                CHECK_INT_EQ(store_commit(conn), RESULT_OK);
                store_close(other);
        }
}

/* The purge deletes what is past its use, in batches, and nothing else. */
static void test_purge(struct store *store)
{
        struct store_tenant t;
        struct store_conn *conn;
        struct store_link link;
        struct store_mail m = { .template = "password_reset", .recipient = "p@purge.example" }, got;
        struct store_session_fault fault;
        struct store_purged n, total = { 0 };
        const char *field = NULL;
        int64_t now = store_now(), live_link = 0, used_link = 0, ids[4], sid, failures, start;
        int rounds = 0;

        CHECK_INT_EQ(tenant_create(store, NULL, "Purge Co", NULL, 820000, 10, 0, &t, &field),
                     RESULT_OK);
        m.tenant_id = t.id;
        m.user_id = quick_user(store, t.id, "p@purge.example");
        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);
        CHECK_INT_EQ(store_link_insert(conn, m.user_id, LINK_PURPOSE_RESET, "purge-live", now + 600,
                                       &live_link), RESULT_OK);
        CHECK_INT_EQ(store_link_insert(conn, m.user_id, LINK_PURPOSE_RESET, "purge-used", now + 600,
                                       &used_link), RESULT_OK);
        CHECK_INT_EQ(store_link_use(conn, used_link, now), RESULT_OK);
        m.link_id = live_link;   /* sent, its link still live: kept */
        CHECK_INT_EQ(store_mail_insert(conn, &m, MAIL_OUTBOX_STATUS_QUEUED, &ids[0]), RESULT_OK);
        CHECK_INT_EQ(store_mail_sent(conn, ids[0], "250 ok", now), RESULT_OK);
        m.link_id = used_link;   /* sent, its link used: both go */
        CHECK_INT_EQ(store_mail_insert(conn, &m, MAIL_OUTBOX_STATUS_QUEUED, &ids[1]), RESULT_OK);
        CHECK_INT_EQ(store_mail_sent(conn, ids[1], "250 ok", now), RESULT_OK);
        m.link_id = 0;           /* dropped: goes; still queued: kept */
        CHECK_INT_EQ(store_mail_insert(conn, &m, MAIL_OUTBOX_STATUS_DROPPED, &ids[2]), RESULT_OK);
        CHECK_INT_EQ(store_mail_insert(conn, &m, MAIL_OUTBOX_STATUS_QUEUED, &ids[3]), RESULT_OK);
        CHECK_INT_EQ(store_session_insert(conn, "purge-s-live", m.user_id, 0, false, now, now + 600,
                                          &sid), RESULT_OK);
        CHECK_INT_EQ(store_session_insert(conn, "purge-s-old", m.user_id, 0, false, now - 700,
                                          now - 100, &sid), RESULT_OK);
        CHECK_INT_EQ(store_throttle_fail(conn, "purge:old", now - 300, 60), RESULT_OK);
        CHECK_INT_EQ(store_throttle_fail(conn, "purge:new", now, 60), RESULT_OK);

        /* One row a table a round: several rounds, until nothing is left. */
        do {
                CHECK_INT_EQ(store_purge(conn, store_now() + 5, now - 60, 1, &n), RESULT_OK);
                CHECK(n.mail_outbox <= 1 && n.link_tokens <= 1 && n.sessions <= 1 &&
                      n.login_throttle <= 1);
                total.mail_outbox += n.mail_outbox;
                total.link_tokens += n.link_tokens;
                total.sessions += n.sessions;
                total.login_throttle += n.login_throttle;
        } while ((n.mail_outbox || n.link_tokens || n.sessions || n.login_throttle) && ++rounds < 100);
        CHECK(rounds > 1 && rounds < 100);
        CHECK(total.mail_outbox >= 2 && total.link_tokens >= 1 && total.sessions >= 1 &&
              total.login_throttle >= 1);
        CHECK_INT_EQ(store_mail_get(conn, ids[0], &got), RESULT_OK);
        CHECK_INT_EQ(store_mail_get(conn, ids[1], &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_mail_get(conn, ids[2], &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_mail_get(conn, ids[3], &got), RESULT_OK);
        CHECK_INT_EQ(store_link_lookup(conn, "purge-live", &link), RESULT_OK);
        CHECK_INT_EQ(store_link_lookup(conn, "purge-used", &link), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_session_fault(conn, "purge-s-live", now, &fault), RESULT_OK);
        CHECK_INT_EQ(store_session_fault(conn, "purge-s-old", now, &fault), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_throttle_get(conn, "purge:new", now, 60, &failures, &start), RESULT_OK);
        CHECK_INT_EQ(failures, 1);
        CHECK_INT_EQ(store_throttle_get(conn, "purge:old", now - 300, 3600, &failures, &start),
                     RESULT_OK);
        CHECK_INT_EQ(failures, 0);
}

int main(int argc, char **argv)
{
        struct store *store;
        int ops_failures = 0;

        if (argc != 3) {
                fprintf(stderr, "usage: %s URL KEYFILE\n", argv[0]);
                return 2;
        }
        url = argv[1];
        unlink(argv[2]);
        if (credentials_init(argv[2], true) != RESULT_OK) {
                fprintf(stderr, "cannot create key %s\n", argv[2]);
                return 2;
        }
        store = contract_open_store();
        printf("backend: %s\n", store_backend(store));
        test_migrations(store);
        test_tenants(store);
        test_decoded_row(store);
        test_users(store);
        test_allocate_release(store);
        contract_basics(store);
        contract_directory_writes(store);
        contract_tenants(store);
        contract_users(store);
        contract_sessions(store);
        contract_throttle(store);
        contract_extensions(store);
        contract_clusters(store);
        contract_jobs(store);
        contract_audit(store);
        contract_agent_page(store);
        contract_mail_requests(store);
        contract_imports(store);
        contract_bulk(store);
        test_race_threads(store);
        test_race_processes(store);
        test_audit(store);
        test_live_events(store);
        test_live_registrations(store);
        test_mail_outbox(store);
        test_purge(store);
        contract_calls(store);
        contract_board(store);
        contract_queues(store);
        contract_queue_agents(store);
        contract_scim(store);
        contract_sso(store);
        contract_webhooks(store);
        contract_data(store);
        contract_callcenter(store);   /* last: it leaves a job pending */
        store_close(store);
        check_count += contract_ops_checks(&ops_failures);
        check_failures += ops_failures;
        check_count += contract_calls_checks(&ops_failures);
        check_failures += ops_failures;
        check_count += contract_board_checks(&ops_failures);
        check_failures += ops_failures;
        check_count += contract_queues_checks(&ops_failures);
        check_failures += ops_failures;
        check_count += contract_queue_agents_checks(&ops_failures);
        check_failures += ops_failures;
        check_count += contract_scim_checks(&ops_failures);
        check_failures += ops_failures;
        check_count += contract_sso_checks(&ops_failures);
        check_failures += ops_failures;
        check_count += contract_webhooks_checks(&ops_failures);
        check_failures += ops_failures;
        check_count += contract_callcenter_checks(&ops_failures);
        check_failures += ops_failures;
        check_count += contract_data_checks(&ops_failures);
        check_failures += ops_failures;
        return CHECK_DONE();
}
