/* The route table: every resource file registers its routes here. */
#include "api/api.h"

enum result api_register(struct http_server *srv, struct http_server *fs_srv,
                         struct http_server *metrics_srv, struct api_context *ctx)
{
        enum result (*const registrars[])(struct http_server *, struct api_context *) = {
                api_health_register,  api_auth_register,    api_agents_register, api_imports_register,
                api_extensions_register, api_tenants_register, api_audit_register,
                api_freeswitch_status_register, api_clusters_register, api_events_register,
                api_calls_register, api_directory_register, api_queue_status_register,
                api_voicemail_register, api_scim_register, api_sso_register,
                api_queues_register, api_numbers_register,
                api_board_register, api_webhooks_register,
                api_web_register,
        };
        enum result result = RESULT_OK;

        ctx->n_servers = 0;
        ctx->servers[ctx->n_servers++] = srv;
        if (fs_srv)
                ctx->servers[ctx->n_servers++] = fs_srv;
        if (metrics_srv)
                ctx->servers[ctx->n_servers++] = metrics_srv;
        for (size_t i = 0; i < sizeof(registrars) / sizeof(registrars[0]) && !result; i++)
                result = registrars[i](srv, ctx);
        if (!result)
                result = api_freeswitch_register(fs_srv ? fs_srv : srv, ctx);
        if (!result)
                result = api_metrics_register(metrics_srv ? metrics_srv : srv, ctx);
        return result;
}
