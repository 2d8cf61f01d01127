/*
 * mod_xml_curl answers. Documents follow docs/freeswitch.md: the user
 * element as mod_sofia expects it (password or a1-hash, dial-string as a
 * domain param), contexts as mod_dialplan_xml expects them.
 */
#include "freeswitch/xml.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

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

/* Writes s escaped for an XML attribute value, in runs: this is on the
 * directory's hot path. */
static void put_escaped(FILE *out, const char *s)
{
        while (s && *s) {
                size_t run = strcspn(s, "&<>\"'\t\n\r\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
                                        "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a"
                                        "\x1b\x1c\x1d\x1e\x1f");
                fwrite_unlocked(s, 1, run, out);
                s += run;
                switch (*s) {
                case '\0': return;
                case '&': fputs_unlocked("&amp;", out); break;
                case '<': fputs_unlocked("&lt;", out); break;
                case '>': fputs_unlocked("&gt;", out); break;
                case '"': fputs_unlocked("&quot;", out); break;
                case '\'': fputs_unlocked("&apos;", out); break;
                case '\t': fputs_unlocked("&#9;", out); break;
                case '\n': fputs_unlocked("&#10;", out); break;
                case '\r': fputs_unlocked("&#13;", out); break;
                default: break; /* other C0 controls are not allowed in XML 1.0 */
                }
                s++;
        }
}

static void param(FILE *out, const char *indent, const char *kind, const char *name,
                  const char *value)
{
        fputs_unlocked(indent, out);
        fputc_unlocked('<', out);
        fputs_unlocked(kind, out);
        fputs_unlocked(" name=\"", out);
        put_escaped(out, name);
        fputs_unlocked("\" value=\"", out);
        put_escaped(out, value);
        fputs_unlocked("\"/>\n", out);
}

/* Closes an open_memstream() stream; *buf is only final after fclose(). */
static char *finish(FILE *out, char **buf)
{
        if (fclose(out) != 0) {
                free(*buf);
                return NULL;
        }
        return *buf;
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
        explicit_bzero(a1, strlen(a1));
        free(a1);
        for (unsigned i = 0; ok && i < 16; i++)
                snprintf(out + 2 * i, 3, "%02x", md[i]);
        explicit_bzero(md, sizeof(md));
        return ok;
}

/* The <user> element (indented for the directory document). */
static bool put_user(FILE *out, const struct fs_xml_user *u)
{
        char number[32], hash[33];

        if (u->a1_hash && !a1_hash(u, hash))
                return false;
        fputs("        <user id=\"", out);
        put_escaped(out, u->extension);
        if (u->cacheable_ms > 0)
                fprintf(out, "\" cacheable=\"%" PRId64, u->cacheable_ms);
        fputs("\">\n          <params>\n", out);
        if (u->a1_hash)
                param(out, "            ", "param", "a1-hash", hash);
        else
                param(out, "            ", "param", "password", u->password);
        param(out, "            ", "param", "vm-password", u->vm_password);
        fputs("          </params>\n          <variables>\n", out);
        snprintf(number, sizeof(number), "%" PRId64, u->tenant_id);
        param(out, "            ", "variable", "tenant_id", number);
        snprintf(number, sizeof(number), "tenant_%" PRId64, u->tenant_id);
        param(out, "            ", "variable", "user_context", number);
        param(out, "            ", "variable", "effective_caller_id_name", u->caller_id_name);
        param(out, "            ", "variable", "effective_caller_id_number", u->extension);
        fputs("          </variables>\n        </user>\n", out);
        return true;
}

char *fs_xml_directory_user(const struct fs_xml_user *u)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);

        if (!out)
                return NULL;
        fputs("<document type=\"freeswitch/xml\">\n  <section name=\"directory\">\n    <domain name=\"",
              out);
        put_escaped(out, u->domain);
        fputs("\">\n      <params>\n", out);
        param(out, "        ", "param", "dial-string",
              "{^^:sip_invite_domain=${dialed_domain}:presence_id=${dialed_user}@${dialed_domain}}"
              "${sofia_contact(*/${dialed_user}@${dialed_domain})}");
        fputs("      </params>\n      <groups><group name=\"default\"><users>\n", out);
        if (!put_user(out, u)) {
                fclose(out);
                free(buf);
                return NULL;
        }
        fputs("      </users></group></groups>\n    </domain>\n  </section>\n</document>\n", out);
        return finish(out, &buf);
}

char *fs_xml_user_file(const struct fs_xml_user *u)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);

        if (!out)
                return NULL;
        fputs(FSXML_OWNED_MARKER "\n<include>\n", out);
        if (!put_user(out, u)) {
                fclose(out);
                free(buf);
                return NULL;
        }
        fputs("</include>\n", out);
        return finish(out, &buf);
}

/* Appends the regex of [lo, hi] where both have the same number of digits. */
static void same_length(int64_t lo, int64_t hi, FILE *out, int *first)
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
                fprintf(out, "%s%s", *first ? "" : "|", a);
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
                fprintf(out, "%s%.*s[%c-%c]", *first ? "" : "|", (int)k, a, a[k], b[k]);
                if (n - k - 1 > 0)
                        fprintf(out, "\\d{%zu}", n - k - 1);
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
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);
        int first = 1;

        if (!out)
                return 0;
        while (lo <= hi) {
                /* Split at powers of ten so both ends have equal length. */
                int64_t limit = 9;
                while (limit < lo)
                        limit = limit * 10 + 9;
                int64_t end = hi < limit ? hi : limit;
                same_length(lo, end, out, &first);
                lo = end + 1;
        }
        if (fclose(out) != 0 || len + 1 > size) {
                free(buf);
                return 0;
        }
        memcpy(out_buf, buf, len + 1);
        free(buf);
        return len;
}

/* The <context> element of tenant_<id>. */
static void put_context(FILE *out, int64_t tenant_id, const char *regex)
{
        fprintf(out,
                "    <context name=\"tenant_%" PRId64 "\">\n"
                "      <extension name=\"tenant_%" PRId64 "_internal\">\n"
                "        <condition field=\"destination_number\" expression=\"^(",
                tenant_id, tenant_id);
        put_escaped(out, regex);
        fputs(")$\">\n"
              "          <action application=\"bridge\" data=\"user/$1@${domain_name}\"/>\n"
              "        </condition>\n"
              "      </extension>\n"
              "      <extension name=\"echo\">\n"
              "        <condition field=\"destination_number\" expression=\"^9196$\">\n"
              "          <action application=\"answer\"/>\n"
              "          <action application=\"echo\"/>\n"
              "        </condition>\n"
              "      </extension>\n"
              "    </context>\n",
              out);
}

/* A context wrapped in head and tail. */
static char *context_doc(int64_t tenant_id, int64_t lo, int64_t hi, const char *head,
                         const char *tail)
{
        char regex[1024], *buf = NULL;
        size_t len = 0;
        FILE *out;

        if (!fs_xml_range_regex(lo, hi, regex, sizeof(regex)))
                return NULL;
        out = open_memstream(&buf, &len);
        if (!out)
                return NULL;
        fputs(head, out);
        put_context(out, tenant_id, regex);
        fputs(tail, out);
        return finish(out, &buf);
}

char *fs_xml_dialplan_context(int64_t tenant_id, int64_t lo, int64_t hi)
{
        return context_doc(tenant_id, lo, hi,
                           "<document type=\"freeswitch/xml\">\n  <section name=\"dialplan\">\n",
                           "  </section>\n</document>\n");
}

char *fs_xml_context_file(int64_t tenant_id, int64_t lo, int64_t hi)
{
        return context_doc(tenant_id, lo, hi, FSXML_OWNED_MARKER "\n<include>\n", "</include>\n");
}
