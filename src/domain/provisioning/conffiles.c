/* Files mode; see conffiles.h. */
#include "domain/provisioning/conffiles.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/credentials.h"
#include "domain/provisioning/directory.h"
#include "freeswitch/push.h"
#include "freeswitch/xml.h"
#include "util/wipe.h"

#define USERS "directory/default"
#define PLANS "dialplan"

enum result conffiles_extension(struct app *app, int64_t cluster_id, struct fs_push *p,
                                const char *extension, char *ret_error, size_t error_size)
{
        char name[32];
        struct directory_user u;
        enum result result;
        char *doc;

        if (snprintf(name, sizeof(name), "%s.xml", extension) >= (int)sizeof(name))
                return RESULT_INVALID;
        result = directory_user_of(app, extension, &u);
        if (!result && u.cluster_id != cluster_id) {
                directory_user_wipe(&u);
                result = RESULT_NOT_FOUND;
        }
        if (result == RESULT_NOT_FOUND)
                return fs_push_remove(p, USERS, name, ret_error, error_size);
        if (result) {
                snprintf(ret_error, error_size, "cannot read extension %.20s: %s", extension,
                         result_name(result));
                return result;
        }
        doc = directory_user_xml(&u, 0, false, true);
        directory_user_wipe(&u);
        if (!doc)
                return RESULT_NOMEM;
        result = fs_push_write(p, USERS, name, doc, ret_error, error_size);
        wipe_memory(doc, strlen(doc));
        free(doc);
        return result;
}

enum result conffiles_tenant(struct app *app, int64_t cluster_id, struct fs_push *p,
                             int64_t tenant_id, char *ret_error, size_t error_size)
{
        char name[48], context[40];
        struct directory_context c;
        enum result result;
        char *doc;

        snprintf(name, sizeof(name), "tenant_%" PRId64 ".xml", tenant_id);
        snprintf(context, sizeof(context), "tenant_%" PRId64, tenant_id);
        result = directory_find_context(app, cluster_id, context, &c);
        if (result == RESULT_NOT_FOUND)
                return fs_push_remove(p, PLANS, name, ret_error, error_size);
        if (result)
                return result;
        doc = fs_xml_context_file(c.tenant_id, c.lo, c.hi);
        if (!doc)
                return RESULT_NOMEM;
        result = fs_push_write(p, PLANS, name, doc, ret_error, error_size);
        free(doc);
        return result;
}

/* Removes the owned files of dir that are not in want (sorted names). */
static enum result remove_stale(struct fs_push *p, const char *dir, char **want, size_t n_want,
                                char *ret_error, size_t error_size)
{
        char **owned = NULL;
        size_t n_owned = 0;
        enum result result;

        result = fs_push_list_owned(p, dir, FSXML_OWNED_MARKER, &owned, &n_owned, ret_error,
                                    error_size);
        for (size_t i = 0; !result && i < n_owned; i++) {
                bool wanted = false;
                for (size_t k = 0; k < n_want && !wanted; k++)
                        wanted = strcmp(owned[i], want[k]) == 0;
                if (!wanted)
                        result = fs_push_remove(p, dir, owned[i], ret_error, error_size);
        }
        fs_push_names_free(owned, n_owned);
        return result;
}

enum result conffiles_resync(struct app *app, int64_t cluster_id, struct fs_push *p,
                             char *ret_error, size_t error_size)
{
        char (*numbers)[16] = NULL, **want = NULL;
        int64_t *tenants = NULL;
        size_t n_numbers = 0, n_tenants = 0, n_want = 0;
        struct store_conn *conn;
        enum result result;

        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_directory_numbers(conn, cluster_id, &numbers, &n_numbers);
        if (!result)
                result = store_tenants_active_ids(conn, cluster_id, &tenants, &n_tenants);
        if (!result && !(want = calloc(n_numbers + n_tenants + 1, sizeof(*want))))
                result = RESULT_NOMEM;

        for (size_t i = 0; !result && i < n_numbers; i++) {
                result = conffiles_extension(app, cluster_id, p, numbers[i], ret_error, error_size);
                if (!result && asprintf(&want[n_want++], "%s.xml", numbers[i]) < 0) {
                        want[--n_want] = NULL;
                        result = RESULT_NOMEM;
                }
        }
        if (!result)
                result = remove_stale(p, USERS, want, n_want, ret_error, error_size);
        fs_push_names_free(want, n_want);
        want = NULL;
        n_want = 0;
        if (!result && !(want = calloc(n_tenants + 1, sizeof(*want))))
                result = RESULT_NOMEM;
        for (size_t i = 0; !result && i < n_tenants; i++) {
                result = conffiles_tenant(app, cluster_id, p, tenants[i], ret_error, error_size);
                if (!result && asprintf(&want[n_want++], "tenant_%" PRId64 ".xml", tenants[i]) < 0) {
                        want[--n_want] = NULL;
                        result = RESULT_NOMEM;
                }
        }
        if (!result)
                result = remove_stale(p, PLANS, want, n_want, ret_error, error_size);
        fs_push_names_free(want, n_want);
        free(numbers);
        free(tenants);
        return result;
}
