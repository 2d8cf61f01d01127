/*
 * The live event streams (Server-Sent Events): POST /v1/admin/events/ticket
 * and /v1/me/events/ticket hand out a single-use ticket to a signed-in
 * caller; GET /v1/admin/events?ticket= and /v1/me/events?ticket= take it
 * (public rows: the ticket is the credential, since EventSource sends no
 * header) and answer a stream (http_respond_stream) that the subscribers
 * of domain/events/streams.h feed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/events/streams.h"
#include "domain/events/tickets.h"
#include "util/wipe.h"

static void issue(struct http_request *req, struct api_call *call, enum event_stream stream)
{
        char ticket[EVENTS_TICKET_LEN + 1];
        int64_t tenant_id = 0, expires_at = 0;
        enum result result;

        if (stream == EVENT_STREAM_ADMIN &&
            (call->session.user.role != USER_ROLE_SUPERADMIN ||
             http_request_query(req, "tenant_id")) &&
            !api_tenant_scope(req, call->ctx, &call->session, &tenant_id))
                return;
        result = events_ticket_issue(call->ctx->app, &call->session, stream, tenant_id, ticket,
                                     &expires_at);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 201, json_pack("{sb,ss,so}", "success", 1, "ticket", ticket,
                                              "expires_at", api_time(expires_at)));
        wipe_memory(ticket, sizeof(ticket));
}

static void admin_ticket(struct http_request *req, struct api_call *call)
{
        issue(req, call, EVENT_STREAM_ADMIN);
}

static void me_ticket(struct http_request *req, struct api_call *call)
{
        issue(req, call, EVENT_STREAM_ME);
}

/* The stream's adapters to http/. */
static enum result sink_write(void *ctx, const char *data, size_t len)
{
        return http_stream_write(ctx, data, len);
}

static void sink_end(void *ctx)
{
        http_stream_end(ctx);
}

static void sink_release(void *ctx)
{
        http_stream_release(ctx);
}

/* ?last_event_id= or the Last-Event-ID header (EventSource's own
 * reconnection) into *ret, -1 when neither; false (answered 400) when
 * not a decimal id. */
static bool last_event_id(struct http_request *req, int64_t *ret)
{
        const char *v = http_request_query(req, "last_event_id");
        int64_t id;

        if (!v)
                v = http_request_header(req, "Last-Event-ID");
        if (!v || !*v) {
                *ret = -1;
                return true;
        }
        if (!api_parse_id(v, &id)) {
                http_respond_error(req, 400, "validation_failed",
                                   "last_event_id must be an event id (a decimal integer)",
                                   "last_event_id");
                return false;
        }
        *ret = id;
        return true;
}

static void open_stream(struct http_request *req, struct api_call *call, enum event_stream stream)
{
        struct app *app = call->ctx->app;
        struct events_scope scope;
        struct http_stream *s;
        int64_t last = -1;
        enum result result;

        if (!app->events) {
                http_respond_result(req, RESULT_UNSUPPORTED, "no live events in this process",
                                    NULL);
                return;
        }
        if (!last_event_id(req, &last))
                return;
        result = events_ticket_take(app, stream, http_request_query(req, "ticket"), &scope);
        if (result == RESULT_UNAUTHORIZED) {
                http_respond_error(req, 401, "ticket_invalid",
                                   "the ticket is unknown, used, expired, or its session ended; "
                                   "ask for a new one",
                                   NULL);
                return;
        }
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        if (scope.tenant_id)
                http_request_set_tenant(req, scope.tenant_id);
        /* Proxies must pass each event on as it comes. */
        http_response_header(req, "X-Accel-Buffering", "no");
        s = http_respond_stream(req, 200, "text/event-stream", EVENTS_STREAM_QUEUE_BYTES);
        if (!s) {
                http_respond_error(req, 500, "internal_error", "out of memory", NULL);
                return;
        }
        events_subscribe(app->events, &scope, last,
                         &(struct events_sink){ sink_write, sink_end, sink_release, s });
}

static void admin_events(struct http_request *req, struct api_call *call)
{
        open_stream(req, call, EVENT_STREAM_ADMIN);
}

static void me_events(struct http_request *req, struct api_call *call)
{
        open_stream(req, call, EVENT_STREAM_ME);
}

enum result api_events_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "POST", "/v1/admin/events/ticket", API_READERS, API_SIGNED_IN, admin_ticket },
                { "POST", "/v1/me/events/ticket", API_ANY, API_SIGNED_IN, me_ticket },
                /* Public to the guard: the ticket authenticates. */
                { "GET", "/v1/admin/events", 0, API_PUBLIC, admin_events },
                { "GET", "/v1/me/events", 0, API_PUBLIC, me_events },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}
