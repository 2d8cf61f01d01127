/* agentdesk tenant create: a tenant and its extension pool, printed as JSON. */
#include <stdio.h>

#include "api/common.h"
#include "cli/cli.h"
#include "domain/tenants/tenants.h"

static int run(const struct cli_args *args, const struct settings *cfg)
{
        const char *name = cli_opt(args, "--name"), *field = NULL;
        const char *base_arg = cli_opt(args, "--pool-base"), *size_arg = cli_opt(args, "--pool-size");
        int64_t base = -1, size = -1, cluster_id = 0;
        struct store_tenant t;
        struct store *store;
        enum result result;

        if (!name) {
                fprintf(stderr, "agentdesk: tenant create needs --name\n");
                return 2;
        }
        if (base_arg && !cli_parse_int(base_arg, 0, INT64_MAX / 4, &base)) {
                fprintf(stderr, "agentdesk: --pool-base must be a non-negative integer\n");
                return 2;
        }
        if (size_arg && !cli_parse_int(size_arg, 1, INT64_MAX / 4, &size)) {
                fprintf(stderr, "agentdesk: --pool-size must be a positive integer\n");
                return 2;
        }
        if (!cli_cluster_opt(args, &cluster_id))
                return 2;
        if (cli_open_store(cfg, true, &store) < 0)
                return 1;
        if (cli_open_key(cfg, store, true) < 0) {
                store_close(store);
                return 1;
        }
        result = tenant_create(store, NULL, name, NULL, base, size, cluster_id, &t, &field);
        if (result) {
                cli_fail_line("tenant create", result, field);
                store_close(store);
                return 1;
        }
        cli_print_line(api_tenant_text(&t));
        store_close(store);
        return 0;
}

static const char *const options[] = { "--name", "--pool-base", "--pool-size", "--cluster", NULL };

const struct cli_command cli_tenant_create = {
        "tenant create",
        "tenant create --name NAME [--pool-base N] [--pool-size N] [--cluster ID]\n"
        "              [--db URL]\n"
        "    Create a tenant and its extension pool (in the default FreeSWITCH\n"
        "    cluster unless --cluster names a stored one); print it as JSON.",
        options, run, false,
};
