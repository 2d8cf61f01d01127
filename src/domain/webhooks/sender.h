/*
 * The webhook sender: drains the delivery outbox (webhook_deliveries,
 * store/webhooks.c) on a background worker of its own
 * (domain/core/worker.h), one per agentdesk process, working on every node.
 *
 * Where the rows come from: each live event of the catalogue, as it is
 * written at its transaction's commit (store_events_flush), gets one row
 * per enabled endpoint of its tenant that takes its type, in that same
 * transaction. So a committed event has its deliveries and a rolled-back
 * one has none, whatever crashes after; the live events' purge cannot
 * take an event from under a delivery (the row keeps the event's type,
 * data and time); and no cursor over the log can skip one.
 *
 * States of a delivery (a row):
 *
 *   pending --2xx-------------------------------------> delivered
 *   pending --other status, no answer, timeout--------> pending, due after a backoff
 *           (the retry limit reached: ---------------> failed)
 *   pending --the address is not public (SSRF)--------> failed at once
 *   pending --its endpoint disabled-------------------> cancelled
 *
 * Each attempt records its status code (0: no answer), its latency and
 * its error: the delivery log. A redirect is not followed: it is a non-2xx
 * answer like any other.
 *
 * What is sent: POST of {"id","type","created_at","data"} (id the live
 * event's; a test event's is its delivery's id negated, never one of the
 * catalogue's; created_at the event's time), Content-Type
 * application/json, and
 *
 *   agentdesk-signature: t=<unix time of the attempt>,v1=<hex HMAC-SHA256>
 *
 * of "<t>.<body>" under the endpoint's secret (Stripe's scheme; docs/
 * webhooks.md says how a receiver checks it). The same event is sent
 * with the same id on every attempt: receivers drop duplicates by id
 * (delivery is at least once: a crash between the answer and its record
 * sends it again).
 *
 * The backoff is AGENTDESK_WEBHOOK_RETRY_BASE_MS doubled per attempt (at
 * most an hour); AGENTDESK_WEBHOOK_RETRY_LIMIT attempts end in failed.
 * Outbound requests go through net/http_client.h: TLS verified, no
 * redirect, and the address connected to checked on every attempt (DNS
 * rebinding cannot defeat it) unless AGENTDESK_WEBHOOK_ALLOW_PRIVATE.
 *
 * A round takes up to WEBHOOK_SENDER_BATCH due rows, sends them one after
 * the other, then records their outcomes in one transaction. On
 * PostgreSQL, where several nodes send, the rows are taken FOR UPDATE SKIP
 * LOCKED in a short transaction that also leases them (next attempt moved
 * to when every one of them could have timed out): another node skips
 * them, no row lock is held while a receiver takes its time (an admin's
 * disable or delete never waits for one), and a node that dies lets them
 * go when the lease ends. On SQLite one process owns the file and one
 * thread sends: rows are read, sent, then recorded. The worker looks every
 * WEBHOOK_SENDER_POLL_MS (events are written by every part of agentdesk,
 * on every node) and is woken by a test event.
 */
#ifndef AGENTDESK_DOMAIN_WEBHOOKS_SENDER_H
#define AGENTDESK_DOMAIN_WEBHOOKS_SENDER_H

#include <stdint.h>

#include "domain/core/app.h"

#define WEBHOOK_SENDER_BATCH 50
#define WEBHOOK_SENDER_POLL_MS 250

/* Starts the worker and makes it app->webhook_sender; app outlives it. */
enum result webhook_sender_start(struct app *app);

/* Stops the worker (a request in flight ends within its timeout), then
 * frees. Accepts an app without one. */
void webhook_sender_stop(struct app *app);

/* Wakes the worker: a delivery was just queued. Nothing without one. */
void webhook_sender_wake(struct app *app);

/* The backoff before attempt attempts_made + 1, milliseconds. */
int64_t webhook_retry_delay_ms(const struct app *app, int64_t attempts_made);

#endif
