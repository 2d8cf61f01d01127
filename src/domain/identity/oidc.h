/*
 * OpenID Connect documents, parsed and checked, without I/O: the
 * provider's discovery document (OpenID Connect Discovery 1.0 §3), the
 * token endpoint's answer (RFC 6749 §5.1) and the ID token (OpenID Connect
 * Core 1.0 §2, §3.1.3.7), whose signature libcjose checks against the
 * provider's JWK Set (RFC 7517): RS256 or ES256 only, the key chosen by
 * the token's kid and of the algorithm's key type (never a symmetric key,
 * never "none"). The only file of agentdesk that includes cjose.
 */
#ifndef AGENTDESK_DOMAIN_IDENTITY_OIDC_H
#define AGENTDESK_DOMAIN_IDENTITY_OIDC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/result.h"

#define OIDC_URL_MAX 1024

struct oidc_provider {
        char issuer[OIDC_URL_MAX];
        char authorization_endpoint[OIDC_URL_MAX];
        char token_endpoint[OIDC_URL_MAX];
        char jwks_uri[OIDC_URL_MAX];
};

/* Parses a discovery document into *ret. RESULT_PROTOCOL when it is not
 * JSON, misses an endpoint, names another issuer than issuer (§4.3) or
 * does not offer S256 PKCE when it lists its methods. */
enum result oidc_discovery_parse(const char *body, size_t len, const char *issuer,
                                 struct oidc_provider *ret);

/* The id_token of a token endpoint's answer, into ret (malloc'd, the
 * caller frees). RESULT_PROTOCOL when there is none. */
enum result oidc_token_response_parse(const char *body, size_t len, char **ret_id_token);

/* Why an ID token was refused; oidc_refusal_code() names each (stable:
 * the login page shows them). */
enum oidc_refusal {
        OIDC_REFUSAL_NONE,
        OIDC_REFUSAL_MALFORMED,        /* not a compact JWS of JSON claims */
        OIDC_REFUSAL_ALGORITHM,        /* not RS256 or ES256 */
        OIDC_REFUSAL_UNKNOWN_KEY,      /* no key of the set has its kid */
        OIDC_REFUSAL_SIGNATURE,        /* the signature does not verify */
        OIDC_REFUSAL_ISSUER,
        OIDC_REFUSAL_AUDIENCE,
        OIDC_REFUSAL_EXPIRED,
        OIDC_REFUSAL_ISSUED_AT,        /* iat missing, in the future or too old */
        OIDC_REFUSAL_CLAIMS,           /* sub, nonce missing */
};

const char *oidc_refusal_code(enum oidc_refusal r);

/* What an ID token must say. */
struct oidc_expect {
        const char *issuer;
        const char *client_id;
        int64_t now;
        int64_t skew;                  /* clock skew allowed, seconds */
        int64_t max_age;               /* iat no older than this, seconds */
};

struct oidc_claims {
        char subject[256];
        char email[STORE_EMAIL_MAX];   /* lower-case; "" when none */
        bool email_verified;
        char nonce[256];
        char given_name[STORE_NAME_MAX];  /* "" when none */
        char family_name[STORE_NAME_MAX];
        int64_t exp;
};

/*
 * Checks the ID token jwt against the JWK Set jwks (its JSON text) and
 * *expect, and fills *ret with its claims. RESULT_OK, or RESULT_INVALID
 * with *ret_refusal saying why (OIDC_REFUSAL_UNKNOWN_KEY: fetch the set
 * again, the provider may have rotated its keys). The nonce is only
 * returned: the caller compares it with the flow's.
 */
enum result oidc_id_token_check(const char *jwt, const char *jwks, const struct oidc_expect *expect,
                                struct oidc_claims *ret, enum oidc_refusal *ret_refusal);

#endif
