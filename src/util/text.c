/* Text checks; see text.h. */
#include "util/text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

bool text_utf8_valid(const char *str, size_t len, size_t *ret_chars)
{
        const unsigned char *s = (const unsigned char *)str;
        size_t i = 0, chars = 0;

        while (i < len) {
                unsigned char c = s[i];
                unsigned cp, need;
                if (c < 0x80) {
                        if ((c < 0x20 && c != '\t') || c == 0x7f)
                                return false;
                        i++;
                        chars++;
                        continue;
                }
                if (c >= 0xc2 && c <= 0xdf) {
                        need = 1;
                        cp = c & 0x1f;
                } else if (c >= 0xe0 && c <= 0xef) {
                        need = 2;
                        cp = c & 0x0f;
                } else if (c >= 0xf0 && c <= 0xf4) {
                        need = 3;
                        cp = c & 0x07;
                } else {
                        return false;
                }
                if (len - i <= need)
                        return false;
                for (unsigned k = 1; k <= need; k++) {
                        if ((s[i + k] & 0xc0) != 0x80)
                                return false;
                        cp = (cp << 6) | (s[i + k] & 0x3f);
                }
                /* Overlong forms, surrogates, beyond U+10FFFF. */
                if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
                    (cp >= 0xd800 && cp <= 0xdfff))
                        return false;
                i += need + 1;
                chars++;
        }
        if (ret_chars)
                *ret_chars = chars;
        return true;
}

/* Whether p (valid UTF-8) starts with a bidirectional formatting
 * character (Unicode UAX #9): U+061C, U+200E-200F, U+202A-202E,
 * U+2066-2069. */
static bool bidi_control(const unsigned char *p)
{
        if (p[0] == 0xd8)
                return p[1] == 0x9c;
        if (p[0] != 0xe2)
                return false;
        if (p[1] == 0x80)
                return p[2] == 0x8e || p[2] == 0x8f || (p[2] >= 0xaa && p[2] <= 0xae);
        return p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9;
}

bool text_name_valid(const char *s, size_t max_chars)
{
        size_t chars;
        bool blank = true;

        if (!s || !text_utf8_valid(s, strlen(s), &chars) || chars == 0 || chars > max_chars)
                return false;
        /* FreeSWITCH expands "$${var}" when it parses a document and "${var}"
         * wherever a channel variable is used: a name reaches it as caller-ID. */
        if (strstr(s, "${"))
                return false;
        for (const char *p = s; *p; p++) {
                if (bidi_control((const unsigned char *)p))
                        return false;
                if (!isspace((unsigned char)*p))
                        blank = false;
        }
        return !blank;
}

bool text_email_valid(const char *s)
{
        const char *at, *dot;
        size_t len;

        if (!s || (len = strlen(s)) < 3 || len > 254)
                return false;
        at = strchr(s, '@');
        if (!at || at == s || strchr(at + 1, '@') || at - s > 64)
                return false;
        for (const char *p = s; p < at; p++)
                if (!isalnum((unsigned char)*p) && !strchr(".!#$%&'*+/=?^_`{|}~-", *p))
                        return false;
        if (s[0] == '.' || at[-1] == '.' || strstr(s, ".."))
                return false;
        dot = strrchr(at + 1, '.');
        if (!dot || dot == at + 1 || dot[1] == '\0')
                return false;
        for (const char *p = at + 1; *p; p++) {
                if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
                        return false;
                if (*p == '.' && (p[1] == '.' || p[1] == '-' || p[-1] == '-' || p[1] == '\0'))
                        return false;
        }
        return at[1] != '-' && at[1] != '.';
}

void text_copy(char *dst, size_t size, const char *src)
{
        size_t n;

        if (!src)
                src = "";
        n = strlen(src);
        if (n >= size) {
                n = size - 1;
                while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
                        n--;
        }
        memcpy(dst, src, n);
        dst[n] = '\0';
}

void text_lower(char *out, size_t size, const char *s)
{
        size_t i = 0;

        for (; s[i] && i + 1 < size; i++)
                out[i] = (char)tolower((unsigned char)s[i]);
        out[i] = '\0';
}

void text_slug(char *out, size_t size, const char *s)
{
        size_t n = 0;
        bool dash = false;

        for (; *s && n + 1 < size; s++) {
                unsigned char c = (unsigned char)*s;
                if (isalnum(c) && c < 0x80) {
                        if (dash && n > 0 && n + 2 < size)
                                out[n++] = '-';
                        dash = false;
                        out[n++] = (char)tolower(c);
                } else {
                        dash = true;
                }
        }
        out[n] = '\0';
        if (n == 0 && size > 6)
                memcpy(out, "tenant", 7);
}

bool text_word_valid(const char *s)
{
        if (!*s)
                return false;
        for (; *s; s++)
                if (!isalnum((unsigned char)*s) && *s != '.' && *s != '-' && *s != '_')
                        return false;
        return true;
}

bool text_sip_domain_valid(const char *s)
{
        size_t len = strlen(s);

        if (len == 0 || len > 253)
                return false;
        if (s[0] == '[') {
                /* [IPv6]: hex digits, ':' and '.' (a v4 tail) inside. */
                if (len < 4 || s[len - 1] != ']')
                        return false;
                for (size_t i = 1; i + 1 < len; i++)
                        if (!isxdigit((unsigned char)s[i]) && s[i] != ':' && s[i] != '.')
                                return false;
                return true;
        }
        if (s[0] == '.' || s[0] == '-')
                return false;
        for (const char *c = s; *c; c++)
                if (!isalnum((unsigned char)*c) && *c != '.' && *c != '-')
                        return false;
        return true;
}

bool text_websocket_url_valid(const char *s)
{
        size_t prefix = !strncmp(s, "wss://", 6) ? 6 : !strncmp(s, "ws://", 5) ? 5 : 0;
        const char *authority = s + prefix, *port;
        size_t n = 0, len, host_len;
        char host[254];

        if (!prefix)
                return false;
        for (; s[n]; n++)
                if (n >= 500 || s[n] <= ' ' || s[n] >= 0x7f || strchr("\"'<>\\", s[n]))
                        return false;
        /* The authority: a host and an optional port, no user:password (it
         * would be copied into the CSP and every browser's settings). */
        len = strcspn(authority, "/?#");
        if (memchr(authority, '@', len))
                return false;
        if (authority[0] == '[') {
                const char *close = memchr(authority, ']', len);
                if (!close)
                        return false;
                host_len = (size_t)(close - authority) + 1;
        } else {
                const char *colon = memchr(authority, ':', len);
                host_len = colon ? (size_t)(colon - authority) : len;
        }
        port = authority + host_len;
        if (host_len == 0 || host_len >= sizeof(host))
                return false;
        if (port < authority + len) {
                size_t digits = len - host_len - 1;
                long value = 0;
                if (*port != ':' || digits < 1 || digits > 5)
                        return false;
                for (size_t i = 1; i <= digits; i++) {
                        if (!isdigit((unsigned char)port[i]))
                                return false;
                        value = value * 10 + (port[i] - '0');
                }
                if (value < 1 || value > 65535)
                        return false;
        }
        memcpy(host, authority, host_len);
        host[host_len] = '\0';
        return text_sip_domain_valid(host);
}

int text_index(const char *const *names, size_t n, const char *s)
{
        for (size_t i = 0; s && i < n; i++)
                if (names[i] && strcmp(s, names[i]) == 0)
                        return (int)i;
        return -1;
}

int text_names_index(const struct text_names *t, const char *s)
{
        return text_index(t->names, t->count, s);
}

const char *text_names_name(const struct text_names *t, int i)
{
        return i >= 0 && (size_t)i < t->count && t->names[i] ? t->names[i] : "?";
}

/* Howard Hinnant's days_from_civil and civil_from_days (proleptic
 * Gregorian; exact for every day of years 1970-9999). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
        int64_t era, yoe, doy, doe;

        y -= m <= 2;
        era = y / 400;
        yoe = y - era * 400;
        doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

bool text_date_parse(const char *s, int64_t *ret_day)
{
        static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
        int64_t y, m, d;
        int max;

        if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
                return false;
        for (int i = 0; i < 10; i++)
                if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
                        return false;
        y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        m = (s[5] - '0') * 10 + (s[6] - '0');
        d = (s[8] - '0') * 10 + (s[9] - '0');
        if (y < 1970 || m < 1 || m > 12 || d < 1)
                return false;
        max = mdays[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
        if (d > max)
                return false;
        *ret_day = days_from_civil(y, m, d);
        return true;
}

void text_date_format(int64_t day, char *out, size_t size)
{
        int64_t z = day + 719468, era, doe, yoe, y, doy, mp, d, m;

        era = (z >= 0 ? z : z - 146096) / 146097;
        doe = z - era * 146097;
        yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        y = yoe + era * 400;
        doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        mp = (5 * doy + 2) / 153;
        d = doy - (153 * mp + 2) / 5 + 1;
        m = mp + (mp < 10 ? 3 : -9);
        y += m <= 2;
        snprintf(out, size, "%04lld-%02lld-%02lld", (long long)y, (long long)m, (long long)d);
}

void text_time_iso(int64_t epoch, char *out, size_t size)
{
        time_t t = (time_t)epoch;
        struct tm tm;

        gmtime_r(&t, &tm);
        strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
