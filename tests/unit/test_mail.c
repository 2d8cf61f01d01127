/* Unit tests of mail/: templates, RFC 2047 words, header-injection
 * safety, and the mail settings' checks. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mail/mail.h"
#include "settings/settings.h"
#include "util/config.h"

/* Decodes the B encoded words of s into out (test helper: trusts its input). */
static void decode_words(const char *s, char *out, size_t size)
{
        static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        size_t o = 0;

        while ((s = strstr(s, "=?UTF-8?B?")) != NULL) {
                unsigned v = 0;
                int bits = 0;
                s += 10;
                for (; *s && *s != '?'; s++) {
                        const char *p = strchr(b64, *s);
                        if (*s == '=' || !p)
                                continue;
                        v = v << 6 | (unsigned)(p - b64);
                        bits += 6;
                        if (bits >= 8) {
                                bits -= 8;
                                if (o + 1 < size)
                                        out[o++] = (char)(v >> bits & 0xff);
                        }
                }
        }
        out[o] = '\0';
}

static bool no_controls(const char *s)
{
        for (; *s; s++)
                if ((unsigned char)*s < 0x20 || *s == 0x7f)
                        return false;
        return true;
}

static void test_words(void)
{
        char out[MAIL_HEADER_MAX], back[MAIL_HEADER_MAX];

        mail_encode_words("Welcome to Acme", out, sizeof(out));
        CHECK_STR_EQ(out, "Welcome to Acme");
        mail_encode_words("Bienvenue chez Société Générale", out, sizeof(out));
        CHECK(strncmp(out, "=?UTF-8?B?", 10) == 0);
        decode_words(out, back, sizeof(back));
        CHECK_STR_EQ(back, "Bienvenue chez Société Générale");
        /* Looks like an encoded word: encoded, so it reads as typed. */
        mail_encode_words("=?UTF-8?B?SGk=?=", out, sizeof(out));
        decode_words(out, back, sizeof(back));
        CHECK_STR_EQ(back, "=?UTF-8?B?SGk=?=");
        /* Long text: words of at most 75 characters, never a split character. */
        char long_text[400] = "";
        for (int i = 0; i < 100; i++)
                strcat(long_text, "é");
        mail_encode_words(long_text, out, sizeof(out));
        decode_words(out, back, sizeof(back));
        CHECK_STR_EQ(back, long_text);
        for (char *w = out, *sp; *w; w = sp + 1) {
                sp = strchr(w, ' ');
                size_t len = sp ? (size_t)(sp - w) : strlen(w);
                CHECK(len <= 75);
                if (!sp)
                        break;
        }
        /* Too long for the buffer: cut between whole words. */
        mail_encode_words(long_text, out, 100);
        CHECK(strlen(out) < 100 && strcmp(out + strlen(out) - 2, "?=") == 0);
}

static void test_headers_injection(void)
{
        struct mail_headers h;
        char back[MAIL_HEADER_MAX];

        CHECK_INT_EQ(mail_build_headers("noreply@agentdesk.example", "john@acme.example",
                                        "John\r\nBcc: victim@evil.example", "Hi\r\nX-Evil: 1",
                                        1795000000, &h),
                     RESULT_OK);
        CHECK_INT_EQ(h.n, 6);
        for (int i = 0; i < h.n; i++) {
                CHECK(no_controls(h.lines[i]));
                CHECK(strncasecmp(h.lines[i], "Bcc", 3) != 0);
                CHECK(strncasecmp(h.lines[i], "X-Evil", 6) != 0);
        }
        CHECK_STR_EQ(h.lines[0], "From: <noreply@agentdesk.example>");
        CHECK_STR_EQ(h.lines[2], "Subject: Hi  X-Evil: 1");
        /* The name holds specials (':' '@'), so it is one encoded phrase. */
        CHECK(strncmp(h.lines[1], "To: =?UTF-8?B?", 14) == 0);
        CHECK(strstr(h.lines[1], " <john@acme.example>") != NULL);
        decode_words(h.lines[1], back, sizeof(back));
        CHECK_STR_EQ(back, "John  Bcc: victim@evil.example");
        CHECK_STR_EQ(h.lines[3], "Date: Wed, 18 Nov 2026 11:06:40 +0000");
        CHECK(strncmp(h.lines[4], "Message-ID: <", 13) == 0 &&
              strstr(h.lines[4], "@agentdesk.example>") != NULL);
        CHECK_STR_EQ(h.lines[5], "MIME-Version: 1.0");

        /* An address with a line break or angle bracket is refused. */
        CHECK_INT_EQ(mail_build_headers("noreply@agentdesk.example", "a@b.example\r\nBcc: x@y.z",
                                        "", "s", 0, &h),
                     RESULT_INVALID);
        CHECK_INT_EQ(mail_build_headers("noreply@agentdesk.example", "a@b.example>, <x@y.example",
                                        "", "s", 0, &h),
                     RESULT_INVALID);
        CHECK_INT_EQ(mail_build_headers("bad from@x.example", "a@b.example", "", "s", 0, &h),
                     RESULT_INVALID);

        /* A very long non-ASCII name and subject still make single lines. */
        char huge[2000] = "";
        for (int i = 0; i < 400; i++)
                strcat(huge, "ж");
        CHECK_INT_EQ(mail_build_headers("noreply@agentdesk.example", "a@b.example", huge, huge, 0,
                                        &h),
                     RESULT_OK);
        for (int i = 0; i < h.n; i++) {
                CHECK(strlen(h.lines[i]) <= 998);
                CHECK(no_controls(h.lines[i]));
        }
        /* A plain name goes as it is. */
        CHECK_INT_EQ(mail_build_headers("noreply@agentdesk.example", "a@b.example", "Ann Lee", "s",
                                        0, &h),
                     RESULT_OK);
        CHECK_STR_EQ(h.lines[1], "To: Ann Lee <a@b.example>");
}

static void test_render(void)
{
        struct mail_rendered r;
        struct mail_vars v = { .first_name = "<b>Eve</b> & co", .tenant = "Acme \"Corp\"",
                               .link = "https://desk.example/set-password#token=abc",
                               .expires = "in 3 days" };

        CHECK_INT_EQ(mail_render(MAIL_INVITATION, &v, &r), RESULT_OK);
        CHECK_STR_EQ(r.subject, "Your Acme \"Corp\" agent account");
        CHECK(strstr(r.text, "Hello <b>Eve</b> & co,") != NULL);
        CHECK(strstr(r.text, "https://desk.example/set-password#token=abc") != NULL);
        CHECK(strstr(r.html, "&lt;b&gt;Eve&lt;/b&gt; &amp; co") != NULL);
        CHECK(strstr(r.html, "<b>Eve") == NULL);
        CHECK(strstr(r.html, "Acme &quot;Corp&quot;") != NULL);
        CHECK(strstr(r.html, "href=\"https://desk.example/set-password#token=abc\"") != NULL);
        CHECK(strstr(r.text, "{{") == NULL && strstr(r.html, "{{") == NULL);
        mail_rendered_free(&r);

        /* A tenant name with a line break cannot break the subject. */
        v.tenant = "Acme\r\nBcc: x@evil.example";
        CHECK_INT_EQ(mail_render(MAIL_PASSWORD_RESET, &v, &r), RESULT_OK);
        CHECK(no_controls(r.subject));
        mail_rendered_free(&r);
        CHECK_INT_EQ(mail_render(MAIL_PASSWORD_CHANGED, &v, &r), RESULT_OK);
        CHECK(strstr(r.text, "{{link}}") == NULL);
        mail_rendered_free(&r);

        enum mail_template t;
        CHECK(mail_template_parse("password_reset", &t) && t == MAIL_PASSWORD_RESET);
        CHECK(!mail_template_parse("nope", &t));
        CHECK_STR_EQ(mail_template_name(MAIL_INVITATION), "invitation");
}

static int load(char **env, struct settings *cfg)
{
        FILE *errs = tmpfile();
        int r = settings_load(NULL, env, NULL, 0, errs, cfg);

        fclose(errs);
        return r;
}

static void test_settings(void)
{
        struct settings cfg;
        char *off[] = { NULL };
        char *ok[] = { "AGENTDESK_SMTP_URL=smtp://mail.example:587",
                       "AGENTDESK_MAIL_FROM=noreply@desk.example",
                       "AGENTDESK_PUBLIC_URL=https://desk.example", NULL };
        char *plain_remote[] = { "AGENTDESK_SMTP_URL=smtp://mail.example:25", "AGENTDESK_SMTP_TLS=none",
                                 "AGENTDESK_MAIL_FROM=noreply@desk.example",
                                 "AGENTDESK_PUBLIC_URL=https://desk.example", NULL };
        char *plain_local[] = { "AGENTDESK_SMTP_URL=smtp://127.0.0.1:2525", "AGENTDESK_SMTP_TLS=none",
                                "AGENTDESK_MAIL_FROM=noreply@desk.example",
                                "AGENTDESK_PUBLIC_URL=https://desk.example", NULL };
        char *no_from[] = { "AGENTDESK_SMTP_URL=smtp://mail.example:587", NULL };
        char *bad_url[] = { "AGENTDESK_SMTP_URL=http://mail.example", NULL };

        CHECK_INT_EQ(load(off, &cfg), RESULT_OK);
        CHECK_STR_EQ(cfg.smtp_url, "");
        CHECK_INT_EQ(cfg.smtp_tls, SMTP_TLS_REQUIRED);
        CHECK(!cfg.mail_on);
        CHECK_INT_EQ(cfg.invite_ttl, 259200);
        settings_free(&cfg);
        CHECK_INT_EQ(load(ok, &cfg), RESULT_OK);
        CHECK(cfg.mail_on && cfg.mail.tls_required && !strcmp(cfg.mail.url, cfg.smtp_url) &&
              !strcmp(cfg.mail.from, "noreply@desk.example"));
        settings_free(&cfg);
        CHECK_INT_EQ(load(plain_remote, &cfg), RESULT_INVALID);
        CHECK_INT_EQ(load(plain_local, &cfg), RESULT_OK);
        CHECK(!cfg.mail.tls_required);
        settings_free(&cfg);
        CHECK_INT_EQ(load(no_from, &cfg), RESULT_INVALID);
        CHECK_INT_EQ(load(bad_url, &cfg), RESULT_INVALID);

        char host[64];
        CHECK(config_url_host("smtp://[::1]:25", host, sizeof(host)) && !strcmp(host, "::1"));
        CHECK(config_host_is_loopback(host));
        CHECK(config_url_host("smtps://mail.example", host, sizeof(host)) &&
              !strcmp(host, "mail.example"));
        CHECK(!config_host_is_loopback(host));
}

int main(void)
{
        test_words();
        test_headers_injection();
        test_render();
        test_settings();
        return CHECK_DONE();
}
