/*
 * The vocabulary: every state and kind that agentdesk stores, shows or
 * acts on, as an enum with its one table of names (vocab.c). The store
 * decodes its columns into these enums once, when it reads a row, and
 * writes their names; the domain compares enums; the API renders the
 * names and parses what comes in (a request's body or filter). The names
 * are the words of the database's CHECK constraints and of the API, and
 * never change.
 *
 * Each enum has a pair: X_name() gives a value's name ("?" for a value
 * outside the enum), X_parse() reads one back — false, and *ret untouched,
 * for any other text (letter case counts), NULL included.
 *
 * The FreeSWITCH mode and the SMTP TLS mode are settings: util/config.h.
 */
#ifndef AGENTDESK_MODEL_VOCAB_H
#define AGENTDESK_MODEL_VOCAB_H

#include <stdbool.h>

/* A user's role, from the platform down. */
enum user_role {
        USER_ROLE_SUPERADMIN,            /* the platform's staff: no tenant */
        USER_ROLE_ADMIN,
        USER_ROLE_SUPERVISOR,
        USER_ROLE_AGENT,
};

/* "superadmin", "admin", "supervisor", "agent". */
const char *user_role_name(enum user_role role);
bool user_role_parse(const char *s, enum user_role *ret);

/* A user's status. */
enum user_status {
        USER_STATUS_ACTIVE,
        USER_STATUS_SUSPENDED,           /* cannot sign in; extensions taken from FreeSWITCH */
        USER_STATUS_DELETED,             /* gone for every purpose but the audit log */
};

/* "active", "suspended", "deleted". */
const char *user_status_name(enum user_status status);
bool user_status_parse(const char *s, enum user_status *ret);

/* A tenant's status. */
enum tenant_status {
        TENANT_STATUS_ACTIVE,
        TENANT_STATUS_SUSPENDED,         /* nobody signs in; extensions taken from FreeSWITCH */
};

/* "active", "suspended". */
const char *tenant_status_name(enum tenant_status status);
bool tenant_status_parse(const char *s, enum tenant_status *ret);

/* An extension's status: its user's, while assigned. */
enum extension_status {
        EXTENSION_STATUS_ACTIVE,
        EXTENSION_STATUS_SUSPENDED,      /* its user is suspended: not in FreeSWITCH */
};

/* "active", "suspended". */
const char *extension_status_name(enum extension_status status);
bool extension_status_parse(const char *s, enum extension_status *ret);

/* A stored FreeSWITCH cluster's or node's status. */
enum cluster_status {
        CLUSTER_STATUS_ACTIVE,
        CLUSTER_STATUS_DISABLED,         /* a cluster's jobs wait; a node is left out */
};

/* "active", "disabled". */
const char *cluster_status_name(enum cluster_status status);
bool cluster_status_parse(const char *s, enum cluster_status *ret);

/* An extension's provisioning state (domain/provisioning/jobs.h). */
enum jobs_state {
        JOBS_STATE_PENDING,              /* a change waits to be applied */
        JOBS_STATE_PROVISIONED,          /* FreeSWITCH knows what the store says */
        JOBS_STATE_FAILED,               /* its job gave up (AGENTDESK_FS_RETRY_LIMIT) */
};

/* "pending", "provisioned", "failed". */
const char *jobs_state_name(enum jobs_state state);
bool jobs_state_parse(const char *s, enum jobs_state *ret);

/* A provisioning job's own status. */
enum jobs_status {
        JOBS_STATUS_PENDING,             /* due at its next attempt */
        JOBS_STATUS_DONE,                /* every node answered */
        JOBS_STATUS_FAILED,              /* given up (AGENTDESK_FS_RETRY_LIMIT) */
};

/* "pending", "done", "failed". */
const char *jobs_status_name(enum jobs_status status);
bool jobs_status_parse(const char *s, enum jobs_status *ret);

/* A change FreeSWITCH must learn of: the kind of a provisioning job
 * (freeswitch/provision.h has the commands of each). */
enum fs_change {
        FS_CHANGE_PROVISION,             /* an extension assigned */
        FS_CHANGE_DEPROVISION,           /* taken away (deleted, suspended, moved) */
        FS_CHANGE_UPDATE,                /* what its directory entry says changed */
        FS_CHANGE_REKEY,                 /* a new SIP password */
        FS_CHANGE_RESYNC,                /* everything, for a whole cluster */
        FS_CHANGE_QUEUE,                 /* a queue and its tiers, on its tenant's queue node */
        FS_CHANGE_QUEUE_AGENT,           /* an agent's mod_callcenter agent: contact, settings, status */
        FS_CHANGE_VOICEBOX,              /* an extension's voicebox emptied (it changes hands) */
};

/* "provision", "deprovision", "update", "rekey", "resync", "queue",
 * "queue_agent", "voicebox". */
const char *fs_change_name(enum fs_change change);
bool fs_change_parse(const char *s, enum fs_change *ret);

/* A mail outbox message's status (the states of domain/mail/sender.h). */
enum mail_outbox_status {
        MAIL_OUTBOX_STATUS_QUEUED,       /* due at its next attempt */
        MAIL_OUTBOX_STATUS_SENT,         /* the server accepted it */
        MAIL_OUTBOX_STATUS_FAILED,       /* refused, or the retry limit reached */
        MAIL_OUTBOX_STATUS_DROPPED,      /* never sent: nobody to send it to, or its link died */
};

/* "queued", "sent", "failed", "dropped". */
const char *mail_outbox_status_name(enum mail_outbox_status status);
bool mail_outbox_status_parse(const char *s, enum mail_outbox_status *ret);

/* What an emailed link is for. */
enum link_purpose {
        LINK_PURPOSE_INVITATION,         /* an invited user's first password */
        LINK_PURPOSE_RESET,              /* a forgotten password */
};

/* "invitation", "reset". */
const char *link_purpose_name(enum link_purpose purpose);
bool link_purpose_parse(const char *s, enum link_purpose *ret);

/* Who acts (struct actor, domain/core/app.h): a signed-in user, with a
 * role, the command line, with none, or an identity provider through a
 * tenant's SCIM token. */
enum actor_kind {
        ACTOR_KIND_USER,
        ACTOR_KIND_CLI,
        ACTOR_KIND_SCIM,
};

/* "user", "cli", "scim". */
const char *actor_kind_name(enum actor_kind kind);
bool actor_kind_parse(const char *s, enum actor_kind *ret);

/* The kinds of event of the live catalogue (domain/events/events.h;
 * docs/api/openapi.yaml, `LiveEvent`). */
enum event_type {
        EVENT_AGENT_CREATED,
        EVENT_AGENT_UPDATED,
        EVENT_AGENT_DELETED,
        EVENT_EXTENSION_PROVISIONING,    /* an extension's provisioning state moved */
        EVENT_REGISTRATION_CHANGED,      /* an extension registered, moved or unregistered */
        EVENT_CALL_STARTED,
        EVENT_CALL_ANSWERED,
        EVENT_CALL_ENDED,
        EVENT_QUEUE_CHANGED,             /* a queue created, edited, deleted, or its members */
        EVENT_QUEUE_LIVE,                /* a queue's live picture moved (callers, agents, counts) */
        EVENT_AGENT_QUEUE_STATUS,        /* an agent's queue status (or its provisioning) moved */
        EVENT_AGENT_PRESENCE,            /* an agent's presence moved (every agent of the tenant) */
        EVENT_CALLS_MISSED,              /* an agent's count of unseen missed calls moved */
        EVENT_INVITATION_SENT,           /* the relay accepted an agent's invitation */
        EVENT_INVITATION_FAILED,         /* an agent's invitation failed for good */
        /* Not for webhooks (domain/webhooks/webhooks.h's WEBHOOK_EVENT_TYPES
         * ends before it): the agent's own stream only. */
        EVENT_EXTENSION_CREDENTIALS,     /* FreeSWITCH has an agent's new SIP password */
};

/* "agent.created", "agent.updated", "agent.deleted", "extension.provisioning",
 * "registration.changed", "call.started", "call.answered", "call.ended",
 * "queue.changed", "queue.live", "agent.queue_status", "agent.presence",
 * "calls.missed", "invitation.sent", "invitation.failed", "extension.credentials". */
const char *event_type_name(enum event_type type);
bool event_type_parse(const char *s, enum event_type *ret);

/* A webhook delivery's state (webhook_deliveries; domain/webhooks/sender.h):
 * "pending" (due at its next attempt), "delivered" (a 2xx answer),
 * "failed" (the retry limit), "cancelled" (its endpoint was disabled). */
enum webhook_delivery_state {
        WEBHOOK_DELIVERY_PENDING,
        WEBHOOK_DELIVERY_DELIVERED,
        WEBHOOK_DELIVERY_FAILED,
        WEBHOOK_DELIVERY_CANCELLED,
};

const char *webhook_delivery_state_name(enum webhook_delivery_state state);
bool webhook_delivery_state_parse(const char *s, enum webhook_delivery_state *ret);

/* A call record's direction, from the agent's side: "inbound" (to the
 * agent from outside the tenant), "outbound" (from the agent to outside),
 * "internal" (agent to agent, or to a number of the tenant's own). */
enum call_direction {
        CALL_DIRECTION_INBOUND,
        CALL_DIRECTION_OUTBOUND,
        CALL_DIRECTION_INTERNAL,
};

const char *call_direction_name(enum call_direction direction);
bool call_direction_parse(const char *s, enum call_direction *ret);

/* A queue's strategy: mod_callcenter's own names. */
enum queue_strategy {
        QUEUE_STRATEGY_LONGEST_IDLE_AGENT,
        QUEUE_STRATEGY_RING_ALL,
        QUEUE_STRATEGY_ROUND_ROBIN,
        QUEUE_STRATEGY_TOP_DOWN,
        QUEUE_STRATEGY_AGENT_WITH_LEAST_TALK_TIME,
        QUEUE_STRATEGY_AGENT_WITH_FEWEST_CALLS,
        QUEUE_STRATEGY_SEQUENTIALLY_BY_AGENT_ORDER,
        QUEUE_STRATEGY_RING_PROGRESSIVELY,
        QUEUE_STRATEGY_RANDOM,
};

/* "longest-idle-agent", "ring-all", "round-robin", "top-down",
 * "agent-with-least-talk-time", "agent-with-fewest-calls",
 * "sequentially-by-agent-order", "ring-progressively", "random". */
const char *queue_strategy_name(enum queue_strategy strategy);
bool queue_strategy_parse(const char *s, enum queue_strategy *ret);

/* Where a caller goes when a queue lets it go (its maximum wait, or its
 * maximum wait with no agent, reached; or the queue deleted). */
enum queue_timeout_action {
        QUEUE_TIMEOUT_HANGUP,
        QUEUE_TIMEOUT_QUEUE,             /* another queue of the tenant */
        QUEUE_TIMEOUT_VOICEMAIL,         /* an extension's voicemail */
};

/* "hangup", "queue", "voicemail". */
const char *queue_timeout_action_name(enum queue_timeout_action action);
bool queue_timeout_action_parse(const char *s, enum queue_timeout_action *ret);

/* An agent's status for queue calls, as agentdesk decides it (the
 * mod_callcenter strings are freeswitch/callcenter.c's). */
enum queue_status {
        QUEUE_STATUS_LOGGED_OUT,
        QUEUE_STATUS_AVAILABLE,
        QUEUE_STATUS_ON_BREAK,
};

/* "logged_out", "available", "on_break". */
const char *queue_status_name(enum queue_status status);
bool queue_status_parse(const char *s, enum queue_status *ret);

/* A caller in a queue, as mod_callcenter's member states say (the board,
 * domain/board/): waiting, an offer ringing, talking to an agent. */
enum queue_caller_state {
        QUEUE_CALLER_WAITING,
        QUEUE_CALLER_TRYING,
        QUEUE_CALLER_ANSWERED,
};

/* "waiting", "trying", "answered". */
const char *queue_caller_state_name(enum queue_caller_state state);
bool queue_caller_state_parse(const char *s, enum queue_caller_state *ret);

/* What mod_callcenter says an agent is doing (its agent state, and the
 * wrap-up it keeps after a queue call). */
enum queue_activity {
        QUEUE_ACTIVITY_IDLE,             /* "Idle": takes no offer */
        QUEUE_ACTIVITY_WAITING,          /* "Waiting": for an offer */
        QUEUE_ACTIVITY_RECEIVING,        /* "Receiving": an offer rings */
        QUEUE_ACTIVITY_IN_QUEUE_CALL,    /* "In a queue call" */
        QUEUE_ACTIVITY_WRAP_UP,          /* after a queue call, until wrap_up_ends_at */
};

/* "idle", "waiting", "receiving", "in_queue_call", "wrap_up". */
const char *queue_activity_name(enum queue_activity activity);
bool queue_activity_parse(const char *s, enum queue_activity *ret);

/* Who set an agent's queue status (queue_agents.changed_by): the agent
 * itself, a supervisor, admin or superadmin of its tenant, FreeSWITCH
 * (mod_callcenter after max_no_answer missed offers), or agentdesk itself
 * (a suspension or deletion: the cut-off). */
enum queue_actor {
        QUEUE_ACTOR_AGENT,
        QUEUE_ACTOR_SUPERVISOR,
        QUEUE_ACTOR_ADMIN,
        QUEUE_ACTOR_SUPERADMIN,
        QUEUE_ACTOR_FREESWITCH,
        QUEUE_ACTOR_SYSTEM,
};

/* "agent", "supervisor", "admin", "superadmin", "freeswitch", "system". */
const char *queue_actor_name(enum queue_actor actor);
bool queue_actor_parse(const char *s, enum queue_actor *ret);

/* Which live stream a ticket opens: "admin" (/v1/admin/events, a
 * tenant's or every tenant's events) or "me" (/v1/me/events, the agent's
 * reduced view). */
enum event_stream {
        EVENT_STREAM_ADMIN,
        EVENT_STREAM_ME,
};

const char *event_stream_name(enum event_stream stream);
bool event_stream_parse(const char *s, enum event_stream *ret);

#endif
