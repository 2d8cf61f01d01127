/*
 * A tenant's inbound numbers: public (E.164) numbers, unique across every
 * tenant, each routed to one of its queues or one of its extensions
 * (rendered in FreeSWITCH's `public` context by domain/provisioning/).
 * Each write is one transaction with its audit entry (number.create,
 * number.delete) and, for a number routed to a queue, that queue's
 * queue.changed event. A number of another tenant is RESULT_NOT_FOUND.
 */
#ifndef AGENTDESK_DOMAIN_QUEUES_NUMBERS_H
#define AGENTDESK_DOMAIN_QUEUES_NUMBERS_H

#include "domain/core/app.h"

struct number_input {
        const char *number;              /* "+" then 8..15 digits, the first not 0 */
        int64_t queue_id;                /* 0 = none */
        const char *extension;           /* NULL = none */
};

/* RESULT_INVALID (field number; queue_id when neither or not a queue of
 * the tenant; extension when both, or not a number of the tenant's
 * pool); RESULT_NUMBER_TAKEN (field number) when any tenant has it. */
enum result number_create(struct app *app, const struct actor *actor, int64_t tenant_id,
                          const struct number_input *in, struct store_inbound_number *ret,
                          const char **ret_field);

/* A page of the tenant's numbers by number; *ret_items malloc'd. */
enum result number_list(struct app *app, int64_t tenant_id, struct store_page *page,
                        struct store_inbound_number **ret_items, size_t *ret_n);

enum result number_delete(struct app *app, const struct actor *actor, int64_t tenant_id,
                          int64_t id);

#endif
