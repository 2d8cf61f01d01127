/*
 * Every sealed value of the database, column by column (store.h, "sealed
 * values"): what `agentdesk key rotate` re-seals, `rekey` replaces and
 * `doctor` tries to open. The table and column names come from the fixed
 * list below, never from a caller.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "util/text.h"

static const struct {
        const char *table, *column;
} columns[STORE_SEALED__MAX] = {
        [STORE_SEALED_SIP_SECRET] = { "agent_extensions", "sip_secret" },
        [STORE_SEALED_VM_PIN] = { "agent_extensions", "vm_pin" },
        [STORE_SEALED_ESL_PASSWORD] = { "freeswitch_nodes", "esl_password" },
        [STORE_SEALED_MAIL_SECRET] = { "mail_outbox", "secret" },
        [STORE_SEALED_WEBHOOK_SECRET] = { "webhook_endpoints", "secret" },
};

const char *store_sealed_name(enum store_sealed_column column)
{
        static const char *const names[STORE_SEALED__MAX] = {
                [STORE_SEALED_SIP_SECRET] = "agent_extensions.sip_secret",
                [STORE_SEALED_VM_PIN] = "agent_extensions.vm_pin",
                [STORE_SEALED_ESL_PASSWORD] = "freeswitch_nodes.esl_password",
                [STORE_SEALED_MAIL_SECRET] = "mail_outbox.secret",
                [STORE_SEALED_WEBHOOK_SECRET] = "webhook_endpoints.secret",
        };
        return names[column];
}

static enum result sealed_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_sealed *s = out;

        s->id = store_int(store_rows_get(rows, r, 0));
        text_copy(s->value, sizeof(s->value), store_rows_get(rows, r, 1));
        return RESULT_OK;
}

enum result store_sealed_page(struct store_conn *conn, enum store_sealed_column column,
                              int64_t after_id, int64_t limit, struct store_sealed **ret_items,
                              size_t *ret_n)
{
        struct store_param p[] = { SP_INT(after_id), SP_INT(limit) };
        char sql[256];

        snprintf(sql, sizeof(sql), "SELECT id, %s FROM %s WHERE id > ? AND %s <> '' ORDER BY id LIMIT ?",
                 columns[column].column, columns[column].table, columns[column].column);
        return store_exec_all(conn, sql, p, STORE_NPARAMS(p), sizeof(struct store_sealed),
                              sealed_from_row, (void **)ret_items, ret_n);
}

enum result store_sealed_swap(struct store_conn *conn, enum store_sealed_column column, int64_t id,
                              const char *old, const char *value)
{
        struct store_param p[] = { SP_TEXT(value), SP_INT(id), SP_TEXT(old) };
        int64_t changes = 0;
        enum result result;
        char sql[256];

        snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ? WHERE id = ? AND %s = ?",
                 columns[column].table, columns[column].column, columns[column].column);
        result = store_exec(conn, sql, p, STORE_NPARAMS(p), NULL, &changes);
        return !result && changes == 0 ? RESULT_NOT_FOUND : result;
}
