/* SCIM tokens and users; see scim.h. */
#include "domain/identity/scim.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/identity/users.h"
#include "util/text.h"
#include "util/wipe.h"

enum result scim_token_create(struct app *app, const struct actor *actor, int64_t tenant_id,
                              const char *name, char ret_token[SCIM_TOKEN_LEN + 1],
                              struct store_scim_token *ret, const char **ret_field)
{
        struct store_scim_token t = { .tenant_id = tenant_id };
        struct store_scim_token *live = NULL;
        struct store_conn *conn;
        char link[CREDENTIALS_LINK_TOKEN_LEN + 1], hash[65], id[24];
        size_t n = 0;
        enum result result;

        if (name && *name && !text_name_valid(name, USER_NAME_MAX_CHARS)) {
                *ret_field = "name";
                return RESULT_INVALID;
        }
        text_copy(t.name, sizeof(t.name), name ? name : "");
        t.created_by = actor && actor->kind == ACTOR_KIND_USER ? actor->user_id : 0;
        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        credentials_new_link_token(link);
        snprintf(ret_token, SCIM_TOKEN_LEN + 1, SCIM_TOKEN_PREFIX "%s", link);
        credentials_keyed_hash(ret_token, hash);
        result = store_begin(conn);
        if (!result)
                result = store_scim_token_list(conn, tenant_id, &live, &n);
        if (!result && n >= SCIM_TOKENS_MAX)
                result = RESULT_CONFLICT;
        if (!result)
                result = store_scim_token_insert(conn, &t, hash);
        if (!result) {
                snprintf(id, sizeof(id), "%lld", (long long)t.id);
                result = audit_record(conn, actor, tenant_id, "scim_token.create", "tenant",
                                      tenant_id, "token_id", id, "token_name", t.name, NULL);
        }
        result = result ? (store_rollback(conn), result) : store_commit(conn);
        free(live);
        wipe_memory(link, sizeof(link));
        wipe_memory(hash, sizeof(hash));
        if (result) {
                wipe_memory(ret_token, SCIM_TOKEN_LEN + 1);
                return result;
        }
        *ret = t;
        return RESULT_OK;
}

enum result scim_token_list(struct app *app, int64_t tenant_id, struct store_scim_token **ret,
                            size_t *ret_n)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : store_scim_token_list(conn, tenant_id, ret, ret_n);
}

enum result scim_token_revoke(struct app *app, const struct actor *actor, int64_t tenant_id,
                              int64_t id)
{
        struct store_conn *conn;
        char text[24];
        enum result result = store_conn_get(app->store, &conn);

        if (result)
                return result;
        snprintf(text, sizeof(text), "%lld", (long long)id);
        result = store_begin(conn);
        if (result)
                return result;
        result = store_scim_token_revoke(conn, tenant_id, id);
        if (!result)
                result = audit_record(conn, actor, tenant_id, "scim_token.revoke", "tenant",
                                      tenant_id, "token_id", text, NULL);
        return result ? (store_rollback(conn), result) : store_commit(conn);
}

enum result scim_token_verify(struct app *app, const char *token, struct store_scim_token *ret)
{
        struct store_conn *conn;
        char hash[65];
        enum result result;

        if (!token || strncmp(token, SCIM_TOKEN_PREFIX, strlen(SCIM_TOKEN_PREFIX)) != 0 ||
            strlen(token) != SCIM_TOKEN_LEN)
                return RESULT_UNAUTHORIZED;
        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        credentials_keyed_hash(token, hash);
        result = store_scim_token_use(conn, hash, store_now(), ret);
        wipe_memory(hash, sizeof(hash));
        return result == RESULT_NOT_FOUND ? RESULT_UNAUTHORIZED : result;
}

/* ---- the role mapping ---------------------------------------------------- */

static const char *const role_attributes[] = { "", "department", "title", "userType", "roles" };

bool scim_role_attribute_valid(const char *name)
{
        for (size_t i = 0; i < sizeof(role_attributes) / sizeof(role_attributes[0]); i++)
                if (strcmp(name, role_attributes[i]) == 0)
                        return true;
        return false;
}

enum result scim_settings_get(struct app *app, int64_t tenant_id, struct store_scim_settings *ret)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : store_scim_settings_get(conn, tenant_id, ret);
}

static bool role_map_valid(const char *text)
{
        json_t *map = json_loads(text, JSON_REJECT_DUPLICATES, NULL), *v;
        const char *key;
        bool ok = json_is_object(map) && json_object_size(map) <= 50;

        json_object_foreach(map, key, v) {
                const char *role = json_string_value(v);
                if (!ok)
                        break;
                ok = text_name_valid(key, USER_NAME_MAX_CHARS) && role &&
                     (strcmp(role, "admin") == 0 || strcmp(role, "supervisor") == 0 ||
                      strcmp(role, "agent") == 0);
        }
        json_decref(map);
        return ok;
}

enum result scim_settings_set(struct app *app, const struct actor *actor, int64_t tenant_id,
                              const struct store_scim_settings *s, const char **ret_field)
{
        struct store_conn *conn;
        enum result result;

        if (!scim_role_attribute_valid(s->role_attribute)) {
                *ret_field = "role_attribute";
                return RESULT_INVALID;
        }
        if (!role_map_valid(s->role_map)) {
                *ret_field = "role_map";
                return RESULT_INVALID;
        }
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        result = store_scim_settings_set(conn, tenant_id, s);
        if (!result)
                result = audit_record(conn, actor, tenant_id, "scim.settings", "tenant", tenant_id,
                                      "role_attribute", s->role_attribute, NULL);
        return result ? (store_rollback(conn), result) : store_commit(conn);
}

/* The role in that the tenant's mapping gives (a role name), or NULL when
 * the tenant maps none (the role is then the portal's to set). A value
 * the map does not name, or none sent, gives "agent". */
static enum result mapped_role(struct app *app, int64_t tenant_id,
                               const struct scim_user_input *in, char ret[16])
{
        struct store_scim_settings s;
        const char *value = NULL, *role = NULL;
        json_t *map;
        enum result result = scim_settings_get(app, tenant_id, &s);

        if (result)
                return result;
        ret[0] = '\0';
        if (!s.role_attribute[0])
                return RESULT_OK;
        if (strcmp(s.role_attribute, "department") == 0)
                value = in->department;
        else if (strcmp(s.role_attribute, "title") == 0)
                value = in->title;
        else if (strcmp(s.role_attribute, "userType") == 0)
                value = in->user_type;
        else if (strcmp(s.role_attribute, "roles") == 0)
                value = in->role;
        map = json_loads(s.role_map, 0, NULL);
        if (value)
                role = json_string_value(json_object_get(map, value));
        text_copy(ret, 16, role ? role : "agent");
        json_decref(map);
        return RESULT_OK;
}

/* ---- users ---------------------------------------------------------------- */

static enum result check_input(const struct scim_user_input *in, const char **ret_field)
{
        if (!in->user_name || !text_email_valid(in->user_name))
                *ret_field = "userName";
        else if (!in->given_name || !text_name_valid(in->given_name, USER_NAME_MAX_CHARS))
                *ret_field = "name.givenName";
        else if (!in->family_name || !text_name_valid(in->family_name, USER_NAME_MAX_CHARS))
                *ret_field = "name.familyName";
        else if (in->external_id && (strlen(in->external_id) >= STORE_TEXT_MAX ||
                                     !text_utf8_valid(in->external_id, strlen(in->external_id),
                                                      NULL)))
                *ret_field = "externalId";
        else
                return RESULT_OK;
        return RESULT_INVALID;
}

enum result scim_user_get(struct app *app, int64_t tenant_id, int64_t id, struct scim_user *ret)
{
        struct store_conn *conn;
        enum result result = agent_get(app, tenant_id, id, &ret->agent);

        if (!result)
                result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_scim_external_id_get(conn, id, ret->external_id);
        return result;
}

/* The patch that makes the user what in says (status only when it
 * changes: agent_update refuses an admin's own status, never ours). */
static struct agent_patch patch_of(const struct scim_user_input *in, const char *role)
{
        return (struct agent_patch){
                .first_name = in->given_name,
                .last_name = in->family_name,
                .role = role[0] ? role : NULL,
                .status = in->active ? "active" : "suspended",
                .external_id = in->external_id,
        };
}

enum result scim_user_create(struct app *app, const struct actor *actor, int64_t tenant_id,
                             const struct scim_user_input *in, struct scim_user *ret,
                             const char **ret_field)
{
        char role[16], password[CREDENTIALS_TEMP_PASSWORD_LEN + 1];
        struct agent_create_input create = {
                .first_name = in->given_name,
                .last_name = in->family_name,
                .email = in->user_name,
                .extensions_count = -1,
                .send_invite = app->settings.mail_on,
                .external_id = in->external_id ? in->external_id : "",
        };
        struct agent a;
        enum result result = check_input(in, ret_field);

        if (!result)
                result = mapped_role(app, tenant_id, in, role);
        if (result)
                return result;
        create.role = role[0] ? role : NULL;
        /* Without mail the temporary password is made and forgotten: nobody
         * sees it, an admin resets it (issue 21's decision). */
        result = agent_create(app, actor, tenant_id, &create, &a, password, ret_field);
        wipe_memory(password, sizeof(password));
        if (result == RESULT_INVALID && *ret_field && strcmp(*ret_field, "email") == 0)
                *ret_field = "userName";
        if (!result && !in->active) {
                struct agent_patch p = patch_of(in, role);
                result = agent_update(app, actor, tenant_id, a.user.id, &p, &a, ret_field);
        }
        return result ? result : scim_user_get(app, tenant_id, a.user.id, ret);
}

enum result scim_user_find(struct app *app, int64_t tenant_id, enum store_scim_match match,
                           const char *value, struct store_page *page, int64_t **ret,
                           size_t *ret_n)
{
        char lower[STORE_TEXT_MAX];
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        if (result)
                return result;
        text_lower(lower, sizeof(lower), value ? value : "");
        return store_scim_users_find(conn, tenant_id, match,
                                     match == STORE_SCIM_MATCH_EMAIL ? lower : value, page, ret,
                                     ret_n);
}

enum result scim_user_replace(struct app *app, const struct actor *actor, int64_t tenant_id,
                              int64_t id, const struct scim_user_input *in,
                              struct scim_user *ret, const char **ret_field)
{
        struct scim_user now;
        struct agent_patch p;
        char role[16], email[STORE_EMAIL_MAX];
        enum result result = scim_user_get(app, tenant_id, id, &now);

        if (!result)
                result = check_input(in, ret_field);
        if (result)
                return result;
        text_lower(email, sizeof(email), in->user_name);
        if (strcmp(email, now.agent.user.email) != 0) {
                *ret_field = "userName";
                return RESULT_CONFLICT;
        }
        result = mapped_role(app, tenant_id, in, role);
        if (result)
                return result;
        p = patch_of(in, role);
        result = agent_update(app, actor, tenant_id, id, &p, &now.agent, ret_field);
        return result ? result : scim_user_get(app, tenant_id, id, ret);
}

enum result scim_user_delete(struct app *app, const struct actor *actor, int64_t tenant_id,
                             int64_t id)
{
        return agent_delete(app, actor, tenant_id, id);
}
