/*
 * The SIP-over-WebSocket URLs an agent desktop may be sent to: the
 * default one (AGENTDESK_SIP_WS_URL) and every stored cluster's
 * websocket_url. The web app's Content-Security-Policy lists them in
 * connect-src, so it is asked on every page load and kept in a small
 * cache.
 */
#ifndef AGENTDESK_DOMAIN_WEBSOCKET_URLS_H
#define AGENTDESK_DOMAIN_WEBSOCKET_URLS_H

#include <stddef.h>

#include "domain/core/app.h"

/*
 * Writes the URLs, space-separated, each once, into buf (always
 * NUL-terminated). A URL is cut at '?' or '#' and left out when it holds
 * anything but [A-Za-z0-9-._~:/[]@%] (nothing that could end a CSP source
 * or directive), or when it does not fit. The answer is cached until this
 * process writes what the directory reads, clusters included
 * (store_writes()), or for 5 s (1 s while the
 * store does not see other nodes' writes). On a store failure buf holds
 * the default URL and the failure is returned.
 */
enum result websocket_urls_get(struct app *app, char *buf, size_t size);

#endif
