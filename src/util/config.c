/*
 * The settings table and its loader. See config.h for the precedence rules.
 * Adding a setting: a field in struct config, a row in config_defs[] and
 * a line in the README's settings table.
 */
#include "util/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cidr.h"
#include "util/log.h"
#include "util/text.h"
#include "util/wipe.h"

#define FIELD(f) offsetof(struct config, f)

static const char *check_log_level(const char *value)
{
        return log_level_parse(value) < 0 ? "must be one of error, warn, info, debug" : NULL;
}

static const char *check_db(const char *value)
{
        if (strncmp(value, "sqlite:", 7) == 0)
                return value[7] ? NULL : "sqlite: needs a path (sqlite:agentdesk.db)";
        if (strncmp(value, "postgresql://", 13) == 0 || strncmp(value, "postgres://", 11) == 0)
                return NULL;
        return "must be sqlite:PATH or a postgresql:// URL";
}

static const char *check_sip_domain(const char *value)
{
        return text_sip_domain_valid(value) ? NULL
                                            : "must be a host name, an IPv4 address or [IPv6]";
}

static const char *check_ws_url(const char *value)
{
        return text_websocket_url_valid(value) ? NULL : "must be a ws:// or wss:// URL";
}

static const char *check_xmlcurl_user(const char *value)
{
        return *value && !strchr(value, ':') ? NULL : "must be non-empty and without ':'";
}

static const char *check_cidr_list(const char *value)
{
        struct cidr_list list;

        return cidr_list_parse(value, &list) ? NULL : "must be a comma-separated CIDR list";
}

static const char *check_optional_host_port(const char *value)
{
        return *value ? config_check_host_port(value) : NULL;
}

/* A bearer token (RFC 6750 b64token, in practice visible ASCII) long
 * enough not to be guessed. */
static const char *check_metrics_token(const char *value)
{
        size_t n = 0;

        for (; value[n]; n++)
                if (value[n] <= ' ' || value[n] > '~')
                        return "must be visible ASCII characters";
        return n == 0 || n >= 16 ? NULL : "must be at least 16 characters (or empty)";
}

static const char *check_host_port_list(const char *value)
{
        char item[300];
        const char *p = value;

        if (!*value)
                return "must name at least one host:port";
        while (*p) {
                size_t len = strcspn(p, ",");
                if (len == 0 || len >= sizeof(item))
                        return "must be host:port[,host:port...]";
                memcpy(item, p, len);
                item[len] = '\0';
                if (config_check_host_port(item))
                        return "must be host:port[,host:port...]";
                p += len + (p[len] == ',');
        }
        return NULL;
}

static const char *check_esl_password(const char *value)
{
        return *value && !strpbrk(value, " \r\n") ? NULL : "must be non-empty, without spaces";
}

static const char *const fs_modes[] = {
        [FS_MODE_XML_CURL] = "xml_curl",
        [FS_MODE_FILES] = "files",
        [FS_MODE_SSH] = "ssh",
};

const char *config_fs_mode_name(enum fs_mode mode)
{
        return (unsigned)mode < sizeof(fs_modes) / sizeof(fs_modes[0]) ? fs_modes[mode] : "?";
}

bool config_fs_mode_parse(const char *s, enum fs_mode *ret)
{
        int i = text_index(fs_modes, sizeof(fs_modes) / sizeof(fs_modes[0]), s);

        if (i >= 0)
                *ret = (enum fs_mode)i;
        return i >= 0;
}

static const char *check_fs_mode(const char *value)
{
        enum fs_mode mode;

        return config_fs_mode_parse(value, &mode) ? NULL : "must be xml_curl, files or ssh";
}

static const char *check_absolute_path(const char *value)
{
        return *value && *value != '/' ? "must be an absolute path" : NULL;
}

static const char *check_profile(const char *value)
{
        for (const char *c = value; *c; c++)
                if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
                        return "must be a sofia profile name ([A-Za-z0-9_-])";
        return *value ? NULL : "must be a sofia profile name ([A-Za-z0-9_-])";
}

static const char *check_smtp_url(const char *value)
{
        char host[256];

        if (!*value)
                return NULL;
        if (strncmp(value, "smtp://", 7) != 0 && strncmp(value, "smtps://", 8) != 0)
                return "must be smtp://HOST[:PORT] or smtps://HOST[:PORT]";
        if (strpbrk(value, " \t\r\n@?#") || !config_url_host(value, host, sizeof(host)))
                return "must be smtp://HOST[:PORT] or smtps://HOST[:PORT] (no user, no spaces)";
        return NULL;
}

static const char *const smtp_tls_modes[] = {
        [SMTP_TLS_REQUIRED] = "required",
        [SMTP_TLS_NONE] = "none",
};

const char *config_smtp_tls_name(enum smtp_tls tls)
{
        return (unsigned)tls < sizeof(smtp_tls_modes) / sizeof(smtp_tls_modes[0])
                       ? smtp_tls_modes[tls]
                       : "?";
}

bool config_smtp_tls_parse(const char *s, enum smtp_tls *ret)
{
        int i = text_index(smtp_tls_modes, sizeof(smtp_tls_modes) / sizeof(smtp_tls_modes[0]), s);

        if (i >= 0)
                *ret = (enum smtp_tls)i;
        return i >= 0;
}

static const char *check_smtp_tls(const char *value)
{
        enum smtp_tls tls;

        return config_smtp_tls_parse(value, &tls) ? NULL : "must be required or none";
}

static const char *check_mail_from(const char *value)
{
        return !*value || text_email_valid(value) ? NULL : "must be an email address";
}

static const char *check_public_url(const char *value)
{
        size_t len = strlen(value);

        if (!*value)
                return NULL;
        if ((strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0) ||
            strpbrk(value, " \t\r\n\"'<>#?") || len > 400)
                return "must be an http:// or https:// URL without query or fragment";
        return NULL;
}

const struct config_def config_defs[] = {
        { "AGENTDESK_DB", CONFIG_STRING, "sqlite:agentdesk.db", FIELD(db), false, 0, 0, check_db,
          "store: sqlite:PATH (embedded) or postgresql://user@host:port/db" },
        { "AGENTDESK_LISTEN", CONFIG_STRING, "127.0.0.1:8080", FIELD(listen), false, 0, 0,
          config_check_host_port, "HTTP listen address, HOST:PORT or [V6]:PORT" },
        { "AGENTDESK_SECRET_KEY_FILE", CONFIG_STRING, "", FIELD(secret_key_file), false, 0, 0, NULL,
          "32-byte key that encrypts SIP secrets and signs tokens; created 0600 if absent "
          "(default: agentdesk.key next to the SQLite file; required for PostgreSQL)" },
        { "AGENTDESK_MAX_BODY_BYTES", CONFIG_INT, "65536", FIELD(max_body_bytes), false, 256,
          64 * 1024 * 1024, NULL, "largest request body accepted; larger gets 413" },
        { "AGENTDESK_THREADS", CONFIG_INT, "0", FIELD(threads), false, 0, 256, NULL,
          "HTTP worker threads (0 = one per CPU)" },
        { "AGENTDESK_DB_BUSY_TIMEOUT_MS", CONFIG_INT, "5000", FIELD(db_busy_timeout_ms), false, 0,
          600000, NULL, "how long a write waits for the store lock before failing" },
        { "AGENTDESK_LOG_LEVEL", CONFIG_STRING, "info", FIELD(log_level), false, 0, 0,
          check_log_level, "error, warn, info or debug" },
        { "AGENTDESK_TOKEN_TTL", CONFIG_INT, "28800", FIELD(token_ttl), false, 1, 30 * 86400, NULL,
          "lifetime of a bearer token, seconds" },
        { "AGENTDESK_SESSION_MAX_AGE", CONFIG_INT, "86400", FIELD(session_max_age), false, 1,
          90 * 86400, NULL,
          "absolute limit of a session renewed by POST /v1/auth/refresh, seconds from login" },
        { "AGENTDESK_MAX_EXTENSIONS_PER_AGENT", CONFIG_INT, "4", FIELD(max_extensions_per_agent),
          false, 1, 16, NULL, "most extensions one agent may hold" },
        { "AGENTDESK_LOGIN_MAX_FAILURES", CONFIG_INT, "5", FIELD(login_max_failures), false, 1, 1000,
          NULL, "failed logins of one account from one client address (and forgot-password "
          "requests for one email) within the window" },
        { "AGENTDESK_LOGIN_ACCOUNT_MAX_FAILURES", CONFIG_INT, "100",
          FIELD(login_account_max_failures), false, 1, 100000, NULL,
          "failed logins of one account from all addresses within the account window" },
        { "AGENTDESK_LOGIN_ACCOUNT_WINDOW", CONFIG_INT, "60", FIELD(login_account_window), false, 1,
          86400, NULL, "window of the per-account login limit, seconds" },
        { "AGENTDESK_LOGIN_IP_MAX_FAILURES", CONFIG_INT, "50", FIELD(login_ip_max_failures), false, 1,
          100000, NULL, "failed logins (and forgot-password requests) from one client address "
          "within the window" },
        { "AGENTDESK_LOGIN_WINDOW", CONFIG_INT, "900", FIELD(login_window), false, 1, 86400, NULL,
          "login throttle window, seconds" },
        { "AGENTDESK_PURGE_AFTER", CONFIG_INT, "2592000", FIELD(purge_after), false, 1,
          3650 * 86400, NULL, "sent or given-up mail, dead links and sessions are deleted this long "
          "after their end, seconds" },
        { "AGENTDESK_PURGE_INTERVAL", CONFIG_INT, "3600", FIELD(purge_interval), false, 1, 86400,
          NULL, "how often the purge runs, seconds" },
        { "AGENTDESK_SIP_DOMAIN", CONFIG_STRING, "127.0.0.1", FIELD(sip_domain), false, 0, 0,
          check_sip_domain, "SIP domain (realm) of tenants without their own" },
        { "AGENTDESK_SIP_WS_URL", CONFIG_STRING, "ws://127.0.0.1:5066", FIELD(sip_ws_url), false, 0,
          0, check_ws_url, "SIP-over-WebSocket URL the agent desktop registers to" },
        { "AGENTDESK_XMLCURL_USER", CONFIG_STRING, "freeswitch", FIELD(xmlcurl_user), false, 0, 0,
          check_xmlcurl_user, "basic-auth user mod_xml_curl presents to /freeswitch/xml" },
        { "AGENTDESK_XMLCURL_PASSWORD", CONFIG_STRING, "", FIELD(xmlcurl_password), true, 0, 0,
          NULL, "basic-auth password of /freeswitch/xml (empty: every lookup is refused)" },
        { "AGENTDESK_XMLCURL_A1HASH", CONFIG_BOOL, "false", FIELD(xmlcurl_a1hash), false, 0, 0, NULL,
          "send a1-hash (md5 of ext:domain:password) instead of the SIP password" },
        { "AGENTDESK_XMLCURL_CACHE_MS", CONFIG_INT, "0", FIELD(xmlcurl_cache_ms), false, 0,
          86400000, NULL, "cacheable= on directory users, ms (0 = FreeSWITCH does not cache)" },
        { "AGENTDESK_DIRECTORY_CACHE_MS", CONFIG_INT, "1000", FIELD(directory_cache_ms), false, 0,
          86400000, NULL, "longest an unchanged directory row is served from memory, ms (0: never)" },
        { "AGENTDESK_XMLCURL_ALLOW", CONFIG_STRING, "127.0.0.0/8,::1/128", FIELD(xmlcurl_allow),
          false, 0, 0, check_cidr_list, "addresses (CIDR list) allowed to call /freeswitch/xml" },
        { "AGENTDESK_FS_LISTEN", CONFIG_STRING, "", FIELD(fs_listen), false, 0, 0,
          check_optional_host_port, "own listener for /freeswitch/xml (empty: the main one)" },
        { "AGENTDESK_METRICS_LISTEN", CONFIG_STRING, "127.0.0.1:9464", FIELD(metrics_listen), false,
          0, 0, check_optional_host_port, "own listener for /metrics (empty: the main one, which "
          "then needs AGENTDESK_METRICS_TOKEN)" },
        { "AGENTDESK_METRICS_TOKEN", CONFIG_STRING, "", FIELD(metrics_token), true, 0, 0,
          check_metrics_token,
          "bearer token /metrics asks for (empty: none; then only its own listener serves it)" },
        { "AGENTDESK_METRICS_TENANTS", CONFIG_BOOL, "false", FIELD(metrics_tenants), false, 0, 0,
          NULL, "/metrics names each tenant (slug and id) in its pool samples" },
        { "AGENTDESK_FS_ESL", CONFIG_STRING, "127.0.0.1:8021", FIELD(fs_esl), false, 0, 0,
          check_host_port_list, "Event Socket of each FreeSWITCH node, host:port[,host:port...]" },
        { "AGENTDESK_FS_ESL_PASSWORD", CONFIG_STRING, "ClueCon", FIELD(fs_esl_password), true, 0, 0,
          check_esl_password, "Event Socket password (FreeSWITCH's default ClueCon: change it)" },
        { "AGENTDESK_FS_PROFILE", CONFIG_STRING, "internal", FIELD(fs_profile), false, 0, 0,
          check_profile, "sofia profile the agents register to" },
        { "AGENTDESK_FS_MODE", CONFIG_STRING, "xml_curl", FIELD(fs_mode), false, 0, 0, check_fs_mode,
          "how FreeSWITCH learns the extensions: xml_curl (it asks us) or files (we write its conf)" },
        { "AGENTDESK_FS_CONF_DIR", CONFIG_STRING, "", FIELD(fs_conf_dir), false, 0, 0, check_absolute_path,
          "push modes: FreeSWITCH's conf dir (holding directory/default/ and dialplan/), on the "
          "node in ssh mode" },
        { "AGENTDESK_FS_SSH", CONFIG_STRING, "", FIELD(fs_ssh), false, 0, 0, NULL,
          "ssh mode: user@host:port of each node (comma-separated)" },
        { "AGENTDESK_FS_SSH_KEY", CONFIG_STRING, "", FIELD(fs_ssh_key), false, 0, 0, check_absolute_path,
          "ssh mode: the private key file agentdesk logs in with" },
        { "AGENTDESK_FS_SSH_KNOWN_HOSTS", CONFIG_STRING, "", FIELD(fs_ssh_known_hosts), false, 0, 0,
          check_absolute_path, "ssh mode: known_hosts file with each node's host key (others are refused)" },
        { "AGENTDESK_FS_RETRY_LIMIT", CONFIG_INT, "10", FIELD(fs_retry_limit), false, 1, 1000, NULL,
          "attempts at a provisioning job before it is marked failed" },
        { "AGENTDESK_FS_RETRY_BASE", CONFIG_INT, "1", FIELD(fs_retry_base), false, 1, 3600, NULL,
          "seconds before a job's first retry; doubled each time, at most 10 minutes" },
        { "AGENTDESK_WEB_DIR", CONFIG_STRING, "", FIELD(web_dir), false, 0, 0, NULL,
          "serve the web app from this directory (a built web/dist) instead of the copy "
          "embedded at build time" },
        { "AGENTDESK_TLS_CERT_FILE", CONFIG_STRING, "", FIELD(tls_cert_file), false, 0, 0, NULL,
          "PEM certificate (chain) file: with AGENTDESK_TLS_KEY_FILE, serve speaks HTTPS" },
        { "AGENTDESK_TLS_KEY_FILE", CONFIG_STRING, "", FIELD(tls_key_file), false, 0, 0, NULL,
          "PEM private key file of AGENTDESK_TLS_CERT_FILE (not encrypted)" },
        { "AGENTDESK_SMTP_URL", CONFIG_STRING, "", FIELD(smtp_url), false, 0, 0, check_smtp_url,
          "mail relay, smtp://HOST:PORT (STARTTLS) or smtps://HOST:PORT (empty: mail is off)" },
        { "AGENTDESK_SMTP_TLS", CONFIG_STRING, "required", FIELD(smtp_tls), false, 0, 0,
          check_smtp_tls, "required (certificate verified) or none (plain; loopback relays only)" },
        { "AGENTDESK_SMTP_CA_FILE", CONFIG_STRING, "", FIELD(smtp_ca_file), false, 0, 0,
          check_absolute_path, "CA bundle the relay's certificate must chain to (empty: the system's)" },
        { "AGENTDESK_SMTP_USER", CONFIG_STRING, "", FIELD(smtp_user), false, 0, 0, NULL,
          "SMTP AUTH user (empty: no AUTH)" },
        { "AGENTDESK_SMTP_PASSWORD", CONFIG_STRING, "", FIELD(smtp_password), true, 0, 0, NULL,
          "SMTP AUTH password" },
        { "AGENTDESK_MAIL_FROM", CONFIG_STRING, "", FIELD(mail_from), false, 0, 0, check_mail_from,
          "sender address of every message (required with AGENTDESK_SMTP_URL)" },
        { "AGENTDESK_PUBLIC_URL", CONFIG_STRING, "", FIELD(public_url), false, 0, 0,
          check_public_url, "base URL of the web app, the start of every emailed link "
          "(required with AGENTDESK_SMTP_URL)" },
        { "AGENTDESK_INVITE_TTL", CONFIG_INT, "259200", FIELD(invite_ttl), false, 1, 30 * 86400,
          NULL, "lifetime of an invitation link, seconds" },
        { "AGENTDESK_MAIL_RETRY_LIMIT", CONFIG_INT, "10", FIELD(mail_retry_limit), false, 1, 1000,
          NULL, "delivery attempts at a message before it is marked failed" },
        { "AGENTDESK_MAIL_RETRY_BASE", CONFIG_INT, "5", FIELD(mail_retry_base), false, 1, 3600, NULL,
          "seconds before a message's first retry; doubled each time, at most 10 minutes" },
};
const size_t config_defs_count = sizeof(config_defs) / sizeof(config_defs[0]);

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

static const struct config_def *find_def(const char *name, bool *ret_is_file)
{
        size_t len = strlen(name);

        *ret_is_file = false;
        for (size_t i = 0; i < config_defs_count; i++) {
                const struct config_def *d = &config_defs[i];
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

/* The raw string values, before typing; index = row of config_defs. */
struct raw {
        char *values[64];
};
_Static_assert(sizeof(config_defs) / sizeof(config_defs[0]) <= 64, "struct raw holds every row");

static int raw_set(struct raw *raw, const char *name, const char *value, const char *origin,
                   FILE *errs)
{
        bool is_file;
        const struct config_def *d = find_def(name, &is_file);
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
        size_t idx = (size_t)(d - config_defs);
        wipe_free_string(raw->values[idx]);
        raw->values[idx] = v;
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

static int apply(const struct config_def *d, const char *value, struct config *cfg, FILE *errs)
{
        char *field = (char *)cfg + d->offset;
        const char *why;

        switch (d->type) {
        case CONFIG_STRING:
                *(char **)field = strdup(value);
                break;
        case CONFIG_INT: {
                char *end;
                errno = 0;
                long long v = strtoll(value, &end, 10);
                if (errno || *end || !*value) {
                        fprintf(errs, "%s: '%s' is not an integer\n", d->name, value);
                        return -1;
                }
                if (v < d->min || v > d->max) {
                        fprintf(errs, "%s: %lld is outside %lld..%lld\n", d->name, v,
                                (long long)d->min, (long long)d->max);
                        return -1;
                }
                *(int64_t *)field = v;
                break;
        }
        case CONFIG_BOOL:
                if (!strcmp(value, "1") || !strcmp(value, "true") || !strcmp(value, "yes"))
                        *(bool *)field = true;
                else if (!strcmp(value, "0") || !strcmp(value, "false") || !strcmp(value, "no"))
                        *(bool *)field = false;
                else {
                        fprintf(errs, "%s: '%s' is not true/false\n", d->name, value);
                        return -1;
                }
                break;
        }
        if (d->validate && (why = d->validate(value))) {
                fprintf(errs, "%s: %s\n", d->name, why);
                return -1;
        }
        return 0;
}

enum result config_load(const char *file, char *const *envp,
                        const struct config_override *overrides, size_t n_overrides,
                        FILE *errs, struct config *ret_cfg)
{
        struct raw raw = { { 0 } };
        struct config cfg = { 0 };
        enum fs_mode mode = FS_MODE_XML_CURL;
        enum smtp_tls tls = SMTP_TLS_REQUIRED;
        enum result result = RESULT_OK;
        int bad = 0;

        for (size_t i = 0; i < config_defs_count; i++)
                raw.values[i] = strdup(config_defs[i].default_value);

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
                if (find_def(name, &is_file) && raw_set(&raw, name, eq + 1, "environment", errs) < 0)
                        bad = -1;
        }
        for (size_t i = 0; i < n_overrides; i++)
                if (raw_set(&raw, overrides[i].name, overrides[i].value, "command line", errs) < 0)
                        bad = -1;

        for (size_t i = 0; i < config_defs_count; i++)
                if (apply(&config_defs[i], raw.values[i], &cfg, errs) < 0)
                        bad = -1;
        (void)config_fs_mode_parse(cfg.fs_mode, &mode);   /* check_fs_mode passed it */
        if (!bad && mode != FS_MODE_XML_CURL) {
                const char *need[][2] = { { "AGENTDESK_FS_CONF_DIR", cfg.fs_conf_dir },
                                          { "AGENTDESK_FS_SSH", cfg.fs_ssh },
                                          { "AGENTDESK_FS_SSH_KEY", cfg.fs_ssh_key },
                                          { "AGENTDESK_FS_SSH_KNOWN_HOSTS", cfg.fs_ssh_known_hosts } };
                size_t n = mode == FS_MODE_SSH ? 4 : 1;
                for (size_t i = 0; i < n; i++)
                        if (!need[i][1][0]) {
                                fprintf(errs, "%s: required when AGENTDESK_FS_MODE is %s\n",
                                        need[i][0], cfg.fs_mode);
                                bad = -1;
                        }
        }
        (void)config_smtp_tls_parse(cfg.smtp_tls, &tls);   /* check_smtp_tls passed it */
        if (!bad && cfg.smtp_url[0]) {
                char host[256];
                if (!cfg.mail_from[0] || !cfg.public_url[0]) {
                        fprintf(errs, "AGENTDESK_MAIL_FROM and AGENTDESK_PUBLIC_URL: required "
                                      "when AGENTDESK_SMTP_URL is set\n");
                        bad = -1;
                }
                /* Plain SMTP crosses no network only on loopback. */
                if (tls == SMTP_TLS_NONE &&
                    (!config_url_host(cfg.smtp_url, host, sizeof(host)) ||
                     !config_host_is_loopback(host))) {
                        fprintf(errs, "AGENTDESK_SMTP_TLS: none is accepted only for a loopback "
                                      "relay (127.0.0.1, ::1, localhost), not %s\n", cfg.smtp_url);
                        bad = -1;
                }
                if (tls == SMTP_TLS_NONE && !strncmp(cfg.smtp_url, "smtps://", 8)) {
                        fprintf(errs, "AGENTDESK_SMTP_TLS: none contradicts an smtps:// URL\n");
                        bad = -1;
                }
        }
        if (bad) {
                config_free(&cfg);
                result = RESULT_INVALID;
                goto out;
        }
        *ret_cfg = cfg;
out:
        /* Some hold secrets: every value is wiped, which costs nothing here. */
        for (size_t i = 0; i < config_defs_count; i++)
                wipe_free_string(raw.values[i]);
        return result;
}

void config_free(struct config *cfg)
{
        for (size_t i = 0; i < config_defs_count; i++)
                if (config_defs[i].type == CONFIG_STRING) {
                        char **p = (char **)((char *)cfg + config_defs[i].offset);
                        wipe_free_string(*p);
                        *p = NULL;
                }
}

void config_print_help(FILE *out)
{
        fprintf(out, "Settings (default < config file < environment < flag; secrets also as NAME_FILE):\n");
        for (size_t i = 0; i < config_defs_count; i++) {
                const struct config_def *d = &config_defs[i];
                fprintf(out, "  %-32s %s\n  %-32s default: %s\n", d->name, d->help, "",
                        d->default_value[0] ? d->default_value : "(none)");
        }
}
