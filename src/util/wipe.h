/*
 * Wiping secrets: the one way agentdesk clears a buffer that held a
 * password, a token, a PIN or a key. explicit_bzero (glibc 2.25+) is a
 * store the compiler may not remove, unlike memset on a buffer about to
 * die, and keeps util/ on libc alone.
 */
#ifndef AGENTDESK_UTIL_WIPE_H
#define AGENTDESK_UTIL_WIPE_H

#include <stddef.h>

/* Zeroes len bytes at buf. Accepts NULL with len 0. */
void wipe_memory(void *buf, size_t len);

/* Wipes the NUL-terminated string s (its bytes up to the NUL), then frees
 * it. Accepts NULL. */
void wipe_free_string(char *s);

#endif
