/*
 * libFuzzer driver: the static files' path check of web/site.c
 * (web_path_safe), the gate before any file of the web app is looked up,
 * fed decoded request paths (libmicrohttpd has already undone %XX).
 *
 * Besides what ASan/UBSan catch, it checks the answer against the rule
 * written in web.h, restated here segment by segment, and that a path it
 * accepts cannot leave the root: resolved lexically, no segment is "."
 * or "..", so the depth never goes below the root and the file named is
 * root + path.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/web.h"

static bool rule(const char *path)
{
        size_t len = strlen(path), start = 1;

        if (len == 0 || path[0] != '/' || len > WEB_PATH_MAX)
                return false;
        for (size_t i = 1; i <= len; i++) {
                unsigned char c = (unsigned char)path[i];
                if (c == '/' || c == '\0') {
                        if (i == start && c == '/')
                                return false;    /* an empty segment inside */
                        if (path[start] == '.')
                                return false;    /* ".", "..", dot-files */
                        start = i + 1;
                        continue;
                }
                if (c < 0x20 || c == 0x7f || c == '\\' || c == '%')
                        return false;
        }
        return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *path = malloc(size + 1);
        bool safe;

        if (!path)
                return 0;
        memcpy(path, data, size);
        path[size] = '\0';              /* the server's path is a C string */
        safe = web_path_safe(path);
        if (safe != rule(path))
                abort();
        if (safe && (strstr(path, "/../") || strstr(path, "/./") || strstr(path, "//") ||
                     strchr(path, '\\')))
                abort();
        free(path);
        return 0;
}
