/* agentdesk resync: queues a resync of a cluster (--cluster ID; the
 * default one without) and, unless a running agentdesk holds the
 * reconciler (PostgreSQL), applies it at once and says how it went. */
#include <inttypes.h>
#include <stdio.h>

#include "cli/cli.h"
#include "domain/provisioning/jobs.h"
#include "domain/switches/cluster_admin.h"
#include "domain/switches/reconciler.h"

static int run(const struct cli_args *args, const struct settings *cfg)
{
        struct app app = { .settings = *cfg };
        struct store_job_state st;
        int64_t id = 0, cluster_id = 0;
        bool ran = false;
        enum result result;

        if (!cli_cluster_opt(args, &cluster_id))
                return 2;
        if (cli_open_store(cfg, true, &app.store) < 0)
                return 1;
        if (cli_open_key(cfg, app.store, false) < 0) {
                store_close(app.store);
                return 1;
        }
        result = cluster_resync(&app, cluster_id, NULL, &id);
        if (!result)
                result = reconciler_drain(&app, &ran);
        if (!result && ran)
                result = cluster_job_state(&app, id, &st);
        store_close(app.store);
        if (result) {
                cli_fail_line("resync", result, NULL);
                return 1;
        }
        if (!ran) {
                printf("resync queued as job %" PRId64 "; the running agentdesk applies it\n", id);
                return 0;
        }
        if (st.status == JOBS_STATUS_DONE) {
                printf("resync applied to every node of the cluster (job %" PRId64 ")\n", id);
                return 0;
        }
        fprintf(stderr, "agentdesk: resync not applied yet (job %" PRId64 ", %s): %s\n", id,
                jobs_status_name(st.status), st.last_error);
        return 1;
}

static const char *const options[] = { "--cluster", NULL };

const struct cli_command cli_resync = {
        "resync",
        "resync [--cluster ID] [--db URL]\n"
        "    Make every FreeSWITCH node of a cluster (the default one unless --cluster)\n"
        "    match the database again (xml_curl mode: drop their cached directory users;\n"
        "    push modes: rewrite every file, remove stale ones; mod_callcenter: each\n"
        "    tenant's queues, agents and tiers applied again on its queue node, the\n"
        "    q<id>/u<id> a node should not hold removed, others left and logged).\n"
        "    Applied at once unless\n"
        "    a running agentdesk applies it; exits non-zero when a node did not take it.",
        options, run, false,
};
