/* Internals shared by the files of http/: routes and their metrics. */
#ifndef AGENTDESK_HTTP_INTERNAL_H
#define AGENTDESK_HTTP_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "http/http.h"

#define HTTP_MAX_ROUTES 64
#define HTTP_MAX_SEGMENTS 8
#define HTTP_MAX_PARAMS 4
#define HTTP_BUCKETS 14

/* Status codes counted one by one; the rest go to "other". */
#define HTTP_STATUSES 14

struct http_route_metrics {
        atomic_uint_fast64_t by_status[HTTP_STATUSES + 1];
        atomic_uint_fast64_t buckets[HTTP_BUCKETS];   /* cumulative at render */
        atomic_uint_fast64_t count;
        atomic_uint_fast64_t sum_us;
};

struct http_route {
        char *method;
        char *pattern;
        char *segments[HTTP_MAX_SEGMENTS];   /* ":name" for parameters */
        int n_segments;
        const char *param_names[HTTP_MAX_PARAMS];
        int n_params;
        http_handler_fn fn;
        void *userdata;
        struct http_route_metrics metrics;
};

enum result http_route_compile(struct http_route *r, const char *method, const char *pattern);
void http_route_free(struct http_route *r);

/*
 * Finds the route for method and path. path is modified (split in place)
 * and ret_params point into it. When no route matches, *ret_path_matched
 * tells whether some route has that path under another method, and allow
 * lists those methods.
 */
const struct http_route *http_route_match(const struct http_route *routes, size_t n,
                                          const char *method, char *path,
                                          const char *ret_params[HTTP_MAX_PARAMS],
                                          bool *ret_path_matched, char *allow, size_t allow_size);

void http_metrics_observe(struct http_route_metrics *m, unsigned status, double seconds);
void http_metrics_write_header(FILE *out);
void http_metrics_write(FILE *out, const char *method, const char *route,
                        const struct http_route_metrics *m);

#endif
