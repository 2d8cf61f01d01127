/* Call records and usage from the listener's channel events; see calls.h. */
#include "domain/calls/calls.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/events/events.h"
#include "util/text.h"

#define US_PER_S 1000000

/* The open legs of a node read at a time by a resync. */
#define RESYNC_BATCH 512

static int64_t seconds_of(int64_t us)
{
        return us > 0 ? us / US_PER_S : 0;
}

/* Whole seconds between two µs instants, rounded to the nearest. */
static int64_t talk_seconds(int64_t answered_us, int64_t ended_us)
{
        if (answered_us <= 0 || ended_us <= answered_us)
                return 0;
        return (ended_us - answered_us + US_PER_S / 2) / US_PER_S;
}

void calls_agent_name(const char *first_name, const char *last_name, bool deleted, char *out,
                      size_t size)
{
        if (deleted) {
                snprintf(out, size, "deleted agent");
                return;
        }
        snprintf(out, size, "%s%s%s", first_name, first_name[0] && last_name[0] ? " " : "",
                 last_name);
}

static json_t *time_or_null(int64_t epoch)
{
        char buf[32];

        if (epoch <= 0)
                return json_null();
        text_time_iso(epoch, buf, sizeof(buf));
        return json_string(buf);
}

static json_t *string_or_null(const char *s)
{
        return s[0] ? json_string(s) : json_null();
}

json_t *calls_record_json(const struct store_call *c)
{
        char name[2 * STORE_NAME_MAX];

        calls_agent_name(c->first_name, c->last_name, c->agent_deleted, name, sizeof(name));
        return json_pack("{sI,ss,ss,so,ss,ss,ss,ss,ss,so,so,so,sI,so,so,so}", "id",
                         (json_int_t)c->id, "call_uuid", c->call_uuid, "extension", c->extension,
                         "agent_id",
                         c->agent_deleted ? json_null() : json_integer(c->user_id),
                         "agent_name", name, "direction", call_direction_name(c->direction),
                         "caller", c->caller, "callee", c->callee, "node", c->node,
                         "started_at", time_or_null(c->started_at), "answered_at",
                         time_or_null(c->answered_at), "ended_at", time_or_null(c->ended_at),
                         "talk_seconds", (json_int_t)c->talk_seconds, "end_cause",
                         string_or_null(c->end_cause), "codec", string_or_null(c->codec), "mos",
                         c->mos_centi >= 0 ? json_real((double)c->mos_centi / 100.0) : json_null());
}

static const char *history_result(const struct store_call *c)
{
        if (!c->ended_at)
                return "in_progress";
        if (!strcmp(c->end_cause, "BLIND_TRANSFER") || !strcmp(c->end_cause, "ATTENDED_TRANSFER"))
                return "transferred";
        if (c->answered_at > 0)
                return "answered";
        if (!c->placed)
                return "missed";
        if (!strcmp(c->end_cause, "USER_BUSY"))
                return "busy";
        return strcmp(c->end_cause, "ORIGINATOR_CANCEL") ? "unanswered" : "cancelled";
}

json_t *calls_history_json(const struct store_call *c)
{
        char name[2 * STORE_NAME_MAX];
        json_t *party_name;

        if (c->party_user_id) {
                calls_agent_name(c->party_first_name, c->party_last_name, c->party_deleted, name,
                                 sizeof(name));
                party_name = json_string(name);
        } else {
                party_name = string_or_null(c->party_name);
        }
        return json_pack("{sI,ss,ss,so,so,ss,sI,ss,so,so,so}", "id", (json_int_t)c->id,
                         "direction", c->placed ? "out" : "in", "party",
                         c->placed ? c->callee : c->caller, "party_name", party_name,
                         "started_at", time_or_null(c->started_at), "extension", c->extension,
                         "duration_s", (json_int_t)c->talk_seconds, "result", history_result(c),
                         "codec", string_or_null(c->codec), "mos",
                         c->mos_centi >= 0 ? json_real((double)c->mos_centi / 100.0) : json_null(),
                         "seen", json_boolean(c->placed || c->answered_at > 0 || c->seen_at > 0));
}

/* Appends type with the record as it now stands (read back, so the data
 * is what the list shows). */
static enum result publish(struct store_conn *conn, const char *leg_uuid, enum event_type type)
{
        struct store_call c;
        enum result result = store_call_get(conn, leg_uuid, &c);
        json_t *o;
        char *data;

        if (result)
                return result;
        o = calls_record_json(&c);
        data = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!data)
                return RESULT_NOMEM;
        result = events_append(conn, c.tenant_id, type, c.user_id, data);
        free(data);
        return result;
}

/* Adds an ended leg to its day's usage. */
static enum result count_usage(struct store_conn *conn, const struct store_call *c)
{
        struct store_usage u = {
                .tenant_id = c->tenant_id,
                .day = c->started_at / 86400,
                .user_id = c->user_id,
                .calls_placed = c->placed,
                .calls_received = !c->placed,
                .answered = c->answered_at > 0,
                .missed = !c->placed && c->answered_at <= 0,
                .talk_seconds = c->talk_seconds,
        };

        text_copy(u.extension, sizeof(u.extension), c->extension);
        return store_usage_add(conn, &u);
}

/* Ends the open leg *c (its end fields set by the caller): the record,
 * the usage, the event; nothing when it had already ended. */
static enum result end_leg(struct store_conn *conn, struct store_call *c)
{
        enum result result;
        bool changed = false;

        result = store_call_end(conn, c, &changed);
        if (result || !changed)
                return result;
        result = store_call_get(conn, c->leg_uuid, c);
        if (!result)
                result = count_usage(conn, c);
        if (!result)
                result = publish(conn, c->leg_uuid, EVENT_CALL_ENDED);
        if (!result)
                result = events_append_presence(conn, c->tenant_id, c->user_id);
        if (!result && !c->placed && c->answered_at <= 0)
                result = events_append_missed(conn, c->tenant_id, c->user_id);
        return result;
}

/*
 * The record of ch's leg, made (and call.started published) when it has
 * none yet. *ret_agent false when the leg is no agent's: no user, a
 * number no pool has, a free extension, or a tenant_id that is not the
 * extension's own.
 */
static enum result leg_record(struct store_conn *conn, const struct live_node_ref *node,
                              const struct fs_channel *ch, int64_t fallback_us,
                              struct store_call *ret, bool *ret_agent)
{
        int64_t tenant_id = 0, user_id = 0, other_tenant = 0, other_user = 0;
        const char *other;
        struct store_call c = { .mos_centi = -1 };
        enum result result;
        bool inserted = false;

        *ret_agent = false;
        if (!ch->uuid[0] || !ch->user[0])
                return RESULT_OK;
        result = store_extension_owner(conn, ch->user, &tenant_id, &user_id);
        if (result == RESULT_NOT_FOUND)
                return RESULT_OK;
        if (result)
                return result;
        if (!user_id)
                return RESULT_OK;
        if (ch->tenant_id[0]) {
                char own[24];

                snprintf(own, sizeof(own), "%lld", (long long)tenant_id);
                if (strcmp(own, ch->tenant_id))
                        return RESULT_OK;
        }
        c.tenant_id = tenant_id;
        c.user_id = user_id;
        text_copy(c.extension, sizeof(c.extension), ch->user);
        text_copy(c.leg_uuid, sizeof(c.leg_uuid), ch->uuid);
        text_copy(c.call_uuid, sizeof(c.call_uuid), ch->call_uuid[0] ? ch->call_uuid : ch->uuid);
        /* The leg FreeSWITCH received is one the agent dialled. */
        c.placed = ch->direction != FS_DIRECTION_OUTBOUND;
        if (c.placed) {
                text_copy(c.caller, sizeof(c.caller), ch->user);
                text_copy(c.callee, sizeof(c.callee),
                          ch->destination[0] ? ch->destination : ch->callee_number);
                other = c.callee;
        } else {
                text_copy(c.caller, sizeof(c.caller), ch->caller_number);
                text_copy(c.callee, sizeof(c.callee), ch->user);
                text_copy(c.party_name, sizeof(c.party_name), ch->caller_name);
                other = c.caller;
        }
        result = other[0] ? store_extension_owner(conn, other, &other_tenant, &other_user)
                          : RESULT_NOT_FOUND;
        if (result && result != RESULT_NOT_FOUND)
                return result;
        if (!result && other_tenant == tenant_id) {
                c.direction = CALL_DIRECTION_INTERNAL;
                c.party_user_id = other_user;
        } else
                c.direction = c.placed ? CALL_DIRECTION_OUTBOUND : CALL_DIRECTION_INBOUND;
        c.cluster_id = node->cluster_id;
        text_copy(c.node, sizeof(c.node), node->node);
        c.started_at = seconds_of(ch->created_us ? ch->created_us : fallback_us);
        result = store_call_insert(conn, &c, &inserted);
        if (!result && inserted)
                result = publish(conn, c.leg_uuid, EVENT_CALL_STARTED);
        if (!result && inserted)
                result = events_append_presence(conn, c.tenant_id, c.user_id);
        if (!result) {
                *ret = c;
                *ret_agent = true;
        }
        return result;
}

/* Marks the leg of c answered (call.answered, the agent's presence)
 * unless it already was. */
static enum result answer_leg(struct store_conn *conn, const struct store_call *c,
                              int64_t answered_us)
{
        bool changed = false;
        enum result result;

        result = store_call_answer(conn, c->leg_uuid, seconds_of(answered_us), &changed);
        if (!result && changed)
                result = publish(conn, c->leg_uuid, EVENT_CALL_ANSWERED);
        if (!result && changed)
                result = events_append_presence(conn, c->tenant_id, c->user_id);
        return result;
}

/* The codec on the wire when FreeSWITCH names it, else the read/write
 * codecs (one name when they agree). */
static void codec_of(const struct fs_channel *ch, char *out, size_t size)
{
        if (ch->rtp_codec[0])
                snprintf(out, size, "%s", ch->rtp_codec);
        else if (ch->write_codec[0] && ch->read_codec[0] && strcmp(ch->read_codec, ch->write_codec))
                snprintf(out, size, "%s/%s", ch->read_codec, ch->write_codec);
        else
                snprintf(out, size, "%s", ch->read_codec[0] ? ch->read_codec : ch->write_codec);
}

static enum result channel_event(void *userdata, struct store_conn *conn,
                                 const struct live_node_ref *node, const struct fs_event *ev)
{
        const struct fs_channel *ch = &ev->u.channel;
        struct store_call c;
        enum result result;
        bool agent = false;
        int64_t ended_us;

        (void)userdata;
        switch (ev->kind) {
        case FS_EVENT_CHANNEL_CREATE:
        case FS_EVENT_CHANNEL_ANSWER:
        case FS_EVENT_CHANNEL_BRIDGE:
        case FS_EVENT_CHANNEL_HANGUP_COMPLETE:
                break;
        default:
                return RESULT_OK;
        }
        result = leg_record(conn, node, ch, ev->timestamp_us, &c, &agent);
        if (result || !agent)
                return result;
        if (ev->kind == FS_EVENT_CHANNEL_ANSWER && ch->answered_us <= 0)
                return answer_leg(conn, &c, ev->timestamp_us);
        if (ch->answered_us > 0 && ev->kind != FS_EVENT_CHANNEL_CREATE) {
                result = answer_leg(conn, &c, ch->answered_us);
                if (result)
                        return result;
        }
        if (ev->kind != FS_EVENT_CHANNEL_HANGUP_COMPLETE)
                return RESULT_OK;
        ended_us = ch->hangup_us > 0 ? ch->hangup_us : ev->timestamp_us;
        c.ended_at = seconds_of(ended_us);
        c.answered_at = seconds_of(ch->answered_us);
        c.talk_seconds = talk_seconds(ch->answered_us, ended_us);
        text_copy(c.end_cause, sizeof(c.end_cause), ch->hangup_cause[0] ? ch->hangup_cause : "unknown");
        codec_of(ch, c.codec, sizeof(c.codec));
        c.mos_centi = ch->mos >= 0 ? (int64_t)llround(ch->mos * 100.0) : -1;
        return end_leg(conn, &c);
}

static bool listed(const struct fs_channel *channels, size_t n, const char *uuid)
{
        for (size_t i = 0; i < n; i++)
                if (!strcmp(channels[i].uuid, uuid))
                        return true;
        return false;
}

/* Ends, as "unknown" at now, the legs open on node that it no longer has. */
static enum result close_gone(struct store_conn *conn, const struct live_node_ref *node,
                              const struct fs_channel *channels, size_t n)
{
        char (*open)[64] = malloc((n + RESYNC_BATCH) * 64);
        enum result result = open ? RESULT_OK : RESULT_NOMEM;
        size_t got = n + RESYNC_BATCH;
        int64_t now = store_now();

        /* The legs that stay open are among the n listed: a read of
         * n + RESYNC_BATCH that comes back full still had one to close. */
        while (!result && got == n + RESYNC_BATCH) {
                size_t closed = 0;

                result = store_calls_open(conn, node->cluster_id, node->node, open,
                                          n + RESYNC_BATCH, &got);
                for (size_t i = 0; i < got && !result; i++) {
                        struct store_call c;

                        if (listed(channels, n, open[i]))
                                continue;
                        result = store_call_get(conn, open[i], &c);
                        if (result)
                                break;
                        c.ended_at = now > c.started_at ? now : c.started_at;
                        c.talk_seconds = c.answered_at > 0 && c.ended_at > c.answered_at
                                                 ? c.ended_at - c.answered_at
                                                 : 0;
                        text_copy(c.end_cause, sizeof(c.end_cause), "unknown");
                        c.codec[0] = '\0';
                        c.mos_centi = -1;
                        result = end_leg(conn, &c);
                        closed++;
                }
                if (!closed)
                        break;
        }
        free(open);
        return result;
}

static enum result channels_resync(void *userdata, struct store_conn *conn,
                                   const struct live_node_ref *node,
                                   const struct fs_channel *channels, size_t n)
{
        enum result result;

        (void)userdata;
        result = close_gone(conn, node, channels, n);
        /* What the node has now and was not recorded began during the gap. */
        for (size_t i = 0; i < n && !result; i++) {
                struct store_call c;
                bool agent = false;

                result = leg_record(conn, node, &channels[i], (int64_t)store_now() * US_PER_S, &c,
                                    &agent);
                if (!result && agent && channels[i].answered_us > 0)
                        result = answer_leg(conn, &c, channels[i].answered_us);
        }
        return result;
}

struct live_sink calls_sink(struct app *app)
{
        return (struct live_sink){
                .channel_event = channel_event,
                .channels_resync = channels_resync,
                .userdata = app,
        };
}

enum result calls_list(struct app *app, const struct store_call_filter *filter,
                       struct store_page *page, struct store_call **ret_items, size_t *ret_n)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : store_call_list(conn, filter, page, ret_items, ret_n);
}

enum result calls_agent_check(struct app *app, int64_t tenant_id, int64_t user_id)
{
        struct store_conn *conn;
        struct store_user u;
        enum result result = store_conn_get(app->store, &conn);

        if (!result)
                result = store_user_get(conn, user_id, &u);
        if (!result && (!tenant_id || u.tenant_id != tenant_id))
                result = RESULT_NOT_FOUND;
        return result;
}

enum result calls_unseen(struct app *app, int64_t user_id, int64_t *ret_n)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : store_calls_unseen(conn, user_id, ret_n);
}

enum result calls_mark_seen(struct app *app, int64_t tenant_id, int64_t user_id,
                            int64_t *ret_n)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        result = store_calls_mark_seen(conn, user_id, store_now(), ret_n);
        if (!result && *ret_n > 0)
                result = events_append_missed(conn, tenant_id, user_id);
        if (!result)
                result = store_commit(conn);
        else
                store_rollback(conn);
        return result;
}

enum result calls_usage_period(const char *from, const char *to, int64_t *ret_from_day,
                               int64_t *ret_to_day, const char **ret_field)
{
        int64_t from_day = 0, to_day = store_now() / 86400;

        if (from && !text_date_parse(from, &from_day)) {
                *ret_field = "from";
                return RESULT_INVALID;
        }
        if (to && !text_date_parse(to, &to_day)) {
                *ret_field = "to";
                return RESULT_INVALID;
        }
        if (!from)
                from_day = to_day - 6;
        if (to_day < from_day || to_day - from_day + 1 > CALLS_USAGE_MAX_DAYS) {
                *ret_field = "to";
                return RESULT_INVALID;
        }
        *ret_from_day = from_day;
        *ret_to_day = to_day;
        return RESULT_OK;
}

enum result calls_usage(struct app *app, int64_t tenant_id, int64_t from_day, int64_t to_day,
                        enum store_usage_group group, struct store_usage **ret_items,
                        size_t *ret_n)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result
                      : store_usage_list(conn, tenant_id, from_day, to_day, group, ret_items, ret_n);
}
