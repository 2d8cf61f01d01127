/* A tenant's pool of extensions; see pool.h. */
#include "domain/provisioning/pool.h"

#include <string.h>

#include "domain/core/credentials.h"
#include "domain/provisioning/jobs.h"
#include "util/wipe.h"

/* In a transaction of its own, with a fresh sealed secret and PIN: takes
 * an extension of tenant_id for user_id into *ret (extension_id 0), or
 * returns extension_id to its pool. */
static enum result with_new_secret(struct store *store, int64_t tenant_id, int64_t user_id,
                                   int64_t extension_id, struct store_extension *ret)
{
        char secret[STORE_TEXT_MAX] = "", pin[STORE_TEXT_MAX] = "";
        struct store_conn *conn;
        bool in_transaction = false;
        enum result result;

        result = store_conn_get(store, &conn);
        if (!result)
                result = credentials_new_extension_secret(NULL, NULL, secret, pin);
        if (!result)
                result = store_begin(conn);
        if (result)
                goto out;
        in_transaction = true;
        if (extension_id)
                result = store_pool_release(conn, extension_id, secret, pin);
        else
                result = store_pool_allocate(conn, tenant_id, user_id, secret, pin,
                                             JOBS_STATE_PENDING, ret);
        if (!result)
                result = store_commit(conn);
out:
        if (result && in_transaction)
                store_rollback(conn);
        wipe_memory(secret, sizeof(secret));
        wipe_memory(pin, sizeof(pin));
        return result;
}

enum result pool_allocate(struct store *store, int64_t tenant_id, int64_t user_id,
                          struct store_extension *ret)
{
        return with_new_secret(store, tenant_id, user_id, 0, ret);
}

enum result pool_release(struct store *store, int64_t extension_id)
{
        return with_new_secret(store, 0, 0, extension_id, NULL);
}

enum result pool_stats(struct store *store, int64_t tenant_id, struct store_pool_stats *ret)
{
        struct store_conn *conn;
        enum result result = store_conn_get(store, &conn);

        return result ? result : store_pool_stats(conn, tenant_id, ret);
}
