/*
 * agentdesk: wiring only. Parses the command line, loads the settings,
 * opens the store and runs one subcommand; the work is in the layers
 * (docs/ARCHITECTURE.md).
 */
#define LOG_MODULE "main"
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "api/common.h"
#include "domain/switches/cluster.h"
#include "domain/switches/cluster_admin.h"
#include "domain/provisioning/directory.h"
#include "domain/core/credentials.h"
#include "domain/health/doctor.h"
#include "domain/provisioning/jobs.h"
#include "domain/identity/demo.h"
#include "domain/core/app.h"
#include "domain/mail/sender.h"
#include "domain/upkeep/purge.h"
#include "domain/switches/reconciler.h"
#include "domain/core/worker.h"
#include "domain/tenants/tenants.h"
#include "domain/identity/users.h"
#include "freeswitch/xmlcurl.h"
#include "http/http.h"
#include "store/store.h"
#include "util/config.h"
#include "util/log.h"
#include "util/wipe.h"
#include "web/web.h"

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

#define MAX_ARGS 32

/* A subcommand's parsed command line. */
struct cmdline {
        const char *config_file;
        struct config_override overrides[MAX_ARGS];
        size_t n_overrides;
        /* subcommand options: --name value */
        const char *opt_names[MAX_ARGS];
        const char *opt_values[MAX_ARGS];
        size_t n_opts;
        bool help;
};

static const char *opt(const struct cmdline *cl, const char *name)
{
        for (size_t i = 0; i < cl->n_opts; i++)
                if (strcmp(cl->opt_names[i], name) == 0)
                        return cl->opt_values[i];
        return NULL;
}

/* Parses "--flag value" and "--flag=value" pairs; allowed lists the
 * subcommand's own options. Returns -1 after printing the problem. */
static int parse_args(int argc, char **argv, const char *const *allowed, struct cmdline *cl)
{
        for (int i = 0; i < argc; i++) {
                char name[64];
                const char *arg = argv[i], *value, *eq;
                bool known = false;

                if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
                        cl->help = true;
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
                } else {
                        snprintf(name, sizeof(name), "%s", arg);
                        if (i + 1 >= argc) {
                                fprintf(stderr, "agentdesk: %s needs a value\n", arg);
                                return -1;
                        }
                        value = argv[++i];
                }
                if (cl->n_overrides >= MAX_ARGS || cl->n_opts >= MAX_ARGS) {
                        fprintf(stderr, "agentdesk: too many arguments\n");
                        return -1;
                }
                if (!strcmp(name, "--config")) {
                        cl->config_file = value;
                        continue;
                }
                for (size_t k = 0; k < sizeof(setting_flags) / sizeof(setting_flags[0]); k++)
                        if (!strcmp(name, setting_flags[k].flag)) {
                                cl->overrides[cl->n_overrides].name = setting_flags[k].setting;
                                cl->overrides[cl->n_overrides++].value = value;
                                known = true;
                        }
                for (const char *const *a = allowed; !known && a && *a; a++)
                        if (!strcmp(name, *a)) {
                                /* Point at the stable argv copy of the name. */
                                cl->opt_names[cl->n_opts] = *a;
                                cl->opt_values[cl->n_opts++] = value;
                                known = true;
                        }
                if (!known) {
                        fprintf(stderr, "agentdesk: unknown option %s\n", name);
                        return -1;
                }
        }
        return 0;
}

static int load_config(const struct cmdline *cl, struct config *cfg)
{
        const char *file = cl->config_file ? cl->config_file : getenv("AGENTDESK_CONFIG");
        int level;

        if (config_load(file, environ, cl->overrides, cl->n_overrides, stderr, cfg) != RESULT_OK)
                return -1;
        level = log_level_parse(cfg->log_level);
        log_threshold = (enum log_level)level;
        return 0;
}

static bool parse_int(const char *s, int64_t min, int64_t max, int64_t *ret)
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

static int open_store(const struct config *cfg, bool migrate, struct store **ret_store)
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

/* Loads the key that seals SIP secrets, creating it when absent and create. */
static int open_key_file(const struct config *cfg, const struct store *store, bool create)
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

static int open_key(const struct config *cfg, const struct store *store)
{
        return open_key_file(cfg, store, true);
}

/* Prints and frees a line from api_*_text (NULL: out of memory). */
static void print_line(char *s)
{
        if (s)
                puts(s);
        free(s);
}

static void fail_line(const char *what, enum result result, const char *field)
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

/* ---- subcommands --------------------------------------------------------- */

static int cmd_migrate(const struct cmdline *cl, const struct config *cfg)
{
        struct store *store;
        int applied = 0;
        enum result result;

        (void)cl;
        if (open_store(cfg, false, &store) < 0)
                return 1;
        result = store_migrate(store, &applied);
        store_close(store);
        if (result) {
                fprintf(stderr, "agentdesk: migration failed: %s\n", store_last_error());
                return 1;
        }
        if (applied)
                printf("applied %d migration(s)\n", applied);
        else
                printf("schema is current (0 applied)\n");
        return 0;
}

/* --cluster ID into *ret (left as it is when absent); false after saying
 * what is wrong. */
static bool cluster_opt(const struct cmdline *cl, int64_t *ret)
{
        if (!opt(cl, "--cluster") || parse_int(opt(cl, "--cluster"), 1, INT64_MAX / 4, ret))
                return true;
        fprintf(stderr, "agentdesk: --cluster must be a cluster id\n");
        return false;
}

static int cmd_tenant_create(const struct cmdline *cl, const struct config *cfg)
{
        const char *name = opt(cl, "--name"), *field = NULL;
        int64_t base = -1, size = -1, cluster_id = 0;
        struct store_tenant t;
        struct store *store;
        enum result result;

        if (!name) {
                fprintf(stderr, "agentdesk: tenant create needs --name\n");
                return 2;
        }
        if (opt(cl, "--pool-base") && !parse_int(opt(cl, "--pool-base"), 0, INT64_MAX / 4, &base)) {
                fprintf(stderr, "agentdesk: --pool-base must be a non-negative integer\n");
                return 2;
        }
        if (opt(cl, "--pool-size") && !parse_int(opt(cl, "--pool-size"), 1, INT64_MAX / 4, &size)) {
                fprintf(stderr, "agentdesk: --pool-size must be a positive integer\n");
                return 2;
        }
        if (!cluster_opt(cl, &cluster_id))
                return 2;
        if (open_store(cfg, true, &store) < 0)
                return 1;
        if (open_key(cfg, store) < 0) {
                store_close(store);
                return 1;
        }
        result = tenant_create(store, NULL, name, NULL, base, size, cluster_id, &t, &field);
        if (result) {
                fail_line("tenant create", result, field);
                store_close(store);
                return 1;
        }
        print_line(api_tenant_text(&t));
        store_close(store);
        return 0;
}

static int cmd_user_create(const struct cmdline *cl, const struct config *cfg)
{
        const char *field = NULL, *email = opt(cl, "--email"), *password = opt(cl, "--password");
        const char *role = opt(cl, "--role");
        int64_t tenant_id = 0;
        struct store_user u;
        struct store *store;
        enum result result;

        if (!email || !password || !role) {
                fprintf(stderr, "agentdesk: user create needs --email, --password and --role\n");
                return 2;
        }
        if (opt(cl, "--tenant") && !parse_int(opt(cl, "--tenant"), 1, INT64_MAX, &tenant_id)) {
                fprintf(stderr, "agentdesk: --tenant must be a tenant id\n");
                return 2;
        }
        if (open_store(cfg, true, &store) < 0)
                return 1;
        result = user_create(store, tenant_id, email, password, role, opt(cl, "--first-name"),
                             opt(cl, "--last-name"), false, &u, &field);
        store_close(store);
        if (result) {
                fail_line("user create", result, field);
                return 1;
        }
        print_line(api_user_text(&u));
        return 0;
}

static int cmd_demo(const struct cmdline *cl, const struct config *cfg)
{
        char password[DEMO_PASSWORD_LEN + 1];
        struct store_tenant t;
        struct store_user u;
        struct store *store;
        enum result result;

        (void)cl;
        if (open_store(cfg, true, &store) < 0)
                return 1;
        if (open_key(cfg, store) < 0) {
                store_close(store);
                return 1;
        }
        result = demo_setup(store, &t, &u, password);
        store_close(store);
        if (result) {
                fail_line("demo", result, NULL);
                return 1;
        }
        printf("Demo tenant: %s (id %" PRId64 ", extensions %" PRId64 "-%" PRId64 ")\n", t.name,
               t.id, t.pool_base, t.pool_base + t.pool_size - 1);
        printf("Tenant admin login:\n  email: %s\n  password: %s\n", u.email, password);
        printf("(each run of 'agentdesk demo' sets a new password)\n");
        wipe_memory(password, sizeof(password));
        return 0;
}

static struct app_settings app_settings_of(const struct config *cfg)
{
        enum fs_mode mode = FS_MODE_XML_CURL;
        enum smtp_tls tls = SMTP_TLS_REQUIRED;

        (void)config_fs_mode_parse(cfg->fs_mode, &mode);   /* config.c validated them */
        (void)config_smtp_tls_parse(cfg->smtp_tls, &tls);
        return (struct app_settings){
                .token_ttl = cfg->token_ttl,
                .session_max_age = cfg->session_max_age,
                .max_extensions_per_agent = cfg->max_extensions_per_agent,
                .login_max_failures = cfg->login_max_failures,
                .login_ip_max_failures = cfg->login_ip_max_failures,
                .login_window = cfg->login_window,
                .login_account_max_failures = cfg->login_account_max_failures,
                .login_account_window = cfg->login_account_window,
                .purge_after = cfg->purge_after,
                .purge_interval = cfg->purge_interval,
                .sip_domain = cfg->sip_domain,
                .sip_ws_url = cfg->sip_ws_url,
                .xmlcurl_user = cfg->xmlcurl_user,
                .xmlcurl_password = cfg->xmlcurl_password,
                .fs_esl = cfg->fs_esl,
                .fs_esl_password = cfg->fs_esl_password,
                .fs_profile = cfg->fs_profile,
                .fs_mode = mode,
                .fs_conf_dir = cfg->fs_conf_dir,
                .fs_ssh = cfg->fs_ssh,
                .fs_ssh_key = cfg->fs_ssh_key,
                .fs_ssh_known_hosts = cfg->fs_ssh_known_hosts,
                .fs_retry_limit = cfg->fs_retry_limit,
                .fs_retry_base = cfg->fs_retry_base,
                .mail_on = cfg->smtp_url[0] != '\0',
                .mail = {
                        .url = cfg->smtp_url,
                        .tls_required = tls == SMTP_TLS_REQUIRED,
                        .ca_file = cfg->smtp_ca_file,
                        .user = cfg->smtp_user,
                        .password = cfg->smtp_password,
                        .from = cfg->mail_from,
                        .timeout_ms = 30000,
                },
                .public_url = cfg->public_url,
                .invite_ttl = cfg->invite_ttl,
                .mail_retry_limit = cfg->mail_retry_limit,
                .mail_retry_base = cfg->mail_retry_base,
        };
}

/* Prints the mod_xml_curl binding to paste into FreeSWITCH, and what else
 * to change there (freeswitch/xmlcurl.h). */
static int cmd_freeswitch_config(const struct cmdline *cl, const struct config *cfg)
{
        const char *listen = cfg->fs_listen[0] ? cfg->fs_listen : cfg->listen;
        const char *url_host = opt(cl, "--url");
        struct xmlcurl_setup setup = { .user = cfg->xmlcurl_user,
                                       .password = cfg->xmlcurl_password,
                                       .allow = cfg->xmlcurl_allow };
        char base[300];

        if (!cluster_opt(cl, &setup.cluster_id))
                return 2;
        snprintf(base, sizeof(base), "%s%s", url_host ? "" : "http://", url_host ? url_host : listen);
        setup.base_url = base;
        xmlcurl_print_binding(stdout, &setup);
        xmlcurl_print_steps(stderr, &setup);
        return 0;
}

/* One line of `agentdesk doctor`; returns 1 for a failure. */
static int check_line(bool ok, const char *check, const char *detail)
{
        printf("%-5s %s: %s\n", ok ? "ok" : "FAIL", check, detail);
        return !ok;
}

/* Checks every setting and really connects: the store, the key file, and
 * every cluster (domain/health/doctor.h). One line per check; non-zero exit when
 * one failed. Changes nothing. */
static int cmd_doctor(const struct cmdline *cl, const struct config *cfg)
{
        struct app app = { .settings = app_settings_of(cfg) };
        struct doctor_rows rows = { 0 };
        int failed = 0;
        bool up = false, keyed = false;

        (void)cl;
        setvbuf(stdout, NULL, _IOLBF, 0);  /* in order with the reasons on stderr */
        /* Invalid settings never get here: load_config() printed them. */
        failed += check_line(true, "settings", "every setting is valid");
        if (open_store(cfg, false, &app.store) < 0) {
                failed += check_line(false, "store", "cannot open (see above)");
        } else {
                (void)doctor_store(&app, &rows, &up);
                for (size_t i = 0; i < rows.n; i++)
                        failed += check_line(rows.rows[i].ok, rows.rows[i].check, rows.rows[i].detail);
                doctor_rows_free(&rows);
                keyed = open_key_file(cfg, app.store, false) == 0;
                failed += check_line(keyed, "secret key",
                                     keyed ? "loaded" : "missing or unreadable (see above)");
        }
        failed += check_line(cfg->xmlcurl_password[0] != '\0', "mod_xml_curl credentials",
                             cfg->xmlcurl_password[0] ? "AGENTDESK_XMLCURL_PASSWORD is set"
                                                      : "AGENTDESK_XMLCURL_PASSWORD is not set: every "
                                                        "lookup is refused");
        if (doctor_mail(&app, up, &rows) != RESULT_OK ||
            doctor_clusters(&app, up && keyed, &rows) != RESULT_OK)
                failed += check_line(false, "doctor", "out of memory");
        for (size_t i = 0; i < rows.n; i++)
                failed += check_line(rows.rows[i].ok, rows.rows[i].check, rows.rows[i].detail);
        doctor_rows_free(&rows);
        if (app.store)
                store_close(app.store);
        return failed ? 1 : 0;
}

/* Queues a resync of a cluster (--cluster ID; the default one without)
 * and, unless a running agentdesk holds the reconciler (PostgreSQL),
 * applies it at once and says how it went. */
static int cmd_resync(const struct cmdline *cl, const struct config *cfg)
{
        struct app app = { .settings = app_settings_of(cfg) };
        struct store_job_state st;
        int64_t id = 0;
        bool ran = false;
        enum result result;

        int64_t cluster_id = 0;

        if (!cluster_opt(cl, &cluster_id))
                return 2;
        if (open_store(cfg, true, &app.store) < 0)
                return 1;
        if (open_key_file(cfg, app.store, false) < 0) {
                store_close(app.store);
                return 1;
        }
        result = cluster_resync(&app, cluster_id, NULL, &id);
        if (!result)
                result = reconciler_drain(&app, &ran);
        if (!result && ran)
                result = cluster_job_state(&app, id, &st);
        store_close(app.store);
        if (result) {
                fail_line("resync", result, NULL);
                return 1;
        }
        if (!ran) {
                printf("resync queued as job %" PRId64 "; the running agentdesk applies it\n", id);
                return 0;
        }
        if (st.status == JOBS_STATUS_DONE) {
                printf("resync applied to every node of the cluster (job %" PRId64 ")\n", id);
                return 0;
        }
        fprintf(stderr, "agentdesk: resync not applied yet (job %" PRId64 ", %s): %s\n", id,
                jobs_status_name(st.status), st.last_error);
        return 1;
}

/* Prints the routes the server registers, one "METHOD PATTERN" a line
 * (compared with docs/api/openapi.yaml by the tests). */
static int cmd_routes(const struct cmdline *cl, const struct config *cfg)
{
        struct http_server_options opts = { .listen = cfg->listen, .threads = 1,
                                            .max_body_bytes = (size_t)cfg->max_body_bytes };
        struct app app = { .settings = app_settings_of(cfg) };
        struct api_context ctx = { .app = &app, .cfg = cfg };
        struct http_server *srv = NULL;
        enum result result;

        (void)cl;
        result = http_server_new(&opts, &srv);
        if (!result)
                result = api_register(srv, NULL, NULL, &ctx);
        if (result) {
                fprintf(stderr, "agentdesk: routes: %s\n", result_name(result));
                http_server_free(srv);
                return 1;
        }
        for (size_t i = 0; i < http_server_route_count(srv); i++) {
                const char *method, *pattern;
                http_server_route_at(srv, i, &method, &pattern);
                printf("%s %s\n", method, pattern);
        }
        http_server_free(srv);
        return 0;
}

/* Wipes and frees the len bytes of a secret. Accepts NULL. */
static void free_secret(char *secret, size_t len)
{
        wipe_memory(secret, len);
        free(secret);
}

/* The whole of a small file, NUL-terminated, into *ret (malloc'd), or -1
 * with errno (EFBIG past max bytes, EINVAL when it holds a NUL). */
static int read_small_file(const char *path, size_t max, char **ret, size_t *ret_len)
{
        FILE *f = fopen(path, "rb");
        struct stat st;
        char *buf = NULL;
        size_t n = 0;
        int err = 0;

        if (!f)
                return -1;
        if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode))
                err = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        else if (!(buf = malloc(max + 1)))
                err = ENOMEM;
        else if ((n = fread(buf, 1, max + 1, f)) > max)
                err = EFBIG;
        else if (ferror(f))
                err = EIO;
        else if (memchr(buf, '\0', n))
                err = EINVAL;
        fclose(f);
        if (err) {
                free_secret(buf, max + 1);
                errno = err;
                return -1;
        }
        buf[n] = '\0';
        *ret = buf;
        *ret_len = n;
        return 0;
}

/* TLS for serve: both files or neither; each must load into GnuTLS and
 * the key must be the certificate's. On success *ret_cert and *ret_key
 * hold the PEM text (NULL for plain HTTP). Prints the problem and returns
 * -1 otherwise. */
static int load_tls(const struct config *cfg, char **ret_cert, char **ret_key, size_t *ret_key_len)
{
        const char *reason = NULL;
        size_t cert_len = 0;

        *ret_cert = *ret_key = NULL;
        *ret_key_len = 0;
        if (!cfg->tls_cert_file[0] && !cfg->tls_key_file[0])
                return 0;
        if (!cfg->tls_cert_file[0] || !cfg->tls_key_file[0]) {
                fprintf(stderr, "agentdesk: AGENTDESK_TLS_CERT_FILE and AGENTDESK_TLS_KEY_FILE go "
                                "together: set both for HTTPS, or neither\n");
                return -1;
        }
        if (!http_tls_supported()) {
                fprintf(stderr, "agentdesk: this libmicrohttpd was built without TLS: "
                                "HTTPS is not available (use a reverse proxy)\n");
                return -1;
        }
        if (read_small_file(cfg->tls_cert_file, 1024 * 1024, ret_cert, &cert_len) < 0) {
                fprintf(stderr, "agentdesk: AGENTDESK_TLS_CERT_FILE %s: %s\n", cfg->tls_cert_file,
                        strerror(errno));
                return -1;
        }
        if (read_small_file(cfg->tls_key_file, 1024 * 1024, ret_key, ret_key_len) < 0) {
                fprintf(stderr, "agentdesk: AGENTDESK_TLS_KEY_FILE %s: %s\n", cfg->tls_key_file,
                        strerror(errno));
                goto fail;
        }
        if (http_tls_check(*ret_cert, *ret_key, &reason) != RESULT_OK) {
                fprintf(stderr, "agentdesk: AGENTDESK_TLS_CERT_FILE %s with AGENTDESK_TLS_KEY_FILE "
                                "%s: not a usable PEM certificate and private key (%s)\n",
                        cfg->tls_cert_file, cfg->tls_key_file, reason);
                goto fail;
        }
        return 0;
fail:
        free(*ret_cert);
        free_secret(*ret_key, *ret_key_len);
        *ret_cert = *ret_key = NULL;
        *ret_key_len = 0;
        return -1;
}

static int cmd_serve(const struct cmdline *cl, const struct config *cfg)
{
        struct http_server_options opts = {
                .listen = cfg->listen,
                .threads = (unsigned)cfg->threads,
                .max_body_bytes = (size_t)cfg->max_body_bytes,
        };
        struct http_server_options fs_opts = opts, metrics_opts = opts;
        struct http_server *srv = NULL, *fs_srv = NULL, *metrics_srv = NULL;
        struct app app = { .settings = app_settings_of(cfg) };
        struct api_context ctx = { .app = &app, .cfg = cfg };
        sigset_t signals;
        int sig = 0, rc = 1;
        enum result result;
        char *tls_cert = NULL, *tls_key = NULL;
        size_t tls_key_len = 0;

        (void)cl;
        if (!cfg->metrics_listen[0] && !cfg->metrics_token[0]) {
                fprintf(stderr, "agentdesk: AGENTDESK_METRICS_LISTEN is empty, so /metrics would be "
                                "on the main listener: set AGENTDESK_METRICS_TOKEN too\n");
                return 1;
        }
        if (load_tls(cfg, &tls_cert, &tls_key, &tls_key_len) < 0)
                return 1;
        opts.tls_cert_pem = tls_cert;
        opts.tls_key_pem = tls_key;
        /* Block the stop signals in every thread (the HTTP workers inherit
         * the mask); the main thread waits for them with sigwait(). */
        sigemptyset(&signals);
        sigaddset(&signals, SIGINT);
        sigaddset(&signals, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &signals, NULL);
        signal(SIGPIPE, SIG_IGN);

        if (open_store(cfg, true, &ctx.store) < 0) {
                free(tls_cert);
                free_secret(tls_key, tls_key_len);
                return 1;
        }
        app.store = ctx.store;
        app.directory_cache = directory_cache_new(cfg->directory_cache_ms, cfg->xmlcurl_user,
                                                  cfg->xmlcurl_password);
        if (open_key(cfg, ctx.store) < 0 || store_watch_start(ctx.store) != RESULT_OK)
                goto out;
        if (web_site_new(cfg->web_dir, &ctx.web) != RESULT_OK) {
                fprintf(stderr, "agentdesk: AGENTDESK_WEB_DIR %s: not a readable directory\n",
                        cfg->web_dir);
                goto out;
        }
        if (cfg->web_dir[0])
                LOG_INFO("serving the web app from %s", cfg->web_dir);
        else if (web_site_file_count(ctx.web) == 0)
                LOG_WARN("the web app was not built into this binary: / says how to build it");
        /* Before the HTTP workers: handlers wake app.job_worker, so it is
         * set before the first request can arrive. */
        log_buffered_start();
        if (reconciler_start(&app, &app.job_worker) != RESULT_OK ||
            (app.settings.mail_on && mail_sender_start(&app, &app.mail_sender) != RESULT_OK) ||
            purge_start(&app, &app.purge) != RESULT_OK) {
                fprintf(stderr, "agentdesk: cannot start the reconciler, the mail sender or "
                                "the purge\n");
                goto out;
        }
        if (app.settings.mail_on)
                LOG_INFO("mail on: through %s (TLS %s), links to %s", cfg->smtp_url,
                         config_smtp_tls_name(app.settings.mail.tls_required ? SMTP_TLS_REQUIRED
                                                                             : SMTP_TLS_NONE),
                         cfg->public_url);
        fs_opts.listen = cfg->fs_listen;
        /* mod_xml_curl's own listener stays plain HTTP (loopback or a
         * private network). */
        fs_opts.tls_cert_pem = fs_opts.tls_key_pem = NULL;
        /* So does the scrapers' (loopback by default). */
        metrics_opts.listen = cfg->metrics_listen;
        metrics_opts.threads = 1;
        metrics_opts.tls_cert_pem = metrics_opts.tls_key_pem = NULL;
        result = http_server_new(&opts, &srv);
        if (!result && cfg->fs_listen[0])
                result = http_server_new(&fs_opts, &fs_srv);
        if (!result && cfg->metrics_listen[0])
                result = http_server_new(&metrics_opts, &metrics_srv);
        if (!result)
                result = api_register(srv, fs_srv, metrics_srv, &ctx);
        if (!result)
                result = http_server_start(srv);
        if (result) {
                fprintf(stderr, "agentdesk: cannot serve on %s: %s\n", cfg->listen,
                        result == RESULT_IO ? "address unavailable or in use"
                                            : result_name(result));
                goto out;
        }
        if (fs_srv && http_server_start(fs_srv) != RESULT_OK) {
                fprintf(stderr, "agentdesk: cannot serve /freeswitch/xml on %s: "
                                "address unavailable or in use\n", cfg->fs_listen);
                goto out;
        }
        if (metrics_srv && http_server_start(metrics_srv) != RESULT_OK) {
                fprintf(stderr, "agentdesk: cannot serve /metrics on %s: "
                                "address unavailable or in use\n", cfg->metrics_listen);
                goto out;
        }
        if (!cfg->xmlcurl_password[0])
                LOG_WARN("AGENTDESK_XMLCURL_PASSWORD is not set: /freeswitch/xml refuses every lookup");
        LOG_INFO("agentdesk serving on %s://%s%s%s, /metrics on %s (store: %s)",
                 tls_key ? "https" : "http", cfg->listen,
                 fs_srv ? ", /freeswitch/xml on " : "", fs_srv ? cfg->fs_listen : "",
                 metrics_srv ? cfg->metrics_listen : "the main listener", store_backend(ctx.store));
        sigwait(&signals, &sig);
        LOG_INFO("signal %d: finishing in-flight requests", sig);
        rc = 0;
out:
        /* The HTTP servers first (no more wakes), then the worker, then
         * the store. */
        http_server_stop(metrics_srv);
        http_server_stop(fs_srv);
        http_server_stop(srv);
        reconciler_stop(&app);
        mail_sender_stop(app.mail_sender);
        purge_stop(app.purge);
        cluster_forget();
        http_server_free(metrics_srv);
        http_server_free(fs_srv);
        http_server_free(srv);
        web_site_free(ctx.web);
        free(tls_cert);
        free_secret(tls_key, tls_key_len);
        store_close(ctx.store);
        directory_cache_free(app.directory_cache);
        if (rc == 0)
                LOG_INFO("stopped");
        log_buffered_stop();
        return rc;
}

/* ---- dispatch ------------------------------------------------------------- */

struct command {
        const char *name;       /* "tenant create" */
        const char *usage;
        const char *const *options;
        int (*run)(const struct cmdline *cl, const struct config *cfg);
};

static const char *const tenant_create_opts[] = { "--name", "--pool-base", "--pool-size",
                                                  "--cluster", NULL };
static const char *const freeswitch_config_opts[] = { "--url", "--cluster", NULL };
static const char *const resync_opts[] = { "--cluster", NULL };
static const char *const user_create_opts[] = { "--tenant", "--email", "--password", "--role",
                                                "--first-name", "--last-name", NULL };

static const struct command commands[] = {
        { "serve", "serve [--db URL] [--listen HOST:PORT] [--config FILE]\n"
                   "    Apply pending migrations, then serve HTTP until SIGINT/SIGTERM.",
          NULL, cmd_serve },
        { "migrate", "migrate [--db URL]\n    Apply pending migrations and exit.", NULL,
          cmd_migrate },
        { "tenant create", "tenant create --name NAME [--pool-base N] [--pool-size N] [--cluster ID]\n"
                           "              [--db URL]\n"
                           "    Create a tenant and its extension pool (in the default FreeSWITCH\n"
                           "    cluster unless --cluster names a stored one); print it as JSON.",
          tenant_create_opts, cmd_tenant_create },
        { "user create",
          "user create --tenant ID --email E --password P --role superadmin|admin|supervisor|agent\n"
          "            [--first-name F] [--last-name L] [--db URL]\n"
          "    Create a login; print it as JSON. --tenant may be omitted for a superadmin.",
          user_create_opts, cmd_user_create },
        { "freeswitch config", "freeswitch config [--url http://HOST:PORT] [--cluster ID]\n"
                               "    Print the xml_curl.conf.xml binding for FreeSWITCH (gateway URL from\n"
                               "    AGENTDESK_FS_LISTEN or AGENTDESK_LISTEN unless --url is given; the\n"
                               "    default cluster's unless --cluster names a stored one).",
          freeswitch_config_opts, cmd_freeswitch_config },
        { "doctor", "doctor [--db URL] [--config FILE]\n"
                    "    Check every setting and really connect: the store, the key file, and for\n"
                    "    every cluster its conf dirs (push modes) and each node's Event Socket\n"
                    "    (login, status, sofia profile). One line per check; exits non-zero when\n"
                    "    one fails.",
          NULL, cmd_doctor },
        { "resync", "resync [--cluster ID] [--db URL]\n"
                    "    Make every FreeSWITCH node of a cluster (the default one unless --cluster)\n"
                    "    match the database again (xml_curl mode: drop their cached directory users;\n"
                    "    push modes: rewrite every file, remove stale ones). Applied at once unless\n"
                    "    a running agentdesk applies it; exits non-zero when a node did not take it.",
          resync_opts, cmd_resync },
        { "routes", "routes\n    Print the HTTP routes the server registers, one per line.", NULL,
          cmd_routes },
        { "demo", "demo [--db URL]\n"
                  "    Create (if missing) a demo tenant and its admin admin@demo.local, and\n"
                  "    print that login with a new password.",
          NULL, cmd_demo },
};

static void usage(FILE *out, const struct command *only)
{
        if (!only)
                fprintf(out, "agentdesk: agent onboarding for FreeSWITCH contact centres\n\n"
                             "Usage: agentdesk COMMAND [OPTIONS]\n\nCommands:\n");
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                if (!only || only == &commands[i])
                        fprintf(out, "  agentdesk %s\n", commands[i].usage);
        fprintf(out, "\nEvery command also takes --config FILE, --db URL, --listen HOST:PORT, "
                     "--log-level LEVEL.\n\n");
        config_print_help(out);
}

int main(int argc, char **argv)
{
        const struct command *cmd = NULL;
        struct cmdline cl = { 0 };
        struct config cfg = { 0 };
        int words = 0, rc;

        if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
            !strcmp(argv[1], "help")) {
                usage(stdout, NULL);
                return argc < 2 ? 2 : 0;
        }
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]) && !cmd; i++) {
                const char *name = commands[i].name, *space = strchr(name, ' ');
                if (space) {
                        if (argc >= 3 && !strncmp(argv[1], name, (size_t)(space - name)) &&
                            argv[1][space - name] == '\0' && !strcmp(argv[2], space + 1)) {
                                cmd = &commands[i];
                                words = 2;
                        }
                } else if (!strcmp(argv[1], name)) {
                        cmd = &commands[i];
                        words = 1;
                }
        }
        if (!cmd) {
                fprintf(stderr, "agentdesk: unknown command '%s%s%s' (see agentdesk --help)\n",
                        argv[1], argc >= 3 && argv[2][0] != '-' ? " " : "",
                        argc >= 3 && argv[2][0] != '-' ? argv[2] : "");
                return 2;
        }
        if (parse_args(argc - 1 - words, argv + 1 + words, cmd->options, &cl) < 0)
                return 2;
        if (cl.help) {
                usage(stdout, cmd);
                return 0;
        }
        if (load_config(&cl, &cfg) < 0)
                return 2;
        if (mail_global_init() != RESULT_OK) {
                fprintf(stderr, "agentdesk: cannot initialise libcurl\n");
                config_free(&cfg);
                return 1;
        }
        rc = cmd->run(&cl, &cfg);
        mail_global_cleanup();
        config_free(&cfg);
        return rc;
}
