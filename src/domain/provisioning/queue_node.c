/* The queue-node rule (queue_node.h). */
#include "domain/provisioning/queue_node.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "freeswitch/node.h"
#include "util/text.h"

#define MAX_NODES 64

/* FNV-1a over the tenant id's decimal text, a separator and the name,
 * then a 64-bit finalizer (splitmix64's) so that names differing in one
 * character score far apart. */
static uint64_t score(int64_t tenant_id, const char *name)
{
        char id[24];
        uint64_t h = 14695981039346656037ull;

        snprintf(id, sizeof(id), "%" PRId64 "|", tenant_id);
        for (const char *p = id; *p; p++)
                h = (h ^ (unsigned char)*p) * 1099511628211ull;
        for (const char *p = name; *p; p++)
                h = (h ^ (unsigned char)*p) * 1099511628211ull;
        h ^= h >> 30;
        h *= 0xbf58476d1ce4e5b9ull;
        h ^= h >> 27;
        h *= 0x94d049bb133111ebull;
        h ^= h >> 31;
        return h;
}

int queue_node_pick(int64_t tenant_id, const char *const *names, size_t n)
{
        int best = -1;
        uint64_t best_score = 0;

        for (size_t i = 0; i < n; i++) {
                uint64_t s = score(tenant_id, names[i]);

                if (best < 0 || s > best_score) {
                        best = (int)i;
                        best_score = s;
                }
        }
        return best;
}

void queue_node_default_name(const struct fs_node *node, char *ret, size_t size)
{
        /* a name too long for ret is cut (host names are short) */
        if (snprintf(ret, size, "%s:%u", node->host, node->port) >= (int)size)
                ret[size - 1] = '\0';
}

/* The default cluster's nodes: AGENTDESK_FS_ESL's. */
static size_t default_names(const struct app *app, char names[][STORE_SHORT_MAX], size_t max)
{
        struct fs_node nodes[MAX_NODES];
        int n = fs_nodes_parse(app->settings.fs_esl, "", "", nodes, (int)max);

        for (int k = 0; k < n; k++)
                queue_node_default_name(&nodes[k], names[k], STORE_SHORT_MAX);
        return n > 0 ? (size_t)n : 0;
}

enum result queue_node_of_cluster(struct app *app, struct store_conn *conn, int64_t cluster_id,
                                  int64_t tenant_id, char *ret, size_t size)
{
        char (*names)[STORE_SHORT_MAX] = calloc(MAX_NODES, sizeof(*names));
        const char *ptrs[MAX_NODES] = { 0 };
        size_t n = 0;
        enum result result = RESULT_OK;
        int k;

        if (!names)
                return RESULT_NOMEM;
        if (cluster_id == 0) {
                n = default_names(app, names, MAX_NODES);
        } else {
                struct store_node *nodes = calloc(MAX_NODES, sizeof(*nodes));
                size_t m = 0;

                if (!nodes) {
                        free(names);
                        return RESULT_NOMEM;
                }
                result = store_node_list(conn, cluster_id, nodes, MAX_NODES, &m);
                for (size_t i = 0; !result && i < m; i++)
                        if (nodes[i].status == CLUSTER_STATUS_ACTIVE)
                                text_copy(names[n++], STORE_SHORT_MAX, nodes[i].name);
                free(nodes);
        }
        for (size_t i = 0; i < n; i++)
                ptrs[i] = names[i];
        k = queue_node_pick(tenant_id, ptrs, n);
        if (!result)
                text_copy(ret, size, k < 0 ? "" : names[k]);
        free(names);
        return result;
}

enum result queue_node_of_tenant(struct app *app, struct store_conn *conn, int64_t tenant_id,
                                 char *ret, size_t size)
{
        struct store_tenant t;
        enum result result = store_tenant_get(conn, tenant_id, &t);

        if (result)
                return result;
        return queue_node_of_cluster(app, conn, t.cluster_id, tenant_id, ret, size);
}
