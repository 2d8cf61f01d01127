/* The commands for each change; see provision.h. */
#include "freeswitch/provision.h"

#include <stdio.h>
#include <string.h>

/* One command of a change. */
enum step {
        STEP_END,                        /* the list ends */
        STEP_RELOADXML,                  /* reloadxml */
        STEP_FLUSH_ALL,                  /* xml_flush_cache */
        STEP_FLUSH_USER,                 /* xml_flush_cache id <ext> <domain> */
        STEP_FLUSH_REG,                  /* sofia profile <p> flush_inbound_reg <ext>@<domain> reboot */
};

/* The table: each kind of change (model/vocab.h names them) and its
 * commands per mode. */
static const struct {
        enum step xml_curl[FS_COMMANDS_PER_CHANGE];
        enum step push[FS_COMMANDS_PER_CHANGE];
} changes[] = {
        [FS_CHANGE_PROVISION] = { { STEP_END }, { STEP_RELOADXML } },
        [FS_CHANGE_DEPROVISION] = { { STEP_FLUSH_USER, STEP_FLUSH_REG },
                                    /* the file is gone: no user to flush */
                                    { STEP_RELOADXML, STEP_FLUSH_REG } },
        [FS_CHANGE_UPDATE] = { { STEP_FLUSH_USER }, { STEP_RELOADXML } },
        [FS_CHANGE_REKEY] = { { STEP_FLUSH_USER, STEP_FLUSH_REG },
                              { STEP_RELOADXML, STEP_FLUSH_USER, STEP_FLUSH_REG } },
        [FS_CHANGE_RESYNC] = { { STEP_FLUSH_ALL }, { STEP_RELOADXML } },
        /* mod_callcenter's own commands follow (domain/switches/queue_apply.c);
         * in the push modes a queue's file and the tenant's context first */
        [FS_CHANGE_QUEUE] = { { STEP_END }, { STEP_RELOADXML } },
        [FS_CHANGE_QUEUE_AGENT] = { { STEP_END }, { STEP_END } },
};

#define N_CHANGES (sizeof(changes) / sizeof(changes[0]))

bool fs_provision_mode_pushes(enum fs_mode mode)
{
        return mode == FS_MODE_FILES || mode == FS_MODE_SSH;
}

/* A word that can go into an Event Socket command line: printable ASCII,
 * no spaces (they separate the arguments). */
static bool is_word(const char *s)
{
        if (!*s)
                return false;
        for (; *s; s++)
                if (*s <= ' ' || *s >= 0x7f)
                        return false;
        return true;
}

int fs_provision_commands(enum fs_mode mode, enum fs_change change, const char *extension,
                          const char *domain, const char *profile,
                          char cmds[FS_COMMANDS_PER_CHANGE][FS_COMMAND_MAX])
{
        const enum step *steps;
        int n = 0;

        if ((unsigned)change >= N_CHANGES || (unsigned)mode > FS_MODE_SSH)
                return -1;
        steps = fs_provision_mode_pushes(mode) ? changes[change].push : changes[change].xml_curl;
        for (int i = 0; i < FS_COMMANDS_PER_CHANGE && steps[i] != STEP_END; i++) {
                int len = 0;
                /* Only what names a user needs the values, and checks them. */
                if ((steps[i] == STEP_FLUSH_USER || steps[i] == STEP_FLUSH_REG) &&
                    (!*extension || strspn(extension, "0123456789") != strlen(extension) ||
                     !is_word(domain) || !is_word(profile)))
                        return -1;
                switch (steps[i]) {
                case STEP_RELOADXML:
                        len = snprintf(cmds[n], FS_COMMAND_MAX, "reloadxml");
                        break;
                case STEP_FLUSH_ALL:
                        len = snprintf(cmds[n], FS_COMMAND_MAX, "xml_flush_cache");
                        break;
                case STEP_FLUSH_USER:
                        len = snprintf(cmds[n], FS_COMMAND_MAX, "xml_flush_cache id %s %s",
                                       extension, domain);
                        break;
                case STEP_FLUSH_REG:
                        len = snprintf(cmds[n], FS_COMMAND_MAX,
                                       "sofia profile %s flush_inbound_reg %s@%s reboot", profile,
                                       extension, domain);
                        break;
                case STEP_END:
                        break;
                }
                if (len < 0 || len >= FS_COMMAND_MAX)
                        return -1;
                n++;
        }
        return n;
}
