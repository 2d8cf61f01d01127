/* Unit tests of util/ (the settings loader, text checks, the wiping buffer,
 * the buffered log) and of the settings table it loads (settings/). */
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "util/buf.h"
#include "settings/settings.h"
#include "util/cidr.h"
#include "util/config.h"
#include "util/forwarded.h"
#include "util/log.h"
#include "util/text.h"
#include "util/wipe.h"

static void test_config_precedence(void)
{
        char path[] = "/tmp/agentdesk-config-XXXXXX";
        int fd = mkstemp(path);
        FILE *f = fdopen(fd, "w");
        FILE *errs = tmpfile();
        struct settings cfg;
        char *env[] = { "AGENTDESK_LISTEN=127.0.0.1:9000", "AGENTDESK_HARNESS_X=1", "PATH=/bin",
                        NULL };
        struct config_override flag = { "AGENTDESK_DB", "sqlite:/tmp/flag.db" };

        fputs("# comment\nAGENTDESK_DB=sqlite:file.db\nAGENTDESK_LISTEN = 127.0.0.1:7000\n"
              "AGENTDESK_TOKEN_TTL=\"60\"\n",
              f);
        fclose(f);
        CHECK_INT_EQ(settings_load(path, env, &flag, 1, errs, &cfg), RESULT_OK);
        CHECK_STR_EQ(cfg.db, "sqlite:/tmp/flag.db");        /* flag beats file */
        CHECK_STR_EQ(cfg.listen, "127.0.0.1:9000");         /* env beats file */
        CHECK_INT_EQ(cfg.token_ttl, 60);                    /* file beats default */
        CHECK_INT_EQ(cfg.max_body_bytes, 65536);            /* default */
        settings_free(&cfg);
        unlink(path);
        fclose(errs);
}

static void test_config_errors(void)
{
        FILE *errs = tmpfile();
        char buf[512] = { 0 };
        struct settings cfg;
        char *env[] = { "AGENTDESK_LISTEN=nonsense", "AGENTDESK_TOKEN_TTL=abc",
                        "AGENTDESK_DB=mysql://x", NULL };

        CHECK_INT_EQ(settings_load(NULL, env, NULL, 0, errs, &cfg), RESULT_INVALID);
        rewind(errs);
        CHECK(fread(buf, 1, sizeof(buf) - 1, errs) > 0);
        CHECK(strstr(buf, "AGENTDESK_LISTEN") != NULL);
        CHECK(strstr(buf, "AGENTDESK_TOKEN_TTL") != NULL);
        CHECK(strstr(buf, "AGENTDESK_DB") != NULL);
        fclose(errs);
        CHECK_INT_EQ(settings_load("/nonexistent/agentdesk.conf", NULL, NULL, 0, stderr, &cfg),
                     RESULT_IO);
}

/* A line longer than the reader's buffer is refused whole: its tail must
 * not be read as a line of its own (a long comment ending in a setting). */
static void test_config_long_line(void)
{
        char path[] = "/tmp/agentdesk-config-XXXXXX";
        int fd = mkstemp(path);
        FILE *f = fdopen(fd, "w");
        FILE *errs = tmpfile();
        char buf[512] = { 0 };
        struct settings cfg;

        /* 4095 bytes: the tail begins exactly where a 4 KiB read stops. */
        fputc('#', f);
        for (int i = 0; i < 4094; i++)
                fputc('x', f);
        fputs("AGENTDESK_LISTEN=0.0.0.0:1\nAGENTDESK_TOKEN_TTL=60\n", f);
        fclose(f);
        CHECK_INT_EQ(settings_load(path, NULL, NULL, 0, errs, &cfg), RESULT_INVALID);
        rewind(errs);
        CHECK(fread(buf, 1, sizeof(buf) - 1, errs) > 0);
        CHECK(strstr(buf, ":1: line too long") != NULL);
        fclose(errs);

        /* The same without the long line loads, and the next line counts. */
        f = fopen(path, "w");
        fputs("# short\nAGENTDESK_TOKEN_TTL=60\n", f);
        fclose(f);
        CHECK_INT_EQ(settings_load(path, NULL, NULL, 0, stderr, &cfg), RESULT_OK);
        CHECK_STR_EQ(cfg.listen, "127.0.0.1:8080");
        CHECK_INT_EQ(cfg.token_ttl, 60);
        settings_free(&cfg);
        unlink(path);
}

/* An enum setting is parsed through its table of names alone: the loader
 * knows no enum. */
enum shade { SHADE_LIGHT, SHADE_DARK, SHADE_NONE };
struct shades {
        enum shade shade;
        char *label;
};
static const char *const shade_words[] = { "light", "dark", "none" };
static const struct text_names shade_names = { shade_words, 3 };
static const struct config_def shade_defs[] = {
        { "AGENTDESK_SHADE", CONFIG_ENUM, "dark", offsetof(struct shades, shade), false, 0, 0, NULL,
          "a shade", &shade_names, false },
        { "AGENTDESK_LABEL", CONFIG_STRING, "x", offsetof(struct shades, label), false, 0, 0, NULL,
          "a label", NULL, false },
};
static const struct config_table shade_table = { shade_defs, 2, sizeof(struct shades) };

static void test_config_enum(void)
{
        struct shades s;
        FILE *errs = tmpfile();
        char buf[512] = { 0 };
        char *none[] = { "AGENTDESK_SHADE=none", NULL }, *bad[] = { "AGENTDESK_SHADE=Dark", NULL };

        CHECK_INT_EQ(config_load(&shade_table, NULL, NULL, NULL, 0, errs, &s), RESULT_OK);
        CHECK_INT_EQ(s.shade, SHADE_DARK);                  /* the default's index */
        config_free(&shade_table, &s);
        CHECK_INT_EQ(config_load(&shade_table, NULL, none, NULL, 0, errs, &s), RESULT_OK);
        CHECK_INT_EQ(s.shade, SHADE_NONE);
        CHECK(s.label == NULL || !strcmp(s.label, "x"));
        config_free(&shade_table, &s);
        CHECK(s.label == NULL);
        CHECK_INT_EQ(config_load(&shade_table, NULL, bad, NULL, 0, errs, &s), RESULT_INVALID);
        CHECK(s.label == NULL && s.shade == 0);             /* left zeroed */
        rewind(errs);
        CHECK(fread(buf, 1, sizeof(buf) - 1, errs) > 0);
        CHECK(strstr(buf, "AGENTDESK_SHADE: must be light, dark or none\n") != NULL);
        fclose(errs);
        CHECK_STR_EQ(text_names_name(&shade_names, SHADE_NONE), "none");
        CHECK_STR_EQ(text_names_name(&shade_names, 3), "?");
        CHECK_STR_EQ(text_names_name(&shade_names, -1), "?");
        CHECK_INT_EQ(text_names_index(&shade_names, "light"), SHADE_LIGHT);
}

/* The settings' own enum rows name the model's tables. */
static void test_settings_enums(void)
{
        struct settings cfg;
        FILE *errs = tmpfile();
        char buf[512] = { 0 };
        char *files[] = { "AGENTDESK_FS_MODE=files", "AGENTDESK_FS_CONF_DIR=/tmp/fs", NULL };
        char *ssh_alone[] = { "AGENTDESK_FS_MODE=ssh", NULL };
        char *bad[] = { "AGENTDESK_FS_MODE=sftp", "AGENTDESK_SMTP_TLS=optional", NULL };

        CHECK_INT_EQ(settings_load(NULL, NULL, NULL, 0, errs, &cfg), RESULT_OK);
        CHECK_INT_EQ(cfg.fs_mode, FS_MODE_XML_CURL);
        CHECK_INT_EQ(cfg.smtp_tls, SMTP_TLS_REQUIRED);
        CHECK(!cfg.mail_on && cfg.mail.tls_required);
        settings_free(&cfg);
        CHECK_INT_EQ(settings_load(NULL, files, NULL, 0, errs, &cfg), RESULT_OK);
        CHECK_INT_EQ(cfg.fs_mode, FS_MODE_FILES);
        settings_free(&cfg);
        CHECK_INT_EQ(settings_load(NULL, ssh_alone, NULL, 0, errs, &cfg), RESULT_INVALID);
        CHECK_INT_EQ(settings_load(NULL, bad, NULL, 0, errs, &cfg), RESULT_INVALID);
        rewind(errs);
        CHECK(fread(buf, 1, sizeof(buf) - 1, errs) > 0);
        CHECK(strstr(buf, "AGENTDESK_FS_CONF_DIR: required when AGENTDESK_FS_MODE is ssh\n"));
        CHECK(strstr(buf, "AGENTDESK_FS_MODE: must be xml_curl, files or ssh\n"));
        CHECK(strstr(buf, "AGENTDESK_SMTP_TLS: must be required or none\n"));
        fclose(errs);
}

static void test_host_port(void)
{
        char host[64];
        unsigned port;

        CHECK(config_split_host_port("127.0.0.1:8080", host, sizeof(host), &port));
        CHECK_STR_EQ(host, "127.0.0.1");
        CHECK_INT_EQ(port, 8080);
        CHECK(config_split_host_port("[::1]:0", host, sizeof(host), &port));
        CHECK_STR_EQ(host, "::1");
        CHECK(!config_split_host_port("127.0.0.1", host, sizeof(host), &port));
        CHECK(!config_split_host_port("127.0.0.1:99999", host, sizeof(host), &port));
        CHECK(!config_split_host_port(":80", host, sizeof(host), &port));
}

static void test_text(void)
{
        size_t chars;
        char out[16];

        CHECK(text_utf8_valid("Zoë 山田", strlen("Zoë 山田"), &chars));
        CHECK_INT_EQ(chars, 6);
        CHECK(!text_utf8_valid("\xc3\x28", 2, NULL));          /* bad continuation */
        CHECK(!text_utf8_valid("\xc0\xaf", 2, NULL));          /* overlong */
        CHECK(!text_utf8_valid("\xed\xa0\x80", 3, NULL));      /* surrogate */
        CHECK(!text_utf8_valid("\xe4\xb8", 2, NULL));          /* truncated */
        CHECK(!text_utf8_valid("a\0b", 3, NULL));               /* NUL */
        CHECK(text_name_valid("O'Brien \"/><x", 100));
        CHECK(!text_name_valid("   ", 100));
        CHECK(!text_name_valid("", 100));
        /* FreeSWITCH variables, which a name would carry into caller-ID. */
        CHECK(!text_name_valid("$${default_password} $${hostname}", 100));
        CHECK(!text_name_valid("a ${sip_from_user}", 100));
        CHECK(text_name_valid("Cash $ {not a variable} $", 100));
        /* Bidirectional formatting characters: U+202E, U+200F, U+2066, U+061C. */
        CHECK(!text_name_valid("abc\xe2\x80\xaegpj.exe", 100));
        CHECK(!text_name_valid("\xe2\x80\x8fname", 100));
        CHECK(!text_name_valid("x\xe2\x81\xa6y", 100));
        CHECK(!text_name_valid("\xd8\x9cname", 100));
        /* Their neighbours are letters and punctuation like any other. */
        CHECK(text_name_valid("\xe2\x80\x94 dash \xe2\x81\xa5 \xd8\xa8", 100));
        CHECK(text_email_valid("john.doe+cc@acme-corp.example"));
        CHECK(!text_email_valid("john@localhost"));
        CHECK(!text_email_valid("a@@b.com"));
        CHECK(!text_email_valid("a..b@c.com"));
        CHECK(!text_email_valid("'; DROP TABLE users;--@x.com"));
        text_slug(out, sizeof(out), "Acme  Corp!");
        CHECK_STR_EQ(out, "acme-corp");
        text_slug(out, sizeof(out), "山田");
        CHECK_STR_EQ(out, "tenant");
        text_copy(out, 4, "a山");  /* 'a' + 3 bytes: cut before the partial character */
        CHECK_STR_EQ(out, "a");
}

/* One check per kind of value, for settings and API alike. */
static void test_value_checks(void)
{
        static const char *const domains[] = { "pbx.example.com", "127.0.0.1", "[::1]",
                                               "[2001:db8::1]", "a-b.c", "x", NULL };
        static const char *const not_domains[] = { "", ".example", "-x", "a b", "a:5060", "[::1",
                                                   "[]", "[zz::1]", "exa_mple", "a\nb", NULL };
        static const char *const urls[] = { "wss://pbx.example:7443", "ws://127.0.0.1:5066",
                                            "wss://[::1]:7443/ws", "wss://pbx.example/ws?x=1@2",
                                            "ws://198.51.100.7:65535", NULL };
        static const char *const not_urls[] = { "", "ws://", "wss://", "http://x", "wss://a b",
                                                "wss://x\"><script>", "WSS://x", "wss://*",
                                                "wss://*.example", "wss://user:pw@pbx.example",
                                                "wss://@pbx.example", "wss://pbx.example:0",
                                                "wss://pbx.example:65536", "wss://pbx.example:",
                                                "wss://:7443", "wss://[::1", "wss:///ws",
                                                "wss://pbx.example:74x3/ws", NULL };

        for (const char *const *d = domains; *d; d++)
                CHECK(text_sip_domain_valid(*d));
        for (const char *const *d = not_domains; *d; d++)
                CHECK(!text_sip_domain_valid(*d));
        for (const char *const *u = urls; *u; u++)
                CHECK(text_websocket_url_valid(*u));
        for (const char *const *u = not_urls; *u; u++)
                CHECK(!text_websocket_url_valid(*u));
        /* one word of a command line to FreeSWITCH */
        CHECK(text_word_valid("2001"));
        CHECK(text_word_valid("f54d2a04-1cad-452e-94c3-a20e86b88c57"));
        CHECK(text_word_valid("a.example_1"));
        CHECK(!text_word_valid(""));
        CHECK(!text_word_valid("a b"));
        CHECK(!text_word_valid("x&eavesdrop(all)"));
        CHECK(!text_word_valid("{x=1}"));
        CHECK(!text_word_valid("é"));
}

static void test_wipe_buf(void)
{
        struct wipe_buf b = { 0 }, capped = { .limit = 2048 };
        char chunk[700];
        char *s;

        memset(chunk, 'x', sizeof(chunk));
        CHECK(wipe_buf_take(&b) == NULL);          /* nothing appended */
        for (int i = 0; i < 10; i++)               /* grows past its first blocks */
                wipe_buf_add(&b, chunk, sizeof(chunk));
        wipe_buf_puts(&b, "end");
        s = wipe_buf_take(&b);
        CHECK(s && strlen(s) == 10 * sizeof(chunk) + 3 && !strcmp(s + 7000, "end"));
        CHECK(b.s == NULL && b.len == 0);
        wipe_free_string(s);
        for (int i = 0; i < 3; i++)                /* past its limit: dropped */
                wipe_buf_add(&capped, chunk, sizeof(chunk));
        CHECK(capped.failed);
        CHECK(wipe_buf_take(&capped) == NULL && capped.s == NULL && capped.limit == 2048);
}

/* The cap holds exactly, a refused append changes nothing, and the bytes
 * stay NUL-terminated across growth. */
static void test_buf(void)
{
        struct buf b;
        char chunk[700];

        memset(chunk, 'c', sizeof(chunk));
        buf_init(&b, 2000);
        CHECK_INT_EQ(buf_append(&b, chunk, sizeof(chunk)), RESULT_OK);
        CHECK_INT_EQ(buf_append(&b, chunk, sizeof(chunk)), RESULT_OK);
        CHECK_INT_EQ(buf_append(&b, chunk, sizeof(chunk)), RESULT_TOO_BIG);
        CHECK_INT_EQ(b.len, 1400);
        CHECK_INT_EQ(buf_append(&b, chunk, 600), RESULT_OK);
        CHECK_INT_EQ(b.len, 2000);
        CHECK_INT_EQ(b.data[2000], '\0');
        CHECK_INT_EQ(buf_append(&b, "x", 1), RESULT_TOO_BIG);
        CHECK_INT_EQ(buf_append(&b, "", 0), RESULT_OK);
        buf_free(&b);
        CHECK(b.data == NULL && b.len == 0 && b.max == 2000);
}

#define LOG_THREADS 4
#define LOG_LINES 20000                  /* each: several buffers' worth */

static void *log_lines(void *arg)
{
        int id = (int)(intptr_t)arg;

        for (int i = 0; i < LOG_LINES; i++) {
                if (i % 997 == 0)
                        log_write(LOG_LEVEL_WARN, "test", "t%d n%d urgent", id, i);
                else
                        log_write(LOG_LEVEL_INFO, "test", "t%d n%d %s", id, i,
                                  "padding padding padding padding padding padding");
        }
        return NULL;
}

/* Buffered, several threads at once, full buffers and urgent lines among
 * them: every line comes out once, whole, each thread's in its order. */
static void test_log_buffered(void)
{
        char path[] = "/tmp/agentdesk-log-XXXXXX", line[256];
        int fd = mkstemp(path), saved = dup(STDERR_FILENO), next[LOG_THREADS] = { 0 };
        pthread_t threads[LOG_THREADS];
        int total = 0, bad = 0;
        FILE *f;

        CHECK(fd >= 0 && saved >= 0);
        if (fd < 0 || saved < 0)
                return;
        dup2(fd, STDERR_FILENO);
        log_buffered_start();
        for (int t = 0; t < LOG_THREADS; t++)
                pthread_create(&threads[t], NULL, log_lines, (void *)(intptr_t)t);
        for (int t = 0; t < LOG_THREADS; t++)
                pthread_join(threads[t], NULL);
        log_buffered_stop();
        dup2(saved, STDERR_FILENO);
        close(saved);
        f = fdopen(fd, "r");
        CHECK(f != NULL);
        if (!f)
                return;
        rewind(f);
        while (fgets(line, sizeof(line), f)) {
                const char *p = strstr(line, " test: t");
                int id = -1, n = -1;
                if (!p || sscanf(p, " test: t%d n%d", &id, &n) != 2 || id < 0 ||
                    id >= LOG_THREADS || n != next[id] || line[strlen(line) - 1] != '\n') {
                        if (bad++ < 3)
                                fprintf(stderr, "log line out of place: %s", line);
                        continue;
                }
                next[id]++;
                total++;
        }
        fclose(f);
        unlink(path);
        CHECK_INT_EQ(bad, 0);
        CHECK_INT_EQ(total, LOG_THREADS * LOG_LINES);
}

/* The JSON line's exact bytes: quotes, backslashes, control characters
 * escaped, UTF-8 kept, bytes that are not UTF-8 (a lone continuation, an
 * overlong '/', a surrogate) as U+FFFD; a message too long for the line
 * is cut at a character, the object still closed. */
static void test_log_json(void)
{
        static const char want[] = "a\\\"b\\\\c\\nd\\t\\u0001\\u007f Zo\xc3\xab \xe5\xb1\xb1 \\ufffd "
                                   "\\ufffd\\ufffd \\ufffd\\ufffd\\ufffd|\"}\n{\"time\":";
        char path[] = "/tmp/agentdesk-log-XXXXXX", text[4096], long_msg[3000];
        int fd = mkstemp(path), saved = dup(STDERR_FILENO);
        const char *p;
        size_t n;

        CHECK(fd >= 0 && saved >= 0);
        if (fd < 0 || saved < 0)
                return;
        dup2(fd, STDERR_FILENO);
        log_json = true;
        log_write(LOG_LEVEL_WARN, "test", "a\"b\\c\nd\t\x01\x7f Zo\xc3\xab \xe5\xb1\xb1 \x80 \xc0\xaf \xed\xa0\x80|");
        memset(long_msg, 'x', sizeof(long_msg) - 1);
        memcpy(long_msg + 1500, "\xe5\xb1\xb1\xe5\xb1\xb1", 6);
        long_msg[sizeof(long_msg) - 1] = '\0';
        log_write(LOG_LEVEL_INFO, "test", "%s", long_msg);
        log_json = false;
        dup2(saved, STDERR_FILENO);
        close(saved);
        n = (size_t)pread(fd, text, sizeof(text) - 1, 0);
        close(fd);
        unlink(path);
        text[n < sizeof(text) ? n : 0] = '\0';
        CHECK(!strncmp(text, "{\"time\":\"", 9));
        p = strstr(text, "Z\",\"level\":\"warn\",\"area\":\"test\",\"msg\":\"");
        CHECK(p != NULL);
        if (!p)
                return;
        p = strstr(p, "\"msg\":\"") + 7;
        CHECK(!strncmp(p, want, strlen(want)));
        p = strchr(p, '\n') + 1;
        CHECK(strstr(p, "\"level\":\"info\",\"area\":\"test\",\"msg\":\"xxx") != NULL);
        CHECK(strstr(p, "x\xe5\xb1\xb1\xe5\xb1\xb1x") != NULL);
        CHECK(strlen(p) < 2048 && !strcmp(p + strlen(p) - 4, "x\"}\n"));
}

static void test_dates(void)
{
        char out[32];
        int64_t day = -1;

        CHECK(text_date_parse("1970-01-01", &day));
        CHECK_INT_EQ(day, 0);
        CHECK(text_date_parse("2026-11-28", &day));
        CHECK_INT_EQ(day, 1795850954 / 86400);   /* a timestamp of that day */
        text_date_format(day, out, sizeof(out));
        CHECK_STR_EQ(out, "2026-11-28");
        CHECK(text_date_parse("2024-02-29", &day));
        text_date_format(day + 1, out, sizeof(out));
        CHECK_STR_EQ(out, "2024-03-01");
        CHECK(text_date_parse("2000-02-29", &day));
        /* Every day of 1970-2100 goes round. */
        for (int64_t d = 0; d < 47847; d++) {
                int64_t back = -1;

                text_date_format(d, out, sizeof(out));
                CHECK(text_date_parse(out, &back) && back == d);
        }
        day = 7;
        CHECK(!text_date_parse("2023-02-29", &day));
        CHECK(!text_date_parse("1900-02-29", &day));
        CHECK(!text_date_parse("2026-13-01", &day));
        CHECK(!text_date_parse("2026-04-31", &day));
        CHECK(!text_date_parse("2026-00-10", &day));
        CHECK(!text_date_parse("2026-1-01", &day));
        CHECK(!text_date_parse("2026-01-01T", &day));
        CHECK(!text_date_parse("+026-01-01", &day));
        CHECK(!text_date_parse("1969-12-31", &day));
        CHECK(!text_date_parse("", &day));
        CHECK(!text_date_parse(NULL, &day));
        CHECK_INT_EQ(day, 7);
        text_time_iso(1795850954, out, sizeof(out));
        CHECK_STR_EQ(out, "2026-11-28T07:29:14Z");
}

/* X-Forwarded-For behind trusted proxies: only what a trusted hop wrote
 * is believed, and anything odd falls back to the peer or the last
 * trusted hop, never to an address an untrusted sender wrote. */
static void test_forwarded(void)
{
        static const char *const many =
                "192.0.2.1,192.0.2.2,192.0.2.3,192.0.2.4,192.0.2.5,192.0.2.6,192.0.2.7,"
                "192.0.2.8,192.0.2.9,192.0.2.10,192.0.2.11,192.0.2.12,192.0.2.13,"
                "192.0.2.14,192.0.2.15,192.0.2.16,203.0.113.7";
        static const struct {
                const char *peer, *xff;
                bool repeated;
                const char *want;
        } cases[] = {
                /* An untrusted peer's header is ignored. */
                { "203.0.113.9", "198.51.100.7", false, "203.0.113.9" },
                { "192.0.2.201", "198.51.100.7", false, "192.0.2.201" },      /* outside 192.0.2.200/32 */
                /* One trusted hop. */
                { "127.0.0.1", "198.51.100.7", false, "198.51.100.7" },
                { "127.0.0.1", NULL, false, "127.0.0.1" },
                { "::1", " 2001:db8::7 ", false, "2001:db8::7" },
                /* A chain of trusted hops; spoofed entries to the left of
                 * the first untrusted one are not read. */
                { "127.0.0.1", "198.51.100.7, 192.0.2.200", false, "198.51.100.7" },
                { "127.0.0.1", "6.6.6.6, 198.51.100.7, 192.0.2.200", false, "198.51.100.7" },
                { "127.0.0.1", "127.0.0.1, 198.51.100.7", false, "198.51.100.7" },
                { "127.0.0.1", "garbage, 198.51.100.7", false, "198.51.100.7" },
                { "127.0.0.1", "[::1]:80, 198.51.100.7", false, "198.51.100.7" },
                /* All trusted: the leftmost hop. */
                { "127.0.0.1", "192.0.2.200, 127.0.0.2", false, "192.0.2.200" },
                /* Canonical form: one address has one spelling. */
                { "127.0.0.1", "2001:DB8:0:0::7", false, "2001:db8::7" },
                /* Malformed entries stop at the last trusted hop. */
                { "127.0.0.1", "", false, "127.0.0.1" },
                { "127.0.0.1", " ", false, "127.0.0.1" },
                { "127.0.0.1", "198.51.100.7,", false, "127.0.0.1" },
                { "127.0.0.1", "198.51.100.7,,192.0.2.200", false, "192.0.2.200" },
                { "127.0.0.1", "198.51.100.7, garbage", false, "127.0.0.1" },
                { "127.0.0.1", "198.51.100.7:4321", false, "127.0.0.1" },
                { "127.0.0.1", "[2001:db8::7]", false, "127.0.0.1" },
                { "127.0.0.1", "fe80::1%eth0", false, "127.0.0.1" },
                { "127.0.0.1", "198.051.100.7", false, "127.0.0.1" },
                { "127.0.0.1", "198.51.100", false, "127.0.0.1" },
                { "127.0.0.1", "unknown", false, "127.0.0.1" },
                { "127.0.0.1", "198.51.100.7 203.0.113.1", false, "127.0.0.1" },
                { "127.0.0.1", "198.51.100.7;for=1.2.3.4", false, "127.0.0.1" },
                { "127.0.0.1", "198.51.100.7\n", false, "127.0.0.1" },
                /* Repeated or oversized headers are not read at all. */
                { "127.0.0.1", "198.51.100.7", true, "127.0.0.1" },
                { "127.0.0.1", many, false, "127.0.0.1" },
                { "127.0.0.1", many + 10, false, "203.0.113.7" },     /* 16 entries */
        };
        struct cidr_list trusted, none;
        char got[FORWARDED_ADDR_SIZE], long_xff[FORWARDED_MAX_LEN + 2];

        CHECK(cidr_list_parse("127.0.0.0/8, ::1, 192.0.2.200", &trusted));
        CHECK(cidr_list_parse("", &none));
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                forwarded_client(&trusted, cases[i].peer, cases[i].xff, cases[i].repeated, got);
                if (strcmp(got, cases[i].want) != 0)
                        fprintf(stderr, "forwarded case %zu: got %s, want %s\n", i, got,
                                cases[i].want);
                CHECK(strcmp(got, cases[i].want) == 0);
        }
        /* No list: the header is ignored. */
        forwarded_client(&none, "127.0.0.1", "198.51.100.7", false, got);
        CHECK(strcmp(got, "127.0.0.1") == 0);
        forwarded_client(NULL, "127.0.0.1", "198.51.100.7", false, got);
        CHECK(strcmp(got, "127.0.0.1") == 0);
        /* Over FORWARDED_MAX_LEN bytes: not read, even with few entries. */
        memset(long_xff, ' ', sizeof(long_xff));
        memcpy(long_xff + sizeof(long_xff) - 14, "198.51.100.7", 12);
        long_xff[sizeof(long_xff) - 2] = ' ';
        long_xff[sizeof(long_xff) - 1] = '\0';
        forwarded_client(&trusted, "127.0.0.1", long_xff, false, got);
        CHECK(strcmp(got, "127.0.0.1") == 0);
        long_xff[sizeof(long_xff) - 2] = '\0';              /* FORWARDED_MAX_LEN exactly */
        forwarded_client(&trusted, "127.0.0.1", long_xff, false, got);
        CHECK(strcmp(got, "198.51.100.7") == 0);
}

int main(void)
{
        test_forwarded();
        test_log_buffered();
        test_log_json();
        test_buf();
        test_dates();
        test_wipe_buf();
        test_value_checks();
        test_config_precedence();
        test_config_errors();
        test_config_long_line();
        test_config_enum();
        test_settings_enums();
        test_host_port();
        test_text();
        return CHECK_DONE();
}
