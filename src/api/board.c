/*
 * The supervisor board: GET /v1/admin/queues/{id}/live (admins and
 * supervisors of the tenant; a superadmin names it with ?tenant_id=) and
 * POST /v1/admin/queues/{id}/eavesdrop (admins and supervisors, who have
 * an extension to be called on). Another tenant's queue is 404.
 */
#include <stdint.h>
#include <string.h>

#include "api/common.h"
#include "domain/board/board.h"

static void live(struct http_request *req, struct api_call *call)
{
        json_t *o = NULL;
        enum result result = board_live(call->ctx->app, call->tenant_id, call->id, &o);

        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200, json_pack("{sbso}", "success", 1, "live", o));
}

static void eavesdrop(struct http_request *req, struct api_call *call)
{
        json_t *body = http_request_json(req);
        const char *mode_s = NULL, *extension = NULL;
        enum board_eavesdrop_mode mode;
        int64_t agent_id = 0;
        struct actor actor;
        enum result result;

        if (!body) {
                http_respond_error(req, 400, "validation_failed", "the body must be a JSON object",
                                   NULL);
                return;
        }
        if (!api_field_int(req, body, "agent_id", 1, INT64_MAX, &agent_id) ||
            !api_field_string(req, body, "mode", true, &mode_s) ||
            !api_field_string(req, body, "extension", false, &extension))
                return;
        if (!agent_id) {
                http_respond_error(req, 400, "validation_failed", "agent_id is required",
                                   "agent_id");
                return;
        }
        if (!board_eavesdrop_mode_parse(mode_s, &mode)) {
                http_respond_error(req, 400, "validation_failed",
                                   "mode must be listen, whisper or barge", "mode");
                return;
        }
        if (extension && (!*extension || strspn(extension, "0123456789") != strlen(extension))) {
                http_respond_error(req, 400, "validation_failed", "extension must be digits",
                                   "extension");
                return;
        }
        actor = api_actor(req, &call->session);
        result = board_eavesdrop(call->ctx->app, &actor, call->tenant_id, call->id, agent_id,
                                 mode, extension);
        if (result == RESULT_CONFLICT) {
                http_respond_error(req, 409, "conflict",
                                   "the supervisor has no such extension to be called on",
                                   "extension");
                return;
        }
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200, json_pack("{sb}", "success", 1));
}

enum result api_board_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "GET", "/v1/admin/queues/:id/live", API_READERS, API_TENANT, live },
                { "POST", "/v1/admin/queues/:id/eavesdrop", API_ADMIN | API_SUPERVISOR, API_TENANT,
                  eavesdrop },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}
