/* Background workers; see worker.h. */
#define LOG_MODULE "worker"
#include "domain/core/worker.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "util/log.h"

struct worker {
        struct worker_def def;
        struct store *store;
        pthread_t thread;
        pthread_mutex_t lock;
        pthread_cond_t wake;
        bool stop, woken;
        atomic_bool leading;
        atomic_uint_fast64_t rounds;     /* rounds finished, led or not */
};

/* Under w->lock: waits up to ms, or until stopped (or woken, if wakeable). */
static void wait_ms(struct worker *w, int ms, bool wakeable)
{
        struct timespec until;

        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += ms / 1000;
        until.tv_nsec += (long)(ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
        }
        while (!w->stop && !(wakeable && w->woken))
                if (pthread_cond_timedwait(&w->wake, &w->lock, &until) != 0)
                        break;
}

/* Takes, or checks, the lock on the thread's connection. */
static bool lead(struct worker *w, bool was_leading)
{
        struct store_conn *conn;
        bool held = false;

        if (!w->def.lock_key)
                return true;
        if (store_conn_get(w->store, &conn) != RESULT_OK)
                return false;
        if (was_leading)
                (void)store_singleton_held(conn, w->def.lock_key, &held);
        else
                (void)store_singleton_try(conn, w->def.lock_key, &held);
        if (held && !was_leading)
                LOG_INFO("this node runs the %s", w->def.name);
        if (!held && was_leading)
                LOG_WARN("this node no longer holds the %s lock", w->def.name);
        return held;
}

static void *run(void *arg)
{
        struct worker *w = arg;
        bool leading = false;
        int backoff = 0;

        pthread_mutex_lock(&w->lock);
        while (!w->stop) {
                bool more = false;
                enum result result = RESULT_OK;

                w->woken = false;
                pthread_mutex_unlock(&w->lock);
                if (!leading)
                        leading = lead(w, false);
                if (leading) {
                        result = w->def.round(w->def.userdata, &more);
                        /* A failed round may mean a lost session, and lock. */
                        if (result)
                                leading = lead(w, true);
                }
                atomic_store(&w->leading, leading);
                atomic_fetch_add(&w->rounds, 1);
                pthread_mutex_lock(&w->lock);

                if (result) {
                        backoff = backoff ? backoff * 2 : w->def.poll_ms;
                        if (backoff > w->def.backoff_max_ms)
                                backoff = w->def.backoff_max_ms;
                        wait_ms(w, backoff, false);
                        continue;
                }
                backoff = 0;
                if (more || w->woken)
                        continue;   /* more is due at once */
                wait_ms(w, w->def.poll_ms, true);
        }
        pthread_mutex_unlock(&w->lock);
        store_conn_release(w->store);
        return NULL;
}

enum result worker_start(struct store *store, const struct worker_def *def,
                         struct worker **ret)
{
        struct worker *w = calloc(1, sizeof(*w));

        if (!w)
                return RESULT_NOMEM;
        w->def = *def;
        w->store = store;
        pthread_mutex_init(&w->lock, NULL);
        pthread_cond_init(&w->wake, NULL);
        if (pthread_create(&w->thread, NULL, run, w) != 0) {
                pthread_cond_destroy(&w->wake);
                pthread_mutex_destroy(&w->lock);
                free(w);
                return RESULT_NOMEM;
        }
        *ret = w;
        return RESULT_OK;
}

/* Sets the flag (woken or stop) and wakes the thread. */
static void signal_flag(struct worker *w, bool *flag)
{
        pthread_mutex_lock(&w->lock);
        *flag = true;
        pthread_cond_signal(&w->wake);
        pthread_mutex_unlock(&w->lock);
}

void worker_wake(struct worker *w)
{
        if (w)
                signal_flag(w, &w->woken);
}

bool worker_leading(struct worker *w)
{
        return w && atomic_load(&w->leading);
}

uint64_t worker_rounds(struct worker *w)
{
        return w ? atomic_load(&w->rounds) : 0;
}

void worker_stop(struct worker *w)
{
        if (!w)
                return;
        signal_flag(w, &w->stop);
        pthread_join(w->thread, NULL);
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        free(w);
}
