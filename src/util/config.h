/*
 * The loader of a settings table (redis static_configs[], nginx
 * ngx_command_t); the table itself is settings/settings.c.
 *
 * Every setting has a name such as AGENTDESK_DB, a type, a default and a
 * validator. Values are read, later winning, from: the built-in default,
 * the config file (KEY=value lines, '#' comments; also usable as a systemd
 * EnvironmentFile), the environment, the command line. A setting marked
 * secret may instead be given as NAME_FILE, naming a file that holds it.
 *
 * config_load() validates everything once and fills the table's struct,
 * which the rest of the program treats as read-only. An enum setting names
 * its enum's table of names (struct text_names), so this file parses it
 * without knowing the enum.
 */
#ifndef AGENTDESK_UTIL_CONFIG_H
#define AGENTDESK_UTIL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/result.h"
#include "util/text.h"

enum config_type {
        CONFIG_STRING,                   /* char *, malloc'd */
        CONFIG_INT,                      /* int64_t, within min..max */
        CONFIG_BOOL,                     /* bool: 1/true/yes, 0/false/no */
        CONFIG_ENUM,                     /* an enum (int-sized): the index of the value among words */
};

/* One row of a settings table: the table and the struct it fills are the
 * caller's (settings/settings.c); this loader knows neither. */
struct config_def {
        const char *name;
        enum config_type type;
        const char *default_value;
        size_t offset;             /* of the field in the struct the table fills */
        bool secret;               /* accepts NAME_FILE; value never printed */
        int64_t min, max;          /* CONFIG_INT bounds */
        /* Extra check; returns NULL when fine, else a reason. */
        const char *(*validate)(const char *value);
        const char *help;
        /* CONFIG_ENUM: the enum's own table of names (the layer that owns
         * the enum has it); the field gets the index of the value. */
        const struct text_names *words;
        /* A running server applies a new value on SIGHUP; the others
         * need a restart (serve logs which). */
        bool live;
};

/* A settings table: its rows, in the order --help lists them, and the
 * size of the struct they fill. */
struct config_table {
        const struct config_def *defs;
        size_t count;
        size_t size;
};

/* One NAME=value given on the command line (a flag). */
struct config_override {
        const char *name;
        const char *value;
};

/*
 * Fills the struct at ret (zeroed by the caller) by table's rows from
 * their defaults, then `file` (may be NULL), then the environment `envp`
 * (may be NULL), then `overrides`. Every problem is written to `errs` as
 * one line; returns RESULT_INVALID if there was any (ret is then left
 * zeroed), RESULT_IO when the file cannot be read, RESULT_NOMEM. The
 * caller frees the strings with config_free().
 */
enum result config_load(const struct config_table *table, const char *file, char *const *envp,
                        const struct config_override *overrides, size_t n_overrides,
                        FILE *errs, void *ret);

/* Whether row i of table holds different values in the structs at a and b. */
bool config_differs(const struct config_table *table, const void *a, const void *b, size_t i);

/* Frees (and wipes) the strings of the struct at p and sets them NULL. */
void config_free(const struct config_table *table, void *p);

/* Lists the settings with defaults and help, for --help. */
void config_print_help(const struct config_table *table, FILE *out);

/* Validators shared with other modules. */
const char *config_check_host_port(const char *value);

/* The host of a URL such as smtp://host:port/ into host (host_size
 * bytes, without IPv6 brackets). Returns false when there is none. */
bool config_url_host(const char *url, char *host, size_t host_size);

/* Whether host names this machine's loopback (localhost, 127/8, ::1). */
bool config_host_is_loopback(const char *host);

/* Splits "host:port" or "[v6]:port". Returns false when malformed. */
bool config_split_host_port(const char *value, char *host, size_t host_size, unsigned *ret_port);

#endif
