/*
 * agentdesk config check | example | man | systemd: the config file, the
 * manual and the unit's drop-in, all made from the one settings table
 * (settings/settings.c) and the commands' own help, so none can drift
 * from the program.
 *
 * check:   reads a config file alone (no environment, no flag) as serve
 *          would, and lists each problem with its FILE:LINE.
 * example: prints agentdesk.conf: every setting, its help, its default,
 *          commented out (the install step writes /etc/agentdesk's).
 * man:     prints agentdesk(1) as troff (man(7) macros).
 * systemd: prints the unit's drop-in the config file calls for (the
 *          generator packaging/systemd/agentdesk-generator writes it at
 *          boot and at `systemctl daemon-reload`).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/modes.h"
#include "settings/settings.h"
#include "util/config.h"

static const char *const example_options[] = { "--state-dir", NULL };

/* The line number of a problem "FILE:LINE: ..." of file (0: none, such
 * as two settings that do not go together). */
static unsigned long line_of(const char *problem, const char *file)
{
        size_t n = strlen(file);

        return !strncmp(problem, file, n) && problem[n] == ':' ? strtoul(problem + n + 1, NULL, 10)
                                                                 : 0;
}

static const char *sort_file;

static int by_line(const void *a, const void *b)
{
        unsigned long la = line_of(*(char *const *)a, sort_file);
        unsigned long lb = line_of(*(char *const *)b, sort_file);

        /* Those without a line last; the loader's order among equals. */
        la = la ? la : ULONG_MAX;
        lb = lb ? lb : ULONG_MAX;
        return la < lb ? -1 : la > lb ? 1 : a < b ? -1 : 1;
}

/* Prints the problems (lines of text) in the order of the file's lines. */
static void print_by_line(char *text, const char *file)
{
        char **lines, *save = NULL;
        size_t n = 0, max = 1;

        for (const char *c = text; *c; c++)
                max += *c == '\n';
        lines = malloc(max * sizeof(*lines));
        if (!lines) {                    /* out of memory: in the loader's order */
                fputs(text, stdout);
                return;
        }
        for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                lines[n++] = l;
        sort_file = file;
        qsort(lines, n, sizeof(lines[0]), by_line);
        for (size_t i = 0; i < n; i++)
                puts(lines[i]);
        free(lines);
}

static int check(const struct cli_args *args, const struct settings *unused)
{
        const char *file = cli_config_file(args);
        struct settings cfg = { 0 };
        enum result result;
        char *problems = NULL;
        size_t len = 0;
        FILE *errs;

        (void)unused;
        if (!file) {
                fprintf(stderr, "agentdesk: config check needs --config FILE (or AGENTDESK_CONFIG)\n");
                return 2;
        }
        errs = open_memstream(&problems, &len);
        if (!errs) {
                fprintf(stderr, "agentdesk: out of memory\n");
                return 1;
        }
        /* The file alone: what the environment sets is not the file's fault. */
        result = settings_load(file, NULL, NULL, 0, errs, &cfg);
        fclose(errs);
        print_by_line(problems, file);
        free(problems);
        if (result != RESULT_OK) {
                fprintf(stdout, "%s: %s\n", file,
                        result == RESULT_IO ? "cannot be read" : "has the problems above");
                return 1;
        }
        settings_free(&cfg);
        printf("%s: OK\n", file);
        return 0;
}

/* Writes text as '#' comment lines of at most ~76 columns. */
static void comment(FILE *out, const char *text)
{
        const char *p = text;

        while (*p) {
                size_t len = strlen(p), cut = len;
                if (len > 74) {
                        cut = 74;
                        while (cut > 0 && p[cut] != ' ')
                                cut--;
                        if (cut == 0)
                                cut = strcspn(p, " ");
                }
                fprintf(out, "# %.*s\n", (int)cut, p);
                p += cut;
                while (*p == ' ')
                        p++;
        }
}

static int example(const struct cli_args *args, const struct settings *unused)
{
        const char *state_dir = cli_opt(args, "--state-dir");

        (void)unused;
        if (state_dir && state_dir[0] != '/') {
                fprintf(stderr, "agentdesk: --state-dir must be an absolute path\n");
                return 2;
        }
        comment(stdout, "agentdesk.conf: the settings of agentdesk(1), made by `agentdesk config "
                        "example` from its settings table.");
        printf("#\n");
        comment(stdout, "One setting a line, NAME = value; a line starting with # is a comment. "
                        "A setting left commented out keeps the default shown. The environment "
                        "wins over this file, and a command-line flag over both. A secret "
                        "setting may instead be given as NAME_FILE = /path/to/a/file holding it "
                        "(readable by the service only). `agentdesk config check --config FILE` "
                        "says what is wrong, line by line.");
        for (size_t i = 0; i < settings_table.count; i++) {
                const struct config_def *d = &settings_table.defs[i];
                printf("\n");
                comment(stdout, d->help);
                if (d->secret)
                        printf("# (a secret: or %s_FILE = a file holding it)\n", d->name);
                if (d->live)
                        printf("# (live: a reload, SIGHUP, applies a change)\n");
                if (state_dir && !strcmp(d->name, "AGENTDESK_DB"))
                        printf("%s = sqlite:%s/agentdesk.db\n", d->name, state_dir);
                else
                        printf("# %s =%s%s\n", d->name, d->default_value[0] ? " " : "",
                               d->default_value);
        }
        return 0;
}

/* Writes text for troff: backslashes and hyphens escaped, no line
 * starting with a control character. */
static void roff(FILE *out, const char *text, size_t len)
{
        bool line_start = true;

        for (size_t i = 0; i < len; i++) {
                char c = text[i];
                if (line_start && (c == '.' || c == '\''))
                        fputs("\\&", out);
                if (c == '\\')
                        fputs("\\e", out);
                else if (c == '-')
                        fputs("\\-", out);
                else
                        fputc(c, out);
                line_start = c == '\n';
        }
}

static void roff_str(FILE *out, const char *text)
{
        roff(out, text, strlen(text));
}

/* A command's help: its synopsis lines (the first, and any continuation
 * indented by more than four spaces) in bold, then its description (the
 * lines indented by four) as one paragraph. */
static void man_command(FILE *out, const struct cli_command *cmd)
{
        const char *line = cmd->usage;
        bool synopsis = true;

        fputs(".TP\n.B agentdesk ", out);
        while (*line) {
                size_t len = strcspn(line, "\n");
                bool description = !strncmp(line, "    ", 4) && line[4] != ' ';
                const char *text = line;
                while (*text == ' ')
                        text++;
                if (synopsis && description) {
                        synopsis = false;
                        fputc('\n', out);
                } else if (line != cmd->usage) {
                        fputs(synopsis ? " " : "\n", out);
                }
                roff(out, text, len - (size_t)(text - line));
                line += len + (line[len] == '\n');
        }
        fputc('\n', out);
}

static int man(const struct cli_args *args, const struct settings *unused)
{
        FILE *out = stdout;

        (void)args;
        (void)unused;
        fputs(".\\\" agentdesk(1): made by `agentdesk config man` from the command help and\n"
              ".\\\" the settings table; do not edit.\n"
              ".TH AGENTDESK 1 \"\" \"agentdesk\" \"User Commands\"\n"
              ".nh\n.ad l\n"
              ".SH NAME\nagentdesk \\- agent onboarding for FreeSWITCH contact centres\n"
              ".SH SYNOPSIS\n.B agentdesk\n.I COMMAND\n[\\fIOPTIONS\\fR]\n"
              ".SH DESCRIPTION\n"
              "agentdesk provisions contact\\-centre agents on FreeSWITCH: it keeps the agents, "
              "their extensions and SIP secrets in a store (SQLite or PostgreSQL), serves the "
              "HTTP API and the web app, answers FreeSWITCH's mod_xml_curl directory lookups or "
              "writes its configuration files, and follows the nodes' Event Sockets.\n"
              ".PP\n"
              "Every setting is read, later winning, from its default, the config file "
              "(\\fB\\-\\-config\\fR \\fIFILE\\fR or \\fBAGENTDESK_CONFIG\\fR), the environment, "
              "and the command line.\n"
              ".SH COMMANDS\n", out);
        for (size_t i = 0; i < cli_n_commands; i++)
                man_command(out, cli_commands[i]);
        fputs(".SH OPTIONS\n", out);
        roff_str(out, CLI_COMMON_OPTIONS);
        fputs(" \\fB\\-\\-help\\fR prints a command's help and every setting.\n"
              ".SH SETTINGS\n"
              "In the config file as \\fINAME\\fR = \\fIvalue\\fR lines, or in the environment. "
              "A secret setting may instead be given as \\fINAME\\fR_FILE, naming a file that "
              "holds it.\n", out);
        for (size_t i = 0; i < settings_table.count; i++) {
                const struct config_def *d = &settings_table.defs[i];
                fprintf(out, ".TP\n.B %s\n", d->name);
                roff_str(out, d->help);
                fputs(". Default: ", out);
                if (d->default_value[0]) {
                        fputs("\\fB", out);
                        roff_str(out, d->default_value);
                        fputs("\\fR", out);
                } else {
                        fputs("empty", out);
                }
                fputs(d->secret ? " (a secret)." : ".", out);
                fputs(d->live ? " A reload (SIGHUP) applies a change.\n" : "\n", out);
        }
        fputs(".SH FILES\n"
              ".TP\n.I /etc/agentdesk/agentdesk.conf\n"
              "The config file of the packaged service (every setting, commented; "
              "\\fBagentdesk config example\\fR prints a fresh one).\n"
              ".TP\n.I /var/lib/agentdesk\n"
              "The service's state directory (mode 0700): the SQLite database and the key file.\n"
              ".SH SIGNALS\n"
              ".TP\n.B SIGHUP\n"
              "\\fBserve\\fR reads its settings again (\\fBsystemctl reload agentdesk\\fR): the "
              "settings marked so above apply at once; the others that changed are logged as "
              "needing a restart. With a problem in the new settings nothing changes.\n"
              ".TP\n.BR SIGTERM \", \" SIGINT\n"
              "\\fBserve\\fR stops accepting (\\fB/readyz\\fR answers 503), lets in\\-flight "
              "requests and the provisioning batch under way finish within "
              "\\fBAGENTDESK_SHUTDOWN_S\\fR, then exits.\n"
              ".SH EXIT STATUS\n"
              "0 on success, 1 when the command failed, 2 for a bad argument or setting.\n"
              ".SH SEE ALSO\n"
              ".BR systemctl (1),\n.BR journalctl (1),\n.BR freeswitch (8)\n", out);
        return 0;
}

/* Whether a listen address (HOST:PORT; "" = none) takes a port below 1024,
 * which needs CAP_NET_BIND_SERVICE. */
static bool privileged_port(const char *listen)
{
        char host[256];
        unsigned port;

        return listen && *listen && config_split_host_port(listen, host, sizeof(host), &port) &&
               port > 0 && port < 1024;
}

/* A path as one word of a systemd list (systemd.syntax(7)): quoted when
 * it holds a blank, a quote or a backslash, and % doubled (a specifier). */
static void print_unit_path(const char *path)
{
        bool quote = strpbrk(path, " \t\"'\\") != NULL;

        if (quote)
                putchar('"');
        for (const char *c = path; *c; c++) {
                if (*c == '%')
                        putchar('%');
                else if (quote && (*c == '"' || *c == '\\'))
                        putchar('\\');
                putchar(*c);
        }
        if (quote)
                putchar('"');
}

/* The drop-in for packaging/systemd/agentdesk.service: what the unit's
 * hardening (ProtectSystem=strict, an empty CapabilityBoundingSet=) must
 * let through for this config. The file alone, as serve reads it at boot
 * (the environment is not the unit's); nothing on stdout when the file
 * has problems, so the generator writes no half drop-in. */
static int systemd_dropin(const struct cli_args *args, const struct settings *unused)
{
        const char *file = cli_config_file(args);
        struct settings cfg = { 0 };
        bool files, bind;

        (void)unused;
        if (!file) {
                fprintf(stderr, "agentdesk: config systemd needs --config FILE (or AGENTDESK_CONFIG)\n");
                return 2;
        }
        if (settings_load(file, NULL, NULL, 0, stderr, &cfg) != RESULT_OK) {
                fprintf(stderr, "agentdesk: %s: no drop-in made (`agentdesk config check` lists "
                                "the problems)\n", file);
                return 1;
        }
        /* Files mode writes FreeSWITCH's conf dir on this machine; ssh mode
         * only reads its key and known_hosts here (ProtectSystem=strict
         * leaves them readable) and writes on the node. */
        files = cfg.fs_mode == FS_MODE_FILES && *cfg.fs_conf_dir;
        bind = privileged_port(cfg.listen) || privileged_port(cfg.fs_listen) ||
               privileged_port(cfg.metrics_listen);
        printf("# Made by `agentdesk config systemd` from %s: do not edit\n"
               "# (change the config, then `systemctl daemon-reload`).\n", file);
        if (!files && !bind) {
                puts("# Nothing to add: no files mode, no port below 1024.");
        } else {
                puts("[Service]");
                /* "-": a conf dir not there yet (FreeSWITCH installed
                 * later) leaves the service starting, its jobs then
                 * say what is missing, rather than failing at namespace
                 * setup. */
                if (files) {
                        fputs("# AGENTDESK_FS_MODE=files writes FreeSWITCH's conf dir.\n"
                              "ReadWritePaths=-", stdout);
                        print_unit_path(cfg.fs_conf_dir);
                        putchar('\n');
                }
                if (bind)
                        puts("# A listener on a port below 1024.\n"
                             "CapabilityBoundingSet=CAP_NET_BIND_SERVICE\n"
                             "AmbientCapabilities=CAP_NET_BIND_SERVICE");
                /* PrivateUsers=yes maps only the service's own user and
                 * group: the conf dir's group (the service user is added
                 * to FreeSWITCH's) would be nobody inside, and the
                 * capability would be held in a user namespace that does
                 * not own the network's. */
                puts("PrivateUsers=no");
        }
        settings_free(&cfg);
        return 0;
}

const struct cli_command cli_config_check = {
        .name = "config check",
        .usage = "config check [--config FILE]\n"
                 "    Read the config file alone (not the environment) as serve would and list\n"
                 "    what is wrong, one line each with FILE:LINE; exits non-zero when anything\n"
                 "    is. Starts nothing.",
        .options = NULL,
        .run = check,
        .own_settings = true,
};

const struct cli_command cli_config_example = {
        .name = "config example",
        .usage = "config example [--state-dir DIR]\n"
                 "    Print agentdesk.conf: every setting with its help and default, commented\n"
                 "    out (with --state-dir, AGENTDESK_DB set to the SQLite file in DIR).",
        .options = example_options,
        .run = example,
        .own_settings = true,
};

const struct cli_command cli_config_man = {
        .name = "config man",
        .usage = "config man\n"
                 "    Print this manual, agentdesk(1), as troff (man -l - renders it).",
        .options = NULL,
        .run = man,
        .own_settings = true,
};

const struct cli_command cli_config_systemd = {
        .name = "config systemd",
        .usage = "config systemd [--config FILE]\n"
                 "    Print the systemd drop-in the config file (alone, not the environment)\n"
                 "    calls for: ReadWritePaths= for files mode's AGENTDESK_FS_CONF_DIR, and\n"
                 "    CAP_NET_BIND_SERVICE for a listener on a port below 1024; only a comment\n"
                 "    when neither applies. The unit's generator runs it at boot and at\n"
                 "    `systemctl daemon-reload`. Exits non-zero, printing nothing, when the\n"
                 "    file has a problem.",
        .options = NULL,
        .run = systemd_dropin,
        .own_settings = true,
};
