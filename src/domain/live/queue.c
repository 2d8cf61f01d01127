/* The reader-to-applier queue; see queue.h. A ring of fixed slots under
 * one mutex: a push is a copy, a take moves everything out at once. */
#include "domain/live/queue.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct live_queue {
        pthread_mutex_t lock;
        pthread_cond_t ready;
        struct fs_event *ring;
        size_t cap, head, n;             /* head: the oldest */
        struct live_snapshot *snap;      /* not yet taken */
        bool woken;
        uint64_t received, dropped;
};

void live_snapshot_free(struct live_snapshot *s)
{
        if (!s)
                return;
        free(s->regs);
        free(s->channels);
        free(s->cc.members);
        free(s->cc.agents);
        free(s);
}

struct live_queue *live_queue_new(size_t capacity)
{
        struct live_queue *q = calloc(1, sizeof(*q));

        if (!q)
                return NULL;
        q->ring = calloc(capacity ? capacity : 1, sizeof(*q->ring));
        if (!q->ring) {
                free(q);
                return NULL;
        }
        q->cap = capacity ? capacity : 1;
        pthread_mutex_init(&q->lock, NULL);
        pthread_cond_init(&q->ready, NULL);
        return q;
}

void live_queue_free(struct live_queue *q)
{
        if (!q)
                return;
        live_snapshot_free(q->snap);
        pthread_cond_destroy(&q->ready);
        pthread_mutex_destroy(&q->lock);
        free(q->ring);
        free(q);
}

bool live_queue_push(struct live_queue *q, const struct fs_event *ev)
{
        bool ok;

        pthread_mutex_lock(&q->lock);
        q->received++;
        ok = q->n < q->cap;
        if (ok) {
                q->ring[(q->head + q->n) % q->cap] = *ev;
                q->n++;
                pthread_cond_signal(&q->ready);
        } else {
                q->dropped++;
        }
        pthread_mutex_unlock(&q->lock);
        return ok;
}

void live_queue_snapshot(struct live_queue *q, struct live_snapshot *s)
{
        struct live_snapshot *old;

        pthread_mutex_lock(&q->lock);
        old = q->snap;
        q->snap = s;
        q->head = q->n = 0;
        pthread_cond_signal(&q->ready);
        pthread_mutex_unlock(&q->lock);
        live_snapshot_free(old);
}

void live_queue_wake(struct live_queue *q)
{
        pthread_mutex_lock(&q->lock);
        q->woken = true;
        pthread_cond_signal(&q->ready);
        pthread_mutex_unlock(&q->lock);
}

size_t live_queue_take(struct live_queue *q, struct fs_event *out, size_t max,
                       struct live_snapshot **ret_snap, int wait_ms)
{
        struct timespec until;
        size_t n = 0;

        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += wait_ms / 1000;
        until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&q->lock);
        while (!q->n && !q->snap && !q->woken)
                if (pthread_cond_timedwait(&q->ready, &q->lock, &until) != 0)
                        break;
        q->woken = false;
        *ret_snap = q->snap;
        q->snap = NULL;
        while (n < max && q->n) {
                out[n++] = q->ring[q->head];
                q->head = (q->head + 1) % q->cap;
                q->n--;
        }
        pthread_mutex_unlock(&q->lock);
        return n;
}

void live_queue_counts(struct live_queue *q, uint64_t *ret_received, uint64_t *ret_dropped)
{
        pthread_mutex_lock(&q->lock);
        *ret_received = q->received;
        *ret_dropped = q->dropped;
        pthread_mutex_unlock(&q->lock);
}

size_t live_queue_depth(struct live_queue *q)
{
        size_t n;

        pthread_mutex_lock(&q->lock);
        n = q->n;
        pthread_mutex_unlock(&q->lock);
        return n;
}
