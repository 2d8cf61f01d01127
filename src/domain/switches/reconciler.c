/* The reconciler; see reconciler.h. */
#define LOG_MODULE "reconciler"
#include "domain/switches/reconciler.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/switches/cluster.h"
#include "domain/events/events.h"
#include "domain/provisioning/conffiles.h"
#include "domain/core/credentials.h"
#include "domain/provisioning/jobs.h"
#include "domain/provisioning/queue_node.h"
#include "domain/provisioning/realm.h"
#include "domain/queues/status.h"
#include "domain/switches/queue_apply.h"
#include "domain/core/worker.h"
#include "freeswitch/esl.h"
#include "freeswitch/provision.h"
#include "util/log.h"
#include "util/text.h"

/* The advisory-lock key of the one reconciler per PostgreSQL database. */
#define RECONCILER_LOCK_KEY 0x61676e74646b01LL
#define CONNECT_TIMEOUT_MS 2000
#define COMMAND_TIMEOUT_MS 3000
#define MAX_DELAY_S 600

/* One job of a pass and what became of it. */
struct work {
        struct store_job job;
        const char *domain;              /* its effective SIP domain */
        char cmds[FS_COMMANDS_PER_CHANGE][FS_COMMAND_MAX];
        int n_cmds;                      /* 0: nothing to send */
        bool failed;
        char error[STORE_TEXT_MAX / 2];
};

/* A command already sent to the node in this pass, and its answer:
 * several jobs of a batch share reloadxml, or flush the same extension. */
struct sent {
        const char *cmd;                 /* borrowed from a work */
        char error[160];                 /* "" when it answered +OK */
};

/* An Event Socket connection kept from batch to batch for one node of a
 * cluster. The keyed hash of the password it logged in with is kept (not
 * the password) so that a node given another one logs in again. */
struct link {
        int64_t cluster_id;
        char host[256];
        unsigned port;
        char password_hash[65];          /* credentials_keyed_hash */
        struct esl_conn *conn;           /* NULL once closed */
        uint64_t used_in;                /* the last pass that used it */
};

/* How often agentdesk logged in to one node ("host:port"). */
struct connect_count {
        char node[300];
        uint64_t n;
};

struct reconciler_links {
        struct link *links;              /* the reconciler's thread only */
        size_t n, cap;
        uint64_t pass;                   /* passes begun */
        atomic_uint forget;              /* bumped by reconciler_links_forget */
        unsigned forgotten;              /* the value last acted on */
        /* clusters a new connection was made to in this pass (the node may
         * have restarted: its mod_callcenter state is re-applied) */
        int64_t reconnected[CLUSTER_MAX_CLUSTERS];
        size_t n_reconnected;
        bool kept;                       /* the app's links (not a command line's) */
        pthread_mutex_t lock;            /* guards counts: /metrics reads them */
        struct connect_count *counts;
        size_t n_counts;
};

static void link_close(struct link *l)
{
        esl_conn_free(l->conn);
        l->conn = NULL;
}

static void count_connect(struct reconciler_links *links, const struct fs_node *node)
{
        char name[sizeof(links->counts[0].node)];
        struct connect_count *grown;
        size_t i;

        snprintf(name, sizeof(name), "%s:%u", node->host, node->port);
        pthread_mutex_lock(&links->lock);
        for (i = 0; i < links->n_counts && strcmp(links->counts[i].node, name); i++)
                ;
        if (i == links->n_counts &&
            (grown = realloc(links->counts, (i + 1) * sizeof(*grown))) != NULL) {
                links->counts = grown;
                text_copy(grown[i].node, sizeof(grown[i].node), name);
                grown[i].n = 0;
                links->n_counts++;
        }
        if (i < links->n_counts)
                links->counts[i].n++;
        pthread_mutex_unlock(&links->lock);
}

/* Notes that a new connection was made to a node of cluster_id. */
static void note_reconnected(struct reconciler_links *links, int64_t cluster_id)
{
        for (size_t i = 0; i < links->n_reconnected; i++)
                if (links->reconnected[i] == cluster_id)
                        return;
        if (links->n_reconnected < CLUSTER_MAX_CLUSTERS)
                links->reconnected[links->n_reconnected++] = cluster_id;
}

/* Logs l in to node (l is closed). */
static enum result link_connect(struct reconciler_links *links, struct link *l,
                                const struct fs_node *node, char *error, size_t size)
{
        enum result result = esl_connect(node->host, node->port, node->password,
                                         CONNECT_TIMEOUT_MS, &l->conn, error, size);

        if (!result) {
                count_connect(links, node);
                note_reconnected(links, l->cluster_id);
        }
        return result;
}

/* The link of node in cluster_id, connected: the kept one (*ret_kept true)
 * unless the node's password changed, else a new one. */
static enum result link_open(struct reconciler_links *links, int64_t cluster_id,
                             const struct fs_node *node, struct link **ret, bool *ret_kept,
                             char *error, size_t size)
{
        struct link *l = NULL;
        char password_hash[65];
        enum result result;

        credentials_keyed_hash(node->password, password_hash);
        for (size_t i = 0; i < links->n && !l; i++)
                if (links->links[i].cluster_id == cluster_id && links->links[i].port == node->port &&
                    !strcmp(links->links[i].host, node->host))
                        l = &links->links[i];
        if (!l) {
                if (links->n == links->cap) {
                        size_t cap = links->cap ? links->cap * 2 : 8;
                        struct link *grown = realloc(links->links, cap * sizeof(*grown));
                        if (!grown)
                                return RESULT_NOMEM;
                        links->links = grown;
                        links->cap = cap;
                }
                l = &links->links[links->n++];
                *l = (struct link){ .cluster_id = cluster_id, .port = node->port };
                text_copy(l->host, sizeof(l->host), node->host);
        }
        l->used_in = links->pass;
        if (l->conn && strcmp(l->password_hash, password_hash) != 0)
                link_close(l);
        *ret_kept = l->conn != NULL;
        result = l->conn ? RESULT_OK : link_connect(links, l, node, error, size);
        if (!result) {
                text_copy(l->password_hash, sizeof(l->password_hash), password_hash);
                *ret = l;
        }
        return result;
}

/* After a pass over cluster_id: closes its links that no node of it used
 * (a node deleted, disabled, or moved to another host or port). */
static void links_sweep(struct reconciler_links *links, int64_t cluster_id)
{
        size_t kept = 0;

        for (size_t i = 0; i < links->n; i++) {
                struct link *l = &links->links[i];
                if (l->cluster_id == cluster_id && l->used_in != links->pass)
                        link_close(l);
                if (l->conn)
                        links->links[kept++] = *l;
        }
        links->n = kept;
}

/* Closes every link. */
static void links_close_all(struct reconciler_links *links)
{
        for (size_t i = 0; i < links->n; i++)
                link_close(&links->links[i]);
        links->n = 0;
}

struct reconciler_links *reconciler_links_new(void)
{
        struct reconciler_links *links = calloc(1, sizeof(*links));

        if (links && pthread_mutex_init(&links->lock, NULL) != 0) {
                free(links);
                links = NULL;
        }
        return links;
}

void reconciler_links_free(struct reconciler_links *links)
{
        if (!links)
                return;
        links_close_all(links);
        free(links->links);
        free(links->counts);
        pthread_mutex_destroy(&links->lock);
        free(links);
}

void reconciler_links_forget(struct app *app)
{
        if (app->esl_links)
                atomic_fetch_add(&app->esl_links->forget, 1);
        worker_wake(app->job_worker);
}

void reconciler_links_counts(struct reconciler_links *links,
                             void (*fn)(void *userdata, const char *node, uint64_t connects),
                             void *userdata)
{
        if (!links)
                return;
        pthread_mutex_lock(&links->lock);
        for (size_t i = 0; i < links->n_counts; i++)
                fn(userdata, links->counts[i].node, links->counts[i].n);
        pthread_mutex_unlock(&links->lock);
}

static void fail_work(struct work *w, const char *error)
{
        if (w->failed)
                return;          /* the first error is the one to show */
        w->failed = true;
        text_copy(w->error, sizeof(w->error), error);
}

static void fail(struct work *w, const struct fs_node *node, const char *what, const char *why)
{
        char line[sizeof(w->error)];

        snprintf(line, sizeof(line), "%.64s:%u: %.90s%s%.80s", node->host, node->port, what,
                 *what ? ": " : "", why);
        fail_work(w, line);
}

/* The first line of a FreeSWITCH answer, for an error message. */
static void first_line(const char *body, char *out, size_t size)
{
        text_copy(out, size, body ? body : "");
        out[strcspn(out, "\r\n")] = '\0';
}

static const struct sent *find_sent(const struct sent *sent, int n, const char *cmd)
{
        for (int i = 0; i < n; i++)
                if (strcmp(sent[i].cmd, cmd) == 0)
                        return &sent[i];
        return NULL;
}

/* Fills w->cmds for c's mode with profile; returns their count, or 0
 * with w failed for a job that cannot be applied. */
static int job_commands(const struct cluster *c, struct work *w, const char *profile)
{
        int n = fs_provision_commands(c->mode, w->job.kind, w->job.extension, w->domain, profile,
                                      w->cmds);

        if (n < 0) {
                char line[120];
                snprintf(line, sizeof(line), "cannot apply a %.16s job for extension '%.16s'",
                         fs_change_name(w->job.kind), w->job.extension);
                fail_work(w, line);
                return 0;
        }
        return n;
}

/* The greeting and recorded name of w's voicebox (vm_delete keeps them),
 * each taken out of the box where the node has it
 * (fs_voicebox_file_commands). A connection error is returned; an answer
 * that is an error fails w. */
static enum result empty_voicebox_files(struct link *link, const struct fs_node *node,
                                        struct work *w)
{
        char exists[FS_COMMAND_MAX], move[FS_COMMAND_MAX], error[160];
        enum result result = RESULT_OK;

        for (int i = 0; i < FS_VOICEBOX_FILES && !result && !w->failed; i++) {
                char *body = NULL;
                if (!fs_voicebox_file_commands(w->domain, w->job.extension, i, exists, move)) {
                        fail(w, node, "", "cannot empty this voicebox");
                        break;
                }
                result = esl_api(link->conn, exists, COMMAND_TIMEOUT_MS, &body);
                if (!result && body && !strncmp(body, "true", 4)) {
                        free(body);
                        body = NULL;
                        result = esl_api(link->conn, move, COMMAND_TIMEOUT_MS, &body);
                }
                if (result == RESULT_INVALID) {
                        first_line(body, error, sizeof(error));
                        fail(w, node, move, error);
                        result = RESULT_OK;
                }
                free(body);
        }
        return result;
}

/* Sends one node the commands of every job, over its kept connection,
 * each distinct command once. A kept connection that turns out dead (the
 * node restarted, the connection was cut) is replaced once per pass; a
 * connection that fails after that is closed, so the next pass opens a
 * new one. */
static void apply_on_node(struct reconciler_links *links, const struct cluster *c,
                          const struct fs_node *node, struct work *works, int n)
{
        struct sent *sent = calloc((size_t)n * FS_COMMANDS_PER_CHANGE, sizeof(*sent));
        struct link *link = NULL;
        bool kept = false;
        char error[160];
        enum result result;
        int n_sent = 0;

        if (!sent) {
                for (int i = 0; i < n; i++)
                        if (works[i].n_cmds > 0)
                                fail(&works[i], node, "", "out of memory");
                return;
        }
        result = link_open(links, c->id, node, &link, &kept, error, sizeof(error));
        if (result) {
                if (result == RESULT_NOMEM)
                        text_copy(error, sizeof(error), "out of memory");
                for (int i = 0; i < n; i++)
                        if (works[i].n_cmds > 0)
                                fail(&works[i], node, "", error);
                LOG_WARN("node %s:%u: %s; %d job(s) will be retried", node->host, node->port,
                         error, n);
                free(sent);
                return;
        }
        for (int i = 0; i < n && !result; i++) {
                /* The node's own sofia profile goes into its commands. */
                if (works[i].n_cmds > 0)
                        works[i].n_cmds = job_commands(c, &works[i], node->profile);
                for (int k = 0; k < works[i].n_cmds && !result; k++) {
                        const char *cmd = works[i].cmds[k];
                        const struct sent *before = find_sent(sent, n_sent, cmd);
                        char *body = NULL;
                        if (before) {
                                if (before->error[0])
                                        fail(&works[i], node, cmd, before->error);
                                continue;
                        }
                        struct sent *now = &sent[n_sent++];
                        now->cmd = cmd;
                        result = esl_api(link->conn, cmd, COMMAND_TIMEOUT_MS, &body);
                        if (kept && (result == RESULT_IO || result == RESULT_PROTOCOL)) {
                                /* Dead since the last pass: once, a new
                                 * connection and the command again (the
                                 * commands are idempotent). */
                                LOG_INFO("node %s:%u: the kept Event Socket connection is gone; "
                                         "connecting again", node->host, node->port);
                                free(body);
                                body = NULL;
                                link_close(link);
                                result = link_connect(links, link, node, error, sizeof(error));
                                if (!result)
                                        result = esl_api(link->conn, cmd, COMMAND_TIMEOUT_MS, &body);
                        }
                        kept = false;    /* it answered, or it is new: no second chance */
                        if (result == RESULT_INVALID) {
                                first_line(body, now->error, sizeof(now->error));
                                result = RESULT_OK;   /* the connection is fine */
                        } else if (result) {
                                text_copy(now->error, sizeof(now->error),
                                          result == RESULT_TIMEOUT ? "timed out" : "connection lost");
                        }
                        if (now->error[0]) {
                                fail(&works[i], node, cmd, now->error);
                                LOG_WARN("node %s:%u: %s: %s", node->host, node->port, cmd,
                                         now->error);
                        }
                        free(body);
                }
                if (!result && works[i].n_cmds > 0 && works[i].job.kind == FS_CHANGE_VOICEBOX)
                        result = empty_voicebox_files(link, node, &works[i]);
        }
        /* The connection broke: what was not sent yet failed too, and the
         * next pass connects again. */
        for (int i = 0; result && i < n; i++)
                if (works[i].n_cmds > 0)
                        fail(&works[i], node, "", "connection lost");
        if (result)
                link_close(link);
        free(sent);
}

/* Applies one job's files to one target; the tenant's context once per
 * target and batch (done_tenants). */
static enum result write_job(struct app *app, int64_t cluster_id, struct fs_push *p,
                             const struct work *w, int64_t *done_tenants, int *n_done, char *error,
                             size_t size)
{
        enum result result;
        bool seen = false;

        if (w->job.kind == FS_CHANGE_RESYNC)
                return conffiles_resync(app, cluster_id, p, error, size);
        if (w->job.kind == FS_CHANGE_QUEUE_AGENT || w->job.kind == FS_CHANGE_VOICEBOX)
                return RESULT_OK;        /* nothing of it is in a file */
        if (w->job.kind == FS_CHANGE_QUEUE) {
                /* the queue's file, the inbound numbers, then the context
                 * (its number and its members' tracks) below */
                result = conffiles_queue(app, cluster_id, p, w->job.queue_id, error, size);
                if (!result)
                        result = conffiles_numbers(app, cluster_id, p, error, size);
        } else {
                result = conffiles_extension(app, cluster_id, p, w->job.extension, error, size);
        }
        for (int k = 0; k < *n_done && !seen; k++)
                seen = done_tenants[k] == w->job.tenant_id;
        /* The context follows the tenant's status and range. */
        if (!result && !seen && w->job.tenant_id) {
                result = conffiles_tenant(app, cluster_id, p, w->job.tenant_id, error, size);
                if (!result)
                        done_tenants[(*n_done)++] = w->job.tenant_id;
        }
        return result;
}

/* Push modes: writes or removes each job's files on every target before
 * the reloadxml. A job whose files could not all be written sends nothing
 * and is retried. */
static void write_files(struct app *app, const struct cluster *c, struct work *works, int n)
{
        struct fs_push *targets[CLUSTER_MAX_NODES] = { 0 };
        int n_targets = 0;
        char error[STORE_TEXT_MAX / 2] = "";
        enum result result;

        result = cluster_push_targets(app, c, targets, CLUSTER_MAX_NODES, &n_targets, error,
                                      sizeof(error));
        for (int t = 0; t < n_targets && !result; t++) {
                int64_t done_tenants[RECONCILER_BATCH];
                int n_done = 0;
                for (int i = 0; i < n; i++) {
                        struct work *w = &works[i];
                        char line[sizeof(w->error)] = "";
                        enum result r;
                        if (w->failed)
                                continue;
                        r = write_job(app, c->id, targets[t], w, done_tenants, &n_done, line,
                                      sizeof(line));
                        if (r) {
                                if (!line[0])
                                        snprintf(line, sizeof(line), "conf dir: %s", result_name(r));
                                fail_work(w, line);
                                w->n_cmds = 0;
                                LOG_WARN("job %" PRId64 ": %s", w->job.id, w->error);
                        }
                }
        }
        if (result) {
                LOG_WARN("%s; %d job(s) will be retried", error, n);
                for (int i = 0; i < n; i++) {
                        fail_work(&works[i], error);
                        works[i].n_cmds = 0;
                }
        }
        for (int t = 0; t < n_targets; t++)
                fs_push_close(targets[t]);
}

static int64_t retry_at(const struct app *app, int64_t attempts_made)
{
        int64_t delay = app->settings.fs_retry_base;

        for (int64_t i = 1; i < attempts_made && delay < MAX_DELAY_S; i++)
                delay *= 2;
        return store_now() + (delay < MAX_DELAY_S ? delay : MAX_DELAY_S);
}

static bool queue_kind(const struct store_job *job)
{
        return job->kind == FS_CHANGE_QUEUE || job->kind == FS_CHANGE_QUEUE_AGENT;
}

/* Runs fn(ctx) on node k of c over its link: once more on a new
 * connection when a kept one turns out dead. */
static enum result on_node(struct app *app, struct reconciler_links *links, const struct cluster *c,
                           int k, enum result (*fn)(struct queue_node_ctx *, const void *, char *,
                                                    size_t),
                           const void *arg, char *error, size_t size)
{
        const char *names[CLUSTER_MAX_NODES];
        struct queue_node_ctx ctx = { .app = app, .cluster_id = c->id,
                                      .node_name = c->node_names[k], .node_names = names,
                                      .n_nodes = (size_t)c->n_nodes };
        struct link *link = NULL;
        bool kept = false;
        enum result result;

        for (int i = 0; i < c->n_nodes; i++)
                names[i] = c->node_names[i];
        result = store_conn_get(app->store, &ctx.conn);
        if (!result)
                result = link_open(links, c->id, &c->nodes[k], &link, &kept, error, size);
        if (result)
                return result;
        ctx.esl = link->conn;
        result = fn(&ctx, arg, error, size);
        if (kept && (result == RESULT_IO || result == RESULT_PROTOCOL)) {
                LOG_INFO("node %s:%u: the kept Event Socket connection is gone; connecting again",
                         c->nodes[k].host, c->nodes[k].port);
                link_close(link);
                result = link_connect(links, link, &c->nodes[k], error, size);
                if (!result) {
                        ctx.esl = link->conn;
                        result = fn(&ctx, arg, error, size);
                }
        }
        if (result == RESULT_IO || result == RESULT_PROTOCOL || result == RESULT_TIMEOUT)
                link_close(link);
        return result;
}

static enum result run_job(struct queue_node_ctx *ctx, const void *arg, char *error, size_t size)
{
        return queue_apply_job(ctx, arg, error, size);
}

static enum result run_node(struct queue_node_ctx *ctx, const void *arg, char *error, size_t size)
{
        (void)arg;
        return queue_apply_node(ctx, error, size);
}

/* Whether a tenant of cluster_id has a queue or an agent's status row. */
static bool queue_state(struct app *app, int64_t cluster_id)
{
        struct store_conn *conn;
        int64_t *ids = NULL;
        size_t n = 0;
        bool has = false;

        if (store_conn_get(app->store, &conn) || store_cc_queue_clusters(conn, &ids, &n))
                return true;     /* unknown: asked */
        for (size_t i = 0; i < n && !has; i++)
                has = ids[i] == cluster_id;
        free(ids);
        return has;
}

/* The queue and queue-agent jobs, each on its tenant's queue node (one
 * node per tenant: mod_callcenter's database is per node), and the queue
 * state of every node for a resync. */
static void apply_queue_work(struct app *app, struct reconciler_links *links, const struct cluster *c,
                             struct work *works, int n)
{
        const char *names[CLUSTER_MAX_NODES];

        for (int i = 0; i < c->n_nodes; i++)
                names[i] = c->node_names[i];
        for (int i = 0; i < n; i++) {
                struct work *w = &works[i];
                char error[sizeof(w->error)] = "";
                enum result result = RESULT_OK;
                int k;

                if (w->failed || !(queue_kind(&w->job) || w->job.kind == FS_CHANGE_RESYNC))
                        continue;
                if (w->job.kind == FS_CHANGE_RESYNC) {
                        /* a cluster none of whose tenants has queue state is
                         * not asked (its nodes may not run mod_callcenter) */
                        if (!queue_state(app, c->id))
                                continue;
                        for (k = 0; k < c->n_nodes && !result; k++)
                                result = on_node(app, links, c, k, run_node, NULL, error, sizeof(error));
                        k--;
                } else {
                        /* without a node there is nothing to tell */
                        if ((k = queue_node_pick(w->job.tenant_id, names, (size_t)c->n_nodes)) < 0)
                                continue;
                        result = on_node(app, links, c, k, run_job, &w->job, error, sizeof(error));
                }
                if (result) {
                        if (!error[0])
                                text_copy(error, sizeof(error), result_name(result));
                        fail(w, &c->nodes[k], "", error);
                        LOG_WARN("job %" PRId64 " (%s): node %s:%u: %s", w->job.id,
                                 fs_change_name(w->job.kind), c->nodes[k].host, c->nodes[k].port,
                                 error);
                }
        }
}

/* Jobs of one cluster together, each cluster's in the order queued. */
static int by_cluster(const void *a, const void *b)
{
        const struct store_job *x = &((const struct work *)a)->job, *y = &((const struct work *)b)->job;

        if (x->cluster_id != y->cluster_id)
                return x->cluster_id < y->cluster_id ? -1 : 1;
        return x->id < y->id ? -1 : x->id > y->id;
}

/* Applies the n jobs of one cluster: files first in the push modes, then
 * the commands on every node. */
static void apply_cluster(struct app *app, struct reconciler_links *links, struct work *works, int n)
{
        struct cluster *c = NULL;
        enum result result = cluster_open(app, works[0].job.cluster_id, &c);
        int sending = 0;

        if (result) {
                char line[96];
                snprintf(line, sizeof(line), "cluster %" PRId64 ": %s", works[0].job.cluster_id,
                         result_name(result));
                for (int i = 0; i < n; i++)
                        fail_work(&works[i], line);
                return;
        }
        for (int i = 0; i < n; i++) {
                struct work *w = &works[i];
                w->domain = realm_effective(app, w->job.tenant_domain, w->job.cluster_domain);
                /* Without a node there is nothing to tell (files are still written). */
                w->n_cmds = c->n_nodes ? job_commands(c, w, c->nodes[0].profile) : 0;
        }
        if (fs_provision_mode_pushes(c->mode))
                write_files(app, c, works, n);
        for (int i = 0; i < n; i++)
                sending += works[i].n_cmds > 0;
        for (int k = 0; sending && k < c->n_nodes; k++)
                apply_on_node(links, c, &c->nodes[k], works, n);
        apply_queue_work(app, links, c, works, n);
        /* Every node was asked (or there is none left): the cluster's
         * other links belong to nodes it no longer has. */
        if (sending || c->n_nodes == 0)
                links_sweep(links, c->id);
        cluster_close(c);
}

/* RESULT_OK while conn holds the reconciler lock, RESULT_BUSY once it
 * does not (its session was lost, and maybe another node took it). */
/* extension.provisioning, in the outcomes' transaction, when recording
 * job moved its extension's state or error from before (a job behind a
 * later pending one leaves the extension as it is: no event). */
static enum result publish_outcome(struct store_conn *conn, const struct store_job *job,
                                   const struct store_extension *before)
{
        struct store_extension now;
        enum result result = store_extension_get(conn, job->extension_id, &now);

        if (result)
                return result == RESULT_NOT_FOUND ? RESULT_OK : result;
        if (now.provisioning == before->provisioning &&
            strcmp(now.provisioning_error, before->provisioning_error) == 0)
                return RESULT_OK;
        return events_append_provisioning(conn, &(struct events_provisioning){
                                                        .tenant_id = job->tenant_id,
                                                        .extension_id = now.id,
                                                        .extension = now.extension,
                                                        .agent_id = now.user_id,
                                                        .state = now.provisioning,
                                                        .attempts = now.provisioning_attempts,
                                                        .error = now.provisioning_error,
                                                });
}

static enum result leading(struct store_conn *conn);

/* agent.queue_status (domain/queues/status.h), in the outcomes'
 * transaction, when recording an agent job moved the agent's provisioning
 * state or error (a job behind a later pending one leaves it as it is). */
static enum result publish_agent_outcome(struct store_conn *conn, const struct store_job *job,
                                         const struct store_queue_agent *before)
{
        struct store_queue_agent now;
        enum result result = store_queue_agent_get(conn, job->user_id, false, &now);

        if (result)
                return result == RESULT_NOT_FOUND ? RESULT_OK : result;
        if (now.provisioning == before->provisioning &&
            strcmp(now.provisioning_error, before->provisioning_error) == 0)
                return RESULT_OK;
        return queue_status_publish(conn, job->user_id);
}

/* In the caller's transaction: a resync job for each cluster with queue
 * state that this pass made a new connection to. The node may have
 * restarted: its callcenter.db kept agents and tiers that may be stale,
 * and it lost its loaded queues; the resync makes its queue state match
 * again (domain/switches/queue_apply.h). A command line's links, new each
 * pass, note nothing. */
static enum result queue_resyncs(struct reconciler_links *links, struct store_conn *conn)
{
        int64_t *ids = NULL;
        size_t n = 0;
        enum result result = RESULT_OK;

        if (!links->kept || !links->n_reconnected)
                return RESULT_OK;
        result = store_cc_queue_clusters(conn, &ids, &n);
        for (size_t i = 0; !result && i < links->n_reconnected; i++) {
                bool has = false;

                for (size_t k = 0; k < n && !has; k++)
                        has = ids[k] == links->reconnected[i];
                if (!has)
                        continue;
                LOG_INFO("cluster %" PRId64 ": a new Event Socket connection; its queue state is "
                         "applied again", links->reconnected[i]);
                result = jobs_queue_resync(conn, links->reconnected[i], NULL);
        }
        free(ids);
        if (!result)
                links->n_reconnected = 0;
        return result;
}

/* Locks the extension, queue and agent rows the n outcomes write, in
 * store_provisioning_rows_lock's order (not the jobs'): a suspension or a
 * members change writing some of the same rows waits instead of
 * deadlocking with this transaction. */
static enum result lock_outcome_rows(struct store_conn *conn, const struct work *works, int n)
{
        int64_t *extensions = malloc(((size_t)n + 1) * sizeof(*extensions));
        int64_t *queues = malloc(((size_t)n + 1) * sizeof(*queues));
        int64_t *agents = malloc(((size_t)n + 1) * sizeof(*agents));
        size_t n_extensions = 0, n_queues = 0, n_agents = 0;
        enum result result = RESULT_NOMEM;

        if (extensions && queues && agents) {
                for (int i = 0; i < n; i++) {
                        const struct store_job *j = &works[i].job;
                        if (j->extension_id)
                                extensions[n_extensions++] = j->extension_id;
                        else if (j->kind == FS_CHANGE_QUEUE && j->queue_id)
                                queues[n_queues++] = j->queue_id;
                        else if (j->kind == FS_CHANGE_QUEUE_AGENT && j->user_id)
                                agents[n_agents++] = j->user_id;
                }
                result = store_provisioning_rows_lock(conn, extensions, n_extensions, queues,
                                                      n_queues, agents, n_agents);
        }
        free(extensions);
        free(queues);
        free(agents);
        return result;
}

/* With no job to run: the nodes of every cluster with queue state kept
 * connected and asked for their Core-UUID, so that a restart of FreeSWITCH
 * (a connection found dead, made again) is seen within a pass even when
 * nothing changes in agentdesk; then queue_resyncs. */
static void probe_queue_nodes(struct app *app, struct reconciler_links *links, struct store_conn *conn)
{
        int64_t *ids = NULL;
        size_t n = 0;

        if (!links->kept || store_cc_queue_clusters(conn, &ids, &n))
                return;
        for (size_t i = 0; i < n; i++) {
                struct cluster *c = NULL;

                if (cluster_open(app, ids[i], &c))
                        continue;
                for (int k = 0; c->active && k < c->n_nodes; k++) {
                        struct link *link = NULL;
                        bool kept = false;
                        char error[160], *body = NULL;

                        if (link_open(links, c->id, &c->nodes[k], &link, &kept, error, sizeof(error)))
                                continue;
                        if (kept && esl_api(link->conn, "global_getvar core_uuid", COMMAND_TIMEOUT_MS,
                                            &body) != RESULT_OK) {
                                link_close(link);
                                if (link_connect(links, link, &c->nodes[k], error, sizeof(error)))
                                        link_close(link);
                        }
                        free(body);
                }
                links_sweep(links, c->id);
                cluster_close(c);
        }
        free(ids);
        if (links->n_reconnected && !store_begin(conn)) {
                enum result result = leading(conn);

                if (!result)
                        result = queue_resyncs(links, conn);
                if (!result)
                        result = store_commit(conn);
                if (result)
                        store_rollback(conn);
        }
}

static enum result leading(struct store_conn *conn)
{
        bool held = false;
        enum result result = store_singleton_held(conn, RECONCILER_LOCK_KEY, &held);

        return result || !held ? RESULT_BUSY : RESULT_OK;
}

/* The links this pass uses: the app's, kept across passes, or, with none
 * (the command line), *ret_own, new, for this pass only. */
static struct reconciler_links *pass_links(struct app *app, struct reconciler_links **ret_own)
{
        struct reconciler_links *links = app->esl_links;

        *ret_own = NULL;
        if (!links)
                return *ret_own = reconciler_links_new();
        links->pass++;
        return links;
}

/* Closes every link when reconciler_links_forget was called since the
 * last look. Called once the pass has read its jobs: an edit calls it
 * before it commits, so a pass that sees the edit's jobs sees the call. */
static void links_refresh(struct reconciler_links *links)
{
        unsigned forget = atomic_load(&links->forget);

        if (forget != links->forgotten) {
                links_close_all(links);
                links->forgotten = forget;
        }
}

enum result reconciler_pass(struct app *app, int *ret_handled)
{
        struct reconciler_links *links, *own;
        struct store_conn *conn;
        struct store_job *jobs;
        struct work *works;
        int n = 0;
        enum result result;

        if (ret_handled)
                *ret_handled = 0;
        links = pass_links(app, &own);
        if (!links)
                return RESULT_NOMEM;
        works = calloc(RECONCILER_BATCH, sizeof(*works));
        jobs = calloc(RECONCILER_BATCH, sizeof(*jobs));
        result = works && jobs ? store_conn_get(app->store, &conn) : RESULT_NOMEM;
        /* No batch starts without the lock on this very connection. */
        if (!result)
                result = leading(conn);
        if (!result)
                result = store_jobs_due(conn, store_now(), jobs, RECONCILER_BATCH, &n);
        for (int i = 0; !result && i < n; i++)
                works[i].job = jobs[i];
        free(jobs);
        links_refresh(links);
        /* A node that no longer leads keeps no connection to FreeSWITCH. */
        if (result == RESULT_BUSY)
                links_close_all(links);
        if (!result && n == 0)
                probe_queue_nodes(app, links, conn);
        if (result || n == 0) {
                free(works);
                reconciler_links_free(own);
                return result;
        }
        qsort(works, (size_t)n, sizeof(*works), by_cluster);
        for (int i = 0, run; i < n; i += run) {
                for (run = 1; i + run < n && works[i + run].job.cluster_id == works[i].job.cluster_id;
                     run++)
                        ;
                apply_cluster(app, links, works + i, run);
        }

        /* Outcomes are recorded on the lock's connection, in a transaction
         * that sees the lock still held: a node that lost it while the
         * batch ran records nothing; the new leader runs the batch again. */
        result = store_begin(conn);
        if (!result) {
                result = leading(conn);
                if (result)
                        LOG_WARN("lost the reconciler lock during a batch: its %d outcome(s) "
                                 "are left to the next leader", n);
        }
        if (!result)
                result = lock_outcome_rows(conn, works, n);
        for (int i = 0; !result && i < n; i++) {
                struct work *w = &works[i];
                struct store_extension before;
                struct store_queue_agent agent_before;
                bool known = false, agent_known = false;
                if (w->job.kind == FS_CHANGE_QUEUE_AGENT) {
                        result = store_queue_agent_get(conn, w->job.user_id, false, &agent_before);
                        agent_known = result == RESULT_OK && agent_before.stored;
                        if (result == RESULT_NOT_FOUND)
                                result = RESULT_OK;
                        if (result)
                                break;
                }
                if (w->job.extension_id) {
                        result = store_extension_get(conn, w->job.extension_id, &before);
                        known = result == RESULT_OK;
                        if (result == RESULT_NOT_FOUND)
                                result = RESULT_OK;
                        if (result)
                                break;
                }
                if (!w->failed) {
                        result = store_job_done(conn, &w->job, JOBS_STATUS_DONE,
                                                JOBS_STATE_PROVISIONED);
                        if (!result && known)
                                result = publish_outcome(conn, &w->job, &before);
                        /* A new SIP password in place: its desk registers again. */
                        if (!result && known && w->job.kind == FS_CHANGE_REKEY && before.user_id)
                                result = events_append_credentials(conn, w->job.tenant_id,
                                                                   before.user_id, before.id,
                                                                   before.extension);
                        if (!result && agent_known)
                                result = publish_agent_outcome(conn, &w->job, &agent_before);
                        continue;
                }
                bool give_up = w->job.attempts + 1 >= app->settings.fs_retry_limit;
                enum jobs_status status = give_up ? JOBS_STATUS_FAILED : JOBS_STATUS_PENDING;
                enum jobs_state state = give_up ? JOBS_STATE_FAILED : JOBS_STATE_PENDING;
                result = store_job_retry(conn, &w->job, status, w->error,
                                         retry_at(app, w->job.attempts + 1), state);
                if (!result && known)
                        result = publish_outcome(conn, &w->job, &before);
                if (!result && agent_known)
                        result = publish_agent_outcome(conn, &w->job, &agent_before);
                if (!result && give_up)
                        LOG_ERR("job %" PRId64 " (%s of extension %s) failed for good after %" PRId64
                                " attempt(s): %s", w->job.id, fs_change_name(w->job.kind),
                                w->job.extension,
                                w->job.attempts + 1, w->error);
        }
        if (!result)
                result = queue_resyncs(links, conn);
        if (!result)
                result = store_commit(conn);
        if (result) {
                store_rollback(conn);
                if (result != RESULT_BUSY)
                        LOG_ERR("recording %d job outcome(s): %s", n, store_last_error());
        }
        if (ret_handled)
                *ret_handled = n;
        free(works);
        reconciler_links_free(own);
        return result;
}

enum result reconciler_drain(struct app *app, bool *ret_ran)
{
        struct store_conn *conn;
        enum result result;
        int handled = 0;

        *ret_ran = false;
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_singleton_try(conn, RECONCILER_LOCK_KEY, ret_ran);
        while (!result && *ret_ran && (result = reconciler_pass(app, &handled)) == RESULT_OK &&
               handled == RECONCILER_BATCH)
                ;
        return result;
}

/* One round of the worker: a batch. */
static enum result batch_round(void *userdata, bool *ret_more)
{
        int handled = 0;
        enum result result = reconciler_pass(userdata, &handled);

        *ret_more = handled == RECONCILER_BATCH;
        return result;
}

enum result reconciler_start(struct app *app, struct worker **ret)
{
        const struct worker_def def = {
                .name = "reconciler", .round = batch_round, .userdata = app,
                .lock_key = RECONCILER_LOCK_KEY, .poll_ms = 1000, .backoff_max_ms = 10000,
        };

        app->esl_links = reconciler_links_new();
        if (!app->esl_links)
                return RESULT_NOMEM;
        app->esl_links->kept = true;
        return worker_start(app->store, &def, ret);
}

void reconciler_stop(struct app *app)
{
        worker_stop(app->job_worker);      /* joined: the links are ours now */
        app->job_worker = NULL;
        reconciler_links_free(app->esl_links);
        app->esl_links = NULL;
}
