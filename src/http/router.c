/*
 * The router: patterns are split into segments once at registration;
 * matching splits the request path in place and compares segment by
 * segment, so a lookup allocates nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"

enum result http_route_compile(struct http_route *r, const char *method, const char *pattern)
{
        char *copy, *save = NULL, *seg;

        if (!pattern || pattern[0] != '/')
                return RESULT_INVALID;
        r->method = strdup(method);
        r->pattern = strdup(pattern);
        copy = strdup(pattern);
        if (!r->method || !r->pattern || !copy)
                goto fail;
        for (seg = strtok_r(copy, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
                if (r->n_segments >= HTTP_MAX_SEGMENTS)
                        goto fail;
                /* Counted at once, so that the failure path frees it. */
                char *own = r->segments[r->n_segments++] = strdup(seg);
                if (!own)
                        goto fail;
                if (seg[0] == ':') {
                        if (r->n_params >= HTTP_MAX_PARAMS)
                                goto fail;
                        r->param_names[r->n_params++] = own + 1;
                }
        }
        free(copy);
        return RESULT_OK;
fail:
        free(copy);
        http_route_free(r);
        return RESULT_INVALID;
}

void http_route_free(struct http_route *r)
{
        for (int i = 0; i < r->n_segments; i++)
                free(r->segments[i]);
        free(r->method);
        free(r->pattern);
        r->method = r->pattern = NULL;
        r->n_segments = r->n_params = 0;
}

const struct http_route *http_route_match(const struct http_route *routes, size_t n,
                                          const char *method, char *path,
                                          const char *ret_params[HTTP_MAX_PARAMS],
                                          bool *ret_path_matched, char *allow, size_t allow_size)
{
        char *segs[HTTP_MAX_SEGMENTS + 1];
        int nsegs = 0;
        size_t allow_len = 0;
        char *p = path;

        allow[0] = '\0';
        *ret_path_matched = false;
        /* Split on '/', skipping empty segments ("//", trailing '/'). */
        while (*p) {
                while (*p == '/')
                        *p++ = '\0';
                if (!*p)
                        break;
                if (nsegs > HTTP_MAX_SEGMENTS)
                        return NULL;
                segs[nsegs++] = p;
                while (*p && *p != '/')
                        p++;
        }
        if (nsegs > HTTP_MAX_SEGMENTS)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                const struct http_route *r = &routes[i];
                int k = 0, np = 0;
                const char *params[HTTP_MAX_PARAMS];

                if (r->n_segments != nsegs)
                        continue;
                for (; k < nsegs; k++) {
                        if (r->segments[k][0] == ':')
                                params[np++] = segs[k];
                        else if (strcmp(r->segments[k], segs[k]) != 0)
                                break;
                }
                if (k != nsegs)
                        continue;
                if (strcmp(r->method, method) == 0) {
                        memcpy(ret_params, params, sizeof(params[0]) * (size_t)np);
                        return r;
                }
                *ret_path_matched = true;
                if (allow_len + strlen(r->method) + 3 < allow_size)
                        allow_len += (size_t)snprintf(allow + allow_len, allow_size - allow_len,
                                                      "%s%s", allow_len ? ", " : "", r->method);
        }
        return NULL;
}
