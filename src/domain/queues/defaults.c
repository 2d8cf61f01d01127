/* The tenant's queue defaults and break reasons; see defaults.h. */
#include "domain/queues/defaults.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/provisioning/jobs.h"
#include "domain/queues/queues.h"
#include "util/text.h"

enum result queue_defaults_get(struct app *app, int64_t tenant_id, int64_t *ret_wrap_up_s,
                               int64_t *ret_max_no_answer)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result
                      : store_tenant_queue_defaults(conn, tenant_id, ret_wrap_up_s, ret_max_no_answer);
}

enum result queue_defaults_set(struct app *app, const struct actor *actor, int64_t tenant_id,
                               int64_t wrap_up_s, int64_t max_no_answer, int64_t *ret_wrap_up_s,
                               int64_t *ret_max_no_answer, const char **ret_field)
{
        char wrap_text[24], max_text[24];
        struct store_conn *conn;
        struct store_tenant t;
        int64_t wrap, max, *agents = NULL;
        size_t n = 0;
        enum result result;

        if (wrap_up_s > QUEUES_WRAP_UP_MAX_S) {
                *ret_field = "wrap_up_s";
                return RESULT_INVALID;
        }
        if (max_no_answer > QUEUES_MAX_NO_ANSWER_MAX) {
                *ret_field = "max_no_answer";
                return RESULT_INVALID;
        }
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        result = store_tenant_get(conn, tenant_id, &t);
        if (!result)
                result = store_tenant_queue_defaults(conn, tenant_id, &wrap, &max);
        if (!result) {
                wrap = wrap_up_s >= 0 ? wrap_up_s : wrap;
                max = max_no_answer >= 0 ? max_no_answer : max;
                result = store_tenant_set_queue_defaults(conn, tenant_id, wrap, max);
        }
        if (!result) {
                snprintf(wrap_text, sizeof(wrap_text), "%lld", (long long)wrap);
                snprintf(max_text, sizeof(max_text), "%lld", (long long)max);
                result = audit_record(conn, actor, tenant_id, "queue.settings", "tenant", tenant_id,
                                      "name", t.name, "wrap_up_s", wrap_text, "max_no_answer",
                                      max_text, NULL);
        }
        /* every agent mod_callcenter may hold takes the new values (those
         * with their own keep them when their job runs) */
        if (!result)
                result = store_queue_agent_ids(conn, tenant_id, &agents, &n);
        for (size_t i = 0; i < n && !result; i++)
                result = jobs_queue_queue(app, conn, tenant_id, FS_CHANGE_QUEUE_AGENT, agents[i]);
        free(agents);
        result = jobs_finish(app, conn, result);
        if (!result) {
                *ret_wrap_up_s = wrap;
                *ret_max_no_answer = max;
        }
        return result;
}

enum result break_reasons_get(struct app *app, int64_t tenant_id,
                              char ret[STORE_BREAK_REASONS_MAX][STORE_BREAK_REASON_SIZE],
                              size_t *ret_n)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : store_break_reasons(conn, tenant_id, ret, ret_n);
}

enum result break_reasons_set(struct app *app, const struct actor *actor, int64_t tenant_id,
                              const char *const *names, size_t n, size_t *ret_index)
{
        char joined[STORE_BREAK_REASONS_MAX * STORE_BREAK_REASON_SIZE];
        struct store_conn *conn;
        struct store_tenant t;
        size_t used = 0;
        enum result result;

        if (n < 1 || n > STORE_BREAK_REASONS_MAX) {
                *ret_index = n;
                return RESULT_INVALID;
        }
        for (size_t i = 0; i < n; i++) {
                *ret_index = i;
                if (!text_name_valid(names[i], QUEUES_REASON_MAX_CHARS))
                        return RESULT_INVALID;
                for (size_t j = 0; j < i; j++)
                        if (strcmp(names[i], names[j]) == 0)
                                return RESULT_INVALID;
        }
        joined[0] = '\0';
        for (size_t i = 0; i < n && used < sizeof(joined); i++)
                used += (size_t)snprintf(joined + used, sizeof(joined) - used, "%s%s", i ? ", " : "",
                                         names[i]);
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        result = store_tenant_get(conn, tenant_id, &t);
        if (!result)
                result = store_break_reasons_set(conn, tenant_id, names, n);
        if (!result)
                result = audit_record(conn, actor, tenant_id, "queue.break_reasons", "tenant",
                                      tenant_id, "name", t.name, "break_reasons", joined, NULL);
        return jobs_finish(app, conn, result);
}
