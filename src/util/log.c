/* Log lines to stderr. Each line goes out in one locked stdio call, so
 * threads never interleave within a line; by default stderr is unbuffered
 * (a line is one write), and a server switches to block buffering with a
 * flusher thread (log_buffered_start). */
#include "util/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum log_level log_threshold = LOG_LEVEL_INFO;

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

void log_write(enum log_level level, const char *module, const char *fmt, ...)
{
        char line[2048];
        struct timespec ts;
        struct tm tm;
        size_t n;
        va_list ap;
        int w;

        clock_gettime(CLOCK_REALTIME, &ts);
        /* The date and time change once a second: format them then. */
        if (ts.tv_sec != stamp_second) {
                gmtime_r(&ts.tv_sec, &tm);
                stamp_len = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
                stamp_second = ts.tv_sec;
        }
        memcpy(line, stamp, stamp_len);
        n = stamp_len;
        w = snprintf(line + n, sizeof(line) - n, ".%03ldZ %s %s: ",
                     ts.tv_nsec / 1000000, level_names[level], module);
        if (w > 0)
                n += (size_t)w;
        va_start(ap, fmt);
        w = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
        va_end(ap);
        if (w > 0)
                n += (size_t)w < sizeof(line) - n - 1 ? (size_t)w : sizeof(line) - n - 2;
        line[n++] = '\n';
        fwrite(line, 1, n, stderr);
        if (level <= LOG_LEVEL_WARN)
                fflush(stderr);
}

static pthread_t flusher;
static pthread_mutex_t flusher_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t flusher_wake = PTHREAD_COND_INITIALIZER;
static bool flusher_running, flusher_stop;
static char log_buffer[1 << 16];

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
                pthread_cond_timedwait(&flusher_wake, &flusher_lock, &until);
                fflush(stderr);
        }
        pthread_mutex_unlock(&flusher_lock);
        return NULL;
}

void log_buffered_start(void)
{
        if (flusher_running)
                return;
        setvbuf(stderr, log_buffer, _IOFBF, sizeof(log_buffer));
        flusher_stop = false;
        flusher_running = pthread_create(&flusher, NULL, flush_loop, NULL) == 0;
        if (!flusher_running)
                setvbuf(stderr, NULL, _IONBF, 0);
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
        fflush(stderr);
        setvbuf(stderr, NULL, _IONBF, 0);
}
