/*
 * Secrets are wiped on every way out, failures included. agentdesk wipes
 * through util/wipe.c, which calls explicit_bzero; this program defines its
 * own explicit_bzero (the executable's definition wins over libc's), which
 * counts the sealed values ("v1:…") in each buffer before zeroing it.
 *
 * The failure forced here is the one that early returns used to skip:
 * the write transaction cannot start (another connection holds SQLite's
 * write lock past the busy timeout), after the SIP secrets and PINs were
 * generated. Usage: test_secrets DIR (an empty scratch folder).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "domain/identity/agents.h"
#include "domain/core/credentials.h"
#include "domain/tenants/tenants.h"
#include "util/wipe.h"

static int sealed_wiped;      /* "v1:" values seen by explicit_bzero */
static size_t bytes_wiped;

void explicit_bzero(void *buf, size_t len)
{
        const char *p = buf, *end = p + len;

        while ((p = memmem(p, (size_t)(end - p), "v1:", 3)) != NULL) {
                sealed_wiped++;
                p += 3;
        }
        bytes_wiped += len;
        /* volatile: this store must happen, as libc's would. */
        for (volatile char *v = buf; len--; v++)
                *v = 0;
}

static void test_wipe_memory(void)
{
        char buf[8] = "v1:abcd";

        sealed_wiped = 0;
        wipe_memory(buf, sizeof(buf));
        CHECK_INT_EQ(sealed_wiped, 1);
        CHECK(memcmp(buf, "\0\0\0\0\0\0\0\0", 8) == 0);
        wipe_memory(NULL, 0);
        wipe_free_string(NULL);
}

/* The sealed boxes the directory cache keeps: still sealed, opened only
 * with the key and intact; and the digests xml_curl's basic auth is
 * compared by. */
static void test_boxes(void)
{
        char sealed[STORE_TEXT_MAX], plain[64], overlong[400];
        struct credentials_box box;
        unsigned char digest[CREDENTIALS_DIGEST_BYTES];

        CHECK_INT_EQ(credentials_seal("s3cret-pass", sealed), RESULT_OK);
        CHECK_INT_EQ(credentials_box_of(sealed, &box), RESULT_OK);
        CHECK(memmem(box.bytes, box.len, "s3cret", 6) == NULL);
        CHECK_INT_EQ(credentials_box_open(&box, plain, sizeof(plain)), RESULT_OK);
        CHECK(strcmp(plain, "s3cret-pass") == 0);
        CHECK_INT_EQ(credentials_box_open(&box, plain, 5), RESULT_INVALID);
        box.bytes[box.len - 1] ^= 1;
        CHECK_INT_EQ(credentials_box_open(&box, plain, sizeof(plain)), RESULT_INVALID);
        CHECK_INT_EQ(credentials_box_of("s3cret-pass", &box), RESULT_INVALID);
        CHECK(box.len == 0);
        CHECK_INT_EQ(credentials_box_open(&box, plain, sizeof(plain)), RESULT_INVALID);
        CHECK_INT_EQ(credentials_box_of("v1:*not base64*", &box), RESULT_INVALID);
        memcpy(overlong, "v1:", 3);
        memset(overlong + 3, 'A', sizeof(overlong) - 4);
        overlong[sizeof(overlong) - 1] = '\0';
        CHECK_INT_EQ(credentials_box_of(overlong, &box), RESULT_INVALID);
        CHECK_INT_EQ(credentials_unseal(overlong, plain, sizeof(plain)), RESULT_INVALID);

        credentials_digest("freeswitch", digest);
        CHECK(credentials_equal_digest("freeswitch", digest));
        CHECK(!credentials_equal_digest("freeswitcH", digest));
        CHECK(!credentials_equal_digest("", digest));
        CHECK(credentials_equal("freeswitch", "freeswitch"));
        CHECK(!credentials_equal("freeswitch", "freeswitch "));
}

int main(int argc, char **argv)
{
        char url[600], path[512], temporary[CREDENTIALS_TEMP_PASSWORD_LEN + 1];
        struct app d = { 0 };
        struct store_tenant t;
        struct agent *a = calloc(1, sizeof(*a));
        struct agent_create_input in = { .first_name = "Ada", .last_name = "Lovelace",
                                         .email = "ada@example.com", .extensions_count = 2 };
        struct actor cli = { .kind = ACTOR_KIND_CLI, .client_ip = "", .request_id = "" };
        const char *field = NULL;
        sqlite3 *other = NULL;
        int applied = 0;

        if (argc != 2 || !a)
                return 2;
        test_wipe_memory();
        snprintf(path, sizeof(path), "%s/secret.key", argv[1]);
        CHECK_INT_EQ(credentials_init(path, true), RESULT_OK);
        test_boxes();
        snprintf(path, sizeof(path), "%s/secrets.db", argv[1]);
        snprintf(url, sizeof(url), "sqlite:%s", path);
        CHECK_INT_EQ(store_open(url, 50, &d.store), RESULT_OK);
        if (!d.store)
                return CHECK_DONE();
        CHECK_INT_EQ(store_migrate(d.store, &applied), RESULT_OK);
        d.settings.max_extensions_per_agent = 5;
        d.settings.fs_mode = FS_MODE_XML_CURL;
        CHECK_INT_EQ(tenant_create(d.store, &cli, "Acme", NULL, -1, -1, 0, &t, &field), RESULT_OK);

        /* A created agent to delete later, while the lock is free. */
        CHECK_INT_EQ(agent_create(&d, &cli, t.id, &in, a, temporary, &field), RESULT_OK);

        /* Another writer holds the lock: every write transaction is busy. */
        CHECK_INT_EQ(sqlite3_open(path, &other), SQLITE_OK);
        CHECK_INT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

        in.email = "grace@example.com";
        sealed_wiped = 0;
        memset(temporary, 'x', sizeof(temporary));
        CHECK_INT_EQ(agent_create(&d, &cli, t.id, &in, a, temporary, &field), RESULT_BUSY);
        /* Two extensions: two sealed SIP secrets and two sealed PINs. */
        CHECK(sealed_wiped >= 4);
        CHECK(temporary[0] == '\0');

        sealed_wiped = 0;
        CHECK_INT_EQ(agent_delete(&d, &cli, t.id, a->user.id), RESULT_BUSY);
        CHECK(sealed_wiped >= 4);

        sealed_wiped = 0;
        CHECK_INT_EQ(agent_reset_password(&d, &cli, t.id, a->user.id, temporary), RESULT_BUSY);
        CHECK(temporary[0] == '\0');

        sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(other);
        /* And the lock free again: the delete goes through, secrets wiped. */
        sealed_wiped = 0;
        CHECK_INT_EQ(agent_delete(&d, &cli, t.id, a->user.id), RESULT_OK);
        CHECK(sealed_wiped >= 4);

        store_close(d.store);
        free(a);
        return CHECK_DONE();
}
