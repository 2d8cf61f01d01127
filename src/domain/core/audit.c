/* The audit log; see audit.h. jansson renders the details here only. */
#include "domain/core/audit.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

static const char *detail(json_t *details, const char *key)
{
        return json_string_value(json_object_get(details, key));
}

/* The target as people name it, now: a user's "First Last <email>" (or
 * the email), an extension's number, a tenant's, cluster's or queue's
 * name, a node's "cluster/node", an inbound number. Read from the details the caller gave and, for a
 * user, the row (deleted users keep theirs). "" when unknown. */
static void label_of(struct store_conn *conn, const char *target_type, int64_t target_id,
                     json_t *details, char *buf, size_t size)
{
        const char *name = detail(details, "name"), *cluster = detail(details, "cluster");

        buf[0] = '\0';
        if (strcmp(target_type, "user") == 0) {
                struct store_user u;
                const char *email = detail(details, "email");
                bool found = target_id && store_user_get(conn, target_id, &u) == RESULT_OK;
                if (found && !email)
                        email = u.email;
                if (found && (u.first_name[0] || u.last_name[0]))
                        snprintf(buf, size, "%.*s%s%.*s <%.*s>", 120, u.first_name,
                                 u.first_name[0] && u.last_name[0] ? " " : "", 120, u.last_name,
                                 250, email ? email : "");
                else
                        text_copy(buf, size, email ? email : "");
        } else if (strcmp(target_type, "extension") == 0) {
                text_copy(buf, size, detail(details, "extension") ? detail(details, "extension") : "");
        } else if (strcmp(target_type, "number") == 0) {
                text_copy(buf, size, detail(details, "number") ? detail(details, "number") : "");
        } else if (strcmp(target_type, "node") == 0 && cluster && name) {
                snprintf(buf, size, "%.*s/%.*s", 200, cluster, 200, name);
        } else if (name || cluster) {
                text_copy(buf, size, name ? name : cluster);
        }
}

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
        label_of(conn, target_type, target_id, details, a.target_label, sizeof(a.target_label));
        json_decref(details);
        if (!text)
                return RESULT_NOMEM;
        bool by_user = actor && actor->kind == ACTOR_KIND_USER;

        if (by_user) {
                struct store_user u;
                if (store_user_get(conn, actor->user_id, &u) == RESULT_OK)
                        text_copy(a.actor_email, sizeof(a.actor_email), u.email);
        }
        /* An identity provider has no email: the entry names its token
         * (never the secret). */
        if (actor && actor->kind == ACTOR_KIND_SCIM)
                snprintf(a.actor_email, sizeof(a.actor_email), "scim token %lld",
                         (long long)actor->scim_token_id);
        a.tenant_id = tenant_id;
        a.actor_user_id = by_user ? actor->user_id : 0;
        text_copy(a.action, sizeof(a.action), action);
        text_copy(a.target_type, sizeof(a.target_type), target_type);
        a.target_id = target_id;
        text_copy(a.details, sizeof(a.details), text);
        text_copy(a.client_ip, sizeof(a.client_ip), actor ? actor->client_ip : "");
        text_copy(a.request_id, sizeof(a.request_id), actor ? actor->request_id : "");
        free(text);
        return store_audit_insert(conn, &a);
}

enum result audit_list(struct app *app, int64_t tenant_id, struct store_page *page,
                       struct store_audit **ret_items, size_t *ret_n)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : store_audit_list(conn, tenant_id, page, ret_items, ret_n);
}
