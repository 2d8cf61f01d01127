/*
 * agentdesk serve: applies pending migrations, then serves HTTP (and
 * /freeswitch/xml on its own listener when AGENTDESK_FS_LISTEN is set),
 * runs the reconciler and the mail sender, until SIGINT or SIGTERM.
 */
#define LOG_MODULE "main"     /* as the lines were before src/cli/ */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
            purge_start(&app, &app.purge) != RESULT_OK ||
            events_hub_start(&app, &app.events) != RESULT_OK ||
            !board ||
            (app.settings.live_listen && live_start(&app, sinks, 2, &app.live) != RESULT_OK)) {
                fprintf(stderr, "agentdesk: cannot start the reconciler, the mail sender, "
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
        /* The live streams say goodbye (event: end, shutdown) before
         * the server ends and resumes them all and stops. */
        events_hub_stop(app.events);
        http_server_stop(metrics_srv);
        http_server_stop(fs_srv);
        http_server_stop(srv);
        import_drain();                  /* an import's thread ends before the store closes */
        live_stop(app.live);
        board_free(board);
        app.live = NULL;
        reconciler_stop(&app);
        mail_sender_stop(app.mail_sender);
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
        if (rc == 0)
                LOG_INFO("stopped");
        log_buffered_stop();
        return rc;
}

const struct cli_command cli_serve = {
        "serve",
        "serve [--db URL] [--listen HOST:PORT] [--config FILE]\n"
        "    Apply pending migrations, then serve HTTP until SIGINT/SIGTERM.",
        NULL, run,
};
