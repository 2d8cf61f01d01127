/*
 * The HTTP server over libmicrohttpd (https://www.gnu.org/software/libmicrohttpd/manual/).
 *
 * One struct http_request per request, created on MHD's first access call,
 * fed the body (up to the cap) on the following calls, dispatched when the
 * upload is complete, and freed in the completion callback, which also
 * writes the access log line and the metrics. MHD runs the handlers on its
 * own worker threads (MHD_OPTION_THREAD_POOL_SIZE); handlers are
 * synchronous.
 *
 * The workers wait in poll(), not epoll: MHD_quiesce_daemon() on an epoll
 * daemon with its own threads races the workers for the listen socket and
 * can abort the process (MHD_PANIC "Failed to remove listen FD from epoll
 * set", an open defect of libmicrohttpd 0.9.75), while the poll() path
 * quiesces through the inter-thread channel. poll() measured as fast or
 * faster here (bench/run.sh).
 *
 * HTTPS (RFC 8446 through GnuTLS, which libmicrohttpd is built with):
 * the certificate and key are handed to MHD as PEM text; http_tls_check()
 * loads them first into GnuTLS itself, the same library MHD will give
 * them to, so that a bad file is named at start rather than showing up as
 * a failed handshake.
 *
 * Shutdown: MHD_quiesce_daemon() stops accepting, then we wait for the
 * requests in flight to complete before MHD_stop_daemon().
 */
#define LOG_MODULE "http"
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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
#include "util/wipe.h"

#define MAX_FORM_FIELDS 256
/* Paths up to this long are split for routing without an allocation. */
#define PATH_INLINE 256
/* Past the body cap, this much more is read and dropped so the 413 can go
 * out on a clean connection; beyond it the connection is closed. */
#define DRAIN_LIMIT (1024 * 1024)
/* Each connection's libmicrohttpd memory pool: the request line, headers
 * and the part of a body being read. libmicrohttpd zeroes all of it after
 * every request, so its default of 32 KiB cost a 32 KiB memset per
 * keep-alive request; 16 KiB still holds 8 KiB of headers (nginx's
 * default for a header line) beside a body chunk. */
#define POOL_BYTES (16 * 1024)

struct http_request {
        struct http_server *srv;
        struct MHD_Connection *con;
        const char *method;
        const char *url;
        const struct http_route *route;
        const char *params[HTTP_MAX_PARAMS];  /* into path_buf or path_copy */
        char *path_copy;                      /* when path_buf is too small */
        char path_buf[PATH_INLINE];
        char *body;
        size_t body_len, body_cap;
        size_t dropped;                       /* bytes read past the cap */
        bool too_big;
        bool no_memory;                       /* the body could not be kept */
        bool responded;
        unsigned status;
        int64_t tenant_id;
        void *user;
        struct timespec start;
        char request_id[72];
        char client_ip[INET6_ADDRSTRLEN];
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
        http_handler_fn fallback;
        void *fallback_userdata;
        struct {
                char *prefix, *name, *value;
        } prefix_headers[HTTP_MAX_PREFIX_HEADERS];
        size_t n_prefix_headers;
};

/* ---- server set-up -------------------------------------------------------- */

static int hex_digit(char c)
{
        return c >= '0' && c <= '9' ? c - '0'
             : c >= 'a' && c <= 'f' ? c - 'a' + 10
             : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                    : -1;
}

/* Unescapes %XX in a path or query argument in place, as MHD would, but
 * leaves "%00" as it is: a NUL would cut the string short, so that
 * "/agents/1%00" reached the handler as "/agents/1". */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
        char *out = s;

        (void)cls;
        (void)c;
        for (const char *in = s; *in; in++) {
                int hi, lo;
                if (*in == '%' && (hi = hex_digit(in[1])) >= 0 && (lo = hex_digit(in[2])) >= 0 &&
                    (hi | lo) != 0) {
                        *out++ = (char)(hi * 16 + lo);
                        in += 2;
                } else {
                        *out++ = *in;
                }
        }
        *out = '\0';
        return (size_t)(out - s);
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

/* Whether path is prefix or below it ("/v1" covers "/v1" and "/v1/x",
 * not "/v1x"). */
static bool path_under(const char *path, const char *prefix)
{
        size_t n = strlen(prefix);

        return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/' ||
                                                 (n && prefix[n - 1] == '/'));
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

/* ---- requests ------------------------------------------------------------- */

static double elapsed_s(const struct timespec *start)
{
        struct timespec now;

        clock_gettime(CLOCK_MONOTONIC, &now);
        return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static bool valid_request_id(const char *s)
{
        size_t n = 0;

        for (; s[n]; n++)
                if (n >= 64 || !((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
                                 (s[n] >= '0' && s[n] <= '9') || s[n] == '-' || s[n] == '_' ||
                                 s[n] == '.'))
                        return false;
        return n > 0;
}

/* "%08x%08x" of prefix and n into ret (17 bytes), without printf: it is
 * done for every request. */
static void hex_id(char *ret, uint32_t prefix, uint32_t n)
{
        static const char hex[] = "0123456789abcdef";
        uint64_t v = (uint64_t)prefix << 32 | n;

        for (int i = 15; i >= 0; i--, v >>= 4)
                ret[i] = hex[v & 15];
        ret[16] = '\0';
}

static struct http_request *request_new(struct http_server *srv, struct MHD_Connection *con,
                                        const char *method, const char *url)
{
        struct http_request *req = calloc(1, sizeof(*req));
        const char *rid, *cl;

        if (!req)
                return NULL;
        req->srv = srv;
        req->con = con;
        req->method = method;
        req->url = url;
        clock_gettime(CLOCK_MONOTONIC, &req->start);
        rid = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-Request-Id");
        if (rid && valid_request_id(rid))
                snprintf(req->request_id, sizeof(req->request_id), "%s", rid);
        else
                hex_id(req->request_id, srv->id_prefix,
                       (uint32_t)atomic_fetch_add(&srv->next_id, 1));
        cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > srv->opts.max_body_bytes)
                req->too_big = true;
        atomic_fetch_add(&srv->in_flight, 1);
        return req;
}

static void request_free(struct http_request *req)
{
        for (size_t i = 0; i < req->n_headers; i++) {
                free(req->headers[i][0]);
                free(req->headers[i][1]);
        }
        free(req->path_copy);
        free(req->form);
        free(req->form_fields);
        free(req->form_name_len);
        free(req->body);
        free(req);
}

static bool append_body(struct http_request *req, const char *data, size_t len)
{
        if (req->no_memory)
                return false;
        if (req->too_big || req->body_len + len > req->srv->opts.max_body_bytes) {
                req->too_big = true;
                return false;
        }
        if (req->body_len + len + 1 > req->body_cap) {
                size_t cap = req->body_cap ? req->body_cap : 1024;
                while (cap < req->body_len + len + 1)
                        cap *= 2;
                char *b = realloc(req->body, cap);
                if (!b) {
                        req->no_memory = true;
                        return false;
                }
                req->body = b;
                req->body_cap = cap;
        }
        memcpy(req->body + req->body_len, data, len);
        req->body_len += len;
        req->body[req->body_len] = '\0';
        return true;
}

struct http_server *http_request_server(const struct http_request *req)
{
        return req->srv;
}

const char *http_request_method(const struct http_request *req)
{
        return req->method;
}

const char *http_request_path(const struct http_request *req)
{
        return req->url;
}

const char *http_request_route(const struct http_request *req)
{
        return req->route ? req->route->pattern : "unmatched";
}

const char *http_request_param(const struct http_request *req, const char *name)
{
        if (!req->route)
                return NULL;
        for (int i = 0; i < req->route->n_params; i++)
                if (strcmp(req->route->param_names[i], name) == 0)
                        return req->params[i];
        return NULL;
}

const char *http_request_query(const struct http_request *req, const char *name)
{
        return MHD_lookup_connection_value(req->con, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_request_header(const struct http_request *req, const char *name)
{
        return MHD_lookup_connection_value(req->con, MHD_HEADER_KIND, name);
}

const char *http_request_body(const struct http_request *req, size_t *ret_len)
{
        *ret_len = req->body_len;
        return req->body ? req->body : "";
}

const char *http_request_client_ip(struct http_request *req)
{
        const union MHD_ConnectionInfo *info;

        if (req->client_ip[0])
                return req->client_ip;
        info = MHD_get_connection_info(req->con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (info && info->client_addr) {
                const struct sockaddr *sa = info->client_addr;
                if (sa->sa_family == AF_INET)
                        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
                                  req->client_ip, sizeof(req->client_ip));
                else if (sa->sa_family == AF_INET6)
                        inet_ntop(AF_INET6,
                                  &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                                  req->client_ip, sizeof(req->client_ip));
        }
        if (!req->client_ip[0])
                snprintf(req->client_ip, sizeof(req->client_ip), "unknown");
        return req->client_ip;
}

const char *http_request_id(const struct http_request *req)
{
        return req->request_id;
}

void http_request_set_tenant(struct http_request *req, int64_t tenant_id)
{
        req->tenant_id = tenant_id;
}

void http_request_set_user(struct http_request *req, void *principal)
{
        req->user = principal;
}

void *http_request_user(const struct http_request *req)
{
        return req->user;
}

struct http_request *http_request_detached(const char *body, size_t len)
{
        struct http_request *req = calloc(1, sizeof(*req));

        if (!req)
                return NULL;
        req->method = "POST";
        req->url = "/";
        req->body = malloc(len + 1);
        if (!req->body) {
                free(req);
                return NULL;
        }
        memcpy(req->body, body, len);
        req->body[len] = '\0';
        req->body_len = len;
        req->body_cap = len + 1;
        return req;
}

void http_request_detached_free(struct http_request *req)
{
        if (req)
                request_free(req);
}

unsigned http_request_status(const struct http_request *req)
{
        return req->responded ? req->status : 0;
}

/* URL-decodes s in place ('+' is a space in this encoding). */
static void form_decode(char *s)
{
        for (char *p = s; *p; p++)
                if (*p == '+')
                        *p = ' ';
        MHD_http_unescape(s);
}

/* Splits a copy of the body into name=value pairs and decodes the names
 * that need it (most of FreeSWITCH's hundred-odd names hold neither '%'
 * nor '+', and decoding leaves those as they are); a value is decoded when
 * it is first asked for (a lookup reads a handful of the fields). */
static void parse_form(struct http_request *req)
{
        char *p, *end;

        req->form_parsed = true;
        if (!req->body_len)
                return;
        req->form = malloc(req->body_len + 1);
        req->form_fields = malloc(sizeof(*req->form_fields) * MAX_FORM_FIELDS);
        req->form_name_len = malloc(sizeof(*req->form_name_len) * MAX_FORM_FIELDS);
        if (!req->form || !req->form_fields || !req->form_name_len)
                return;
        memcpy(req->form, req->body, req->body_len + 1);
        for (p = req->form; *p && req->n_form_fields < MAX_FORM_FIELDS; p = end) {
                size_t n = strcspn(p, "&="), name_len = n;
                char *value;
                bool encoded = false;

                if (*p == '&') {         /* an empty pair */
                        end = p + 1;
                        continue;
                }
                for (size_t i = 0; i < n && !encoded; i++)
                        encoded = p[i] == '%' || p[i] == '+';
                if (p[n] == '=') {
                        p[n] = '\0';
                        value = p + n + 1;
                        end = strchr(value, '&');
                        if (end)
                                *end++ = '\0';
                        else
                                end = value + strlen(value);
                } else {
                        /* A name without a value: the value is the empty
                         * string at its end. */
                        end = p + n + (p[n] == '&');
                        p[n] = '\0';
                        value = p + n;
                }
                if (encoded) {
                        form_decode(p);
                        name_len = strlen(p);
                }
                req->form_fields[req->n_form_fields][0] = p;
                req->form_fields[req->n_form_fields][1] = value;
                req->form_name_len[req->n_form_fields] = name_len;
                req->n_form_fields++;
        }
}

const char *http_request_form(struct http_request *req, const char *name)
{
        size_t len = strlen(name);

        if (!req->form_parsed)
                parse_form(req);
        for (size_t i = 0; i < req->n_form_fields; i++) {
                if (req->form_name_len[i] != len || memcmp(req->form_fields[i][0], name, len) != 0)
                        continue;
                if (!(req->form_decoded[i / 64] & (1ull << (i % 64)))) {
                        form_decode(req->form_fields[i][1]);
                        req->form_decoded[i / 64] |= 1ull << (i % 64);
                }
                return req->form_fields[i][1];
        }
        return NULL;
}

bool http_request_basic_auth(struct http_request *req, char *user, size_t user_size,
                             char *password, size_t password_size)
{
        char *pw = NULL, *name = MHD_basic_auth_get_username_password(req->con, &pw);
        bool ok = name && pw && strlen(name) < user_size && strlen(pw) < password_size;

        if (ok) {
                memcpy(user, name, strlen(name) + 1);
                memcpy(password, pw, strlen(pw) + 1);
        }
        if (pw) {
                wipe_memory(pw, strlen(pw));
                MHD_free(pw);
        }
        if (name)
                MHD_free(name);
        return ok;
}

/* Whether the brackets outside strings nest deeper than max. A malformed
 * body passes here and fails in the parser. */
static bool nests_deeper(const char *s, size_t len, int max)
{
        int depth = 0;
        bool in_string = false;

        for (size_t i = 0; i < len; i++) {
                char c = s[i];
                if (in_string) {
                        if (c == '\\')
                                i++;
                        else if (c == '"')
                                in_string = false;
                } else if (c == '"') {
                        in_string = true;
                } else if (c == '[' || c == '{') {
                        if (++depth > max)
                                return true;
                } else if (c == ']' || c == '}') {
                        depth--;
                }
        }
        return false;
}

size_t http_request_body_size(const struct http_request *req)
{
        return req->body_len;
}

json_t *http_request_json(struct http_request *req)
{
        json_error_t err;
        json_t *v;

        if (nests_deeper(req->body ? req->body : "", req->body_len, HTTP_JSON_MAX_DEPTH)) {
                http_respond_error(req, 400, "invalid_json", "the body nests too deeply", NULL);
                return NULL;
        }
        /* jansson rejects invalid UTF-8 and "\u0000" (without
         * JSON_ALLOW_NUL); a raw NUL byte in the body is a syntax error. */
        v = json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, &err);
        if (!v || !json_is_object(v)) {
                json_decref(v);
                http_respond_error(req, 400, "invalid_json",
                                   v ? "the body must be a JSON object" : "the body is not valid JSON",
                                   NULL);
                return NULL;
        }
        return v;
}

/* ---- responses ------------------------------------------------------------ */

void http_response_header(struct http_request *req, const char *name, const char *value)
{
        if (req->n_headers >= HTTP_MAX_HEADERS)
                return;
        req->headers[req->n_headers][0] = strdup(name);
        req->headers[req->n_headers][1] = strdup(value);
        req->n_headers++;
}

/* Adds the headers every response carries and queues resp (destroyed
 * here). content_type NULL: none (a body-less answer). */
static void queue(struct http_request *req, unsigned status, const char *content_type,
                  struct MHD_Response *resp)
{
        const struct http_server *srv = req->srv;

        if (content_type)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
        MHD_add_response_header(resp, "X-Request-Id", req->request_id);
        for (size_t i = 0; i < srv->n_prefix_headers; i++)
                if (path_under(req->url, srv->prefix_headers[i].prefix))
                        MHD_add_response_header(resp, srv->prefix_headers[i].name,
                                                srv->prefix_headers[i].value);
        for (size_t i = 0; i < req->n_headers; i++)
                if (req->headers[i][0] && req->headers[i][1])
                        MHD_add_response_header(resp, req->headers[i][0], req->headers[i][1]);
        if (MHD_queue_response(req->con, status, resp) == MHD_YES) {
                req->responded = true;
                req->status = status;
        }
        MHD_destroy_response(resp);
}

static void send_buffer(struct http_request *req, unsigned status, const char *content_type,
                        void *buf, size_t len, enum MHD_ResponseMemoryMode mode)
{
        struct MHD_Response *resp;

        if (req->responded) {
                if (mode == MHD_RESPMEM_MUST_FREE)
                        free(buf);
                return;
        }
        if (!req->con) {                 /* a detached request: record only */
                if (mode == MHD_RESPMEM_MUST_FREE)
                        free(buf);
                req->responded = true;
                req->status = status;
                return;
        }
        resp = MHD_create_response_from_buffer(len, buf, mode);
        if (resp)
                queue(req, status, content_type, resp);
}

void http_respond_static(struct http_request *req, unsigned status, const char *content_type,
                         const void *body, size_t len)
{
        send_buffer(req, status, content_type, (void *)body, len, MHD_RESPMEM_PERSISTENT);
}

void http_respond_fd(struct http_request *req, unsigned status, const char *content_type, int fd,
                     uint64_t size)
{
        struct MHD_Response *resp = NULL;

        if (!req->responded)
                resp = MHD_create_response_from_fd64(size, fd);
        if (!resp) {
                close(fd);
                return;
        }
        queue(req, status, content_type, resp);
}

void http_respond_empty(struct http_request *req, unsigned status)
{
        struct MHD_Response *resp;

        if (req->responded)
                return;
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        if (resp)
                queue(req, status, NULL, resp);
}

void http_respond_json(struct http_request *req, unsigned status, json_t *body)
{
        char *text = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

        json_decref(body);
        if (!text) {
                static char oom[] =
                        "{\"success\":false,\"error\":{\"code\":\"internal_error\",\"message\":\"out of memory\"}}";
                send_buffer(req, 500, "application/json", oom, sizeof(oom) - 1, MHD_RESPMEM_PERSISTENT);
                return;
        }
        send_buffer(req, status, "application/json", text, strlen(text), MHD_RESPMEM_MUST_FREE);
}

void http_respond_error(struct http_request *req, unsigned status, const char *code,
                        const char *message, const char *field)
{
        json_t *error = json_pack("{ss,ss}", "code", code, "message", message);

        if (field && error)
                json_object_set_new(error, "field", json_string(field));
        http_respond_json(req, status, json_pack("{sb,so*}", "success", 0, "error", error));
}

void http_respond_result(struct http_request *req, enum result result, const char *message,
                         const char *field)
{
        unsigned status = 500;
        const char *code = "internal_error", *stock = "internal error";

        switch (result) {
        case RESULT_INVALID:
                status = 400, code = "validation_failed", stock = "the input is not valid";
                break;
        case RESULT_WRONG_PASSWORD:
                status = 400, code = "wrong_password", stock = "the current password is wrong";
                break;
        case RESULT_UNAUTHORIZED:
                status = 401, code = "unauthorized", stock = "a valid bearer token is required";
                break;
        case RESULT_INVALID_CREDENTIALS:
                status = 401, code = "invalid_credentials", stock = "wrong email or password";
                break;
        case RESULT_FORBIDDEN:
                status = 403, code = "forbidden", stock = "your role may not do this";
                break;
        case RESULT_PASSWORD_CHANGE_REQUIRED:
                status = 403, code = "password_change_required",
                stock = "change the temporary password first";
                break;
        case RESULT_ROLE_NOT_ALLOWED:
                status = 403, code = "role_not_allowed", stock = "that role cannot be given here";
                break;
        case RESULT_NOT_FOUND:
                status = 404, code = "not_found", stock = "no such object";
                break;
        case RESULT_CONFLICT:
                status = 409, code = "conflict", stock = "conflicts with existing data";
                break;
        case RESULT_EMAIL_TAKEN:
                status = 409, code = "email_taken", stock = "this email cannot be used for a new account";
                break;
        case RESULT_POOL_EXHAUSTED:
                status = 409, code = "pool_exhausted",
                stock = "the tenant's extension pool has no free extension";
                break;
        case RESULT_POOL_OVERLAP:
                status = 409, code = "pool_overlap", stock = "the pool overlaps another tenant's pool";
                break;
        case RESULT_CLUSTER_IN_USE:
                status = 409, code = "cluster_in_use",
                stock = "tenants still belong to this cluster: move them first";
                break;
        case RESULT_INVALID_TOKEN:
                status = 400, code = "invalid_token",
                stock = "the link is not valid: it was used, replaced or has expired";
                break;
        case RESULT_MAIL_OFF:
                status = 409, code = "mail_disabled",
                stock = "mail is off on this server (AGENTDESK_SMTP_URL is not set)";
                break;
        case RESULT_SELF:
                status = 409, code = "cannot_modify_self",
                stock = "you cannot suspend, delete or change the role of yourself";
                break;
        case RESULT_TOO_BIG:
                status = 413, code = "payload_too_large", stock = "the input is larger than allowed";
                break;
        case RESULT_THROTTLED:
                status = 429, code = "too_many_attempts", stock = "too many attempts; retry later";
                break;
        case RESULT_BUSY:
        case RESULT_STORE:
        case RESULT_IO:
        case RESULT_TIMEOUT:
                /* A fault of the store, not of the input: worth a retry. */
                status = 503, code = "store_unavailable",
                stock = "the store is unavailable; retry shortly";
                break;
        default:
                break;
        }
        http_respond_error(req, status, code, message ? message : stock, field);
}

void http_respond_text(struct http_request *req, unsigned status, const char *content_type,
                       const char *body, size_t len)
{
        send_buffer(req, status, content_type, (void *)body, len, MHD_RESPMEM_MUST_COPY);
}

/* Called by libmicrohttpd when the response is gone. */
static void wipe_and_free(void *text)
{
        wipe_memory(text, strlen(text));
        free(text);
}

void http_respond_secret(struct http_request *req, unsigned status, const char *content_type,
                         char *text)
{
        struct MHD_Response *resp;

        if (req->responded || !req->con) {
                if (!req->responded && !req->con) {   /* a detached request: record only */
                        req->responded = true;
                        req->status = status;
                }
                wipe_and_free(text);
                return;
        }
        resp = MHD_create_response_from_buffer_with_free_callback(strlen(text), text, wipe_and_free);
        if (!resp) {
                wipe_and_free(text);
                return;
        }
        queue(req, status, content_type, resp);
}

/* ---- dispatch -------------------------------------------------------------- */

static void dispatch(struct http_request *req)
{
        char allow[128];
        const struct http_route *route;
        bool path_matched = false;
        size_t url_len = strlen(req->url);
        char *path = req->path_buf;

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
                req = request_new(srv, con, method, url);
                if (!req)
                        return MHD_NO;
                *con_cls = req;
                /* A declared body over the cap is refused before it is read. */
                if (req->too_big)
                        dispatch(req);
                return MHD_YES;
        }
        if (*upload_data_size) {
                /* Past the cap the rest is read and dropped, so that the
                 * 413 can still be sent on a clean connection, but only up
                 * to DRAIN_LIMIT: a client that keeps sending loses the
                 * connection instead of holding a worker. */
                if (!append_body(req, upload_data, *upload_data_size)) {
                        req->dropped += *upload_data_size;
                        if (req->dropped > DRAIN_LIMIT)
                                return MHD_NO;
                }
                *upload_data_size = 0;
                return MHD_YES;
        }
        if (!req->responded)
                dispatch(req);
        return MHD_YES;
}

/* Copies s for the log with every byte that could break or forge a line
 * (controls, space, '%', DEL, non-ASCII) percent-encoded: libmicrohttpd
 * hands us the path already decoded, so "%0A" would be a newline. Cut
 * with "..." when it does not fit. */
static const char *log_safe(const char *s, char *buf, size_t size)
{
        static const char hex[] = "0123456789ABCDEF";
        size_t n = 0;

        for (; *s; s++) {
                unsigned char c = (unsigned char)*s;
                bool plain = c > 0x20 && c < 0x7f && c != '%';
                if (n + (plain ? 1 : 3) + 4 > size) {
                        memcpy(buf + n, "...", 3);
                        n += 3;
                        break;
                }
                if (plain) {
                        buf[n++] = (char)c;
                } else {
                        buf[n++] = '%';
                        buf[n++] = hex[c >> 4];
                        buf[n++] = hex[c & 15];
                }
        }
        buf[n] = '\0';
        return buf;
}

/* Appends s at p; returns the new end. */
static char *put_text(char *p, const char *s)
{
        size_t n = strlen(s);

        memcpy(p, s, n);
        return p + n;
}

/* Appends v in decimal, with at least width digits (zeros in front);
 * returns the new end. */
static char *put_decimal(char *p, uint64_t v, int width)
{
        char digits[20];
        int n = 0;

        do {
                digits[n++] = (char)('0' + v % 10);
                v /= 10;
        } while (v || n < width);
        while (n)
                *p++ = digits[--n];
        return p;
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
        struct http_server *srv = cls;
        struct http_request *req = *con_cls;
        char method[40], path[512];
        double seconds;

        (void)con;
        (void)toe;
        if (!req)
                return;
        seconds = elapsed_s(&req->start);
        http_metrics_observe(req->route ? &srv->routes[req->route - srv->routes].metrics
                                        : &srv->unmatched,
                             req->status,
                             seconds);
        if (LOG_LEVEL_INFO <= log_threshold) {
                /* "METHOD PATH STATUS 1.234ms id=ID tenant=N|-", put
                 * together by hand: it is written for every request, and
                 * printf (its floating point above all) was a visible part
                 * of a lookup's cost. */
                uint64_t us = (uint64_t)(seconds * 1e6 + 0.5);
                char line[sizeof(method) + sizeof(path) + sizeof(req->request_id) + 96], *p = line;

                p = put_text(p, log_safe(req->method, method, sizeof(method)));
                *p++ = ' ';
                p = put_text(p, log_safe(req->url, path, sizeof(path)));
                *p++ = ' ';
                p = put_decimal(p, req->status, 1);
                *p++ = ' ';
                p = put_decimal(p, us / 1000, 1);
                *p++ = '.';
                p = put_decimal(p, us % 1000, 3);
                p = put_text(p, "ms id=");
                p = put_text(p, req->request_id);
                p = put_text(p, " tenant=");
                if (req->tenant_id > 0)          /* ids are positive; 0: none */
                        p = put_decimal(p, (uint64_t)req->tenant_id, 1);
                else
                        *p++ = '-';
                *p = '\0';
                LOG_INFO("%s", line);
        }
        request_free(req);
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

bool http_tls_supported(void)
{
        return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES;
}

enum result http_tls_check(const char *cert_pem, const char *key_pem, const char **ret_reason)
{
        gnutls_certificate_credentials_t cred = NULL;
        gnutls_x509_crt_t *crts = NULL;
        gnutls_x509_privkey_t key = NULL;
        gnutls_datum_t cert_text = { (unsigned char *)cert_pem, (unsigned)strlen(cert_pem) };
        gnutls_datum_t key_text = { (unsigned char *)key_pem, (unsigned)strlen(key_pem) };
        unsigned n_crts = 0;
        int rc;

        /* Parsed step by step: gnutls_certificate_set_x509_key_mem() leaks
         * its certificate when the PEM does not decode (GnuTLS 3.7.9). */
        *ret_reason = NULL;
        rc = gnutls_x509_crt_list_import2(&crts, &n_crts, &cert_text, GNUTLS_X509_FMT_PEM, 0);
        if (rc >= 0)
                rc = gnutls_x509_privkey_init(&key);
        if (rc >= 0)
                rc = gnutls_x509_privkey_import2(key, &key_text, GNUTLS_X509_FMT_PEM, NULL, 0);
        if (rc >= 0)
                rc = gnutls_certificate_allocate_credentials(&cred);
        if (rc >= 0)
                /* Also checks that the key is the certificate's. */
                rc = gnutls_certificate_set_x509_key(cred, crts, n_crts, key);
        if (cred)
                gnutls_certificate_free_credentials(cred);
        if (key)
                gnutls_x509_privkey_deinit(key);
        for (unsigned i = 0; i < n_crts; i++)
                gnutls_x509_crt_deinit(crts[i]);
        gnutls_free(crts);
        if (rc < 0) {
                *ret_reason = gnutls_strerror(rc);
                return RESULT_INVALID;
        }
        return RESULT_OK;
}

enum result http_server_start(struct http_server *srv)
{
        bool tls = srv->opts.tls_cert_pem && srv->opts.tls_key_pem;
        struct sockaddr_storage ss = { 0 };
        char host[256];
        unsigned port, threads = srv->opts.threads;
        unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC |
                         MHD_USE_ERROR_LOG;
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
        if (!srv || !srv->daemon)
                return;
        MHD_quiesce_daemon(srv->daemon);
        for (int i = 0; i < 1000 && atomic_load(&srv->in_flight) > 0; i++)
                usleep(10000);
        MHD_stop_daemon(srv->daemon);
        srv->daemon = NULL;
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
        free(srv->listen);
        free(srv);
}

void http_server_metrics_render(const struct http_server *srv, FILE *out)
{
        http_metrics_write_header(out);
        for (size_t i = 0; i < srv->n_routes; i++)
                http_metrics_write(out, srv->routes[i].method, srv->routes[i].pattern,
                                   &srv->routes[i].metrics);
        http_metrics_write(out, "", "unmatched", &srv->unmatched);
}
