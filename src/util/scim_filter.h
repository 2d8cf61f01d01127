/*
 * The SCIM filter (RFC 7644 §3.4.2.2) as agentdesk answers it: one
 * comparison `attr eq "value"` on userName or externalId, which is what
 * Microsoft Entra ID and Okta send to find a user before creating it.
 * Every other filter (other attributes, other operators, and/or/not,
 * groupings, garbage) is refused, so that the caller answers invalidFilter
 * rather than a list that the filter did not select.
 */
#ifndef AGENTDESK_UTIL_SCIM_FILTER_H
#define AGENTDESK_UTIL_SCIM_FILTER_H

#include <stdbool.h>
#include <stddef.h>

enum scim_filter_attr {
        SCIM_FILTER_USER_NAME,
        SCIM_FILTER_EXTERNAL_ID,
};

/* The longest value kept (bytes, without the NUL); a longer one is refused. */
#define SCIM_FILTER_VALUE_MAX 255

struct scim_filter {
        enum scim_filter_attr attr;
        char value[SCIM_FILTER_VALUE_MAX + 1];   /* unescaped, UTF-8 as given */
};

/*
 * Parses the len bytes of text: optional spaces, the attribute (userName
 * or externalId, any case, optionally after the User schema's URN and a
 * colon), one or more spaces, "eq" (any case), one or more spaces, a JSON
 * string (escapes \" \\ \/ only, no control characters), optional spaces.
 * Returns false, *ret untouched, for anything else (a NUL included).
 */
bool scim_filter_parse(const char *text, size_t len, struct scim_filter *ret);

#endif
