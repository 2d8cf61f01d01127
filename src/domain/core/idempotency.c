/* Idempotency-Key; see idempotency.h. */
#include "domain/core/idempotency.h"

#include <stdlib.h>
#include <string.h>

#include "domain/core/credentials.h"
#include "util/wipe.h"

enum result idempotency_init(struct idempotency *idem, int64_t tenant_id, int64_t user_id,
                             const char *route, const char *key, const char *body, size_t len)
{
        size_t n = strlen(key);

        if (n == 0 || n > IDEMPOTENCY_KEY_MAX)
                return RESULT_INVALID;
        for (size_t i = 0; i < n; i++)
                if (key[i] < 0x21 || key[i] > 0x7e)
                        return RESULT_INVALID;
        memset(idem, 0, sizeof(*idem));
        idem->tenant_id = tenant_id;
        idem->user_id = user_id;
        idem->route = route;
        idem->key = key;
        credentials_digest_hex(body, len, idem->request_digest);
        return RESULT_OK;
}

enum result idempotency_replay(struct app *app, const struct idempotency *idem, int *ret_status,
                               char **ret_body)
{
        struct store_idempotency saved = { 0 };
        struct store_conn *conn;
        enum result result;

        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_idempotency_get(conn, idem->tenant_id, idem->user_id, idem->route,
                                               idem->key, store_now(), &saved);
        if (!result && !credentials_equal(saved.request_digest, idem->request_digest))
                result = RESULT_IDEMPOTENCY_REUSED;
        /* Sealed under a key since dropped from the key file: the answer is
         * lost, and the key is still taken. */
        if (!result && credentials_unseal_text(saved.body, ret_body) != RESULT_OK)
                result = RESULT_CONFLICT;
        if (!result)
                *ret_status = (int)saved.status;
        free(saved.body);
        return result;
}

enum result idempotency_save(struct store_conn *conn, const struct idempotency *idem,
                             const void *created)
{
        struct store_idempotency answer = { 0 };
        char *body = NULL;
        int status = 0;
        int64_t now = store_now();
        enum result result;

        result = idem->render(idem->arg, created, &status, &body);
        if (!result)
                result = credentials_seal_text(body, &answer.body);
        if (!result) {
                memcpy(answer.request_digest, idem->request_digest, sizeof(answer.request_digest));
                answer.status = status;
                result = store_idempotency_insert(conn, idem->tenant_id, idem->user_id, idem->route,
                                                  idem->key, &answer, now, now + IDEMPOTENCY_TTL_S);
        }
        free(answer.body);       /* sealed: nothing to wipe; body belongs to idem->arg */
        return result;
}
