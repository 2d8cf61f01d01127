/*
 * Single sign-on (sso.h): the tenant's provider settings and the OpenID
 * Connect flow. The provider's documents and the ID token's checks are in
 * oidc.c; the outbound requests go through net/http_client.c (TLS
 * verified, no redirect followed, SSRF rules).
 *
 * The JWK Sets are kept in memory per jwks_uri and fetched again when an
 * ID token names a kid the kept set lacks (the provider rotated its keys):
 * at most once per callback.
 *
 * The discovery documents are kept in memory too, per issuer, for
 * DISCOVERY_TTL: a start or a callback does not ask the provider each
 * time, so anonymous starts cannot make the server hammer a tenant's
 * provider (and starts are throttled per client address, before any
 * request or write). An issuer's entry is dropped when a tenant's
 * settings are saved or deleted (an admin's fix takes effect at once) and
 * when the provider's token endpoint or JWK Set fails in a callback (the
 * document may be stale: the next flow reads it again). Each node keeps
 * its own cache: a node other than the one that saved the settings sees
 * the change after DISCOVERY_TTL at worst, or at the first such failure.
 */
#define LOG_MODULE "sso"
#include "domain/identity/sso.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/core/audit.h"
#include "domain/core/throttle.h"
#include "domain/identity/agents.h"
#include "domain/identity/oidc.h"
#include "net/http_client.h"
#include "util/log.h"
#include "util/text.h"
#include "util/wipe.h"

#define JWKS_CACHE_SLOTS 16
#define ID_TOKEN_SKEW 60                 /* seconds of clock skew allowed */
#define ID_TOKEN_MAX_AGE 600             /* iat no older than this */
/* Long enough that a burst of sign-ins costs the provider one request,
 * short enough that a provider's change of endpoints is seen soon without
 * anyone saving the settings. */
#define DISCOVERY_TTL 600                /* seconds */
#define DISCOVERY_CACHE_SLOTS 64         /* issuers; the oldest entry goes */

static struct {
        pthread_mutex_t lock;
        char uri[JWKS_CACHE_SLOTS][OIDC_URL_MAX];
        char *jwks[JWKS_CACHE_SLOTS];
        unsigned next;
} jwks_cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Fixed slots (no allocation: nothing to free at exit); a slot whose
 * provider.issuer is "" is free. */
static struct {
        pthread_mutex_t lock;
        struct {
                struct oidc_provider provider;
                int64_t fetched_at;      /* monotonic seconds */
        } slot[DISCOVERY_CACHE_SLOTS];
} discovery_cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int64_t monotonic_seconds(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec;
}

/* Drops issuer's discovery document, if kept. */
static void discovery_forget(const char *issuer)
{
        pthread_mutex_lock(&discovery_cache.lock);
        for (size_t i = 0; i < DISCOVERY_CACHE_SLOTS; i++)
                if (strcmp(discovery_cache.slot[i].provider.issuer, issuer) == 0)
                        discovery_cache.slot[i].provider.issuer[0] = '\0';
        pthread_mutex_unlock(&discovery_cache.lock);
}

/* ---- settings ---------------------------------------------------------- */

static bool issuer_valid(const char *s)
{
        return strncmp(s, "https://", 8) == 0 && strlen(s) > 8 && strlen(s) < 400 &&
               !strpbrk(s, " \t\r\n\"'<>#?\\");
}

static bool client_id_valid(const char *s)
{
        size_t n = strlen(s);

        if (!n || n > 255)
                return false;
        for (const unsigned char *p = (const unsigned char *)s; *p; p++)
                if (*p <= 0x20 || *p >= 0x7f)
                        return false;
        return true;
}

enum result sso_settings_get(struct app *app, int64_t tenant_id, struct store_sso *ret)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : store_sso_get(conn, tenant_id, ret);
}

enum result sso_settings_put(struct app *app, const struct actor *actor, int64_t tenant_id,
                             const struct sso_settings_input *in, struct store_sso *ret,
                             const char **ret_field)
{
        struct store_sso s, old;
        struct store_conn *conn;
        enum result result, found;

        memset(&s, 0, sizeof(s));
        s.tenant_id = tenant_id;
        if (!issuer_valid(in->issuer)) {
                *ret_field = "issuer";
                return RESULT_INVALID;
        }
        if (!client_id_valid(in->client_id)) {
                *ret_field = "client_id";
                return RESULT_INVALID;
        }
        if (in->client_secret && (!*in->client_secret || strlen(in->client_secret) >= SSO_SECRET_MAX ||
                                  !text_utf8_valid(in->client_secret, strlen(in->client_secret), NULL))) {
                *ret_field = "client_secret";
                return RESULT_INVALID;
        }
        if (!text_name_valid(in->display_name, 100) || !*in->display_name) {
                *ret_field = "display_name";
                return RESULT_INVALID;
        }
        if (!in->n_domains || in->n_domains > STORE_SSO_MAX_DOMAINS) {
                *ret_field = "email_domains";
                return RESULT_INVALID;
        }
        for (size_t i = 0; i < in->n_domains; i++) {
                const char *d = in->domains[i];

                if (strlen(d) >= sizeof(s.domains[0]) || !strchr(d, '.') || d[0] == '[' ||
                    !text_sip_domain_valid(d)) {
                        *ret_field = "email_domains";
                        return RESULT_INVALID;
                }
                text_lower(s.domains[s.n_domains], sizeof(s.domains[0]), d);
                for (size_t j = 0; j < s.n_domains; j++)
                        if (strcmp(s.domains[j], s.domains[s.n_domains]) == 0) {
                                *ret_field = "email_domains";
                                return RESULT_INVALID;
                        }
                s.n_domains++;
        }
        text_copy(s.issuer, sizeof(s.issuer), in->issuer);
        text_copy(s.client_id, sizeof(s.client_id), in->client_id);
        text_copy(s.display_name, sizeof(s.display_name), in->display_name);
        s.password_login = in->password_login;
        s.jit_accounts = in->jit_accounts;

        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        result = store_begin(conn);
        if (result)
                return result;
        found = store_sso_get(conn, tenant_id, &old);
        if (found && found != RESULT_NOT_FOUND) {
                result = found;
                goto out;
        }
        if (in->client_secret) {
                result = credentials_seal(in->client_secret, s.client_secret);
        } else if (found == RESULT_NOT_FOUND) {
                *ret_field = "client_secret";
                result = RESULT_INVALID;
        } else {
                text_copy(s.client_secret, sizeof(s.client_secret), old.client_secret);
        }
        if (!result)
                result = store_sso_put(conn, &s);
        if (result == RESULT_CONFLICT)
                *ret_field = "email_domains";
        if (!result)
                result = audit_record(conn, actor, tenant_id, "sso.update", "tenant", tenant_id,
                                      "issuer", s.issuer, "client_id", s.client_id, NULL);
        if (!result)
                result = store_sso_get(conn, tenant_id, &s);
        if (!result)
                result = store_commit(conn);
out:
        if (result) {
                store_rollback(conn);
                return result;
        }
        if (!found)
                discovery_forget(old.issuer);
        discovery_forget(s.issuer);
        *ret = s;
        return result;
}

enum result sso_settings_delete(struct app *app, const struct actor *actor, int64_t tenant_id)
{
        struct store_conn *conn;
        struct store_sso old;
        enum result result = store_conn_get(app->store, &conn);

        if (result)
                return result;
        result = store_begin(conn);
        if (result)
                return result;
        result = store_sso_get(conn, tenant_id, &old);
        if (!result)
                result = store_sso_delete(conn, tenant_id);
        if (!result)
                result = audit_record(conn, actor, tenant_id, "sso.delete", "tenant", tenant_id,
                                      NULL);
        if (!result)
                result = store_commit(conn);
        if (result)
                store_rollback(conn);
        else
                discovery_forget(old.issuer);
        return result;
}

enum result sso_password_login_allowed(struct store_conn *conn, int64_t tenant_id, bool *ret)
{
        struct store_sso s;
        enum result result = store_sso_get(conn, tenant_id, &s);

        if (result == RESULT_NOT_FOUND) {
                *ret = true;
                return RESULT_OK;
        }
        if (!result)
                *ret = s.password_login;
        return result;
}

/* The provider of email's domain (lower-cased). */
static enum result provider_of_email(struct store_conn *conn, const char *email,
                                     struct store_sso *ret)
{
        char lower[STORE_EMAIL_MAX];
        const char *at;

        if (strlen(email) >= sizeof(lower) || !text_email_valid(email))
                return RESULT_NOT_FOUND;
        text_lower(lower, sizeof(lower), email);
        at = strrchr(lower, '@');
        return store_sso_get_by_domain(conn, at + 1, ret);
}

void sso_lookup(struct app *app, const char *email, char *ret_name, bool *ret_password_login)
{
        struct store_conn *conn;
        struct store_sso s;

        ret_name[0] = '\0';
        *ret_password_login = true;
        if (store_conn_get(app->store, &conn) || provider_of_email(conn, email, &s))
                return;
        text_copy(ret_name, STORE_NAME_MAX, s.display_name);
        *ret_password_login = s.password_login;
}

/* ---- the flow ------------------------------------------------------------ */

static void http_options(const struct app *app, struct net_http_options *ret)
{
        memset(ret, 0, sizeof(*ret));
        ret->ca_file = app->settings.oidc_ca_file && *app->settings.oidc_ca_file
                               ? app->settings.oidc_ca_file
                               : NULL;
        ret->allow_private = app->settings.oidc_allow_private;
        ret->timeout_ms = 10000;
}

/* GET url: its body (malloc'd) when the answer is a 200. */
static enum result fetch(const struct app *app, const char *url, char **ret_body, size_t *ret_len)
{
        struct net_http_options opts;
        struct net_http_request req = { .method = "GET", .url = url };
        struct net_http_response res;
        const char *const headers[] = { "Accept: application/json", NULL };
        enum result result;

        req.headers = headers;
        http_options(app, &opts);
        result = net_http_send(&opts, &req, &res);
        if (result)
                return result;
        if (res.status != 200) {
                net_http_response_free(&res);
                return RESULT_PROTOCOL;
        }
        *ret_body = res.body;
        *ret_len = res.body_len;
        res.body = NULL;
        net_http_response_free(&res);
        return RESULT_OK;
}

/* issuer's discovery document: the kept one while fresh, else fetched
 * (and kept when it parses). */
static enum result discover(const struct app *app, const char *issuer, struct oidc_provider *ret)
{
        char url[OIDC_URL_MAX + 64];
        size_t n = strlen(issuer), len, i, oldest = 0;
        char *body = NULL;
        enum result result;
        int64_t now = monotonic_seconds();

        pthread_mutex_lock(&discovery_cache.lock);
        for (i = 0; i < DISCOVERY_CACHE_SLOTS; i++)
                if (*issuer && strcmp(discovery_cache.slot[i].provider.issuer, issuer) == 0 &&
                    now - discovery_cache.slot[i].fetched_at < DISCOVERY_TTL) {
                        *ret = discovery_cache.slot[i].provider;
                        break;
                }
        pthread_mutex_unlock(&discovery_cache.lock);
        if (i < DISCOVERY_CACHE_SLOTS)
                return RESULT_OK;
        /* Discovery §4: the issuer, without a trailing slash, then the path. */
        snprintf(url, sizeof(url), "%.*s/.well-known/openid-configuration",
                 (int)(n && issuer[n - 1] == '/' ? n - 1 : n), issuer);
        result = fetch(app, url, &body, &len);
        if (!result)
                result = oidc_discovery_parse(body, len, issuer, ret);
        free(body);
        if (result)
                return result;
        /* Its own slot (an expired entry), else a free one, else the oldest. */
        pthread_mutex_lock(&discovery_cache.lock);
        for (i = 0; i < DISCOVERY_CACHE_SLOTS; i++) {
                const char *kept = discovery_cache.slot[i].provider.issuer;

                if (strcmp(kept, issuer) == 0)
                        break;
                if (!*kept || (*discovery_cache.slot[oldest].provider.issuer &&
                               discovery_cache.slot[i].fetched_at <
                                       discovery_cache.slot[oldest].fetched_at))
                        oldest = i;
        }
        if (i == DISCOVERY_CACHE_SLOTS)
                i = oldest;
        discovery_cache.slot[i].provider = *ret;
        discovery_cache.slot[i].fetched_at = now;
        pthread_mutex_unlock(&discovery_cache.lock);
        return RESULT_OK;
}

/* A copy of the JWK Set of uri (malloc'd): the kept one unless refresh. */
static enum result jwks_get(const struct app *app, const char *uri, bool refresh, char **ret)
{
        char *body = NULL;
        size_t len, slot;
        enum result result;

        if (!refresh) {
                pthread_mutex_lock(&jwks_cache.lock);
                for (slot = 0; slot < JWKS_CACHE_SLOTS; slot++)
                        if (jwks_cache.jwks[slot] && strcmp(jwks_cache.uri[slot], uri) == 0) {
                                *ret = strdup(jwks_cache.jwks[slot]);
                                break;
                        }
                pthread_mutex_unlock(&jwks_cache.lock);
                if (slot < JWKS_CACHE_SLOTS)
                        return *ret ? RESULT_OK : RESULT_NOMEM;
        }
        result = fetch(app, uri, &body, &len);
        if (result)
                return result;
        *ret = strdup(body);
        pthread_mutex_lock(&jwks_cache.lock);
        for (slot = 0; slot < JWKS_CACHE_SLOTS; slot++)
                if (jwks_cache.jwks[slot] && strcmp(jwks_cache.uri[slot], uri) == 0)
                        break;
        if (slot == JWKS_CACHE_SLOTS)
                slot = jwks_cache.next++ % JWKS_CACHE_SLOTS;
        free(jwks_cache.jwks[slot]);
        jwks_cache.jwks[slot] = body;
        text_copy(jwks_cache.uri[slot], sizeof(jwks_cache.uri[slot]), uri);
        pthread_mutex_unlock(&jwks_cache.lock);
        return *ret ? RESULT_OK : RESULT_NOMEM;
}

bool sso_redirect_uri(const struct app *app, char *ret, size_t size)
{
        const char *base = app->settings.public_url;
        int n;

        if (!base || !*base) {
                ret[0] = '\0';
                return false;
        }
        n = snprintf(ret, size, "%s/v1/auth/oidc/callback", base);
        if (n < 0 || (size_t)n >= size) {
                ret[0] = '\0';
                return false;
        }
        return true;
}

enum result sso_start(struct app *app, const char *email, const char *client_ip,
                      char **ret_location, char ret_binding[SSO_TOKEN_LEN + 1],
                      int64_t *ret_retry_after)
{
        const struct settings *set = &app->settings;
        char state[SSO_TOKEN_LEN + 1], nonce[SSO_TOKEN_LEN + 1], verifier[SSO_TOKEN_LEN + 1];
        char binding[SSO_TOKEN_LEN + 1], challenge[SSO_TOKEN_LEN + 1], state_hash[65];
        char redirect[600], prefix[OIDC_URL_MAX + 2];
        struct store_oidc_flow flow;
        struct oidc_provider provider;
        struct store_conn *conn;
        struct store_sso s;
        enum result result;
        char *location, ip_key[96];
        int64_t now = store_now();

        if (!set->public_url || !*set->public_url)
                return RESULT_UNSUPPORTED;
        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        /* The client's cap comes before the provider is asked and the flow
         * written; every start counts, as each may cost both. */
        snprintf(ip_key, sizeof(ip_key), "sso:ip:%s", client_ip);
        result = throttle_check(conn, THROTTLE_SSO_START, ip_key, set->sso_start_max,
                                set->login_window, now, ret_retry_after);
        if (!result)
                result = store_throttle_fail(conn, ip_key, now, set->login_window);
        if (!result)
                result = provider_of_email(conn, email, &s);
        if (!result)
                result = discover(app, s.issuer, &provider);
        if (result)
                return result;
        credentials_new_link_token(state);
        credentials_new_link_token(nonce);
        credentials_new_link_token(verifier);
        credentials_new_link_token(binding);
        credentials_pkce_challenge(verifier, challenge);
        memset(&flow, 0, sizeof(flow));
        flow.tenant_id = s.tenant_id;
        flow.expires_at = now + SSO_FLOW_TTL;
        credentials_keyed_hash(state, state_hash);
        credentials_keyed_hash(binding, flow.binding_hash);
        credentials_keyed_hash(nonce, flow.nonce_hash);
        result = credentials_seal(verifier, flow.verifier);
        if (!result)
                result = store_oidc_flow_insert(conn, state_hash, &flow);
        if (result)
                goto out;
        sso_redirect_uri(app, redirect, sizeof(redirect));
        snprintf(prefix, sizeof(prefix), "%s%c", provider.authorization_endpoint,
                 strchr(provider.authorization_endpoint, '?') ? '&' : '?');
        {
                const char *const pairs[] = { "response_type", "code", "client_id", s.client_id,
                                              "redirect_uri", redirect, "scope",
                                              "openid email profile", "state", state, "nonce",
                                              nonce, "code_challenge", challenge,
                                              "code_challenge_method", "S256", "login_hint", email,
                                              NULL };
                location = net_form_encode(prefix, pairs);
        }
        if (!location) {
                result = RESULT_NOMEM;
                goto out;
        }
        *ret_location = location;
        memcpy(ret_binding, binding, sizeof(binding));
out:
        wipe_memory(verifier, sizeof(verifier));
        wipe_memory(binding, sizeof(binding));
        return result;
}

/* Trades the provider's code for its ID token (client_secret_post). */
static enum result token_request(const struct app *app, const struct oidc_provider *provider,
                                 const struct store_sso *s, const char *code, const char *verifier,
                                 char **ret_id_token, const char **ret_refusal)
{
        char secret[SSO_SECRET_MAX], redirect[600];
        struct net_http_options opts;
        struct net_http_request req = { .method = "POST", .url = provider->token_endpoint };
        struct net_http_response res;
        const char *const headers[] = { "Content-Type: application/x-www-form-urlencoded",
                                        "Accept: application/json", NULL };
        enum result result;
        char *body = NULL;

        result = credentials_unseal(s->client_secret, secret, sizeof(secret));
        if (result)
                return result;
        sso_redirect_uri(app, redirect, sizeof(redirect));
        {
                const char *const pairs[] = { "grant_type", "authorization_code", "code", code,
                                              "redirect_uri", redirect, "code_verifier", verifier,
                                              "client_id", s->client_id, "client_secret", secret,
                                              NULL };
                body = net_form_encode("", pairs);
        }
        wipe_memory(secret, sizeof(secret));
        if (!body)
                return RESULT_NOMEM;
        req.headers = headers;
        req.body = body;
        req.body_len = strlen(body);
        http_options(app, &opts);
        result = net_http_send(&opts, &req, &res);
        wipe_memory(body, strlen(body));
        free(body);
        if (result) {
                *ret_refusal = "provider_unreachable";
                return RESULT_INVALID;
        }
        if (res.status != 200)
                result = RESULT_PROTOCOL;
        else
                result = oidc_token_response_parse(res.body, res.body_len, ret_id_token);
        if (res.status != 200 || result == RESULT_PROTOCOL) {
                LOG_WARN("token endpoint of %s answered %ld", s->issuer, res.status);
                *ret_refusal = "provider_error";
                result = RESULT_INVALID;
        }
        net_http_response_free(&res);
        return result;
}

/* Whether the (lower-case) email's domain is one of s's. */
static bool domain_allowed(const struct store_sso *s, const char *email)
{
        const char *at = strrchr(email, '@');

        for (size_t i = 0; at && i < s->n_domains; i++)
                if (strcmp(at + 1, s->domains[i]) == 0)
                        return true;
        return false;
}

/* The user the claims sign in, linking or creating it (in conn's
 * transaction). RESULT_INVALID with *ret_refusal when none may. */
static enum result resolve_user(struct store_conn *conn, const struct store_sso *s,
                                const struct oidc_claims *c, struct store_user *ret,
                                const char **ret_refusal)
{
        struct store_tenant t;
        int64_t user_id = 0;
        enum result result;

        result = store_identity_user(conn, s->issuer, c->subject, &user_id);
        if (!result) {
                result = store_user_get(conn, user_id, ret);
                if (result == RESULT_NOT_FOUND || (!result && ret->status == USER_STATUS_DELETED)) {
                        /* A link to a deleted user is stale: the email may
                         * belong to a new account now, found as at a first
                         * sign-in. */
                        result = store_identity_unlink(conn, s->issuer, c->subject);
                        if (!result)
                                result = RESULT_NOT_FOUND;
                } else if (!result && ret->tenant_id != s->tenant_id) {
                        *ret_refusal = "no_account";
                        return RESULT_INVALID;
                }
        }
        if (result == RESULT_NOT_FOUND) {
                if (!*c->email || !domain_allowed(s, c->email)) {
                        *ret_refusal = "email_domain_not_allowed";
                        return RESULT_INVALID;
                }
                /* Matching an email the provider has not verified would let
                 * whoever claims that address there take the account over. */
                if (!c->email_verified) {
                        *ret_refusal = "email_not_verified";
                        return RESULT_INVALID;
                }
                result = store_user_get_by_email(conn, c->email, ret);
                if (result == RESULT_NOT_FOUND && s->jit_accounts) {
                        *ret_refusal = "jit";   /* the caller creates it */
                        return RESULT_NOT_FOUND;
                }
                if (result == RESULT_NOT_FOUND || (!result && ret->tenant_id != s->tenant_id)) {
                        *ret_refusal = "no_account";
                        return RESULT_INVALID;
                }
                if (!result && ret->status == USER_STATUS_ACTIVE)
                        result = store_identity_link(conn, s->issuer, c->subject, ret->id);
        }
        if (result)
                return result;
        result = store_tenant_get(conn, ret->tenant_id, &t);
        if (result)
                return result;
        if (ret->status != USER_STATUS_ACTIVE || t.status != TENANT_STATUS_ACTIVE) {
                *ret_refusal = "account_disabled";
                return RESULT_INVALID;
        }
        return RESULT_OK;
}

/* Creates the claims' user as an agent of s's tenant (just-in-time). */
static enum result create_user(struct app *app, const struct store_sso *s,
                               const struct oidc_claims *c, struct store_user *ret)
{
        char first[STORE_NAME_MAX], temporary[CREDENTIALS_TEMP_PASSWORD_LEN + 1];
        struct agent_create_input in = { 0 };
        const char *field = NULL;
        struct agent *a;
        struct store_conn *conn;
        enum result result;

        if (*c->given_name && text_name_valid(c->given_name, 100)) {
                text_copy(first, sizeof(first), c->given_name);
        } else {
                text_copy(first, sizeof(first), c->email);
                *strchr(first, '@') = '\0';
        }
        in.first_name = first;
        /* A provider that sends no family name: a placeholder the admin
         * may change (a name is required). */
        in.last_name = text_name_valid(c->family_name, 100) ? c->family_name : "(single sign-on)";
        in.email = c->email;
        in.extensions_count = -1;
        a = calloc(1, sizeof(*a));
        if (!a)
                return RESULT_NOMEM;
        /* The random temporary password is never shown: the account signs
         * in through its provider. */
        result = agent_create(app, NULL, s->tenant_id, &in, a, temporary, &field);
        wipe_memory(temporary, sizeof(temporary));
        if (!result)
                result = store_conn_get(app->store, &conn);
        if (!result)   /* a stale link to a deleted user, if any */
                result = store_identity_unlink(conn, s->issuer, c->subject);
        if (!result)
                result = store_identity_link(conn, s->issuer, c->subject, a->user.id);
        if (!result)
                *ret = a->user;
        free(a);
        return result;
}

enum result sso_callback(struct app *app, const char *state, const char *code, const char *error,
                         const char *binding, char ret_code[SSO_TOKEN_LEN + 1],
                         const char **ret_refusal)
{
        char hash[65], verifier[SSO_TOKEN_LEN + 1], one_time[SSO_TOKEN_LEN + 1];
        struct oidc_provider provider;
        struct store_oidc_flow flow;
        struct oidc_claims claims;
        struct oidc_expect expect;
        struct store_user user;
        struct store_conn *conn;
        struct store_sso s;
        enum oidc_refusal refusal = OIDC_REFUSAL_NONE;
        char *id_token = NULL, *jwks = NULL;
        enum result result;
        int64_t now = store_now();

        *ret_refusal = "state_invalid";
        if (!state || strlen(state) != SSO_TOKEN_LEN)
                return RESULT_INVALID;
        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        credentials_keyed_hash(state, hash);
        result = store_oidc_flow_take(conn, hash, &flow);
        if (result == RESULT_NOT_FOUND)
                return RESULT_INVALID;
        if (result)
                return result;
        if (flow.expires_at < now) {
                *ret_refusal = "state_expired";
                return RESULT_INVALID;
        }
        /* The state came back in the browser that started the flow (its
         * binding cookie), not in a victim's (login CSRF). */
        if (!binding || strlen(binding) != SSO_TOKEN_LEN) {
                *ret_refusal = "browser_mismatch";
                return RESULT_INVALID;
        }
        credentials_keyed_hash(binding, hash);
        if (!credentials_equal(hash, flow.binding_hash)) {
                *ret_refusal = "browser_mismatch";
                return RESULT_INVALID;
        }
        if (error || !code || !*code || strlen(code) > 2048) {
                *ret_refusal = "provider_refused";
                return RESULT_INVALID;
        }
        result = store_sso_get(conn, flow.tenant_id, &s);
        if (result == RESULT_NOT_FOUND) {
                *ret_refusal = "sso_not_configured";
                return RESULT_INVALID;
        }
        if (result)
                return result;
        if (discover(app, s.issuer, &provider)) {
                *ret_refusal = "provider_unreachable";
                return RESULT_INVALID;
        }
        result = credentials_unseal(flow.verifier, verifier, sizeof(verifier));
        if (!result)
                result = token_request(app, &provider, &s, code, verifier, &id_token, ret_refusal);
        wipe_memory(verifier, sizeof(verifier));
        if (result == RESULT_INVALID)   /* the token endpoint may have moved */
                discovery_forget(s.issuer);
        if (result)
                goto out;
        expect = (struct oidc_expect){ .issuer = s.issuer, .client_id = s.client_id, .now = now,
                                       .skew = ID_TOKEN_SKEW, .max_age = ID_TOKEN_MAX_AGE };
        for (int attempt = 0; attempt < 2; attempt++) {
                free(jwks);
                jwks = NULL;
                if (jwks_get(app, provider.jwks_uri, attempt > 0, &jwks)) {
                        discovery_forget(s.issuer);
                        *ret_refusal = "provider_unreachable";
                        result = RESULT_INVALID;
                        goto out;
                }
                result = oidc_id_token_check(id_token, jwks, &expect, &claims, &refusal);
                if (refusal != OIDC_REFUSAL_UNKNOWN_KEY)
                        break;
        }
        /* A kid that even the fresh set lacks: the set may have moved. */
        if (refusal == OIDC_REFUSAL_UNKNOWN_KEY)
                discovery_forget(s.issuer);
        if (result) {
                *ret_refusal = oidc_refusal_code(refusal);
                goto out;
        }
        credentials_keyed_hash(claims.nonce, hash);
        if (!credentials_equal(hash, flow.nonce_hash)) {
                *ret_refusal = "id_token_nonce";
                result = RESULT_INVALID;
                goto out;
        }
        result = store_begin(conn);
        if (result)
                goto out;
        result = resolve_user(conn, &s, &claims, &user, ret_refusal);
        if (result == RESULT_NOT_FOUND && strcmp(*ret_refusal, "jit") == 0) {
                store_rollback(conn);
                result = create_user(app, &s, &claims, &user);
                if (result == RESULT_EMAIL_TAKEN || result == RESULT_INVALID) {
                        *ret_refusal = "no_account";
                        result = RESULT_INVALID;
                }
                if (!result)
                        result = store_begin(conn);
        }
        if (!result) {
                credentials_new_link_token(one_time);
                credentials_keyed_hash(one_time, hash);
                result = store_oidc_code_insert(conn, hash, user.id, now + SSO_CODE_TTL);
        }
        if (!result) {
                struct actor actor = { .kind = ACTOR_KIND_USER, .user_id = user.id,
                                       .role = user.role, .client_ip = "", .request_id = "" };

                result = audit_record(conn, &actor, user.tenant_id, "user.sso_login", "user",
                                      user.id, "issuer", s.issuer, NULL);
        }
        if (!result)
                result = store_commit(conn);
        if (result) {
                store_rollback(conn);
        } else {
                memcpy(ret_code, one_time, sizeof(one_time));
        }
        wipe_memory(one_time, sizeof(one_time));
out:
        free(jwks);
        if (id_token) {
                wipe_memory(id_token, strlen(id_token));
                free(id_token);
        }
        return result;
}

enum result sso_exchange(struct app *app, const char *code, struct auth_token *ret)
{
        char hash[65];
        struct store_conn *conn;
        struct store_tenant t;
        struct store_user u;
        int64_t user_id = 0, expires_at = 0, now = store_now();
        enum result result;

        if (strlen(code) != SSO_TOKEN_LEN)
                return RESULT_INVALID_TOKEN;
        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        credentials_keyed_hash(code, hash);
        result = store_begin(conn);
        if (result)
                return result;
        result = store_oidc_code_take(conn, hash, &user_id, &expires_at);
        if (!result)
                result = store_user_get(conn, user_id, &u);
        if (!result)
                result = store_tenant_get(conn, u.tenant_id, &t);
        if (result == RESULT_NOT_FOUND ||
            (!result && (expires_at < now || u.status != USER_STATUS_ACTIVE ||
                         t.status != TENANT_STATUS_ACTIVE)))
                result = RESULT_INVALID_TOKEN;
        if (!result)
                result = store_user_touch_login(conn, u.id);
        if (!result)
                result = auth_session_open(conn, app, &u, false, now, ret);
        if (!result) {
                result = store_commit(conn);
        } else if (result == RESULT_INVALID_TOKEN) {
                /* The code is spent even so. */
                if (store_commit(conn))
                        store_rollback(conn);
                return result;
        }
        if (result)
                store_rollback(conn);
        return result;
}
