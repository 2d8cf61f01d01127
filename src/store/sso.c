/*
 * Single sign-on rows: a tenant's OpenID provider and its email domains,
 * the (issuer, subject) links to users, the flows under way and the
 * one-time codes of the login page. Portable SQL; see store/driver.h.
 * Taking a flow or a code is one DELETE … RETURNING (SQLite 3.35+,
 * PostgreSQL), so that two callbacks with one state cannot both win.
 */
#include <string.h>

#include "store/driver.h"
#include "store/store.h"
#include "util/text.h"

#define SSO_COLS \
        "tenant_id, issuer, client_id, client_secret, display_name, password_login, " \
        "jit_accounts, updated_at"

static enum result sso_from_row(const struct store_rows *rows, int r, void *out)
{
        struct store_sso *s = out;

        memset(s, 0, sizeof(*s));
        s->tenant_id = store_int(store_rows_get(rows, r, 0));
        text_copy(s->issuer, sizeof(s->issuer), store_rows_get(rows, r, 1));
        text_copy(s->client_id, sizeof(s->client_id), store_rows_get(rows, r, 2));
        text_copy(s->client_secret, sizeof(s->client_secret), store_rows_get(rows, r, 3));
        text_copy(s->display_name, sizeof(s->display_name), store_rows_get(rows, r, 4));
        s->password_login = store_int(store_rows_get(rows, r, 5)) != 0;
        s->jit_accounts = store_int(store_rows_get(rows, r, 6)) != 0;
        s->updated_at = store_int(store_rows_get(rows, r, 7));
        return RESULT_OK;
}

static enum result sso_domains_read(struct store_conn *conn, struct store_sso *s)
{
        struct store_rows rows = { 0 };
        struct store_param p = SP_INT(s->tenant_id);
        enum result result;

        result = store_exec(conn, "SELECT domain FROM sso_domains WHERE tenant_id = ? ORDER BY domain",
                            &p, 1, &rows, NULL);
        if (result)
                return result;
        s->n_domains = 0;
        for (int r = 0; r < rows.nrows && s->n_domains < STORE_SSO_MAX_DOMAINS; r++)
                text_copy(s->domains[s->n_domains++], sizeof(s->domains[0]),
                          store_rows_get(&rows, r, 0));
        store_rows_free(&rows);
        return RESULT_OK;
}

enum result store_sso_get(struct store_conn *conn, int64_t tenant_id, struct store_sso *ret)
{
        struct store_param p = SP_INT(tenant_id);
        struct store_sso s;
        enum result result;

        result = store_exec_one(conn, "SELECT " SSO_COLS " FROM tenant_sso WHERE tenant_id = ?", &p,
                                1, sso_from_row, &s);
        if (!result)
                result = sso_domains_read(conn, &s);
        if (!result)
                *ret = s;
        return result;
}

enum result store_sso_get_by_domain(struct store_conn *conn, const char *domain,
                                    struct store_sso *ret)
{
        struct store_rows rows = { 0 };
        struct store_param p = SP_TEXT(domain);
        int64_t tenant_id;
        enum result result;

        result = store_exec(conn, "SELECT tenant_id FROM sso_domains WHERE domain = ?", &p, 1, &rows,
                            NULL);
        if (result)
                return result;
        if (!rows.nrows) {
                store_rows_free(&rows);
                return RESULT_NOT_FOUND;
        }
        tenant_id = store_int(store_rows_get(&rows, 0, 0));
        store_rows_free(&rows);
        return store_sso_get(conn, tenant_id, ret);
}

enum result store_sso_put(struct store_conn *conn, const struct store_sso *s)
{
        struct store_param p[] = { SP_INT(s->tenant_id), SP_TEXT(s->issuer), SP_TEXT(s->client_id),
                                   SP_TEXT(s->client_secret), SP_TEXT(s->display_name),
                                   SP_INT(s->password_login), SP_INT(s->jit_accounts),
                                   SP_INT(store_now()) };
        struct store_param t = SP_INT(s->tenant_id);
        enum result result;

        result = store_exec(conn,
                            "INSERT INTO tenant_sso (" SSO_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT (tenant_id) DO UPDATE SET issuer = excluded.issuer, "
                            "client_id = excluded.client_id, client_secret = excluded.client_secret, "
                            "display_name = excluded.display_name, "
                            "password_login = excluded.password_login, "
                            "jit_accounts = excluded.jit_accounts, updated_at = excluded.updated_at",
                            p, STORE_NPARAMS(p), NULL, NULL);
        if (!result)
                result = store_exec(conn, "DELETE FROM sso_domains WHERE tenant_id = ?", &t, 1, NULL,
                                    NULL);
        for (size_t i = 0; !result && i < s->n_domains; i++) {
                struct store_param d[] = { SP_TEXT(s->domains[i]), SP_INT(s->tenant_id) };
                result = store_exec(conn, "INSERT INTO sso_domains (domain, tenant_id) VALUES (?, ?)",
                                    d, STORE_NPARAMS(d), NULL, NULL);
        }
        return result;
}

enum result store_sso_delete(struct store_conn *conn, int64_t tenant_id)
{
        struct store_param p = SP_INT(tenant_id);
        int64_t changes = 0;
        enum result result;

        result = store_exec(conn, "DELETE FROM sso_domains WHERE tenant_id = ?", &p, 1, NULL, NULL);
        if (!result)
                result = store_exec(conn, "DELETE FROM oidc_flows WHERE tenant_id = ?", &p, 1, NULL,
                                    NULL);
        if (!result)
                result = store_exec(conn, "DELETE FROM tenant_sso WHERE tenant_id = ?", &p, 1, NULL,
                                    &changes);
        if (!result && changes == 0)
                result = RESULT_NOT_FOUND;
        return result;
}

enum result store_identity_user(struct store_conn *conn, const char *issuer, const char *subject,
                                int64_t *ret_user_id)
{
        struct store_rows rows = { 0 };
        struct store_param p[] = { SP_TEXT(issuer), SP_TEXT(subject) };
        enum result result;

        result = store_exec(conn,
                            "SELECT user_id FROM user_identities WHERE issuer = ? AND subject = ?", p,
                            STORE_NPARAMS(p), &rows, NULL);
        if (result)
                return result;
        if (rows.nrows)
                *ret_user_id = store_int(store_rows_get(&rows, 0, 0));
        else
                result = RESULT_NOT_FOUND;
        store_rows_free(&rows);
        return result;
}

enum result store_identity_link(struct store_conn *conn, const char *issuer, const char *subject,
                                int64_t user_id)
{
        struct store_param p[] = { SP_TEXT(issuer), SP_TEXT(subject), SP_INT(user_id),
                                   SP_INT(store_now()) };

        return store_exec(conn,
                          "INSERT INTO user_identities (issuer, subject, user_id, created_at) "
                          "VALUES (?, ?, ?, ?)",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

enum result store_identity_unlink(struct store_conn *conn, const char *issuer,
                                  const char *subject)
{
        struct store_param p[] = { SP_TEXT(issuer), SP_TEXT(subject) };

        return store_exec(conn, "DELETE FROM user_identities WHERE issuer = ? AND subject = ?", p,
                          STORE_NPARAMS(p), NULL, NULL);
}

enum result store_oidc_flow_insert(struct store_conn *conn, const char *state_hash,
                                   const struct store_oidc_flow *f)
{
        struct store_param p[] = { SP_TEXT(state_hash), SP_INT(f->tenant_id),
                                   SP_TEXT(f->binding_hash), SP_TEXT(f->nonce_hash),
                                   SP_TEXT(f->verifier), SP_INT(f->expires_at) };

        return store_exec(conn,
                          "INSERT INTO oidc_flows (state_hash, tenant_id, binding_hash, nonce_hash, "
                          "verifier, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

enum result store_oidc_flow_take(struct store_conn *conn, const char *state_hash,
                                 struct store_oidc_flow *ret)
{
        struct store_rows rows = { 0 };
        struct store_param p = SP_TEXT(state_hash);
        enum result result;

        result = store_exec(conn,
                            "DELETE FROM oidc_flows WHERE state_hash = ? "
                            "RETURNING tenant_id, binding_hash, nonce_hash, verifier, expires_at",
                            &p, 1, &rows, NULL);
        if (result)
                return result;
        if (rows.nrows) {
                ret->tenant_id = store_int(store_rows_get(&rows, 0, 0));
                text_copy(ret->binding_hash, sizeof(ret->binding_hash), store_rows_get(&rows, 0, 1));
                text_copy(ret->nonce_hash, sizeof(ret->nonce_hash), store_rows_get(&rows, 0, 2));
                text_copy(ret->verifier, sizeof(ret->verifier), store_rows_get(&rows, 0, 3));
                ret->expires_at = store_int(store_rows_get(&rows, 0, 4));
        } else {
                result = RESULT_NOT_FOUND;
        }
        store_rows_free(&rows);
        return result;
}

enum result store_oidc_code_insert(struct store_conn *conn, const char *code_hash,
                                   int64_t user_id, int64_t expires_at)
{
        struct store_param p[] = { SP_TEXT(code_hash), SP_INT(user_id), SP_INT(expires_at) };

        return store_exec(conn,
                          "INSERT INTO oidc_codes (code_hash, user_id, expires_at) VALUES (?, ?, ?)",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

enum result store_oidc_code_take(struct store_conn *conn, const char *code_hash,
                                 int64_t *ret_user_id, int64_t *ret_expires_at)
{
        struct store_rows rows = { 0 };
        struct store_param p = SP_TEXT(code_hash);
        enum result result;

        result = store_exec(conn,
                            "DELETE FROM oidc_codes WHERE code_hash = ? RETURNING user_id, expires_at",
                            &p, 1, &rows, NULL);
        if (result)
                return result;
        if (rows.nrows) {
                *ret_user_id = store_int(store_rows_get(&rows, 0, 0));
                *ret_expires_at = store_int(store_rows_get(&rows, 0, 1));
        } else {
                result = RESULT_NOT_FOUND;
        }
        store_rows_free(&rows);
        return result;
}

enum result store_oidc_purge(struct store_conn *conn, int64_t now)
{
        struct store_param p = SP_INT(now);
        enum result result;

        result = store_exec(conn, "DELETE FROM oidc_flows WHERE expires_at < ?", &p, 1, NULL, NULL);
        if (!result)
                result = store_exec(conn, "DELETE FROM oidc_codes WHERE expires_at < ?", &p, 1, NULL,
                                    NULL);
        return result;
}
