/*
 * /v1/admin/calls: the tenant's call records (one per agent leg), newest
 * first. /v1/admin/analytics/usage[.csv]: calls and talk time per day,
 * extension or agent over a UTC period, as JSON or through the one CSV
 * writer (util/csv.h). Admins and supervisors of the tenant; a superadmin
 * names it with ?tenant_id=.
 *
 * The call history: /v1/me/calls (the caller's own legs, newest first, as
 * HistoryCall, with its count of unseen missed calls) and
 * /v1/me/calls/seen (marks them seen), any user of a tenant;
 * /v1/admin/agents/:id/calls, an agent's (deleted too) for admins and
 * supervisors of its tenant (another tenant's: 404).
 */
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/calls/calls.h"
#include "util/csv.h"
#include "util/text.h"

/* The largest CSV answer: 366 days × a few thousand extensions fits. */
#define USAGE_CSV_MAX (16u << 20)

/* A query parameter that must be a day, into *ret_epoch (its midnight,
 * UTC): false after answering 400 naming it. */
static bool query_day(struct http_request *req, const char *name, int64_t *ret_epoch)
{
        const char *s = http_request_query(req, name);
        int64_t day;

        if (!s)
                return true;
        if (!text_date_parse(s, &day)) {
                http_respond_error(req, 400, "validation_failed", "a date must be YYYY-MM-DD",
                                   name);
                return false;
        }
        *ret_epoch = day * 86400;
        return true;
}

static void list(struct http_request *req, struct api_call *call)
{
        struct store_call_filter filter = { .tenant_id = call->tenant_id };
        const char *agent = http_request_query(req, "agent_id");
        const char *active = http_request_query(req, "active");
        struct store_call *items = NULL;
        struct store_page page;
        int64_t to = 0;
        size_t n = 0;
        enum result result;
        json_t *arr;

        if (!api_page(req, &page) || !query_day(req, "from", &filter.from) ||
            !query_day(req, "to", &to))
                return;
        if (to) {
                filter.to = to + 86400;          /* the last day, included */
                if (filter.from && filter.to <= filter.from) {
                        http_respond_error(req, 400, "validation_failed",
                                           "to must not be before from", "to");
                        return;
                }
        }
        if (agent && !api_parse_id(agent, &filter.user_id)) {
                http_respond_error(req, 400, "validation_failed", "agent_id must be an id",
                                   "agent_id");
                return;
        }
        if (active && strcmp(active, "true") && strcmp(active, "false")) {
                http_respond_error(req, 400, "validation_failed", "active must be true or false",
                                   "active");
                return;
        }
        filter.active = active && !strcmp(active, "true");
        result = calls_list(call->ctx->app, &filter, &page, &items, &n);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        arr = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, calls_record_json(&items[i]));
        free(items);
        http_respond_json(req, 200, api_list_json("calls", arr, &page));
}

/* A page of user_id's history: {calls, total, limit, offset, unseen_missed}. */
static void history(struct http_request *req, struct api_call *call, int64_t user_id)
{
        struct store_call_filter filter = { .tenant_id = call->tenant_id, .user_id = user_id };
        struct store_call *items = NULL;
        struct store_page page;
        int64_t unseen = 0;
        size_t n = 0;
        enum result result;
        json_t *arr, *o;

        if (!api_page(req, &page))
                return;
        result = calls_list(call->ctx->app, &filter, &page, &items, &n);
        if (!result)
                result = calls_unseen(call->ctx->app, user_id, &unseen);
        if (result) {
                free(items);
                api_fail(req, result, NULL);
                return;
        }
        arr = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, calls_history_json(&items[i]));
        free(items);
        o = api_list_json("calls", arr, &page);
        json_object_set_new(o, "unseen_missed", json_integer(unseen));
        http_respond_json(req, 200, o);
}

static void me_history(struct http_request *req, struct api_call *call)
{
        history(req, call, call->session.user.id);
}

static void me_seen(struct http_request *req, struct api_call *call)
{
        int64_t marked = 0;
        enum result result = calls_mark_seen(call->ctx->app, call->tenant_id,
                                             call->session.user.id, &marked);

        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200,
                          json_pack("{sb,sI}", "success", 1, "marked", (json_int_t)marked));
}

static void agent_history(struct http_request *req, struct api_call *call)
{
        enum result result = calls_agent_check(call->ctx->app, call->tenant_id, call->id);

        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        history(req, call, call->id);
}

/* The columns of each group, in UsageRow's order. */
static const char *const group_names[] = {
        [STORE_USAGE_BY_DAY] = "day",
        [STORE_USAGE_BY_EXTENSION] = "extension",
        [STORE_USAGE_BY_AGENT] = "agent",
};

struct usage_query {
        enum store_usage_group group;
        int64_t from_day, to_day;
        struct store_usage *rows;
        size_t n;
};

/* Reads ?from, ?to, ?group_by and the rows: false after answering. */
static bool usage_read(struct http_request *req, struct api_call *call, struct usage_query *q)
{
        const char *group = http_request_query(req, "group_by");
        const char *field = NULL;
        enum result result;
        int i;

        i = group ? text_index(group_names, 3, group) : STORE_USAGE_BY_DAY;
        if (i < 0) {
                http_respond_error(req, 400, "validation_failed",
                                   "group_by must be extension, agent or day", "group_by");
                return false;
        }
        q->group = (enum store_usage_group)i;
        result = calls_usage_period(http_request_query(req, "from"),
                                    http_request_query(req, "to"), &q->from_day, &q->to_day,
                                    &field);
        if (result) {
                http_respond_error(req, 400, "validation_failed",
                                   "from and to must be dates (YYYY-MM-DD), to not before from, "
                                   "at most 366 days",
                                   field);
                return false;
        }
        result = calls_usage(call->ctx->app, call->tenant_id, q->from_day, q->to_day, q->group,
                             &q->rows, &q->n);
        if (result) {
                api_fail(req, result, NULL);
                return false;
        }
        return true;
}

static void agent_name(const struct store_usage *u, char *out, size_t size)
{
        calls_agent_name(u->first_name, u->last_name, u->agent_deleted, out, size);
}

static json_t *usage_json(enum store_usage_group group, const struct store_usage *u)
{
        char day[16], name[2 * STORE_NAME_MAX];
        json_t *o = json_pack("{sIsIsIsIsI}", "calls_placed", (json_int_t)u->calls_placed,
                              "calls_received", (json_int_t)u->calls_received, "answered",
                              (json_int_t)u->answered, "missed", (json_int_t)u->missed,
                              "talk_seconds", (json_int_t)u->talk_seconds);

        agent_name(u, name, sizeof(name));
        switch (group) {
        case STORE_USAGE_BY_DAY:
                text_date_format(u->day, day, sizeof(day));
                json_object_set_new(o, "day", json_string(day));
                break;
        case STORE_USAGE_BY_EXTENSION:
        case STORE_USAGE_BY_AGENT:
                /* An extension's row names its agent now. */
                if (group == STORE_USAGE_BY_EXTENSION)
                        json_object_set_new(o, "extension", json_string(u->extension));
                json_object_set_new(o, "agent_id",
                                    u->user_id && !u->agent_deleted ? json_integer(u->user_id)
                                                                    : json_null());
                json_object_set_new(o, "agent_name", json_string(name));
                break;
        }
        return o;
}

static void usage(struct http_request *req, struct api_call *call)
{
        struct usage_query q = { 0 };
        char from[16], to[16];
        json_t *arr;

        if (!usage_read(req, call, &q))
                return;
        arr = json_array();
        for (size_t i = 0; i < q.n; i++)
                json_array_append_new(arr, usage_json(q.group, &q.rows[i]));
        free(q.rows);
        text_date_format(q.from_day, from, sizeof(from));
        text_date_format(q.to_day, to, sizeof(to));
        http_respond_json(req, 200,
                          json_pack("{sbssssssso}", "success", 1, "from", from, "to", to,
                                    "group_by", group_names[q.group], "rows", arr));
}

static void usage_csv(struct http_request *req, struct api_call *call)
{
        static const char *const counts[] = { "calls_placed", "calls_received", "answered",
                                              "missed", "talk_seconds" };
        struct usage_query q = { 0 };
        char text[2 * STORE_NAME_MAX];
        struct buf out;
        struct csv csv;

        if (!usage_read(req, call, &q))
                return;
        buf_init(&out, USAGE_CSV_MAX);
        csv_init(&csv, &out);
        if (q.group == STORE_USAGE_BY_DAY)
                csv_text(&csv, "day");
        if (q.group == STORE_USAGE_BY_EXTENSION)
                csv_text(&csv, "extension");
        if (q.group != STORE_USAGE_BY_DAY) {
                csv_text(&csv, "agent_id");
                csv_text(&csv, "agent_name");
        }
        for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++)
                csv_text(&csv, counts[c]);
        csv_end_row(&csv);
        for (size_t i = 0; i < q.n; i++) {
                const struct store_usage *u = &q.rows[i];

                if (q.group == STORE_USAGE_BY_DAY) {
                        text_date_format(u->day, text, sizeof(text));
                        csv_text(&csv, text);
                }
                if (q.group == STORE_USAGE_BY_EXTENSION)
                        csv_text(&csv, u->extension);
                if (q.group != STORE_USAGE_BY_DAY) {
                        if (u->user_id && !u->agent_deleted)
                                csv_int(&csv, u->user_id);
                        else
                                csv_text(&csv, "");
                        agent_name(u, text, sizeof(text));
                        csv_text(&csv, text);
                }
                csv_int(&csv, u->calls_placed);
                csv_int(&csv, u->calls_received);
                csv_int(&csv, u->answered);
                csv_int(&csv, u->missed);
                csv_int(&csv, u->talk_seconds);
                csv_end_row(&csv);
        }
        free(q.rows);
        api_respond_csv(req, csv_result(&csv), &out, "usage.csv");
}

enum result api_calls_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "GET", "/v1/admin/calls", API_READERS, API_TENANT, list },
                { "GET", "/v1/me/calls", API_TENANT_USERS, API_TENANT, me_history },
                { "POST", "/v1/me/calls/seen", API_TENANT_USERS, API_TENANT, me_seen },
                { "GET", "/v1/admin/agents/:id/calls", API_READERS, API_TENANT, agent_history },
                { "GET", "/v1/admin/analytics/usage", API_READERS, API_TENANT, usage },
                { "GET", "/v1/admin/analytics/usage.csv", API_READERS, API_TENANT, usage_csv },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}
