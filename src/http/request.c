/*
 * One request's record: made on libmicrohttpd's first access call (its
 * request id, the declared body size checked against the cap), the body
 * kept up to the cap, and the accessors handlers read it through (method,
 * path, route parameters, query, headers, client address, basic
 * credentials). Detached requests (no connection) let the fuzz drivers and
 * unit tests drive the body parsers without a server.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "http/internal.h"
#include "util/buf.h"
#include "util/cidr.h"
#include "util/forwarded.h"
#include "util/wipe.h"

/* AGENTDESK_TRUSTED_PROXIES, parsed: one list for every server of the
 * process; SIGHUP may replace it while requests read it
 * (http_trusted_proxies_set). */
static struct cidr_shared trusted_proxies = CIDR_SHARED_INIT;

enum result http_trusted_proxies_set(const char *list)
{
        return cidr_shared_set(&trusted_proxies, list) ? RESULT_OK : RESULT_INVALID;
}

static int hex_digit(char c)
{
        return c >= '0' && c <= '9' ? c - '0'
             : c >= 'a' && c <= 'f' ? c - 'a' + 10
             : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                    : -1;
}

size_t http_unescape(char *s)
{
        char *out = s;

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

struct forwarded_for {
        const char *value;               /* the first X-Forwarded-For; NULL: none */
        unsigned n;                      /* how many came */
};

static enum MHD_Result one_forwarded_for(void *cls, enum MHD_ValueKind kind, const char *key,
                                         const char *value)
{
        struct forwarded_for *f = cls;

        (void)kind;
        if (strcasecmp(key, "X-Forwarded-For") == 0) {
                if (f->n++ == 0)
                        f->value = value ? value : "";
        }
        return MHD_YES;
}

/* The peer's address, and the client's: the peer, or when the peer is a
 * trusted proxy the one X-Forwarded-For names (util/forwarded.h). */
static void resolve_addresses(struct http_request *req)
{
        const union MHD_ConnectionInfo *info =
                MHD_get_connection_info(req->con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        struct forwarded_for f = { 0 };
        struct cidr_list trusted;

        if (info && info->client_addr) {
                const struct sockaddr *sa = info->client_addr;
                if (sa->sa_family == AF_INET)
                        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
                                  req->peer_ip, sizeof(req->peer_ip));
                else if (sa->sa_family == AF_INET6)
                        inet_ntop(AF_INET6,
                                  &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                                  req->peer_ip, sizeof(req->peer_ip));
        }
        if (!req->peer_ip[0])
                snprintf(req->peer_ip, sizeof(req->peer_ip), "unknown");
        cidr_shared_get(&trusted_proxies, &trusted);
        if (trusted.n > 0 && cidr_list_contains(&trusted, req->peer_ip)) {
                MHD_get_connection_values(req->con, MHD_HEADER_KIND, one_forwarded_for, &f);
                forwarded_client(&trusted, req->peer_ip, f.value, f.n > 1, req->client_ip);
        }
        if (!req->client_ip[0])
                memcpy(req->client_ip, req->peer_ip, sizeof(req->client_ip));
}

struct http_request *http_request_new(struct http_server *srv, struct MHD_Connection *con,
                                      const char *method, const char *url)
{
        struct http_request *req = calloc(1, sizeof(*req));
        size_t max_body = srv->opts.max_body_bytes;
        const char *rid, *cl;

        if (!req)
                return NULL;
        req->srv = srv;
        for (size_t i = 0; i < srv->n_body_limits; i++)
                if (!strcmp(srv->body_limits[i].method, method) &&
                    !strcmp(srv->body_limits[i].path, url))
                        max_body = srv->body_limits[i].max_bytes;
        buf_init(&req->body, max_body);
        req->con = con;
        req->method = method;
        req->url = url;
        clock_gettime(CLOCK_MONOTONIC, &req->start);
        resolve_addresses(req);
        rid = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-Request-Id");
        if (rid && valid_request_id(rid))
                snprintf(req->request_id, sizeof(req->request_id), "%s", rid);
        else
                hex_id(req->request_id, srv->id_prefix,
                       (uint32_t)atomic_fetch_add(&srv->next_id, 1));
        cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > max_body)
                req->too_big = true;
        atomic_fetch_add(&srv->in_flight, 1);
        return req;
}

void http_request_free(struct http_request *req)
{
        for (size_t i = 0; i < req->n_headers; i++) {
                free(req->headers[i][0]);
                free(req->headers[i][1]);
        }
        free(req->path_copy);
        free(req->form);
        free(req->form_fields);
        free(req->form_name_len);
        buf_free(&req->body);
        free(req);
}

bool http_request_append_body(struct http_request *req, const char *data, size_t len)
{
        enum result result;

        if (req->no_memory || req->too_big)
                return false;
        result = buf_append(&req->body, data, len);
        req->too_big = result == RESULT_TOO_BIG;
        req->no_memory = result == RESULT_NOMEM;
        return result == RESULT_OK;
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
        *ret_len = req->body.len;
        return req->body.data ? req->body.data : "";
}

const char *http_request_client_ip(const struct http_request *req)
{
        return req->client_ip[0] ? req->client_ip : "unknown";
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
        buf_init(&req->body, len);
        if (buf_append(&req->body, body, len) != RESULT_OK) {
                free(req);
                return NULL;
        }
        return req;
}

void http_request_detached_free(struct http_request *req)
{
        if (req)
                http_request_free(req);
}

unsigned http_request_status(const struct http_request *req)
{
        return req->responded ? req->status : 0;
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

bool http_request_bearer_is(const struct http_request *req, const char *secret)
{
        const char *auth = http_request_header(req, "Authorization");
        size_t n = strlen(secret);

        if (!n || !auth || strncasecmp(auth, "Bearer ", 7) != 0)
                return false;
        auth += 7;
        /* The length may show; the bytes may not. */
        return strlen(auth) == n && sodium_memcmp(auth, secret, n) == 0;
}
