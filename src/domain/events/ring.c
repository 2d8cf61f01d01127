/* Frames, scopes and the resume ring of the live streams; see ring.h. */
#include "domain/events/ring.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What the agents' stream keeps of a registration.changed (openapi.yaml,
 * /v1/me/events). */
static const char *const reduced_keys[] = { "extension_id", "extension", "agent_id",
                                            "registered", "at" };

/* "id: N\nevent: TYPE\ndata: {LiveEvent}\n\n" into *ret (malloc'd). */
static enum result frame(const struct store_live_event *e, json_t *data, char **ret,
                         size_t *ret_len)
{
        char at[32];
        struct tm tm;
        time_t t = (time_t)e->created_at;
        json_t *o;
        char *text;
        size_t n;
        int len;

        gmtime_r(&t, &tm);
        strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
        o = json_pack("{sI,ss,ss,so,sO}", "id", (json_int_t)e->id, "type",
                      event_type_name(e->type), "at", at, "tenant_id",
                      e->tenant_id ? json_integer(e->tenant_id) : json_null(), "data", data);
        text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(o);
        if (!text)
                return RESULT_NOMEM;
        n = strlen(text) + strlen(event_type_name(e->type)) + 48;
        *ret = malloc(n);
        if (!*ret) {
                free(text);
                return RESULT_NOMEM;
        }
        len = snprintf(*ret, n, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)e->id,
                       event_type_name(e->type), text);
        free(text);
        *ret_len = (size_t)len;
        return RESULT_OK;
}

enum result events_entry_make(const struct store_live_event *e, struct events_entry *ret)
{
        json_t *data = json_loads(e->data ? e->data : "{}", JSON_REJECT_DUPLICATES, NULL);
        enum result result;

        memset(ret, 0, sizeof(*ret));
        ret->id = e->id;
        ret->tenant_id = e->tenant_id;
        ret->user_id = e->user_id;
        ret->type = e->type;
        if (!json_is_object(data)) {
                json_decref(data);
                data = json_object();
        }
        if (!data)
                return RESULT_NOMEM;
        result = frame(e, data, &ret->full, &ret->full_len);
        if (!result && e->type == EVENT_REGISTRATION_CHANGED) {
                json_t *reduced = json_object();
                for (size_t i = 0; reduced && i < sizeof(reduced_keys) / sizeof(reduced_keys[0]);
                     i++) {
                        json_t *v = json_object_get(data, reduced_keys[i]);
                        if (v)
                                json_object_set(reduced, reduced_keys[i], v);
                }
                result = reduced ? frame(e, reduced, &ret->reduced, &ret->reduced_len)
                                 : RESULT_NOMEM;
                json_decref(reduced);
        }
        json_decref(data);
        if (result)
                events_entry_clear(ret);
        return result;
}

void events_entry_clear(struct events_entry *e)
{
        free(e->full);
        free(e->reduced);
        memset(e, 0, sizeof(*e));
}

/* The events the agents' stream passes only to the agent they are about
 * (their user_id): its own calls, its own queue status, its count of
 * unseen missed calls, its new SIP password in place. */
static bool is_own(enum event_type type)
{
        return type == EVENT_CALL_STARTED || type == EVENT_CALL_ANSWERED ||
               type == EVENT_CALL_ENDED || type == EVENT_AGENT_QUEUE_STATUS ||
               type == EVENT_CALLS_MISSED || type == EVENT_EXTENSION_CREDENTIALS;
}

const char *events_entry_frame(const struct events_entry *e, const struct events_scope *scope,
                               size_t *ret_len)
{
        if (scope->stream == EVENT_STREAM_ADMIN) {
                /* The desk's cue; admins see the job's extension.provisioning. */
                if (e->type == EVENT_EXTENSION_CREDENTIALS)
                        return NULL;
                if (scope->tenant_id && e->tenant_id != scope->tenant_id)
                        return NULL;
                *ret_len = e->full_len;
                return e->full;
        }
        if (!scope->tenant_id || e->tenant_id != scope->tenant_id)
                return NULL;
        if (e->type == EVENT_REGISTRATION_CHANGED && e->reduced) {
                *ret_len = e->reduced_len;
                return e->reduced;
        }
        /* The colleagues' presence: every agent of the tenant. */
        if (e->type == EVENT_AGENT_PRESENCE) {
                *ret_len = e->full_len;
                return e->full;
        }
        if (is_own(e->type) && scope->user_id && e->user_id == scope->user_id) {
                *ret_len = e->full_len;
                return e->full;
        }
        return NULL;
}

enum result events_ring_init(struct events_ring *r, size_t cap, size_t max_bytes, int64_t floor)
{
        memset(r, 0, sizeof(*r));
        r->slots = calloc(cap, sizeof(*r->slots));
        if (!r->slots)
                return RESULT_NOMEM;
        r->cap = cap;
        r->max_bytes = max_bytes;
        r->floor = floor;
        return RESULT_OK;
}

static size_t entry_bytes(const struct events_entry *e)
{
        return e->full_len + e->reduced_len;
}

static void evict_oldest(struct events_ring *r)
{
        struct events_entry *old = &r->slots[r->start];

        r->floor = old->id;
        r->bytes -= entry_bytes(old);
        events_entry_clear(old);
        r->start = (r->start + 1) % r->cap;
        r->n--;
}

void events_ring_free(struct events_ring *r)
{
        for (size_t i = 0; i < r->n; i++)
                events_entry_clear(&r->slots[(r->start + i) % r->cap]);
        free(r->slots);
        memset(r, 0, sizeof(*r));
}

void events_ring_push(struct events_ring *r, struct events_entry *e)
{
        if (r->n == r->cap)
                evict_oldest(r);
        while (r->n && r->bytes + entry_bytes(e) > r->max_bytes)
                evict_oldest(r);
        r->slots[(r->start + r->n) % r->cap] = *e;
        r->n++;
        r->bytes += entry_bytes(e);
        memset(e, 0, sizeof(*e));
}

const struct events_entry *events_ring_at(const struct events_ring *r, size_t i)
{
        return &r->slots[(r->start + i) % r->cap];
}

bool events_ring_covers(const struct events_ring *r, int64_t last_id)
{
        return last_id >= r->floor;
}
