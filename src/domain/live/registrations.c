/* One node's registrations in memory and their batches; see registrations.h. */
#define LOG_MODULE "live"
#include "domain/live/registrations.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "domain/events/events.h"
#include "domain/live/live.h"
#include "domain/provisioning/realm.h"
#include "util/log.h"
#include "util/text.h"

/* One binding of an extension on the node: sofia keys them by call-id. */
struct binding {
        char *call_id, *realm, *contact, *user_agent;
        char network_ip[64];
        unsigned network_port;
        int64_t expires_at;
        uint64_t seq;                    /* when it was last registered: the newest wins */
};

/* An extension's bindings, and what they were before this batch. */
struct user {
        char name[64];
        struct binding *b;
        size_t n, cap;
        int64_t login_written;           /* when this process last wrote last_login_at */
        bool touched, refreshed;         /* in this batch: changed; a REGISTER came */
        bool by_event;                   /* an event touched it (else only a re-read) */
        bool before_registered;
        uint64_t before_sig;             /* its bindings (call-ids, contacts) before */
        char *before_contact;            /* the newest contact before the batch ("" none) */
        int64_t moved_tenant, moved_user; /* published in this batch: its presence follows */
        struct user *next;               /* hash chain */
};

struct live_regs {
        struct user **buckets;
        size_t n_buckets, n_users;
        struct user **touched;           /* the users of this batch */
        size_t n_touched, cap_touched;
        bool rewrite;                    /* a re-read: every row of the node again */
        uint64_t seq;
        /* The rows a flush writes, all at once: */
        const char **names;              /* the extensions whose rows are replaced */
        size_t n_names, cap_names;
        struct store_live_registration *rows; /* their rows now */
        size_t n_rows, cap_rows;
};

static uint32_t hash(const char *s)
{
        uint32_t h = 2166136261u;

        while (*s)
                h = (h ^ (unsigned char)*s++) * 16777619u;
        return h;
}

struct live_regs *live_regs_new(void)
{
        struct live_regs *r = calloc(1, sizeof(*r));

        if (!r)
                return NULL;
        r->n_buckets = 4096;
        r->buckets = calloc(r->n_buckets, sizeof(*r->buckets));
        if (!r->buckets) {
                free(r);
                return NULL;
        }
        return r;
}

static void binding_clear(struct binding *b)
{
        free(b->call_id);
        free(b->realm);
        free(b->contact);
        free(b->user_agent);
        memset(b, 0, sizeof(*b));
}

static void user_free(struct user *u)
{
        for (size_t i = 0; i < u->n; i++)
                binding_clear(&u->b[i]);
        free(u->b);
        free(u->before_contact);
        free(u);
}

void live_regs_free(struct live_regs *r)
{
        if (!r)
                return;
        for (size_t i = 0; i < r->n_buckets; i++)
                while (r->buckets[i]) {
                        struct user *u = r->buckets[i];
                        r->buckets[i] = u->next;
                        user_free(u);
                }
        free(r->buckets);
        free(r->touched);
        free(r->names);
        free(r->rows);
        free(r);
}

static void grow(struct live_regs *r)
{
        size_t n = r->n_buckets * 2;
        struct user **b = calloc(n, sizeof(*b));

        if (!b)
                return;          /* longer chains, still right */
        for (size_t i = 0; i < r->n_buckets; i++)
                while (r->buckets[i]) {
                        struct user *u = r->buckets[i];
                        r->buckets[i] = u->next;
                        u->next = b[hash(u->name) & (n - 1)];
                        b[hash(u->name) & (n - 1)] = u;
                }
        free(r->buckets);
        r->buckets = b;
        r->n_buckets = n;
}

static struct user *find(struct live_regs *r, const char *name)
{
        for (struct user *u = r->buckets[hash(name) & (r->n_buckets - 1)]; u; u = u->next)
                if (!strcmp(u->name, name))
                        return u;
        return NULL;
}

/* The newest binding's contact, "" with none. */
static const char *newest_contact(const struct user *u)
{
        const struct binding *best = NULL;

        for (size_t i = 0; i < u->n; i++)
                if (!best || u->b[i].seq > best->seq)
                        best = &u->b[i];
        return best && best->contact ? best->contact : "";
}

/* The bindings' call-ids and contacts, in any order. */
static uint64_t signature(const struct user *u)
{
        uint64_t sum = u->n;

        for (size_t i = 0; i < u->n; i++) {
                uint64_t h = 14695981039346656037ULL;
                for (const char *s = u->b[i].call_id; s && *s; s++)
                        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
                for (const char *s = u->b[i].contact; s && *s; s++)
                        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
                sum += h * 0x9e3779b97f4a7c15ULL;
        }
        return sum;
}

/* Notes u as changed in this batch, keeping what it was before. */
static bool touch(struct live_regs *r, struct user *u)
{
        if (u->touched)
                return true;
        if (r->n_touched == r->cap_touched) {
                size_t cap = r->cap_touched ? r->cap_touched * 2 : 256;
                struct user **t = realloc(r->touched, cap * sizeof(*t));
                if (!t)
                        return false;
                r->touched = t;
                r->cap_touched = cap;
        }
        u->before_contact = strdup(newest_contact(u));
        if (!u->before_contact)
                return false;
        u->before_registered = u->n > 0;
        u->before_sig = signature(u);
        u->touched = true;
        r->touched[r->n_touched++] = u;
        return true;
}

static struct user *user_for(struct live_regs *r, const char *name)
{
        struct user *u = find(r, name);
        size_t h;

        if (u || !*name || strlen(name) >= sizeof(u->name))
                return u;
        u = calloc(1, sizeof(*u));
        if (!u)
                return NULL;
        text_copy(u->name, sizeof(u->name), name);
        if (r->n_users >= r->n_buckets * 2)
                grow(r);
        h = hash(name) & (r->n_buckets - 1);
        u->next = r->buckets[h];
        r->buckets[h] = u;
        r->n_users++;
        return u;
}

static void unbind(struct user *u, size_t i)
{
        binding_clear(&u->b[i]);
        u->b[i] = u->b[--u->n];
}

/* Adds or refreshes the binding of reg. */
static void bind(struct live_regs *r, struct user *u, const struct fs_registration *reg,
                 int64_t now)
{
        struct binding *b = NULL;

        for (size_t i = 0; i < u->n && !b; i++)
                if (!strcmp(u->b[i].call_id, reg->call_id))
                        b = &u->b[i];
        if (!b) {
                if (u->n == u->cap) {
                        size_t cap = u->cap ? u->cap * 2 : 1;
                        struct binding *g = realloc(u->b, cap * sizeof(*g));
                        if (!g)
                                return;
                        u->b = g;
                        u->cap = cap;
                }
                b = &u->b[u->n];
                memset(b, 0, sizeof(*b));
                b->call_id = strdup(reg->call_id);
                if (!b->call_id)
                        return;
                u->n++;
        }
        free(b->realm);
        free(b->contact);
        free(b->user_agent);
        b->realm = strdup(reg->realm);
        b->contact = strdup(reg->contact);
        b->user_agent = strdup(reg->user_agent);
        if (!b->realm || !b->contact || !b->user_agent) {
                unbind(u, (size_t)(b - u->b));
                return;
        }
        text_copy(b->network_ip, sizeof(b->network_ip), reg->network_ip);
        b->network_port = reg->network_port;
        b->expires_at = now + (reg->expires > 0 ? reg->expires : 0);
        b->seq = ++r->seq;
}

void live_regs_event(struct live_regs *r, const struct fs_event *ev, int64_t now)
{
        const struct fs_registration *reg = &ev->u.reg;
        struct user *u;

        if (ev->kind != FS_EVENT_REGISTER && ev->kind != FS_EVENT_UNREGISTER &&
            ev->kind != FS_EVENT_EXPIRE)
                return;
        u = ev->kind == FS_EVENT_REGISTER ? user_for(r, reg->user) : find(r, reg->user);
        if (!u || !touch(r, u))
                return;
        u->by_event = true;
        if (ev->kind == FS_EVENT_REGISTER) {
                u->refreshed = true;
                bind(r, u, reg, now);
                return;
        }
        for (size_t i = 0; i < u->n; i++)
                if ((*reg->call_id && !strcmp(u->b[i].call_id, reg->call_id)) ||
                    (!*reg->call_id && !strcmp(u->b[i].contact, reg->contact))) {
                        unbind(u, i);
                        break;
                }
}

void live_regs_load(struct live_regs *r, const struct store_live_registration *row)
{
        struct fs_registration reg = { .network_port = (unsigned)row->network_port };
        struct user *u = user_for(r, row->extension);
        int64_t now = (int64_t)time(NULL);

        if (!u)
                return;
        text_copy(reg.user, sizeof(reg.user), row->extension);
        text_copy(reg.realm, sizeof(reg.realm), row->realm);
        text_copy(reg.call_id, sizeof(reg.call_id), row->call_id);
        text_copy(reg.contact, sizeof(reg.contact), row->contact);
        text_copy(reg.network_ip, sizeof(reg.network_ip), row->network_ip);
        text_copy(reg.user_agent, sizeof(reg.user_agent), row->user_agent);
        reg.expires = row->expires_at > now ? (long)(row->expires_at - now) : 0;
        bind(r, u, &reg, now);
}

void live_regs_snapshot(struct live_regs *r, const struct fs_registration *regs, size_t n,
                        int64_t now, bool rewrite)
{
        for (size_t i = 0; i < r->n_buckets; i++)
                for (struct user *u = r->buckets[i]; u; u = u->next) {
                        if (!touch(r, u))
                                continue;
                        while (u->n)
                                unbind(u, u->n - 1);
                }
        for (size_t i = 0; i < n; i++) {
                struct user *u = user_for(r, regs[i].user);
                if (u && touch(r, u)) {
                        u->refreshed = true;
                        bind(r, u, &regs[i], now);
                }
        }
        r->rewrite |= rewrite;
}

bool live_regs_pending(const struct live_regs *r)
{
        return r->n_touched > 0 || r->rewrite;
}

size_t live_regs_count(const struct live_regs *r)
{
        size_t n = 0;

        for (size_t i = 0; i < r->n_buckets; i++)
                for (const struct user *u = r->buckets[i]; u; u = u->next)
                        n += u->n > 0;
        return n;
}

/* A string jansson takes: SIP text that is not UTF-8 becomes "". */
static json_t *text_json(const char *s)
{
        return json_string(s && text_utf8_valid(s, strlen(s), NULL) ? s : "");
}

static json_t *time_json(int64_t t)
{
        char buf[32];
        time_t tt = (time_t)t;
        struct tm tm;

        if (!t || !gmtime_r(&tt, &tm))
                return json_null();
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
        return json_string(buf);
}

static const struct binding *newest(const struct user *u)
{
        const struct binding *best = NULL;

        for (size_t i = 0; i < u->n; i++)
                if (!best || u->b[i].seq > best->seq)
                        best = &u->b[i];
        return best;
}

/* registration.changed of u (the openapi's RegistrationEventData). */
static enum result publish(struct live_flush *f, const struct user *u,
                           const struct store_live_extension *e, int64_t last_registered_at)
{
        const struct binding *b = newest(u);
        json_t *reg = json_null(), *data;
        enum result result;
        char *text;

        if (b)
                reg = json_pack("{sssososIsoso}", "node", f->node, "contact", text_json(b->contact),
                                "network_ip", text_json(b->network_ip), "network_port",
                                (json_int_t)b->network_port, "user_agent", text_json(b->user_agent),
                                "expires_at", time_json(b->expires_at));
        data = json_pack("{sIsssosbsoso}", "extension_id", (json_int_t)e->id, "extension", u->name,
                         "agent_id", e->user_id ? json_integer(e->user_id) : json_null(),
                         "registered", b != NULL, "registration", reg ? reg : json_null(),
                         "last_registered_at", time_json(last_registered_at));
        text = data ? json_dumps(data, JSON_COMPACT) : NULL;
        json_decref(data);
        if (!text)
                return RESULT_NOMEM;
        result = events_append(f->conn, e->tenant_id, EVENT_REGISTRATION_CHANGED, e->user_id, text);
        free(text);
        return result;
}

/* Whether e may be registered on f's node under realm. */
static bool allowed(const struct live_flush *f, const struct store_live_extension *e,
                    const char *realm)
{
        return e->user_id != 0 && e->status == EXTENSION_STATUS_ACTIVE &&
               e->tenant_status == TENANT_STATUS_ACTIVE && e->cluster_id == f->cluster_id &&
               !strcasecmp(realm, realm_effective(f->app, e->tenant_domain, e->cluster_domain));
}

/* Notes u's rows for the batch's one write. */
static enum result batch_rows(struct live_regs *r, const struct user *u)
{
        if (r->n_names == r->cap_names) {
                size_t cap = r->cap_names ? r->cap_names * 2 : 64;
                const char **g = realloc(r->names, cap * sizeof(*g));
                if (!g)
                        return RESULT_NOMEM;
                r->names = g;
                r->cap_names = cap;
        }
        while (r->n_rows + u->n > r->cap_rows) {
                size_t cap = r->cap_rows ? r->cap_rows * 2 : 64;
                struct store_live_registration *g = realloc(r->rows, cap * sizeof(*g));
                if (!g)
                        return RESULT_NOMEM;
                r->rows = g;
                r->cap_rows = cap;
        }
        r->names[r->n_names++] = u->name;
        for (size_t i = 0; i < u->n; i++) {
                const struct binding *b = &u->b[i];
                struct store_live_registration *row = &r->rows[r->n_rows++];
                memset(row, 0, sizeof(*row));
                text_copy(row->extension, sizeof(row->extension), u->name);
                text_copy(row->call_id, sizeof(row->call_id), b->call_id);
                text_copy(row->realm, sizeof(row->realm), b->realm);
                text_copy(row->contact, sizeof(row->contact), b->contact);
                text_copy(row->network_ip, sizeof(row->network_ip), b->network_ip);
                row->network_port = b->network_port;
                text_copy(row->user_agent, sizeof(row->user_agent), b->user_agent);
                row->expires_at = b->expires_at;
        }
        return RESULT_OK;
}

/* Writes one touched user. */
static enum result flush_user(struct live_regs *r, struct live_flush *f, struct user *u,
                              int64_t now)
{
        struct store_live_extension e;
        bool looked = false, found = false, registered;
        const char *contact;
        enum result result = RESULT_OK;

        registered = u->n > 0;
        contact = newest_contact(u);
        bool changed = registered != u->before_registered || strcmp(contact, u->before_contact);
        /* A REGISTER event is a registration (a refresh too); a re-read's
         * listing is not, unless it shows a new one. */
        bool refreshed = registered && u->refreshed && u->by_event;
        if (changed || (refreshed && now - u->login_written >= LIVE_LOGIN_EVERY_S)) {
                result = store_live_extension_get(f->conn, u->name, &e);
                looked = true;
                found = result == RESULT_OK;
                if (result == RESULT_NOT_FOUND)
                        result = RESULT_OK;
                if (result)
                        return result;
        }
        /* A new registration or contact that must not be: flushed, never kept. */
        if (changed && registered) {
                const struct binding *b = newest(u);
                if (!found || !allowed(f, &e, b->realm)) {
                        LOG_WARN("node %s: extension %s registered in %s while it must not: "
                                 "flushing it", f->node, u->name, b->realm);
                        for (size_t i = 0; i < u->n; i++)
                                if (f->refuse)
                                        f->refuse(f->userdata, u->name, u->b[i].realm);
                        f->refused++;
                        while (u->n)
                                unbind(u, u->n - 1);
                        registered = false;
                        changed = u->before_registered;
                }
        }
        /* After a rewrite the node's rows were all deleted: only the
         * registered ones are written again. A user only a re-read touched
         * is written when its bindings changed (not for their expiry). The
         * rows go in with the batch's others (flush_rows). */
        if (r->rewrite ? u->n > 0 : (u->by_event || signature(u) != u->before_sig))
                result = batch_rows(r, u);
        if (!result && found && registered && (changed || refreshed) &&
            now - u->login_written >= (changed ? 0 : LIVE_LOGIN_EVERY_S)) {
                result = store_live_extension_seen(f->conn, u->name, now);
                if (!result) {
                        u->login_written = now;
                        e.last_login_at = now;
                }
        }
        if (!result && changed && found && looked) {
                result = publish(f, u, &e, e.last_login_at);
                u->moved_tenant = e.tenant_id;
                u->moved_user = e.user_id;
        }
        return result;
}

/* Forgets what the batch noted; users without a binding leave memory. */
static void batch_done(struct live_regs *r)
{
        for (size_t i = 0; i < r->n_touched; i++) {
                struct user *u = r->touched[i];
                free(u->before_contact);
                u->before_contact = NULL;
                u->touched = u->refreshed = u->by_event = false;
                u->moved_tenant = u->moved_user = 0;
        }
        r->n_touched = 0;
        r->rewrite = false;
        for (size_t i = 0; i < r->n_buckets; i++)
                for (struct user **p = &r->buckets[i]; *p;) {
                        struct user *u = *p;
                        if (u->n == 0) {
                                *p = u->next;
                                user_free(u);
                                r->n_users--;
                        } else {
                                p = &u->next;
                        }
                }
}

enum result live_regs_flush(struct live_regs *r, struct live_flush *f)
{
        int64_t now = (int64_t)time(NULL);
        enum result result = RESULT_OK;

        f->refused = 0;
        if (r->rewrite)
                result = store_live_registrations_clear(f->conn, f->cluster_id, f->node);
        r->n_names = r->n_rows = 0;
        for (size_t i = 0; !result && i < r->n_touched; i++)
                result = flush_user(r, f, r->touched[i], now);
        if (!result && r->n_names)
                result = store_live_registrations_set(f->conn, f->cluster_id, f->node, r->names,
                                                      r->n_names, r->rows, r->n_rows);
        /* Presence reads the rows just written: the agents whose
         * registration moved (agent.presence when theirs did). */
        for (size_t i = 0; !result && i < r->n_touched; i++)
                if (r->touched[i]->moved_user)
                        result = events_append_presence(f->conn, r->touched[i]->moved_tenant,
                                                        r->touched[i]->moved_user);
        /* Written or not, memory is the truth: a failed batch is followed by
         * a re-read, which writes every row again. */
        batch_done(r);
        return result;
}
