/* The demo tenant and admin; see demo.h. */
#include "domain/identity/demo.h"

#include "domain/core/credentials.h"
#include "domain/tenants/tenants.h"
#include "domain/identity/users.h"

enum result demo_setup(struct store *store, struct store_tenant *ret_tenant,
                       struct store_user *ret_admin, char *ret_password)
{
        struct store_tenant t;
        struct store_user u;
        struct store_conn *conn;
        const char *field = NULL;
        enum result result;

        result = store_conn_get(store, &conn);
        if (result)
                return result;
        result = store_tenant_get_by_slug(conn, DEMO_TENANT_SLUG, &t);
        if (result == RESULT_NOT_FOUND)
                result = tenant_create(store, NULL, DEMO_TENANT_NAME, NULL, -1, -1, 0, &t, &field);
        if (result)
                return result;

        credentials_random_password(ret_password, DEMO_PASSWORD_LEN);
        result = store_user_get_by_email(conn, DEMO_ADMIN_EMAIL, &u);
        if (result == RESULT_NOT_FOUND)
                result = user_create(store, t.id, DEMO_ADMIN_EMAIL, ret_password, "admin", "Demo",
                                     "Admin", false, &u, &field);
        else if (!result)
                result = user_set_password(store, u.id, ret_password, false);
        if (result)
                return result;
        *ret_tenant = t;
        *ret_admin = u;
        return RESULT_OK;
}
