/*
 * The one error type of agentdesk. Every function that can fail returns an
 * enum result; the variable holding it is called `result` everywhere.
 * Lower layers translate their libraries' codes into these at the boundary
 * (store/ for sqlite and libpq, freeswitch/ for the Event Socket). Each
 * value has one row in util/result.c: its name, and the HTTP status, JSON
 * error code and stock message the API answers it with; only http/
 * answers with them (http_respond_result).
 */
#ifndef AGENTDESK_UTIL_RESULT_H
#define AGENTDESK_UTIL_RESULT_H

enum result {
        RESULT_OK = 0,
        RESULT_NOMEM,           /* allocation failed */
        RESULT_INVALID,         /* input failed validation */
        RESULT_NOT_FOUND,       /* absent, or not visible to the caller */
        RESULT_CONFLICT,        /* uniqueness or state conflict */
        RESULT_EMAIL_TAKEN,     /* a live user already has that email */
        RESULT_POOL_EXHAUSTED,  /* no free extension left in the pool */
        RESULT_POOL_OVERLAP,    /* a pool would overlap another tenant's */
        RESULT_BUSY,            /* store locked for longer than the timeout */
        RESULT_STORE,           /* store fault: down, corrupt, unexpected */
        RESULT_IO,              /* file or socket error */
        RESULT_TOO_BIG,         /* input over a configured limit */
        RESULT_UNAUTHORIZED,    /* no or bad credentials */
        RESULT_FORBIDDEN,       /* authenticated but not allowed */
        RESULT_TIMEOUT,         /* a bounded wait ran out */
        RESULT_PROTOCOL,        /* a peer broke its protocol */
        RESULT_UNSUPPORTED,     /* not possible with this backend/config */
        RESULT_INVALID_CREDENTIALS, /* login refused: wrong email or password */
        RESULT_THROTTLED,       /* too many failed logins; retry later */
        RESULT_PASSWORD_CHANGE_REQUIRED, /* temporary-password session */
        RESULT_ROLE_NOT_ALLOWED,/* the caller may not grant that role */
        RESULT_SELF,            /* the caller may not do that to itself */
        RESULT_WRONG_PASSWORD,  /* the current password given is wrong */
        RESULT_CLUSTER_IN_USE,  /* tenants still belong to the cluster */
        RESULT_INVALID_TOKEN,   /* a link token that is unknown, used, revoked or expired */
        RESULT_MAIL_OFF,        /* needs mail, and AGENTDESK_SMTP_URL is not set */
        RESULT_NUMBER_TAKEN,    /* a queue or inbound number that collides with one in use */
        RESULT_QUEUE_IN_USE,    /* a queue named by an inbound number or another queue's timeout */
        RESULT_AGENT_SUSPENDED, /* a queue status for a suspended agent (or tenant) */
        RESULT_IDEMPOTENCY_REUSED, /* an Idempotency-Key sent again with another request */
        RESULT__MAX
};

/* A value's row. tests/integration/test_openapi_routes.py checks that the
 * codes are those docs/api/openapi.yaml promises. */
struct result_info {
        const char *name;        /* lower_snake, for logs and the CLI ("store_busy") */
        unsigned status;         /* the HTTP status the API answers with */
        const char *code;        /* the API's JSON error code ("store_unavailable") */
        const char *message;     /* the stock message of that answer */
};

/* The row of result (static); a value out of range gets a row of its own,
 * "unknown", 500 internal_error. Never NULL. */
const struct result_info *result_info(enum result result);

/* result_info(result)->name: a short, stable, lower_snake name. */
const char *result_name(enum result result);

#endif
