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

int main(void)
{
        test_concurrent_rejections();
        return CHECK_DONE();
}
