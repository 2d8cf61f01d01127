/*
 * What every subcommand shares (cli.h): the command line's flags, the
 * settings they override, the store, the key file, the failure line.
 */
#define LOG_MODULE "main"     /* as the lines were before src/cli/ */
#include "cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/credentials.h"
#include "mail/mail.h"
#include "util/log.h"

extern char **environ;

/* The flags every subcommand may take, mapped to settings. */
static const struct {
        const char *flag;
        const char *setting;
} setting_flags[] = {
        { "--db", "AGENTDESK_DB" },
        { "--listen", "AGENTDESK_LISTEN" },
        { "--log-level", "AGENTDESK_LOG_LEVEL" },
};

const char *cli_opt(const struct cli_args *args, const char *name)
{
        for (size_t i = 0; i < args->n_opts; i++)
                if (strcmp(args->opt_names[i], name) == 0)
                        return args->opt_values[i];
        return NULL;
}

/* The options that take no value: given, cli_opt() answers "true". */
static bool is_switch(const char *name)
{
        static const char *const switches[] = { "--dry-run" };

        for (size_t i = 0; i < sizeof(switches) / sizeof(switches[0]); i++)
                if (!strcmp(name, switches[i]))
                        return true;
        return false;
}

/* The name of cmd's word without "--" (cli.h), NULL when it takes none. */
static const char *operand_of(const struct cli_command *cmd)
{
        for (const char *const *a = cmd->options; a && *a; a++)
                if (strncmp(*a, "--", 2) != 0)
                        return *a;
        return NULL;
}

int cli_args_parse(int argc, char **argv, const struct cli_command *cmd, struct cli_args *ret)
{
        for (int i = 0; i < argc; i++) {
                char name[64];
                const char *arg = argv[i], *value, *eq;
                bool known = false;

                if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
                        ret->help = true;
                        continue;
                }
                if (strncmp(arg, "--", 2) != 0 && operand_of(cmd) && !cli_opt(ret, operand_of(cmd)) &&
                    ret->n_opts < CLI_MAX_ARGS) {
                        ret->opt_names[ret->n_opts] = operand_of(cmd);
                        ret->opt_values[ret->n_opts++] = arg;
                        continue;
                }
                if (strncmp(arg, "--", 2) != 0) {
                        fprintf(stderr, "agentdesk: unexpected argument '%s'\n", arg);
                        return -1;
                }
                eq = strchr(arg, '=');
                if (eq) {
                        snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
                        value = eq + 1;
                } else if (is_switch(arg)) {
                        snprintf(name, sizeof(name), "%s", arg);
                        value = "true";
                } else {
                        snprintf(name, sizeof(name), "%s", arg);
                        if (i + 1 >= argc) {
                                fprintf(stderr, "agentdesk: %s needs a value\n", arg);
                                return -1;
                        }
                        value = argv[++i];
                }
                if (ret->n_overrides >= CLI_MAX_ARGS || ret->n_opts >= CLI_MAX_ARGS) {
                        fprintf(stderr, "agentdesk: too many arguments\n");
                        return -1;
                }
                if (!strcmp(name, "--config")) {
                        ret->config_file = value;
                        continue;
                }
                for (size_t k = 0; k < sizeof(setting_flags) / sizeof(setting_flags[0]); k++)
                        if (!strcmp(name, setting_flags[k].flag)) {
                                ret->overrides[ret->n_overrides].name = setting_flags[k].setting;
                                ret->overrides[ret->n_overrides++].value = value;
                                known = true;
                        }
                for (const char *const *a = cmd->options; !known && a && *a; a++)
                        if (!strcmp(name, *a)) {
                                /* Point at the stable copy of the name. */
                                ret->opt_names[ret->n_opts] = *a;
                                ret->opt_values[ret->n_opts++] = value;
                                known = true;
                        }
                if (!known) {
                        fprintf(stderr, "agentdesk: unknown option %s\n", name);
                        return -1;
                }
        }
        return 0;
}

const struct cli_command *const cli_commands[] = {
        &cli_serve,         &cli_migrate, &cli_tenant_create,  &cli_user_create,
        &cli_freeswitch_config, &cli_doctor, &cli_resync,      &cli_routes,
        &cli_demo,          &cli_config_check, &cli_config_example, &cli_config_man,
        &cli_config_systemd,
        &cli_backup,        &cli_restore, &cli_key_rotate,     &cli_rekey,
};
const size_t cli_n_commands = sizeof(cli_commands) / sizeof(cli_commands[0]);

const char *cli_config_file(const struct cli_args *args)
{
        return args->config_file ? args->config_file : getenv("AGENTDESK_CONFIG");
}

enum result cli_settings_reload(const struct cli_args *args, FILE *errs, struct settings *ret)
{
        return settings_load(cli_config_file(args), environ, args->overrides, args->n_overrides,
                             errs, ret);
}

static int load_settings(const struct cli_args *args, struct settings *cfg)
{
        const char *file = cli_config_file(args);

        if (settings_load(file, environ, args->overrides, args->n_overrides, stderr, cfg) != RESULT_OK)
                return -1;
        log_threshold = (enum log_level)log_level_parse(cfg->log_level);
        log_json = log_format_parse(cfg->log_format) == 1;
        return 0;
}

int cli_run(const struct cli_command *cmd, int argc, char **argv,
            void (*help)(FILE *out, const struct cli_command *cmd))
{
        struct cli_args args = { 0 };
        struct settings cfg = { 0 };
        int rc;

        if (cli_args_parse(argc, argv, cmd, &args) < 0)
                return 2;
        if (args.help) {
                help(stdout, cmd);
                return 0;
        }
        if (cmd->own_settings)
                return cmd->run(&args, NULL);
        if (operand_of(cmd) && !cli_opt(&args, operand_of(cmd))) {
                fprintf(stderr, "agentdesk: %s needs %s (see agentdesk %s --help)\n", cmd->name,
                        operand_of(cmd), cmd->name);
                return 2;
        }
        if (load_settings(&args, &cfg) < 0)
                return 2;
        if (mail_global_init() != RESULT_OK) {
                fprintf(stderr, "agentdesk: cannot initialise libcurl\n");
                settings_free(&cfg);
                return 1;
        }
        rc = cmd->run(&args, &cfg);
        mail_global_cleanup();
        settings_free(&cfg);
        return rc;
}

void cli_settings_help(FILE *out)
{
        fprintf(out, "\n" CLI_COMMON_OPTIONS "\n\n");
        settings_print_help(out);
}

bool cli_parse_int(const char *s, int64_t min, int64_t max, int64_t *ret)
{
        char *end;
        long long v;

        if (!s || !*s)
                return false;
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno || *end || v < min || v > max)
                return false;
        *ret = v;
        return true;
}

bool cli_cluster_opt(const struct cli_args *args, int64_t *ret)
{
        const char *id = cli_opt(args, "--cluster");

        if (!id || cli_parse_int(id, 1, INT64_MAX / 4, ret))
                return true;
        fprintf(stderr, "agentdesk: --cluster must be a cluster id\n");
        return false;
}

int cli_open_store(const struct settings *cfg, bool migrate, struct store **ret_store)
{
        enum result result;
        int applied = 0;

        result = store_open(cfg->db, cfg->db_busy_timeout_ms, ret_store);
        if (result) {
                fprintf(stderr, "agentdesk: cannot open store %s: %s\n",
                        strncmp(cfg->db, "sqlite:", 7) == 0 ? cfg->db : "(AGENTDESK_DB)",
                        store_last_error()[0] ? store_last_error() : result_name(result));
                return -1;
        }
        if (!migrate)
                return 0;
        result = store_migrate(*ret_store, &applied);
        if (result) {
                fprintf(stderr, "agentdesk: migration failed: %s\n", store_last_error());
                store_close(*ret_store);
                return -1;
        }
        if (applied)
                LOG_INFO("applied %d migration(s)", applied);
        return 0;
}

int cli_open_key(const struct settings *cfg, const struct store *store, bool create)
{
        char path[PATH_MAX];
        enum result result;

        if (cfg->secret_key_file[0]) {
                snprintf(path, sizeof(path), "%s", cfg->secret_key_file);
        } else if (store_sqlite_dir(store)) {
                snprintf(path, sizeof(path), "%s/agentdesk.key", store_sqlite_dir(store));
        } else {
                fprintf(stderr, "agentdesk: AGENTDESK_SECRET_KEY_FILE is required with PostgreSQL "
                                "(every node must use the same key file)\n");
                return -1;
        }
        result = credentials_init(path, create);
        if (result) {
                fprintf(stderr, "agentdesk: secret key %s: %s\n", path,
                        result == RESULT_INVALID ? "does not hold a 32-byte hex key"
                                                 : strerror(errno));
                return -1;
        }
        return 0;
}

void cli_print_line(char *s)
{
        if (s)
                puts(s);
        free(s);
}

void cli_fail_line(const char *what, enum result result, const char *field)
{
        const char *why = result_name(result);

        if (result == RESULT_STORE || result == RESULT_BUSY)
                why = store_last_error();
        else if (result == RESULT_POOL_OVERLAP)
                why = "the pool overlaps another tenant's pool (choose another --pool-base)";
        else if (result == RESULT_EMAIL_TAKEN)
                why = "a user with that email already exists";
        if (field)
                fprintf(stderr, "agentdesk: %s: %s (%s)\n", what, why, field);
        else
                fprintf(stderr, "agentdesk: %s: %s\n", what, why);
}
