/* The sealed values against the key file; see keys.h. */
#include "domain/provisioning/keys.h"

#include <stdlib.h>
#include <string.h>

#include "domain/core/credentials.h"
#include "domain/provisioning/extensions.h"
#include "util/wipe.h"

#define PAGE 500
#define RESEAL_PASSES 5

/* Calls fn for every value of column, a page at a time. */
static enum result each_value(struct app *app, enum store_sealed_column column,
                              enum result (*fn)(struct app *app, enum store_sealed_column column,
                                                const struct store_sealed *s, void *arg),
                              void *arg)
{
        struct store_conn *conn;
        enum result result = store_conn_get(app->store, &conn);
        int64_t after = 0;

        while (!result) {
                struct store_sealed *page = NULL;
                size_t n = 0;
                result = store_sealed_page(conn, column, after, PAGE, &page, &n);
                for (size_t i = 0; !result && i < n; i++) {
                        result = fn(app, column, &page[i], arg);
                        after = page[i].id;
                }
                if (page)
                        wipe_memory(page, n * sizeof(*page));
                free(page);
                if (!result && n < PAGE)
                        break;
        }
        return result;
}

/* Whether a key of the file opens sealed. */
static bool opens(const char *sealed)
{
        char plain[STORE_TEXT_MAX];
        bool ok = credentials_unseal(sealed, plain, sizeof(plain)) == RESULT_OK;

        wipe_memory(plain, sizeof(plain));
        return ok;
}

static enum result count_one(struct app *app, enum store_sealed_column column,
                             const struct store_sealed *s, void *arg)
{
        struct keys_report *r = arg;

        (void)app;
        r->total[column]++;
        if (!opens(s->value))
                r->unopened[column]++;
        else if (credentials_sealed_key_id(s->value) != credentials_key_id())
                r->older[column]++;
        return RESULT_OK;
}

enum result keys_check(struct app *app, struct keys_report *ret)
{
        enum result result = RESULT_OK;

        memset(ret, 0, sizeof(*ret));
        for (int c = 0; !result && c < STORE_SEALED__MAX; c++)
                result = each_value(app, (enum store_sealed_column)c, count_one, ret);
        return result;
}

struct reseal {
        struct keys_report *report;
        int64_t moved;                   /* this pass */
};

static enum result reseal_one(struct app *app, enum store_sealed_column column,
                              const struct store_sealed *s, void *arg)
{
        struct reseal *rs = arg;
        char plain[STORE_TEXT_MAX], sealed[STORE_TEXT_MAX];
        struct store_conn *conn;
        enum result result;

        if (credentials_sealed_key_id(s->value) == credentials_key_id())
                return RESULT_OK;
        if (credentials_unseal(s->value, plain, sizeof(plain)) != RESULT_OK)
                return RESULT_OK;         /* counted by keys_check */
        result = credentials_seal(plain, sealed);
        wipe_memory(plain, sizeof(plain));
        if (!result)
                result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_sealed_swap(conn, column, s->id, s->value, sealed);
        wipe_memory(sealed, sizeof(sealed));
        if (result == RESULT_NOT_FOUND)
                return RESULT_OK;         /* changed meanwhile: sealed anew by its writer */
        if (!result) {
                rs->report->resealed[column]++;
                rs->moved++;
        }
        return result;
}

enum result keys_reseal(struct app *app, struct keys_report *ret)
{
        int64_t resealed[STORE_SEALED__MAX] = { 0 };
        struct keys_report r = { 0 };
        struct reseal rs = { .report = &r, .moved = 1 };
        enum result result = RESULT_OK;

        for (int pass = 0; !result && rs.moved && pass < RESEAL_PASSES; pass++) {
                rs.moved = 0;
                for (int c = 0; !result && c < STORE_SEALED__MAX; c++)
                        result = each_value(app, (enum store_sealed_column)c, reseal_one, &rs);
        }
        memcpy(resealed, r.resealed, sizeof(resealed));
        if (!result)
                result = keys_check(app, ret);
        if (!result)
                memcpy(ret->resealed, resealed, sizeof(resealed));
        return result;
}

struct rekey {
        const struct actor *actor;
        int64_t extensions, jobs;
};

/* A new secret and PIN for extension s->id when its SIP secret or PIN
 * does not open. */
static enum result rekey_one(struct app *app, enum store_sealed_column column,
                             const struct store_sealed *s, void *arg)
{
        struct rekey *rk = arg;
        struct store_conn *conn;
        struct store_extension e;
        enum result result;

        (void)column;
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_extension_get(conn, s->id, &e);
        if (result == RESULT_NOT_FOUND)
                return RESULT_OK;
        if (result || (opens(e.sip_secret) && opens(e.vm_pin)))
                return result;
        result = extension_replace_secret(app, rk->actor, &e, true);
        rk->extensions += !result;
        rk->jobs += !result && e.user_id;
        return result;
}

enum result keys_rekey(struct app *app, const struct actor *actor, int64_t *ret_extensions,
                       int64_t *ret_jobs)
{
        struct rekey rk = { .actor = actor };
        enum result result;

        /* The SIP secret column lists every extension (each has one). */
        result = each_value(app, STORE_SEALED_SIP_SECRET, rekey_one, &rk);
        *ret_extensions = rk.extensions;
        *ret_jobs = rk.jobs;
        return result;
}
