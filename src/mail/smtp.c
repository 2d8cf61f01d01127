/*
 * SMTP delivery through libcurl (RFC 5321; STARTTLS RFC 3207; AUTH
 * RFC 4954), the message body built with curl's MIME API as
 * multipart/alternative (RFC 2046) of text/plain and text/html, each
 * quoted-printable UTF-8. The only file that includes curl.h.
 *
 * A session keeps one easy handle, so curl keeps the connection open and
 * reuses it for the next message (its connection cache); the number of
 * connections it had to open is counted for the bench and the logs.
 *
 * Outcomes: curl's code and the last SMTP reply decide, in one place
 * (verdict_of): a 5xx reply or a certificate that does not verify fails
 * for good; a 4xx, a refused or lost connection or a timeout is worth a
 * retry. TLS is never downgraded: with tls_required curl must get
 * STARTTLS (CURLUSESSL_ALL) or speak TLS from the start (smtps://).
 */
#include "mail/mail.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

struct mail_session {
        const struct mail_settings *set;
        CURL *curl;
        long connections;
        char last_reply[256];            /* the server's last reply line */
        char error_reply[256];           /* its first 4xx or 5xx reply, if any */
        char error[CURL_ERROR_SIZE];
};

enum result mail_global_init(void)
{
        return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? RESULT_OK : RESULT_NOMEM;
}

void mail_global_cleanup(void)
{
        curl_global_cleanup();
}

/* Keeps the server's reply lines (never what we send: AUTH is in there). */
static int on_debug(CURL *curl, curl_infotype type, char *data, size_t size, void *userdata)
{
        struct mail_session *s = userdata;
        size_t n;

        (void)curl;
        if (type != CURLINFO_HEADER_IN || size == 0)
                return 0;
        n = size < sizeof(s->last_reply) - 1 ? size : sizeof(s->last_reply) - 1;
        memcpy(s->last_reply, data, n);
        s->last_reply[n] = '\0';
        s->last_reply[strcspn(s->last_reply, "\r\n")] = '\0';
        /* Only printable ASCII goes on to the store and logs. */
        for (char *p = s->last_reply; *p; p++)
                if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
                        *p = '?';
        /* The refusal is what matters, not the "221 Bye" after it. */
        if (!s->error_reply[0] && (s->last_reply[0] == '4' || s->last_reply[0] == '5'))
                memcpy(s->error_reply, s->last_reply, sizeof(s->error_reply));
        return 0;
}

enum result mail_session_new(const struct mail_settings *settings, struct mail_session **ret)
{
        struct mail_session *s = calloc(1, sizeof(*s));

        if (!s)
                return RESULT_NOMEM;
        s->set = settings;
        s->curl = curl_easy_init();
        if (!s->curl) {
                free(s);
                return RESULT_NOMEM;
        }
        *ret = s;
        return RESULT_OK;
}

long mail_session_connections(const struct mail_session *s)
{
        return s ? s->connections : 0;
}

void mail_session_free(struct mail_session *s)
{
        if (!s)
                return;
        curl_easy_cleanup(s->curl);   /* says QUIT on a connection still open */
        free(s);
}

/* The options every transfer of the session shares. */
static void set_common(struct mail_session *s, CURL *c)
{
        const struct mail_settings *set = s->set;

        curl_easy_reset(c);
        curl_easy_setopt(c, CURLOPT_URL, set->url);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, set->timeout_ms);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, set->timeout_ms < 10000 ? set->timeout_ms : 10000L);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->error);
        curl_easy_setopt(c, CURLOPT_USE_SSL, set->tls_required ? (long)CURLUSESSL_ALL
                                                               : (long)CURLUSESSL_NONE);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
        if (set->ca_file && set->ca_file[0])
                curl_easy_setopt(c, CURLOPT_CAINFO, set->ca_file);
        if (set->user && set->user[0]) {
                curl_easy_setopt(c, CURLOPT_USERNAME, set->user);
                curl_easy_setopt(c, CURLOPT_PASSWORD, set->password ? set->password : "");
        }
        curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
        curl_easy_setopt(c, CURLOPT_DEBUGDATA, s);
        curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);   /* feeds on_debug only */
        s->error[0] = '\0';
        s->last_reply[0] = '\0';
        s->error_reply[0] = '\0';
}

/* The one translation of curl's outcome into ours. */
static void verdict_of(struct mail_session *s, CURLcode code, struct mail_outcome *ret)
{
        long reply = 0;

        curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &reply);
        ret->code = reply;
        if (code == CURLE_OK) {
                ret->verdict = MAIL_ACCEPTED;
                text_copy(ret->reply, sizeof(ret->reply), s->last_reply);
                return;
        }
        switch (code) {
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_USE_SSL_FAILED:
        case CURLE_LOGIN_DENIED:
                /* Configuration, not weather: retrying cannot help. */
                ret->verdict = MAIL_REJECTED;
                break;
        default:
                ret->verdict = reply >= 500 && reply < 600 ? MAIL_REJECTED : MAIL_RETRY;
        }
        if (code == CURLE_PEER_FAILED_VERIFICATION)
                snprintf(ret->reply, sizeof(ret->reply), "TLS certificate did not verify: %.200s",
                         s->error[0] ? s->error : curl_easy_strerror(code));
        else if (code == CURLE_USE_SSL_FAILED)
                snprintf(ret->reply, sizeof(ret->reply), "the server does not offer STARTTLS "
                                                         "(AGENTDESK_SMTP_TLS=required)");
        else if (s->error_reply[0])
                text_copy(ret->reply, sizeof(ret->reply), s->error_reply);
        else
                snprintf(ret->reply, sizeof(ret->reply), "%.240s",
                         s->error[0] ? s->error : curl_easy_strerror(code));
}

static enum result add_part(curl_mime *mime, const char *data, const char *type)
{
        curl_mimepart *part = curl_mime_addpart(mime);

        if (!part || curl_mime_data(part, data, CURL_ZERO_TERMINATED) != CURLE_OK ||
            curl_mime_type(part, type) != CURLE_OK ||
            curl_mime_encoder(part, "quoted-printable") != CURLE_OK)
                return RESULT_NOMEM;
        return RESULT_OK;
}

enum result mail_send(struct mail_session *s, const char *to, const char *to_name,
                      const struct mail_rendered *msg, struct mail_outcome *ret)
{
        struct mail_headers h;
        struct curl_slist *headers = NULL, *rcpt = NULL, *tmp;
        curl_mime *mime = NULL;
        char envelope[300];
        long connects = 0;
        CURLcode code;
        enum result result;

        *ret = (struct mail_outcome){ .verdict = MAIL_REJECTED };
        result = mail_build_headers(s->set->from, to, to_name, msg->subject, time(NULL), &h);
        if (result) {
                text_copy(ret->reply, sizeof(ret->reply),
                          result == RESULT_INVALID ? "not a deliverable address" : "cannot build");
                return result;
        }
        /* The envelope carries the checked addresses in angle brackets. */
        snprintf(envelope, sizeof(envelope), "<%s>", to);
        result = RESULT_NOMEM;
        for (int i = 0; i < h.n; i++) {
                if (!(tmp = curl_slist_append(headers, h.lines[i])))
                        goto out;
                headers = tmp;
        }
        /* The top level is the alternative itself (no mixed wrapper). */
        if (!(tmp = curl_slist_append(headers, "Content-Type: multipart/alternative")))
                goto out;
        headers = tmp;
        if (!(rcpt = curl_slist_append(NULL, envelope)))
                goto out;
        mime = curl_mime_init(s->curl);
        if (!mime || add_part(mime, msg->text, "text/plain; charset=utf-8") ||
            add_part(mime, msg->html, "text/html; charset=utf-8"))
                goto out;

        set_common(s, s->curl);
        curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, s->set->from);
        curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, rcpt);
        curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(s->curl, CURLOPT_MIMEPOST, mime);
        for (int attempt = 0; attempt < 2; attempt++) {
                code = curl_easy_perform(s->curl);
                connects = 0;
                if (curl_easy_getinfo(s->curl, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK)
                        s->connections += connects;
                verdict_of(s, code, ret);
                /* A kept connection the server dropped meanwhile fails
                 * before any reply: once more on a new one. */
                if (!(ret->verdict == MAIL_RETRY && ret->code == 0 && connects == 0))
                        break;
        }
        result = RESULT_OK;
out:
        /* The handle must not keep pointers to what is freed here. */
        curl_easy_setopt(s->curl, CURLOPT_MIMEPOST, NULL);
        curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, NULL);
        curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
        curl_mime_free(mime);
        curl_slist_free_all(headers);
        curl_slist_free_all(rcpt);
        return result;
}

enum result mail_check(const struct mail_settings *settings, struct mail_outcome *ret)
{
        struct mail_session *s = NULL;
        enum result result = mail_session_new(settings, &s);
        CURLcode code;

        if (result)
                return result;
        set_common(s, s->curl);
        /* CONNECT_ONLY stops after the greeting, EHLO, STARTTLS and AUTH. */
        curl_easy_setopt(s->curl, CURLOPT_CONNECT_ONLY, 1L);
        code = curl_easy_perform(s->curl);
        verdict_of(s, code, ret);
        mail_session_free(s);
        return RESULT_OK;
}
