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
#include <strings.h>
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

void http_response_queue(struct http_request *req, unsigned status, const char *content_type,
                         struct MHD_Response *resp)
{
        const struct http_server *srv = req->srv;
        bool closes = false;

        if (content_type)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
        MHD_add_response_header(resp, "X-Request-Id", req->request_id);
        for (size_t i = 0; i < srv->n_prefix_headers; i++)
                if (path_under(req->url, srv->prefix_headers[i].prefix))
                        MHD_add_response_header(resp, srv->prefix_headers[i].name,
                                                srv->prefix_headers[i].value);
        for (size_t i = 0; i < req->n_headers; i++)
                if (req->headers[i][0] && req->headers[i][1]) {
                        MHD_add_response_header(resp, req->headers[i][0], req->headers[i][1]);
                        closes |= strcasecmp(req->headers[i][0], "Connection") == 0;
                }
        /* Draining: a kept-alive connection would be reused by a load
         * balancer for requests this server is about to stop taking. */
        if (!closes && atomic_load(&srv->draining))
                MHD_add_response_header(resp, "Connection", "close");
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
                http_response_queue(req, status, content_type, resp);
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
        http_response_queue(req, status, content_type, resp);
}

void http_respond_empty(struct http_request *req, unsigned status)
{
        struct MHD_Response *resp;

        if (req->responded)
                return;
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        if (resp)
                http_response_queue(req, status, NULL, resp);
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
        const struct result_info *row = result_info(result);

        http_respond_error(req, row->status, row->code, message ? message : row->message, field);
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
        http_response_queue(req, status, content_type, resp);
}
