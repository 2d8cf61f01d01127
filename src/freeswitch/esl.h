/*
 * Event Socket client (docs/freeswitch.md §2): connect, authenticate, run
 * `api` commands, read their replies. Inbound mode. A connection lives as
 * long as its owner keeps it (across batches, say); every frame it reads
 * goes through esl_frame_parse(), which tells replies from events. Events
 * that arrive (once subscribed with an `event` command, later) are handed
 * to a callback, or kept for esl_conn_next_event().
 *
 * States of a connection:
 *   CONNECTING --TCP up--> AUTH_WAIT --"auth/request"--> (send auth)
 *   --"+OK accepted"--> READY --api--> (send) --"api/response"--> READY
 *   any state --error, timeout, disconnect--> CLOSED (esl_conn_free only)
 * "-ERR invalid" after auth, and "text/rude-rejection" at any time, are
 * answered by FreeSWITCH closing the connection.
 *
 * Every call is bounded by its timeout. Frames are capped (headers 8 KiB,
 * body 16 MiB: a listing of 10,000 registrations is about 10 MiB);
 * beyond that, or malformed, is RESULT_PROTOCOL.
 */
#ifndef AGENTDESK_FREESWITCH_ESL_H
#define AGENTDESK_FREESWITCH_ESL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/result.h"

#define ESL_HEADER_MAX 8192              /* a frame's header block */
#define ESL_BODY_MAX (16 * 1024 * 1024)  /* a frame's body: a node's whole registration listing */

struct esl_conn;

/* One frame: its header lines and its body, both malloc'd (free with
 * esl_frame_clear). */
struct esl_frame {
        char *headers;                   /* "Name: value" strings, NUL-separated, "" ends */
        char *body;                      /* NUL-terminated; NULL without Content-Length */
        size_t body_len;
};

enum esl_frame_kind {
        ESL_FRAME_AUTH_REQUEST,          /* auth/request: the greeting */
        ESL_FRAME_COMMAND_REPLY,         /* command/reply: auth, event, … */
        ESL_FRAME_API_RESPONSE,          /* api/response */
        ESL_FRAME_EVENT,                 /* text/event-plain, -json, -xml */
        ESL_FRAME_DISCONNECT,            /* text/disconnect-notice */
        ESL_FRAME_REJECTION,             /* text/rude-rejection */
        ESL_FRAME_OTHER,
};

/*
 * Parses the frame at the start of buf[0..len) (header lines "Name: value"
 * ended by an empty line, then Content-Length bytes of body). RESULT_OK
 * with *ret_used the bytes it took and *ret filled, or *ret_used 0 (and
 * *ret untouched) when buf holds no whole frame yet; RESULT_PROTOCOL for a
 * frame over the caps or malformed (a NUL in the headers, a bad
 * Content-Length); RESULT_NOMEM. Pure: no I/O, no state (fuzzable).
 */
enum result esl_frame_parse(const char *buf, size_t len, struct esl_frame *ret, size_t *ret_used);

/* The value of header name (case-blind) in f, borrowed from f; NULL. */
const char *esl_frame_header(const struct esl_frame *f, const char *name);

/* What f is, from its Content-Type. */
enum esl_frame_kind esl_frame_kind(const struct esl_frame *f);

/* Frees what f holds and zeroes it. Accepts NULL. */
void esl_frame_clear(struct esl_frame *f);

/* Called with each event read on conn (the frame is borrowed for the
 * call); fn NULL keeps them instead (the newest 64). */
typedef void (*esl_event_fn)(void *userdata, const struct esl_frame *event);
void esl_conn_on_event(struct esl_conn *conn, esl_event_fn fn, void *userdata);

/* The oldest kept event into *ret (the caller clears it); false when none. */
bool esl_conn_next_event(struct esl_conn *conn, struct esl_frame *ret);

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
 * RESULT_PROTOCOL when the connection failed; it is unusable afterwards
 * (every later call is RESULT_IO). Events read while waiting for the
 * reply go to the callback or are kept.
 */
enum result esl_api(struct esl_conn *conn, const char *command, int timeout_ms,
                    char **ret_body);

/*
 * Sends a command that FreeSWITCH answers with a command/reply (`event
 * plain …`, `filter …`, not `api`) and waits for that reply; events read
 * while waiting go to the callback or are kept. RESULT_OK when its
 * Reply-Text starts "+OK", RESULT_INVALID for another answer (the reply's
 * first line in ret_error), RESULT_IO / RESULT_TIMEOUT / RESULT_PROTOCOL
 * when the connection failed (unusable afterwards).
 */
enum result esl_command(struct esl_conn *conn, const char *command, int timeout_ms,
                        char *ret_error, size_t error_size);

/*
 * A listener's read: waits up to wait_ms for frames and hands every event
 * read (at most max_events, so the caller gets its thread back while a
 * node floods) to the callback, or keeps it; other frames are skipped.
 * *ret_n (may be NULL) gets how many events went on. RESULT_OK also when
 * none came in time; RESULT_IO when the node said goodbye or closed the
 * connection, RESULT_PROTOCOL for a malformed frame: the connection is
 * unusable afterwards.
 */
enum result esl_conn_read_events(struct esl_conn *conn, int wait_ms, int max_events,
                                 int *ret_n);

/* Says "exit" (without waiting long), closes and frees. Accepts NULL. */
void esl_conn_free(struct esl_conn *conn);

/* The count of `sofia status profile <p> reg` ("Total items returned: N"),
 * or -1 when the body has none. */
long esl_registration_count(const char *reg_body);

/* Whether user (the part before @) appears as a "User:" of that listing. */
int esl_registration_has_user(const char *reg_body, const char *user);

#endif
