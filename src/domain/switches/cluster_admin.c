/* Managing clusters and nodes; see cluster_admin.h. */
#include "domain/switches/cluster_admin.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/core/audit.h"
#include "domain/switches/cluster.h"
#include "domain/core/credentials.h"
#include "domain/provisioning/jobs.h"
#include "domain/switches/reconciler.h"
#include "util/text.h"

static bool word_char(char ch, const char *extra)
{
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
               (ch && strchr(extra, ch));
}

/* 1..max characters, each a letter, digit or one of extra. */
static bool word(const char *s, size_t max, const char *extra)
{
        size_t n = 0;

        for (; s[n]; n++)
                if (n >= max || !word_char(s[n], extra))
                        return false;
        return n > 0;
}

/* Printable ASCII other than space, quotes and angle brackets. */
static bool plain(const char *s, size_t max)
{
        size_t n = 0;

        for (; s[n]; n++)
                if (n >= max || s[n] <= ' ' || s[n] >= 0x7f || strchr("\"'<>\\", s[n]))
                        return false;
        return true;
}

/* user@host[:port], host a name or an address, v6 in brackets. */
static bool ssh_target_valid(const char *s)
{
        const char *at = strchr(s, '@');

        if (!*s)
                return true;
        if (!at || at == s || strchr(at + 1, '@') || strlen(s) >= 300)
                return false;
        for (const char *p = s; p < at; p++)
                if (!word_char(*p, "._-"))
                        return false;
        return word(at + 1, 299, ".-:[]");
}

/* An absolute path without "..", control characters or quotes. */
static bool conf_dir_valid(const char *s)
{
        return !*s || (s[0] == '/' && !strstr(s, "..") && plain(s, 500));
}

static bool password_valid(const char *s)
{
        size_t n = 0;

        for (; s[n]; n++)
                if (n >= 128 || (unsigned char)s[n] < 0x20 || s[n] == 0x7f)
                        return false;
        return n > 0;
}

static const char *check_cluster(const struct store_cluster *c)
{
        if (!text_name_valid(c->name, CLUSTER_NAME_MAX_CHARS))
                return "name";
        if (*c->region && !text_name_valid(c->region, CLUSTER_REGION_MAX_CHARS))
                return "region";
        if (*c->sip_domain && !text_sip_domain_valid(c->sip_domain))
                return "sip_domain";
        if (*c->websocket_url && !text_websocket_url_valid(c->websocket_url))
                return "websocket_url";
        return NULL;
}

/* What the mode needs of each active node. */
static bool node_fits(const struct store_node *n, enum fs_mode mode)
{
        if (n->status != CLUSTER_STATUS_ACTIVE || !fs_provision_mode_pushes(mode))
                return true;
        return *n->conf_dir && (mode != FS_MODE_SSH || *n->ssh_target);
}

/* Copies v into dst unless NULL; too long for the column is refused by
 * field name, never cut. */
static bool set_text(char *dst, size_t size, const char *v, const char *field,
                     const char **ret_field)
{
        if (!v)
                return true;
        if (strlen(v) >= size) {
                *ret_field = field;
                return false;
        }
        text_copy(dst, size, v);
        return true;
}

/* Reads the status v (the request's text) into *dst unless NULL. */
static bool set_status(enum cluster_status *dst, const char *v, const char **ret_field)
{
        if (!v || cluster_status_parse(v, dst))
                return true;
        *ret_field = "status";
        return false;
}

/* Reads the mode v (the request's text) into *dst unless NULL. */
static bool set_mode(enum fs_mode *dst, const char *v, const char **ret_field)
{
        if (!v || fs_mode_parse(v, dst))
                return true;
        *ret_field = "mode";
        return false;
}

/* Copies f into c; false (with *ret_field) for a value too long. */
static bool apply_cluster_fields(struct store_cluster *c, const struct cluster_fields *f,
                                 const char **ret_field)
{
        return set_text(c->name, sizeof(c->name), f->name, "name", ret_field) &&
               set_text(c->region, sizeof(c->region), f->region, "region", ret_field) &&
               set_mode(&c->mode, f->mode, ret_field) &&
               set_text(c->sip_domain, sizeof(c->sip_domain), f->sip_domain, "sip_domain",
                        ret_field) &&
               set_text(c->websocket_url, sizeof(c->websocket_url), f->websocket_url,
                        "websocket_url", ret_field) &&
               set_status(&c->status, f->status, ret_field);
}

enum result cluster_create(struct app *app, const struct actor *actor,
                           const struct cluster_fields *f, struct store_cluster *ret,
                           const char **ret_field)
{
        struct store_cluster c = { 0 };
        struct store_conn *conn;
        enum result result;

        c.mode = FS_MODE_XML_CURL;
        c.status = CLUSTER_STATUS_ACTIVE;
        *ret_field = NULL;
        if (!apply_cluster_fields(&c, f, ret_field))
                return RESULT_INVALID;
        *ret_field = f->name ? check_cluster(&c) : "name";
        if (*ret_field)
                return RESULT_INVALID;
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        result = store_cluster_insert(conn, &c);
        if (result == RESULT_CONFLICT)
                *ret_field = "name";
        if (!result)
                result = audit_record(conn, actor, 0, "cluster.create", "cluster", c.id, "name",
                                      c.name, "mode", fs_mode_name(c.mode), NULL);
        result = jobs_finish(app, conn, result);
        if (!result)
                *ret = c;
        return result;
}

enum result cluster_get(struct app *app, int64_t id, struct store_cluster *ret)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : store_cluster_get(conn, id, ret);
}

enum result cluster_list(struct app *app, struct store_page *page,
                         struct store_cluster **ret_items, size_t *ret_n)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : store_cluster_list(conn, page, ret_items, ret_n);
}

enum result cluster_update(struct app *app, const struct actor *actor, int64_t id,
                           const struct cluster_fields *f, struct store_cluster *ret,
                           const char **ret_field)
{
        struct store_node nodes[CLUSTER_MAX_NODES];
        struct store_cluster c, next;
        struct store_conn *conn;
        size_t n = 0;
        bool resync;
        enum result result;

        *ret_field = NULL;
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        result = store_cluster_get(conn, id, &c);
        if (!result)
                result = store_node_list(conn, id, nodes, CLUSTER_MAX_NODES, &n);
        if (result)
                return jobs_finish(app, conn, result);
        next = c;
        if (!apply_cluster_fields(&next, f, ret_field) || (*ret_field = check_cluster(&next)))
                result = RESULT_INVALID;
        for (size_t i = 0; !result && i < n; i++)
                if (!node_fits(&nodes[i], next.mode)) {
                        *ret_field = "mode";
                        result = RESULT_INVALID;
                }
        /* What the nodes hold changes with the mode and the domain; a
         * cluster enabled again catches up on what it missed. */
        resync = c.mode != next.mode || strcasecmp(c.sip_domain, next.sip_domain) ||
                 (c.status != next.status && next.status == CLUSTER_STATUS_ACTIVE);
        if (!result)
                result = store_cluster_update(conn, &next);
        if (result == RESULT_CONFLICT)
                *ret_field = "name";
        if (!result && resync)
                result = jobs_queue_resync(conn, id, NULL);
        if (!result)
                result = audit_record(conn, actor, 0, "cluster.update", "cluster", id, "name",
                                      next.name, "mode", fs_mode_name(next.mode), "status",
                                      cluster_status_name(next.status),
                                      "sip_domain", next.sip_domain, NULL);
        /* Before the commit: the pass that sees the change has dropped
         * the kept connections (its nodes' host, port or password may
         * differ). */
        if (!result)
                reconciler_links_forget(app);
        result = jobs_finish(app, conn, result);
        return result ? result : store_cluster_get(conn, id, ret);
}

enum result cluster_delete(struct app *app, const struct actor *actor, int64_t id)
{
        struct store_cluster c;
        struct store_conn *conn;
        int64_t tenants = 0;
        enum result result;

        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        result = store_cluster_get(conn, id, &c);
        if (!result)
                result = store_cluster_tenant_count(conn, id, &tenants);
        if (!result && tenants > 0)
                result = RESULT_CLUSTER_IN_USE;
        if (!result)
                result = store_cluster_delete(conn, id);
        if (!result)
                result = audit_record(conn, actor, 0, "cluster.delete", "cluster", id, "name",
                                      c.name, NULL);
        if (!result)
                reconciler_links_forget(app);   /* before the commit, as in cluster_update */
        return jobs_finish(app, conn, result);
}

enum result cluster_nodes(struct app *app, int64_t cluster_id, struct store_node *ret,
                          size_t max, size_t *ret_n)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        if (!result)
                result = store_node_list(conn, cluster_id, ret, max, ret_n);
        for (size_t i = 0; !result && i < *ret_n; i++)
                ret[i].esl_password[0] = '\0';
        return result;
}

static const char *check_node(const struct store_node *n)
{
        if (!word(n->name, 63, "._-"))
                return "name";
        if (!word(n->esl_host, 253, ".-:"))
                return "esl_host";
        if (n->esl_port < 1 || n->esl_port > 65535)
                return "esl_port";
        if (!word(n->sofia_profile, 63, "._-"))
                return "sofia_profile";
        if (!ssh_target_valid(n->ssh_target))
                return "ssh_target";
        if (!conf_dir_valid(n->conf_dir))
                return "conf_dir";
        return NULL;
}

/* Copies f into n, sealing the password. */
static enum result apply_node_fields(struct store_node *n, const struct node_fields *f,
                                     const char **ret_field)
{
        if (!set_text(n->name, sizeof(n->name), f->name, "name", ret_field) ||
            !set_text(n->esl_host, sizeof(n->esl_host), f->esl_host, "esl_host", ret_field) ||
            !set_text(n->sofia_profile, sizeof(n->sofia_profile), f->sofia_profile,
                      "sofia_profile", ret_field) ||
            !set_text(n->ssh_target, sizeof(n->ssh_target), f->ssh_target, "ssh_target",
                      ret_field) ||
            !set_text(n->conf_dir, sizeof(n->conf_dir), f->conf_dir, "conf_dir", ret_field) ||
            !set_status(&n->status, f->status, ret_field))
                return RESULT_INVALID;
        if (f->esl_port >= 0)
                n->esl_port = f->esl_port;
        if (f->esl_password) {
                if (!password_valid(f->esl_password)) {
                        *ret_field = "esl_password";
                        return RESULT_INVALID;
                }
                return credentials_seal(f->esl_password, n->esl_password);
        }
        return RESULT_OK;
}

/* Checks n in its cluster c, writes it with write, queues a resync of the
 * cluster (the node gets the whole state) and audits action. */
static enum result save_node(const struct actor *actor, struct store_conn *conn,
                             const struct store_cluster *c, struct store_node *n,
                             enum result (*write)(struct store_conn *, struct store_node *),
                             const char *action, const char **ret_field)
{
        enum result result = RESULT_OK;

        if ((*ret_field = check_node(n)))
                return RESULT_INVALID;
        if (!node_fits(n, c->mode)) {
                *ret_field = *n->conf_dir ? "ssh_target" : "conf_dir";
                return RESULT_INVALID;
        }
        result = write(conn, n);
        if (result == RESULT_CONFLICT)
                *ret_field = "name";
        if (!result && n->status == CLUSTER_STATUS_ACTIVE)
                result = jobs_queue_resync(conn, c->id, NULL);
        if (!result)
                result = audit_record(conn, actor, 0, action, "node", n->id, "cluster", c->name,
                                      "name", n->name, "esl_host", n->esl_host, NULL);
        return result;
}

static enum result update_node(struct store_conn *conn, struct store_node *n)
{
        return store_node_update(conn, n);
}

enum result cluster_node_add(struct app *app, const struct actor *actor, int64_t cluster_id,
                             const struct node_fields *f, struct store_node *ret,
                             const char **ret_field)
{
        struct store_node n = { .cluster_id = cluster_id, .esl_port = 8021,
                                .sofia_profile = "internal" };
        struct store_node *existing;
        struct store_cluster c;
        struct store_conn *conn;
        size_t count = 0;
        enum result result;

        n.status = CLUSTER_STATUS_ACTIVE;
        *ret_field = NULL;
        if (!f->name || !f->esl_host || !f->esl_password) {
                *ret_field = !f->name ? "name" : !f->esl_host ? "esl_host" : "esl_password";
                return RESULT_INVALID;
        }
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_cluster_get(conn, cluster_id, &c);
        if (!result)
                result = apply_node_fields(&n, f, ret_field);
        if (result)
                return result;
        existing = calloc(CLUSTER_MAX_NODES + 1, sizeof(*existing));
        result = existing ? store_begin(conn) : RESULT_NOMEM;
        if (!result)
                result = store_node_list(conn, cluster_id, existing, CLUSTER_MAX_NODES + 1, &count);
        free(existing);
        if (!result && count >= CLUSTER_MAX_NODES) {
                *ret_field = "cluster";
                result = RESULT_CONFLICT;
        }
        if (!result)
                result = save_node(actor, conn, &c, &n, store_node_insert, "node.create",
                                   ret_field);
        result = jobs_finish(app, conn, result);
        if (!result) {
                *ret = n;
                ret->esl_password[0] = '\0';   /* sealed, but still not for the caller */
        }
        return result;
}

/* Begins a transaction and reads node id of cluster_id and its cluster;
 * on failure nothing is left open. */
static enum result begin_node(struct app *app, int64_t cluster_id, int64_t id,
                              struct store_conn **conn, struct store_cluster *c,
                              struct store_node *n)
{
        enum result result = store_conn_get(app->store, conn);

        if (!result)
                result = store_begin(*conn);
        if (result)
                return result;
        result = store_cluster_get(*conn, cluster_id, c);
        if (!result)
                result = store_node_get(*conn, cluster_id, id, n);
        if (result)
                store_rollback(*conn);
        return result;
}

enum result cluster_node_update(struct app *app, const struct actor *actor, int64_t cluster_id,
                                int64_t id, const struct node_fields *f, struct store_node *ret,
                                const char **ret_field)
{
        struct store_cluster c;
        struct store_node n;
        struct store_conn *conn;
        enum result result;

        *ret_field = NULL;
        result = begin_node(app, cluster_id, id, &conn, &c, &n);
        if (result)
                return result;
        result = apply_node_fields(&n, f, ret_field);
        if (!result)
                result = save_node(actor, conn, &c, &n, update_node, "node.update", ret_field);
        if (!result)
                reconciler_links_forget(app);   /* before the commit, as in cluster_update */
        result = jobs_finish(app, conn, result);
        if (!result) {
                *ret = n;
                ret->esl_password[0] = '\0';   /* sealed, but still not for the caller */
        }
        return result;
}

enum result cluster_node_delete(struct app *app, const struct actor *actor, int64_t cluster_id,
                                int64_t id)
{
        struct store_cluster c;
        struct store_node n;
        struct store_conn *conn;
        enum result result;

        result = begin_node(app, cluster_id, id, &conn, &c, &n);
        if (result)
                return result;
        result = store_node_delete(conn, cluster_id, id);
        if (!result)
                result = audit_record(conn, actor, 0, "node.delete", "node", id, "cluster", c.name,
                                      "name", n.name, NULL);
        if (!result)
                reconciler_links_forget(app);   /* before the commit, as in cluster_update */
        return jobs_finish(app, conn, result);
}

enum result cluster_resync(struct app *app, int64_t cluster_id, const struct actor *actor,
                           int64_t *ret_job_id)
{
        struct store_cluster sc;
        struct store_conn *conn;
        enum result result;
        char name[24];

        result = store_conn_get(app->store, &conn);
        if (!result && cluster_id)
                result = store_cluster_get(conn, cluster_id, &sc);
        if (!result)
                result = store_begin(conn);
        if (result)
                return result;
        snprintf(name, sizeof(name), "%" PRId64, cluster_id);
        result = jobs_queue_resync(conn, cluster_id, ret_job_id);
        if (!result)
                result = audit_record(conn, actor, 0, "freeswitch.resync", "cluster", cluster_id,
                                      "cluster", cluster_id ? sc.name : "default", NULL);
        return jobs_finish(app, conn, result);
}

enum result cluster_job_state(struct app *app, int64_t job_id, struct store_job_state *ret)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result : store_job_state(conn, job_id, ret);
}
