/* The live event catalogue's log and the data of the events that the
 * domain's changes publish; see events.h. */
#include "domain/events/events.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "store/store.h"

static atomic_uint_fast64_t appended;

uint64_t events_appended(void)
{
        return atomic_load(&appended);
}

enum result events_append(struct store_conn *conn, int64_t tenant_id, enum event_type type,
                          int64_t user_id, const char *data_json)
{
        enum result result = store_live_event_append(conn, tenant_id, type, user_id,
                                                     data_json && data_json[0] ? data_json : "{}");

        if (result == RESULT_OK)
                atomic_fetch_add(&appended, 1);
        return result;
}

/* Appends o (taken) as the data of type. */
static enum result append_json(struct store_conn *conn, int64_t tenant_id, enum event_type type,
                               json_t *o)
{
        char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        enum result result;

        json_decref(o);
        if (!text)
                return RESULT_NOMEM;
        result = events_append(conn, tenant_id, type, 0, text);
        free(text);
        return result;
}

enum result events_append_agent(struct store_conn *conn, enum event_type type,
                                const struct store_user *u,
                                const struct store_extension *extensions, size_t n)
{
        json_t *numbers;

        if (type == EVENT_AGENT_DELETED)
                return append_json(conn, u->tenant_id, type,
                                   json_pack("{sI}", "agent_id", (json_int_t)u->id));
        numbers = json_array();
        for (size_t i = 0; numbers && i < n; i++)
                if (json_array_append_new(numbers, json_string(extensions[i].extension)) != 0) {
                        json_decref(numbers);
                        return RESULT_NOMEM;
                }
        return append_json(conn, u->tenant_id, type,
                           json_pack("{sI,ss,ss,ss,ss,so}", "agent_id", (json_int_t)u->id,
                                     "first_name", u->first_name, "last_name", u->last_name,
                                     "role", user_role_name(u->role), "status",
                                     user_status_name(u->status), "extensions", numbers));
}

enum result events_append_provisioning(struct store_conn *conn,
                                       const struct events_provisioning *p)
{
        return append_json(conn, p->tenant_id, EVENT_EXTENSION_PROVISIONING,
                           json_pack("{sI,ss,so,ss,sI,so}", "extension_id",
                                     (json_int_t)p->extension_id, "extension", p->extension,
                                     "agent_id",
                                     p->agent_id ? json_integer(p->agent_id) : json_null(),
                                     "provisioning", jobs_state_name(p->state),
                                     "provisioning_attempts", (json_int_t)p->attempts,
                                     "provisioning_error",
                                     p->error && p->error[0] ? json_string(p->error)
                                                             : json_null()));
}

enum result events_append_invitation(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                                     const char *email, bool sent, long code)
{
        json_t *o = json_pack("{sI,ss,ss}", "agent_id", (json_int_t)user_id, "email", email,
                              "status", sent ? "sent" : "failed");

        if (o && !sent && json_object_set_new(o, "code", json_integer(code)) != 0) {
                json_decref(o);
                return RESULT_NOMEM;
        }
        return append_json(conn, tenant_id, sent ? EVENT_INVITATION_SENT : EVENT_INVITATION_FAILED,
                           o);
}
