/*
 * Agents: the users of a tenant with their extensions, as the admin API
 * manages them (the seed's create and delete flows).
 *
 * Every write is one transaction that also writes the provisioning jobs
 * and the audit entry, so FreeSWITCH's desired state and the log never
 * disagree with the data. Objects of another tenant, deleted users and
 * platform superadmins are RESULT_NOT_FOUND, exactly like absent ones.
 */
#ifndef AGENTDESK_DOMAIN_AGENTS_H
#define AGENTDESK_DOMAIN_AGENTS_H

#include "domain/core/credentials.h"
#include "domain/core/app.h"
#include "domain/core/idempotency.h"
#include "domain/mail/outbox.h"

struct agent {
        struct store_user user;
        struct store_extension extensions[STORE_MAX_EXTENSIONS_PER_USER];
        size_t n_extensions;
        int64_t invitation_expires_at;   /* agent_create with send_invite: the link's expiry */
};

struct agent_create_input {
        const char *first_name, *last_name, *email;
        const char *role;                /* NULL = agent */
        int64_t extensions_count;        /* < 0 = 1 */
        bool voicemail_enabled;
        bool send_invite;                /* queue an invitation (mail must be on) */
        const char *external_id;         /* SCIM's externalId, kept with the user; NULL: none */
        /* NULL, or the request's Idempotency-Key: its answer is saved in
         * the create's transaction, rendered from a struct agent_created. */
        const struct idempotency *idempotency;
        /* agent_create_in only: extensions are taken after this one
         * (store_pool_allocate_after; NULL: the lowest free). An import
         * passes the last it took. */
        const char *pool_after;
        /* agent_create_in only: NULL, or where the provisioning jobs and
         * the invitation go, written with other rows' by agent_batch_flush
         * (many rows a statement) in the same transaction. */
        struct agent_batch *batch;
};

/* Rows that agent_create_in lets a batch hold before it flushes it. */
#define AGENT_BATCH_ROWS 500

/* Jobs and invitations of many agent_create_in calls of one tenant (an
 * import's rows) not written yet: zero it (on the heap: it is large),
 * then set tenant_id. agent_create_in flushes it when it is full. */
struct agent_batch {
        int64_t tenant_id;
        /* FS_CHANGE_PROVISION jobs to queue: room for one more row's */
        int64_t extension_ids[AGENT_BATCH_ROWS + STORE_MAX_EXTENSIONS_PER_USER];
        size_t n_extensions;
        struct mail_invitee invitees[AGENT_BATCH_ROWS];   /* invitations to queue */
        size_t n_invitees;
};

/* In the caller's transaction: writes what b holds and empties it. */
enum result agent_batch_flush(struct app *app, struct store_conn *conn, struct agent_batch *b);

/* What idempotency->render gets from agent_create. */
struct agent_created {
        const struct agent *agent;
        const char *temporary_password;  /* "" with an invitation */
};

/*
 * Creates the user, takes extensions_count extensions from the pool with a
 * fresh SIP secret and PIN each, queues their provisioning and writes the
 * audit entry, all in one transaction. With send_invite, the invitation
 * is queued in that transaction too (domain/identity/onboarding.h) and the
 * temporary password returned is "" (nobody will ever see one); without
 * mail on that is RESULT_INVALID, field send_invite. RESULT_INVALID
 * (ret_field), RESULT_EMAIL_TAKEN, RESULT_POOL_EXHAUSTED (nothing
 * created), RESULT_ROLE_NOT_ALLOWED.
 */
enum result agent_create(struct app *app, const struct actor *actor, int64_t tenant_id,
                         const struct agent_create_input *in, struct agent *ret,
                         char ret_temporary_password[CREDENTIALS_TEMP_PASSWORD_LEN + 1],
                         const char **ret_field);

/* The checks of agent_create that need no store (names, email, role,
 * extensions_count, send_invite without mail): RESULT_INVALID or
 * RESULT_ROLE_NOT_ALLOWED naming *ret_field. The import checks each row
 * with it. */
enum result agent_create_check(struct app *app, const struct agent_create_input *in,
                               const char **ret_field);

/* agent_create_in's flags. */
enum {
        /* Begins the transaction once the secrets are made (the write lock
         * is held for the inserts only) and ends it (jobs_finish). Without
         * it the work joins the caller's transaction (begun with
         * store_begin, ended with jobs_finish), which rolls back on failure:
         * the import creates all its rows in one. */
        AGENT_CREATE_OWN_TRANSACTION = 1 << 0,
        AGENT_CREATE_AUDIT = 1 << 1,     /* writes the agent.create audit entry */
};

/* agent_create's work on conn with flags (above); does not kick the mail
 * sender. Same results as agent_create. */
enum result agent_create_in(struct app *app, struct store_conn *conn, const struct actor *actor,
                            int64_t tenant_id, const struct agent_create_input *in, unsigned flags,
                            struct agent *ret,
                            char ret_temporary_password[CREDENTIALS_TEMP_PASSWORD_LEN + 1],
                            const char **ret_field);

enum result agent_get(struct app *app, int64_t tenant_id, int64_t id, struct agent *ret);

/* A page of the tenant's agents with their extensions, in a constant
 * number of statements and memory proportional to the page (summary rows:
 * no secrets, no hashes). Free *ret with store_agent_page_free(). */
enum result agent_list(struct app *app, const struct store_user_filter *filter,
                       struct store_page *page, struct store_agent_page *ret);

/* Fields to change; NULL leaves one as it is. */
struct agent_patch {
        const char *first_name, *last_name, *role, *status;
        const char *external_id;         /* SCIM's externalId (domain/identity/scim.h) */
};

/* Renames, changes role (tokens revoked), suspends (tokens revoked,
 * extensions suspended and deprovisioned) or reactivates, and sets SCIM's
 * externalId, in one transaction. RESULT_SELF when
 * the actor changes its own role or status. */
enum result agent_update(struct app *app, const struct actor *actor, int64_t tenant_id,
                         int64_t id, const struct agent_patch *patch, struct agent *ret,
                         const char **ret_field);

/* A new temporary password (must change at next login); tokens and links
 * revoked, the password-changed notice queued when mail is on. */
enum result agent_reset_password(struct app *app, const struct actor *actor, int64_t tenant_id,
                                 int64_t id,
                                 char ret_temporary_password[CREDENTIALS_TEMP_PASSWORD_LEN + 1]);

/*
 * Moves extension extension_id of tenant_id to agent to_agent_id (a live
 * user of the same tenant) in one transaction: a new SIP password and
 * voicemail PIN (sealed; the old holder's stop working), the old holder's
 * registration cut and the directory's cached entry flushed at once (a
 * rekey job: flush the user, flush its registration, as a suspension
 * does), its voicebox emptied on every node (a voicebox job, as a delete
 * does: the new holder finds no messages, greeting or name — whether
 * voicemail is on or off now, since messages left while it was on would
 * still be there), both agents' mod_callcenter contacts made again, an
 * "extension.transfer" audit entry, and agent.updated for both agents
 * (their extension lists). The new holder's desk sees it at its next
 * /v1/auth/me. *ret the extension after the move.
 *
 * Refused: RESULT_NOT_FOUND (the extension, or with *ret_field
 * "to_agent_id" the agent: absent, deleted or another tenant's),
 * RESULT_AGENT_SUSPENDED (the agent is suspended), RESULT_SELF (it already
 * holds it), RESULT_CONFLICT (the extension is free in the pool, or was
 * moved meanwhile), RESULT_TOO_BIG (the agent holds as many extensions as
 * it may).
 */
enum result agent_extension_transfer(struct app *app, const struct actor *actor,
                                     int64_t tenant_id, int64_t extension_id, int64_t to_agent_id,
                                     struct store_extension *ret, const char **ret_field);

/* The seed's delete flow: extensions deprovisioned and returned to the
 * pool with new secrets, user soft-deleted, tokens revoked. */
enum result agent_delete(struct app *app, const struct actor *actor, int64_t tenant_id,
                         int64_t id);

/* POST /v1/admin/agents/:id/invite: a new invitation (the old link dies).
 * RESULT_NOT_FOUND as agent_get; RESULT_MAIL_OFF without mail;
 * RESULT_CONFLICT when the agent is suspended. */
enum result agent_invite(struct app *app, const struct actor *actor, int64_t tenant_id,
                         int64_t id, int64_t *ret_expires_at);

#endif
