/*
 * domain/identity/oidc.c: discovery and token answers, and the ID token
 * checks, against tokens this test signs with libcjose (RS256, ES256) and
 * tokens it breaks (audience, issuer, expiry, iat, kid, signature, alg).
 */
#include <cjose/cjose.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "domain/identity/oidc.h"

#define ISS "https://idp.example"
#define NOW 1800000000

static cjose_jwk_t *rsa_key, *ec_key, *other_key;

static cjose_jwk_t *with_kid(cjose_jwk_t *k, const char *kid)
{
        cjose_jwk_set_kid(k, kid, strlen(kid), NULL);
        return k;
}

/* A JWK Set of the public halves of the keys given (NULL-terminated). */
static char *jwks_of(cjose_jwk_t *a, cjose_jwk_t *b)
{
        char *out = malloc(8192), *ja = cjose_jwk_to_json(a, false, NULL);
        char *jb = b ? cjose_jwk_to_json(b, false, NULL) : NULL;

        snprintf(out, 8192, "{\"keys\":[%s%s%s]}", ja, jb ? "," : "", jb ? jb : "");
        free(ja);
        free(jb);
        return out;
}

/* A compact JWS of claims signed by key with alg (malloc'd). */
static char *sign(cjose_jwk_t *key, const char *alg, const char *claims)
{
        cjose_header_t *hdr = cjose_header_new(NULL);
        const char *compact = NULL;
        cjose_jws_t *jws;
        char *out;

        cjose_header_set(hdr, CJOSE_HDR_ALG, alg, NULL);
        cjose_header_set(hdr, CJOSE_HDR_KID, cjose_jwk_get_kid(key, NULL), NULL);
        jws = cjose_jws_sign(key, hdr, (const uint8_t *)claims, strlen(claims), NULL);
        cjose_jws_export(jws, &compact, NULL);
        out = strdup(compact);
        cjose_jws_release(jws);
        cjose_header_release(hdr);
        return out;
}

static char *claims(const char *aud, long exp, long iat, const char *extra)
{
        char *out = malloc(1024);

        snprintf(out, 1024,
                 "{\"iss\":\"" ISS "\",\"sub\":\"u-1\",\"aud\":%s,\"exp\":%ld,\"iat\":%ld,"
                 "\"nonce\":\"n-1\",\"email\":\"Ann@Example.com\"%s}",
                 aud, exp, iat, extra);
        return out;
}

/* The refusal of the token (OIDC_REFUSAL_NONE when it passes). */
static enum oidc_refusal check(const char *jwt, const char *jwks, struct oidc_claims *c)
{
        struct oidc_expect e = { .issuer = ISS, .client_id = "agentdesk", .now = NOW, .skew = 60,
                                 .max_age = 600 };
        enum oidc_refusal r = OIDC_REFUSAL_MALFORMED;
        struct oidc_claims ignored;
        enum result result = oidc_id_token_check(jwt, jwks, &e, c ? c : &ignored, &r);

        CHECK_INT_EQ(result == RESULT_OK, r == OIDC_REFUSAL_NONE);
        return r;
}

static enum oidc_refusal check_signed(cjose_jwk_t *key, const char *alg, const char *aud, long exp,
                                      long iat, const char *extra, const char *jwks)
{
        char *c = claims(aud, exp, iat, extra), *jwt = sign(key, alg, c);
        enum oidc_refusal r = check(jwt, jwks, NULL);

        free(c);
        free(jwt);
        return r;
}

static void test_tokens(void)
{
        char *jwks = jwks_of(rsa_key, ec_key), *c, *jwt, *bad;
        struct oidc_claims got;

        c = claims("\"agentdesk\"", NOW + 300, NOW - 5, ",\"email_verified\":true");
        jwt = sign(rsa_key, "RS256", c);
        CHECK_INT_EQ(check(jwt, jwks, &got), OIDC_REFUSAL_NONE);
        CHECK_STR_EQ(got.subject, "u-1");
        CHECK_STR_EQ(got.email, "ann@example.com");
        CHECK_STR_EQ(got.nonce, "n-1");
        CHECK(got.email_verified);

        /* One changed character of the payload: the signature no longer holds. */
        bad = strdup(jwt);
        *(strchr(bad, '.') + 5) ^= 1;
        CHECK_INT_EQ(check(bad, jwks, NULL), OIDC_REFUSAL_SIGNATURE);
        free(bad);
        /* A key the set does not have: unknown, so the caller fetches the set again. */
        CHECK_INT_EQ(check(jwt, "{\"keys\":[]}", NULL), OIDC_REFUSAL_UNKNOWN_KEY);
        CHECK_INT_EQ(check("not.a.token", jwks, NULL), OIDC_REFUSAL_MALFORMED);
        /* Segments libcjose's decoder would abort on (a length of 4k + 1,
         * padding, other characters), found by fuzz/oidc.c: refused first. */
        CHECK_INT_EQ(check("eyJhbGciOiJFUzI1NiJ9.abcde.abcd", jwks, NULL), OIDC_REFUSAL_MALFORMED);
        CHECK_INT_EQ(check("eyJhbGciOiJFUzI1NiJ9.ab=d.abcd", jwks, NULL), OIDC_REFUSAL_MALFORMED);
        CHECK_INT_EQ(check("eyJhbGciOiJFUzI1NiJ9.abcd.ab+d", jwks, NULL), OIDC_REFUSAL_MALFORMED);
        CHECK_INT_EQ(check("eyJhbGciOiJFUzI1NiJ9.abcd.abcd.abcd", jwks, NULL), OIDC_REFUSAL_MALFORMED);
        CHECK_INT_EQ(check(jwt, "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"rsa-1\",\"n\":\"abcde\","
                                "\"e\":\"AQAB\"}]}", NULL),
                     OIDC_REFUSAL_UNKNOWN_KEY);
        free(jwt);
        free(c);

        CHECK_INT_EQ(check_signed(ec_key, "ES256", "\"agentdesk\"", NOW + 300, NOW, "", jwks),
                     OIDC_REFUSAL_NONE);
        CHECK_INT_EQ(check_signed(rsa_key, "RS256", "\"someone-else\"", NOW + 300, NOW, "", jwks),
                     OIDC_REFUSAL_AUDIENCE);
        CHECK_INT_EQ(check_signed(rsa_key, "RS256", "[\"agentdesk\",\"x\"]", NOW + 300, NOW, "",
                                  jwks),
                     OIDC_REFUSAL_AUDIENCE);   /* several audiences and no azp */
        CHECK_INT_EQ(check_signed(rsa_key, "RS256", "[\"agentdesk\",\"x\"]", NOW + 300, NOW,
                                  ",\"azp\":\"agentdesk\"", jwks),
                     OIDC_REFUSAL_NONE);
        CHECK_INT_EQ(check_signed(rsa_key, "RS256", "\"agentdesk\"", NOW - 61, NOW - 400, "", jwks),
                     OIDC_REFUSAL_EXPIRED);
        CHECK_INT_EQ(check_signed(rsa_key, "RS256", "\"agentdesk\"", NOW + 900, NOW + 120, "",
                                  jwks),
                     OIDC_REFUSAL_ISSUED_AT);   /* issued in the future */
        CHECK_INT_EQ(check_signed(rsa_key, "RS256", "\"agentdesk\"", NOW + 900, NOW - 3600, "",
                                  jwks),
                     OIDC_REFUSAL_ISSUED_AT);   /* too old */
        /* A key of the set, but signed by another with the same kid. */
        CHECK_INT_EQ(check_signed(other_key, "RS256", "\"agentdesk\"", NOW + 300, NOW, "", jwks),
                     OIDC_REFUSAL_SIGNATURE);
        /* A set without any key of the kind ES256 needs. */
        CHECK_INT_EQ(check_signed(ec_key, "ES256", "\"agentdesk\"", NOW + 300, NOW, "",
                                  "{\"keys\":[]}"),
                     OIDC_REFUSAL_UNKNOWN_KEY);
        /* "none" and HMAC are refused before any key is looked at. */
        CHECK_INT_EQ(check("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", jwks, NULL),
                     OIDC_REFUSAL_ALGORITHM);
        {
                cjose_jwk_t *oct = with_kid(cjose_jwk_create_oct_random(256, NULL), "rsa-1");
                CHECK_INT_EQ(check_signed(oct, "HS256", "\"agentdesk\"", NOW + 300, NOW, "", jwks),
                             OIDC_REFUSAL_ALGORITHM);
                cjose_jwk_release(oct);
        }
        /* email_verified as a string, as some providers send it. */
        c = claims("\"agentdesk\"", NOW + 300, NOW, ",\"email_verified\":\"true\"");
        jwt = sign(rsa_key, "RS256", c);
        CHECK_INT_EQ(check(jwt, jwks, &got), OIDC_REFUSAL_NONE);
        CHECK(got.email_verified);
        free(jwt);
        free(c);
        c = claims("\"agentdesk\"", NOW + 300, NOW, ",\"email_verified\":false");
        jwt = sign(rsa_key, "RS256", c);
        CHECK_INT_EQ(check(jwt, jwks, &got), OIDC_REFUSAL_NONE);
        CHECK(!got.email_verified);
        free(jwt);
        free(c);
        free(jwks);
}

static void test_documents(void)
{
        struct oidc_provider p;
        char *t = NULL;
        const char *doc = "{\"issuer\":\"" ISS "\",\"authorization_endpoint\":\"" ISS "/auth\","
                          "\"token_endpoint\":\"" ISS "/token\",\"jwks_uri\":\"" ISS "/jwks\","
                          "\"code_challenge_methods_supported\":[\"plain\",\"S256\"]}";

        CHECK_INT_EQ(oidc_discovery_parse(doc, strlen(doc), ISS, &p), RESULT_OK);
        CHECK_STR_EQ(p.token_endpoint, ISS "/token");
        /* Another issuer than the one configured (Discovery §4.3). */
        CHECK_INT_EQ(oidc_discovery_parse(doc, strlen(doc), "https://other.example", &p),
                     RESULT_PROTOCOL);
        CHECK_INT_EQ(oidc_discovery_parse("{\"issuer\":\"" ISS "\"}", 24, ISS, &p), RESULT_PROTOCOL);
        CHECK_INT_EQ(oidc_discovery_parse("[", 1, ISS, &p), RESULT_PROTOCOL);
        CHECK_INT_EQ(oidc_token_response_parse("{\"id_token\":\"a.b.c\"}", 20, &t), RESULT_OK);
        CHECK_STR_EQ(t, "a.b.c");
        free(t);
        CHECK_INT_EQ(oidc_token_response_parse("{\"error\":\"invalid_grant\"}", 25, &t),
                     RESULT_PROTOCOL);
        CHECK_STR_EQ(oidc_refusal_code(OIDC_REFUSAL_AUDIENCE), "id_token_audience");
}

int main(void)
{
        static const uint8_t e[] = { 1, 0, 1 };

        rsa_key = with_kid(cjose_jwk_create_RSA_random(2048, e, sizeof(e), NULL), "rsa-1");
        other_key = with_kid(cjose_jwk_create_RSA_random(2048, e, sizeof(e), NULL), "rsa-1");
        ec_key = with_kid(cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, NULL), "ec-1");
        test_tokens();
        test_documents();
        cjose_jwk_release(rsa_key);
        cjose_jwk_release(other_key);
        cjose_jwk_release(ec_key);
        return CHECK_DONE();
}
