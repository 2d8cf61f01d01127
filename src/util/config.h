/*
 * The one table of settings (redis static_configs[], nginx ngx_command_t).
 *
 * Every setting has a name such as AGENTDESK_DB, a type, a default and a
 * validator. Values are read, later winning, from: the built-in default,
 * the config file (KEY=value lines, '#' comments; also usable as a systemd
 * EnvironmentFile), the environment, the command line. A setting marked
 * secret may instead be given as NAME_FILE, naming a file that holds it.
 *
 * config_load() validates everything once and fills a struct config that
 * the rest of the program treats as read-only.
 */
#ifndef AGENTDESK_UTIL_CONFIG_H
#define AGENTDESK_UTIL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/result.h"

/* How a FreeSWITCH cluster's nodes get their users: AGENTDESK_FS_MODE
 * for the default cluster, a stored cluster's mode for the others. The
 * settings own the one table of names, which freeswitch/ and domain/ use. */
enum fs_mode {
        FS_MODE_XML_CURL,                /* they ask /freeswitch/xml */
        FS_MODE_FILES,                   /* agentdesk writes a local conf dir */
        FS_MODE_SSH,                     /* agentdesk writes their conf dirs over SFTP */
};

/* "xml_curl", "files", "ssh"; "?" for any other value. */
const char *config_fs_mode_name(enum fs_mode mode);
/* false (and *ret untouched) for any other text, NULL included. */
bool config_fs_mode_parse(const char *s, enum fs_mode *ret);

/* AGENTDESK_SMTP_TLS: how the mail relay is reached. The settings own
 * its table of names (their check, the log line). */
enum smtp_tls {
        SMTP_TLS_REQUIRED,               /* STARTTLS or smtps://, certificate verified */
        SMTP_TLS_NONE,                   /* plain: loopback relays only */
};

/* "required", "none"; "?" for any other value. */
const char *config_smtp_tls_name(enum smtp_tls tls);
/* false (and *ret untouched) for any other text, NULL included. */
bool config_smtp_tls_parse(const char *s, enum smtp_tls *ret);

struct config {
        char *db;                  /* AGENTDESK_DB */
        char *listen;              /* AGENTDESK_LISTEN */
        char *secret_key_file;     /* AGENTDESK_SECRET_KEY_FILE ("" = derived) */
        int64_t max_body_bytes;    /* AGENTDESK_MAX_BODY_BYTES */
        int64_t threads;           /* AGENTDESK_THREADS (0 = one per CPU) */
        int64_t db_busy_timeout_ms;/* AGENTDESK_DB_BUSY_TIMEOUT_MS */
        char *log_level;           /* AGENTDESK_LOG_LEVEL */
        int64_t token_ttl;         /* AGENTDESK_TOKEN_TTL, seconds */
        int64_t session_max_age;   /* AGENTDESK_SESSION_MAX_AGE, seconds from login */
        int64_t max_extensions_per_agent; /* AGENTDESK_MAX_EXTENSIONS_PER_AGENT */
        int64_t login_max_failures;       /* AGENTDESK_LOGIN_MAX_FAILURES, per email */
        int64_t login_ip_max_failures;    /* AGENTDESK_LOGIN_IP_MAX_FAILURES */
        int64_t login_window;             /* AGENTDESK_LOGIN_WINDOW, seconds */
        int64_t login_account_max_failures; /* AGENTDESK_LOGIN_ACCOUNT_MAX_FAILURES */
        int64_t login_account_window;     /* AGENTDESK_LOGIN_ACCOUNT_WINDOW, seconds */
        int64_t purge_after;              /* AGENTDESK_PURGE_AFTER, seconds */
        int64_t purge_interval;           /* AGENTDESK_PURGE_INTERVAL, seconds */
        char *sip_domain;          /* AGENTDESK_SIP_DOMAIN */
        char *sip_ws_url;          /* AGENTDESK_SIP_WS_URL */
        char *xmlcurl_user;        /* AGENTDESK_XMLCURL_USER */
        char *xmlcurl_password;    /* AGENTDESK_XMLCURL_PASSWORD ("" = refuse all) */
        int64_t xmlcurl_cache_ms;  /* AGENTDESK_XMLCURL_CACHE_MS */
        int64_t directory_cache_ms;/* AGENTDESK_DIRECTORY_CACHE_MS */
        bool xmlcurl_a1hash;       /* AGENTDESK_XMLCURL_A1HASH */
        char *xmlcurl_allow;       /* AGENTDESK_XMLCURL_ALLOW, CIDR list */
        char *fs_listen;           /* AGENTDESK_FS_LISTEN ("" = the main listener) */
        char *metrics_listen;      /* AGENTDESK_METRICS_LISTEN ("" = the main listener) */
        char *metrics_token;       /* AGENTDESK_METRICS_TOKEN ("" = no token asked) */
        bool metrics_tenants;      /* AGENTDESK_METRICS_TENANTS: per-tenant samples */
        char *fs_esl;              /* AGENTDESK_FS_ESL, host:port[,host:port…] */
        char *fs_esl_password;     /* AGENTDESK_FS_ESL_PASSWORD */
        int64_t fs_retry_limit;    /* AGENTDESK_FS_RETRY_LIMIT, attempts per job */
        int64_t fs_retry_base;     /* AGENTDESK_FS_RETRY_BASE, seconds before the first retry */
        char *fs_profile;          /* AGENTDESK_FS_PROFILE */
        char *fs_mode;             /* AGENTDESK_FS_MODE: xml_curl | files | ssh */
        char *fs_conf_dir;         /* AGENTDESK_FS_CONF_DIR (push modes) */
        char *fs_ssh;              /* AGENTDESK_FS_SSH: user@host:port[,…] */
        char *fs_ssh_key;          /* AGENTDESK_FS_SSH_KEY: private key file */
        char *fs_ssh_known_hosts;  /* AGENTDESK_FS_SSH_KNOWN_HOSTS */
        char *web_dir;             /* AGENTDESK_WEB_DIR ("" = the embedded app) */
        char *tls_cert_file;       /* AGENTDESK_TLS_CERT_FILE ("" = plain HTTP) */
        char *tls_key_file;        /* AGENTDESK_TLS_KEY_FILE */
        char *smtp_url;            /* AGENTDESK_SMTP_URL ("" = mail off) */
        char *smtp_tls;            /* AGENTDESK_SMTP_TLS: required | none */
        char *smtp_ca_file;        /* AGENTDESK_SMTP_CA_FILE ("" = the system's) */
        char *smtp_user;           /* AGENTDESK_SMTP_USER ("" = no AUTH) */
        char *smtp_password;       /* AGENTDESK_SMTP_PASSWORD */
        char *mail_from;           /* AGENTDESK_MAIL_FROM */
        char *public_url;          /* AGENTDESK_PUBLIC_URL, base of every link */
        int64_t invite_ttl;        /* AGENTDESK_INVITE_TTL, seconds */
        int64_t mail_retry_limit;  /* AGENTDESK_MAIL_RETRY_LIMIT, attempts per message */
        int64_t mail_retry_base;   /* AGENTDESK_MAIL_RETRY_BASE, seconds before the first retry */
};

enum config_type { CONFIG_STRING, CONFIG_INT, CONFIG_BOOL };

struct config_def {
        const char *name;
        enum config_type type;
        const char *default_value;
        size_t offset;             /* of the field in struct config */
        bool secret;               /* accepts NAME_FILE; value never printed */
        int64_t min, max;          /* CONFIG_INT bounds */
        /* Extra check; returns NULL when fine, else a reason. */
        const char *(*validate)(const char *value);
        const char *help;
};

extern const struct config_def config_defs[];
extern const size_t config_defs_count;

/* One NAME=value given on the command line (a flag). */
struct config_override {
        const char *name;
        const char *value;
};

/*
 * Fills *ret_cfg from defaults, then `file` (may be NULL), then the
 * environment `envp` (may be NULL), then `overrides`. Every problem is
 * written to `errs` as one line; returns RESULT_INVALID if there was any
 * (ret_cfg is then left zeroed) or RESULT_IO when the file cannot be read.
 * The caller frees the result with config_free().
 */
enum result config_load(const char *file, char *const *envp,
                        const struct config_override *overrides, size_t n_overrides,
                        FILE *errs, struct config *ret_cfg);

void config_free(struct config *cfg);

/* Lists the settings with defaults and help, for --help. */
void config_print_help(FILE *out);

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
