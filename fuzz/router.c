/*
 * libFuzzer driver: the router of http/router.c (http_route_compile,
 * http_route_match), over the routes agentdesk registers and one pattern
 * of the input's own.
 *
 * The input is a method byte, then "PATTERN\nPATH" or just PATH. Besides
 * what ASan/UBSan catch, it checks the match against a plain reference
 * (split both on '/', skip empty segments, compare literals, ':' takes any
 * segment): the same route, or none; parameters are the path's segments
 * at the parameters' places and point into the path buffer; when no route
 * takes the method, "path matched" is true exactly when some route has
 * the path, and Allow names those methods and ends within its buffer.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"

static const char *const table[][2] = {
        { "GET", "/healthz" }, { "GET", "/metrics" }, { "POST", "/freeswitch/xml" },
        { "POST", "/freeswitch/xml/:id" }, { "POST", "/v1/auth/login" },
        { "GET", "/v1/auth/me" }, { "GET", "/v1/admin/agents" }, { "POST", "/v1/admin/agents" },
        { "GET", "/v1/admin/agents/:id" }, { "PATCH", "/v1/admin/agents/:id" },
        { "DELETE", "/v1/admin/agents/:id" }, { "POST", "/v1/admin/agents/:id/invite" },
        { "POST", "/v1/admin/extensions/:id/rotate-password" },
        { "GET", "/v1/admin/freeswitch/clusters/:id" },
        { "PATCH", "/v1/admin/freeswitch/clusters/:id/nodes/:node_id" },
        { "DELETE", "/v1/admin/freeswitch/clusters/:id/nodes/:node_id" },
        { "GET", "/a/:b/:c/:d/:e" }, { "GET", "/1/2/3/4/5/6/7/:8" },
};
#define N_TABLE (sizeof(table) / sizeof(table[0]))
static const char *const methods[] = { "GET", "POST", "PATCH", "DELETE", "PUT", "HEAD" };

/* Splits s in place on '/', skipping empty segments; -1 over max. */
static int split(char *s, char **segs, int max)
{
        int n = 0;

        for (char *save = NULL, *seg = strtok_r(s, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
                if (n == max)
                        return -1;
                segs[n++] = seg;
        }
        return n;
}

/* Whether route r has the path of segs (any method). */
static bool path_of(const struct http_route *r, char **segs, int n)
{
        if (r->n_segments != n)
                return false;
        for (int k = 0; k < n; k++)
                if (r->segments[k][0] != ':' && strcmp(r->segments[k], segs[k]) != 0)
                        return false;
        return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct http_route routes[N_TABLE + 1];
        size_t n = 0;
        char *in, *path, *nl, *ref, *refsegs[HTTP_MAX_SEGMENTS];
        const char *method, *params[HTTP_MAX_PARAMS];
        const struct http_route *got, *want = NULL;
        bool path_matched, some_path = false;
        char allow[64];
        int nref;

        if (size < 1)
                return 0;
        method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
        in = malloc(size);
        if (!in)
                return 0;
        memcpy(in, data + 1, size - 1);
        in[size - 1] = '\0';
        path = in;
        memset(routes, 0, sizeof(routes));
        for (size_t i = 0; i < N_TABLE; i++)
                if (http_route_compile(&routes[n], table[i][0], table[i][1]) == RESULT_OK)
                        n++;
                else
                        abort();         /* the real routes compile */
        nl = strchr(in, '\n');
        if (nl) {
                *nl = '\0';
                path = nl + 1;
                if (http_route_compile(&routes[n], "GET", in) == RESULT_OK) {
                        if (routes[n].n_segments > HTTP_MAX_SEGMENTS ||
                            routes[n].n_params > HTTP_MAX_PARAMS)
                                abort();
                        n++;
                } else if (routes[n].method || routes[n].n_segments) {
                        abort();         /* a failed compile leaves nothing behind */
                }
        }

        /* The reference, on a copy. */
        ref = strdup(path);
        if (!ref)
                abort();
        nref = split(ref, refsegs, HTTP_MAX_SEGMENTS);
        for (size_t i = 0; nref >= 0 && i < n && !want; i++) {
                if (!path_of(&routes[i], refsegs, nref))
                        continue;
                if (!strcmp(routes[i].method, method))
                        want = &routes[i];
                else
                        some_path = true;
        }

        size_t path_len = strlen(path);
        memset(allow, 'x', sizeof(allow));
        got = http_route_match(routes, n, method, path, params, &path_matched, allow, sizeof(allow));
        if (got != want)
                abort();
        if (!memchr(allow, '\0', sizeof(allow)))
                abort();
        if (got) {
                for (int k = 0, p = 0; k < nref; k++) {
                        if (got->segments[k][0] != ':')
                                continue;
                        if (params[p] < path || params[p] >= path + path_len ||
                            strcmp(params[p], refsegs[k]) != 0)
                                abort();
                        p++;
                }
        } else if (path_matched != some_path || (path_matched && !allow[0])) {
                abort();                 /* Allow has room for a few methods */
        }
        free(ref);
        for (size_t i = 0; i < n; i++)
                http_route_free(&routes[i]);
        free(in);
        return 0;
}
