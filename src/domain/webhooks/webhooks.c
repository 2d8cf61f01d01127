/* A tenant's webhook endpoints; see webhooks.h. */
#include "domain/webhooks/webhooks.h"

#include <stdio.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/webhooks/sender.h"
#include "net/http_client.h"
#include "util/text.h"
#include "util/wipe.h"

#define FAIL(field, code)              \
        do {                           \
                *ret_field = (field);  \
                return (code);         \
        } while (0)

/* Applies in to *w (as stored, or a new one's defaults). */
static enum result apply(const struct webhook_input *in, struct store_webhook *w,
                         const char **ret_field)
{
        if (in->url) {
                if (!net_http_url_valid(in->url, WEBHOOK_URL_MAX))
                        FAIL("url", RESULT_INVALID);
                text_copy(w->url, sizeof(w->url), in->url);
        }
        if (in->description) {
                if (in->description[0] && !text_name_valid(in->description, 100))
                        FAIL("description", RESULT_INVALID);
                text_copy(w->description, sizeof(w->description), in->description);
        }
        if (in->events_given) {
                bool seen[WEBHOOK_EVENT_TYPES] = { false };
                size_t len = 1;

                if (in->n_events == 0 || in->n_events > WEBHOOK_EVENT_TYPES)
                        FAIL("events", RESULT_INVALID);
                for (size_t i = 0; i < in->n_events; i++) {
                        enum event_type type;
                        if (!in->events[i] || !event_type_parse(in->events[i], &type) ||
                            type >= WEBHOOK_EVENT_TYPES || seen[type])
                                FAIL("events", RESULT_INVALID);
                        seen[type] = true;
                }
                /* ",a,b,": one LIKE '%,a,%' finds an event's subscribers
                 * (store_webhook_fan_out). */
                strcpy(w->events, ",");
                for (int t = 0; t < WEBHOOK_EVENT_TYPES; t++) {
                        const char *name = event_type_name((enum event_type)t);
                        if (!seen[t])
                                continue;
                        if (len + strlen(name) + 2 > sizeof(w->events))
                                FAIL("events", RESULT_INVALID);
                        len += (size_t)snprintf(w->events + len, sizeof(w->events) - len, "%s,", name);
                }
        }
        if (in->enabled >= 0)
                w->enabled = in->enabled != 0;
        return RESULT_OK;
}

size_t webhook_event_types(const struct store_webhook *w, enum event_type ret[WEBHOOK_EVENT_TYPES])
{
        size_t n = 0;

        for (int t = 0; t < WEBHOOK_EVENT_TYPES; t++) {
                char needle[STORE_SHORT_MAX + 3];
                snprintf(needle, sizeof(needle), ",%s,", event_type_name((enum event_type)t));
                if (strstr(w->events, needle))
                        ret[n++] = (enum event_type)t;
        }
        return n;
}

static enum result audit(struct store_conn *conn, const struct actor *actor,
                         const struct store_webhook *w, const char *action)
{
        return audit_record(conn, actor, w->tenant_id, action, "webhook", w->id, "events",
                            w->events, "enabled", w->enabled ? "true" : "false", NULL);
}

enum result webhook_create(struct app *app, const struct actor *actor, int64_t tenant_id,
                           const struct webhook_input *in, struct store_webhook *ret,
                           char ret_secret[CREDENTIALS_WEBHOOK_SECRET_LEN + 1],
                           const char **ret_field)
{
        struct store_webhook w = { .tenant_id = tenant_id, .enabled = true };
        char secret[CREDENTIALS_WEBHOOK_SECRET_LEN + 1];
        struct store_conn *conn;
        enum result result;

        if (!in->url)
                FAIL("url", RESULT_INVALID);
        if (!in->events_given)
                FAIL("events", RESULT_INVALID);
        result = apply(in, &w, ret_field);
        if (result)
                return result;
        credentials_new_webhook_secret(secret);
        result = credentials_seal(secret, w.secret);
        if (!result)
                result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_begin(conn);
        if (result)
                goto out;
        result = store_webhook_insert(conn, &w);
        if (!result)
                result = audit(conn, actor, &w, "webhook.create");
        if (!result)
                result = store_commit(conn);
        if (result) {
                store_rollback(conn);
                goto out;
        }
        *ret = w;
        memcpy(ret_secret, secret, sizeof(secret));
out:
        wipe_memory(secret, sizeof(secret));
        return result;
}

enum result webhook_update(struct app *app, const struct actor *actor, int64_t tenant_id,
                           int64_t id, const struct webhook_input *in, struct store_webhook *ret,
                           const char **ret_field)
{
        struct store_webhook w;
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        result = store_webhook_get(conn, tenant_id, id, &w);
        if (!result)
                result = apply(in, &w, ret_field);
        if (!result)
                result = store_webhook_update(conn, &w);
        if (!result)
                result = audit(conn, actor, &w, "webhook.update");
        if (!result)
                result = store_webhook_get(conn, tenant_id, id, &w);
        if (!result)
                result = store_commit(conn);
        if (result) {
                store_rollback(conn);
                return result;
        }
        *ret = w;
        return RESULT_OK;
}

enum result webhook_get(struct app *app, int64_t tenant_id, int64_t id, struct store_webhook *ret)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : store_webhook_get(conn, tenant_id, id, ret);
}

enum result webhook_list(struct app *app, int64_t tenant_id, struct store_page *page,
                         struct store_webhook **ret_items, size_t *ret_n)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : store_webhook_list(conn, tenant_id, page, ret_items, ret_n);
}

enum result webhook_delete(struct app *app, const struct actor *actor, int64_t tenant_id,
                           int64_t id)
{
        struct store_webhook w;
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        result = store_webhook_get(conn, tenant_id, id, &w);
        if (!result)
                result = store_webhook_delete(conn, tenant_id, id);
        if (!result)
                result = audit(conn, actor, &w, "webhook.delete");
        if (!result)
                result = store_commit(conn);
        if (result)
                store_rollback(conn);
        return result;
}

enum result webhook_send_test(struct app *app, const struct actor *actor, int64_t tenant_id,
                              int64_t id, int64_t *ret_delivery_id)
{
        struct store_webhook w;
        struct store_conn *conn;
        char data[128];
        int64_t delivery_id = 0;
        enum result result = store_conn_get(app->store, &conn);

        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        result = store_webhook_get(conn, tenant_id, id, &w);
        if (!result && !w.enabled)
                result = RESULT_CONFLICT;
        snprintf(data, sizeof(data), "{\"webhook_id\":%lld,\"message\":\"a test event\"}",
                 (long long)id);
        if (!result)
                result = store_webhook_test_insert(conn, tenant_id, id, data, &delivery_id);
        if (!result)
                result = audit(conn, actor, &w, "webhook.test");
        if (!result)
                result = store_commit(conn);
        if (result) {
                store_rollback(conn);
                return result;
        }
        webhook_sender_wake(app);
        *ret_delivery_id = delivery_id;
        return RESULT_OK;
}

enum result webhook_deliveries(struct app *app, int64_t tenant_id, int64_t id,
                               struct store_page *page, struct store_webhook_delivery **ret_items,
                               size_t *ret_n)
{
        struct store_webhook w;
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        if (!result)
                result = store_webhook_get(conn, tenant_id, id, &w);
        return result ? result
                      : store_webhook_delivery_list(conn, tenant_id, id, page, ret_items, ret_n);
}
