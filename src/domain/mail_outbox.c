/* The mail sender; see mail_outbox.h. */
#define LOG_MODULE "mail"
#include "domain/mail_outbox.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/credentials.h"
#include "domain/onboarding.h"
#include "util/log.h"
#include "util/text.h"

#define MAX_DELAY_S 600

struct mail_outbox {
        struct domain *d;
        pthread_t thread;
        pthread_mutex_t lock;
        pthread_cond_t wake;
        bool stop, kicked;
        long connections;                /* under lock */
        /* The thread's: kept from pass to pass while work keeps coming,
         * closed after a second idle (before any server drops it). */
        struct mail_session *session;
        long session_seen;               /* its connections already counted */
};

/* One message of a pass and what became of it. */
struct work {
        struct store_mail mail;
        bool tried;
        bool dropped;                    /* not sent: its link died first */
        struct mail_outcome outcome;
};

static bool stopping(struct mail_outbox *o)
{
        bool stop;

        pthread_mutex_lock(&o->lock);
        stop = o->stop;
        pthread_mutex_unlock(&o->lock);
        return stop;
}

static int64_t retry_at(const struct domain *d, int64_t attempts_made)
{
        int64_t delay = d->settings.mail_retry_base;

        for (int64_t i = 1; i < attempts_made && delay < MAX_DELAY_S; i++)
                delay *= 2;
        return store_now() + (delay < MAX_DELAY_S ? delay : MAX_DELAY_S);
}

/* Ties each forgot-password request to its user and a new reset link, or
 * drops it when nobody active has that email. */
static enum result resolve_requests(struct store_conn *conn)
{
        int64_t ids[MAIL_OUTBOX_BATCH];
        int n = 0;
        enum result result = store_mail_unresolved(conn, ids, MAIL_OUTBOX_BATCH, &n);

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
                live = !result && !strcmp(u.status, "active");
                if (live && u.tenant_id)
                        live = store_tenant_get(conn, u.tenant_id, &t) == RESULT_OK &&
                               !strcmp(t.status, "active");
                if (result && result != RESULT_NOT_FOUND)
                        break;
                if (!live) {
                        result = store_mail_drop(conn, ids[i], "no active account");
                        continue;
                }
                result = store_begin(conn);
                if (!result)
                        result = onboarding_link_new(conn, u.id, "reset", ONBOARDING_RESET_TTL,
                                                     &link_id, sealed, &expires);
                if (!result)
                        result = store_mail_resolve(conn, ids[i], u.tenant_id, u.id, link_id, sealed);
                if (!result)
                        result = store_commit(conn);
                credentials_wipe(sealed, sizeof(sealed));
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
static enum result deliver(struct domain *d, struct mail_session *session, struct work *w)
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
                snprintf(link, sizeof(link), "%s/%s#token=%s", d->settings.public_url,
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
        credentials_wipe(token, sizeof(token));
        credentials_wipe(link, sizeof(link));
        return result;
}

static enum result record(struct domain *d, struct store_conn *conn, const struct work *w)
{
        const struct mail_outcome *o = &w->outcome;
        bool give_up;

        if (o->verdict == MAIL_ACCEPTED) {
                LOG_DEBUG("message %" PRId64 " (%s) accepted: %s", w->mail.id, w->mail.template,
                          o->reply);
                return store_mail_sent(conn, w->mail.id, o->reply, store_now());
        }
        give_up = o->verdict == MAIL_REJECTED || w->mail.attempts + 1 >= d->settings.mail_retry_limit;
        if (give_up)
                LOG_ERR("message %" PRId64 " (%s) failed after %" PRId64 " attempt(s): %s",
                        w->mail.id, w->mail.template, w->mail.attempts + 1, o->reply);
        else
                LOG_WARN("message %" PRId64 " (%s) not delivered, will retry: %s", w->mail.id,
                         w->mail.template, o->reply);
        return store_mail_retry(conn, w->mail.id, o->reply, retry_at(d, w->mail.attempts + 1),
                                give_up);
}

/* One pass: resolve requests, take the due messages, send, record. */
static enum result pass(struct mail_outbox *o, int *ret_handled)
{
        struct domain *d = o->d;
        struct store_mail *due;
        struct work *works;
        struct store_conn *conn;
        /* PostgreSQL: rows locked for the pass (see mail_outbox.h). */
        bool lock = strcmp(store_backend(d->store), "sqlite") != 0, in_tx = false;
        int n = 0;
        enum result result;

        *ret_handled = 0;
        works = calloc(MAIL_OUTBOX_BATCH, sizeof(*works));
        due = calloc(MAIL_OUTBOX_BATCH, sizeof(*due));
        result = works && due ? store_conn_get(d->store, &conn) : RESULT_NOMEM;
        if (!result)
                result = resolve_requests(conn);
        if (!result && lock) {
                result = store_begin(conn);
                in_tx = !result;
        }
        if (!result)
                result = store_mail_due(conn, store_now(), lock, due, MAIL_OUTBOX_BATCH, &n);
        for (int i = 0; !result && i < n; i++)
                works[i].mail = due[i];
        if (due)
                credentials_wipe(due, MAIL_OUTBOX_BATCH * sizeof(*due));
        free(due);
        if (!result && n && !o->session)
                result = mail_session_new(&d->settings.mail, &o->session);
        for (int i = 0; !result && i < n && !stopping(o); i++) {
                const struct store_mail *m = &works[i].mail;
                /* A newer link, a suspension or a password set meanwhile:
                 * the message would carry a dead link. */
                if (m->link_id && (m->link_dead || m->link_expires_at <= store_now())) {
                        works[i].dropped = true;
                        continue;
                }
                /* Out of memory: stop here; what was sent is still recorded. */
                if (deliver(d, o->session, &works[i]) != RESULT_OK)
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
        pthread_mutex_lock(&o->lock);
        o->connections += mail_session_connections(o->session) - o->session_seen;
        pthread_mutex_unlock(&o->lock);
        o->session_seen = mail_session_connections(o->session);

        if (!result && !in_tx && n) {
                result = store_begin(conn);
                in_tx = !result;
        }
        for (int i = 0; !result && i < n; i++)
                if (works[i].dropped)
                        result = store_mail_drop(conn, works[i].mail.id,
                                                 "the link died before it was sent");
                else if (works[i].tried)
                        result = record(d, conn, &works[i]);
        if (in_tx && !result)
                result = store_commit(conn);
        if (in_tx && result)
                store_rollback(conn);
        if (result)
                LOG_ERR("mail outbox pass: %s %s", result_name(result), store_last_error());
        if (works)
                credentials_wipe(works, MAIL_OUTBOX_BATCH * sizeof(*works));
        free(works);
        *ret_handled = n;
        return result;
}

static void close_session(struct mail_outbox *o)
{
        mail_session_free(o->session);
        o->session = NULL;
        o->session_seen = 0;
}

static void *run(void *arg)
{
        struct mail_outbox *o = arg;

        pthread_mutex_lock(&o->lock);
        while (!o->stop) {
                int handled = 0;
                o->kicked = false;
                pthread_mutex_unlock(&o->lock);
                if (pass(o, &handled) != RESULT_OK)
                        handled = 0;
                pthread_mutex_lock(&o->lock);
                if (handled == MAIL_OUTBOX_BATCH || o->kicked || o->stop)
                        continue;   /* more may be due at once */
                struct timespec until;
                clock_gettime(CLOCK_REALTIME, &until);
                until.tv_sec += 1;
                if (pthread_cond_timedwait(&o->wake, &o->lock, &until) == ETIMEDOUT &&
                    !o->kicked && o->session) {
                        /* Idle: say QUIT rather than let the server time out. */
                        pthread_mutex_unlock(&o->lock);
                        close_session(o);
                        pthread_mutex_lock(&o->lock);
                }
        }
        pthread_mutex_unlock(&o->lock);
        close_session(o);
        store_conn_release(o->d->store);
        return NULL;
}

enum result mail_outbox_start(struct domain *d, struct mail_outbox **ret)
{
        struct mail_outbox *o = calloc(1, sizeof(*o));

        if (!o)
                return RESULT_NOMEM;
        o->d = d;
        pthread_mutex_init(&o->lock, NULL);
        pthread_cond_init(&o->wake, NULL);
        if (pthread_create(&o->thread, NULL, run, o) != 0) {
                pthread_cond_destroy(&o->wake);
                pthread_mutex_destroy(&o->lock);
                free(o);
                return RESULT_NOMEM;
        }
        *ret = o;
        return RESULT_OK;
}

/* Sets the flag (kicked or stop) and wakes the thread. */
static void wake(struct mail_outbox *o, bool *flag)
{
        pthread_mutex_lock(&o->lock);
        *flag = true;
        pthread_cond_signal(&o->wake);
        pthread_mutex_unlock(&o->lock);
}

void mail_outbox_kick(struct mail_outbox *o)
{
        if (o)
                wake(o, &o->kicked);
}

long mail_outbox_connections(const struct mail_outbox *o)
{
        long n;

        if (!o)
                return 0;
        pthread_mutex_lock((pthread_mutex_t *)&o->lock);
        n = o->connections;
        pthread_mutex_unlock((pthread_mutex_t *)&o->lock);
        return n;
}

void mail_outbox_stop(struct mail_outbox *o)
{
        if (!o)
                return;
        wake(o, &o->stop);
        pthread_join(o->thread, NULL);
        pthread_cond_destroy(&o->wake);
        pthread_mutex_destroy(&o->lock);
        free(o);
}
