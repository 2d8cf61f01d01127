/*
 * The Event Socket client; see esl.h and docs/freeswitch.md §2 for the
 * framing: header lines "Name: value" ended by an empty line, then
 * Content-Length bytes of body when that header is present.
 */
#include "freeswitch/esl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/wipe.h"

#define HEADER_MAX 8192
#define BODY_MAX (1024 * 1024)

struct esl_conn {
        int fd;
        char buf[HEADER_MAX * 2];        /* bytes read, not yet consumed */
        size_t len;
};

/* One frame: its headers (NUL-separated lines) and body. */
struct frame {
        char headers[HEADER_MAX];
        char *body;                      /* malloc'd or NULL */
        size_t body_len;
};

static int64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_error(char *err, size_t size, const char *fmt, const char *detail)
{
        if (err && size)
                snprintf(err, size, fmt, detail);
}

/* Waits until fd is ready for events or the deadline passes. */
static enum result wait_fd(int fd, short events, int64_t deadline)
{
        for (;;) {
                struct pollfd p = { .fd = fd, .events = events };
                int64_t left = deadline - now_ms();
                int r;

                if (left <= 0)
                        return RESULT_TIMEOUT;
                r = poll(&p, 1, (int)left);
                if (r > 0)
                        return RESULT_OK;
                if (r == 0)
                        return RESULT_TIMEOUT;
                if (errno != EINTR)
                        return RESULT_IO;
        }
}

static enum result send_all(struct esl_conn *c, const char *data, size_t len, int64_t deadline)
{
        while (len > 0) {
                ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);
                if (n > 0) {
                        data += n;
                        len -= (size_t)n;
                        continue;
                }
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                        enum result result = wait_fd(c->fd, POLLOUT, deadline);
                        if (result)
                                return result;
                        continue;
                }
                if (n < 0 && errno == EINTR)
                        continue;
                return RESULT_IO;
        }
        return RESULT_OK;
}

/* Reads more into the buffer. RESULT_IO on end of stream. */
static enum result fill(struct esl_conn *c, int64_t deadline)
{
        for (;;) {
                ssize_t n;
                if (c->len == sizeof(c->buf))
                        return RESULT_PROTOCOL;
                n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
                if (n > 0) {
                        c->len += (size_t)n;
                        return RESULT_OK;
                }
                if (n == 0)
                        return RESULT_IO;
                if (errno == EAGAIN || errno == EWOULDBLOCK) {
                        enum result result = wait_fd(c->fd, POLLIN, deadline);
                        if (result)
                                return result;
                        continue;
                }
                if (errno != EINTR)
                        return RESULT_IO;
        }
}

static const char *header(const struct frame *f, const char *name)
{
        size_t nl = strlen(name);

        for (const char *h = f->headers; *h; h += strlen(h) + 1)
                if (strncasecmp(h, name, nl) == 0 && h[nl] == ':')
                        return h[nl + 1] == ' ' ? h + nl + 2 : h + nl + 1;
        return NULL;
}

static void consume(struct esl_conn *c, size_t n)
{
        memmove(c->buf, c->buf + n, c->len - n);
        c->len -= n;
}

static enum result read_frame(struct esl_conn *c, int64_t deadline, struct frame *f)
{
        enum result result;
        char *end;
        const char *cl;
        size_t head_len, out = 0;

        f->body = NULL;
        f->body_len = 0;
        for (;;) {
                end = memmem(c->buf, c->len, "\n\n", 2);
                if (end)
                        break;
                if (c->len >= HEADER_MAX)
                        return RESULT_PROTOCOL;
                result = fill(c, deadline);
                if (result)
                        return result;
        }
        head_len = (size_t)(end - c->buf);
        /* Lines become NUL-separated strings; the block ends with two NULs. */
        for (size_t i = 0; i < head_len; i++) {
                char ch = c->buf[i];
                if (ch == '\r')
                        continue;
                if (ch == '\0')
                        return RESULT_PROTOCOL;
                f->headers[out++] = ch == '\n' ? '\0' : ch;
        }
        f->headers[out++] = '\0';
        f->headers[out] = '\0';
        consume(c, head_len + 2);

        cl = header(f, "Content-Length");
        if (cl) {
                char *e;
                unsigned long len = strtoul(cl, &e, 10);
                if (*e || !*cl || len > BODY_MAX)
                        return RESULT_PROTOCOL;
                f->body = malloc(len + 1);
                if (!f->body)
                        return RESULT_NOMEM;
                while (f->body_len < len) {
                        size_t take;
                        if (c->len == 0) {
                                result = fill(c, deadline);
                                if (result) {
                                        free(f->body);
                                        f->body = NULL;
                                        return result;
                                }
                        }
                        take = c->len < len - f->body_len ? c->len : len - f->body_len;
                        memcpy(f->body + f->body_len, c->buf, take);
                        f->body_len += take;
                        consume(c, take);
                }
                f->body[len] = '\0';
        }
        return RESULT_OK;
}

static enum result open_socket(const char *host, unsigned port, int64_t deadline, int *ret_fd)
{
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
        struct addrinfo *res = NULL;
        char service[8];
        enum result result = RESULT_IO;

        snprintf(service, sizeof(service), "%u", port);
        if (getaddrinfo(host, service, &hints, &res) != 0)
                return RESULT_IO;
        for (struct addrinfo *a = res; a; a = a->ai_next) {
                int fd = socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
                int err = 0;
                socklen_t elen = sizeof(err);
                if (fd < 0)
                        continue;
                if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 ||
                    (errno == EINPROGRESS &&
                     (result = wait_fd(fd, POLLOUT, deadline)) == RESULT_OK &&
                     getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err == 0)) {
                        *ret_fd = fd;
                        freeaddrinfo(res);
                        return RESULT_OK;
                }
                if (result != RESULT_TIMEOUT)
                        result = RESULT_IO;
                close(fd);
        }
        freeaddrinfo(res);
        return result;
}

enum result esl_connect(const char *host, unsigned port, const char *password, int timeout_ms,
                        struct esl_conn **ret_conn, char *ret_error, size_t error_size)
{
        int64_t deadline = now_ms() + timeout_ms;
        struct esl_conn *c = calloc(1, sizeof(*c));
        struct frame *f = calloc(1, sizeof(*f));
        char line[512];
        const char *type, *reply;
        enum result result;

        if (!c || !f) {
                free(c);
                free(f);
                return RESULT_NOMEM;
        }
        c->fd = -1;
        result = open_socket(host, port, deadline, &c->fd);
        if (result) {
                set_error(ret_error, error_size, "cannot connect: %s",
                          result == RESULT_TIMEOUT ? "timed out" : "refused or unreachable");
                goto out;
        }
        result = read_frame(c, deadline, f);
        if (result) {
                set_error(ret_error, error_size, "no greeting: %s",
                          result == RESULT_TIMEOUT ? "timed out" : result_name(result));
                goto out;
        }
        type = header(f, "Content-Type");
        if (type && strcmp(type, "text/rude-rejection") == 0) {
                result = RESULT_FORBIDDEN;
                /* Its first line; strtok would share state with every
                 * other thread probing a node. */
                if (f->body)
                        f->body[strcspn(f->body, "\r\n")] = '\0';
                set_error(ret_error, error_size, "rejected by the node's ACL: %s",
                          f->body ? f->body : "");
                goto out;
        }
        if (!type || strcmp(type, "auth/request") != 0) {
                result = RESULT_PROTOCOL;
                set_error(ret_error, error_size, "not an Event Socket (greeting %s)",
                          type ? type : "without Content-Type");
                goto out;
        }
        snprintf(line, sizeof(line), "auth %s\n\n", password);
        result = send_all(c, line, strlen(line), deadline);
        wipe_memory(line, sizeof(line));
        if (!result) {
                free(f->body);
                result = read_frame(c, deadline, f);
        }
        if (result) {
                set_error(ret_error, error_size, "authentication: %s",
                          result == RESULT_TIMEOUT ? "timed out" : "connection lost");
                goto out;
        }
        reply = header(f, "Reply-Text");
        if (!reply || strncmp(reply, "+OK", 3) != 0) {
                result = RESULT_UNAUTHORIZED;
                set_error(ret_error, error_size, "wrong Event Socket password (%s)",
                          reply ? reply : "no Reply-Text");
                goto out;
        }
out:
        free(f->body);
        free(f);
        if (result) {
                esl_conn_free(c);
                return result;
        }
        *ret_conn = c;
        return RESULT_OK;
}

static int api_failed(const char *body)
{
        return strncmp(body, "-ERR", 4) == 0 || strncmp(body, "-USAGE", 6) == 0 ||
               strncmp(body, "Invalid Profile", 15) == 0;
}

enum result esl_api(struct esl_conn *conn, const char *command, int timeout_ms,
                    char **ret_body)
{
        int64_t deadline = now_ms() + timeout_ms;
        struct frame *f;
        enum result result;
        char *line;
        size_t len;

        if (strpbrk(command, "\r\n"))
                return RESULT_INVALID;
        len = strlen(command) + 7;
        line = malloc(len);
        f = calloc(1, sizeof(*f));
        if (!line || !f) {
                free(line);
                free(f);
                return RESULT_NOMEM;
        }
        snprintf(line, len, "api %s\n\n", command);
        result = send_all(conn, line, strlen(line), deadline);
        free(line);
        /* Skip anything that is not the reply (a stray notice). */
        while (!result) {
                const char *type;
                result = read_frame(conn, deadline, f);
                if (result)
                        break;
                type = header(f, "Content-Type");
                if (type && strcmp(type, "api/response") == 0)
                        break;
                if (type && (!strcmp(type, "text/disconnect-notice") ||
                             !strcmp(type, "text/rude-rejection")))
                        result = RESULT_IO;
                free(f->body);
                f->body = NULL;
        }
        if (!result) {
                if (!f->body)
                        f->body = strdup("");
                if (!f->body)
                        result = RESULT_NOMEM;
                else {
                        *ret_body = f->body;
                        f->body = NULL;
                        if (api_failed(*ret_body))
                                result = RESULT_INVALID;
                }
        }
        if (result && conn->fd >= 0 && result != RESULT_INVALID) {
                close(conn->fd);
                conn->fd = -1;
        }
        free(f->body);
        free(f);
        return result;
}

void esl_conn_free(struct esl_conn *conn)
{
        if (!conn)
                return;
        if (conn->fd >= 0) {
                (void)send_all(conn, "exit\n\n", 6, now_ms() + 100);
                close(conn->fd);
        }
        free(conn);
}

long esl_registration_count(const char *body)
{
        const char *p = strstr(body, "Total items returned:");

        return p ? strtol(p + 21, NULL, 10) : -1;
}

int esl_registration_has_user(const char *body, const char *user)
{
        size_t n = strlen(user);

        for (const char *p = strstr(body, "User:"); p; p = strstr(p + 5, "User:")) {
                const char *v = p + 5;
                while (*v == ' ' || *v == '\t')
                        v++;
                if (strncmp(v, user, n) == 0 && v[n] == '@')
                        return 1;
        }
        return 0;
}
