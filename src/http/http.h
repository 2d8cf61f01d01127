/*
 * The HTTP server: libmicrohttpd with its own thread pool (poll()), a
 * router with path parameters, request accessors, JSON responses in the
 * API's conventions, a hard cap on request bodies, an access log line per
 * request and per-route metrics.
 *
 * Lifetimes: everything a request accessor returns is borrowed and valid
 * until the handler returns. A handler sends exactly one response through
 * the http_respond_* functions; if it sends none, the server answers 500.
 */
#ifndef AGENTDESK_HTTP_HTTP_H
#define AGENTDESK_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/result.h"

struct http_server;
struct http_request;

typedef void (*http_handler_fn)(struct http_request *req, void *userdata);

struct http_server_options {
        const char *listen;           /* "HOST:PORT" or "[V6]:PORT"; port 0 = any */
        unsigned threads;             /* worker threads; 0 = one per CPU */
        size_t max_body_bytes;        /* larger bodies get 413 */
        /* HTTPS when both are set: PEM text, borrowed while the server
         * runs (the caller wipes the key after http_server_free()). */
        const char *tls_cert_pem;
        const char *tls_key_pem;
};

/* Whether this libmicrohttpd was built with TLS (GnuTLS). */
bool http_tls_supported(void);

/* Checks a PEM certificate chain and private key the way the server will
 * load them (GnuTLS): RESULT_OK, or RESULT_INVALID with a reason in
 * ret_reason (static text) when either does not parse or the key is not
 * the certificate's. */
enum result http_tls_check(const char *cert_pem, const char *key_pem, const char **ret_reason);

enum result http_server_new(const struct http_server_options *opts, struct http_server **ret_server);

/* Registers a route before start. pattern is "/v1/admin/agents/:id": ':name'
 * segments are parameters. RESULT_INVALID for a malformed pattern. */
enum result http_server_route(struct http_server *srv, const char *method, const char *pattern,
                              http_handler_fn fn, void *userdata);

/* Handles the requests no route's path matches (a route whose path
 * matches under another method still gets 405). Without one they get a
 * JSON 404. The handler answers like a route handler; its route is
 * "unmatched". */
enum result http_server_fallback(struct http_server *srv, http_handler_fn fn, void *userdata);

/* Adds name: value to every response (handlers', errors, 404s) whose path
 * is prefix or starts with prefix + "/". Strings are copied. At most
 * HTTP_MAX_PREFIX_HEADERS. */
#define HTTP_MAX_PREFIX_HEADERS 8
enum result http_server_prefix_header(struct http_server *srv, const char *prefix,
                                      const char *name, const char *value);

/* Gives requests of method on exactly path (no parameters) a body cap of
 * their own instead of max_body_bytes (the agents import takes files
 * larger than any JSON body). Strings are copied. At most
 * HTTP_MAX_BODY_LIMITS. */
#define HTTP_MAX_BODY_LIMITS 4
enum result http_server_body_limit(struct http_server *srv, const char *method, const char *path,
                                   size_t max_bytes);

/* Binds and starts the workers. RESULT_IO when the address is unusable. */
enum result http_server_start(struct http_server *srv);

/* The bound port (useful with port 0). */
unsigned http_server_port(const struct http_server *srv);

/* Stops accepting at once: new connections are refused (not left waiting
 * in the backlog), and every answer from now on says "Connection: close",
 * so that a load balancer's kept-alive connections are not reused; the
 * requests in flight and the open connections go on. The first step of
 * http_server_stop_within(), for a process with several servers to quiesce
 * them all before it waits for any. Accepts NULL; idempotent. */
void http_server_quiesce(struct http_server *srv);

/* Stops accepting, lets in-flight requests finish (up to 10 s), stops. */
void http_server_stop(struct http_server *srv);

/* The same within ms milliseconds (the drain of SIGTERM, bounded by
 * AGENTDESK_SHUTDOWN_S); requests still running then are cut. */
void http_server_stop_within(struct http_server *srv, unsigned ms);

void http_server_free(struct http_server *srv);

size_t http_server_route_count(const struct http_server *srv);
void http_server_route_at(const struct http_server *srv, size_t i, const char **ret_method,
                          const char **ret_pattern);

/*
 * Writes the Prometheus text (exposition format 0.0.4) of the request
 * counters and latency histograms of the n servers (a process's
 * listeners) to out: # HELP and # TYPE lines, then
 * agentdesk_http_requests_total{route,method,status} and
 * agentdesk_http_request_duration_seconds_{bucket,sum,count}{route,method}
 * per registered route, and route="unmatched" for requests no route took
 * (404, 405, 413 before routing), summed over the servers. Takes no lock:
 * the figures are relaxed atomic loads, so one scrape may be a request or
 * two out of step.
 *
 * To add its own families, a caller passes a stream it owns (typically
 * open_memstream()) and keeps writing to it after this returns; this
 * function writes whole lines only and leaves out open.
 */
void http_server_metrics_render(const struct http_server *const *servers, size_t n, FILE *out);

/* ---- requests ---------------------------------------------------------- */

struct http_server *http_request_server(const struct http_request *req);
const char *http_request_method(const struct http_request *req);
const char *http_request_path(const struct http_request *req);
/* The matched route's pattern ("unmatched" before routing). */
const char *http_request_route(const struct http_request *req);
/* A path parameter (URL-decoded: libmicrohttpd decodes the path before
 * routing, so "%2F" splits segments), NULL when the route has none. */
const char *http_request_param(const struct http_request *req, const char *name);
/* A query argument (URL-decoded), NULL when absent. */
const char *http_request_query(const struct http_request *req, const char *name);
const char *http_request_header(const struct http_request *req, const char *name);
/* The raw body, NUL-terminated (it may hold NULs itself); "" when none. */
const char *http_request_body(const struct http_request *req, size_t *ret_len);
/* The client's address as text: the TCP peer's, or, when the peer is in
 * AGENTDESK_TRUSTED_PROXIES, the address X-Forwarded-For names behind it
 * (util/forwarded.h), resolved once when the request began. What the
 * throttles, the audit rows and the access log use. "unknown" for a
 * detached request. */
const char *http_request_client_ip(const struct http_request *req);

/* Replaces the proxies whose X-Forwarded-For is believed (a CIDR list,
 * util/cidr.h; "" = none, the header is ignored), for every server of the
 * process, also while they serve. RESULT_INVALID (nothing changed) when
 * the list does not parse. */
enum result http_trusted_proxies_set(const char *list);
const char *http_request_id(const struct http_request *req);
/* Tags the request with a tenant for the access log. */
void http_request_set_tenant(struct http_request *req, int64_t tenant_id);

/* A slot for the auth layer: whatever principal it found for this request.
 * http/ never reads or frees it; it lives as long as the caller makes it
 * (at most until the handler returns is the safe rule). NULL until set. */
void http_request_set_user(struct http_request *req, void *principal);
void *http_request_user(const struct http_request *req);

/* A field of an application/x-www-form-urlencoded body (URL-decoded, the
 * first occurrence when repeated), NULL when absent. Parsed on first use. */
const char *http_request_form(struct http_request *req, const char *name);

/* Whether the request carries "Authorization: Bearer <secret>", compared
 * in constant time. false when secret is empty. */
bool http_request_bearer_is(const struct http_request *req, const char *secret);

/* HTTP basic credentials (libmicrohttpd parses them) into user and
 * password buffers; false when absent or malformed. The caller wipes. */
bool http_request_basic_auth(struct http_request *req, char *user, size_t user_size,
                             char *password, size_t password_size);

/* The body as a JSON object; on failure (not JSON, not an object, invalid
 * UTF-8, "\u0000", duplicate keys, nesting deeper than HTTP_JSON_MAX_DEPTH)
 * answers 400 invalid_json itself and returns NULL. The caller
 * json_decref()s the result. */
#define HTTP_JSON_MAX_DEPTH 64
json_t *http_request_json(struct http_request *req);

/* http_request_json() for a caller that answers in a format of its own
 * (SCIM's errors): NULL with *ret_message saying why, nothing answered. */
json_t *http_request_json_parse(const struct http_request *req, const char **ret_message);

/* How many bytes the body has (0: none, for an optional body). */
size_t http_request_body_size(const struct http_request *req);

/* ---- responses ----------------------------------------------------------- */

/* Sends body (reference stolen) as application/json. */
void http_respond_json(struct http_request *req, unsigned status, json_t *body);

/* {"success": false, "error": {"code", "message", "field"?}} */
void http_respond_error(struct http_request *req, unsigned status, const char *code,
                        const char *message, const char *field);

/*
 * Answers with the status and JSON error code of result's row in
 * util/result.c (RESULT_INVALID 400 validation_failed, RESULT_BUSY 503
 * store_unavailable, ...). message NULL picks the row's stock message;
 * field may be NULL.
 */
void http_respond_result(struct http_request *req, enum result result, const char *message,
                         const char *field);

/* Copies body. */
void http_respond_text(struct http_request *req, unsigned status, const char *content_type,
                       const char *body, size_t len);

/* Sends text (malloc'd, NUL-terminated, holding a secret), which this
 * call takes without copying it: it is wiped and freed once sent, or at
 * once when it cannot be. */
void http_respond_secret(struct http_request *req, unsigned status, const char *content_type,
                         char *text);

/* Sends len bytes of body that outlive the server (static data): not
 * copied. */
void http_respond_static(struct http_request *req, unsigned status, const char *content_type,
                         const void *body, size_t len);

/* Sends size bytes of the open file fd, which this call takes (closed
 * also when sending fails). */
void http_respond_fd(struct http_request *req, unsigned status, const char *content_type, int fd,
                     uint64_t size);

/* Sends a response without a body (304): no Content-Type. */
void http_respond_empty(struct http_request *req, unsigned status);

/* Adds a header to the response this handler is about to send (at most
 * HTTP_MAX_HEADERS; more are dropped). */
#define HTTP_MAX_HEADERS 12
void http_response_header(struct http_request *req, const char *name, const char *value);

/* ---- streamed responses (stream.c) ----------------------------------------- */

/*
 * A response whose body a producer writes while the connection is open
 * (Server-Sent Events): answers req with status and content_type now,
 * then sends what http_stream_write() queues, chunked, as the client
 * reads it. The connection is suspended while nothing is queued (no
 * worker thread waits for it; it does not time out; a client that went
 * away is noticed at the next write). At most max_queued bytes wait: a
 * write past that cuts the stream (the client reads too slowly; the
 * connection is closed) instead of waiting for the client.
 *
 * Returns the producer's handle (NULL when out of memory or req already
 * answered), which it gives back with http_stream_release() whatever
 * became of the connection. The handle is safe to use from any thread.
 * http_server_stop() ends every stream still open (after what it has
 * queued, or at once past its wait) and resumes them all before
 * stopping libmicrohttpd.
 */
struct http_stream;
struct http_stream *http_respond_stream(struct http_request *req, unsigned status,
                                        const char *content_type, size_t max_queued);

/* Queues len bytes. RESULT_OK; RESULT_TOO_BIG when they do not fit (the
 * stream is cut); RESULT_IO when the stream is over (ended, cut, or the
 * client went away). Never blocks on the client. */
enum result http_stream_write(struct http_stream *s, const void *data, size_t len);

/* Ends the body once what is queued is sent. Writes fail afterwards. */
void http_stream_end(struct http_stream *s);

/* Gives back the producer's handle (NULL is fine). */
void http_stream_release(struct http_stream *s);

/* The bytes queued in this process's streams (not yet handed to
 * libmicrohttpd). */
size_t http_streams_queued_bytes(void);

/* ---- detached requests (fuzz drivers, unit tests) ------------------------ */

/*
 * A request with a copy of body (len bytes, may hold NULs) and no
 * connection behind it, for driving the body parsers (http_request_form,
 * http_request_json) without a server: responses are recorded, not sent
 * (http_request_status), and accessors that need the connection (headers,
 * query, client address, basic auth) must not be called. NULL when out of
 * memory. Freed with http_request_detached_free() (NULL is fine).
 */
struct http_request *http_request_detached(const char *body, size_t len);
void http_request_detached_free(struct http_request *req);

/* The status of the response sent, 0 while none was. */
unsigned http_request_status(const struct http_request *req);

#endif
