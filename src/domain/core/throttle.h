/*
 * Throttles of guessing: a key ("pair:<ip> <email>", "ip:<ip>", …) counts
 * failures in a window that starts at its first failure (store/throttle.c,
 * shared by every node through the store). A check refuses once the count
 * reached its limit, and counts the refusal by kind for /metrics.
 *
 * Login: per (account, client address) first, the account alone with a far
 * higher and shorter limit, the address alone; so that guessing from one
 * place stops soon without locking the account's owner out elsewhere.
 * The other kinds: forgot-password (per address, before anything is
 * written), change-password's current password (per user), emailed links
 * (tokens/inspect and set-password, per address) and mod_xml_curl's basic
 * credentials (per address), and single sign-on's anonymous starts (per
 * address; every start counts, not only failures: each may cost the
 * tenant's provider a request and writes a flow).
 */
#ifndef AGENTDESK_DOMAIN_CORE_THROTTLE_H
#define AGENTDESK_DOMAIN_CORE_THROTTLE_H

#include <stdint.h>

#include "store/store.h"

enum throttle_kind {
        THROTTLE_LOGIN,
        THROTTLE_FORGOT_PASSWORD,
        THROTTLE_CHANGE_PASSWORD,
        THROTTLE_LINK_TOKEN,
        THROTTLE_XMLCURL,
        THROTTLE_SSO_START,
        THROTTLE_KINDS
};

/* "login", "forgot_password", … (the label of /metrics). */
const char *throttle_kind_name(enum throttle_kind kind);

/*
 * RESULT_THROTTLED, with *ret_retry_after the seconds (at least 1) until
 * the window ends, when key failed max times or more within window;
 * RESULT_OK when it did not; a store error otherwise. A refusal is counted
 * under kind.
 */
enum result throttle_check(struct store_conn *conn, enum throttle_kind kind, const char *key,
                           int64_t max, int64_t window, int64_t now, int64_t *ret_retry_after);

/* Refusals counted by throttle_check in this process, of kind. */
uint64_t throttle_refusals(enum throttle_kind kind);

#endif
