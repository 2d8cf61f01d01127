/*
 * mod_xml_curl answers. Documents follow docs/freeswitch.md: the user
 * element as mod_sofia expects it (password or a1-hash, dial-string as a
 * domain param), contexts as mod_dialplan_xml expects them.
 */
#include "freeswitch/xml.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "util/wipe.h"

static const char not_found[] =
        "<document type=\"freeswitch/xml\">\n"
        "  <section name=\"result\">\n"
        "    <result status=\"not found\"/>\n"
        "  </section>\n"
        "</document>\n";

const char *fs_xml_not_found(void)
{
        return not_found;
}

/* Documents are written into a struct wipe_buf (util/wipe.h): a user
 * document holds a SIP secret, and it is on the directory's hot path, so
 * no stdio stream in between. doc_printf appends short formatted text
 * (numbers). */
static void doc_printf(struct wipe_buf *d, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void doc_printf(struct wipe_buf *d, const char *fmt, ...)
{
        char text[512];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(text, sizeof(text), fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t)n >= sizeof(text))
                d->failed = true;        /* only short numbers are printed */
        else
                wipe_buf_add(d, text, (size_t)n);
}

/* The bytes that do not go into an attribute value as they are: markup,
 * C0 controls (tab, newline and return are written as references, the
 * others are not allowed in XML 1.0 and are dropped), and 0xEF, which
 * starts U+FFFE and U+FFFF (UTF-8 EF BF BE/BF), the two other code points
 * of valid UTF-8 that XML 1.0 does not allow (its Char production): they
 * are dropped too. And '$': FreeSWITCH replaces "$${name}" with its
 * global variable in the text of a document before it parses it as XML,
 * so a '$' written "&#36;" is only turned back into '$' by the parser,
 * after that expansion. NUL ends the string. */
static const bool escaped[256] = {
        [0] = true, [0x01 ... 0x1f] = true,
        ['&'] = true, ['<'] = true, ['>'] = true, ['"'] = true, ['\''] = true, ['$'] = true,
        [0xef] = true,
};

/* Writes s escaped for an XML attribute value, in runs. */
static void put_escaped(struct wipe_buf *out, const char *s)
{
        while (s && *s) {
                size_t run = 0;

                while (!escaped[(unsigned char)s[run]])
                        run++;
                wipe_buf_add(out, s, run);
                s += run;
                switch (*s) {
                case '\0': return;
                case '&': wipe_buf_puts(out, "&amp;"); break;
                case '<': wipe_buf_puts(out, "&lt;"); break;
                case '>': wipe_buf_puts(out, "&gt;"); break;
                case '"': wipe_buf_puts(out, "&quot;"); break;
                case '\'': wipe_buf_puts(out, "&apos;"); break;
                case '$': wipe_buf_puts(out, "&#36;"); break;
                case '\t': wipe_buf_puts(out, "&#9;"); break;
                case '\n': wipe_buf_puts(out, "&#10;"); break;
                case '\r': wipe_buf_puts(out, "&#13;"); break;
                case '\xef':
                        if ((unsigned char)s[1] == 0xbf &&
                            ((unsigned char)s[2] == 0xbe || (unsigned char)s[2] == 0xbf))
                                s += 2;          /* U+FFFE, U+FFFF: dropped */
                        else
                                wipe_buf_add(out, s, 1);
                        break;
                default: break; /* other C0 controls are not allowed in XML 1.0 */
                }
                s++;
        }
}

/* head is the element up to its value: '<param name="password" value="'
 * (ours, nothing to escape). */
static void param(struct wipe_buf *out, const char *head, const char *value)
{
        wipe_buf_puts(out, head);
        put_escaped(out, value);
        wipe_buf_add(out, "\"/>\n", 4);
}

/* mod_sofia's HA1: hex(md5("user:realm:password")), the realm being the
 * domain. Returns false when libcrypto fails (then nothing is sent). */
static bool a1_hash(const struct fs_xml_user *u, char out[33])
{
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        char *a1 = NULL;
        bool ok;

        if (asprintf(&a1, "%s:%s:%s", u->extension, u->domain, u->password) < 0)
                return false;
        ok = EVP_Digest(a1, strlen(a1), md, &n, EVP_md5(), NULL) == 1 && n == 16;
        wipe_memory(a1, strlen(a1));
        free(a1);
        for (unsigned i = 0; ok && i < 16; i++)
                snprintf(out + 2 * i, 3, "%02x", md[i]);
        wipe_memory(md, sizeof(md));
        return ok;
}

/* The <user> element (indented for the directory document). */
static bool put_user(struct wipe_buf *out, const struct fs_xml_user *u)
{
        char number[32], hash[33];

        if (u->a1_hash && !a1_hash(u, hash))
                return false;
        wipe_buf_puts(out, "        <user id=\"");
        put_escaped(out, u->extension);
        if (u->cacheable_ms > 0)
                doc_printf(out, "\" cacheable=\"%" PRId64, u->cacheable_ms);
        wipe_buf_puts(out, "\">\n          <params>\n");
        if (u->a1_hash)
                param(out, "            <param name=\"a1-hash\" value=\"", hash);
        else
                param(out, "            <param name=\"password\" value=\"", u->password);
        param(out, "            <param name=\"vm-password\" value=\"", u->vm_password);
        /* mod_voicemail refuses a box whose voicemail is off */
        param(out, "            <param name=\"vm-enabled\" value=\"", u->voicemail ? "true" : "false");
        wipe_buf_puts(out, "          </params>\n          <variables>\n");
        snprintf(number, sizeof(number), "%" PRId64, u->tenant_id);
        param(out, "            <variable name=\"tenant_id\" value=\"", number);
        snprintf(number, sizeof(number), "tenant_%" PRId64, u->tenant_id);
        param(out, "            <variable name=\"user_context\" value=\"", number);
        param(out, "            <variable name=\"effective_caller_id_name\" value=\"",
              u->caller_id_name);
        param(out, "            <variable name=\"effective_caller_id_number\" value=\"",
              u->extension);
        param(out, "            <variable name=\"" FSXML_VAR_VOICEMAIL "\" value=\"",
              u->voicemail ? "true" : "false");
        snprintf(number, sizeof(number), "%" PRId64, u->ring_s > 0 ? u->ring_s : 20);
        param(out, "            <variable name=\"" FSXML_VAR_RING "\" value=\"", number);
        wipe_buf_puts(out, "          </variables>\n        </user>\n");
        return true;
}

char *fs_xml_directory_user(const struct fs_xml_user *u)
{
        struct wipe_buf out = { 0 };

        wipe_buf_puts(&out, "<document type=\"freeswitch/xml\">\n"
                       "  <section name=\"directory\">\n    <domain name=\"");
        put_escaped(&out, u->domain);
        /* The dial-string holds nothing to escape. */
        wipe_buf_puts(&out, "\">\n      <params>\n"
                       "        <param name=\"dial-string\" value=\""
                       "{^^:sip_invite_domain=${dialed_domain}:presence_id=${dialed_user}@${dialed_domain}}"
                       "${sofia_contact(*/${dialed_user}@${dialed_domain})}\"/>\n"
                       "      </params>\n      <groups><group name=\"default\"><users>\n");
        if (!put_user(&out, u))
                out.failed = true;
        wipe_buf_puts(&out, "      </users></group></groups>\n    </domain>\n  </section>\n</document>\n");
        return wipe_buf_take(&out);
}

char *fs_xml_user_file(const struct fs_xml_user *u)
{
        struct wipe_buf out = { 0 };

        wipe_buf_puts(&out, FSXML_OWNED_MARKER "\n<include>\n");
        if (!put_user(&out, u))
                out.failed = true;
        wipe_buf_puts(&out, "</include>\n");
        return wipe_buf_take(&out);
}

/* Appends the regex of [lo, hi] where both have the same number of digits. */
static void same_length(int64_t lo, int64_t hi, struct wipe_buf *out, int *first)
{
        char a[24], b[24];
        size_t n, k;
        int64_t p10 = 1;

        snprintf(a, sizeof(a), "%" PRId64, lo);
        snprintf(b, sizeof(b), "%" PRId64, hi);
        n = strlen(a);
        /* Common prefix, then one digit range, then \d for the rest, when
         * the tail of lo is all 0 and of hi all 9; else split. */
        for (k = 0; k < n && a[k] == b[k]; k++)
                ;
        if (k == n) {
                doc_printf(out, "%s%s", *first ? "" : "|", a);
                *first = 0;
                return;
        }
        bool lo_tail_zero = true, hi_tail_nine = true;
        for (size_t i = k + 1; i < n; i++) {
                if (a[i] != '0')
                        lo_tail_zero = false;
                if (b[i] != '9')
                        hi_tail_nine = false;
        }
        if (lo_tail_zero && hi_tail_nine) {
                doc_printf(out, "%s%.*s[%c-%c]", *first ? "" : "|", (int)k, a, a[k], b[k]);
                if (n - k - 1 > 0)
                        doc_printf(out, "\\d{%zu}", n - k - 1);
                *first = 0;
                return;
        }
        for (size_t i = k + 1; i < n; i++)
                p10 *= 10;
        /* lo .. end of lo's block at digit k */
        int64_t block_end = (lo / p10) * p10 + p10 - 1;
        if (!lo_tail_zero) {
                same_length(lo, block_end, out, first);
                lo = block_end + 1;
        }
        int64_t hi_block_start = (hi / p10) * p10;
        if (!hi_tail_nine) {
                if (lo <= hi_block_start - 1)
                        same_length(lo, hi_block_start - 1, out, first);
                same_length(hi_block_start, hi, out, first);
        } else {
                same_length(lo, hi, out, first);
        }
}

size_t fs_xml_range_regex(int64_t lo, int64_t hi, char *out_buf, size_t size)
{
        struct wipe_buf out = { 0 };
        int first = 1;
        char *text;
        size_t len;

        while (lo <= hi) {
                /* Split at powers of ten so both ends have equal length. */
                int64_t limit = 9;
                while (limit < lo)
                        limit = limit * 10 + 9;
                int64_t end = hi < limit ? hi : limit;
                same_length(lo, end, &out, &first);
                lo = end + 1;
        }
        len = out.len;
        text = wipe_buf_take(&out);
        if (!text || len + 1 > size) {
                free(text);
                return 0;
        }
        memcpy(out_buf, text, len + 1);
        free(text);
        return len;
}

static bool digits(const char *s)
{
        if (!s || !*s)
                return false;
        for (; *s; s++)
                if (*s < '0' || *s > '9')
                        return false;
        return true;
}

/* One <action application="app" data="…"/>, data escaped. */
static void action(struct wipe_buf *out, const char *app, const char *data)
{
        wipe_buf_puts(out, "          <action application=\"");
        wipe_buf_puts(out, app);
        if (data) {
                wipe_buf_puts(out, "\" data=\"");
                put_escaped(out, data);
        }
        wipe_buf_puts(out, "\"/>\n");
}

/* The entries of the tracked extensions, one per agent. */
static void put_tracks(struct wipe_buf *out, const struct fs_xml_plan *p)
{
        for (size_t i = 0; i < p->n_tracks;) {
                int64_t user = p->tracks[i].user_id;
                char data[32];

                doc_printf(out,
                           "      <extension name=\"track_u%" PRId64 "\" continue=\"true\">\n"
                           "        <condition field=\"destination_number\" expression=\"^(",
                           user);
                for (size_t k = i; k < p->n_tracks && p->tracks[k].user_id == user; k++) {
                        if (!digits(p->tracks[k].extension))
                                out->failed = true;
                        if (k > i)
                                wipe_buf_puts(out, "|");
                        put_escaped(out, p->tracks[k].extension);
                }
                wipe_buf_puts(out, ")$\">\n");
                snprintf(data, sizeof(data), "u%" PRId64, user);
                action(out, "callcenter_track", data);
                wipe_buf_puts(out, "        </condition>\n      </extension>\n");
                while (i < p->n_tracks && p->tracks[i].user_id == user)
                        i++;
        }
}

/* The first actions of every entry of a tenant's context: the call, and
 * the legs it bridges to, keep their transfers in the tenant. FreeSWITCH
 * runs a blind REFER's target in the transferee's force_transfer_context
 * (else its current context), so a transfer reaches only what the tenant
 * may dial; domain_name too, so that a transferred leg bridges to users of
 * this tenant's domain. In each entry, not an entry of its own: a number
 * no entry matches must stay "no route". The agent's leg of a queue call
 * is no child of the caller's (mod_callcenter originates it with no
 * a-leg): its contact sets both (callcenter.h). */
static void put_transfer_context(struct wipe_buf *out, int64_t tenant_id)
{
        char data[64];

        snprintf(data, sizeof(data), "force_transfer_context=tenant_%" PRId64, tenant_id);
        action(out, "export", data);
        /* a constant: written as is, so that FreeSWITCH expands it when the call runs */
        wipe_buf_puts(out, "          <action application=\"export\" data=\"domain_name=${domain_name}\"/>\n");
}

/* A queue number's entry (fs_xml_queue_entry). */
static void put_queue(struct wipe_buf *out, const struct fs_xml_plan *p,
                      const struct fs_xml_queue_entry *q)
{
        char data[300];

        if (!digits(q->number))
                out->failed = true;
        doc_printf(out, "      <extension name=\"queue_%" PRId64 "\">\n", q->id);
        wipe_buf_puts(out, "        <condition field=\"destination_number\" expression=\"^");
        put_escaped(out, q->number);
        wipe_buf_puts(out, "$\">\n");
        put_transfer_context(out, p->tenant_id);
        action(out, "answer", NULL);
        /* the agent's call ends the caller's: no continuation after a talk */
        action(out, "set", "hangup_after_bridge=true");
        snprintf(data, sizeof(data), "%s=%" PRId64, "ad_queue_id", q->id);
        action(out, "set", data);
        action(out, "set", "cc_exit_keys=" FSXML_QUEUE_EXIT_KEY);
        snprintf(data, sizeof(data), "q%" PRId64, q->id);
        action(out, "callcenter", data);
        switch (q->timeout) {
        case QUEUE_TIMEOUT_QUEUE:
                if (q->timeout_number && digits(q->timeout_number)) {
                        snprintf(data, sizeof(data), "%s XML tenant_%" PRId64, q->timeout_number,
                                 p->tenant_id);
                        action(out, "transfer", data);
                        break;
                }
                action(out, "hangup", "NORMAL_CLEARING");   /* that queue is gone */
                break;
        case QUEUE_TIMEOUT_VOICEMAIL:
                if (q->timeout_extension && digits(q->timeout_extension) && p->realm) {
                        snprintf(data, sizeof(data), FSXML_VM_PROFILE " %s %s", p->realm,
                                 q->timeout_extension);
                        action(out, "voicemail", data);
                }
                action(out, "hangup", "NORMAL_CLEARING");
                break;
        case QUEUE_TIMEOUT_HANGUP:
        default:
                action(out, "hangup", "NORMAL_CLEARING");
                break;
        }
        wipe_buf_puts(out, "        </condition>\n      </extension>\n");
}

/* The <context> element of tenant_<id>. */
static void put_context(struct wipe_buf *out, const struct fs_xml_plan *p, const char *regex)
{
        int64_t tenant_id = p->tenant_id;

        doc_printf(out, "    <context name=\"tenant_%" PRId64 "\">\n", tenant_id);
        put_tracks(out, p);
        for (size_t i = 0; i < p->n_queues; i++)
                put_queue(out, p, &p->queues[i]);
        doc_printf(out,
                   "      <extension name=\"tenant_%" PRId64 "_internal\">\n"
                   "        <condition field=\"destination_number\" expression=\"^(",
                   tenant_id);
        put_escaped(out, regex);
        wipe_buf_puts(out, ")$\">\n");
        put_transfer_context(out, tenant_id);
        /* The callee's ring time and voicemail from its directory user
         * (none when it has no user: FreeSWITCH's defaults, no voicemail).
         * continue_on_fail false: a failed bridge ends the call with the
         * bridge's cause, as without voicemail (480 when not registered). */
        wipe_buf_puts(out,
                      "          <action application=\"set\" data=\"call_timeout=${user_data($1@${domain_name} var " FSXML_VAR_RING ")}\"/>\n"
                      "          <action application=\"set\" data=\"continue_on_fail=${user_data($1@${domain_name} var " FSXML_VAR_VOICEMAIL ")}\"/>\n"
                      "          <action application=\"set\" data=\"hangup_after_bridge=true\"/>\n"
                      "          <action application=\"bridge\" data=\"user/$1@${domain_name}\"/>\n"
                      "          <action application=\"answer\"/>\n"
                      "          <action application=\"voicemail\" data=\"" FSXML_VM_PROFILE " ${domain_name} $1\"/>\n"
                      "          <action application=\"hangup\" data=\"NORMAL_CLEARING\"/>\n"
                      "        </condition>\n"
                      "      </extension>\n"
                      /* The caller's own voicebox, *98 or *98<its
                       * extension): "auth" (no PIN) only when the caller id
                       * number is the user the call was authenticated as
                       * (sofia's sip_auth_username). */
                      "      <extension name=\"voicemail_own\">\n"
                      "        <condition field=\"destination_number\" expression=\"^\\*98\\d*$\"/>\n"
                      "        <condition field=\"${sip_auth_username}/${caller_id_number}/${destination_number}\" expression=\"^(\\d+)/\\1/\\*98(\\1)?$\">\n"
                      "          <action application=\"answer\"/>\n"
                      "          <action application=\"voicemail\" data=\"check auth " FSXML_VM_PROFILE " ${domain_name} $1\"/>\n"
                      "        </condition>\n"
                      "      </extension>\n");
        /* Another voicebox of the tenant (*98<extension>), or the caller
         * id's when it is not the authenticated user: the PIN is asked. */
        wipe_buf_puts(out, "      <extension name=\"voicemail_box\">\n"
                      "        <condition field=\"destination_number\" expression=\"^\\*98(");
        put_escaped(out, regex);
        wipe_buf_puts(out, ")$\">\n"
                      "          <action application=\"answer\"/>\n"
                      "          <action application=\"voicemail\" data=\"check " FSXML_VM_PROFILE " ${domain_name} $1\"/>\n"
                      "        </condition>\n"
                      "      </extension>\n"
                      "      <extension name=\"voicemail_check\">\n"
                      "        <condition field=\"destination_number\" expression=\"^\\*98$\">\n"
                      "          <action application=\"answer\"/>\n"
                      "          <action application=\"voicemail\" data=\"check " FSXML_VM_PROFILE " ${domain_name} ${caller_id_number}\"/>\n"
                      "        </condition>\n"
                      "      </extension>\n"
                      "      <extension name=\"echo\">\n"
                      "        <condition field=\"destination_number\" expression=\"^9196$\">\n");
        put_transfer_context(out, tenant_id);
        wipe_buf_puts(out,
                      "          <action application=\"answer\"/>\n"
                      "          <action application=\"echo\"/>\n"
                      "        </condition>\n"
                      "      </extension>\n"
                      "    </context>\n");
}

/* A context wrapped in head and tail. */
static char *context_doc(const struct fs_xml_plan *p, const char *head, const char *tail)
{
        struct wipe_buf out = { 0 };
        char regex[1024];

        if (!fs_xml_range_regex(p->lo, p->hi, regex, sizeof(regex)))
                return NULL;
        wipe_buf_puts(&out, head);
        put_context(&out, p, regex);
        wipe_buf_puts(&out, tail);
        return wipe_buf_take(&out);
}

#define DOC_HEAD(section) "<document type=\"freeswitch/xml\">\n  <section name=\"" section "\">\n"
#define DOC_TAIL "  </section>\n</document>\n"
#define FILE_HEAD FSXML_OWNED_MARKER "\n<include>\n"
#define FILE_TAIL "</include>\n"

char *fs_xml_plan_context(const struct fs_xml_plan *p)
{
        return context_doc(p, DOC_HEAD("dialplan"), DOC_TAIL);
}

char *fs_xml_plan_file(const struct fs_xml_plan *p)
{
        return context_doc(p, FILE_HEAD, FILE_TAIL);
}

char *fs_xml_dialplan_context(int64_t tenant_id, int64_t lo, int64_t hi)
{
        return fs_xml_plan_context(&(struct fs_xml_plan){ .tenant_id = tenant_id, .lo = lo, .hi = hi });
}

char *fs_xml_context_file(int64_t tenant_id, int64_t lo, int64_t hi)
{
        return fs_xml_plan_file(&(struct fs_xml_plan){ .tenant_id = tenant_id, .lo = lo, .hi = hi });
}

/* The public entry of an inbound number. */
static void put_inbound(struct wipe_buf *out, const struct fs_xml_inbound *n)
{
        const char *number = n->number && n->number[0] == '+' ? n->number + 1 : n->number;
        char data[300];

        if (!digits(number) || !digits(n->destination) || !n->realm || !*n->realm)
                out->failed = true;
        doc_printf(out, "      <extension name=\"agentdesk_n%" PRId64 "\">\n", n->id);
        wipe_buf_puts(out, "        <condition field=\"destination_number\" expression=\"^\\+?");
        put_escaped(out, number);
        wipe_buf_puts(out, "$\">\n");
        snprintf(data, sizeof(data), "domain_name=%s", n->realm ? n->realm : "");
        action(out, "set", data);
        snprintf(data, sizeof(data), "tenant_id=%" PRId64, n->tenant_id);
        action(out, "set", data);
        snprintf(data, sizeof(data), "%s XML tenant_%" PRId64, n->destination ? n->destination : "",
                 n->tenant_id);
        action(out, "transfer", data);
        wipe_buf_puts(out, "        </condition>\n      </extension>\n");
}

char *fs_xml_inbound_context(const struct fs_xml_inbound *n)
{
        struct wipe_buf out = { 0 };

        wipe_buf_puts(&out, DOC_HEAD("dialplan") "    <context name=\"public\">\n");
        put_inbound(&out, n);
        wipe_buf_puts(&out, "    </context>\n" DOC_TAIL);
        return wipe_buf_take(&out);
}

char *fs_xml_inbound_file(const struct fs_xml_inbound *n)
{
        struct wipe_buf out = { 0 };

        wipe_buf_puts(&out, FILE_HEAD);
        put_inbound(&out, n);
        wipe_buf_puts(&out, FILE_TAIL);
        return wipe_buf_take(&out);
}

static void queue_param(struct wipe_buf *out, const char *name, const char *value)
{
        wipe_buf_puts(out, "          <param name=\"");
        wipe_buf_puts(out, name);
        wipe_buf_puts(out, "\" value=\"");
        put_escaped(out, value);
        wipe_buf_puts(out, "\"/>\n");
}

static void queue_param_int(struct wipe_buf *out, const char *name, int64_t value)
{
        char text[24];

        snprintf(text, sizeof(text), "%" PRId64, value);
        queue_param(out, name, text);
}

/* The <queue> element of q<id>. */
static void put_queue_config(struct wipe_buf *out, const struct fs_xml_queue *q)
{
        doc_printf(out, "        <queue name=\"q%" PRId64 "\">\n", q->id);
        queue_param(out, "strategy", q->strategy);
        if (q->moh_sound && *q->moh_sound)
                queue_param(out, "moh-sound", q->moh_sound);
        else    /* FreeSWITCH's global, expanded by FreeSWITCH: not escaped */
                wipe_buf_puts(out, "          <param name=\"moh-sound\" value=\"$${hold_music}\"/>\n");
        queue_param(out, "time-base-score", "system");
        queue_param_int(out, "max-wait-time", q->max_wait_s);
        queue_param_int(out, "max-wait-time-with-no-agent", q->no_agent_max_wait_s);
        queue_param_int(out, "max-wait-time-with-no-agent-time-reached", 5);
        queue_param(out, "tier-rules-apply", q->tier_rules_apply ? "true" : "false");
        queue_param_int(out, "tier-rule-wait-second", q->tier_rule_wait_s);
        queue_param(out, "tier-rule-wait-multiply-level",
                    q->tier_rule_wait_multiply_level ? "true" : "false");
        queue_param(out, "tier-rule-no-agent-no-wait", q->tier_rule_no_agent_no_wait ? "true" : "false");
        queue_param_int(out, "discard-abandoned-after", 60);
        queue_param(out, "abandoned-resume-allowed", "false");
        if (q->announce_sound && *q->announce_sound && q->announce_frequency_s > 0) {
                queue_param(out, "announce-sound", q->announce_sound);
                queue_param_int(out, "announce-frequency", q->announce_frequency_s);
        }
        wipe_buf_puts(out, "        </queue>\n");
}

char *fs_xml_callcenter_queue(const struct fs_xml_queue *q)
{
        struct wipe_buf out = { 0 };

        wipe_buf_puts(&out, DOC_HEAD("configuration")
                      "    <configuration name=\"callcenter.conf\" description=\"agentdesk\">\n"
                      "      <queues>\n");
        put_queue_config(&out, q);
        wipe_buf_puts(&out, "      </queues>\n    </configuration>\n" DOC_TAIL);
        return wipe_buf_take(&out);
}

char *fs_xml_callcenter_queue_file(const struct fs_xml_queue *q)
{
        struct wipe_buf out = { 0 };

        wipe_buf_puts(&out, FILE_HEAD);
        put_queue_config(&out, q);
        wipe_buf_puts(&out, FILE_TAIL);
        return wipe_buf_take(&out);
}

/* ---- voicemail */

/* The <profile> of FSXML_VM_PROFILE: the vanilla profile's keys and
 * limits, without operator-extension, vmain-extension and callback-context
 * (each would lead a caller into `default`), with no empty PIN
 * (allow-empty-password-auth false) and the directory's vm-password the
 * only one (db-password-override false: a PIN changed from the phone's
 * menu is not kept; agentdesk's PIN is the box's). min-record-len 2: a
 * message of 2 s is kept. Nothing in it is escaped: it holds no input. */
#define VM_PROFILE_XML \
        "      <profile name=\"" FSXML_VM_PROFILE "\">\n" \
        "        <param name=\"file-extension\" value=\"wav\"/>\n" \
        "        <param name=\"terminator-key\" value=\"#\"/>\n" \
        "        <param name=\"max-login-attempts\" value=\"3\"/>\n" \
        "        <param name=\"digit-timeout\" value=\"10000\"/>\n" \
        "        <param name=\"min-record-len\" value=\"2\"/>\n" \
        "        <param name=\"max-record-len\" value=\"300\"/>\n" \
        "        <param name=\"max-retries\" value=\"3\"/>\n" \
        "        <param name=\"tone-spec\" value=\"%(1000, 0, 640)\"/>\n" \
        "        <param name=\"play-new-messages-key\" value=\"1\"/>\n" \
        "        <param name=\"play-saved-messages-key\" value=\"2\"/>\n" \
        "        <param name=\"login-keys\" value=\"0\"/>\n" \
        "        <param name=\"main-menu-key\" value=\"0\"/>\n" \
        "        <param name=\"config-menu-key\" value=\"5\"/>\n" \
        "        <param name=\"record-greeting-key\" value=\"1\"/>\n" \
        "        <param name=\"choose-greeting-key\" value=\"2\"/>\n" \
        "        <param name=\"change-pass-key\" value=\"6\"/>\n" \
        "        <param name=\"record-name-key\" value=\"3\"/>\n" \
        "        <param name=\"record-file-key\" value=\"3\"/>\n" \
        "        <param name=\"listen-file-key\" value=\"1\"/>\n" \
        "        <param name=\"save-file-key\" value=\"2\"/>\n" \
        "        <param name=\"delete-file-key\" value=\"7\"/>\n" \
        "        <param name=\"undelete-file-key\" value=\"8\"/>\n" \
        "        <param name=\"pause-key\" value=\"0\"/>\n" \
        "        <param name=\"restart-key\" value=\"1\"/>\n" \
        "        <param name=\"ff-key\" value=\"6\"/>\n" \
        "        <param name=\"rew-key\" value=\"4\"/>\n" \
        "        <param name=\"skip-greet-key\" value=\"#\"/>\n" \
        "        <param name=\"previous-message-key\" value=\"1\"/>\n" \
        "        <param name=\"next-message-key\" value=\"3\"/>\n" \
        "        <param name=\"skip-info-key\" value=\"*\"/>\n" \
        "        <param name=\"repeat-message-key\" value=\"0\"/>\n" \
        "        <param name=\"record-silence-threshold\" value=\"200\"/>\n" \
        "        <param name=\"record-silence-hits\" value=\"2\"/>\n" \
        "        <param name=\"db-password-override\" value=\"false\"/>\n" \
        "        <param name=\"allow-empty-password-auth\" value=\"false\"/>\n" \
        "      </profile>\n"

char *fs_xml_voicemail_conf(void)
{
        return strdup(DOC_HEAD("configuration")
                      "    <configuration name=\"voicemail.conf\" description=\"agentdesk\">\n"
                      "      <settings/>\n      <profiles>\n" VM_PROFILE_XML
                      "      </profiles>\n    </configuration>\n" DOC_TAIL);
}

char *fs_xml_voicemail_profile_file(void)
{
        return strdup(FILE_HEAD VM_PROFILE_XML FILE_TAIL);
}
