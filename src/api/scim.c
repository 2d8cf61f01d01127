/*
 * SCIM 2.0 (RFC 7643 the resources, RFC 7644 the protocol): /scim/v2/Users
 * and the discovery endpoints (ServiceProviderConfig, ResourceTypes,
 * Schemas) for a tenant's identity provider, and the admin routes of the
 * tenant's SCIM tokens and role mapping (/v1/admin/scim/...).
 *
 * /scim/v2 authenticates with a tenant's SCIM token (domain/identity/
 * scim.h), never with a session: its rows are public for the preamble,
 * and each handler calls scim_guard first. Answers are
 * application/scim+json; failures are SCIM's error message
 * (urn:ietf:params:scim:api:messages:2.0:Error, status as a string,
 * scimType when RFC 7644 §3.12 has one).
 *
 * PATCH (RFC 7644 §3.5.2) is applied to the user's SCIM representation,
 * which is then read as a PUT body: the operations Entra ID and Okta
 * send (add and replace with or without a path, "name.givenName", the
 * enterprise extension's URN paths, remove; Entra's "active": "False" as a
 * string) all end in the one replace. Paths with a value filter
 * (emails[type eq "work"].value) name attributes agentdesk derives from
 * userName and are ignored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/common.h"
#include "domain/identity/scim.h"
#include "util/log.h"
#include "util/scim_filter.h"
#include "util/wipe.h"

#define SCHEMA_USER "urn:ietf:params:scim:schemas:core:2.0:User"
#define SCHEMA_ENTERPRISE "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
#define SCHEMA_ERROR "urn:ietf:params:scim:api:messages:2.0:Error"
#define SCHEMA_LIST "urn:ietf:params:scim:api:messages:2.0:ListResponse"
#define SCHEMA_PATCH "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#define CONTENT_TYPE "application/scim+json"

/* The largest page a list answers (ServiceProviderConfig's maxResults). */
#define SCIM_MAX_RESULTS 100

/* ---- answers -------------------------------------------------------------- */

static void scim_send(struct http_request *req, unsigned status, json_t *body)
{
        char *text = api_text(body);

        if (!text) {
                http_respond_result(req, RESULT_NOMEM, NULL, NULL);
                return;
        }
        http_respond_text(req, status, CONTENT_TYPE, text, strlen(text));
        free(text);
}

/* SCIM's error (RFC 7644 §3.12); scim_type may be NULL. */
static void scim_error(struct http_request *req, unsigned status, const char *scim_type,
                       const char *detail)
{
        char code[8];
        json_t *e;

        snprintf(code, sizeof(code), "%u", status);
        e = json_pack("{s[s]ssss}", "schemas", SCHEMA_ERROR, "status", code, "detail", detail);
        if (e && scim_type)
                json_object_set_new(e, "scimType", json_string(scim_type));
        scim_send(req, status, e);
}

/* A domain failure as SCIM's error; field is the SCIM attribute. */
static void scim_fail(struct http_request *req, enum result result, const char *field)
{
        const struct result_info *info = result_info(result);
        char detail[200];

        switch (result) {
        case RESULT_INVALID:
                snprintf(detail, sizeof(detail), "%s is not valid", field ? field : "the input");
                scim_error(req, 400, "invalidValue", detail);
                return;
        case RESULT_EMAIL_TAKEN:
                scim_error(req, 409, "uniqueness", "userName is taken");
                return;
        case RESULT_CONFLICT:
                if (field && strcmp(field, "userName") == 0) {
                        scim_error(req, 400, "mutability",
                                   "userName is the login email and cannot change");
                        return;
                }
                break;
        case RESULT_NOT_FOUND:
                scim_error(req, 404, NULL, "no such resource");
                return;
        default:
                break;
        }
        if (info->status == 503)
                LOG_WARN("%s %s: %s: %s", http_request_method(req), http_request_path(req),
                         result_name(result), store_last_error());
        scim_error(req, info->status, NULL, info->message);
}

/* ---- the guard ------------------------------------------------------------ */

/* The tenant's token in the Authorization header, else a 401 answered. */
static bool scim_guard(struct http_request *req, struct api_context *ctx, struct actor *ret_actor,
                       int64_t *ret_tenant_id)
{
        const char *h = http_request_header(req, "Authorization");
        struct store_scim_token t;
        enum result result;

        if (!h || strncasecmp(h, "Bearer ", 7) != 0) {
                http_response_header(req, "WWW-Authenticate", "Bearer");
                scim_error(req, 401, NULL, "a SCIM bearer token is required");
                return false;
        }
        h += 7;
        while (*h == ' ')
                h++;
        result = scim_token_verify(ctx->app, h, &t);
        if (result == RESULT_UNAUTHORIZED) {
                http_response_header(req, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
                scim_error(req, 401, NULL, "the SCIM token is invalid or revoked");
                return false;
        }
        if (result) {
                scim_fail(req, result, NULL);
                return false;
        }
        http_request_set_tenant(req, t.tenant_id);
        *ret_actor = (struct actor){
                .kind = ACTOR_KIND_SCIM,
                .scim_token_id = t.id,
                .client_ip = http_request_client_ip(req),
                .request_id = http_request_id(req),
        };
        *ret_tenant_id = t.tenant_id;
        return true;
}

/* The :id of /scim/v2/Users/:id, else a 404 answered. */
static bool scim_user_id(struct http_request *req, int64_t *ret)
{
        if (!api_parse_id(http_request_param(req, "id"), ret) || *ret == 0) {
                scim_error(req, 404, NULL, "no such resource");
                return false;
        }
        return true;
}

/* ---- the user as SCIM shows it and reads it ------------------------------ */

static json_t *user_json(const struct scim_user *u)
{
        const struct store_user *s = &u->agent.user;
        char id[24], location[64], display[2 * STORE_NAME_MAX + 2];
        json_t *o;

        snprintf(id, sizeof(id), "%lld", (long long)s->id);
        snprintf(location, sizeof(location), "/scim/v2/Users/%s", id);
        snprintf(display, sizeof(display), "%s %s", s->first_name, s->last_name);
        o = json_pack("{s[s]sssss{ssssss}sss[{sssssb}]sbs{sssososs}}", "schemas", SCHEMA_USER,
                      "id", id, "userName", s->email, "name", "givenName", s->first_name,
                      "familyName", s->last_name, "formatted", display, "displayName", display,
                      "emails", "value", s->email, "type", "work", "primary", 1, "active",
                      s->status == USER_STATUS_ACTIVE, "meta", "resourceType", "User", "created",
                      api_time(s->created_at), "lastModified", api_time(s->updated_at),
                      "location", location);
        if (o && u->external_id[0])
                json_object_set_new(o, "externalId", json_string(u->external_id));
        return o;
}

/* The member of o named name in any case (SCIM's names are
 * case-insensitive, RFC 7643 §2.1), or NULL. */
static json_t *get_ci(json_t *o, const char *name, const char **ret_key)
{
        const char *key;
        json_t *v;

        json_object_foreach(o, key, v) {
                if (strcasecmp(key, name) == 0) {
                        if (ret_key)
                                *ret_key = key;
                        return v;
                }
        }
        return NULL;
}

/* A string member (NULL when absent or null); false with *ret_bad = name
 * when it is of another type. */
static bool string_ci(json_t *o, const char *name, const char **ret, const char **ret_bad)
{
        json_t *v = get_ci(o, name, NULL);

        *ret = NULL;
        if (!v || json_is_null(v))
                return true;
        if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
                *ret_bad = name;
                return false;
        }
        *ret = json_string_value(v);
        return true;
}

/* The value of the primary member of roles (or its first). */
static bool primary_role(json_t *o, const char **ret, const char **ret_bad)
{
        json_t *roles = get_ci(o, "roles", NULL), *r, *pick = NULL;
        size_t i;

        *ret = NULL;
        if (!roles || json_is_null(roles))
                return true;
        if (!json_is_array(roles)) {
                *ret_bad = "roles";
                return false;
        }
        json_array_foreach(roles, i, r) {
                if (!json_is_object(r)) {
                        *ret_bad = "roles";
                        return false;
                }
                if (!pick || json_is_true(get_ci(r, "primary", NULL)))
                        pick = r;
        }
        return !pick || string_ci(pick, "value", ret, ret_bad) || (*ret_bad = "roles", false);
}

/*
 * Reads a User resource (POST and PUT bodies, a patched user) into *in;
 * its strings are borrowed from body. Types are checked: a wrong one is
 * a 400 invalidValue (answered; false). Attributes agentdesk does not
 * keep are ignored (RFC 7644 §3.3), a password among them: the provider
 * never sets one.
 */
static bool read_user(struct http_request *req, json_t *body, struct scim_user_input *in)
{
        const char *bad = NULL, *active_text = NULL;
        json_t *name = get_ci(body, "name", NULL), *active = get_ci(body, "active", NULL);
        json_t *enterprise = get_ci(body, SCHEMA_ENTERPRISE, NULL);
        json_t *schemas = get_ci(body, "schemas", NULL);
        char detail[160];

        *in = (struct scim_user_input){ .active = true };
        if (schemas && !json_is_array(schemas))
                bad = "schemas";
        if (name && !json_is_null(name) && !json_is_object(name))
                bad = "name";
        if (enterprise && !json_is_null(enterprise) && !json_is_object(enterprise))
                bad = SCHEMA_ENTERPRISE;
        if (!bad && string_ci(body, "userName", &in->user_name, &bad) &&
            string_ci(body, "externalId", &in->external_id, &bad) &&
            string_ci(body, "title", &in->title, &bad) &&
            string_ci(body, "userType", &in->user_type, &bad) &&
            primary_role(body, &in->role, &bad) &&
            (!json_is_object(name) || (string_ci(name, "givenName", &in->given_name, &bad) &&
                                       string_ci(name, "familyName", &in->family_name, &bad))) &&
            json_is_object(enterprise))
                (void)string_ci(enterprise, "department", &in->department, &bad);
        if (json_is_string(active))
                active_text = json_string_value(active);
        if (json_is_boolean(active))
                in->active = json_is_true(active);
        else if (active_text && (!strcasecmp(active_text, "true") || !strcasecmp(active_text, "false")))
                /* Entra ID sends "True" and "False" as strings */
                in->active = strcasecmp(active_text, "true") == 0;
        else if (active && !json_is_null(active) && !bad)
                bad = "active";
        if (bad) {
                snprintf(detail, sizeof(detail), "%s has the wrong type", bad);
                scim_error(req, 400, "invalidValue", detail);
                return false;
        }
        if (!in->user_name) {
                scim_error(req, 400, "invalidValue", "userName is required");
                return false;
        }
        return true;
}

/* The body as a JSON object, else 400 invalidSyntax answered. */
static json_t *scim_body(struct http_request *req)
{
        const char *message = NULL;
        json_t *body = http_request_json_parse(req, &message);

        if (!body)
                scim_error(req, 400, "invalidSyntax", message);
        return body;
}

/* ---- /scim/v2/Users ------------------------------------------------------- */

static void users_create(struct http_request *req, struct api_call *call)
{
        struct scim_user_input in;
        struct scim_user u;
        struct actor actor;
        const char *field = NULL;
        int64_t tenant_id;
        enum result result;
        json_t *body;

        if (!scim_guard(req, call->ctx, &actor, &tenant_id) || !(body = scim_body(req)))
                return;
        if (read_user(req, body, &in)) {
                result = scim_user_create(call->ctx->app, &actor, tenant_id, &in, &u, &field);
                if (result)
                        scim_fail(req, result, field);
                else
                        scim_send(req, 201, user_json(&u));
        }
        json_decref(body);
}

static void users_get(struct http_request *req, struct api_call *call)
{
        struct scim_user u;
        struct actor actor;
        int64_t tenant_id, id;
        enum result result;

        if (!scim_guard(req, call->ctx, &actor, &tenant_id) || !scim_user_id(req, &id))
                return;
        result = scim_user_get(call->ctx->app, tenant_id, id, &u);
        if (result)
                scim_fail(req, result, NULL);
        else
                scim_send(req, 200, user_json(&u));
}

/* ?startIndex= (1-based; below 1 counts as 1, RFC 7644 §3.4.2.4) and
 * ?count= (default and most SCIM_MAX_RESULTS; below 0 counts as 0). */
static bool list_page(struct http_request *req, struct store_page *ret)
{
        const char *start = http_request_query(req, "startIndex");
        const char *count = http_request_query(req, "count");
        long long v;
        char *end;

        ret->offset = 0;
        ret->limit = SCIM_MAX_RESULTS;
        ret->total = 0;
        if (start) {
                v = strtoll(start, &end, 10);
                if (!*start || *end || v > INT32_MAX) {
                        scim_error(req, 400, "invalidValue", "startIndex must be an integer");
                        return false;
                }
                ret->offset = v < 1 ? 0 : v - 1;
        }
        if (count) {
                v = strtoll(count, &end, 10);
                if (!*count || *end || v > INT32_MAX) {
                        scim_error(req, 400, "invalidValue", "count must be an integer");
                        return false;
                }
                ret->limit = v < 0 ? 0 : v > SCIM_MAX_RESULTS ? SCIM_MAX_RESULTS : v;
        }
        return true;
}

static void users_list(struct http_request *req, struct api_call *call)
{
        const char *text = http_request_query(req, "filter");
        enum store_scim_match match = STORE_SCIM_MATCH_ALL;
        struct scim_filter filter = { 0 };
        struct store_page page;
        struct actor actor;
        int64_t tenant_id, *ids = NULL;
        size_t n = 0;
        enum result result;
        json_t *resources;

        if (!scim_guard(req, call->ctx, &actor, &tenant_id) || !list_page(req, &page))
                return;
        if (text) {
                if (!scim_filter_parse(text, strlen(text), &filter)) {
                        scim_error(req, 400, "invalidFilter",
                                   "only userName eq \"...\" and externalId eq \"...\" are "
                                   "supported");
                        return;
                }
                match = filter.attr == SCIM_FILTER_USER_NAME ? STORE_SCIM_MATCH_EMAIL
                                                              : STORE_SCIM_MATCH_EXTERNAL_ID;
        }
        result = scim_user_find(call->ctx->app, tenant_id, match, filter.value, &page, &ids, &n);
        resources = json_array();
        for (size_t i = 0; i < n && !result; i++) {
                struct scim_user u;
                result = scim_user_get(call->ctx->app, tenant_id, ids[i], &u);
                if (result == RESULT_NOT_FOUND)  /* deleted since: not listed */
                        result = RESULT_OK;
                else if (!result)
                        json_array_append_new(resources, user_json(&u));
        }
        free(ids);
        if (result) {
                json_decref(resources);
                scim_fail(req, result, NULL);
                return;
        }
        scim_send(req, 200,
                  json_pack("{s[s]sIsIsIso}", "schemas", SCHEMA_LIST, "totalResults",
                            (json_int_t)page.total, "startIndex", (json_int_t)page.offset + 1,
                            "itemsPerPage", (json_int_t)json_array_size(resources), "Resources",
                            resources));
}

static void replace_and_answer(struct http_request *req, struct api_call *call,
                               const struct actor *actor, int64_t tenant_id, int64_t id,
                               json_t *body)
{
        struct scim_user_input in;
        struct scim_user u;
        const char *field = NULL;
        enum result result;

        if (!read_user(req, body, &in))
                return;
        result = scim_user_replace(call->ctx->app, actor, tenant_id, id, &in, &u, &field);
        if (result)
                scim_fail(req, result, field);
        else
                scim_send(req, 200, user_json(&u));
}

static void users_put(struct http_request *req, struct api_call *call)
{
        struct actor actor;
        int64_t tenant_id, id;
        json_t *body;

        if (!scim_guard(req, call->ctx, &actor, &tenant_id) || !scim_user_id(req, &id) ||
            !(body = scim_body(req)))
                return;
        replace_and_answer(req, call, &actor, tenant_id, id, body);
        json_decref(body);
}

/* Sets (or, value NULL, removes) the attribute path names in user:
 * "attr", "attr.sub", either after the core schema's URN and a colon, or
 * the enterprise extension's URN, a colon and its attribute. A path with
 * a value filter ("emails[type eq \"work\"].value") is ignored: those
 * attributes follow userName here. False for a path that is not one. */
static bool set_path(json_t *user, const char *path, json_t *value)
{
        const char *key = NULL, *dot;
        char head[128];
        json_t *parent = user, *sub;
        size_t n;

        if (strchr(path, '['))
                return true;
        if (strncasecmp(path, SCHEMA_ENTERPRISE ":", strlen(SCHEMA_ENTERPRISE) + 1) == 0) {
                const char *ext_key = SCHEMA_ENTERPRISE;
                parent = get_ci(user, SCHEMA_ENTERPRISE, &ext_key);
                if (!json_is_object(parent)) {
                        parent = json_object();
                        json_object_set_new(user, SCHEMA_ENTERPRISE, parent);
                }
                path += strlen(SCHEMA_ENTERPRISE) + 1;
        } else if (strncasecmp(path, SCHEMA_USER ":", strlen(SCHEMA_USER) + 1) == 0) {
                path += strlen(SCHEMA_USER) + 1;
        }
        dot = strchr(path, '.');
        if (dot) {
                n = (size_t)(dot - path);
                if (n == 0 || n >= sizeof(head))
                        return false;
                memcpy(head, path, n);
                head[n] = '\0';
                sub = get_ci(parent, head, &key);
                if (!json_is_object(sub)) {
                        if (!value)
                                return true;
                        sub = json_object();
                        json_object_set_new(parent, head, sub);
                }
                parent = sub;
                path = dot + 1;
        }
        if (!*path || strchr(path, '.') || strchr(path, ':'))
                return false;
        key = NULL;
        if (get_ci(parent, path, &key))
                json_object_del(parent, key);
        if (value)
                json_object_set(parent, path, value);
        return true;
}

/* Applies one operation of a PatchOp to user; on failure answers 400
 * and returns false. */
static bool apply_op(struct http_request *req, json_t *user, json_t *op)
{
        const char *name = NULL, *path = NULL, *bad = NULL, *key;
        json_t *value, *v;

        if (!json_is_object(op) || !string_ci(op, "op", &name, &bad) ||
            !string_ci(op, "path", &path, &bad) || !name) {
                scim_error(req, 400, "invalidSyntax", "each operation needs an op");
                return false;
        }
        value = get_ci(op, "value", NULL);
        if (strcasecmp(name, "remove") == 0) {
                if (!path) {
                        scim_error(req, 400, "noTarget", "remove needs a path");
                        return false;
                }
                /* Clearing externalId keeps the attribute, empty, so that the
                 * replace clears it rather than leaving it as it was. */
                json_t *empty = strcasecmp(path, "externalId") == 0 ? json_string("") : NULL;
                bool ok = set_path(user, path, empty);
                json_decref(empty);
                if (!ok) {
                        scim_error(req, 400, "invalidPath", "no such path");
                        return false;
                }
                return true;
        }
        if (strcasecmp(name, "add") != 0 && strcasecmp(name, "replace") != 0) {
                scim_error(req, 400, "invalidSyntax", "op must be add, replace or remove");
                return false;
        }
        if (!value) {
                scim_error(req, 400, "invalidValue", "add and replace need a value");
                return false;
        }
        if (path) {
                if (!set_path(user, path, value)) {
                        scim_error(req, 400, "invalidPath", "no such path");
                        return false;
                }
                return true;
        }
        /* No path: the value is an object of attributes (or paths, as Entra
         * ID sends "name.givenName" here too); complex ones merge. */
        if (!json_is_object(value)) {
                scim_error(req, 400, "invalidValue", "an operation without a path needs an object");
                return false;
        }
        json_object_foreach(value, key, v) {
                json_t *now = get_ci(user, key, NULL);
                bool ok = true;
                if (json_is_object(v) && json_is_object(now)) {
                        const char *k2;
                        json_t *v2;
                        json_object_foreach(v, k2, v2) {
                                const char *old = NULL;
                                if (get_ci(now, k2, &old))
                                        json_object_del(now, old);
                                json_object_set(now, k2, v2);
                        }
                } else {
                        ok = set_path(user, key, v);
                }
                if (!ok) {
                        scim_error(req, 400, "invalidPath", "no such attribute");
                        return false;
                }
        }
        return true;
}

static void users_patch(struct http_request *req, struct api_call *call)
{
        struct scim_user u;
        struct actor actor;
        int64_t tenant_id, id;
        enum result result;
        json_t *body, *ops, *op, *user = NULL;
        size_t i;

        if (!scim_guard(req, call->ctx, &actor, &tenant_id) || !scim_user_id(req, &id) ||
            !(body = scim_body(req)))
                return;
        ops = get_ci(body, "Operations", NULL);
        if (!json_is_array(ops) || json_array_size(ops) == 0 || json_array_size(ops) > 100) {
                scim_error(req, 400, "invalidSyntax", "Operations must be a list of 1 to 100");
                goto out;
        }
        result = scim_user_get(call->ctx->app, tenant_id, id, &u);
        if (result) {
                scim_fail(req, result, NULL);
                goto out;
        }
        user = user_json(&u);
        json_array_foreach(ops, i, op) {
                if (!apply_op(req, user, op))
                        goto out;
        }
        replace_and_answer(req, call, &actor, tenant_id, id, user);
out:
        json_decref(user);
        json_decref(body);
}

static void users_delete(struct http_request *req, struct api_call *call)
{
        struct actor actor;
        int64_t tenant_id, id;
        enum result result;

        if (!scim_guard(req, call->ctx, &actor, &tenant_id) || !scim_user_id(req, &id))
                return;
        result = scim_user_delete(call->ctx->app, &actor, tenant_id, id);
        if (result)
                scim_fail(req, result, NULL);
        else
                http_respond_empty(req, 204);
}

/* ---- discovery (RFC 7644 §4) ---------------------------------------------- */

static void service_provider_config(struct http_request *req, struct api_call *call)
{
        struct actor actor;
        int64_t tenant_id;

        if (!scim_guard(req, call->ctx, &actor, &tenant_id))
                return;
        scim_send(req, 200,
                  json_pack("{s[s]s{sb}s{sbsi}s{sbsi}s{sb}s{sb}s{sb}s[{ssssss}]s{ss}}", "schemas",
                            "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig",
                            "patch", "supported", 1, "bulk", "supported", 0, "maxOperations", 0,
                            "filter", "supported", 1, "maxResults", SCIM_MAX_RESULTS,
                            "changePassword", "supported", 0, "sort", "supported", 0, "etag",
                            "supported", 0, "authenticationSchemes", "type", "oauthbearertoken",
                            "name", "OAuth Bearer Token",
                            "description",
                            "a tenant's SCIM token (POST /v1/admin/scim/tokens) as a bearer token",
                            "meta", "resourceType", "ServiceProviderConfig"));
}

static json_t *list_of(json_t *items)
{
        return json_pack("{s[s]sIsIsIso}", "schemas", SCHEMA_LIST, "totalResults",
                         (json_int_t)json_array_size(items), "startIndex", (json_int_t)1,
                         "itemsPerPage", (json_int_t)json_array_size(items), "Resources", items);
}

static void resource_types(struct http_request *req, struct api_call *call)
{
        struct actor actor;
        int64_t tenant_id;

        if (!scim_guard(req, call->ctx, &actor, &tenant_id))
                return;
        scim_send(req, 200,
                  list_of(json_pack("[{s[s]sssssssss[{sssb}]s{ss}}]", "schemas",
                                    "urn:ietf:params:scim:schemas:core:2.0:ResourceType", "id",
                                    "User", "name", "User", "endpoint", "/Users", "schema",
                                    SCHEMA_USER, "schemaExtensions", "schema", SCHEMA_ENTERPRISE,
                                    "required", 0, "meta", "resourceType", "ResourceType")));
}

/* One attribute of a schema (RFC 7643 §7). */
static json_t *attribute(const char *name, const char *type, bool required, const char *mutability,
                         const char *uniqueness)
{
        return json_pack("{sssssbsbsssssbss}", "name", name, "type", type, "multiValued", 0,
                         "required", required, "mutability", mutability, "returned", "default",
                         "caseExact", 0, "uniqueness", uniqueness);
}

static void schemas(struct http_request *req, struct api_call *call)
{
        struct actor actor;
        int64_t tenant_id;
        json_t *name, *user, *enterprise;

        if (!scim_guard(req, call->ctx, &actor, &tenant_id))
                return;
        name = attribute("name", "complex", true, "readWrite", "none");
        json_object_set_new(name, "subAttributes",
                            json_pack("[oo]", attribute("givenName", "string", true, "readWrite", "none"),
                                      attribute("familyName", "string", true, "readWrite", "none")));
        user = json_pack("{ssssssso}", "id", SCHEMA_USER, "name", "User", "description",
                         "an agentdesk user: userName is the login email",
                         "attributes",
                         json_pack("[ooooo]", attribute("userName", "string", true, "immutable", "server"),
                                   name, attribute("active", "boolean", false, "readWrite", "none"),
                                   attribute("externalId", "string", false, "readWrite", "none"),
                                   attribute("title", "string", false, "readWrite", "none")));
        enterprise = json_pack("{ssssssso}", "id", SCHEMA_ENTERPRISE, "name", "EnterpriseUser",
                               "description", "the department may give the role",
                               "attributes",
                               json_pack("[o]", attribute("department", "string", false,
                                                          "readWrite", "none")));
        scim_send(req, 200, list_of(json_pack("[oo]", user, enterprise)));
}

/* ---- /v1/admin/scim ------------------------------------------------------ */

static json_t *token_json(const struct store_scim_token *t)
{
        return json_pack("{sIsssososo}", "id", (json_int_t)t->id, "name", t->name, "created_at",
                         api_time(t->created_at), "last_used_at", api_time(t->last_used_at),
                         "created_by",
                         t->created_by ? json_integer(t->created_by) : json_null());
}

static void tokens_create(struct http_request *req, struct api_call *call)
{
        char token[SCIM_TOKEN_LEN + 1];
        struct store_scim_token t;
        const char *name = NULL, *field = NULL;
        struct actor actor;
        enum result result;
        json_t *body = NULL;

        if (http_request_body_size(req) && !(body = http_request_json(req)))
                return;
        if (body && !api_field_string(req, body, "name", false, &name))
                goto out;
        actor = api_actor(req, &call->session);
        result = scim_token_create(call->ctx->app, &actor, call->tenant_id, name, token, &t,
                                   &field);
        if (result) {
                api_fail(req, result, field);
                goto out;
        }
        /* The one answer that holds the secret: wiped once sent. */
        http_respond_secret(req, 201, "application/json",
                            api_text(json_pack("{sbssso}", "success", 1, "token", token,
                                               "scim_token", token_json(&t))));
        wipe_memory(token, sizeof(token));
out:
        json_decref(body);
}

static void tokens_list(struct http_request *req, struct api_call *call)
{
        struct store_scim_token *items = NULL;
        struct store_page page = { .limit = SCIM_TOKENS_MAX };
        size_t n = 0;
        enum result result;
        json_t *list;

        result = scim_token_list(call->ctx->app, call->tenant_id, &items, &n);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        list = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(list, token_json(&items[i]));
        free(items);
        page.total = (int64_t)n;
        http_respond_json(req, 200, api_list_json("scim_tokens", list, &page));
}

static void tokens_delete(struct http_request *req, struct api_call *call)
{
        struct actor actor = api_actor(req, &call->session);
        enum result result = scim_token_revoke(call->ctx->app, &actor, call->tenant_id, call->id);

        if (result)
                api_fail(req, result, NULL);
        else
                http_respond_json(req, 200, json_pack("{sb}", "success", 1));
}

static json_t *settings_json(const struct store_scim_settings *s)
{
        json_t *map = json_loads(s->role_map, 0, NULL);

        return json_pack("{sbs{ssso}}", "success", 1, "scim_settings", "role_attribute",
                         s->role_attribute, "role_map", map ? map : json_object());
}

static void settings_get(struct http_request *req, struct api_call *call)
{
        struct store_scim_settings s;
        enum result result = scim_settings_get(call->ctx->app, call->tenant_id, &s);
        json_t *o;

        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        o = settings_json(&s);
        http_respond_json(req, 200, o);
}

static void settings_put(struct http_request *req, struct api_call *call)
{
        struct store_scim_settings s = { .role_map = "{}" };
        const char *attr = "", *field = NULL;
        struct actor actor;
        enum result result;
        json_t *body = http_request_json(req), *map;
        char *text = NULL;

        if (!body)
                return;
        if (!api_field_string(req, body, "role_attribute", true, &attr))
                goto out;
        map = json_object_get(body, "role_map");
        if (map && !json_is_object(map)) {
                http_respond_error(req, 400, "validation_failed", "role_map must be an object",
                                   "role_map");
                goto out;
        }
        text = map ? json_dumps(map, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        if ((text && strlen(text) >= sizeof(s.role_map)) ||
            strlen(attr) >= sizeof(s.role_attribute)) {
                http_respond_error(req, 400, "validation_failed", "the mapping is too long",
                                   text && strlen(text) >= sizeof(s.role_map) ? "role_map"
                                                                               : "role_attribute");
                goto out;
        }
        snprintf(s.role_attribute, sizeof(s.role_attribute), "%s", attr);
        if (text)
                snprintf(s.role_map, sizeof(s.role_map), "%s", text);
        actor = api_actor(req, &call->session);
        result = scim_settings_set(call->ctx->app, &actor, call->tenant_id, &s, &field);
        if (result)
                api_fail(req, result, field);
        else
                http_respond_json(req, 200, settings_json(&s));
out:
        free(text);
        json_decref(body);
}

enum result api_scim_register(struct http_server *srv, struct api_context *ctx)
{
        /* /scim/v2 rows are public to the preamble: scim_guard takes a
         * tenant's SCIM token, which the session guard would refuse. */
        static const struct api_route routes[] = {
                { "POST", "/v1/admin/scim/tokens", API_WRITERS, API_TENANT, tokens_create },
                { "GET", "/v1/admin/scim/tokens", API_WRITERS, API_TENANT, tokens_list },
                { "DELETE", "/v1/admin/scim/tokens/:id", API_WRITERS, API_TENANT, tokens_delete },
                { "GET", "/v1/admin/scim/settings", API_WRITERS, API_TENANT, settings_get },
                { "PUT", "/v1/admin/scim/settings", API_WRITERS, API_TENANT, settings_put },
                { "GET", "/scim/v2/ServiceProviderConfig", 0, API_PUBLIC, service_provider_config },
                { "GET", "/scim/v2/ResourceTypes", 0, API_PUBLIC, resource_types },
                { "GET", "/scim/v2/Schemas", 0, API_PUBLIC, schemas },
                { "POST", "/scim/v2/Users", 0, API_PUBLIC, users_create },
                { "GET", "/scim/v2/Users", 0, API_PUBLIC, users_list },
                { "GET", "/scim/v2/Users/:id", 0, API_PUBLIC, users_get },
                { "PUT", "/scim/v2/Users/:id", 0, API_PUBLIC, users_put },
                { "PATCH", "/scim/v2/Users/:id", 0, API_PUBLIC, users_patch },
                { "DELETE", "/scim/v2/Users/:id", 0, API_PUBLIC, users_delete },
        };
        enum result result = http_server_prefix_header(srv, "/scim", "Cache-Control", "no-store");

        return result ? result : API_ROUTES_REGISTER(srv, ctx, routes);
}
