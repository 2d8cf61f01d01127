/*
 * The event catalogue's log: every event the live portal's streams and the
 * webhooks (domain/webhooks/, fed in the same transaction) deliver — agent.created|updated|deleted,
 * extension.provisioning, registration.changed, call.started|answered|ended,
 * agent.presence, calls.missed (docs/api/openapi.yaml, `LiveEvent`) — is a row of `live_events`,
 * appended in the transaction of the change that causes it (an agent's
 * edit, a job's outcome, a batch of registration or call state), so a
 * rolled-back change publishes nothing and every agentdesk process sees
 * the same events in the same order with the same global `id`.
 *
 * Ids are given in commit order (the append takes a transaction-level
 * lock on PostgreSQL; SQLite has one writer), so a reader that has seen
 * id N never later finds a committed event below N.
 */
#ifndef AGENTDESK_DOMAIN_EVENTS_H
#define AGENTDESK_DOMAIN_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/core/app.h"
#include "model/vocab.h"

struct store_conn;

/*
 * Appends one event to the log within conn's open transaction (the
 * caller's): type (enum event_type, model/vocab.h), the tenant it belongs
 * to (0: none, superadmins only), user_id the agent it concerns for the
 * agents' own stream (`/v1/me/events`: their own call.* only; 0: none),
 * and data_json, one JSON object composed by the caller (never a secret,
 * never an email in registration.* or call.*). Subscribers see it after
 * the commit. RESULT_OK or the store's failure (the caller rolls back).
 */
enum result events_append(struct store_conn *conn, int64_t tenant_id, enum event_type type,
                          int64_t user_id, const char *data_json);

/* How many events this process has appended (committed or not): the
 * streams' reader reads the log soon after it moves. */
uint64_t events_appended(void);

struct store_user;
struct store_extension;

/*
 * agent.created or agent.updated (type) of user u with its n extensions,
 * as openapi.yaml's AgentEventData (agent_id, first_name, last_name,
 * role, status, extensions: their numbers; never an email or a secret),
 * or agent.deleted (agent_id alone; extensions ignored), appended in
 * conn's open transaction to u's tenant.
 */
enum result events_append_agent(struct store_conn *conn, enum event_type type,
                                const struct store_user *u,
                                const struct store_extension *extensions, size_t n);

/* A stream without a heartbeat this long is down (domain/live/live.h's
 * LIVE_STALE_S): its registrations no longer count. */
#define EVENTS_STALE_S 5

struct store_presence;

/* An agent's presence (openapi.yaml's Presence): "offline" (no
 * registration that counts), "on_call", "on_break" (its queue status),
 * "available", in that order. */
const char *events_presence_name(const struct store_presence *p);

/*
 * agent.presence of user_id (openapi.yaml's PresenceEventData: agent_id,
 * presence), appended to tenant_id in conn's open transaction (where a
 * registration, a call or a queue status of the agent moved) when it
 * differs from the last one published (agent_presence); nothing when
 * user_id is no active agent of tenant_id.
 */
enum result events_append_presence(struct store_conn *conn, int64_t tenant_id, int64_t user_id);

/* calls.missed: user_id's count of unseen missed calls now ({"unseen": N}),
 * appended to tenant_id in conn's open transaction. */
enum result events_append_missed(struct store_conn *conn, int64_t tenant_id, int64_t user_id);

/* extension.credentials: FreeSWITCH now has the new SIP password of
 * extension (id extension_id) of agent user_id (a rekey job was applied:
 * an admin's new password, `agentdesk rekey`), so a client of the
 * agent's stream reads /v1/auth/me and registers again ({"extension_id",
 * "extension"}; never the password). In conn's open transaction, to the agent's own stream
 * only (the admin stream skips it: the job's extension.provisioning says
 * it there). */
enum result events_append_credentials(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                                      int64_t extension_id, const char *extension);

/* invitation.sent (the relay accepted it) or invitation.failed (for good;
 * code: the relay's last SMTP reply code, 0 none) of the invitation of
 * agent user_id to email, appended to tenant_id in conn's open
 * transaction (the one recording the message's outcome): openapi.yaml's
 * InvitationEventData (agent_id, email, status "sent"|"failed", code
 * when failed). Never the link or its token. */
enum result events_append_invitation(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                                     const char *email, bool sent, long code);

/* extension.provisioning: a job's outcome moved an extension of tenant_id
 * (openapi.yaml's ProvisioningEventData; agent_id 0: none, error "":
 * none), appended in conn's open transaction. */
struct events_provisioning {
        int64_t tenant_id;
        int64_t extension_id;
        const char *extension;
        int64_t agent_id;
        enum jobs_state state;
        int64_t attempts;
        const char *error;
};
enum result events_append_provisioning(struct store_conn *conn,
                                       const struct events_provisioning *p);

#endif
