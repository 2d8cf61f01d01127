/*
 * The one rule for a tenant's effective SIP realm (the domain FreeSWITCH
 * files its users under and the softphones register to): the tenant's own
 * sip_domain, else its cluster's, else AGENTDESK_SIP_DOMAIN. The directory,
 * the reconciler and /v1/auth/me all ask it here.
 */
#ifndef AGENTDESK_DOMAIN_REALM_H
#define AGENTDESK_DOMAIN_REALM_H

#include "domain/core/app.h"

/* tenant_domain and cluster_domain are "" (or NULL) when unset. Returns
 * one of them or app's setting, borrowed: it lives as long as they do. */
const char *realm_effective(const struct app *app, const char *tenant_domain,
                            const char *cluster_domain);

#endif
