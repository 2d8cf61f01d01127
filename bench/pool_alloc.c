/*
 * Pool allocations per second on one backend: usage
 *   bench_pool_alloc URL KEYFILE [ALLOCATIONS] [THREADS]
 * URL must be an empty database. Creates a tenant whose pool holds every
 * allocation, users to receive them, then times pool_allocate() (one
 * transaction each: a fresh sealed secret and PIN, the lowest free number)
 * from THREADS threads. Prints figures only; never pass/fail on time.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/core/credentials.h"
#include "domain/provisioning/pool.h"
#include "domain/tenants/tenants.h"
#include "store/store.h"

struct worker {
        struct store *store;
        int64_t tenant_id;
        int64_t *users;
        int first, count, failed;
};

static double now_s(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *work(void *arg)
{
        struct worker *w = arg;

        for (int i = w->first; i < w->first + w->count; i++) {
                struct store_extension e;
                if (pool_allocate(w->store, w->tenant_id, w->users[i], &e))
                        w->failed++;
        }
        store_conn_release(w->store);
        return NULL;
}

int main(int argc, char **argv)
{
        int n = argc > 3 ? atoi(argv[3]) : 2000, threads = argc > 4 ? atoi(argv[4]) : 4;
        struct store *store;
        struct store_conn *conn;
        struct store_tenant t;
        const char *field;
        int64_t *users;
        pthread_t tid[64];
        struct worker w[64];
        int failed = 0;
        double t0, el;

        if (argc < 3 || n < 1 || threads < 1 || threads > 64) {
                fprintf(stderr, "usage: %s URL KEYFILE [ALLOCATIONS] [THREADS<=64]\n", argv[0]);
                return 2;
        }
        if (credentials_init(argv[2], true) || store_open(argv[1], 10000, &store) ||
            store_migrate(store, NULL) || tenant_create(store, NULL, "Bench", NULL, 100000, n, 0, &t, &field) ||
            store_conn_get(store, &conn)) {
                fprintf(stderr, "set-up failed: %s\n", store_last_error());
                return 1;
        }
        users = calloc((size_t)n, sizeof(*users));
        store_begin(conn);
        for (int i = 0; i < n; i++) {
                struct store_user u = { .tenant_id = t.id };
                snprintf(u.email, sizeof(u.email), "b%d@bench.test", i);
                u.role = USER_ROLE_AGENT;
                snprintf(u.password_hash, sizeof(u.password_hash), "x");
                if (store_user_insert(conn, &u)) {
                        fprintf(stderr, "user set-up failed: %s\n", store_last_error());
                        return 1;
                }
                users[i] = u.id;
        }
        store_commit(conn);

        t0 = now_s();
        for (int k = 0; k < threads; k++) {
                w[k] = (struct worker){ store, t.id, users, k * n / threads,
                                        (k + 1) * n / threads - k * n / threads, 0 };
                pthread_create(&tid[k], NULL, work, &w[k]);
        }
        for (int k = 0; k < threads; k++) {
                pthread_join(tid[k], NULL);
                failed += w[k].failed;
        }
        el = now_s() - t0;
        printf("pool allocations (%s): %d in %.3f s from %d threads = %.0f allocations/s "
               "(%d failed)\n",
               store_backend(store), n, el, threads, n / el, failed);
        free(users);
        store_close(store);
        return failed ? 1 : 0;
}
