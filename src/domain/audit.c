/* The audit log; see audit.h. jansson renders the details here only. */
#include "domain/audit.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>

#include "util/text.h"

enum result audit_record(struct store_conn *conn, const struct actor *actor, int64_t tenant_id,
                         const char *action, const char *target_type, int64_t target_id, ...)
{
        struct store_audit a = { 0 };
        json_t *details = json_object();
        const char *key;
        char *text;
        va_list ap;

        if (!details)
                return RESULT_NOMEM;
        va_start(ap, target_id);
        while ((key = va_arg(ap, const char *))) {
                const char *value = va_arg(ap, const char *);
                json_object_set_new(details, key, value ? json_string(value) : json_null());
        }
        va_end(ap);
        text = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(details);
        if (!text)
                return RESULT_NOMEM;
        a.tenant_id = tenant_id;
        a.actor_user_id = actor ? actor->user_id : 0;
        text_copy(a.action, sizeof(a.action), action);
        text_copy(a.target_type, sizeof(a.target_type), target_type);
        a.target_id = target_id;
        text_copy(a.details, sizeof(a.details), text);
        text_copy(a.client_ip, sizeof(a.client_ip), actor ? actor->client_ip : "");
        text_copy(a.request_id, sizeof(a.request_id), actor ? actor->request_id : "");
        free(text);
        return store_audit_insert(conn, &a);
}

enum result audit_list(struct app *d, int64_t tenant_id, struct store_page *page,
                       struct store_audit **ret_items, size_t *ret_n)
{
        struct store_conn *conn;
        enum result result = store_conn_get(d->store, &conn);

        return result ? result : store_audit_list(conn, tenant_id, page, ret_items, ret_n);
}
