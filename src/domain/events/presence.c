/*
 * agent.presence and calls.missed: what an agent's colleagues see of it
 * (its presence, derived from the store in the transaction of the change
 * that moves it) and its own count of unseen missed calls; see events.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "domain/events/events.h"
#include "store/store.h"

const char *events_presence_name(const struct store_presence *p)
{
        if (!p->registered)
                return "offline";
        if (p->on_call)
                return "on_call";
        return p->on_break ? "on_break" : "available";
}

enum result events_append_presence(struct store_conn *conn, int64_t tenant_id, int64_t user_id)
{
        struct store_presence *p = NULL;
        const char *name;
        char data[96];
        size_t n = 0;
        bool changed = false;
        enum result result;

        if (!tenant_id || !user_id)
                return RESULT_OK;
        result = store_presence_list(conn, tenant_id, user_id, store_now() - EVENTS_STALE_S, NULL,
                                     &p, &n);
        if (result == RESULT_NOT_FOUND)
                return RESULT_OK;
        if (result)
                return result;
        name = events_presence_name(&p[0]);
        free(p);
        result = store_presence_set(conn, tenant_id, user_id, name, store_now(), &changed);
        if (result || !changed)
                return result;
        snprintf(data, sizeof(data), "{\"agent_id\":%lld,\"presence\":\"%s\"}", (long long)user_id,
                 name);
        return events_append(conn, tenant_id, EVENT_AGENT_PRESENCE, user_id, data);
}

enum result events_append_credentials(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                                      int64_t extension_id, const char *extension)
{
        char data[96];

        /* An extension is digits only (its CHECK): nothing to escape. */
        snprintf(data, sizeof(data), "{\"extension_id\":%lld,\"extension\":\"%s\"}",
                 (long long)extension_id, extension);
        return events_append(conn, tenant_id, EVENT_EXTENSION_CREDENTIALS, user_id, data);
}

enum result events_append_missed(struct store_conn *conn, int64_t tenant_id, int64_t user_id)
{
        int64_t unseen = 0;
        char data[48];
        enum result result = store_calls_unseen(conn, user_id, &unseen);

        if (result)
                return result;
        snprintf(data, sizeof(data), "{\"unseen\":%lld}", (long long)unseen);
        return events_append(conn, tenant_id, EVENT_CALLS_MISSED, user_id, data);
}
