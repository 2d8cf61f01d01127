/*
 * The board's sink (see board.h): callcenter::info events and the re-read
 * of mod_callcenter, applied to the store in the listener's batches.
 *
 * What each CC-Action does (docs/freeswitch.md, "Queues: the events"):
 *   member-queue-start   a caller in (offered +1); -resume: in again
 *   agent-offering       its offer rings: trying, the agent named
 *   bridge-agent-start   answered (answered +1, wait += answered - joined);
 *                        the agent in a queue call; "Ready" ends
 *                        (ready_requested cleared, an agent job restores
 *                        its wrap_up_time)
 *   bridge-agent-fail    back to waiting
 *   bridge-agent-end     the agent in wrap-up until end + its wrap_up_s
 *                        (waiting when CC-Agent-Bridged is false)
 *   member-queue-end     the caller out (Cancel before an answer:
 *                        abandoned +1)
 *   agent-state-change   the agent's activity (Waiting during a wrap-up
 *                        keeps the wrap-up)
 *   agent-max-no-answer  remembered: the status change that follows is
 *                        mod_callcenter's
 *   agent-status-change  one that is not what the store says, and that
 *                        agentdesk cannot have sent (max-no-answer just
 *                        before; or no agent job pending and the store's
 *                        status older than the event), becomes the stored
 *                        status, changed_by freeswitch
 * Each batch ends with queue.live once per queue that moved and
 * agent.queue_status once per agent whose activity moved.
 */
#define LOG_MODULE "board"
#include "domain/board/board.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/events/events.h"
#include "domain/provisioning/jobs.h"
#include "domain/provisioning/queue_node.h"
#include "domain/queues/status.h"
#include "domain/switches/cluster.h"
#include "freeswitch/callcenter.h"
#include "util/log.h"
#include "util/text.h"

#define PENDING_MAX 64                   /* queues / agents remembered per batch */
#define NODE_CACHE 256                   /* tenants whose queue node is known */
#define NODE_CACHE_MS 5000
#define MISSES_MAX 64                    /* max-no-answer events remembered */
#define MISS_TTL_S 30

/* What one batch (one applier's connection) has moved so far. */
struct pending {
        struct store_conn *conn;
        int64_t queues[PENDING_MAX][2];  /* queue id, tenant id */
        size_t n_queues;
        int64_t users[PENDING_MAX][2];   /* user id, tenant id */
        size_t n_users;
};

struct node_verdict {
        int64_t tenant_id, cluster_id;
        char node[300];
        bool ours;
        int64_t until_ms;
};

struct miss {
        int64_t user_id;
        long count;
        int64_t at;
};

struct board {
        struct app *app;
        pthread_mutex_t lock;            /* guards all below */
        struct pending *pending;         /* one per applier connection seen */
        size_t n_pending;
        struct node_verdict cache[NODE_CACHE];
        size_t next_cache;
        struct miss misses[MISSES_MAX];
        size_t next_miss;
};

static int64_t mono_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct board *board_new(struct app *app)
{
        struct board *b = calloc(1, sizeof(*b));

        if (!b)
                return NULL;
        b->app = app;
        pthread_mutex_init(&b->lock, NULL);
        return b;
}

void board_free(struct board *b)
{
        if (!b)
                return;
        pthread_mutex_destroy(&b->lock);
        free(b->pending);
        free(b);
}

/* ---- what a batch moved ------------------------------------------------ */

/* The pending entry of conn (under the lock); NULL when out of memory. */
static struct pending *pending_of(struct board *b, struct store_conn *conn)
{
        for (size_t i = 0; i < b->n_pending; i++)
                if (b->pending[i].conn == conn)
                        return &b->pending[i];
        struct pending *g = realloc(b->pending, (b->n_pending + 1) * sizeof(*g));
        if (!g)
                return NULL;
        b->pending = g;
        memset(&g[b->n_pending], 0, sizeof(*g));
        g[b->n_pending].conn = conn;
        return &g[b->n_pending++];
}

static enum result publish_queue(struct store_conn *conn, int64_t queue_id, int64_t tenant_id)
{
        char data[64];

        snprintf(data, sizeof(data), "{\"queue_id\":%" PRId64 "}", queue_id);
        return events_append(conn, tenant_id, EVENT_QUEUE_LIVE, 0, data);
}

/* Adds id to set (n of PENDING_MAX); false when it is full. */
static bool set_add(int64_t set[][2], size_t *n, int64_t id, int64_t tenant_id)
{
        for (size_t i = 0; i < *n; i++)
                if (set[i][0] == id)
                        return true;
        if (*n == PENDING_MAX)
                return false;
        set[*n][0] = id;
        set[*n][1] = tenant_id;
        (*n)++;
        return true;
}

/* A queue's live picture moved: queue.live at the batch's end (at once
 * when the batch has moved too many queues to remember). */
static enum result queue_moved(struct board *b, struct store_conn *conn, int64_t queue_id,
                               int64_t tenant_id)
{
        struct pending *p;
        bool kept;

        pthread_mutex_lock(&b->lock);
        p = pending_of(b, conn);
        kept = p && set_add(p->queues, &p->n_queues, queue_id, tenant_id);
        pthread_mutex_unlock(&b->lock);
        return kept ? RESULT_OK : publish_queue(conn, queue_id, tenant_id);
}

/* An agent's activity or status moved: agent.queue_status at the batch's
 * end, and its queue's picture with it. */
static enum result agent_moved(struct board *b, struct store_conn *conn, int64_t user_id,
                               int64_t tenant_id, int64_t queue_id)
{
        struct pending *p;
        bool kept;
        enum result result = RESULT_OK;

        pthread_mutex_lock(&b->lock);
        p = pending_of(b, conn);
        kept = p && set_add(p->users, &p->n_users, user_id, tenant_id);
        pthread_mutex_unlock(&b->lock);
        if (!kept)
                result = queue_status_publish(conn, user_id);
        if (!result && queue_id)
                result = queue_moved(b, conn, queue_id, tenant_id);
        return result;
}

static enum result batch_end(void *userdata, struct store_conn *conn,
                             const struct live_node_ref *node)
{
        struct board *b = userdata;
        struct pending p = { 0 };
        enum result result = RESULT_OK;

        (void)node;
        pthread_mutex_lock(&b->lock);
        for (size_t i = 0; i < b->n_pending; i++)
                if (b->pending[i].conn == conn) {
                        p = b->pending[i];
                        b->pending[i].n_queues = 0;
                        b->pending[i].n_users = 0;
                }
        pthread_mutex_unlock(&b->lock);
        for (size_t i = 0; !result && i < p.n_users; i++)
                result = queue_status_publish(conn, p.users[i][0]);
        for (size_t i = 0; !result && i < p.n_queues; i++)
                result = publish_queue(conn, p.queues[i][0], p.queues[i][1]);
        return result;
}

/* ---- whose word counts ------------------------------------------------- */

/* Whether node is the queue node of tenant_id (remembered a few seconds:
 * the rule reads the cluster's nodes). */
static enum result is_queue_node(struct board *b, struct store_conn *conn, int64_t tenant_id,
                                 const struct live_node_ref *node, bool *ret)
{
        int64_t now = mono_ms();
        struct store_tenant t;
        char name[STORE_SHORT_MAX] = "";
        enum result result;
        bool ours = false;

        pthread_mutex_lock(&b->lock);
        for (size_t i = 0; i < NODE_CACHE; i++) {
                const struct node_verdict *v = &b->cache[i];
                if (v->tenant_id == tenant_id && v->cluster_id == node->cluster_id &&
                    v->until_ms > now && !strcmp(v->node, node->node)) {
                        *ret = v->ours;
                        pthread_mutex_unlock(&b->lock);
                        return RESULT_OK;
                }
        }
        pthread_mutex_unlock(&b->lock);
        result = store_tenant_get(conn, tenant_id, &t);
        if (!result && t.cluster_id == node->cluster_id)
                result = queue_node_of_cluster(b->app, conn, t.cluster_id, tenant_id, name,
                                               sizeof(name));
        if (!result && name[0] && t.cluster_id == node->cluster_id) {
                if (t.cluster_id == 0) {
                        ours = !strcmp(name, node->node);
                } else {
                        struct store_node *nodes = calloc(CLUSTER_MAX_NODES, sizeof(*nodes));
                        size_t m = 0;
                        if (!nodes)
                                return RESULT_NOMEM;
                        result = store_node_list(conn, t.cluster_id, nodes, CLUSTER_MAX_NODES, &m);
                        for (size_t i = 0; !result && i < m; i++) {
                                char hp[300];
                                snprintf(hp, sizeof(hp), "%s:%" PRId64, nodes[i].esl_host,
                                         nodes[i].esl_port);
                                if (!strcmp(nodes[i].name, name))
                                        ours = !strcmp(hp, node->node);
                        }
                        free(nodes);
                }
        }
        if (result == RESULT_NOT_FOUND)
                result = RESULT_OK;   /* a tenant gone: not ours */
        if (result)
                return result;
        pthread_mutex_lock(&b->lock);
        struct node_verdict *v = &b->cache[b->next_cache++ % NODE_CACHE];
        v->tenant_id = tenant_id;
        v->cluster_id = node->cluster_id;
        text_copy(v->node, sizeof(v->node), node->node);
        v->ours = ours;
        v->until_ms = now + NODE_CACHE_MS;
        pthread_mutex_unlock(&b->lock);
        *ret = ours;
        return RESULT_OK;
}

/* The queue of name if it is agentdesk's and node speaks for it: *ret_id
 * 0 otherwise. */
static enum result queue_of(struct board *b, struct store_conn *conn,
                            const struct live_node_ref *node, const char *name, int64_t *ret_id,
                            int64_t *ret_tenant)
{
        int64_t id = fs_cc_queue_id(name);
        bool ours = false;
        enum result result;

        *ret_id = 0;
        if (!id)
                return RESULT_OK;
        result = store_board_queue_tenant(conn, id, ret_tenant);
        if (result == RESULT_NOT_FOUND)
                return RESULT_OK;     /* deleted meanwhile */
        if (!result)
                result = is_queue_node(b, conn, *ret_tenant, node, &ours);
        if (!result && ours)
                *ret_id = id;
        return result;
}

/* The same for an agent u<id>. */
static enum result agent_of(struct board *b, struct store_conn *conn,
                            const struct live_node_ref *node, const char *name, int64_t *ret_id,
                            int64_t *ret_tenant)
{
        int64_t id = fs_cc_agent_id(name);
        bool ours = false;
        enum result result;

        *ret_id = 0;
        if (!id)
                return RESULT_OK;
        result = store_board_user_tenant(conn, id, ret_tenant);
        if (result == RESULT_NOT_FOUND)
                return RESULT_OK;
        if (!result)
                result = is_queue_node(b, conn, *ret_tenant, node, &ours);
        if (!result && ours)
                *ret_id = id;
        return result;
}

/* ---- agents ------------------------------------------------------------ */

static bool activity_of_state(const char *state, enum queue_activity *ret)
{
        static const struct {
                const char *name;
                enum queue_activity activity;
        } states[] = {
                { "Idle", QUEUE_ACTIVITY_IDLE },
                { "Waiting", QUEUE_ACTIVITY_WAITING },
                { "Receiving", QUEUE_ACTIVITY_RECEIVING },
                { "In a queue call", QUEUE_ACTIVITY_IN_QUEUE_CALL },
        };

        for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
                if (!strcmp(state, states[i].name)) {
                        *ret = states[i].activity;
                        return true;
                }
        return false;
}

/* Sets an agent's activity; moved (agent.queue_status) when its state or
 * wrap-up changed. queue_id 0 keeps the one it had. */
static enum result set_activity(struct board *b, struct store_conn *conn, int64_t user_id,
                                int64_t tenant_id, enum queue_activity state, int64_t since,
                                int64_t wrap_up_ends_at, int64_t queue_id)
{
        struct store_board_activity a, old;
        enum result result = store_board_activity_get(conn, user_id, &old);
        bool known = result == RESULT_OK;

        if (result && result != RESULT_NOT_FOUND)
                return result;
        a = (struct store_board_activity){ .user_id = user_id, .tenant_id = tenant_id,
                                           .state = state, .since = since,
                                           .wrap_up_ends_at = wrap_up_ends_at,
                                           .queue_id = queue_id ? queue_id
                                                                : (known ? old.queue_id : 0) };
        if (known && old.state == a.state && old.wrap_up_ends_at == a.wrap_up_ends_at &&
            old.queue_id == a.queue_id)
                return RESULT_OK;   /* nothing the board shows moved */
        result = store_board_activity_put(conn, &a);
        if (!result)
                result = agent_moved(b, conn, user_id, tenant_id, a.queue_id);
        return result;
}

/* Remembers max-no-answer's count for the status change that follows. */
static void miss_note(struct board *b, int64_t user_id, long count, int64_t at)
{
        pthread_mutex_lock(&b->lock);
        struct miss *m = &b->misses[b->next_miss++ % MISSES_MAX];
        m->user_id = user_id;
        m->count = count;
        m->at = at;
        pthread_mutex_unlock(&b->lock);
}

/* The count max-no-answer said for user_id lately, taken (0: none). */
static long miss_take(struct board *b, int64_t user_id, int64_t now)
{
        long count = 0;

        pthread_mutex_lock(&b->lock);
        for (size_t i = 0; i < MISSES_MAX; i++) {
                struct miss *m = &b->misses[i];
                if (m->user_id == user_id && now - m->at <= MISS_TTL_S) {
                        count = m->count;
                        m->user_id = 0;
                }
        }
        pthread_mutex_unlock(&b->lock);
        return count;
}

/* agent-status-change: ours (what the store says), or mod_callcenter's. */
static enum result status_change(struct board *b, struct store_conn *conn, int64_t user_id,
                                 int64_t tenant_id, const char *fs_status, int64_t at)
{
        struct store_queue_agent st;
        enum queue_status status;
        bool on_demand = false;
        long missed = miss_take(b, user_id, at);
        enum result result;

        if (!fs_cc_status_parse(fs_status, &status, &on_demand))
                return RESULT_OK;
        result = store_queue_agent_get(conn, user_id, false, &st);
        if (result == RESULT_NOT_FOUND)
                return RESULT_OK;
        if (result || st.status == status)
                return result;   /* what agentdesk sent (or a repeat of it) */
        /* mod_callcenter changes a status itself only after max-no-answer.
         * Any other change that differs from the store may be one of ours
         * overtaken by a later change (a job pending, or one applied since
         * the event was sent: the store's change is not older than the
         * event): only one made well after what the store says, with
         * nothing pending, is someone else's (a hand on the node). */
        if (!missed && ((st.stored && st.provisioning == JOBS_STATE_PENDING) || at <= st.since + 1))
                return RESULT_OK;
        LOG_INFO("agent %" PRId64 ": mod_callcenter set it %s itself (%ld missed offers)", user_id,
                 fs_status, missed);
        result = queue_status_set_by_freeswitch(b->app, conn, tenant_id, user_id, status,
                                                missed ? missed : -1);
        /* a suspended agent stays logged out: the job in flight says so */
        return result == RESULT_AGENT_SUSPENDED ? RESULT_OK : result;
}

/* "Ready" (queues/status.h): the agent's wrap_up_time was 0 on FreeSWITCH
 * until this queue call; an agent job gives it back the one in force. */
static enum result ready_restore(struct board *b, struct store_conn *conn, int64_t tenant_id,
                                 int64_t user_id)
{
        struct store_queue_agent st;
        enum result result = store_queue_agent_get(conn, user_id, false, &st);

        if (result == RESULT_NOT_FOUND || (!result && !st.ready_requested))
                return RESULT_OK;
        if (!result)
                result = store_queue_agent_set_ready(conn, user_id, false);
        if (!result)
                result = jobs_queue_queue(b->app, conn, tenant_id, FS_CHANGE_QUEUE_AGENT, user_id);
        return result;
}

/* ---- callers ----------------------------------------------------------- */

static int64_t day_of(int64_t epoch)
{
        return epoch / 86400;
}

static enum result count(struct store_conn *conn, int64_t queue_id, int64_t at,
                         struct store_board_day d)
{
        return store_board_day_add(conn, queue_id, day_of(at), &d);
}

static enum result caller_in(struct store_conn *conn, const struct live_node_ref *node,
                             const struct fs_callcenter *cc, int64_t queue_id, int64_t tenant_id,
                             int64_t at, bool resumed)
{
        struct store_board_caller c = { .queue_id = queue_id, .tenant_id = tenant_id,
                                        .joined_at = cc->joined_at ? cc->joined_at : at,
                                        .state = QUEUE_CALLER_WAITING,
                                        .cluster_id = node->cluster_id };
        enum result result;

        text_copy(c.member_uuid, sizeof(c.member_uuid), cc->member_uuid);
        text_copy(c.session_uuid, sizeof(c.session_uuid), cc->member_session_uuid);
        text_copy(c.caller_number, sizeof(c.caller_number), cc->caller_number);
        text_copy(c.caller_name, sizeof(c.caller_name), cc->caller_name);
        text_copy(c.node, sizeof(c.node), node->node);
        result = store_board_caller_put(conn, &c);
        if (!result && !resumed)
                result = count(conn, queue_id, at, (struct store_board_day){ .offered = 1 });
        return result;
}

/* Moves a known caller to state with agent (0: none); RESULT_OK when it
 * is not known (its start came before the last re-read's picture). */
static enum result caller_set(struct store_conn *conn, const char *member_uuid,
                              enum queue_caller_state state, int64_t agent_id,
                              const char *agent_uuid, struct store_board_caller *ret)
{
        enum result result = store_board_caller_get(conn, member_uuid, ret);

        if (result)
                return result;
        ret->state = state;
        ret->agent_user_id = agent_id;
        text_copy(ret->agent_uuid, sizeof(ret->agent_uuid), agent_uuid);
        return store_board_caller_put(conn, ret);
}

static enum result caller_out(struct store_conn *conn, const struct fs_callcenter *cc,
                              int64_t queue_id, int64_t at)
{
        struct store_board_caller c;
        enum result result = store_board_caller_get(conn, cc->member_uuid, &c);
        bool answered = !result && c.state == QUEUE_CALLER_ANSWERED;

        if (result && result != RESULT_NOT_FOUND)
                return result;
        result = store_board_caller_delete(conn, cc->member_uuid, NULL);
        /* Cancel: the caller hung up, or the queue let it go, before an
         * agent answered. */
        if (!result && !answered && !strcmp(cc->cause, "Cancel"))
                result = count(conn, queue_id, at, (struct store_board_day){ .abandoned = 1 });
        return result;
}

/* ---- events ------------------------------------------------------------ */

/* The agent's wrap-up in force: 0 while "Ready" is asked (FreeSWITCH has
 * wrap_up_time 0 then). */
static enum result wrap_up_of(struct store_conn *conn, int64_t user_id, int64_t *ret)
{
        struct store_queue_agent st;
        enum result result = store_queue_agent_get(conn, user_id, false, &st);

        *ret = result || st.ready_requested ? 0 : st.wrap_up_s;
        return result == RESULT_NOT_FOUND ? RESULT_OK : result;
}

static enum result on_agent_event(struct board *b, struct store_conn *conn,
                                  const struct live_node_ref *node, const struct fs_callcenter *cc,
                                  int64_t at)
{
        int64_t user_id, tenant_id, queue_id = 0, qtenant;
        enum queue_activity state;
        enum result result = agent_of(b, conn, node, cc->agent, &user_id, &tenant_id);

        if (result || !user_id)
                return result;
        if (cc->queue[0])
                result = queue_of(b, conn, node, cc->queue, &queue_id, &qtenant);
        if (!result && queue_id && qtenant != tenant_id)
                queue_id = 0;   /* never another tenant's queue */
        if (result)
                return result;
        switch (cc->action) {
        case FS_CC_AGENT_STATE_CHANGE: {
                struct store_board_activity old;
                if (!activity_of_state(cc->agent_state, &state))
                        return RESULT_OK;
                result = store_board_activity_get(conn, user_id, &old);
                if (result && result != RESULT_NOT_FOUND)
                        return result;
                /* mod_callcenter says Waiting as a queue call ends; the
                 * wrap-up that follows is the board's to show. */
                if (!result && state == QUEUE_ACTIVITY_WAITING &&
                    old.state == QUEUE_ACTIVITY_WRAP_UP && old.wrap_up_ends_at > at)
                        return RESULT_OK;
                return set_activity(b, conn, user_id, tenant_id, state, at, 0, 0);
        }
        case FS_CC_AGENT_STATUS_CHANGE:
                return status_change(b, conn, user_id, tenant_id, cc->agent_status, at);
        case FS_CC_AGENT_MAX_NO_ANSWER:
                miss_note(b, user_id, cc->no_answer_count, at);
                return RESULT_OK;
        case FS_CC_BRIDGE_AGENT_START:
                result = set_activity(b, conn, user_id, tenant_id, QUEUE_ACTIVITY_IN_QUEUE_CALL,
                                      cc->answered_at ? cc->answered_at : at, 0, queue_id);
                if (!result)
                        result = ready_restore(b, conn, tenant_id, user_id);
                return result;
        case FS_CC_BRIDGE_AGENT_END: {
                int64_t wrap = 0, end = cc->leaving_at ? cc->leaving_at : at;
                /* not bridged (the caller hung up between the agent's answer
                 * and the bridge): mod_callcenter sets no last_bridge_end,
                 * so no wrap-up follows and the agent is offered at once */
                result = cc->not_bridged ? RESULT_OK : wrap_up_of(conn, user_id, &wrap);
                if (!result)
                        result = set_activity(b, conn, user_id, tenant_id,
                                              wrap > 0 ? QUEUE_ACTIVITY_WRAP_UP
                                                       : QUEUE_ACTIVITY_WAITING,
                                              end, wrap > 0 ? end + wrap : 0, queue_id);
                return result;
        }
        case FS_CC_AGENT_OFFERING:
                return set_activity(b, conn, user_id, tenant_id, QUEUE_ACTIVITY_RECEIVING, at, 0,
                                    queue_id);
        default:
                return RESULT_OK;
        }
}

static enum result on_caller_event(struct board *b, struct store_conn *conn,
                                   const struct live_node_ref *node,
                                   const struct fs_callcenter *cc, int64_t at)
{
        struct store_board_caller c;
        int64_t queue_id, tenant_id, agent_id = 0, atenant;
        enum result result = queue_of(b, conn, node, cc->queue, &queue_id, &tenant_id);

        if (result || !queue_id || !cc->member_uuid[0])
                return result;
        if (cc->agent[0]) {
                agent_id = fs_cc_agent_id(cc->agent);
                if (agent_id && (store_board_user_tenant(conn, agent_id, &atenant) != RESULT_OK ||
                                 atenant != tenant_id))
                        agent_id = 0;
        }
        switch (cc->action) {
        case FS_CC_MEMBER_QUEUE_START:
        case FS_CC_MEMBER_QUEUE_RESUME:
                result = caller_in(conn, node, cc, queue_id, tenant_id, at,
                                   cc->action == FS_CC_MEMBER_QUEUE_RESUME);
                break;
        case FS_CC_AGENT_OFFERING:
                result = caller_set(conn, cc->member_uuid, QUEUE_CALLER_TRYING, agent_id, "", &c);
                break;
        case FS_CC_BRIDGE_AGENT_START:
                result = caller_set(conn, cc->member_uuid, QUEUE_CALLER_ANSWERED, agent_id,
                                    cc->agent_uuid, &c);
                if (!result) {
                        int64_t joined = cc->joined_at ? cc->joined_at : c.joined_at;
                        int64_t answered = cc->answered_at ? cc->answered_at : at;
                        result = count(conn, queue_id, at,
                                       (struct store_board_day){
                                               .answered = 1,
                                               .wait_s = answered > joined ? answered - joined : 0 });
                }
                break;
        case FS_CC_BRIDGE_AGENT_FAIL:
                result = caller_set(conn, cc->member_uuid, QUEUE_CALLER_WAITING, 0, "", &c);
                break;
        case FS_CC_MEMBER_QUEUE_END:
                result = caller_out(conn, cc, queue_id, at);
                break;
        default:
                return RESULT_OK;
        }
        if (result == RESULT_NOT_FOUND)
                result = RESULT_OK;   /* a caller from before the picture: nothing to move */
        if (!result)
                result = queue_moved(b, conn, queue_id, tenant_id);
        return result;
}

static enum result callcenter_event(void *userdata, struct store_conn *conn,
                                    const struct live_node_ref *node, const struct fs_event *ev)
{
        struct board *b = userdata;
        const struct fs_callcenter *cc = &ev->u.cc;
        int64_t at = ev->timestamp_us > 0 ? ev->timestamp_us / 1000000 : store_now();
        enum result result = RESULT_OK;

        switch (cc->action) {
        case FS_CC_MEMBER_QUEUE_START:
        case FS_CC_MEMBER_QUEUE_RESUME:
        case FS_CC_MEMBER_QUEUE_END:
                return on_caller_event(b, conn, node, cc, at);
        case FS_CC_AGENT_OFFERING:
        case FS_CC_BRIDGE_AGENT_START:
        case FS_CC_BRIDGE_AGENT_FAIL:
                result = on_caller_event(b, conn, node, cc, at);
                if (!result)
                        result = on_agent_event(b, conn, node, cc, at);
                return result;
        case FS_CC_BRIDGE_AGENT_END:
        case FS_CC_AGENT_STATE_CHANGE:
        case FS_CC_AGENT_STATUS_CHANGE:
        case FS_CC_AGENT_MAX_NO_ANSWER:
                return on_agent_event(b, conn, node, cc, at);
        case FS_CC_OTHER:
                break;
        }
        return RESULT_OK;
}

/* ---- after a (re)connect ----------------------------------------------- */

static bool caller_state_of(const char *s, enum queue_caller_state *ret)
{
        if (!strcmp(s, "Waiting"))
                *ret = QUEUE_CALLER_WAITING;
        else if (!strcmp(s, "Trying"))
                *ret = QUEUE_CALLER_TRYING;
        else if (!strcmp(s, "Answered"))
                *ret = QUEUE_CALLER_ANSWERED;
        else
                return false;   /* Abandoned, Unknown: not in the queue */
        return true;
}

static enum result resync_callers(struct board *b, struct store_conn *conn,
                                  const struct live_node_ref *node, const struct live_cc_state *cc)
{
        struct store_board_caller *stored = NULL;
        size_t n = 0;
        enum result result = store_board_callers_of_node(conn, node->cluster_id, node->node,
                                                         &stored, &n);

        /* Gone during the gap: out of the picture (not counted: whether
         * an agent answered them is not known). */
        for (size_t i = 0; !result && i < n; i++) {
                bool kept = false;
                enum queue_caller_state st;
                for (size_t k = 0; k < cc->n_members && !kept; k++)
                        kept = !strcmp(cc->members[k].uuid, stored[i].member_uuid) &&
                               caller_state_of(cc->members[k].state, &st);
                if (kept)
                        continue;
                result = store_board_caller_delete(conn, stored[i].member_uuid, NULL);
                if (!result)
                        result = queue_moved(b, conn, stored[i].queue_id, stored[i].tenant_id);
        }
        free(stored);
        for (size_t k = 0; !result && k < cc->n_members; k++) {
                const struct live_cc_member *m = &cc->members[k];
                struct store_board_caller c = { .joined_at = m->joined_at,
                                                .cluster_id = node->cluster_id },
                                          old;
                char name[FS_CC_NAME_MAX];
                int64_t atenant;
                if (!caller_state_of(m->state, &c.state))
                        continue;
                fs_cc_queue_name(m->queue_id, name);
                result = queue_of(b, conn, node, name, &c.queue_id, &c.tenant_id);
                if (result || !c.queue_id)
                        continue;
                if (m->agent_id && store_board_user_tenant(conn, m->agent_id, &atenant) == RESULT_OK &&
                    atenant == c.tenant_id)
                        c.agent_user_id = m->agent_id;
                text_copy(c.member_uuid, sizeof(c.member_uuid), m->uuid);
                text_copy(c.session_uuid, sizeof(c.session_uuid), m->session_uuid);
                text_copy(c.caller_number, sizeof(c.caller_number), m->caller_number);
                text_copy(c.caller_name, sizeof(c.caller_name), m->caller_name);
                text_copy(c.node, sizeof(c.node), node->node);
                result = store_board_caller_get(conn, c.member_uuid, &old);
                if (result == RESULT_NOT_FOUND) {
                        result = RESULT_OK;
                } else if (!result) {
                        text_copy(c.agent_uuid, sizeof(c.agent_uuid), old.agent_uuid);
                        if (old.state == c.state && old.agent_user_id == c.agent_user_id &&
                            old.queue_id == c.queue_id)
                                continue;   /* as it was */
                }
                if (!result)
                        result = store_board_caller_put(conn, &c);
                if (!result)
                        result = queue_moved(b, conn, c.queue_id, c.tenant_id);
        }
        return result;
}

static enum result resync_agents(struct board *b, struct store_conn *conn,
                                 const struct live_node_ref *node, const struct live_cc_state *cc)
{
        int64_t now = store_now();
        enum result result = RESULT_OK;

        for (size_t k = 0; !result && k < cc->n_agents; k++) {
                const struct live_cc_agent *a = &cc->agents[k];
                char name[FS_CC_NAME_MAX];
                int64_t user_id, tenant_id, since, ends = 0;
                enum queue_activity state;
                if (!activity_of_state(a->state, &state))
                        continue;
                fs_cc_agent_name(a->user_id, name);
                result = agent_of(b, conn, node, name, &user_id, &tenant_id);
                if (result || !user_id)
                        continue;
                since = a->last_status_change;
                if (state == QUEUE_ACTIVITY_IN_QUEUE_CALL)
                        since = a->last_bridge_start;
                else if (state == QUEUE_ACTIVITY_RECEIVING)
                        since = a->last_offered_call;
                else if (state == QUEUE_ACTIVITY_WAITING && a->last_bridge_end > since)
                        since = a->last_bridge_end;
                if (state == QUEUE_ACTIVITY_WAITING && a->wrap_up_time > 0 &&
                    a->last_bridge_end + a->wrap_up_time > now) {
                        state = QUEUE_ACTIVITY_WRAP_UP;
                        ends = a->last_bridge_end + a->wrap_up_time;
                }
                result = set_activity(b, conn, user_id, tenant_id, state, since ? since : now, ends,
                                      0);
        }
        return result;
}

static enum result callcenter_resync(void *userdata, struct store_conn *conn,
                                     const struct live_node_ref *node,
                                     const struct live_cc_state *cc)
{
        struct board *b = userdata;
        enum result result;

        if (!cc->known)
                return RESULT_OK;   /* no mod_callcenter on the node: nothing to say */
        result = resync_callers(b, conn, node, cc);
        if (!result)
                result = resync_agents(b, conn, node, cc);
        return result;
}

struct live_sink board_sink(struct board *b)
{
        return (struct live_sink){
                .callcenter_event = callcenter_event,
                .callcenter_resync = callcenter_resync,
                .batch_end = batch_end,
                .userdata = b,
        };
}
