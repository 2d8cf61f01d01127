/* The xml_curl binding and setup steps; see xmlcurl.h. */
#include "freeswitch/xmlcurl.h"

#include <inttypes.h>

void xmlcurl_print_binding(FILE *out, const struct xmlcurl_setup *s)
{
        char path[40] = "";

        if (s->cluster_id)
                snprintf(path, sizeof(path), "/%" PRId64, s->cluster_id);
        fprintf(out,
                "<!-- autoload_configs/xml_curl.conf.xml, inside <bindings> -->\n"
                "<binding name=\"agentdesk\">\n"
                "  <param name=\"gateway-url\" value=\"%s/freeswitch/xml%s\" bindings=\"directory|dialplan\"/>\n"
                "  <param name=\"gateway-credentials\" value=\"%s:%s\"/>\n"
                "  <param name=\"auth-scheme\" value=\"basic\"/>\n"
                "  <param name=\"timeout\" value=\"5\"/>\n"
                "</binding>\n",
                s->base_url, path, s->user,
                s->password[0] ? s->password : "SET-AGENTDESK_XMLCURL_PASSWORD");
}

void xmlcurl_print_steps(FILE *out, const struct xmlcurl_setup *s)
{
        /* mod_xml_curl reads its bindings when it loads: reloadxml does
         * not apply a changed binding, reloading the module does. */
        fprintf(out,
                "\nThen, on every FreeSWITCH node:\n"
                "  - load mod_xml_curl (autoload_configs/modules.conf.xml); after adding or\n"
                "    changing the binding, run 'reload mod_xml_curl' ('reloadxml' does not\n"
                "    apply a changed binding);\n"
                "  - tenants with a SIP domain of their own register in it: remove\n"
                "    force-register-domain, force-register-db-domain and\n"
                "    force-subscription-domain from the sofia profile (the vanilla\n"
                "    sip_profiles/internal.xml folds every domain into $${domain});\n"
                "  - remove the vanilla static users 1000-1019 (conf/directory/default/1*.xml,\n"
                "    password 1234): they still answer when agentdesk says \"not found\";\n"
                "  - the vanilla Event Socket listens on :: with password ClueCon: change both\n"
                "    (autoload_configs/event_socket.conf.xml);\n"
                "  - allow the node's address in AGENTDESK_XMLCURL_ALLOW (now: %s).\n",
                s->allow);
        if (!s->password[0])
                fprintf(out, "  - AGENTDESK_XMLCURL_PASSWORD is not set: agentdesk refuses every "
                             "lookup until it is.\n");
}
