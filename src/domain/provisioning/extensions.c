/* The extensions of a tenant's pool; see extensions.h. */
#include "domain/provisioning/extensions.h"

#include <inttypes.h>
#include <stdio.h>

#include "domain/core/audit.h"
#include "domain/core/credentials.h"
#include "domain/provisioning/jobs.h"
#include "util/text.h"
#include "util/wipe.h"

enum result extension_list(struct app *app, const struct store_extension_filter *filter,
                           struct store_page *page, struct store_extension **ret_items,
                           size_t *ret_n, struct store_pool_stats *ret_stats)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

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

enum result extension_get(struct app *app, const struct actor *actor, int64_t tenant_id,
                          int64_t id, struct store_extension *ret, char *ret_password)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        if (!result)
                result = load_extension(conn, tenant_id, id, ret);
        if (!result && ret_password)
                result = credentials_unseal(ret->sip_secret, ret_password, 64);
        if (!result && ret_password && actor) {
                result = store_begin(conn);
                if (!result)
                        result = audit_record(conn, actor, tenant_id, "extension.reveal_password",
                                              "extension", id, "extension", ret->extension, NULL);
                if (result)
                        store_rollback(conn);
                else
                        result = store_commit(conn);
        }
        if (result && ret_password)
                wipe_memory(ret_password, 64);
        return result;
}

enum result extension_replace_secret(struct app *app, const struct actor *actor,
                                     const struct store_extension *e, bool new_pin)
{
        char secret[STORE_TEXT_MAX], pin[STORE_TEXT_MAX];
        struct store_conn *conn;
        enum result result;

        result = store_conn_get(app->store, &conn);
        if (!result)
                result = credentials_new_extension_secret(NULL, NULL, secret, pin);
        if (!result)
                result = store_begin(conn);
        if (result)
                goto out;
        result = store_extension_set_secret(conn, e->id, secret);
        if (!result && new_pin)
                result = store_extension_set_pin(conn, e->id, pin);
        if (!result && e->user_id)
                result = jobs_queue_extension(app, conn, e->tenant_id, FS_CHANGE_REKEY, e->id);
        if (!result)
                result = audit_record(conn, actor, e->tenant_id, "extension.rotate_password",
                                      "extension", e->id, "extension", e->extension, NULL);
        result = jobs_finish(app, conn, result);
out:
        wipe_memory(secret, sizeof(secret));
        wipe_memory(pin, sizeof(pin));
        return result;
}

enum result extension_rotate_password(struct app *app, const struct actor *actor,
                                      int64_t tenant_id, int64_t id, struct store_extension *ret,
                                      char ret_password[64])
{
        struct store_conn *conn;
        struct store_extension e;
        enum result result;

        result = store_conn_get(app->store, &conn);
        if (!result)
                result = load_extension(conn, tenant_id, id, &e);
        if (!result)
                result = extension_replace_secret(app, actor, &e, false);
        return result ? result : extension_get(app, NULL, tenant_id, id, ret, ret_password);
}

enum result extension_set_voicemail(struct app *app, const struct actor *actor,
                                    int64_t tenant_id, int64_t id, int enabled, int64_t ring_s,
                                    struct store_extension *ret)
{
        struct store_conn *conn;
        struct store_extension e;
        enum result result;
        char ring[24];
        bool on;

        if (ring_s && (ring_s < EXTENSION_RING_MIN_S || ring_s > EXTENSION_RING_MAX_S))
                return RESULT_INVALID;
        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        result = load_extension(conn, tenant_id, id, &e);
        if (result)
                return result;
        on = enabled < 0 ? e.voicemail_enabled : enabled != 0;
        if (!ring_s)
                ring_s = e.ring_s;
        if (e.voicemail_enabled == on && e.ring_s == ring_s) {
                *ret = e;
                return RESULT_OK;
        }
        result = store_begin(conn);
        if (result)
                return result;
        result = store_extension_set_voicemail(conn, id, on, ring_s);
        if (!result && e.user_id)
                result = jobs_queue_extension(app, conn, tenant_id, FS_CHANGE_UPDATE, id);
        snprintf(ring, sizeof(ring), "%" PRId64, ring_s);
        if (!result)
                result = audit_record(conn, actor, tenant_id, "extension.update", "extension", id,
                                      "extension", e.extension, "voicemail_enabled",
                                      on ? "true" : "false", "ring_s", ring, NULL);
        result = jobs_finish(app, conn, result);
        return result ? result : extension_get(app, NULL, tenant_id, id, ret, NULL);
}
