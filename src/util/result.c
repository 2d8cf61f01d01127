/*
 * The one table of enum result: a row per value with its name, the HTTP
 * status and JSON error code the API answers it with, and the stock
 * message of that answer. http/ answers from it (http_respond_result),
 * logs and the CLI's error lines print its names.
 *
 * name and code are the same word where the API gives the result a code
 * of its own. Where several results share one code (the API promises
 * store_unavailable for any store fault worth a retry, internal_error for
 * what the caller cannot fix), the name stays finer, for the operator
 * reading the log: store_busy, io_error, timeout.
 */
#include "util/result.h"

static const struct result_info rows[RESULT__MAX] = {
        [RESULT_OK] = { "ok", 200, "ok", "ok" },
        [RESULT_NOMEM] = { "out_of_memory", 500, "internal_error", "out of memory" },
        [RESULT_INVALID] = { "validation_failed", 400, "validation_failed",
                             "the input is not valid" },
        [RESULT_NOT_FOUND] = { "not_found", 404, "not_found", "no such object" },
        [RESULT_CONFLICT] = { "conflict", 409, "conflict", "conflicts with existing data" },
        [RESULT_EMAIL_TAKEN] = { "email_taken", 409, "email_taken",
                                 "this email cannot be used for a new account" },
        [RESULT_POOL_EXHAUSTED] = { "pool_exhausted", 409, "pool_exhausted",
                                    "the tenant's extension pool has no free extension" },
        [RESULT_POOL_OVERLAP] = { "pool_overlap", 409, "pool_overlap",
                                  "the pool overlaps another tenant's pool" },
        [RESULT_BUSY] = { "store_busy", 503, "store_unavailable",
                          "the store is unavailable; retry shortly" },
        [RESULT_STORE] = { "store_error", 503, "store_unavailable",
                           "the store is unavailable; retry shortly" },
        [RESULT_IO] = { "io_error", 503, "store_unavailable",
                        "the store is unavailable; retry shortly" },
        [RESULT_TOO_BIG] = { "payload_too_large", 413, "payload_too_large",
                             "the input is larger than allowed" },
        [RESULT_UNAUTHORIZED] = { "unauthorized", 401, "unauthorized",
                                  "a valid bearer token is required" },
        [RESULT_FORBIDDEN] = { "forbidden", 403, "forbidden", "your role may not do this" },
        [RESULT_TIMEOUT] = { "timeout", 503, "store_unavailable",
                             "the store is unavailable; retry shortly" },
        [RESULT_PROTOCOL] = { "protocol_error", 500, "internal_error", "internal error" },
        [RESULT_UNSUPPORTED] = { "unsupported", 500, "internal_error", "internal error" },
        [RESULT_INVALID_CREDENTIALS] = { "invalid_credentials", 401, "invalid_credentials",
                                         "wrong email or password" },
        [RESULT_THROTTLED] = { "too_many_attempts", 429, "too_many_attempts",
                               "too many attempts; retry later" },
        [RESULT_PASSWORD_CHANGE_REQUIRED] = { "password_change_required", 403,
                                              "password_change_required",
                                              "change the temporary password first" },
        [RESULT_ROLE_NOT_ALLOWED] = { "role_not_allowed", 403, "role_not_allowed",
                                      "that role cannot be given here" },
        [RESULT_SELF] = { "cannot_modify_self", 409, "cannot_modify_self",
                          "you cannot suspend, delete or change the role of yourself" },
        [RESULT_WRONG_PASSWORD] = { "wrong_password", 400, "wrong_password",
                                    "the current password is wrong" },
        [RESULT_CLUSTER_IN_USE] = { "cluster_in_use", 409, "cluster_in_use",
                                    "tenants still belong to this cluster: move them first" },
        [RESULT_INVALID_TOKEN] = { "invalid_token", 400, "invalid_token",
                                   "the link is not valid: it was used, replaced or has expired" },
        [RESULT_MAIL_OFF] = { "mail_disabled", 409, "mail_disabled",
                              "mail is off on this server (AGENTDESK_SMTP_URL is not set)" },
        [RESULT_NUMBER_TAKEN] = { "number_taken", 409, "number_taken",
                                  "that number is already in use" },
        [RESULT_QUEUE_IN_USE] = { "queue_in_use", 409, "queue_in_use",
                                  "an inbound number or another queue's timeout names this queue: "
                                  "move those first" },
        [RESULT_AGENT_SUSPENDED] = { "agent_suspended", 409, "agent_suspended",
                                     "the agent is suspended: it is logged out of queues and stays so" },
        [RESULT_IDEMPOTENCY_REUSED] = { "idempotency_key_reused", 422, "idempotency_key_reused",
                                        "this Idempotency-Key was used with another request: "
                                        "send a new key for a new request" },
};

static const struct result_info unknown = { "unknown", 500, "internal_error", "internal error" };

const struct result_info *result_info(enum result result)
{
        if ((unsigned)result >= RESULT__MAX || !rows[result].name)
                return &unknown;
        return &rows[result];
}

const char *result_name(enum result result)
{
        return result_info(result)->name;
}
