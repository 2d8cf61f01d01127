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
 *
 * The event path too: each event frame goes through fs_event_parse
 * (freeswitch/events.c), whose fields must come back NUL-terminated, and
 * each api/response body through the two listings' parsers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "freeswitch/esl.h"
#include "freeswitch/events.h"

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

static void must_end(const char *field, size_t size)
{
        if (!memchr(field, '\0', size))
                abort();
}

static void check_registration(void *userdata, const struct fs_registration *r)
{
        (void)userdata;
        must_end(r->user, sizeof(r->user));
        must_end(r->realm, sizeof(r->realm));
        must_end(r->contact, sizeof(r->contact));
        must_end(r->user_agent, sizeof(r->user_agent));
}

static void check_channel(void *userdata, const struct fs_channel *c)
{
        (void)userdata;
        must_end(c->uuid, sizeof(c->uuid));
        must_end(c->user, sizeof(c->user));
        must_end(c->realm, sizeof(c->realm));
        must_end(c->call_uuid, sizeof(c->call_uuid));
}

/* The event and listing parsers on a frame. */
static void check_payload(const struct esl_frame *f)
{
        struct fs_event ev;

        if (esl_frame_kind(f) == ESL_FRAME_EVENT) {
                if (fs_event_parse(f, &ev) == RESULT_OK) {
                        must_end(ev.name, sizeof(ev.name));
                        if (ev.kind >= FS_EVENT_REGISTER && ev.kind <= FS_EVENT_EXPIRE)
                                check_registration(NULL, &ev.u.reg);
                        else if (ev.kind != FS_EVENT_OTHER)
                                check_channel(NULL, &ev.u.channel);
                }
        } else if (f->body) {
                (void)fs_registrations_parse(f->body, check_registration, NULL);
                (void)fs_channels_parse(f->body, check_channel, NULL);
        }
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
                check_payload(&f);
                if (esl_frame_parse(buf + off, size - off, &again, &used_again) != RESULT_OK ||
                    used_again != used || !same_frame(&f, &again))
                        abort();         /* not pure: the same bytes parsed differently */
                esl_frame_clear(&again);
                esl_frame_clear(&f);
                off += used;
        }
        return 0;
}
