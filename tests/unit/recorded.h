/*
 * The recorded FreeSWITCH conversations of tests/fixtures/freeswitch-1.11/
 * (README.md there: blocks "--- S (N bytes)" / "--- C (N bytes)", each
 * followed by exactly those bytes), read block by block.
 */
#ifndef AGENTDESK_TESTS_RECORDED_H
#define AGENTDESK_TESTS_RECORDED_H

#include <stdio.h>
#include <stdlib.h>

/* Calls each(dir, bytes, n, ctx) for every block of dir/esl/name, in
 * order ('S' what FreeSWITCH sent, 'C' what the client sent); exits when
 * the file cannot be read. */
static void recorded_blocks(const char *dir, const char *name,
                            void (*each)(char d, const char *bytes, size_t n, void *ctx), void *ctx)
{
        char path[1024], *data;
        size_t len;
        FILE *f;

        snprintf(path, sizeof(path), "%s/esl/%s", dir, name);
        f = fopen(path, "rb");
        if (!f) {
                fprintf(stderr, "cannot open %s\n", path);
                exit(1);
        }
        data = malloc(1 << 20);
        len = fread(data, 1, (1 << 20) - 1, f);
        fclose(f);
        data[len] = '\0';
        for (size_t i = 0; i < len;) {
                char d;
                size_t n;
                int head;

                if (sscanf(data + i, "--- %c (%zu bytes)\n%n", &d, &n, &head) != 2)
                        break;
                i += (size_t)head;
                each(d, data + i, n, ctx);
                i += n + 1;
        }
        free(data);
}

#endif
