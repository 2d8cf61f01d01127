/*
 * An agent's queue status as the board tells it (domain/board/): the
 * QueueStatus of `agent.queue_status` with the activity the board keeps,
 * and the status mod_callcenter set itself (issue 19, "Who decides a
 * status") recorded with changed_by freeswitch. Called on the listener's
 * applier thread, in the batch's transaction.
 */
#ifndef AGENTDESK_DOMAIN_BOARD_STATUS_H
#define AGENTDESK_DOMAIN_BOARD_STATUS_H

#include <stdint.h>

#include "domain/core/app.h"
#include "store/store.h"

/* agent.queue_status of user_id as the store says it now, on its tenant's
 * admin stream and its own; missed_offers >= 0 with changed_by freeswitch. */
enum result board_publish_status(struct store_conn *conn, int64_t user_id, int64_t missed_offers,
                                 int64_t now);

/* mod_callcenter set user_id's status itself (after missed_offers missed
 * offers, < 0: unknown): stored with changed_by freeswitch, audited
 * (`agent.queue_status`, no user as actor), published, and an agent job
 * (FreeSWITCH already has it: the job finds nothing to change). */
enum result board_status_by_freeswitch(struct app *app, struct store_conn *conn,
                                       int64_t tenant_id, int64_t user_id,
                                       enum queue_status status, int64_t missed_offers,
                                       int64_t at);

#endif
