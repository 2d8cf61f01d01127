/*
 * The single-use tickets that open a live stream. EventSource cannot send
 * an Authorization header and a bearer token never goes in a URL, so a
 * signed-in caller first asks for a ticket (POST …/events/ticket) and
 * opens the stream with ?ticket=. A ticket is 256 random bits; the store
 * keeps only its keyed hash (like link tokens), bound to the session that
 * asked for it and the stream's scope; it is valid EVENTS_TICKET_TTL
 * seconds and taken once. Tickets live in the store, so any node behind
 * a load balancer takes one another node issued.
 */
#ifndef AGENTDESK_DOMAIN_EVENTS_TICKETS_H
#define AGENTDESK_DOMAIN_EVENTS_TICKETS_H

#include "domain/core/app.h"
#include "domain/core/credentials.h"
#include "domain/events/ring.h"

#define EVENTS_TICKET_TTL 30
#define EVENTS_TICKET_LEN CREDENTIALS_LINK_TOKEN_LEN

/*
 * Issues a ticket for session s to open stream: the admin stream of
 * tenant_id (0: every tenant's, a superadmin's only), or the caller's own
 * stream (tenant_id ignored). The secret goes to ret (the caller wipes
 * it once sent), its expiry to *ret_expires_at. RESULT_FORBIDDEN for an
 * all-tenant admin ticket asked by anyone but a superadmin.
 */
enum result events_ticket_issue(struct app *app, const struct store_session *s,
                                enum event_stream stream, int64_t tenant_id,
                                char ret[EVENTS_TICKET_LEN + 1], int64_t *ret_expires_at);

/*
 * Takes ticket (once) for stream, into the stream's scope in *ret.
 * RESULT_UNAUTHORIZED when it is unknown, used, expired, for the other
 * stream, or its session is no longer live (revoked, expired, its user
 * or tenant suspended or deleted); the store's failure otherwise.
 */
enum result events_ticket_take(struct app *app, enum event_stream stream, const char *ticket,
                               struct events_scope *ret);

#endif
