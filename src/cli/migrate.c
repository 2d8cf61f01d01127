/* agentdesk migrate: applies pending migrations and exits; --dry-run
 * lists them and changes nothing. Either refuses a database newer than
 * this binary. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* What store_migrate would run, one line per migration. */
static int dry_run(struct store *store)
{
        int current = 0, newest = 0, pending = 0;
        enum result result = store_schema_version(store, &current, &newest);

        if (result) {
                fprintf(stderr, "agentdesk: migrate: %s\n", store_last_error());
                return 1;
        }
        if (current > newest) {
                fprintf(stderr, "agentdesk: the database is at schema version %d, newer than this "
                                "agentdesk (it knows up to %d)\n", current, newest);
                return 1;
        }
        /* Versions may skip numbers (each branch is given its own). */
        for (int v = current + 1; v <= newest; v++)
                pending += store_migration_name(store, v) != NULL;
        printf("%s schema version %d, this agentdesk's %d: %d migration(s) would run\n",
               store_backend(store), current, newest, pending);
        for (int v = current + 1; v <= newest; v++)
                if (store_migration_name(store, v))
                        printf("  %d %s\n", v, store_migration_name(store, v));
        return 0;
}

static int run(const struct cli_args *args, const struct settings *cfg)
{
        const char *dry = cli_opt(args, "--dry-run");
        struct store *store;
        int applied = 0, rc = 0;
        enum result result;

        if (dry && strcmp(dry, "true") != 0) {
                fprintf(stderr, "agentdesk: --dry-run takes no value\n");
                return 2;
        }
        if (cli_open_store(cfg, false, &store) < 0)
                return 1;
        if (dry) {
                rc = dry_run(store);
                store_close(store);
                return rc;
        }
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

static const char *const options[] = { "--dry-run", NULL };

const struct cli_command cli_migrate = {
        "migrate",
        "migrate [--dry-run] [--db URL]\n"
        "    Apply pending migrations and exit. --dry-run lists them (version and name)\n"
        "    and changes nothing. Refuses a database newer than this binary.",
        options, run, false,
};
