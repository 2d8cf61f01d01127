/* Agents and their extensions; see agents.h. */
#include "domain/agents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/mail_outbox.h"
#include "domain/onboarding.h"
#include "domain/reconciler.h"
#include "domain/users.h"
#include "util/text.h"

static bool grantable_role(const char *role)
{
        return !strcmp(role, "agent") || !strcmp(role, "supervisor") || !strcmp(role, "admin");
}

/* Validates a role that an admin wants to give. */
static enum result check_role(const char *role, const char **ret_field)
{
        if (grantable_role(role))
                return RESULT_OK;
        *ret_field = "role";
        return user_role_valid(role) ? RESULT_ROLE_NOT_ALLOWED : RESULT_INVALID;
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
        if (ret->user.tenant_id != tenant_id || !strcmp(ret->user.status, "deleted") ||
            ret->user.tenant_id == 0)
                return RESULT_NOT_FOUND;
        return load_extensions(conn, ret);
}

/* The calling thread's connection and the agent id of tenant_id. */
static enum result open_agent(struct domain *d, int64_t tenant_id, int64_t id,
                              struct store_conn **ret_conn, struct agent *ret)
{
        enum result result = store_conn_get(d->store, ret_conn);

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

enum result agent_create(struct domain *d, const struct actor *actor, int64_t tenant_id,
                         const struct agent_create_input *in, struct agent *ret,
                         char ret_temporary_password[CREDENTIALS_TEMP_PASSWORD_LEN + 1],
                         const char **ret_field)
{
        char secrets[STORE_MAX_EXTENSIONS_PER_USER][STORE_TEXT_MAX];
        char pins[STORE_MAX_EXTENSIONS_PER_USER][STORE_TEXT_MAX];
        char numbers[STORE_MAX_EXTENSIONS_PER_USER * 12];
        const char *role = in->role ? in->role : "agent";
        int64_t count = in->extensions_count < 0 ? 1 : in->extensions_count;
        struct agent a = { 0 };
        struct store_conn *conn;
        struct store_tenant t;
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
        result = check_role(role, ret_field);
        if (result)
                return result;
        if (count > d->settings.max_extensions_per_agent || count > STORE_MAX_EXTENSIONS_PER_USER) {
                *ret_field = "extensions_count";
                return RESULT_INVALID;
        }
        if (in->send_invite && !d->settings.mail_on) {
                *ret_field = "send_invite";
                return RESULT_INVALID;
        }
        result = store_conn_get(d->store, &conn);
        if (result)
                return result;
        result = store_tenant_get(conn, tenant_id, &t);
        if (result)
                return result;

        /* Everything random is made before the transaction, so the write
         * lock is held for the inserts only. */
        for (int64_t i = 0; i < count; i++) {
                result = credentials_new_extension_secret(NULL, NULL, secrets[i], pins[i]);
                if (result)
                        return result;
        }
        a.user.tenant_id = tenant_id;
        text_lower(a.user.email, sizeof(a.user.email), in->email);
        text_copy(a.user.first_name, sizeof(a.user.first_name), in->first_name);
        text_copy(a.user.last_name, sizeof(a.user.last_name), in->last_name);
        text_copy(a.user.role, sizeof(a.user.role), role);
        a.user.must_change_password = true;
        result = credentials_new_temporary_password(ret_temporary_password, a.user.password_hash);
        if (result)
                return result;

        result = store_begin(conn);
        if (result)
                return result;
        result = store_user_insert(conn, &a.user);
        if (result == RESULT_EMAIL_TAKEN)
                *ret_field = "email";
        for (int64_t i = 0; i < count && !result; i++) {
                struct store_extension *e = &a.extensions[a.n_extensions];
                result = store_pool_allocate(conn, tenant_id, a.user.id, secrets[i], pins[i],
                                             reconciler_queued_state(d), e);
                if (!result && in->voicemail_enabled) {
                        result = store_extension_set_voicemail(conn, e->id, true);
                        e->voicemail_enabled = true;
                }
                if (!result)
                        result = store_job_insert(conn, tenant_id, "provision", e->id,
                                                  reconciler_queued_state(d));
                if (!result)
                        a.n_extensions++;
        }
        if (!result && in->send_invite)
                result = onboarding_queue_invitation(d, conn, &a.user, &a.invitation_expires_at);
        if (!result) {
                join_extensions(&a, numbers, sizeof(numbers));
                result = audit_record(conn, actor, tenant_id, "agent.create", "user", a.user.id,
                                      "email", a.user.email, "role", a.user.role, "extensions",
                                      numbers,
                                      /* the key ends the list when there is no invitation */
                                      in->send_invite ? "invitation" : NULL, "queued", NULL);
        }
        if (!result)
                result = store_commit(conn);
        reconciler_kick(d->reconciler);  /* a spurious wake is harmless */
        mail_outbox_kick(d->outbox);
        credentials_wipe(secrets, sizeof(secrets));
        credentials_wipe(pins, sizeof(pins));
        if (result) {
                store_rollback(conn);
                credentials_wipe(ret_temporary_password, CREDENTIALS_TEMP_PASSWORD_LEN + 1);
                return result;
        }
        *ret = a;
        if (in->send_invite)  /* the link replaces it: never shown */
                credentials_wipe(ret_temporary_password, CREDENTIALS_TEMP_PASSWORD_LEN + 1);
        return RESULT_OK;
}

enum result agent_get(struct domain *d, int64_t tenant_id, int64_t id, struct agent *ret)
{
        struct store_conn *conn;

        return open_agent(d, tenant_id, id, &conn, ret);
}

enum result agent_list(struct domain *d, const struct store_user_filter *filter,
                       struct store_page *page, struct agent **ret_items, size_t *ret_n)
{
        struct store_user *users = NULL;
        struct agent *items;
        struct store_conn *conn;
        enum result result;
        size_t n = 0;

        result = store_conn_get(d->store, &conn);
        if (result)
                return result;
        result = store_user_list(conn, filter, page, &users, &n);
        if (result)
                return result;
        items = calloc(n + 1, sizeof(*items));
        if (!items) {
                free(users);
                return RESULT_NOMEM;
        }
        for (size_t i = 0; i < n && !result; i++) {
                items[i].user = users[i];
                result = load_extensions(conn, &items[i]);
        }
        free(users);
        if (result) {
                free(items);
                return result;
        }
        *ret_items = items;
        *ret_n = n;
        return RESULT_OK;
}

/* Queues kind for every extension of a. */
static enum result queue_jobs(struct domain *d, struct store_conn *conn, const struct agent *a,
                              const char *kind)
{
        enum result result = RESULT_OK;

        for (size_t i = 0; i < a->n_extensions && !result; i++)
                result = store_job_insert(conn, a->user.tenant_id, kind, a->extensions[i].id,
                                          reconciler_queued_state(d));
        return result;
}

enum result agent_update(struct domain *d, const struct actor *actor, int64_t tenant_id,
                         int64_t id, const struct agent_patch *patch, struct agent *ret,
                         const char **ret_field)
{
        struct store_conn *conn;
        struct agent a;
        struct store_user next;
        const char *action = "agent.update";
        bool role_changed, status_changed, name_changed;
        enum result result;

        result = open_agent(d, tenant_id, id, &conn, &a);
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
        if (patch->role && (result = check_role(patch->role, ret_field)))
                return result;
        if (patch->status && strcmp(patch->status, "active") && strcmp(patch->status, "suspended")) {
                *ret_field = "status";
                return RESULT_INVALID;
        }
        next = a.user;
        if (patch->first_name)
                text_copy(next.first_name, sizeof(next.first_name), patch->first_name);
        if (patch->last_name)
                text_copy(next.last_name, sizeof(next.last_name), patch->last_name);
        if (patch->role)
                text_copy(next.role, sizeof(next.role), patch->role);
        if (patch->status)
                text_copy(next.status, sizeof(next.status), patch->status);
        role_changed = strcmp(next.role, a.user.role) != 0;
        status_changed = strcmp(next.status, a.user.status) != 0;
        name_changed = strcmp(next.first_name, a.user.first_name) != 0 ||
                       strcmp(next.last_name, a.user.last_name) != 0;
        if ((role_changed || status_changed) && actor && actor->user_id == id) {
                *ret_field = role_changed ? "role" : "status";
                return RESULT_SELF;
        }
        if (!role_changed && !status_changed && !name_changed)
                return agent_get(d, tenant_id, id, ret);

        result = store_begin(conn);
        if (result)
                return result;
        result = store_user_update(conn, &next, role_changed ||
                                                        (status_changed && !strcmp(next.status, "suspended")));
        if (!result && status_changed) {
                bool suspend = !strcmp(next.status, "suspended");
                action = suspend ? "agent.suspend" : "agent.activate";
                result = store_extensions_set_status(conn, id, next.status);
                if (!result)
                        result = queue_jobs(d, conn, &a, suspend ? "deprovision" : "provision");
                if (!result && suspend)
                        result = store_link_revoke_user(conn, id, store_now());
        } else if (!result && name_changed) {
                /* The caller-id name FreeSWITCH serves changes. */
                result = queue_jobs(d, conn, &a, "update");
        }
        if (!result)
                result = audit_record(conn, actor, tenant_id, action, "user", id, "email",
                                      next.email, "role", next.role, "status", next.status,
                                      "previous_role", role_changed ? a.user.role : NULL,
                                      "previous_status", status_changed ? a.user.status : NULL,
                                      NULL);
        if (!result)
                result = store_commit(conn);
        reconciler_kick(d->reconciler);  /* a spurious wake is harmless */
        if (result) {
                store_rollback(conn);
                return result;
        }
        return agent_get(d, tenant_id, id, ret);
}

enum result agent_reset_password(struct domain *d, const struct actor *actor, int64_t tenant_id,
                                 int64_t id,
                                 char ret_temporary_password[CREDENTIALS_TEMP_PASSWORD_LEN + 1])
{
        char hash[STORE_TEXT_MAX];
        struct store_conn *conn;
        struct agent a;
        enum result result;

        result = open_agent(d, tenant_id, id, &conn, &a);
        if (result)
                return result;
        result = credentials_new_temporary_password(ret_temporary_password, hash);
        if (result)
                return result;
        result = store_begin(conn);
        if (result)
                return result;
        result = store_user_set_password(conn, id, hash, true);
        if (!result)
                result = onboarding_password_changed(d, conn, &a.user);
        if (!result)
                result = audit_record(conn, actor, tenant_id, "agent.reset_password", "user", id,
                                      "email", a.user.email, NULL);
        if (!result)
                result = store_commit(conn);
        if (result) {
                store_rollback(conn);
                credentials_wipe(ret_temporary_password, CREDENTIALS_TEMP_PASSWORD_LEN + 1);
        } else {
                mail_outbox_kick(d->outbox);
        }
        credentials_wipe(hash, sizeof(hash));
        return result;
}

enum result agent_delete(struct domain *d, const struct actor *actor, int64_t tenant_id,
                         int64_t id)
{
        char secrets[STORE_MAX_EXTENSIONS_PER_USER][STORE_TEXT_MAX];
        char pins[STORE_MAX_EXTENSIONS_PER_USER][STORE_TEXT_MAX];
        char numbers[STORE_MAX_EXTENSIONS_PER_USER * 12];
        struct store_conn *conn;
        struct agent a;
        enum result result;

        result = open_agent(d, tenant_id, id, &conn, &a);
        if (result)
                return result;
        if (actor && actor->user_id == id)
                return RESULT_SELF;
        for (size_t i = 0; i < a.n_extensions; i++) {
                result = credentials_new_extension_secret(NULL, NULL, secrets[i], pins[i]);
                if (result)
                        return result;
        }
        join_extensions(&a, numbers, sizeof(numbers));
        result = store_begin(conn);
        if (result)
                return result;
        /* Deprovision first (the job names the extension while it is still
         * the agent's), then hand it back with a secret nobody has seen. */
        result = queue_jobs(d, conn, &a, "deprovision");
        for (size_t i = 0; i < a.n_extensions && !result; i++)
                result = store_pool_release(conn, a.extensions[i].id, secrets[i], pins[i]);
        if (!result)
                result = store_user_soft_delete(conn, id);
        if (!result)
                result = store_link_revoke_user(conn, id, store_now());
        if (!result)
                result = audit_record(conn, actor, tenant_id, "agent.delete", "user", id, "email",
                                      a.user.email, "extensions", numbers, NULL);
        if (!result)
                result = store_commit(conn);
        reconciler_kick(d->reconciler);  /* a spurious wake is harmless */
        if (result)
                store_rollback(conn);
        credentials_wipe(secrets, sizeof(secrets));
        credentials_wipe(pins, sizeof(pins));
        return result;
}

/* ---- extensions ------------------------------------------------------------ */

enum result extension_list(struct domain *d, const struct store_extension_filter *filter,
                           struct store_page *page, struct store_extension **ret_items,
                           size_t *ret_n, struct store_pool_stats *ret_stats)
{
        struct store_conn *conn;
        enum result result = store_conn_get(d->store, &conn);

        if (!result)
                result = store_pool_stats(conn, filter->tenant_id, ret_stats);
        if (!result)
                result = store_extension_list(conn, filter, page, ret_items, ret_n);
        return result;
}

static enum result load_extension(struct store_conn *conn, int64_t tenant_id, int64_t id,
                                  struct store_extension *ret)
{
        enum result result = store_extension_get(conn, id, ret);

        if (!result && ret->tenant_id != tenant_id)
                result = RESULT_NOT_FOUND;
        return result;
}

enum result extension_get(struct domain *d, int64_t tenant_id, int64_t id,
                          struct store_extension *ret, char *ret_password)
{
        struct store_conn *conn;
        enum result result = store_conn_get(d->store, &conn);

        if (!result)
                result = load_extension(conn, tenant_id, id, ret);
        if (!result && ret_password)
                result = credentials_unseal(ret->sip_secret, ret_password, 64);
        return result;
}

enum result extension_rotate_password(struct domain *d, const struct actor *actor,
                                      int64_t tenant_id, int64_t id, struct store_extension *ret,
                                      char ret_password[64])
{
        char secret[STORE_TEXT_MAX], pin[STORE_TEXT_MAX];
        struct store_conn *conn;
        struct store_extension e;
        enum result result;

        result = store_conn_get(d->store, &conn);
        if (result)
                return result;
        result = load_extension(conn, tenant_id, id, &e);
        if (result)
                return result;
        result = credentials_new_extension_secret(NULL, NULL, secret, pin);
        if (result)
                return result;
        result = store_begin(conn);
        if (result)
                goto out;
        result = store_extension_set_secret(conn, id, secret);
        if (!result && e.user_id)
                result = store_job_insert(conn, tenant_id, "rekey", id, reconciler_queued_state(d));
        if (!result)
                result = audit_record(conn, actor, tenant_id, "extension.rotate_password",
                                      "extension", id, "extension", e.extension, NULL);
        if (!result)
                result = store_commit(conn);
        reconciler_kick(d->reconciler);  /* a spurious wake is harmless */
        if (result)
                store_rollback(conn);
out:
        credentials_wipe(secret, sizeof(secret));
        credentials_wipe(pin, sizeof(pin));
        return result ? result : extension_get(d, tenant_id, id, ret, ret_password);
}

enum result extension_set_voicemail(struct domain *d, const struct actor *actor,
                                    int64_t tenant_id, int64_t id, bool enabled,
                                    struct store_extension *ret)
{
        struct store_conn *conn;
        struct store_extension e;
        enum result result;

        result = store_conn_get(d->store, &conn);
        if (result)
                return result;
        result = load_extension(conn, tenant_id, id, &e);
        if (result)
                return result;
        if (e.voicemail_enabled == enabled) {
                *ret = e;
                return RESULT_OK;
        }
        result = store_begin(conn);
        if (result)
                return result;
        result = store_extension_set_voicemail(conn, id, enabled);
        if (!result && e.user_id)
                result = store_job_insert(conn, tenant_id, "update", id, reconciler_queued_state(d));
        if (!result)
                result = audit_record(conn, actor, tenant_id, "extension.update", "extension", id,
                                      "extension", e.extension, "voicemail_enabled",
                                      enabled ? "true" : "false", NULL);
        if (!result)
                result = store_commit(conn);
        reconciler_kick(d->reconciler);  /* a spurious wake is harmless */
        if (result) {
                store_rollback(conn);
                return result;
        }
        return extension_get(d, tenant_id, id, ret, NULL);
}
