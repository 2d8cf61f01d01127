/*
 * Mail: the messages agentdesk sends (templates compiled in from
 * src/mail/templates/) and their delivery over SMTP through libcurl. The
 * only layer that includes curl.h.
 *
 * A message is multipart/alternative (RFC 2046) with a text/plain and a
 * text/html part in UTF-8, built with libcurl's MIME API, and headers
 * From, To, Subject, Date, Message-ID (RFC 5322); a subject or display
 * name that is not plain ASCII is written as RFC 2047 encoded words. No
 * header ever takes user text as it is: CR, LF and other controls are
 * removed from names and subjects, and an address that is not a plain
 * local@domain is refused, so user text can never add a header.
 *
 * Delivery (RFC 5321, STARTTLS RFC 3207, AUTH RFC 4954): a struct
 * mail_session sends messages one after another over one connection
 * where the server allows it. Each send says what became of the message:
 * accepted, worth retrying (no connection, a 4xx reply, a timeout) or
 * failed for good (a 5xx reply, a certificate that does not verify), with
 * the server's last reply or curl's reason.
 */
#ifndef AGENTDESK_MAIL_MAIL_H
#define AGENTDESK_MAIL_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/result.h"

/* ---- messages ------------------------------------------------------------ */

enum mail_template {
        MAIL_INVITATION,
        MAIL_PASSWORD_RESET,
        MAIL_PASSWORD_CHANGED,
        MAIL__TEMPLATES
};

/* "invitation", "password_reset", "password_changed"; NULL when out of range. */
const char *mail_template_name(enum mail_template t);

/* The template named name; false when none. */
bool mail_template_parse(const char *name, enum mail_template *ret);

/* The values a template may use; all borrowed, none NULL ("" when absent). */
struct mail_vars {
        const char *first_name;
        const char *tenant;              /* the tenant's name */
        const char *link;                /* set-password or reset link; secret */
        const char *expires;             /* when the link dies, as text */
};

/* A rendered message: subject (one line, controls removed), text and HTML
 * bodies (values HTML-escaped in the HTML one). Freed with
 * mail_rendered_free(), which wipes the bodies (they hold the link). */
struct mail_rendered {
        char *subject, *text, *html;
};

enum result mail_render(enum mail_template t, const struct mail_vars *vars,
                        struct mail_rendered *ret);
void mail_rendered_free(struct mail_rendered *r);

#define MAIL_HEADER_MAX 1000             /* RFC 5322: 998 + CRLF */
#define MAIL_HEADERS 6

/* The top-level header lines of one message, each without CR/LF. */
struct mail_headers {
        char lines[MAIL_HEADERS][MAIL_HEADER_MAX];
        int n;
};

/*
 * Builds From, To, Subject, Date, Message-ID and MIME-Version for a
 * message from `from` to `to_name <to>` at `now`. RESULT_INVALID when an
 * address is not a plain local@domain. The names and subject may hold any
 * text: controls become spaces, non-ASCII becomes encoded words, and what
 * does not fit a header line is cut at a character boundary.
 */
enum result mail_build_headers(const char *from, const char *to, const char *to_name,
                               const char *subject, time_t now, struct mail_headers *ret);

/* RFC 2047 "B" encoded words (each at most 75 characters, separated by a
 * space) of the UTF-8 text s, or s itself when it is printable ASCII;
 * controls become spaces. Into out (size bytes), cut at a character
 * boundary when it does not fit. */
void mail_encode_words(const char *s, char *out, size_t size);

/* ---- delivery ------------------------------------------------------------- */

struct mail_settings {
        const char *url;                 /* smtp://host:port or smtps://host:port */
        bool tls_required;               /* false: plain SMTP (loopback only, checked at start) */
        const char *ca_file;             /* "" = the system's CAs */
        const char *user, *password;     /* "" = no AUTH */
        const char *from;                /* envelope and header sender */
        long timeout_ms;                 /* per message (connection included) */
};

enum mail_verdict {
        MAIL_ACCEPTED,                   /* the server took it (250 after DATA) */
        MAIL_RETRY,                      /* try again later */
        MAIL_REJECTED,                   /* failed for good */
};

struct mail_outcome {
        enum mail_verdict verdict;
        long code;                       /* the last SMTP reply code, 0 if none */
        char reply[256];                 /* the server's last reply line, or why not */
};

struct mail_session;

/* A session with the settings (borrowed; they outlive it). Connects on
 * the first send. */
enum result mail_session_new(const struct mail_settings *settings, struct mail_session **ret);

/*
 * Sends one message to `to` (`to_name` shown): an outcome in *ret for
 * every message, RESULT_OK unless the message could not be built
 * (RESULT_INVALID: a bad address, then *ret says so too) or memory ran out.
 */
enum result mail_send(struct mail_session *s, const char *to, const char *to_name,
                      const struct mail_rendered *msg, struct mail_outcome *ret);

/* New connections made by this session so far. */
long mail_session_connections(const struct mail_session *s);

/* Says QUIT and frees. Accepts NULL. */
void mail_session_free(struct mail_session *s);

/* Connects, says EHLO (and STARTTLS, AUTH as set) and QUIT: for
 * `agentdesk doctor`. *ret says how it went. */
enum result mail_check(const struct mail_settings *settings, struct mail_outcome *ret);

/* Once per process, before any thread sends (curl_global_init). */
enum result mail_global_init(void);
void mail_global_cleanup(void);

#endif
