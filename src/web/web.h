/*
 * The web app (web/, built by Vite into web/dist/) as agentdesk serves it:
 * from the copy embedded in the binary at build time (cmake/web_embed.cmake
 * turns web/dist into C), or from a directory (AGENTDESK_WEB_DIR).
 *
 * What a response carries: hashed assets (/assets/...) are cached for a
 * year as immutable, everything else (index.html) is revalidated
 * (no-cache) against a strong ETag, answered 304 on If-None-Match; a
 * precompressed sibling (.br, .gz) is sent when Accept-Encoding allows it,
 * with Vary: Accept-Encoding. A path without a file extension that names
 * no file is answered with index.html (the app routes in the browser,
 * history mode); a missing file with an extension is a 404. Paths with
 * "." or ".." segments, dot-files, backslashes, control bytes or "%" are
 * 404s, and in directory mode a file whose real path (symlinks resolved)
 * is outside the directory is not served.
 */
#ifndef AGENTDESK_WEB_WEB_H
#define AGENTDESK_WEB_WEB_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"
#include "util/result.h"

/* One embedded file; the table is generated at build time. */
struct web_embedded_file {
        const char *path;                /* relative to web/dist: "index.html" */
        const unsigned char *data;
        size_t size;
        const char *etag;                /* quoted: "\"1a2b...\"" */
};

extern const struct web_embedded_file web_embedded_files[];
extern const size_t web_embedded_count;

struct web_site;

/* A site serving dir (its real path is taken now), or the embedded files
 * when dir is NULL or "". RESULT_INVALID when dir is not a directory that
 * can be read; RESULT_NOMEM. Free with web_site_free(). */
enum result web_site_new(const char *dir, struct web_site **ret_site);

void web_site_free(struct web_site *site);

/* How many files the site has to serve (directory mode: -1, unknown). */
long web_site_file_count(const struct web_site *site);

/* Whether path is the server's own (/v1, /freeswitch, /healthz, /scim,
 * /metrics, or below one of them) and never the app's. */
bool web_path_reserved(const char *path);

#define WEB_PATH_MAX 1024            /* bytes of a path the site serves */

/* Whether the decoded path may name a file under the root: absolute, at
 * most WEB_PATH_MAX bytes, and no segment that is empty (but the last),
 * starts with '.' (".", "..", dot-files) or holds a byte that no built
 * file name has (controls, DEL, '\\', '%'). What web_site_serve() checks
 * first; public for the fuzz driver (fuzz/site_path.c). */
bool web_path_safe(const char *path);

/* Answers a GET or HEAD of the request's path from the site. csp is the
 * Content-Security-Policy to send (borrowed; NULL sends none); every
 * answer also carries X-Content-Type-Options: nosniff, Referrer-Policy:
 * no-referrer and X-Frame-Options: DENY. When the site has no
 * index.html, the app's paths get a short page saying how to build it. */
void web_site_serve(const struct web_site *site, struct http_request *req, const char *csp);

#endif
