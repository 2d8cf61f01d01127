/*
 * The storage contract of single sign-on (store/sso.c): a tenant's
 * provider created, replaced and deleted with its domains, its sealed
 * client secret kept exactly as given; an email domain held by one tenant
 * only, a put that would take another's writing nothing; one
 * (issuer, subject) linked to one user; flows and one-time codes taken
 * once, their expiry given back; the purge removing expired rows only.
 *
 * Pool numbers: 930000 and 931000, empty pools (no extension here).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "contract.h"
#include "store/driver.h"

int contract_sso_checks(int *ret_failures)
{
        *ret_failures = check_failures;
        return check_count;
}

static struct store_sso provider(int64_t tenant_id, const char *issuer, const char *d1,
                                 const char *d2)
{
        struct store_sso s = { .tenant_id = tenant_id, .password_login = true };

        snprintf(s.issuer, sizeof(s.issuer), "%s", issuer);
        snprintf(s.client_id, sizeof(s.client_id), "client-%lld", (long long)tenant_id);
        /* what credentials_seal_text gives: the store keeps it as is */
        snprintf(s.client_secret, sizeof(s.client_secret), "v1:k7:c2VhbGVkIGJ5IHRoZSBjYWxsZXI=");
        snprintf(s.display_name, sizeof(s.display_name), "Corp %lld", (long long)tenant_id);
        if (d1)
                snprintf(s.domains[s.n_domains++], sizeof(s.domains[0]), "%s", d1);
        if (d2)
                snprintf(s.domains[s.n_domains++], sizeof(s.domains[0]), "%s", d2);
        return s;
}

static enum result put(struct store_conn *conn, const struct store_sso *s)
{
        enum result result;

        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        result = store_sso_put(conn, s);
        if (result)
                store_rollback(conn);
        else
                CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        return result;
}

static void test_providers(struct store_conn *conn, int64_t a, int64_t b)
{
        struct store_sso s = provider(a, "https://idp.a.example", "a.example", "a-corp.example");
        struct store_sso t = provider(b, "https://idp.b.example", "b.example", NULL);
        struct store_sso got;
        struct store_rows rows = { 0 };
        struct store_param p = SP_INT(a);
        int64_t now = store_now();

        CHECK_INT_EQ(store_sso_get(conn, a, &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_sso_get_by_domain(conn, "a.example", &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(put(conn, &s), RESULT_OK);
        CHECK_INT_EQ(put(conn, &t), RESULT_OK);
        CHECK_INT_EQ(store_sso_get(conn, a, &got), RESULT_OK);
        CHECK_INT_EQ(got.tenant_id, a);
        CHECK_STR_EQ(got.issuer, "https://idp.a.example");
        CHECK_STR_EQ(got.client_id, s.client_id);
        CHECK_STR_EQ(got.client_secret, s.client_secret);
        CHECK_STR_EQ(got.display_name, s.display_name);
        CHECK(got.password_login && !got.jit_accounts);
        CHECK(got.updated_at >= now - 5 && got.updated_at <= store_now() + 5);
        CHECK_INT_EQ(got.n_domains, 2);
        CHECK(got.n_domains == 2 && !strcmp(got.domains[0], "a-corp.example") &&
              !strcmp(got.domains[1], "a.example"));
        /* the column holds the sealed text given, nothing re-sealed or opened */
        CHECK_INT_EQ(store_exec(conn, "SELECT client_secret FROM tenant_sso WHERE tenant_id = ?",
                                &p, 1, &rows, NULL),
                     RESULT_OK);
        CHECK(rows.nrows == 1 && !strcmp(store_rows_get(&rows, 0, 0), s.client_secret));
        store_rows_free(&rows);
        CHECK_INT_EQ(store_sso_get_by_domain(conn, "a-corp.example", &got), RESULT_OK);
        CHECK_INT_EQ(got.tenant_id, a);
        CHECK_INT_EQ(store_sso_get_by_domain(conn, "b.example", &got), RESULT_OK);
        CHECK_INT_EQ(got.tenant_id, b);
        CHECK_STR_EQ(got.issuer, "https://idp.b.example");
        CHECK_INT_EQ(store_sso_get_by_domain(conn, "c.example", &got), RESULT_NOT_FOUND);

        /* b cannot take a's domain, and the refused put writes nothing */
        t = provider(b, "https://evil.example", "b.example", "a.example");
        t.jit_accounts = true;
        CHECK_INT_EQ(put(conn, &t), RESULT_CONFLICT);
        CHECK_INT_EQ(store_sso_get_by_domain(conn, "a.example", &got), RESULT_OK);
        CHECK_INT_EQ(got.tenant_id, a);
        CHECK_INT_EQ(store_sso_get(conn, b, &got), RESULT_OK);
        CHECK_STR_EQ(got.issuer, "https://idp.b.example");
        CHECK(!got.jit_accounts);
        CHECK(got.n_domains == 1 && !strcmp(got.domains[0], "b.example"));

        /* a replace keeps one row per tenant and swaps the domains */
        s = provider(a, "https://idp2.a.example", "a.example", NULL);
        s.password_login = false;
        s.jit_accounts = true;
        CHECK_INT_EQ(put(conn, &s), RESULT_OK);
        CHECK_INT_EQ(store_sso_get(conn, a, &got), RESULT_OK);
        CHECK_STR_EQ(got.issuer, "https://idp2.a.example");
        CHECK(!got.password_login && got.jit_accounts);
        CHECK(got.n_domains == 1 && !strcmp(got.domains[0], "a.example"));
        CHECK_INT_EQ(store_sso_get_by_domain(conn, "a-corp.example", &got), RESULT_NOT_FOUND);
        /* ... so the domain a let go is b's to take */
        t = provider(b, "https://idp.b.example", "b.example", "a-corp.example");
        CHECK_INT_EQ(put(conn, &t), RESULT_OK);
        CHECK_INT_EQ(store_sso_get_by_domain(conn, "a-corp.example", &got), RESULT_OK);
        CHECK_INT_EQ(got.tenant_id, b);
}

static void test_delete(struct store_conn *conn, int64_t a, int64_t b)
{
        struct store_oidc_flow f = { .tenant_id = a, .expires_at = store_now() + 600 }, got_flow;
        struct store_sso got;

        snprintf(f.verifier, sizeof(f.verifier), "sealed-verifier");
        CHECK_INT_EQ(store_oidc_flow_insert(conn, "state-of-a", &f), RESULT_OK);
        f.tenant_id = b;
        CHECK_INT_EQ(store_oidc_flow_insert(conn, "state-of-b", &f), RESULT_OK);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_sso_delete(conn, a), RESULT_OK);
        CHECK_INT_EQ(store_commit(conn), RESULT_OK);
        CHECK_INT_EQ(store_sso_get(conn, a, &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_sso_get_by_domain(conn, "a.example", &got), RESULT_NOT_FOUND);
        /* a's flows under way go with it, b's stay */
        CHECK_INT_EQ(store_oidc_flow_take(conn, "state-of-a", &got_flow), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_oidc_flow_take(conn, "state-of-b", &got_flow), RESULT_OK);
        CHECK_INT_EQ(store_sso_get(conn, b, &got), RESULT_OK);
        CHECK_INT_EQ(store_begin(conn), RESULT_OK);
        CHECK_INT_EQ(store_sso_delete(conn, a), RESULT_NOT_FOUND);
        store_rollback(conn);
}

static void test_identities(struct store_conn *conn, int64_t a, int64_t b)
{
        int64_t ada = contract_user(conn, a, "ada@a.example");
        int64_t eve = contract_user(conn, b, "eve@b.example");
        int64_t id = 0;

        CHECK_INT_EQ(store_identity_user(conn, "https://idp.a.example", "sub-1", &id),
                     RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_identity_link(conn, "https://idp.a.example", "sub-1", ada), RESULT_OK);
        CHECK_INT_EQ(store_identity_user(conn, "https://idp.a.example", "sub-1", &id), RESULT_OK);
        CHECK_INT_EQ(id, ada);
        /* one (issuer, subject), one user: a second link is refused */
        CHECK_INT_EQ(store_identity_link(conn, "https://idp.a.example", "sub-1", eve),
                     RESULT_CONFLICT);
        CHECK_INT_EQ(store_identity_user(conn, "https://idp.a.example", "sub-1", &id), RESULT_OK);
        CHECK_INT_EQ(id, ada);
        /* the same subject at another issuer is another identity */
        CHECK_INT_EQ(store_identity_user(conn, "https://idp.b.example", "sub-1", &id),
                     RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_identity_link(conn, "https://idp.b.example", "sub-1", eve), RESULT_OK);
        CHECK_INT_EQ(store_identity_user(conn, "https://idp.b.example", "sub-1", &id), RESULT_OK);
        CHECK_INT_EQ(id, eve);
        CHECK_INT_EQ(store_identity_unlink(conn, "https://idp.a.example", "sub-1"), RESULT_OK);
        CHECK_INT_EQ(store_identity_user(conn, "https://idp.a.example", "sub-1", &id),
                     RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_identity_user(conn, "https://idp.b.example", "sub-1", &id), RESULT_OK);
        CHECK_INT_EQ(id, eve);
        /* once unlinked, the subject may be linked anew */
        CHECK_INT_EQ(store_identity_link(conn, "https://idp.a.example", "sub-1", eve), RESULT_OK);
        CHECK_INT_EQ(store_identity_user(conn, "https://idp.a.example", "sub-1", &id), RESULT_OK);
        CHECK_INT_EQ(id, eve);
        CHECK_INT_EQ(store_identity_unlink(conn, "https://idp.a.example", "nobody"), RESULT_OK);
}

static void test_flows_and_codes(struct store_conn *conn, int64_t a)
{
        int64_t now = store_now(), uid = contract_user(conn, a, "codes@a.example");
        struct store_oidc_flow f = { .tenant_id = a, .expires_at = now + 600 }, got;
        struct store_rows rows = { 0 };
        struct store_param p = SP_TEXT("purge-%");
        int64_t user_id = 0, expires_at = 0;

        snprintf(f.binding_hash, sizeof(f.binding_hash), "%064d", 1);
        snprintf(f.nonce_hash, sizeof(f.nonce_hash), "%064d", 2);
        snprintf(f.verifier, sizeof(f.verifier), "v1:k7:c2VhbGVkIHZlcmlmaWVy");
        CHECK_INT_EQ(store_oidc_flow_insert(conn, "state-1", &f), RESULT_OK);
        /* a state is unique */
        CHECK_INT_EQ(store_oidc_flow_insert(conn, "state-1", &f), RESULT_CONFLICT);
        memset(&got, 0, sizeof(got));
        CHECK_INT_EQ(store_oidc_flow_take(conn, "state-1", &got), RESULT_OK);
        CHECK_INT_EQ(got.tenant_id, a);
        CHECK_STR_EQ(got.binding_hash, f.binding_hash);
        CHECK_STR_EQ(got.nonce_hash, f.nonce_hash);
        CHECK_STR_EQ(got.verifier, f.verifier);
        CHECK_INT_EQ(got.expires_at, now + 600);
        /* used once, whatever came of it */
        CHECK_INT_EQ(store_oidc_flow_take(conn, "state-1", &got), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_oidc_flow_take(conn, "never", &got), RESULT_NOT_FOUND);
        /* an expired flow is still taken (and gone), its expiry told */
        f.expires_at = now - 1;
        CHECK_INT_EQ(store_oidc_flow_insert(conn, "state-old", &f), RESULT_OK);
        CHECK_INT_EQ(store_oidc_flow_take(conn, "state-old", &got), RESULT_OK);
        CHECK_INT_EQ(got.expires_at, now - 1);
        CHECK_INT_EQ(store_oidc_flow_take(conn, "state-old", &got), RESULT_NOT_FOUND);

        CHECK_INT_EQ(store_oidc_code_insert(conn, "code-1", uid, now + 60), RESULT_OK);
        CHECK_INT_EQ(store_oidc_code_insert(conn, "code-1", uid, now + 60), RESULT_CONFLICT);
        CHECK_INT_EQ(store_oidc_code_take(conn, "code-1", &user_id, &expires_at), RESULT_OK);
        CHECK_INT_EQ(user_id, uid);
        CHECK_INT_EQ(expires_at, now + 60);
        CHECK_INT_EQ(store_oidc_code_take(conn, "code-1", &user_id, &expires_at), RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_oidc_code_insert(conn, "code-old", uid, now - 1), RESULT_OK);
        CHECK_INT_EQ(store_oidc_code_take(conn, "code-old", &user_id, &expires_at), RESULT_OK);
        CHECK_INT_EQ(expires_at, now - 1);
        CHECK_INT_EQ(store_oidc_code_take(conn, "code-old", &user_id, &expires_at),
                     RESULT_NOT_FOUND);

        /* the purge: expired before now goes, now and later stay */
        f.expires_at = now - 1;
        CHECK_INT_EQ(store_oidc_flow_insert(conn, "purge-flow-old", &f), RESULT_OK);
        f.expires_at = now;
        CHECK_INT_EQ(store_oidc_flow_insert(conn, "purge-flow-now", &f), RESULT_OK);
        f.expires_at = now + 600;
        CHECK_INT_EQ(store_oidc_flow_insert(conn, "purge-flow-live", &f), RESULT_OK);
        CHECK_INT_EQ(store_oidc_code_insert(conn, "purge-code-old", uid, now - 1), RESULT_OK);
        CHECK_INT_EQ(store_oidc_code_insert(conn, "purge-code-live", uid, now + 60), RESULT_OK);
        CHECK_INT_EQ(store_oidc_purge(conn, now), RESULT_OK);
        CHECK_INT_EQ(store_exec(conn, "SELECT state_hash FROM oidc_flows WHERE state_hash LIKE ? "
                                "ORDER BY state_hash",
                                &p, 1, &rows, NULL),
                     RESULT_OK);
        CHECK_INT_EQ(rows.nrows, 2);
        CHECK(rows.nrows == 2 && !strcmp(store_rows_get(&rows, 0, 0), "purge-flow-live") &&
              !strcmp(store_rows_get(&rows, 1, 0), "purge-flow-now"));
        store_rows_free(&rows);
        CHECK_INT_EQ(store_oidc_code_take(conn, "purge-code-old", &user_id, &expires_at),
                     RESULT_NOT_FOUND);
        CHECK_INT_EQ(store_oidc_code_take(conn, "purge-code-live", &user_id, &expires_at),
                     RESULT_OK);
        CHECK_INT_EQ(store_oidc_flow_take(conn, "purge-flow-live", &got), RESULT_OK);
        CHECK_INT_EQ(store_oidc_flow_take(conn, "purge-flow-now", &got), RESULT_OK);
}

void contract_sso(struct store *store)
{
        struct store_conn *conn;
        int64_t a, b;

        CHECK_INT_EQ(store_conn_get(store, &conn), RESULT_OK);
        a = contract_tenant(conn, "sso-a", 930000);
        b = contract_tenant(conn, "sso-b", 931000);
        test_providers(conn, a, b);
        test_delete(conn, a, b);
        test_identities(conn, a, b);
        test_flows_and_codes(conn, a);
}
