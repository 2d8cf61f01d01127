/*
 * Queues as an admin manages them (docs/ARCHITECTURE.md, Queues): a
 * tenant's mod_callcenter queues q<id> and their members (its tiers).
 *
 * Every write is one transaction that also writes its audit entry, its
 * queue.changed event ({queue_id[, deleted]}) and the provisioning jobs
 * that make FreeSWITCH follow (a queue job for the queue; an agent job for
 * each agent whose membership changed), ended by jobs_finish(). A queue
 * of another tenant is RESULT_NOT_FOUND, as an absent one. Failures name
 * the field they concern in *ret_field (static text) and write nothing.
 */
#ifndef AGENTDESK_DOMAIN_QUEUES_H
#define AGENTDESK_DOMAIN_QUEUES_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/core/app.h"

/* A queue's name, a break reason: a Name (openapi.yaml) of at most so many
 * characters. */
#define QUEUES_NAME_MAX_CHARS 100
#define QUEUES_REASON_MAX_CHARS 40

/* A number the tenant dialplan answers whatever the tenant: the echo test
 * (freeswitch/xml.c's context). */
#define QUEUES_RESERVED_NUMBERS { "9196" }

/* The fields of a queue a request gives; what is not given keeps its
 * value (its default on create). Strings NULL = not given; for the sounds
 * and timeout_extension "" = none (null in the request). Integers < 0 and
 * booleans < 0 = not given (the API has checked the ranges of those given:
 * docs/api/openapi.yaml's QueueInput). */
struct queue_input {
        const char *name, *number, *strategy, *timeout_action;
        const char *moh_sound, *announce_sound, *timeout_extension;
        bool timeout_queue_id_given;
        int64_t timeout_queue_id;        /* 0 = none (null) */
        int64_t max_wait_s, no_agent_max_wait_s, tier_rule_wait_s, announce_frequency_s;
        int tier_rules_apply, tier_rule_wait_multiply_level, tier_rule_no_agent_no_wait;
};

/* The unset input: every field "not given". */
#define QUEUE_INPUT_NONE                                                                         \
        { .max_wait_s = -1, .no_agent_max_wait_s = -1, .tier_rule_wait_s = -1,                   \
          .announce_frequency_s = -1, .tier_rules_apply = -1, .tier_rule_wait_multiply_level = -1, \
          .tier_rule_no_agent_no_wait = -1 }

/*
 * Creates a queue of tenant_id (name and number required). Checks: name a
 * Name (RESULT_INVALID) not used by another queue of the tenant
 * (RESULT_CONFLICT, field name); number 1..15 digits (RESULT_INVALID) not
 * in the tenant's extension pool, not another queue's, not reserved
 * (RESULT_NUMBER_TAKEN, field number); strategy and timeout_action of the
 * vocabulary; the sounds as openapi says; timeout_queue_id (with
 * timeout_action queue) another queue of the tenant; timeout_extension
 * (with voicemail) a number of the tenant's pool.
 */
enum result queue_create(struct app *app, const struct actor *actor, int64_t tenant_id,
                         const struct queue_input *in, struct store_queue *ret,
                         const char **ret_field);

enum result queue_get(struct app *app, int64_t tenant_id, int64_t id, struct store_queue *ret);

/* A page of the tenant's queues by name; *ret_items malloc'd. */
enum result queue_list(struct app *app, int64_t tenant_id, struct store_page *page,
                       struct store_queue **ret_items, size_t *ret_n);

/* Changes the fields given, checked as on create (a timeout queue may not
 * be the queue itself). */
enum result queue_update(struct app *app, const struct actor *actor, int64_t tenant_id, int64_t id,
                         const struct queue_input *in, struct store_queue *ret,
                         const char **ret_field);

/* Deletes the queue and its members. RESULT_QUEUE_IN_USE when an inbound
 * number or another queue's timeout names it. */
enum result queue_delete(struct app *app, const struct actor *actor, int64_t tenant_id, int64_t id);

/* The queue's members by level, position; *ret malloc'd, caller frees. */
enum result queue_members_get(struct app *app, int64_t tenant_id, int64_t id,
                              struct store_queue_member **ret, size_t *ret_n);

/*
 * The queue's members become members[0..n) (user_id, level 1..100,
 * position 1..1000; at most STORE_QUEUE_MEMBERS_MAX), all or nothing:
 * each agent once, a live user of tenant_id; else RESULT_INVALID with
 * *ret_index the first member at fault. *ret (malloc'd) the members now.
 */
enum result queue_members_set(struct app *app, const struct actor *actor, int64_t tenant_id,
                              int64_t id, const struct store_queue_member *members, size_t n,
                              struct store_queue_member **ret, size_t *ret_n, size_t *ret_index);

/* ---- shared by the files of domain/queues/ ---- */

/* Whether digits (a number without leading zero) is one of t's pool. */
bool queues_in_pool(const struct store_tenant *t, const char *digits);

/* Whether s is 1..max digits. */
bool queues_digits(const char *s, size_t max);

/* In conn's transaction: queue.changed {queue_id[, deleted]} to tenant_id. */
enum result queues_changed_event(struct store_conn *conn, int64_t tenant_id, int64_t queue_id,
                                 bool deleted);

#endif
