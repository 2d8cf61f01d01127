/* Queues and their members; see queues.h. */
#include "domain/queues/queues.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/events/events.h"
#include "domain/provisioning/jobs.h"
#include "domain/queues/status.h"
#include "util/text.h"

bool queues_digits(const char *s, size_t max)
{
        size_t n = strlen(s);

        if (n < 1 || n > max)
                return false;
        for (size_t i = 0; i < n; i++)
                if (s[i] < '0' || s[i] > '9')
                        return false;
        return true;
}

bool queues_in_pool(const struct store_tenant *t, const char *digits)
{
        long long v;

        /* the pool's numbers are written without leading zeros (and the
         * dialplan's range matches only those) */
        if (!queues_digits(digits, 15) || (digits[0] == '0' && digits[1]))
                return false;
        v = strtoll(digits, NULL, 10);
        return t->pool_size > 0 && v >= t->pool_base && v < t->pool_base + t->pool_size;
}

enum result queues_changed_event(struct store_conn *conn, int64_t tenant_id, int64_t queue_id,
                                 bool deleted)
{
        json_t *o = json_pack("{sI}", "queue_id", (json_int_t)queue_id);
        char *text;
        enum result result;

        if (o && deleted)
                json_object_set_new(o, "deleted", json_true());
        text = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!text)
                return RESULT_NOMEM;
        result = events_append(conn, tenant_id, EVENT_QUEUE_CHANGED, 0, text);
        free(text);
        return result;
}

/* A sound as QueueInput allows it: "" (none), a tone_stream:// or
 * local_stream:// URL, or a path under the node's sounds; printable ASCII
 * without spaces, '$', '{', '}' or "..", so that nothing in it expands
 * or climbs out on FreeSWITCH. */
static bool sound_valid(const char *s)
{
        size_t n = strlen(s);

        if (n == 0)
                return true;
        if (n > 255 || strstr(s, "..") || strpbrk(s, "${}"))
                return false;
        for (size_t i = 0; i < n; i++)
                if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
                        return false;
        if (strstr(s, "://"))
                return strncmp(s, "tone_stream://", 14) == 0 || strncmp(s, "local_stream://", 15) == 0;
        return s[0] != '/';
}

static bool reserved(const char *number)
{
        static const char *const numbers[] = QUEUES_RESERVED_NUMBERS;

        for (size_t i = 0; i < sizeof(numbers) / sizeof(*numbers); i++)
                if (strcmp(numbers[i], number) == 0)
                        return true;
        return false;
}

#define FAIL(field, code)              \
        do {                           \
                *ret_field = (field);  \
                return (code);         \
        } while (0)

/* Checks in and applies it to *q (the queue as stored, or the defaults),
 * in conn's transaction: the rules of queue_create. */
static enum result apply(struct store_conn *conn, const struct store_tenant *t,
                         const struct queue_input *in, struct store_queue *q, const char **ret_field)
{
        bool new_name = in->name && strcmp(in->name, q->name) != 0;
        bool new_number = in->number && strcmp(in->number, q->number) != 0;
        bool by_name = false, by_number = false;
        struct store_queue target;
        enum result result;

        if (in->name && !text_name_valid(in->name, QUEUES_NAME_MAX_CHARS))
                FAIL("name", RESULT_INVALID);
        if (in->number && !queues_digits(in->number, 15))
                FAIL("number", RESULT_INVALID);
        if (in->strategy && !queue_strategy_parse(in->strategy, &q->strategy))
                FAIL("strategy", RESULT_INVALID);
        if (in->moh_sound && !sound_valid(in->moh_sound))
                FAIL("moh_sound", RESULT_INVALID);
        if (in->announce_sound && !sound_valid(in->announce_sound))
                FAIL("announce_sound", RESULT_INVALID);
        if (in->timeout_action && !queue_timeout_action_parse(in->timeout_action, &q->timeout_action))
                FAIL("timeout_action", RESULT_INVALID);
        if (in->timeout_extension && in->timeout_extension[0] && !queues_digits(in->timeout_extension, 15))
                FAIL("timeout_extension", RESULT_INVALID);
        if (in->name)
                text_copy(q->name, sizeof(q->name), in->name);
        if (in->number)
                text_copy(q->number, sizeof(q->number), in->number);
        if (in->moh_sound)
                text_copy(q->moh_sound, sizeof(q->moh_sound), in->moh_sound);
        if (in->announce_sound)
                text_copy(q->announce_sound, sizeof(q->announce_sound), in->announce_sound);
        if (in->timeout_extension)
                text_copy(q->timeout_extension, sizeof(q->timeout_extension), in->timeout_extension);
        if (in->timeout_queue_id_given)
                q->timeout_queue_id = in->timeout_queue_id;
        if (in->max_wait_s >= 0)
                q->max_wait_s = in->max_wait_s;
        if (in->no_agent_max_wait_s >= 0)
                q->no_agent_max_wait_s = in->no_agent_max_wait_s;
        if (in->tier_rule_wait_s >= 0)
                q->tier_rule_wait_s = in->tier_rule_wait_s;
        if (in->announce_frequency_s >= 0)
                q->announce_frequency_s = in->announce_frequency_s;
        if (in->tier_rules_apply >= 0)
                q->tier_rules_apply = in->tier_rules_apply;
        if (in->tier_rule_wait_multiply_level >= 0)
                q->tier_rule_wait_multiply_level = in->tier_rule_wait_multiply_level;
        if (in->tier_rule_no_agent_no_wait >= 0)
                q->tier_rule_no_agent_no_wait = in->tier_rule_no_agent_no_wait;

        /* The timeout's target goes with its action: one given for another
         * action is refused, one left from an earlier action is dropped. */
        if (q->timeout_action == QUEUE_TIMEOUT_QUEUE) {
                if (q->timeout_queue_id <= 0 || q->timeout_queue_id == q->id)
                        FAIL("timeout_queue_id", RESULT_INVALID);
                result = store_queue_get(conn, t->id, q->timeout_queue_id, &target);
                if (result == RESULT_NOT_FOUND)
                        FAIL("timeout_queue_id", RESULT_INVALID);
                if (result)
                        return result;
        } else {
                if (in->timeout_queue_id_given && in->timeout_queue_id)
                        FAIL("timeout_queue_id", RESULT_INVALID);
                q->timeout_queue_id = 0;
        }
        if (q->timeout_action == QUEUE_TIMEOUT_VOICEMAIL) {
                if (!queues_in_pool(t, q->timeout_extension))
                        FAIL("timeout_extension", RESULT_INVALID);
        } else {
                if (in->timeout_extension && in->timeout_extension[0])
                        FAIL("timeout_extension", RESULT_INVALID);
                q->timeout_extension[0] = '\0';
        }

        if (new_name || new_number) {
                result = store_queue_taken(conn, t->id, q->id, new_name ? q->name : NULL,
                                           new_number ? q->number : NULL, &by_name, &by_number);
                if (result)
                        return result;
        }
        if (by_name)
                FAIL("name", RESULT_CONFLICT);
        if (new_number && (by_number || reserved(q->number) || queues_in_pool(t, q->number)))
                FAIL("number", RESULT_NUMBER_TAKEN);
        return RESULT_OK;
}

/* A write that hit a unique index (two requests at once): which one. */
static enum result taken_after_race(struct store_conn *conn, const struct store_queue *q,
                                    const char **ret_field)
{
        bool by_name = false, by_number = false;

        if (store_queue_taken(conn, q->tenant_id, q->id, q->name, q->number, &by_name, &by_number) ==
                    RESULT_OK &&
            by_number && !by_name)
                FAIL("number", RESULT_NUMBER_TAKEN);
        FAIL("name", RESULT_CONFLICT);
}

static enum result audit_queue(struct store_conn *conn, const struct actor *actor,
                               const char *action, const struct store_queue *q)
{
        return audit_record(conn, actor, q->tenant_id, action, "queue", q->id, "name", q->name,
                            "number", q->number, "strategy", queue_strategy_name(q->strategy), NULL);
}

/* queue_create (id 0) or queue_update (id the queue's), one transaction. */
static enum result write_queue(struct app *app, const struct actor *actor, int64_t tenant_id,
                               int64_t id, const struct queue_input *in, struct store_queue *ret,
                               const char **ret_field)
{
        struct store_queue q = {
                .tenant_id = tenant_id,
                .strategy = QUEUE_STRATEGY_LONGEST_IDLE_AGENT,
                .timeout_action = QUEUE_TIMEOUT_HANGUP,
                .tier_rule_wait_s = 300,
                .tier_rule_wait_multiply_level = true,
        };
        struct store_conn *conn;
        struct store_tenant t;
        enum result result;

        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_tenant_get(conn, tenant_id, &t);
        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        if (id)
                result = store_queue_get(conn, tenant_id, id, &q);
        if (!result)
                result = apply(conn, &t, in, &q, ret_field);
        if (!result) {
                result = id ? store_queue_update(conn, &q) : store_queue_insert(conn, &q);
                if (result == RESULT_CONFLICT) {
                        store_rollback(conn);
                        return taken_after_race(conn, &q, ret_field);
                }
        }
        if (!result)
                result = audit_queue(conn, actor, id ? "queue.update" : "queue.create", &q);
        if (!result)
                result = queues_changed_event(conn, tenant_id, q.id, false);
        if (!result)
                result = jobs_queue_queue(app, conn, tenant_id, FS_CHANGE_QUEUE, q.id);
        result = jobs_finish(app, conn, result);
        if (!result)
                result = store_queue_get(conn, tenant_id, q.id, ret);
        return result;
}

enum result queue_create(struct app *app, const struct actor *actor, int64_t tenant_id,
                         const struct queue_input *in, struct store_queue *ret,
                         const char **ret_field)
{
        if (!in->name)
                FAIL("name", RESULT_INVALID);
        if (!in->number)
                FAIL("number", RESULT_INVALID);
        return write_queue(app, actor, tenant_id, 0, in, ret, ret_field);
}

enum result queue_get(struct app *app, int64_t tenant_id, int64_t id, struct store_queue *ret)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : store_queue_get(conn, tenant_id, id, ret);
}

enum result queue_list(struct app *app, int64_t tenant_id, struct store_page *page,
                       struct store_queue **ret_items, size_t *ret_n)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : store_queue_list(conn, tenant_id, page, ret_items, ret_n);
}

enum result queue_update(struct app *app, const struct actor *actor, int64_t tenant_id, int64_t id,
                         const struct queue_input *in, struct store_queue *ret,
                         const char **ret_field)
{
        return write_queue(app, actor, tenant_id, id, in, ret, ret_field);
}

/* Locks the agent rows of the members of a and of b (store_provisioning_rows_lock). */
static enum result lock_agents(struct store_conn *conn, const struct store_queue_member *a,
                               size_t n_a, const struct store_queue_member *b, size_t n_b)
{
        int64_t *ids = malloc((n_a + n_b + 1) * sizeof(*ids));
        size_t n = 0;
        enum result result;

        if (!ids)
                return RESULT_NOMEM;
        for (size_t i = 0; i < n_a; i++)
                ids[n++] = a[i].user_id;
        for (size_t i = 0; i < n_b; i++)
                ids[n++] = b[i].user_id;
        result = store_provisioning_rows_lock(conn, NULL, 0, NULL, 0, ids, n);
        free(ids);
        return result;
}

/* In conn's transaction: an agent job for each of the n members of m. */
static enum result agent_jobs(struct app *app, struct store_conn *conn, int64_t tenant_id,
                              const struct store_queue_member *m, size_t n)
{
        enum result result = RESULT_OK;

        for (size_t i = 0; i < n && !result; i++)
                result = jobs_queue_queue(app, conn, tenant_id, FS_CHANGE_QUEUE_AGENT, m[i].user_id);
        return result;
}

enum result queue_delete(struct app *app, const struct actor *actor, int64_t tenant_id, int64_t id)
{
        struct store_queue_member *members = NULL;
        struct store_conn *conn;
        struct store_queue q;
        size_t n = 0;
        bool in_use = false;
        enum result result;

        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        result = store_provisioning_rows_lock(conn, NULL, 0, &id, 1, NULL, 0);
        if (!result)
                result = store_queue_get(conn, tenant_id, id, &q);
        if (!result)
                result = store_queue_in_use(conn, id, &in_use);
        if (!result && in_use)
                result = RESULT_QUEUE_IN_USE;
        if (!result)
                result = store_queue_members(conn, id, &members, &n);
        if (!result)
                result = lock_agents(conn, members, n, NULL, 0);
        if (!result)
                result = store_queue_delete(conn, tenant_id, id);
        if (!result)
                result = audit_queue(conn, actor, "queue.delete", &q);
        if (!result)
                result = queues_changed_event(conn, tenant_id, id, true);
        /* the queue unloaded (its tiers with it), then its former members
         * follow: each may be in no queue any more */
        if (!result)
                result = jobs_queue_queue(app, conn, tenant_id, FS_CHANGE_QUEUE, id);
        if (!result)
                result = agent_jobs(app, conn, tenant_id, members, n);
        for (size_t i = 0; i < n && !result; i++)
                result = queue_status_publish(conn, members[i].user_id);
        free(members);
        return jobs_finish(app, conn, result);
}

enum result queue_members_get(struct app *app, int64_t tenant_id, int64_t id,
                              struct store_queue_member **ret, size_t *ret_n)
{
        struct store_conn *conn;
        struct store_queue q;
        enum result result;

        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_queue_get(conn, tenant_id, id, &q);
        return result ? result : store_queue_members(conn, id, ret, ret_n);
}

/* Whether user_id is one of m[0..n). */
static bool has_member(const struct store_queue_member *m, size_t n, int64_t user_id)
{
        for (size_t i = 0; i < n; i++)
                if (m[i].user_id == user_id)
                        return true;
        return false;
}

/* In conn's transaction: members[0..n) are each a live user of tenant_id,
 * once, with level and position in range; else *ret_index the first that
 * is not. */
static enum result check_members(struct store_conn *conn, int64_t tenant_id,
                                 const struct store_queue_member *members, size_t n,
                                 size_t *ret_index)
{
        struct store_user u;
        enum result result;

        if (n > STORE_QUEUE_MEMBERS_MAX) {
                *ret_index = STORE_QUEUE_MEMBERS_MAX;
                return RESULT_INVALID;
        }
        for (size_t i = 0; i < n; i++) {
                *ret_index = i;
                if (members[i].level < 1 || members[i].level > 100 || members[i].position < 1 ||
                    members[i].position > 1000 || has_member(members, i, members[i].user_id))
                        return RESULT_INVALID;
                result = store_user_get(conn, members[i].user_id, &u);
                if (result == RESULT_NOT_FOUND ||
                    (!result && (u.tenant_id != tenant_id || u.status == USER_STATUS_DELETED)))
                        return RESULT_INVALID;
                if (result)
                        return result;
        }
        return RESULT_OK;
}

enum result queue_members_set(struct app *app, const struct actor *actor, int64_t tenant_id,
                              int64_t id, const struct store_queue_member *members, size_t n,
                              struct store_queue_member **ret, size_t *ret_n, size_t *ret_index)
{
        struct store_queue_member *old = NULL;
        struct store_conn *conn;
        struct store_queue q;
        size_t n_old = 0;
        char count[24];
        enum result result;

        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        /* the queue's row, then every agent's whose state this writes
         * (store_provisioning_rows_lock's order, the reconciler's too) */
        result = store_provisioning_rows_lock(conn, NULL, 0, &id, 1, NULL, 0);
        if (!result)
                result = store_queue_get(conn, tenant_id, id, &q);
        if (!result)
                result = check_members(conn, tenant_id, members, n, ret_index);
        if (!result)
                result = store_queue_members(conn, id, &old, &n_old);
        if (!result)
                result = lock_agents(conn, members, n, old, n_old);
        if (!result)
                result = store_queue_members_set(conn, id, members, n);
        if (!result) {
                snprintf(count, sizeof(count), "%zu", n);
                result = audit_record(conn, actor, tenant_id, "queue.members", "queue", id, "name",
                                      q.name, "members", count, NULL);
        }
        if (!result)
                result = queues_changed_event(conn, tenant_id, id, false);
        /* Agents that joined exist before the queue's tiers name them; the
         * queue's tiers go before the agents that left are removed. */
        for (size_t i = 0; i < n && !result; i++)
                if (!has_member(old, n_old, members[i].user_id))
                        result = jobs_queue_queue(app, conn, tenant_id, FS_CHANGE_QUEUE_AGENT,
                                                  members[i].user_id);
        if (!result)
                result = jobs_queue_queue(app, conn, tenant_id, FS_CHANGE_QUEUE, id);
        for (size_t i = 0; i < n_old && !result; i++)
                if (!has_member(members, n, old[i].user_id))
                        result = jobs_queue_queue(app, conn, tenant_id, FS_CHANGE_QUEUE_AGENT,
                                                  old[i].user_id);
        /* each agent that joined or left hears it on its own stream (its
         * desk shows its queues) */
        for (size_t i = 0; i < n && !result; i++)
                if (!has_member(old, n_old, members[i].user_id))
                        result = queue_status_publish(conn, members[i].user_id);
        for (size_t i = 0; i < n_old && !result; i++)
                if (!has_member(members, n, old[i].user_id))
                        result = queue_status_publish(conn, old[i].user_id);
        free(old);
        result = jobs_finish(app, conn, result);
        return result ? result : store_queue_members(conn, id, ret, ret_n);
}
