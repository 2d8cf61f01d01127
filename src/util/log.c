/* Log lines to stderr, one write(2) per line so threads do not interleave. */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum log_level log_threshold = LOG_LEVEL_INFO;

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
        gmtime_r(&ts.tv_sec, &tm);
        n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
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
        (void)!write(STDERR_FILENO, line, n);
}
