/*
 * The client address of a request that came through reverse proxies:
 * X-Forwarded-For read from the right, skipping the proxies the operator
 * trusts (AGENTDESK_TRUSTED_PROXIES), as nginx's real_ip_recursive does.
 * Only what a trusted proxy appended is believed: entries to the left of
 * the first untrusted one were written by whoever sent the request.
 */
#ifndef AGENTDESK_UTIL_FORWARDED_H
#define AGENTDESK_UTIL_FORWARDED_H

#include <stdbool.h>
#include <stddef.h>

#include "util/cidr.h"

/* X-Forwarded-For values longer than this, or with more entries, are not
 * read (the peer is the client): a real chain has a few hops. */
#define FORWARDED_MAX_LEN 1024
#define FORWARDED_MAX_HOPS 16

/* Room for any address forwarded_client() writes (INET6_ADDRSTRLEN). */
#define FORWARDED_ADDR_SIZE 46

/*
 * Writes the client address of a request into ret (FORWARDED_ADDR_SIZE
 * bytes). peer is the TCP peer's address as text; xff the X-Forwarded-For
 * header (NULL: none); repeated whether the header came more than once.
 *
 * The peer itself when trusted is NULL or empty, the peer is not in it,
 * the header is absent, empty, repeated, longer than FORWARDED_MAX_LEN or
 * has more than FORWARDED_MAX_HOPS entries. Otherwise the entries are
 * read from the right: a trusted one is a proxy (the next is read), the
 * first untrusted one is the client; an entry that is not a plain IPv4 or
 * IPv6 literal (brackets, ports, zones, names, empty) stops the walk at
 * the last trusted hop, which is then the client; so does running out of
 * entries. Addresses read from the header are written in their canonical
 * form (inet_ntop), so that one address cannot be spelt several ways.
 */
void forwarded_client(const struct cidr_list *trusted, const char *peer, const char *xff,
                      bool repeated, char ret[FORWARDED_ADDR_SIZE]);

#endif
