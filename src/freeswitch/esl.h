/*
 * Event Socket client (docs/freeswitch.md §2): connect, authenticate, run
 * `api` commands, read their replies. Inbound mode only; no events.
 *
 * States of a connection:
 *   CONNECTING --TCP up--> AUTH_WAIT --"auth/request"--> (send auth)
 *   --"+OK accepted"--> READY --api--> (send) --"api/response"--> READY
 *   any state --error, timeout, disconnect--> CLOSED (esl_conn_free only)
 * "-ERR invalid" after auth, and "text/rude-rejection" at any time, are
 * answered by FreeSWITCH closing the connection.
 *
 * Every call is bounded by its timeout. Frames are capped (headers 8 KiB,
 * body 1 MiB); beyond that, or malformed, is RESULT_PROTOCOL.
 */
#ifndef AGENTDESK_FREESWITCH_ESL_H
#define AGENTDESK_FREESWITCH_ESL_H

#include <stddef.h>

#include "util/result.h"

struct esl_conn;

/*
 * Connects to host:port within timeout_ms and logs in with password.
 * RESULT_IO: refused or unreachable; RESULT_TIMEOUT: no answer in time;
 * RESULT_UNAUTHORIZED: wrong password; RESULT_FORBIDDEN: rude rejection
 * (the node's ACL refuses us); RESULT_PROTOCOL: not an Event Socket.
 * On failure *ret_conn is untouched and ret_error (size bytes, may be NULL)
 * holds one line saying why.
 */
enum result esl_connect(const char *host, unsigned port, const char *password, int timeout_ms,
                        struct esl_conn **ret_conn, char *ret_error, size_t error_size);

/*
 * Runs `api <command>` and returns its body in *ret_body (malloc'd,
 * NUL-terminated; the caller frees it) — also when the command failed.
 * RESULT_OK when it succeeded; RESULT_INVALID when FreeSWITCH answered
 * a failure: a body starting "-ERR" or "-USAGE", or "Invalid Profile" (not
 * every failure starts with -ERR). RESULT_IO / RESULT_TIMEOUT /
 * RESULT_PROTOCOL when the connection failed; it is unusable afterwards.
 */
enum result esl_api(struct esl_conn *conn, const char *command, int timeout_ms,
                    char **ret_body);

/* Says "exit" (without waiting long), closes and frees. Accepts NULL. */
void esl_conn_free(struct esl_conn *conn);

/* The count of `sofia status profile <p> reg` ("Total items returned: N"),
 * or -1 when the body has none. */
long esl_registration_count(const char *reg_body);

/* Whether user (the part before @) appears as a "User:" of that listing. */
int esl_registration_has_user(const char *reg_body, const char *user);

#endif
