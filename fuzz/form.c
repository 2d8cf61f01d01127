/*
 * libFuzzer driver: the application/x-www-form-urlencoded parser behind
 * POST /freeswitch/xml (http_request_form in http/body.c), fed raw
 * bodies as mod_xml_curl would send them.
 *
 * Besides what ASan/UBSan catch, it checks two properties: a field asked
 * for twice reads the same (values are decoded once, on first use), and
 * a value never outlives or overruns the body it came from.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

/* The fields the xml_curl handler reads. */
static const char *const names[] = { "section", "purpose", "user", "domain", "key_value",
                                     "Hunt-Context", "Caller-Context", "tag_name", "key_name" };

static void lookup_twice(struct http_request *req, const char *name)
{
        const char *v = http_request_form(req, name);
        char *first;

        if (!v)
                return;
        first = strdup(v);
        if (!first)
                return;
        v = http_request_form(req, name);
        if (!v || strcmp(first, v) != 0)
                abort();                 /* a second lookup decoded again */
        free(first);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct http_request *req = http_request_detached((const char *)data, size);
        char name[64];
        size_t n = 0;

        if (!req)
                return 0;
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                lookup_twice(req, names[i]);
        /* And whatever name the body starts with, as raw bytes: the names
         * are decoded too, so "%73ection" must find "section" only once
         * decoded. */
        while (n < size && n < sizeof(name) - 1 && data[n] != '=' && data[n] != '&' && data[n])
                n++;
        memcpy(name, data, n);
        name[n] = '\0';
        lookup_twice(req, name);
        if (http_request_status(req) != 0)
                abort();                 /* the parser never answers by itself */
        http_request_detached_free(req);
        return 0;
}
