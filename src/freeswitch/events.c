/*
 * FreeSWITCH's events and listings, parsed; see events.h. An event-plain
 * body is header lines "Name: value" (every value URL-encoded) up to an
 * empty line; what follows it (an event's own body, which none of ours
 * has) is ignored. The recorded frames are in
 * tests/fixtures/freeswitch-1.11/esl/ (events-plain.txt, events-call.txt,
 * events-callcenter.txt, sofia-xmlstatus-reg.txt, show-channels-json.txt).
 */
#include "freeswitch/events.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

/* The lines of an event body, split and decoded in a copy of it. */
struct lines {
        char *copy;
        const char **names, **values;
        size_t n;
};

static int hex_value(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* Decodes %XX in place; false on a bad escape or an encoded NUL. */
static bool url_decode(char *s)
{
        char *out = s;

        for (; *s; s++) {
                if (*s != '%') {
                        *out++ = *s;
                        continue;
                }
                int hi = hex_value(s[1]), lo = hi < 0 ? -1 : hex_value(s[2]);

                if (lo < 0 || (hi == 0 && lo == 0))
                        return false;
                *out++ = (char)(hi * 16 + lo);
                s += 2;
        }
        *out = '\0';
        return true;
}

static void lines_clear(struct lines *l)
{
        free(l->copy);
        free(l->names);
        free(l->values);
        memset(l, 0, sizeof(*l));
}

static enum result lines_split(const char *body, size_t len, struct lines *ret)
{
        size_t cap = 1;

        memset(ret, 0, sizeof(*ret));
        if (memchr(body, '\0', len))
                return RESULT_PROTOCOL;
        for (size_t i = 0; i < len; i++)
                cap += body[i] == '\n';
        ret->copy = malloc(len + 1);
        ret->names = calloc(cap, sizeof(*ret->names));
        ret->values = calloc(cap, sizeof(*ret->values));
        if (!ret->copy || !ret->names || !ret->values) {
                lines_clear(ret);
                return RESULT_NOMEM;
        }
        memcpy(ret->copy, body, len);
        ret->copy[len] = '\0';
        for (char *line = ret->copy; line && *line;) {
                char *end = strchr(line, '\n'), *sep;

                if (end)
                        *end = '\0';
                if (end && end > line && end[-1] == '\r')
                        end[-1] = '\0';
                if (!*line)
                        break;   /* the empty line that ends the headers */
                sep = strstr(line, ": ");
                if (!sep || sep == line) {
                        lines_clear(ret);
                        return RESULT_PROTOCOL;
                }
                *sep = '\0';
                if (!url_decode(sep + 2)) {
                        lines_clear(ret);
                        return RESULT_PROTOCOL;
                }
                ret->names[ret->n] = line;
                ret->values[ret->n] = sep + 2;
                ret->n++;
                line = end ? end + 1 : NULL;
        }
        return RESULT_OK;
}

/* The first value of name (exact case, as FreeSWITCH spells it), or NULL. */
static const char *get(const struct lines *l, const char *name)
{
        for (size_t i = 0; i < l->n; i++)
                if (strcmp(l->names[i], name) == 0)
                        return l->values[i];
        return NULL;
}

static void copy_to(char *dst, size_t size, const char *src)
{
        text_copy(dst, size, src ? src : "");
}

/* The first of two names that is present and not empty. */
static const char *get2(const struct lines *l, const char *a, const char *b)
{
        const char *v = get(l, a);

        return v && *v ? v : get(l, b);
}

static int64_t to_i64(const char *s)
{
        return s ? strtoll(s, NULL, 10) : 0;
}

static enum fs_event_kind kind_of(const char *name)
{
        static const struct {
                const char *name;
                enum fs_event_kind kind;
        } kinds[] = {
                { "sofia::register", FS_EVENT_REGISTER },
                { "sofia::unregister", FS_EVENT_UNREGISTER },
                { "sofia::expire", FS_EVENT_EXPIRE },
                { "CHANNEL_CREATE", FS_EVENT_CHANNEL_CREATE },
                { "CHANNEL_ANSWER", FS_EVENT_CHANNEL_ANSWER },
                { "CHANNEL_BRIDGE", FS_EVENT_CHANNEL_BRIDGE },
                { "CHANNEL_HANGUP_COMPLETE", FS_EVENT_CHANNEL_HANGUP_COMPLETE },
                { "callcenter::info", FS_EVENT_CALLCENTER },
        };

        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
                if (strcmp(name, kinds[i].name) == 0)
                        return kinds[i].kind;
        return FS_EVENT_OTHER;
}

static void registration_from(const struct lines *l, enum fs_event_kind kind,
                              struct fs_registration *r)
{
        copy_to(r->user, sizeof(r->user), get2(l, "username", "from-user"));
        copy_to(r->realm, sizeof(r->realm), get2(l, "realm", "from-host"));
        copy_to(r->call_id, sizeof(r->call_id), get(l, "call-id"));
        copy_to(r->contact, sizeof(r->contact), get(l, "contact"));
        copy_to(r->network_ip, sizeof(r->network_ip), get(l, "network-ip"));
        r->network_port = (unsigned)to_i64(get(l, "network-port"));
        copy_to(r->user_agent, sizeof(r->user_agent), get(l, "user-agent"));
        copy_to(r->profile, sizeof(r->profile), get(l, "profile-name"));
        /* sofia::expire's "expires" is the epoch second it ran out at. */
        r->expires = kind == FS_EVENT_REGISTER ? (long)to_i64(get(l, "expires")) : 0;
}

static enum fs_call_direction direction_of(const char *s)
{
        if (s && strcmp(s, "inbound") == 0)
                return FS_DIRECTION_INBOUND;
        if (s && strcmp(s, "outbound") == 0)
                return FS_DIRECTION_OUTBOUND;
        return FS_DIRECTION_UNKNOWN;
}

/* "user@realm" into its parts (when it has both). */
static void split_presence(const char *presence, struct fs_channel *c)
{
        const char *at = presence ? strchr(presence, '@') : NULL;

        if (!at || at == presence || !at[1])
                return;
        snprintf(c->user, sizeof(c->user), "%.*s", (int)(at - presence), presence);
        copy_to(c->realm, sizeof(c->realm), at + 1);
}

static void channel_from(const struct lines *l, struct fs_channel *c)
{
        const char *mos;

        copy_to(c->uuid, sizeof(c->uuid), get(l, "Unique-ID"));
        copy_to(c->call_uuid, sizeof(c->call_uuid), get(l, "Channel-Call-UUID"));
        copy_to(c->other_uuid, sizeof(c->other_uuid), get(l, "Other-Leg-Unique-ID"));
        c->direction = direction_of(get(l, "Call-Direction"));
        copy_to(c->caller_number, sizeof(c->caller_number), get(l, "Caller-Caller-ID-Number"));
        copy_to(c->caller_name, sizeof(c->caller_name), get(l, "Caller-Caller-ID-Name"));
        copy_to(c->destination, sizeof(c->destination), get(l, "Caller-Destination-Number"));
        copy_to(c->callee_number, sizeof(c->callee_number), get(l, "Caller-Callee-ID-Number"));
        copy_to(c->context, sizeof(c->context), get(l, "Caller-Context"));
        /* The agent of the leg: FreeSWITCH received an inbound leg from a
         * phone that authenticated as variable_user_name; it placed an
         * outbound leg to the user it dialled (user/<ext>@<domain>). The
         * caller's sip_from_user is on both legs, so it names neither. */
        if (c->direction == FS_DIRECTION_OUTBOUND) {
                copy_to(c->user, sizeof(c->user), get(l, "variable_dialed_user"));
                copy_to(c->realm, sizeof(c->realm), get(l, "variable_dialed_domain"));
        } else {
                copy_to(c->user, sizeof(c->user), get(l, "variable_user_name"));
                copy_to(c->realm, sizeof(c->realm), get(l, "variable_domain_name"));
        }
        copy_to(c->tenant_id, sizeof(c->tenant_id), get(l, "variable_tenant_id"));
        c->created_us = to_i64(get(l, "Caller-Channel-Created-Time"));
        c->answered_us = to_i64(get(l, "Caller-Channel-Answered-Time"));
        c->hangup_us = to_i64(get(l, "Caller-Channel-Hangup-Time"));
        copy_to(c->hangup_cause, sizeof(c->hangup_cause), get(l, "Hangup-Cause"));
        copy_to(c->read_codec, sizeof(c->read_codec),
                get2(l, "variable_read_codec", "Channel-Read-Codec-Name"));
        copy_to(c->write_codec, sizeof(c->write_codec),
                get2(l, "variable_write_codec", "Channel-Write-Codec-Name"));
        copy_to(c->rtp_codec, sizeof(c->rtp_codec), get(l, "variable_rtp_use_codec_name"));
        mos = get(l, "variable_rtp_audio_in_mos");
        c->mos = mos && *mos ? strtod(mos, NULL) : -1;
}

static enum fs_cc_action cc_action_of(const char *s)
{
        static const struct {
                const char *name;
                enum fs_cc_action action;
        } actions[] = {
                { "agent-status-change", FS_CC_AGENT_STATUS_CHANGE },
                { "agent-state-change", FS_CC_AGENT_STATE_CHANGE },
                { "agent-offering", FS_CC_AGENT_OFFERING },
                { "bridge-agent-start", FS_CC_BRIDGE_AGENT_START },
                { "bridge-agent-end", FS_CC_BRIDGE_AGENT_END },
                { "bridge-agent-fail", FS_CC_BRIDGE_AGENT_FAIL },
                { "agent-max-no-answer", FS_CC_AGENT_MAX_NO_ANSWER },
                { "member-queue-start", FS_CC_MEMBER_QUEUE_START },
                { "member-queue-resume", FS_CC_MEMBER_QUEUE_RESUME },
                { "member-queue-end", FS_CC_MEMBER_QUEUE_END },
        };

        for (size_t i = 0; s && i < sizeof(actions) / sizeof(actions[0]); i++)
                if (strcmp(s, actions[i].name) == 0)
                        return actions[i].action;
        return FS_CC_OTHER;
}

static void callcenter_from(const struct lines *l, struct fs_callcenter *c)
{
        const char *action = get(l, "CC-Action");

        c->action = cc_action_of(action);
        copy_to(c->action_name, sizeof(c->action_name), action);
        copy_to(c->queue, sizeof(c->queue), get(l, "CC-Queue"));
        copy_to(c->agent, sizeof(c->agent), get(l, "CC-Agent"));
        copy_to(c->agent_status, sizeof(c->agent_status),
                get2(l, "CC-Agent-Status", "CC-Agent-No-Answer-Status"));
        copy_to(c->agent_state, sizeof(c->agent_state), get(l, "CC-Agent-State"));
        copy_to(c->agent_uuid, sizeof(c->agent_uuid), get(l, "CC-Agent-UUID"));
        copy_to(c->member_uuid, sizeof(c->member_uuid), get(l, "CC-Member-UUID"));
        copy_to(c->member_session_uuid, sizeof(c->member_session_uuid),
                get(l, "CC-Member-Session-UUID"));
        copy_to(c->caller_number, sizeof(c->caller_number), get(l, "CC-Member-CID-Number"));
        copy_to(c->caller_name, sizeof(c->caller_name), get(l, "CC-Member-CID-Name"));
        copy_to(c->cause, sizeof(c->cause), get(l, "CC-Cause"));
        copy_to(c->cancel_reason, sizeof(c->cancel_reason), get(l, "CC-Cancel-Reason"));
        copy_to(c->hangup_cause, sizeof(c->hangup_cause), get(l, "CC-Hangup-Cause"));
        c->joined_at = to_i64(get(l, "CC-Member-Joined-Time"));
        c->answered_at = to_i64(get(l, "CC-Agent-Answered-Time"));
        c->leaving_at = to_i64(get2(l, "CC-Member-Leaving-Time", "CC-Bridge-Terminated-Time"));
        c->no_answer_count = (long)to_i64(get(l, "CC-Agent-No-Answer-Count"));
        c->not_bridged = get(l, "CC-Agent-Bridged") && strcmp(get(l, "CC-Agent-Bridged"), "false") == 0;
}

enum result fs_event_parse(const struct esl_frame *frame, struct fs_event *ret)
{
        const char *type = esl_frame_header(frame, "Content-Type");
        const char *name, *v;
        struct lines l;
        enum result result;

        memset(ret, 0, sizeof(*ret));
        if (!type || strcmp(type, "text/event-plain") != 0 || !frame->body)
                return RESULT_PROTOCOL;
        result = lines_split(frame->body, frame->body_len, &l);
        if (result != RESULT_OK)
                return result;
        name = get(&l, "Event-Name");
        if (!name || !*name) {
                lines_clear(&l);
                return RESULT_PROTOCOL;
        }
        if (strcmp(name, "CUSTOM") == 0 && (v = get(&l, "Event-Subclass")) && *v)
                name = v;
        copy_to(ret->name, sizeof(ret->name), name);
        ret->kind = kind_of(name);
        ret->sequence = (uint64_t)to_i64(get(&l, "Event-Sequence"));
        ret->timestamp_us = to_i64(get(&l, "Event-Date-Timestamp"));
        copy_to(ret->core_uuid, sizeof(ret->core_uuid), get(&l, "Core-UUID"));
        switch (ret->kind) {
        case FS_EVENT_REGISTER:
        case FS_EVENT_UNREGISTER:
        case FS_EVENT_EXPIRE:
                registration_from(&l, ret->kind, &ret->u.reg);
                break;
        case FS_EVENT_CHANNEL_CREATE:
        case FS_EVENT_CHANNEL_ANSWER:
        case FS_EVENT_CHANNEL_BRIDGE:
        case FS_EVENT_CHANNEL_HANGUP_COMPLETE:
                channel_from(&l, &ret->u.channel);
                break;
        case FS_EVENT_CALLCENTER:
                callcenter_from(&l, &ret->u.cc);
                break;
        case FS_EVENT_OTHER:
                break;
        }
        lines_clear(&l);
        return RESULT_OK;
}

/* ---- sofia xmlstatus profile <p> reg ------------------------------------ */

/* The text of <tag>…</tag> inside [from, to), entities decoded, into dst;
 * "" when absent. */
static void xml_text(const char *from, const char *to, const char *tag, char *dst, size_t size)
{
        char open[64], close[64];
        const char *a, *b;
        size_t o = 0;

        dst[0] = '\0';
        snprintf(open, sizeof(open), "<%s>", tag);
        snprintf(close, sizeof(close), "</%s>", tag);
        a = strstr(from, open);
        if (!a || a >= to)
                return;
        a += strlen(open);
        b = strstr(a, close);
        if (!b || b > to)
                return;
        while (a < b && o + 1 < size) {
                static const struct {
                        const char *entity;
                        char c;
                } entities[] = { { "&quot;", '"' }, { "&lt;", '<' }, { "&gt;", '>' },
                                 { "&amp;", '&' }, { "&apos;", '\'' } };
                bool done = false;

                if (*a == '&') {
                        for (size_t i = 0; i < sizeof(entities) / sizeof(entities[0]); i++) {
                                size_t n = strlen(entities[i].entity);

                                if ((size_t)(b - a) >= n && strncmp(a, entities[i].entity, n) == 0) {
                                        dst[o++] = entities[i].c;
                                        a += n;
                                        done = true;
                                        break;
                                }
                        }
                }
                if (!done)
                        dst[o++] = *a++;
        }
        dst[o] = '\0';
}

enum result fs_registrations_parse(const char *body,
                                   void (*fn)(void *userdata, const struct fs_registration *reg),
                                   void *userdata)
{
        const char *p, *end;

        if (!body || !(p = strstr(body, "<profile>")) || !strstr(p, "</profile>"))
                return RESULT_PROTOCOL;
        end = strstr(p, "</profile>");
        while ((p = strstr(p, "<registration>")) && p < end) {
                const char *stop = strstr(p, "</registration>");
                struct fs_registration r = { 0 };
                char user[320], status[256], port[16];
                const char *secs;

                if (!stop || stop > end)
                        return RESULT_PROTOCOL;
                xml_text(p, stop, "sip-auth-user", r.user, sizeof(r.user));
                xml_text(p, stop, "sip-auth-realm", r.realm, sizeof(r.realm));
                xml_text(p, stop, "user", user, sizeof(user));
                if (!r.user[0] || !r.realm[0]) {
                        char *at = strchr(user, '@');

                        if (at) {
                                *at = '\0';
                                copy_to(r.realm, sizeof(r.realm), at + 1);
                        }
                        copy_to(r.user, sizeof(r.user), user);
                }
                xml_text(p, stop, "call-id", r.call_id, sizeof(r.call_id));
                xml_text(p, stop, "contact", r.contact, sizeof(r.contact));
                xml_text(p, stop, "agent", r.user_agent, sizeof(r.user_agent));
                xml_text(p, stop, "network-ip", r.network_ip, sizeof(r.network_ip));
                xml_text(p, stop, "network-port", port, sizeof(port));
                r.network_port = (unsigned)strtoul(port, NULL, 10);
                xml_text(p, stop, "status", status, sizeof(status));
                secs = strstr(status, "expsecs(");
                r.expires = secs ? strtol(secs + 8, NULL, 10) : 0;
                if (r.user[0])
                        fn(userdata, &r);
                p = stop;
        }
        return RESULT_OK;
}

/* ---- show channels as json ---------------------------------------------- */

static void row_text(json_t *row, const char *key, char *dst, size_t size)
{
        const char *v = json_string_value(json_object_get(row, key));

        copy_to(dst, size, v);
}

enum result fs_channels_parse(const char *body,
                              void (*fn)(void *userdata, const struct fs_channel *channel),
                              void *userdata)
{
        json_t *doc, *rows, *count;
        size_t i;
        json_t *row;

        if (!body)
                return RESULT_PROTOCOL;
        doc = json_loads(body, JSON_REJECT_DUPLICATES, NULL);
        count = doc ? json_object_get(doc, "row_count") : NULL;
        if (!json_is_integer(count) || json_integer_value(count) < 0) {
                json_decref(doc);
                return RESULT_PROTOCOL;
        }
        rows = json_object_get(doc, "rows");
        if (json_integer_value(count) > 0 && !json_is_array(rows)) {
                json_decref(doc);
                return RESULT_PROTOCOL;
        }
        json_array_foreach(rows, i, row) {
                struct fs_channel c = { .mos = -1 };
                const char *callstate;

                if (!json_is_object(row)) {
                        json_decref(doc);
                        return RESULT_PROTOCOL;
                }
                row_text(row, "uuid", c.uuid, sizeof(c.uuid));
                row_text(row, "call_uuid", c.call_uuid, sizeof(c.call_uuid));
                c.direction = direction_of(json_string_value(json_object_get(row, "direction")));
                row_text(row, "cid_num", c.caller_number, sizeof(c.caller_number));
                row_text(row, "cid_name", c.caller_name, sizeof(c.caller_name));
                row_text(row, "dest", c.destination, sizeof(c.destination));
                row_text(row, "callee_num", c.callee_number, sizeof(c.callee_number));
                row_text(row, "context", c.context, sizeof(c.context));
                row_text(row, "read_codec", c.read_codec, sizeof(c.read_codec));
                row_text(row, "write_codec", c.write_codec, sizeof(c.write_codec));
                split_presence(json_string_value(json_object_get(row, "presence_id")), &c);
                c.created_us = to_i64(json_string_value(json_object_get(row, "created_epoch"))) *
                               1000000;
                /* The listing has no answer time; an answered channel is
                 * ACTIVE (or HELD), and its answer is no later than now. */
                callstate = json_string_value(json_object_get(row, "callstate"));
                if (callstate && (strcmp(callstate, "ACTIVE") == 0 || strcmp(callstate, "HELD") == 0))
                        c.answered_us = c.created_us;
                if (c.uuid[0])
                        fn(userdata, &c);
        }
        json_decref(doc);
        return RESULT_OK;
}
