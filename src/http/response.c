/*
 * Responses: one per request, queued on libmicrohttpd with the headers
 * every answer carries (X-Request-Id, the prefix headers, the handler's
 * own); JSON bodies and errors in the API's shape
 * ({"success": false, "error": {"code", "message", "field"?}}), enum
 * result answered from its row of util/result.c, static, copied, secret
 * (wiped once sent) and file bodies.
 */
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/internal.h"
#include "util/wipe.h"

/* Whether path is prefix or below it ("/v1" covers "/v1" and "/v1/x",
 * not "/v1x"). */
static bool path_under(const char *path, const char *prefix)
{
        size_t n = strlen(prefix);

        return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/' ||
                                                 (n && prefix[n - 1] == '/'));
}

void http_response_header(struct http_request *req, const char *name, const char *value)
{
        if (req->n_headers >= HTTP_MAX_HEADERS)
                return;
        req->headers[req->n_headers][0] = strdup(name);
        req->headers[req->n_headers][1] = strdup(value);
        req->n_headers++;
}

/* Adds the headers every response carries and queues resp (destroyed
 * here). content_type NULL: none (a body-less answer). */
static void queue(struct http_request *req, unsigned status, const char *content_type,
                  struct MHD_Response *resp)
{
        const struct http_server *srv = req->srv;

        if (content_type)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
        MHD_add_response_header(resp, "X-Request-Id", req->request_id);
        for (size_t i = 0; i < srv->n_prefix_headers; i++)
                if (path_under(req->url, srv->prefix_headers[i].prefix))
                        MHD_add_response_header(resp, srv->prefix_headers[i].name,
                                                srv->prefix_headers[i].value);
        for (size_t i = 0; i < req->n_headers; i++)
                if (req->headers[i][0] && req->headers[i][1])
                        MHD_add_response_header(resp, req->headers[i][0], req->headers[i][1]);
        if (MHD_queue_response(req->con, status, resp) == MHD_YES) {
                req->responded = true;
                req->status = status;
        }
        MHD_destroy_response(resp);
}

static void send_buffer(struct http_request *req, unsigned status, const char *content_type,
                        void *buf, size_t len, enum MHD_ResponseMemoryMode mode)
{
        struct MHD_Response *resp;

        if (req->responded) {
                if (mode == MHD_RESPMEM_MUST_FREE)
                        free(buf);
                return;
        }
        if (!req->con) {                 /* a detached request: record only */
                if (mode == MHD_RESPMEM_MUST_FREE)
                        free(buf);
                req->responded = true;
                req->status = status;
                return;
        }
        resp = MHD_create_response_from_buffer(len, buf, mode);
        if (resp)
                queue(req, status, content_type, resp);
}

void http_respond_static(struct http_request *req, unsigned status, const char *content_type,
                         const void *body, size_t len)
{
        send_buffer(req, status, content_type, (void *)body, len, MHD_RESPMEM_PERSISTENT);
}

void http_respond_fd(struct http_request *req, unsigned status, const char *content_type, int fd,
                     uint64_t size)
{
        struct MHD_Response *resp = NULL;

        if (!req->responded)
                resp = MHD_create_response_from_fd64(size, fd);
        if (!resp) {
                close(fd);
                return;
        }
        queue(req, status, content_type, resp);
}

void http_respond_empty(struct http_request *req, unsigned status)
{
        struct MHD_Response *resp;

        if (req->responded)
                return;
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        if (resp)
                queue(req, status, NULL, resp);
}

void http_respond_json(struct http_request *req, unsigned status, json_t *body)
{
        char *text = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

        json_decref(body);
        if (!text) {
                static char oom[] =
                        "{\"success\":false,\"error\":{\"code\":\"internal_error\",\"message\":\"out of memory\"}}";
                send_buffer(req, 500, "application/json", oom, sizeof(oom) - 1, MHD_RESPMEM_PERSISTENT);
                return;
        }
        send_buffer(req, status, "application/json", text, strlen(text), MHD_RESPMEM_MUST_FREE);
}

void http_respond_error(struct http_request *req, unsigned status, const char *code,
                        const char *message, const char *field)
{
        json_t *error = json_pack("{ss,ss}", "code", code, "message", message);

        if (field && error)
                json_object_set_new(error, "field", json_string(field));
        http_respond_json(req, status, json_pack("{sb,so*}", "success", 0, "error", error));
}

void http_respond_result(struct http_request *req, enum result result, const char *message,
                         const char *field)
{
        unsigned status = 500;
        const char *code = "internal_error", *stock = "internal error";

        switch (result) {
        case RESULT_INVALID:
                status = 400, code = "validation_failed", stock = "the input is not valid";
                break;
        case RESULT_WRONG_PASSWORD:
                status = 400, code = "wrong_password", stock = "the current password is wrong";
                break;
        case RESULT_UNAUTHORIZED:
                status = 401, code = "unauthorized", stock = "a valid bearer token is required";
                break;
        case RESULT_INVALID_CREDENTIALS:
                status = 401, code = "invalid_credentials", stock = "wrong email or password";
                break;
        case RESULT_FORBIDDEN:
                status = 403, code = "forbidden", stock = "your role may not do this";
                break;
        case RESULT_PASSWORD_CHANGE_REQUIRED:
                status = 403, code = "password_change_required",
                stock = "change the temporary password first";
                break;
        case RESULT_ROLE_NOT_ALLOWED:
                status = 403, code = "role_not_allowed", stock = "that role cannot be given here";
                break;
        case RESULT_NOT_FOUND:
                status = 404, code = "not_found", stock = "no such object";
                break;
        case RESULT_CONFLICT:
                status = 409, code = "conflict", stock = "conflicts with existing data";
                break;
        case RESULT_EMAIL_TAKEN:
                status = 409, code = "email_taken", stock = "a user with that email exists";
                break;
        case RESULT_POOL_EXHAUSTED:
                status = 409, code = "pool_exhausted",
                stock = "the tenant's extension pool has no free extension";
                break;
        case RESULT_POOL_OVERLAP:
                status = 409, code = "pool_overlap", stock = "the pool overlaps another tenant's pool";
                break;
        case RESULT_CLUSTER_IN_USE:
                status = 409, code = "cluster_in_use",
                stock = "tenants still belong to this cluster: move them first";
                break;
        case RESULT_INVALID_TOKEN:
                status = 400, code = "invalid_token",
                stock = "the link is not valid: it was used, replaced or has expired";
                break;
        case RESULT_MAIL_OFF:
                status = 409, code = "mail_disabled",
                stock = "mail is off on this server (AGENTDESK_SMTP_URL is not set)";
                break;
        case RESULT_SELF:
                status = 409, code = "cannot_modify_self",
                stock = "you cannot suspend, delete or change the role of yourself";
                break;
        case RESULT_TOO_BIG:
                status = 413, code = "payload_too_large", stock = "the input is larger than allowed";
                break;
        case RESULT_THROTTLED:
                status = 429, code = "too_many_attempts", stock = "too many attempts; retry later";
                break;
        case RESULT_BUSY:
        case RESULT_STORE:
        case RESULT_IO:
        case RESULT_TIMEOUT:
                /* A fault of the store, not of the input: worth a retry. */
                status = 503, code = "store_unavailable",
                stock = "the store is unavailable; retry shortly";
                break;
        default:
                break;
        }
        http_respond_error(req, status, code, message ? message : stock, field);
}

void http_respond_text(struct http_request *req, unsigned status, const char *content_type,
                       const char *body, size_t len)
{
        send_buffer(req, status, content_type, (void *)body, len, MHD_RESPMEM_MUST_COPY);
}

/* Called by libmicrohttpd when the response is gone. */
static void wipe_and_free(void *text)
{
        wipe_memory(text, strlen(text));
        free(text);
}

void http_respond_secret(struct http_request *req, unsigned status, const char *content_type,
                         char *text)
{
        struct MHD_Response *resp;

        if (req->responded || !req->con) {
                if (!req->responded && !req->con) {   /* a detached request: record only */
                        req->responded = true;
                        req->status = status;
                }
                wipe_and_free(text);
                return;
        }
        resp = MHD_create_response_from_buffer_with_free_callback(strlen(text), text, wipe_and_free);
        if (!resp) {
                wipe_and_free(text);
                return;
        }
        queue(req, status, content_type, resp);
}
