/*
 * The checks of a request's header section that libmicrohttpd 0.9.75 does
 * not make, run on its first access call, before any body is read. A
 * request that fails one is answered at once with its status and the
 * connection closed (an answer queued before the body makes MHD discard
 * the rest of the connection), so nothing sent after it on the same
 * connection is read as a request.
 *
 * Body framing (RFC 9112 §6): one way only. A request whose body length
 * two parties could read differently is request smuggling behind a proxy
 * that picks the other reading:
 *   - Content-Length beside Transfer-Encoding (§6.1: "ought to be handled
 *     as an error"; MHD let the chunked framing win and kept the
 *     connection open);
 *   - Content-Length repeated with different values, or not a number
 *     (§6.3 point 5: unrecoverable; MHD took the first);
 *   - a field name that is not a token, such as "Transfer-Encoding :"
 *     with a space before the colon (§5.1: MUST be rejected with 400;
 *     MHD kept the name with its space, so the coding went unseen while a
 *     proxy that trims the name would frame the body as chunked).
 * A body in the chunked coding (Transfer-Encoding) is refused with 411
 * Length Required (§6.3 point 7 lets a server require Content-Length):
 * MHD 0.9.75 cannot be kept from answering a long chunk extension with its
 * own 500 page, nor from waiting for a body in a coding it does not know,
 * and nothing agentdesk serves sends one (FreeSWITCH's mod_xml_curl, the
 * web app, curl and nginx's buffered proxying all send Content-Length).
 *
 * NUL: a NUL byte in a field value (RFC 9110 §5.5: "MUST either reject
 * the message or replace each of those characters with SP"); MHD cut the
 * value there, so "Bearer <token>\0junk" read as the token.
 */
#include <string.h>
#include <strings.h>

#include "http/internal.h"

struct framing {
        const char *why;                 /* the first fault found; NULL: none */
        unsigned status;
        const char *content_length;      /* the first one's value */
        size_t content_length_size;
        bool transfer_encoding;
};

/* RFC 9110 §5.6.2 tchar. */
static bool is_tchar(unsigned char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_token(const char *s, size_t len)
{
        for (size_t i = 0; i < len; i++)
                if (!is_tchar((unsigned char)s[i]))
                        return false;
        return len > 0;
}

static bool is_digits(const char *s, size_t len)
{
        for (size_t i = 0; i < len; i++)
                if (s[i] < '0' || s[i] > '9')
                        return false;
        return len > 0;
}

static enum MHD_Result one_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                 size_t key_size, const char *value, size_t value_size)
{
        struct framing *f = cls;

        (void)kind;
        if (!is_token(key, key_size)) {
                f->why = "a header field name is not a token (no space before the colon)";
        } else if (value && value[value_size + 1] != '\0') {
                /* MHD 0.9.75 measures a value with strlen(), so a NUL
                 * inside cuts it; but the line stays in its read buffer
                 * as it came, with its CR LF overwritten by two NULs
                 * (connection.c, get_next_header_line). A byte after the
                 * value's NUL that is not the second of them is what
                 * followed a NUL of the client's (or a line ended by a
                 * bare LF, which is refused with it: RFC 9112 §2.2 lets
                 * a server take CR LF only). tests/integration/
                 * test_http_framing.py fails if a libmicrohttpd lays
                 * lines out otherwise. */
                f->why = "a header field holds a NUL byte or does not end in CR LF";
        } else if (strcasecmp(key, "Transfer-Encoding") == 0) {
                f->transfer_encoding = true;
        } else if (strcasecmp(key, "Content-Length") == 0) {
                if (!value || !is_digits(value, value_size))
                        f->why = "Content-Length is not a number";
                else if (!f->content_length) {
                        f->content_length = value;
                        f->content_length_size = value_size;
                } else if (value_size != f->content_length_size ||
                           memcmp(value, f->content_length, value_size) != 0) {
                        f->why = "Content-Length is given twice with different values";
                }
        }
        return f->why ? MHD_NO : MHD_YES;
}

const char *http_framing_check(struct MHD_Connection *con, unsigned *ret_status)
{
        struct framing f = { 0 };

        MHD_get_connection_values_n(con, MHD_HEADER_KIND, one_field, &f);
        if (!f.why && f.transfer_encoding && f.content_length)
                f.why = "Content-Length and Transfer-Encoding frame the body two ways";
        if (f.why) {
                *ret_status = 400;
                return f.why;
        }
        if (f.transfer_encoding) {
                *ret_status = 411;
                return "a body needs Content-Length (no Transfer-Encoding)";
        }
        return NULL;
}
