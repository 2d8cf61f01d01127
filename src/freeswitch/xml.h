/*
 * The XML documents agentdesk answers mod_xml_curl with (see
 * docs/freeswitch.md §1 and §3): a directory user, a tenant's dialplan
 * context, and "not found". Every value is XML-escaped; the results are
 * always well-formed.
 */
#ifndef AGENTDESK_FREESWITCH_XML_H
#define AGENTDESK_FREESWITCH_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fs_xml_user {
        const char *domain;
        const char *extension;           /* digits only */
        const char *password;
        const char *vm_password;
        int64_t tenant_id;
        const char *caller_id_name;
        int64_t cacheable_ms;            /* 0 = no cacheable attribute */
        bool a1_hash;                    /* a1-hash = md5(ext:domain:password) instead of password */
};

/* The first line of every file agentdesk writes into FreeSWITCH's conf
 * (files mode): what a resync may rewrite or remove. Files without it are
 * never touched. */
#define FSXML_OWNED_MARKER "<!-- agentdesk: managed file; agentdesk rewrites and removes it -->"

/* The "not found" document (static, never freed). */
const char *fs_xml_not_found(void);

/* A directory document for one user. malloc'd; NULL when out of memory. */
char *fs_xml_directory_user(const struct fs_xml_user *u);

/* Files mode (docs/freeswitch.md §4): directory/default/<ext>.xml, the
 * same <user> in an <include>; dialplan/tenant_<id>.xml, the same
 * <context> in an <include>. Both start with FSXML_OWNED_MARKER. malloc'd;
 * NULL when out of memory. */
char *fs_xml_user_file(const struct fs_xml_user *u);
char *fs_xml_context_file(int64_t tenant_id, int64_t lo, int64_t hi);

/* The context tenant_<id>: numbers lo..hi bridged to user/<n>@domain,
 * and the echo test 9196. malloc'd; NULL when out of memory. */
char *fs_xml_dialplan_context(int64_t tenant_id, int64_t lo, int64_t hi);

/* A regular expression (without anchors) matching exactly the decimal
 * numbers lo..hi (0 <= lo <= hi). Returns the length, or 0 when it does
 * not fit in size. */
size_t fs_xml_range_regex(int64_t lo, int64_t hi, char *out, size_t size);

#endif
