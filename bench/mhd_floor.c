/*
 * The floor under /freeswitch/xml: libmicrohttpd set up as agentdesk's
 * server sets it up (worker pool waiting in poll(), turbo, 16 KiB
 * connection pools, deferred accept), answering every request with the
 * bytes of FILE and doing nothing else: no routing, no parsing, no lookup.
 * bench/xmlcurl.sh runs it beside agentdesk and nginx, so that the share
 * of a lookup that is agentdesk's own work can be read off. Usage:
 *   bench_mhd_floor PORT FILE
 * Listens on 127.0.0.1:PORT until killed.
 */
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static char doc[64 * 1024];
static size_t doc_len;

static enum MHD_Result answer(void *cls, struct MHD_Connection *con, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
        struct MHD_Response *resp;
        enum MHD_Result ret;

        (void)cls, (void)url, (void)method, (void)version, (void)upload;
        if (!*con_cls) {
                *con_cls = doc;
                return MHD_YES;
        }
        if (*upload_size) {
                *upload_size = 0;
                return MHD_YES;
        }
        resp = MHD_create_response_from_buffer(doc_len, doc, MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/xml");
        ret = MHD_queue_response(con, MHD_HTTP_OK, resp);
        MHD_destroy_response(resp);
        return ret;
}

int main(int argc, char **argv)
{
        struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        const union MHD_DaemonInfo *info;
        struct MHD_Daemon *d;
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        FILE *f;
        int wait_s = 5;

        if (argc != 3) {
                fprintf(stderr, "usage: %s PORT FILE\n", argv[0]);
                return 2;
        }
        if (!(f = fopen(argv[2], "rb"))) {
                perror(argv[2]);
                return 1;
        }
        doc_len = fread(doc, 1, sizeof(doc), f);
        fclose(f);
        sin.sin_port = htons((uint16_t)atoi(argv[1]));
        d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC |
                                     MHD_USE_ERROR_LOG | MHD_USE_TURBO,
                             0, NULL, NULL, answer, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
                             MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cpus > 1 ? cpus : 2),
                             MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024),
                             MHD_OPTION_CONNECTION_LIMIT, 8192u, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
                             MHD_OPTION_END);
        if (!d) {
                fprintf(stderr, "%s: cannot listen on 127.0.0.1:%s\n", argv[0], argv[1]);
                return 1;
        }
        if ((info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD)))
                (void)setsockopt(info->listen_fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &wait_s, sizeof(wait_s));
        for (;;)
                pause();
}
