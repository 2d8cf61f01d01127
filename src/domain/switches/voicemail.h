/*
 * An agent's voicebox as its desk sees it (GET/PUT /v1/me/voicemail): the
 * extension it is on (the agent's first), its PIN in clear (the sealed
 * vm_pin the directory gives mod_voicemail as vm-password) and its
 * message counts, asked of every node of the tenant's cluster with
 * `vm_boxcount` (each node keeps its own voicemail storage: the counts are
 * summed). A new PIN is digits only, VOICEMAIL_PIN_MIN..VOICEMAIL_PIN_MAX
 * of them, sealed, audited ("voicemail.pin_change", without the PIN) and
 * given to FreeSWITCH by an update job; it never reaches a log.
 */
#ifndef AGENTDESK_DOMAIN_VOICEMAIL_H
#define AGENTDESK_DOMAIN_VOICEMAIL_H

#include "domain/core/app.h"

#define VOICEMAIL_PIN_MIN 4
#define VOICEMAIL_PIN_MAX 10

struct voicemail_box {
        int64_t extension_id;
        char extension[16];
        char pin[16];                    /* clear; voicemail_box_wipe */
        bool enabled;
        int64_t ring_s;
        bool counted;                    /* some node answered vm_boxcount */
        int64_t new_messages, saved_messages;
};

void voicemail_box_wipe(struct voicemail_box *b);

/* user_id's voicebox; RESULT_NOT_FOUND when it has no extension. */
enum result voicemail_mine(struct app *app, int64_t tenant_id, int64_t user_id,
                           struct voicemail_box *ret);

/* A new PIN (RESULT_INVALID when it breaks the rule), then the box as
 * voicemail_mine says. */
enum result voicemail_set_pin(struct app *app, const struct actor *actor, int64_t tenant_id,
                              int64_t user_id, const char *pin, struct voicemail_box *ret);

#endif
