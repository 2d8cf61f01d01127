/* Health checks; see health.h. */
#include "domain/health/health.h"

#include "domain/core/credentials.h"

enum result health_check_store(struct store *store)
{
        struct store_conn *conn;
        enum result result = store_conn_get(store, &conn);

        return result ? result : store_ping(conn);
}

bool health_ready(struct app *app, struct health_readiness *ret)
{
        int pending = 1;

        ret->store = health_check_store(app->store) == RESULT_OK;
        ret->migrations = ret->store && store_migrations_pending(app->store, &pending) == RESULT_OK &&
                          pending == 0;
        ret->key = credentials_key_loaded();
        ret->listeners = atomic_load(&app->listening);
        return ret->store && ret->migrations && ret->key && ret->listeners;
}

struct mail_sums {
        void (*fn)(void *userdata, const char *template, enum mail_outbox_status status,
                   int64_t count);
        void *userdata;
        int64_t queued, oldest;
};

static void mail_sum(void *userdata, const char *template, enum mail_outbox_status status,
                     int64_t count, int64_t oldest)
{
        struct mail_sums *sums = userdata;

        if (sums->fn)
                sums->fn(sums->userdata, template, status, count);
        if (status == MAIL_OUTBOX_STATUS_QUEUED) {
                sums->queued += count;
                if (!sums->oldest || oldest < sums->oldest)
                        sums->oldest = oldest;
        }
}

enum result health_mail_gauges(struct store *store,
                               void (*fn)(void *userdata, const char *template,
                                          enum mail_outbox_status status, int64_t count),
                               void *userdata, int64_t *ret_queued, int64_t *ret_oldest)
{
        struct mail_sums sums = { .fn = fn, .userdata = userdata };
        struct store_conn *conn;
        enum result result = store_conn_get(store, &conn);

        if (!result)
                result = store_mail_stats(conn, mail_sum, &sums);
        if (!result) {
                *ret_queued = sums.queued;
                *ret_oldest = sums.oldest;
        }
        return result;
}

enum result health_pool_gauges(struct store *store,
                               void (*fn)(void *userdata, const struct store_tenant *t,
                                          const struct store_pool_stats *s),
                               void *userdata)
{
        struct store_conn *conn;
        enum result result = store_conn_get(store, &conn);

        return result ? result : store_pool_stats_all(conn, fn, userdata);
}

enum result health_calls_gauges(struct store *store,
                                void (*fn)(void *userdata, const struct store_tenant *t,
                                           int64_t open),
                                void *userdata)
{
        struct store_conn *conn;
        enum result result = store_conn_get(store, &conn);

        return result ? result : store_calls_in_progress(conn, fn, userdata);
}

static void job_sum(void *userdata, enum jobs_status status, int64_t count, int64_t oldest)
{
        struct health_jobs *jobs = userdata;

        jobs->by_status[status] += count;
        if (status == JOBS_STATUS_PENDING)
                jobs->oldest_pending = oldest;
}

enum result health_job_gauges(struct store *store, struct health_jobs *ret)
{
        struct health_jobs jobs = { .oldest_pending = 0 };
        struct store_conn *conn;
        enum result result = store_conn_get(store, &conn);

        if (!result)
                result = store_job_stats(conn, job_sum, &jobs);
        if (!result)
                *ret = jobs;
        return result;
}
