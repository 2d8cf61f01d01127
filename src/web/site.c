/*
 * Serving the web app's files (web.h): HTTP caching (RFC 9111
 * Cache-Control, RFC 8246 immutable), validators (RFC 9110 section 8.8.3
 * ETag, 13.1.2 If-None-Match), content negotiation by Accept-Encoding
 * (RFC 9110 section 12.5.3) between precompressed siblings.
 *
 * A request resolves in steps: the path is checked (no traversal), the
 * file is looked up (embedded table or directory), else index.html when
 * the last segment has no extension, else 404; then the representation
 * (.br, .gz or identity) is picked and answered, or 304.
 */
#include "web/web.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct web_site {
        char *root;                      /* real path of the directory; NULL: embedded */
        int root_fd;                     /* O_PATH of root; -1 when embedded */
};

/* One representation found: embedded data, or an open file. */
struct entry {
        const unsigned char *data;       /* embedded; NULL in directory mode */
        int fd;                          /* directory mode; -1 when none */
        size_t size;
        char etag[64];
};

static const char not_built_page[] =
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>agentdesk: web app not built</title></head><body>\n"
        "<h1>The web app is not built</h1>\n"
        "<p>This agentdesk has no web app to serve. Build it and agentdesk with "
        "<code>scripts/run.sh</code>, or by hand: <code>cd web &amp;&amp; npm ci &amp;&amp; "
        "npm run build</code>, then build agentdesk again (it embeds <code>web/dist</code>), "
        "or point <code>AGENTDESK_WEB_DIR</code> at the built <code>web/dist</code>.</p>\n"
        "<p>The API is at <code>/v1</code>.</p>\n</body></html>\n";

static const char not_found_text[] = "not found\n";

enum result web_site_new(const char *dir, struct web_site **ret_site)
{
        struct web_site *site = calloc(1, sizeof(*site));
        struct stat st;

        if (!site)
                return RESULT_NOMEM;
        site->root_fd = -1;
        if (dir && *dir) {
                site->root = realpath(dir, NULL);
                if (site->root)
                        site->root_fd = open(site->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (!site->root || site->root_fd < 0 || stat(site->root, &st) < 0 ||
                    !S_ISDIR(st.st_mode) || access(site->root, R_OK | X_OK) < 0) {
                        web_site_free(site);
                        return RESULT_INVALID;
                }
        }
        *ret_site = site;
        return RESULT_OK;
}

void web_site_free(struct web_site *site)
{
        if (!site)
                return;
        if (site->root_fd >= 0)
                close(site->root_fd);
        free(site->root);
        free(site);
}

long web_site_file_count(const struct web_site *site)
{
        return site->root ? -1 : (long)web_embedded_count;
}

bool web_path_reserved(const char *path)
{
        static const char *const reserved[] = { "/v1", "/freeswitch", "/healthz", "/readyz",
                                                "/metrics" };

        for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
                size_t n = strlen(reserved[i]);
                if (strncmp(path, reserved[i], n) == 0 && (path[n] == '\0' || path[n] == '/'))
                        return true;
        }
        return false;
}

bool web_path_safe(const char *path)
{
        size_t len = strlen(path);

        if (path[0] != '/' || len > WEB_PATH_MAX)
                return false;
        for (const char *seg = path + 1;;) {
                size_t n = strcspn(seg, "/");
                if (seg[0] == '.' || (n == 0 && seg[n] == '/'))
                        return false;
                for (size_t i = 0; i < n; i++) {
                        unsigned char c = (unsigned char)seg[i];
                        if (c < 0x20 || c == 0x7f || c == '\\' || c == '%')
                                return false;
                }
                if (!seg[n])
                        return true;
                seg += n + 1;
        }
}

static const char *content_type_of(const char *path)
{
        static const struct {
                const char *ext, *type;
        } types[] = {
                { "html", "text/html; charset=utf-8" },
                { "js", "text/javascript; charset=utf-8" },
                { "mjs", "text/javascript; charset=utf-8" },
                { "css", "text/css; charset=utf-8" },
                { "json", "application/json" },
                { "map", "application/json" },
                { "webmanifest", "application/manifest+json" },
                { "svg", "image/svg+xml" },
                { "png", "image/png" },
                { "jpg", "image/jpeg" },
                { "jpeg", "image/jpeg" },
                { "gif", "image/gif" },
                { "webp", "image/webp" },
                { "ico", "image/x-icon" },
                { "woff2", "font/woff2" },
                { "woff", "font/woff" },
                { "ttf", "font/ttf" },
                { "txt", "text/plain; charset=utf-8" },
                { "wasm", "application/wasm" },
                { "mp3", "audio/mpeg" },
                { "ogg", "audio/ogg" },
                { "wav", "audio/wav" },
        };
        const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');

        if (dot && (!slash || dot > slash))
                for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
                        if (strcasecmp(dot + 1, types[i].ext) == 0)
                                return types[i].type;
        return "application/octet-stream";
}

/* Finds rel + suffix (rel relative to the root, no leading '/'). */
static bool lookup(const struct web_site *site, const char *rel, const char *suffix,
                   struct entry *ret)
{
        char name[WEB_PATH_MAX + 16], full[PATH_MAX + WEB_PATH_MAX + 16], *real = NULL;
        size_t root_len;
        struct stat st;
        int fd = -1;

        snprintf(name, sizeof(name), "%s%s", rel, suffix);
        if (!site->root) {
                for (size_t i = 0; i < web_embedded_count; i++)
                        if (strcmp(web_embedded_files[i].path, name) == 0) {
                                ret->data = web_embedded_files[i].data;
                                ret->fd = -1;
                                ret->size = web_embedded_files[i].size;
                                snprintf(ret->etag, sizeof(ret->etag), "%s",
                                         web_embedded_files[i].etag);
                                return true;
                        }
                return false;
        }
        /* Symlinks are followed only while they stay under the root: the
         * kernel checks it (openat2 RESOLVE_BENEATH, Linux 5.6), in one
         * call and without a race; where a sandbox refuses openat2, the
         * resolved path is checked instead. O_NONBLOCK: a FIFO must not
         * hang the worker (it is refused as not a regular file). */
        struct open_how how = { .flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK,
                                .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
        fd = (int)syscall(SYS_openat2, site->root_fd, name, &how, sizeof(how));
        if (fd < 0 && (errno == ENOSYS || errno == EPERM)) {
                snprintf(full, sizeof(full), "%s/%s", site->root, name);
                real = realpath(full, NULL);
                root_len = strlen(site->root);
                if (!real || strncmp(real, site->root, root_len) != 0 || real[root_len] != '/')
                        goto fail;
                fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        }
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                goto fail;
        free(real);
        ret->data = NULL;
        ret->fd = fd;
        ret->size = (size_t)st.st_size;
        snprintf(ret->etag, sizeof(ret->etag), "\"%llx-%llx-%lx\"", (unsigned long long)st.st_ino,
                 (unsigned long long)st.st_size,
                 (unsigned long)(st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000));
        return true;
fail:
        if (fd >= 0)
                close(fd);
        free(real);
        return false;
}

static void entry_close(struct entry *e)
{
        if (e->fd >= 0)
                close(e->fd);
        e->fd = -1;
}

/* Whether Accept-Encoding (may be NULL) accepts coding with a q above 0. */
static bool accepts(const char *header, const char *coding)
{
        size_t want = strlen(coding);

        for (const char *p = header; p && *p;) {
                const char *end = p + strcspn(p, ","), *semi, *q;
                size_t n;

                while (p < end && (*p == ' ' || *p == '\t'))
                        p++;
                semi = memchr(p, ';', (size_t)(end - p));
                n = (size_t)((semi ? semi : end) - p);
                while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
                        n--;
                if ((n == want && strncasecmp(p, coding, n) == 0) || (n == 1 && *p == '*')) {
                        bool zero = false;
                        q = semi ? strstr(semi, "q=") : NULL;
                        if (q && q < end) {
                                /* q=0, q=0.0, q=0.000 refuse; anything else accepts. */
                                zero = true;
                                for (const char *c = q + 2; c < end && *c != ' ' && *c != ';'; c++)
                                        if (*c != '0' && *c != '.')
                                                zero = false;
                        }
                        return !zero;
                }
                p = *end ? end + 1 : end;
        }
        return false;
}

/* Whether If-None-Match (may be NULL) names etag or is "*"; weak
 * comparison, as RFC 9110 section 13.1.2 asks. */
static bool etag_matches(const char *header, const char *etag)
{
        size_t want = strlen(etag);

        for (const char *p = header; p && *p;) {
                const char *end = p + strcspn(p, ",");
                size_t n;

                while (p < end && (*p == ' ' || *p == '\t'))
                        p++;
                if (end - p >= 2 && p[0] == 'W' && p[1] == '/')
                        p += 2;
                n = (size_t)(end - p);
                while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
                        n--;
                if ((n == 1 && *p == '*') || (n == want && memcmp(p, etag, n) == 0))
                        return true;
                p = *end ? end + 1 : end;
        }
        return false;
}

static void security_headers(struct http_request *req, const char *csp)
{
        if (csp)
                http_response_header(req, "Content-Security-Policy", csp);
        http_response_header(req, "X-Content-Type-Options", "nosniff");
        http_response_header(req, "Referrer-Policy", "no-referrer");
        http_response_header(req, "X-Frame-Options", "DENY");
}

void web_site_serve(const struct web_site *site, struct http_request *req, const char *csp)
{
        static const struct {
                const char *suffix, *coding;
        } codings[] = { { ".br", "br" }, { ".gz", "gzip" } };
        const char *path = http_request_path(req), *rel, *last, *coding = NULL;
        const char *accept = http_request_header(req, "Accept-Encoding");
        struct entry file = { .fd = -1 }, chosen = { .fd = -1 };
        bool vary = false;

        security_headers(req, csp);
        if (!web_path_safe(path)) {
                http_respond_static(req, 404, "text/plain; charset=utf-8", not_found_text,
                                    sizeof(not_found_text) - 1);
                return;
        }
        rel = path + 1;
        last = strrchr(path, '/') + 1;
        if (!*rel)
                rel = "index.html";
        if (!*last || !lookup(site, rel, "", &file)) {
                if (*last && strchr(last, '.')) {
                        http_respond_static(req, 404, "text/plain; charset=utf-8", not_found_text,
                                            sizeof(not_found_text) - 1);
                        return;
                }
                rel = "index.html";
                if (!lookup(site, rel, "", &file)) {
                        http_response_header(req, "Cache-Control", "no-cache");
                        http_respond_static(req, 200, "text/html; charset=utf-8", not_built_page,
                                            sizeof(not_built_page) - 1);
                        return;
                }
        }
        for (size_t i = 0; i < sizeof(codings) / sizeof(codings[0]); i++) {
                struct entry e = { .fd = -1 };
                if (!lookup(site, rel, codings[i].suffix, &e))
                        continue;
                vary = true;
                if (!coding && accepts(accept, codings[i].coding)) {
                        coding = codings[i].coding;
                        chosen = e;
                } else {
                        entry_close(&e);
                }
        }
        if (coding)
                entry_close(&file);
        else
                chosen = file;

        http_response_header(req, "Cache-Control", strncmp(rel, "assets/", 7) == 0
                                                           ? "public, max-age=31536000, immutable"
                                                           : "no-cache");
        http_response_header(req, "ETag", chosen.etag);
        if (vary)
                http_response_header(req, "Vary", "Accept-Encoding");
        if (etag_matches(http_request_header(req, "If-None-Match"), chosen.etag)) {
                entry_close(&chosen);
                http_respond_empty(req, 304);
                return;
        }
        if (coding)
                http_response_header(req, "Content-Encoding", coding);
        if (chosen.data) {
                http_respond_static(req, 200, content_type_of(rel), chosen.data, chosen.size);
        } else {
                http_respond_fd(req, 200, content_type_of(rel), chosen.fd, chosen.size);
        }
}
