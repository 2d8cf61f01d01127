/*
 * Streamed responses (Server-Sent Events and the like): a body of
 * unknown length that a producer thread writes into while the connection
 * is open, sent chunked by libmicrohttpd through a content reader.
 *
 * States of a stream (each guarded by its lock):
 *
 *   flowing    the reader copies queued bytes out as MHD asks for them;
 *   suspended  the queue is empty: the reader suspended the connection
 *              (MHD_suspend_connection) and returned 0, so the worker
 *              does not poll it; the next write or end resumes it. A
 *              reader that returned 0 without suspending would have MHD
 *              call it again at once, busy-looping the worker;
 *   ended      no more writes: the reader sends what is queued, then
 *              ends the body (END_OF_STREAM);
 *   cut        the queue overflowed (the client reads too slowly) or the
 *              server stops: the queue is dropped and the reader ends
 *              with END_WITH_ERROR, which closes the connection;
 *   gone       MHD released the response (the request completed: the
 *              end was sent, or the client went away, which MHD notices
 *              only when a write fails, since a suspended connection is
 *              not polled). Writes fail from then on.
 *
 * A stream has two references: the response's (dropped when MHD
 * releases it) and the producer's (http_stream_release). While MHD holds
 * the response the stream is on its server's list, so that
 * http_server_stop() can end and resume every one of them before
 * MHD_stop_daemon(), which must never find a suspended connection.
 * Suspended connections do not time out and still count toward the
 * connection limit.
 */
#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "http/internal.h"

/* What MHD asks the reader for at most at a time (it takes the buffer
 * from the connection's memory pool, POOL_BYTES in server.c). */
#define STREAM_BLOCK 4096

/* The kernel's send buffer of a stream's socket. Linux grows a socket's
 * buffer up to tcp_wmem's maximum (4 MiB) for a client that does not
 * read; fixed, what a stalled client holds in the kernel stays small and
 * its queue here is what overflows. */
#define STREAM_SNDBUF (64 * 1024)

/* A drained queue keeps an allocation up to this size for the next
 * write; a larger one (a burst) is freed. */
#define STREAM_KEEP 4096

struct http_stream {
        pthread_mutex_t lock;
        struct http_server *srv;
        struct MHD_Connection *con;          /* NULL once gone */
        struct buf queue;                    /* bytes off.. are unsent */
        size_t off;
        bool suspended, ended, cut, gone;
        int refs;
        struct http_stream *prev, *next;     /* srv->streams, while not gone */
};

static atomic_size_t queued_total;

static void unref(struct http_stream *s)
{
        bool last;

        pthread_mutex_lock(&s->lock);
        last = --s->refs == 0;
        pthread_mutex_unlock(&s->lock);
        if (!last)
                return;
        atomic_fetch_sub(&queued_total, s->queue.len - s->off);
        buf_free(&s->queue);
        pthread_mutex_destroy(&s->lock);
        free(s);
}

/* Lets MHD poll the connection again; s->lock held. */
static void wake(struct http_stream *s)
{
        if (s->suspended && s->con) {
                s->suspended = false;
                MHD_resume_connection(s->con);
        }
}

/* Drops what is queued; s->lock held. */
static void drop_queue(struct http_stream *s)
{
        atomic_fetch_sub(&queued_total, s->queue.len - s->off);
        buf_free(&s->queue);
        s->off = 0;
}

static ssize_t read_stream(void *cls, uint64_t pos, char *out, size_t max)
{
        struct http_stream *s = cls;
        ssize_t n;

        (void)pos;
        pthread_mutex_lock(&s->lock);
        if (s->cut) {
                n = MHD_CONTENT_READER_END_WITH_ERROR;
        } else if (s->queue.len > s->off) {
                size_t k = s->queue.len - s->off;
                if (k > max)
                        k = max;
                memcpy(out, s->queue.data + s->off, k);
                s->off += k;
                atomic_fetch_sub(&queued_total, k);
                if (s->off == s->queue.len) {
                        s->off = 0;
                        if (s->queue.cap > STREAM_KEEP)
                                buf_free(&s->queue);
                        else
                                s->queue.len = 0;
                }
                n = (ssize_t)k;
        } else if (s->ended) {
                n = MHD_CONTENT_READER_END_OF_STREAM;
        } else {
                /* Nothing to send: off MHD's poll set until a write. */
                s->suspended = true;
                MHD_suspend_connection(s->con);
                n = 0;
        }
        pthread_mutex_unlock(&s->lock);
        return n;
}

/* MHD released the response: the request is complete. */
static void stream_gone(void *cls)
{
        struct http_stream *s = cls;
        struct http_server *srv = s->srv;

        pthread_mutex_lock(&srv->streams_lock);
        if (s->prev)
                s->prev->next = s->next;
        else
                srv->streams = s->next;
        if (s->next)
                s->next->prev = s->prev;
        pthread_mutex_unlock(&srv->streams_lock);
        pthread_mutex_lock(&s->lock);
        s->gone = true;
        s->con = NULL;
        s->suspended = false;
        drop_queue(s);
        pthread_mutex_unlock(&s->lock);
        unref(s);
}

struct http_stream *http_respond_stream(struct http_request *req, unsigned status,
                                        const char *content_type, size_t max_queued)
{
        struct http_server *srv = req->srv;
        const union MHD_ConnectionInfo *info;
        struct MHD_Response *resp;
        struct http_stream *s;
        int sndbuf = STREAM_SNDBUF;

        if (req->responded || !req->con)
                return NULL;
        info = MHD_get_connection_info(req->con, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (info)   /* a speed-up of the drop only: a failure changes nothing else */
                (void)setsockopt(info->connect_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
        s = calloc(1, sizeof(*s));
        if (!s)
                return NULL;
        pthread_mutex_init(&s->lock, NULL);
        s->srv = srv;
        s->con = req->con;
        s->refs = 2;                     /* the response's and the caller's */
        buf_init(&s->queue, max_queued);
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, read_stream, s,
                                                 stream_gone);
        if (!resp) {
                pthread_mutex_destroy(&s->lock);
                free(s);
                return NULL;
        }
        pthread_mutex_lock(&srv->streams_lock);
        s->next = srv->streams;
        if (s->next)
                s->next->prev = s;
        srv->streams = s;
        pthread_mutex_unlock(&srv->streams_lock);
        /* Destroying our handle leaves the response to MHD; if queueing
         * failed that releases it at once, and stream_gone runs. */
        http_response_queue(req, status, content_type, resp);
        if (!req->responded) {
                unref(s);
                return NULL;
        }
        return s;
}

enum result http_stream_write(struct http_stream *s, const void *data, size_t len)
{
        enum result result = RESULT_OK;

        pthread_mutex_lock(&s->lock);
        if (s->gone || s->ended || s->cut) {
                result = RESULT_IO;
                goto out;
        }
        if (s->off && s->queue.len + len > s->queue.max) {
                memmove(s->queue.data, s->queue.data + s->off, s->queue.len - s->off);
                s->queue.len -= s->off;
                s->off = 0;
        }
        result = buf_append(&s->queue, data, len);
        if (result == RESULT_TOO_BIG) {
                /* A client that does not read: cut it, never wait for it. */
                s->cut = true;
                drop_queue(s);
        } else if (result == RESULT_OK) {
                atomic_fetch_add(&queued_total, len);
        }
        wake(s);
out:
        pthread_mutex_unlock(&s->lock);
        return result;
}

void http_stream_end(struct http_stream *s)
{
        if (!s)
                return;
        pthread_mutex_lock(&s->lock);
        s->ended = true;
        wake(s);
        pthread_mutex_unlock(&s->lock);
}

void http_stream_release(struct http_stream *s)
{
        if (s)
                unref(s);
}

size_t http_streams_queued_bytes(void)
{
        return atomic_load(&queued_total);
}

size_t http_streams_end_all(struct http_server *srv, bool cut)
{
        size_t n = 0;

        pthread_mutex_lock(&srv->streams_lock);
        for (struct http_stream *s = srv->streams; s; s = s->next) {
                pthread_mutex_lock(&s->lock);
                s->ended = true;
                if (cut && !s->cut) {
                        s->cut = true;
                        drop_queue(s);
                }
                wake(s);
                pthread_mutex_unlock(&s->lock);
                n++;
        }
        pthread_mutex_unlock(&srv->streams_lock);
        return n;
}
