/* An agent's queue status as the board tells it; see status.h. */
#include "domain/board/status.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/board/board.h"
#include "domain/core/audit.h"
#include "domain/events/events.h"
#include "domain/provisioning/jobs.h"
#include "util/text.h"

static json_t *time_json(int64_t epoch)
{
        char buf[32];

        text_time_iso(epoch, buf, sizeof(buf));
        return json_string(buf);
}

json_t *board_activity_json(const struct store_board_activity *a, bool known, int64_t now)
{
        enum queue_activity state;

        if (!known)
                return json_null();
        state = a->state;
        /* A wrap-up over (or ended early by "Ready") is waiting again. */
        if (state == QUEUE_ACTIVITY_WRAP_UP && a->wrap_up_ends_at <= now)
                state = QUEUE_ACTIVITY_WAITING;
        return json_pack("{ss,so,so,so}", "state", queue_activity_name(state), "since",
                         time_json(state == a->state ? a->since : a->wrap_up_ends_at),
                         "wrap_up_ends_at",
                         state == QUEUE_ACTIVITY_WRAP_UP ? time_json(a->wrap_up_ends_at)
                                                         : json_null(),
                         "queue_id", a->queue_id ? json_integer(a->queue_id) : json_null());
}

/* QueueStatus (openapi.yaml) of st with its activity. */
static json_t *status_json(const struct store_board_status *st,
                           const struct store_board_activity *a, bool known,
                           int64_t missed_offers, int64_t now)
{
        bool by_fs = st->found && !strcmp(st->changed_by, "freeswitch");

        return json_pack("{sI,ss,so,so,ss,so,ss,so,sI,sI,so,so,so}", "agent_id",
                         (json_int_t)st->user_id, "status", queue_status_name(st->status),
                         "reason",
                         st->status == QUEUE_STATUS_ON_BREAK && st->reason[0]
                                 ? json_string(st->reason)
                                 : json_null(),
                         "since", time_json(st->since), "changed_by",
                         st->found && st->changed_by[0] ? st->changed_by : "agent",
                         "missed_offers",
                         by_fs && missed_offers >= 0 ? json_integer(missed_offers) : json_null(),
                         "provisioning", jobs_state_name(st->provisioning), "provisioning_error",
                         st->provisioning_error[0] ? json_string(st->provisioning_error)
                                                   : json_null(),
                         "wrap_up_s", (json_int_t)st->wrap_up_s, "max_no_answer",
                         (json_int_t)st->max_no_answer, "wrap_up_s_own",
                         st->wrap_up_s_own >= 0 ? json_integer(st->wrap_up_s_own) : json_null(),
                         "max_no_answer_own",
                         st->max_no_answer_own >= 0 ? json_integer(st->max_no_answer_own)
                                                    : json_null(),
                         "activity", board_activity_json(a, known, now));
}

enum result board_publish_status(struct store_conn *conn, int64_t user_id, int64_t missed_offers,
                                 int64_t now)
{
        struct store_board_status st;
        struct store_board_activity a = { 0 };
        enum result result = store_board_agent_status(conn, user_id, &st);
        bool known;
        json_t *o;
        char *data;

        if (result == RESULT_NOT_FOUND)
                return RESULT_OK;   /* gone meanwhile */
        if (result)
                return result;
        result = store_board_activity_get(conn, user_id, &a);
        known = result == RESULT_OK;
        if (result && result != RESULT_NOT_FOUND)
                return result;
        o = status_json(&st, &a, known, missed_offers, now);
        data = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!data)
                return RESULT_NOMEM;
        result = events_append(conn, st.tenant_id, EVENT_AGENT_QUEUE_STATUS, user_id, data);
        free(data);
        return result;
}

enum result board_status_by_freeswitch(struct app *app, struct store_conn *conn,
                                       int64_t tenant_id, int64_t user_id,
                                       enum queue_status status, int64_t missed_offers,
                                       int64_t at)
{
        const struct actor freeswitch = { .kind = ACTOR_KIND_CLI, .client_ip = "",
                                          .request_id = "" };
        char missed[24];
        enum result result;

        snprintf(missed, sizeof(missed), "%lld", (long long)missed_offers);
        result = store_board_status_by_freeswitch(conn, tenant_id, user_id, status, "", at);
        if (!result)
                result = audit_record(conn, &freeswitch, tenant_id, "agent.queue_status", "user",
                                      user_id, "status", queue_status_name(status), "changed_by",
                                      "freeswitch", "missed_offers",
                                      missed_offers >= 0 ? missed : NULL, (const char *)NULL);
        if (!result)
                result = board_publish_status(conn, user_id, missed_offers, at);
        if (!result)
                result = jobs_queue_queue(app, conn, tenant_id, FS_CHANGE_QUEUE_AGENT, user_id);
        return result;
}
