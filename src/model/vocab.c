/* The names of the vocabulary's enums; see vocab.h. One table per enum,
 * indexed by its values, and the pair of functions every table gets. */
#include "model/vocab.h"

#include "util/text.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The table names_of_<prefix> and <prefix>_name/<prefix>_parse over it. */
#define VOCAB_TABLE(type, prefix, ...)                                                   \
        static const char *const names_of_##prefix[] = { __VA_ARGS__ };                  \
        const char *prefix##_name(enum type value)                                       \
        {                                                                                \
                return (unsigned)value < COUNT(names_of_##prefix) ? names_of_##prefix[value] \
                                                                  : "?";                 \
        }                                                                                \
        bool prefix##_parse(const char *s, enum type *ret)                               \
        {                                                                                \
                int i = text_index(names_of_##prefix, COUNT(names_of_##prefix), s);      \
                                                                                         \
                if (i >= 0)                                                              \
                        *ret = (enum type)i;                                             \
                return i >= 0;                                                           \
        }

VOCAB_TABLE(user_role, user_role,
            [USER_ROLE_SUPERADMIN] = "superadmin",
            [USER_ROLE_ADMIN] = "admin",
            [USER_ROLE_SUPERVISOR] = "supervisor",
            [USER_ROLE_AGENT] = "agent")

VOCAB_TABLE(user_status, user_status,
            [USER_STATUS_ACTIVE] = "active",
            [USER_STATUS_SUSPENDED] = "suspended",
            [USER_STATUS_DELETED] = "deleted")

VOCAB_TABLE(tenant_status, tenant_status,
            [TENANT_STATUS_ACTIVE] = "active",
            [TENANT_STATUS_SUSPENDED] = "suspended")

VOCAB_TABLE(extension_status, extension_status,
            [EXTENSION_STATUS_ACTIVE] = "active",
            [EXTENSION_STATUS_SUSPENDED] = "suspended")

VOCAB_TABLE(cluster_status, cluster_status,
            [CLUSTER_STATUS_ACTIVE] = "active",
            [CLUSTER_STATUS_DISABLED] = "disabled")

VOCAB_TABLE(jobs_state, jobs_state,
            [JOBS_STATE_PENDING] = "pending",
            [JOBS_STATE_PROVISIONED] = "provisioned",
            [JOBS_STATE_FAILED] = "failed")

VOCAB_TABLE(jobs_status, jobs_status,
            [JOBS_STATUS_PENDING] = "pending",
            [JOBS_STATUS_DONE] = "done",
            [JOBS_STATUS_FAILED] = "failed")

VOCAB_TABLE(fs_change, fs_change,
            [FS_CHANGE_PROVISION] = "provision",
            [FS_CHANGE_DEPROVISION] = "deprovision",
            [FS_CHANGE_UPDATE] = "update",
            [FS_CHANGE_REKEY] = "rekey",
            [FS_CHANGE_RESYNC] = "resync",
            [FS_CHANGE_QUEUE] = "queue",
            [FS_CHANGE_QUEUE_AGENT] = "queue_agent",
            [FS_CHANGE_VOICEBOX] = "voicebox")

VOCAB_TABLE(mail_outbox_status, mail_outbox_status,
            [MAIL_OUTBOX_STATUS_QUEUED] = "queued",
            [MAIL_OUTBOX_STATUS_SENT] = "sent",
            [MAIL_OUTBOX_STATUS_FAILED] = "failed",
            [MAIL_OUTBOX_STATUS_DROPPED] = "dropped")

VOCAB_TABLE(link_purpose, link_purpose,
            [LINK_PURPOSE_INVITATION] = "invitation",
            [LINK_PURPOSE_RESET] = "reset")

VOCAB_TABLE(actor_kind, actor_kind,
            [ACTOR_KIND_USER] = "user",
            [ACTOR_KIND_CLI] = "cli",
            [ACTOR_KIND_SCIM] = "scim")

VOCAB_TABLE(event_type, event_type,
            [EVENT_AGENT_CREATED] = "agent.created",
            [EVENT_AGENT_UPDATED] = "agent.updated",
            [EVENT_AGENT_DELETED] = "agent.deleted",
            [EVENT_EXTENSION_PROVISIONING] = "extension.provisioning",
            [EVENT_REGISTRATION_CHANGED] = "registration.changed",
            [EVENT_CALL_STARTED] = "call.started",
            [EVENT_CALL_ANSWERED] = "call.answered",
            [EVENT_CALL_ENDED] = "call.ended",
            [EVENT_QUEUE_CHANGED] = "queue.changed",
            [EVENT_QUEUE_LIVE] = "queue.live",
            [EVENT_AGENT_QUEUE_STATUS] = "agent.queue_status",
            [EVENT_AGENT_PRESENCE] = "agent.presence",
            [EVENT_CALLS_MISSED] = "calls.missed",
            [EVENT_INVITATION_SENT] = "invitation.sent",
            [EVENT_INVITATION_FAILED] = "invitation.failed",
            [EVENT_EXTENSION_CREDENTIALS] = "extension.credentials")

VOCAB_TABLE(webhook_delivery_state, webhook_delivery_state,
            [WEBHOOK_DELIVERY_PENDING] = "pending",
            [WEBHOOK_DELIVERY_DELIVERED] = "delivered",
            [WEBHOOK_DELIVERY_FAILED] = "failed",
            [WEBHOOK_DELIVERY_CANCELLED] = "cancelled")

VOCAB_TABLE(call_direction, call_direction,
            [CALL_DIRECTION_INBOUND] = "inbound",
            [CALL_DIRECTION_OUTBOUND] = "outbound",
            [CALL_DIRECTION_INTERNAL] = "internal")

VOCAB_TABLE(event_stream, event_stream,
            [EVENT_STREAM_ADMIN] = "admin",
            [EVENT_STREAM_ME] = "me")

VOCAB_TABLE(queue_strategy, queue_strategy,
            [QUEUE_STRATEGY_LONGEST_IDLE_AGENT] = "longest-idle-agent",
            [QUEUE_STRATEGY_RING_ALL] = "ring-all",
            [QUEUE_STRATEGY_ROUND_ROBIN] = "round-robin",
            [QUEUE_STRATEGY_TOP_DOWN] = "top-down",
            [QUEUE_STRATEGY_AGENT_WITH_LEAST_TALK_TIME] = "agent-with-least-talk-time",
            [QUEUE_STRATEGY_AGENT_WITH_FEWEST_CALLS] = "agent-with-fewest-calls",
            [QUEUE_STRATEGY_SEQUENTIALLY_BY_AGENT_ORDER] = "sequentially-by-agent-order",
            [QUEUE_STRATEGY_RING_PROGRESSIVELY] = "ring-progressively",
            [QUEUE_STRATEGY_RANDOM] = "random")

VOCAB_TABLE(queue_timeout_action, queue_timeout_action,
            [QUEUE_TIMEOUT_HANGUP] = "hangup",
            [QUEUE_TIMEOUT_QUEUE] = "queue",
            [QUEUE_TIMEOUT_VOICEMAIL] = "voicemail")

VOCAB_TABLE(queue_status, queue_status,
            [QUEUE_STATUS_LOGGED_OUT] = "logged_out",
            [QUEUE_STATUS_AVAILABLE] = "available",
            [QUEUE_STATUS_ON_BREAK] = "on_break")

VOCAB_TABLE(queue_caller_state, queue_caller_state,
            [QUEUE_CALLER_WAITING] = "waiting",
            [QUEUE_CALLER_TRYING] = "trying",
            [QUEUE_CALLER_ANSWERED] = "answered")

VOCAB_TABLE(queue_activity, queue_activity,
            [QUEUE_ACTIVITY_IDLE] = "idle",
            [QUEUE_ACTIVITY_WAITING] = "waiting",
            [QUEUE_ACTIVITY_RECEIVING] = "receiving",
            [QUEUE_ACTIVITY_IN_QUEUE_CALL] = "in_queue_call",
            [QUEUE_ACTIVITY_WRAP_UP] = "wrap_up")

VOCAB_TABLE(queue_actor, queue_actor,
            [QUEUE_ACTOR_AGENT] = "agent",
            [QUEUE_ACTOR_SUPERVISOR] = "supervisor",
            [QUEUE_ACTOR_ADMIN] = "admin",
            [QUEUE_ACTOR_SUPERADMIN] = "superadmin",
            [QUEUE_ACTOR_FREESWITCH] = "freeswitch",
            [QUEUE_ACTOR_SYSTEM] = "system")
