/*
 * libFuzzer driver: the XML documents of freeswitch/xml.c (what
 * mod_xml_curl and, in files mode, FreeSWITCH's conf loader parse), fed
 * names and passwords with every XML-special and control character.
 *
 * The input is a flag byte (a1-hash, cacheable) and up to three values
 * separated by NUL: the caller-ID name, the password and the voicemail
 * password. Values are what the API lets through: valid UTF-8 (controls
 * included, which the renderer must drop or escape); other inputs are
 * skipped.
 *
 * Besides what ASan/UBSan catch, it checks with a real XML parser
 * (libxml2, no recovery, no network): both the directory document and the
 * user file are well-formed XML 1.0, and each value reads back as given,
 * less the characters XML 1.0 cannot carry (C0 controls, U+FFFE, U+FFFF;
 * tab, newline and return survive as references).
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "freeswitch/xml.h"

/* Whether s[0..len) is UTF-8 as jansson and util/text.c accept it:
 * shortest forms, no surrogates, nothing above U+10FFFF. */
static bool utf8_ok(const unsigned char *s, size_t len)
{
        for (size_t i = 0; i < len;) {
                unsigned c = s[i], n, cp;
                if (c < 0x80) {
                        i++;
                        continue;
                }
                if (c >= 0xc2 && c <= 0xdf)
                        n = 1, cp = c & 0x1f;
                else if (c >= 0xe0 && c <= 0xef)
                        n = 2, cp = c & 0x0f;
                else if (c >= 0xf0 && c <= 0xf4)
                        n = 3, cp = c & 0x07;
                else
                        return false;
                for (unsigned k = 1; k <= n; k++) {
                        if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
                                return false;
                        cp = cp << 6 | (s[i + k] & 0x3f);
                }
                if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
                    (cp >= 0xd800 && cp <= 0xdfff))
                        return false;
                i += n + 1;
        }
        return true;
}

/* What a value must read back as: without what XML 1.0 cannot carry
 * (C0 controls but tab, newline and return; U+FFFE and U+FFFF, UTF-8
 * EF BF BE and EF BF BF). malloc'd. */
static char *expected(const char *s)
{
        char *out = malloc(strlen(s) + 1), *o = out;

        if (!out)
                abort();
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf))
                        p += 2;
                else if (*p >= 0x20 || *p == '\t' || *p == '\n' || *p == '\r')
                        *o++ = (char)*p;
        }
        *o = '\0';
        return out;
}

/* The value attribute of the <param> or <variable> named name. */
static char *value_of(xmlNode *node, const char *element, const char *name)
{
        for (; node; node = node->next) {
                if (node->type == XML_ELEMENT_NODE && !strcmp((const char *)node->name, element)) {
                        xmlChar *n = xmlGetProp(node, (const xmlChar *)"name");
                        bool match = n && !strcmp((const char *)n, name);
                        xmlFree(n);
                        if (match)
                                return (char *)xmlGetProp(node, (const xmlChar *)"value");
                }
                char *v = value_of(node->children, element, name);
                if (v)
                        return v;
        }
        return NULL;
}

static void check_value(xmlDoc *doc, const char *element, const char *name, const char *given)
{
        char *want = expected(given), *got = value_of(xmlDocGetRootElement(doc), element, name);

        if (!got || strcmp(got, want) != 0) {
                fprintf(stderr, "%s %s: read back \"%s\", expected \"%s\"\n", element, name,
                        got ? got : "(none)", want);
                abort();
        }
        xmlFree(got);
        free(want);
}

static void check(const char *text, const struct fs_xml_user *u)
{
        xmlDoc *doc;

        if (!text)
                abort();                 /* only out of memory may fail */
        doc = xmlReadMemory(text, (int)strlen(text), "fuzz.xml", "UTF-8",
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (!doc) {
                fprintf(stderr, "not well-formed XML:\n%s\n", text);
                abort();
        }
        check_value(doc, "variable", "effective_caller_id_name", u->caller_id_name);
        if (!u->a1_hash)
                check_value(doc, "param", "password", u->password);
        check_value(doc, "param", "vm-password", u->vm_password);
        xmlFreeDoc(doc);
}

static void silent(void *ctx, const char *msg, ...)
{
        (void)ctx;
        (void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *copy, *fields[3] = { "", "", "" }, *p;
        struct fs_xml_user u = { .domain = "a.example", .extension = "2001", .tenant_id = 7 };
        char *doc;

        if (size < 1 || !utf8_ok(data + 1, size - 1))
                return 0;
        xmlSetGenericErrorFunc(NULL, silent);
        copy = malloc(size);
        if (!copy)
                return 0;
        memcpy(copy, data + 1, size - 1);
        copy[size - 1] = '\0';
        p = copy;
        for (int i = 0; i < 3 && p <= copy + size - 1; i++) {
                fields[i] = p;
                p += strlen(p) + 1;
        }
        u.caller_id_name = fields[0];
        u.password = fields[1];
        u.vm_password = fields[2];
        u.a1_hash = data[0] & 1;
        u.cacheable_ms = data[0] & 2 ? 60000 : 0;

        doc = fs_xml_directory_user(&u);
        check(doc, &u);
        free(doc);
        doc = fs_xml_user_file(&u);
        check(doc, &u);
        free(doc);
        free(copy);
        return 0;
}
