/*
 * The Event Socket client; see esl.h and docs/freeswitch.md §2 for the
 * framing: header lines "Name: value" ended by an empty line, then
 * Content-Length bytes of body when that header is present.
 */
#include "freeswitch/esl.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
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

#define HEADER_MAX ESL_HEADER_MAX
#define BODY_MAX ESL_BODY_MAX
#define EVENTS_KEPT 64

/* An event kept for esl_conn_next_event(). */
struct kept_event {
        struct esl_frame frame;
        struct kept_event *next;
};

struct esl_conn {
        int fd;
        char *buf;                       /* bytes read, not yet consumed */
        size_t len, cap;                 /* cap grows to HEADER_MAX + BODY_MAX */
        esl_event_fn on_event;
        void *event_userdata;
        struct kept_event *events, **events_tail;
        size_t n_events;
        uint64_t events_dropped;
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

/* Reads more into the buffer (growing it up to one whole frame's cap).
 * RESULT_IO on end of stream. */
static enum result fill(struct esl_conn *c, int64_t deadline)
{
        for (;;) {
                ssize_t n;
                if (c->len == c->cap) {
                        size_t cap = c->cap ? c->cap * 2 : 16384;
                        char *grown;
                        if (c->cap >= HEADER_MAX + 2 + BODY_MAX)
                                return RESULT_PROTOCOL;
                        if (cap > HEADER_MAX + 2 + BODY_MAX)
                                cap = HEADER_MAX + 2 + BODY_MAX;
                        grown = realloc(c->buf, cap);
                        if (!grown)
                                return RESULT_NOMEM;
                        c->buf = grown;
                        c->cap = cap;
                }
                n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
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

const char *esl_frame_header(const struct esl_frame *f, const char *name)
{
        size_t nl = strlen(name);

        if (!f->headers)
                return NULL;
        for (const char *h = f->headers; *h; h += strlen(h) + 1)
                if (strncasecmp(h, name, nl) == 0 && h[nl] == ':')
                        return h[nl + 1] == ' ' ? h + nl + 2 : h + nl + 1;
        return NULL;
}

enum esl_frame_kind esl_frame_kind(const struct esl_frame *f)
{
        static const struct {
                const char *type;
                enum esl_frame_kind kind;
        } kinds[] = {
                { "auth/request", ESL_FRAME_AUTH_REQUEST },
                { "command/reply", ESL_FRAME_COMMAND_REPLY },
                { "api/response", ESL_FRAME_API_RESPONSE },
                { "text/event-plain", ESL_FRAME_EVENT },
                { "text/event-json", ESL_FRAME_EVENT },
                { "text/event-xml", ESL_FRAME_EVENT },
                { "text/disconnect-notice", ESL_FRAME_DISCONNECT },
                { "text/rude-rejection", ESL_FRAME_REJECTION },
        };
        const char *type = esl_frame_header(f, "Content-Type");

        for (size_t i = 0; type && i < sizeof(kinds) / sizeof(kinds[0]); i++)
                if (!strcmp(type, kinds[i].type))
                        return kinds[i].kind;
        return ESL_FRAME_OTHER;
}

void esl_frame_clear(struct esl_frame *f)
{
        if (!f)
                return;
        free(f->headers);
        free(f->body);
        memset(f, 0, sizeof(*f));
}

enum result esl_frame_parse(const char *buf, size_t len, struct esl_frame *ret, size_t *ret_used)
{
        struct esl_frame f = { 0 };
        const char *end = memmem(buf, len < HEADER_MAX + 2 ? len : HEADER_MAX + 2, "\n\n", 2);
        const char *cl;
        size_t head_len, out = 0, body_len = 0;

        *ret_used = 0;
        if (!end)
                return len >= HEADER_MAX + 2 ? RESULT_PROTOCOL : RESULT_OK;
        head_len = (size_t)(end - buf);
        /* Lines become NUL-separated strings; the block ends with two NULs. */
        f.headers = malloc(head_len + 2);
        if (!f.headers)
                return RESULT_NOMEM;
        for (size_t i = 0; i < head_len; i++) {
                char ch = buf[i];
                if (ch == '\r')
                        continue;
                if (ch == '\0') {
                        esl_frame_clear(&f);
                        return RESULT_PROTOCOL;
                }
                f.headers[out++] = ch == '\n' ? '\0' : ch;
        }
        f.headers[out++] = '\0';
        f.headers[out] = '\0';
        cl = esl_frame_header(&f, "Content-Length");
        if (cl) {
                char *e;
                unsigned long n;
                if (*cl < '0' || *cl > '9') {
                        esl_frame_clear(&f);
                        return RESULT_PROTOCOL;
                }
                n = strtoul(cl, &e, 10);
                if (*e || n > BODY_MAX) {
                        esl_frame_clear(&f);
                        return RESULT_PROTOCOL;
                }
                body_len = n;
        }
        if (len - (head_len + 2) < body_len) {
                esl_frame_clear(&f);
                return RESULT_OK;        /* the body is still on its way */
        }
        if (cl) {
                f.body = malloc(body_len + 1);
                if (!f.body) {
                        esl_frame_clear(&f);
                        return RESULT_NOMEM;
                }
                memcpy(f.body, end + 2, body_len);
                f.body[body_len] = '\0';
                f.body_len = body_len;
        }
        *ret = f;
        *ret_used = head_len + 2 + body_len;
        return RESULT_OK;
}

static void consume(struct esl_conn *c, size_t n)
{
        memmove(c->buf, c->buf + n, c->len - n);
        c->len -= n;
}

/* The next whole frame off the connection. */
static enum result read_frame(struct esl_conn *c, int64_t deadline, struct esl_frame *f)
{
        for (;;) {
                size_t used = 0;
                enum result result = c->len ? esl_frame_parse(c->buf, c->len, f, &used) : RESULT_OK;
                if (result)
                        return result;
                if (used) {
                        consume(c, used);
                        return RESULT_OK;
                }
                result = fill(c, deadline);
                if (result)
                        return result;
        }
}

/* An event read while waiting for something else: handed to the
 * callback, or kept (the oldest dropped beyond EVENTS_KEPT). Takes f. */
static void deliver_event(struct esl_conn *c, struct esl_frame *f)
{
        struct kept_event *k;

        if (c->on_event) {
                c->on_event(c->event_userdata, f);
                esl_frame_clear(f);
                return;
        }
        if (c->n_events == EVENTS_KEPT) {
                k = c->events;
                c->events = k->next;
                if (!c->events)
                        c->events_tail = &c->events;
                esl_frame_clear(&k->frame);
                free(k);
                c->n_events--;
                c->events_dropped++;
        }
        k = calloc(1, sizeof(*k));
        if (!k) {
                esl_frame_clear(f);
                c->events_dropped++;
                return;
        }
        k->frame = *f;
        memset(f, 0, sizeof(*f));
        *c->events_tail = k;
        c->events_tail = &k->next;
        c->n_events++;
}

void esl_conn_on_event(struct esl_conn *conn, esl_event_fn fn, void *userdata)
{
        conn->on_event = fn;
        conn->event_userdata = userdata;
}

bool esl_conn_next_event(struct esl_conn *conn, struct esl_frame *ret)
{
        struct kept_event *k = conn->events;

        if (!k)
                return false;
        conn->events = k->next;
        if (!conn->events)
                conn->events_tail = &conn->events;
        conn->n_events--;
        *ret = k->frame;
        free(k);
        return true;
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
        struct esl_frame f = { 0 };
        char line[512];
        const char *reply;
        enum esl_frame_kind kind;
        enum result result;

        if (!c)
                return RESULT_NOMEM;
        c->fd = -1;
        c->events_tail = &c->events;
        result = open_socket(host, port, deadline, &c->fd);
        if (result) {
                set_error(ret_error, error_size, "cannot connect: %s",
                          result == RESULT_TIMEOUT ? "timed out" : "refused or unreachable");
                goto out;
        }
        result = read_frame(c, deadline, &f);
        if (result) {
                set_error(ret_error, error_size, "no greeting: %s",
                          result == RESULT_TIMEOUT ? "timed out" : result_name(result));
                goto out;
        }
        kind = esl_frame_kind(&f);
        if (kind == ESL_FRAME_REJECTION) {
                result = RESULT_FORBIDDEN;
                /* Its first line, cut in place: strtok would share state
                 * with every other thread probing a node. */
                if (f.body)
                        f.body[strcspn(f.body, "\r\n")] = '\0';
                set_error(ret_error, error_size, "rejected by the node's ACL: %s",
                          f.body ? f.body : "");
                goto out;
        }
        if (kind != ESL_FRAME_AUTH_REQUEST) {
                const char *type = esl_frame_header(&f, "Content-Type");
                result = RESULT_PROTOCOL;
                set_error(ret_error, error_size, "not an Event Socket (greeting %s)",
                          type ? type : "without Content-Type");
                goto out;
        }
        snprintf(line, sizeof(line), "auth %s\n\n", password);
        result = send_all(c, line, strlen(line), deadline);
        wipe_memory(line, sizeof(line));
        esl_frame_clear(&f);
        if (!result)
                result = read_frame(c, deadline, &f);
        if (result) {
                set_error(ret_error, error_size, "authentication: %s",
                          result == RESULT_TIMEOUT ? "timed out" : "connection lost");
                goto out;
        }
        reply = esl_frame_header(&f, "Reply-Text");
        if (!reply || strncmp(reply, "+OK", 3) != 0) {
                result = RESULT_UNAUTHORIZED;
                set_error(ret_error, error_size, "wrong Event Socket password (%s)",
                          reply ? reply : "no Reply-Text");
                goto out;
        }
out:
        esl_frame_clear(&f);
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

/* Sends "<prefix><command>\n\n". RESULT_IO on a closed connection,
 * RESULT_INVALID for a command of several lines (nothing sent). */
static enum result send_command(struct esl_conn *conn, const char *prefix, const char *command,
                                int64_t deadline)
{
        enum result result;
        char *line;

        if (conn->fd < 0)
                return RESULT_IO;
        if (strpbrk(command, "\r\n"))
                return RESULT_INVALID;
        if (asprintf(&line, "%s%s\n\n", prefix, command) < 0)
                return RESULT_NOMEM;
        result = send_all(conn, line, strlen(line), deadline);
        free(line);
        return result;
}

enum result esl_api(struct esl_conn *conn, const char *command, int timeout_ms,
                    char **ret_body)
{
        int64_t deadline = now_ms() + timeout_ms;
        struct esl_frame f = { 0 };
        enum result result = send_command(conn, "api ", command, deadline);

        if (result == RESULT_INVALID || result == RESULT_NOMEM)
                return result;
        /* Frames before the reply: events go on, anything else is skipped
         * (a stray notice), a goodbye ends the connection. */
        while (!result) {
                result = read_frame(conn, deadline, &f);
                if (result)
                        break;
                switch (esl_frame_kind(&f)) {
                case ESL_FRAME_API_RESPONSE:
                        goto reply;
                case ESL_FRAME_EVENT:
                        deliver_event(conn, &f);
                        break;
                case ESL_FRAME_DISCONNECT:
                case ESL_FRAME_REJECTION:
                        result = RESULT_IO;
                        break;
                default:
                        break;
                }
                esl_frame_clear(&f);
        }
reply:
        if (!result) {
                *ret_body = f.body ? f.body : strdup("");
                f.body = NULL;
                if (!*ret_body)
                        result = RESULT_NOMEM;
                else if (api_failed(*ret_body))
                        result = RESULT_INVALID;
        }
        if (result && conn->fd >= 0 && result != RESULT_INVALID && result != RESULT_NOMEM) {
                close(conn->fd);
                conn->fd = -1;
        }
        esl_frame_clear(&f);
        return result;
}

/* Closes the socket of a connection that failed: every later call is
 * RESULT_IO. */
static void conn_broken(struct esl_conn *conn)
{
        if (conn->fd >= 0) {
                close(conn->fd);
                conn->fd = -1;
        }
}

enum result esl_command(struct esl_conn *conn, const char *command, int timeout_ms,
                        char *ret_error, size_t error_size)
{
        int64_t deadline = now_ms() + timeout_ms;
        struct esl_frame f = { 0 };
        enum result result = send_command(conn, "", command, deadline);

        if (result == RESULT_INVALID || result == RESULT_NOMEM)
                return result;
        while (!result) {
                enum esl_frame_kind kind;
                result = read_frame(conn, deadline, &f);
                if (result)
                        break;
                kind = esl_frame_kind(&f);
                if (kind == ESL_FRAME_COMMAND_REPLY) {
                        const char *reply = esl_frame_header(&f, "Reply-Text");
                        if (!reply || strncmp(reply, "+OK", 3) != 0) {
                                set_error(ret_error, error_size, "%s", reply ? reply : "no Reply-Text");
                                result = RESULT_INVALID;
                        }
                        esl_frame_clear(&f);
                        return result;
                }
                if (kind == ESL_FRAME_EVENT)
                        deliver_event(conn, &f);
                else if (kind == ESL_FRAME_DISCONNECT || kind == ESL_FRAME_REJECTION)
                        result = RESULT_IO;
                esl_frame_clear(&f);
        }
        conn_broken(conn);
        return result;
}

enum result esl_conn_read_events(struct esl_conn *conn, int wait_ms, int max_events, int *ret_n)
{
        int64_t deadline = now_ms() + wait_ms;
        enum result result = RESULT_OK;
        int n = 0;

        if (ret_n)
                *ret_n = 0;
        if (conn->fd < 0)
                return RESULT_IO;
        while (n < max_events) {
                struct esl_frame f = { 0 };
                size_t used = 0;
                enum esl_frame_kind kind;

                result = conn->len ? esl_frame_parse(conn->buf, conn->len, &f, &used) : RESULT_OK;
                if (result)
                        break;
                if (!used) {
                        /* No whole frame: read more, waiting only while
                         * nothing came yet (after that, what is there). */
                        result = fill(conn, n ? now_ms() : deadline);
                        if (result == RESULT_TIMEOUT) {
                                result = RESULT_OK;
                                break;
                        }
                        if (result)
                                break;
                        continue;
                }
                consume(conn, used);
                kind = esl_frame_kind(&f);
                if (kind == ESL_FRAME_EVENT) {
                        deliver_event(conn, &f);
                        n++;
                } else if (kind == ESL_FRAME_DISCONNECT || kind == ESL_FRAME_REJECTION) {
                        result = RESULT_IO;
                }
                esl_frame_clear(&f);
                if (result)
                        break;
        }
        if (ret_n)
                *ret_n = n;
        if (result)
                conn_broken(conn);
        return result;
}

void esl_conn_free(struct esl_conn *conn)
{
        struct esl_frame f;

        if (!conn)
                return;
        if (conn->fd >= 0) {
                (void)send_all(conn, "exit\n\n", 6, now_ms() + 100);
                close(conn->fd);
        }
        while (esl_conn_next_event(conn, &f))
                esl_frame_clear(&f);
        free(conn->buf);
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
