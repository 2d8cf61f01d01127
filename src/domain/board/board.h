/*
 * The board: what mod_callcenter says as it happens (docs/ARCHITECTURE.md,
 * "board/"), for the supervisor board and the desk.
 *
 * The listener (domain/live/) hands the board each node's callcenter::info
 * events and, after every (re)connect, mod_callcenter's callers and agents
 * (a struct live_sink that serve wires in). On its applier thread, inside
 * the batch's transaction, the board keeps in the store (store/board.c)
 * the callers of each queue, each agent's activity and each queue's counts
 * of the UTC day, so that every agentdesk process answers /live, and
 * appends `queue.live` (at most one per queue per batch) and
 * `agent.queue_status` (when an agent's activity or status moved). Only a
 * tenant's queue node (domain/provisioning/queue_node.c) speaks for its
 * queues and agents: another node's word about them is ignored.
 *
 * It also carries out what the Decisions of issue 19 give it: a status
 * mod_callcenter set itself (after an agent's max_no_answer missed offers)
 * becomes the agent's stored status, audited with changed_by freeswitch;
 * "Ready"'s wrap_up_time of 0 is restored (an agent job) at the agent's
 * next bridge-agent-start; and a supervisor listens in (eavesdrop).
 */
#ifndef AGENTDESK_DOMAIN_BOARD_H
#define AGENTDESK_DOMAIN_BOARD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/core/app.h"
#include "domain/live/sink.h"
#include "store/store.h"

struct board;

/* The board's state across batches (what max-no-answer said, whose queue
 * node is whose); NULL when out of memory. */
struct board *board_new(struct app *app);
void board_free(struct board *b);

/* The sink serve hands the listener (userdata b, which outlives it). */
struct live_sink board_sink(struct board *b);

/*
 * GET /v1/admin/queues/{id}/live: the queue's QueueLive (openapi.yaml)
 * into *ret (caller decrefs), as of now. RESULT_NOT_FOUND when the queue
 * is not tenant_id's.
 */
enum result board_live(struct app *app, int64_t tenant_id, int64_t queue_id, json_t **ret);

/* The QueueActivity of an agent (openapi.yaml), or JSON null when
 * FreeSWITCH never said; now decides whether a wrap-up is over. */
json_t *board_activity_json(const struct store_board_activity *a, bool known, int64_t now);

/* Eavesdrop modes: the DTMF the supervisor starts with. */
enum board_eavesdrop_mode { BOARD_LISTEN, BOARD_WHISPER, BOARD_BARGE };

bool board_eavesdrop_mode_parse(const char *s, enum board_eavesdrop_mode *ret);

/*
 * POST /v1/admin/queues/{id}/eavesdrop: FreeSWITCH calls the supervisor's
 * extension (extension, or the first of theirs when NULL) on the tenant's
 * queue node and joins it to agent_id's leg of a call of this queue.
 * RESULT_NOT_FOUND: no such queue of the tenant, or the agent is in no
 * call of it; RESULT_CONFLICT: the supervisor has no such extension;
 * RESULT_IO: the node refused or is unreachable. Audited queue.eavesdrop.
 */
enum result board_eavesdrop(struct app *app, const struct actor *actor, int64_t tenant_id,
                            int64_t queue_id, int64_t agent_id, enum board_eavesdrop_mode mode,
                            const char *extension);

#endif
