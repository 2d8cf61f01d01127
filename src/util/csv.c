/* The one CSV writer; see csv.h. */
#include "util/csv.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void csv_init(struct csv *c, struct buf *out)
{
        *c = (struct csv){ .out = out };
}

static void put(struct csv *c, const char *data, size_t len)
{
        if (!c->result && len)
                c->result = buf_append(c->out, data, len);
}

static void separate(struct csv *c)
{
        if (c->mid_row)
                put(c, ",", 1);
        c->mid_row = true;
}

void csv_text(struct csv *c, const char *s)
{
        bool formula, quote;
        const char *p;

        if (!s)
                s = "";
        separate(c);
        formula = s[0] && strchr("=+-@\t\r", s[0]);
        quote = strpbrk(s, ",\"\r\n") != NULL;
        if (quote)
                put(c, "\"", 1);
        if (formula)
                put(c, "'", 1);
        if (!quote) {
                put(c, s, strlen(s));
                return;
        }
        for (p = s; *p; p++) {
                const char *q = strchr(p, '"');

                if (!q) {
                        put(c, p, strlen(p));
                        break;
                }
                put(c, p, (size_t)(q - p) + 1);
                put(c, "\"", 1);
                p = q;
        }
        put(c, "\"", 1);
}

void csv_int(struct csv *c, int64_t v)
{
        char num[24];
        int len = snprintf(num, sizeof(num), "%" PRId64, v);

        separate(c);
        put(c, num, (size_t)len);
}

void csv_end_row(struct csv *c)
{
        put(c, "\r\n", 2);
        c->mid_row = false;
}

enum result csv_result(const struct csv *c)
{
        return c->result;
}
