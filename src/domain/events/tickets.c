/* Live stream tickets; see tickets.h. */
#include "domain/events/tickets.h"

#include <string.h>

#include "util/wipe.h"

enum result events_ticket_issue(struct app *app, const struct store_session *s,
                                enum event_stream stream, int64_t tenant_id,
                                char ret[EVENTS_TICKET_LEN + 1], int64_t *ret_expires_at)
{
        struct store_event_ticket t = { .session_id = s->id, .stream = stream };
        struct store_conn *conn;
        int64_t expires_at = store_now() + EVENTS_TICKET_TTL;
        char ticket[EVENTS_TICKET_LEN + 1];
        char hash[65];
        enum result result;

        if (stream == EVENT_STREAM_ADMIN) {
                if (!tenant_id && s->user.role != USER_ROLE_SUPERADMIN)
                        return RESULT_FORBIDDEN;
                t.tenant_id = tenant_id;
        } else {
                t.tenant_id = s->user.tenant_id;
        }
        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        credentials_new_link_token(ticket);
        credentials_keyed_hash(ticket, hash);
        result = store_event_ticket_insert(conn, hash, &t, expires_at);
        if (!result) {
                memcpy(ret, ticket, sizeof(ticket));
                *ret_expires_at = expires_at;
        }
        wipe_memory(ticket, sizeof(ticket));
        return result;
}

enum result events_ticket_take(struct app *app, enum event_stream stream, const char *ticket,
                               struct events_scope *ret)
{
        struct store_event_ticket t;
        struct store_user u;
        struct store_conn *conn;
        char hash[65];
        enum result result;

        if (!ticket || strlen(ticket) != EVENTS_TICKET_LEN)
                return RESULT_UNAUTHORIZED;
        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        result = RESULT_NOT_FOUND;   /* under each key of the file, the current first */
        for (int k = 0; result == RESULT_NOT_FOUND && credentials_keyed_hash_at(ticket, k, hash); k++)
                result = store_event_ticket_take(conn, hash, store_now(), &t);
        if (!result && t.stream != stream)
                result = RESULT_NOT_FOUND;
        if (!result)
                result = store_session_live_user(conn, t.session_id, store_now(), &u);
        if (result == RESULT_NOT_FOUND)
                return RESULT_UNAUTHORIZED;
        if (result)
                return result;
        ret->stream = stream;
        ret->session_id = t.session_id;
        ret->tenant_id = stream == EVENT_STREAM_ADMIN ? t.tenant_id : u.tenant_id;
        ret->user_id = u.id;
        wipe_memory(u.password_hash, sizeof(u.password_hash));
        return RESULT_OK;
}
