/*
 * The desktop's WebSocket URLs (websocket_urls.h), read from the stored
 * clusters and cached process-wide: one slot, for one store.
 */
#include "domain/switches/websocket_urls.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/text.h"

#define CACHE_BYTES 8192
#define PAGE 100

static struct {
        pthread_mutex_t lock;
        const struct store *store;
        uint64_t writes;
        int64_t fetched_ms;              /* 0: empty */
        char urls[CACHE_BYTES];
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int64_t monotonic_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Appends url to the list in buf unless it is unsafe, already there or
 * does not fit. */
static void add(char *buf, size_t size, const char *url)
{
        static const char allowed[] =
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/[]@%";
        size_t n = strcspn(url, "?#"), used = strlen(buf);
        char item[600];
        const char *p;

        if (n == 0 || n >= sizeof(item) || strspn(url, allowed) < n ||
            (strncmp(url, "ws://", 5) != 0 && strncmp(url, "wss://", 6) != 0))
                return;
        memcpy(item, url, n);
        item[n] = '\0';
        for (p = buf; (p = strstr(p, item)) != NULL; p += n)
                if ((p == buf || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
                        return;
        if (used + (used ? 1 : 0) + n + 1 > size)
                return;
        if (used)
                buf[used++] = ' ';
        memcpy(buf + used, item, n + 1);
}

static enum result read_urls(struct app *app, char *buf, size_t size)
{
        struct store_conn *conn;
        struct store_page page = { .limit = PAGE };
        struct store_cluster *items = NULL;
        size_t n = 0;
        enum result result;

        buf[0] = '\0';
        add(buf, size, app->settings.sip_ws_url);
        result = store_conn_get(app->store, &conn);
        while (!result) {
                result = store_cluster_list(conn, &page, &items, &n);
                if (result)
                        break;
                for (size_t i = 0; i < n; i++)
                        add(buf, size, items[i].websocket_url);
                free(items);
                items = NULL;
                page.offset += PAGE;
                if (n < PAGE || page.offset >= page.total)
                        break;
        }
        free(items);
        return result;
}

enum result websocket_urls_get(struct app *app, char *buf, size_t size)
{
        enum result result = RESULT_OK;
        uint64_t writes = store_writes(app->store);
        int64_t now = monotonic_ms(), max_age = store_writes_complete(app->store) ? 5000 : 1000;

        pthread_mutex_lock(&cache.lock);
        if (!cache.fetched_ms || cache.store != app->store || cache.writes != writes ||
            now - cache.fetched_ms > max_age) {
                result = read_urls(app, cache.urls, sizeof(cache.urls));
                cache.store = app->store;
                cache.writes = writes;
                /* A failure is not cached: the next request reads again. */
                cache.fetched_ms = result ? 0 : now;
        }
        text_copy(buf, size, cache.urls);
        pthread_mutex_unlock(&cache.lock);
        return result;
}
