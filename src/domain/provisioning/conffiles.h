/*
 * The push modes: a FreeSWITCH conf dir (AGENTDESK_FS_CONF_DIR, local in
 * files mode, on the node over SFTP in ssh mode: a struct fs_push) made to
 * match the database, as docs/freeswitch.md §4 lays it out:
 *   directory/default/<ext>.xml   one user per servable extension
 *   dialplan/tenant_<id>.xml      the context of each active tenant (its
 *                                 queue numbers and tracked extensions)
 *   dialplan/public/agentdesk_n<id>.xml  each inbound number's public entry
 *   callcenter/q<id>.xml          each queue, for the operator's
 *                                 callcenter.conf.xml to include
 *   voicemail/agentdesk.xml       agentdesk's voicemail profile, for the
 *                                 operator's voicemail.conf.xml to include
 *                                 in its <profiles> (written only where
 *                                 the voicemail/ folder exists)
 * Every file written starts with FSXML_OWNED_MARKER; files without it
 * (the vanilla ones, the site's own) are never rewritten or removed.
 * Writes are atomic (freeswitch/push.h). The caller runs reloadxml.
 */
#ifndef AGENTDESK_DOMAIN_CONFFILES_H
#define AGENTDESK_DOMAIN_CONFFILES_H

#include <stddef.h>

#include "domain/core/app.h"
#include "freeswitch/push.h"

/* Each call is for a conf dir of cluster_id (0 = the default cluster),
 * which only holds the files of its own tenants. */

/* Writes the user file of extension if it is servable there, else removes it. */
enum result conffiles_extension(struct app *app, int64_t cluster_id, struct fs_push *p,
                                const char *extension, char *ret_error, size_t error_size);

/* Writes the context file of tenant_id if it is active there, else removes it. */
enum result conffiles_tenant(struct app *app, int64_t cluster_id, struct fs_push *p,
                             int64_t tenant_id, char *ret_error, size_t error_size);

/* Writes callcenter/q<id>.xml of queue_id if its tenant is active there,
 * else removes it. */
enum result conffiles_queue(struct app *app, int64_t cluster_id, struct fs_push *p,
                            int64_t queue_id, char *ret_error, size_t error_size);

/* Rewrites the public entries of the cluster's inbound numbers and
 * removes the owned ones it no longer has. */
enum result conffiles_numbers(struct app *app, int64_t cluster_id, struct fs_push *p,
                              char *ret_error, size_t error_size);

/* Writes voicemail/agentdesk.xml when the voicemail/ folder exists. */
enum result conffiles_voicemail(struct fs_push *p, char *ret_error, size_t error_size);

/* Rewrites every file the database wants there and removes the owned
 * files it no longer wants. */
enum result conffiles_resync(struct app *app, int64_t cluster_id, struct fs_push *p,
                             char *ret_error, size_t error_size);

#endif
