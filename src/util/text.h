/* Text checks shared by the layers: UTF-8, emails, slugs, digits. */
#ifndef AGENTDESK_UTIL_TEXT_H
#define AGENTDESK_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether s[0..len) is valid UTF-8 without NUL or other C0 controls
 * (tab excepted); *ret_chars (may be NULL) gets the code point count. */
bool text_utf8_valid(const char *s, size_t len, size_t *ret_chars);

/* A name (of a person, tenant, cluster): 1..max_chars code points of valid
 * UTF-8, not blank, without "${" (FreeSWITCH's variable syntax; names
 * become caller-ID) or bidirectional formatting characters (U+061C,
 * U+200E/F, U+202A-202E, U+2066-2069), which make text read otherwise than
 * it is stored. */
bool text_name_valid(const char *s, size_t max_chars);

/* A practical address check: local@domain, ASCII, at most 254 bytes, one
 * '@', a dotted domain of letters, digits and hyphens. */
bool text_email_valid(const char *s);

/* Copies src into a fixed-size field (size > 0), truncating at a UTF-8
 * character boundary; NULL gives "". */
void text_copy(char *dst, size_t size, const char *src);

/* Lower-cases ASCII letters of s into out (size bytes). */
void text_lower(char *out, size_t size, const char *s);

/* One word of a command line sent to FreeSWITCH: not empty, only ASCII
 * letters, digits, '.', '-' and '_' (a user, a uuid, an extension). */
bool text_word_valid(const char *s);

/* A SIP domain (realm): a host name (letters, digits, '.' and '-', not
 * starting with either), an IPv4 address, or an IPv6 one in brackets; at
 * most 253 bytes. The one check for settings and API alike. */
bool text_sip_domain_valid(const char *s);

/* A SIP-over-WebSocket URL: ws:// or wss://, a host (as
 * text_sip_domain_valid: no wildcard), an optional port 1-65535, no
 * user:password, then any path; printable ASCII without spaces, quotes,
 * '<', '>' or '\\'; at most 500 bytes. The one check for settings and API
 * alike (the URLs go into the web app's CSP connect-src). */
bool text_websocket_url_valid(const char *s);

/* A URL-safe slug of s ("Acme Corp" -> "acme-corp"), "tenant" if empty. */
void text_slug(char *out, size_t size, const char *s);

/* The index of s among the n names of a state's string table, or -1 (s
 * NULL or none of them): the one parser behind every *_parse of a state. */
int text_index(const char *const *names, size_t n, const char *s);

/* An enum's table of names, names[i] naming value i: the one descriptor
 * by which a layer below the enum (the settings loader, util/config.h)
 * parses and prints its values without knowing it. */
struct text_names {
        const char *const *names;
        size_t count;
};

/* text_index over t. */
int text_names_index(const struct text_names *t, const char *s);
/* The name of value i, "?" when i is none of t's. */
const char *text_names_name(const struct text_names *t, int i);

/* A calendar date "YYYY-MM-DD" (exactly that: a real day of the Gregorian
 * calendar, years 1970-9999) as days since 1970-01-01; false otherwise. */
bool text_date_parse(const char *s, int64_t *ret_day);

/* Days since 1970-01-01 as "YYYY-MM-DD" into out (at least 11 bytes). */
void text_date_format(int64_t day, char *out, size_t size);

/* Epoch seconds as ISO 8601 UTC ("2026-11-28T07:29:14Z") into out (at
 * least 21 bytes). */
void text_time_iso(int64_t epoch, char *out, size_t size);

#endif
