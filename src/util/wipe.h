/*
 * Wiping secrets: the one way agentdesk clears a buffer that held a
 * password, a token, a PIN or a key. explicit_bzero (glibc 2.25+) is a
 * store the compiler may not remove, unlike memset on a buffer about to
 * die, and keeps util/ on libc alone.
 */
#ifndef AGENTDESK_UTIL_WIPE_H
#define AGENTDESK_UTIL_WIPE_H

#include <stdbool.h>
#include <stddef.h>

/* Zeroes len bytes at buf. Accepts NULL with len 0. */
void wipe_memory(void *buf, size_t len);

/* Wipes the NUL-terminated string s (its bytes up to the NUL), then frees
 * it. Accepts NULL. */
void wipe_free_string(char *s);

/* A growing NUL-terminated string for text that holds a secret (a SIP
 * password in a user document, a link in an email): each block it
 * outgrows is wiped before it is freed. After a failed allocation, or
 * past limit bytes (0: none), every append is dropped and
 * wipe_buf_take() gives NULL. Zero-initialise it ({ .limit = N }). */
struct wipe_buf {
        char *s;                         /* NULL until the first append */
        size_t len, cap, limit;
        bool failed;
};

void wipe_buf_add(struct wipe_buf *b, const char *s, size_t n);
void wipe_buf_puts(struct wipe_buf *b, const char *s);
/* The text (malloc'd: the caller wipes and frees it), or NULL after a
 * failure or with nothing appended, then wiped and freed here. b is empty
 * again either way. */
char *wipe_buf_take(struct wipe_buf *b);
/* Wipes and frees the text; b is empty again. */
void wipe_buf_free(struct wipe_buf *b);

#endif
