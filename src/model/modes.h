/*
 * The modes the settings choose between, each an enum with one table of
 * names and a _name/_parse pair (and the table itself, by which the
 * settings table names an enum setting's words: util/text.h).
 */
#ifndef AGENTDESK_MODEL_MODES_H
#define AGENTDESK_MODEL_MODES_H

#include <stdbool.h>

#include "util/text.h"

/* How a FreeSWITCH cluster's nodes get their users: AGENTDESK_FS_MODE
 * for the default cluster, a stored cluster's mode for the others. */
enum fs_mode {
        FS_MODE_XML_CURL,                /* they ask /freeswitch/xml */
        FS_MODE_FILES,                   /* agentdesk writes a local conf dir */
        FS_MODE_SSH,                     /* agentdesk writes their conf dirs over SFTP */
};

extern const struct text_names fs_mode_names;   /* "xml_curl", "files", "ssh" */

/* The mode's name; "?" for any other value. */
const char *fs_mode_name(enum fs_mode mode);
/* false (and *ret untouched) for any other text, NULL included. */
bool fs_mode_parse(const char *s, enum fs_mode *ret);

/* AGENTDESK_SMTP_TLS: how the mail relay is reached. */
enum smtp_tls {
        SMTP_TLS_REQUIRED,               /* STARTTLS or smtps://, certificate verified */
        SMTP_TLS_NONE,                   /* plain: loopback relays only */
};

extern const struct text_names smtp_tls_names;  /* "required", "none" */

/* The mode's name; "?" for any other value. */
const char *smtp_tls_name(enum smtp_tls tls);
/* false (and *ret untouched) for any other text, NULL included. */
bool smtp_tls_parse(const char *s, enum smtp_tls *ret);

#endif
