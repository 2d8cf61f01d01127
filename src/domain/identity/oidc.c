/*
 * OpenID Connect documents and ID tokens (oidc.h). Specs: OpenID Connect
 * Core 1.0 (§3.1.3.7 ID token validation), Discovery 1.0, RFC 7515 (JWS),
 * RFC 7517 (JWK), RFC 7518 §3.3-3.4 (RS256, ES256).
 */
#include "domain/identity/oidc.h"

#include <cjose/cjose.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

static bool copy_string(json_t *obj, const char *name, char *out, size_t size)
{
        const char *s = json_string_value(json_object_get(obj, name));

        if (!s || !*s || strlen(s) >= size)
                return false;
        text_copy(out, size, s);
        return true;
}

enum result oidc_discovery_parse(const char *body, size_t len, const char *issuer,
                                 struct oidc_provider *ret)
{
        struct oidc_provider p;
        json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
        json_t *methods;
        enum result result = RESULT_PROTOCOL;

        if (!json_is_object(doc))
                goto out;
        if (!copy_string(doc, "issuer", p.issuer, sizeof(p.issuer)) ||
            strcmp(p.issuer, issuer) != 0 ||
            !copy_string(doc, "authorization_endpoint", p.authorization_endpoint,
                         sizeof(p.authorization_endpoint)) ||
            !copy_string(doc, "token_endpoint", p.token_endpoint, sizeof(p.token_endpoint)) ||
            !copy_string(doc, "jwks_uri", p.jwks_uri, sizeof(p.jwks_uri)))
                goto out;
        methods = json_object_get(doc, "code_challenge_methods_supported");
        if (json_is_array(methods)) {
                size_t i;
                json_t *m;
                bool s256 = false;

                json_array_foreach(methods, i, m)
                        s256 |= json_is_string(m) && strcmp(json_string_value(m), "S256") == 0;
                if (!s256)
                        goto out;
        }
        *ret = p;
        result = RESULT_OK;
out:
        json_decref(doc);
        return result;
}

enum result oidc_token_response_parse(const char *body, size_t len, char **ret_id_token)
{
        json_t *doc = json_loadb(body, len, 0, NULL);
        const char *t = json_string_value(json_object_get(doc, "id_token"));
        enum result result = RESULT_PROTOCOL;

        if (t && *t) {
                *ret_id_token = strdup(t);
                result = *ret_id_token ? RESULT_OK : RESULT_NOMEM;
        }
        json_decref(doc);
        return result;
}

const char *oidc_refusal_code(enum oidc_refusal r)
{
        switch (r) {
        case OIDC_REFUSAL_NONE: return "none";
        case OIDC_REFUSAL_MALFORMED: return "id_token_malformed";
        case OIDC_REFUSAL_ALGORITHM: return "id_token_algorithm";
        case OIDC_REFUSAL_UNKNOWN_KEY: return "id_token_unknown_key";
        case OIDC_REFUSAL_SIGNATURE: return "id_token_signature";
        case OIDC_REFUSAL_ISSUER: return "id_token_issuer";
        case OIDC_REFUSAL_AUDIENCE: return "id_token_audience";
        case OIDC_REFUSAL_EXPIRED: return "id_token_expired";
        case OIDC_REFUSAL_ISSUED_AT: return "id_token_issued_at";
        case OIDC_REFUSAL_CLAIMS: return "id_token_claims";
        }
        return "id_token_invalid";
}

/*
 * Whether s[0..len) is base64url text that libcjose can decode: its
 * decoder assert()s (aborting the process) on a length that leaves one
 * character over (len % 4 == 1), so whatever reaches it is checked here
 * first. Padding is not part of base64url in JOSE (RFC 7515 §2).
 */
static bool b64url_ok(const char *s, size_t len)
{
        if (len % 4 == 1)
                return false;
        for (size_t i = 0; i < len; i++) {
                char c = s[i];

                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_'))
                        return false;
        }
        return true;
}

/* Whether jwt is three base64url segments joined by dots (a compact JWS). */
static bool compact_ok(const char *jwt)
{
        const char *p = jwt;

        for (int part = 0; part < 3; part++) {
                size_t n = strcspn(p, ".");

                if (!b64url_ok(p, n) || (part < 2 ? p[n] != '.' : p[n] != '\0'))
                        return false;
                p += n + (part < 2);
        }
        return true;
}

/* Whether every member of the JWK k that libcjose decodes is base64url. */
static bool jwk_ok(json_t *k)
{
        static const char *const members[] = { "n", "e", "d", "p", "q", "dp", "dq", "qi",
                                               "x", "y", "k" };

        for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
                json_t *v = json_object_get(k, members[i]);

                if (v && (!json_is_string(v) ||
                          !b64url_ok(json_string_value(v), json_string_length(v))))
                        return false;
        }
        return true;
}

/* The key of set (a parsed JWK Set) that verifies a token of alg with
 * kid (NULL: the token names none, so the set's only signing key of the
 * type). NULL when none. The caller releases it. */
static cjose_jwk_t *key_find(json_t *set, const char *alg, const char *kid)
{
        cjose_jwk_kty_t want = strcmp(alg, "RS256") == 0 ? CJOSE_JWK_KTY_RSA : CJOSE_JWK_KTY_EC;
        json_t *keys = json_object_get(set, "keys"), *k;
        cjose_jwk_t *found = NULL;
        size_t i, matches = 0;

        json_array_foreach(keys, i, k) {
                const char *kkid = json_string_value(json_object_get(k, "kid"));
                const char *use = json_string_value(json_object_get(k, "use"));
                const char *kalg = json_string_value(json_object_get(k, "alg"));
                cjose_jwk_t *jwk;

                if (!json_is_object(k) || !jwk_ok(k) || (use && strcmp(use, "sig") != 0) ||
                    (kalg && strcmp(kalg, alg) != 0) || (kid && (!kkid || strcmp(kid, kkid) != 0)))
                        continue;
                jwk = cjose_jwk_import_json((cjose_header_t *)k, NULL);
                if (!jwk)
                        continue;
                if (cjose_jwk_get_kty(jwk, NULL) != want) {
                        cjose_jwk_release(jwk);
                        continue;
                }
                matches++;
                if (found)
                        cjose_jwk_release(found);
                found = jwk;
        }
        if (!kid && matches > 1) {
                /* Which one signed is anyone's guess: refuse rather than try each. */
                cjose_jwk_release(found);
                found = NULL;
        }
        return found;
}

static bool audience_ok(json_t *claims, const char *client_id)
{
        json_t *aud = json_object_get(claims, "aud"), *a;
        const char *azp = json_string_value(json_object_get(claims, "azp"));
        bool listed = false;
        size_t i;

        if (json_is_string(aud))
                listed = strcmp(json_string_value(aud), client_id) == 0;
        else if (json_is_array(aud))
                json_array_foreach(aud, i, a)
                        listed |= json_is_string(a) && strcmp(json_string_value(a), client_id) == 0;
        if (!listed)
                return false;
        /* Core §3.1.3.7 (4, 5): several audiences need azp, and azp must be us. */
        if (json_is_array(aud) && json_array_size(aud) > 1 && !azp)
                return false;
        return !azp || strcmp(azp, client_id) == 0;
}

enum result oidc_id_token_check(const char *jwt, const char *jwks, const struct oidc_expect *expect,
                                struct oidc_claims *ret, enum oidc_refusal *ret_refusal)
{
        enum oidc_refusal refusal = OIDC_REFUSAL_MALFORMED;
        struct oidc_claims c;
        cjose_jws_t *jws = NULL;
        cjose_jwk_t *jwk = NULL;
        cjose_header_t *hdr;
        json_t *set = NULL, *claims = NULL, *ev;
        const char *alg, *kid, *iss, *email;
        uint8_t *payload = NULL;
        size_t payload_len = 0;
        json_int_t exp, iat;

        memset(&c, 0, sizeof(c));
        if (!compact_ok(jwt))
                goto out;
        jws = cjose_jws_import(jwt, strlen(jwt), NULL);
        if (!jws)
                goto out;
        hdr = cjose_jws_get_protected(jws);
        alg = hdr ? cjose_header_get(hdr, CJOSE_HDR_ALG, NULL) : NULL;
        kid = hdr ? cjose_header_get(hdr, CJOSE_HDR_KID, NULL) : NULL;
        if (!alg || (strcmp(alg, "RS256") != 0 && strcmp(alg, "ES256") != 0)) {
                refusal = OIDC_REFUSAL_ALGORITHM;
                goto out;
        }
        set = json_loads(jwks, 0, NULL);
        jwk = set ? key_find(set, alg, kid) : NULL;
        if (!jwk) {
                refusal = OIDC_REFUSAL_UNKNOWN_KEY;
                goto out;
        }
        if (!cjose_jws_verify(jws, jwk, NULL)) {
                refusal = OIDC_REFUSAL_SIGNATURE;
                goto out;
        }
        if (!cjose_jws_get_plaintext(jws, &payload, &payload_len, NULL))
                goto out;
        claims = json_loadb((const char *)payload, payload_len, JSON_REJECT_DUPLICATES, NULL);
        if (!json_is_object(claims))
                goto out;
        iss = json_string_value(json_object_get(claims, "iss"));
        if (!iss || strcmp(iss, expect->issuer) != 0) {
                refusal = OIDC_REFUSAL_ISSUER;
                goto out;
        }
        if (!audience_ok(claims, expect->client_id)) {
                refusal = OIDC_REFUSAL_AUDIENCE;
                goto out;
        }
        if (!json_is_integer(json_object_get(claims, "exp")) ||
            (exp = json_integer_value(json_object_get(claims, "exp"))) + expect->skew <= expect->now) {
                refusal = OIDC_REFUSAL_EXPIRED;
                goto out;
        }
        if (!json_is_integer(json_object_get(claims, "iat")) ||
            (iat = json_integer_value(json_object_get(claims, "iat"))) > expect->now + expect->skew ||
            iat < expect->now - expect->max_age) {
                refusal = OIDC_REFUSAL_ISSUED_AT;
                goto out;
        }
        if (!copy_string(claims, "sub", c.subject, sizeof(c.subject)) ||
            !copy_string(claims, "nonce", c.nonce, sizeof(c.nonce))) {
                refusal = OIDC_REFUSAL_CLAIMS;
                goto out;
        }
        email = json_string_value(json_object_get(claims, "email"));
        if (email && strlen(email) < sizeof(c.email))
                text_lower(c.email, sizeof(c.email), email);
        /* Some providers send "true" as a string. */
        ev = json_object_get(claims, "email_verified");
        c.email_verified = json_is_true(ev) ||
                           (json_is_string(ev) && strcmp(json_string_value(ev), "true") == 0);
        (void)copy_string(claims, "given_name", c.given_name, sizeof(c.given_name));
        (void)copy_string(claims, "family_name", c.family_name, sizeof(c.family_name));
        c.exp = exp;
        refusal = OIDC_REFUSAL_NONE;
out:
        json_decref(claims);
        json_decref(set);
        if (jwk)
                cjose_jwk_release(jwk);
        if (jws)
                cjose_jws_release(jws);
        if (refusal != OIDC_REFUSAL_NONE) {
                *ret_refusal = refusal;
                return RESULT_INVALID;
        }
        *ret = c;
        *ret_refusal = OIDC_REFUSAL_NONE;
        return RESULT_OK;
}
