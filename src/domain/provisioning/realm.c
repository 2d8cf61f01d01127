/* The effective SIP realm (realm.h). */
#include "domain/provisioning/realm.h"

const char *realm_effective(const struct app *app, const char *tenant_domain,
                            const char *cluster_domain)
{
        if (tenant_domain && *tenant_domain)
                return tenant_domain;
        if (cluster_domain && *cluster_domain)
                return cluster_domain;
        return app->settings.sip_domain;
}
