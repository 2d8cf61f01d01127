/*
 * agentdesk key rotate and agentdesk rekey (docs/operations.md, "The key
 * file").
 *
 * key rotate: a new key, first in the key file (the old ones stay after
 * it), then every sealed value re-sealed under it, online: running
 * servers read the file again within a second (credentials.h). Sessions,
 * links and temporary passwords keyed under an old key keep verifying
 * while its line stays in the file.
 *
 * rekey: for a lost key. Every extension whose SIP secret or PIN no key of
 * the file opens gets a new SIP password and PIN under the current key,
 * with a rekey job (FreeSWITCH drops the old registration; the desk is
 * refused and reads its new password).
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli/cli.h"
#include "domain/core/credentials.h"
#include "domain/provisioning/keys.h"
#include "domain/switches/reconciler.h"

static int64_t sum(const int64_t counts[STORE_SEALED__MAX])
{
        int64_t n = 0;

        for (int c = 0; c < STORE_SEALED__MAX; c++)
                n += counts[c];
        return n;
}

static int rotate(const struct cli_args *args, const struct settings *cfg)
{
        struct app app = { .settings = *cfg };
        struct keys_report r;
        enum result result;
        int64_t keep_s;
        int id = 0, old;

        (void)args;
        if (cli_open_store(cfg, true, &app.store) < 0)
                return 1;
        if (cli_open_key(cfg, app.store, false) < 0) {
                store_close(app.store);
                return 1;
        }
        old = credentials_key_id();
        result = credentials_key_rotate(&id);
        if (result) {
                store_close(app.store);
                cli_fail_line("key rotate: cannot write the key file", result, NULL);
                return 1;
        }
        result = keys_reseal(&app, &r);
        store_close(app.store);
        if (result) {
                cli_fail_line("key rotate: re-sealing", result, NULL);
                fprintf(stderr, "agentdesk: key %d is in the key file already: run key rotate "
                                "again to finish\n", id);
                return 1;
        }
        keep_s = cfg->session_max_age > cfg->invite_ttl ? cfg->session_max_age : cfg->invite_ttl;
        printf("key %d now seals and signs; %" PRId64 " sealed value(s) re-sealed under it\n", id,
               sum(r.resealed));
        for (int c = 0; c < STORE_SEALED__MAX; c++)
                if (r.resealed[c])
                        printf("  %s: %" PRId64 "\n", store_sealed_name(c), r.resealed[c]);
        printf("key %d stays in the key file: sessions and links made under it keep working until "
               "they expire (%" PRId64 " s at the most); remove its line after that\n", old, keep_s);
        if (sum(r.unopened) || sum(r.older)) {
                fprintf(stderr, "agentdesk: %" PRId64 " sealed value(s) no key opens, %" PRId64
                                " still under an older key (see agentdesk doctor)\n",
                        sum(r.unopened), sum(r.older));
                return 1;
        }
        return 0;
}

static int rekey(const struct cli_args *args, const struct settings *cfg)
{
        struct app app = { .settings = *cfg };
        struct actor actor = { .kind = ACTOR_KIND_CLI, .client_ip = "", .request_id = "" };
        struct keys_report r;
        int64_t extensions = 0, jobs = 0;
        enum result result;
        bool ran = false;

        (void)args;
        if (cli_open_store(cfg, true, &app.store) < 0)
                return 1;
        /* A lost key file is made anew: what it sealed is replaced below. */
        if (cli_open_key(cfg, app.store, true) < 0) {
                store_close(app.store);
                return 1;
        }
        result = keys_rekey(&app, &actor, &extensions, &jobs);
        if (!result)
                result = reconciler_drain(&app, &ran);
        if (!result)
                result = keys_check(&app, &r);
        store_close(app.store);
        if (result) {
                cli_fail_line("rekey", result, NULL);
                return 1;
        }
        printf("%" PRId64 " extension(s) got a new SIP password and voicemail PIN; %" PRId64
               " rekey job(s) queued%s\n",
               extensions, jobs, ran ? " and tried at once (one that failed is retried by the server)"
                                     : " for the running agentdesk");
        if (r.unopened[STORE_SEALED_ESL_PASSWORD])
                printf("%" PRId64 " node Event Socket password(s) cannot be opened: set them again "
                       "(PATCH /v1/admin/freeswitch/clusters/{id}/nodes/{node_id})\n",
                       r.unopened[STORE_SEALED_ESL_PASSWORD]);
        if (r.unopened[STORE_SEALED_MAIL_SECRET])
                printf("%" PRId64 " queued mail link(s) cannot be opened: send those invitations "
                       "or resets again\n",
                       r.unopened[STORE_SEALED_MAIL_SECRET]);
        if (r.unopened[STORE_SEALED_WEBHOOK_SECRET])
                printf("%" PRId64 " webhook signing secret(s) cannot be opened: those endpoints' "
                       "deliveries fail until each is deleted and added again (a new secret)\n",
                       r.unopened[STORE_SEALED_WEBHOOK_SECRET]);
        return 0;
}

const struct cli_command cli_key_rotate = {
        "key rotate",
        "key rotate [--db URL]\n"
        "    Put a new key first in the key file and re-seal every sealed secret under\n"
        "    it, while the servers run (they read the key file again within a second).\n"
        "    The old key stays in the file so that sessions and links made under it\n"
        "    keep working until they expire.",
        NULL, rotate, false,
};

const struct cli_command cli_rekey = {
        "rekey",
        "rekey [--db URL]\n"
        "    After losing the key file: give every extension whose SIP secret or PIN the\n"
        "    key file cannot open a new SIP password and voicemail PIN, and provision\n"
        "    them (desks are refused once and read the new password). Sessions and\n"
        "    links made under the lost key end: users log in again.",
        NULL, rekey, false,
};
