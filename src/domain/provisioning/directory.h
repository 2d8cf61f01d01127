/*
 * What FreeSWITCH may know, computed from the desired state at lookup time
 * (mod_xml_curl mode): a directory user exists exactly while its extension
 * is assigned and active, its agent active, its tenant active and in the
 * cluster that asks, and the domain asked for is the tenant's effective SIP
 * domain (its own, else its cluster's, else AGENTDESK_SIP_DOMAIN).
 * Everything else is "not found".
 */
#ifndef AGENTDESK_DOMAIN_DIRECTORY_H
#define AGENTDESK_DOMAIN_DIRECTORY_H

#include <stdbool.h>

#include "domain/core/app.h"

struct directory_user {
        char extension[16];
        char password[64];               /* clear; caller wipes */
        char vm_pin[16];                 /* clear; caller wipes */
        bool voicemail;                  /* the extension's voicemail_enabled */
        int64_t ring_s;                  /* its ring time */
        int64_t tenant_id;
        int64_t cluster_id;              /* the tenant's; 0 = the default cluster */
        char caller_id_name[2 * STORE_NAME_MAX];
        char domain[256];
};

/*
 * The server's cache of directory rows: an entry serves while
 * store_writes() has not moved since it was read (it moves only on writes
 * to what the directory reads: a session, a job outcome or a registration
 * leaves the cache whole), and for at most ttl_ms
 * (AGENTDESK_DIRECTORY_CACHE_MS, 1 s by default; 0: nothing is served
 * from memory). Once store_watch_start's thread hears every change, by
 * any process (store_writes_shared: PostgreSQL's notifications, SQLite's
 * directory_changes), the time bound is at least DIRECTORY_CACHE_SHARED_MS,
 * only a backstop, so that a 1,000-agent tenant is not read again from
 * the database every second. On PostgreSQL, while the node cannot hear,
 * the cache is bypassed. Entries hold secrets sealed only.
 */
#define DIRECTORY_CACHE_SHARED_MS 60000
/* xmlcurl_user and xmlcurl_password (the settings') are hashed here, once,
 * for directory_credentials_check. */
struct directory_cache *directory_cache_new(int64_t ttl_ms, const char *xmlcurl_user,
                                            const char *xmlcurl_password);
void directory_cache_free(struct directory_cache *c);
/* Changes ttl_ms while lookups run (SIGHUP); c may be NULL. */
void directory_cache_set_ttl(struct directory_cache *c, int64_t ttl_ms);
/* Lookups served from the cache and lookups that read the store. */
void directory_cache_counts(const struct directory_cache *c, uint64_t *ret_hits,
                            uint64_t *ret_misses);

/* Wipes the clear secrets of u (its password and PIN). */
void directory_user_wipe(struct directory_user *u);

/* RESULT_NOT_FOUND unless the user is servable (see above). */
enum result directory_find_user(struct app *app, int64_t cluster_id, const char *domain,
                                const char *user,
                                struct directory_user *ret);

/* The user rendered for FreeSWITCH (freeswitch/xml.h): the mod_xml_curl
 * document, or with as_file the files-mode user file. malloc'd, holds the
 * secret (wipe, then free); NULL when out of memory. */
char *directory_user_xml(const struct directory_user *u, int64_t cacheable_ms, bool a1_hash,
                         bool as_file);

/* The same, in whatever domain the user is (files mode writes it). */
enum result directory_user_of(struct app *app, const char *user, struct directory_user *ret);

struct directory_context {
        int64_t tenant_id;
        int64_t lo, hi;                  /* the tenant's extension range */
};

/* The context "tenant_<id>" of an active tenant; RESULT_NOT_FOUND else. */
enum result directory_find_context(struct app *app, int64_t cluster_id, const char *context,
                                   struct directory_context *ret);

/* The context rendered for mod_xml_curl (freeswitch/xml.h), or with
 * as_file the files-mode file, with its queue numbers and tracked
 * extensions read now (domain/provisioning/queue_plan.h); malloc'd into
 * *ret. */
enum result directory_context_xml(struct app *app, const struct directory_context *c, bool as_file,
                                  char **ret);

/* voicemail.conf with agentdesk's voicemail profile (freeswitch/xml.h),
 * for mod_xml_curl's configuration binding; malloc'd, NULL when out of
 * memory. */
char *directory_voicemail_conf_xml(void);

/* mod_xml_curl's "not found" document (static; never freed). */
const char *directory_not_found_xml(void);

/*
 * Whether user:password (NULL: none given) are mod_xml_curl's credentials,
 * compared in constant time: RESULT_OK, or RESULT_UNAUTHORIZED (and a
 * failure counted for client_ip). RESULT_THROTTLED, with *ret_retry_after
 * seconds, whatever the credentials, once client_ip failed
 * login_ip_max_failures times within login_window; the count is read only
 * while this process saw a failure within the window, so the first guess
 * that reaches a node after a quiet window is not counted against it
 * before it is checked. A store error otherwise.
 */
enum result directory_credentials_check(struct app *app, const char *client_ip, const char *user,
                                        const char *password, int64_t *ret_retry_after);

#endif
