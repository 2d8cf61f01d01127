/*
 * Unit tests of http/: a real server on 127.0.0.1 (port 0) with a few
 * routes, spoken to over raw sockets so the bytes on the wire are what is
 * checked: path parameters, 404 and 405 (with Allow), 413 for declared and
 * chunked bodies over the cap, the JSON error shape, X-Request-Id echo and
 * generation, one response per request, a handler that sends none (500),
 * the result mapping, JSON body checks, the metrics text and the access
 * log line (captured from stderr).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"
#include "http/http.h"

#define MAX_BODY 1024

static unsigned port;

/* ---- handlers ------------------------------------------------------------- */

static void h_hello(struct http_request *req, void *userdata)
{
        (void)userdata;
        http_request_set_tenant(req, 7);
        http_respond_json(req, 200, json_pack("{sb}", "success", 1));
}

/* Echoes what the accessors return. */
static void h_item(struct http_request *req, void *userdata)
{
        const char *q = http_request_query(req, "q"), *h = http_request_header(req, "X-Test");
        int marker = 0;

        (void)userdata;
        http_request_set_user(req, &marker);
        http_response_header(req, "X-Extra", "yes");
        http_respond_json(req, 200,
                          json_pack("{sb,ss,ss,ss,ss,ss?,ss?,sb,ss}", "success", 1, "id",
                                    http_request_param(req, "id"), "route",
                                    http_request_route(req), "path", http_request_path(req),
                                    "method", http_request_method(req), "q", q, "x_test", h,
                                    "user_slot", http_request_user(req) == &marker, "ip",
                                    http_request_client_ip(req)));
}

static void h_note(struct http_request *req, void *userdata)
{
        size_t len;
        const char *body = http_request_body(req, &len);
        json_t *in = http_request_json(req);

        (void)body;
        (void)userdata;
        if (!in)
                return;
        http_respond_json(req, 201,
                          json_pack("{sb,ss,ss,sI,sO}", "success", 1, "id",
                                    http_request_param(req, "id"), "note",
                                    http_request_param(req, "note"), "len", (json_int_t)len, "in",
                                    in));
        json_decref(in);
}

static void h_silent(struct http_request *req, void *userdata)
{
        (void)req;
        (void)userdata;
}

static void h_twice(struct http_request *req, void *userdata)
{
        (void)userdata;
        http_respond_text(req, 200, "text/plain", "first", 5);
        http_respond_text(req, 202, "text/plain", "second", 6);
        http_respond_json(req, 201, json_pack("{sb}", "success", 1));
}

static void h_result(struct http_request *req, void *userdata)
{
        (void)userdata;
        http_respond_result(req, (enum result)atoi(http_request_param(req, "n")), NULL,
                            http_request_query(req, "field"));
}

/* ---- a raw HTTP/1.1 client ----------------------------------------------- */

struct reply {
        char raw[16384];
        size_t len;
        unsigned status;
        const char *body;     /* into raw */
};

static int dial(void)
{
        struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
        struct timeval tv = { .tv_sec = 5 };
        int fd = socket(AF_INET, SOCK_STREAM, 0);

        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
                close(fd);
                return -1;
        }
        return fd;
}

static void send_all(int fd, const char *data, size_t len)
{
        while (len) {
                ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
                if (n <= 0)
                        return;
                data += n;
                len -= (size_t)n;
        }
}

/* Reads to EOF (the requests say Connection: close). */
static void read_reply(int fd, struct reply *r)
{
        ssize_t n;
        char *end;

        r->len = 0;
        while (r->len < sizeof(r->raw) - 1 &&
               (n = recv(fd, r->raw + r->len, sizeof(r->raw) - 1 - r->len, 0)) > 0)
                r->len += (size_t)n;
        r->raw[r->len] = '\0';
        r->status = 0;
        sscanf(r->raw, "HTTP/1.%*c %u", &r->status);
        end = strstr(r->raw, "\r\n\r\n");
        r->body = end ? end + 4 : "";
}

static void exchange(const char *request, size_t len, struct reply *r)
{
        int fd = dial();

        memset(r, 0, sizeof(*r));
        if (fd < 0)
                return;
        send_all(fd, request, len);
        read_reply(fd, r);
        close(fd);
}

static void get(const char *method, const char *target, const char *headers, struct reply *r)
{
        char req[2048];
        int n = snprintf(req, sizeof(req),
                         "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sConnection: close\r\n\r\n",
                         method, target, headers ? headers : "");

        exchange(req, (size_t)n, r);
}

static void post(const char *target, const char *body, size_t len, struct reply *r)
{
        char req[8192];
        int n = snprintf(req, sizeof(req),
                         "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                         target, len);

        memcpy(req + n, body, len);
        exchange(req, (size_t)n + len, r);
}

/* The value of a response header (case-insensitive name), into buf. */
static const char *header(const struct reply *r, const char *name, char *buf, size_t size)
{
        size_t nl = strlen(name);

        for (const char *p = strstr(r->raw, "\r\n"); p && p + 2 < r->body; p = strstr(p + 2, "\r\n")) {
                const char *line = p + 2, *eol = strstr(line, "\r\n");
                if (strncasecmp(line, name, nl) == 0 && line[nl] == ':' && eol) {
                        const char *v = line + nl + 1;
                        while (*v == ' ')
                                v++;
                        snprintf(buf, size, "%.*s", (int)(eol - v), v);
                        return buf;
                }
        }
        return NULL;
}

static json_t *body_json(const struct reply *r)
{
        return json_loads(r->body, 0, NULL);
}

/* Checks the error shape {"success":false,"error":{"code","message","field"?}}. */
static void check_error(const struct reply *r, unsigned status, const char *code, const char *field)
{
        char buf[128];
        json_t *j = body_json(r), *e = json_object_get(j, "error");

        CHECK_INT_EQ(r->status, status);
        CHECK_STR_EQ(header(r, "Content-Type", buf, sizeof(buf)), "application/json");
        CHECK(header(r, "X-Request-Id", buf, sizeof(buf)) != NULL);
        CHECK(json_is_false(json_object_get(j, "success")));
        CHECK_STR_EQ(json_string_value(json_object_get(e, "code")), code);
        CHECK(json_is_string(json_object_get(e, "message")));
        if (field)
                CHECK_STR_EQ(json_string_value(json_object_get(e, "field")), field);
        else
                CHECK(json_object_get(e, "field") == NULL);
        CHECK_INT_EQ(json_object_size(j), 2);
        json_decref(j);
}

static bool is_hex16(const char *s)
{
        if (!s || strlen(s) != 16)
                return false;
        for (; *s; s++)
                if (!isxdigit((unsigned char)*s))
                        return false;
        return true;
}

/* ---- tests ----------------------------------------------------------------- */

static void test_params_and_accessors(void)
{
        struct reply r;
        char buf[128];
        json_t *j;

        get("GET", "/items/%41b%20c?q=x%20y&secret=hunter2", "X-Test: hi\r\n", &r);
        CHECK_INT_EQ(r.status, 200);
        CHECK_STR_EQ(header(&r, "Content-Type", buf, sizeof(buf)), "application/json");
        CHECK_STR_EQ(header(&r, "X-Extra", buf, sizeof(buf)), "yes");
        j = body_json(&r);
        CHECK_STR_EQ(json_string_value(json_object_get(j, "id")), "Ab c");
        CHECK_STR_EQ(json_string_value(json_object_get(j, "route")), "/items/:id");
        CHECK_STR_EQ(json_string_value(json_object_get(j, "path")), "/items/Ab c");
        CHECK_STR_EQ(json_string_value(json_object_get(j, "method")), "GET");
        CHECK_STR_EQ(json_string_value(json_object_get(j, "q")), "x y");
        CHECK_STR_EQ(json_string_value(json_object_get(j, "x_test")), "hi");
        CHECK_STR_EQ(json_string_value(json_object_get(j, "ip")), "127.0.0.1");
        CHECK(json_is_true(json_object_get(j, "user_slot")));
        json_decref(j);

        /* Trailing and doubled slashes are tolerated. */
        get("GET", "//items/7/", NULL, &r);
        CHECK_INT_EQ(r.status, 200);
        j = body_json(&r);
        CHECK_STR_EQ(json_string_value(json_object_get(j, "id")), "7");
        json_decref(j);

        /* Two parameters, a JSON body. */
        post("/items/9/notes/n1", "{\"a\":[1,2]}", 11, &r);
        CHECK_INT_EQ(r.status, 201);
        j = body_json(&r);
        CHECK_STR_EQ(json_string_value(json_object_get(j, "id")), "9");
        CHECK_STR_EQ(json_string_value(json_object_get(j, "note")), "n1");
        CHECK_INT_EQ(json_integer_value(json_object_get(j, "len")), 11);
        CHECK_INT_EQ(json_array_size(json_object_get(json_object_get(j, "in"), "a")), 2);
        json_decref(j);
}

static void test_not_found_and_method(void)
{
        struct reply r;
        char buf[128];

        get("GET", "/nope", NULL, &r);
        check_error(&r, 404, "not_found", NULL);
        get("GET", "/x%0Ainfo%20http:%20forged", NULL, &r);
        check_error(&r, 404, "not_found", NULL);
        get("GET", "/items/1/extra/deep", NULL, &r);
        check_error(&r, 404, "not_found", NULL);
        get("GET", "/a/b/c/d/e/f/g/h/i/j/k/l", NULL, &r);       /* more segments than any route */
        check_error(&r, 404, "not_found", NULL);

        get("DELETE", "/hello", NULL, &r);
        check_error(&r, 405, "method_not_allowed", NULL);
        CHECK_STR_EQ(header(&r, "Allow", buf, sizeof(buf)), "GET");
        get("PUT", "/items/3", NULL, &r);
        check_error(&r, 405, "method_not_allowed", NULL);
        CHECK_STR_EQ(header(&r, "Allow", buf, sizeof(buf)), "GET, DELETE");
}

static void test_body_cap(void)
{
        char big[MAX_BODY + 500];
        char req[4096];
        struct reply r;
        int n, fd;

        memset(big, 'x', sizeof(big));
        /* Exactly the cap is fine (and invalid JSON here). */
        post("/items/1/notes/2", big, MAX_BODY, &r);
        check_error(&r, 400, "invalid_json", NULL);
        /* Declared over the cap. */
        post("/items/1/notes/2", big, sizeof(big), &r);
        check_error(&r, 413, "payload_too_large", NULL);
        /* Declared over the cap, body never sent: answered at once. */
        n = snprintf(req, sizeof(req),
                     "POST /items/1/notes/2 HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n"
                     "Connection: close\r\n\r\n");
        exchange(req, (size_t)n, &r);
        check_error(&r, 413, "payload_too_large", NULL);

        /* Chunked, no length: refused before the body is read (411, the
         * connection closed; framing.c says why), also when the client
         * goes on streaming past the cap. */
        fd = dial();
        CHECK(fd >= 0);
        n = snprintf(req, sizeof(req),
                     "POST /items/1/notes/2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                     "Connection: close\r\n\r\n");
        send_all(fd, req, (size_t)n);
        for (int i = 0; i < 4; i++) {
                send_all(fd, "200\r\n", 5);
                send_all(fd, big, 0x200);
                send_all(fd, "\r\n", 2);
        }
        send_all(fd, "0\r\n\r\n", 5);
        read_reply(fd, &r);
        close(fd);
        check_error(&r, 411, "length_required", NULL);

        fd = dial();
        CHECK(fd >= 0);
        send_all(fd, req, (size_t)n);
        {
                static char chunk[65536 + 16];
                int h = snprintf(chunk, sizeof(chunk), "10000\r\n");
                memset(chunk + h, 'y', 65536);
                memcpy(chunk + h + 65536, "\r\n", 2);
                for (int i = 0; i < 64; i++)   /* 4 MiB */
                        send_all(fd, chunk, (size_t)h + 65536 + 2);
        }
        read_reply(fd, &r);
        close(fd);
        CHECK(r.status == 0 || r.status == 411);
        get("GET", "/hello", NULL, &r);
        CHECK_INT_EQ(r.status, 200);

        /* Empty body: allowed, and not JSON. */
        post("/items/1/notes/2", "", 0, &r);
        check_error(&r, 400, "invalid_json", NULL);
}

static void test_json_input(void)
{
        char deep[400];
        struct reply r;

        post("/items/1/notes/2", "[1]", 3, &r);
        check_error(&r, 400, "invalid_json", NULL);                 /* not an object */
        post("/items/1/notes/2", "{\"a\":\"\\u0000\"}", 14, &r);
        check_error(&r, 400, "invalid_json", NULL);                 /* \u0000 */
        post("/items/1/notes/2", "{\"a\":\"\xff\"}", 9, &r);
        check_error(&r, 400, "invalid_json", NULL);                 /* invalid UTF-8 */
        post("/items/1/notes/2", "{\"a\":1}\0", 8, &r);
        check_error(&r, 400, "invalid_json", NULL);                 /* raw NUL */
        post("/items/1/notes/2", "{\"a\":1,\"a\":2}", 13, &r);
        check_error(&r, 400, "invalid_json", NULL);                 /* duplicate key */
        memset(deep, '[', sizeof(deep));
        memcpy(deep, "{\"a\":", 5);
        post("/items/1/notes/2", deep, sizeof(deep), &r);
        check_error(&r, 400, "invalid_json", NULL);                 /* too deep */
        /* Brackets inside strings do not count towards the depth. */
        memset(deep, '[', sizeof(deep));
        memcpy(deep, "{\"a\":\"", 6);
        memcpy(deep + sizeof(deep) - 2, "\"}", 2);
        post("/items/1/notes/2", deep, sizeof(deep), &r);
        CHECK_INT_EQ(r.status, 201);
}

static void test_request_id(void)
{
        char buf[128], a[32], b[32];
        struct reply r;

        get("GET", "/hello", "X-Request-Id: abc-123.X_y\r\n", &r);
        CHECK_STR_EQ(header(&r, "X-Request-Id", buf, sizeof(buf)), "abc-123.X_y");
        get("GET", "/nope", "X-Request-Id: abc-123.X_y\r\n", &r);  /* errors too */
        CHECK_STR_EQ(header(&r, "X-Request-Id", buf, sizeof(buf)), "abc-123.X_y");
        get("GET", "/hello", "X-Request-Id: bad id!\r\n", &r);
        CHECK(is_hex16(header(&r, "X-Request-Id", a, sizeof(a))));
        get("GET", "/hello",
            "X-Request-Id: 0123456789012345678901234567890123456789012345678901234567890123X\r\n", &r);
        CHECK(is_hex16(header(&r, "X-Request-Id", b, sizeof(b))));
        CHECK(strcmp(a, b) != 0);
        get("GET", "/hello", NULL, &r);
        CHECK(is_hex16(header(&r, "X-Request-Id", buf, sizeof(buf))));
}

static int count(const char *hay, const char *needle)
{
        int n = 0;

        for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
                n++;
        return n;
}

static void test_one_response(void)
{
        const char two[] = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                           "GET /items/5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        struct reply r;

        get("GET", "/silent", NULL, &r);
        check_error(&r, 500, "internal_error", NULL);
        CHECK_INT_EQ(count(r.raw, "HTTP/1.1 "), 1);

        get("GET", "/twice", NULL, &r);
        CHECK_INT_EQ(r.status, 200);
        CHECK_STR_EQ(r.body, "first");
        CHECK_INT_EQ(count(r.raw, "HTTP/1.1 "), 1);

        /* Keep-alive: two requests, two responses, on one connection. */
        exchange(two, sizeof(two) - 1, &r);
        CHECK_INT_EQ(count(r.raw, "HTTP/1.1 200"), 2);
        CHECK(strstr(r.raw, "\"id\":\"5\"") != NULL);
}

static void test_results(void)
{
        static const struct {
                enum result result;
                unsigned status;
                const char *code;
        } cases[] = {
                { RESULT_INVALID, 400, "validation_failed" },
                { RESULT_NOT_FOUND, 404, "not_found" },
                { RESULT_CONFLICT, 409, "conflict" },
                { RESULT_EMAIL_TAKEN, 409, "email_taken" },
                { RESULT_POOL_EXHAUSTED, 409, "pool_exhausted" },
                { RESULT_POOL_OVERLAP, 409, "pool_overlap" },
                { RESULT_TOO_BIG, 413, "payload_too_large" },
                { RESULT_UNAUTHORIZED, 401, "unauthorized" },
                { RESULT_FORBIDDEN, 403, "forbidden" },
                { RESULT_THROTTLED, 429, "too_many_attempts" },
                { RESULT_BUSY, 503, "store_unavailable" },
                { RESULT_STORE, 503, "store_unavailable" },
                { RESULT_IO, 503, "store_unavailable" },
                { RESULT_TIMEOUT, 503, "store_unavailable" },
                { RESULT_NOMEM, 500, "internal_error" },
                { RESULT_PROTOCOL, 500, "internal_error" },
        };
        struct reply r;
        char target[64];

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                snprintf(target, sizeof(target), "/result/%d", (int)cases[i].result);
                get("GET", target, NULL, &r);
                check_error(&r, cases[i].status, cases[i].code, NULL);
        }
        /* Every value answers its row; one past the end, the "unknown" row. */
        for (int i = 1; i <= RESULT__MAX; i++) {
                const struct result_info *row = result_info((enum result)i);
                snprintf(target, sizeof(target), "/result/%d", i);
                get("GET", target, NULL, &r);
                check_error(&r, row->status, row->code, NULL);
                CHECK(strstr(r.body, row->message) != NULL);
        }
        CHECK_STR_EQ(result_name(RESULT__MAX), "unknown");
        CHECK_STR_EQ(result_name(RESULT_BUSY), "store_busy");
        snprintf(target, sizeof(target), "/result/%d?field=email", (int)RESULT_INVALID);
        get("GET", target, NULL, &r);
        check_error(&r, 400, "validation_failed", "email");
}

static void test_metrics(struct http_server *srv)
{
        char *text = NULL;
        size_t len = 0;
        FILE *out;
        bool seen = false;

        /* The completion callback may run just after the client has read. */
        for (int tries = 0; tries < 100 && !seen; tries++) {
                out = open_memstream(&text, &len);
                http_server_metrics_render((const struct http_server *const[]){ srv }, 1, out);
                fputs("my_extra_gauge 1\n", out);             /* callers append */
                fclose(out);
                seen = strstr(text, "agentdesk_http_requests_total{route=\"/items/:id\",method=\"PUT\"") ||
                       strstr(text, "agentdesk_http_requests_total{route=\"unmatched\",method=\"\",status=\"405\"} 2");
                if (!seen) {
                        free(text);
                        text = NULL;
                        usleep(10000);
                }
        }
        CHECK(seen);
        CHECK(strstr(text, "# TYPE agentdesk_http_requests_total counter\n") != NULL);
        CHECK(strstr(text, "# TYPE agentdesk_http_request_duration_seconds histogram\n") != NULL);
        CHECK(strstr(text, "agentdesk_http_requests_total{route=\"/silent\",method=\"GET\",status=\"500\"} 1\n") != NULL);
        CHECK(strstr(text, "agentdesk_http_requests_total{route=\"unmatched\",method=\"\",status=\"404\"}") != NULL);
        CHECK(strstr(text, "agentdesk_http_requests_total{route=\"unmatched\",method=\"\",status=\"413\"}") != NULL);
        CHECK(strstr(text, "agentdesk_http_request_duration_seconds_bucket{route=\"/silent\",method=\"GET\",le=\"+Inf\"} 1\n") != NULL);
        CHECK(strstr(text, "agentdesk_http_request_duration_seconds_count{route=\"/silent\",method=\"GET\"} 1\n") != NULL);
        CHECK(strstr(text, "agentdesk_http_request_duration_seconds_sum{route=\"/silent\",method=\"GET\"} ") != NULL);
        CHECK(strstr(text, "le=\"0.0005\"") != NULL);
        CHECK(len > 0 && text[len - 1] == '\n');
        CHECK(strstr(text, "my_extra_gauge 1\n") != NULL);
        free(text);
}

static void test_setup_errors(struct http_server *srv)
{
        struct http_server_options opts = { .listen = NULL, .threads = 1, .max_body_bytes = 10 };
        struct http_server *other = NULL;
        char listen[64];
        const char *method, *pattern;

        CHECK_INT_EQ(http_server_route(srv, "GET", "no-slash", h_hello, NULL), RESULT_INVALID);
        CHECK_INT_EQ(http_server_route(srv, "GET", "/a/b/c/d/e/f/g/h/i", h_hello, NULL),
                     RESULT_INVALID);
        /* More parameters than HTTP_MAX_PARAMS: refused, and nothing of the
         * half-compiled route is left (ASan's leak check; fuzz/router.c). */
        CHECK_INT_EQ(http_server_route(srv, "GET", "/:a/:b/:c/:d/:e", h_hello, NULL),
                     RESULT_INVALID);
        CHECK_INT_EQ(http_server_route_count(srv), 8);
        http_server_route_at(srv, 1, &method, &pattern);
        CHECK_STR_EQ(method, "GET");
        CHECK_STR_EQ(pattern, "/items/:id");

        /* The port is taken: RESULT_IO. */
        snprintf(listen, sizeof(listen), "127.0.0.1:%u", port);
        opts.listen = listen;
        CHECK_INT_EQ(http_server_new(&opts, &other), RESULT_OK);
        CHECK_INT_EQ(http_server_start(other), RESULT_IO);
        http_server_free(other);
        other = NULL;

        opts.listen = "nonsense";
        CHECK_INT_EQ(http_server_new(&opts, &other), RESULT_OK);
        CHECK_INT_EQ(http_server_start(other), RESULT_INVALID);
        http_server_free(other);
        http_server_free(NULL);
}

int main(void)
{
        struct http_server_options opts = { .listen = "127.0.0.1:0", .threads = 2,
                                            .max_body_bytes = MAX_BODY };
        struct http_server *srv = NULL;
        char log_path[] = "/tmp/agentdesk-http-log-XXXXXX";
        int log_fd = mkstemp(log_path), saved_stderr = dup(2);
        char log_text[1 << 16] = "";
        ssize_t n;

        /* The access log (stderr) goes to a file we read at the end. */
        dup2(log_fd, 2);
        CHECK_INT_EQ(http_server_new(&opts, &srv), RESULT_OK);
        CHECK_INT_EQ(http_server_route(srv, "GET", "/hello", h_hello, NULL), RESULT_OK);
        CHECK_INT_EQ(http_server_route(srv, "GET", "/items/:id", h_item, NULL), RESULT_OK);
        CHECK_INT_EQ(http_server_route(srv, "DELETE", "/items/:id", h_item, NULL), RESULT_OK);
        CHECK_INT_EQ(http_server_route(srv, "POST", "/items/:id/notes/:note", h_note, NULL),
                     RESULT_OK);
        CHECK_INT_EQ(http_server_route(srv, "GET", "/silent", h_silent, NULL), RESULT_OK);
        CHECK_INT_EQ(http_server_route(srv, "GET", "/twice", h_twice, NULL), RESULT_OK);
        CHECK_INT_EQ(http_server_route(srv, "GET", "/result/:n", h_result, NULL), RESULT_OK);
        CHECK_INT_EQ(http_server_route(srv, "PUT", "/hello/:x", h_hello, NULL), RESULT_OK);
        CHECK_INT_EQ(http_server_start(srv), RESULT_OK);
        port = http_server_port(srv);
        CHECK(port > 0);

        test_params_and_accessors();
        test_not_found_and_method();
        test_body_cap();
        test_json_input();
        test_request_id();
        test_one_response();
        test_results();
        test_metrics(srv);
        test_setup_errors(srv);

        http_server_stop(srv);
        http_server_free(srv);

        fflush(stderr);
        dup2(saved_stderr, 2);
        close(saved_stderr);
        lseek(log_fd, 0, SEEK_SET);
        n = read(log_fd, log_text, sizeof(log_text) - 1);
        log_text[n > 0 ? n : 0] = '\0';
        close(log_fd);
        unlink(log_path);
        /* One access line per request: method, path, status, ms, id,
         * tenant, client address. */
        CHECK(strstr(log_text, "info http: GET /hello 200 ") != NULL);
        CHECK(strstr(log_text, "ms id=abc-123.X_y tenant=7 ip=127.0.0.1\n") != NULL);
        CHECK(strstr(log_text, "info http: GET /nope 404 ") != NULL);
        CHECK(strstr(log_text, "tenant=- ip=127.0.0.1\n") != NULL);
        CHECK(strstr(log_text, "info http: GET /items/Ab%20c 200 ") != NULL);
        /* A decoded newline cannot forge a second line. */
        CHECK(strstr(log_text, "info http: GET /x%0Ainfo%20http:%20forged 404 ") != NULL);
        CHECK(strstr(log_text, "\ninfo http: forged") == NULL);
        /* Never the query string or the body. */
        CHECK(strstr(log_text, "hunter2") == NULL);
        CHECK(strstr(log_text, "\"a\"") == NULL);
        /* The taken port is explained in the log. */
        CHECK(strstr(log_text, "error http: 127.0.0.1:") != NULL);
        CHECK(strstr(log_text, "Warning") == NULL);
        if (check_failures)
                fputs(log_text, stderr);
        return CHECK_DONE();
}
