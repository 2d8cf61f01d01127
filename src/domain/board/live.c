/*
 * The board's picture of a queue now (GET /v1/admin/queues/{id}/live):
 * read from what the listener's holder keeps (store/board.c), so that
 * every process answers the same; see board.h.
 */
#include <stdlib.h>

#include "domain/board/board.h"
#include "util/text.h"

#define CALLERS_MAX 500                  /* callers listed (the longest waiting) */

static json_t *time_json(int64_t epoch)
{
        char buf[32];

        text_time_iso(epoch, buf, sizeof(buf));
        return json_string(buf);
}

static json_t *callers_json(const struct store_board_caller *c, size_t n, int64_t now,
                            int64_t *ret_longest)
{
        json_t *arr = json_array();

        *ret_longest = 0;
        for (size_t i = 0; arr && i < n; i++) {
                int64_t wait = now > c[i].joined_at ? now - c[i].joined_at : 0;
                if (c[i].state != QUEUE_CALLER_ANSWERED && wait > *ret_longest)
                        *ret_longest = wait;
                json_array_append_new(
                        arr, json_pack("{ss,ss,ss,so,sI,ss,so}", "uuid", c[i].member_uuid,
                                       "caller_number", c[i].caller_number, "caller_name",
                                       c[i].caller_name, "joined_at", time_json(c[i].joined_at),
                                       "wait_s", (json_int_t)wait, "state",
                                       queue_caller_state_name(c[i].state), "agent_id",
                                       c[i].agent_user_id ? json_integer(c[i].agent_user_id)
                                                          : json_null()));
        }
        return arr;
}

static json_t *agents_json(const struct store_board_agent *a, size_t n, int64_t now)
{
        json_t *arr = json_array();

        for (size_t i = 0; arr && i < n; i++)
                json_array_append_new(
                        arr,
                        json_pack("{sI,ss,ss,ss,so,so,so}", "agent_id", (json_int_t)a[i].user_id,
                                  "first_name", a[i].first_name, "last_name", a[i].last_name,
                                  "status", queue_status_name(a[i].status), "reason",
                                  a[i].status == QUEUE_STATUS_ON_BREAK && a[i].reason[0]
                                          ? json_string(a[i].reason)
                                          : json_null(),
                                  "since", time_json(a[i].status_since), "activity",
                                  board_activity_json(&a[i].activity, a[i].has_activity, now)));
        return arr;
}

enum result board_live(struct app *app, int64_t tenant_id, int64_t queue_id, json_t **ret)
{
        struct store_board_caller *callers = NULL;
        struct store_board_agent *agents = NULL;
        struct store_board_day day;
        struct store_conn *conn;
        size_t n_callers = 0, n_agents = 0;
        int64_t owner = 0, now = store_now(), longest = 0;
        enum result result = store_conn_get(app->store, &conn);

        *ret = NULL;
        if (!result)
                result = store_board_queue_tenant(conn, queue_id, &owner);
        if (!result && owner != tenant_id)
                result = RESULT_NOT_FOUND;       /* another tenant's: as if none */
        if (!result)
                result = store_board_callers(conn, queue_id, CALLERS_MAX, &callers, &n_callers);
        if (!result)
                result = store_board_agents(conn, queue_id, &agents, &n_agents);
        if (!result)
                result = store_board_day_get(conn, queue_id, now / 86400, &day);
        if (!result) {
                json_t *waiting = callers_json(callers, n_callers, now, &longest);
                *ret = json_pack("{sI,so,sI,so,s{sI,sI,sI,sI}}", "queue_id", (json_int_t)queue_id,
                                 "waiting", waiting, "longest_wait_s", (json_int_t)longest,
                                 "agents", agents_json(agents, n_agents, now), "today",
                                 "offered", (json_int_t)day.offered, "answered",
                                 (json_int_t)day.answered, "abandoned", (json_int_t)day.abandoned,
                                 "average_wait_s",
                                 (json_int_t)(day.answered ? day.wait_s / day.answered : 0));
                if (!*ret)
                        result = RESULT_NOMEM;
        }
        free(callers);
        free(agents);
        return result;
}
