/* agentdesk migrate: applies pending migrations and exits. */
#include <stdio.h>

#include "cli/cli.h"

static int run(const struct cli_args *args, const struct settings *cfg)
{
        struct store *store;
        int applied = 0;
        enum result result;

        (void)args;
        if (cli_open_store(cfg, false, &store) < 0)
                return 1;
        result = store_migrate(store, &applied);
        store_close(store);
        if (result) {
                fprintf(stderr, "agentdesk: migration failed: %s\n", store_last_error());
                return 1;
        }
        if (applied)
                printf("applied %d migration(s)\n", applied);
        else
                printf("schema is current (0 applied)\n");
        return 0;
}

const struct cli_command cli_migrate = {
        "migrate", "migrate [--db URL]\n    Apply pending migrations and exit.", NULL, run, false,
};
