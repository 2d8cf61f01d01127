/*
 * Request metrics per route, in Prometheus text format
 * (https://prometheus.io/docs/instrumenting/exposition_formats/).
 * Counters are relaxed atomics: the hot path takes no lock.
 */
#include <inttypes.h>

#include "http/internal.h"

static const unsigned statuses[HTTP_STATUSES] = { 200, 201, 204, 400, 401, 403, 404,
                                                  405, 409, 413, 429, 500, 503, 302 };
static const double bounds[HTTP_BUCKETS] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,  0.5,    1,     2.5,   5,    10 };

void http_metrics_observe(struct http_route_metrics *m, unsigned status, double seconds)
{
        int idx = HTTP_STATUSES;

        for (int i = 0; i < HTTP_STATUSES; i++)
                if (statuses[i] == status) {
                        idx = i;
                        break;
                }
        atomic_fetch_add_explicit(&m->by_status[idx], 1, memory_order_relaxed);
        for (int b = 0; b < HTTP_BUCKETS; b++)
                if (seconds <= bounds[b]) {
                        atomic_fetch_add_explicit(&m->buckets[b], 1, memory_order_relaxed);
                        break;
                }
        atomic_fetch_add_explicit(&m->count, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&m->sum_us, (uint_fast64_t)(seconds * 1e6), memory_order_relaxed);
}

void http_metrics_add(struct http_route_metrics *sum, const struct http_route_metrics *from)
{
        for (int i = 0; i <= HTTP_STATUSES; i++)
                sum->by_status[i] += atomic_load_explicit(&from->by_status[i], memory_order_relaxed);
        for (int b = 0; b < HTTP_BUCKETS; b++)
                sum->buckets[b] += atomic_load_explicit(&from->buckets[b], memory_order_relaxed);
        sum->count += atomic_load_explicit(&from->count, memory_order_relaxed);
        sum->sum_us += atomic_load_explicit(&from->sum_us, memory_order_relaxed);
}

void http_metrics_write_header(FILE *out, enum http_metrics_family family)
{
        if (family == HTTP_METRICS_REQUESTS)
                fputs("# HELP agentdesk_http_requests_total HTTP requests by route, method and status.\n"
                      "# TYPE agentdesk_http_requests_total counter\n",
                      out);
        else
                fputs("# HELP agentdesk_http_request_duration_seconds HTTP request latency by route.\n"
                      "# TYPE agentdesk_http_request_duration_seconds histogram\n",
                      out);
}

void http_metrics_write(FILE *out, enum http_metrics_family family, const char *method,
                        const char *route, const struct http_route_metrics *m)
{
        uint64_t count = atomic_load_explicit(&m->count, memory_order_relaxed), cumulative = 0;

        for (int i = 0; family == HTTP_METRICS_REQUESTS && i <= HTTP_STATUSES; i++) {
                uint64_t v = atomic_load_explicit(&m->by_status[i], memory_order_relaxed);
                if (!v)
                        continue;
                if (i < HTTP_STATUSES)
                        fprintf(out,
                                "agentdesk_http_requests_total{route=\"%s\",method=\"%s\",status=\"%u\"} %" PRIu64 "\n",
                                route, method, statuses[i], v);
                else
                        fprintf(out,
                                "agentdesk_http_requests_total{route=\"%s\",method=\"%s\",status=\"other\"} %" PRIu64 "\n",
                                route, method, v);
        }
        if (family != HTTP_METRICS_DURATION || !count)
                return;
        for (int b = 0; b < HTTP_BUCKETS; b++) {
                cumulative += atomic_load_explicit(&m->buckets[b], memory_order_relaxed);
                fprintf(out,
                        "agentdesk_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"%g\"} %" PRIu64 "\n",
                        route, method, bounds[b], cumulative);
        }
        fprintf(out,
                "agentdesk_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"+Inf\"} %" PRIu64 "\n"
                "agentdesk_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n"
                "agentdesk_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} %" PRIu64 "\n",
                route, method, count, route, method,
                (double)atomic_load_explicit(&m->sum_us, memory_order_relaxed) / 1e6, route, method,
                count);
}
