/*
 * Idempotency-Key on creates (issue 22, Decision): a client that sends the
 * header and retries (its answer was lost: a node died, a proxy timed out)
 * gets the first answer again, status and body to the byte, instead of a
 * second create or `409 email_taken`.
 *
 * The answer is saved in the create's own transaction (idempotency_save,
 * called by the operation before its commit), so it exists exactly when
 * the create committed: a create that died before its commit left nothing,
 * and its retry runs anew. Keys are scoped to the tenant, the user and the
 * route, and kept IDEMPOTENCY_TTL_S; the body is stored sealed (it may
 * hold a temporary password). The same key with another request (another
 * body) is RESULT_IDEMPOTENCY_REUSED. Only successes are saved: a refused
 * request wrote nothing, so running it again is the same.
 */
#ifndef AGENTDESK_DOMAIN_IDEMPOTENCY_H
#define AGENTDESK_DOMAIN_IDEMPOTENCY_H

#include <stddef.h>
#include <stdint.h>

#include "domain/core/app.h"

#define IDEMPOTENCY_KEY_MAX 255
#define IDEMPOTENCY_TTL_S (24 * 3600)

struct idempotency {
        int64_t tenant_id, user_id;
        const char *route;               /* "POST /v1/admin/agents"; borrowed */
        const char *key;                 /* the header's value; borrowed */
        char request_digest[65];         /* of the request's body */
        /* The answer the caller will send for created (the operation's
         * result, as its header says): *ret_status and *ret_body
         * (malloc'd; the caller of the operation owns it, through arg). */
        enum result (*render)(void *arg, const void *created, int *ret_status, char **ret_body);
        void *arg;
};

/* Fills idem for a request of body (len bytes): RESULT_INVALID when key
 * is not 1..IDEMPOTENCY_KEY_MAX visible ASCII characters. */
enum result idempotency_init(struct idempotency *idem, int64_t tenant_id, int64_t user_id,
                             const char *route, const char *key, const char *body, size_t len);

/* The answer saved under idem's key: RESULT_OK with *ret_status and
 * *ret_body (malloc'd, may hold a secret: the caller wipes and frees it);
 * RESULT_NOT_FOUND when none; RESULT_IDEMPOTENCY_REUSED when it answered
 * another request; RESULT_CONFLICT when no key of the key file opens it
 * any more (its key was dropped within the 24 h). */
enum result idempotency_replay(struct app *app, const struct idempotency *idem, int *ret_status,
                               char **ret_body);

/* In conn's transaction, just before its commit: renders the answer for
 * created (idem->render) and saves it for IDEMPOTENCY_TTL_S.
 * RESULT_CONFLICT when a twin request saved one first (the caller rolls
 * back and replays). */
enum result idempotency_save(struct store_conn *conn, const struct idempotency *idem,
                             const void *created);

#endif
