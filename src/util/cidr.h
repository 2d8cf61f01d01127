/* Address lists in CIDR notation ("127.0.0.0/8,::1/128"), for allow lists. */
#ifndef AGENTDESK_UTIL_CIDR_H
#define AGENTDESK_UTIL_CIDR_H

#include <pthread.h>
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

/* A list that SIGHUP may replace while requests read it (the settings'
 * allow list and trusted proxies). Define with CIDR_SHARED_INIT. */
struct cidr_shared {
        pthread_rwlock_t lock;
        struct cidr_list list;
};
#define CIDR_SHARED_INIT { .lock = PTHREAD_RWLOCK_INITIALIZER }

/* Replaces the list with text parsed; false (the list unchanged) when text
 * is malformed. */
bool cidr_shared_set(struct cidr_shared *s, const char *text);

/* cidr_list_contains on the list as it is now. */
bool cidr_shared_contains(struct cidr_shared *s, const char *ip);

/* A copy of the list as it is now. */
void cidr_shared_get(struct cidr_shared *s, struct cidr_list *ret);

#endif
