/*
 * What FreeSWITCH is told of queues through what it asks (mod_xml_curl)
 * or reads (the push modes' files), computed from the store:
 *   - the configuration binding's answer to mod_callcenter's fetch of
 *     callcenter.conf with CC-Queue q<id> (that queue's <queue>, served
 *     from memory: mod_callcenter holds its global mutex across the fetch,
 *     so a slow answer stalls every queue of the node);
 *   - the queue numbers and tracked extensions of a tenant's context;
 *   - the entries of the `public` context for the inbound numbers.
 * Everything else (a name agentdesk did not give, a deleted queue, a
 * queue of another cluster or of a suspended tenant) is "not found".
 */
#ifndef AGENTDESK_DOMAIN_QUEUE_PLAN_H
#define AGENTDESK_DOMAIN_QUEUE_PLAN_H

#include <stdbool.h>

#include "domain/core/app.h"
#include "freeswitch/xml.h"

/* The queue numbers and tracked extensions of tenant_id's context, into
 * p (whose tenant_id, lo and hi the caller sets; realm, queues and tracks
 * are filled and owned by it). Free with queue_plan_free. */
struct queue_plan {
        struct fs_xml_plan plan;
        char realm[256];
        struct store_cc_queue *rows;
        struct fs_xml_queue_entry *queues;
        struct store_cc_track *track_rows;
        struct fs_xml_track *tracks;
};

enum result queue_plan_read(struct app *app, struct store_conn *conn, int64_t tenant_id,
                            struct queue_plan *p);
void queue_plan_free(struct queue_plan *p);

/* The configuration document for mod_callcenter's fetch of cc_queue
 * (the CC-Queue parameter, "q<id>") by a node of cluster_id, malloc'd
 * into *ret_doc; RESULT_NOT_FOUND when agentdesk has no such queue there.
 * Served from a cache while store_writes() has not moved (as the
 * directory's: AGENTDESK_DIRECTORY_CACHE_MS, longer once every change is
 * heard). */
enum result queue_plan_config(struct app *app, int64_t cluster_id, const char *cc_queue,
                              char **ret_doc);

/* Cache hits and misses of queue_plan_config, for tests and /metrics. */
void queue_plan_config_counts(uint64_t *ret_hits, uint64_t *ret_misses);

/* The `public` context holding the entry of the inbound number dialled
 * (number with or without its '+'), when a tenant of cluster_id holds it
 * and is active; malloc'd into *ret_doc. RESULT_NOT_FOUND otherwise. */
enum result queue_plan_inbound(struct app *app, int64_t cluster_id, const char *number,
                               char **ret_doc);

/* The entry of inbound number n as FreeSWITCH needs it (realm, the
 * destination in tenant_<id>); false when it routes nowhere (its queue
 * gone, no extension). */
bool queue_plan_inbound_of(const struct app *app, const struct store_cc_number *n,
                           struct fs_xml_inbound *ret);

/* q's <queue> as freeswitch/xml.h renders it. */
void queue_plan_queue_of(const struct store_cc_queue *q, struct fs_xml_queue *ret);

#endif
