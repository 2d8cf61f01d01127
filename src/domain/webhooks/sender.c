/* The webhook sender; see sender.h. */
#define LOG_MODULE "webhooks"
#include "domain/webhooks/sender.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/core/credentials.h"
#include "domain/core/worker.h"
#include "net/http_client.h"
#include "util/log.h"
#include "util/text.h"
#include "util/wipe.h"

#define MAX_DELAY_MS 3600000
#define BACKOFF_MAX_MS 10000             /* after store failures */

static int64_t now_ms(clockid_t clock)
{
        struct timespec ts;

        clock_gettime(clock, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t webhook_retry_delay_ms(const struct app *app, int64_t attempts_made)
{
        int64_t delay = app->settings.webhook_retry_base_ms;

        for (int64_t i = 1; i < attempts_made && delay < MAX_DELAY_MS; i++)
                delay *= 2;
        return delay < MAX_DELAY_MS ? delay : MAX_DELAY_MS;
}

/* The body of delivery d into *ret (malloc'd): {"id","type","created_at","data"}.
 * data is stored as one JSON object, composed where the event was. */
static char *body_of(const struct store_webhook_delivery *d)
{
        char when[32];
        long long id = d->event_id ? (long long)d->event_id : -(long long)d->id;
        size_t size = strlen(d->data) + strlen(d->type) + 128;
        char *body = malloc(size);

        if (!body)
                return NULL;
        text_time_iso(d->event_at, when, sizeof(when));
        snprintf(body, size, "{\"id\":%lld,\"type\":\"%s\",\"created_at\":\"%s\",\"data\":%s}", id,
                 d->type, when, d->data);
        return body;
}

/* Sends delivery d once and sets its outcome (state, attempts, next
 * attempt, status, latency, error). RESULT_NOMEM alone fails. */
static enum result attempt(struct app *app, struct store_webhook_delivery *d)
{
        char secret[CREDENTIALS_WEBHOOK_SECRET_LEN + 64] = "";
        char signature[128], mac[65];
        const char *headers[] = { "Content-Type: application/json", "User-Agent: agentdesk-webhooks",
                                  signature, NULL };
        struct net_http_options opts = {
                .connect_timeout_ms = (unsigned)app->settings.webhook_timeout_ms,
                .timeout_ms = (unsigned)app->settings.webhook_timeout_ms,
                .max_response_bytes = 64 * 1024,
                .allow_private = app->settings.webhook_allow_private,
        };
        struct net_http_response response = { 0 };
        struct net_http_request req = { .method = "POST", .url = d->url, .headers = headers };
        char *body = body_of(d), *signed_text = NULL;
        bool final = false;
        int64_t t = (int64_t)time(NULL), started;
        enum result result = RESULT_OK, sent;
        size_t signed_len;

        if (!body)
                return RESULT_NOMEM;
        d->attempts++;
        d->last_status = 0;
        d->last_latency_ms = 0;
        d->last_error[0] = '\0';
        if (credentials_unseal(d->secret, secret, sizeof(secret)) != RESULT_OK) {
                text_copy(d->last_error, sizeof(d->last_error),
                          "cannot open the endpoint's secret: was the key file replaced?");
                final = true;
                goto outcome;
        }
        signed_len = strlen(body) + 32;
        signed_text = malloc(signed_len);
        if (!signed_text) {
                result = RESULT_NOMEM;
                goto out;
        }
        signed_len = (size_t)snprintf(signed_text, signed_len, "%" PRId64 ".%s", t, body);
        credentials_hmac_sha256_hex(secret, signed_text, signed_len, mac);
        snprintf(signature, sizeof(signature), "agentdesk-signature: t=%" PRId64 ",v1=%s", t, mac);
        req.body = body;
        req.body_len = strlen(body);
        started = now_ms(CLOCK_MONOTONIC);
        sent = net_http_send(&opts, &req, &response);
        d->last_latency_ms = now_ms(CLOCK_MONOTONIC) - started;
        switch (sent) {
        case RESULT_OK:
                d->last_status = response.status;
                if (response.status < 200 || response.status > 299)
                        snprintf(d->last_error, sizeof(d->last_error), "answered %ld%s",
                                 response.status,
                                 response.status >= 300 && response.status < 400
                                         ? " (a redirect: not followed)" : "");
                break;
        case RESULT_NOMEM:
                result = RESULT_NOMEM;
                goto out;
        case RESULT_FORBIDDEN:
                text_copy(d->last_error, sizeof(d->last_error),
                          "refused: the host's address is loopback, private or link-local "
                          "(AGENTDESK_WEBHOOK_ALLOW_PRIVATE is off)");
                final = true;
                break;
        case RESULT_TIMEOUT:
                text_copy(d->last_error, sizeof(d->last_error), "no answer in time");
                break;
        case RESULT_PROTOCOL:
                text_copy(d->last_error, sizeof(d->last_error),
                          "TLS or HTTP failed (the certificate does not verify?)");
                break;
        case RESULT_TOO_BIG:
                d->last_status = 0;
                text_copy(d->last_error, sizeof(d->last_error), "the answer was too big");
                break;
        default:
                text_copy(d->last_error, sizeof(d->last_error), "no connection");
                break;
        }
outcome:
        if (d->last_status >= 200 && d->last_status <= 299) {
                d->state = WEBHOOK_DELIVERY_DELIVERED;
        } else if (final || d->attempts >= app->settings.webhook_retry_limit) {
                d->state = WEBHOOK_DELIVERY_FAILED;
                LOG_WARN("delivery %" PRId64 " (endpoint %" PRId64 ", %s) failed after %" PRId64
                         " attempt(s): %s", d->id, d->endpoint_id, d->type, d->attempts,
                         d->last_error);
        } else {
                d->state = WEBHOOK_DELIVERY_PENDING;
                d->next_attempt_ms = now_ms(CLOCK_REALTIME) + webhook_retry_delay_ms(app, d->attempts);
                LOG_DEBUG("delivery %" PRId64 " (endpoint %" PRId64 ") will retry: %s", d->id,
                          d->endpoint_id, d->last_error);
        }
out:
        net_http_response_free(&response);
        if (signed_text)
                wipe_memory(signed_text, strlen(signed_text));
        free(signed_text);
        free(body);
        wipe_memory(secret, sizeof(secret));
        wipe_memory(mac, sizeof(mac));
        wipe_memory(signature, sizeof(signature));
        return result;
}

/* Records the n deliveries of due in one transaction of its own. */
static enum result record(struct store_conn *conn, const struct store_webhook_delivery *due,
                          size_t n)
{
        enum result result = store_begin(conn);

        for (size_t i = 0; !result && i < n; i++)
                result = store_webhook_delivery_record(conn, &due[i]);
        if (result) {
                store_rollback(conn);
                return result;
        }
        return store_commit(conn);
}

static enum result round_(void *userdata, bool *ret_more)
{
        struct app *app = userdata;
        struct store_webhook_delivery *due = NULL;
        struct store_conn *conn;
        bool lease = strcmp(store_backend(app->store), "sqlite") != 0;
        int64_t now = now_ms(CLOCK_REALTIME);
        size_t n = 0, tried = 0;
        enum result result = store_conn_get(app->store, &conn), recorded;

        *ret_more = false;
        if (!result && lease)
                result = store_begin(conn);
        if (!result)
                result = store_webhook_due(conn, now, lease, WEBHOOK_SENDER_BATCH, &due, &n);
        /* PostgreSQL (see sender.h): the rows taken are leased, in that
         * short transaction, until each could have timed out. */
        if (lease && !result) {
                int64_t until = now + (int64_t)(n + 1) * app->settings.webhook_timeout_ms;
                for (size_t i = 0; !result && i < n; i++) {
                        struct store_webhook_delivery leased = due[i];
                        leased.next_attempt_ms = until;
                        result = store_webhook_delivery_record(conn, &leased);
                }
                result = result ? result : store_commit(conn);
        }
        if (lease && result)
                store_rollback(conn);
        for (; !result && tried < n; tried++)
                result = attempt(app, &due[tried]);
        /* Even after a failure, what was sent is recorded. */
        recorded = tried ? record(conn, due, tried) : RESULT_OK;
        result = result ? result : recorded;
        if (result)
                LOG_ERR("webhook round: %s %s", result_name(result), store_last_error());
        for (size_t i = 0; i < n; i++)
                wipe_memory(due[i].secret, sizeof(due[i].secret));
        store_webhook_deliveries_free(due, n);
        *ret_more = !result && n == WEBHOOK_SENDER_BATCH;
        return result;
}

enum result webhook_sender_start(struct app *app)
{
        struct worker_def def = { .name = "webhooks", .round = round_, .userdata = app,
                                  .lock_key = 0, .poll_ms = WEBHOOK_SENDER_POLL_MS,
                                  .backoff_max_ms = BACKOFF_MAX_MS };

        return worker_start(app->store, &def, &app->webhook_worker);
}

void webhook_sender_stop(struct app *app)
{
        struct worker *w = app->webhook_worker;

        app->webhook_worker = NULL;
        worker_stop(w);
}

void webhook_sender_wake(struct app *app)
{
        worker_wake(app->webhook_worker);
}
