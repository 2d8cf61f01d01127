/*
 * Internals shared by the files of http/: the server and request records,
 * routes and their metrics, and the calls between the files (server.c
 * drives a request through request.c, framing.c, response.c and
 * access_log.c).
 */
#ifndef AGENTDESK_HTTP_INTERNAL_H
#define AGENTDESK_HTTP_INTERNAL_H

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "http/http.h"
#include "util/buf.h"

#define HTTP_MAX_ROUTES 128
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

#define MAX_FORM_FIELDS 256
/* Paths up to this long are split for routing without an allocation. */
#define PATH_INLINE 256

struct http_request {
        struct http_server *srv;
        struct MHD_Connection *con;           /* NULL: a detached request */
        const char *method;
        const char *url;
        const struct http_route *route;
        const char *params[HTTP_MAX_PARAMS];  /* into path_buf or path_copy */
        char *path_copy;                      /* when path_buf is too small */
        char path_buf[PATH_INLINE];
        struct buf body;                      /* capped at max_body_bytes */
        bool too_big;
        bool no_memory;                       /* the body could not be kept */
        const char *bad_framing;              /* why the header section is refused */
        unsigned bad_framing_status;          /* 400 or 411 (framing.c) */
        bool responded;
        unsigned status;
        int64_t tenant_id;
        void *user;
        struct timespec start;
        char request_id[72];
        char peer_ip[INET6_ADDRSTRLEN];       /* the TCP peer; "": a detached request */
        char client_ip[INET6_ADDRSTRLEN];     /* the peer, or whom a trusted proxy names */
        char *headers[HTTP_MAX_HEADERS][2];
        size_t n_headers;
        char *form;                          /* decoded copy of the body */
        char *(*form_fields)[2];             /* MAX_FORM_FIELDS, into form */
        size_t *form_name_len;               /* MAX_FORM_FIELDS, of the decoded names */
        size_t n_form_fields;
        uint64_t form_decoded[(MAX_FORM_FIELDS + 63) / 64]; /* which values are decoded (a bit each) */
        bool form_parsed;
};

struct http_server {
        struct MHD_Daemon *daemon;
        struct http_server_options opts;
        char *listen;
        unsigned port;
        struct http_route routes[HTTP_MAX_ROUTES];
        size_t n_routes;
        struct http_route_metrics unmatched;
        atomic_uint_fast64_t next_id;
        unsigned id_prefix;
        atomic_int in_flight;
        atomic_bool starting;                /* MHD's messages are start errors */
        atomic_bool draining;                /* quiesced: answers close their connection */
        atomic_bool used_while_draining;     /* a request began after the quiesce */
        int quiesced_fd;                     /* the listen socket MHD gave back; -1: none */
        http_handler_fn fallback;
        void *fallback_userdata;
        struct {
                char *prefix, *name, *value;
        } prefix_headers[HTTP_MAX_PREFIX_HEADERS];
        size_t n_prefix_headers;
        struct http_linger *linger;          /* NULL: closes at once (linger.c) */
        struct {
                char *method, *path;
                size_t max_bytes;
        } body_limits[HTTP_MAX_BODY_LIMITS];
        size_t n_body_limits;
        pthread_mutex_t streams_lock;        /* guards streams (stream.c) */
        struct http_stream *streams;         /* whose responses MHD still holds */
};

/* request.c: a request on MHD's first access call (NULL when out of
 * memory), freed by http_request_free(); http_request_append_body() keeps
 * a piece of the body, false past the cap or out of memory (the flags of
 * req say which). */
struct http_request *http_request_new(struct http_server *srv, struct MHD_Connection *con,
                                      const char *method, const char *url);
void http_request_free(struct http_request *req);
bool http_request_append_body(struct http_request *req, const char *data, size_t len);

/* Unescapes %XX in place, as MHD_http_unescape() would, but leaves "%00"
 * as it is: a NUL would cut the string short, so that "/agents/1%00"
 * reached the handler as "/agents/1" and the form field "user=2001%00x"
 * as "2001". Returns the new length. For paths, query arguments and form
 * fields alike. */
size_t http_unescape(char *s);

/* framing.c: NULL when the header section frames the body the one way
 * agentdesk takes (Content-Length or none) and holds no NUL; else why not
 * (static text) and the status to refuse it with in ret_status. */
const char *http_framing_check(struct MHD_Connection *con, unsigned *ret_status);

/* response.c: adds the headers every response carries and queues resp
 * (destroyed here; req->responded says whether it was queued).
 * content_type NULL: none (a body-less answer). */
void http_response_queue(struct http_request *req, unsigned status, const char *content_type,
                         struct MHD_Response *resp);

/* stream.c: every stream still open ends (after what it has queued) and
 * is resumed; with cut, it is cut at once instead (its reader ends with
 * an error). Called by http_server_stop() before it waits for the
 * requests in flight, and before MHD_stop_daemon(). Returns how many
 * streams are still open. */
size_t http_streams_end_all(struct http_server *srv, bool cut);

/* linger.c: the lingering close of connections answered before their
 * body was read. http_linger_new() starts its thread (NULL when it
 * cannot: connections then close at once); http_linger_add() keeps a
 * duplicate of fd (the caller's fd stays its own), sends the FIN after
 * the answer already written and discards what the client still sends
 * for a while; http_linger_free() stops the thread and closes the rest
 * (accepts NULL). */
struct http_linger;
struct http_linger *http_linger_new(void);
void http_linger_add(struct http_linger *l, int fd);
void http_linger_free(struct http_linger *l);

/* access_log.c: the access log line of a completed request. */
void http_access_log(const struct http_request *req, double seconds);

void http_metrics_observe(struct http_route_metrics *m, unsigned status, double seconds);
/* Adds the figures of from to sum (sum: not shared, being built). */
void http_metrics_add(struct http_route_metrics *sum, const struct http_route_metrics *from);
/* The text format wants each family's samples in one group after its
 * HELP and TYPE: a family's header, then its samples for every route. */
enum http_metrics_family { HTTP_METRICS_REQUESTS, HTTP_METRICS_DURATION };
void http_metrics_write_header(FILE *out, enum http_metrics_family family);
void http_metrics_write(FILE *out, enum http_metrics_family family, const char *method,
                        const char *route, const struct http_route_metrics *m);

#endif
