/*
 * Each agent's status for queue calls, as agentdesk decides it
 * (docs/ARCHITECTURE.md, "Queues"; openapi.yaml QueueStatus): logged out,
 * available, or on break with one of the tenant's break reasons; who set
 * it (the agent, a supervisor, admin or superadmin of its tenant,
 * FreeSWITCH, or agentdesk itself at a suspension); the agent's own
 * wrap-up time and no-answer limit (else the tenant's); and "Ready", the
 * end of after-call work the agent asked for.
 *
 * Every change is one transaction (the caller's, for the functions that
 * take a conn) that writes the agent's queue_agents row, its audit entry
 * (`agent.queue_status`, `agent.queue_settings`), an agent.queue_status
 * event (on the tenant's admin stream and the agent's own /v1/me/events)
 * and an agent job (FS_CHANGE_QUEUE_AGENT: FreeSWITCH is made to match
 * what the store says when the job runs, so the last change wins).
 *
 * States: an agent without a row is logged_out. available and on_break
 * are set by a person; FreeSWITCH's own change (max no-answer → the
 * queue's agent-no-answer-status) by queue_status_set_by_freeswitch; a
 * suspension or deletion of the agent and a suspension of its tenant log
 * it out (changed_by system), and while suspended nobody can set another
 * status (RESULT_AGENT_SUSPENDED). Reactivating leaves it logged out.
 */
#ifndef AGENTDESK_DOMAIN_QUEUES_STATUS_H
#define AGENTDESK_DOMAIN_QUEUES_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/core/app.h"
#include "store/store.h"

/* jansson's object (json_t), for the folders that may include jansson. */
struct json_t;

/* What QueueStatusResponse shows: the agent's status, its queues and its
 * tenant's break reasons (the defaults when it has stored none). Free the
 * arrays with queue_status_view_free. */
struct queue_status_view {
        struct store_queue_agent agent;
        struct store_agent_queue *queues;
        size_t n_queues;
        char (*break_reasons)[STORE_BREAK_REASON_SIZE];
        size_t n_break_reasons;
};

void queue_status_view_free(struct queue_status_view *v);

/*
 * The QueueStatus JSON of a (openapi.yaml), a new reference (NULL when out
 * of memory): agent_id, status, reason (null unless on break), since,
 * changed_by, missed_offers (changed_by freeswitch only, else null),
 * provisioning and its error, wrap_up_s / max_no_answer in force and the
 * agent's own (null: the tenant's), ready_requested, and activity: what
 * mod_callcenter says the agent does now, rendered from a->activity when
 * a->activity.known, else null. The board (domain/board/) fills
 * a->activity before it composes: from its own columns, which it reads in
 * store_queue_agent_get (store/queue_agents.c) once its migration adds
 * them, or from what it holds in memory; everyone else composes with what
 * the store read.
 */
struct json_t *queue_status_json(const struct store_queue_agent *a);

/* In conn's open transaction: agent.queue_status of user user_id as the
 * store says it now (activity as store_queue_agent_get reads it), with
 * `queue_ids` (the queues it is a member of), on its tenant's admin
 * stream and the agent's own stream. The reconciler calls it when a job's
 * outcome moves the agent's provisioning; a members change for each agent
 * that joined or left. */
enum result queue_status_publish(struct store_conn *conn, int64_t user_id);

/* The agent user_id of tenant_id (any live user of the tenant: agent,
 * supervisor or admin; RESULT_NOT_FOUND for another tenant's, a deleted
 * one, a superadmin). */
enum result queue_status_get(struct app *app, int64_t tenant_id, int64_t user_id,
                             struct queue_status_view *ret);

/*
 * Sets the status of user_id of tenant_id by actor (the agent itself:
 * changed_by agent; else the actor's role) from the request's words:
 * status "available", "on_break" (reason required: one of the tenant's
 * break reasons, exactly) or "logged_out"; reason NULL when absent.
 * RESULT_INVALID (ret_field "status" or "reason"), RESULT_NOT_FOUND,
 * RESULT_AGENT_SUSPENDED (the agent or its tenant suspended); nothing
 * written on failure. The same status and reason again keeps `since` and
 * is still recorded (audit, event, job: FreeSWITCH is told again).
 * *ret: the view after the change.
 */
enum result queue_status_set(struct app *app, const struct actor *actor, int64_t tenant_id,
                             int64_t user_id, const char *status, const char *reason,
                             struct queue_status_view *ret, const char **ret_field);

/* The agent's own settings: each field given (set_…) takes its value, or
 * the tenant's default with a value < 0 (JSON null). Audited
 * (`agent.queue_settings`), an event and an agent job; with no field
 * given nothing is written. RESULT_NOT_FOUND. */
struct queue_settings_patch {
        bool set_wrap_up_s, set_max_no_answer;
        int64_t wrap_up_s, max_no_answer;
};
enum result queue_status_set_settings(struct app *app, const struct actor *actor,
                                      int64_t tenant_id, int64_t user_id,
                                      const struct queue_settings_patch *patch,
                                      struct queue_status_view *ret);

/*
 * "Ready": the agent asks to end its after-call work now. mod_callcenter
 * has no command for it, so while ready_requested is set the agent job
 * gives the agent wrap_up_time 0 on FreeSWITCH; the board clears it at the
 * agent's next bridge-agent-start (store_queue_agent_set_ready false and
 * another agent job), which restores the wrap-up time in force. Recorded
 * only while the agent is available and has not asked already (an event
 * and an agent job); otherwise it changes nothing. *ret: the view.
 */
enum result queue_status_ready(struct app *app, int64_t tenant_id, int64_t user_id,
                               struct queue_status_view *ret);

/*
 * In the caller's open transaction (the board's): FreeSWITCH changed the
 * agent's status itself (an agent-status-change agentdesk did not send:
 * after missed_offers missed offers, the queue's agent-no-answer-status).
 * Recorded with changed_by freeswitch (no reason; missed_offers < 0:
 * unknown), audited with no user as actor, an event and an agent job.
 * Nothing is written when the status is the one stored (RESULT_OK), nor
 * for a suspended agent or tenant (RESULT_AGENT_SUSPENDED: agentdesk keeps
 * it logged out; the transaction stays usable); RESULT_NOT_FOUND for a
 * user who is not tenant_id's.
 */
enum result queue_status_set_by_freeswitch(struct app *app, struct store_conn *conn,
                                           int64_t tenant_id, int64_t user_id,
                                           enum queue_status status, int64_t missed_offers);

/*
 * The cut-off, in the caller's open transaction, after it suspended or
 * deleted user_id of tenant_id (actor: who did it): the agent is logged
 * out of queues (changed_by system, audited with actor, an event) unless
 * it already was, and an agent job is queued (it sets Logged Out on
 * FreeSWITCH, hangs up a queue offer ringing, and deletes the
 * mod_callcenter agent of a deleted user) — for an agent already logged
 * out too, wherever FreeSWITCH may know it (it has a queue_agents row or
 * is a member of a queue); an agent that never touched queues gets none.
 */
enum result queue_status_cut_off(struct app *app, struct store_conn *conn,
                                 const struct actor *actor, int64_t tenant_id, int64_t user_id);

/* The cut-off of every agent of tenant_id not logged out, in the caller's
 * open transaction, after it suspended the tenant. */
enum result queue_status_cut_off_tenant(struct app *app, struct store_conn *conn,
                                        const struct actor *actor, int64_t tenant_id);

#endif
