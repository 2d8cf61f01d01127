/* The SCIM filter subset; see scim_filter.h. RFC 7644 §3.4.2.2. */
#include "util/scim_filter.h"

#include <string.h>
#include <strings.h>

#define USER_URN "urn:ietf:params:scim:schemas:core:2.0:User:"

static bool is_space(char c)
{
        return c == ' ' || c == '\t';
}

/* Whether the n bytes at s spell name, ignoring case. */
static bool word_is(const char *s, size_t n, const char *name)
{
        return n == strlen(name) && strncasecmp(s, name, n) == 0;
}

bool scim_filter_parse(const char *text, size_t len, struct scim_filter *ret)
{
        const char *p = text, *end = text + len, *word;
        struct scim_filter f;
        size_t n = 0, urn = strlen(USER_URN);

        if (memchr(text, '\0', len))
                return false;
        while (p < end && is_space(*p))
                p++;
        word = p;
        while (p < end && !is_space(*p) && *p != '"')
                p++;
        if ((size_t)(p - word) > urn && strncasecmp(word, USER_URN, urn) == 0)
                word += urn;
        if (word_is(word, (size_t)(p - word), "userName"))
                f.attr = SCIM_FILTER_USER_NAME;
        else if (word_is(word, (size_t)(p - word), "externalId"))
                f.attr = SCIM_FILTER_EXTERNAL_ID;
        else
                return false;
        if (p == end || !is_space(*p))
                return false;
        while (p < end && is_space(*p))
                p++;
        if (end - p < 3 || !word_is(p, 2, "eq") || !is_space(p[2]))
                return false;
        p += 2;
        while (p < end && is_space(*p))
                p++;
        if (p == end || *p++ != '"')
                return false;
        for (;;) {
                char c;
                if (p == end)
                        return false;    /* unterminated */
                c = *p++;
                if (c == '"')
                        break;
                if ((unsigned char)c < 0x20 || c == 0x7f)
                        return false;
                if (c == '\\') {
                        if (p == end || (*p != '"' && *p != '\\' && *p != '/'))
                                return false;
                        c = *p++;
                }
                if (n == SCIM_FILTER_VALUE_MAX)
                        return false;
                f.value[n++] = c;
        }
        f.value[n] = '\0';
        while (p < end && is_space(*p))
                p++;
        if (p != end)
                return false;
        *ret = f;
        return true;
}
