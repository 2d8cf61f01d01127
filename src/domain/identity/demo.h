/* The demo set-up that the README's first command runs. */
#ifndef AGENTDESK_DOMAIN_DEMO_H
#define AGENTDESK_DOMAIN_DEMO_H

#include "store/store.h"

#define DEMO_TENANT_NAME "Demo Contact Centre"
#define DEMO_TENANT_SLUG "demo-contact-centre"
#define DEMO_ADMIN_EMAIL "admin@demo.local"
#define DEMO_PASSWORD_LEN 20

/* Creates, if missing, the demo tenant with its pool and its admin, and
 * gives the admin a fresh random password, returned in ret_password
 * (DEMO_PASSWORD_LEN + 1 bytes; the caller wipes it). */
enum result demo_setup(struct store *store, struct store_tenant *ret_tenant,
                       struct store_user *ret_admin, char *ret_password);

#endif
