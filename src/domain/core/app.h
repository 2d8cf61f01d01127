/*
 * The application context every domain operation takes (struct app: the
 * store, the settings that shape the rules, the job worker, the directory
 * cache), and who is acting (for scoping and the audit log). Named so that
 * "domain" keeps meaning a SIP domain.
 */
#ifndef AGENTDESK_DOMAIN_APP_H
#define AGENTDESK_DOMAIN_APP_H

#include <stdint.h>

#include "freeswitch/provision.h"
#include "mail/mail.h"
#include "model/vocab.h"
#include "store/store.h"

struct app_settings {
        int64_t token_ttl;
        int64_t session_max_age;         /* refreshes end this long after login */
        int64_t max_extensions_per_agent;
        int64_t login_max_failures;
        int64_t login_ip_max_failures;
        int64_t login_window;            /* the longest throttle window */
        int64_t login_account_max_failures;
        int64_t login_account_window;
        int64_t purge_after;             /* rows past their use live this long */
        int64_t purge_interval;
        const char *sip_domain;          /* default realm */
        const char *sip_ws_url;          /* default WebSocket URL */
        const char *xmlcurl_user;        /* mod_xml_curl's basic-auth pair */
        const char *xmlcurl_password;    /* "" = refuse every lookup */
        const char *fs_esl;              /* the default cluster's nodes */
        const char *fs_esl_password;
        const char *fs_profile;
        enum fs_mode fs_mode;            /* parsed from AGENTDESK_FS_MODE by main.c */
        const char *fs_conf_dir;         /* push modes: local (files) or remote (ssh) */
        const char *fs_ssh;              /* ssh mode: user@host:port[,…] */
        const char *fs_ssh_key;
        const char *fs_ssh_known_hosts;
        int64_t fs_retry_limit;
        int64_t fs_retry_base;
        bool mail_on;                    /* AGENTDESK_SMTP_URL is set */
        struct mail_settings mail;       /* strings borrowed from the config */
        const char *public_url;          /* base of every emailed link */
        int64_t invite_ttl;
        int64_t mail_retry_limit;
        int64_t mail_retry_base;
};

struct worker;
struct reconciler_links;
struct directory_cache;
struct mail_sender;
struct purge;

struct app {
        struct store *store;
        struct app_settings settings;
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
