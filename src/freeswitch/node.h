/*
 * What one FreeSWITCH node says about itself over the Event Socket: the
 * health line of `status`, the state of the sofia profile (from the
 * `sofia status` listing) and its registration count (`sofia status
 * profile <p> reg`; the core `show registrations` table is not used: it
 * does not see flush_inbound_reg, FreeSWITCH issue #1869).
 */
#ifndef AGENTDESK_FREESWITCH_NODE_H
#define AGENTDESK_FREESWITCH_NODE_H

#include <stdbool.h>

#include "util/result.h"

struct fs_node {
        char host[256];
        unsigned port;
        const char *password;            /* borrowed */
        const char *profile;             /* borrowed, e.g. "internal" */
};

struct fs_node_status {
        bool reachable;
        char error[160];                 /* "" when all went well */
        char version[128];               /* "1.11.1-release git c2c5964 …" */
        char uptime[128];                /* "0 years, 0 days, 0 hours, …" */
        char profile_state[64];          /* "RUNNING (0)", "" when absent */
        long registrations;              /* -1 when unknown */
        char *reg_body;                  /* the reg listing, when asked to keep it; caller frees */
};

/* Parses "host:port[,host:port…]" into at most max nodes sharing password
 * and profile. Returns the count, or -1 when malformed. */
int fs_nodes_parse(const char *list, const char *password, const char *profile,
                   struct fs_node *ret, int max);

/* Asks node, all within timeout_ms, and fills *ret (always). Returns
 * RESULT_OK when the node answered every question, else the first
 * failure (its reason in ret->error). */
enum result fs_node_probe(const struct fs_node *node, int timeout_ms, bool keep_reg_body,
                          struct fs_node_status *ret);

/* Probes n nodes at once (one thread each), so that one hanging node
 * costs timeout_ms, not n times it. With keep_reg_body, each ret[i].reg_body
 * holds the registration listing (NULL when none); free them. */
void fs_nodes_probe(const struct fs_node *nodes, int n, int timeout_ms, bool keep_reg_body,
                    struct fs_node_status *ret);

#endif
