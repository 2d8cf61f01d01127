/*
 * Outbound HTTP(S), for whatever agentdesk asks of other servers (single
 * sign-on's token and key endpoints, webhooks): one request at a time over
 * libcurl, with the rules such requests need written once.
 *
 *   - TLS verified: the peer's chain against the system's CAs (or a CA
 *     file) and its name, TLS 1.2 at least.
 *   - Only http:// and https://, no redirect followed (a redirect is an
 *     answer like any other; the caller decides), no proxy from the
 *     environment.
 *   - Bounded: a connect timeout, a timeout of the whole exchange, a cap on
 *     the response body.
 *   - SSRF rules (OWASP "Server-Side Request Forgery Prevention"): the
 *     address actually connected to, after name resolution, must be a
 *     public one: loopback, private, link-local (169.254.169.254, the
 *     clouds' metadata service), shared, multicast and reserved ranges are
 *     refused, so a name that resolves to one (or is re-pointed to one
 *     between two lookups) reaches nothing. Tests that talk to a server on
 *     127.0.0.1 say so with allow_private.
 *
 * Thread-safe: each call has its own handle; net_http_global_init() once
 * per process before threads send (as mail's smtp does for libcurl).
 */
#ifndef AGENTDESK_NET_HTTP_CLIENT_H
#define AGENTDESK_NET_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/result.h"

struct net_http_options {
        unsigned connect_timeout_ms;  /* 0: 5 s */
        unsigned timeout_ms;          /* the whole exchange; 0: 15 s */
        size_t max_response_bytes;    /* 0: 1 MiB */
        const char *ca_file;          /* NULL: the system's CA store */
        bool allow_private;           /* tests only: loopback and private targets allowed */
};

struct net_http_request {
        const char *method;           /* "GET", "POST", ... */
        const char *url;              /* http:// or https:// */
        const char *const *headers;   /* "Name: value" lines, NULL-terminated; may be NULL */
        const char *body;             /* may be NULL */
        size_t body_len;
};

struct net_http_response {
        long status;                  /* the HTTP status */
        char *body;                   /* NUL-terminated (may hold NULs); owned, net_http_response_free() */
        size_t body_len;
        char *content_type;           /* owned; "" when none */
};

/* Once per process, before any thread sends. */
enum result net_http_global_init(void);

/*
 * Sends req and reads the answer into ret_response (any status counts as
 * an answer). On failure ret_response is untouched and the result says
 * why: RESULT_INVALID (not an http(s) URL, or malformed), RESULT_FORBIDDEN
 * (every address of the host is one the SSRF rules refuse), RESULT_TIMEOUT,
 * RESULT_TOO_BIG (the body is over max_response_bytes), RESULT_PROTOCOL
 * (TLS: the peer's certificate does not verify, or the handshake failed;
 * or not HTTP), RESULT_IO (no connection: refused, unreachable, name not
 * found), RESULT_NOMEM.
 */
enum result net_http_send(const struct net_http_options *opts, const struct net_http_request *req,
                          struct net_http_response *ret_response);

/* Whether url is one net_http_send may be given: an absolute http:// or
 * https:// URL with a host, no user name or password in it (they would
 * travel into logs), no fragment, at most max_len bytes. */
bool net_http_url_valid(const char *url, size_t max_len);

/* Frees what a response holds (not the struct). NULL is fine. */
void net_http_response_free(struct net_http_response *response);

/* Whether the SSRF rules let a request reach the numeric address ip (IPv4
 * or IPv6 text): false for loopback, private, link-local, shared (CGNAT),
 * multicast, reserved and documentation ranges, and for IPv6 forms that
 * carry an IPv4 address (mapped, NAT64, 6to4) or are not global unicast. */
bool net_address_public(const char *ip);

/* prefix followed by pairs (name, value, name, value, …, NULL) as
 * application/x-www-form-urlencoded text (each percent-encoded), for a
 * form body (prefix "") or a URL's query (prefix "https://…?"). Owned by
 * the caller (free()); NULL when out of memory. An odd count is a
 * programmer's mistake. */
char *net_form_encode(const char *prefix, const char *const *pairs);

#endif
