/*
 * The registration state as the API and /metrics read it: from the store
 * (live_registrations, live_streams), so every agentdesk process answers
 * the same whichever holds the nodes' streams; see live.h.
 */
#include "domain/live/live.h"

#include <string.h>

#include "util/text.h"

struct state_fill {
        const char *const *extensions;
        size_t n;
        struct live_state *ret;
};

static void state_row(void *userdata, const char *extension, int64_t last_login_at,
                      const struct store_live_registration *reg)
{
        struct state_fill *f = userdata;

        for (size_t i = 0; i < f->n; i++) {
                struct live_state *s = &f->ret[i];
                if (strcmp(f->extensions[i], extension))
                        continue;
                s->last_registered_at = last_login_at;
                /* Rows come newest first: the first one is shown. */
                if (reg && s->registered == 0 && !s->has_registration) {
                        s->registered = 1;
                        s->has_registration = true;
                        s->reg = *reg;
                }
        }
}

/* The tenant's cluster and whether one of its streams is connected. */
static enum result cluster_state(struct store_conn *conn, int64_t tenant_id, bool *ret_connected)
{
        struct store_tenant t;
        int64_t count = 0;
        enum result result = store_tenant_get(conn, tenant_id, &t);

        if (!result)
                result = store_live_cluster_streams(conn, t.cluster_id, store_now() - LIVE_STALE_S,
                                                    &count);
        *ret_connected = !result && count > 0;
        return result;
}

enum result live_extensions_state(struct app *app, int64_t tenant_id,
                                  const char *const *extensions, size_t n,
                                  struct live_state *ret)
{
        struct state_fill f = { .extensions = extensions, .n = n, .ret = ret };
        struct store_conn *conn;
        bool connected = false;
        enum result result;

        memset(ret, 0, n * sizeof(*ret));
        result = store_conn_get(app->store, &conn);
        if (!result && n)
                result = cluster_state(conn, tenant_id, &connected);
        if (!result && n)
                result = store_live_registrations_of(conn, extensions, n,
                                                     store_now() - LIVE_STALE_S, state_row, &f);
        for (size_t i = 0; i < n; i++)
                if (!connected)
                        ret[i].registered = -1;
        return result;
}

enum result live_directory(struct app *app, int64_t tenant_id, struct store_page *page,
                           struct store_presence **ret_items, size_t *ret_n)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        return result ? result
                      : store_presence_list(conn, tenant_id, 0, store_now() - LIVE_STALE_S, page,
                                            ret_items, ret_n);
}

static void count_row(void *userdata, int64_t tenant_id, const char *slug, int64_t count)
{
        (void)tenant_id;
        (void)slug;
        *(int64_t *)userdata += count;
}

enum result live_pool_registered(struct app *app, int64_t tenant_id, int64_t *ret)
{
        struct store_conn *conn;
        bool connected = false;
        int64_t count = 0;
        enum result result;

        *ret = -1;
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = cluster_state(conn, tenant_id, &connected);
        if (!result && connected)
                result = store_live_registered_count(conn, tenant_id, store_now() - LIVE_STALE_S,
                                                     count_row, &count);
        if (!result && connected)
                *ret = count;
        return result;
}

enum result live_registered_by_tenant(struct app *app,
                                      void (*fn)(void *userdata, int64_t tenant_id,
                                                 const char *slug, int64_t count),
                                      void *userdata)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);

        if (!result)
                result = store_live_registered_count(conn, 0, store_now() - LIVE_STALE_S, fn,
                                                     userdata);
        return result;
}
