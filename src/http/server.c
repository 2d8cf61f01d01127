/*
 * The HTTP server's lifecycle over libmicrohttpd
 * (https://www.gnu.org/software/libmicrohttpd/manual/): set-up (routes,
 * the fallback, prefix headers), start, the access handler that drives
 * each request, stop.
 *
 * One struct http_request per request (request.c), created on MHD's first
 * access call, where its header section is checked (framing.c: body
 * framing, NULs), fed the
 * body (up to the cap) on the following calls, dispatched when the upload
 * is complete, and freed in the completion callback, which also writes
 * the access log line (access_log.c) and the metrics (metrics.c). MHD runs
 * the handlers on its own worker threads (MHD_OPTION_THREAD_POOL_SIZE);
 * handlers are synchronous. The other files of http/: router.c (routes),
 * body.c (form and JSON bodies), response.c (answers), tls.c (checks of
 * the certificate and key at start).
 *
 * The workers wait in poll(), not epoll: MHD_quiesce_daemon() on an epoll
 * daemon with its own threads races the workers for the listen socket and
 * can abort the process (MHD_PANIC "Failed to remove listen FD from epoll
 * set", an open defect of libmicrohttpd 0.9.75), while the poll() path
 * quiesces through the inter-thread channel. poll() measured as fast or
 * faster here (bench/run.sh).
 *
 * A request answered before its body was read (413, or a framing fault)
 * is closed by linger.c, which drains what the client still sends for a
 * while, so that the client reads the answer instead of a reset.
 *
 * Streamed responses (stream.c) suspend their connection while they
 * have nothing to send (MHD_ALLOW_SUSPEND_RESUME).
 *
 * Shutdown: MHD_quiesce_daemon() stops accepting (the connections
 * already waiting to be accepted are handed to MHD, then shutdown() of the
 * listen socket refuses new ones), answers close their
 * connections from then on, every stream is ended and resumed, then we
 * wait for the requests in flight to complete before MHD_stop_daemon().
 */
#define LOG_MODULE "http"
#include "http/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/internal.h"
#include "util/config.h"
#include "util/log.h"

/* Each connection's libmicrohttpd memory pool: the request line, headers
 * and the part of a body being read. libmicrohttpd zeroes all of it after
 * every request, so its default of 32 KiB cost a 32 KiB memset per
 * keep-alive request; 16 KiB still holds 8 KiB of headers (nginx's
 * default for a header line) beside a body chunk. */
#define POOL_BYTES (16 * 1024)

/* See http_server_stop_within(). */
#define DRAIN_QUIET_MS 100

/* ---- server set-up -------------------------------------------------------- */

/* MHD's unescape callback for the path and query arguments. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
        (void)cls;
        (void)c;
        return http_unescape(s);
}

enum result http_server_new(const struct http_server_options *opts, struct http_server **ret_server)
{
        struct http_server *srv = calloc(1, sizeof(*srv));

        if (!srv)
                return RESULT_NOMEM;
        srv->opts = *opts;
        srv->listen = strdup(opts->listen ? opts->listen : "127.0.0.1:8080");
        if (!srv->listen || sodium_init() < 0) {
                free(srv->listen);
                free(srv);
                return RESULT_NOMEM;
        }
        srv->opts.listen = srv->listen;
        srv->id_prefix = randombytes_random();
        srv->quiesced_fd = -1;
        pthread_mutex_init(&srv->streams_lock, NULL);
        *ret_server = srv;
        return RESULT_OK;
}

enum result http_server_route(struct http_server *srv, const char *method, const char *pattern,
                              http_handler_fn fn, void *userdata)
{
        struct http_route *r;

        if (srv->n_routes >= HTTP_MAX_ROUTES)
                return RESULT_TOO_BIG;
        r = &srv->routes[srv->n_routes];
        memset(r, 0, sizeof(*r));
        if (http_route_compile(r, method, pattern) != RESULT_OK)
                return RESULT_INVALID;
        r->fn = fn;
        r->userdata = userdata;
        srv->n_routes++;
        return RESULT_OK;
}

enum result http_server_fallback(struct http_server *srv, http_handler_fn fn, void *userdata)
{
        srv->fallback = fn;
        srv->fallback_userdata = userdata;
        return RESULT_OK;
}

enum result http_server_body_limit(struct http_server *srv, const char *method, const char *path,
                                   size_t max_bytes)
{
        size_t i = srv->n_body_limits;

        if (i >= HTTP_MAX_BODY_LIMITS)
                return RESULT_TOO_BIG;
        srv->body_limits[i].method = strdup(method);
        srv->body_limits[i].path = strdup(path);
        if (!srv->body_limits[i].method || !srv->body_limits[i].path) {
                free(srv->body_limits[i].method);
                free(srv->body_limits[i].path);
                return RESULT_NOMEM;
        }
        srv->body_limits[i].max_bytes = max_bytes;
        srv->n_body_limits++;
        return RESULT_OK;
}

enum result http_server_prefix_header(struct http_server *srv, const char *prefix,
                                      const char *name, const char *value)
{
        size_t i = srv->n_prefix_headers;

        if (i >= HTTP_MAX_PREFIX_HEADERS)
                return RESULT_TOO_BIG;
        srv->prefix_headers[i].prefix = strdup(prefix);
        srv->prefix_headers[i].name = strdup(name);
        srv->prefix_headers[i].value = strdup(value);
        if (!srv->prefix_headers[i].prefix || !srv->prefix_headers[i].name ||
            !srv->prefix_headers[i].value) {
                free(srv->prefix_headers[i].prefix);
                free(srv->prefix_headers[i].name);
                free(srv->prefix_headers[i].value);
                return RESULT_NOMEM;
        }
        srv->n_prefix_headers++;
        return RESULT_OK;
}

size_t http_server_route_count(const struct http_server *srv)
{
        return srv->n_routes;
}

void http_server_route_at(const struct http_server *srv, size_t i, const char **ret_method,
                          const char **ret_pattern)
{
        *ret_method = srv->routes[i].method;
        *ret_pattern = srv->routes[i].pattern;
}

unsigned http_server_port(const struct http_server *srv)
{
        return srv->port;
}

static double elapsed_s(const struct timespec *start)
{
        struct timespec now;

        clock_gettime(CLOCK_MONOTONIC, &now);
        return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* ---- dispatch -------------------------------------------------------------- */

static void dispatch(struct http_request *req)
{
        char allow[128];
        const struct http_route *route;
        bool path_matched = false;
        size_t url_len = strlen(req->url);
        char *path = req->path_buf;

        if (req->bad_framing) {
                /* Early, before any body: MHD then closes the connection
                 * after the answer instead of reading what follows. */
                http_response_header(req, "Connection", "close");
                if (req->bad_framing_status == 411)
                        http_respond_error(req, 411, "length_required", req->bad_framing, NULL);
                else
                        http_respond_error(req, 400, "bad_request", req->bad_framing, NULL);
                return;
        }
        if (req->too_big) {
                http_respond_error(req, 413, "payload_too_large",
                                   "the request body is larger than the server accepts", NULL);
                return;
        }
        if (req->no_memory) {
                http_respond_error(req, 500, "internal_error", "out of memory", NULL);
                return;
        }
        if (url_len >= sizeof(req->path_buf)) {
                path = req->path_copy = strdup(req->url);
                if (!path) {
                        http_respond_error(req, 500, "internal_error", "out of memory", NULL);
                        return;
                }
        } else {
                memcpy(path, req->url, url_len + 1);
        }
        route = http_route_match(req->srv->routes, req->srv->n_routes, req->method, path,
                                 req->params, &path_matched, allow, sizeof(allow));
        if (!route) {
                if (path_matched) {
                        http_response_header(req, "Allow", allow);
                        http_respond_error(req, 405, "method_not_allowed",
                                           "that method is not allowed on this path", NULL);
                } else if (req->srv->fallback) {
                        req->srv->fallback(req, req->srv->fallback_userdata);
                        if (!req->responded)
                                http_respond_error(req, 500, "internal_error",
                                                   "the handler sent no response", NULL);
                } else {
                        http_respond_error(req, 404, "not_found", "no such route", NULL);
                }
                return;
        }
        req->route = route;
        route->fn(req, route->userdata);
        if (!req->responded)
                http_respond_error(req, 500, "internal_error", "the handler sent no response", NULL);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
        struct http_server *srv = cls;
        struct http_request *req = *con_cls;

        (void)version;
        if (!req) {
                req = http_request_new(srv, con, method, url);
                if (!req)
                        return MHD_NO;
                *con_cls = req;
                if (atomic_load(&srv->draining))
                        atomic_store(&srv->used_while_draining, true);
                req->bad_framing = http_framing_check(con, &req->bad_framing_status);
                /* A request framed two ways, and a declared body over the
                 * cap, are refused before the body is read. */
                if (req->bad_framing || req->too_big)
                        dispatch(req);
                return MHD_YES;
        }
        if (*upload_data_size) {
                /* Every body has a Content-Length within the cap (larger
                 * ones and chunked ones were refused on the first call),
                 * so this fails only out of memory, answered 500 once
                 * the body is in. */
                (void)http_request_append_body(req, upload_data, *upload_data_size);
                *upload_data_size = 0;
                return MHD_YES;
        }
        if (!req->responded)
                dispatch(req);
        return MHD_YES;
}
static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
        struct http_server *srv = cls;
        struct http_request *req = *con_cls;
        double seconds;

        if (!req)
                return;
        if ((req->too_big || req->bad_framing) && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK) {
                const union MHD_ConnectionInfo *info =
                        MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
                if (info)
                        http_linger_add(srv->linger, info->connect_fd);
        }
        seconds = elapsed_s(&req->start);
        http_metrics_observe(req->route ? &srv->routes[req->route - srv->routes].metrics
                                        : &srv->unmatched,
                             req->status,
                             seconds);
        http_access_log(req, seconds);
        http_request_free(req);
        *con_cls = NULL;
        atomic_fetch_sub(&srv->in_flight, 1);
}


/* libmicrohttpd's own messages. While the daemon starts they explain a
 * start failure ("Failed to bind to port 8080: Address already in use")
 * and are errors; once it runs they are about clients (resets, limits),
 * which the access log already covers, so they are debug lines. */
static void on_mhd_message(void *cls, const char *fmt, va_list ap)
{
        struct http_server *srv = cls;
        enum log_level level = atomic_load(&srv->starting) ? LOG_LEVEL_ERROR : LOG_LEVEL_DEBUG;
        char text[512];
        size_t n;

        if (level > log_threshold)
                return;
        vsnprintf(text, sizeof(text), fmt, ap);
        n = strlen(text);
        while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
                text[--n] = '\0';
        log_write(level, LOG_MODULE, "%s: %s", srv->listen, text);
}

enum result http_server_start(struct http_server *srv)
{
        bool tls = srv->opts.tls_cert_pem && srv->opts.tls_key_pem;
        struct sockaddr_storage ss = { 0 };
        char host[256];
        unsigned port, threads = srv->opts.threads;
        /* ITC: a resumed stream (stream.c) is picked up at once. */
        unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC |
                         MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
        const union MHD_DaemonInfo *info;

        if (!config_split_host_port(srv->listen, host, sizeof(host), &port)) {
                LOG_ERR("%s: not HOST:PORT or [V6]:PORT", srv->listen);
                return RESULT_INVALID;
        }
        if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
                struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
                sin->sin_family = AF_INET;
                sin->sin_port = htons((uint16_t)port);
        } else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
                struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
                sin6->sin6_family = AF_INET6;
                sin6->sin6_port = htons((uint16_t)port);
                flags |= MHD_USE_IPv6;
        } else if (strcmp(host, "localhost") == 0) {
                struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
                sin->sin_family = AF_INET;
                sin->sin_port = htons((uint16_t)port);
                sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        } else {
                LOG_ERR("%s: the host must be a numeric address or localhost", srv->listen);
                return RESULT_INVALID;
        }
        if (threads == 0) {
                long n = sysconf(_SC_NPROCESSORS_ONLN);
                threads = n > 0 ? (unsigned)n : 1;
        }
        /* A pool of one is warned about by libmicrohttpd: it means none,
         * so the option is left out (MHD_OPTION_END ends the array). */
        struct MHD_OptionItem pool[] = {
                { threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, threads, NULL },
                { MHD_OPTION_END, 0, NULL },
        };
        struct MHD_OptionItem https[] = {
                { tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)srv->opts.tls_cert_pem },
                { MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)srv->opts.tls_key_pem },
                { MHD_OPTION_END, 0, NULL },
        };

        /* Turbo, with poll() and libmicrohttpd 0.9.75, only leaves out
         * the shutdown(SHUT_WR) before each close(), a system call per
         * connection that close() makes needless; with TLS it would also
         * leave out the TLS close, so TLS goes without. */
        if (tls)
                flags |= MHD_USE_TLS;
        else
                flags |= MHD_USE_TURBO;
        atomic_store(&srv->starting, true);
        srv->daemon = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, srv,
                                       MHD_OPTION_EXTERNAL_LOGGER, on_mhd_message, srv,
                                       MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                                       MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
                                       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                                       MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)POOL_BYTES,
                                       MHD_OPTION_CONNECTION_LIMIT, (unsigned)8192,
                                       MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
                                       MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
                                       MHD_OPTION_ARRAY, pool,
                                       MHD_OPTION_ARRAY, https,
                                       MHD_OPTION_END);
        atomic_store(&srv->starting, false);
        if (!srv->daemon) {
                LOG_ERR("%s: cannot listen (address in use or unavailable)", srv->listen);
                return RESULT_IO;
        }
        srv->linger = http_linger_new();
        if (!srv->linger)
                LOG_WARN("%s: no lingering close (out of threads or files): early answers may be "
                         "lost to a reset", srv->listen);
        info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
        srv->port = info ? info->port : port;
        /* A connection is handed over once its first bytes are there
         * (TCP_DEFER_ACCEPT, nginx's "listen ... deferred"), so a worker
         * wakes once per new connection instead of twice: to accept,
         * then to read. Clients speak first in HTTP and TLS; one that
         * does not is still accepted after the wait. Only a speed-up:
         * a failure changes nothing else. */
        info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_LISTEN_FD);
        if (info) {
                int wait_s = 5;
                (void)setsockopt(info->listen_fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &wait_s,
                                 sizeof(wait_s));
        }
        return RESULT_OK;
}

void http_server_stop(struct http_server *srv)
{
        http_server_stop_within(srv, 10000);
}

/* The connections the kernel has completed but MHD has not accepted yet
 * (under load the accept queue holds many: the workers accept between
 * requests) would be reset when the socket stops listening, their
 * requests unanswered: MHD is handed them first, so the drain answers
 * them too. */
static void take_backlog(struct http_server *srv, MHD_socket fd)
{
        for (int n = 0; n < 4096; n++) {
                struct pollfd pfd = { .fd = fd, .events = POLLIN };
                struct sockaddr_storage addr;
                socklen_t len = sizeof(addr);
                int c;

                /* poll() first: the socket may be a blocking one. */
                if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLIN))
                        return;
                c = accept4(fd, (struct sockaddr *)&addr, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (c < 0)
                        return;
                /* On failure MHD has closed it (a reset, as before). */
                (void)MHD_add_connection(srv->daemon, c, (struct sockaddr *)&addr, len);
        }
}

void http_server_quiesce(struct http_server *srv)
{
        MHD_socket fd;

        if (!srv || !srv->daemon || atomic_exchange(&srv->draining, true))
                return;
        fd = MHD_quiesce_daemon(srv->daemon);
        if (fd == MHD_INVALID_SOCKET)
                return;
        /* MHD's threads may still hold the socket until MHD_stop_daemon()
         * (its manual: close it only after), and while it stays open the
         * kernel goes on completing handshakes into the backlog, where a
         * load balancer's new connections would wait out the whole drain
         * and then be reset. shutdown() of a listening socket (Linux)
         * stops it listening: new connections are refused at once, and a
         * load balancer sends them to another node. */
        take_backlog(srv, fd);
        (void)shutdown(fd, SHUT_RD);
        srv->quiesced_fd = fd;
}

void http_server_stop_within(struct http_server *srv, unsigned ms)
{
        if (!srv || !srv->daemon)
                return;
        http_server_quiesce(srv);
        /* Streams end after what they have queued (their producers have
         * usually said goodbye already); ordinary requests get up to ms,
         * a stream whose client does not read 1 s, then it is cut. None
         * may be suspended when MHD stops. */
        for (unsigned i = 0, quiet = 0; i < ms / 10; i++) {
                size_t streams;

                if (atomic_load(&srv->in_flight) == 0) {
                        /* Requests came during the drain on kept-alive
                         * connections (a load balancer's pool): others
                         * may be on their way on connections still open,
                         * which the stop would cut unanswered. The stop
                         * waits until none has come for DRAIN_QUIET_MS. */
                        if (!atomic_load(&srv->used_while_draining) ||
                            ++quiet >= DRAIN_QUIET_MS / 10)
                                break;
                        usleep(10000);
                        continue;
                }
                quiet = 0;
                streams = http_streams_end_all(srv, i >= 100);
                if (i >= 100 && (size_t)atomic_load(&srv->in_flight) <= streams)
                        break;
                usleep(10000);
        }
        http_streams_end_all(srv, true);
        MHD_stop_daemon(srv->daemon);
        srv->daemon = NULL;
        if (srv->quiesced_fd >= 0)
                close(srv->quiesced_fd);
        srv->quiesced_fd = -1;
        http_linger_free(srv->linger);
        srv->linger = NULL;
}

void http_server_free(struct http_server *srv)
{
        if (!srv)
                return;
        http_server_stop(srv);
        for (size_t i = 0; i < srv->n_routes; i++)
                http_route_free(&srv->routes[i]);
        for (size_t i = 0; i < srv->n_prefix_headers; i++) {
                free(srv->prefix_headers[i].prefix);
                free(srv->prefix_headers[i].name);
                free(srv->prefix_headers[i].value);
        }
        for (size_t i = 0; i < srv->n_body_limits; i++) {
                free(srv->body_limits[i].method);
                free(srv->body_limits[i].path);
        }
        free(srv->listen);
        pthread_mutex_destroy(&srv->streams_lock);
        free(srv);
}

void http_server_metrics_render(const struct http_server *const *servers, size_t n, FILE *out)
{
        struct http_route_metrics unmatched;

        memset(&unmatched, 0, sizeof(unmatched));
        for (size_t s = 0; s < n; s++)
                http_metrics_add(&unmatched, &servers[s]->unmatched);
        for (int f = HTTP_METRICS_REQUESTS; f <= HTTP_METRICS_DURATION; f++) {
                http_metrics_write_header(out, f);
                for (size_t s = 0; s < n; s++)
                        for (size_t i = 0; i < servers[s]->n_routes; i++)
                                http_metrics_write(out, f, servers[s]->routes[i].method,
                                                   servers[s]->routes[i].pattern,
                                                   &servers[s]->routes[i].metrics);
                http_metrics_write(out, f, "", "unmatched", &unmatched);
        }
}
