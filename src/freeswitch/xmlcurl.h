/*
 * What FreeSWITCH needs to ask agentdesk in xml_curl mode: the binding to
 * paste into autoload_configs/xml_curl.conf.xml, and the other changes to
 * make on every node. Text only; `agentdesk freeswitch config` prints it.
 */
#ifndef AGENTDESK_FREESWITCH_XMLCURL_H
#define AGENTDESK_FREESWITCH_XMLCURL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct xmlcurl_setup {
        const char *base_url;            /* "http://host:port" (or as given) */
        int64_t cluster_id;              /* 0 = the default cluster */
        const char *user, *password;     /* basic auth; password "" = not set yet */
        const char *allow;               /* AGENTDESK_XMLCURL_ALLOW */
        const char *carriers;            /* AGENTDESK_CARRIER_ADDRESSES ("" = none) */
        bool push;                       /* files or ssh mode: no binding, files */
};

/* The binding's timeout (seconds) agentdesk recommends: FreeSWITCH asks
 * it for every configuration file at start, each waiting up to this
 * long while agentdesk is down (docs/freeswitch.md, "Queues"). */
#define XMLCURL_TIMEOUT_S 2

/* The <binding> element, to out. A stored cluster's nodes ask at
 * /freeswitch/xml/ID, so that each learns only its own tenants' users. */
void xmlcurl_print_binding(FILE *out, const struct xmlcurl_setup *s);

/* The inbound ACL's nodes admitting the carriers' addresses, to out. */
void xmlcurl_print_carriers(FILE *out, const struct xmlcurl_setup *s);

/* The push modes' steps (the include of the queue files, the ACL). */
void xmlcurl_print_files_steps(FILE *out, const struct xmlcurl_setup *s);

/* The steps to take on every node, to out. */
void xmlcurl_print_steps(FILE *out, const struct xmlcurl_setup *s);

#endif
