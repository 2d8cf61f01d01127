/* The live directory and dialplan; see directory.h. */
#include "domain/provisioning/directory.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <time.h>

#include "domain/core/credentials.h"
#include "domain/core/throttle.h"
#include "domain/provisioning/extensions.h"
#include "domain/provisioning/queue_plan.h"
#include "domain/provisioning/realm.h"
#include "freeswitch/xml.h"
#include "util/text.h"
#include "util/wipe.h"

static bool digits_only(const char *s, size_t max)
{
        size_t n = 0;

        for (; s[n]; n++)
                if (n >= max || s[n] < '0' || s[n] > '9')
                        return false;
        return n > 0;
}

/* 65,536 entries, each allocated on first use (about 1 KB): a cluster of
 * 10,000 extensions fits with a few sets over their 4 ways. With 1,024
 * sets a tenant of 1,000 already had sets of 5, whose entries pushed each
 * other out on every round of lookups. */
#define CACHE_SETS 16384                /* each of CACHE_WAYS entries */
#define CACHE_WAYS 4
#define CACHE_STRIPES 64

/* What a lookup needs of a directory row, as the cache keeps it: the
 * secret and PIN still sealed (decoded from their stored text, so that a
 * hit costs the cipher only), the rest worked out once. */
struct row {
        bool servable;                   /* extension, agent and tenant active */
        bool voicemail;
        int64_t ring_s;
        int64_t tenant_id, cluster_id;
        char extension[16];
        struct credentials_box secret, pin;
        char caller_id_name[2 * STORE_NAME_MAX];
        char domain[256];                /* the effective one */
};

struct cached {
        char extension[16];
        uint64_t writes;                 /* store_writes() before it was read */
        int64_t read_ms;
        enum result result;              /* RESULT_OK or RESULT_NOT_FOUND */
        struct row row;
};

struct directory_cache {
        int64_t ttl_ms;                  /* how long an entry may serve without news */
        atomic_uint_fast64_t hits, misses;
        /* The digests of the xmlcurl user and password: the settings do
         * not change after start, so they are hashed once. */
        unsigned char want_user[CREDENTIALS_DIGEST_BYTES];
        unsigned char want_password[CREDENTIALS_DIGEST_BYTES];
        pthread_mutex_t stripes[CACHE_STRIPES];
        struct cached *slots[CACHE_SETS][CACHE_WAYS]; /* allocated on first use */
};

struct directory_cache *directory_cache_new(int64_t ttl_ms, const char *xmlcurl_user,
                                            const char *xmlcurl_password)
{
        struct directory_cache *c;

        if (!(c = calloc(1, sizeof(*c))))
                return NULL;
        c->ttl_ms = ttl_ms;
        credentials_digest(xmlcurl_user ? xmlcurl_user : "", c->want_user);
        credentials_digest(xmlcurl_password ? xmlcurl_password : "", c->want_password);
        for (int i = 0; i < CACHE_STRIPES; i++)
                pthread_mutex_init(&c->stripes[i], NULL);
        return c;
}

void directory_cache_counts(const struct directory_cache *c, uint64_t *ret_hits,
                            uint64_t *ret_misses)
{
        *ret_hits = atomic_load(&c->hits);
        *ret_misses = atomic_load(&c->misses);
}

void directory_cache_set_ttl(struct directory_cache *c, int64_t ttl_ms)
{
        if (c)
                __atomic_store_n(&c->ttl_ms, ttl_ms, __ATOMIC_RELAXED);
}

void directory_cache_free(struct directory_cache *c)
{
        if (!c)
                return;
        for (int i = 0; i < CACHE_SETS; i++)
                for (int k = 0; k < CACHE_WAYS; k++)
                        free(c->slots[i][k]);
        for (int i = 0; i < CACHE_STRIPES; i++)
                pthread_mutex_destroy(&c->stripes[i]);
        wipe_memory(c->want_password, sizeof(c->want_password));
        free(c);
}

static int64_t monotonic_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The set of extension: FNV-1a, then mixed so that neighbouring numbers
 * spread over the sets. */
static unsigned set_of(const char *extension)
{
        uint32_t h = 2166136261u;

        for (const char *p = extension; *p; p++)
                h = (h ^ (unsigned char)*p) * 16777619u;
        h ^= h >> 16;
        h *= 0x85ebca6bu;
        h ^= h >> 13;
        return h % CACHE_SETS;
}

/* Whether e's extension is assigned and it, its user and its tenant are
 * all active. */
static bool entry_live(const struct store_directory_entry *e)
{
        return e->ext.user_id && e->ext.status == EXTENSION_STATUS_ACTIVE &&
               e->user_status == USER_STATUS_ACTIVE && e->tenant_status == TENANT_STATUS_ACTIVE;
}

/* The row of e, under the tenant's effective realm. */
static void row_of(const struct app *app, const struct store_directory_entry *e, struct row *ret)
{
        const char *effective = realm_effective(app, e->tenant_domain, e->cluster_domain);

        ret->servable = e->ext.user_id && entry_live(e);
        ret->voicemail = e->ext.voicemail_enabled;
        ret->ring_s = e->ext.ring_s;
        ret->tenant_id = e->ext.tenant_id;
        ret->cluster_id = e->cluster_id;
        text_copy(ret->extension, sizeof(ret->extension), e->ext.extension);
        /* A value that does not decode keeps len 0, and fails to open as
         * it would have failed to unseal. */
        credentials_box_of(e->ext.sip_secret, &ret->secret);
        credentials_box_of(e->ext.vm_pin, &ret->pin);
        snprintf(ret->caller_id_name, sizeof(ret->caller_id_name), "%s %s", e->first_name,
                 e->last_name);
        text_copy(ret->domain, sizeof(ret->domain), effective);
}

/* *dst = *src, but only the bytes in use: the row is mostly room for
 * long names, and a hit copies it under the set's lock. */
static void row_copy(struct row *dst, const struct row *src)
{
        dst->servable = src->servable;
        dst->voicemail = src->voicemail;
        dst->ring_s = src->ring_s;
        dst->tenant_id = src->tenant_id;
        dst->cluster_id = src->cluster_id;
        text_copy(dst->extension, sizeof(dst->extension), src->extension);
        dst->secret.len = src->secret.len;
        dst->secret.key_id = src->secret.key_id;
        memcpy(dst->secret.bytes, src->secret.bytes, src->secret.len);
        dst->pin.len = src->pin.len;
        dst->pin.key_id = src->pin.key_id;
        memcpy(dst->pin.bytes, src->pin.bytes, src->pin.len);
        text_copy(dst->caller_id_name, sizeof(dst->caller_id_name), src->caller_id_name);
        text_copy(dst->domain, sizeof(dst->domain), src->domain);
}

/* The store's row of extension, with its secrets sealed. */
static enum result read_row(struct app *app, struct store_conn *conn, const char *extension,
                            struct row *ret)
{
        struct store_directory_entry e;
        enum result result = store_directory_lookup(conn, extension, &e);

        if (!result)
                row_of(app, &e, ret);
        return result;
}

/* read_row() through the cache, when there is one. */
static enum result lookup(struct app *app, struct store_conn *conn, const char *extension,
                          struct row *ret)
{
        struct directory_cache *c = app->directory_cache;
        struct cached **set, *slot;
        pthread_mutex_t *lock;
        enum result result;
        uint64_t writes;
        unsigned h;
        int64_t now, max_age;

        /* Without news of every change, nothing is served from memory. */
        if (!c || !store_writes_complete(app->store))
                return read_row(app, conn, extension, ret);
        h = set_of(extension);
        set = c->slots[h];
        lock = &c->stripes[h % CACHE_STRIPES];
        now = monotonic_ms();
        writes = store_writes(app->store);
        max_age = __atomic_load_n(&c->ttl_ms, __ATOMIC_RELAXED);
        if (max_age > 0 && max_age < DIRECTORY_CACHE_SHARED_MS && store_writes_shared(app->store))
                max_age = DIRECTORY_CACHE_SHARED_MS;
        pthread_mutex_lock(lock);
        for (int k = 0; k < CACHE_WAYS; k++) {
                slot = set[k];
                if (slot && slot->writes == writes && now - slot->read_ms < max_age &&
                    strcmp(slot->extension, extension) == 0) {
                        result = slot->result;
                        if (!result)
                                row_copy(ret, &slot->row);
                        pthread_mutex_unlock(lock);
                        atomic_fetch_add_explicit(&c->hits, 1, memory_order_relaxed);
                        return result;
                }
        }
        pthread_mutex_unlock(lock);
        atomic_fetch_add_explicit(&c->misses, 1, memory_order_relaxed);

        result = read_row(app, conn, extension, ret);
        if ((result && result != RESULT_NOT_FOUND) || !store_writes_complete(app->store))
                return result;
        pthread_mutex_lock(lock);
        /* Its own entry, else an empty way, else the oldest. */
        int way = 0;
        for (int k = 0; k < CACHE_WAYS; k++) {
                if (!set[k] || strcmp(set[k]->extension, extension) == 0) {
                        way = k;
                        break;
                }
                if (set[k]->read_ms < set[way]->read_ms)
                        way = k;
        }
        if (!set[way])
                set[way] = malloc(sizeof(*set[way]));
        if ((slot = set[way])) {
                text_copy(slot->extension, sizeof(slot->extension), extension);
                slot->writes = writes;   /* as noted before reading */
                slot->read_ms = now;
                slot->result = result;
                if (!result)
                        row_copy(&slot->row, ret);
        }
        pthread_mutex_unlock(lock);
        return result;
}

void directory_user_wipe(struct directory_user *u)
{
        wipe_memory(u->password, sizeof(u->password));
        wipe_memory(u->vm_pin, sizeof(u->vm_pin));
}

enum result directory_find_user(struct app *app, int64_t cluster_id, const char *domain,
                                const char *user, struct directory_user *ret)
{
        enum result result;

        if (!domain)
                return RESULT_NOT_FOUND;
        result = directory_user_of(app, user, ret);
        if (!result && (ret->cluster_id != cluster_id || strcasecmp(ret->domain, domain) != 0)) {
                directory_user_wipe(ret);
                result = RESULT_NOT_FOUND;
        }
        return result;
}

char *directory_user_xml(const struct directory_user *u, int64_t cacheable_ms, bool a1_hash,
                         bool as_file)
{
        struct fs_xml_user x = {
                .domain = u->domain,
                .extension = u->extension,
                .password = u->password,
                .vm_password = u->vm_pin,
                .voicemail = u->voicemail,
                .ring_s = u->ring_s,
                .tenant_id = u->tenant_id,
                .caller_id_name = u->caller_id_name,
                .cacheable_ms = cacheable_ms,
                .a1_hash = a1_hash,
        };

        return as_file ? fs_xml_user_file(&x) : fs_xml_directory_user(&x);
}

enum result directory_context_xml(struct app *app, const struct directory_context *c, bool as_file,
                                  char **ret)
{
        struct queue_plan p = { .plan = { .tenant_id = c->tenant_id, .lo = c->lo, .hi = c->hi } };
        struct store_conn *conn;
        enum result result;

        *ret = NULL;
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = queue_plan_read(app, conn, c->tenant_id, &p);
        if (result)
                return result;
        *ret = as_file ? fs_xml_plan_file(&p.plan) : fs_xml_plan_context(&p.plan);
        queue_plan_free(&p);
        return *ret ? RESULT_OK : RESULT_NOMEM;
}

char *directory_voicemail_conf_xml(void)
{
        return fs_xml_voicemail_conf();
}

const char *directory_not_found_xml(void)
{
        return fs_xml_not_found();
}

enum result directory_user_of(struct app *app, const char *user, struct directory_user *ret)
{
        struct store_conn *conn;
        enum result result;
        struct row r;

        if (!user || !digits_only(user, 15))
                return RESULT_NOT_FOUND;
        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        result = lookup(app, conn, user, &r);
        if (result)
                return result;
        if (!r.servable)
                return RESULT_NOT_FOUND;
        /* r holds the secret and PIN sealed only: it needs no wiping. */
        result = credentials_box_open(&r.secret, ret->password, sizeof(ret->password));
        if (!result)
                result = credentials_box_open(&r.pin, ret->vm_pin, sizeof(ret->vm_pin));
        if (result) {
                directory_user_wipe(ret);
                return result;
        }
        text_copy(ret->extension, sizeof(ret->extension), r.extension);
        ret->voicemail = r.voicemail;
        ret->ring_s = r.ring_s;
        ret->tenant_id = r.tenant_id;
        ret->cluster_id = r.cluster_id;
        text_copy(ret->caller_id_name, sizeof(ret->caller_id_name), r.caller_id_name);
        text_copy(ret->domain, sizeof(ret->domain), r.domain);
        return RESULT_OK;
}

enum result directory_find_context(struct app *app, int64_t cluster_id, const char *context,
                                   struct directory_context *ret)
{
        struct store_conn *conn;
        struct store_tenant t;
        enum result result;
        int64_t id;
        char *end;

        if (!context || strncmp(context, "tenant_", 7) != 0 || !digits_only(context + 7, 18))
                return RESULT_NOT_FOUND;
        id = strtoll(context + 7, &end, 10);
        result = store_conn_get(app->store, &conn);
        if (result)
                return result;
        result = store_tenant_get(conn, id, &t);
        if (result)
                return result;
        if (t.status != TENANT_STATUS_ACTIVE || t.pool_size < 1 || t.cluster_id != cluster_id)
                return RESULT_NOT_FOUND;
        ret->tenant_id = t.id;
        ret->lo = t.pool_base;
        ret->hi = t.pool_base + t.pool_size - 1;
        return RESULT_OK;
}

/* Whether user:password are mod_xml_curl's credentials (constant time). */
static bool credentials_ok(const struct app *app, const char *user, const char *password)
{
        const char *want_user = app->settings.xmlcurl_user, *want_pw = app->settings.xmlcurl_password;
        struct directory_cache *c = app->directory_cache;

        if (!want_pw || !*want_pw || !user || !password)
                return false;
        /* Both compared in full either way, so timing tells nothing. */
        if (!c)
                return credentials_equal(user, want_user) & credentials_equal(password, want_pw);
        return credentials_equal_digest(user, c->want_user) &
               credentials_equal_digest(password, c->want_password);
}

/* When this process last saw wrong credentials (store_now() seconds). */
static atomic_int_fast64_t last_failure;

enum result directory_credentials_check(struct app *app, const char *client_ip, const char *user,
                                        const char *password, int64_t *ret_retry_after)
{
        const struct settings *set = &app->settings;
        int64_t now = store_now();
        struct store_conn *conn = NULL;
        enum result result;
        char key[96];

        snprintf(key, sizeof(key), "xmlcurl:ip:%s", client_ip);
        /* Every lookup of a healthy cluster passes here: the throttle is
         * read only while failures are recent. */
        if (now - atomic_load(&last_failure) <= set->login_window) {
                result = store_conn_get(app->store, &conn);
                if (!result)
                        result = throttle_check(conn, THROTTLE_XMLCURL, key,
                                                set->login_ip_max_failures, set->login_window, now,
                                                ret_retry_after);
                if (result)
                        return result;
        }
        if (credentials_ok(app, user, password))
                return RESULT_OK;
        atomic_store(&last_failure, now);
        result = conn ? RESULT_OK : store_conn_get(app->store, &conn);
        if (!result)
                result = store_throttle_fail(conn, key, now, set->login_window);
        return result ? result : RESULT_UNAUTHORIZED;
}
