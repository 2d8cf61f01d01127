/*
 * The mail sender: drains the mail_outbox table (store/mail.c) on a thread
 * of its own, one per agentdesk process.
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
 * A pass takes up to MAIL_OUTBOX_BATCH due messages and sends them over
 * one SMTP connection (mail_session), kept open for the next pass while
 * work keeps coming and closed after a second idle. On PostgreSQL the rows are taken in
 * a transaction, FOR UPDATE SKIP LOCKED, and held until their outcomes are
 * recorded in that same transaction: another node skips them, and a node
 * that dies lets them go at once (its connection closes). On SQLite one
 * process owns the file and one thread sends, so rows are read, sent, then
 * recorded. Either way a crash between SMTP's acceptance and the record
 * sends that message again; nothing is lost.
 *
 * Writers kick the thread; it also looks every second, which is how it
 * sees messages queued by other nodes. Stop is honoured between messages.
 */
#ifndef AGENTDESK_DOMAIN_MAIL_OUTBOX_H
#define AGENTDESK_DOMAIN_MAIL_OUTBOX_H

#include "domain/domain.h"

#define MAIL_OUTBOX_BATCH 100

/* Starts the thread (only when d->settings.mail_on). */
enum result mail_outbox_start(struct domain *d, struct mail_outbox **ret);

/* Wakes the thread: messages were just queued. Accepts NULL. */
void mail_outbox_kick(struct mail_outbox *o);

/* Stops and joins the thread (a message in flight ends within the SMTP
 * timeout), then frees. Accepts NULL. */
void mail_outbox_stop(struct mail_outbox *o);

/* SMTP connections the thread opened so far (for the logs and the bench). */
long mail_outbox_connections(const struct mail_outbox *o);

#endif
