/*
 * The extensions of a tenant's pool, as the admin API manages them: the
 * list with its counts, one extension (with its SIP password in clear for
 * whoever may see it), a new SIP password, voicemail on or off and the ring time. Every
 * write is one transaction with its provisioning job and audit entry.
 * Another tenant's extension is RESULT_NOT_FOUND, like an absent one.
 */
#ifndef AGENTDESK_DOMAIN_EXTENSIONS_H
#define AGENTDESK_DOMAIN_EXTENSIONS_H

#include "domain/core/app.h"

enum result extension_list(struct app *app, const struct store_extension_filter *filter,
                           struct store_page *page, struct store_extension **ret_items,
                           size_t *ret_n, struct store_pool_stats *ret_stats);

/* One extension of the tenant; ret_password (64 bytes, may be NULL)
 * receives its SIP password in clear. With an actor, showing the password
 * is an "extension.reveal_password" audit entry, written before the
 * password is returned (no entry, no password: ret_password is wiped). */
enum result extension_get(struct app *app, const struct actor *actor, int64_t tenant_id,
                          int64_t id, struct store_extension *ret, char *ret_password);

/* A new SIP password; the old one stops working (rekey job). */
enum result extension_rotate_password(struct app *app, const struct actor *actor,
                                      int64_t tenant_id, int64_t id, struct store_extension *ret,
                                      char ret_password[64]);

/* In a transaction of its own: a new SIP password for extension e (and a
 * new voicemail PIN when new_pin), a rekey job when it is assigned, an
 * "extension.rotate_password" audit entry by actor. */
enum result extension_replace_secret(struct app *app, const struct actor *actor,
                                     const struct store_extension *e, bool new_pin);

/* Ring time of a call to an extension before voicemail takes it (when
 * voicemail is on), in seconds. */
#define EXTENSION_RING_MIN_S 5
#define EXTENSION_RING_MAX_S 120
#define EXTENSION_RING_DEFAULT_S 20

/* Voicemail on or off (enabled: 1 or 0; -1 leaves it) and the ring time
 * (ring_s; 0 leaves it; else RESULT_INVALID outside
 * EXTENSION_RING_MIN_S..EXTENSION_RING_MAX_S). An update job when the
 * extension is assigned (its directory user carries both). */
enum result extension_set_voicemail(struct app *app, const struct actor *actor,
                                    int64_t tenant_id, int64_t id, int enabled, int64_t ring_s,
                                    struct store_extension *ret);

#endif
