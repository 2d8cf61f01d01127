/*
 * libFuzzer driver: the settings reader (settings_load: the table of
 * settings/settings.c read by util/config.c).
 * The input is a config file (KEY=value lines); its lines that start with
 * AGENTDESK_ are given again as the environment, so both sources and
 * their precedence are exercised. A NAME_FILE setting would read any
 * path the fuzzer spells, so its value is pointed at the input itself.
 *
 * Properties: a load either fails and leaves *ret_cfg zeroed, or succeeds
 * with every string setting present.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "settings/settings.h"

#define MAX_ENV 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static FILE *sink;
        char path[64], *text, *env[MAX_ENV + 1] = { 0 };
        size_t n_env = 0;
        struct settings cfg, zero = { 0 };
        FILE *file;
        int fd;

        if (!sink)
                sink = fopen("/dev/null", "w");
        fd = memfd_create("agentdesk-config", 0);
        text = malloc(size + 1);
        if (fd < 0 || !text || !sink || !(file = fdopen(fd, "w+"))) {
                if (fd >= 0)
                        close(fd);
                free(text);
                return 0;
        }
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        memcpy(text, data, size);
        text[size] = '\0';
        /* Write the lines back, NAME_FILE values replaced by the input's own
         * path; collect the AGENTDESK_ lines as the environment. */
        for (char *line = text, *next; line; line = next) {
                char *eq = strchr(line, '='), *nl = strchr(line, '\n');
                next = nl ? nl + 1 : NULL;
                if (nl)
                        *nl = '\0';
                if (eq && eq - line >= 5 && memcmp(eq - 5, "_FILE", 5) == 0)
                        fprintf(file, "%.*s=%s\n", (int)(eq - line), line, path);
                else
                        fprintf(file, "%s\n", line);
                if (n_env < MAX_ENV && !strncmp(line, "AGENTDESK_", 10) && eq &&
                    !(eq - line >= 5 && memcmp(eq - 5, "_FILE", 5) == 0))
                        env[n_env++] = line;
        }
        fflush(file);
        memset(&cfg, 0, sizeof(cfg));
        if (settings_load(path, env, NULL, 0, sink, &cfg) == RESULT_OK) {
                for (size_t i = 0; i < settings_table.count; i++)
                        if (settings_table.defs[i].type == CONFIG_STRING &&
                            !*(char **)((char *)&cfg + settings_table.defs[i].offset))
                                abort();
                settings_free(&cfg);
        } else if (memcmp(&cfg, &zero, sizeof(cfg)) != 0) {
                abort();                 /* failure touched the out-parameter */
        }
        fclose(file);
        free(text);
        return 0;
}
