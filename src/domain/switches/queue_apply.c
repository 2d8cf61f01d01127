/* The reconciler's queue work; see queue_apply.h. */
#define LOG_MODULE "reconciler"
#include "domain/switches/queue_apply.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/provisioning/queue_node.h"
#include "domain/provisioning/realm.h"
#include "freeswitch/callcenter.h"
#include "freeswitch/xml.h"
#include "util/log.h"
#include "util/text.h"

#define COMMAND_TIMEOUT_MS 3000
#define MAX_EXTENSIONS 32

/* Sends command; *ret_body (may be NULL: freed here) gets the answer.
 * A refusal is recorded in error ("command: first line"). */
static enum result send(struct queue_node_ctx *ctx, const char *command, char **ret_body,
                        char *error, size_t size)
{
        char *body = NULL;
        enum result result = esl_api(ctx->esl, command, COMMAND_TIMEOUT_MS, &body);

        if (result == RESULT_INVALID) {
                char line[160];

                text_copy(line, sizeof(line), body ? body : "");
                line[strcspn(line, "\r\n")] = '\0';
                snprintf(error, size, "%.200s: %.150s", command, line);
        } else if (result) {
                snprintf(error, size, "%.200s: %s", command,
                         result == RESULT_TIMEOUT ? "timed out" : "connection lost");
        }
        if (ret_body)
                *ret_body = body;
        else
                free(body);
        return result;
}

/* A table answer parsed. */
static enum result send_table(struct queue_node_ctx *ctx, const char *command,
                              struct fs_cc_table *ret, char *error, size_t size)
{
        char *body = NULL;
        enum result result = send(ctx, command, &body, error, size);

        if (!result) {
                result = fs_cc_table_parse(body, ret);
                if (result)
                        snprintf(error, size, "%.200s: not a table", command);
        }
        free(body);
        return result;
}

bool queue_apply_holds(const struct queue_node_ctx *ctx, int64_t tenant_id)
{
        int k = queue_node_pick(tenant_id, ctx->node_names, ctx->n_nodes);

        return k >= 0 && strcmp(ctx->node_names[k], ctx->node_name) == 0;
}

/* ---- agents */

/* Whether mod_callcenter holds u<id>; its status into status. */
static enum result agent_status(struct queue_node_ctx *ctx, int64_t user_id, bool *ret_exists,
                                char *status, size_t status_size, char *error, size_t size)
{
        char command[FS_CC_COMMAND_MAX], *body = NULL;
        enum result result;

        fs_cc_cmd_agent_get_status(command, user_id);
        result = esl_api(ctx->esl, command, COMMAND_TIMEOUT_MS, &body);
        *ret_exists = result == RESULT_OK;
        if (result == RESULT_INVALID)          /* -ERR Agent not found! */
                result = RESULT_OK;
        else if (result)
                snprintf(error, size, "%.200s: %s", command,
                         result == RESULT_TIMEOUT ? "timed out" : "connection lost");
        text_copy(status, status_size, body ? body : "");
        status[strcspn(status, "\r\n")] = '\0';
        free(body);
        return result;
}

/* One of mod_callcenter's listings, parsed. */
static enum result send_list(struct queue_node_ctx *ctx, enum fs_cc_list what, int64_t queue_id,
                             struct fs_cc_table *ret, char *error, size_t size)
{
        char command[FS_CC_COMMAND_MAX];

        fs_cc_cmd_list(command, what, queue_id);
        return send_table(ctx, command, ret, error, size);
}

/* Ends the agent's queue legs: an offer ringing, a queue call. */
static enum result agent_hangup(struct queue_node_ctx *ctx, int64_t user_id, char *error,
                                size_t size)
{
        char command[FS_CC_COMMAND_MAX];

        fs_cc_cmd_agent_hangup(command, user_id);
        return send(ctx, command, NULL, error, size);
}

/* Logged Out and no queue leg; deleted too when del. */
static enum result agent_off(struct queue_node_ctx *ctx, int64_t user_id, bool del, char *error,
                             size_t size)
{
        char command[FS_CC_COMMAND_MAX], status[64];
        bool exists = false;
        enum result result = agent_status(ctx, user_id, &exists, status, sizeof(status), error, size);

        if (result || !exists)
                return result;
        if (strcmp(status, fs_cc_status_name(QUEUE_STATUS_LOGGED_OUT)) != 0) {
                fs_cc_cmd_agent_status(command, user_id, QUEUE_STATUS_LOGGED_OUT);
                result = send(ctx, command, NULL, error, size);
        }
        if (!result)
                result = agent_hangup(ctx, user_id, error, size);
        if (!result && del) {
                fs_cc_cmd_agent_del(command, user_id);
                result = send(ctx, command, NULL, error, size);
        }
        return result;
}

/* The contact of a's extensions (its leg's transfers in a's tenant). */
static enum result agent_contact(struct queue_node_ctx *ctx, const struct store_cc_agent *a,
                                 struct fs_cc_contact *ret)
{
        char (*exts)[32] = calloc(MAX_EXTENSIONS, sizeof(*exts));
        const char *realm = realm_effective(ctx->app, a->tenant_domain, a->cluster_domain);
        size_t n = 0;
        enum result result;

        if (!exts)
                return RESULT_NOMEM;
        result = fs_cc_contact_init(ret, a->tenant_id, realm);
        if (!result)
                result = store_cc_agent_extensions(ctx->conn, a->user_id, exts, MAX_EXTENSIONS, &n);
        for (size_t i = 0; !result && i < n; i++)
                result = fs_cc_contact_add(ret, exts[i]);
        free(exts);
        return result;
}

/* u<user_id> made to match the store on this node. */
static enum result apply_agent(struct queue_node_ctx *ctx, int64_t user_id, char *error, size_t size)
{
        struct store_cc_agent a;
        struct fs_cc_contact contact;
        char command[FS_CC_COMMAND_MAX], status[64], number[24];
        bool exists = false, here, live, needed;
        enum result result = store_cc_agent_get(ctx->conn, user_id, &a);

        if (result == RESULT_NOT_FOUND)
                return agent_off(ctx, user_id, true, error, size);
        if (result)
                return result;
        here = a.cluster_id == ctx->cluster_id && queue_apply_holds(ctx, a.tenant_id);
        live = a.user_status == USER_STATUS_ACTIVE && a.tenant_status == TENANT_STATUS_ACTIVE;
        needed = a.n_queues > 0 || a.status != QUEUE_STATUS_LOGGED_OUT;
        if (!here || a.user_status == USER_STATUS_DELETED || !needed)
                return agent_off(ctx, user_id, true, error, size);
        if (!live)                       /* suspended: cut off, kept */
                return agent_off(ctx, user_id, false, error, size);
        result = agent_contact(ctx, &a, &contact);
        if (result) {
                snprintf(error, size, "u%" PRId64 ": its contact: %s", user_id, result_name(result));
                return result;
        }
        result = agent_status(ctx, user_id, &exists, status, sizeof(status), error, size);
        if (!result && !exists) {
                fs_cc_cmd_agent_add(command, user_id);
                result = send(ctx, command, NULL, error, size);
        }
        if (!result && (result = fs_cc_cmd_agent_set(command, user_id, "contact",
                                                     fs_cc_contact_text(&contact))) != RESULT_OK)
                snprintf(error, size, "u%" PRId64 ": its contact does not fit a command", user_id);
        else if (!result)
                result = send(ctx, command, NULL, error, size);
        snprintf(number, sizeof(number), "%" PRId64, a.max_no_answer);
        if (!result && !(result = fs_cc_cmd_agent_set(command, user_id, "max_no_answer", number)))
                result = send(ctx, command, NULL, error, size);
        snprintf(number, sizeof(number), "%" PRId64, a.wrap_up_s);
        if (!result && !(result = fs_cc_cmd_agent_set(command, user_id, "wrap_up_time", number)))
                result = send(ctx, command, NULL, error, size);
        /* the status only when it differs: setting it again would restart
         * mod_callcenter's time in status and fire a change */
        if (!result && strcmp(status, fs_cc_status_name(a.status)) != 0) {
                enum queue_status was;
                bool on_demand = false;

                fs_cc_cmd_agent_status(command, user_id, a.status);
                result = send(ctx, command, NULL, error, size);
                /* a break or a log-out ends an offer ringing */
                if (!result && a.status != QUEUE_STATUS_AVAILABLE &&
                    fs_cc_status_parse(status, &was, &on_demand) && was == QUEUE_STATUS_AVAILABLE)
                        result = agent_hangup(ctx, user_id, error, size);
        }
        return result;
}

/* ---- queues */

/* The callers waiting in q<id> let go: the exit key the dialplan entry
 * set (FSXML_QUEUE_EXIT_KEY), so each runs the rest of its entry. */
static enum result release_members(struct queue_node_ctx *ctx, int64_t queue_id, char *error,
                                   size_t size)
{
        char command[FS_CC_COMMAND_MAX];
        struct fs_cc_table t;
        enum result result;

        result = send_list(ctx, FS_CC_LIST_MEMBERS, queue_id, &t, error, size);
        for (size_t r = 0; !result && r < t.n_rows; r++) {
                const char *state = fs_cc_table_get(&t, r, "state");
                const char *uuid = fs_cc_table_get(&t, r, "session_uuid");

                if (!state || !uuid || !*uuid ||
                    (strcmp(state, "Waiting") != 0 && strcmp(state, "Trying") != 0))
                        continue;
                if (fs_cc_cmd_member_exit(command, uuid) != RESULT_OK)
                        continue;
                result = send(ctx, command, NULL, error, size);
                if (result == RESULT_INVALID)    /* the caller hung up meanwhile */
                        result = RESULT_OK;
        }
        fs_cc_table_free(&t);
        return result;
}

/* The tiers of q<id> as mod_callcenter holds them. */
static enum result queue_tiers(struct queue_node_ctx *ctx, int64_t queue_id, struct fs_cc_table *ret,
                               char *error, size_t size)
{
        return send_list(ctx, FS_CC_LIST_TIERS, queue_id, ret, error, size);
}

/* q<id> off this node: callers let go, tiers deleted, unloaded. Its
 * agents that are then in no queue follow (apply_agent). */
static enum result queue_off(struct queue_node_ctx *ctx, int64_t queue_id, char *error, size_t size)
{
        char command[FS_CC_COMMAND_MAX];
        struct fs_cc_table t = { 0 };
        enum result result = release_members(ctx, queue_id, error, size);

        if (!result)
                result = queue_tiers(ctx, queue_id, &t, error, size);
        for (size_t r = 0; !result && r < t.n_rows; r++) {
                int64_t user = fs_cc_agent_id(fs_cc_table_get(&t, r, "agent"));

                if (!user)
                        continue;
                fs_cc_cmd_tier_del(command, queue_id, user);
                result = send(ctx, command, NULL, error, size);
        }
        if (!result) {
                fs_cc_cmd_queue(command, FS_CC_QUEUE_UNLOAD, queue_id);
                result = send(ctx, command, NULL, error, size);
        }
        for (size_t r = 0; !result && r < t.n_rows; r++) {
                int64_t user = fs_cc_agent_id(fs_cc_table_get(&t, r, "agent"));

                if (user)
                        result = apply_agent(ctx, user, error, size);
        }
        fs_cc_table_free(&t);
        return result;
}

static const struct store_cc_member *member_of(const struct store_cc_member *m, size_t n,
                                               int64_t user_id)
{
        for (size_t i = 0; i < n; i++)
                if (m[i].user_id == user_id)
                        return &m[i];
        return NULL;
}

/* q<id> made to match the store on this node. */
static enum result apply_queue(struct queue_node_ctx *ctx, int64_t queue_id, char *error, size_t size)
{
        struct store_cc_queue q;
        struct store_cc_member *m = NULL;
        struct fs_cc_table t = { 0 };
        char command[FS_CC_COMMAND_MAX];
        size_t n = 0;
        enum result result = store_cc_queue_get(ctx->conn, queue_id, &q);

        if (result == RESULT_NOT_FOUND || (!result && (q.cluster_id != ctx->cluster_id ||
                                                       q.tenant_status != TENANT_STATUS_ACTIVE ||
                                                       !queue_apply_holds(ctx, q.tenant_id))))
                return queue_off(ctx, queue_id, error, size);
        if (result)
                return result;
        fs_cc_cmd_queue(command, FS_CC_QUEUE_RELOAD, queue_id);
        result = send(ctx, command, NULL, error, size);
        if (!result)
                result = store_cc_members(ctx->conn, queue_id, &m, &n);
        /* every member's agent first: a tier needs its agent */
        for (size_t i = 0; !result && i < n; i++)
                result = apply_agent(ctx, m[i].user_id, error, size);
        if (!result)
                result = queue_tiers(ctx, queue_id, &t, error, size);
        for (size_t r = 0; !result && r < t.n_rows; r++) {
                int64_t user = fs_cc_agent_id(fs_cc_table_get(&t, r, "agent"));
                const struct store_cc_member *want = member_of(m, n, user);
                const char *level = fs_cc_table_get(&t, r, "level");
                const char *position = fs_cc_table_get(&t, r, "position");

                if (!user)
                        continue;        /* made by hand: left */
                if (!want) {
                        fs_cc_cmd_tier_del(command, queue_id, user);
                        result = send(ctx, command, NULL, error, size);
                        if (!result)     /* maybe in no queue now */
                                result = apply_agent(ctx, user, error, size);
                        continue;
                }
                if (!level || strtoll(level, NULL, 10) != want->level) {
                        fs_cc_cmd_tier_set(command, "level", queue_id, user, want->level);
                        result = send(ctx, command, NULL, error, size);
                }
                if (!result && (!position || strtoll(position, NULL, 10) != want->position)) {
                        fs_cc_cmd_tier_set(command, "position", queue_id, user, want->position);
                        result = send(ctx, command, NULL, error, size);
                }
        }
        for (size_t i = 0; !result && i < n; i++) {
                bool held = false;

                for (size_t r = 0; r < t.n_rows && !held; r++)
                        held = fs_cc_agent_id(fs_cc_table_get(&t, r, "agent")) == m[i].user_id;
                if (held)
                        continue;
                fs_cc_cmd_tier_add(command, queue_id, m[i].user_id, m[i].level, m[i].position);
                result = send(ctx, command, NULL, error, size);
        }
        fs_cc_table_free(&t);
        free(m);
        return result;
}

enum result queue_apply_job(struct queue_node_ctx *ctx, const struct store_job *job,
                            char *ret_error, size_t error_size)
{
        ret_error[0] = '\0';
        if (job->kind == FS_CHANGE_QUEUE)
                return apply_queue(ctx, job->queue_id, ret_error, error_size);
        if (job->kind == FS_CHANGE_QUEUE_AGENT)
                return apply_agent(ctx, job->user_id, ret_error, error_size);
        snprintf(ret_error, error_size, "not a queue job");
        return RESULT_INVALID;
}

static bool in(const int64_t *ids, size_t n, int64_t id)
{
        for (size_t i = 0; i < n; i++)
                if (ids[i] == id)
                        return true;
        return false;
}

enum result queue_apply_node(struct queue_node_ctx *ctx, char *ret_error, size_t error_size)
{
        struct store_cc_queue *qs = NULL;
        int64_t *agents = NULL, *queue_ids = NULL;
        struct fs_cc_table t = { 0 };
        size_t n_queues = 0, n_agents = 0;
        enum result result;

        ret_error[0] = '\0';
        result = store_cc_queues(ctx->conn, 0, ctx->cluster_id, &qs, &n_queues);
        if (!result)
                result = store_cc_agent_ids(ctx->conn, ctx->cluster_id, &agents, &n_agents);
        if (!result && n_queues && !(queue_ids = calloc(n_queues, sizeof(*queue_ids))))
                result = RESULT_NOMEM;
        for (size_t i = 0; !result && i < n_queues; i++) {
                queue_ids[i] = qs[i].id;
                result = apply_queue(ctx, qs[i].id, ret_error, error_size);
        }
        for (size_t i = 0; !result && i < n_agents; i++)
                result = apply_agent(ctx, agents[i], ret_error, error_size);
        /* what the node holds that the store does not say */
        if (!result)
                result = send_list(ctx, FS_CC_LIST_QUEUES, 0, &t, ret_error, error_size);
        for (size_t r = 0; !result && r < t.n_rows; r++) {
                const char *name = fs_cc_table_get(&t, r, "name");
                int64_t id = fs_cc_queue_id(name);

                if (!id)
                        LOG_INFO("node %s holds queue '%.64s', not agentdesk's: left as it is",
                                 ctx->node_name, name ? name : "");
                else if (!in(queue_ids, n_queues, id))
                        result = queue_off(ctx, id, ret_error, error_size);
        }
        fs_cc_table_free(&t);
        if (!result)
                result = send_list(ctx, FS_CC_LIST_ALL_TIERS, 0, &t, ret_error, error_size);
        for (size_t r = 0; !result && r < t.n_rows; r++) {
                const char *queue = fs_cc_table_get(&t, r, "queue"), *agent = fs_cc_table_get(&t, r, "agent");
                int64_t q = fs_cc_queue_id(queue), u = fs_cc_agent_id(agent);
                char command[FS_CC_COMMAND_MAX];

                if (!q || !u) {
                        LOG_INFO("node %s holds tier %.64s/%.64s, not agentdesk's: left as it is",
                                 ctx->node_name, queue ? queue : "", agent ? agent : "");
                        continue;
                }
                if (in(queue_ids, n_queues, q))
                        continue;        /* apply_queue made it match */
                fs_cc_cmd_tier_del(command, q, u);
                result = send(ctx, command, NULL, ret_error, error_size);
        }
        fs_cc_table_free(&t);
        if (!result)
                result = send_list(ctx, FS_CC_LIST_AGENTS, 0, &t, ret_error, error_size);
        for (size_t r = 0; !result && r < t.n_rows; r++) {
                const char *name = fs_cc_table_get(&t, r, "name");
                int64_t id = fs_cc_agent_id(name);

                if (!id)
                        LOG_INFO("node %s holds agent '%.64s', not agentdesk's: left as it is",
                                 ctx->node_name, name ? name : "");
                else if (!in(agents, n_agents, id))
                        result = agent_off(ctx, id, true, ret_error, error_size);
        }
        fs_cc_table_free(&t);
        free(qs);
        free(agents);
        free(queue_ids);
        return result;
}
