/*
 * Unit tests of net/: the outbound client against a real server on
 * 127.0.0.1 (agentdesk's own http/, port 0), which the tests reach only by
 * saying so (allow_private); without it the SSRF rules refuse loopback
 * before a connection is made. Also: the response-size cap, the timeout,
 * only http(s), TLS verified (a self-signed certificate made with the
 * openssl command is refused, then trusted through ca_file), and the
 * address rules on their own.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "http/http.h"
#include "net/http_client.h"

static atomic_int served;
static char big[4096];

static void h_small(struct http_request *req, void *userdata)
{
        (void)userdata;
        served++;
        http_respond_text(req, 200, "text/plain", "hello", 5);
}

/* Answers "METHOD X-Test BODY". */
static void h_echo(struct http_request *req, void *userdata)
{
        size_t len;
        const char *body = http_request_body(req, &len), *x = http_request_header(req, "X-Test");
        char out[256];
        int n;

        (void)userdata;
        served++;
        n = snprintf(out, sizeof(out), "%s %s %.*s", http_request_method(req), x ? x : "-",
                     (int)len, body);
        http_respond_text(req, 201, "text/plain", out, (size_t)n);
}

static void h_big(struct http_request *req, void *userdata)
{
        (void)userdata;
        served++;
        http_respond_static(req, 200, "application/octet-stream", big, sizeof(big));
}

static void h_slow(struct http_request *req, void *userdata)
{
        (void)userdata;
        served++;
        usleep(1500 * 1000);
        http_respond_text(req, 200, "text/plain", "late", 4);
}

static struct http_server *serve(const char *cert, const char *key)
{
        struct http_server_options o = { .listen = "127.0.0.1:0", .threads = 2,
                                         .max_body_bytes = 4096, .tls_cert_pem = cert,
                                         .tls_key_pem = key };
        struct http_server *srv = NULL;

        CHECK_INT_EQ(http_server_new(&o, &srv), RESULT_OK);
        CHECK_INT_EQ(http_server_route(srv, "GET", "/small", h_small, NULL), RESULT_OK);
        CHECK_INT_EQ(http_server_route(srv, "POST", "/echo", h_echo, NULL), RESULT_OK);
        CHECK_INT_EQ(http_server_route(srv, "GET", "/big", h_big, NULL), RESULT_OK);
        CHECK_INT_EQ(http_server_route(srv, "GET", "/slow", h_slow, NULL), RESULT_OK);
        CHECK_INT_EQ(http_server_start(srv), RESULT_OK);
        return srv;
}

static enum result get(const struct net_http_options *o, const char *url,
                       struct net_http_response *ret)
{
        struct net_http_request req = { .method = "GET", .url = url };

        memset(ret, 0, sizeof(*ret));
        return net_http_send(o, &req, ret);
}

/* net_address_public classifies text: no address here is ever connected
 * to (the private, loopback and reserved ones are what it must refuse). */
static void test_addresses(void)
{
        static const char *const refused[] = {
                "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255",
                "::1", "::", "fe80::1", "fc00::1", "fd12::1", "ff02::1", "::ffff:127.0.0.1",
                "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:a00:1::1", "2001:db8::1", "not an ip",
        };
        static const char *const allowed[] = {
                "8.8.8.8", "1.1.1.1", "172.32.0.1", "::ffff:8.8.8.8", "2606:4700:4700::1111",
                "2a00:1450:4001::1",
        };

        for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
                if (net_address_public(refused[i]))
                        CHECK(!"public" && refused[i]);
        for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
                if (!net_address_public(allowed[i]))
                        CHECK(!"not public" && allowed[i]);
}

/* What a webhook endpoint's URL may be (net_http_url_valid). */
static void test_urls(void)
{
        static const char *const good[] = {
                "https://hooks.example.com/agentdesk", "http://127.0.0.1:8080/x?a=1",
                "HTTPS://Example.com", "http://[::1]:9/h",
        };
        static const char *const bad[] = {
                "", "ftp://example.com/", "example.com/x", "http:///x", "http://", "https:\\\\x/",
                "http://user:pw@example.com/", "http://user@example.com/",
                "http://example.com/#frag", "http://exa mple.com/", "http://example.com/\n",
                "javascript:alert(1)", "file:///etc/passwd",
        };
        char longest[600];

        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
                if (!net_http_url_valid(good[i], 500))
                        CHECK(!"refused" && good[i]);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (net_http_url_valid(bad[i], 500))
                        CHECK(!"accepted" && bad[i]);
        snprintf(longest, sizeof(longest), "https://example.com/%0*d", 500, 0);
        CHECK(!net_http_url_valid(longest, 500));
        CHECK(!net_http_url_valid(NULL, 500));
}

static void test_plain(unsigned port)
{
        struct net_http_options strict = { 0 }, local = { .allow_private = true };
        struct net_http_response r;
        char url[128];
        const char *headers[] = { "X-Test: yes", NULL };
        struct net_http_request post = { .method = "POST", .url = url, .headers = headers,
                                         .body = "a=1", .body_len = 3 };

        /* Loopback, by address and by name: refused before connecting. */
        snprintf(url, sizeof(url), "http://127.0.0.1:%u/small", port);
        CHECK_INT_EQ(get(&strict, url, &r), RESULT_FORBIDDEN);
        snprintf(url, sizeof(url), "http://localhost:%u/small", port);
        CHECK_INT_EQ(get(&strict, url, &r), RESULT_FORBIDDEN);
        CHECK_INT_EQ(served, 0);

        snprintf(url, sizeof(url), "http://127.0.0.1:%u/small", port);
        CHECK_INT_EQ(get(&local, url, &r), RESULT_OK);
        CHECK_INT_EQ(r.status, 200);
        CHECK_INT_EQ(r.body_len, 5);
        CHECK_STR_EQ(r.body, "hello");
        CHECK_STR_EQ(r.content_type, "text/plain");
        net_http_response_free(&r);
        CHECK_INT_EQ(served, 1);

        snprintf(url, sizeof(url), "http://127.0.0.1:%u/echo", port);
        memset(&r, 0, sizeof(r));
        CHECK_INT_EQ(net_http_send(&local, &post, &r), RESULT_OK);
        CHECK_INT_EQ(r.status, 201);
        CHECK_STR_EQ(r.body, "POST yes a=1");
        net_http_response_free(&r);

        /* A status is an answer. */
        snprintf(url, sizeof(url), "http://127.0.0.1:%u/none", port);
        CHECK_INT_EQ(get(&local, url, &r), RESULT_OK);
        CHECK_INT_EQ(r.status, 404);
        net_http_response_free(&r);

        /* The cap: at it, fine; under it, refused. */
        snprintf(url, sizeof(url), "http://127.0.0.1:%u/big", port);
        local.max_response_bytes = sizeof(big);
        CHECK_INT_EQ(get(&local, url, &r), RESULT_OK);
        CHECK_INT_EQ(r.body_len, sizeof(big));
        net_http_response_free(&r);
        local.max_response_bytes = sizeof(big) - 1;
        CHECK_INT_EQ(get(&local, url, &r), RESULT_TOO_BIG);
        local.max_response_bytes = 0;

        snprintf(url, sizeof(url), "http://127.0.0.1:%u/slow", port);
        local.timeout_ms = 300;
        CHECK_INT_EQ(get(&local, url, &r), RESULT_TIMEOUT);
        local.timeout_ms = 0;

        /* Only http and https. */
        CHECK_INT_EQ(get(&local, "file:///etc/passwd", &r), RESULT_INVALID);
        snprintf(url, sizeof(url), "ftp://127.0.0.1:%u/", port);
        CHECK_INT_EQ(get(&local, url, &r), RESULT_INVALID);
        CHECK_INT_EQ(get(&local, "not a url", &r), RESULT_INVALID);
        /* TLS to a server that speaks none. */
        snprintf(url, sizeof(url), "https://127.0.0.1:%u/small", port);
        CHECK_INT_EQ(get(&local, url, &r), RESULT_PROTOCOL);
}

static char *slurp(const char *path)
{
        FILE *f = fopen(path, "r");
        char *text = calloc(1, 16384);

        if (f && text)
                CHECK(fread(text, 1, 16383, f) > 0);
        if (f)
                fclose(f);
        return text;
}

/* A self-signed certificate for 127.0.0.1: refused as it is, trusted
 * through ca_file. */
static void test_tls(void)
{
        char dir[] = "/tmp/agentdesk-net-XXXXXX", cmd[1024], cert_path[256], url[128];
        struct net_http_options strict_tls = { .allow_private = true }, trusted;
        struct net_http_response r;
        struct http_server *srv;
        char *cert, *key;

        CHECK(mkdtemp(dir) != NULL);
        snprintf(cmd, sizeof(cmd),
                 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
                 "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
                 "-keyout %s/key.pem -out %s/cert.pem 2>/dev/null", dir, dir);
        CHECK_INT_EQ(system(cmd), 0);
        snprintf(cert_path, sizeof(cert_path), "%s/cert.pem", dir);
        cert = slurp(cert_path);
        snprintf(cmd, sizeof(cmd), "%s/key.pem", dir);
        key = slurp(cmd);
        srv = serve(cert, key);
        snprintf(url, sizeof(url), "https://127.0.0.1:%u/small", http_server_port(srv));
        CHECK_INT_EQ(get(&strict_tls, url, &r), RESULT_PROTOCOL);
        trusted = strict_tls;
        trusted.ca_file = cert_path;
        CHECK_INT_EQ(get(&trusted, url, &r), RESULT_OK);
        CHECK_INT_EQ(r.status, 200);
        CHECK_STR_EQ(r.body, "hello");
        net_http_response_free(&r);
        http_server_free(srv);
        free(cert);
        free(key);
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        CHECK_INT_EQ(system(cmd), 0);
}

int main(void)
{
        struct http_server *srv;

        memset(big, 'b', sizeof(big));
        CHECK_INT_EQ(net_http_global_init(), RESULT_OK);
        test_addresses();
        test_urls();
        srv = serve(NULL, NULL);
        test_plain(http_server_port(srv));
        http_server_free(srv);
        test_tls();
        return CHECK_DONE();
}
