/*
 * libFuzzer driver: the SCIM filter of util/scim_filter.c, the text an
 * identity provider (or anyone holding a tenant's SCIM token) puts in
 * GET /scim/v2/Users?filter=.
 *
 * Besides what ASan/UBSan catch, it checks the parser's contract: a
 * refused filter leaves the result untouched; an accepted one has a value
 * of at most SCIM_FILTER_VALUE_MAX bytes without a control character, and
 * the filter written back (value escaped again) parses to the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/scim_filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct scim_filter f, again;
        char back[2 * SCIM_FILTER_VALUE_MAX + 32];
        const char *prefix;
        size_t n;

        memset(&f, 0xa5, sizeof(f));
        if (!scim_filter_parse((const char *)data, size, &f)) {
                for (size_t i = 0; i < sizeof(f); i++)
                        if (((unsigned char *)&f)[i] != 0xa5)
                                abort();         /* touched on failure */
                return 0;
        }
        if (f.attr != SCIM_FILTER_USER_NAME && f.attr != SCIM_FILTER_EXTERNAL_ID)
                abort();
        n = strnlen(f.value, sizeof(f.value));
        if (n > SCIM_FILTER_VALUE_MAX)
                abort();
        prefix = f.attr == SCIM_FILTER_USER_NAME ? "USERNAME eq \"" : "externalid EQ \"";
        n = strlen(prefix);
        memcpy(back, prefix, n);
        for (const char *v = f.value; *v; v++) {
                if ((unsigned char)*v < 0x20 || *v == 0x7f)
                        abort();
                if (*v == '"' || *v == '\\')
                        back[n++] = '\\';
                back[n++] = *v;
        }
        back[n++] = '"';
        if (!scim_filter_parse(back, n, &again) || again.attr != f.attr ||
            strcmp(again.value, f.value) != 0)
                abort();
        return 0;
}
