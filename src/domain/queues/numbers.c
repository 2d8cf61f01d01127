/* Inbound numbers; see numbers.h. */
#include "domain/queues/numbers.h"

#include <string.h>

#include "domain/core/audit.h"
#include "domain/provisioning/jobs.h"
#include "domain/queues/queues.h"
#include "util/text.h"

/* E.164 as openapi.yaml's pattern says: ^\+[1-9][0-9]{7,14}$. */
static bool e164_valid(const char *s)
{
        return s[0] == '+' && s[1] >= '1' && s[1] <= '9' && strlen(s + 1) >= 8 &&
               queues_digits(s + 1, 15);
}

#define FAIL(field, code)              \
        do {                           \
                *ret_field = (field);  \
                result = (code);       \
                goto out;              \
        } while (0)

enum result number_create(struct app *app, const struct actor *actor, int64_t tenant_id,
                          const struct number_input *in, struct store_inbound_number *ret,
                          const char **ret_field)
{
        struct store_inbound_number n = { .tenant_id = tenant_id };
        struct store_conn *conn;
        struct store_tenant t;
        struct store_queue q = { 0 };
        bool taken = false;
        enum result result;

        if (!in->number || !e164_valid(in->number)) {
                *ret_field = "number";
                return RESULT_INVALID;
        }
        if (!in->queue_id == !in->extension) {
                *ret_field = in->queue_id ? "extension" : "queue_id";
                return RESULT_INVALID;
        }
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_tenant_get(conn, tenant_id, &t);
        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        if (in->queue_id) {
                result = store_queue_get(conn, tenant_id, in->queue_id, &q);
                if (result == RESULT_NOT_FOUND)
                        FAIL("queue_id", RESULT_INVALID);
                if (result)
                        goto out;
                n.queue_id = in->queue_id;
        } else if (!queues_in_pool(&t, in->extension)) {
                FAIL("extension", RESULT_INVALID);
        } else {
                text_copy(n.extension, sizeof(n.extension), in->extension);
        }
        text_copy(n.number, sizeof(n.number), in->number);
        result = store_inbound_number_taken(conn, n.number, &taken);
        if (!result && taken)
                FAIL("number", RESULT_NUMBER_TAKEN);
        if (!result)
                result = store_inbound_number_insert(conn, &n);
        if (result == RESULT_CONFLICT)   /* another request took it meanwhile */
                FAIL("number", RESULT_NUMBER_TAKEN);
        if (!result)
                result = audit_record(conn, actor, tenant_id, "number.create", "number", n.id,
                                      "number", n.number, "queue", n.queue_id ? q.name : NULL,
                                      "extension", n.queue_id ? NULL : n.extension, NULL);
        if (!result && n.queue_id)
                result = queues_changed_event(conn, tenant_id, n.queue_id, false);
out:
        result = jobs_finish(app, conn, result);
        if (!result)
                *ret = n;
        return result;
}

enum result number_list(struct app *app, int64_t tenant_id, struct store_page *page,
                        struct store_inbound_number **ret_items, size_t *ret_n)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : store_inbound_number_list(conn, tenant_id, page, ret_items, ret_n);
}

enum result number_delete(struct app *app, const struct actor *actor, int64_t tenant_id,
                          int64_t id)
{
        struct store_inbound_number n;
        struct store_conn *conn;
        enum result result;

        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        result = store_inbound_number_get(conn, tenant_id, id, &n);
        if (!result)
                result = store_inbound_number_delete(conn, tenant_id, id);
        if (!result)
                result = audit_record(conn, actor, tenant_id, "number.delete", "number", id, "number",
                                      n.number, NULL);
        if (!result && n.queue_id)
                result = queues_changed_event(conn, tenant_id, n.queue_id, false);
        return jobs_finish(app, conn, result);
}
