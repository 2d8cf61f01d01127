/*
 * What the FreeSWITCH listener (domain/live/) hands on besides the
 * registrations it keeps itself: each node's channel events, in the order
 * the node sent them, and the node's channels after every (re)connect, so
 * that a consumer (the call records of domain/calls/) starts from the
 * node's truth after a gap. The listener calls a sink on its applier
 * thread only, one batch at a time, with conn inside the batch's open
 * transaction: the sink writes its rows (and appends its events) there,
 * and a failure it returns rolls the whole batch back.
 *
 * `serve` wires the sink (cli/serve.c): the listener does not know who
 * consumes its channels.
 */
#ifndef AGENTDESK_DOMAIN_LIVE_SINK_H
#define AGENTDESK_DOMAIN_LIVE_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "freeswitch/events.h"
#include "util/result.h"

struct store_conn;

/* The node an event came from. */
struct live_node_ref {
        int64_t cluster_id;              /* 0: the default cluster (settings) */
        const char *node;                /* "host:port", as configured */
};

struct live_sink {
        /* One CHANNEL_* event (ev->kind FS_EVENT_CHANNEL_*) of node. */
        enum result (*channel_event)(void *userdata, struct store_conn *conn,
                                     const struct live_node_ref *node, const struct fs_event *ev);
        /* After a (re)connect: every channel node has now (n may be 0).
         * What the sink holds open on node that is not among them ended
         * during the gap. */
        enum result (*channels_resync)(void *userdata, struct store_conn *conn,
                                       const struct live_node_ref *node,
                                       const struct fs_channel *channels, size_t n);
        void *userdata;
};

#endif
