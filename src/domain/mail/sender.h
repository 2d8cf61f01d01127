/*
 * The mail sender: drains the mail_outbox table (store/mail.c) on a
 * background worker of its own (domain/core/worker.h), one per agentdesk
 * process, working on every node (no lock_key).
 *
 * States of a message (a row):
 *
 *   queued --SMTP accepted--------------------------> sent
 *   queued --no connection, 4xx, timeout------------> queued, due after a backoff
 *   queued --5xx, bad certificate, retry limit------> failed (reply kept)
 *   queued (forgot-password request without a user)
 *          --no such active user--------------------> dropped (nothing sent)
 *          --user found: reset link issued----------> queued (with its user and link)
 *
 * The backoff is AGENTDESK_MAIL_RETRY_BASE seconds doubled per attempt
 * (at most 10 minutes); AGENTDESK_MAIL_RETRY_LIMIT attempts end in failed.
 * When the server cannot be reached at all, every message of the batch
 * backs off together instead of each trying again.
 *
 * A round takes up to MAIL_OUTBOX_BATCH due messages and sends them over
 * one SMTP connection (mail_session), kept open for the next round while
 * work keeps coming and closed by a round that finds nothing due after a
 * pause (the worker polls every second). On PostgreSQL the rows are taken in
 * a transaction, FOR UPDATE SKIP LOCKED, and held until their outcomes are
 * recorded in that same transaction: another node skips them, and a node
 * that dies lets them go at once (its connection closes). On SQLite one
 * process owns the file and one thread sends, so rows are read, sent, then
 * recorded. Either way a crash between SMTP's acceptance and the record
 * sends that message again; nothing is lost.
 *
 * Writers kick the worker after their commit; it also looks every second,
 * which is how it sees messages queued by other nodes. A round that fails
 * (the store) backs off as workers do; a message that fails does not fail
 * the round, it is retried on its own schedule (above). Stop is honoured
 * between messages.
 */
#ifndef AGENTDESK_DOMAIN_MAIL_SENDER_H
#define AGENTDESK_DOMAIN_MAIL_SENDER_H

#include "domain/core/app.h"

#define MAIL_SENDER_BATCH 100

/* Starts the worker (only when app->settings.mail_on) and makes it
 * app->mail_worker, which mail_outbox_finish wakes; app outlives it. */
enum result mail_sender_start(struct app *app, struct mail_sender **ret);

/* Stops the worker (a message in flight ends within the SMTP timeout),
 * says QUIT, then frees. Accepts NULL. */
void mail_sender_stop(struct mail_sender *o);

/* New SMTP settings (copied; settings->url non-empty) for the messages
 * from the worker's next round on: the session open now is closed first
 * (SIGHUP; mail turned on or off needs a restart instead). */
enum result mail_sender_reconfigure(struct mail_sender *o, const struct mail_settings *settings);

/* SMTP connections the worker opened so far (for the logs and the bench). */
long mail_sender_connections(const struct mail_sender *o);

#endif
