/*
 * The XML documents agentdesk answers mod_xml_curl with (see
 * docs/freeswitch.md §1 and §3): a directory user, a tenant's dialplan
 * context, and "not found". Every value is XML-escaped; the results are
 * always well-formed.
 */
#ifndef AGENTDESK_FREESWITCH_XML_H
#define AGENTDESK_FREESWITCH_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/vocab.h"                 /* enum queue_timeout_action */

struct fs_xml_user {
        const char *domain;
        const char *extension;           /* digits only */
        const char *password;
        const char *vm_password;
        int64_t tenant_id;
        const char *caller_id_name;
        bool voicemail;                  /* the extension's voicemail_enabled */
        int64_t ring_s;                  /* its ring time before voicemail (> 0) */
        int64_t cacheable_ms;            /* 0 = no cacheable attribute */
        bool a1_hash;                    /* a1-hash = md5(ext:domain:password) instead of password */
};

/* The first line of every file agentdesk writes into FreeSWITCH's conf
 * (files mode): what a resync may rewrite or remove. Files without it are
 * never touched. */
#define FSXML_OWNED_MARKER "<!-- agentdesk: managed file; agentdesk rewrites and removes it -->"

/* The "not found" document (static, never freed). */
const char *fs_xml_not_found(void);

/* A directory document for one user. malloc'd; NULL when out of memory. */
char *fs_xml_directory_user(const struct fs_xml_user *u);

/* Files mode (docs/freeswitch.md §4): directory/default/<ext>.xml, the
 * same <user> in an <include>; dialplan/tenant_<id>.xml, the same
 * <context> in an <include>. Both start with FSXML_OWNED_MARKER. malloc'd;
 * NULL when out of memory. */
char *fs_xml_user_file(const struct fs_xml_user *u);
char *fs_xml_context_file(int64_t tenant_id, int64_t lo, int64_t hi);

/* The context tenant_<id>: numbers lo..hi bridged to user/<n>@domain
 * for the callee's ring time, then, when the callee has voicemail on and
 * the call was not answered (no answer, busy, not registered), its
 * voicebox in FSXML_VM_PROFILE (the callee's directory variables
 * FSXML_VAR_VOICEMAIL and FSXML_VAR_RING, read with user_data, so the
 * context does not change with them); the feature code FSXML_VM_CHECK
 * (the caller's own voicebox, no PIN asked when the caller's
 * authenticated user is the caller id number, else the PIN is asked); and
 * the echo test 9196. malloc'd; NULL when out of memory. */
char *fs_xml_dialplan_context(int64_t tenant_id, int64_t lo, int64_t hi);

/* ---- voicemail (docs/freeswitch.md, "Voicemail") */

/* agentdesk's mod_voicemail profile: no operator, main-menu or callback
 * extension (the vanilla profile's point into `default`, outside any
 * tenant), no empty PIN. */
#define FSXML_VM_PROFILE "agentdesk"
/* The feature code that checks the caller's voicebox. */
#define FSXML_VM_CHECK "*98"
/* The directory user's variables the tenant's context reads. */
#define FSXML_VAR_VOICEMAIL "agentdesk_voicemail"
#define FSXML_VAR_RING "agentdesk_ring_s"

/* voicemail.conf holding the profile (mod_xml_curl's configuration
 * binding), or the files-mode file voicemail/agentdesk.xml (the <profile>
 * in an <include>, for the operator's voicemail.conf.xml to include in
 * its <profiles>). malloc'd; NULL when out of memory. */
char *fs_xml_voicemail_conf(void);
char *fs_xml_voicemail_profile_file(void);

/* ---- queues (docs/freeswitch.md, "Queues") */

/* A queue number of a tenant's context: answer, the variables the
 * agents' contact string reads (freeswitch/callcenter.h), `callcenter
 * q<id>`, then where the caller goes when the queue lets it go (its
 * maximum wait, its maximum wait with no agent, the queue unloaded): hang
 * up, `transfer` to another queue's number in the same context, or the
 * voicemail of an extension. */
struct fs_xml_queue_entry {
        int64_t id;
        const char *number;              /* digits */
        enum queue_timeout_action timeout;
        const char *timeout_number;      /* QUEUE_TIMEOUT_QUEUE: the other queue's number */
        const char *timeout_extension;   /* QUEUE_TIMEOUT_VOICEMAIL */
};

/* A direct call to an agent's extension: `callcenter_track u<user_id>`
 * (so that mod_callcenter's skip-agents-with-external-calls sees it). */
struct fs_xml_track {
        int64_t user_id;
        const char *extension;
};

/* Everything of a tenant's context. */
struct fs_xml_plan {
        int64_t tenant_id, lo, hi;
        const char *realm;               /* the tenant's (voicemail's domain) */
        const struct fs_xml_queue_entry *queues;
        size_t n_queues;
        const struct fs_xml_track *tracks; /* by user */
        size_t n_tracks;
};

/* The channel variable the queue entries set before `callcenter`: the
 * DTMF key that makes mod_callcenter let a waiting caller go (agentdesk
 * sends it with uuid_recv_dtmf when it deletes a queue, since an unloaded
 * queue leaves its callers on hold music forever). */
#define FSXML_QUEUE_EXIT_KEY "D"

/* The plan as the mod_xml_curl document or the files-mode file. malloc'd;
 * NULL when out of memory or a number is not digits. */
char *fs_xml_plan_context(const struct fs_xml_plan *p);
char *fs_xml_plan_file(const struct fs_xml_plan *p);

/* An inbound number of the `public` context (the context calls admitted
 * by the inbound ACL arrive in): names the tenant's realm (domain_name is
 * unset for such a call) and its tenant, then `transfer`s into
 * tenant_<id> to a queue's number or an extension. */
struct fs_xml_inbound {
        int64_t id, tenant_id;
        const char *number;              /* "+15551230000": matched with or without '+' */
        const char *realm;
        const char *destination;         /* a number of tenant_<id> */
};

/* The context "public" holding the one entry (mod_xml_curl), or the
 * files-mode file dialplan/public/agentdesk_n<id>.xml holding it. */
char *fs_xml_inbound_context(const struct fs_xml_inbound *n);
char *fs_xml_inbound_file(const struct fs_xml_inbound *n);

/* A queue of callcenter.conf. */
struct fs_xml_queue {
        int64_t id;
        const char *strategy;            /* mod_callcenter's name */
        const char *moh_sound;           /* "" = $${hold_music} */
        int64_t max_wait_s, no_agent_max_wait_s;
        bool tier_rules_apply, tier_rule_wait_multiply_level, tier_rule_no_agent_no_wait;
        int64_t tier_rule_wait_s;
        const char *announce_sound;      /* "" = none */
        int64_t announce_frequency_s;
};

/* The configuration document answering mod_callcenter's fetch of
 * callcenter.conf for q<id> (a <queues> holding that queue only), or the
 * files-mode file callcenter/q<id>.xml (the <queue> in an <include>, for
 * the operator's callcenter.conf.xml to include). malloc'd. */
char *fs_xml_callcenter_queue(const struct fs_xml_queue *q);
char *fs_xml_callcenter_queue_file(const struct fs_xml_queue *q);

/* A regular expression (without anchors) matching exactly the decimal
 * numbers lo..hi (0 <= lo <= hi). Returns the length, or 0 when it does
 * not fit in size. */
size_t fs_xml_range_regex(int64_t lo, int64_t hi, char *out, size_t size);

#endif
