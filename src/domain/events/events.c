/* The live event catalogue's log; see events.h. */
#include "domain/events/events.h"

#include "store/store.h"

enum result events_append(struct store_conn *conn, int64_t tenant_id, enum event_type type,
                          int64_t user_id, const char *data_json)
{
        return store_live_event_append(conn, tenant_id, type, user_id,
                                       data_json && data_json[0] ? data_json : "{}", NULL);
}
