/*
 * The command line: one file per subcommand (serve.c, doctor.c, …), each
 * defining its row (struct cli_command: its words, its help, its options,
 * its body), and what they share (cli.c): the parsed arguments, the
 * settings, the store and the key file, and how a failure is printed.
 * main.c lists the rows and picks one.
 */
#ifndef AGENTDESK_CLI_CLI_H
#define AGENTDESK_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "settings/settings.h"
#include "store/store.h"
#include "util/result.h"

#define CLI_MAX_ARGS 32

/* A subcommand's parsed command line. */
struct cli_args {
        const char *config_file;         /* --config, else AGENTDESK_CONFIG */
        struct config_override overrides[CLI_MAX_ARGS];   /* --db, --listen, --log-level */
        size_t n_overrides;
        const char *opt_names[CLI_MAX_ARGS];  /* the subcommand's own --name value */
        const char *opt_values[CLI_MAX_ARGS];
        size_t n_opts;
        bool help;
};

struct cli_command {
        const char *name;                /* "tenant create" */
        const char *usage;               /* its lines of --help */
        const char *const *options;      /* its own options, NULL-terminated; NULL: none.
                                          * One without "--" ("FILE") is a required
                                          * word of its own, read with cli_opt();
                                          * --dry-run takes no value (cli.c) */
        /* Returns the exit status (2: a bad argument). */
        int (*run)(const struct cli_args *args, const struct settings *cfg);
        /* run gets cfg NULL and reads the settings itself, if at all
         * (config check reports what is wrong instead of refusing). */
        bool own_settings;
};

extern const struct cli_command cli_serve, cli_migrate, cli_tenant_create, cli_user_create,
        cli_freeswitch_config, cli_doctor, cli_resync, cli_routes, cli_demo, cli_config_check,
        cli_config_example, cli_config_man, cli_config_systemd, cli_backup, cli_restore,
        cli_key_rotate, cli_rekey;

/* Every command, in the order --help and the man page list them. */
extern const struct cli_command *const cli_commands[];
extern const size_t cli_n_commands;

/* The text after the command list of --help: the options every command
 * takes (the man page has them too). */
#define CLI_COMMON_OPTIONS \
        "Every command also takes --config FILE, --db URL, --listen HOST:PORT, --log-level LEVEL."

/* Parses the arguments after the subcommand's words into *ret ("--flag
 * value" and "--flag=value"; --help sets help). Returns -1 after printing
 * the problem. */
int cli_args_parse(int argc, char **argv, const struct cli_command *cmd, struct cli_args *ret);

/* The value of the subcommand's option name, NULL when absent. */
const char *cli_opt(const struct cli_args *args, const char *name);

/* The config file the arguments name: --config, else AGENTDESK_CONFIG,
 * else NULL. */
const char *cli_config_file(const struct cli_args *args);

/* Loads the settings again as cli_run did for args (file, environment,
 * flags), problems written to errs (settings_load). For SIGHUP. */
enum result cli_settings_reload(const struct cli_args *args, FILE *errs, struct settings *ret);

/* Parses the arguments, loads the settings, runs cmd and returns its exit
 * status; prints the problem and returns 2 for bad arguments or settings.
 * For --help, prints help (help(out, cmd)) and returns 0. */
int cli_run(const struct cli_command *cmd, int argc, char **argv,
            void (*help)(FILE *out, const struct cli_command *cmd));

/* Lists the settings with defaults and help, the end of every --help. */
void cli_settings_help(FILE *out);

/* s as an integer in min..max into *ret; false (and *ret untouched) else. */
bool cli_parse_int(const char *s, int64_t min, int64_t max, int64_t *ret);

/* --cluster ID into *ret (left as it is when absent); false after saying
 * what is wrong. */
bool cli_cluster_opt(const struct cli_args *args, int64_t *ret);

/* Opens the store (and applies pending migrations when migrate); -1 after
 * printing why. */
int cli_open_store(const struct settings *cfg, bool migrate, struct store **ret_store);

/* Loads the key that seals SIP secrets, creating it when absent and
 * create; -1 after printing why. */
int cli_open_key(const struct settings *cfg, const struct store *store, bool create);

/* Prints and frees a line from api_*_text (NULL: out of memory). */
void cli_print_line(char *s);

/* "agentdesk: WHAT: why (field)" on stderr, why from result. */
void cli_fail_line(const char *what, enum result result, const char *field);

#endif
