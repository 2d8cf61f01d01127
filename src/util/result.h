/*
 * The one error type of agentdesk. Every function that can fail returns an
 * enum result; the variable holding it is called `result` everywhere.
 * Lower layers translate their libraries' codes into these at the boundary
 * (store/ for sqlite and libpq, freeswitch/ for the Event Socket); only
 * http/ maps them to HTTP status codes and JSON error codes.
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
        RESULT__MAX
};

/* A short, stable, lower_snake name of the result ("pool_exhausted"). */
const char *result_name(enum result result);

#endif
