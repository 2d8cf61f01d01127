/* The client address behind trusted proxies; see forwarded.h. */
#include "util/forwarded.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

_Static_assert(FORWARDED_ADDR_SIZE >= INET6_ADDRSTRLEN, "room for any address");

static bool is_space(char c)
{
        return c == ' ' || c == '\t';
}

/* The entry s[0..len) (blanks around it already cut) as a canonical
 * address in ret; false when it is not an IPv4 or IPv6 literal alone.
 * inet_pton takes neither brackets, ports, zones nor leading zeros in
 * dotted quads, and refuses empty text. */
static bool canonical(const char *s, size_t len, char ret[FORWARDED_ADDR_SIZE])
{
        unsigned char addr[16];
        char buf[FORWARDED_ADDR_SIZE];

        if (len == 0 || len >= sizeof(buf))
                return false;
        memcpy(buf, s, len);
        buf[len] = '\0';
        if (inet_pton(AF_INET, buf, addr) == 1)
                return inet_ntop(AF_INET, addr, ret, FORWARDED_ADDR_SIZE) != NULL;
        if (inet_pton(AF_INET6, buf, addr) == 1)
                return inet_ntop(AF_INET6, addr, ret, FORWARDED_ADDR_SIZE) != NULL;
        return false;
}

void forwarded_client(const struct cidr_list *trusted, const char *peer, const char *xff,
                      bool repeated, char ret[FORWARDED_ADDR_SIZE])
{
        char hop[FORWARDED_ADDR_SIZE], entry[FORWARDED_ADDR_SIZE];
        size_t len, hops = 1;

        snprintf(hop, sizeof(hop), "%s", peer);
        if (!trusted || trusted->n == 0 || !xff || repeated || !cidr_list_contains(trusted, peer))
                goto out;
        len = strnlen(xff, FORWARDED_MAX_LEN + 1);
        if (len > FORWARDED_MAX_LEN)
                goto out;
        for (size_t i = 0; i < len; i++)
                hops += xff[i] == ',';
        if (hops > FORWARDED_MAX_HOPS)
                goto out;
        /* From the right: [start, end) is the entry before end. */
        for (size_t end = len;;) {
                size_t start = end, a, b;
                while (start > 0 && xff[start - 1] != ',')
                        start--;
                for (a = start; a < end && is_space(xff[a]); a++)
                        ;
                for (b = end; b > a && is_space(xff[b - 1]); b--)
                        ;
                if (!canonical(xff + a, b - a, entry))
                        break;                   /* the last trusted hop */
                memcpy(hop, entry, sizeof(hop));
                if (!cidr_list_contains(trusted, entry) || start == 0)
                        break;                   /* the client, or no one further */
                end = start - 1;
        }
out:
        memcpy(ret, hop, FORWARDED_ADDR_SIZE);
}
