/* CIDR lists; see cidr.h. */
#include "util/cidr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static bool parse_one(const char *s, size_t len, struct cidr *ret)
{
        char buf[64], *slash, *end;
        unsigned long prefix;

        if (len == 0 || len >= sizeof(buf))
                return false;
        memcpy(buf, s, len);
        buf[len] = '\0';
        slash = strchr(buf, '/');
        if (slash)
                *slash = '\0';
        if (inet_pton(AF_INET, buf, ret->addr) == 1)
                ret->family = AF_INET;
        else if (inet_pton(AF_INET6, buf, ret->addr) == 1)
                ret->family = AF_INET6;
        else
                return false;
        ret->prefix = ret->family == AF_INET ? 32 : 128;
        if (slash) {
                prefix = strtoul(slash + 1, &end, 10);
                if (*end || slash[1] == '\0' || prefix > ret->prefix)
                        return false;
                ret->prefix = (unsigned)prefix;
        }
        return true;
}

bool cidr_list_parse(const char *text, struct cidr_list *ret)
{
        const char *p = text;

        ret->n = 0;
        while (*p) {
                size_t len;
                while (*p == ' ' || *p == ',')
                        p++;
                if (!*p)
                        break;
                len = strcspn(p, ", ");
                if (ret->n >= CIDR_MAX || !parse_one(p, len, &ret->entries[ret->n]))
                        return false;
                ret->n++;
                p += len;
        }
        return true;
}

static bool prefix_equal(const unsigned char *a, const unsigned char *b, unsigned bits)
{
        unsigned bytes = bits / 8, rest = bits % 8;

        if (memcmp(a, b, bytes) != 0)
                return false;
        if (rest) {
                unsigned char mask = (unsigned char)(0xff << (8 - rest));
                return (a[bytes] & mask) == (b[bytes] & mask);
        }
        return true;
}

bool cidr_list_contains(const struct cidr_list *list, const char *ip)
{
        unsigned char v4[4], v6[16];
        bool is4 = inet_pton(AF_INET, ip, v4) == 1, is6 = !is4 && inet_pton(AF_INET6, ip, v6) == 1;
        static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

        if (is6 && memcmp(v6, mapped, sizeof(mapped)) == 0) {
                memcpy(v4, v6 + 12, 4);
                is4 = true;
        }
        for (size_t i = 0; i < list->n; i++) {
                const struct cidr *c = &list->entries[i];
                if (c->family == AF_INET && is4 && prefix_equal(c->addr, v4, c->prefix))
                        return true;
                if (c->family == AF_INET6 && is6 && prefix_equal(c->addr, v6, c->prefix))
                        return true;
        }
        return false;
}

bool cidr_shared_set(struct cidr_shared *s, const char *text)
{
        struct cidr_list parsed;

        if (!cidr_list_parse(text, &parsed))
                return false;
        pthread_rwlock_wrlock(&s->lock);
        s->list = parsed;
        pthread_rwlock_unlock(&s->lock);
        return true;
}

bool cidr_shared_contains(struct cidr_shared *s, const char *ip)
{
        bool in;

        pthread_rwlock_rdlock(&s->lock);
        in = cidr_list_contains(&s->list, ip);
        pthread_rwlock_unlock(&s->lock);
        return in;
}

void cidr_shared_get(struct cidr_shared *s, struct cidr_list *ret)
{
        pthread_rwlock_rdlock(&s->lock);
        *ret = s->list;
        pthread_rwlock_unlock(&s->lock);
}
