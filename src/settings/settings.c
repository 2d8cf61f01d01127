/*
 * The settings table (settings.h): one row per AGENTDESK_* setting, its
 * checks, and the checks of settings that go together. util/config.c
 * reads the values; the enum rows name the model's tables of words.
 */
#include "settings/settings.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "util/cidr.h"
#include "util/log.h"
#include "util/text.h"

#define FIELD(f) offsetof(struct settings, f)

/* The loader writes an enum setting as an int. */
_Static_assert(sizeof(enum fs_mode) == sizeof(int), "enum fs_mode is int-sized");
_Static_assert(sizeof(enum smtp_tls) == sizeof(int), "enum smtp_tls is int-sized");

static const char *check_log_level(const char *value)
{
        return log_level_parse(value) < 0 ? "must be one of error, warn, info, debug" : NULL;
}

static const char *check_log_format(const char *value)
{
        return log_format_parse(value) < 0 ? "must be plain or json" : NULL;
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

static const char *check_optional_cidr_list(const char *value)
{
        return *value ? check_cidr_list(value) : NULL;
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

static const struct config_def defs[] = {
        { "AGENTDESK_DB", CONFIG_STRING, "sqlite:agentdesk.db", FIELD(db), false, 0, 0, check_db,
          "store: sqlite:PATH (embedded) or postgresql://user@host:port/db", NULL, false },
        { "AGENTDESK_LISTEN", CONFIG_STRING, "127.0.0.1:8080", FIELD(listen), false, 0, 0,
          config_check_host_port, "HTTP listen address, HOST:PORT or [V6]:PORT", NULL, false },
        { "AGENTDESK_SECRET_KEY_FILE", CONFIG_STRING, "", FIELD(secret_key_file), false, 0, 0, NULL,
          "32-byte key that encrypts SIP secrets and signs tokens; created 0600 if absent "
          "(default: agentdesk.key next to the SQLite file; required for PostgreSQL)", NULL, false },
        { "AGENTDESK_MAX_BODY_BYTES", CONFIG_INT, "65536", FIELD(max_body_bytes), false, 256,
          64 * 1024 * 1024, NULL, "largest request body accepted; larger gets 413", NULL, false },
        { "AGENTDESK_IMPORT_MAX_BYTES", CONFIG_INT, "8388608", FIELD(import_max_bytes), false,
          1024, 64 * 1024 * 1024, NULL,
          "largest CSV file POST /v1/admin/agents/import accepts (its own limit: "
          "AGENTDESK_MAX_BODY_BYTES stays for every other route); larger gets 413", NULL, false },
        { "AGENTDESK_THREADS", CONFIG_INT, "0", FIELD(threads), false, 0, 256, NULL,
          "HTTP worker threads (0 = one per CPU)", NULL, false },
        { "AGENTDESK_DB_BUSY_TIMEOUT_MS", CONFIG_INT, "5000", FIELD(db_busy_timeout_ms), false, 0,
          600000, NULL, "how long a write waits for the store lock before failing", NULL, false },
        { "AGENTDESK_SHUTDOWN_S", CONFIG_INT, "10", FIELD(shutdown_s), false, 1, 3600, NULL,
          "SIGTERM: in-flight requests and the provisioning batch under way get this long to "
          "finish, seconds; then the process stops (unfinished jobs resume at the next start)",
          NULL, false },
        { "AGENTDESK_LOG_LEVEL", CONFIG_STRING, "info", FIELD(log_level), false, 0, 0,
          check_log_level, "error, warn, info or debug", NULL, true },
        { "AGENTDESK_LOG_FORMAT", CONFIG_STRING, "plain", FIELD(log_format), false, 0, 0,
          check_log_format, "plain (lines for journald) or json (one object a line: time, level, "
          "area, msg; for log shippers)", NULL, true },
        { "AGENTDESK_TOKEN_TTL", CONFIG_INT, "28800", FIELD(token_ttl), false, 1, 30 * 86400, NULL,
          "lifetime of a bearer token, seconds", NULL, false },
        { "AGENTDESK_SESSION_MAX_AGE", CONFIG_INT, "86400", FIELD(session_max_age), false, 1,
          90 * 86400, NULL,
          "absolute limit of a session renewed by POST /v1/auth/refresh, seconds from login", NULL, false },
        { "AGENTDESK_MAX_EXTENSIONS_PER_AGENT", CONFIG_INT, "4", FIELD(max_extensions_per_agent),
          false, 1, 16, NULL, "most extensions one agent may hold", NULL, false },
        { "AGENTDESK_LOGIN_MAX_FAILURES", CONFIG_INT, "5", FIELD(login_max_failures), false, 1, 1000,
          NULL, "failed logins of one account from one client address (and forgot-password "
          "requests for one email) within the window", NULL, false },
        { "AGENTDESK_LOGIN_IP_MAX_FAILURES", CONFIG_INT, "50", FIELD(login_ip_max_failures), false, 1,
          100000, NULL, "failed logins (and forgot-password requests) from one client address "
          "within the window", NULL, false },
        { "AGENTDESK_TRUSTED_PROXIES", CONFIG_STRING, "", FIELD(trusted_proxies), false, 0, 0,
          check_optional_cidr_list, "reverse proxies (CIDR list: your load balancers, e.g. nginx's "
          "address) whose X-Forwarded-For is believed. When the TCP peer is one, the client's "
          "address (for the login throttles, audit rows, the access log and "
          "AGENTDESK_XMLCURL_ALLOW) is the header's rightmost entry that is not in the list; an "
          "entry that is not a plain IPv4 or IPv6 address stops the walk at the proxy that "
          "passed it on, and a header that is repeated or over 16 entries or 1024 bytes is not "
          "read. Empty: the header is ignored and the client is the TCP peer", NULL, true },
        { "AGENTDESK_LOGIN_WINDOW", CONFIG_INT, "900", FIELD(login_window), false, 1, 86400, NULL,
          "login throttle window, seconds", NULL, false },
        { "AGENTDESK_LOGIN_ACCOUNT_MAX_FAILURES", CONFIG_INT, "100",
          FIELD(login_account_max_failures), false, 1, 100000, NULL,
          "failed logins of one account from all addresses within the account window", NULL, false },
        { "AGENTDESK_LOGIN_ACCOUNT_WINDOW", CONFIG_INT, "60", FIELD(login_account_window), false, 1,
          86400, NULL, "window of the per-account login limit, seconds", NULL, false },
        { "AGENTDESK_PURGE_AFTER", CONFIG_INT, "2592000", FIELD(purge_after), false, 1,
          3650 * 86400, NULL, "sent or given-up mail, dead links, sessions and webhook deliveries no "
          "longer pending are deleted this long "
          "after their end, seconds", NULL, false },
        { "AGENTDESK_PURGE_INTERVAL", CONFIG_INT, "3600", FIELD(purge_interval), false, 1, 86400,
          NULL, "how often the purge runs, seconds", NULL, false },
        { "AGENTDESK_CALL_RETENTION_DAYS", CONFIG_INT, "90", FIELD(call_retention_days), false, 1,
          3650, NULL, "call records are deleted this many days after their start (the daily "
          "usage stays)", NULL, false },
        { "AGENTDESK_LIVE_LISTEN", CONFIG_BOOL, "true", FIELD(live_listen), false, 0, 0, NULL,
          "listen to the FreeSWITCH nodes' event streams (false: leave them to other processes)",
          NULL, false },
        { "AGENTDESK_LIVE_REREAD_INTERVAL", CONFIG_INT, "60", FIELD(live_reread_interval), false, 1,
          86400, NULL, "how often the listener reads each node's registrations again (a flush "
          "sends no event), seconds", NULL, false },
        { "AGENTDESK_SIP_DOMAIN", CONFIG_STRING, "127.0.0.1", FIELD(sip_domain), false, 0, 0,
          check_sip_domain, "SIP domain (realm) of tenants without their own", NULL, false },
        { "AGENTDESK_SIP_WS_URL", CONFIG_STRING, "ws://127.0.0.1:5066", FIELD(sip_ws_url), false, 0,
          0, check_ws_url, "SIP-over-WebSocket URL the agent desktop registers to", NULL, false },
        { "AGENTDESK_XMLCURL_USER", CONFIG_STRING, "freeswitch", FIELD(xmlcurl_user), false, 0, 0,
          check_xmlcurl_user, "basic-auth user mod_xml_curl presents to /freeswitch/xml", NULL, false },
        { "AGENTDESK_XMLCURL_PASSWORD", CONFIG_STRING, "", FIELD(xmlcurl_password), true, 0, 0,
          NULL, "basic-auth password of /freeswitch/xml (empty: every lookup is refused)", NULL, false },
        { "AGENTDESK_XMLCURL_A1HASH", CONFIG_BOOL, "false", FIELD(xmlcurl_a1hash), false, 0, 0, NULL,
          "send a1-hash (md5 of ext:domain:password) instead of the SIP password", NULL, false },
        { "AGENTDESK_XMLCURL_CACHE_MS", CONFIG_INT, "0", FIELD(xmlcurl_cache_ms), false, 0,
          86400000, NULL, "cacheable= on directory users, ms (0 = FreeSWITCH does not cache)", NULL, true },
        { "AGENTDESK_DIRECTORY_CACHE_MS", CONFIG_INT, "1000", FIELD(directory_cache_ms), false, 0,
          86400000, NULL, "longest an unchanged directory row is served from memory, ms (0: never)",
          NULL, true },
        { "AGENTDESK_XMLCURL_ALLOW", CONFIG_STRING, "127.0.0.0/8,::1/128", FIELD(xmlcurl_allow),
          false, 0, 0, check_cidr_list, "addresses (CIDR list) allowed to call /freeswitch/xml", NULL, true },
        { "AGENTDESK_CARRIER_ADDRESSES", CONFIG_STRING, "", FIELD(carrier_addresses), false, 0, 0,
          check_optional_cidr_list, "the carriers' addresses (CIDR list) FreeSWITCH's inbound ACL "
          "admits unchallenged into the public context (printed by `freeswitch config`)", NULL, false },
        { "AGENTDESK_FS_LISTEN", CONFIG_STRING, "", FIELD(fs_listen), false, 0, 0,
          check_optional_host_port, "own listener for /freeswitch/xml (empty: the main one)", NULL, false },
        { "AGENTDESK_METRICS_LISTEN", CONFIG_STRING, "127.0.0.1:9464", FIELD(metrics_listen), false,
          0, 0, check_optional_host_port, "own listener for /metrics (empty: the main one, which "
          "then needs AGENTDESK_METRICS_TOKEN)", NULL, false },
        { "AGENTDESK_METRICS_TOKEN", CONFIG_STRING, "", FIELD(metrics_token), true, 0, 0,
          check_metrics_token,
          "bearer token /metrics asks for (empty: none; then only its own listener serves it)", NULL, false },
        { "AGENTDESK_METRICS_TENANTS", CONFIG_BOOL, "false", FIELD(metrics_tenants), false, 0, 0,
          NULL, "/metrics names each tenant (slug and id) in its pool samples", NULL, false },
        { "AGENTDESK_FS_ESL", CONFIG_STRING, "127.0.0.1:8021", FIELD(fs_esl), false, 0, 0,
          check_host_port_list, "Event Socket of each FreeSWITCH node, host:port[,host:port...]",
          NULL, false },
        { "AGENTDESK_FS_ESL_PASSWORD", CONFIG_STRING, "ClueCon", FIELD(fs_esl_password), true, 0, 0,
          check_esl_password, "Event Socket password (FreeSWITCH's default ClueCon: change it)", NULL, false },
        { "AGENTDESK_FS_PROFILE", CONFIG_STRING, "internal", FIELD(fs_profile), false, 0, 0,
          check_profile, "sofia profile the agents register to", NULL, false },
        { "AGENTDESK_FS_MODE", CONFIG_ENUM, "xml_curl", FIELD(fs_mode), false, 0, 0, NULL,
          "how FreeSWITCH learns the extensions: xml_curl (it asks us) or files (we write its conf)",
          &fs_mode_names, false },
        { "AGENTDESK_FS_CONF_DIR", CONFIG_STRING, "", FIELD(fs_conf_dir), false, 0, 0, check_absolute_path,
          "push modes: FreeSWITCH's conf dir (holding directory/default/ and dialplan/), on the "
          "node in ssh mode", NULL, false },
        { "AGENTDESK_FS_SSH", CONFIG_STRING, "", FIELD(fs_ssh), false, 0, 0, NULL,
          "ssh mode: user@host:port of each node (comma-separated)", NULL, false },
        { "AGENTDESK_FS_SSH_KEY", CONFIG_STRING, "", FIELD(fs_ssh_key), false, 0, 0, check_absolute_path,
          "ssh mode: the private key file agentdesk logs in with", NULL, false },
        { "AGENTDESK_FS_SSH_KNOWN_HOSTS", CONFIG_STRING, "", FIELD(fs_ssh_known_hosts), false, 0, 0,
          check_absolute_path, "ssh mode: known_hosts file with each node's host key (others are refused)",
          NULL, false },
        { "AGENTDESK_FS_RETRY_LIMIT", CONFIG_INT, "10", FIELD(fs_retry_limit), false, 1, 1000, NULL,
          "attempts at a provisioning job before it is marked failed", NULL, false },
        { "AGENTDESK_FS_RETRY_BASE", CONFIG_INT, "1", FIELD(fs_retry_base), false, 1, 3600, NULL,
          "seconds before a job's first retry; doubled each time, at most 10 minutes", NULL, false },
        { "AGENTDESK_WEB_DIR", CONFIG_STRING, "", FIELD(web_dir), false, 0, 0, NULL,
          "serve the web app from this directory (a built web/dist) instead of the copy "
          "embedded at build time", NULL, false },
        { "AGENTDESK_TLS_CERT_FILE", CONFIG_STRING, "", FIELD(tls_cert_file), false, 0, 0, NULL,
          "PEM certificate (chain) file: with AGENTDESK_TLS_KEY_FILE, serve speaks HTTPS", NULL, false },
        { "AGENTDESK_TLS_KEY_FILE", CONFIG_STRING, "", FIELD(tls_key_file), false, 0, 0, NULL,
          "PEM private key file of AGENTDESK_TLS_CERT_FILE (not encrypted)", NULL, false },
        { "AGENTDESK_SMTP_URL", CONFIG_STRING, "", FIELD(smtp_url), false, 0, 0, check_smtp_url,
          "mail relay, smtp://HOST:PORT (STARTTLS) or smtps://HOST:PORT (empty: mail is off; turning mail on or off needs a restart)", NULL, true },
        { "AGENTDESK_SMTP_TLS", CONFIG_ENUM, "required", FIELD(smtp_tls), false, 0, 0, NULL,
          "required (certificate verified) or none (plain; loopback relays only)", &smtp_tls_names, true },
        { "AGENTDESK_SMTP_CA_FILE", CONFIG_STRING, "", FIELD(smtp_ca_file), false, 0, 0,
          check_absolute_path, "CA bundle the relay's certificate must chain to (empty: the system's)",
          NULL, true },
        { "AGENTDESK_SMTP_USER", CONFIG_STRING, "", FIELD(smtp_user), false, 0, 0, NULL,
          "SMTP AUTH user (empty: no AUTH)", NULL, true },
        { "AGENTDESK_SMTP_PASSWORD", CONFIG_STRING, "", FIELD(smtp_password), true, 0, 0, NULL,
          "SMTP AUTH password", NULL, true },
        { "AGENTDESK_MAIL_FROM", CONFIG_STRING, "", FIELD(mail_from), false, 0, 0, check_mail_from,
          "sender address of every message (required with AGENTDESK_SMTP_URL)", NULL, true },
        { "AGENTDESK_PUBLIC_URL", CONFIG_STRING, "", FIELD(public_url), false, 0, 0,
          check_public_url, "base URL of the web app, the start of every emailed link "
          "(required with AGENTDESK_SMTP_URL) and of single sign-on's redirect URI "
          "(<url>/v1/auth/oidc/callback, required for single sign-on)", NULL, false },
        { "AGENTDESK_OIDC_CA_FILE", CONFIG_STRING, "", FIELD(oidc_ca_file), false, 0, 0,
          check_absolute_path, "single sign-on: CA bundle the OpenID providers' certificates must "
          "chain to (empty: the system's)", NULL, false },
        { "AGENTDESK_OIDC_ALLOW_PRIVATE", CONFIG_BOOL, "false", FIELD(oidc_allow_private), false, 0,
          0, NULL, "single sign-on: let an OpenID provider be on a loopback or private address "
          "(tests; otherwise only public addresses are reached)", NULL, false },
        { "AGENTDESK_SSO_START_MAX", CONFIG_INT, "200", FIELD(sso_start_max), false, 1, 1000000,
          NULL, "single sign-on: starts from one client address within AGENTDESK_LOGIN_WINDOW "
          "(every start counts, whether or not it ends in a sign-in); more are sent back to the "
          "login page with too_many_attempts. Raise it when many users share one address (an "
          "office behind NAT) or set AGENTDESK_TRUSTED_PROXIES behind a proxy", NULL, false },
        { "AGENTDESK_INVITE_TTL", CONFIG_INT, "259200", FIELD(invite_ttl), false, 1, 30 * 86400,
          NULL, "lifetime of an invitation link, seconds", NULL, false },
        { "AGENTDESK_MAIL_RETRY_LIMIT", CONFIG_INT, "10", FIELD(mail_retry_limit), false, 1, 1000,
          NULL, "delivery attempts at a message before it is marked failed", NULL, false },
        { "AGENTDESK_MAIL_RETRY_BASE", CONFIG_INT, "5", FIELD(mail_retry_base), false, 1, 3600, NULL,
          "seconds before a message's first retry; doubled each time, at most 10 minutes", NULL, false },
        { "AGENTDESK_WEBHOOK_ALLOW_PRIVATE", CONFIG_BOOL, "false", FIELD(webhook_allow_private),
          false, 0, 0, NULL, "let webhooks reach loopback, private and link-local addresses "
          "(tests and closed networks only: otherwise any admin could make agentdesk call "
          "services behind the firewall); checked at connect time on every delivery", NULL, false },
        { "AGENTDESK_WEBHOOK_RETRY_BASE_MS", CONFIG_INT, "10000", FIELD(webhook_retry_base_ms),
          false, 1, 3600000, NULL, "milliseconds before a webhook delivery's first retry; doubled "
          "each time, at most an hour", NULL, false },
        { "AGENTDESK_WEBHOOK_RETRY_LIMIT", CONFIG_INT, "8", FIELD(webhook_retry_limit), false, 1,
          100, NULL, "attempts at a webhook delivery before it is marked failed", NULL, false },
        { "AGENTDESK_WEBHOOK_TIMEOUT_MS", CONFIG_INT, "10000", FIELD(webhook_timeout_ms), false,
          100, 60000, NULL, "how long a webhook receiver has to answer, milliseconds (a "
          "timeout is retried)", NULL, false },
};

const struct config_table settings_table = { defs, sizeof(defs) / sizeof(defs[0]),
                                             sizeof(struct settings) };

/* The checks of settings that go together; -1 after writing each problem. */
static int check_together(const struct settings *s, FILE *errs)
{
        int bad = 0;

        if (s->fs_mode != FS_MODE_XML_CURL) {
                const char *need[][2] = { { "AGENTDESK_FS_CONF_DIR", s->fs_conf_dir },
                                          { "AGENTDESK_FS_SSH", s->fs_ssh },
                                          { "AGENTDESK_FS_SSH_KEY", s->fs_ssh_key },
                                          { "AGENTDESK_FS_SSH_KNOWN_HOSTS", s->fs_ssh_known_hosts } };
                size_t n = s->fs_mode == FS_MODE_SSH ? 4 : 1;
                for (size_t i = 0; i < n; i++)
                        if (!need[i][1][0]) {
                                fprintf(errs, "%s: required when AGENTDESK_FS_MODE is %s\n",
                                        need[i][0], fs_mode_name(s->fs_mode));
                                bad = -1;
                        }
        }
        if (s->smtp_url[0]) {
                char host[256];
                if (!s->mail_from[0] || !s->public_url[0]) {
                        fprintf(errs, "AGENTDESK_MAIL_FROM and AGENTDESK_PUBLIC_URL: required "
                                      "when AGENTDESK_SMTP_URL is set\n");
                        bad = -1;
                }
                /* Plain SMTP crosses no network only on loopback. */
                if (s->smtp_tls == SMTP_TLS_NONE &&
                    (!config_url_host(s->smtp_url, host, sizeof(host)) ||
                     !config_host_is_loopback(host))) {
                        fprintf(errs, "AGENTDESK_SMTP_TLS: none is accepted only for a loopback "
                                      "relay (127.0.0.1, ::1, localhost), not %s\n", s->smtp_url);
                        bad = -1;
                }
                if (s->smtp_tls == SMTP_TLS_NONE && !strncmp(s->smtp_url, "smtps://", 8)) {
                        fprintf(errs, "AGENTDESK_SMTP_TLS: none contradicts an smtps:// URL\n");
                        bad = -1;
                }
        }
        return bad;
}

enum result settings_load(const char *file, char *const *envp,
                          const struct config_override *overrides, size_t n_overrides,
                          FILE *errs, struct settings *ret)
{
        enum result result = config_load(&settings_table, file, envp, overrides, n_overrides,
                                         errs, ret);

        if (result)
                return result;
        if (check_together(ret, errs) < 0) {
                settings_free(ret);
                memset(ret, 0, sizeof(*ret));
                return RESULT_INVALID;
        }
        ret->mail_on = ret->smtp_url[0] != '\0';
        ret->mail = (struct mail_settings){
                .url = ret->smtp_url,
                .tls_required = ret->smtp_tls == SMTP_TLS_REQUIRED,
                .ca_file = ret->smtp_ca_file,
                .user = ret->smtp_user,
                .password = ret->smtp_password,
                .from = ret->mail_from,
                .timeout_ms = 30000,
        };
        return RESULT_OK;
}

void settings_free(struct settings *s)
{
        config_free(&settings_table, s);
        s->mail = (struct mail_settings){ 0 };
}

void settings_print_help(FILE *out)
{
        config_print_help(&settings_table, out);
}
