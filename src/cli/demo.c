/* agentdesk demo: the demo tenant and its admin, with a new password. */
#include <inttypes.h>
#include <stdio.h>

#include "cli/cli.h"
#include "domain/identity/demo.h"
#include "util/wipe.h"

static int run(const struct cli_args *args, const struct settings *cfg)
{
        char password[DEMO_PASSWORD_LEN + 1];
        struct store_tenant t;
        struct store_user u;
        struct store *store;
        enum result result;

        (void)args;
        if (cli_open_store(cfg, true, &store) < 0)
                return 1;
        if (cli_open_key(cfg, store, true) < 0) {
                store_close(store);
                return 1;
        }
        result = demo_setup(store, &t, &u, password);
        store_close(store);
        if (result) {
                cli_fail_line("demo", result, NULL);
                return 1;
        }
        printf("Demo tenant: %s (id %" PRId64 ", extensions %" PRId64 "-%" PRId64 ")\n", t.name,
               t.id, t.pool_base, t.pool_base + t.pool_size - 1);
        printf("Tenant admin login:\n  email: %s\n  password: %s\n", u.email, password);
        printf("(each run of 'agentdesk demo' sets a new password)\n");
        wipe_memory(password, sizeof(password));
        return 0;
}

const struct cli_command cli_demo = {
        "demo",
        "demo [--db URL]\n"
        "    Create (if missing) a demo tenant and its admin admin@demo.local, and\n"
        "    print that login with a new password.",
        NULL, run, false,
};
