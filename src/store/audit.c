/* The audit log. */
#include <stdlib.h>

#include "store/driver.h"
#include "store/store.h"
#include "util/text.h"

enum result store_audit_insert(struct store_conn *conn, const struct store_audit *a)
{
        struct store_param p[] = {
                a->tenant_id ? SP_INT(a->tenant_id) : SP_NULL,
                a->actor_user_id ? SP_INT(a->actor_user_id) : SP_NULL,
                SP_TEXT(a->action),
                SP_TEXT(a->target_type),
                a->target_id ? SP_INT(a->target_id) : SP_NULL,
                SP_TEXT(a->details[0] ? a->details : "{}"),
                SP_TEXT(a->client_ip),
                SP_TEXT(a->request_id),
                SP_TEXT(a->actor_email),
                SP_TEXT(a->target_label),
                SP_INT(store_now()),
        };

        return store_exec(conn,
                          "INSERT INTO audit_log (tenant_id, actor_user_id, action, target_type, "
                          "target_id, details, client_ip, request_id, actor_email, target_label, "
                          "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

static enum result audit_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_audit *a = out;

        a->id = store_int(store_rows_get(rows, r, 0));
        a->tenant_id = store_int(store_rows_get(rows, r, 1));
        a->actor_user_id = store_int(store_rows_get(rows, r, 2));
        text_copy(a->action, sizeof(a->action), store_rows_get(rows, r, 3));
        text_copy(a->target_type, sizeof(a->target_type), store_rows_get(rows, r, 4));
        a->target_id = store_int(store_rows_get(rows, r, 5));
        text_copy(a->details, sizeof(a->details), store_rows_get(rows, r, 6));
        text_copy(a->client_ip, sizeof(a->client_ip), store_rows_get(rows, r, 7));
        text_copy(a->request_id, sizeof(a->request_id), store_rows_get(rows, r, 8));
        a->created_at = store_int(store_rows_get(rows, r, 9));
        text_copy(a->actor_email, sizeof(a->actor_email), store_rows_get(rows, r, 10));
        text_copy(a->target_label, sizeof(a->target_label), store_rows_get(rows, r, 11));
        return RESULT_OK;
}

enum result store_audit_list(struct store_conn *conn, int64_t tenant_id, struct store_page *page,
                             struct store_audit **ret_items, size_t *ret_n)
{
        struct store_param p = SP_INT(tenant_id);

        return store_exec_page(conn,
                               "id, COALESCE(tenant_id, 0), COALESCE(actor_user_id, 0), action, "
                               "target_type, COALESCE(target_id, 0), details, client_ip, "
                               "request_id, created_at, actor_email, target_label",
                               " FROM audit_log WHERE tenant_id = ?", " ORDER BY id DESC", &p, 1,
                               page, sizeof(**ret_items), audit_from_row, (void **)ret_items, ret_n);
}
