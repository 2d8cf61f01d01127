/*
 * A growable byte buffer with a hard cap set at creation (curl's
 * docs/internals/DYNBUF.md: "toobig ... must be set"), for whatever a peer
 * feeds: request bodies (http/), response bodies (net/). Its bytes are
 * always followed by a NUL, so text can be read in place (it may hold NULs
 * itself).
 */
#ifndef AGENTDESK_UTIL_BUF_H
#define AGENTDESK_UTIL_BUF_H

#include <stddef.h>

#include "util/result.h"

struct buf {
        char *data;                  /* NULL until the first byte; owned */
        size_t len, cap, max;
};

/* An empty buffer that will hold at most max bytes. */
void buf_init(struct buf *b, size_t max);

/* Appends len bytes of data: RESULT_TOO_BIG when that would pass max, or
 * RESULT_NOMEM; the buffer is unchanged on failure. */
enum result buf_append(struct buf *b, const void *data, size_t len);

/* Frees the bytes; b is empty (and may be appended to) afterwards. */
void buf_free(struct buf *b);

#endif
