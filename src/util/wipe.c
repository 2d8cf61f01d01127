/* Wiping secrets; see wipe.h. */
#include "util/wipe.h"

#include <stdlib.h>
#include <string.h>

void wipe_memory(void *buf, size_t len)
{
        if (buf && len)
                explicit_bzero(buf, len);
}

void wipe_free_string(char *s)
{
        if (!s)
                return;
        wipe_memory(s, strlen(s));
        free(s);
}

void wipe_buf_add(struct wipe_buf *b, const char *s, size_t n)
{
        if (b->failed)
                return;
        if (b->len + n + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 1024;
                char *p;

                while (cap < b->len + n + 1)
                        cap *= 2;
                p = !b->limit || cap <= b->limit ? malloc(cap) : NULL;
                if (!p) {
                        b->failed = true;
                        return;
                }
                /* Copied by hand (not realloc) so that the old block can be
                 * wiped. */
                if (b->s) {
                        memcpy(p, b->s, b->len);
                        wipe_memory(b->s, b->len);
                        free(b->s);
                }
                b->s = p;
                b->cap = cap;
        }
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = '\0';
}

void wipe_buf_puts(struct wipe_buf *b, const char *s)
{
        wipe_buf_add(b, s, strlen(s));
}

char *wipe_buf_take(struct wipe_buf *b)
{
        char *s = b->failed ? NULL : b->s;

        if (!s)
                wipe_buf_free(b);
        else
                *b = (struct wipe_buf){ .limit = b->limit };
        return s;
}

void wipe_buf_free(struct wipe_buf *b)
{
        if (b->s)
                wipe_memory(b->s, b->len);
        free(b->s);
        *b = (struct wipe_buf){ .limit = b->limit };
}
