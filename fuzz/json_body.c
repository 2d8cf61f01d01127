/*
 * libFuzzer driver: the API's request-body path — http_request_json (the
 * nesting guard, then jansson with duplicate keys refused) and the field
 * readers every handler uses (api_take_null, api_field_string/int/bool,
 * then the text checks of util/text.c on the strings they hand out).
 *
 * Properties checked besides ASan/UBSan: a body is either an object and
 * nothing was answered, or it was answered 400 and NULL came back; a field
 * reader that fails has answered 400, one that succeeds has answered
 * nothing; a string handed out is NUL-free UTF-8 of its stated length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "util/text.h"

enum kind { STRING, INT, BOOL };

/* Fields the handlers read, with the bounds they give (the api/ files). */
static const struct {
        const char *name;
        enum kind kind;
        int64_t min, max;
} fields[] = {
        { "email", STRING, 0, 0 },          { "password", STRING, 0, 0 },
        { "first_name", STRING, 0, 0 },     { "last_name", STRING, 0, 0 },
        { "role", STRING, 0, 0 },           { "status", STRING, 0, 0 },
        { "name", STRING, 0, 0 },           { "sip_domain", STRING, 0, 0 },
        { "websocket_url", STRING, 0, 0 },  { "esl_host", STRING, 0, 0 },
        { "extensions_count", INT, 1, 16 }, { "pool_base", INT, 1, 999999999 },
        { "pool_size", INT, 1, 100000 },    { "cluster_id", INT, 0, INT64_MAX },
        { "esl_port", INT, 1, 65535 },      { "voicemail_enabled", BOOL, 0, 0 },
};

/* jansson hands out valid UTF-8; util/text.c must agree, bar the controls
 * it refuses on top. */
static void check_string(const char *s)
{
        size_t len = strlen(s);
        bool controls = false;
        char small[16];

        for (size_t i = 0; i < len; i++)
                if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
                        controls = true;
        if (text_utf8_valid(s, len, NULL) == controls)
                abort();
        (void)text_name_valid(s, 64);
        (void)text_email_valid(s);
        /* A copy that must shrink stays a prefix, cut on a character boundary. */
        text_copy(small, sizeof(small), s);
        if (strncmp(small, s, strlen(small)) != 0 ||
            (!controls && !text_utf8_valid(small, strlen(small), NULL)))
                abort();
        text_lower(small, sizeof(small), s);
        text_slug(small, sizeof(small), s);
        if (!small[0])
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct http_request *req = http_request_detached((const char *)data, size);
        json_t *body;

        if (!req)
                return 0;
        body = http_request_json(req);
        if (!body) {
                if (http_request_status(req) != 400)
                        abort();
                goto out;
        }
        if (!json_is_object(body) || http_request_status(req) != 0)
                abort();
        /* As a handler does: take the nulls, read fields until one fails. */
        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
                const char *s = NULL;
                int64_t n = 0;
                bool b, ok;

                (void)api_take_null(body, fields[i].name);
                switch (fields[i].kind) {
                case STRING:
                        ok = api_field_string(req, body, fields[i].name, false, &s);
                        if (ok && s)
                                check_string(s);
                        break;
                case INT:
                        ok = api_field_int(req, body, fields[i].name, fields[i].min, fields[i].max,
                                           &n);
                        if (ok && json_object_get(body, fields[i].name) &&
                            (n < fields[i].min || n > fields[i].max))
                                abort();
                        break;
                default:
                        ok = api_field_bool(req, body, fields[i].name, &b);
                        break;
                }
                if (ok != (http_request_status(req) == 0))
                        abort();
                if (!ok) {
                        if (http_request_status(req) != 400)
                                abort();
                        break;
                }
        }
        json_decref(body);
out:
        http_request_detached_free(req);
        return 0;
}
