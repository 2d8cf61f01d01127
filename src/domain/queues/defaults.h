/*
 * The tenant's queue settings: its defaults for queue agents (wrap-up time
 * and no-answer limit, mod_callcenter's per-agent wrap_up_time and
 * max_no_answer, for agents without their own values) and its break
 * reasons (the defaults "Break", "Lunch", "Training" until set). Each
 * write is one transaction with its audit entry (queue.settings,
 * queue.break_reasons); a change of the defaults queues an agent job for
 * every agent mod_callcenter may know of the tenant.
 */
#ifndef AGENTDESK_DOMAIN_QUEUES_DEFAULTS_H
#define AGENTDESK_DOMAIN_QUEUES_DEFAULTS_H

#include "domain/core/app.h"

#define QUEUES_WRAP_UP_MAX_S 3600
#define QUEUES_MAX_NO_ANSWER_MAX 100

enum result queue_defaults_get(struct app *app, int64_t tenant_id, int64_t *ret_wrap_up_s,
                               int64_t *ret_max_no_answer);

/* Sets the values given (< 0: not given; else 0..QUEUES_WRAP_UP_MAX_S and
 * 0..QUEUES_MAX_NO_ANSWER_MAX, RESULT_INVALID naming the field) and
 * answers them all. */
enum result queue_defaults_set(struct app *app, const struct actor *actor, int64_t tenant_id,
                               int64_t wrap_up_s, int64_t max_no_answer, int64_t *ret_wrap_up_s,
                               int64_t *ret_max_no_answer, const char **ret_field);

enum result break_reasons_get(struct app *app, int64_t tenant_id,
                              char ret[STORE_BREAK_REASONS_MAX][STORE_BREAK_REASON_SIZE],
                              size_t *ret_n);

/* The tenant's reasons become names[0..n): 1..STORE_BREAK_REASONS_MAX
 * (else RESULT_INVALID, *ret_index n), each a Name of at most
 * QUEUES_REASON_MAX_CHARS characters and none twice (else RESULT_INVALID,
 * *ret_index the first at fault). */
enum result break_reasons_set(struct app *app, const struct actor *actor, int64_t tenant_id,
                              const char *const *names, size_t n, size_t *ret_index);

#endif
