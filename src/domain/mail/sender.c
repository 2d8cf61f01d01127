/* The mail sender; see sender.h. */
#define LOG_MODULE "mail"
#include "domain/mail/sender.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/core/credentials.h"
#include "domain/core/worker.h"
#include "domain/events/events.h"
#include "domain/mail/outbox.h"
#include "util/log.h"
#include "util/text.h"
#include "util/wipe.h"

#define MAX_DELAY_S 600
#define POLL_MS 1000                     /* sees other nodes' messages this often */
#define BACKOFF_MAX_MS 10000             /* after store failures */
#define IDLE_CLOSE_MS (POLL_MS / 2)      /* a round idle this long after a send says QUIT */

/* SMTP settings owned by the sender: what mail_session_new borrows. */
struct mail_config {
        struct mail_settings s;          /* points into the copies below */
        char *url, *ca_file, *user, *password, *from;
};

struct mail_sender {
        struct app *app;
        /* The worker thread's settings, and the next ones a SIGHUP left
         * (under lock) for it to take at its next round. */
        struct mail_config config;
        pthread_mutex_t lock;
        struct mail_config *next;
        struct worker *worker;
        atomic_bool stopping;            /* set before worker_stop: no new message */
        atomic_long connections;
        /* The worker thread's: kept from round to round while work keeps
         * coming, closed once a round finds nothing due after a pause
         * (before any server drops it). */
        struct mail_session *session;
        long session_seen;               /* its connections already counted */
        struct timespec last_send;       /* CLOCK_MONOTONIC */
};

/* One message of a pass and what became of it. */
struct work {
        struct store_mail mail;
        bool tried;
        bool dropped;                    /* not sent: its link died first */
        struct mail_outcome outcome;
};

static int64_t retry_at(const struct app *app, int64_t attempts_made)
{
        int64_t delay = app->settings.mail_retry_base;

        for (int64_t i = 1; i < attempts_made && delay < MAX_DELAY_S; i++)
                delay *= 2;
        return store_now() + (delay < MAX_DELAY_S ? delay : MAX_DELAY_S);
}

/* Ties each forgot-password request to its user and a new reset link, or
 * drops it when nobody active has that email. */
static enum result resolve_requests(struct store_conn *conn)
{
        int64_t ids[MAIL_SENDER_BATCH];
        int n = 0;
        enum result result = store_mail_unresolved(conn, ids, MAIL_SENDER_BATCH, &n);

        for (int i = 0; !result && i < n; i++) {
                struct store_mail m;
                struct store_user u;
                struct store_tenant t;
                char sealed[STORE_TEXT_MAX];
                int64_t link_id = 0, expires = 0;
                bool live;

                result = store_mail_get(conn, ids[i], &m);
                if (result)
                        break;
                result = store_user_get_by_email(conn, m.recipient, &u);
                live = !result && u.status == USER_STATUS_ACTIVE;
                if (live && u.tenant_id)
                        live = store_tenant_get(conn, u.tenant_id, &t) == RESULT_OK &&
                               t.status == TENANT_STATUS_ACTIVE;
                if (result && result != RESULT_NOT_FOUND)
                        break;
                if (!live) {
                        result = store_mail_drop(conn, ids[i], "no active account");
                        continue;
                }
                result = store_begin(conn);
                if (!result)
                        result = mail_link_new(conn, u.id, LINK_PURPOSE_RESET, MAIL_RESET_TTL,
                                                     &link_id, sealed, &expires);
                if (!result)
                        result = store_mail_resolve(conn, ids[i], u.tenant_id, u.id, link_id, sealed);
                if (!result)
                        result = store_commit(conn);
                wipe_memory(sealed, sizeof(sealed));
                if (result == RESULT_CONFLICT) {  /* another node resolved it first */
                        store_rollback(conn);
                        result = RESULT_OK;
                } else if (result) {
                        store_rollback(conn);
                }
        }
        return result;
}

/* Renders and sends one message over the pass's session; w->outcome says
 * what became of it. Fails only when memory runs out (w->tried is then
 * true but the outcome is a retry). */
static enum result deliver(struct app *app, struct mail_session *session, struct work *w)
{
        const struct store_mail *m = &w->mail;
        char token[STORE_TEXT_MAX] = "", link[STORE_TEXT_MAX + 512] = "", expires[64] = "";
        /* A platform superadmin has no tenant: the product speaks. */
        struct mail_vars vars = { .first_name = m->first_name,
                                  .tenant = m->tenant_name[0] ? m->tenant_name : "agentdesk",
                                  .link = link, .expires = expires };
        struct mail_rendered msg = { 0 };
        enum mail_template t;
        enum result result = RESULT_OK;

        w->tried = true;
        w->outcome = (struct mail_outcome){ .verdict = MAIL_RETRY,
                                            .reply = "not sent: out of memory" };
        if (!mail_template_parse(m->template, &t)) {
                w->outcome = (struct mail_outcome){ .verdict = MAIL_REJECTED };
                text_copy(w->outcome.reply, sizeof(w->outcome.reply), "unknown template");
                return RESULT_OK;
        }
        if (m->secret[0]) {
                /* Sealed under another key: no retry can open it. */
                if (credentials_unseal(m->secret, token, sizeof(token)) != RESULT_OK) {
                        w->outcome = (struct mail_outcome){ .verdict = MAIL_REJECTED };
                        text_copy(w->outcome.reply, sizeof(w->outcome.reply),
                                  "cannot open the link's token: was the key file replaced?");
                        goto out;
                }
                snprintf(link, sizeof(link), "%s/%s#token=%s", app->settings.public_url,
                         t == MAIL_INVITATION ? "set-password" : "reset-password", token);
        }
        if (m->link_expires_at) {
                time_t when = (time_t)m->link_expires_at;
                struct tm tm;
                gmtime_r(&when, &tm);
                strftime(expires, sizeof(expires), "on %Y-%m-%d at %H:%M UTC", &tm);
        }
        result = mail_render(t, &vars, &msg);
        if (!result)
                result = mail_send(session, m->recipient, m->first_name, &msg, &w->outcome);
        if (result == RESULT_INVALID)   /* a bad address: the outcome says failed */
                result = RESULT_OK;
out:
        mail_rendered_free(&msg);
        wipe_memory(token, sizeof(token));
        wipe_memory(link, sizeof(link));
        return result;
}

/* invitation.sent|failed for an invitation's final outcome (the
 * message's template says it is one; a reset or a password-changed
 * notice is not), in the transaction recording it. */
static enum result publish(struct store_conn *conn, const struct work *w, bool sent)
{
        enum mail_template t;

        if (!mail_template_parse(w->mail.template, &t) || t != MAIL_INVITATION || !w->mail.user_id)
                return RESULT_OK;
        return events_append_invitation(conn, w->mail.tenant_id, w->mail.user_id,
                                        w->mail.recipient, sent, w->outcome.code);
}

static enum result record(struct app *app, struct store_conn *conn, const struct work *w)
{
        const struct mail_outcome *o = &w->outcome;
        enum result result;
        bool give_up;

        if (o->verdict == MAIL_ACCEPTED) {
                LOG_DEBUG("message %" PRId64 " (%s) accepted: %s", w->mail.id, w->mail.template,
                          o->reply);
                result = store_mail_sent(conn, w->mail.id, o->reply, store_now());
                return result ? result : publish(conn, w, true);
        }
        give_up = o->verdict == MAIL_REJECTED || w->mail.attempts + 1 >= app->settings.mail_retry_limit;
        if (give_up)
                LOG_ERR("message %" PRId64 " (%s) failed after %" PRId64 " attempt(s): %s",
                        w->mail.id, w->mail.template, w->mail.attempts + 1, o->reply);
        else
                LOG_WARN("message %" PRId64 " (%s) not delivered, will retry: %s", w->mail.id,
                         w->mail.template, o->reply);
        result = store_mail_retry(conn, w->mail.id,
                                  give_up ? MAIL_OUTBOX_STATUS_FAILED : MAIL_OUTBOX_STATUS_QUEUED,
                                  give_up, o->reply, retry_at(app, w->mail.attempts + 1));
        return result || !give_up ? result : publish(conn, w, false);
}

/* One pass: resolve requests, take the due messages, send, record. */
static void mail_config_free(struct mail_config *c)
{
        if (!c)
                return;
        if (c->password)
                wipe_memory(c->password, strlen(c->password));
        free(c->url);
        free(c->ca_file);
        free(c->user);
        free(c->password);
        free(c->from);
        memset(c, 0, sizeof(*c));
}

static enum result mail_config_copy(struct mail_config *c, const struct mail_settings *from)
{
        memset(c, 0, sizeof(*c));
        c->url = strdup(from->url ? from->url : "");
        c->ca_file = strdup(from->ca_file ? from->ca_file : "");
        c->user = strdup(from->user ? from->user : "");
        c->password = strdup(from->password ? from->password : "");
        c->from = strdup(from->from ? from->from : "");
        if (!c->url || !c->ca_file || !c->user || !c->password || !c->from) {
                mail_config_free(c);
                return RESULT_NOMEM;
        }
        c->s = *from;
        c->s.url = c->url;
        c->s.ca_file = c->ca_file;
        c->s.user = c->user;
        c->s.password = c->password;
        c->s.from = c->from;
        return RESULT_OK;
}

static void close_session(struct mail_sender *o);

/* At a round's start: the settings a SIGHUP left, if any, replace the
 * worker's (the open session, made with the old ones, is closed). */
static void take_next_config(struct mail_sender *o)
{
        struct mail_config *next;

        pthread_mutex_lock(&o->lock);
        next = o->next;
        o->next = NULL;
        pthread_mutex_unlock(&o->lock);
        if (!next)
                return;
        close_session(o);
        mail_config_free(&o->config);
        o->config = *next;
        free(next);
        LOG_INFO("SMTP settings changed: the next message goes to %s", o->config.s.url);
}

static enum result pass(struct mail_sender *o, int *ret_handled)
{
        struct app *app = o->app;
        struct store_mail *due;
        struct work *works;
        struct store_conn *conn;
        /* PostgreSQL: rows locked for the pass (see sender.h). */
        bool lock = strcmp(store_backend(app->store), "sqlite") != 0, in_tx = false;
        int n = 0;
        enum result result;

        *ret_handled = 0;
        works = calloc(MAIL_SENDER_BATCH, sizeof(*works));
        due = calloc(MAIL_SENDER_BATCH, sizeof(*due));
        result = works && due ? store_conn_get(app->store, &conn) : RESULT_NOMEM;
        if (!result)
                result = resolve_requests(conn);
        if (!result && lock) {
                result = store_begin(conn);
                in_tx = !result;
        }
        if (!result)
                result = store_mail_due(conn, store_now(), lock, due, MAIL_SENDER_BATCH, &n);
        for (int i = 0; !result && i < n; i++)
                works[i].mail = due[i];
        if (due)
                wipe_memory(due, MAIL_SENDER_BATCH * sizeof(*due));
        free(due);
        if (!result && n && !o->session)
                result = mail_session_new(&o->config.s, &o->session);
        for (int i = 0; !result && i < n && !atomic_load(&o->stopping); i++) {
                const struct store_mail *m = &works[i].mail;
                /* A newer link, a suspension or a password set meanwhile:
                 * the message would carry a dead link. */
                if (m->link_id && (m->link_dead || m->link_expires_at <= store_now())) {
                        works[i].dropped = true;
                        continue;
                }
                /* Out of memory: stop here; what was sent is still recorded. */
                if (deliver(app, o->session, &works[i]) != RESULT_OK)
                        break;
                /* No server at all: the rest of the batch backs off with it. */
                if (works[i].outcome.verdict == MAIL_RETRY && works[i].outcome.code == 0) {
                        for (int k = i + 1; k < n; k++) {
                                works[k].tried = true;
                                works[k].outcome = works[i].outcome;
                        }
                        break;
                }
        }
        atomic_fetch_add(&o->connections, mail_session_connections(o->session) - o->session_seen);
        o->session_seen = mail_session_connections(o->session);
        if (n)
                clock_gettime(CLOCK_MONOTONIC, &o->last_send);

        if (!result && !in_tx && n) {
                result = store_begin(conn);
                in_tx = !result;
        }
        for (int i = 0; !result && i < n; i++)
                if (works[i].dropped)
                        result = store_mail_drop(conn, works[i].mail.id, "the link died before it was sent");
                else if (works[i].tried)
                        result = record(app, conn, &works[i]);
        if (in_tx && !result)
                result = store_commit(conn);
        if (in_tx && result)
                store_rollback(conn);
        if (result)
                LOG_ERR("mail outbox pass: %s %s", result_name(result), store_last_error());
        if (works)
                wipe_memory(works, MAIL_SENDER_BATCH * sizeof(*works));
        free(works);
        *ret_handled = n;
        return result;
}

static void close_session(struct mail_sender *o)
{
        mail_session_free(o->session);
        o->session = NULL;
        o->session_seen = 0;
}

static int64_t ms_since(const struct timespec *then)
{
        struct timespec now;

        clock_gettime(CLOCK_MONOTONIC, &now);
        return (int64_t)(now.tv_sec - then->tv_sec) * 1000 + (now.tv_nsec - then->tv_nsec) / 1000000;
}

/* One round of the worker (domain/core/worker.h). */
static enum result round_fn(void *userdata, bool *ret_more)
{
        struct mail_sender *o = userdata;
        int handled = 0;
        enum result result;

        take_next_config(o);
        result = pass(o, &handled);

        *ret_more = !result && handled == MAIL_SENDER_BATCH;
        /* Idle: say QUIT rather than let the server time out. */
        if (!handled && o->session && ms_since(&o->last_send) >= IDLE_CLOSE_MS)
                close_session(o);
        return result;
}

enum result mail_sender_start(struct app *app, struct mail_sender **ret)
{
        struct mail_sender *o = calloc(1, sizeof(*o));
        /* lock_key 0: every node sends; rows are claimed FOR UPDATE SKIP
         * LOCKED on PostgreSQL, so no message goes out twice. */
        const struct worker_def def = { .name = "mail sender", .round = round_fn, .userdata = o,
                                        .lock_key = 0, .poll_ms = POLL_MS,
                                        .backoff_max_ms = BACKOFF_MAX_MS };
        enum result result;

        if (!o)
                return RESULT_NOMEM;
        o->app = app;
        pthread_mutex_init(&o->lock, NULL);
        if (mail_config_copy(&o->config, &app->settings.mail) != RESULT_OK) {
                free(o);
                return RESULT_NOMEM;
        }
        atomic_init(&o->stopping, false);
        atomic_init(&o->connections, 0);
        result = worker_start(app->store, &def, &o->worker);
        if (result) {
                mail_config_free(&o->config);
                free(o);
                return result;
        }
        app->mail_worker = o->worker;
        *ret = o;
        return RESULT_OK;
}

enum result mail_sender_reconfigure(struct mail_sender *o, const struct mail_settings *settings)
{
        struct mail_config *next = malloc(sizeof(*next)), *old;

        if (!next || mail_config_copy(next, settings) != RESULT_OK) {
                free(next);
                return RESULT_NOMEM;
        }
        pthread_mutex_lock(&o->lock);
        old = o->next;
        o->next = next;
        pthread_mutex_unlock(&o->lock);
        mail_config_free(old);
        free(old);
        worker_wake(o->worker);
        return RESULT_OK;
}

void mail_sender_kick(struct mail_sender *o)
{
        if (o)
                worker_wake(o->worker);
}

long mail_sender_connections(const struct mail_sender *o)
{
        return o ? atomic_load(&o->connections) : 0;
}

void mail_sender_stop(struct mail_sender *o)
{
        if (!o)
                return;
        atomic_store(&o->stopping, true);
        o->app->mail_worker = NULL;
        worker_stop(o->worker);          /* joined: the session is ours now */
        close_session(o);
        mail_config_free(&o->config);
        mail_config_free(o->next);
        free(o->next);
        pthread_mutex_destroy(&o->lock);
        free(o);
}
