/*
 * agentdesk: wiring only. Picks the subcommand named by the first words
 * of the command line and hands it the rest; each subcommand, its help
 * and its output are a file of src/cli/ (docs/ARCHITECTURE.md).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct cli_command *const commands[] = {
        &cli_serve,  &cli_migrate, &cli_tenant_create, &cli_user_create, &cli_freeswitch_config,
        &cli_doctor, &cli_resync,  &cli_routes,        &cli_demo,        &cli_backup,
        &cli_restore, &cli_key_rotate, &cli_rekey,
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* Every command's help, or only's. */
static void usage(FILE *out, const struct cli_command *only)
{
        if (!only)
                fprintf(out, "agentdesk: agent onboarding for FreeSWITCH contact centres\n\n"
                             "Usage: agentdesk COMMAND [OPTIONS]\n\nCommands:\n");
        for (size_t i = 0; i < N_COMMANDS; i++)
                if (!only || only == commands[i])
                        fprintf(out, "  agentdesk %s\n", commands[i]->usage);
        cli_settings_help(out);
}

/* The command argv[1] (and argv[2], for two-word ones) names; *ret_words
 * gets how many words it took. NULL when none. */
static const struct cli_command *pick(int argc, char **argv, int *ret_words)
{
        for (size_t i = 0; i < N_COMMANDS; i++) {
                const char *name = commands[i]->name, *space = strchr(name, ' ');
                if (space) {
                        if (argc >= 3 && !strncmp(argv[1], name, (size_t)(space - name)) &&
                            argv[1][space - name] == '\0' && !strcmp(argv[2], space + 1)) {
                                *ret_words = 2;
                                return commands[i];
                        }
                } else if (!strcmp(argv[1], name)) {
                        *ret_words = 1;
                        return commands[i];
                }
        }
        return NULL;
}

int main(int argc, char **argv)
{
        const struct cli_command *cmd;
        int words = 0;

        if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
            !strcmp(argv[1], "help")) {
                usage(stdout, NULL);
                return argc < 2 ? 2 : 0;
        }
        cmd = pick(argc, argv, &words);
        if (!cmd) {
                fprintf(stderr, "agentdesk: unknown command '%s%s%s' (see agentdesk --help)\n",
                        argv[1], argc >= 3 && argv[2][0] != '-' ? " " : "",
                        argc >= 3 && argv[2][0] != '-' ? argv[2] : "");
                return 2;
        }
        return cli_run(cmd, argc - 1 - words, argv + 1 + words, usage);
}
