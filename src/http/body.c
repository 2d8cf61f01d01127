/*
 * Request bodies as handlers read them: application/x-www-form-urlencoded
 * (https://url.spec.whatwg.org/#application/x-www-form-urlencoded, what
 * FreeSWITCH's mod_xml_curl posts), split on first use and each value
 * decoded when first asked for; and JSON objects (RFC 8259, through
 * jansson) with a nesting limit checked before the parser runs.
 */
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"

/* URL-decodes s in place ('+' is a space in this encoding), leaving
 * "%00" undecoded (http_unescape): the value is then not a name anything
 * holds, where "user=2001%00x" decoded to "2001" served extension 2001. */
static void form_decode(char *s)
{
        for (char *p = s; *p; p++)
                if (*p == '+')
                        *p = ' ';
        http_unescape(s);
}

/* Splits a copy of the body into name=value pairs and decodes the names
 * that need it (most of FreeSWITCH's hundred-odd names hold neither '%'
 * nor '+', and decoding leaves those as they are); a value is decoded when
 * it is first asked for (a lookup reads a handful of the fields). */
static void parse_form(struct http_request *req)
{
        char *p, *end;

        req->form_parsed = true;
        if (!req->body.len)
                return;
        req->form = malloc(req->body.len + 1);
        req->form_fields = malloc(sizeof(*req->form_fields) * MAX_FORM_FIELDS);
        req->form_name_len = malloc(sizeof(*req->form_name_len) * MAX_FORM_FIELDS);
        if (!req->form || !req->form_fields || !req->form_name_len)
                return;
        memcpy(req->form, req->body.data, req->body.len + 1);
        for (p = req->form; *p && req->n_form_fields < MAX_FORM_FIELDS; p = end) {
                size_t n = strcspn(p, "&="), name_len = n;
                char *value;
                bool encoded = false;

                if (*p == '&') {         /* an empty pair */
                        end = p + 1;
                        continue;
                }
                for (size_t i = 0; i < n && !encoded; i++)
                        encoded = p[i] == '%' || p[i] == '+';
                if (p[n] == '=') {
                        p[n] = '\0';
                        value = p + n + 1;
                        end = strchr(value, '&');
                        if (end)
                                *end++ = '\0';
                        else
                                end = value + strlen(value);
                } else {
                        /* A name without a value: the value is the empty
                         * string at its end. */
                        end = p + n + (p[n] == '&');
                        p[n] = '\0';
                        value = p + n;
                }
                if (encoded) {
                        form_decode(p);
                        name_len = strlen(p);
                }
                req->form_fields[req->n_form_fields][0] = p;
                req->form_fields[req->n_form_fields][1] = value;
                req->form_name_len[req->n_form_fields] = name_len;
                req->n_form_fields++;
        }
}

const char *http_request_form(struct http_request *req, const char *name)
{
        size_t len = strlen(name);

        if (!req->form_parsed)
                parse_form(req);
        for (size_t i = 0; i < req->n_form_fields; i++) {
                if (req->form_name_len[i] != len || memcmp(req->form_fields[i][0], name, len) != 0)
                        continue;
                if (!(req->form_decoded[i / 64] & (1ull << (i % 64)))) {
                        form_decode(req->form_fields[i][1]);
                        req->form_decoded[i / 64] |= 1ull << (i % 64);
                }
                return req->form_fields[i][1];
        }
        return NULL;
}

/* Whether the brackets outside strings nest deeper than max. A malformed
 * body passes here and fails in the parser. */
static bool nests_deeper(const char *s, size_t len, int max)
{
        int depth = 0;
        bool in_string = false;

        for (size_t i = 0; i < len; i++) {
                char c = s[i];
                if (in_string) {
                        if (c == '\\')
                                i++;
                        else if (c == '"')
                                in_string = false;
                } else if (c == '"') {
                        in_string = true;
                } else if (c == '[' || c == '{') {
                        if (++depth > max)
                                return true;
                } else if (c == ']' || c == '}') {
                        depth--;
                }
        }
        return false;
}

size_t http_request_body_size(const struct http_request *req)
{
        return req->body.len;
}

json_t *http_request_json_parse(const struct http_request *req, const char **ret_message)
{
        const char *body = req->body.data ? req->body.data : "";
        json_error_t err;
        json_t *v;

        if (nests_deeper(body, req->body.len, HTTP_JSON_MAX_DEPTH)) {
                *ret_message = "the body nests too deeply";
                return NULL;
        }
        /* jansson rejects invalid UTF-8 and "\u0000" (without
         * JSON_ALLOW_NUL); a raw NUL byte in the body is a syntax error. */
        v = json_loadb(body, req->body.len, JSON_REJECT_DUPLICATES, &err);
        if (!v || !json_is_object(v)) {
                *ret_message = v ? "the body must be a JSON object" : "the body is not valid JSON";
                json_decref(v);
                return NULL;
        }
        return v;
}

json_t *http_request_json(struct http_request *req)
{
        const char *message = NULL;
        json_t *v = http_request_json_parse(req, &message);

        if (!v)
                http_respond_error(req, 400, "invalid_json", message, NULL);
        return v;
}
