/*
 * The Event Socket client against tiny loopback servers, from several
 * threads at once, as the status route and the registration cache probe
 * nodes. Each server rejects with its own text; each client must report
 * its own server's first line. Under ThreadSanitizer this also proves the
 * parsing shares no state between threads (it once used strtok).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "freeswitch/esl.h"

#define N 8
#define ROUNDS 20

struct peer {
        int listen_fd;
        unsigned port;
        int index;
        enum result result;
        char error[160];
        int mismatches;
};

/* Answers ROUNDS connections with a rude rejection naming this server. */
static void *serve(void *arg)
{
        struct peer *p = arg;
        char frame[256], body[96];

        snprintf(body, sizeof(body), "Access Denied, go away: node %d\nsecond line\n", p->index);
        snprintf(frame, sizeof(frame), "Content-Type: text/rude-rejection\nContent-Length: %zu\n\n%s",
                 strlen(body), body);
        for (int i = 0; i < ROUNDS; i++) {
                int fd = accept(p->listen_fd, NULL, NULL);
                if (fd < 0)
                        break;
                (void)!write(fd, frame, strlen(frame));
                close(fd);
        }
        return NULL;
}

static void *probe(void *arg)
{
        struct peer *p = arg;
        char want[96];

        snprintf(want, sizeof(want), "rejected by the node's ACL: Access Denied, go away: node %d",
                 p->index);
        for (int i = 0; i < ROUNDS; i++) {
                struct esl_conn *conn = NULL;
                p->result = esl_connect("127.0.0.1", p->port, "ClueCon", 2000, &conn, p->error,
                                        sizeof(p->error));
                esl_conn_free(conn);
                if (p->result != RESULT_FORBIDDEN || strcmp(p->error, want) != 0)
                        p->mismatches++;
        }
        return NULL;
}

static void test_concurrent_rejections(void)
{
        struct peer peers[N];
        pthread_t servers[N], clients[N];

        for (int i = 0; i < N; i++) {
                struct sockaddr_in sa = { .sin_family = AF_INET };
                socklen_t len = sizeof(sa);
                memset(&peers[i], 0, sizeof(peers[i]));
                peers[i].index = i;
                peers[i].listen_fd = socket(AF_INET, SOCK_STREAM, 0);
                sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
                CHECK(bind(peers[i].listen_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
                CHECK(listen(peers[i].listen_fd, ROUNDS) == 0);
                getsockname(peers[i].listen_fd, (struct sockaddr *)&sa, &len);
                peers[i].port = ntohs(sa.sin_port);
                pthread_create(&servers[i], NULL, serve, &peers[i]);
        }
        for (int i = 0; i < N; i++)
                pthread_create(&clients[i], NULL, probe, &peers[i]);
        for (int i = 0; i < N; i++) {
                pthread_join(clients[i], NULL);
                pthread_join(servers[i], NULL);
                close(peers[i].listen_fd);
                CHECK_INT_EQ(peers[i].mismatches, 0);
                if (peers[i].mismatches)
                        fprintf(stderr, "peer %d: %s: %s\n", i, result_name(peers[i].result),
                                peers[i].error);
        }
}

static void test_frame_parse(void)
{
        static const char two[] = "Content-Type: api/response\r\nContent-Length: 3\n\n+OK"
                                  "Content-Type: text/event-plain\nContent-Length: 0\n\n";
        struct esl_frame f = { 0 };
        size_t used = 99;
        char *big, over[64];

        /* Two frames back to back, CRLF tolerated. */
        CHECK_INT_EQ(esl_frame_parse(two, strlen(two), &f, &used), RESULT_OK);
        CHECK_INT_EQ(used, 50);
        CHECK_INT_EQ(esl_frame_kind(&f), ESL_FRAME_API_RESPONSE);
        CHECK_STR_EQ(f.body, "+OK");
        CHECK_STR_EQ(esl_frame_header(&f, "content-length"), "3");
        CHECK(esl_frame_header(&f, "Content") == NULL);
        esl_frame_clear(&f);
        CHECK_INT_EQ(esl_frame_parse(two + used, strlen(two) - used, &f, &used), RESULT_OK);
        CHECK_INT_EQ(esl_frame_kind(&f), ESL_FRAME_EVENT);
        CHECK_STR_EQ(f.body, "");
        esl_frame_clear(&f);

        /* Not whole yet: nothing taken, at every cut. */
        for (size_t cut = 0; cut < 50; cut++) {
                used = 99;
                CHECK_INT_EQ(esl_frame_parse(two, cut, &f, &used), RESULT_OK);
                CHECK_INT_EQ(used, 0);
                CHECK(f.headers == NULL && f.body == NULL);
        }

        /* Without Content-Length: headers only. */
        CHECK_INT_EQ(esl_frame_parse("Content-Type: auth/request\n\nrest", 32, &f, &used),
                     RESULT_OK);
        CHECK_INT_EQ(used, 28);
        CHECK_INT_EQ(esl_frame_kind(&f), ESL_FRAME_AUTH_REQUEST);
        CHECK(f.body == NULL);
        esl_frame_clear(&f);
        CHECK_INT_EQ(esl_frame_parse("Reply-Text: +OK\n\n", 17, &f, &used), RESULT_OK);
        CHECK_INT_EQ(esl_frame_kind(&f), ESL_FRAME_OTHER);
        esl_frame_clear(&f);

        /* Malformed, or over the caps. */
        CHECK_INT_EQ(esl_frame_parse("A: b\0c\n\n", 9, &f, &used), RESULT_PROTOCOL);
        CHECK_INT_EQ(esl_frame_parse("Content-Length: -1\n\n", 21, &f, &used), RESULT_PROTOCOL);
        CHECK_INT_EQ(esl_frame_parse("Content-Length: 1x\n\n", 21, &f, &used), RESULT_PROTOCOL);
        snprintf(over, sizeof(over), "Content-Length: %d\n\n", ESL_BODY_MAX + 1);
        CHECK_INT_EQ(esl_frame_parse(over, strlen(over), &f, &used), RESULT_PROTOCOL);
        big = malloc(ESL_HEADER_MAX + 3);
        memset(big, 'x', ESL_HEADER_MAX + 2);
        CHECK_INT_EQ(esl_frame_parse(big, ESL_HEADER_MAX + 2, &f, &used), RESULT_PROTOCOL);
        free(big);
        CHECK(f.headers == NULL && f.body == NULL);
}

/* A node that sends two events before the reply to the first api
 * command. */
static void *eventful(void *arg)
{
        static const char greeting[] = "Content-Type: auth/request\n\n";
        static const char accepted[] = "Content-Type: command/reply\nReply-Text: +OK accepted\n\n";
        static const char events[] =
                "Content-Type: text/event-plain\nContent-Length: 23\n\nEvent-Name: HEARTBEAT\n\n"
                "Content-Type: text/event-plain\nContent-Length: 20\n\nEvent-Name: CUSTOM\n\n";
        static const char reply[] = "Content-Type: api/response\nContent-Length: 4\n\n+OK\n";
        struct peer *p = arg;
        char in[256];

        for (int i = 0; i < 2; i++) {
                int fd = accept(p->listen_fd, NULL, NULL);
                if (fd < 0)
                        break;
                (void)!write(fd, greeting, strlen(greeting));
                (void)!read(fd, in, sizeof(in));           /* auth */
                (void)!write(fd, accepted, strlen(accepted));
                (void)!read(fd, in, sizeof(in));           /* api */
                (void)!write(fd, events, strlen(events));
                (void)!write(fd, reply, strlen(reply));
                (void)!read(fd, in, sizeof(in));           /* exit, or the end */
                close(fd);
        }
        return NULL;
}

static void count_event(void *userdata, const struct esl_frame *event)
{
        if (strstr(event->body, "Event-Name: "))
                ++*(int *)userdata;
}

static void test_events_between_replies(void)
{
        struct sockaddr_in sa = { .sin_family = AF_INET };
        socklen_t len = sizeof(sa);
        struct peer p = { .listen_fd = socket(AF_INET, SOCK_STREAM, 0) };
        struct esl_conn *conn = NULL;
        struct esl_frame ev = { 0 };
        pthread_t server;
        char *body = NULL;
        int seen = 0;

        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        CHECK(bind(p.listen_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
        CHECK(listen(p.listen_fd, 2) == 0);
        getsockname(p.listen_fd, (struct sockaddr *)&sa, &len);
        pthread_create(&server, NULL, eventful, &p);

        /* Kept... */
        CHECK_INT_EQ(esl_connect("127.0.0.1", ntohs(sa.sin_port), "pw", 2000, &conn, NULL, 0),
                     RESULT_OK);
        CHECK_INT_EQ(esl_api(conn, "status", 2000, &body), RESULT_OK);
        CHECK_STR_EQ(body, "+OK\n");
        free(body);
        CHECK(esl_conn_next_event(conn, &ev));
        CHECK_STR_EQ(ev.body, "Event-Name: HEARTBEAT\n\n");
        esl_frame_clear(&ev);
        CHECK(esl_conn_next_event(conn, &ev));
        CHECK_STR_EQ(ev.body, "Event-Name: CUSTOM\n\n");
        esl_frame_clear(&ev);
        CHECK(!esl_conn_next_event(conn, &ev));
        esl_conn_free(conn);

        /* ...or handed to a callback. */
        conn = NULL;
        CHECK_INT_EQ(esl_connect("127.0.0.1", ntohs(sa.sin_port), "pw", 2000, &conn, NULL, 0),
                     RESULT_OK);
        esl_conn_on_event(conn, count_event, &seen);
        CHECK_INT_EQ(esl_api(conn, "status", 2000, &body), RESULT_OK);
        free(body);
        CHECK_INT_EQ(seen, 2);
        CHECK(!esl_conn_next_event(conn, &ev));
        esl_conn_free(conn);
        pthread_join(server, NULL);
        close(p.listen_fd);
}

/* A node as the listener sees it: a subscription answered after an
 * event, then a flood of events in one write, a pause, a frame cut in
 * two, a refused command, and a goodbye. */
static void *streaming(void *arg)
{
        static const char greeting[] = "Content-Type: auth/request\n\n";
        static const char accepted[] = "Content-Type: command/reply\nReply-Text: +OK accepted\n\n";
        static const char ev[] = "Content-Type: text/event-plain\nContent-Length: 20\n\nEvent-Name: CUSTOM\n\n";
        static const char ok[] = "Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n";
        static const char refused[] = "Content-Type: command/reply\nReply-Text: -ERR no keywords supplied\n\n";
        static const char bye[] = "Content-Type: text/disconnect-notice\nContent-Length: 3\n\nbye";
        struct peer *p = arg;
        char in[512];
        int fd = accept(p->listen_fd, NULL, NULL);

        if (fd < 0)
                return NULL;
        (void)!write(fd, greeting, strlen(greeting));
        (void)!read(fd, in, sizeof(in));           /* auth */
        (void)!write(fd, accepted, strlen(accepted));
        (void)!read(fd, in, sizeof(in));           /* event plain … */
        (void)!write(fd, ev, strlen(ev));
        (void)!write(fd, ok, strlen(ok));
        for (int i = 0; i < 5; i++)                /* five in one go, or nearly */
                (void)!write(fd, ev, strlen(ev));
        usleep(200 * 1000);
        (void)!write(fd, ev, 30);                  /* one frame in two reads */
        usleep(50 * 1000);
        (void)!write(fd, ev + 30, strlen(ev) - 30);
        (void)!read(fd, in, sizeof(in));           /* filter … */
        (void)!write(fd, refused, strlen(refused));
        usleep(50 * 1000);
        (void)!write(fd, bye, strlen(bye));
        (void)!read(fd, in, sizeof(in));
        close(fd);
        return NULL;
}

static void test_listener_reads(void)
{
        struct sockaddr_in sa = { .sin_family = AF_INET };
        socklen_t len = sizeof(sa);
        struct peer p = { .listen_fd = socket(AF_INET, SOCK_STREAM, 0) };
        struct esl_conn *conn = NULL;
        pthread_t server;
        char error[100] = "";
        int seen = 0, n = -1, total = 0;

        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        CHECK(bind(p.listen_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
        CHECK(listen(p.listen_fd, 1) == 0);
        getsockname(p.listen_fd, (struct sockaddr *)&sa, &len);
        pthread_create(&server, NULL, streaming, &p);
        CHECK_INT_EQ(esl_connect("127.0.0.1", ntohs(sa.sin_port), "pw", 2000, &conn, NULL, 0),
                     RESULT_OK);
        esl_conn_on_event(conn, count_event, &seen);
        /* The event before the reply goes to the callback. */
        CHECK_INT_EQ(esl_command(conn, "event plain CUSTOM", 2000, error, sizeof(error)),
                     RESULT_OK);
        CHECK_INT_EQ(seen, 1);
        /* At most max_events a call: the caller gets its thread back. */
        while (total < 5) {
                CHECK_INT_EQ(esl_conn_read_events(conn, 1000, 3, &n), RESULT_OK);
                CHECK(n >= 1 && n <= 3);
                total += n;
        }
        CHECK_INT_EQ(total, 5);
        CHECK_INT_EQ(seen, 6);
        /* Nothing within the wait: OK, none. */
        CHECK_INT_EQ(esl_conn_read_events(conn, 20, 10, &n), RESULT_OK);
        CHECK_INT_EQ(n, 0);
        /* A frame cut in two arrives whole. */
        CHECK_INT_EQ(esl_conn_read_events(conn, 1000, 10, &n), RESULT_OK);
        CHECK_INT_EQ(n, 1);
        CHECK_INT_EQ(seen, 7);
        /* A refused command: its reply, the connection still usable. */
        CHECK_INT_EQ(esl_command(conn, "filter", 2000, error, sizeof(error)), RESULT_INVALID);
        CHECK_STR_EQ(error, "-ERR no keywords supplied");
        CHECK_INT_EQ(esl_command(conn, "bad\ncommand", 2000, NULL, 0), RESULT_INVALID);
        /* The goodbye ends it; the connection is unusable afterwards. */
        CHECK_INT_EQ(esl_conn_read_events(conn, 1000, 10, &n), RESULT_IO);
        CHECK_INT_EQ(esl_conn_read_events(conn, 10, 10, &n), RESULT_IO);
        CHECK_INT_EQ(esl_command(conn, "event plain ALL", 100, NULL, 0), RESULT_IO);
        esl_conn_free(conn);
        pthread_join(server, NULL);
        close(p.listen_fd);
}

int main(void)
{
        test_frame_parse();
        test_events_between_replies();
        test_listener_reads();
        test_concurrent_rejections();
        return CHECK_DONE();
}
