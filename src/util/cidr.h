/* Address lists in CIDR notation ("127.0.0.0/8,::1/128"), for allow lists. */
#ifndef AGENTDESK_UTIL_CIDR_H
#define AGENTDESK_UTIL_CIDR_H

#include <stdbool.h>
#include <stddef.h>

#define CIDR_MAX 32

struct cidr {
        int family;                  /* AF_INET or AF_INET6 */
        unsigned char addr[16];
        unsigned prefix;
};

struct cidr_list {
        struct cidr entries[CIDR_MAX];
        size_t n;
};

/* Parses a comma-separated list; a bare address means the one host.
 * Returns false (list unusable) on any malformed entry. */
bool cidr_list_parse(const char *text, struct cidr_list *ret);

/* Whether the textual address ip (IPv4, IPv6 or IPv4-mapped IPv6) is in
 * the list. */
bool cidr_list_contains(const struct cidr_list *list, const char *ip);

#endif
