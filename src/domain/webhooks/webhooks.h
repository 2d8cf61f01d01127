/*
 * A tenant's webhook endpoints: where the events of the live catalogue
 * (domain/events/events.h; docs/api/openapi.yaml `LiveEvent`) are also
 * sent, signed, for the types each endpoint takes. Admins write.
 *
 * The secret an endpoint signs with is made here, shown once (the
 * create's answer) and stored sealed (credentials_seal), as SIP secrets
 * are: the sender must open it to sign. It never appears in a read, a log
 * or the audit log; neither does the URL (it may carry a token).
 *
 * What is sent, and how, is domain/webhooks/sender.h's.
 */
#ifndef AGENTDESK_DOMAIN_WEBHOOKS_H
#define AGENTDESK_DOMAIN_WEBHOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/core/app.h"
#include "domain/core/credentials.h"

/* The longest URL an endpoint may have, in bytes. */
#define WEBHOOK_URL_MAX 500
/* How many event types an endpoint may take (each at most once): the
 * catalogue up to invitation.failed (extension.credentials, after it, is
 * the agent's own stream's alone). */
#define WEBHOOK_EVENT_TYPES (EVENT_INVITATION_FAILED + 1)

/* A create or an edit. NULL or not given: unchanged (create: url and
 * events required). enabled: -1 not given, else 0 or 1. */
struct webhook_input {
        const char *url;
        const char *description;
        const char *const *events;       /* event type names */
        size_t n_events;
        bool events_given;
        int enabled;
};
#define WEBHOOK_INPUT_NONE ((struct webhook_input){ .enabled = -1 })

/*
 * Creates an endpoint of tenant_id from in; *ret the endpoint,
 * ret_secret its signing secret (shown once: the caller wipes it).
 * RESULT_INVALID with *ret_field ("url": not an http(s) URL with a host
 * and no credentials; "events": empty, or a name not of the catalogue,
 * or twice; "description": over 100 characters).
 */
enum result webhook_create(struct app *app, const struct actor *actor, int64_t tenant_id,
                           const struct webhook_input *in, struct store_webhook *ret,
                           char ret_secret[CREDENTIALS_WEBHOOK_SECRET_LEN + 1],
                           const char **ret_field);

/* Edits endpoint id of tenant_id (webhook_create's rules); disabling it
 * cancels its pending deliveries. RESULT_NOT_FOUND when tenant_id has no
 * such endpoint. */
enum result webhook_update(struct app *app, const struct actor *actor, int64_t tenant_id,
                           int64_t id, const struct webhook_input *in, struct store_webhook *ret,
                           const char **ret_field);

enum result webhook_get(struct app *app, int64_t tenant_id, int64_t id, struct store_webhook *ret);
enum result webhook_list(struct app *app, int64_t tenant_id, struct store_page *page,
                         struct store_webhook **ret_items, size_t *ret_n);

/* Deletes endpoint id of tenant_id and its deliveries. */
enum result webhook_delete(struct app *app, const struct actor *actor, int64_t tenant_id,
                           int64_t id);

/* Queues a test event (type "webhook.test") for endpoint id, due now:
 * *ret_delivery_id. RESULT_CONFLICT when the endpoint is disabled. */
enum result webhook_send_test(struct app *app, const struct actor *actor, int64_t tenant_id,
                              int64_t id, int64_t *ret_delivery_id);

/* A page of endpoint id's deliveries, newest first (free with
 * store_webhook_deliveries_free). RESULT_NOT_FOUND when tenant_id has no
 * such endpoint. */
enum result webhook_deliveries(struct app *app, int64_t tenant_id, int64_t id,
                               struct store_page *page, struct store_webhook_delivery **ret_items,
                               size_t *ret_n);

/* The event types endpoint w takes, in the catalogue's order, into ret
 * (WEBHOOK_EVENT_TYPES at most); returns how many. */
size_t webhook_event_types(const struct store_webhook *w, enum event_type ret[WEBHOOK_EVENT_TYPES]);

#endif
