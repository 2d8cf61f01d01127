/*
 * The web app on the API's listener: every request no route takes comes
 * here. GETs and HEADs outside the server's own paths are the app's
 * (web/web.h serves them, with a Content-Security-Policy that lets the
 * desktop reach its SIP WebSocket); anything else keeps the JSON 404.
 * Also marks every /v1 answer Cache-Control: no-store (api/scim.c does
 * /scim's), so that tokens and SIP passwords never land in a browser's
 * disk cache.
 */
#include <string.h>

#include "api/api.h"
#include "domain/switches/websocket_urls.h"
#include "web/web.h"

/* script-src has neither 'unsafe-inline' nor 'unsafe-eval'; style-src
 * allows inline styles because PrimeVue injects its theme as <style>. */
#define CSP_HEAD "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " \
                 "img-src 'self' data:; font-src 'self' data:; media-src 'self' blob:; "      \
                 "object-src 'none'; base-uri 'self'; form-action 'self'; "                  \
                 "frame-ancestors 'none'; connect-src 'self'"

static void serve_app(struct http_request *req, void *userdata)
{
        struct api_context *ctx = userdata;
        const char *method = http_request_method(req);
        char urls[4096], csp[sizeof(urls) + sizeof(CSP_HEAD) + 2];

        if ((strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) ||
            web_path_reserved(http_request_path(req))) {
                http_respond_error(req, 404, "not_found", "no such route", NULL);
                return;
        }
        /* On a store failure urls still holds AGENTDESK_SIP_WS_URL: the
         * page works, only other clusters' desktops would wait. */
        (void)websocket_urls_get(ctx->app, urls, sizeof(urls));
        strcpy(csp, CSP_HEAD);
        if (urls[0]) {
                strcat(csp, " ");
                strcat(csp, urls);
        }
        web_site_serve(ctx->web, req, csp);
}

enum result api_web_register(struct http_server *srv, struct api_context *ctx)
{
        enum result result = http_server_prefix_header(srv, "/v1", "Cache-Control", "no-store");

        if (!result && ctx->web)
                result = http_server_fallback(srv, serve_app, ctx);
        return result;
}
