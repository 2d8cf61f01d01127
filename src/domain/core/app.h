/*
 * The application context every domain operation takes (struct app: the
 * store, the settings that shape the rules, the job worker, the directory
 * cache), and who is acting (for scoping and the audit log). Named so that
 * "domain" keeps meaning a SIP domain.
 */
#ifndef AGENTDESK_DOMAIN_APP_H
#define AGENTDESK_DOMAIN_APP_H

#include <stdatomic.h>
#include <stdint.h>

#include "model/vocab.h"
#include "settings/settings.h"
#include "store/store.h"

struct worker;
struct reconciler_links;
struct directory_cache;
struct mail_sender;
struct purge;
struct events_hub;
struct live;

struct app {
        struct store *store;
        struct settings settings;        /* a copy of the loaded settings (settings/settings.h);
                                          * its strings are theirs, which outlive the app */
        struct worker *job_worker;       /* applies provisioning jobs (domain/provisioning/jobs.h);
                                          * NULL when none runs (the command line) */
        struct reconciler_links *esl_links; /* its Event Socket connections
                                          * (domain/switches/reconciler.h); NULL with no worker */
        struct directory_cache *directory_cache; /* NULL: none (domain/provisioning/directory.h) */
        struct worker *mail_worker;      /* sends the mail outbox (domain/mail/sender.h);
                                          * NULL when no sender runs */
        struct mail_sender *mail_sender; /* the sender that owns it */
        struct purge *purge;             /* deletes rows past their use
                                          * (domain/upkeep/purge.h); NULL: none */
        struct events_hub *events;       /* the live streams' reader and subscribers
                                          * (domain/events/streams.h); NULL: none */
        struct live *live;               /* the FreeSWITCH listener (domain/live/live.h);
                                          * NULL: none runs in this process */
        atomic_bool listening;           /* every listener of serve is up (/readyz) */
};

/* Who does something: a logged-in user, or the command line (kind cli, or
 * no actor at all: NULL). */
struct actor {
        enum actor_kind kind;
        int64_t user_id;                 /* 0 for the command line */
        enum user_role role;             /* a user's; unused for the command line */
        const char *client_ip;           /* "" when none */
        const char *request_id;          /* "" when none */
};

#endif
