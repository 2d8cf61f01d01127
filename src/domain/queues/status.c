/* Agents' queue statuses, settings, "Ready" and the cut-off; see status.h. */
#include "domain/queues/status.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/events/events.h"
#include "domain/provisioning/jobs.h"
#include "util/text.h"

void queue_status_view_free(struct queue_status_view *v)
{
        free(v->queues);
        free(v->break_reasons);
        v->queues = NULL;
        v->break_reasons = NULL;
        v->n_queues = v->n_break_reasons = 0;
}

/* Epoch seconds as ISO 8601 UTC into buf (a char[32]), or NULL for none. */
static const char *iso(int64_t epoch, char *buf)
{
        if (epoch <= 0)
                return NULL;
        text_time_iso(epoch, buf, 32);
        return buf;
}

static json_t *int_or_null(int64_t v)
{
        return v >= 0 ? json_integer(v) : json_null();
}

static json_t *activity_json(const struct store_queue_activity *act)
{
        char since[32], ends[32];

        if (!act->known)
                return json_null();
        return json_pack("{ss,ss?,ss?,so}", "state", act->state, "since", iso(act->since, since),
                         "wrap_up_ends_at", iso(act->wrap_up_ends_at, ends), "queue_id",
                         act->queue_id ? json_integer(act->queue_id) : json_null());
}

struct json_t *queue_status_json(const struct store_queue_agent *a)
{
        bool by_freeswitch = a->changed_by == QUEUE_ACTOR_FREESWITCH;
        char since[32];

        return json_pack("{sI,ss,so,ss?,ss,so,ss,so,sI,sI,so,so,sb,so}", "agent_id",
                         (json_int_t)a->user_id, "status", queue_status_name(a->status), "reason",
                         a->status == QUEUE_STATUS_ON_BREAK && a->reason[0] ? json_string(a->reason)
                                                                            : json_null(),
                         "since", iso(a->since, since), "changed_by",
                         queue_actor_name(a->changed_by), "missed_offers",
                         by_freeswitch ? int_or_null(a->missed_offers) : json_null(),
                         "provisioning", jobs_state_name(a->provisioning), "provisioning_error",
                         a->provisioning_error[0] ? json_string(a->provisioning_error)
                                                  : json_null(),
                         "wrap_up_s", (json_int_t)a->wrap_up_s, "max_no_answer",
                         (json_int_t)a->max_no_answer, "wrap_up_s_own",
                         int_or_null(a->wrap_up_s_own), "max_no_answer_own",
                         int_or_null(a->max_no_answer_own), "ready_requested",
                         a->ready_requested, "activity", activity_json(&a->activity));
}

enum result queue_status_publish(struct store_conn *conn, int64_t user_id)
{
        struct store_agent_queue *queues = NULL;
        struct store_queue_agent a;
        json_t *ids = json_array();
        enum result result;
        size_t n = 0;
        json_t *o;
        char *text;

        result = store_queue_agent_queues(conn, user_id, &queues, &n);
        if (!result)
                result = store_queue_agent_get(conn, user_id, false, &a);
        if (result) {
                free(queues);
                json_decref(ids);
                return result;
        }
        /* the queues it is a member of now: an open desk reads its list
         * again when they differ from what it shows */
        for (size_t i = 0; ids && i < n; i++)
                json_array_append_new(ids, json_integer(queues[i].id));
        free(queues);
        o = queue_status_json(&a);
        if (o && ids)
                json_object_set(o, "queue_ids", ids);
        json_decref(ids);
        text = o && ids ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(o);
        if (!text)
                return RESULT_NOMEM;
        result = events_append(conn, a.tenant_id, EVENT_AGENT_QUEUE_STATUS, user_id, text);
        free(text);
        if (!result)
                result = events_append_presence(conn, a.tenant_id, user_id);
        return result;
}

/* The agent user_id as tenant_id may see it: a live user of that tenant. */
static enum result load(struct store_conn *conn, int64_t tenant_id, int64_t user_id, bool lock,
                        struct store_queue_agent *ret)
{
        enum result result = store_queue_agent_get(conn, user_id, lock, ret);

        if (result)
                return result;
        if (!tenant_id || ret->tenant_id != tenant_id || ret->user_status == USER_STATUS_DELETED)
                return RESULT_NOT_FOUND;
        return RESULT_OK;
}

/* Begins a transaction on the calling thread's connection (*ret_conn) and
 * reads the agent with its lock (store_queue_agent_get); on failure
 * nothing is left open. */
static enum result begin_locked(struct app *app, int64_t tenant_id, int64_t user_id,
                                struct store_conn **ret_conn, struct store_queue_agent *ret)
{
        enum result result = store_conn_get(app->store, ret_conn);

        if (!result)
                result = store_begin(*ret_conn);
        if (result)
                return result;
        result = load(*ret_conn, tenant_id, user_id, true, ret);
        if (result)
                store_rollback(*ret_conn);
        return result;
}

static bool suspended(const struct store_queue_agent *a)
{
        return a->user_status != USER_STATUS_ACTIVE || a->tenant_status != TENANT_STATUS_ACTIVE;
}

/* The tenant's break reasons (the defaults when it stored none) into
 * *ret_names (calloc'd). */
static enum result break_reasons(struct store_conn *conn, int64_t tenant_id,
                                 char (**ret_names)[STORE_BREAK_REASON_SIZE], size_t *ret_n)
{
        enum result result;

        *ret_n = 0;
        *ret_names = calloc(STORE_BREAK_REASONS_MAX, sizeof(**ret_names));
        if (!*ret_names)
                return RESULT_NOMEM;
        result = store_break_reasons(conn, tenant_id, *ret_names, ret_n);
        if (result) {
                free(*ret_names);
                *ret_names = NULL;
        }
        return result;
}

/* What GET answers: the agent (already loaded, or read now) with its
 * queues and break reasons. */
static enum result view(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                        struct queue_status_view *ret)
{
        struct queue_status_view v = { 0 };
        enum result result = load(conn, tenant_id, user_id, false, &v.agent);

        if (!result)
                result = store_queue_agent_queues(conn, user_id, &v.queues, &v.n_queues);
        if (!result)
                result = break_reasons(conn, tenant_id, &v.break_reasons, &v.n_break_reasons);
        if (result) {
                queue_status_view_free(&v);
                return result;
        }
        *ret = v;
        return RESULT_OK;
}

enum result queue_status_get(struct app *app, int64_t tenant_id, int64_t user_id,
                             struct queue_status_view *ret)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : view(conn, tenant_id, user_id, ret);
}

/* FreeSWITCH and the streams are told of a change of the agent, in conn's
 * transaction: an agent job, then the event (showing the provisioning
 * state the job left). */
static enum result tell(struct app *app, struct store_conn *conn, int64_t tenant_id,
                        int64_t user_id)
{
        enum result result = jobs_queue_queue(app, conn, tenant_id, FS_CHANGE_QUEUE_AGENT, user_id);

        return result ? result : queue_status_publish(conn, user_id);
}

/* Ends the change (jobs_finish) and reads the view after it. */
static enum result finish(struct app *app, struct store_conn *conn, enum result result,
                          int64_t tenant_id, int64_t user_id, struct queue_status_view *ret)
{
        result = jobs_finish(app, conn, result);
        return result ? result : view(conn, tenant_id, user_id, ret);
}

/* Who a change by actor counts as, on user_id. */
static enum queue_actor actor_of(const struct actor *actor, int64_t user_id)
{
        if (!actor || actor->kind != ACTOR_KIND_USER)
                return QUEUE_ACTOR_SYSTEM;
        if (actor->user_id == user_id)
                return QUEUE_ACTOR_AGENT;
        switch (actor->role) {
        case USER_ROLE_SUPERADMIN:
                return QUEUE_ACTOR_SUPERADMIN;
        case USER_ROLE_ADMIN:
                return QUEUE_ACTOR_ADMIN;
        case USER_ROLE_SUPERVISOR:
                return QUEUE_ACTOR_SUPERVISOR;
        case USER_ROLE_AGENT:
                break;
        }
        return QUEUE_ACTOR_AGENT;
}

/*
 * Records the status of a (loaded with its lock in conn's transaction):
 * the row, the audit entry by actor (details: changed_by, from, to,
 * reason, missed_offers), the agent job and then the event, which shows
 * the provisioning state the job left.
 */
static enum result record(struct app *app, struct store_conn *conn, const struct actor *actor,
                          const struct store_queue_agent *a, enum queue_status status,
                          const char *reason, enum queue_actor by, int64_t missed_offers)
{
        char missed[24];
        bool same = a->status == status && strcmp(a->reason, reason ? reason : "") == 0;
        struct store_queue_status_change c = {
                .tenant_id = a->tenant_id,
                .user_id = a->user_id,
                .status = status,
                .reason = reason,
                .since = same ? a->since : store_now(),
                .changed_by = by,
                .changed_by_user_id = actor && actor->kind == ACTOR_KIND_USER ? actor->user_id : 0,
                .missed_offers = missed_offers,
        };
        enum result result;

        snprintf(missed, sizeof(missed), "%" PRId64, missed_offers);
        result = store_queue_agent_set_status(conn, &c);
        if (!result)
                result = audit_record(conn, actor, a->tenant_id, "agent.queue_status", "user",
                                      a->user_id, "changed_by", queue_actor_name(by), "from",
                                      queue_status_name(a->status), "to",
                                      queue_status_name(status), "reason",
                                      reason && reason[0] ? reason : NULL, "missed_offers",
                                      missed_offers >= 0 ? missed : NULL, NULL);
        if (!result)
                result = tell(app, conn, a->tenant_id, a->user_id);
        return result;
}

/* Whether reason is one of the tenant's break reasons. */
static enum result reason_known(struct store_conn *conn, int64_t tenant_id, const char *reason,
                                bool *ret_known)
{
        char (*names)[STORE_BREAK_REASON_SIZE] = NULL;
        size_t n = 0;
        enum result result = break_reasons(conn, tenant_id, &names, &n);

        *ret_known = false;
        for (size_t i = 0; !result && i < n; i++)
                if (strcmp(names[i], reason) == 0)
                        *ret_known = true;
        free(names);
        return result;
}

enum result queue_status_set(struct app *app, const struct actor *actor, int64_t tenant_id,
                             int64_t user_id, const char *status, const char *reason,
                             struct queue_status_view *ret, const char **ret_field)
{
        struct store_queue_agent a;
        struct store_conn *conn;
        enum queue_status next;
        bool known = false;
        enum result result;

        if (!status || !queue_status_parse(status, &next)) {
                *ret_field = "status";
                return RESULT_INVALID;
        }
        /* A reason only with on_break, and then one of the list. */
        if ((next == QUEUE_STATUS_ON_BREAK) != (reason != NULL)) {
                *ret_field = "reason";
                return RESULT_INVALID;
        }
        result = begin_locked(app, tenant_id, user_id, &conn, &a);
        if (result)
                return result;
        if (suspended(&a))
                result = RESULT_AGENT_SUSPENDED;
        if (!result && reason)
                result = reason_known(conn, tenant_id, reason, &known);
        if (!result && reason && !known) {
                *ret_field = "reason";
                result = RESULT_INVALID;
        }
        if (!result)
                result = record(app, conn, actor, &a, next, reason, actor_of(actor, user_id), -1);
        return finish(app, conn, result, tenant_id, user_id, ret);
}

enum result queue_status_set_settings(struct app *app, const struct actor *actor,
                                      int64_t tenant_id, int64_t user_id,
                                      const struct queue_settings_patch *patch,
                                      struct queue_status_view *ret)
{
        char wrap[24], max[24];
        struct store_queue_agent a;
        struct store_conn *conn;
        int64_t wrap_up_s, max_no_answer;
        enum result result;

        result = begin_locked(app, tenant_id, user_id, &conn, &a);
        if (result)
                return result;
        if (!patch->set_wrap_up_s && !patch->set_max_no_answer) {   /* nothing to change */
                store_rollback(conn);
                return view(conn, tenant_id, user_id, ret);
        }
        wrap_up_s = patch->set_wrap_up_s ? patch->wrap_up_s : a.wrap_up_s_own;
        max_no_answer = patch->set_max_no_answer ? patch->max_no_answer : a.max_no_answer_own;
        snprintf(wrap, sizeof(wrap), "%" PRId64, wrap_up_s);
        snprintf(max, sizeof(max), "%" PRId64, max_no_answer);
        result = store_queue_agent_set_settings(conn, tenant_id, user_id, wrap_up_s, max_no_answer);
        if (!result)
                result = audit_record(conn, actor, tenant_id, "agent.queue_settings", "user",
                                      user_id, "wrap_up_s", wrap_up_s >= 0 ? wrap : "default",
                                      "max_no_answer", max_no_answer >= 0 ? max : "default", NULL);
        if (!result)
                result = tell(app, conn, tenant_id, user_id);
        return finish(app, conn, result, tenant_id, user_id, ret);
}

enum result queue_status_ready(struct app *app, int64_t tenant_id, int64_t user_id,
                               struct queue_status_view *ret)
{
        struct store_queue_agent a;
        struct store_conn *conn;
        enum result result;

        result = begin_locked(app, tenant_id, user_id, &conn, &a);
        if (result)
                return result;
        if (suspended(&a) || a.status != QUEUE_STATUS_AVAILABLE || a.ready_requested) {
                store_rollback(conn);
                return view(conn, tenant_id, user_id, ret);
        }
        result = store_queue_agent_set_ready(conn, user_id, true);
        if (!result)
                result = tell(app, conn, tenant_id, user_id);
        return finish(app, conn, result, tenant_id, user_id, ret);
}

enum result queue_status_set_by_freeswitch(struct app *app, struct store_conn *conn,
                                           int64_t tenant_id, int64_t user_id,
                                           enum queue_status status, int64_t missed_offers)
{
        struct store_queue_agent a;
        enum result result = load(conn, tenant_id, user_id, true, &a);

        if (result)
                return result;
        if (suspended(&a))
                return RESULT_AGENT_SUSPENDED;
        if (a.status == status)
                return RESULT_OK;
        return record(app, conn, NULL, &a, status, NULL, QUEUE_ACTOR_FREESWITCH, missed_offers);
}

enum result queue_status_cut_off(struct app *app, struct store_conn *conn,
                                 const struct actor *actor, int64_t tenant_id, int64_t user_id)
{
        struct store_agent_queue *queues = NULL;
        struct store_queue_agent a;
        size_t n_queues = 0;
        enum result result = store_queue_agent_get(conn, user_id, true, &a);

        if (result)
                return result;
        if (a.tenant_id != tenant_id)
                return RESULT_NOT_FOUND;
        if (a.status != QUEUE_STATUS_LOGGED_OUT)
                return record(app, conn, actor, &a, QUEUE_STATUS_LOGGED_OUT, NULL,
                              QUEUE_ACTOR_SYSTEM, -1);
        /* Already logged out here: FreeSWITCH is told again all the same
         * (a deleted agent's mod_callcenter agent goes) wherever it may
         * know the agent: it has a row, or is a member of a queue. */
        if (a.stored)
                return tell(app, conn, tenant_id, user_id);
        result = store_queue_agent_queues(conn, user_id, &queues, &n_queues);
        free(queues);
        if (result || n_queues == 0)
                return result;
        /* nothing moves that a stream shows */
        return jobs_queue_queue(app, conn, tenant_id, FS_CHANGE_QUEUE_AGENT, user_id);
}

enum result queue_status_cut_off_tenant(struct app *app, struct store_conn *conn,
                                        const struct actor *actor, int64_t tenant_id)
{
        int64_t *ids = NULL;
        size_t n = 0;
        enum result result = store_queue_agents_signed_in(conn, tenant_id, &ids, &n);

        for (size_t i = 0; !result && i < n; i++)
                result = queue_status_cut_off(app, conn, actor, tenant_id, ids[i]);
        free(ids);
        return result;
}
