/* Node probes; see node.h. */
#include "freeswitch/node.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "freeswitch/esl.h"
#include "util/config.h"
#include "util/text.h"

int fs_nodes_parse(const char *list, const char *password, const char *profile,
                   struct fs_node *ret, int max)
{
        char item[300];
        int n = 0;
        const char *p = list;

        while (*p) {
                size_t len = strcspn(p, ",");
                if (len == 0 || len >= sizeof(item) || n >= max)
                        return -1;
                memcpy(item, p, len);
                item[len] = '\0';
                if (!config_split_host_port(item, ret[n].host, sizeof(ret[n].host), &ret[n].port) ||
                    ret[n].port == 0)
                        return -1;
                ret[n].password = password;
                ret[n].profile = profile;
                n++;
                p += len;
                if (*p == ',')
                        p++;
        }
        return n;
}

/* Copies the rest of the line after prefix, when a line starts with it. */
static void line_after(const char *body, const char *prefix, char *out, size_t size)
{
        const char *p = strstr(body, prefix);

        out[0] = '\0';
        if (!p)
                return;
        p += strlen(prefix);
        size_t len = strcspn(p, "\r\n");
        if (len >= size)
                len = size - 1;
        memcpy(out, p, len);
        out[len] = '\0';
}

/* The State column of profile's row in `sofia status`: rows are
 * "Name \t Type \t Data \t State", padded with spaces. */
static void profile_state(const char *body, const char *profile, char *out, size_t size)
{
        out[0] = '\0';
        for (const char *line = body; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
                char row[512], *fields[4], *save = NULL, *f;
                size_t len = strcspn(line, "\n"), k = 0;
                if (len >= sizeof(row))
                        continue;
                memcpy(row, line, len);
                row[len] = '\0';
                for (f = strtok_r(row, "\t", &save); f && k < 4; f = strtok_r(NULL, "\t", &save)) {
                        while (*f == ' ')
                                f++;
                        fields[k++] = f;
                }
                if (k == 4 && strcmp(fields[0], profile) == 0 && strcmp(fields[1], "profile") == 0) {
                        text_copy(out, size, fields[3]);
                        return;
                }
        }
}

static int remaining(const struct timespec *start, int timeout_ms)
{
        struct timespec now;

        clock_gettime(CLOCK_MONOTONIC, &now);
        long spent = (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
        return spent >= timeout_ms ? 1 : timeout_ms - (int)spent;
}

enum result fs_node_probe(const struct fs_node *node, int timeout_ms, bool keep_reg_body,
                          struct fs_node_status *ret)
{
        struct esl_conn *conn = NULL;
        struct timespec start;
        char *body = NULL, command[128];
        enum result result;

        memset(ret, 0, sizeof(*ret));
        ret->registrations = -1;
        clock_gettime(CLOCK_MONOTONIC, &start);
        result = esl_connect(node->host, node->port, node->password, timeout_ms, &conn, ret->error,
                             sizeof(ret->error));
        if (result)
                return result;
        ret->reachable = true;

        result = esl_api(conn, "status", remaining(&start, timeout_ms), &body);
        if (result) {
                snprintf(ret->error, sizeof(ret->error), "status: %s", result_name(result));
                goto out;
        }
        line_after(body, "FreeSWITCH (Version ", ret->version, sizeof(ret->version));
        ret->version[strcspn(ret->version, ")")] = '\0';
        line_after(body, "UP ", ret->uptime, sizeof(ret->uptime));
        free(body);
        body = NULL;

        result = esl_api(conn, "sofia status", remaining(&start, timeout_ms), &body);
        if (result) {
                snprintf(ret->error, sizeof(ret->error), "sofia status: %s", result_name(result));
                goto out;
        }
        profile_state(body, node->profile, ret->profile_state, sizeof(ret->profile_state));
        free(body);
        body = NULL;
        if (!ret->profile_state[0]) {
                snprintf(ret->error, sizeof(ret->error), "sofia profile %.60s is not running",
                         node->profile);
                result = RESULT_NOT_FOUND;
                goto out;
        }

        snprintf(command, sizeof(command), "sofia status profile %s reg", node->profile);
        result = esl_api(conn, command, remaining(&start, timeout_ms), &body);
        if (result) {
                snprintf(ret->error, sizeof(ret->error), "%s: %s", command, result_name(result));
                goto out;
        }
        ret->registrations = esl_registration_count(body);
        if (keep_reg_body) {
                ret->reg_body = body;
                body = NULL;
        }
out:
        /* A node that stopped answering mid-way is not reachable; one that
         * answered a failure is. */
        if (result == RESULT_IO || result == RESULT_TIMEOUT || result == RESULT_PROTOCOL)
                ret->reachable = false;
        free(body);
        esl_conn_free(conn);
        return result;
}

struct probe_job {
        const struct fs_node *node;
        int timeout_ms;
        bool keep_reg_body;
        struct fs_node_status *status;
        pthread_t thread;
        bool started;
};

static void *probe_thread(void *arg)
{
        struct probe_job *job = arg;

        fs_node_probe(job->node, job->timeout_ms, job->keep_reg_body, job->status);
        return NULL;
}

void fs_nodes_probe(const struct fs_node *nodes, int n, int timeout_ms, bool keep_reg_body,
                    struct fs_node_status *ret)
{
        struct probe_job *jobs = calloc((size_t)n, sizeof(*jobs));

        for (int i = 0; i < n; i++) {
                if (!jobs) {
                        fs_node_probe(&nodes[i], timeout_ms, keep_reg_body, &ret[i]);
                        continue;
                }
                jobs[i] = (struct probe_job){ &nodes[i], timeout_ms, keep_reg_body, &ret[i], 0, false };
                jobs[i].started = pthread_create(&jobs[i].thread, NULL, probe_thread, &jobs[i]) == 0;
                if (!jobs[i].started)
                        fs_node_probe(&nodes[i], timeout_ms, keep_reg_body, &ret[i]);
        }
        for (int i = 0; jobs && i < n; i++)
                if (jobs[i].started)
                        pthread_join(jobs[i].thread, NULL);
        free(jobs);
}
