/* Throttles of guessing; see throttle.h. */
#include "domain/core/throttle.h"

#include <stdatomic.h>

static const char *const names[THROTTLE_KINDS] = {
        [THROTTLE_LOGIN] = "login",
        [THROTTLE_FORGOT_PASSWORD] = "forgot_password",
        [THROTTLE_CHANGE_PASSWORD] = "change_password",
        [THROTTLE_LINK_TOKEN] = "link_token",
        [THROTTLE_XMLCURL] = "xmlcurl",
        [THROTTLE_SSO_START] = "sso_start",
};

static atomic_uint_fast64_t refusals[THROTTLE_KINDS];

const char *throttle_kind_name(enum throttle_kind kind)
{
        return kind < THROTTLE_KINDS ? names[kind] : "";
}

enum result throttle_check(struct store_conn *conn, enum throttle_kind kind, const char *key,
                           int64_t max, int64_t window, int64_t now, int64_t *ret_retry_after)
{
        int64_t failures = 0, start = now;
        enum result result = store_throttle_get(conn, key, now, window, &failures, &start);

        if (result)
                return result;
        if (failures < max)
                return RESULT_OK;
        atomic_fetch_add(&refusals[kind], 1);
        *ret_retry_after = start + window - now;
        if (*ret_retry_after < 1)
                *ret_retry_after = 1;
        return RESULT_THROTTLED;
}

uint64_t throttle_refusals(enum throttle_kind kind)
{
        return kind < THROTTLE_KINDS ? atomic_load(&refusals[kind]) : 0;
}
