/*
 * libFuzzer driver: Event Socket framing (esl_frame_parse in
 * freeswitch/esl.c), fed byte streams as a FreeSWITCH node (or anything
 * listening on its port) could send them.
 *
 * Besides what ASan/UBSan catch, it checks the parser's contract: a frame
 * takes at least one byte and never more than it was given; a stream that
 * holds no whole frame leaves the frame untouched; headers end with ""
 * within the caps; the body has exactly body_len bytes and a NUL after
 * them; parsing the same bytes twice gives the same frame.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "freeswitch/esl.h"

static void check_frame(const struct esl_frame *f)
{
        size_t n = 0;
        const char *h = f->headers;

        if (!h)
                abort();
        while (*h) {
                size_t len = strlen(h);
                n += len + 1;
                if (n > ESL_HEADER_MAX + 1)
                        abort();         /* more header bytes than the cap */
                h += len + 1;
        }
        if (f->body && (f->body_len > ESL_BODY_MAX || f->body[f->body_len] != '\0'))
                abort();
        if (!f->body && f->body_len)
                abort();
        (void)esl_frame_kind(f);
        (void)esl_frame_header(f, "Content-Type");
}

static int same_frame(const struct esl_frame *a, const struct esl_frame *b)
{
        const char *x = a->headers, *y = b->headers;

        while (*x && *y && strcmp(x, y) == 0) {
                x += strlen(x) + 1;
                y += strlen(y) + 1;
        }
        if (*x || *y || a->body_len != b->body_len || !a->body != !b->body)
                return 0;
        return !a->body || memcmp(a->body, b->body, a->body_len) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *buf = (const char *)data;
        size_t off = 0;

        /* Frames back to back, as one connection's stream. */
        while (off < size) {
                struct esl_frame f = { 0 }, again = { 0 };
                size_t used = 0, used_again = 0;

                if (esl_frame_parse(buf + off, size - off, &f, &used) != RESULT_OK)
                        break;
                if (used == 0) {
                        if (f.headers || f.body)
                                abort(); /* no whole frame, yet *ret was filled */
                        break;
                }
                if (used > size - off)
                        abort();
                check_frame(&f);
                if (esl_frame_parse(buf + off, size - off, &again, &used_again) != RESULT_OK ||
                    used_again != used || !same_frame(&f, &again))
                        abort();         /* not pure: the same bytes parsed differently */
                esl_frame_clear(&again);
                esl_frame_clear(&f);
                off += used;
        }
        return 0;
}
