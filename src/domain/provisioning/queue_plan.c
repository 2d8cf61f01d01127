/* What FreeSWITCH is told of queues; see queue_plan.h. */
#include "domain/provisioning/queue_plan.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/provisioning/realm.h"
#include "freeswitch/callcenter.h"
#include "util/text.h"

void queue_plan_free(struct queue_plan *p)
{
        free(p->rows);
        free(p->queues);
        free(p->track_rows);
        free(p->tracks);
        p->rows = NULL;
        p->queues = NULL;
        p->track_rows = NULL;
        p->tracks = NULL;
        p->plan.n_queues = p->plan.n_tracks = 0;
}

enum result queue_plan_read(struct app *app, struct store_conn *conn, int64_t tenant_id,
                            struct queue_plan *p)
{
        struct store_tenant t;
        struct store_cluster c;
        size_t n_rows = 0, n_tracks = 0;
        enum result result;

        p->rows = NULL;
        p->queues = NULL;
        p->track_rows = NULL;
        p->tracks = NULL;
        result = store_tenant_get(conn, tenant_id, &t);
        if (result)
                return result;
        c.sip_domain[0] = '\0';
        if (t.cluster_id && (result = store_cluster_get(conn, t.cluster_id, &c)) != RESULT_OK)
                return result;
        text_copy(p->realm, sizeof(p->realm), realm_effective(app, t.sip_domain, c.sip_domain));
        p->plan.realm = p->realm;
        result = store_cc_queues(conn, tenant_id, 0, &p->rows, &n_rows);
        if (!result)
                result = store_cc_tracks(conn, tenant_id, &p->track_rows, &n_tracks);
        if (!result && n_rows && !(p->queues = calloc(n_rows, sizeof(*p->queues))))
                result = RESULT_NOMEM;
        if (!result && n_tracks && !(p->tracks = calloc(n_tracks, sizeof(*p->tracks))))
                result = RESULT_NOMEM;
        if (result) {
                queue_plan_free(p);
                return result;
        }
        for (size_t i = 0; i < n_rows; i++) {
                const struct store_cc_queue *q = &p->rows[i];
                p->queues[i] = (struct fs_xml_queue_entry){
                        .id = q->id,
                        .number = q->number,
                        .timeout = q->timeout_action,
                        .timeout_number = q->timeout_number,
                        .timeout_extension = q->timeout_extension,
                };
        }
        for (size_t i = 0; i < n_tracks; i++)
                p->tracks[i] = (struct fs_xml_track){ .user_id = p->track_rows[i].user_id,
                                                      .extension = p->track_rows[i].extension };
        p->plan.queues = p->queues;
        p->plan.n_queues = n_rows;
        p->plan.tracks = p->tracks;
        p->plan.n_tracks = n_tracks;
        return RESULT_OK;
}

void queue_plan_queue_of(const struct store_cc_queue *q, struct fs_xml_queue *ret)
{
        *ret = (struct fs_xml_queue){
                .id = q->id,
                .strategy = queue_strategy_name(q->strategy),
                .moh_sound = q->moh_sound,
                .max_wait_s = q->max_wait_s,
                .no_agent_max_wait_s = q->no_agent_max_wait_s,
                .tier_rules_apply = q->tier_rules_apply,
                .tier_rule_wait_multiply_level = q->tier_rule_wait_multiply_level,
                .tier_rule_no_agent_no_wait = q->tier_rule_no_agent_no_wait,
                .tier_rule_wait_s = q->tier_rule_wait_s,
                .announce_sound = q->announce_sound,
                .announce_frequency_s = q->announce_frequency_s,
        };
}

/* ---- the configuration binding's cache: the document of each queue
 * recently asked for, keyed by (cluster, queue), valid while store_writes()
 * has not moved */

#define CONFIG_SLOTS 256
/* as the directory's CONFIG_SHARED_MS: a backstop once every
 * change is heard */
#define CONFIG_SHARED_MS 60000

struct config_slot {
        int64_t cluster_id, queue_id;
        uint64_t writes;
        int64_t read_ms;
        enum result result;              /* RESULT_OK or RESULT_NOT_FOUND */
        char *doc;
};

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static struct config_slot config_slots[CONFIG_SLOTS];
static atomic_uint_fast64_t config_hits, config_misses;

void queue_plan_config_counts(uint64_t *ret_hits, uint64_t *ret_misses)
{
        *ret_hits = atomic_load(&config_hits);
        *ret_misses = atomic_load(&config_misses);
}

static int64_t monotonic_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The document of queue_id for cluster_id, read from the store now. */
static enum result config_read(struct app *app, int64_t cluster_id, int64_t queue_id, char **ret)
{
        struct store_conn *conn;
        struct store_cc_queue q;
        struct fs_xml_queue x;
        enum result result;

        *ret = NULL;
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_cc_queue_get(conn, queue_id, &q);
        if (result)
                return result;
        if (q.cluster_id != cluster_id || q.tenant_status != TENANT_STATUS_ACTIVE)
                return RESULT_NOT_FOUND;
        queue_plan_queue_of(&q, &x);
        *ret = fs_xml_callcenter_queue(&x);
        return *ret ? RESULT_OK : RESULT_NOMEM;
}

enum result queue_plan_config(struct app *app, int64_t cluster_id, const char *cc_queue,
                              char **ret_doc)
{
        int64_t id = fs_cc_queue_id(cc_queue), now, max_age;
        struct config_slot *slot;
        uint64_t writes;
        enum result result;
        char *doc = NULL;

        *ret_doc = NULL;
        if (!id)
                return RESULT_NOT_FOUND;
        /* Atomic: SIGHUP may change it (cli/serve.c). */
        max_age = __atomic_load_n(&app->settings.directory_cache_ms, __ATOMIC_RELAXED);
        if (max_age <= 0 || !store_writes_complete(app->store))
                return config_read(app, cluster_id, id, ret_doc);
        if (max_age < CONFIG_SHARED_MS && store_writes_shared(app->store))
                max_age = CONFIG_SHARED_MS;
        slot = &config_slots[(uint64_t)id % CONFIG_SLOTS];
        now = monotonic_ms();
        writes = store_writes(app->store);
        pthread_mutex_lock(&config_lock);
        if (slot->queue_id == id && slot->cluster_id == cluster_id && slot->writes == writes &&
            now - slot->read_ms < max_age) {
                result = slot->result;
                if (!result && !(*ret_doc = strdup(slot->doc)))
                        result = RESULT_NOMEM;
                pthread_mutex_unlock(&config_lock);
                atomic_fetch_add_explicit(&config_hits, 1, memory_order_relaxed);
                return result;
        }
        pthread_mutex_unlock(&config_lock);
        atomic_fetch_add_explicit(&config_misses, 1, memory_order_relaxed);
        result = config_read(app, cluster_id, id, &doc);
        if ((result && result != RESULT_NOT_FOUND) || !store_writes_complete(app->store)) {
                *ret_doc = doc;
                return result;
        }
        pthread_mutex_lock(&config_lock);
        free(slot->doc);
        slot->doc = NULL;
        slot->cluster_id = cluster_id;
        slot->queue_id = id;
        slot->writes = writes;           /* as noted before reading */
        slot->read_ms = now;
        slot->result = result;
        if (!result && !(slot->doc = strdup(doc)))
                slot->queue_id = 0;      /* not kept */
        pthread_mutex_unlock(&config_lock);
        *ret_doc = doc;
        return result;
}

bool queue_plan_inbound_of(const struct app *app, const struct store_cc_number *n,
                           struct fs_xml_inbound *ret)
{
        const char *destination = n->queue_id ? n->queue_number : n->extension;

        if (!destination[0] || n->tenant_status != TENANT_STATUS_ACTIVE)
                return false;
        *ret = (struct fs_xml_inbound){
                .id = n->id,
                .tenant_id = n->tenant_id,
                .number = n->number,
                .realm = realm_effective(app, n->tenant_domain, n->cluster_domain),
                .destination = destination,
        };
        return true;
}

enum result queue_plan_inbound(struct app *app, int64_t cluster_id, const char *number,
                               char **ret_doc)
{
        struct store_conn *conn;
        struct store_cc_number n;
        struct fs_xml_inbound x;
        enum result result;
        char e164[34];

        *ret_doc = NULL;
        if (!number || !*number || strlen(number) > 31)
                return RESULT_NOT_FOUND;
        snprintf(e164, sizeof(e164), "%s%s", number[0] == '+' ? "" : "+", number);
        for (const char *s = e164 + 1; *s; s++)
                if (*s < '0' || *s > '9')
                        return RESULT_NOT_FOUND;
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_cc_number_find(conn, e164, &n);
        if (result)
                return result;
        if (n.cluster_id != cluster_id || !queue_plan_inbound_of(app, &n, &x))
                return RESULT_NOT_FOUND;
        *ret_doc = fs_xml_inbound_context(&x);
        return *ret_doc ? RESULT_OK : RESULT_NOMEM;
}
