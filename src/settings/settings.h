/*
 * The settings: every AGENTDESK_* setting, typed, in struct settings, and
 * the one table (settings.c) that names each (name, type, default,
 * check, help; an enum setting names the model's table of its words)
 * and fills the struct through util/config.c. Loaded and checked once at
 * start; read-only after. The domain reads them from its struct app
 * (domain/core/app.h), the command line and the handlers from there too.
 *
 * Adding a setting: a field here, a row in settings.c, a line in the
 * README's settings table, and the code that reads it.
 */
#ifndef AGENTDESK_SETTINGS_SETTINGS_H
#define AGENTDESK_SETTINGS_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mail/mail.h"
#include "model/modes.h"
#include "util/config.h"
#include "util/result.h"

struct settings {
        char *db;                  /* AGENTDESK_DB */
        char *listen;              /* AGENTDESK_LISTEN */
        char *secret_key_file;     /* AGENTDESK_SECRET_KEY_FILE ("" = derived) */
        int64_t max_body_bytes;    /* AGENTDESK_MAX_BODY_BYTES */
        int64_t import_max_bytes;  /* AGENTDESK_IMPORT_MAX_BYTES */
        int64_t threads;           /* AGENTDESK_THREADS (0 = one per CPU) */
        int64_t db_busy_timeout_ms;/* AGENTDESK_DB_BUSY_TIMEOUT_MS */
        int64_t shutdown_s;        /* AGENTDESK_SHUTDOWN_S: the drain's deadline */
        char *log_level;           /* AGENTDESK_LOG_LEVEL */
        char *log_format;          /* AGENTDESK_LOG_FORMAT: plain or json */
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
        int64_t call_retention_days;      /* AGENTDESK_CALL_RETENTION_DAYS */
        int64_t live_reread_interval;     /* AGENTDESK_LIVE_REREAD_INTERVAL, seconds */
        bool live_listen;          /* AGENTDESK_LIVE_LISTEN: this process may hold node streams */
        char *sip_domain;          /* AGENTDESK_SIP_DOMAIN: the default realm */
        char *sip_ws_url;          /* AGENTDESK_SIP_WS_URL: the default WebSocket URL */
        char *xmlcurl_user;        /* AGENTDESK_XMLCURL_USER */
        char *xmlcurl_password;    /* AGENTDESK_XMLCURL_PASSWORD ("" = refuse all) */
        int64_t xmlcurl_cache_ms;  /* AGENTDESK_XMLCURL_CACHE_MS */
        int64_t directory_cache_ms;/* AGENTDESK_DIRECTORY_CACHE_MS */
        bool xmlcurl_a1hash;       /* AGENTDESK_XMLCURL_A1HASH */
        char *xmlcurl_allow;       /* AGENTDESK_XMLCURL_ALLOW, CIDR list */
        char *carrier_addresses;   /* AGENTDESK_CARRIER_ADDRESSES, CIDR list ("" = none) */
        char *trusted_proxies;     /* AGENTDESK_TRUSTED_PROXIES, CIDR list ("" = none) */
        char *fs_listen;           /* AGENTDESK_FS_LISTEN ("" = the main listener) */
        char *metrics_listen;      /* AGENTDESK_METRICS_LISTEN ("" = the main listener) */
        char *metrics_token;       /* AGENTDESK_METRICS_TOKEN ("" = no token asked) */
        bool metrics_tenants;      /* AGENTDESK_METRICS_TENANTS: per-tenant samples */
        char *fs_esl;              /* AGENTDESK_FS_ESL: the default cluster's nodes */
        char *fs_esl_password;     /* AGENTDESK_FS_ESL_PASSWORD */
        int64_t fs_retry_limit;    /* AGENTDESK_FS_RETRY_LIMIT, attempts per job */
        int64_t fs_retry_base;     /* AGENTDESK_FS_RETRY_BASE, seconds before the first retry */
        char *fs_profile;          /* AGENTDESK_FS_PROFILE */
        enum fs_mode fs_mode;      /* AGENTDESK_FS_MODE */
        char *fs_conf_dir;         /* AGENTDESK_FS_CONF_DIR (push modes) */
        char *fs_ssh;              /* AGENTDESK_FS_SSH: user@host:port[,…] */
        char *fs_ssh_key;          /* AGENTDESK_FS_SSH_KEY: private key file */
        char *fs_ssh_known_hosts;  /* AGENTDESK_FS_SSH_KNOWN_HOSTS */
        char *web_dir;             /* AGENTDESK_WEB_DIR ("" = the embedded app) */
        char *tls_cert_file;       /* AGENTDESK_TLS_CERT_FILE ("" = plain HTTP) */
        char *tls_key_file;        /* AGENTDESK_TLS_KEY_FILE */
        char *smtp_url;            /* AGENTDESK_SMTP_URL ("" = mail off) */
        enum smtp_tls smtp_tls;    /* AGENTDESK_SMTP_TLS */
        char *smtp_ca_file;        /* AGENTDESK_SMTP_CA_FILE ("" = the system's) */
        char *smtp_user;           /* AGENTDESK_SMTP_USER ("" = no AUTH) */
        char *smtp_password;       /* AGENTDESK_SMTP_PASSWORD */
        char *mail_from;           /* AGENTDESK_MAIL_FROM */
        char *oidc_ca_file;        /* AGENTDESK_OIDC_CA_FILE, "" = the system's CAs */
        bool oidc_allow_private;   /* AGENTDESK_OIDC_ALLOW_PRIVATE (tests) */
        int64_t sso_start_max;     /* AGENTDESK_SSO_START_MAX, per address and login window */
        char *public_url;          /* AGENTDESK_PUBLIC_URL, base of every link */
        int64_t invite_ttl;        /* AGENTDESK_INVITE_TTL, seconds */
        int64_t mail_retry_limit;  /* AGENTDESK_MAIL_RETRY_LIMIT, attempts per message */
        int64_t mail_retry_base;   /* AGENTDESK_MAIL_RETRY_BASE, seconds before the first retry */
        bool webhook_allow_private; /* AGENTDESK_WEBHOOK_ALLOW_PRIVATE */
        int64_t webhook_retry_base_ms; /* AGENTDESK_WEBHOOK_RETRY_BASE_MS */
        int64_t webhook_retry_limit; /* AGENTDESK_WEBHOOK_RETRY_LIMIT, attempts per delivery */
        int64_t webhook_timeout_ms; /* AGENTDESK_WEBHOOK_TIMEOUT_MS */

        /* Derived by settings_load, no row of their own: */
        bool mail_on;              /* AGENTDESK_SMTP_URL is set */
        struct mail_settings mail; /* the smtp_* above, as mail/ takes them */
};

/* The table (for the fuzz driver's checks and --help). */
extern const struct config_table settings_table;

/*
 * Fills *ret from the defaults, then `file` (may be NULL), then the
 * environment `envp` (may be NULL), then `overrides` (config_load), and
 * checks the settings that go together. Every problem is written to
 * `errs` as one line; returns RESULT_INVALID if there was any (*ret is
 * then zeroed), RESULT_IO when the file cannot be read. The caller frees
 * the result with settings_free().
 */
enum result settings_load(const char *file, char *const *envp,
                          const struct config_override *overrides, size_t n_overrides,
                          FILE *errs, struct settings *ret);

void settings_free(struct settings *s);

/* Lists the settings with defaults and help, for --help. */
void settings_print_help(FILE *out);

#endif
