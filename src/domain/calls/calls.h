/*
 * Call records: one per AGENT leg (a leg whose user is an extension that
 * an agent holds), built from the channel events the FreeSWITCH listener
 * hands on (a struct live_sink, domain/live/sink.h), and the daily usage
 * kept as each record ends.
 *
 * A leg's record goes through three states, each step written once
 * (store_call_* guard on the state they move from, so an event that
 * repeats or a second listener changes nothing) and published in the
 * same transaction as `call.started`, `call.answered`, `call.ended`
 * (events_append; data: the CallRecord of openapi.yaml; user_id: the
 * agent, so the agent's own stream carries it):
 *
 *   (none) --any CHANNEL_* of the leg--> open --CHANNEL_ANSWER--> answered
 *   open|answered --CHANNEL_HANGUP_COMPLETE--> ended (cause, codec, MOS)
 *   open|answered --not in the node's channels after a gap--> ended
 *                                                    (end_cause "unknown")
 *
 * A leg first seen by its answer or hangup (the listener connected
 * mid-call) is recorded from that event: every event carries the whole
 * channel. Direction is the agent's side: the leg FreeSWITCH received is
 * a call the agent placed, the leg it sent one the agent received; it is
 * "internal" when the other party's number is an extension of the same
 * tenant, else outbound (placed) or inbound (received).
 *
 * Usage: as a leg ends, its figures are added to its (tenant, UTC day of
 * its start, extension, agent) row of call_usage in the same transaction:
 * a placed or received call, answered or not, missed (received, never
 * answered), its talk seconds. A table rather than sums over the records,
 * so analytics outlive the records' retention and a year's report reads
 * at most 366 rows per extension.
 */
#ifndef AGENTDESK_DOMAIN_CALLS_H
#define AGENTDESK_DOMAIN_CALLS_H

#include <jansson.h>
#include <stddef.h>

#include "domain/core/app.h"
#include "domain/live/sink.h"

/* The sink that `serve` hands the listener: channel_event and
 * channels_resync write records and usage in the listener's transaction.
 * app is borrowed and outlives the listener. */
struct live_sink calls_sink(struct app *app);

/* The agent's name as a record or usage row shows it: "First Last", or
 * "deleted agent" once the agent was deleted. */
void calls_agent_name(const char *first_name, const char *last_name, bool deleted, char *out,
                      size_t size);

/* A record as openapi.yaml's CallRecord (a new reference): the events'
 * data and the list's items alike. */
json_t *calls_record_json(const struct store_call *c);

/*
 * A record as the agent's own history shows it (openapi.yaml's
 * HistoryCall, a new reference): direction "in" or "out", the party (the
 * other number; its name: the agent's who holds it, "deleted agent" once
 * deleted, else the caller's name FreeSWITCH gave, else null), start,
 * talk seconds, codec, MOS, and the result: "in_progress" while open,
 * "transferred" (ended by a REFER: BLIND_TRANSFER, ATTENDED_TRANSFER),
 * "answered", "missed" (received, never answered), "busy" (placed,
 * USER_BUSY), "cancelled" (placed, the agent hung up first,
 * ORIGINATOR_CANCEL) or "unanswered" (placed, any other cause).
 */
json_t *calls_history_json(const struct store_call *c);

/* The agent user_id as tenant_id may see its history: a user of the
 * tenant, deleted or not (its records are kept); RESULT_NOT_FOUND. */
enum result calls_agent_check(struct app *app, int64_t tenant_id, int64_t user_id);

/* user_id's missed calls it has not seen. */
enum result calls_unseen(struct app *app, int64_t user_id, int64_t *ret_n);

/* Marks user_id's missed calls seen (*ret_n of them), and when any were,
 * publishes its count (calls.missed) in the same transaction. */
enum result calls_mark_seen(struct app *app, int64_t tenant_id, int64_t user_id,
                            int64_t *ret_n);

/* A page of a tenant's records, newest first (*ret_items malloc'd). */
enum result calls_list(struct app *app, const struct store_call_filter *filter,
                       struct store_page *page, struct store_call **ret_items, size_t *ret_n);

/* The longest usage period, in days (from and to included). */
#define CALLS_USAGE_MAX_DAYS 366

/*
 * The usage period of a request: from and to ("YYYY-MM-DD", either NULL
 * for its default: the last 7 days ending today, UTC) into days since
 * the epoch. RESULT_INVALID naming *ret_field ("from" or "to") when one
 * is no date, to is before from, or the period is over
 * CALLS_USAGE_MAX_DAYS.
 */
enum result calls_usage_period(const char *from, const char *to, int64_t *ret_from_day,
                               int64_t *ret_to_day, const char **ret_field);

/* The tenant's usage over [from_day, to_day] by group (*ret_items
 * malloc'd, ordered by the group's key). */
enum result calls_usage(struct app *app, int64_t tenant_id, int64_t from_day, int64_t to_day,
                        enum store_usage_group group, struct store_usage **ret_items,
                        size_t *ret_n);

#endif
