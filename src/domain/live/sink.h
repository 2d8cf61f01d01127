/*
 * What the FreeSWITCH listener (domain/live/) hands on besides the
 * registrations it keeps itself: each node's channel events and
 * mod_callcenter's callcenter::info events, in the order the node sent
 * them, and after every (re)connect the node's channels and mod_callcenter's
 * callers and agents, so that a consumer (the call records of
 * domain/calls/, the board of domain/board/) starts from the node's truth
 * after a gap. The listener calls a sink on its applier
 * thread only, one batch at a time, with conn inside the batch's open
 * transaction: the sink writes its rows (and appends its events) there,
 * and a failure it returns rolls the whole batch back.
 *
 * `serve` wires the sinks (cli/serve.c), each called in turn: the listener
 * does not know who consumes its channels. A sink leaves NULL what it
 * does not consume.
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

/* mod_callcenter's state on a node, read after a (re)connect: the callers
 * of agentdesk's queues (`callcenter_config queue list members q<id>` of
 * each q<id> the node holds) and agentdesk's agents (`agent list`, the
 * rows named u<id>). Times are epoch seconds, 0 when none. */
struct live_cc_member {
        int64_t queue_id;                /* q<id> */
        char uuid[64];                   /* the member uuid (CC-Member-UUID) */
        char session_uuid[64];
        char caller_number[64];
        char caller_name[128];
        int64_t joined_at;
        char state[32];                  /* mod_callcenter's: Waiting, Trying, Answered, … */
        int64_t agent_id;                /* serving_agent u<id>; 0 */
        int64_t bridge_at;
};

struct live_cc_agent {
        int64_t user_id;                 /* u<id> */
        char status[32];                 /* "On Break" */
        char state[32];                  /* "Waiting", "In a queue call" */
        int64_t last_bridge_end;
        int64_t wrap_up_time;            /* seconds */
        int64_t last_status_change;
        int64_t last_offered_call;
        int64_t last_bridge_start;
};

struct live_cc_state {
        bool known;                      /* false: mod_callcenter did not answer (not loaded) */
        struct live_cc_member *members;
        size_t n_members;
        struct live_cc_agent *agents;
        size_t n_agents;
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
        /* One callcenter::info event (ev->kind FS_EVENT_CALLCENTER) of node. */
        enum result (*callcenter_event)(void *userdata, struct store_conn *conn,
                                        const struct live_node_ref *node, const struct fs_event *ev);
        /* After a (re)connect: mod_callcenter's callers and agents on node
         * now (cc->known false when it did not answer). */
        enum result (*callcenter_resync)(void *userdata, struct store_conn *conn,
                                         const struct live_node_ref *node,
                                         const struct live_cc_state *cc);
        /* Last in every batch (before its commit): what the sink gathered
         * over the batch (coalesced events) goes out now. */
        enum result (*batch_end)(void *userdata, struct store_conn *conn,
                                 const struct live_node_ref *node);
        void *userdata;
};

#endif
