/* /v1/admin/agents: the seed's admin agents routes. */
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/mail/outbox.h"
#include "domain/identity/onboarding.h"
#include "domain/tenants/tenants.h"
#include "domain/identity/users.h"
#include "util/text.h"
#include "util/wipe.h"

/* The 201 answer to a create. */
static json_t *created_json(const struct agent *a, const char *temporary, bool invited)
{
        if (invited)
                return json_pack("{sbsosns{ssso}}", "success", 1, "agent", api_agent_json(a),
                                 "temporary_password", "invitation", "status",
                                 mail_outbox_status_name(MAIL_OUTBOX_STATUS_QUEUED), "expires_at",
                                 api_time(a->invitation_expires_at));
        return json_pack("{sbsoss}", "success", 1, "agent", api_agent_json(a), "temporary_password",
                         temporary);
}

/* An answer rendered for the Idempotency-Key (domain/core/idempotency.h),
 * kept to be sent as it was saved. */
struct rendered {
        bool invited;
        char *body;                      /* malloc'd; holds the temporary password */
};

static enum result render_created(void *arg, const void *created, int *ret_status,
                                  char **ret_body)
{
        const struct agent_created *c = created;
        struct rendered *r = arg;
        json_t *j = created_json(c->agent, c->temporary_password, r->invited);

        if (r->body) {                   /* a second try of the transaction */
                wipe_memory(r->body, strlen(r->body));
                free(r->body);
        }
        r->body = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(j);
        if (!r->body)
                return RESULT_NOMEM;
        *ret_status = 201;
        *ret_body = r->body;
        return RESULT_OK;
}

/* Answers with what idem saved, when it saved something (true). */
static bool replayed(struct http_request *req, struct api_call *call, const struct idempotency *idem)
{
        enum result result;
        char *saved = NULL;
        int status = 0;

        result = idempotency_replay(call->ctx->app, idem, &status, &saved);
        if (result == RESULT_NOT_FOUND)
                return false;
        if (result)
                api_fail(req, result, result == RESULT_IDEMPOTENCY_REUSED ? "Idempotency-Key" : NULL);
        else
                http_respond_secret(req, (unsigned)status, "application/json", saved);
        return true;
}

static void create(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct agent_create_input in = { .extensions_count = -1 };
        char temporary[CREDENTIALS_TEMP_PASSWORD_LEN + 1];
        const char *field = NULL, *key = http_request_header(req, "Idempotency-Key");
        struct rendered rendered = { 0 };
        struct idempotency idem;
        struct actor actor;
        struct agent a;
        enum result result;
        json_t *body;
        size_t len = 0;
        const char *raw = http_request_body(req, &len);

        if (key && idempotency_init(&idem, call->tenant_id, call->session.user.id,
                                    "POST /v1/admin/agents", key, raw, len) != RESULT_OK) {
                api_fail(req, RESULT_INVALID, "Idempotency-Key");
                return;
        }
        if (key && replayed(req, call, &idem))
                return;
        body = http_request_json(req);
        if (!body)
                return;
        /* With mail on, an invitation goes out unless asked not to. */
        in.send_invite = ctx->app->settings.mail_on;
        if (!api_field_string(req, body, "first_name", true, &in.first_name) ||
            !api_field_string(req, body, "last_name", true, &in.last_name) ||
            !api_field_string(req, body, "email", true, &in.email) ||
            !api_field_string(req, body, "role", false, &in.role) ||
            !api_field_int(req, body, "extensions_count", 0,
                           ctx->app->settings.max_extensions_per_agent, &in.extensions_count) ||
            !api_field_bool(req, body, "voicemail_enabled", &in.voicemail_enabled) ||
            !api_field_bool(req, body, "send_invite", &in.send_invite))
                goto out;
        actor = api_actor(req, &call->session);
        if (key) {
                rendered.invited = in.send_invite;
                idem.render = render_created;
                idem.arg = &rendered;
                in.idempotency = &idem;
        }
        result = agent_create(ctx->app, &actor, call->tenant_id, &in, &a, temporary, &field);
        /* A twin request with the same key committed first: its answer. */
        if (result && key && replayed(req, call, &idem))
                goto out;
        if (result) {
                api_fail(req, result, field);
                goto out;
        }
        if (key) {                       /* the bytes saved, sent as they were */
                http_respond_secret(req, 201, "application/json", rendered.body);
                rendered.body = NULL;
        } else {
                http_respond_json(req, 201, created_json(&a, temporary, in.send_invite));
        }
        wipe_memory(temporary, sizeof(temporary));
out:
        if (rendered.body) {
                wipe_memory(rendered.body, strlen(rendered.body));
                free(rendered.body);
        }
        json_decref(body);
}

static bool enum_query(struct http_request *req, const char *name, const char *const *allowed,
                       const char **ret)
{
        const char *v = http_request_query(req, name);

        if (!v)
                return true;
        for (const char *const *a = allowed; *a; a++)
                if (!strcmp(v, *a)) {
                        *ret = *a;
                        return true;
                }
        http_respond_error(req, 400, "validation_failed", "unknown filter value", name);
        return false;
}

/* ?status= (a user's status but deleted) and ?role= (a role but
 * superadmin) of the agent list, parsed by the vocabulary's tables. */
static bool agent_filter(struct http_request *req, struct store_user_filter *filter)
{
        const char *status = http_request_query(req, "status"), *role = http_request_query(req, "role");
        const char *bad = NULL;

        filter->by_status = status != NULL;
        filter->by_role = role != NULL;
        if (status && (!user_status_parse(status, &filter->status) ||
                       filter->status == USER_STATUS_DELETED))
                bad = "status";
        else if (role && (!user_role_parse(role, &filter->role) ||
                          filter->role == USER_ROLE_SUPERADMIN))
                bad = "role";
        if (bad) {
                http_respond_error(req, 400, "validation_failed", "unknown filter value", bad);
                return false;
        }
        return true;
}

/* Sets the registration state on each extension of the agent objects in
 * agents (api_live_state: the listener's state, no probe). */
static void add_registered(struct api_context *ctx, int64_t tenant_id, json_t *agents)
{
        json_t *all = json_array(), *agent, *x;
        size_t i, k;

        json_array_foreach(agents, i, agent) {
                json_array_foreach(json_object_get(agent, "extensions"), k, x)
                        json_array_append(all, x);
        }
        api_live_state(ctx, tenant_id, all);
        json_decref(all);
}

static void list(struct http_request *req, struct api_call *call)
{
        /* Index = enum store_user_sort. */
        static const char *const sorts[] = { "id", "name", "-name", "created_at", "-created_at",
                                             NULL };
        struct api_context *ctx = call->ctx;
        struct store_user_filter filter = { .tenant_id = call->tenant_id };
        struct store_agent_page items = { 0 };
        struct store_page page;
        const char *sort = NULL;
        enum result result;
        json_t *arr;

        if (!api_page(req, &page) ||
            !agent_filter(req, &filter) ||
            !enum_query(req, "sort", sorts + 1, &sort))
                return;
        for (size_t i = 1; sort && sorts[i]; i++)
                if (sorts[i] == sort)
                        filter.sort = (enum store_user_sort)i;
        filter.q = http_request_query(req, "q");
        if (filter.q && (strlen(filter.q) > 200 || !text_utf8_valid(filter.q, strlen(filter.q), NULL))) {
                http_respond_error(req, 400, "validation_failed", "q is not valid", "q");
                return;
        }
        result = agent_list(ctx->app, &filter, &page, &items);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        arr = json_array();
        for (size_t i = 0; i < items.n_agents; i++)
                json_array_append_new(arr, api_agent_row_json(&items.agents[i], items.extensions));
        store_agent_page_free(&items);
        add_registered(ctx, filter.tenant_id, arr);
        http_respond_json(req, 200, api_list_json("agents", arr, &page));
}

/* The agent's last invitation, or null (also when it cannot be read:
 * the agent is still worth showing). */
static json_t *invitation_json(struct api_context *ctx, int64_t user_id)
{
        struct onboarding_invitation inv;

        if (onboarding_invitation_get(ctx->app, user_id, &inv) != RESULT_OK || !inv.status)
                return json_null();
        return json_pack("{ss,so,so,so,so}", "status", inv.status, "created_at",
                         api_time(inv.created_at), "sent_at", api_time(inv.sent_at), "expires_at",
                         api_time(inv.expires_at), "error", api_string_or_null(inv.reply));
}

static void get(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct agent a;
        enum result result;
        json_t *one;

        result = agent_get(ctx->app, call->tenant_id, call->id, &a);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        one = json_pack("[o]", api_agent_json(&a));
        add_registered(ctx, call->tenant_id, one);
        json_object_set_new(json_array_get(one, 0), "invitation", invitation_json(ctx, call->id));
        http_respond_json(req, 200, json_pack("{sbsO}", "success", 1, "agent",
                                              json_array_get(one, 0)));
        json_decref(one);
}

static void invite(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct actor actor = api_actor(req, &call->session);
        int64_t expires_at = 0;
        enum result result;

        result = agent_invite(ctx->app, &actor, call->tenant_id, call->id, &expires_at);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 202, json_pack("{sbs{ssso}}", "success", 1, "invitation", "status",
                                              mail_outbox_status_name(MAIL_OUTBOX_STATUS_QUEUED),
                                              "expires_at", api_time(expires_at)));
}

static void patch(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct agent_patch p = { 0 };
        const char *field = NULL;
        struct actor actor;
        struct agent a;
        enum result result;
        json_t *body;

        body = http_request_json(req);
        if (!body)
                return;
        if (!api_field_string(req, body, "first_name", false, &p.first_name) ||
            !api_field_string(req, body, "last_name", false, &p.last_name) ||
            !api_field_string(req, body, "role", false, &p.role) ||
            !api_field_string(req, body, "status", false, &p.status))
                goto out;
        actor = api_actor(req, &call->session);
        result = agent_update(ctx->app, &actor, call->tenant_id, call->id, &p, &a, &field);
        if (result) {
                api_fail(req, result, field);
                goto out;
        }
        http_respond_json(req, 200, json_pack("{sbso}", "success", 1, "agent", api_agent_json(&a)));
out:
        json_decref(body);
}

static void reset_password(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        char temporary[CREDENTIALS_TEMP_PASSWORD_LEN + 1];
        struct actor actor;
        enum result result;

        actor = api_actor(req, &call->session);
        result = agent_reset_password(ctx->app, &actor, call->tenant_id, call->id, temporary);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200, json_pack("{sbss}", "success", 1, "temporary_password",
                                              temporary));
        wipe_memory(temporary, sizeof(temporary));
}

static void delete(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct actor actor;
        enum result result;

        actor = api_actor(req, &call->session);
        result = agent_delete(ctx->app, &actor, call->tenant_id, call->id);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200, json_pack("{sb}", "success", 1));
}

enum result api_agents_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "POST", "/v1/admin/agents", API_WRITERS, API_TENANT, create },
                { "GET", "/v1/admin/agents", API_READERS, API_TENANT, list },
                { "GET", "/v1/admin/agents/:id", API_READERS, API_TENANT, get },
                { "PATCH", "/v1/admin/agents/:id", API_WRITERS, API_TENANT, patch },
                { "DELETE", "/v1/admin/agents/:id", API_WRITERS, API_TENANT, delete },
                { "POST", "/v1/admin/agents/:id/reset-password", API_WRITERS, API_TENANT,
                  reset_password },
                { "POST", "/v1/admin/agents/:id/invite", API_WRITERS, API_TENANT, invite },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}

/* An agent (a user with its extensions) as the routes show it, and a user as
 * the command line prints it (common.h). */
json_t *api_agent_row_json(const struct store_agent_row *a,
                           const struct store_agent_extension *extensions)
{
        json_t *o = json_object(), *exts = json_array();

        for (size_t i = 0; i < a->n_extensions; i++) {
                const struct store_agent_extension *e = &extensions[a->first_extension + i];
                json_t *x = json_object();
                json_object_set_new(x, "id", json_integer(e->id));
                json_object_set_new(x, "extension", json_string(e->extension));
                json_object_set_new(x, "status", json_string(extension_status_name(e->status)));
                json_object_set_new(x, "voicemail_enabled", json_boolean(e->voicemail_enabled));
                json_object_set_new(x, "ring_s", json_integer(e->ring_s));
                json_object_set_new(x, "provisioning",
                                    json_string(jobs_state_name(e->provisioning)));
                json_object_set_new(x, "provisioning_attempts",
                                    json_integer(e->provisioning_attempts));
                json_object_set_new(x, "provisioning_error", api_string_or_null(e->provisioning_error));
                json_array_append_new(exts, x);
        }
        json_object_set_new(o, "id", json_integer(a->id));
        json_object_set_new(o, "tenant_id", json_integer(a->tenant_id));
        json_object_set_new(o, "email", json_string(a->email));
        json_object_set_new(o, "first_name", json_string(a->first_name));
        json_object_set_new(o, "last_name", json_string(a->last_name));
        json_object_set_new(o, "role", json_string(user_role_name(a->role)));
        json_object_set_new(o, "status", json_string(user_status_name(a->status)));
        json_object_set_new(o, "must_change_password", json_boolean(a->must_change_password));
        json_object_set_new(o, "created_at", api_time(a->created_at));
        json_object_set_new(o, "updated_at", api_time(a->updated_at));
        json_object_set_new(o, "last_login_at", api_time(a->last_login_at));
        json_object_set_new(o, "extensions", exts);
        return o;
}

json_t *api_agent_json(const struct agent *a)
{
        const struct store_user *u = &a->user;
        struct store_agent_extension exts[STORE_MAX_EXTENSIONS_PER_USER];
        struct store_agent_row row = {
                .id = u->id, .tenant_id = u->tenant_id, .role = u->role, .status = u->status,
                .must_change_password = u->must_change_password, .created_at = u->created_at,
                .updated_at = u->updated_at, .last_login_at = u->last_login_at,
                .first_extension = 0, .n_extensions = a->n_extensions,
        };

        text_copy(row.email, sizeof(row.email), u->email);
        text_copy(row.first_name, sizeof(row.first_name), u->first_name);
        text_copy(row.last_name, sizeof(row.last_name), u->last_name);
        for (size_t i = 0; i < a->n_extensions; i++) {
                const struct store_extension *e = &a->extensions[i];
                exts[i] = (struct store_agent_extension){
                        .id = e->id, .user_id = e->user_id, .voicemail_enabled = e->voicemail_enabled,
                        .ring_s = e->ring_s, .status = e->status, .provisioning = e->provisioning,
                        .provisioning_attempts = e->provisioning_attempts,
                };
                text_copy(exts[i].extension, sizeof(exts[i].extension), e->extension);
                text_copy(exts[i].provisioning_error, sizeof(exts[i].provisioning_error),
                          e->provisioning_error);
        }
        return api_agent_row_json(&row, exts);
}

char *api_user_text(const struct store_user *u)
{
        return api_text(json_pack("{sI,so,ss,ss,ss,ss,ss}", "id", (json_int_t)u->id, "tenant_id",
                                 u->tenant_id ? json_integer(u->tenant_id) : json_null(), "email",
                                 u->email, "first_name", u->first_name, "last_name", u->last_name,
                                 "role", user_role_name(u->role), "status",
                                 user_status_name(u->status)));
}
