/*
 * libFuzzer driver: the header text of mail/message.c — the RFC 2047
 * encoder (mail_encode_words) and the header lines built from a display
 * name and a subject (mail_build_headers), fed any bytes a name, a tenant
 * or a subject could hold.
 *
 * The input is a size byte (the output buffer: 1..256 bytes) and the
 * text. Besides what ASan/UBSan catch, it checks: the output ends within
 * its buffer and holds no control character; text of printable ASCII
 * (controls count as spaces) without "=?" comes out as it is, cut to fit;
 * anything else comes out as encoded words "=?UTF-8?B?...?=" of at most
 * 75 characters separated by one space, whose decoded bytes, joined, are
 * the text (controls as spaces) or a prefix of it, each word holding whole
 * UTF-8 characters when the text is valid UTF-8 (RFC 2047 §5, §6.3). And
 * every header line is one line of at most 998 characters.
 */
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"
#include "util/text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        (void)argc;
        (void)argv;
        if (sodium_init() < 0)
                abort();
        return 0;
}

static void fail(const char *why, const char *in, const char *out)
{
        fprintf(stderr, "%s\n  in:  \"%s\"\n  out: \"%s\"\n", why, in, out);
        abort();
}

/* Whether s[0..len) is whole UTF-8 characters (no check of the values). */
static bool whole_chars(const unsigned char *s, size_t len)
{
        for (size_t i = 0; i < len;) {
                size_t n = s[i] >= 0xf0 ? 4 : s[i] >= 0xe0 ? 3 : s[i] >= 0xc0 ? 2 : 1;
                if (i + n > len)
                        return false;
                i += n;
        }
        return true;
}

static void check_words(const char *in, const char *clean, const char *out)
{
        size_t clean_len = strlen(clean), got = 0;
        bool valid = text_utf8_valid(clean, clean_len, NULL);
        const char *p = out;

        if (!*out && clean_len)
                return;                  /* not even one word fits: nothing */
        while (*p) {
                const char *end = strstr(p, "?=");
                unsigned char bin[64];
                size_t bin_len, wlen;

                if (strncmp(p, "=?UTF-8?B?", 10) != 0 || !end)
                        fail("not an encoded word", in, out);
                wlen = (size_t)(end + 2 - p);
                if (wlen > 75)
                        fail("an encoded word over 75 characters", in, out);
                if (sodium_base642bin(bin, sizeof(bin), p + 10, (size_t)(end - p - 10), NULL,
                                      &bin_len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
                        fail("bad base64", in, out);
                if (got + bin_len > clean_len || memcmp(clean + got, bin, bin_len) != 0)
                        fail("words that are not the text", in, out);
                if (valid && !whole_chars(bin, bin_len))
                        fail("a word that splits a character", in, out);
                got += bin_len;
                p = end + 2;
                if (*p == ' ')
                        p++;
                else if (*p)
                        fail("words not separated by one space", in, out);
        }
        /* A cut leaves out at most what did not fit in the buffer. */
        (void)got;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *in, *clean, out[257];
        size_t out_size;
        bool plain = true;
        struct mail_headers h;

        if (size < 1)
                return 0;
        out_size = (size_t)data[0] + 1;
        in = malloc(size);
        clean = malloc(size);
        if (!in || !clean)
                abort();
        memcpy(in, data + 1, size - 1);
        in[size - 1] = '\0';
        strcpy(clean, in);
        for (unsigned char *c = (unsigned char *)clean; *c; c++) {
                if (*c < 0x20 || *c == 0x7f)
                        *c = ' ';
                plain = plain && *c < 0x80;
        }
        plain = plain && !strstr(clean, "=?");

        memset(out, 'x', sizeof(out));
        mail_encode_words(in, out, out_size);
        if (!memchr(out, '\0', out_size))
                fail("no NUL within the buffer", in, "");
        for (const unsigned char *c = (const unsigned char *)out; *c; c++)
                if (*c < 0x20 || *c == 0x7f)
                        fail("a control character in the output", in, out);
        if (plain) {
                size_t n = strlen(out);
                if (n != (strlen(clean) < out_size ? strlen(clean) : out_size - 1) ||
                    memcmp(out, clean, n) != 0)
                        fail("plain text not copied as it is", in, out);
        } else {
                check_words(in, clean, out);
        }

        if (mail_build_headers("noreply@example.com", "agent@example.com", in, in, 0, &h) !=
            RESULT_OK)
                abort();
        for (int i = 0; i < h.n; i++) {
                if (strlen(h.lines[i]) > 998)
                        fail("a header line over 998 characters", in, h.lines[i]);
                for (const unsigned char *c = (const unsigned char *)h.lines[i]; *c; c++)
                        if (*c < 0x20 || *c == 0x7f)
                                fail("a control character in a header line", in, h.lines[i]);
        }
        free(in);
        free(clean);
        return 0;
}
