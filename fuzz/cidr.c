/*
 * libFuzzer driver: the CIDR list parser of util/cidr.c (allow lists such
 * as AGENTDESK_TRUSTED_PROXIES), fed whatever a setting may hold.
 *
 * The input is the list text, then optionally a NUL and an address to
 * look up. Besides what ASan/UBSan catch, it checks the parser's contract:
 * a failed parse reports nothing usable, a good one holds at most
 * CIDR_MAX entries whose prefixes fit their family; each entry's own
 * address is in the list (written back with inet_ntop), and looking up
 * the address never reads past it.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/cidr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = malloc(size + 1), *ip;
        struct cidr_list list;

        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        ip = text + strlen(text);
        ip = ip < text + size ? ip + 1 : ip;      /* after the first NUL, or "" */
        memset(&list, 0xa5, sizeof(list));
        if (cidr_list_parse(text, &list)) {
                if (list.n > CIDR_MAX)
                        abort();
                for (size_t i = 0; i < list.n; i++) {
                        const struct cidr *c = &list.entries[i];
                        char back[INET6_ADDRSTRLEN];
                        if (c->family != AF_INET && c->family != AF_INET6)
                                abort();
                        if (c->prefix > (c->family == AF_INET ? 32u : 128u))
                                abort();
                        if (!inet_ntop(c->family, c->addr, back, sizeof(back)))
                                abort();
                        if (!cidr_list_contains(&list, back))
                                abort();         /* an entry's own address is in it */
                }
        }
        /* A lookup on whatever the list holds (even after a failed parse,
         * n entries are whole). */
        if (list.n <= CIDR_MAX)
                (void)cidr_list_contains(&list, ip);
        free(text);
        return 0;
}
