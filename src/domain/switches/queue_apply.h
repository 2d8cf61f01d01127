/*
 * The reconciler's queue work (docs/ARCHITECTURE.md, "Queues"): a queue
 * job (FS_CHANGE_QUEUE) or an agent job (FS_CHANGE_QUEUE_AGENT) applied on
 * its tenant's queue node, reading the store when it runs, so the last
 * change wins; and a node's whole queue state made to match the store (a
 * resync, a FreeSWITCH restart).
 *
 * A queue: `callcenter_config queue reload q<id>` (mod_callcenter fetches
 * it from the configuration binding, or from callcenter/q<id>.xml in the
 * push modes), its tiers made to match its members (compared with `queue
 * list tiers`), each member's agent made first. A queue that is gone (or
 * of a suspended tenant, or no longer on this node): its waiting callers
 * let go (each `uuid_recv_dtmf` of the exit key the dialplan set, so they
 * run the rest of the queue's dialplan entry: its timeout destination),
 * its tiers deleted, `queue unload`.
 *
 * An agent u<id>: added (Callback) when mod_callcenter lacks it, its
 * contact (freeswitch/callcenter.h), max_no_answer and wrap_up_time (the
 * tenant's defaults unless set), and its status when it differs. A
 * suspended agent (or tenant): Logged Out and `hupall` of its queue legs
 * (cc_agent u<id>, cc_side agent). An agent deleted, or in no queue and
 * logged out: the same, then `agent del`.
 */
#ifndef AGENTDESK_DOMAIN_QUEUE_APPLY_H
#define AGENTDESK_DOMAIN_QUEUE_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/core/app.h"
#include "freeswitch/esl.h"

/* What the work needs of the node it runs on. */
struct queue_node_ctx {
        struct app *app;
        struct store_conn *conn;
        struct esl_conn *esl;            /* logged in to the node */
        int64_t cluster_id;
        const char *node_name;           /* its name for the queue-node rule */
        const char *const *node_names;   /* every active node of the cluster */
        size_t n_nodes;
};

/* Applies job (a queue or queue-agent job) on the node of ctx, which the
 * caller picked as the job's tenant's queue node. RESULT_IO / TIMEOUT /
 * PROTOCOL: the connection broke; RESULT_INVALID: FreeSWITCH refused a
 * command (the command and its answer in ret_error). */
enum result queue_apply_job(struct queue_node_ctx *ctx, const struct store_job *job,
                            char *ret_error, size_t error_size);

/* The whole queue state of ctx's cluster on its node: the queues and
 * agents of every tenant whose queue node it is made to match the store;
 * every queue, agent and tier named q<id> / u<id> that it should not hold
 * removed; the others (made by hand, other names) logged and left. */
enum result queue_apply_node(struct queue_node_ctx *ctx, char *ret_error, size_t error_size);

/* Whether tenant_id's queue node is ctx's node. */
bool queue_apply_holds(const struct queue_node_ctx *ctx, int64_t tenant_id);

#endif
