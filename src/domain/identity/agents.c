/* Agents and their extensions; see agents.h. */
#include "domain/identity/agents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/events/events.h"
#include "domain/provisioning/extensions.h"
#include "domain/provisioning/jobs.h"
#include "domain/mail/outbox.h"
#include "domain/identity/onboarding.h"
#include "domain/queues/status.h"
#include "domain/identity/users.h"
#include "util/text.h"
#include "util/wipe.h"

/* Reads the role (text of the request) that an admin wants to give into
 * *ret: any but superadmin. */
static enum result check_role(const char *role, enum user_role *ret, const char **ret_field)
{
        enum user_role parsed;

        if (!user_role_parse(role, &parsed)) {
                *ret_field = "role";
                return RESULT_INVALID;
        }
        if (parsed == USER_ROLE_SUPERADMIN) {
                *ret_field = "role";
                return RESULT_ROLE_NOT_ALLOWED;
        }
        *ret = parsed;
        return RESULT_OK;
}

static enum result load_extensions(struct store_conn *conn, struct agent *a)
{
        return store_extensions_of_user(conn, a->user.id, a->extensions, &a->n_extensions);
}

/* The live user id of tenant_id, with extensions. */
static enum result load_agent(struct store_conn *conn, int64_t tenant_id, int64_t id,
                              struct agent *ret)
{
        enum result result = store_user_get(conn, id, &ret->user);

        if (result)
                return result;
        if (ret->user.tenant_id != tenant_id || ret->user.status == USER_STATUS_DELETED ||
            ret->user.tenant_id == 0)
                return RESULT_NOT_FOUND;
        return load_extensions(conn, ret);
}

/* The calling thread's connection and the agent id of tenant_id. */
static enum result open_agent(struct app *app, int64_t tenant_id, int64_t id,
                              struct store_conn **ret_conn, struct agent *ret)
{
        enum result result = store_conn_get(app->store, ret_conn);

        return result ? result : load_agent(*ret_conn, tenant_id, id, ret);
}

static void join_extensions(const struct agent *a, char *out, size_t size)
{
        size_t n = 0;

        out[0] = '\0';
        for (size_t i = 0; i < a->n_extensions && n + 20 < size; i++)
                n += (size_t)snprintf(out + n, size - n, "%s%s", i ? "," : "",
                                      a->extensions[i].extension);
}

/* Room is left for one row's by agent_create_in's flush. */
static enum result batch_add_extension(struct agent_batch *b, int64_t tenant_id, int64_t id)
{
        if (tenant_id != b->tenant_id)
                return RESULT_INVALID;   /* one tenant a batch */
        b->extension_ids[b->n_extensions++] = id;
        return RESULT_OK;
}

/* u's invitation into b; *ret_expires_at gets its link's expiry. */
static void batch_add_invitee(struct app *app, struct agent_batch *b, const struct store_user *u,
                              int64_t *ret_expires_at)
{
        struct mail_invitee *inv = &b->invitees[b->n_invitees++];

        *inv = (struct mail_invitee){ .tenant_id = u->tenant_id, .user_id = u->id,
                                      .expires_at = store_now() + app->settings.invite_ttl };
        text_copy(inv->email, sizeof(inv->email), u->email);
        *ret_expires_at = inv->expires_at;
}

enum result agent_batch_flush(struct app *app, struct store_conn *conn, struct agent_batch *b)
{
        enum result result = RESULT_OK;

        if (b->n_extensions)
                result = jobs_queue_extensions(app, conn, b->tenant_id, FS_CHANGE_PROVISION,
                                               b->extension_ids, b->n_extensions);
        if (!result && b->n_invitees)
                result = mail_queue_invitations(app, conn, b->invitees, b->n_invitees);
        b->n_extensions = b->n_invitees = 0;
        return result;
}

enum result agent_create_check(struct app *app, const struct agent_create_input *in,
                               const char **ret_field)
{
        enum user_role role;
        int64_t count = in->extensions_count < 0 ? 1 : in->extensions_count;
        enum result result;

        if (!text_name_valid(in->first_name, USER_NAME_MAX_CHARS)) {
                *ret_field = "first_name";
                return RESULT_INVALID;
        }
        if (!text_name_valid(in->last_name, USER_NAME_MAX_CHARS)) {
                *ret_field = "last_name";
                return RESULT_INVALID;
        }
        if (!text_email_valid(in->email)) {
                *ret_field = "email";
                return RESULT_INVALID;
        }
        result = in->role ? check_role(in->role, &role, ret_field) : RESULT_OK;
        if (result)
                return result;
        if (count > app->settings.max_extensions_per_agent || count > STORE_MAX_EXTENSIONS_PER_USER) {
                *ret_field = "extensions_count";
                return RESULT_INVALID;
        }
        if (in->send_invite && !app->settings.mail_on) {
                *ret_field = "send_invite";
                return RESULT_INVALID;
        }
        return RESULT_OK;
}

enum result agent_create_in(struct app *app, struct store_conn *conn, const struct actor *actor,
                            int64_t tenant_id, const struct agent_create_input *in, unsigned flags,
                            struct agent *ret,
                            char ret_temporary_password[CREDENTIALS_TEMP_PASSWORD_LEN + 1],
                            const char **ret_field)
{
        char secrets[STORE_MAX_EXTENSIONS_PER_USER][STORE_TEXT_MAX];
        char pins[STORE_MAX_EXTENSIONS_PER_USER][STORE_TEXT_MAX];
        char numbers[STORE_MAX_EXTENSIONS_PER_USER * 12];
        enum user_role role = USER_ROLE_AGENT;
        int64_t count = in->extensions_count < 0 ? 1 : in->extensions_count;
        struct agent a = { 0 };
        bool began = false;
        enum result result;

        /* Wiped on the one way out, whatever was filled. */
        memset(secrets, 0, sizeof(secrets));
        memset(pins, 0, sizeof(pins));
        ret_temporary_password[0] = '\0';
        result = agent_create_check(app, in, ret_field);
        if (!result && in->role)
                result = check_role(in->role, &role, ret_field);
        for (int64_t i = 0; i < count && !result; i++)
                result = credentials_new_extension_secret(NULL, NULL, secrets[i], pins[i]);
        if (result)
                goto out;
        a.user.tenant_id = tenant_id;
        text_lower(a.user.email, sizeof(a.user.email), in->email);
        text_copy(a.user.first_name, sizeof(a.user.first_name), in->first_name);
        text_copy(a.user.last_name, sizeof(a.user.last_name), in->last_name);
        a.user.role = role;
        a.user.must_change_password = true;
        result = credentials_new_temporary_password(ret_temporary_password, a.user.password_hash);
        if (result)
                goto out;
        /* Everything random is made before the transaction, so the write
         * lock is held for the inserts only. */
        if (flags & AGENT_CREATE_OWN_TRANSACTION) {
                result = store_begin(conn);
                if (result)
                        goto out;
                began = true;
        }

        result = store_user_insert(conn, &a.user);
        if (result == RESULT_EMAIL_TAKEN)
                *ret_field = "email";
        for (int64_t i = 0; i < count && !result; i++) {
                struct store_extension *e = &a.extensions[a.n_extensions];
                result = store_pool_allocate_after(conn, tenant_id, a.user.id, secrets[i], pins[i],
                                                   jobs_queued_state(app),
                                                   i ? a.extensions[i - 1].extension : in->pool_after,
                                                   e);
                if (!result && in->voicemail_enabled) {
                        result = store_extension_set_voicemail(conn, e->id, true, e->ring_s);
                        e->voicemail_enabled = true;
                }
                if (!result && in->batch)
                        result = batch_add_extension(in->batch, tenant_id, e->id);
                else if (!result)
                        result = jobs_queue_extension(app, conn, tenant_id, FS_CHANGE_PROVISION,
                                                      e->id);
                if (!result)
                        a.n_extensions++;
        }
        if (!result && in->external_id)
                result = store_scim_external_id_set(conn, tenant_id, a.user.id, in->external_id);
        if (!result && in->send_invite && in->batch)
                batch_add_invitee(app, in->batch, &a.user, &a.invitation_expires_at);
        else if (!result && in->send_invite)
                result = mail_queue_invitation(app, conn, &a.user, &a.invitation_expires_at);
        if (!result && in->batch && (in->batch->n_extensions >= AGENT_BATCH_ROWS ||
                                     in->batch->n_invitees >= AGENT_BATCH_ROWS))
                result = agent_batch_flush(app, conn, in->batch);
        if (!result && (flags & AGENT_CREATE_AUDIT)) {
                join_extensions(&a, numbers, sizeof(numbers));
                result = audit_record(conn, actor, tenant_id, "agent.create", "user", a.user.id,
                                      "email", a.user.email, "role", user_role_name(a.user.role),
                                      "extensions",
                                      numbers,
                                      /* the key ends the list when there is no invitation */
                                      in->send_invite ? "invitation" : NULL,
                                      mail_outbox_status_name(MAIL_OUTBOX_STATUS_QUEUED), NULL);
        }
        if (!result)
                result = events_append_agent(conn, EVENT_AGENT_CREATED, &a.user, a.extensions,
                                             a.n_extensions);
        if (!result && in->idempotency) {
                struct agent_created created = {
                        &a, in->send_invite ? "" : ret_temporary_password
                };
                result = idempotency_save(conn, in->idempotency, &created);
        }
        if (began)
                result = jobs_finish(app, conn, result);   /* commits, or rolls back */
out:
        wipe_memory(secrets, sizeof(secrets));
        wipe_memory(pins, sizeof(pins));
        wipe_memory(a.user.password_hash, sizeof(a.user.password_hash));
        if (result) {
                wipe_memory(ret_temporary_password, CREDENTIALS_TEMP_PASSWORD_LEN + 1);
                return result;
        }
        *ret = a;
        if (in->send_invite)  /* the link replaces it: never shown */
                wipe_memory(ret_temporary_password, CREDENTIALS_TEMP_PASSWORD_LEN + 1);
        return RESULT_OK;
}

enum result agent_create(struct app *app, const struct actor *actor, int64_t tenant_id,
                         const struct agent_create_input *in, struct agent *ret,
                         char ret_temporary_password[CREDENTIALS_TEMP_PASSWORD_LEN + 1],
                         const char **ret_field)
{
        struct store_conn *conn = NULL;
        struct store_tenant t;
        enum result result;

        ret_temporary_password[0] = '\0';
        result = agent_create_check(app, in, ret_field);
        if (!result)
                result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_tenant_get(conn, tenant_id, &t);
        if (result)
                return result;
        result = agent_create_in(app, conn, actor, tenant_id, in,
                                 AGENT_CREATE_OWN_TRANSACTION | AGENT_CREATE_AUDIT, ret,
                                 ret_temporary_password, ret_field);
        if (result)
                return result;
        if (in->send_invite)
                mail_outbox_kick(app);
        return RESULT_OK;
}

enum result agent_get(struct app *app, int64_t tenant_id, int64_t id, struct agent *ret)
{
        struct store_conn *conn;

        return open_agent(app, tenant_id, id, &conn, ret);
}

enum result agent_list(struct app *app, const struct store_user_filter *filter,
                       struct store_page *page, struct store_agent_page *ret)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : store_agent_page(conn, filter, page, ret);
}

/* Queues change for every extension of a. */
static enum result queue_jobs(struct app *app, struct store_conn *conn, const struct agent *a,
                              enum fs_change change)
{
        enum result result = RESULT_OK;

        for (size_t i = 0; i < a->n_extensions && !result; i++)
                result = jobs_queue_extension(app, conn, a->user.tenant_id, change,
                                              a->extensions[i].id);
        return result;
}

enum result agent_update(struct app *app, const struct actor *actor, int64_t tenant_id,
                         int64_t id, const struct agent_patch *patch, struct agent *ret,
                         const char **ret_field)
{
        struct store_conn *conn;
        struct agent a;
        struct store_user next;
        const char *action = "agent.update";
        enum user_status status = USER_STATUS_ACTIVE;
        enum user_role role = USER_ROLE_AGENT;
        char external_id[STORE_TEXT_MAX] = "";
        bool role_changed, status_changed, name_changed, external_changed = false;
        enum result result;

        result = open_agent(app, tenant_id, id, &conn, &a);
        if (result)
                return result;
        if (patch->first_name && !text_name_valid(patch->first_name, USER_NAME_MAX_CHARS)) {
                *ret_field = "first_name";
                return RESULT_INVALID;
        }
        if (patch->last_name && !text_name_valid(patch->last_name, USER_NAME_MAX_CHARS)) {
                *ret_field = "last_name";
                return RESULT_INVALID;
        }
        if (patch->role && (result = check_role(patch->role, &role, ret_field)))
                return result;
        if (patch->status && (!user_status_parse(patch->status, &status) ||
                              status == USER_STATUS_DELETED)) {
                *ret_field = "status";
                return RESULT_INVALID;
        }
        next = a.user;
        if (patch->first_name)
                text_copy(next.first_name, sizeof(next.first_name), patch->first_name);
        if (patch->last_name)
                text_copy(next.last_name, sizeof(next.last_name), patch->last_name);
        if (patch->role)
                next.role = role;
        if (patch->status)
                next.status = status;
        status = next.status;
        role_changed = next.role != a.user.role;
        status_changed = next.status != a.user.status;
        name_changed = strcmp(next.first_name, a.user.first_name) != 0 ||
                       strcmp(next.last_name, a.user.last_name) != 0;
        if ((role_changed || status_changed) && actor && actor->user_id == id) {
                *ret_field = role_changed ? "role" : "status";
                return RESULT_SELF;
        }
        if (patch->external_id) {
                result = store_scim_external_id_get(conn, id, external_id);
                if (result)
                        return result;
                external_changed = strcmp(external_id, patch->external_id) != 0;
        }
        if (!role_changed && !status_changed && !name_changed && !external_changed)
                return agent_get(app, tenant_id, id, ret);

        result = store_begin(conn);
        if (result)
                return result;
        result = store_user_update(conn, &next, role_changed ||
                                                        (status_changed && status == USER_STATUS_SUSPENDED));
        if (!result && external_changed)
                result = store_scim_external_id_set(conn, tenant_id, id, patch->external_id);
        if (!result && status_changed) {
                bool suspend = status == USER_STATUS_SUSPENDED;
                action = suspend ? "agent.suspend" : "agent.activate";
                result = store_extensions_set_status(conn, id,
                                                     suspend ? EXTENSION_STATUS_SUSPENDED
                                                             : EXTENSION_STATUS_ACTIVE);
                if (!result)
                        result = queue_jobs(app, conn, &a,
                                            suspend ? FS_CHANGE_DEPROVISION : FS_CHANGE_PROVISION);
                if (!result && suspend)
                        result = store_link_revoke_user(conn, id, store_now());
                /* The cut-off: out of every queue at once. Reactivating
                 * leaves the agent logged out of queues. */
                if (!result && suspend)
                        result = queue_status_cut_off(app, conn, actor, tenant_id, id);
        } else if (!result && name_changed) {
                /* The caller-id name FreeSWITCH serves changes. */
                result = queue_jobs(app, conn, &a, FS_CHANGE_UPDATE);
        }
        if (!result)
                result = audit_record(conn, actor, tenant_id, action, "user", id, "email",
                                      next.email, "role", user_role_name(next.role), "status",
                                      user_status_name(next.status), "previous_role",
                                      role_changed ? user_role_name(a.user.role) : NULL,
                                      "previous_status",
                                      status_changed ? user_status_name(a.user.status) : NULL,
                                      NULL);
        if (!result)
                result = events_append_agent(conn, EVENT_AGENT_UPDATED, &next, a.extensions,
                                             a.n_extensions);
        result = jobs_finish(app, conn, result);
        return result ? result : agent_get(app, tenant_id, id, ret);
}

enum result agent_reset_password(struct app *app, const struct actor *actor, int64_t tenant_id,
                                 int64_t id,
                                 char ret_temporary_password[CREDENTIALS_TEMP_PASSWORD_LEN + 1])
{
        char hash[STORE_TEXT_MAX] = "";
        struct store_conn *conn;
        struct agent a = { 0 };
        bool in_transaction = false;
        enum result result;

        ret_temporary_password[0] = '\0';
        result = open_agent(app, tenant_id, id, &conn, &a);
        if (!result)
                result = credentials_new_temporary_password(ret_temporary_password, hash);
        if (!result)
                result = store_begin(conn);
        if (result)
                goto out;
        in_transaction = true;
        result = store_user_set_password(conn, id, hash, true);
        if (!result)
                result = mail_queue_password_changed(app, conn, &a.user);
        if (!result)
                result = audit_record(conn, actor, tenant_id, "agent.reset_password", "user", id,
                                      "email", a.user.email, NULL);
        result = mail_outbox_finish(app, conn, result);
        in_transaction = false;
out:
        if (result && in_transaction)
                store_rollback(conn);
        wipe_memory(hash, sizeof(hash));
        if (result)
                wipe_memory(ret_temporary_password, CREDENTIALS_TEMP_PASSWORD_LEN + 1);
        return result;
}

enum result agent_delete(struct app *app, const struct actor *actor, int64_t tenant_id,
                         int64_t id)
{
        char secrets[STORE_MAX_EXTENSIONS_PER_USER][STORE_TEXT_MAX];
        char pins[STORE_MAX_EXTENSIONS_PER_USER][STORE_TEXT_MAX];
        char numbers[STORE_MAX_EXTENSIONS_PER_USER * 12];
        struct store_conn *conn;
        struct agent a = { 0 };
        bool in_transaction = false;
        enum result result;

        memset(secrets, 0, sizeof(secrets));
        memset(pins, 0, sizeof(pins));
        result = open_agent(app, tenant_id, id, &conn, &a);
        if (!result && actor && actor->user_id == id)
                result = RESULT_SELF;
        for (size_t i = 0; i < a.n_extensions && !result; i++)
                result = credentials_new_extension_secret(NULL, NULL, secrets[i], pins[i]);
        if (!result)
                result = store_begin(conn);
        if (result)
                goto out;
        in_transaction = true;
        join_extensions(&a, numbers, sizeof(numbers));
        /* Deprovision first (the job names the extension while it is still
         * the agent's), then hand it back with a secret nobody has seen. */
        result = queue_jobs(app, conn, &a, FS_CHANGE_DEPROVISION);
        /* and its voicebox emptied, so that the next holder of the
         * extension finds no messages, greeting or name */
        if (!result)
                result = queue_jobs(app, conn, &a, FS_CHANGE_VOICEBOX);
        for (size_t i = 0; i < a.n_extensions && !result; i++)
                result = store_pool_release(conn, a.extensions[i].id, secrets[i], pins[i]);
        if (!result)
                result = store_user_soft_delete(conn, id);
        if (!result)
                result = store_link_revoke_user(conn, id, store_now());
        if (!result)
                result = queue_status_cut_off(app, conn, actor, tenant_id, id);
        if (!result)
                result = audit_record(conn, actor, tenant_id, "agent.delete", "user", id, "email",
                                      a.user.email, "extensions", numbers, NULL);
        if (!result)
                result = events_append_agent(conn, EVENT_AGENT_DELETED, &a.user, NULL, 0);
        result = jobs_finish(app, conn, result);
        in_transaction = false;
out:
        if (result && in_transaction)
                store_rollback(conn);
        wipe_memory(secrets, sizeof(secrets));
        wipe_memory(pins, sizeof(pins));
        return result;
}

enum result agent_extension_transfer(struct app *app, const struct actor *actor,
                                     int64_t tenant_id, int64_t extension_id, int64_t to_agent_id,
                                     struct store_extension *ret, const char **ret_field)
{
        char secret[STORE_TEXT_MAX] = "", pin[STORE_TEXT_MAX] = "";
        struct agent from = { 0 }, to = { 0 };
        struct store_extension e;
        struct store_conn *conn;
        int64_t users[2];
        bool in_transaction = false;
        enum result result = store_conn_get(app->store, &conn);

        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        in_transaction = true;
        result = store_extension_get(conn, extension_id, &e);
        if (!result && e.tenant_id != tenant_id)
                result = RESULT_NOT_FOUND;
        if (result)
                goto out;
        if (!e.user_id) {
                result = RESULT_CONFLICT;
                goto out;
        }
        if (e.user_id == to_agent_id) {
                *ret_field = "to_agent_id";
                result = RESULT_SELF;
                goto out;
        }
        /* Both agents' rows, then the extension's, locked in the order
         * every writer of several takes them (store_provisioning_rows_lock):
         * neither agent is deleted or suspended under the move. */
        users[0] = e.user_id < to_agent_id ? e.user_id : to_agent_id;
        users[1] = e.user_id < to_agent_id ? to_agent_id : e.user_id;
        result = store_provisioning_rows_lock(conn, &extension_id, 1, NULL, 0, users, 2);
        if (!result)
                result = load_agent(conn, tenant_id, e.user_id, &from);
        if (!result) {
                result = load_agent(conn, tenant_id, to_agent_id, &to);
                if (result == RESULT_NOT_FOUND)
                        *ret_field = "to_agent_id";
        }
        if (!result && to.user.status != USER_STATUS_ACTIVE) {
                *ret_field = "to_agent_id";
                result = RESULT_AGENT_SUSPENDED;
        }
        if (!result && (to.n_extensions >= (size_t)app->settings.max_extensions_per_agent ||
                        to.n_extensions >= STORE_MAX_EXTENSIONS_PER_USER)) {
                *ret_field = "to_agent_id";
                result = RESULT_TOO_BIG;
        }
        if (!result)
                result = credentials_new_extension_secret(NULL, NULL, secret, pin);
        if (!result)
                result = store_extension_transfer(conn, extension_id, from.user.id, to.user.id,
                                                  secret, pin, jobs_queued_state(app));
        /* The old password stops working and its registration is cut; the
         * voicebox is emptied; both agents' queue contacts follow. */
        if (!result)
                result = jobs_queue_extension(app, conn, tenant_id, FS_CHANGE_REKEY, extension_id);
        if (!result)
                result = jobs_queue_extension(app, conn, tenant_id, FS_CHANGE_VOICEBOX,
                                              extension_id);
        if (!result)
                result = jobs_queue_queue(app, conn, tenant_id, FS_CHANGE_QUEUE_AGENT, from.user.id);
        if (!result)
                result = jobs_queue_queue(app, conn, tenant_id, FS_CHANGE_QUEUE_AGENT, to.user.id);
        if (!result)
                result = audit_record(conn, actor, tenant_id, "extension.transfer", "extension",
                                      extension_id, "extension", e.extension, "from", from.user.email,
                                      "to", to.user.email, NULL);
        if (!result)
                result = load_extensions(conn, &from);
        if (!result)
                result = load_extensions(conn, &to);
        if (!result)
                result = events_append_agent(conn, EVENT_AGENT_UPDATED, &from.user, from.extensions,
                                             from.n_extensions);
        if (!result)
                result = events_append_agent(conn, EVENT_AGENT_UPDATED, &to.user, to.extensions,
                                             to.n_extensions);
        result = jobs_finish(app, conn, result);
        in_transaction = false;
out:
        if (in_transaction)
                store_rollback(conn);
        wipe_memory(secret, sizeof(secret));
        wipe_memory(pin, sizeof(pin));
        if (!result)
                result = extension_get(app, NULL, tenant_id, extension_id, ret, NULL);
        return result;
}

enum result agent_invite(struct app *app, const struct actor *actor, int64_t tenant_id,
                              int64_t id, int64_t *ret_expires_at)
{
        struct store_conn *conn;
        struct agent a;
        enum result result;

        result = agent_get(app, tenant_id, id, &a);
        if (result)
                return result;
        if (!app->settings.mail_on)
                return RESULT_MAIL_OFF;
        if (a.user.status != USER_STATUS_ACTIVE)
                return RESULT_CONFLICT;
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        result = mail_queue_invitation(app, conn, &a.user, ret_expires_at);
        if (!result)
                result = audit_record(conn, actor, tenant_id, "agent.invite", "user", id, "email",
                                      a.user.email, NULL);
        return mail_outbox_finish(app, conn, result);
}
