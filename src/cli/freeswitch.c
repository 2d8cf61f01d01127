/* agentdesk freeswitch config: the mod_xml_curl binding to paste into
 * FreeSWITCH, and what else to change there (freeswitch/xmlcurl.h). */
#include <stdio.h>

#include "cli/cli.h"
#include "freeswitch/xmlcurl.h"

static int run(const struct cli_args *args, const struct settings *cfg)
{
        const char *listen = cfg->fs_listen[0] ? cfg->fs_listen : cfg->listen;
        const char *url_host = cli_opt(args, "--url");
        struct xmlcurl_setup setup = { .user = cfg->xmlcurl_user,
                                       .password = cfg->xmlcurl_password,
                                       .allow = cfg->xmlcurl_allow,
                                       .carriers = cfg->carrier_addresses };
        char base[300];

        if (!cli_cluster_opt(args, &setup.cluster_id))
                return 2;
        snprintf(base, sizeof(base), "%s%s", url_host ? "" : "http://", url_host ? url_host : listen);
        setup.base_url = base;
        /* The push modes need no binding: their files and the include
         * that pulls the queues in. */
        if (cfg->fs_mode == FS_MODE_FILES || cfg->fs_mode == FS_MODE_SSH) {
                xmlcurl_print_files_steps(stdout, &setup);
                return 0;
        }
        xmlcurl_print_binding(stdout, &setup);
        xmlcurl_print_steps(stderr, &setup);
        return 0;
}

static const char *const options[] = { "--url", "--cluster", NULL };

const struct cli_command cli_freeswitch_config = {
        "freeswitch config",
        "freeswitch config [--url http://HOST:PORT] [--cluster ID]\n"
        "    Print the xml_curl.conf.xml binding for FreeSWITCH (gateway URL from\n"
        "    AGENTDESK_FS_LISTEN or AGENTDESK_LISTEN unless --url is given; the\n"
        "    default cluster's unless --cluster names a stored one).",
        options, run, false,
};
