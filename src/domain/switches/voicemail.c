/* An agent's voicebox: PIN and counts; see voicemail.h. */
#include "domain/switches/voicemail.h"

#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/core/credentials.h"
#include "domain/provisioning/jobs.h"
#include "domain/provisioning/realm.h"
#include "domain/switches/cluster.h"
#include "freeswitch/esl.h"
#include "util/text.h"
#include "util/wipe.h"

#define COUNT_TIMEOUT_MS 1500

void voicemail_box_wipe(struct voicemail_box *b)
{
        wipe_memory(b->pin, sizeof(b->pin));
}

/* The tenant's cluster and realm. */
static enum result tenant_realm(struct app *app, struct store_conn *conn, int64_t tenant_id,
                                int64_t *ret_cluster, char *ret_realm, size_t size)
{
        struct store_tenant t;
        struct store_cluster c;
        enum result result = store_tenant_get(conn, tenant_id, &t);

        if (result)
                return result;
        c.sip_domain[0] = '\0';
        if (t.cluster_id && (result = store_cluster_get(conn, t.cluster_id, &c)) != RESULT_OK)
                return result;
        *ret_cluster = t.cluster_id;
        text_copy(ret_realm, size, realm_effective(app, t.sip_domain, c.sip_domain));
        return RESULT_OK;
}

/* Sums vm_boxcount over the nodes of cluster_id that answer. */
static void count(struct app *app, int64_t cluster_id, const char *realm, struct voicemail_box *b)
{
        char cmd[FS_COMMAND_MAX], error[160];
        struct cluster *c = NULL;

        if (!fs_voicebox_count_command(realm, b->extension, cmd) ||
            cluster_open(app, cluster_id, &c) != RESULT_OK)
                return;
        for (int i = 0; i < c->n_nodes; i++) {
                const struct fs_node *n = &c->nodes[i];
                struct esl_conn *conn = NULL;
                int64_t new_messages, saved_messages;
                char *body = NULL;

                if (esl_connect(n->host, n->port, n->password, COUNT_TIMEOUT_MS, &conn, error,
                                sizeof(error)) != RESULT_OK)
                        continue;
                if (esl_api(conn, cmd, COUNT_TIMEOUT_MS, &body) == RESULT_OK &&
                    fs_voicebox_count_parse(body, &new_messages, &saved_messages)) {
                        b->new_messages += new_messages;
                        b->saved_messages += saved_messages;
                        b->counted = true;
                }
                free(body);
                esl_conn_free(conn);
        }
        cluster_close(c);
}

/* user_id's first extension and its clear PIN. */
static enum result first_box(struct store_conn *conn, int64_t tenant_id, int64_t user_id,
                             struct voicemail_box *ret)
{
        struct store_extension exts[STORE_MAX_EXTENSIONS_PER_USER];
        size_t n = 0;
        enum result result = store_extensions_of_user(conn, user_id, exts, &n);

        memset(ret, 0, sizeof(*ret));
        if (!result && (n == 0 || exts[0].tenant_id != tenant_id))
                result = RESULT_NOT_FOUND;
        if (result)
                return result;
        ret->extension_id = exts[0].id;
        text_copy(ret->extension, sizeof(ret->extension), exts[0].extension);
        ret->enabled = exts[0].voicemail_enabled;
        ret->ring_s = exts[0].ring_s;
        return credentials_unseal(exts[0].vm_pin, ret->pin, sizeof(ret->pin));
}

enum result voicemail_mine(struct app *app, int64_t tenant_id, int64_t user_id,
                           struct voicemail_box *ret)
{
        struct store_conn *conn;
        int64_t cluster_id = 0;
        char realm[256];
        enum result result = store_conn_get(app->store, &conn);

        if (!result)
                result = first_box(conn, tenant_id, user_id, ret);
        if (!result)
                result = tenant_realm(app, conn, tenant_id, &cluster_id, realm, sizeof(realm));
        if (result) {
                voicemail_box_wipe(ret);
                return result;
        }
        count(app, cluster_id, realm, ret);
        return RESULT_OK;
}

static bool pin_ok(const char *pin)
{
        size_t n = pin ? strlen(pin) : 0;

        return n >= VOICEMAIL_PIN_MIN && n <= VOICEMAIL_PIN_MAX &&
               strspn(pin, "0123456789") == n;
}

enum result voicemail_set_pin(struct app *app, const struct actor *actor, int64_t tenant_id,
                              int64_t user_id, const char *pin, struct voicemail_box *ret)
{
        char sealed[STORE_TEXT_MAX] = "";
        struct store_conn *conn;
        enum result result;

        if (!pin_ok(pin))
                return RESULT_INVALID;
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = first_box(conn, tenant_id, user_id, ret);
        voicemail_box_wipe(ret);
        if (!result)
                result = credentials_seal(pin, sealed);
        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        result = store_extension_set_pin(conn, ret->extension_id, sealed);
        if (!result)
                result = jobs_queue_extension(app, conn, tenant_id, FS_CHANGE_UPDATE,
                                              ret->extension_id);
        if (!result)
                result = audit_record(conn, actor, tenant_id, "voicemail.pin_change", "extension",
                                      ret->extension_id, "extension", ret->extension, NULL);
        result = jobs_finish(app, conn, result);
        wipe_memory(sealed, sizeof(sealed));
        return result ? result : voicemail_mine(app, tenant_id, user_id, ret);
}
