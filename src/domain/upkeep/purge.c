/* The purge of rows past their use; see purge.h. */
#define LOG_MODULE "purge"
#include "domain/upkeep/purge.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "domain/core/worker.h"
#include "util/log.h"

#define BACKOFF_MAX_MS 60000

struct purge {
        struct app *app;
        struct worker *worker;
        atomic_uint_fast64_t mail_outbox, link_tokens, sessions, login_throttle, event_tickets;
        atomic_uint_fast64_t call_records, live_events, webhook_deliveries, import_passwords;
};

static enum result round_fn(void *userdata, bool *ret_more)
{
        struct purge *p = userdata;
        const struct settings *set = &p->app->settings;
        int64_t now = store_now(), window = set->login_window;
        struct store_purged n;
        struct store_conn *conn;
        int64_t calls = 0, events = 0, passwords = 0;
        int64_t passwords_after = set->purge_after < PURGE_IMPORT_PASSWORDS_AFTER
                                          ? set->purge_after : PURGE_IMPORT_PASSWORDS_AFTER;
        enum result result;

        if (set->login_account_window > window)
                window = set->login_account_window;
        result = store_conn_get(p->app->store, &conn);
        if (!result)
                result = store_purge(conn, now - set->purge_after, now - window, PURGE_BATCH, &n);
        if (!result)
                result = store_purge_calls(conn, now - set->call_retention_days * 86400,
                                           now - PURGE_LIVE_EVENTS_AFTER, PURGE_BATCH, &calls,
                                           &events);
        if (!result)
                result = store_import_purge_passwords(conn, now - passwords_after, PURGE_BATCH,
                                                      &passwords);
        if (!result)   /* single sign-on flows and codes past their few minutes */
                result = store_oidc_purge(conn, now);
        if (result) {
                LOG_WARN("purge failed: %s", result_name(result));
                return result;
        }
        atomic_fetch_add(&p->mail_outbox, (uint64_t)n.mail_outbox);
        atomic_fetch_add(&p->link_tokens, (uint64_t)n.link_tokens);
        atomic_fetch_add(&p->sessions, (uint64_t)n.sessions);
        atomic_fetch_add(&p->login_throttle, (uint64_t)n.login_throttle);
        atomic_fetch_add(&p->event_tickets, (uint64_t)n.event_tickets);
        atomic_fetch_add(&p->call_records, (uint64_t)calls);
        atomic_fetch_add(&p->live_events, (uint64_t)events);
        atomic_fetch_add(&p->webhook_deliveries, (uint64_t)n.webhook_deliveries);
        atomic_fetch_add(&p->import_passwords, (uint64_t)passwords);
        *ret_more = n.mail_outbox == PURGE_BATCH || n.link_tokens == PURGE_BATCH ||
                    n.sessions == PURGE_BATCH || n.login_throttle == PURGE_BATCH ||
                    n.event_tickets == PURGE_BATCH || calls == PURGE_BATCH ||
                    events == PURGE_BATCH || n.webhook_deliveries == PURGE_BATCH ||
                    passwords == PURGE_BATCH;
        return RESULT_OK;
}

enum result purge_start(struct app *app, struct purge **ret)
{
        struct purge *p = calloc(1, sizeof(*p));
        enum result result;

        if (!p)
                return RESULT_NOMEM;
        p->app = app;
        const struct worker_def def = {
                .name = "purge", .round = round_fn, .userdata = p, .lock_key = 0,
                .poll_ms = (int)(app->settings.purge_interval * 1000),
                .backoff_max_ms = BACKOFF_MAX_MS,
        };
        result = worker_start(app->store, &def, &p->worker);
        if (result) {
                free(p);
                return result;
        }
        *ret = p;
        return RESULT_OK;
}

void purge_stop(struct purge *p)
{
        if (!p)
                return;
        worker_stop(p->worker);
        free(p);
}

void purge_counts(const struct purge *p, struct purge_counts *ret)
{
        *ret = (struct purge_counts){ 0 };
        if (!p)
                return;
        ret->mail_outbox = atomic_load(&p->mail_outbox);
        ret->link_tokens = atomic_load(&p->link_tokens);
        ret->sessions = atomic_load(&p->sessions);
        ret->login_throttle = atomic_load(&p->login_throttle);
        ret->event_tickets = atomic_load(&p->event_tickets);
        ret->call_records = atomic_load(&p->call_records);
        ret->live_events = atomic_load(&p->live_events);
        ret->webhook_deliveries = atomic_load(&p->webhook_deliveries);
        ret->import_passwords = atomic_load(&p->import_passwords);
        ret->rounds = worker_rounds(p->worker);
}
