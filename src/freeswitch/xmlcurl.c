/* The xml_curl binding and setup steps; see xmlcurl.h. */
#include "freeswitch/xmlcurl.h"

#include <inttypes.h>
#include <string.h>

void xmlcurl_print_binding(FILE *out, const struct xmlcurl_setup *s)
{
        char path[40] = "";

        if (s->cluster_id)
                snprintf(path, sizeof(path), "/%" PRId64, s->cluster_id);
        fprintf(out,
                "<!-- autoload_configs/xml_curl.conf.xml, inside <bindings> -->\n"
                "<binding name=\"agentdesk\">\n"
                "  <param name=\"gateway-url\" value=\"%s/freeswitch/xml%s\" "
                "bindings=\"directory|dialplan|configuration\"/>\n"
                "  <param name=\"gateway-credentials\" value=\"%s:%s\"/>\n"
                "  <param name=\"auth-scheme\" value=\"basic\"/>\n"
                "  <param name=\"timeout\" value=\"%d\"/>\n"
                "</binding>\n",
                s->base_url, path, s->user,
                s->password[0] ? s->password : "SET-AGENTDESK_XMLCURL_PASSWORD", XMLCURL_TIMEOUT_S);
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
        fprintf(out,
                "  - load mod_callcenter (autoload_configs/modules.conf.xml: <load\n"
                "    module=\"mod_callcenter\"/>): agentdesk answers its queues q<id> through\n"
                "    the binding's 'configuration' section and drives its agents and tiers over\n"
                "    the Event Socket; keep the node's own callcenter.conf.xml <settings>;\n"
                "  - voicemail: agentdesk answers voicemail.conf with its own profile\n"
                "    'agentdesk' (the node's voicemail.conf.xml is no longer read; keep\n"
                "    mod_voicemail loaded) and empties a voicebox over the Event Socket;\n"
                "  - the binding's 'configuration' section makes FreeSWITCH ask agentdesk for\n"
                "    every configuration file it loads (about 40 at start, each answered \"not\n"
                "    found\" but callcenter.conf's queues and voicemail.conf): while agentdesk is down each waits\n"
                "    up to the binding's timeout, so keep it at %d s (a start then takes up to\n"
                "    about %d s longer, and falls back to the node's own files);\n",
                XMLCURL_TIMEOUT_S, 40 * XMLCURL_TIMEOUT_S);
        xmlcurl_print_carriers(out, s);
        if (!s->password[0])
                fprintf(out, "  - AGENTDESK_XMLCURL_PASSWORD is not set: agentdesk refuses every "
                             "lookup until it is.\n");
}

void xmlcurl_print_carriers(FILE *out, const struct xmlcurl_setup *s)
{
        const char *list = s->carriers ? s->carriers : "";

        if (!*list) {
                fprintf(out, "  - no carrier addresses (AGENTDESK_CARRIER_ADDRESSES): calls to the\n"
                             "    inbound numbers must come from addresses the inbound ACL admits.\n");
                return;
        }
        fprintf(out,
                "  - admit the carriers' calls to the inbound numbers unchallenged into the\n"
                "    'public' context: in autoload_configs/acl.conf.xml, inside the list the\n"
                "    sofia profile's apply-inbound-acl names (vanilla: <list name=\"domains\">),\n"
                "    add (then 'reloadacl'):\n");
        while (*list) {
                size_t len = strcspn(list, ",");
                while (len && list[len - 1] == ' ')
                        len--;
                if (len)
                        fprintf(out, "      <node type=\"allow\" cidr=\"%.*s%s\"/>\n", (int)len, list,
                                memchr(list, '/', len) ? "" : memchr(list, ':', len) ? "/128" : "/32");
                list += strcspn(list, ",");
                while (*list == ',' || *list == ' ')
                        list++;
        }
}

void xmlcurl_print_files_steps(FILE *out, const struct xmlcurl_setup *s)
{
        fprintf(out,
                "Files mode: on every FreeSWITCH node, agentdesk writes its users\n"
                "(directory/default/<ext>.xml), its tenants' contexts (dialplan/tenant_<id>.xml),\n"
                "the inbound numbers (dialplan/public/agentdesk_n<id>.xml) and its queues\n"
                "(callcenter/q<id>.xml) under the conf dir, then sends reloadxml:\n"
                "  - load mod_callcenter (autoload_configs/modules.conf.xml) and, in\n"
                "    autoload_configs/callcenter.conf.xml, inside <queues>, add\n"
                "      <X-PRE-PROCESS cmd=\"include\" data=\"$${conf_dir}/callcenter/*.xml\"/>\n"
                "    (the conf dir's callcenter/ folder must exist, even empty);\n"
                "  - voicemail: make the conf dir's voicemail/ folder (agentdesk writes its\n"
                "    profile there, voicemail/agentdesk.xml) and, in\n"
                "    autoload_configs/voicemail.conf.xml, inside <profiles>, add\n"
                "      <X-PRE-PROCESS cmd=\"include\" data=\"$${conf_dir}/voicemail/*.xml\"/>\n");
        xmlcurl_print_carriers(out, s);
}
