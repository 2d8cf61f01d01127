/*
 * The access log: one line per completed request, "METHOD PATH STATUS
 * 1.234ms id=ID tenant=N|- ip=ADDR" (the client's address; behind a
 * trusted proxy, the one it names: http_request_client_ip), with every
 * byte of the method and path that could break or forge a line
 * percent-encoded.
 */
#define LOG_MODULE "http"
#include <stdbool.h>
#include <string.h>

#include "http/internal.h"
#include "util/log.h"

/* Copies s for the log with every byte that could break or forge a line
 * (controls, space, '%', DEL, non-ASCII) percent-encoded: libmicrohttpd
 * hands us the path already decoded, so "%0A" would be a newline. Cut
 * with "..." when it does not fit. */
static const char *log_safe(const char *s, char *buf, size_t size)
{
        static const char hex[] = "0123456789ABCDEF";
        size_t n = 0;

        for (; *s; s++) {
                unsigned char c = (unsigned char)*s;
                bool plain = c > 0x20 && c < 0x7f && c != '%';
                if (n + (plain ? 1 : 3) + 4 > size) {
                        memcpy(buf + n, "...", 3);
                        n += 3;
                        break;
                }
                if (plain) {
                        buf[n++] = (char)c;
                } else {
                        buf[n++] = '%';
                        buf[n++] = hex[c >> 4];
                        buf[n++] = hex[c & 15];
                }
        }
        buf[n] = '\0';
        return buf;
}

/* Appends s at p; returns the new end. */
static char *put_text(char *p, const char *s)
{
        size_t n = strlen(s);

        memcpy(p, s, n);
        return p + n;
}

/* Appends v in decimal, with at least width digits (zeros in front);
 * returns the new end. */
static char *put_decimal(char *p, uint64_t v, int width)
{
        char digits[20];
        int n = 0;

        do {
                digits[n++] = (char)('0' + v % 10);
                v /= 10;
        } while (v || n < width);
        while (n)
                *p++ = digits[--n];
        return p;
}

void http_access_log(const struct http_request *req, double seconds)
{
        char method[40], path[512];
        /* "METHOD PATH STATUS 1.234ms id=ID tenant=N|- ip=ADDR", put together by
         * hand: it is written for every request, and printf (its floating
         * point above all) was a visible part of a lookup's cost. */
        uint64_t us = (uint64_t)(seconds * 1e6 + 0.5);
        char line[sizeof(method) + sizeof(path) + sizeof(req->request_id) +
                  sizeof(req->client_ip) + 96], *p = line;

        if (LOG_LEVEL_INFO > log_threshold)
                return;
        p = put_text(p, log_safe(req->method, method, sizeof(method)));
        *p++ = ' ';
        p = put_text(p, log_safe(req->url, path, sizeof(path)));
        *p++ = ' ';
        p = put_decimal(p, req->status, 1);
        *p++ = ' ';
        p = put_decimal(p, us / 1000, 1);
        *p++ = '.';
        p = put_decimal(p, us % 1000, 3);
        p = put_text(p, "ms id=");
        p = put_text(p, req->request_id);
        p = put_text(p, " tenant=");
        if (req->tenant_id > 0)          /* ids are positive; 0: none */
                p = put_decimal(p, (uint64_t)req->tenant_id, 1);
        else
                *p++ = '-';
        p = put_text(p, " ip=");
        p = put_text(p, http_request_client_ip(req));   /* an address, or "unknown" */
        *p = '\0';
        LOG_INFO("%s", line);
}
