/*
 * What FreeSWITCH's events say, parsed: the registration events of
 * mod_sofia (CUSTOM sofia::register, sofia::unregister, sofia::expire),
 * the channel events (CHANNEL_CREATE, CHANNEL_ANSWER, CHANNEL_BRIDGE,
 * CHANNEL_HANGUP_COMPLETE) of an `event plain` subscription, and the two
 * listings read after every (re)connect to start from the node's truth:
 * `sofia xmlstatus profile <p> reg` and `show channels as json`.
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

#include <stddef.h>
#include <stdint.h>

#include "freeswitch/esl.h"
#include "util/result.h"

#define FS_EVENTS_SUBSCRIPTION                                                           \
        "event plain CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_HANGUP_COMPLETE " \
        "CUSTOM sofia::register sofia::unregister sofia::expire"

enum fs_event_kind {
        FS_EVENT_OTHER,                  /* any other event: ignored */
        FS_EVENT_REGISTER,               /* sofia::register (also a refresh) */
        FS_EVENT_UNREGISTER,             /* sofia::unregister */
        FS_EVENT_EXPIRE,                 /* sofia::expire */
        FS_EVENT_CHANNEL_CREATE,
        FS_EVENT_CHANNEL_ANSWER,
        FS_EVENT_CHANNEL_BRIDGE,
        FS_EVENT_CHANNEL_HANGUP_COMPLETE,
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
        double mos;                      /* variable_rtp_audio_in_mos; < 0 when absent */
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
