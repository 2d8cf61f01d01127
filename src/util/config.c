/*
 * The loader of settings tables (config.h): file, environment and
 * command line, NAME_FILE secrets, typed and checked values.
 */
#include "util/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/wipe.h"

const char *config_check_host_port(const char *value)
{
        char host[256];
        unsigned port;

        return config_split_host_port(value, host, sizeof(host), &port) ? NULL
                                                                        : "must be HOST:PORT";
}

bool config_split_host_port(const char *value, char *host, size_t host_size, unsigned *ret_port)
{
        const char *colon, *h = value;
        size_t hlen;
        char *end;
        unsigned long port;

        if (value[0] == '[') {
                const char *close = strchr(value, ']');
                if (!close || close[1] != ':')
                        return false;
                h = value + 1;
                hlen = (size_t)(close - h);
                colon = close + 1;
        } else {
                colon = strrchr(value, ':');
                if (!colon)
                        return false;
                hlen = (size_t)(colon - value);
        }
        if (hlen == 0 || hlen >= host_size)
                return false;
        errno = 0;
        port = strtoul(colon + 1, &end, 10);
        if (errno || *end || colon[1] == '\0' || port > 65535)
                return false;
        memcpy(host, h, hlen);
        host[hlen] = '\0';
        *ret_port = (unsigned)port;
        return true;
}

bool config_url_host(const char *url, char *host, size_t host_size)
{
        const char *p = strstr(url, "://"), *end;
        size_t len;

        if (!p)
                return false;
        p += 3;
        if (*p == '[') {
                p++;
                end = strchr(p, ']');
                if (!end)
                        return false;
        } else {
                end = p + strcspn(p, ":/");
        }
        len = (size_t)(end - p);
        if (len == 0 || len >= host_size)
                return false;
        memcpy(host, p, len);
        host[len] = '\0';
        return true;
}

bool config_host_is_loopback(const char *host)
{
        return !strcmp(host, "localhost") || !strncmp(host, "127.", 4) || !strcmp(host, "::1");
}

static const struct config_def *find_def(const struct config_table *table, const char *name,
                                         bool *ret_is_file)
{
        size_t len = strlen(name);

        *ret_is_file = false;
        for (size_t i = 0; i < table->count; i++) {
                const struct config_def *d = &table->defs[i];
                size_t dl = strlen(d->name);
                if (strcmp(d->name, name) == 0)
                        return d;
                if (d->secret && len == dl + 5 && strncmp(name, d->name, dl) == 0 &&
                    strcmp(name + dl, "_FILE") == 0) {
                        *ret_is_file = true;
                        return d;
                }
        }
        return NULL;
}

/* Reads a secret from a file: the first line, without its newline. */
static char *read_secret_file(const char *path)
{
        FILE *f = fopen(path, "r");
        char buf[4096], *copy;
        size_t n;

        if (!f)
                return NULL;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        buf[strcspn(buf, "\r\n")] = '\0';
        copy = strdup(buf);
        wipe_memory(buf, sizeof(buf));
        return copy;
}

/* The raw string values, before typing; values[i] is row i's, and
 * origins[i] where it came from ("FILE:LINE", "environment", "command
 * line"; NULL: the default), for the messages of bad values. */
struct raw {
        const struct config_table *table;
        char **values;
        char **origins;
};

static int raw_set(struct raw *raw, const char *name, const char *value, const char *origin,
                   FILE *errs)
{
        bool is_file;
        const struct config_def *d = find_def(raw->table, name, &is_file);
        char *v;

        if (!d) {
                fprintf(errs, "%s: unknown setting %s\n", origin, name);
                return -1;
        }
        if (is_file) {
                v = read_secret_file(value);
                if (!v) {
                        fprintf(errs, "%s: %s_FILE: cannot read %s: %s\n", origin, d->name, value,
                                strerror(errno));
                        return -1;
                }
        } else {
                v = strdup(value);
        }
        size_t idx = (size_t)(d - raw->table->defs);
        wipe_free_string(raw->values[idx]);
        raw->values[idx] = v;
        free(raw->origins[idx]);
        raw->origins[idx] = strdup(origin);
        return 0;
}

static char *trim(char *s)
{
        char *end;

        while (isspace((unsigned char)*s))
                s++;
        end = s + strlen(s);
        while (end > s && isspace((unsigned char)end[-1]))
                *--end = '\0';
        return s;
}

static int read_file(struct raw *raw, const char *path, FILE *errs)
{
        FILE *f = fopen(path, "r");
        char line[4096];
        unsigned lineno = 0;
        int bad = 0;

        if (!f) {
                fprintf(errs, "config file %s: %s\n", path, strerror(errno));
                return -2;
        }
        while (fgets(line, sizeof(line), f)) {
                char *s, *eq, origin[512];
                int c;
                lineno++;
                snprintf(origin, sizeof(origin), "%s:%u", path, lineno);
                /* A line that fills the buffer without its newline is refused
                 * whole: read on, its tail would pass for a line of its own
                 * (a long comment ending in a setting). */
                if (!strchr(line, '\n') && (c = fgetc(f)) != EOF) {
                        while (c != EOF && c != '\n')
                                c = fgetc(f);
                        fprintf(errs, "%s: line too long (%zu bytes at most)\n", origin,
                                sizeof(line) - 2);
                        bad = -1;
                        continue;
                }
                s = trim(line);
                if (*s == '\0' || *s == '#')
                        continue;
                if (strncmp(s, "export ", 7) == 0)
                        s = trim(s + 7);
                eq = strchr(s, '=');
                if (!eq) {
                        fprintf(errs, "%s: expected KEY=value\n", origin);
                        bad = -1;
                        continue;
                }
                *eq = '\0';
                char *value = trim(eq + 1);
                size_t vl = strlen(value);
                if (vl >= 2 && (value[0] == '"' || value[0] == '\'') && value[vl - 1] == value[0]) {
                        value[vl - 1] = '\0';
                        value++;
                }
                if (raw_set(raw, trim(s), value, origin, errs) < 0)
                        bad = -1;
        }
        wipe_memory(line, sizeof(line));   /* a line may have held a secret */
        fclose(f);
        return bad;
}

/* The words of d, "a, b or c", into out (size bytes). */
static void words_of(const struct config_def *d, char *out, size_t size)
{
        size_t len = 0;

        out[0] = '\0';
        for (size_t i = 0; i < d->words->count && len < size; i++)
                len += (size_t)snprintf(out + len, size - len, "%s%s",
                                        i == 0 ? "" : i + 1 == d->words->count ? " or " : ", ",
                                        d->words->names[i]);
}

/* Writes "ORIGIN: NAME: why" (origin NULL: the default's, no prefix). */
static int __attribute__((format(printf, 4, 5)))
bad_value(FILE *errs, const char *origin, const struct config_def *d, const char *fmt, ...)
{
        va_list ap;

        fprintf(errs, "%s%s%s: ", origin ? origin : "", origin ? ": " : "", d->name);
        va_start(ap, fmt);
        vfprintf(errs, fmt, ap);
        va_end(ap);
        fputc('\n', errs);
        return -1;
}

/* Types value into row d's field of the struct at p; -1 after writing
 * what is wrong (bad_value). */
static int apply(const struct config_def *d, const char *value, const char *origin, void *p,
                 FILE *errs)
{
        char *field = (char *)p + d->offset;
        const char *why;

        switch (d->type) {
        case CONFIG_STRING:
                *(char **)field = strdup(value);
                break;
        case CONFIG_INT: {
                char *end;
                errno = 0;
                long long v = strtoll(value, &end, 10);
                if (errno || *end || !*value)
                        return bad_value(errs, origin, d, "'%s' is not an integer", value);
                if (v < d->min || v > d->max)
                        return bad_value(errs, origin, d, "%lld is outside %lld..%lld", v,
                                         (long long)d->min, (long long)d->max);
                *(int64_t *)field = v;
                break;
        }
        case CONFIG_BOOL:
                if (!strcmp(value, "1") || !strcmp(value, "true") || !strcmp(value, "yes"))
                        *(bool *)field = true;
                else if (!strcmp(value, "0") || !strcmp(value, "false") || !strcmp(value, "no"))
                        *(bool *)field = false;
                else
                        return bad_value(errs, origin, d, "'%s' is not true/false", value);
                break;
        case CONFIG_ENUM: {
                int i = text_names_index(d->words, value);
                if (i < 0) {
                        char words[256];
                        words_of(d, words, sizeof(words));
                        return bad_value(errs, origin, d, "must be %s", words);
                }
                *(int *)field = i;
                break;
        }
        }
        if (d->validate && (why = d->validate(value)))
                return bad_value(errs, origin, d, "%s", why);
        return 0;
}

enum result config_load(const struct config_table *table, const char *file, char *const *envp,
                        const struct config_override *overrides, size_t n_overrides,
                        FILE *errs, void *ret)
{
        struct raw raw = { table, calloc(table->count, sizeof(char *)),
                           calloc(table->count, sizeof(char *)) };
        enum result result = RESULT_OK;
        int bad = 0;

        memset(ret, 0, table->size);
        if (!raw.values || !raw.origins) {
                result = RESULT_NOMEM;
                goto out;
        }
        for (size_t i = 0; i < table->count; i++)
                if (!(raw.values[i] = strdup(table->defs[i].default_value))) {
                        result = RESULT_NOMEM;
                        goto out;
                }
        if (file) {
                int r = read_file(&raw, file, errs);
                if (r == -2) {
                        result = RESULT_IO;
                        goto out;
                }
                bad |= r;
        }
        for (char *const *e = envp; e && *e; e++) {
                const char *eq;
                char name[256];
                bool is_file;
                if (strncmp(*e, "AGENTDESK_", 10) != 0 || !(eq = strchr(*e, '=')))
                        continue;
                if ((size_t)(eq - *e) >= sizeof(name))
                        continue;
                memcpy(name, *e, (size_t)(eq - *e));
                name[eq - *e] = '\0';
                /* Only settings are read; other AGENTDESK_* variables (such
                 * as the test harness's) are not ours to reject. */
                if (find_def(table, name, &is_file) &&
                    raw_set(&raw, name, eq + 1, "environment", errs) < 0)
                        bad = -1;
        }
        for (size_t i = 0; i < n_overrides; i++)
                if (raw_set(&raw, overrides[i].name, overrides[i].value, "command line", errs) < 0)
                        bad = -1;
        for (size_t i = 0; i < table->count; i++)
                if (apply(&table->defs[i], raw.values[i], raw.origins[i], ret, errs) < 0)
                        bad = -1;
        if (bad) {
                config_free(table, ret);
                memset(ret, 0, table->size);
                result = RESULT_INVALID;
        }
out:
        /* Some hold secrets: every value is wiped, which costs nothing here. */
        for (size_t i = 0; raw.values && i < table->count; i++)
                wipe_free_string(raw.values[i]);
        for (size_t i = 0; raw.origins && i < table->count; i++)
                free(raw.origins[i]);
        free(raw.values);
        free(raw.origins);
        return result;
}

bool config_differs(const struct config_table *table, const void *a, const void *b, size_t i)
{
        const struct config_def *d = &table->defs[i];
        const char *fa = (const char *)a + d->offset, *fb = (const char *)b + d->offset;

        switch (d->type) {
        case CONFIG_STRING:
                return strcmp(*(char *const *)fa, *(char *const *)fb) != 0;
        case CONFIG_INT:
                return *(const int64_t *)fa != *(const int64_t *)fb;
        case CONFIG_BOOL:
                return *(const bool *)fa != *(const bool *)fb;
        case CONFIG_ENUM:
                return *(const int *)fa != *(const int *)fb;
        }
        return false;
}

void config_free(const struct config_table *table, void *p)
{
        for (size_t i = 0; i < table->count; i++)
                if (table->defs[i].type == CONFIG_STRING) {
                        char **s = (char **)((char *)p + table->defs[i].offset);
                        wipe_free_string(*s);
                        *s = NULL;
                }
}

void config_print_help(const struct config_table *table, FILE *out)
{
        fprintf(out, "Settings (default < config file < environment < flag; secrets also as NAME_FILE):\n");
        for (size_t i = 0; i < table->count; i++) {
                const struct config_def *d = &table->defs[i];
                fprintf(out, "  %-32s %s\n  %-32s default: %s\n", d->name, d->help, "",
                        d->default_value[0] ? d->default_value : "(none)");
        }
}
