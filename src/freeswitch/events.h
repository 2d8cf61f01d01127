/*
 * What FreeSWITCH's events say, parsed: the registration events of
 * mod_sofia (CUSTOM sofia::register, sofia::unregister, sofia::expire),
 * the channel events (CHANNEL_CREATE, CHANNEL_ANSWER, CHANNEL_BRIDGE,
 * CHANNEL_HANGUP_COMPLETE) of an `event plain` subscription, mod_callcenter's
 * CUSTOM callcenter::info (docs/freeswitch.md, "Queues": what each CC-Action
 * carries), and the two listings read after every (re)connect to start
 * from the node's truth: `sofia xmlstatus profile <p> reg` and `show
 * channels as json` (mod_callcenter's own listings are parsed by
 * freeswitch/callcenter.h).
 *
 * Pure: no I/O, no state (fuzzable). Values are URL-decoded (event-plain
 * encodes every header value) and copied into fixed fields, cut at their
 * size; a field FreeSWITCH did not send is "" (numbers 0).
 *
 * The subscription, `CUSTOM` last: mod_event_socket reads every word after
 * it as a subclass, so an event named after it never arrives.
 */
#ifndef AGENTDESK_FREESWITCH_EVENTS_H
#define AGENTDESK_FREESWITCH_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "freeswitch/esl.h"
#include "util/result.h"

#define FS_EVENTS_SUBSCRIPTION                                                           \
        "event plain CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_HANGUP_COMPLETE " \
        "CUSTOM sofia::register sofia::unregister sofia::expire callcenter::info"

enum fs_event_kind {
        FS_EVENT_OTHER,                  /* any other event: ignored */
        FS_EVENT_REGISTER,               /* sofia::register (also a refresh) */
        FS_EVENT_UNREGISTER,             /* sofia::unregister */
        FS_EVENT_EXPIRE,                 /* sofia::expire */
        FS_EVENT_CHANNEL_CREATE,
        FS_EVENT_CHANNEL_ANSWER,
        FS_EVENT_CHANNEL_BRIDGE,
        FS_EVENT_CHANNEL_HANGUP_COMPLETE,
        FS_EVENT_CALLCENTER,             /* callcenter::info (mod_callcenter) */
};

/* One registration: from a sofia:: event or a row of the xmlstatus listing. */
struct fs_registration {
        char user[64];                   /* the extension: username / sip-auth-user */
        char realm[256];                 /* realm / sip-auth-realm */
        char call_id[256];
        char contact[512];               /* decoded: "" <sip:2001@127.0.0.1:5060> */
        char network_ip[64];
        unsigned network_port;
        char user_agent[256];
        char profile[64];                /* profile-name ("" in the listing) */
        long expires;                    /* seconds from now; 0 when unregistered */
};

enum fs_call_direction {
        FS_DIRECTION_UNKNOWN,
        FS_DIRECTION_INBOUND,            /* Call-Direction: inbound (FreeSWITCH received this leg) */
        FS_DIRECTION_OUTBOUND,           /* FreeSWITCH placed this leg */
};

/* One channel (leg): from a CHANNEL_* event or a row of `show channels`. */
struct fs_channel {
        char uuid[64];                   /* Unique-ID */
        char call_uuid[64];              /* Channel-Call-UUID: the legs of one call share it,
                                            but for an outbound leg's HANGUP_COMPLETE, which
                                            carries the leg's own Unique-ID (recorded) */
        char other_uuid[64];             /* Other-Leg-Unique-ID, when bridged */
        enum fs_call_direction direction;
        char caller_number[64];          /* Caller-Caller-ID-Number */
        char caller_name[128];           /* Caller-Caller-ID-Name */
        char destination[64];            /* Caller-Destination-Number */
        char callee_number[64];          /* Caller-Callee-ID-Number, when known */
        char context[128];               /* Caller-Context */
        char user[64];                   /* the user of this leg: inbound (from a phone) the one it
                                            authenticated as, variable_user_name; outbound (to a
                                            phone) the one dialled, variable_dialed_user; in the
                                            listing, presence_id's user; "" when none */
        char realm[256];                 /* variable_domain_name / variable_dialed_domain */
        char tenant_id[24];              /* variable_tenant_id, as FreeSWITCH has it ("" when none) */
        int64_t created_us;              /* Caller-Channel-Created-Time (µs since the epoch), 0 */
        int64_t answered_us;             /* Caller-Channel-Answered-Time, 0 when not answered; in
                                            the listing (no answer time) created_us when ACTIVE or HELD */
        int64_t hangup_us;               /* Caller-Channel-Hangup-Time, 0 */
        char hangup_cause[64];           /* Hangup-Cause (CHANNEL_HANGUP_COMPLETE) */
        char read_codec[32];             /* variable_read_codec / Channel-Read-Codec-Name */
        char write_codec[32];
        char rtp_codec[32];              /* variable_rtp_use_codec_name: the codec negotiated on
                                            the wire (read_codec may be FreeSWITCH's own, L16) */
        double mos;                      /* variable_rtp_audio_in_mos; < 0 when absent */
};

/* mod_callcenter's CC-Action values that agentdesk reads (FS_CC_OTHER: any
 * other, such as agent-add or members-count: ignored). */
enum fs_cc_action {
        FS_CC_OTHER,
        FS_CC_AGENT_STATUS_CHANGE,       /* CC-Agent, CC-Agent-Status */
        FS_CC_AGENT_STATE_CHANGE,        /* CC-Agent, CC-Agent-State (no CC-Queue) */
        FS_CC_AGENT_OFFERING,            /* an offer rings: CC-Queue, CC-Agent, the member */
        FS_CC_BRIDGE_AGENT_START,        /* the agent answered: the member, times */
        FS_CC_BRIDGE_AGENT_END,          /* that call ended (the member leaves too) */
        FS_CC_BRIDGE_AGENT_FAIL,         /* the offer failed: CC-Hangup-Cause */
        FS_CC_AGENT_MAX_NO_ANSWER,       /* CC-Agent-No-Answer-Count, -Status: it follows */
        FS_CC_MEMBER_QUEUE_START,        /* a caller entered CC-Queue */
        FS_CC_MEMBER_QUEUE_RESUME,       /* a caller came back (abandoned-resume-allowed) */
        FS_CC_MEMBER_QUEUE_END,          /* a caller left: CC-Cause Terminated (after a
                                            bridge) or Cancel (CC-Cancel-Reason) */
};

/* One callcenter::info event. Times are epoch seconds (0: not sent). */
struct fs_callcenter {
        enum fs_cc_action action;
        char action_name[48];            /* CC-Action as sent */
        char queue[128];                 /* CC-Queue: "q12" for agentdesk's ("" when none) */
        char agent[64];                  /* CC-Agent: "u7" for agentdesk's */
        char agent_status[32];           /* CC-Agent-Status ("On Break"); with max-no-answer,
                                            CC-Agent-No-Answer-Status */
        char agent_state[32];            /* CC-Agent-State ("In a queue call") */
        char agent_uuid[64];             /* CC-Agent-UUID: the agent's leg, once bridged */
        char member_uuid[64];            /* CC-Member-UUID: the caller's place in the queue */
        char member_session_uuid[64];    /* CC-Member-Session-UUID: the caller's channel */
        char caller_number[64];          /* CC-Member-CID-Number */
        char caller_name[128];           /* CC-Member-CID-Name */
        char cause[32];                  /* CC-Cause: Terminated, Cancel */
        char cancel_reason[48];          /* CC-Cancel-Reason: NO_AGENT_TIMEOUT, TIMEOUT, … */
        char hangup_cause[64];           /* CC-Hangup-Cause */
        int64_t joined_at;               /* CC-Member-Joined-Time */
        int64_t answered_at;             /* CC-Agent-Answered-Time */
        int64_t leaving_at;              /* CC-Member-Leaving-Time / CC-Bridge-Terminated-Time */
        long no_answer_count;            /* CC-Agent-No-Answer-Count */
        bool not_bridged;                /* CC-Agent-Bridged: false (bridge-agent-end of an
                                            answered offer whose caller had gone) */
};

struct fs_event {
        enum fs_event_kind kind;
        char name[64];                   /* Event-Name, or the subclass for CUSTOM */
        uint64_t sequence;               /* Event-Sequence */
        int64_t timestamp_us;            /* Event-Date-Timestamp (µs since the epoch) */
        char core_uuid[64];              /* Core-UUID: changes when FreeSWITCH restarts */
        union {
                struct fs_registration reg;   /* REGISTER, UNREGISTER, EXPIRE */
                struct fs_channel channel;    /* CHANNEL_* */
                struct fs_callcenter cc;      /* CALLCENTER */
        } u;
};

/*
 * Parses an event frame (esl_frame_kind ESL_FRAME_EVENT, text/event-plain:
 * its body is the event's own header lines) into *ret. RESULT_OK, also for
 * an event of no interest (kind FS_EVENT_OTHER); RESULT_PROTOCOL for a
 * frame that is no event-plain event or whose body is malformed (no
 * Event-Name, a line without ": ", a bad %-escape) — the caller recycles
 * the connection.
 */
enum result fs_event_parse(const struct esl_frame *frame, struct fs_event *ret);

/*
 * Calls fn with each registration of a `sofia xmlstatus profile <p> reg`
 * body (entities decoded; expires from "expsecs(N)"). RESULT_OK (also for
 * none), RESULT_PROTOCOL when the body is no such listing.
 */
enum result fs_registrations_parse(const char *body,
                                   void (*fn)(void *userdata, const struct fs_registration *reg),
                                   void *userdata);

/*
 * Calls fn with each channel of a `show channels as json` body
 * ({"row_count": N, "rows": [...]}, or "{\"row_count\":0}" when none).
 * RESULT_OK, RESULT_PROTOCOL when the body is no such listing.
 */
enum result fs_channels_parse(const char *body,
                              void (*fn)(void *userdata, const struct fs_channel *channel),
                              void *userdata);

#endif
