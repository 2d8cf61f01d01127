/* Files mode; see conffiles.h. */
#include "domain/provisioning/conffiles.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/credentials.h"
#include "domain/provisioning/directory.h"
#include "domain/provisioning/queue_plan.h"
#include "freeswitch/push.h"
#include "freeswitch/xml.h"
#include "util/wipe.h"

#define USERS "directory/default"
#define PLANS "dialplan"
#define PUBLIC "dialplan/public"
#define QUEUES "callcenter"
#define VOICEMAIL "voicemail"
#define VOICEMAIL_FILE FSXML_VM_PROFILE ".xml"

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
        result = directory_context_xml(app, &c, true, &doc);
        if (result)
                return result;
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

        /* A folder only queues need (callcenter/, dialplan/public/) may be
         * absent where nothing of them is wanted: nothing to remove. */
        if (!n_want && strcmp(dir, USERS) != 0 && strcmp(dir, PLANS) != 0 &&
            fs_push_check_dir(p, dir, ret_error, error_size) != RESULT_OK) {
                ret_error[0] = '\0';
                return RESULT_OK;
        }

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

enum result conffiles_queue(struct app *app, int64_t cluster_id, struct fs_push *p,
                            int64_t queue_id, char *ret_error, size_t error_size)
{
        struct store_conn *conn;
        struct store_cc_queue q;
        struct fs_xml_queue x;
        enum result result;
        char name[40], *doc;

        snprintf(name, sizeof(name), "q%" PRId64 ".xml", queue_id);
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_cc_queue_get(conn, queue_id, &q);
        if (!result && (q.cluster_id != cluster_id || q.tenant_status != TENANT_STATUS_ACTIVE))
                result = RESULT_NOT_FOUND;
        if (result == RESULT_NOT_FOUND)
                return fs_push_remove(p, QUEUES, name, ret_error, error_size);
        if (result)
                return result;
        queue_plan_queue_of(&q, &x);
        if (!(doc = fs_xml_callcenter_queue_file(&x)))
                return RESULT_NOMEM;
        result = fs_push_write(p, QUEUES, name, doc, ret_error, error_size);
        free(doc);
        return result;
}

enum result conffiles_numbers(struct app *app, int64_t cluster_id, struct fs_push *p,
                              char *ret_error, size_t error_size)
{
        struct store_cc_number *numbers = NULL;
        struct store_conn *conn;
        size_t n = 0, n_want = 0;
        char **want = NULL;
        enum result result;

        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_cc_numbers(conn, cluster_id, &numbers, &n);
        if (!result && !(want = calloc(n + 1, sizeof(*want))))
                result = RESULT_NOMEM;
        for (size_t i = 0; !result && i < n; i++) {
                struct fs_xml_inbound x;
                char *doc;

                if (!queue_plan_inbound_of(app, &numbers[i], &x))
                        continue;
                if (asprintf(&want[n_want], "agentdesk_n%" PRId64 ".xml", numbers[i].id) < 0) {
                        want[n_want] = NULL;
                        result = RESULT_NOMEM;
                        break;
                }
                if (!(doc = fs_xml_inbound_file(&x))) {
                        n_want++;
                        result = RESULT_NOMEM;
                        break;
                }
                result = fs_push_write(p, PUBLIC, want[n_want++], doc, ret_error, error_size);
                free(doc);
        }
        if (!result)
                result = remove_stale(p, PUBLIC, want, n_want, ret_error, error_size);
        fs_push_names_free(want, n_want);
        free(numbers);
        return result;
}

/* The queue files of the cluster's queues; stale ones removed. */
static enum result resync_queues(struct app *app, int64_t cluster_id, struct fs_push *p,
                                 char *ret_error, size_t error_size)
{
        struct store_cc_queue *qs = NULL;
        struct store_conn *conn;
        size_t n = 0, n_want = 0;
        char **want = NULL;
        enum result result;

        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_cc_queues(conn, 0, cluster_id, &qs, &n);
        if (!result && !(want = calloc(n + 1, sizeof(*want))))
                result = RESULT_NOMEM;
        for (size_t i = 0; !result && i < n; i++) {
                if (qs[i].tenant_status != TENANT_STATUS_ACTIVE)
                        continue;
                result = conffiles_queue(app, cluster_id, p, qs[i].id, ret_error, error_size);
                if (!result && asprintf(&want[n_want++], "q%" PRId64 ".xml", qs[i].id) < 0) {
                        want[--n_want] = NULL;
                        result = RESULT_NOMEM;
                }
        }
        if (!result)
                result = remove_stale(p, QUEUES, want, n_want, ret_error, error_size);
        fs_push_names_free(want, n_want);
        free(qs);
        return result;
}

enum result conffiles_voicemail(struct fs_push *p, char *ret_error, size_t error_size)
{
        enum result result;
        char *doc;

        /* Only where the operator made the folder its voicemail.conf.xml
         * includes (as callcenter/): a node without it keeps its own. */
        if (fs_push_check_dir(p, VOICEMAIL, ret_error, error_size) != RESULT_OK) {
                ret_error[0] = '\0';
                return RESULT_OK;
        }
        if (!(doc = fs_xml_voicemail_profile_file()))
                return RESULT_NOMEM;
        result = fs_push_write(p, VOICEMAIL, VOICEMAIL_FILE, doc, ret_error, error_size);
        free(doc);
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
        if (!result)
                result = conffiles_numbers(app, cluster_id, p, ret_error, error_size);
        if (!result)
                result = resync_queues(app, cluster_id, p, ret_error, error_size);
        if (!result)
                result = conffiles_voicemail(p, ret_error, error_size);
        free(numbers);
        free(tenants);
        return result;
}
