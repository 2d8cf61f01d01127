/* Health checks; see health.h. */
#include "domain/health.h"

enum result health_check_store(struct store *store)
{
        struct store_conn *conn;
        enum result result = store_conn_get(store, &conn);

        return result ? result : store_ping(conn);
}

enum result health_mail_gauges(struct store *store,
                               void (*fn)(void *userdata, const char *template,
                                          const char *status, int64_t count),
                               void *userdata, int64_t *ret_queued, int64_t *ret_oldest)
{
        struct store_conn *conn;
        enum result result = store_conn_get(store, &conn);

        return result ? result : store_mail_stats(conn, fn, userdata, ret_queued, ret_oldest);
}

enum result health_pool_gauges(struct store *store,
                               void (*fn)(void *userdata, const struct store_tenant *t,
                                          const struct store_pool_stats *s),
                               void *userdata)
{
        struct store_conn *conn;
        enum result result = store_conn_get(store, &conn);

        return result ? result : store_pool_stats_all(conn, fn, userdata);
}
