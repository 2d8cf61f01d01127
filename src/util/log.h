/*
 * Logging. One line per event on stderr: time, level, module, message;
 * plain text for journald by default, or with log_json one JSON object a
 * line for log shippers: {"time","level","area","msg"}, always those
 * keys in that order, msg escaped (control characters as \u00XX, bytes
 * that are not UTF-8 as U+FFFD).
 * The macros check the level before evaluating their arguments, so a
 * disabled debug line costs one comparison. Each .c file defines LOG_MODULE
 * (a short string such as "store") before including this header.
 *
 * Never log a password, token, SIP secret or request body.
 */
#ifndef AGENTDESK_UTIL_LOG_H
#define AGENTDESK_UTIL_LOG_H

#include <stdatomic.h>
#include <stdbool.h>

enum log_level { LOG_LEVEL_ERROR = 0, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* Both are atomic: SIGHUP's re-read of the settings changes them while
 * other threads log (a load costs what a plain read does on x86). */
extern _Atomic enum log_level log_threshold;

/* Whether lines are JSON objects (AGENTDESK_LOG_FORMAT=json). */
extern atomic_bool log_json;

/* Parses "error", "warn", "info", "debug". Returns -1 when unknown. */
int log_level_parse(const char *s);

/* Parses "plain" (0) or "json" (1). Returns -1 when unknown. */
int log_format_parse(const char *s);

void log_write(enum log_level level, const char *module, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* For a server: each thread buffers its lines and a flusher thread writes
 * them out every 200 ms (sooner when a buffer passes a quarter full), so
 * an access log line costs no system call and no shared lock of its own,
 * and never waits for another thread's write. Warnings and errors are
 * still written at once (after the thread's earlier lines). Each thread's
 * lines come out in its order, each line whole. log_buffered_stop()
 * flushes and stops the thread. */
void log_buffered_start(void);
void log_buffered_stop(void);

#ifndef LOG_MODULE
#define LOG_MODULE "agentdesk"
#endif

#define LOG_AT(lvl, ...) \
        do { if ((lvl) <= log_threshold) log_write((lvl), LOG_MODULE, __VA_ARGS__); } while (0)
#define LOG_ERR(...)   LOG_AT(LOG_LEVEL_ERROR, __VA_ARGS__)
#define LOG_WARN(...)  LOG_AT(LOG_LEVEL_WARN, __VA_ARGS__)
#define LOG_INFO(...)  LOG_AT(LOG_LEVEL_INFO, __VA_ARGS__)
#define LOG_DEBUG(...) LOG_AT(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
