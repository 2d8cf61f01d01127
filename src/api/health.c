/*
 * GET /healthz: is the store reachable from this node.
 * GET /readyz: may a load balancer (or systemd's Type=notify) send this
 * node work: store reachable, migrations current, key loaded, listeners
 * up. Never fails because FreeSWITCH is down (doctor's and /metrics' to
 * say): the API still works and provisioning jobs wait in the outbox.
 * GET /metrics: Prometheus text format: the HTTP figures kept by http/,
 * then the extension pools, the directory cache, the reconciler, the
 * throttles and the purge, the provisioning jobs, calls in
 * progress, then the mail outbox.
 *
 * /metrics is for the operator, never the public: some of its counters
 * move only when an account exists (mail sent for a password reset) and
 * its pool samples size each tenant. It is served on its own listener
 * (AGENTDESK_METRICS_LISTEN, loopback by default), and asks for
 * AGENTDESK_METRICS_TOKEN as a bearer token when that is set (the one way
 * to serve it on the main listener); tenants are named only with
 * AGENTDESK_METRICS_TENANTS, else the pools are summed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/events/streams.h"
#include "domain/core/credentials.h"
#include "domain/core/throttle.h"
#include "domain/provisioning/directory.h"
#include "domain/health/health.h"
#include "domain/live/live.h"
#include "domain/switches/reconciler.h"
#include "domain/core/worker.h"
#include "domain/upkeep/purge.h"

/* The healthy answer never changes: made once (it is polled often). */
static char healthy[96];

static void healthz(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        enum result result = health_check_store(ctx->store);

        if (result) {
                http_respond_error(req, 503, "store_unavailable", "the store does not answer", NULL);
                return;
        }
        http_respond_text(req, 200, "application/json", healthy, strlen(healthy));
}

static void readyz(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        struct health_readiness r = { 0 };
        char why[96];

        if (ctx->app && health_ready(ctx->app, &r)) {
                http_respond_json(req, 200, json_pack("{sbsss{sbsbsbsb}}", "success", 1, "status",
                                                      "ready", "checks", "store", 1, "migrations",
                                                      1, "key", 1, "listeners", 1));
                return;
        }
        snprintf(why, sizeof(why), "not ready:%s%s%s%s", r.store ? "" : " store",
                 r.migrations ? "" : " migrations", r.key ? "" : " key",
                 r.listeners ? "" : " listeners");
        http_respond_error(req, 503, "not_ready", why, NULL);
}

struct pool_totals {
        FILE *out;
        bool per_tenant;
        int64_t free, assigned;
};

static void gauge_line(void *userdata, const struct store_tenant *t,
                       const struct store_pool_stats *s)
{
        struct pool_totals *totals = userdata;

        totals->free += s->free;
        totals->assigned += s->assigned;
        if (!totals->per_tenant)
                return;
        /* Slugs are [a-z0-9-], safe inside a label value. */
        fprintf(totals->out,
                "agentdesk_pool_extensions{tenant_id=\"%" PRId64 "\",tenant=\"%s\",state=\"free\"} %" PRId64 "\n"
                "agentdesk_pool_extensions{tenant_id=\"%" PRId64 "\",tenant=\"%s\",state=\"assigned\"} %" PRId64 "\n",
                t->id, t->slug, s->free, t->id, t->slug, s->assigned);
}

/* Sent and failed messages by template (counts of the outbox, so every
 * node reports the cluster's totals). */
static void mail_line(void *userdata, const char *template, enum mail_outbox_status status,
                      int64_t count)
{
        FILE *out = userdata;

        if (status == MAIL_OUTBOX_STATUS_SENT || status == MAIL_OUTBOX_STATUS_FAILED)
                fprintf(out, "agentdesk_mail_messages_total{template=\"%s\",status=\"%s\"} %" PRId64 "\n",
                        template, mail_outbox_status_name(status), count);
}

/* Node names are host:port, checked by the settings and the cluster
 * administration (no quote, no backslash): safe inside a label value. */
static void esl_line(void *userdata, const char *node, uint64_t connects)
{
        fprintf(userdata, "agentdesk_esl_connects_total{node=\"%s\"} %" PRIu64 "\n", node,
                connects);
}

struct calls_totals {
        FILE *out;
        bool per_tenant;
        int64_t open;
};

static void calls_line(void *userdata, const struct store_tenant *t, int64_t open)
{
        struct calls_totals *totals = userdata;

        totals->open += open;
        if (totals->per_tenant)
                fprintf(totals->out,
                        "agentdesk_calls_in_progress{tenant_id=\"%" PRId64 "\",tenant=\"%s\"} %" PRId64 "\n",
                        t->id, t->slug, open);
}

/* Agent call legs still open (per tenant with AGENTDESK_METRICS_TENANTS,
 * as the pools). */
static void calls_metrics(struct api_context *ctx, FILE *out, bool per_tenant)
{
        struct calls_totals totals = { .out = out, .per_tenant = per_tenant };

        fputs("# HELP agentdesk_calls_in_progress Call legs of agents in progress (per tenant "
              "with AGENTDESK_METRICS_TENANTS).\n"
              "# TYPE agentdesk_calls_in_progress gauge\n", out);
        if (health_calls_gauges(ctx->store, calls_line, &totals) == RESULT_OK && !per_tenant)
                fprintf(out, "agentdesk_calls_in_progress %" PRId64 "\n", totals.open);
}

/* A label value: backslash, quote and newline escaped (a cluster's name
 * is free text). */
static void label_value(FILE *out, const char *s)
{
        for (; *s; s++) {
                if (*s == '\\' || *s == '"')
                        fputc('\\', out);
                if (*s == '\n')
                        fputs("\\n", out);
                else
                        fputc(*s, out);
        }
}

/* The families of the listener's per-node figures, in one pass each. */
enum live_family { NODE_UP, STREAM_CONNECTED, RECEIVED, DROPPED, LAG, LIVE_FAMILIES };

struct live_lines {
        FILE *out;
        enum live_family family;
};

static void live_line(void *userdata, const struct live_node_stats *s)
{
        struct live_lines *l = userdata;
        FILE *out = l->out;

        switch (l->family) {
        case NODE_UP:
        case STREAM_CONNECTED:
                fputs(l->family == NODE_UP ? "agentdesk_freeswitch_node_up{cluster=\""
                                           : "agentdesk_event_stream_connected{cluster=\"", out);
                label_value(out, s->cluster);
                fprintf(out, "\",node=\"%s\"} %d\n", s->node,
                        l->family == NODE_UP ? s->up : s->connected);
                break;
        case RECEIVED:
                fprintf(out, "agentdesk_events_received_total{node=\"%s\"} %" PRIu64 "\n", s->node,
                        s->received);
                break;
        case DROPPED:
                fprintf(out, "agentdesk_events_dropped_total{node=\"%s\"} %" PRIu64 "\n", s->node,
                        s->dropped);
                break;
        case LAG:
                fprintf(out, "agentdesk_event_lag_seconds{node=\"%s\"} %.6f\n", s->node, s->lag_s);
                break;
        default:
                break;
        }
}

struct reg_totals {
        FILE *out;
        bool per_tenant;
        int64_t total;
};

static void registrations_line(void *userdata, int64_t tenant_id, const char *slug, int64_t count)
{
        struct reg_totals *t = userdata;

        t->total += count;
        if (t->per_tenant)
                fprintf(t->out, "agentdesk_registrations{tenant_id=\"%" PRId64 "\",tenant=\"%s\"} %"
                        PRId64 "\n", tenant_id, slug, count);
}

/* The FreeSWITCH listener: each node's stream, its events, and the
 * registrations it keeps. A node appears in a node family once its
 * listener runs here (in every process: the holder connects, the others
 * wait for the lock and report the holder's stream from the store). */
static void live_metrics(struct api_context *ctx, FILE *out)
{
        static const char *const help[LIVE_FAMILIES] = {
                "# HELP agentdesk_freeswitch_node_up Whether the node's event stream is connected, "
                "by this process or the one holding it.\n"
                "# TYPE agentdesk_freeswitch_node_up gauge\n",
                "# HELP agentdesk_event_stream_connected Whether this process holds the node's "
                "event stream and it is connected.\n"
                "# TYPE agentdesk_event_stream_connected gauge\n",
                "# HELP agentdesk_events_received_total Events of interest read from the node by "
                "this process.\n"
                "# TYPE agentdesk_events_received_total counter\n",
                "# HELP agentdesk_events_dropped_total Events dropped on a full queue (each drop "
                "re-reads the node).\n"
                "# TYPE agentdesk_events_dropped_total counter\n",
                "# HELP agentdesk_event_lag_seconds The last batch with events: its commit time "
                "minus its newest event's Event-Date-Timestamp.\n"
                "# TYPE agentdesk_event_lag_seconds gauge\n",
        };
        struct reg_totals totals = { .out = out,
                                     .per_tenant = ctx->app->settings.metrics_tenants };

        for (int f = 0; f < LIVE_FAMILIES; f++) {
                struct live_lines l = { .out = out, .family = (enum live_family)f };
                fputs(help[f], out);
                live_nodes(ctx->app->live, live_line, &l);
        }
        fputs("# HELP agentdesk_registrations Assigned extensions registered now on a node whose "
              "stream is connected (per tenant with AGENTDESK_METRICS_TENANTS).\n"
              "# TYPE agentdesk_registrations gauge\n", out);
        if (live_registered_by_tenant(ctx->app, registrations_line, &totals) == RESULT_OK &&
            !totals.per_tenant)
                fprintf(out, "agentdesk_registrations %" PRId64 "\n", totals.total);
        fprintf(out, "# HELP agentdesk_registrations_refused_total Registrations of an extension "
                     "that must not register (suspended, unknown, another tenant's realm or "
                     "cluster), flushed again by this process.\n"
                     "# TYPE agentdesk_registrations_refused_total counter\n"
                     "agentdesk_registrations_refused_total %" PRIu64 "\n",
                live_refused_total(ctx->app->live));
}

static void mail_metrics(struct api_context *ctx, FILE *out)
{
        int64_t queued = 0, oldest = 0;

        fputs("# HELP agentdesk_mail_messages_total Messages of the outbox sent or failed, by template.\n"
              "# TYPE agentdesk_mail_messages_total counter\n", out);
        if (health_mail_gauges(ctx->store, mail_line, out, &queued, &oldest) != RESULT_OK)
                return;
        fprintf(out, "# HELP agentdesk_mail_outbox_depth Messages queued, not yet sent.\n"
                     "# TYPE agentdesk_mail_outbox_depth gauge\nagentdesk_mail_outbox_depth %" PRId64 "\n"
                     "# HELP agentdesk_mail_oldest_queued_seconds Age of the oldest queued message.\n"
                     "# TYPE agentdesk_mail_oldest_queued_seconds gauge\n"
                     "agentdesk_mail_oldest_queued_seconds %" PRId64 "\n",
                queued, oldest ? store_now() - oldest : 0);
}

/* Every status, so that a state with no job is a 0, not a gap. */
static void job_metrics(struct api_context *ctx, FILE *out)
{
        struct health_jobs jobs;

        fputs("# HELP agentdesk_provisioning_jobs Provisioning jobs by state (counts of the "
              "outbox, so every node reports the cluster's).\n"
              "# TYPE agentdesk_provisioning_jobs gauge\n", out);
        if (health_job_gauges(ctx->store, &jobs) != RESULT_OK)
                return;
        for (int s = JOBS_STATUS_PENDING; s <= JOBS_STATUS_FAILED; s++)
                fprintf(out, "agentdesk_provisioning_jobs{state=\"%s\"} %" PRId64 "\n",
                        jobs_status_name(s), jobs.by_status[s]);
        fprintf(out, "# HELP agentdesk_provisioning_oldest_pending_seconds Age of the oldest "
                     "pending provisioning job (0 when none).\n"
                     "# TYPE agentdesk_provisioning_oldest_pending_seconds gauge\n"
                     "agentdesk_provisioning_oldest_pending_seconds %" PRId64 "\n",
                jobs.oldest_pending && store_now() > jobs.oldest_pending
                        ? store_now() - jobs.oldest_pending : 0);
}

static void metrics(struct http_request *req, struct api_call *call)
{
        struct api_context *ctx = call->ctx;
        char *text = NULL;
        size_t len = 0;
        FILE *out;
        enum result result;
        const struct settings *set = ctx->app ? &ctx->app->settings : NULL;
        struct pool_totals totals = { .per_tenant = set && set->metrics_tenants };

        if (set && set->metrics_token[0] && !http_request_bearer_is(req, set->metrics_token)) {
                http_response_header(req, "WWW-Authenticate", "Bearer realm=\"metrics\"");
                http_respond_result(req, RESULT_UNAUTHORIZED, "/metrics needs its bearer token",
                                    NULL);
                return;
        }
        out = totals.out = open_memstream(&text, &len);
        if (!out) {
                http_respond_error(req, 500, "internal_error", "out of memory", NULL);
                return;
        }
        http_server_metrics_render(ctx->servers, ctx->n_servers, out);
        fputs("# HELP agentdesk_pool_extensions Extensions of the tenants' pools by state "
              "(per tenant with AGENTDESK_METRICS_TENANTS).\n"
              "# TYPE agentdesk_pool_extensions gauge\n", out);
        result = health_pool_gauges(ctx->store, gauge_line, &totals);
        if (!totals.per_tenant && !result)
                fprintf(out, "agentdesk_pool_extensions{state=\"free\"} %" PRId64 "\n"
                             "agentdesk_pool_extensions{state=\"assigned\"} %" PRId64 "\n",
                        totals.free, totals.assigned);
        if (ctx->app && ctx->app->directory_cache) {
                uint64_t hits, misses;
                directory_cache_counts(ctx->app->directory_cache, &hits, &misses);
                fprintf(out, "# HELP agentdesk_directory_cache_lookups_total Directory rows asked "
                             "for, served from memory (hit) or read (miss).\n"
                             "# TYPE agentdesk_directory_cache_lookups_total counter\n"
                             "agentdesk_directory_cache_lookups_total{result=\"hit\"} %" PRIu64 "\n"
                             "agentdesk_directory_cache_lookups_total{result=\"miss\"} %" PRIu64 "\n",
                        hits, misses);
        }
        if (ctx->app && ctx->app->job_worker) {
                bool leader = worker_leading(ctx->app->job_worker);
                uint64_t passes = worker_rounds(ctx->app->job_worker);
                fprintf(out, "# HELP agentdesk_reconciler_passes_total Rounds of the reconciler "
                             "thread (each tries the lock and, leading, applies due jobs).\n"
                             "# TYPE agentdesk_reconciler_passes_total counter\n"
                             "agentdesk_reconciler_passes_total %" PRIu64 "\n"
                             "# HELP agentdesk_reconciler_leader Whether this node ran the last "
                             "round as the leader.\n"
                             "# TYPE agentdesk_reconciler_leader gauge\n"
                             "agentdesk_reconciler_leader %d\n",
                        passes, leader ? 1 : 0);
        }
        if (ctx->app && ctx->app->esl_links) {
                fputs("# HELP agentdesk_esl_connects_total Event Socket logins of the reconciler "
                      "per node (its connection is kept from batch to batch).\n"
                      "# TYPE agentdesk_esl_connects_total counter\n", out);
                reconciler_links_counts(ctx->app->esl_links, esl_line, out);
        }
        fprintf(out, "# HELP agentdesk_argon2id_checks_total Passwords checked with argon2id "
                     "(a stand-in check for an unknown email included).\n"
                     "# TYPE agentdesk_argon2id_checks_total counter\n"
                     "agentdesk_argon2id_checks_total %" PRIu64 "\n",
                credentials_argon2id_checks());
        fputs("# HELP agentdesk_throttle_refusals_total Requests refused by a throttle of "
              "guessing, by what was guessed.\n"
              "# TYPE agentdesk_throttle_refusals_total counter\n", out);
        for (int k = 0; k < THROTTLE_KINDS; k++)
                fprintf(out, "agentdesk_throttle_refusals_total{what=\"%s\"} %" PRIu64 "\n",
                        throttle_kind_name(k), throttle_refusals(k));
        if (ctx->app && ctx->app->purge) {
                struct purge_counts pc;
                purge_counts(ctx->app->purge, &pc);
                fprintf(out, "# HELP agentdesk_purged_rows_total Rows past their use deleted by "
                             "this node's purge, by table.\n"
                             "# TYPE agentdesk_purged_rows_total counter\n"
                             "agentdesk_purged_rows_total{table=\"mail_outbox\"} %" PRIu64 "\n"
                             "agentdesk_purged_rows_total{table=\"link_tokens\"} %" PRIu64 "\n"
                             "agentdesk_purged_rows_total{table=\"sessions\"} %" PRIu64 "\n"
                             "agentdesk_purged_rows_total{table=\"login_throttle\"} %" PRIu64 "\n"
                             "agentdesk_purged_rows_total{table=\"event_tickets\"} %" PRIu64 "\n"
                             "agentdesk_purged_rows_total{table=\"call_records\"} %" PRIu64 "\n"
                             "agentdesk_purged_rows_total{table=\"live_events\"} %" PRIu64 "\n"
                             "agentdesk_purged_rows_total{table=\"webhook_deliveries\"} %" PRIu64 "\n"
                             "agentdesk_purged_rows_total{table=\"import_passwords\"} %" PRIu64 "\n"
                             "# HELP agentdesk_purge_rounds_total Rounds of the purge thread.\n"
                             "# TYPE agentdesk_purge_rounds_total counter\n"
                             "agentdesk_purge_rounds_total %" PRIu64 "\n",
                        pc.mail_outbox, pc.link_tokens, pc.sessions, pc.login_throttle,
                        pc.event_tickets, pc.call_records, pc.live_events, pc.webhook_deliveries,
                        pc.import_passwords, pc.rounds);
        }
        if (ctx->app && ctx->app->events) {
                struct events_hub_counts ec;
                events_hub_counts(ctx->app->events, &ec);
                fprintf(out, "# HELP agentdesk_sse_clients Live event streams (Server-Sent "
                             "Events) open now.\n"
                             "# TYPE agentdesk_sse_clients gauge\n"
                             "agentdesk_sse_clients %" PRIu64 "\n"
                             "# HELP agentdesk_sse_dropped_clients_total Streams cut because "
                             "their client read too slowly (its queue overflowed).\n"
                             "# TYPE agentdesk_sse_dropped_clients_total counter\n"
                             "agentdesk_sse_dropped_clients_total %" PRIu64 "\n"
                             "# HELP agentdesk_sse_events_sent_total Events written to "
                             "streams (one per stream that got it).\n"
                             "# TYPE agentdesk_sse_events_sent_total counter\n"
                             "agentdesk_sse_events_sent_total %" PRIu64 "\n"
                             "# HELP agentdesk_sse_queued_bytes Bytes waiting in the streams' "
                             "queues for their clients.\n"
                             "# TYPE agentdesk_sse_queued_bytes gauge\n"
                             "agentdesk_sse_queued_bytes %zu\n"
                             "# HELP agentdesk_live_events_read_id The newest live event this "
                             "node's streams have read.\n"
                             "# TYPE agentdesk_live_events_read_id gauge\n"
                             "agentdesk_live_events_read_id %" PRId64 "\n",
                        ec.streams, ec.dropped_slow, ec.sent, http_streams_queued_bytes(),
                        ec.last_id);
        }
        job_metrics(ctx, out);
        calls_metrics(ctx, out, totals.per_tenant);
        if (ctx->app)
                live_metrics(ctx, out);
        mail_metrics(ctx, out);
        fprintf(out, "# HELP agentdesk_store_up Whether the store answered this scrape.\n"
                     "# TYPE agentdesk_store_up gauge\nagentdesk_store_up %d\n", result ? 0 : 1);
        fclose(out);
        http_respond_text(req, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
        free(text);
}

enum result api_health_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "GET", "/healthz", 0, API_PUBLIC, healthz },
                { "GET", "/readyz", 0, API_PUBLIC, readyz },
        };

        snprintf(healthy, sizeof(healthy), "{\"success\":true,\"status\":\"ok\",\"store\":\"%s\"}",
                 ctx->store ? store_backend(ctx->store) : "none");
        return API_ROUTES_REGISTER(srv, ctx, routes);
}

enum result api_metrics_register(struct http_server *srv, struct api_context *ctx)
{
        /* Public to the guard: metrics() asks for its own token. */
        static const struct api_route routes[] = {
                { "GET", "/metrics", 0, API_PUBLIC, metrics },
        };

        return API_ROUTES_REGISTER(srv, ctx, routes);
}
