/* Names of enum result values, for logs and for the CLI's error lines. */
#include "util/result.h"

static const char *const names[RESULT__MAX] = {
        [RESULT_OK] = "ok",
        [RESULT_NOMEM] = "out_of_memory",
        [RESULT_INVALID] = "invalid",
        [RESULT_NOT_FOUND] = "not_found",
        [RESULT_CONFLICT] = "conflict",
        [RESULT_EMAIL_TAKEN] = "email_taken",
        [RESULT_POOL_EXHAUSTED] = "pool_exhausted",
        [RESULT_POOL_OVERLAP] = "pool_overlap",
        [RESULT_BUSY] = "store_busy",
        [RESULT_STORE] = "store_error",
        [RESULT_IO] = "io_error",
        [RESULT_TOO_BIG] = "too_big",
        [RESULT_UNAUTHORIZED] = "unauthorized",
        [RESULT_FORBIDDEN] = "forbidden",
        [RESULT_TIMEOUT] = "timeout",
        [RESULT_PROTOCOL] = "protocol_error",
        [RESULT_UNSUPPORTED] = "unsupported",
        [RESULT_INVALID_CREDENTIALS] = "invalid_credentials",
        [RESULT_THROTTLED] = "too_many_attempts",
        [RESULT_PASSWORD_CHANGE_REQUIRED] = "password_change_required",
        [RESULT_ROLE_NOT_ALLOWED] = "role_not_allowed",
        [RESULT_SELF] = "cannot_modify_self",
        [RESULT_WRONG_PASSWORD] = "wrong_password",
        [RESULT_CLUSTER_IN_USE] = "cluster_in_use",
        [RESULT_INVALID_TOKEN] = "invalid_token",
        [RESULT_MAIL_OFF] = "mail_disabled",
};

const char *result_name(enum result result)
{
        if ((unsigned)result >= RESULT__MAX || !names[result])
                return "unknown";
        return names[result];
}
