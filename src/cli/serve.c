/*
 * agentdesk serve: applies pending migrations, then serves HTTP (and
 * /freeswitch/xml on its own listener when AGENTDESK_FS_LISTEN is set),
 * runs the reconciler and the mail sender, until SIGINT or SIGTERM.
 *
 * Signals, taken by the main thread with sigwait():
 *   SIGHUP   the settings are read again (file, environment, flags as at
 *            start); those the table marks live and that changed are
 *            applied (the SMTP relay, its login and the sender address
 *            from the mail sender's next round), the others that changed
 *            are logged as needing a restart, as is mail turned on or off;
 *            with a problem in them, nothing changes.
 *   SIGTERM  /readyz turns 503, the listeners stop accepting, in-flight
 *   SIGINT   requests finish, then the workers end their batch: all within
 *            AGENTDESK_SHUTDOWN_S (requests still running then are cut),
 *            and a watchdog ends the process (exit 1) DRAIN_GRACE_S
 *            later whatever is left.
 *
 * Under systemd (Type=notify; sd_notify is a no-op without
 * NOTIFY_SOCKET) the service manager hears READY=1 once the store is open,
 * the migrations are current, the key is loaded and every listener is up
 * (what /readyz checks), RELOADING=1 then READY=1 around a SIGHUP,
 * STOPPING=1 at SIGTERM, and WATCHDOG=1 every half WatchdogSec= from the
 * main thread's signal loop.
 */
#define LOG_MODULE "main"     /* as the lines were before src/cli/ */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "cli/cli.h"
#include "domain/board/board.h"
#include "domain/calls/calls.h"
#include "domain/identity/imports.h"
#include "domain/live/live.h"
#include "domain/mail/sender.h"
#include "domain/provisioning/directory.h"
#include "domain/events/streams.h"
#include "domain/switches/reconciler.h"
#include "domain/upkeep/purge.h"
#include "domain/webhooks/sender.h"
#include "util/log.h"
#include "util/wipe.h"
#include "web/web.h"

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
static int load_tls(const struct settings *cfg, char **ret_cert, char **ret_key, size_t *ret_key_len)
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

/* Applies one live setting's new value from fresh (row name); false when
 * it cannot apply without a restart after all (mail turned on or off). */
static bool apply_live(struct app *app, const char *name, const struct settings *fresh)
{
        if (!strncmp(name, "AGENTDESK_SMTP_", 15) || !strcmp(name, "AGENTDESK_MAIL_FROM")) {
                /* The sender runs only where mail was on at the start. */
                if (!app->mail_sender || !fresh->mail_on)
                        return false;
                return mail_sender_reconfigure(app->mail_sender, &fresh->mail) == RESULT_OK;
        }
        if (!strcmp(name, "AGENTDESK_LOG_LEVEL"))
                atomic_store(&log_threshold, (enum log_level)log_level_parse(fresh->log_level));
        else if (!strcmp(name, "AGENTDESK_LOG_FORMAT"))
                atomic_store(&log_json, log_format_parse(fresh->log_format) == 1);
        else if (!strcmp(name, "AGENTDESK_XMLCURL_ALLOW"))
                api_freeswitch_allow_set(fresh->xmlcurl_allow);   /* checked by the load */
        else if (!strcmp(name, "AGENTDESK_TRUSTED_PROXIES"))
                http_trusted_proxies_set(fresh->trusted_proxies); /* checked by the load */
        else if (!strcmp(name, "AGENTDESK_XMLCURL_CACHE_MS"))
                __atomic_store_n(&app->settings.xmlcurl_cache_ms, fresh->xmlcurl_cache_ms,
                                 __ATOMIC_RELAXED);
        else if (!strcmp(name, "AGENTDESK_DIRECTORY_CACHE_MS")) {
                __atomic_store_n(&app->settings.directory_cache_ms, fresh->directory_cache_ms,
                                 __ATOMIC_RELAXED);
                directory_cache_set_ttl(app->directory_cache, fresh->directory_cache_ms);
        }
        return true;
}

/*
 * SIGHUP. started: the settings the process started with (what a
 * setting that is not live still has); *applied: the last re-read, whose
 * live values are in effect (has_applied false: none yet), replaced by
 * this one when it loads.
 */
static void reload(const struct cli_args *args, struct app *app, const struct settings *started,
                   struct settings *applied, bool *has_applied)
{
        const struct settings *live_now = *has_applied ? applied : started;
        struct settings fresh = { 0 };
        char *problems = NULL;
        size_t len = 0;
        FILE *errs = open_memstream(&problems, &len);
        enum result result;
        int changed = 0;

        if (!errs) {
                LOG_ERR("SIGHUP: out of memory; the settings are unchanged");
                return;
        }
        result = cli_settings_reload(args, errs, &fresh);
        fclose(errs);
        if (result != RESULT_OK) {
                char *save = NULL;
                for (char *l = strtok_r(problems, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                        LOG_ERR("SIGHUP: %s", l);
                LOG_ERR("SIGHUP: the settings have problems: nothing changed");
                free(problems);
                return;
        }
        free(problems);
        for (size_t i = 0; i < settings_table.count; i++) {
                const struct config_def *d = &settings_table.defs[i];
                if (d->live && config_differs(&settings_table, live_now, &fresh, i)) {
                        if (apply_live(app, d->name, &fresh))
                                LOG_INFO("SIGHUP: %s changed: applied", d->name);
                        else
                                LOG_WARN("SIGHUP: %s changed: needs a restart to apply (mail "
                                         "turned on or off)", d->name);
                        changed++;
                } else if (!d->live && config_differs(&settings_table, started, &fresh, i)) {
                        LOG_WARN("SIGHUP: %s changed: needs a restart to apply", d->name);
                        changed++;
                }
        }
        if (!changed)
                LOG_INFO("SIGHUP: settings read again, none changed");
        if (*has_applied)
                settings_free(applied);
        *applied = fresh;
        *has_applied = true;
}

/* The drain's watchdog: once the deadline passes with the stop still
 * under way, says so and ends the process. */
struct drain_watch {
        pthread_mutex_t lock;
        pthread_cond_t done_cond;
        bool done;
        struct timespec deadline;          /* CLOCK_REALTIME: the drain's */
        struct timespec grace;             /* the watchdog's, DRAIN_GRACE_S later */
        int64_t seconds;
};

/* What the stop may take past the drain's deadline: the listeners' last
 * cut and the workers' batch, whose own timeouts bound it. */
#define DRAIN_GRACE_S 2

static void *drain_watchdog(void *arg)
{
        struct drain_watch *w = arg;
        bool done;

        pthread_mutex_lock(&w->lock);
        while (!w->done &&
               pthread_cond_timedwait(&w->done_cond, &w->lock, &w->grace) != ETIMEDOUT)
                ;
        done = w->done;
        pthread_mutex_unlock(&w->lock);
        if (done)
                return NULL;
        LOG_ERR("the drain passed AGENTDESK_SHUTDOWN_S (%llds, and %ds of grace): stopping "
                "now; unfinished provisioning jobs resume at the next start",
                (long long)w->seconds, DRAIN_GRACE_S);
        log_buffered_stop();
        _exit(1);
}

/* Milliseconds left until w's deadline (0 when past). */
static unsigned drain_left_ms(const struct drain_watch *w)
{
        struct timespec now;
        int64_t ms;

        clock_gettime(CLOCK_REALTIME, &now);
        ms = (int64_t)(w->deadline.tv_sec - now.tv_sec) * 1000 +
             (w->deadline.tv_nsec - now.tv_nsec) / 1000000;
        return ms > 0 ? (unsigned)ms : 0;
}

/* Waits for one of signals, sending WATCHDOG=1 every watchdog_us / 2
 * meanwhile (0: no watchdog); the signal's number. */
static int wait_signal(const sigset_t *signals, uint64_t watchdog_us)
{
        struct timespec every = { (time_t)(watchdog_us / 2 / 1000000),
                                  (long)(watchdog_us / 2 % 1000000) * 1000 };
        int sig;

        for (;;) {
                if (!watchdog_us) {
                        if (sigwait(signals, &sig) == 0)
                                return sig;
                        continue;
                }
                sig = sigtimedwait(signals, NULL, &every);
                if (sig > 0)
                        return sig;
                sd_notify(0, "WATCHDOG=1");
        }
}

static int run(const struct cli_args *args, const struct settings *cfg)
{
        struct http_server_options opts = {
                .listen = cfg->listen,
                .threads = (unsigned)cfg->threads,
                .max_body_bytes = (size_t)cfg->max_body_bytes,
        };
        struct http_server_options fs_opts = opts, metrics_opts = opts;
        struct http_server *srv = NULL, *fs_srv = NULL, *metrics_srv = NULL;
        struct app app = { .settings = *cfg };
        struct api_context ctx = { .app = &app };
        /* The listener hands its channel events to the call records and
         * mod_callcenter's to the board (made once the store is open: the
         * early returns have nothing to free). */
        struct board *board = NULL;
        struct live_sink sinks[2];
        sigset_t signals;
        int sig = 0, rc = 1;
        struct settings applied = { 0 };
        bool has_applied = false;
        struct drain_watch watch = { .lock = PTHREAD_MUTEX_INITIALIZER,
                                     .done_cond = PTHREAD_COND_INITIALIZER,
                                     .seconds = cfg->shutdown_s };
        pthread_t watchdog;
        bool watching = false;
        uint64_t watchdog_us = 0;
        enum result result;
        char *tls_cert = NULL, *tls_key = NULL;
        size_t tls_key_len = 0;

        (void)args;
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
        sigaddset(&signals, SIGHUP);
        pthread_sigmask(SIG_BLOCK, &signals, NULL);
        signal(SIGPIPE, SIG_IGN);

        if (cli_open_store(cfg, true, &ctx.store) < 0) {
                free(tls_cert);
                free_secret(tls_key, tls_key_len);
                return 1;
        }
        app.store = ctx.store;
        board = board_new(&app);
        sinks[0] = calls_sink(&app);
        sinks[1] = board_sink(board);
        app.directory_cache = directory_cache_new(cfg->directory_cache_ms, cfg->xmlcurl_user,
                                                  cfg->xmlcurl_password);
        if (cli_open_key(cfg, ctx.store, true) < 0 || store_watch_start(ctx.store) != RESULT_OK)
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
            webhook_sender_start(&app) != RESULT_OK ||
            purge_start(&app, &app.purge) != RESULT_OK ||
            events_hub_start(&app, &app.events) != RESULT_OK ||
            !board ||
            (app.settings.live_listen && live_start(&app, sinks, 2, &app.live) != RESULT_OK)) {
                fprintf(stderr, "agentdesk: cannot start the reconciler, the mail sender, "
                                "the webhook sender, "
                                "the purge, the live events' reader or the FreeSWITCH "
                                "listener\n");
                goto out;
        }
        if (app.settings.mail_on)
                LOG_INFO("mail on: through %s (TLS %s), links to %s", cfg->smtp_url,
                         smtp_tls_name(cfg->smtp_tls), cfg->public_url);
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
                result = http_trusted_proxies_set(cfg->trusted_proxies);
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
        atomic_store(&app.listening, true);
        LOG_INFO("agentdesk serving on %s://%s%s%s, /metrics on %s (store: %s)",
                 tls_key ? "https" : "http", cfg->listen,
                 fs_srv ? ", /freeswitch/xml on " : "", fs_srv ? cfg->fs_listen : "",
                 metrics_srv ? cfg->metrics_listen : "the main listener", store_backend(ctx.store));
        sd_notifyf(0, "READY=1\nSTATUS=serving on %s", cfg->listen);
        if (sd_watchdog_enabled(0, &watchdog_us) <= 0)
                watchdog_us = 0;
        while ((sig = wait_signal(&signals, watchdog_us)) == SIGHUP) {
                sd_notify(0, "RELOADING=1");
                reload(args, &app, cfg, &applied, &has_applied);
                sd_notify(0, "READY=1");
        }
        /* /readyz says 503 from now on, and new connections are refused:
         * load balancers stop sending. */
        atomic_store(&app.listening, false);
        http_server_quiesce(srv);
        http_server_quiesce(fs_srv);
        http_server_quiesce(metrics_srv);
        sd_notify(0, "STOPPING=1");
        LOG_INFO("signal %d: finishing in-flight requests (within %llds)", sig,
                 (long long)cfg->shutdown_s);
        clock_gettime(CLOCK_REALTIME, &watch.deadline);
        watch.deadline.tv_sec += cfg->shutdown_s;
        watch.grace = watch.deadline;
        watch.grace.tv_sec += DRAIN_GRACE_S;
        watching = pthread_create(&watchdog, NULL, drain_watchdog, &watch) == 0;
        rc = 0;
out:
        /* The HTTP servers first (no more wakes), then the worker, then
         * the store. */
        /* The live streams say goodbye (event: end, shutdown) before
         * the server ends and resumes them all and stops. */
        events_hub_stop(app.events);
        if (watching) {
                http_server_stop_within(metrics_srv, drain_left_ms(&watch));
                http_server_stop_within(fs_srv, drain_left_ms(&watch));
                http_server_stop_within(srv, drain_left_ms(&watch));
        }
        http_server_stop(metrics_srv);
        http_server_stop(fs_srv);
        http_server_stop(srv);
        import_drain();                  /* an import's thread ends before the store closes */
        live_stop(app.live);
        board_free(board);
        app.live = NULL;
        reconciler_stop(&app);
        mail_sender_stop(app.mail_sender);
        webhook_sender_stop(&app);
        purge_stop(app.purge);
        events_hub_free(app.events);
        http_server_free(metrics_srv);
        http_server_free(fs_srv);
        http_server_free(srv);
        web_site_free(ctx.web);
        free(tls_cert);
        free_secret(tls_key, tls_key_len);
        store_close(ctx.store);
        directory_cache_free(app.directory_cache);
        if (watching) {
                pthread_mutex_lock(&watch.lock);
                watch.done = true;
                pthread_cond_signal(&watch.done_cond);
                pthread_mutex_unlock(&watch.lock);
                pthread_join(watchdog, NULL);
        }
        if (has_applied)
                settings_free(&applied);
        if (rc == 0)
                LOG_INFO("stopped");
        log_buffered_stop();
        return rc;
}

const struct cli_command cli_serve = {
        "serve",
        "serve [--db URL] [--listen HOST:PORT] [--config FILE]\n"
        "    Apply pending migrations, then serve HTTP until SIGINT/SIGTERM (which\n"
        "    drain within AGENTDESK_SHUTDOWN_S); SIGHUP re-reads the settings.",
        NULL, run, false,
};
