/* Log lines to stderr, never interleaved within a line. By default each
 * line is one write(2). A server switches to buffering
 * (log_buffered_start): each thread appends its lines to a buffer of its
 * own — so that worker threads do not queue on one lock for every access
 * log line — and a flusher thread writes every buffer out at least every
 * 200 ms, and as soon as one holds LOG_BUFFER_WAKE bytes, in writes of
 * whole lines of at most PIPE_BUF bytes, which a pipe keeps whole. The
 * flusher copies a buffer out under its lock and writes the copy after, so
 * a thread waits for a write only when its own buffer is full. */
#include "util/log.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

_Atomic enum log_level log_threshold = LOG_LEVEL_INFO;
atomic_bool log_json;

static _Thread_local time_t stamp_second = -1;
static _Thread_local char stamp[32];
static _Thread_local size_t stamp_len;

static const char *const level_names[] = { "error", "warn", "info", "debug" };

int log_level_parse(const char *s)
{
        for (unsigned i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
                if (strcmp(s, level_names[i]) == 0)
                        return (int)i;
        return -1;
}

int log_format_parse(const char *s)
{
        return !strcmp(s, "plain") ? 0 : !strcmp(s, "json") ? 1 : -1;
}

/* Writes all of data to stderr, retrying after a signal or a short write. */
static void write_all(const char *data, size_t n)
{
        while (n > 0) {
                ssize_t w = write(STDERR_FILENO, data, n);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return;   /* nowhere to report it */
                data += w;
                n -= (size_t)w;
        }
}

/* Writes whole lines in pieces of at most PIPE_BUF bytes. */
static void write_lines(const char *data, size_t n)
{
        while (n > 0) {
                size_t piece = n;
                if (piece > PIPE_BUF) {
                        piece = PIPE_BUF;
                        while (piece > 0 && data[piece - 1] != '\n')
                                piece--;
                        if (piece == 0)
                                piece = PIPE_BUF;
                }
                write_all(data, piece);
                data += piece;
                n -= piece;
        }
}

#define LOG_BUFFER_SIZE (64 * 1024)
/* The flusher is woken once a buffer holds this much, so that a buffer is
 * written out well before it fills even when one write(2) is slow (a log
 * file on a busy disk: several milliseconds, seen under wrk). */
#define LOG_BUFFER_WAKE (LOG_BUFFER_SIZE / 4)

/*
 * One thread's lines not written yet. lock guards data and len and is only
 * ever held for a memcpy, never across a write(2): its owner appends under
 * it on every line, so a write under it stalled the owner's requests for
 * as long as the disk took (the /freeswitch/xml p99 of 3 ms). write_lock
 * keeps the thread's lines in order on their way out: whoever writes them
 * (the flusher, or the owner when its buffer is full or a line is urgent)
 * holds it across the write; taken before lock.
 */
struct log_buffer {
        pthread_mutex_t lock, write_lock;
        size_t len;
        bool wake_sent;                  /* the flusher was woken for this fill */
        struct log_buffer *next;         /* in buffers, under buffers_lock */
        char data[LOG_BUFFER_SIZE];
};

static atomic_bool buffered;
static pthread_mutex_t buffers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct log_buffer *buffers;
static pthread_key_t buffer_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static _Thread_local struct log_buffer *own;

static pthread_t flusher;
static pthread_mutex_t flusher_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t flusher_wake = PTHREAD_COND_INITIALIZER;
static bool flusher_running, flusher_stop, flusher_woken;

/* Writes b's lines out: copied under its lock, written after. Holds
 * b->write_lock; copy has LOG_BUFFER_SIZE bytes. */
static void drain(struct log_buffer *b, char *copy)
{
        size_t n;

        pthread_mutex_lock(&b->lock);
        n = b->len;
        memcpy(copy, b->data, n);
        b->len = 0;
        b->wake_sent = false;
        pthread_mutex_unlock(&b->lock);
        write_lines(copy, n);
}

/* A thread that ends writes out its lines and gives its buffer back. */
static void buffer_gone(void *arg)
{
        struct log_buffer *b = arg;

        pthread_mutex_lock(&buffers_lock);
        for (struct log_buffer **p = &buffers; *p; p = &(*p)->next)
                if (*p == b) {
                        *p = b->next;
                        break;
                }
        pthread_mutex_unlock(&buffers_lock);
        /* Nobody else holds b now: its lines go straight out. */
        write_lines(b->data, b->len);
        pthread_mutex_destroy(&b->lock);
        pthread_mutex_destroy(&b->write_lock);
        free(b);
}

static void make_key(void)
{
        pthread_key_create(&buffer_key, buffer_gone);
}

static struct log_buffer *own_buffer(void)
{
        if (own)
                return own;
        own = calloc(1, sizeof(*own));
        if (!own)
                return NULL;
        pthread_mutex_init(&own->lock, NULL);
        pthread_mutex_init(&own->write_lock, NULL);
        pthread_setspecific(buffer_key, own);
        pthread_mutex_lock(&buffers_lock);
        own->next = buffers;
        buffers = own;
        pthread_mutex_unlock(&buffers_lock);
        return own;
}

static void flush_all(void)
{
        char *copy = malloc(LOG_BUFFER_SIZE);

        pthread_mutex_lock(&buffers_lock);
        for (struct log_buffer *b = buffers; b; b = b->next) {
                pthread_mutex_lock(&b->write_lock);
                if (copy) {
                        drain(b, copy);
                } else {                 /* out of memory: written under the lock */
                        pthread_mutex_lock(&b->lock);
                        write_lines(b->data, b->len);
                        b->len = 0;
                        pthread_mutex_unlock(&b->lock);
                }
                pthread_mutex_unlock(&b->write_lock);
        }
        pthread_mutex_unlock(&buffers_lock);
        free(copy);
}

static void wake_flusher(void)
{
        pthread_mutex_lock(&flusher_lock);
        flusher_woken = true;
        pthread_cond_signal(&flusher_wake);
        pthread_mutex_unlock(&flusher_lock);
}

/* Sends one line on its way: into the thread's buffer when buffering
 * (written out at once when urgent, or when the buffer is full because
 * the flusher is behind, the thread's earlier lines first), else straight
 * to stderr. */
static void emit(const char *line, size_t n, bool urgent)
{
        struct log_buffer *b = atomic_load(&buffered) ? own_buffer() : own;
        bool wake = false;

        if (!b) {
                write_lines(line, n);
                return;
        }
        pthread_mutex_lock(&b->lock);
        if (atomic_load(&buffered) && !urgent && b->len + n <= sizeof(b->data)) {
                memcpy(b->data + b->len, line, n);
                b->len += n;
                wake = b->len >= LOG_BUFFER_WAKE && !b->wake_sent;
                b->wake_sent |= wake;
                pthread_mutex_unlock(&b->lock);
                if (wake)
                        wake_flusher();
                return;
        }
        pthread_mutex_unlock(&b->lock);
        /* In order after whatever the flusher is writing of this thread. */
        pthread_mutex_lock(&b->write_lock);
        pthread_mutex_lock(&b->lock);
        write_lines(b->data, b->len);
        b->len = 0;
        b->wake_sent = false;
        write_lines(line, n);
        pthread_mutex_unlock(&b->lock);
        pthread_mutex_unlock(&b->write_lock);
}

/* Copies s, cut at max bytes, to dst; returns the length copied. */
static size_t append_word(char *dst, size_t max, const char *s)
{
        size_t n = strnlen(s, max);

        memcpy(dst, s, n);
        return n;
}

/* The length of the UTF-8 sequence at s (n bytes left), 0 when it is not
 * one (RFC 3629's table: no overlong form, no surrogate, at most U+10FFFF). */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
        unsigned char lo = 0x80, hi = 0xBF;
        size_t len;

        if (s[0] < 0x80)
                return 1;
        if (s[0] >= 0xC2 && s[0] <= 0xDF)
                len = 2;
        else if (s[0] >= 0xE0 && s[0] <= 0xEF)
                len = 3;
        else if (s[0] >= 0xF0 && s[0] <= 0xF4)
                len = 4;
        else
                return 0;
        if (s[0] == 0xE0)
                lo = 0xA0;
        else if (s[0] == 0xED)
                hi = 0x9F;
        else if (s[0] == 0xF0)
                lo = 0x90;
        else if (s[0] == 0xF4)
                hi = 0x8F;
        if (n < len || s[1] < lo || s[1] > hi)
                return 0;
        for (size_t i = 2; i < len; i++)
                if (s[i] < 0x80 || s[i] > 0xBF)
                        return 0;
        return len;
}

/* Appends msg (len bytes) as the inside of a JSON string to dst, at most
 * max bytes, never cutting an escape or a character; returns the length
 * written. */
static size_t append_json(char *dst, size_t max, const char *msg, size_t len)
{
        static const char hex[] = "0123456789abcdef";
        const unsigned char *s = (const unsigned char *)msg;
        size_t n = 0, i = 0;

        while (i < len) {
                char esc[8];
                const char *piece = esc;
                size_t k = utf8_sequence(s + i, len - i), plen;

                if (k == 0) {                     /* not UTF-8: U+FFFD */
                        piece = "\\ufffd";
                        plen = 6;
                        k = 1;
                } else if (s[i] == '"' || s[i] == '\\') {
                        esc[0] = '\\';
                        esc[1] = (char)s[i];
                        plen = 2;
                } else if (s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
                        esc[0] = '\\';
                        esc[1] = s[i] == '\n' ? 'n' : s[i] == '\t' ? 't' : 'r';
                        plen = 2;
                } else if (s[i] < 0x20 || s[i] == 0x7F) {
                        memcpy(esc, "\\u00", 4);
                        esc[4] = hex[s[i] >> 4];
                        esc[5] = hex[s[i] & 15];
                        plen = 6;
                } else {
                        piece = msg + i;
                        plen = k;
                }
                if (n + plen > max)
                        break;
                memcpy(dst + n, piece, plen);
                n += plen;
                i += k;
        }
        return n;
}

void log_write(enum log_level level, const char *module, const char *fmt, ...)
{
        char line[2048], msg[1536];
        bool json;
        struct timespec ts;
        struct tm tm;
        unsigned ms;
        size_t n = 0, mlen;
        va_list ap;
        int w;

        clock_gettime(CLOCK_REALTIME, &ts);
        /* The date and time change once a second: format them then. */
        if (ts.tv_sec != stamp_second) {
                gmtime_r(&ts.tv_sec, &tm);
                stamp_len = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
                stamp_second = ts.tv_sec;
        }
        json = atomic_load_explicit(&log_json, memory_order_relaxed);
        if (json) {
                memcpy(line, "{\"time\":\"", 9);
                n = 9;
        }
        memcpy(line + n, stamp, stamp_len);
        n += stamp_len;
        /* ".mmmZ level module: " by hand: every access log line has it,
         * and snprintf was a visible part of a request's cost. */
        ms = (unsigned)(ts.tv_nsec / 1000000);
        line[n++] = '.';
        line[n++] = (char)('0' + ms / 100);
        line[n++] = (char)('0' + ms / 10 % 10);
        line[n++] = (char)('0' + ms % 10);
        line[n++] = 'Z';
        if (json) {
                /* Level names and modules are plain words of the code. */
                n += (size_t)snprintf(line + n, 256, "\",\"level\":\"%s\",\"area\":\"%.64s\",\"msg\":\"",
                                      level_names[level], module);
                va_start(ap, fmt);
                w = vsnprintf(msg, sizeof(msg), fmt, ap);
                va_end(ap);
                mlen = w < 0 ? 0 : (size_t)w < sizeof(msg) ? (size_t)w : sizeof(msg) - 1;
                n += append_json(line + n, sizeof(line) - n - 3, msg, mlen);
                memcpy(line + n, "\"}\n", 3);
                emit(line, n + 3, level <= LOG_LEVEL_WARN);
                return;
        }
        line[n++] = ' ';
        n += append_word(line + n, sizeof(line) / 4, level_names[level]);
        line[n++] = ' ';
        n += append_word(line + n, sizeof(line) / 4, module);
        line[n++] = ':';
        line[n++] = ' ';
        va_start(ap, fmt);
        w = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
        va_end(ap);
        if (w > 0)
                n += (size_t)w < sizeof(line) - n - 1 ? (size_t)w : sizeof(line) - n - 2;
        line[n++] = '\n';
        emit(line, n, level <= LOG_LEVEL_WARN);
}

/* Every 200 ms, or when a buffer passes LOG_BUFFER_WAKE; flusher_lock is
 * not held while writing, so that waking it never waits on a write. */
static void *flush_loop(void *arg)
{
        (void)arg;
        pthread_mutex_lock(&flusher_lock);
        while (!flusher_stop) {
                struct timespec until;
                clock_gettime(CLOCK_REALTIME, &until);
                until.tv_nsec += 200 * 1000000L;
                if (until.tv_nsec >= 1000000000L) {
                        until.tv_sec++;
                        until.tv_nsec -= 1000000000L;
                }
                if (!flusher_woken)
                        pthread_cond_timedwait(&flusher_wake, &flusher_lock, &until);
                flusher_woken = false;
                pthread_mutex_unlock(&flusher_lock);
                flush_all();
                pthread_mutex_lock(&flusher_lock);
        }
        pthread_mutex_unlock(&flusher_lock);
        return NULL;
}

void log_buffered_start(void)
{
        if (flusher_running)
                return;
        pthread_once(&key_once, make_key);
        flusher_stop = false;
        atomic_store(&buffered, true);
        flusher_running = pthread_create(&flusher, NULL, flush_loop, NULL) == 0;
        if (!flusher_running)
                atomic_store(&buffered, false);
}

void log_buffered_stop(void)
{
        if (!flusher_running)
                return;
        pthread_mutex_lock(&flusher_lock);
        flusher_stop = true;
        pthread_cond_signal(&flusher_wake);
        pthread_mutex_unlock(&flusher_lock);
        pthread_join(flusher, NULL);
        flusher_running = false;
        atomic_store(&buffered, false);
        flush_all();
}
