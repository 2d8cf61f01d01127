/*
 * libFuzzer driver: what single sign-on reads from an OpenID provider
 * (domain/identity/oidc.c): an ID token (compact JWS) checked against a
 * JWK Set, a discovery document and a token endpoint's answer.
 *
 * The input is the token, a NUL, the JWK Set's text, a NUL, the document
 * (read both as discovery and as a token answer). Besides what ASan/UBSan
 * catch, it checks the contract of oidc.h: a check succeeds exactly when
 * it names no refusal, and then the claims hold a subject and a nonce; a
 * refusal has a stable code; a parsed discovery document has every
 * endpoint and the issuer asked for.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/identity/oidc.h"

#define ISSUER "https://idp.example"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = malloc(size + 3), *jwt, *jwks, *doc, *id_token = NULL;
        struct oidc_expect expect = { .issuer = ISSUER, .client_id = "agentdesk",
                                      .now = 1800000000, .skew = 60, .max_age = 600 };
        enum oidc_refusal refusal = OIDC_REFUSAL_MALFORMED;
        struct oidc_provider provider;
        struct oidc_claims claims;
        enum result result;

        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = text[size + 1] = text[size + 2] = '\0';
        jwt = text;
        jwks = jwt + strlen(jwt) + 1;
        if (jwks > text + size)
                jwks = text + size + 1;
        doc = jwks + strlen(jwks) + 1;
        if (doc > text + size + 1)
                doc = text + size + 2;

        result = oidc_id_token_check(jwt, jwks, &expect, &claims, &refusal);
        if ((result == RESULT_OK) != (refusal == OIDC_REFUSAL_NONE))
                abort();
        if (result == RESULT_OK && (!*claims.subject || !*claims.nonce ||
                                    strlen(claims.email) >= sizeof(claims.email)))
                abort();
        if (result != RESULT_OK && (result != RESULT_INVALID || !*oidc_refusal_code(refusal)))
                abort();
        if (oidc_discovery_parse(doc, strlen(doc), ISSUER, &provider) == RESULT_OK &&
            (strcmp(provider.issuer, ISSUER) != 0 || !*provider.authorization_endpoint ||
             !*provider.token_endpoint || !*provider.jwks_uri))
                abort();
        if (oidc_token_response_parse(doc, strlen(doc), &id_token) == RESULT_OK && !*id_token)
                abort();
        free(id_token);
        free(text);
        return 0;
}
