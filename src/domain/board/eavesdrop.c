/*
 * Listening in (POST /v1/admin/queues/{id}/eavesdrop; see board.h):
 * FreeSWITCH calls the supervisor's extension on the tenant's queue node
 * (the node that holds the call) and, once answered, runs mod_dptools'
 * `eavesdrop` on the agent's leg of the queue call, which the board knows
 * from bridge-agent-start (CC-Agent-UUID). The mode is where it starts;
 * the supervisor's DTMF changes it (2 whisper, 1 listen, 3 barge, 0 back):
 *   listen   hears both, says nothing
 *   whisper  the agent hears the supervisor (mixed into the agent's leg's
 *            write: eavesdrop_whisper_bleg)
 *   barge    both hear the supervisor (read and write)
 * The command is `bgapi originate`: the request returns once FreeSWITCH
 * took it, not when the supervisor answers. The supervisor's leg needs no
 * force_transfer_context (the agent's leg of a queue call does, see
 * freeswitch/callcenter.h): it is bridged to nothing (eavesdrop is a media
 * bug, no signal_bond), so sofia refuses a blind REFER from it ("Cannot
 * Blind Transfer 1 Legged calls") and no REFER transfers it.
 */
#define LOG_MODULE "board"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/board/board.h"
#include "domain/core/audit.h"
#include "domain/provisioning/queue_node.h"
#include "domain/provisioning/realm.h"
#include "domain/switches/cluster.h"
#include "freeswitch/esl.h"
#include "util/log.h"
#include "util/text.h"

#define CONNECT_TIMEOUT_MS 2000
#define COMMAND_TIMEOUT_MS 3000

static const char *const mode_names[] = { "listen", "whisper", "barge" };

bool board_eavesdrop_mode_parse(const char *s, enum board_eavesdrop_mode *ret)
{
        int i = text_index(mode_names, sizeof(mode_names) / sizeof(mode_names[0]), s);

        if (i < 0)
                return false;
        *ret = (enum board_eavesdrop_mode)i;
        return true;
}

/* The agent's leg of an answered call of queue_id, into leg. */
static enum result agent_leg(struct store_conn *conn, int64_t queue_id, int64_t agent_id,
                             char leg[64])
{
        struct store_board_caller *c = NULL;
        size_t n = 0;
        enum result result = store_board_callers(conn, queue_id, 10000, &c, &n);

        leg[0] = '\0';
        for (size_t i = 0; !result && i < n && !leg[0]; i++)
                if (c[i].state == QUEUE_CALLER_ANSWERED && c[i].agent_user_id == agent_id &&
                    text_word_valid(c[i].agent_uuid))
                        text_copy(leg, 64, c[i].agent_uuid);
        free(c);
        return result ? result : leg[0] ? RESULT_OK : RESULT_NOT_FOUND;
}

/* The supervisor's extension: want among theirs, or their first. */
static enum result own_extension(struct store_conn *conn, int64_t user_id, const char *want,
                                 char ext[16])
{
        struct store_extension *e = calloc(STORE_MAX_EXTENSIONS_PER_USER, sizeof(*e));
        size_t n = 0;
        enum result result;

        if (!e)
                return RESULT_NOMEM;
        result = store_extensions_of_user(conn, user_id, e, &n);
        ext[0] = '\0';
        for (size_t i = 0; !result && i < n && !ext[0]; i++)
                if (!want || !strcmp(want, e[i].extension))
                        text_copy(ext, 16, e[i].extension);
        free(e);
        return result ? result : ext[0] ? RESULT_OK : RESULT_CONFLICT;
}

/* The Event Socket of the tenant's queue node, connected. */
static enum result queue_node_connect(struct app *app, struct store_conn *conn,
                                      const struct store_tenant *t, char *realm, size_t realm_size,
                                      struct esl_conn **ret)
{
        char name[STORE_SHORT_MAX], host_port[300] = "", error[200] = "";
        struct cluster *c = NULL;
        enum result result = queue_node_of_cluster(app, conn, t->cluster_id, t->id, name,
                                                   sizeof(name));

        if (!result && !name[0])
                result = RESULT_IO;   /* the cluster has no active node */
        if (!result && t->cluster_id == 0) {
                text_copy(host_port, sizeof(host_port), name);
        } else if (!result) {
                struct store_node *nodes = calloc(CLUSTER_MAX_NODES, sizeof(*nodes));
                size_t m = 0;
                if (!nodes)
                        return RESULT_NOMEM;
                result = store_node_list(conn, t->cluster_id, nodes, CLUSTER_MAX_NODES, &m);
                for (size_t i = 0; !result && i < m; i++)
                        if (!strcmp(nodes[i].name, name))
                                snprintf(host_port, sizeof(host_port), "%s:%" PRId64,
                                         nodes[i].esl_host, nodes[i].esl_port);
                free(nodes);
        }
        if (!result)
                result = cluster_open(app, t->cluster_id, &c);
        if (result)
                return result;
        text_copy(realm, realm_size, realm_effective(app, t->sip_domain, c->sip_domain));
        result = RESULT_IO;
        for (int i = 0; i < c->n_nodes; i++) {
                char hp[300];
                snprintf(hp, sizeof(hp), "%s:%u", c->nodes[i].host, c->nodes[i].port);
                if (strcmp(hp, host_port))
                        continue;
                result = esl_connect(c->nodes[i].host, c->nodes[i].port, c->nodes[i].password,
                                     CONNECT_TIMEOUT_MS, ret, error, sizeof(error));
                if (result)
                        LOG_WARN("eavesdrop: node %s: %s", hp, error);
                break;
        }
        cluster_close(c);
        return result;
}

enum result board_eavesdrop(struct app *app, const struct actor *actor, int64_t tenant_id,
                            int64_t queue_id, int64_t agent_id, enum board_eavesdrop_mode mode,
                            const char *extension)
{
        static const char *const vars[] = {
                "",
                ",eavesdrop_whisper_bleg=true",
                ",eavesdrop_whisper_aleg=true,eavesdrop_whisper_bleg=true",
        };
        struct store_conn *conn;
        struct store_tenant t;
        struct esl_conn *esl = NULL;
        char leg[64], ext[16], realm[256], cmd[1024], error[200] = "", id[24];
        int64_t owner = 0;
        enum result result = store_conn_get(app->store, &conn);

        if (!result)
                result = store_board_queue_tenant(conn, queue_id, &owner);
        if (!result && owner != tenant_id)
                result = RESULT_NOT_FOUND;
        if (!result)
                result = agent_leg(conn, queue_id, agent_id, leg);
        if (!result)
                result = own_extension(conn, actor->user_id, extension, ext);
        if (!result)
                result = store_tenant_get(conn, tenant_id, &t);
        if (!result)
                result = queue_node_connect(app, conn, &t, realm, sizeof(realm), &esl);
        if (result)
                return result;
        if (!text_sip_domain_valid(realm) || !text_word_valid(ext)) {
                esl_conn_free(esl);
                return RESULT_INVALID;
        }
        snprintf(cmd, sizeof(cmd),
                 "bgapi originate {origination_caller_id_name=eavesdrop,call_timeout=30%s}"
                 "user/%s@%s &eavesdrop(%s)",
                 vars[mode], ext, realm, leg);
        result = esl_command(esl, cmd, COMMAND_TIMEOUT_MS, error, sizeof(error));
        esl_conn_free(esl);
        if (result) {
                LOG_WARN("eavesdrop: %s", error[0] ? error : result_name(result));
                return RESULT_IO;
        }
        snprintf(id, sizeof(id), "%" PRId64, queue_id);
        result = store_begin(conn);
        if (!result)
                result = audit_record(conn, actor, tenant_id, "queue.eavesdrop", "user", agent_id,
                                      "queue_id", id, "mode", mode_names[mode], "extension", ext,
                                      (const char *)NULL);
        if (!result)
                result = store_commit(conn);
        if (result)
                store_rollback(conn);
        return result;
}
