/*
 * The sealed values against the key file (domain/core/credentials.h): how
 * many each key opens (doctor), re-sealing them under the current key
 * after `agentdesk key rotate`, and, when the key is lost, new SIP
 * passwords for the extensions whose secrets no key opens (`agentdesk
 * rekey`). docs/operations.md says when to use which.
 */
#ifndef AGENTDESK_DOMAIN_KEYS_H
#define AGENTDESK_DOMAIN_KEYS_H

#include "domain/core/app.h"

/* Counts per sealed column (enum store_sealed_column). */
struct keys_report {
        int64_t total[STORE_SEALED__MAX];     /* non-empty values */
        int64_t unopened[STORE_SEALED__MAX];  /* no key of the file opens them */
        int64_t older[STORE_SEALED__MAX];     /* sealed under a key other than the current */
        int64_t resealed[STORE_SEALED__MAX];  /* keys_reseal: moved to the current key */
};

/* Fills total, unopened and older. Reads only. */
enum result keys_check(struct app *app, struct keys_report *ret);

/* Re-seals, each in its own short write, every value sealed under another
 * key than the current one; one that no key opens is counted in unopened
 * and left. Passes again while a pass re-sealed something (a server that
 * had not yet read the new key file may have sealed under the old one
 * meanwhile), up to a few times. Fills every count of *ret. */
enum result keys_reseal(struct app *app, struct keys_report *ret);

/* For every extension whose SIP secret or voicemail PIN no key of the file
 * opens: a new SIP password and PIN sealed under the current key, with a
 * rekey job when it is assigned (FreeSWITCH drops the old registration,
 * the desk is refused and reads its new password) and an
 * "extension.rotate_password" audit entry by actor; one transaction per
 * extension. *ret_extensions gets how many, *ret_jobs how many jobs. */
enum result keys_rekey(struct app *app, const struct actor *actor, int64_t *ret_extensions,
                       int64_t *ret_jobs);

#endif
