/*
 * The outbound HTTP(S) client over libcurl (https://curl.se/libcurl/c/):
 * its rules are in http_client.h. The SSRF check runs in libcurl's
 * open-socket callback, on each address it is about to connect to, so it
 * holds for every address a name resolves to and for the one actually
 * used, whatever a resolver answered before. libcurl's codes are
 * translated in one switch (curl_to_result).
 */
#include "net/http_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "util/buf.h"
#include "util/cidr.h"

/* IPv4 ranges no outbound request may reach (RFC 6890's special-purpose
 * registry: this network, private, shared, loopback, link-local, IETF
 * protocol assignments, documentation, benchmarking, multicast, reserved,
 * broadcast). */
static const char blocked_v4[] =
        "0.0.0.0/8,10.0.0.0/8,100.64.0.0/10,127.0.0.0/8,169.254.0.0/16,172.16.0.0/12,"
        "192.0.0.0/24,192.0.2.0/24,192.88.99.0/24,192.168.0.0/16,198.18.0.0/15,"
        "198.51.100.0/24,203.0.113.0/24,224.0.0.0/4,240.0.0.0/4";
/* IPv6: only global unicast (2000::/3), less Teredo and ORCHID
 * (2001::/23), documentation (2001:db8::/32) and 6to4 (2002::/16, which
 * carries an IPv4 address). Mapped IPv4 (::ffff:0:0/96) is checked as the
 * IPv4 address it carries; NAT64 (64:ff9b::/96) is outside 2000::/3. */
static const char global_v6[] = "2000::/3";
static const char blocked_v6[] = "2001::/23,2001:db8::/32,2002::/16";

bool net_address_public(const char *ip)
{
        struct cidr_list v4, v6_global, v6_blocked;
        unsigned char a6[16];
        struct in_addr a4;
        char text[INET_ADDRSTRLEN];

        if (!cidr_list_parse(blocked_v4, &v4) || !cidr_list_parse(global_v6, &v6_global) ||
            !cidr_list_parse(blocked_v6, &v6_blocked))
                return false;
        if (inet_pton(AF_INET, ip, &a4) == 1)
                return !cidr_list_contains(&v4, ip);
        if (inet_pton(AF_INET6, ip, a6) != 1)
                return false;
        if (memcmp(a6, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
                inet_ntop(AF_INET, a6 + 12, text, sizeof(text));
                return !cidr_list_contains(&v4, text);
        }
        return cidr_list_contains(&v6_global, ip) && !cidr_list_contains(&v6_blocked, ip);
}

struct transfer {
        const struct net_http_options *opts;
        struct buf body;
        bool too_big;
        bool refused;            /* an address was refused by the SSRF rules */
        bool no_memory;
};

static curl_socket_t open_socket(void *userdata, curlsocktype purpose,
                                 struct curl_sockaddr *address)
{
        struct transfer *t = userdata;
        char ip[INET6_ADDRSTRLEN] = "";

        if (purpose != CURLSOCKTYPE_IPCXN)
                return CURL_SOCKET_BAD;
        if (address->family == AF_INET)
                inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)&address->addr)->sin_addr, ip,
                          sizeof(ip));
        else if (address->family == AF_INET6)
                inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)&address->addr)->sin6_addr,
                          ip, sizeof(ip));
        if (!t->opts->allow_private && !net_address_public(ip)) {
                t->refused = true;
                return CURL_SOCKET_BAD;
        }
        return socket(address->family, address->socktype, address->protocol);
}

static size_t on_data(char *data, size_t size, size_t n, void *userdata)
{
        struct transfer *t = userdata;
        enum result result = buf_append(&t->body, data, size * n);

        t->too_big = result == RESULT_TOO_BIG;
        t->no_memory = result == RESULT_NOMEM;
        return result ? 0 : size * n;    /* 0: libcurl stops, CURLE_WRITE_ERROR */
}

static enum result curl_to_result(CURLcode code, const struct transfer *t)
{
        if (t->no_memory)
                return RESULT_NOMEM;
        if (t->too_big)
                return RESULT_TOO_BIG;
        if (t->refused && (code == CURLE_COULDNT_CONNECT || code == CURLE_OPERATION_TIMEDOUT))
                return RESULT_FORBIDDEN;
        switch (code) {
        case CURLE_OK:
                return RESULT_OK;
        case CURLE_OUT_OF_MEMORY:
                return RESULT_NOMEM;
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
        case CURLE_BAD_FUNCTION_ARGUMENT:
                return RESULT_INVALID;
        case CURLE_OPERATION_TIMEDOUT:
                return RESULT_TIMEOUT;
        case CURLE_FILESIZE_EXCEEDED:
                return RESULT_TOO_BIG;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_WEIRD_SERVER_REPLY:
        case CURLE_GOT_NOTHING:
        case CURLE_RECV_ERROR:
                return RESULT_PROTOCOL;
        default:
                return RESULT_IO;
        }
}

enum result net_http_global_init(void)
{
        return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? RESULT_OK : RESULT_NOMEM;
}

enum result net_http_send(const struct net_http_options *opts, const struct net_http_request *req,
                          struct net_http_response *ret_response)
{
        struct transfer t = { .opts = opts };
        struct curl_slist *headers = NULL;
        CURL *curl = curl_easy_init();
        enum result result = RESULT_NOMEM;
        const char *type = NULL;
        char *content_type = NULL;
        long status = 0;
        CURLcode code;

        buf_init(&t.body, opts->max_response_bytes ? opts->max_response_bytes : 1024 * 1024);
        if (!curl)
                goto out;
        for (const char *const *h = req->headers; h && *h; h++) {
                struct curl_slist *l = curl_slist_append(headers, *h);
                if (!l)
                        goto out;
                headers = l;
        }
        curl_easy_setopt(curl, CURLOPT_URL, req->url);
        if (strcmp(req->method, "HEAD") == 0)
                curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
        else
                curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req->method);
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(curl, CURLOPT_PROXY, "");          /* none from the environment */
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                         (long)(opts->connect_timeout_ms ? opts->connect_timeout_ms : 5000));
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                         (long)(opts->timeout_ms ? opts->timeout_ms : 15000));
        curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t.body.max);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
        curl_easy_setopt(curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
        if (opts->ca_file)
                curl_easy_setopt(curl, CURLOPT_CAINFO, opts->ca_file);
        curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, open_socket);
        curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &t);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        if (req->body) {
                curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req->body);
                curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        }
        code = curl_easy_perform(curl);
        result = curl_to_result(code, &t);
        if (result)
                goto out;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
        content_type = strdup(type ? type : "");
        if (!content_type || buf_append(&t.body, "", 0) != RESULT_OK) {
                free(content_type);
                result = RESULT_NOMEM;
                goto out;
        }
        ret_response->status = status;
        ret_response->body = t.body.data;
        ret_response->body_len = t.body.len;
        ret_response->content_type = content_type;
        buf_init(&t.body, 0);            /* the response owns the bytes now */
out:
        buf_free(&t.body);
        curl_slist_free_all(headers);
        curl_easy_cleanup(curl);
        return result;
}

void net_http_response_free(struct net_http_response *response)
{
        if (!response)
                return;
        free(response->body);
        free(response->content_type);
        response->body = response->content_type = NULL;
}

bool net_http_url_valid(const char *url, size_t max_len)
{
        CURLU *u;
        char *scheme = NULL, *host = NULL, *user = NULL, *password = NULL, *fragment = NULL;
        const char *rest;
        bool ok;

        if (!url || strlen(url) > max_len)
                return false;
        /* libcurl reads "http:///x" as http://x/: the host must follow the
         * "//" for what is stored to mean what is sent. */
        rest = strncasecmp(url, "https://", 8) == 0  ? url + 8
               : strncasecmp(url, "http://", 7) == 0 ? url + 7
                                                      : NULL;
        if (!rest || *rest == '/' || *rest == '\\' || *rest == '\0')
                return false;
        for (const char *c = url; *c; c++)
                if ((unsigned char)*c <= ' ' || *c == 0x7f)
                        return false;
        u = curl_url();
        ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
             curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
             curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host[0] &&
             (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) &&
             curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_NO_USER &&
             curl_url_get(u, CURLUPART_PASSWORD, &password, 0) == CURLUE_NO_PASSWORD &&
             curl_url_get(u, CURLUPART_FRAGMENT, &fragment, 0) == CURLUE_NO_FRAGMENT;
        curl_free(scheme);
        curl_free(host);
        curl_free(user);
        curl_free(password);
        curl_free(fragment);
        curl_url_cleanup(u);
        return ok;
}

char *net_form_encode(const char *prefix, const char *const *pairs)
{
        size_t len = strlen(prefix) + 1;
        char **esc;
        size_t n = 0;
        char *out = NULL;

        while (pairs[n])
                n++;
        esc = calloc(n + 1, sizeof(*esc));
        if (!esc)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                esc[i] = curl_easy_escape(NULL, pairs[i], 0);
                if (!esc[i])
                        goto out;
                len += strlen(esc[i]) + 1;
        }
        out = malloc(len);
        if (!out)
                goto out;
        strcpy(out, prefix);
        for (size_t i = 0; i < n; i++) {
                if (i)
                        strcat(out, i % 2 ? "=" : "&");
                strcat(out, esc[i]);
        }
out:
        for (size_t i = 0; i < n; i++)
                curl_free(esc[i]);
        free(esc);
        return out;
}
