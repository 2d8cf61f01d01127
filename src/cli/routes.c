/* agentdesk routes: the routes the server registers, one "METHOD PATTERN"
 * a line (compared with docs/api/openapi.yaml by the tests). */
#include <stdio.h>

#include "api/api.h"
#include "cli/cli.h"

static int run(const struct cli_args *args, const struct settings *cfg)
{
        struct http_server_options opts = { .listen = cfg->listen, .threads = 1,
                                            .max_body_bytes = (size_t)cfg->max_body_bytes };
        struct app app = { .settings = *cfg };
        struct api_context ctx = { .app = &app };
        struct http_server *srv = NULL;
        enum result result;

        (void)args;
        result = http_server_new(&opts, &srv);
        if (!result)
                result = api_register(srv, NULL, NULL, &ctx);
        if (result) {
                fprintf(stderr, "agentdesk: routes: %s\n", result_name(result));
                http_server_free(srv);
                return 1;
        }
        for (size_t i = 0; i < http_server_route_count(srv); i++) {
                const char *method, *pattern;
                http_server_route_at(srv, i, &method, &pattern);
                printf("%s %s\n", method, pattern);
        }
        http_server_free(srv);
        return 0;
}

const struct cli_command cli_routes = {
        "routes", "routes\n    Print the HTTP routes the server registers, one per line.", NULL, run, false,
};
