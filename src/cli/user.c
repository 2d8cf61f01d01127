/* agentdesk user create: a login, printed as JSON. */
#include <stdio.h>

#include "api/common.h"
#include "cli/cli.h"
#include "domain/identity/users.h"

static int run(const struct cli_args *args, const struct settings *cfg)
{
        const char *field = NULL, *email = cli_opt(args, "--email");
        const char *password = cli_opt(args, "--password"), *role = cli_opt(args, "--role");
        const char *tenant = cli_opt(args, "--tenant");
        int64_t tenant_id = 0;
        struct store_user u;
        struct store *store;
        enum result result;

        if (!email || !password || !role) {
                fprintf(stderr, "agentdesk: user create needs --email, --password and --role\n");
                return 2;
        }
        if (tenant && !cli_parse_int(tenant, 1, INT64_MAX, &tenant_id)) {
                fprintf(stderr, "agentdesk: --tenant must be a tenant id\n");
                return 2;
        }
        if (cli_open_store(cfg, true, &store) < 0)
                return 1;
        result = user_create(store, tenant_id, email, password, role, cli_opt(args, "--first-name"),
                             cli_opt(args, "--last-name"), false, &u, &field);
        store_close(store);
        if (result) {
                cli_fail_line("user create", result, field);
                return 1;
        }
        cli_print_line(api_user_text(&u));
        return 0;
}

static const char *const options[] = { "--tenant", "--email", "--password", "--role",
                                       "--first-name", "--last-name", NULL };

const struct cli_command cli_user_create = {
        "user create",
        "user create --tenant ID --email E --password P --role superadmin|admin|supervisor|agent\n"
        "            [--first-name F] [--last-name L] [--db URL]\n"
        "    Create a login; print it as JSON. --tenant may be omitted for a superadmin.",
        options, run, false,
};
