/* The capped growable buffer of util/buf.h. */
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max)
{
        b->data = NULL;
        b->len = b->cap = 0;
        b->max = max;
}

enum result buf_append(struct buf *b, const void *data, size_t len)
{
        if (len > b->max - b->len)
                return RESULT_TOO_BIG;
        if (b->len + len + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 1024;
                char *d;
                while (cap < b->len + len + 1)
                        cap *= 2;
                d = realloc(b->data, cap);
                if (!d)
                        return RESULT_NOMEM;
                b->data = d;
                b->cap = cap;
        }
        memcpy(b->data + b->len, data, len);
        b->len += len;
        b->data[b->len] = '\0';
        return RESULT_OK;
}

void buf_free(struct buf *b)
{
        free(b->data);
        buf_init(b, b->max);
}
