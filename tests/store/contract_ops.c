/*
 * The storage contract, continued: each operation of store/store.h called
 * directly, on whichever backend contract.c opened, with what its header
 * promises checked (results, what is written, what is left alone, the
 * error each misuse gets). The domain wrappers that contract.c drives are
 * not repeated here.
 *
 * Pool numbers used here start at 500000, clear of contract.c's tenants.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../unit/check.h"
#include "contract.h"

int contract_ops_checks(int *ret_failures)
{
        *ret_failures = check_failures;
        return check_count;
}

static struct store_conn *conn_of(struct store *store)
{
        struct store_conn *conn = NULL;

        if (store_conn_get(store, &conn)) {
                fprintf(stderr, "store_conn_get: %s\n", store_last_error());
                exit(1);
        }
        return conn;
}

static enum result begin(struct store_conn *conn)
{
        return store_begin(conn);
}

/* Commits, or rolls back and says so. */
static enum result commit(struct store_conn *conn)
{
        enum result result = store_commit(conn);

        if (result)
                store_rollback(conn);
        return result;
}

static enum result fake_secret(void *userdata, const char *extension,
                               char ret_secret[STORE_TEXT_MAX], char ret_pin[STORE_TEXT_MAX])
{
        (void)userdata;
        snprintf(ret_secret, STORE_TEXT_MAX, "secret-%s", extension);
        snprintf(ret_pin, STORE_TEXT_MAX, "pin-%s", extension);
        return RESULT_OK;
}

/* A tenant with a generated pool of size numbers at base, in cluster. */
static int64_t make_tenant(struct store_conn *conn, const char *slug, int64_t base, int64_t size,
                           int64_t cluster_id)
{
        struct store_tenant t = { 0 };

        snprintf(t.name, sizeof(t.name), "Tenant %s", slug);
        snprintf(t.slug, sizeof(t.slug), "%s", slug);
        t.status = TENANT_STATUS_ACTIVE;
        t.pool_base = base;
        t.pool_size = size;
        t.cluster_id = cluster_id;
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_insert(conn, &t), RESULT_OK);
        CHECK_INT_EQ(store_pool_generate(conn, t.id, base, size, fake_secret, NULL), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK(t.id > 0);
        return t.id;
}

static int64_t make_user(struct store_conn *conn, int64_t tenant_id, const char *email,
                         const char *role, const char *first, const char *last)
{
        struct store_user u = { 0 };

        u.tenant_id = tenant_id;
        snprintf(u.email, sizeof(u.email), "%s", email);
        CHECK(user_role_parse(role, &u.role));
        u.status = USER_STATUS_ACTIVE;
        snprintf(u.first_name, sizeof(u.first_name), "%s", first);
        snprintf(u.last_name, sizeof(u.last_name), "%s", last);
        snprintf(u.password_hash, sizeof(u.password_hash), "x");
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_user_insert(conn, &u), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK(u.id > 0);
        return u.id;
}

static struct store_extension allocate(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                                       const char *provisioning)
{
        struct store_extension e = { 0 };
        enum jobs_state state = JOBS_STATE_FAILED;

        CHECK(jobs_state_parse(provisioning, &state));
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_pool_allocate(conn, tenant_id, user_id, "sealed-secret", "sealed-pin",
                                         state, &e),
                     RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        return e;
}

static int64_t make_cluster(struct store_conn *conn, const char *name, const char *mode,
                            const char *status, const char *sip_domain)
{
        struct store_cluster c = { 0 };

        snprintf(c.name, sizeof(c.name), "%s", name);
        snprintf(c.region, sizeof(c.region), "eu");
        CHECK(fs_mode_parse(mode, &c.mode));
        CHECK(cluster_status_parse(status, &c.status));
        snprintf(c.sip_domain, sizeof(c.sip_domain), "%s", sip_domain);
        CHECK_INT_EQ(store_cluster_insert(conn, &c), RESULT_OK);
        CHECK(c.id > 0);
        return c.id;
}

/* ---- the store itself ----------------------------------------------------- */

void contract_basics(struct store *store)
{
        struct store_conn *conn = conn_of(store);
        bool sqlite = strcmp(store_backend(store), "sqlite") == 0;
        int pending = -1;
        uint64_t before;

        CHECK(sqlite || strcmp(store_backend(store), "postgresql") == 0);
        CHECK_INT_EQ(store_ping(conn), RESULT_OK);
        CHECK_INT_EQ(store_migrations_pending(store, &pending), RESULT_OK);
        CHECK_INT_EQ(pending, 0);
        CHECK(sqlite ? store_sqlite_dir(store) != NULL : store_sqlite_dir(store) == NULL);
        CHECK(store_now() > 1700000000);

        /* The write count moves on every write and commit of this process. */
        before = store_writes(store);
        make_tenant(conn, "writes", 500000, 1, 0);
        CHECK(store_writes(store) > before);

        /* Complete at once on SQLite; on PostgreSQL once the watcher listens.
         * Shared once the watcher listens (PostgreSQL's notifications,
         * SQLite's data_version): another process's commit then moves the
         * count. */
        if (sqlite)
                CHECK(store_writes_complete(store));
        else
                CHECK(!store_writes_complete(store));
        CHECK(!store_writes_shared(store));
        CHECK_INT_EQ(store_watch_start(store), RESULT_OK);
        struct timespec deadline, now;
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += 10;
        do {
                clock_gettime(CLOCK_MONOTONIC, &now);
        } while (!store_writes_shared(store) && now.tv_sec < deadline.tv_sec);
        CHECK(store_writes_complete(store));
        CHECK(store_writes_shared(store));

        struct store *other = contract_open_store();
        before = store_writes(store);
        make_tenant(conn_of(other), "writes-elsewhere", 500001, 1, 0);
        store_close(other);
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += 10;
        do {
                clock_gettime(CLOCK_MONOTONIC, &now);
        } while (store_writes(store) == before && now.tv_sec < deadline.tv_sec);
        CHECK(store_writes(store) > before);
        store_watch_stop(store);
        store_watch_stop(store);                 /* twice is fine */
}

/* ---- what moves store_writes() -------------------------------------------- */

#define MOVES(what)                                                                    \
        do {                                                                           \
                uint64_t moves_before = store_writes(store);                           \
                what;                                                                  \
                if (store_writes(store) == moves_before)                               \
                        fprintf(stderr, "store_writes() did not move: %s\n", #what);   \
                CHECK(store_writes(store) > moves_before);                             \
        } while (0)
#define STAYS(what)                                                                    \
        do {                                                                           \
                uint64_t stays_before = store_writes(store);                           \
                what;                                                                  \
                if (store_writes(store) != stays_before)                               \
                        fprintf(stderr, "store_writes() moved: %s\n", #what);          \
                CHECK(store_writes(store) == stays_before);                            \
        } while (0)

/* Records an attempt of extension_id's new job that failed: a job
 * outcome, which also writes the extension's provisioning state. */
static void job_outcome(struct store_conn *conn, int64_t tenant_id, int64_t extension_id)
{
        struct store_job jobs[64];
        int n = 0;

        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_insert(conn, tenant_id, FS_CHANGE_UPDATE, extension_id,
                                      JOBS_STATE_PENDING), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_jobs_due(conn, store_now(), jobs, 64, &n), RESULT_OK);
        for (int i = 0; i < n; i++)
                if (jobs[i].extension_id == extension_id) {
                        CHECK_INT_EQ(begin(conn), RESULT_OK);
                        CHECK_INT_EQ(store_job_retry(conn, &jobs[i], JOBS_STATUS_PENDING, "refused",
                                                     store_now() + 3600, JOBS_STATE_PENDING),
                                     RESULT_OK);
                        CHECK_INT_EQ(commit(conn), RESULT_OK);
                        return;
                }
        CHECK(!"the job is due");
}

/* What the directory does not read, written by conn: a session, a login,
 * a password, voicemail, a job and its outcome, a live event, a throttle
 * count, a node. */
static void write_elsewhere(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                            int64_t extension_id, int64_t cluster_id, const char *node_name)
{
        struct store_node node = { .cluster_id = cluster_id, .esl_port = 8021,
                                   .status = CLUSTER_STATUS_ACTIVE };
        int64_t id = 0;
        char hash[80];

        snprintf(hash, sizeof(hash), "elsewhere-%s", node_name);
        CHECK_INT_EQ(store_session_insert(conn, hash, user_id, 0, false, store_now(),
                                          store_now() + 60, &id), RESULT_OK);
        CHECK_INT_EQ(store_user_touch_login(conn, user_id), RESULT_OK);
        CHECK_INT_EQ(store_user_set_password(conn, user_id, "another hash", false), RESULT_OK);
        job_outcome(conn, tenant_id, extension_id);
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_live_event_append(conn, tenant_id, EVENT_REGISTRATION_CHANGED, 0, "{}"),
                     RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_throttle_fail(conn, hash, store_now(), 60), RESULT_OK);
        snprintf(node.name, sizeof(node.name), "%s", node_name);
        snprintf(node.esl_host, sizeof(node.esl_host), "127.0.0.1");
        snprintf(node.esl_password, sizeof(node.esl_password), "v1:sealed");
        snprintf(node.sofia_profile, sizeof(node.sofia_profile), "internal");
        CHECK_INT_EQ(store_node_insert(conn, &node), RESULT_OK);
}

static uint64_t writes_settled(struct store *store, uint64_t before)
{
        struct timespec deadline, now;

        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += 10;
        do {
                clock_gettime(CLOCK_MONOTONIC, &now);
        } while (store_writes(store) == before && now.tv_sec < deadline.tv_sec);
        /* Whatever else the watcher was to hear arrives with or before it. */
        nanosleep(&(struct timespec){ .tv_nsec = 300 * 1000000L }, NULL);
        return store_writes(store);
}

/* store_writes() moves on the writes of what the directory reads (tenants,
 * users, agent_extensions, freeswitch_clusters; the columns it reads),
 * made by this process or, heard by the watcher, by another; never on
 * writes elsewhere. */
void contract_directory_writes(struct store *store)
{
        struct store_conn *conn = conn_of(store);
        struct store_tenant t;
        struct store_user u;
        struct store_extension e = { 0 };
        int64_t tenant_id = 0, user_id = 0, cluster_id = 0;
        uint64_t before, after;

        /* This process's writes, statement by statement. */
        MOVES(tenant_id = make_tenant(conn, "directory-writes", 595000, 2, 0));
        MOVES(user_id = make_user(conn, tenant_id, "d@directory.test", "agent", "D", "W"));
        MOVES(e = allocate(conn, tenant_id, user_id, "pending"));
        MOVES(cluster_id = make_cluster(conn, "directory-writes", "xml_curl", "active",
                                        "dw.example.com"));
        MOVES(CHECK_INT_EQ(store_extension_set_secret(conn, e.id, "another sealed"), RESULT_OK));
        CHECK_INT_EQ(store_user_get(conn, user_id, &u), RESULT_OK);
        snprintf(u.last_name, sizeof(u.last_name), "Renamed");
        MOVES(CHECK_INT_EQ(store_user_update(conn, &u, false), RESULT_OK));
        CHECK_INT_EQ(store_tenant_get(conn, tenant_id, &t), RESULT_OK);
        snprintf(t.sip_domain, sizeof(t.sip_domain), "dw-tenant.example.com");
        MOVES(CHECK_INT_EQ(store_tenant_update(conn, &t), RESULT_OK));
        /* A transaction that wrote the directory moves it again at its
         * end, committed or rolled back. */
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_extension_set_secret(conn, e.id, "rolled back"), RESULT_OK);
        MOVES(store_rollback(conn));
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_extension_set_secret(conn, e.id, "committed"), RESULT_OK);
        MOVES(CHECK_INT_EQ(commit(conn), RESULT_OK));
        STAYS(write_elsewhere(conn, tenant_id, user_id, e.id, cluster_id, "dw-here"));
        /* voicemail and the ring time are the directory user's variables */
        MOVES(CHECK_INT_EQ(store_extension_set_voicemail(conn, e.id, true, 30), RESULT_OK));
        STAYS(CHECK_INT_EQ(store_ping(conn), RESULT_OK));

        /* Another process's, heard by the watcher: what is elsewhere is
         * not heard, the directory write that follows is, once. */
        CHECK_INT_EQ(store_watch_start(store), RESULT_OK);
        struct store *other = contract_open_store();
        struct timespec deadline, now;
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += 10;
        do {
                clock_gettime(CLOCK_MONOTONIC, &now);
        } while (!store_writes_shared(store) && now.tv_sec < deadline.tv_sec);
        CHECK(store_writes_shared(store));
        before = store_writes(store);               /* after the subscription's own move */
        write_elsewhere(conn_of(other), tenant_id, user_id, e.id, cluster_id, "dw-there");
        nanosleep(&(struct timespec){ .tv_nsec = 300 * 1000000L }, NULL);
        CHECK(store_writes(store) == before);
        CHECK_INT_EQ(store_extension_set_secret(conn_of(other), e.id, "from elsewhere"), RESULT_OK);
        after = writes_settled(store, before);
        if (after != before + 1)
                fprintf(stderr, "the watcher moved store_writes() %" PRIu64 " times\n",
                        after - before);
        CHECK(after == before + 1);
        store_close(other);
        store_watch_stop(store);
}

/* ---- tenants -------------------------------------------------------------- */

struct stats_seen {
        int64_t tenant_id;
        int calls;
        struct store_pool_stats stats;
};

static void on_stats(void *userdata, const struct store_tenant *t, const struct store_pool_stats *s)
{
        struct stats_seen *seen = userdata;

        if (t->id == seen->tenant_id) {
                seen->calls++;
                seen->stats = *s;
        }
}

void contract_tenants(struct store *store)
{
        struct store_conn *conn = conn_of(store);
        struct store_tenant t = { 0 }, got, *items = NULL;
        struct store_page page = { .limit = 2, .offset = 0 };
        struct stats_seen seen = { 0 };
        int64_t a, b, *ids = NULL;
        size_t n = 0;
        bool overlaps = true;

        a = make_tenant(conn, "tn-a", 510000, 10, 0);
        b = make_tenant(conn, "tn-b", 510100, 10, 0);

        /* A taken slug: conflict, nothing written. */
        snprintf(t.name, sizeof(t.name), "Again");
        snprintf(t.slug, sizeof(t.slug), "tn-a");
        t.status = TENANT_STATUS_ACTIVE;
        t.pool_base = 511000;
        t.pool_size = 1;
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_insert(conn, &t), RESULT_CONFLICT);
        store_rollback(conn);
        CHECK_INT_EQ(store_tenant_get_by_slug(conn, "tn-a", &got), RESULT_OK);
        CHECK_STR_EQ(got.name, "Tenant tn-a");

        /* Overlap: the pool's own tenant is excepted, the edges are exact. */
        CHECK_INT_EQ(store_pool_overlaps(conn, 510009, 1, 0, &overlaps), RESULT_OK);
        CHECK(overlaps);
        CHECK_INT_EQ(store_pool_overlaps(conn, 510009, 1, a, &overlaps), RESULT_OK);
        CHECK(!overlaps);
        CHECK_INT_EQ(store_pool_overlaps(conn, 510010, 90, 0, &overlaps), RESULT_OK);
        CHECK(!overlaps);
        CHECK_INT_EQ(store_pool_overlaps(conn, 509990, 10, 0, &overlaps), RESULT_OK);
        CHECK(!overlaps);
        CHECK_INT_EQ(store_pool_overlaps(conn, 509990, 11, 0, &overlaps), RESULT_OK);
        CHECK(overlaps);

        /* set_pool, update: written; the rest left alone. */
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_set_pool(conn, a, 510000, 20), RESULT_OK);
        CHECK_INT_EQ(store_tenant_get(conn, a, &got), RESULT_OK);
        snprintf(got.name, sizeof(got.name), "Renamed Ä");
        got.status = TENANT_STATUS_SUSPENDED;
        snprintf(got.sip_domain, sizeof(got.sip_domain), "a.example.com");
        CHECK_INT_EQ(store_tenant_update(conn, &got), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_get(conn, a, &got), RESULT_OK);
        CHECK_INT_EQ(got.pool_size, 20);
        CHECK_STR_EQ(got.name, "Renamed Ä");
        CHECK_STR_EQ(tenant_status_name(got.status), "suspended");
        CHECK_STR_EQ(got.sip_domain, "a.example.com");
        CHECK_STR_EQ(got.slug, "tn-a");

        /* A page: ordered by id, total counts every row. */
        CHECK_INT_EQ(store_tenant_list(conn, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 2);
        CHECK(n == 2 && items[0].id < items[1].id);
        CHECK(page.total >= 4);
        free(items);
        items = NULL;
        page.offset = page.total - 1;
        CHECK_INT_EQ(store_tenant_list(conn, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 1);
        CHECK(n == 1 && items[0].id == b);
        free(items);
        items = NULL;
        page.offset = page.total;
        CHECK_INT_EQ(store_tenant_list(conn, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);
        free(items);

        /* Active ids of the default cluster: b, not the suspended a. */
        CHECK_INT_EQ(store_tenants_active_ids(conn, 0, &ids, &n), RESULT_OK);
        bool has_a = false, has_b = false;
        for (size_t i = 0; i < n; i++) {
                has_a |= ids[i] == a;
                has_b |= ids[i] == b;
        }
        CHECK(!has_a && has_b);
        free(ids);

        /* Stats for every tenant, once each. */
        seen.tenant_id = b;
        CHECK_INT_EQ(store_pool_stats_all(conn, on_stats, &seen), RESULT_OK);
        CHECK_INT_EQ(seen.calls, 1);
        CHECK_INT_EQ(seen.stats.total, 10);
        CHECK_INT_EQ(seen.stats.free, 10);

        /* set_cluster on no tenant: not found. */
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_set_cluster(conn, 987654321, 0), RESULT_NOT_FOUND);
        store_rollback(conn);
}

/* ---- users ---------------------------------------------------------------- */

void contract_users(struct store *store)
{
        struct store_conn *conn = conn_of(store);
        struct store_user got, *items = NULL;
        struct store_page page = { .limit = 50, .offset = 0 };
        struct store_user_filter f = { 0 };
        int64_t t, ann, bob, cy;
        size_t n = 0;

        t = make_tenant(conn, "us", 520000, 5, 0);
        ann = make_user(conn, t, "ann@us.test", "admin", "Ann", "Archer");
        bob = make_user(conn, t, "bob@us.test", "agent", "Bob", "Baker");
        cy = make_user(conn, t, "cy@us.test", "agent", "Cy", "Cooper");

        /* Filters: role, status, substring of a name or the email. */
        f.tenant_id = t;
        CHECK_INT_EQ(store_user_list(conn, &f, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 3);
        CHECK_INT_EQ(page.total, 3);
        CHECK(n == 3 && items[0].id == ann && items[2].id == cy);
        free(items);
        f.by_role = true;
        f.role = USER_ROLE_AGENT;
        CHECK_INT_EQ(store_user_list(conn, &f, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 2);
        free(items);
        f.by_role = false;
        f.q = "BAKER";
        CHECK_INT_EQ(store_user_list(conn, &f, &page, &items, &n), RESULT_OK);
        CHECK(n == 1 && items[0].id == bob);
        free(items);
        f.q = "cy@us";
        CHECK_INT_EQ(store_user_list(conn, &f, &page, &items, &n), RESULT_OK);
        CHECK(n == 1 && items[0].id == cy);
        free(items);
        f.q = "%";                               /* a LIKE wildcard is a character */
        CHECK_INT_EQ(store_user_list(conn, &f, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);
        free(items);
        f.q = NULL;

        /* Update: names, role, status; tokens revoked only when asked. */
        CHECK_INT_EQ(store_user_get(conn, bob, &got), RESULT_OK);
        int64_t version = got.token_version;
        snprintf(got.first_name, sizeof(got.first_name), "Robert");
        got.role = USER_ROLE_SUPERVISOR;
        got.status = USER_STATUS_SUSPENDED;
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_user_update(conn, &got, false), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_user_get(conn, bob, &got), RESULT_OK);
        CHECK_STR_EQ(got.first_name, "Robert");
        CHECK_STR_EQ(user_role_name(got.role), "supervisor");
        CHECK_STR_EQ(user_status_name(got.status), "suspended");
        CHECK_STR_EQ(got.email, "bob@us.test");
        CHECK_INT_EQ(got.token_version, version);
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_user_update(conn, &got, true), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_user_get(conn, bob, &got), RESULT_OK);
        CHECK_INT_EQ(got.token_version, version + 1);
        f.by_status = true;
        f.status = USER_STATUS_SUSPENDED;
        CHECK_INT_EQ(store_user_list(conn, &f, &page, &items, &n), RESULT_OK);
        CHECK(n == 1 && items[0].id == bob);
        free(items);
        f.by_status = false;

        /* Password: hash, flag, token version. */
        CHECK_INT_EQ(store_user_set_password(conn, ann, "new-hash", true), RESULT_OK);
        CHECK_INT_EQ(store_user_get(conn, ann, &got), RESULT_OK);
        CHECK_STR_EQ(got.password_hash, "new-hash");
        CHECK(got.must_change_password);
        CHECK_INT_EQ(got.token_version, 2);

        /* Login time. */
        CHECK_INT_EQ(got.last_login_at, 0);
        CHECK_INT_EQ(store_user_touch_login(conn, ann), RESULT_OK);
        CHECK_INT_EQ(store_user_get(conn, ann, &got), RESULT_OK);
        CHECK(got.last_login_at >= store_now() - 5);

        /* Soft delete: gone from lists and email lookups, tokens revoked,
         * the email free for a new user. */
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_user_soft_delete(conn, cy), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_user_get_by_email(conn, "cy@us.test", &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_user_get(conn, cy, &got), RESULT_OK);
        CHECK_STR_EQ(user_status_name(got.status), "deleted");
        CHECK_INT_EQ(got.token_version, 2);
        CHECK_INT_EQ(store_user_list(conn, &f, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 2);
        CHECK_INT_EQ(page.total, 2);
        free(items);
        CHECK(make_user(conn, t, "cy@us.test", "agent", "Cy", "Again") > cy);
}

/* ---- sessions ------------------------------------------------------------- */

void contract_sessions(struct store *store)
{
        struct store_conn *conn = conn_of(store);
        struct store_session s;
        struct store_session_fault fault;
        struct store_tenant tenant;
        struct store_user u;
        int64_t t, user, id = 0, other = 0, now = store_now();

        t = make_tenant(conn, "sess", 530000, 1, 0);
        user = make_user(conn, t, "s@sess.test", "admin", "S", "S");
        CHECK_INT_EQ(store_user_get(conn, user, &u), RESULT_OK);

        CHECK_INT_EQ(store_session_insert(conn, "hash-1", user, u.token_version, true, now - 10,
                                          now + 60, &id),
                     RESULT_OK);
        CHECK(id > 0);
        CHECK_INT_EQ(store_session_lookup(conn, "hash-1", now, &s), RESULT_OK);
        CHECK_INT_EQ(s.id, id);
        CHECK(s.restricted);
        CHECK_INT_EQ(s.expires_at, now + 60);
        CHECK_INT_EQ(s.user.id, user);
        CHECK_STR_EQ(s.user.email, "s@sess.test");
        CHECK_STR_EQ(tenant_status_name(s.tenant_status), "active");
        CHECK_INT_EQ(s.login_at, now - 10);
        CHECK_INT_EQ(store_session_lookup(conn, "hash-2", now, &s), RESULT_NOT_FOUND);
        /* Expired at now + 60, and the fault says so. */
        CHECK_INT_EQ(store_session_lookup(conn, "hash-1", now + 61, &s), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_session_fault(conn, "hash-1", now + 61, &fault), RESULT_OK);
        CHECK(fault.expired && !fault.revoked);
        CHECK_STR_EQ(user_status_name(fault.user_status), "active");
        CHECK_STR_EQ(tenant_status_name(fault.tenant_status), "active");
        CHECK_INT_EQ(store_session_fault(conn, "hash-9", now, &fault), RESULT_NOT_FOUND);

        /* Revoked: that session only. */
        CHECK_INT_EQ(store_session_insert(conn, "hash-2", user, u.token_version, false, now - 10, now + 60,
                                          &other),
                     RESULT_OK);
        CHECK_INT_EQ(store_session_revoke(conn, id), RESULT_OK);
        CHECK_INT_EQ(store_session_revoke(conn, id), RESULT_NOT_FOUND); /* one revoker wins */
        CHECK_INT_EQ(store_session_lookup(conn, "hash-1", now, &s), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_session_fault(conn, "hash-1", now, &fault), RESULT_OK);
        CHECK(fault.revoked && !fault.expired);
        CHECK_INT_EQ(store_session_lookup(conn, "hash-2", now, &s), RESULT_OK);
        CHECK(!s.restricted);

        /* A suspended tenant, then revoked tenant tokens. */
        CHECK_INT_EQ(store_tenant_get(conn, t, &tenant), RESULT_OK);
        tenant.status = TENANT_STATUS_SUSPENDED;
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_update(conn, &tenant), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_session_lookup(conn, "hash-2", now, &s), RESULT_NOT_FOUND);
        tenant.status = TENANT_STATUS_ACTIVE;
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_update(conn, &tenant), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_session_lookup(conn, "hash-2", now, &s), RESULT_OK);
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_revoke_tokens(conn, t), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_session_lookup(conn, "hash-2", now, &s), RESULT_NOT_FOUND);

        /* A token of the new version works until the user is suspended. */
        CHECK_INT_EQ(store_user_get(conn, user, &u), RESULT_OK);
        CHECK_INT_EQ(u.token_version, 2);
        CHECK_INT_EQ(store_session_insert(conn, "hash-3", user, u.token_version, false, now - 10, now + 60,
                                          &id),
                     RESULT_OK);
        CHECK_INT_EQ(store_session_lookup(conn, "hash-3", now, &s), RESULT_OK);
        u.status = USER_STATUS_SUSPENDED;
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_user_update(conn, &u, false), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_session_lookup(conn, "hash-3", now, &s), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_session_fault(conn, "hash-3", now, &fault), RESULT_OK);
        CHECK_STR_EQ(user_status_name(fault.user_status), "suspended");

        /* A platform superadmin: no tenant, "" tenant status. */
        int64_t root = make_user(conn, 0, "root@sess.test", "superadmin", "R", "R");
        CHECK_INT_EQ(store_session_insert(conn, "hash-4", root, 1, false, now - 10, now + 60, &id),
                     RESULT_OK);
        CHECK_INT_EQ(store_session_lookup(conn, "hash-4", now, &s), RESULT_OK);
        /* A superadmin has no tenant to suspend it. */
        CHECK_STR_EQ(tenant_status_name(s.tenant_status), "active");
        CHECK_INT_EQ(s.user.tenant_id, 0);

        /* Sessions by id, as the live streams check them: hash-4 live,
         * hash-3 of a suspended user, hash-2 of a stale token version,
         * an id nobody has. */
        int64_t dead = 0, stale = 0;
        CHECK_INT_EQ(store_session_lookup(conn, "hash-2", now, &s), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_session_live_user(conn, id, now, &u), RESULT_OK);
        CHECK_INT_EQ(u.id, root);
        CHECK_INT_EQ(u.tenant_id, 0);
        CHECK_STR_EQ(user_role_name(u.role), "superadmin");
        CHECK_INT_EQ(store_session_live_user(conn, id, now + 61, &u), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_session_insert(conn, "hash-5", user, 2, false, now - 10, now + 60, &dead),
                     RESULT_OK);
        CHECK_INT_EQ(store_session_live_user(conn, dead, now, &u), RESULT_NOT_FOUND);
        stale = other;
        {
                int64_t ids[70];
                bool live[70];
                for (int i = 0; i < 70; i++)
                        ids[i] = 1000000 + i;    /* nobody's */
                ids[3] = id;
                ids[65] = id;                    /* in the third statement (31 each) */
                ids[10] = dead;
                ids[66] = stale;
                CHECK_INT_EQ(store_sessions_live(conn, ids, 70, now, live), RESULT_OK);
                for (int i = 0; i < 70; i++)
                        CHECK(live[i] == (i == 3 || i == 65));
                CHECK_INT_EQ(store_sessions_live(conn, ids, 70, now + 61, live), RESULT_OK);
                CHECK(!live[3] && !live[65]);
        }

        /* Stream tickets: taken once, before they expire, for what they
         * were issued. */
        struct store_event_ticket ticket = { .session_id = id, .stream = EVENT_STREAM_ADMIN },
                                  got;
        CHECK_INT_EQ(store_event_ticket_insert(conn, "ticket-1", &ticket, now + 30), RESULT_OK);
        ticket.stream = EVENT_STREAM_ME;
        ticket.tenant_id = t;
        CHECK_INT_EQ(store_event_ticket_insert(conn, "ticket-2", &ticket, now + 30), RESULT_OK);
        CHECK_INT_EQ(store_event_ticket_take(conn, "ticket-1", now + 30, &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_event_ticket_take(conn, "ticket-1", now + 29, &got), RESULT_OK);
        CHECK_INT_EQ(got.session_id, id);
        CHECK_INT_EQ(got.stream, EVENT_STREAM_ADMIN);
        CHECK_INT_EQ(got.tenant_id, 0);
        CHECK_INT_EQ(store_event_ticket_take(conn, "ticket-1", now, &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_event_ticket_take(conn, "ticket-9", now, &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_event_ticket_take(conn, "ticket-2", now, &got), RESULT_OK);
        CHECK_INT_EQ(got.stream, EVENT_STREAM_ME);
        CHECK_INT_EQ(got.tenant_id, t);
}

/* ---- login throttle ------------------------------------------------------- */

void contract_throttle(struct store *store)
{
        struct store_conn *conn = conn_of(store);
        int64_t failures = -1, start = -1, now = 1800000000;

        CHECK_INT_EQ(store_throttle_get(conn, "email:t@x", now, 300, &failures, &start), RESULT_OK);
        CHECK_INT_EQ(failures, 0);
        CHECK_INT_EQ(start, now);
        CHECK_INT_EQ(store_throttle_fail(conn, "email:t@x", now, 300), RESULT_OK);
        CHECK_INT_EQ(store_throttle_fail(conn, "email:t@x", now + 10, 300), RESULT_OK);
        CHECK_INT_EQ(store_throttle_fail(conn, "ip:192.0.2.1", now, 300), RESULT_OK);
        CHECK_INT_EQ(store_throttle_get(conn, "email:t@x", now + 20, 300, &failures, &start),
                     RESULT_OK);
        CHECK_INT_EQ(failures, 2);
        CHECK_INT_EQ(start, now);
        /* The window runs from the first failure: at now + 300 it is over. */
        CHECK_INT_EQ(store_throttle_get(conn, "email:t@x", now + 300, 300, &failures, &start),
                     RESULT_OK);
        CHECK_INT_EQ(failures, 0);
        CHECK_INT_EQ(store_throttle_fail(conn, "email:t@x", now + 300, 300), RESULT_OK);
        CHECK_INT_EQ(store_throttle_get(conn, "email:t@x", now + 301, 300, &failures, &start),
                     RESULT_OK);
        CHECK_INT_EQ(failures, 1);
        CHECK_INT_EQ(start, now + 300);
        /* Clear: that key only. */
        CHECK_INT_EQ(store_throttle_clear(conn, "email:t@x"), RESULT_OK);
        CHECK_INT_EQ(store_throttle_get(conn, "email:t@x", now + 301, 300, &failures, &start),
                     RESULT_OK);
        CHECK_INT_EQ(failures, 0);
        CHECK_INT_EQ(store_throttle_get(conn, "ip:192.0.2.1", now + 1, 300, &failures, &start),
                     RESULT_OK);
        CHECK_INT_EQ(failures, 1);
        CHECK_INT_EQ(store_throttle_clear(conn, "never-failed"), RESULT_OK);
}

/* ---- extensions and the directory ----------------------------------------- */

void contract_extensions(struct store *store)
{
        struct store_conn *conn = conn_of(store);
        struct store_extension mine[STORE_MAX_EXTENSIONS_PER_USER], got, *items = NULL, e1, e2, e3;
        struct store_extension_filter f = { 0 };
        struct store_page page = { .limit = 50, .offset = 0 };
        struct store_directory_entry d;
        struct store_pool_stats stats;
        char (*numbers)[16] = NULL;
        int64_t t, ann, bob;
        size_t n = 0;

        t = make_tenant(conn, "ext", 540000, 4, 0);
        ann = make_user(conn, t, "ann@ext.test", "agent", "Ann", "Archer");
        bob = make_user(conn, t, "bob@ext.test", "agent", "Bob", "Baker");

        /* Generating over existing numbers: an overlap, nothing written. */
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_pool_generate(conn, t, 540003, 2, fake_secret, NULL), RESULT_POOL_OVERLAP);
        store_rollback(conn);
        CHECK_INT_EQ(store_pool_stats(conn, t, &stats), RESULT_OK);
        CHECK_INT_EQ(stats.total, 4);

        e1 = allocate(conn, t, ann, "pending");
        e2 = allocate(conn, t, bob, "provisioned");
        e3 = allocate(conn, t, ann, "pending");
        CHECK_STR_EQ(e1.extension, "540000");
        CHECK_STR_EQ(e2.extension, "540001");
        CHECK_STR_EQ(e3.extension, "540002");
        CHECK_STR_EQ(e1.sip_secret, "sealed-secret");
        CHECK_STR_EQ(e1.vm_pin, "sealed-pin");
        CHECK_STR_EQ(extension_status_name(e1.status), "active");
        CHECK_STR_EQ(jobs_state_name(e1.provisioning), "pending");
        CHECK_STR_EQ(jobs_state_name(e2.provisioning), "provisioned");
        CHECK(e1.assigned_at > 0);

        CHECK_INT_EQ(store_extensions_of_user(conn, ann, mine, &n), RESULT_OK);
        CHECK_INT_EQ(n, 2);
        CHECK(n == 2 && mine[0].id == e1.id && mine[1].id == e3.id);
        CHECK_INT_EQ(store_extensions_of_user(conn, 987654321, mine, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);

        /* Lists by state. */
        f.tenant_id = t;
        CHECK_INT_EQ(store_extension_list(conn, &f, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 4);
        CHECK_INT_EQ(page.total, 4);
        CHECK(n == 4 && strcmp(items[3].extension, "540003") == 0 && items[3].user_id == 0);
        free(items);
        f.state = "free";
        CHECK_INT_EQ(store_extension_list(conn, &f, &page, &items, &n), RESULT_OK);
        CHECK(n == 1 && strcmp(items[0].extension, "540003") == 0);
        free(items);
        f.state = "assigned";
        page.limit = 2;
        CHECK_INT_EQ(store_extension_list(conn, &f, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 2);
        CHECK_INT_EQ(page.total, 3);
        free(items);

        /* Status of every extension of one user; secret; voicemail. */
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_extensions_set_status(conn, ann, EXTENSION_STATUS_SUSPENDED), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_extension_get(conn, e3.id, &got), RESULT_OK);
        CHECK_STR_EQ(extension_status_name(got.status), "suspended");
        CHECK_INT_EQ(store_extension_get(conn, e2.id, &got), RESULT_OK);
        CHECK_STR_EQ(extension_status_name(got.status), "active");
        CHECK_INT_EQ(store_extension_set_secret(conn, e2.id, "sealed-2"), RESULT_OK);
        CHECK_INT_EQ(store_extension_set_pin(conn, e2.id, "sealed-pin-2"), RESULT_OK);
        CHECK_INT_EQ(store_extension_set_pin(conn, 987654321, "x"), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_extension_set_voicemail(conn, e2.id, true, 45), RESULT_OK);
        CHECK_INT_EQ(store_extension_get(conn, e2.id, &got), RESULT_OK);
        CHECK_STR_EQ(got.sip_secret, "sealed-2");
        CHECK_STR_EQ(got.vm_pin, "sealed-pin-2");
        CHECK(got.voicemail_enabled);
        CHECK_INT_EQ(got.ring_s, 45);
        CHECK_INT_EQ(store_extension_set_voicemail(conn, e2.id, false, 20), RESULT_OK);
        CHECK_INT_EQ(store_extension_get(conn, e2.id, &got), RESULT_OK);
        CHECK(!got.voicemail_enabled);
        CHECK_INT_EQ(store_extension_get(conn, 987654321, &got), RESULT_NOT_FOUND);

        /* The directory: one query with user and tenant. */
        CHECK_INT_EQ(store_directory_lookup(conn, "540001", &d), RESULT_OK);
        CHECK_INT_EQ(d.ext.id, e2.id);
        CHECK_STR_EQ(d.ext.sip_secret, "sealed-2");
        CHECK_STR_EQ(d.first_name, "Bob");
        CHECK_STR_EQ(d.last_name, "Baker");
        CHECK_STR_EQ(user_status_name(d.user_status), "active");
        CHECK_STR_EQ(tenant_status_name(d.tenant_status), "active");
        CHECK_INT_EQ(d.cluster_id, 0);
        CHECK_INT_EQ(store_directory_lookup(conn, "540003", &d), RESULT_OK);
        /* A free extension has no user: none that lives. */
        CHECK_STR_EQ(user_status_name(d.user_status), "deleted");
        CHECK_INT_EQ(store_directory_lookup(conn, "549999", &d), RESULT_NOT_FOUND);

        /* What the default cluster's nodes know: bob's, not ann's suspended
         * ones nor the free one. */
        CHECK_INT_EQ(store_directory_numbers(conn, 0, &numbers, &n), RESULT_OK);
        bool has[4] = { false };
        for (size_t i = 0; i < n; i++)
                for (int k = 0; k < 4; k++) {
                        char want[16];
                        snprintf(want, sizeof(want), "%d", 540000 + k);
                        has[k] |= strcmp(numbers[i], want) == 0;
                }
        CHECK(!has[0] && has[1] && !has[2] && !has[3]);
        free(numbers);

        /* Release: free, new secret; twice is not found. */
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_pool_release(conn, e2.id, "sealed-3", "pin-3"), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_extension_get(conn, e2.id, &got), RESULT_OK);
        CHECK_INT_EQ(got.user_id, 0);
        CHECK_STR_EQ(got.sip_secret, "sealed-3");
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_pool_release(conn, e2.id, "sealed-4", "pin-4"), RESULT_NOT_FOUND);
        store_rollback(conn);
        CHECK_INT_EQ(store_pool_stats(conn, t, &stats), RESULT_OK);
        CHECK_INT_EQ(stats.assigned, 2);
        CHECK_INT_EQ(stats.free, 2);

        /* Transfer: ann's suspended e3 to bob, active, new secret and PIN,
         * its voicemail kept; from ann again (no longer hers) a conflict. */
        CHECK_INT_EQ(store_extension_set_voicemail(conn, e3.id, true, 30), RESULT_OK);
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_extension_transfer(conn, e3.id, ann, bob, "sealed-5", "pin-5",
                                              JOBS_STATE_PENDING),
                     RESULT_OK);
        CHECK_INT_EQ(store_extension_transfer(conn, e3.id, ann, bob, "sealed-6", "pin-6",
                                              JOBS_STATE_PENDING),
                     RESULT_CONFLICT);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_extension_get(conn, e3.id, &got), RESULT_OK);
        CHECK_INT_EQ(got.user_id, bob);
        CHECK_STR_EQ(got.sip_secret, "sealed-5");
        CHECK_STR_EQ(got.vm_pin, "pin-5");
        CHECK_STR_EQ(extension_status_name(got.status), "active");
        CHECK(got.voicemail_enabled && got.ring_s == 30);
        CHECK_INT_EQ(store_extensions_of_user(conn, bob, mine, &n), RESULT_OK);
        CHECK_INT_EQ(n, 1);
        CHECK_INT_EQ(store_pool_stats(conn, t, &stats), RESULT_OK);
        CHECK_INT_EQ(stats.assigned, 2);
}

/* ---- clusters and nodes --------------------------------------------------- */

void contract_clusters(struct store *store)
{
        struct store_conn *conn = conn_of(store);
        struct store_cluster c = { 0 }, got, *items = NULL;
        struct store_node node = { 0 }, nodes[4], gotn;
        struct store_page page = { .limit = 50, .offset = 0 };
        int64_t eu, us, t, count = -1, job = 0;
        struct store_job_state st;
        size_t n = 0;

        eu = make_cluster(conn, "cl-eu", "files", "active", "eu.example.com");
        us = make_cluster(conn, "cl-us", "xml_curl", "disabled", "");
        snprintf(c.name, sizeof(c.name), "cl-eu");
        c.mode = FS_MODE_SSH;
        c.status = CLUSTER_STATUS_ACTIVE;
        CHECK_INT_EQ(store_cluster_insert(conn, &c), RESULT_CONFLICT);

        CHECK_INT_EQ(store_cluster_get(conn, eu, &got), RESULT_OK);
        CHECK_STR_EQ(got.name, "cl-eu");
        CHECK_STR_EQ(got.region, "eu");
        CHECK_STR_EQ(fs_mode_name(got.mode), "files");
        CHECK_STR_EQ(got.sip_domain, "eu.example.com");
        CHECK(got.created_at > 0);
        CHECK_INT_EQ(store_cluster_get(conn, 987654321, &got), RESULT_NOT_FOUND);

        CHECK_INT_EQ(store_cluster_list(conn, &page, &items, &n), RESULT_OK);
        CHECK(n >= 2 && (int64_t)n == page.total);
        CHECK(n >= 2 && items[n - 2].id == eu && items[n - 1].id == us);
        free(items);

        CHECK_INT_EQ(store_cluster_get(conn, us, &got), RESULT_OK);
        got.status = CLUSTER_STATUS_ACTIVE;
        snprintf(got.websocket_url, sizeof(got.websocket_url), "wss://us.example.com:7443");
        CHECK_INT_EQ(store_cluster_update(conn, &got), RESULT_OK);
        CHECK_INT_EQ(store_cluster_get(conn, us, &got), RESULT_OK);
        CHECK_STR_EQ(cluster_status_name(got.status), "active");
        CHECK_STR_EQ(got.websocket_url, "wss://us.example.com:7443");
        got.id = 987654321;
        CHECK_INT_EQ(store_cluster_update(conn, &got), RESULT_NOT_FOUND);

        /* Nodes: names unique per cluster, scoped gets and deletes. */
        node.cluster_id = eu;
        snprintf(node.name, sizeof(node.name), "fs1");
        snprintf(node.esl_host, sizeof(node.esl_host), "127.0.0.1");
        node.esl_port = 8021;
        snprintf(node.esl_password, sizeof(node.esl_password), "v1:sealed");
        snprintf(node.sofia_profile, sizeof(node.sofia_profile), "internal");
        snprintf(node.conf_dir, sizeof(node.conf_dir), "/etc/freeswitch");
        node.status = CLUSTER_STATUS_ACTIVE;
        CHECK_INT_EQ(store_node_insert(conn, &node), RESULT_OK);
        int64_t fs1 = node.id;
        CHECK_INT_EQ(store_node_insert(conn, &node), RESULT_CONFLICT);
        snprintf(node.name, sizeof(node.name), "fs2");
        CHECK_INT_EQ(store_node_insert(conn, &node), RESULT_OK);
        node.cluster_id = us;
        snprintf(node.name, sizeof(node.name), "fs1");
        CHECK_INT_EQ(store_node_insert(conn, &node), RESULT_OK);
        int64_t us_fs1 = node.id;

        CHECK_INT_EQ(store_node_get(conn, eu, fs1, &gotn), RESULT_OK);
        CHECK_STR_EQ(gotn.esl_password, "v1:sealed");
        CHECK_INT_EQ(gotn.esl_port, 8021);
        CHECK_STR_EQ(gotn.conf_dir, "/etc/freeswitch");
        CHECK_INT_EQ(store_node_get(conn, us, fs1, &gotn), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_node_list(conn, eu, nodes, 4, &n), RESULT_OK);
        CHECK_INT_EQ(n, 2);
        CHECK(n == 2 && nodes[0].id == fs1);
        CHECK_INT_EQ(store_node_list(conn, eu, nodes, 1, &n), RESULT_OK);
        CHECK_INT_EQ(n, 1);
        CHECK_INT_EQ(store_node_get(conn, eu, fs1, &gotn), RESULT_OK);
        gotn.esl_port = 8022;
        gotn.status = CLUSTER_STATUS_DISABLED;
        CHECK_INT_EQ(store_node_update(conn, &gotn), RESULT_OK);
        CHECK_INT_EQ(store_node_get(conn, eu, fs1, &gotn), RESULT_OK);
        CHECK_INT_EQ(gotn.esl_port, 8022);
        CHECK_STR_EQ(cluster_status_name(gotn.status), "disabled");
        CHECK_INT_EQ(store_node_delete(conn, us, fs1), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_node_delete(conn, eu, fs1), RESULT_OK);
        CHECK_INT_EQ(store_node_get(conn, eu, fs1, &gotn), RESULT_NOT_FOUND);

        /* Tenants per cluster; moving one. */
        t = make_tenant(conn, "cl-tenant", 550000, 2, 0);
        CHECK_INT_EQ(store_cluster_tenant_count(conn, eu, &count), RESULT_OK);
        CHECK_INT_EQ(count, 0);
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_set_cluster(conn, t, eu), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_cluster_tenant_count(conn, eu, &count), RESULT_OK);
        CHECK_INT_EQ(count, 1);
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_set_cluster(conn, t, 0), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_cluster_tenant_count(conn, eu, &count), RESULT_OK);
        CHECK_INT_EQ(count, 0);

        /* Delete: the cluster, its nodes and its jobs; others untouched. */
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_insert_resync(conn, us, &job), RESULT_OK);
        CHECK_INT_EQ(store_cluster_delete(conn, us), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_cluster_get(conn, us, &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_node_get(conn, us, us_fs1, &gotn), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_job_state(conn, job, &st), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_node_list(conn, eu, nodes, 4, &n), RESULT_OK);
        CHECK_INT_EQ(n, 1);
}

/* ---- provisioning jobs ---------------------------------------------------- */

struct lock_try {
        struct store *store;
        bool only_ask;                   /* store_singleton_held, not _try */
        bool held;
        enum result result;
};

static void *try_lock_elsewhere(void *arg)
{
        struct lock_try *l = arg;
        struct store_conn *conn;

        l->result = store_conn_get(l->store, &conn);
        if (!l->result)
                l->result = l->only_ask ? store_singleton_held(conn, 424242, &l->held)
                                        : store_singleton_try(conn, 424242, &l->held);
        store_conn_release(l->store);
        return NULL;
}

static struct store_job *find_job(struct store_job *jobs, int n, int64_t id)
{
        for (int i = 0; i < n; i++)
                if (jobs[i].id == id)
                        return &jobs[i];
        return NULL;
}

struct job_stats {
        int64_t count[JOBS_STATUS_FAILED + 1], oldest[JOBS_STATUS_FAILED + 1];
        int calls;
};

static void on_job_stats(void *userdata, enum jobs_status status, int64_t count, int64_t oldest)
{
        struct job_stats *js = userdata;

        js->count[status] = count;
        js->oldest[status] = oldest;
        js->calls++;
}

void contract_jobs(struct store *store)
{
        struct store_conn *conn = conn_of(store);
        bool sqlite = strcmp(store_backend(store), "sqlite") == 0, held = false;
        struct store_job jobs[64], *j;
        struct store_job_state st;
        struct store_extension e1, e2, got;
        int64_t t, u, xml, off, tx, pending = -1, failed = -1, resync = 0;
        int n = 0;

        t = make_tenant(conn, "jobs", 560000, 3, 0);
        u = make_user(conn, t, "j@jobs.test", "agent", "J", "J");
        e1 = allocate(conn, t, u, "pending");
        e2 = allocate(conn, t, u, "pending");

        /* A job for e1, the extension pending with attempts and error reset. */
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_insert(conn, t, FS_CHANGE_PROVISION, e1.id, JOBS_STATE_PENDING), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_counts(conn, t, 0, &pending, &failed), RESULT_OK);
        CHECK_INT_EQ(pending, 1);
        CHECK_INT_EQ(failed, 0);
        CHECK_INT_EQ(store_job_counts(conn, t, -1, &pending, &failed), RESULT_OK);
        CHECK_INT_EQ(pending, 1);

        /* One per assigned extension of the tenant. */
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_insert_tenant(conn, t, FS_CHANGE_UPDATE, JOBS_STATE_PENDING), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_counts(conn, t, 0, &pending, &failed), RESULT_OK);
        CHECK_INT_EQ(pending, 3);

        /* Due: oldest first, with number, domain and cluster; none before
         * their time. */
        CHECK_INT_EQ(store_jobs_due(conn, store_now(), jobs, 64, &n), RESULT_OK);
        int first = -1;
        for (int i = 0; i < n; i++)
                if (jobs[i].tenant_id == t) {
                        first = i;
                        break;
                }
        CHECK(first >= 0 && first + 2 < n);
        if (first < 0 || first + 2 >= n)
                return;
        CHECK_STR_EQ(fs_change_name(jobs[first].kind), "provision");
        CHECK_INT_EQ(jobs[first].extension_id, e1.id);
        CHECK_STR_EQ(jobs[first].extension, "560000");
        CHECK_INT_EQ(jobs[first].attempts, 0);
        CHECK_INT_EQ(jobs[first].cluster_id, 0);
        CHECK_STR_EQ(fs_change_name(jobs[first + 1].kind), "update");
        CHECK(jobs[first].id < jobs[first + 1].id && jobs[first + 1].id < jobs[first + 2].id);
        struct store_job provision = jobs[first], update1 = jobs[first + 1], update2 = jobs[first + 2];
        CHECK_INT_EQ(store_jobs_due(conn, -1, jobs, 64, &n), RESULT_OK);   /* new jobs are due at 0 */
        CHECK(find_job(jobs, n, provision.id) == NULL);
        CHECK_INT_EQ(store_jobs_due(conn, store_now(), jobs, 1, &n), RESULT_OK);
        CHECK_INT_EQ(n, 1);

        /* Done while a later job for the extension is pending: the job is
         * done, the extension still shows the later one (pending). */
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_done(conn, &provision, JOBS_STATUS_DONE, JOBS_STATE_PROVISIONED), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_state(conn, provision.id, &st), RESULT_OK);
        CHECK_STR_EQ(jobs_status_name(st.status), "done");
        CHECK_INT_EQ(st.attempts, 1);
        CHECK_INT_EQ(store_extension_get(conn, e1.id, &got), RESULT_OK);
        CHECK_STR_EQ(jobs_state_name(got.provisioning), "pending");

        /* A retry: pending again later, the error shown on the extension. */
        struct store_job *later = update1.extension_id == e1.id ? &update1 : &update2;
        struct store_job *other = later == &update1 ? &update2 : &update1;
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_retry(conn, later, JOBS_STATUS_PENDING, "node fs1: refused", store_now() + 3600,
                                     JOBS_STATE_PENDING),
                     RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_state(conn, later->id, &st), RESULT_OK);
        CHECK_STR_EQ(jobs_status_name(st.status), "pending");
        CHECK_INT_EQ(st.attempts, 1);
        CHECK_STR_EQ(st.last_error, "node fs1: refused");
        CHECK_INT_EQ(store_extension_get(conn, e1.id, &got), RESULT_OK);
        CHECK_STR_EQ(jobs_state_name(got.provisioning), "pending");
        CHECK_INT_EQ(got.provisioning_attempts, 1);
        CHECK_STR_EQ(got.provisioning_error, "node fs1: refused");
        CHECK_INT_EQ(store_jobs_due(conn, store_now(), jobs, 64, &n), RESULT_OK);
        CHECK(find_job(jobs, n, later->id) == NULL);
        CHECK_INT_EQ(store_jobs_due(conn, store_now() + 3600, jobs, 64, &n), RESULT_OK);
        CHECK((j = find_job(jobs, n, later->id)) != NULL && j->attempts == 1);

        /* Given up: failed, on the job, its extension and the counts. */
        later->attempts = 1;
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_retry(conn, later, JOBS_STATUS_FAILED, "node fs1: refused again", 0,
                                     JOBS_STATE_FAILED), RESULT_OK);
        CHECK_INT_EQ(store_job_done(conn, other, JOBS_STATUS_DONE, JOBS_STATE_PROVISIONED), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_state(conn, later->id, &st), RESULT_OK);
        CHECK_STR_EQ(jobs_status_name(st.status), "failed");
        CHECK_INT_EQ(st.attempts, 2);
        CHECK_INT_EQ(store_extension_get(conn, e1.id, &got), RESULT_OK);
        CHECK_STR_EQ(jobs_state_name(got.provisioning), "failed");
        CHECK_INT_EQ(got.provisioning_attempts, 2);
        CHECK_INT_EQ(store_extension_get(conn, e2.id, &got), RESULT_OK);
        CHECK_STR_EQ(jobs_state_name(got.provisioning), "provisioned");
        CHECK_INT_EQ(store_job_counts(conn, t, 0, &pending, &failed), RESULT_OK);
        CHECK_INT_EQ(pending, 0);
        CHECK_INT_EQ(failed, 1);
        CHECK_INT_EQ(store_job_state(conn, 987654321, &st), RESULT_NOT_FOUND);

        /* The gauges: every job by status, as the counts of every tenant
         * and cluster say, and the oldest pending job's created_at. */
        struct job_stats js = { { 0 }, { 0 }, 0 };
        int64_t all_pending, all_failed;
        CHECK_INT_EQ(store_job_stats(conn, on_job_stats, &js), RESULT_OK);
        CHECK_INT_EQ(store_job_counts(conn, 0, -1, &all_pending, &all_failed), RESULT_OK);
        CHECK_INT_EQ(js.count[JOBS_STATUS_PENDING], all_pending);
        CHECK_INT_EQ(js.count[JOBS_STATUS_FAILED], all_failed);
        CHECK(js.count[JOBS_STATUS_FAILED] >= 1 && js.count[JOBS_STATUS_DONE] >= 2);
        CHECK(js.calls == (js.count[JOBS_STATUS_PENDING] > 0) + 2);
        CHECK(!js.count[JOBS_STATUS_PENDING] ||
              (js.oldest[JOBS_STATUS_PENDING] > 0 && js.oldest[JOBS_STATUS_PENDING] <= store_now()));
        CHECK(js.oldest[JOBS_STATUS_DONE] > 0 && js.oldest[JOBS_STATUS_DONE] <= store_now());

        /* A tenant in an xml_curl cluster: queued changes show provisioned at
         * once; its jobs count under that cluster, not the default one. */
        xml = make_cluster(conn, "jobs-xml", "xml_curl", "active", "xml.example.com");
        tx = make_tenant(conn, "jobs-xml", 561000, 2, xml);
        u = make_user(conn, tx, "j@jobs-xml.test", "agent", "J", "J");
        e1 = allocate(conn, tx, u, "pending");
        CHECK_STR_EQ(jobs_state_name(e1.provisioning), "provisioned");
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_insert(conn, tx, FS_CHANGE_REKEY, e1.id, JOBS_STATE_PENDING), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_extension_get(conn, e1.id, &got), RESULT_OK);
        CHECK_STR_EQ(jobs_state_name(got.provisioning), "provisioned");
        CHECK_INT_EQ(store_job_counts(conn, 0, xml, &pending, &failed), RESULT_OK);
        CHECK_INT_EQ(pending, 1);
        CHECK_INT_EQ(store_job_counts(conn, tx, 0, &pending, &failed), RESULT_OK);
        CHECK_INT_EQ(pending, 0);
        CHECK_INT_EQ(store_jobs_due(conn, store_now(), jobs, 64, &n), RESULT_OK);
        int64_t rekey_id = 0;
        for (int i = 0; i < n; i++)
                if (jobs[i].tenant_id == tx) {
                        CHECK_INT_EQ(jobs[i].cluster_id, xml);
                        /* The parts of the realm (domain/provisioning/realm.h). */
                        CHECK_STR_EQ(jobs[i].tenant_domain, "");
                        CHECK_STR_EQ(jobs[i].cluster_domain, "xml.example.com");
                        rekey_id = jobs[i].id;
                }
        CHECK(rekey_id > 0);

        /* A disabled cluster's jobs wait. */
        off = make_cluster(conn, "jobs-off", "files", "disabled", "");
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_insert_resync(conn, off, &resync), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK(resync > 0);
        CHECK_INT_EQ(store_job_counts(conn, 0, off, &pending, &failed), RESULT_OK);
        CHECK_INT_EQ(pending, 1);
        CHECK_INT_EQ(store_jobs_due(conn, store_now(), jobs, 64, &n), RESULT_OK);
        CHECK(find_job(jobs, n, resync) == NULL);
        CHECK(find_job(jobs, n, rekey_id) != NULL);

        /* A resync of the default cluster: no tenant, no extension. */
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_insert_resync(conn, 0, &resync), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_jobs_due(conn, store_now(), jobs, 64, &n), RESULT_OK);
        CHECK((j = find_job(jobs, n, resync)) != NULL && j->tenant_id == 0 &&
              j->extension_id == 0 && j->cluster_id == 0 && j->kind == FS_CHANGE_RESYNC);

        /* Queue and queue-agent jobs name their queue or agent, not an
         * extension; they need no row to exist (a deleted queue is unloaded
         * by its job), and take no other kind. */
        int64_t qjob = 0, ajob = 0;
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_insert_queue(conn, tx, FS_CHANGE_QUEUE, 777, JOBS_STATE_PENDING), RESULT_OK);
        CHECK_INT_EQ(store_job_insert_queue(conn, tx, FS_CHANGE_QUEUE_AGENT, 888, JOBS_STATE_PENDING),
                     RESULT_OK);
        CHECK_INT_EQ(store_job_insert_queue(conn, tx, FS_CHANGE_PROVISION, 1, JOBS_STATE_PENDING),
                     RESULT_INVALID);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_jobs_due(conn, store_now(), jobs, 64, &n), RESULT_OK);
        for (int i = 0; i < n; i++) {
                if (jobs[i].kind == FS_CHANGE_QUEUE && jobs[i].queue_id == 777)
                        qjob = jobs[i].id;
                if (jobs[i].kind == FS_CHANGE_QUEUE_AGENT && jobs[i].user_id == 888)
                        ajob = jobs[i].id;
        }
        CHECK(qjob > 0 && ajob > 0);
        CHECK((j = find_job(jobs, n, qjob)) != NULL && j->tenant_id == tx && j->cluster_id == xml &&
              j->extension_id == 0 && j->user_id == 0);
        CHECK((j = find_job(jobs, n, ajob)) != NULL && j->queue_id == 0);

        /* The singleton: always held on SQLite; on PostgreSQL held by one
         * connection, and free again once that connection closes. */
        CHECK_INT_EQ(store_singleton_try(conn, 424242, &held), RESULT_OK);
        CHECK(held);
        CHECK_INT_EQ(store_singleton_try(conn, 424242, &held), RESULT_OK);
        CHECK(held);
        held = false;
        CHECK_INT_EQ(store_singleton_held(conn, 424242, &held), RESULT_OK);
        CHECK(held);
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_singleton_held(conn, 424242, &held), RESULT_OK);
        CHECK(held);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_singleton_held(conn, 434343, &held), RESULT_OK);
        CHECK(held == sqlite);           /* a key never taken */
        struct lock_try other_conn = { .store = store, .only_ask = true };
        pthread_t tid;
        CHECK(pthread_create(&tid, NULL, try_lock_elsewhere, &other_conn) == 0);
        pthread_join(tid, NULL);
        CHECK_INT_EQ(other_conn.result, RESULT_OK);
        CHECK(other_conn.held == sqlite); /* held, but not by that connection */
        other_conn.only_ask = false;
        CHECK(pthread_create(&tid, NULL, try_lock_elsewhere, &other_conn) == 0);
        pthread_join(tid, NULL);
        CHECK_INT_EQ(other_conn.result, RESULT_OK);
        CHECK(other_conn.held == sqlite);
        if (!sqlite) {
                store_conn_release(store);
                other_conn.held = false;
                CHECK(pthread_create(&tid, NULL, try_lock_elsewhere, &other_conn) == 0);
                pthread_join(tid, NULL);
                CHECK(other_conn.held);
        }
}

/* ---- audit log ------------------------------------------------------------ */

void contract_audit(struct store *store)
{
        struct store_conn *conn = conn_of(store);
        struct store_audit a = { 0 }, *items = NULL;
        struct store_page page = { .limit = 2, .offset = 0 };
        int64_t t, other, actor;
        size_t n = 0;

        t = make_tenant(conn, "audit", 570000, 1, 0);
        other = make_tenant(conn, "audit-other", 570100, 1, 0);
        actor = make_user(conn, t, "a@audit.test", "admin", "A", "A");
        a.tenant_id = t;
        a.actor_user_id = actor;
        snprintf(a.target_type, sizeof(a.target_type), "agent");
        snprintf(a.details, sizeof(a.details), "{\"email\":\"x@audit.test\"}");
        snprintf(a.client_ip, sizeof(a.client_ip), "192.0.2.1");
        snprintf(a.request_id, sizeof(a.request_id), "req-1");
        for (int i = 0; i < 3; i++) {
                snprintf(a.action, sizeof(a.action), "agent.create.%d", i);
                a.target_id = 100 + i;
                CHECK_INT_EQ(store_audit_insert(conn, &a), RESULT_OK);
        }
        a.tenant_id = other;
        a.actor_user_id = 0;                     /* the command line */
        snprintf(a.action, sizeof(a.action), "tenant.update");
        CHECK_INT_EQ(store_audit_insert(conn, &a), RESULT_OK);

        /* Newest first, the tenant's only, paged. */
        CHECK_INT_EQ(store_audit_list(conn, t, &page, &items, &n), RESULT_OK);
        CHECK_INT_EQ(n, 2);
        CHECK_INT_EQ(page.total, 3);
        if (n == 2) {
                CHECK_STR_EQ(items[0].action, "agent.create.2");
                CHECK_STR_EQ(items[1].action, "agent.create.1");
                CHECK(items[0].id > items[1].id);
                CHECK_INT_EQ(items[0].tenant_id, t);
                CHECK_INT_EQ(items[0].actor_user_id, actor);
                CHECK_STR_EQ(items[0].target_type, "agent");
                CHECK_INT_EQ(items[0].target_id, 102);
                CHECK_STR_EQ(items[0].details, "{\"email\":\"x@audit.test\"}");
                CHECK_STR_EQ(items[0].client_ip, "192.0.2.1");
                CHECK_STR_EQ(items[0].request_id, "req-1");
                CHECK(items[0].created_at >= store_now() - 5);
        }
        free(items);
        page.offset = 2;
        CHECK_INT_EQ(store_audit_list(conn, t, &page, &items, &n), RESULT_OK);
        CHECK(n == 1 && strcmp(items[0].action, "agent.create.0") == 0);
        free(items);
        page.offset = 0;
        CHECK_INT_EQ(store_audit_list(conn, other, &page, &items, &n), RESULT_OK);
        CHECK(n == 1 && items[0].actor_user_id == 0);
        free(items);
}

/* ---- the agents list ------------------------------------------------------ */

void contract_agent_page(struct store *store)
{
        struct store_conn *conn = conn_of(store);
        struct store_agent_page p = { 0 };
        struct store_page page = { .limit = 2, .offset = 0 };
        struct store_user_filter f = { .sort = STORE_USER_SORT_NAME };
        struct store_extension e1, e2, e3;
        int64_t t, other, zed, amy, bo;

        t = make_tenant(conn, "list", 580000, 12, 0);
        other = make_tenant(conn, "list-other", 580100, 2, 0);
        zed = make_user(conn, t, "zed@list.test", "agent", "Zed", "Zulu");
        amy = make_user(conn, t, "amy@list.test", "admin", "Amy", "Alpha");
        bo = make_user(conn, t, "bo@list.test", "agent", "Bo", "Bravo");
        allocate(conn, other, make_user(conn, other, "x@list.test", "agent", "X", "Alpha"), "pending");
        /* Amy has two extensions (listed in number order), Bo one, Zed none. */
        e1 = allocate(conn, t, amy, "pending");
        e2 = allocate(conn, t, bo, "provisioned");
        e3 = allocate(conn, t, amy, "pending");

        /* Page 1 by name: Amy and Bo with their extensions; the total counts
         * the tenant's three, not the other tenant's. */
        f.tenant_id = t;
        CHECK_INT_EQ(store_agent_page(conn, &f, &page, &p), RESULT_OK);
        CHECK_INT_EQ(page.total, 3);
        CHECK(p.n_agents == 2 && p.agents[0].id == amy && p.agents[1].id == bo);
        CHECK_INT_EQ(p.n_extensions, 3);
        if (p.n_agents == 2 && p.n_extensions == 3) {
                CHECK_STR_EQ(p.agents[0].email, "amy@list.test");
                CHECK_STR_EQ(user_role_name(p.agents[0].role), "admin");
                CHECK_STR_EQ(user_status_name(p.agents[0].status), "active");
                CHECK_INT_EQ(p.agents[0].n_extensions, 2);
                CHECK_INT_EQ(p.extensions[p.agents[0].first_extension].id, e1.id);
                CHECK_INT_EQ(p.extensions[p.agents[0].first_extension + 1].id, e3.id);
                CHECK_INT_EQ(p.agents[1].n_extensions, 1);
                const struct store_agent_extension *x = &p.extensions[p.agents[1].first_extension];
                CHECK_INT_EQ(x->id, e2.id);
                CHECK_INT_EQ(x->user_id, bo);
                CHECK_STR_EQ(x->extension, e2.extension);
                CHECK_STR_EQ(jobs_state_name(x->provisioning), "provisioned");
                CHECK_STR_EQ(extension_status_name(x->status), "active");
        }
        store_agent_page_free(&p);
        CHECK(p.agents == NULL && p.extensions == NULL && p.n_agents == 0);

        /* Page 2: Zed alone, no extensions. */
        page.offset = 2;
        CHECK_INT_EQ(store_agent_page(conn, &f, &page, &p), RESULT_OK);
        CHECK(p.n_agents == 1 && p.agents[0].id == zed && p.agents[0].n_extensions == 0);
        CHECK_INT_EQ(p.n_extensions, 0);
        store_agent_page_free(&p);

        /* Past the end: nothing, the total still counted. */
        page.offset = 10;
        CHECK_INT_EQ(store_agent_page(conn, &f, &page, &p), RESULT_OK);
        CHECK_INT_EQ(p.n_agents, 0);
        CHECK_INT_EQ(page.total, 3);
        store_agent_page_free(&p);

        /* Filters and the reverse order, as store_user_list has them. */
        page = (struct store_page){ .limit = 50 };
        f.sort = STORE_USER_SORT_NAME_DESC;
        f.by_role = true;
        f.role = USER_ROLE_AGENT;
        CHECK_INT_EQ(store_agent_page(conn, &f, &page, &p), RESULT_OK);
        CHECK(p.n_agents == 2 && p.agents[0].id == zed && p.agents[1].id == bo);
        CHECK_INT_EQ(p.n_extensions, 1);
        store_agent_page_free(&p);
        f.by_role = false;
        f.q = "ALPHA";
        CHECK_INT_EQ(store_agent_page(conn, &f, &page, &p), RESULT_OK);
        CHECK(p.n_agents == 1 && p.agents[0].id == amy && p.n_extensions == 2);
        store_agent_page_free(&p);
        f.q = NULL;

        /* A deleted user leaves the list with its extensions. */
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_user_soft_delete(conn, bo), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_agent_page(conn, &f, &page, &p), RESULT_OK);
        CHECK_INT_EQ(page.total, 2);
        CHECK(p.n_agents == 2 && p.agents[0].id == zed && p.agents[1].id == amy);
        CHECK_INT_EQ(p.n_extensions, 2);
        store_agent_page_free(&p);
        store_agent_page_free(NULL);
}

/* ---- mail requests -------------------------------------------------------- */

/* A forgot-password request is queued without a user; the outbox ties it
 * to one (once) or drops it. Everything made here ends dropped, so that
 * contract.c's outbox test later sees only its own messages. */
void contract_mail_requests(struct store *store)
{
        struct store_conn *conn = conn_of(store);
        struct store_mail m = { .template = "password_reset", .recipient = "who@mailreq.test" }, got,
                          due[8];
        int64_t t, u, ids[3], unresolved[8], link_id = 0;
        int n = 0;

        t = make_tenant(conn, "mailreq", 590000, 1, 0);
        u = make_user(conn, t, "who@mailreq.test", "agent", "Who", "Ever");
        CHECK_INT_EQ(store_link_insert(conn, u, LINK_PURPOSE_RESET, "mailreq-h", store_now() + 60, &link_id),
                     RESULT_OK);
        for (int i = 0; i < 3; i++)
                CHECK_INT_EQ(store_mail_insert(conn, &m, MAIL_OUTBOX_STATUS_QUEUED, &ids[i]), RESULT_OK);

        /* Unresolved: oldest first, at most max; not due until resolved. */
        CHECK_INT_EQ(store_mail_unresolved(conn, unresolved, 2, &n), RESULT_OK);
        CHECK(n == 2 && unresolved[0] == ids[0] && unresolved[1] == ids[1]);
        CHECK_INT_EQ(store_mail_due(conn, store_now(), false, due, 8, &n), RESULT_OK);
        for (int i = 0; i < n; i++)
                CHECK(due[i].id != ids[0] && due[i].id != ids[1] && due[i].id != ids[2]);
        CHECK_INT_EQ(store_mail_get(conn, ids[0], &got), RESULT_OK);
        CHECK_STR_EQ(got.recipient, "who@mailreq.test");
        CHECK_INT_EQ(got.user_id, 0);

        /* Resolved once: the second attempt (another node) is a conflict. */
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_mail_resolve(conn, ids[0], t, u, link_id, "sealed-token"), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_mail_resolve(conn, ids[0], t, u, link_id, "other"), RESULT_CONFLICT);
        store_rollback(conn);
        CHECK_INT_EQ(store_mail_get(conn, ids[0], &got), RESULT_OK);
        CHECK_INT_EQ(got.user_id, u);
        CHECK_INT_EQ(got.tenant_id, t);
        CHECK_INT_EQ(got.link_id, link_id);
        CHECK_STR_EQ(got.secret, "sealed-token");
        CHECK_STR_EQ(got.first_name, "Who");
        CHECK_INT_EQ(store_mail_unresolved(conn, unresolved, 8, &n), RESULT_OK);
        CHECK(n == 2 && unresolved[0] == ids[1] && unresolved[1] == ids[2]);
        CHECK_INT_EQ(store_mail_due(conn, store_now(), false, due, 8, &n), RESULT_OK);
        bool found = false;
        for (int i = 0; i < n; i++)
                found |= due[i].id == ids[0];
        CHECK(found);

        /* Dropped: not due, not unresolved, its secret erased, and a drop
         * of what is no longer queued changes nothing. */
        for (int i = 0; i < 3; i++)
                CHECK_INT_EQ(store_mail_drop(conn, ids[i], "no active account"),
                             RESULT_OK);
        CHECK_INT_EQ(store_mail_get(conn, ids[0], &got), RESULT_OK);
        CHECK_STR_EQ(got.secret, "");
        CHECK_INT_EQ(store_mail_unresolved(conn, unresolved, 8, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);
        CHECK_INT_EQ(store_mail_due(conn, store_now(), false, due, 8, &n), RESULT_OK);
        for (int i = 0; i < n; i++)
                CHECK(due[i].id != ids[0]);
        CHECK_INT_EQ(store_mail_drop(conn, ids[0], "again"), RESULT_OK);
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_mail_resolve(conn, ids[1], t, u, link_id, "late"), RESULT_CONFLICT);
        store_rollback(conn);
}

/* store_pool_allocate_after: the lowest free number after the one given,
 * in allocation order (length, then text: 99999 before 100000). */
static void import_pool(struct store_conn *conn)
{
        struct store_tenant t = { .status = TENANT_STATUS_ACTIVE, .pool_base = 99998, .pool_size = 5 };
        struct store_user u = { .role = USER_ROLE_AGENT };
        struct store_extension e;

        snprintf(t.name, sizeof(t.name), "Imports pool");
        snprintf(t.slug, sizeof(t.slug), "imports-pool");
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_tenant_insert(conn, &t), RESULT_OK);
        CHECK_INT_EQ(store_pool_generate(conn, t.id, 99998, 5, fake_secret, NULL), RESULT_OK);
        u.tenant_id = t.id;
        snprintf(u.email, sizeof(u.email), "pool@imports.example");
        snprintf(u.first_name, sizeof(u.first_name), "P");
        snprintf(u.last_name, sizeof(u.last_name), "Q");
        snprintf(u.password_hash, sizeof(u.password_hash), "x");
        CHECK_INT_EQ(store_user_insert(conn, &u), RESULT_OK);
        CHECK_INT_EQ(store_pool_allocate_after(conn, t.id, u.id, "s", "p", JOBS_STATE_PROVISIONED,
                                               "99999", &e), RESULT_OK);
        CHECK_STR_EQ(e.extension, "100000");
        CHECK_INT_EQ(store_pool_allocate_after(conn, t.id, u.id, "s", "p", JOBS_STATE_PROVISIONED,
                                               "100001", &e), RESULT_OK);
        CHECK_STR_EQ(e.extension, "100002");
        CHECK_INT_EQ(store_pool_allocate_after(conn, t.id, u.id, "s", "p", JOBS_STATE_PROVISIONED,
                                               "100002", &e), RESULT_POOL_EXHAUSTED);
        CHECK_INT_EQ(store_pool_allocate_after(conn, t.id, u.id, "s", "p", JOBS_STATE_PROVISIONED,
                                               NULL, &e), RESULT_OK);
        CHECK_STR_EQ(e.extension, "99998");
        CHECK_INT_EQ(commit(conn), RESULT_OK);
}

/* The live events of one transaction are written at its commit in
 * statements of many rows: 120 of them (an import's) come back whole and
 * in order. */
static void import_events(struct store_conn *conn, int64_t tenant_id)
{
        struct store_live_event *items = NULL;
        size_t n = 0, mine = 0;
        int64_t last = 0;
        char data[32];
        bool ordered = true;

        CHECK_INT_EQ(store_live_events_after(conn, 0, 100000, &items, &n), RESULT_OK);
        for (size_t i = 0; i < n; i++)
                last = items[i].id > last ? items[i].id : last;
        store_live_events_free(items, n);
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        for (int i = 0; i < 120; i++) {
                snprintf(data, sizeof(data), "{\"n\":%d}", i);
                CHECK_INT_EQ(store_live_event_append(conn, tenant_id, EVENT_AGENT_CREATED, 0, data),
                             RESULT_OK);
        }
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_live_events_after(conn, last, 1000, &items, &n), RESULT_OK);
        for (size_t i = 0; i < n; i++) {
                snprintf(data, sizeof(data), "{\"n\":%zu}", mine);
                if (items[i].tenant_id != tenant_id)
                        continue;
                ordered = ordered && !strcmp(items[i].data, data) && (!i || items[i].id > items[i - 1].id);
                mine++;
        }
        CHECK_INT_EQ(mine, 120);
        CHECK(ordered);
        store_live_events_free(items, n);
}

/* Agent imports: one running per tenant (a second is a conflict, another
 * tenant's is not), finished with its answer, read by its own tenant only,
 * the sealed passwords taken once, or erased by the purge; a stale
 * running one is failed. */
void contract_imports(struct store *store)
{
        struct store_conn *conn = conn_of(store);
        struct store_tenant ta = { .status = TENANT_STATUS_ACTIVE, .pool_base = 510000,
                                   .pool_size = 1 },
                            tb = { .status = TENANT_STATUS_ACTIVE, .pool_base = 510100,
                                   .pool_size = 1 };
        struct store_import im = { 0 };
        int64_t a1 = 0, a2 = 0, b1 = 0, stale = 0;
        char *sealed = NULL;

        snprintf(ta.name, sizeof(ta.name), "Imports A");
        snprintf(ta.slug, sizeof(ta.slug), "imports-a");
        snprintf(tb.name, sizeof(tb.name), "Imports B");
        snprintf(tb.slug, sizeof(tb.slug), "imports-b");
        CHECK_INT_EQ(store_tenant_insert(conn, &ta), RESULT_OK);
        CHECK_INT_EQ(store_tenant_insert(conn, &tb), RESULT_OK);

        CHECK_INT_EQ(store_import_start(conn, ta.id, 0, 3, &a1), RESULT_OK);
        CHECK_INT_EQ(store_import_start(conn, ta.id, 0, 3, &a2), RESULT_CONFLICT);
        CHECK_INT_EQ(a2, 0);
        CHECK_INT_EQ(store_import_start(conn, tb.id, 0, 1, &b1), RESULT_OK);
        CHECK_INT_EQ(store_import_get(conn, ta.id, a1, &im), RESULT_OK);
        CHECK_STR_EQ(im.status, "running");
        CHECK_INT_EQ(im.total, 3);
        CHECK(im.result == NULL && !im.has_passwords);
        store_import_free(&im);
        CHECK_INT_EQ(store_import_get(conn, tb.id, a1, &im), RESULT_NOT_FOUND);
        /* Not finished: nothing to take. */
        CHECK_INT_EQ(store_import_take_passwords(conn, ta.id, a1, &sealed), RESULT_NOT_FOUND);

        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_import_finish(conn, a1, true, 3, "{\"agents\":[]}", "v1:sealed"),
                     RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_import_get(conn, ta.id, a1, &im), RESULT_OK);
        CHECK_STR_EQ(im.status, "done");
        CHECK_INT_EQ(im.done, 3);
        CHECK_STR_EQ(im.result, "{\"agents\":[]}");
        CHECK(im.has_passwords);
        store_import_free(&im);
        CHECK_INT_EQ(store_import_take_passwords(conn, tb.id, a1, &sealed), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_import_take_passwords(conn, ta.id, a1, &sealed), RESULT_OK);
        CHECK_STR_EQ(sealed, "v1:sealed");
        free(sealed);
        sealed = NULL;
        CHECK_INT_EQ(store_import_take_passwords(conn, ta.id, a1, &sealed), RESULT_CONFLICT);
        CHECK(sealed == NULL);
        /* Done: the tenant may start another. */
        CHECK_INT_EQ(store_import_start(conn, ta.id, 0, 1, &a2), RESULT_OK);
        CHECK_INT_EQ(store_import_finish(conn, a2, false, 0, "{}", NULL), RESULT_OK);
        CHECK_INT_EQ(store_import_get(conn, ta.id, a2, &im), RESULT_OK);
        CHECK_STR_EQ(im.status, "failed");
        store_import_free(&im);

        /* B's running import is stale only once not updated since before. */
        CHECK_INT_EQ(store_import_fail_stale(conn, tb.id, store_now() - 600), RESULT_OK);
        CHECK_INT_EQ(store_import_start(conn, tb.id, 0, 1, &stale), RESULT_CONFLICT);
        CHECK_INT_EQ(store_import_fail_stale(conn, tb.id, store_now() + 1), RESULT_OK);
        CHECK_INT_EQ(store_import_get(conn, tb.id, b1, &im), RESULT_OK);
        CHECK_STR_EQ(im.status, "failed");
        store_import_free(&im);
        CHECK_INT_EQ(store_import_start(conn, tb.id, 0, 1, &stale), RESULT_OK);

        /* The purge erases passwords never taken, of imports that ended
         * before `before`; taken ones and running imports count nothing. */
        CHECK_INT_EQ(store_import_start(conn, ta.id, 0, 1, &a2), RESULT_OK);
        CHECK_INT_EQ(store_import_finish(conn, a2, true, 1, "{}", "v1:left"), RESULT_OK);
        int64_t n = -1;
        CHECK_INT_EQ(store_import_purge_passwords(conn, store_now() - 600, 100, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);
        CHECK_INT_EQ(store_import_purge_passwords(conn, store_now() + 1, 100, &n), RESULT_OK);
        CHECK_INT_EQ(n, 1);
        CHECK_INT_EQ(store_import_get(conn, ta.id, a2, &im), RESULT_OK);
        CHECK(!im.has_passwords);
        store_import_free(&im);
        CHECK_INT_EQ(store_import_take_passwords(conn, ta.id, a2, &sealed), RESULT_CONFLICT);
        CHECK_INT_EQ(store_import_purge_passwords(conn, store_now() + 1, 100, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);
        import_pool(conn);
        import_events(conn, ta.id);
}

/* The import's many-rows-a-statement writes: jobs, links and their
 * revocation, mail; more rows than one statement takes (100). */
void contract_bulk(struct store *store)
{
        enum { N = 130 };
        struct store_conn *conn = conn_of(store);
        struct store_extension got;
        struct store_link link;
        struct store_invitation inv;
        struct store_link_new links[N];
        struct store_mail *mails = calloc(N, sizeof(*mails)), *due = calloc(512, sizeof(*due));
        char hashes[N][32];
        int64_t t, users[3], ext_ids[N], old_id = 0, pending = -1, failed = -1, now = store_now();
        int n = 0, mine = 0;

        CHECK(mails && due);
        if (!mails || !due)
                return;
        t = make_tenant(conn, "bulk", 596000, N, 0);
        for (int i = 0; i < 3; i++) {
                char email[64];
                snprintf(email, sizeof(email), "b%d@bulk.test", i);
                users[i] = make_user(conn, t, email, "agent", "B", "Ulk");
        }
        for (int i = 0; i < N; i++)
                ext_ids[i] = allocate(conn, t, users[i % 3], "failed").id;

        /* Jobs: one per extension, each extension pending again with its
         * attempts and error reset; none for none. */
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_insert_many(conn, t, FS_CHANGE_PROVISION, ext_ids, 0,
                                           JOBS_STATE_PENDING), RESULT_OK);
        CHECK_INT_EQ(store_job_insert_many(conn, t, FS_CHANGE_PROVISION, ext_ids, N,
                                           JOBS_STATE_PENDING), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_job_counts(conn, t, 0, &pending, &failed), RESULT_OK);
        CHECK_INT_EQ(pending, N);
        CHECK_INT_EQ(failed, 0);
        CHECK_INT_EQ(store_extension_get(conn, ext_ids[N - 1], &got), RESULT_OK);
        CHECK_STR_EQ(jobs_state_name(got.provisioning), "pending");
        CHECK_INT_EQ(got.provisioning_attempts, 0);
        /* Each a provision of its extension, oldest first; then done, out
         * of the way of the later due lists. */
        for (int round = 0, done = 0; round < 10 && done < N; round++) {
                struct store_job jobs[64];
                CHECK_INT_EQ(store_jobs_due(conn, store_now(), jobs, 64, &n), RESULT_OK);
                CHECK_INT_EQ(begin(conn), RESULT_OK);
                for (int i = 0; i < n; i++) {
                        if (jobs[i].tenant_id != t)
                                continue;
                        CHECK_STR_EQ(fs_change_name(jobs[i].kind), "provision");
                        CHECK_INT_EQ(jobs[i].extension_id, ext_ids[done]);
                        CHECK_INT_EQ(store_job_done(conn, &jobs[i], JOBS_STATUS_DONE,
                                                    JOBS_STATE_PROVISIONED), RESULT_OK);
                        done++;
                }
                CHECK_INT_EQ(commit(conn), RESULT_OK);
                if (round == 9)
                        CHECK_INT_EQ(done, N);
        }
        CHECK_INT_EQ(store_job_counts(conn, t, 0, &pending, &failed), RESULT_OK);
        CHECK_INT_EQ(pending, 0);

        /* Revocation: the users' live links only. */
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_link_insert(conn, users[0], LINK_PURPOSE_RESET, "bulk-old", now + 60, &old_id),
                     RESULT_OK);
        CHECK_INT_EQ(store_link_insert(conn, users[2], LINK_PURPOSE_RESET, "bulk-kept", now + 60, &old_id),
                     RESULT_OK);
        CHECK_INT_EQ(store_link_revoke_users(conn, users, 2, now), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_link_lookup(conn, "bulk-old", &link), RESULT_OK);
        CHECK_INT_EQ(link.revoked_at, now);
        CHECK_INT_EQ(store_link_lookup(conn, "bulk-kept", &link), RESULT_OK);
        CHECK_INT_EQ(link.revoked_at, 0);

        /* Links: each gets its own row's id; a taken hash fails the lot. */
        for (int i = 0; i < N; i++) {
                snprintf(hashes[i], sizeof(hashes[i]), "bulk-h%d", i);
                links[i] = (struct store_link_new){ .user_id = users[i % 3],
                                                    .purpose = LINK_PURPOSE_INVITATION,
                                                    .token_hash = hashes[i],
                                                    .expires_at = now + 100 + i };
        }
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_link_insert_many(conn, links, N), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        for (int i = 0; i < N; i++) {
                CHECK_INT_EQ(store_link_lookup(conn, hashes[i], &link), RESULT_OK);
                CHECK_INT_EQ(link.id, links[i].id);
                CHECK_INT_EQ(link.user_id, users[i % 3]);
                CHECK_INT_EQ(link.expires_at, now + 100 + i);
        }
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK(store_link_insert_many(conn, links, 2) != RESULT_OK);
        store_rollback(conn);

        /* Mail: every message queued, each user's last with its link. */
        for (int i = 0; i < N; i++) {
                mails[i] = (struct store_mail){ .tenant_id = t, .user_id = users[i % 3],
                                                .link_id = links[i].id, .template = "invitation" };
                snprintf(mails[i].recipient, sizeof(mails[i].recipient), "b%d@bulk.test", i % 3);
                snprintf(mails[i].secret, sizeof(mails[i].secret), "sealed-%d", i);
        }
        CHECK_INT_EQ(begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_mail_insert_many(conn, mails, N, MAIL_OUTBOX_STATUS_QUEUED), RESULT_OK);
        CHECK_INT_EQ(commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_mail_due(conn, store_now(), false, due, 512, &n), RESULT_OK);
        for (int i = 0; i < n; i++)
                if (due[i].tenant_id == t) {
                        CHECK_STR_EQ(due[i].template, "invitation");
                        CHECK_INT_EQ(due[i].link_id, links[mine].id);
                        CHECK_STR_EQ(due[i].secret, mails[mine].secret);
                        mine++;
                        /* out of the way of contract.c's outbox counts */
                        CHECK_INT_EQ(store_mail_drop(conn, due[i].id, "contract"), RESULT_OK);
                }
        CHECK_INT_EQ(mine, N);
        CHECK_INT_EQ(store_invitation_last(conn, users[1], &inv), RESULT_OK);
        CHECK(inv.has_mail);
        CHECK_STR_EQ(mail_outbox_status_name(inv.mail_status), "dropped");   /* as dropped above */
        CHECK_INT_EQ(inv.expires_at, now + 100 + 127);   /* 127: users[1]'s last row */

        /* Emails taken: by non-deleted users only, over several statements. */
        {
                static char others[N][32];
                const char *emails[N];
                bool taken[N];

                for (int i = 0; i < N; i++) {
                        snprintf(others[i], sizeof(others[i]), "nobody%d@bulk.test", i);
                        emails[i] = others[i];
                }
                emails[5] = "b0@bulk.test";
                emails[N - 1] = "b2@bulk.test";
                CHECK_INT_EQ(store_user_emails_taken(conn, emails, N, taken), RESULT_OK);
                for (int i = 0; i < N; i++)
                        CHECK(taken[i] == (i == 5 || i == N - 1));
                CHECK_INT_EQ(begin(conn), RESULT_OK);
                CHECK_INT_EQ(store_user_soft_delete(conn, users[2]), RESULT_OK);
                CHECK_INT_EQ(commit(conn), RESULT_OK);
                CHECK_INT_EQ(store_user_emails_taken(conn, emails, N, taken), RESULT_OK);
                CHECK(taken[5] && !taken[N - 1]);
                CHECK_INT_EQ(store_user_emails_taken(conn, emails, 0, taken), RESULT_OK);
        }
        free(mails);
        free(due);
}
