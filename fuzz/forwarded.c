/*
 * libFuzzer driver: the client address behind trusted proxies
 * (util/forwarded.c), fed an X-Forwarded-For header as a client or a
 * proxy may send it.
 *
 * The input is the trusted list, a NUL, the peer's address, a NUL, then
 * the header (its first byte odd: the header came twice). Besides what
 * ASan/UBSan catch, it checks the contract of forwarded.h: the answer is
 * the peer whenever the peer is not trusted, the header came twice or is
 * absent; otherwise it is the peer or an address from a header of at
 * most FORWARDED_MAX_LEN bytes, in canonical form (it parses and prints
 * back the same, so that one client has one throttle key).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/cidr.h"
#include "util/forwarded.h"

static bool canonical(const char *s)
{
        unsigned char addr[16];
        char back[FORWARDED_ADDR_SIZE];
        int family = strchr(s, ':') ? AF_INET6 : AF_INET;

        return inet_pton(family, s, addr) == 1 && inet_ntop(family, addr, back, sizeof(back)) &&
               strcmp(back, s) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = malloc(size + 3), *peer, *xff, got[FORWARDED_ADDR_SIZE];
        struct cidr_list trusted;
        bool repeated = false, trusted_peer;

        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = text[size + 1] = text[size + 2] = '\0';
        peer = text + strlen(text) + 1;
        xff = peer + strlen(peer) + 1;
        if (xff < text + size) {
                repeated = *xff & 1;
                xff++;
        } else {
                xff = NULL;
        }
        if (!cidr_list_parse(text, &trusted) || strlen(peer) >= FORWARDED_ADDR_SIZE)
                goto out;
        trusted_peer = trusted.n > 0 && cidr_list_contains(&trusted, peer);
        memset(got, 0xa5, sizeof(got));
        forwarded_client(&trusted, peer, xff, repeated, got);
        if (!memchr(got, '\0', sizeof(got)))
                abort();
        if (!trusted_peer || repeated || !xff) {
                if (strcmp(got, peer) != 0)
                        abort();
                goto out;
        }
        if (strcmp(got, peer) != 0) {
                if (!canonical(got))
                        abort();
                if (strlen(xff) > FORWARDED_MAX_LEN)
                        abort();
        }
out:
        free(text);
        return 0;
}
