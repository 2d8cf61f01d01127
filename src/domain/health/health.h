/* Health of what agentdesk depends on, for /healthz and /metrics. */
#ifndef AGENTDESK_DOMAIN_HEALTH_H
#define AGENTDESK_DOMAIN_HEALTH_H

#include <stdbool.h>

#include "domain/core/app.h"
#include "domain/mail/outbox.h"
#include "store/store.h"

/* One round trip to the store on the calling thread's connection. */
enum result health_check_store(struct store *store);

/* What /readyz checks: the store answers, no migration is pending, the
 * key is loaded, every listener is up. FreeSWITCH is not among them: a
 * node that cannot reach it still serves the API (doctor and /metrics
 * say so). */
struct health_readiness {
        bool store, migrations, key, listeners;
};

/* Fills *ret (every check, even after one failed); returns whether all
 * passed. */
bool health_ready(struct app *app, struct health_readiness *ret);

/* Calls fn once per tenant with its pool figures. */
enum result health_pool_gauges(struct store *store,
                               void (*fn)(void *userdata, const struct store_tenant *t,
                                          const struct store_pool_stats *s),
                               void *userdata);

/* Calls fn once per tenant with calls in progress (call legs of its
 * agents still open), for agentdesk_calls_in_progress. */
enum result health_calls_gauges(struct store *store,
                                void (*fn)(void *userdata, const struct store_tenant *t,
                                           int64_t open),
                                void *userdata);

/* The outbox's messages by template and status (fn once each, unless
 * NULL; template borrowed for the call), how many are queued and the
 * created_at of the oldest queued (0 = none). */
enum result health_mail_gauges(struct store *store,
                               void (*fn)(void *userdata, const char *template,
                                          enum mail_outbox_status status, int64_t count),
                               void *userdata, int64_t *ret_queued, int64_t *ret_oldest);

/* The provisioning jobs by status (every status, 0 when none) and the
 * created_at of the oldest pending job (0 = none). */
struct health_jobs {
        int64_t by_status[JOBS_STATUS_FAILED + 1];
        int64_t oldest_pending;
};

enum result health_job_gauges(struct store *store, struct health_jobs *ret);

#endif
