/*
 * FreeSWITCH's events and listings (freeswitch/events.c) from the frames a
 * real FreeSWITCH 1.11.1 sent (tests/fixtures/freeswitch-1.11/esl/, the
 * folder given as argv[1]): replayed whole, cut into every read size a
 * socket could hand over, several frames in one read; then garbage, which
 * must be a clear RESULT_PROTOCOL and never a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "freeswitch/esl.h"
#include "freeswitch/events.h"
#include "recorded.h"

static const char *fixtures;

struct gather {
        char want;
        char *out;
        size_t o;
};

static void gather(char d, const char *bytes, size_t n, void *ctx)
{
        struct gather *g = ctx;

        if (d == g->want) {
                memcpy(g->out + g->o, bytes, n);
                g->o += n;
        }
}

/* The bytes the server ("S") sent in a fixture file, back to back; the
 * client's blocks when want is 'C'. */
static char *server_bytes(const char *name, char want, size_t *ret_len)
{
        struct gather g = { want, malloc(1 << 20), 0 };

        recorded_blocks(fixtures, name, gather, &g);
        g.out[g.o] = '\0';
        *ret_len = g.o;
        return g.out;
}

/* Splits bytes into frames as a connection reading chunk bytes at a time
 * would (the buffer grows by a read, frames are taken while whole), and
 * parses every event frame; returns how many events, filling ev[]. */
static int replay(const char *bytes, size_t len, size_t chunk, struct fs_event *ev, int max)
{
        char *buf = malloc(len + 1);
        size_t have = 0, fed = 0;
        int n = 0;

        while (fed < len || have) {
                struct esl_frame f = { 0 };
                size_t used = 0;
                size_t take = len - fed < chunk ? len - fed : chunk;

                memcpy(buf + have, bytes + fed, take);
                have += take;
                fed += take;
                while (have) {
                        CHECK_INT_EQ(esl_frame_parse(buf, have, &f, &used), RESULT_OK);
                        if (!used)
                                break;
                        if (esl_frame_kind(&f) == ESL_FRAME_EVENT && n < max) {
                                CHECK_INT_EQ(fs_event_parse(&f, &ev[n]), RESULT_OK);
                                n++;
                        }
                        esl_frame_clear(&f);
                        memmove(buf, buf + used, have - used);
                        have -= used;
                }
                if (!take && have)
                        break;   /* a partial frame at the end: not ours */
        }
        free(buf);
        return n;
}

static void test_registration_events(void)
{
        static const size_t chunks[] = { 1, 2, 7, 64, 1000, 1 << 20 };
        size_t len;
        char *bytes = server_bytes("events-plain.txt", 'S', &len);
        struct fs_event ev[8];

        for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
                CHECK_INT_EQ(replay(bytes, len, chunks[c], ev, 8), 5);
                CHECK_INT_EQ(ev[0].kind, FS_EVENT_REGISTER);
                CHECK_STR_EQ(ev[0].name, "sofia::register");
                CHECK_STR_EQ(ev[0].u.reg.user, "10003");
                CHECK_STR_EQ(ev[0].u.reg.realm, "a.example");
                CHECK_STR_EQ(ev[0].u.reg.contact, "\"\" <sip:10003@127.0.0.1:49114>");
                CHECK_STR_EQ(ev[0].u.reg.call_id, "978eaa3cf1f151a25b92");
                CHECK_STR_EQ(ev[0].u.reg.network_ip, "127.0.0.1");
                CHECK_INT_EQ(ev[0].u.reg.network_port, 49114);
                CHECK_STR_EQ(ev[0].u.reg.user_agent, "agentdesk-test");
                CHECK_STR_EQ(ev[0].u.reg.profile, "internal");
                CHECK_INT_EQ(ev[0].u.reg.expires, 600);
                CHECK_INT_EQ(ev[0].sequence, 438);
                CHECK_INT_EQ(ev[0].timestamp_us, 1795850866166519LL);
                CHECK_STR_EQ(ev[0].core_uuid, "8ca5f138-6100-4438-8d5e-02159870568a");
                CHECK_INT_EQ(ev[1].kind, FS_EVENT_UNREGISTER);
                CHECK_STR_EQ(ev[1].u.reg.user, "10003");
                CHECK_INT_EQ(ev[1].u.reg.expires, 0);
                /* sofia::expire's "expires" is an epoch second, not a span. */
                CHECK_INT_EQ(ev[2].kind, FS_EVENT_EXPIRE);
                CHECK_STR_EQ(ev[2].u.reg.user, "10004");
                CHECK_STR_EQ(ev[2].u.reg.realm, "a.example");
                CHECK_INT_EQ(ev[2].u.reg.expires, 0);
                CHECK_INT_EQ(ev[3].kind, FS_EVENT_CHANNEL_ANSWER);
                CHECK_INT_EQ(ev[4].kind, FS_EVENT_CHANNEL_HANGUP_COMPLETE);
        }
        free(bytes);
}

/* One agent-to-agent call, 10003 calls 10004: each leg names its agent. */
static void test_call_events(void)
{
        size_t len;
        char *bytes = server_bytes("events-call.txt", 'S', &len);
        struct fs_event ev[16];
        const char *a_leg, *b_leg;

        CHECK_INT_EQ(replay(bytes, len, len, ev, 16), 7);
        CHECK_INT_EQ(ev[0].kind, FS_EVENT_CHANNEL_CREATE);
        CHECK_INT_EQ(ev[0].u.channel.direction, FS_DIRECTION_INBOUND);
        CHECK_STR_EQ(ev[0].u.channel.user, "10003");
        CHECK_STR_EQ(ev[0].u.channel.realm, "a.example");
        CHECK_STR_EQ(ev[0].u.channel.tenant_id, "1");
        CHECK_STR_EQ(ev[0].u.channel.destination, "10004");
        CHECK_STR_EQ(ev[0].u.channel.caller_number, "10003");
        CHECK_STR_EQ(ev[0].u.channel.context, "tenant_1");
        CHECK_INT_EQ(ev[0].u.channel.answered_us, 0);
        CHECK(ev[0].u.channel.created_us > 0);
        CHECK(ev[0].u.channel.mos < 0);
        a_leg = ev[0].u.channel.uuid;
        CHECK_STR_EQ(ev[0].u.channel.call_uuid, a_leg);

        CHECK_INT_EQ(ev[1].kind, FS_EVENT_CHANNEL_CREATE);
        CHECK_INT_EQ(ev[1].u.channel.direction, FS_DIRECTION_OUTBOUND);
        CHECK_STR_EQ(ev[1].u.channel.user, "10004");   /* not sip_from_user, the caller */
        CHECK_STR_EQ(ev[1].u.channel.realm, "a.example");
        CHECK_STR_EQ(ev[1].u.channel.call_uuid, a_leg);
        CHECK_STR_EQ(ev[1].u.channel.other_uuid, a_leg);
        b_leg = ev[1].u.channel.uuid;

        for (int i = 2; i < 4; i++) {
                CHECK_INT_EQ(ev[i].kind, FS_EVENT_CHANNEL_ANSWER);
                CHECK(ev[i].u.channel.answered_us > 0);
                CHECK_STR_EQ(ev[i].u.channel.read_codec, "PCMU");
        }
        CHECK_INT_EQ(ev[4].kind, FS_EVENT_CHANNEL_BRIDGE);
        CHECK_STR_EQ(ev[4].u.channel.uuid, a_leg);
        CHECK_STR_EQ(ev[4].u.channel.other_uuid, b_leg);

        for (int i = 5; i < 7; i++) {
                CHECK_INT_EQ(ev[i].kind, FS_EVENT_CHANNEL_HANGUP_COMPLETE);
                CHECK_STR_EQ(ev[i].u.channel.hangup_cause, "NORMAL_CLEARING");
                CHECK(ev[i].u.channel.hangup_us >= ev[i].u.channel.answered_us);
                CHECK(ev[i].u.channel.mos > 4.49 && ev[i].u.channel.mos < 4.51);
                CHECK_STR_EQ(ev[i].u.channel.write_codec, "PCMU");
                CHECK_STR_EQ(ev[i].u.channel.rtp_codec, "PCMU");
        }
        /* The outbound leg's hangup carries its own uuid as the call's. */
        CHECK_STR_EQ(ev[5].u.channel.uuid, b_leg);
        CHECK_STR_EQ(ev[5].u.channel.user, "10004");
        CHECK_STR_EQ(ev[5].u.channel.call_uuid, b_leg);
        CHECK_STR_EQ(ev[6].u.channel.uuid, a_leg);
        CHECK_STR_EQ(ev[6].u.channel.user, "10003");
        free(bytes);
}

struct regs {
        struct fs_registration r[4];
        int n;
};

static void keep_reg(void *userdata, const struct fs_registration *reg)
{
        struct regs *regs = userdata;

        if (regs->n < 4)
                regs->r[regs->n] = *reg;
        regs->n++;
}

/* The api/response bodies of a fixture, in order. */
static int bodies(const char *name, char **ret, int max)
{
        size_t len, off = 0;
        char *bytes = server_bytes(name, 'S', &len);
        int n = 0;

        while (off < len && n < max) {
                struct esl_frame f = { 0 };
                size_t used = 0;

                CHECK_INT_EQ(esl_frame_parse(bytes + off, len - off, &f, &used), RESULT_OK);
                if (!used)
                        break;
                if (esl_frame_kind(&f) == ESL_FRAME_API_RESPONSE)
                        ret[n++] = strdup(f.body);
                esl_frame_clear(&f);
                off += used;
        }
        free(bytes);
        return n;
}

/* mod_callcenter's callcenter::info, as the static queue support@default
 * sent them (record_callcenter_events.py): u1 answers Alice, who hangs up; u2
 * misses Bob's offer (max_no_answer 1) and is set On Break; Bob gives up. */
static void test_callcenter_events(void)
{
        static const size_t chunks[] = { 1, 13, 4096, 1 << 20 };
        size_t len;
        char *bytes = server_bytes("events-callcenter.txt", 'S', &len);
        struct fs_event ev[32];
        const struct fs_callcenter *c;

        for (size_t k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
                CHECK_INT_EQ(replay(bytes, len, chunks[k], ev, 32), 27);
                for (int i = 0; i < 27; i++) {
                        CHECK_INT_EQ(ev[i].kind, FS_EVENT_CALLCENTER);
                        CHECK_STR_EQ(ev[i].name, "callcenter::info");
                        CHECK(ev[i].timestamp_us > 0);
                }
                /* agent-add, members-count: read, of no interest */
                CHECK_INT_EQ(ev[0].u.cc.action, FS_CC_OTHER);
                CHECK_STR_EQ(ev[0].u.cc.action_name, "agent-add");
                CHECK_INT_EQ(ev[4].u.cc.action, FS_CC_OTHER);
                c = &ev[2].u.cc;
                CHECK_INT_EQ(c->action, FS_CC_AGENT_STATUS_CHANGE);
                CHECK_STR_EQ(c->agent, "u1");
                CHECK_STR_EQ(c->agent_status, "Available");
                c = &ev[3].u.cc;
                CHECK_INT_EQ(c->action, FS_CC_MEMBER_QUEUE_START);
                CHECK_STR_EQ(c->queue, "support@default");
                CHECK_STR_EQ(c->member_uuid, "f54d2a04-1cad-452e-94c3-a20e86b88c57");
                CHECK_STR_EQ(c->member_session_uuid, "9dd983d0-cb3f-4d86-babc-03ee4c526e21");
                CHECK_STR_EQ(c->caller_number, "5551001");
                CHECK_STR_EQ(c->caller_name, "Alice");
                CHECK_INT_EQ(c->joined_at, 0);   /* not sent: the event's own time */
                c = &ev[5].u.cc;
                CHECK_INT_EQ(c->action, FS_CC_AGENT_STATE_CHANGE);
                CHECK_STR_EQ(c->agent_state, "Receiving");
                CHECK_STR_EQ(c->queue, "");
                c = &ev[6].u.cc;
                CHECK_INT_EQ(c->action, FS_CC_AGENT_OFFERING);
                CHECK_STR_EQ(c->agent, "u1");
                CHECK_STR_EQ(c->queue, "support@default");
                CHECK_STR_EQ(c->member_uuid, "f54d2a04-1cad-452e-94c3-a20e86b88c57");
                c = &ev[7].u.cc;
                CHECK_INT_EQ(c->action, FS_CC_BRIDGE_AGENT_START);
                CHECK_STR_EQ(c->agent_uuid, "24415da0-4f39-4fc9-aa43-12cc66d0f4c4");
                CHECK_INT_EQ(c->joined_at, 1796608623);
                CHECK_INT_EQ(c->answered_at, 1796608623);
                CHECK_STR_EQ(ev[9].u.cc.agent_state, "In a queue call");
                c = &ev[10].u.cc;
                CHECK_INT_EQ(c->action, FS_CC_BRIDGE_AGENT_END);
                CHECK_STR_EQ(c->hangup_cause, "SUCCESS");
                CHECK_INT_EQ(c->leaving_at, 1796608627);
                CHECK(!c->not_bridged);          /* CC-Agent-Bridged: true */
                c = &ev[11].u.cc;
                CHECK_INT_EQ(c->action, FS_CC_MEMBER_QUEUE_END);
                CHECK_STR_EQ(c->cause, "Terminated");
                CHECK_STR_EQ(c->agent, "u1");
                CHECK_INT_EQ(c->leaving_at, 1796608627);
                CHECK_STR_EQ(ev[13].u.cc.agent_status, "Logged Out");
                c = &ev[21].u.cc;
                CHECK_INT_EQ(c->action, FS_CC_AGENT_MAX_NO_ANSWER);
                CHECK_STR_EQ(c->agent, "u2");
                CHECK_INT_EQ(c->no_answer_count, 1);
                CHECK_STR_EQ(c->agent_status, "On Break");
                c = &ev[22].u.cc;
                CHECK_INT_EQ(c->action, FS_CC_AGENT_STATUS_CHANGE);
                CHECK_STR_EQ(c->agent_status, "On Break");
                c = &ev[23].u.cc;
                CHECK_INT_EQ(c->action, FS_CC_BRIDGE_AGENT_FAIL);
                CHECK_STR_EQ(c->hangup_cause, "NO_ANSWER");
                c = &ev[25].u.cc;
                CHECK_INT_EQ(c->action, FS_CC_MEMBER_QUEUE_END);
                CHECK_STR_EQ(c->cause, "Cancel");
                CHECK_STR_EQ(c->caller_number, "5551002");
                CHECK_STR_EQ(c->agent, "");
        }
        free(bytes);
}

static void test_registration_listing(void)
{
        char *body[2];
        struct regs regs = { 0 };

        CHECK_INT_EQ(bodies("sofia-xmlstatus-reg.txt", body, 2), 1);
        CHECK_INT_EQ(fs_registrations_parse(body[0], keep_reg, &regs), RESULT_OK);
        CHECK_INT_EQ(regs.n, 2);
        CHECK_STR_EQ(regs.r[0].user, "10003");
        CHECK_STR_EQ(regs.r[0].realm, "a.example");
        CHECK_STR_EQ(regs.r[0].contact, "\"\" <sip:10003@127.0.0.1:39862>");
        CHECK_STR_EQ(regs.r[0].user_agent, "agentdesk-test");
        CHECK_STR_EQ(regs.r[0].network_ip, "127.0.0.1");
        CHECK_INT_EQ(regs.r[0].network_port, 39862);
        CHECK_INT_EQ(regs.r[0].expires, 660);
        CHECK_STR_EQ(regs.r[0].call_id, "0f326c4f2408a42cf2a5");
        CHECK_STR_EQ(regs.r[1].user, "10004");
        CHECK(strstr(regs.r[1].contact, "transport=ws") != NULL);
        free(body[0]);

        regs.n = 0;
        CHECK_INT_EQ(fs_registrations_parse("<profile>\n<registrations>\n</registrations>\n</profile>",
                                            keep_reg, &regs), RESULT_OK);
        CHECK_INT_EQ(regs.n, 0);
        CHECK_INT_EQ(fs_registrations_parse("Invalid Profile [nope]", keep_reg, &regs),
                     RESULT_PROTOCOL);
        CHECK_INT_EQ(fs_registrations_parse("<profile><registration><user>1@a</user></profile>",
                                            keep_reg, &regs), RESULT_PROTOCOL);
}

struct chans {
        struct fs_channel c[4];
        int n;
};

static void keep_chan(void *userdata, const struct fs_channel *c)
{
        struct chans *chans = userdata;

        if (chans->n < 4)
                chans->c[chans->n] = *c;
        chans->n++;
}

static void test_channel_listing(void)
{
        char *body[2];
        struct chans chans = { 0 };

        CHECK_INT_EQ(bodies("show-channels-json.txt", body, 2), 2);
        CHECK_INT_EQ(fs_channels_parse(body[0], keep_chan, &chans), RESULT_OK);
        CHECK_INT_EQ(chans.n, 2);
        CHECK_STR_EQ(chans.c[0].user, "10003");
        CHECK_STR_EQ(chans.c[0].realm, "a.example");
        CHECK_INT_EQ(chans.c[0].direction, FS_DIRECTION_INBOUND);
        CHECK_STR_EQ(chans.c[1].user, "10004");
        CHECK_INT_EQ(chans.c[1].direction, FS_DIRECTION_OUTBOUND);
        CHECK_STR_EQ(chans.c[0].call_uuid, chans.c[1].call_uuid);
        CHECK_STR_EQ(chans.c[0].call_uuid, chans.c[0].uuid);
        CHECK(chans.c[0].created_us > 0 && chans.c[0].answered_us == chans.c[0].created_us);
        CHECK_STR_EQ(chans.c[1].read_codec, "PCMU");

        chans.n = 0;
        CHECK_INT_EQ(fs_channels_parse(body[1], keep_chan, &chans), RESULT_OK);
        CHECK_INT_EQ(chans.n, 0);
        free(body[0]);
        free(body[1]);

        CHECK_INT_EQ(fs_channels_parse("-ERR no reply", keep_chan, &chans), RESULT_PROTOCOL);
        CHECK_INT_EQ(fs_channels_parse("{\"rows\": []}", keep_chan, &chans), RESULT_PROTOCOL);
        CHECK_INT_EQ(fs_channels_parse("{\"row_count\": 1, \"rows\": 3}", keep_chan, &chans),
                     RESULT_PROTOCOL);
        CHECK_INT_EQ(fs_channels_parse("{\"row_count\": 1, \"rows\": [7]}", keep_chan, &chans),
                     RESULT_PROTOCOL);
}

/* An event frame around body. */
static enum result parse_body(const char *body, struct fs_event *ev)
{
        char frame[4096];
        struct esl_frame f = { 0 };
        size_t used = 0;
        enum result result;

        snprintf(frame, sizeof(frame), "Content-Length: %zu\nContent-Type: text/event-plain\n\n%s",
                 strlen(body), body);
        CHECK_INT_EQ(esl_frame_parse(frame, strlen(frame), &f, &used), RESULT_OK);
        result = fs_event_parse(&f, ev);
        esl_frame_clear(&f);
        return result;
}

static void test_garbage(void)
{
        struct fs_event ev;
        struct esl_frame f = { 0 };
        size_t used;
        char longer[2048];

        CHECK_INT_EQ(parse_body("Event-Name: HEARTBEAT\n\n", &ev), RESULT_OK);
        CHECK_INT_EQ(ev.kind, FS_EVENT_OTHER);
        CHECK_STR_EQ(ev.name, "HEARTBEAT");
        /* What follows the empty line is the event's own body: ignored. */
        CHECK_INT_EQ(parse_body("Event-Name: CUSTOM\nEvent-Subclass: sofia%3A%3Aexpire\n"
                                "username: 7\n\nnot: a header\nat all",
                                &ev), RESULT_OK);
        CHECK_INT_EQ(ev.kind, FS_EVENT_EXPIRE);
        CHECK_STR_EQ(ev.u.reg.user, "7");
        /* an answered offer whose caller had gone before the bridge */
        CHECK_INT_EQ(parse_body("Event-Name: CUSTOM\nEvent-Subclass: callcenter%3A%3Ainfo\n"
                                "CC-Action: bridge-agent-end\nCC-Agent: u7\n"
                                "CC-Agent-Bridged: false\n\n", &ev), RESULT_OK);
        CHECK_INT_EQ(ev.u.cc.action, FS_CC_BRIDGE_AGENT_END);
        CHECK(ev.u.cc.not_bridged);
        CHECK_INT_EQ(parse_body("no separator here\n\n", &ev), RESULT_PROTOCOL);
        CHECK_INT_EQ(parse_body(": no name\n\n", &ev), RESULT_PROTOCOL);
        CHECK_INT_EQ(parse_body("Event-Name: X\nA: 100%\n\n", &ev), RESULT_PROTOCOL);
        CHECK_INT_EQ(parse_body("Event-Name: X\nA: %4\n\n", &ev), RESULT_PROTOCOL);
        CHECK_INT_EQ(parse_body("Event-Name: X\nA: %zz\n\n", &ev), RESULT_PROTOCOL);
        CHECK_INT_EQ(parse_body("Event-Name: X\nA: a%00b\n\n", &ev), RESULT_PROTOCOL);
        CHECK_INT_EQ(parse_body("Event-Subclass: sofia::register\n\n", &ev), RESULT_PROTOCOL);
        CHECK_INT_EQ(parse_body("", &ev), RESULT_PROTOCOL);
        /* A value longer than its field is cut, still terminated. */
        memset(longer, 'u', sizeof(longer));
        memcpy(longer, "Event-Name: CUSTOM\nEvent-Subclass: sofia::register\nusername: ", 61);
        memcpy(longer + 1500, "\n\n", 3);
        CHECK_INT_EQ(parse_body(longer, &ev), RESULT_OK);
        CHECK_INT_EQ(strlen(ev.u.reg.user), sizeof(ev.u.reg.user) - 1);
        /* Not an event at all. */
        CHECK_INT_EQ(esl_frame_parse("Content-Type: api/response\nContent-Length: 3\n\n+OK", 49,
                                     &f, &used), RESULT_OK);
        CHECK_INT_EQ(fs_event_parse(&f, &ev), RESULT_PROTOCOL);
        esl_frame_clear(&f);
        CHECK_INT_EQ(esl_frame_parse("Content-Type: text/event-plain\n\n", 32, &f, &used),
                     RESULT_OK);
        CHECK_INT_EQ(fs_event_parse(&f, &ev), RESULT_PROTOCOL);   /* no body */
        esl_frame_clear(&f);
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                fprintf(stderr, "usage: test_fsevents FIXTURES_DIR\n");
                return 2;
        }
        fixtures = argv[1];
        test_registration_events();
        test_call_events();
        test_callcenter_events();
        test_registration_listing();
        test_channel_listing();
        test_garbage();
        return CHECK_DONE();
}
