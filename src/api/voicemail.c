/*
 * GET /v1/me/voicemail and PUT /v1/me/voicemail (domain/switches/voicemail.h):
 * the caller's voicebox on its first extension, its PIN in clear, whether
 * voicemail is on, its ring time and the message counts FreeSWITCH holds
 * (null when no node answered); PUT {"pin": "…"} sets a new PIN (digits
 * only, 4 to 10 of them: 400 validation_failed, field pin, else). Any user
 * of a tenant; one without an extension: 404.
 */
#include <string.h>

#include "api/common.h"
#include "domain/switches/voicemail.h"
#include "util/wipe.h"

#define API_TENANT_USERS (API_ADMIN | API_SUPERVISOR | API_AGENT)

/* The box after result, or what went wrong; b wiped either way. */
static void answer(struct http_request *req, enum result result, struct voicemail_box *b)
{
        if (result == RESULT_INVALID)
                http_respond_error(req, 400, "validation_failed", "the PIN must be 4 to 10 digits",
                                   "pin");
        else if (result)
                api_fail(req, result, NULL);
        else
                http_respond_json(
                        req, 200,
                        json_pack("{sbs{ss,ss,sb,sI,so,so}}", "success", 1, "voicemail", "extension",
                                  b->extension, "pin", b->pin, "enabled", b->enabled, "ring_s",
                                  (json_int_t)b->ring_s, "new",
                                  b->counted ? json_integer(b->new_messages) : json_null(), "saved",
                                  b->counted ? json_integer(b->saved_messages) : json_null()));
        voicemail_box_wipe(b);
}

static void me_get(struct http_request *req, struct api_call *call)
{
        struct voicemail_box b = { 0 };

        answer(req, voicemail_mine(call->ctx->app, call->tenant_id, call->session.user.id, &b), &b);
}

static void me_put(struct http_request *req, struct api_call *call)
{
        struct voicemail_box b = { 0 };
        const char *pin = NULL;
        struct actor actor;
        json_t *body = http_request_json(req);

        if (!body)
                return;
        if (api_field_string(req, body, "pin", true, &pin)) {
                actor = api_actor(req, &call->session);
                answer(req, voicemail_set_pin(call->ctx->app, &actor, call->tenant_id,
                                              call->session.user.id, pin, &b), &b);
                wipe_memory((char *)pin, strlen(pin));   /* the PIN in the parsed body */
        }
        json_decref(body);
}

enum result api_voicemail_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "GET", "/v1/me/voicemail", API_TENANT_USERS, API_TENANT, me_get },
                { "PUT", "/v1/me/voicemail", API_TENANT_USERS, API_TENANT, me_put },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}
