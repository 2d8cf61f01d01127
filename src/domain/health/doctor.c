/* The checks of `agentdesk doctor`; see doctor.h. */
#include "domain/health/doctor.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "domain/switches/cluster.h"
#include "domain/health/health.h"
#include "mail/mail.h"
#include "util/text.h"

enum result doctor_add(struct doctor_rows *rows, bool ok, const char *check, const char *fmt, ...)
{
        struct doctor_row *row;
        va_list ap;

        if (rows->n == rows->cap) {
                size_t cap = rows->cap ? rows->cap * 2 : 16;
                struct doctor_row *grown = realloc(rows->rows, cap * sizeof(*grown));
                if (!grown)
                        return RESULT_NOMEM;
                rows->rows = grown;
                rows->cap = cap;
        }
        row = &rows->rows[rows->n++];
        row->ok = ok;
        text_copy(row->check, sizeof(row->check), check);
        va_start(ap, fmt);
        vsnprintf(row->detail, sizeof(row->detail), fmt, ap);
        va_end(ap);
        return RESULT_OK;
}

void doctor_rows_free(struct doctor_rows *rows)
{
        if (!rows)
                return;
        free(rows->rows);
        rows->rows = NULL;
        rows->n = rows->cap = 0;
}

enum result doctor_store(struct app *app, struct doctor_rows *rows, bool *ret_up)
{
        struct store_conn *conn;
        int64_t pending = 0, failed = 0;
        int todo = -1;
        bool up;
        enum result result = RESULT_STORE;

        up = store_conn_get(app->store, &conn) == RESULT_OK && store_ping(conn) == RESULT_OK &&
             (result = store_migrations_pending(app->store, &todo)) == RESULT_OK;
        if (result == RESULT_UNSUPPORTED)
                result = doctor_add(rows, false, "store", "%s", store_last_error());
        else if (up)
                result = doctor_add(rows, todo == 0, "store", "%s, %d migration(s) to apply%s",
                                    store_backend(app->store), todo,
                                    todo ? " (agentdesk migrate)" : "");
        else
                result = doctor_add(rows, false, "store", "does not answer");
        *ret_up = up && todo == 0;
        if (!result && *ret_up && store_job_counts(conn, 0, -1, &pending, &failed) == RESULT_OK)
                result = doctor_add(rows, failed == 0, "provisioning jobs",
                                    "%" PRId64 " pending, %" PRId64 " failed", pending, failed);
        return result;
}

enum result doctor_mail(struct app *app, bool store_up, struct doctor_rows *rows)
{
        const struct settings *set = &app->settings;
        struct mail_outcome outcome;
        int64_t queued = 0, oldest = 0;
        bool accepted;
        enum result result;

        if (!set->mail_on)
                return doctor_add(rows, true, "mail", "off (AGENTDESK_SMTP_URL is not set): "
                                                      "invitations and reset links are not sent");
        if (mail_check(&set->mail, &outcome) != RESULT_OK)
                return doctor_add(rows, false, "mail", "cannot check");
        accepted = outcome.verdict == MAIL_ACCEPTED;
        result = doctor_add(rows, accepted, "mail relay", "%s %s: %s", set->mail.url,
                            !accepted ? "does not work"
                            : set->mail.tls_required ? "answered EHLO over TLS"
                                                     : "answered EHLO (plain, loopback)",
                            !accepted ? outcome.reply
                            : set->mail.user[0] ? "AUTH accepted" : "no AUTH");
        if (!result && store_up &&
            health_mail_gauges(app->store, NULL, NULL, &queued, &oldest) == RESULT_OK) {
                int64_t age = oldest ? store_now() - oldest : 0;
                result = doctor_add(rows, age < 3600, "mail outbox",
                                    "%" PRId64 " queued, the oldest %" PRId64 " s old", queued, age);
        }
        return result;
}

/* The checks of one cluster: its conf dirs in the push modes, then each
 * node's Event Socket (login, status, sofia profile). */
static enum result check_cluster(struct app *app, const struct cluster *c,
                                 struct doctor_rows *rows)
{
        struct fs_node_status status[CLUSTER_MAX_NODES];
        char line[512], name[160], label[sizeof(name) + 1];
        enum result result = RESULT_OK;

        /* The default cluster's lines read as they always did. */
        snprintf(name, sizeof(name), "cluster %.64s", c->name);
        if (c->id)
                snprintf(label, sizeof(label), "%s ", name);
        else
                label[0] = '\0';
        if (!c->active)
                return doctor_add(rows, true, name, "disabled: its jobs wait, nothing is checked");
        if (fs_provision_mode_pushes(c->mode)) {
                struct fs_push *targets[CLUSTER_MAX_NODES];
                int n_targets = 0;
                if (cluster_push_targets(app, c, targets, CLUSTER_MAX_NODES, &n_targets, line,
                                         sizeof(line)) != RESULT_OK)
                        result = doctor_add(rows, false, c->id ? name : "conf dir", "%s", line);
                for (int t = 0; t < n_targets; t++) {
                        static const char *const subdirs[] = { "directory/default", "dialplan" };
                        for (size_t i = 0; i < 2 && !result; i++) {
                                char what[300];
                                bool ok;
                                snprintf(what, sizeof(what), "%sconf dir %s", label, subdirs[i]);
                                ok = fs_push_check_dir(targets[t], subdirs[i], line,
                                                       sizeof(line)) == RESULT_OK;
                                result = doctor_add(rows, ok, what, "%s", line);
                        }
                        fs_push_close(targets[t]);
                }
        }
        if (!result && c->n_nodes == 0)
                result = doctor_add(rows, false, c->id ? name : "nodes", "no active node");
        if (result)
                return result;
        fs_nodes_probe(c->nodes, c->n_nodes, 5000, false, status);
        for (int i = 0; i < c->n_nodes && !result; i++) {
                const struct fs_node_status *st = &status[i];
                char what[512];
                snprintf(what, sizeof(what), "%snode %s:%u", label, c->nodes[i].host,
                         c->nodes[i].port);
                if (!st->version[0]) {
                        result = doctor_add(rows, false, what, "%s", st->error);
                        continue;
                }
                result = doctor_add(rows, true, what,
                                    "Event Socket login and status: FreeSWITCH %s", st->version);
                if (result)
                        break;
                if (st->profile_state[0])
                        result = doctor_add(rows, st->registrations >= 0, what,
                                            "sofia profile %s %s, %ld registration(s)",
                                            c->nodes[i].profile, st->profile_state,
                                            st->registrations);
                else
                        result = doctor_add(rows, false, what, "%s", st->error);
        }
        return result;
}

enum result doctor_clusters(struct app *app, bool stored_too, struct doctor_rows *rows)
{
        struct store_page page = { .limit = CLUSTER_MAX_CLUSTERS };
        struct store_cluster *stored = NULL;
        struct store_conn *conn;
        struct cluster *c;
        size_t n = 0;
        enum result result = RESULT_OK;

        if (cluster_open(app, 0, &c) == RESULT_OK) {
                result = check_cluster(app, c, rows);
                cluster_close(c);
        }
        if (result || !stored_too || store_conn_get(app->store, &conn) != RESULT_OK ||
            store_cluster_list(conn, &page, &stored, &n) != RESULT_OK)
                return result;
        for (size_t i = 0; i < n && !result; i++) {
                enum result r = cluster_open(app, stored[i].id, &c);
                if (r) {
                        result = doctor_add(rows, false, stored[i].name, "cannot load: %s",
                                            result_name(r));
                        continue;
                }
                result = check_cluster(app, c, rows);
                cluster_close(c);
        }
        free(stored);
        return result;
}
