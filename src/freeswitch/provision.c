/* The commands for each change; see provision.h. */
#include "freeswitch/provision.h"

#include <stdio.h>
#include <string.h>

/* A word that can go into an Event Socket command line: printable ASCII,
 * no spaces (they separate the arguments). */
static int is_word(const char *s)
{
        if (!*s)
                return 0;
        for (; *s; s++)
                if (*s <= ' ' || *s >= 0x7f)
                        return 0;
        return 1;
}

int fs_xmlcurl_commands(const char *kind, const char *extension, const char *domain,
                        const char *profile, char cmds[FS_COMMANDS_PER_CHANGE][FS_COMMAND_MAX])
{
        int flush_reg;

        if (!strcmp(kind, "provision"))
                return 0;
        if (!strcmp(kind, "resync")) {
                strcpy(cmds[0], "xml_flush_cache");
                return 1;
        }
        if (!strcmp(kind, "update"))
                flush_reg = 0;
        else if (!strcmp(kind, "rekey") || !strcmp(kind, "deprovision"))
                flush_reg = 1;
        else
                return -1;
        if (!*extension || strspn(extension, "0123456789") != strlen(extension) ||
            !is_word(domain) || !is_word(profile))
                return -1;
        if (snprintf(cmds[0], FS_COMMAND_MAX, "xml_flush_cache id %s %s", extension, domain) >=
            FS_COMMAND_MAX)
                return -1;
        if (!flush_reg)
                return 1;
        if (snprintf(cmds[1], FS_COMMAND_MAX, "sofia profile %s flush_inbound_reg %s@%s reboot",
                     profile, extension, domain) >= FS_COMMAND_MAX)
                return -1;
        return 2;
}

int fs_files_commands(const char *kind, const char *extension, const char *domain,
                      const char *profile, char cmds[FS_COMMANDS_PER_CHANGE][FS_COMMAND_MAX])
{
        char flush[FS_COMMANDS_PER_CHANGE][FS_COMMAND_MAX];
        int n;

        strcpy(cmds[0], "reloadxml");
        if (!strcmp(kind, "provision") || !strcmp(kind, "update") || !strcmp(kind, "resync"))
                return 1;
        n = fs_xmlcurl_commands(kind, extension, domain, profile, flush);
        if (n != 2)
                return -1;
        if (!strcmp(kind, "rekey")) {
                memcpy(cmds[1], flush[0], FS_COMMAND_MAX);
                memcpy(cmds[2], flush[1], FS_COMMAND_MAX);
                return 3;
        }
        memcpy(cmds[1], flush[1], FS_COMMAND_MAX);   /* deprovision: the file is gone */
        return 2;
}
