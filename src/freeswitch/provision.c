/* The commands for each change; see provision.h. */
#include "freeswitch/provision.h"

#include "freeswitch/xml.h"

#include <stdio.h>
#include <string.h>

/* One command of a change. */
enum step {
        STEP_END,                        /* the list ends */
        STEP_RELOADXML,                  /* reloadxml */
        STEP_FLUSH_ALL,                  /* xml_flush_cache */
        STEP_FLUSH_USER,                 /* xml_flush_cache id <ext> <domain> */
        STEP_FLUSH_REG,                  /* sofia profile <p> flush_inbound_reg <ext>@<domain> reboot */
        STEP_VM_DELETE,                  /* vm_delete <ext>@<domain>/<FSXML_VM_PROFILE> */
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
        /* then the greeting and name (fs_voicebox_file_commands) */
        [FS_CHANGE_VOICEBOX] = { { STEP_VM_DELETE }, { STEP_VM_DELETE } },
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

/* A voicebox's domain and extension go into a path on the node: a host
 * name (letters, digits, '-', '.', not starting with '.') and digits. */
static bool box_ok(const char *domain, const char *extension)
{
        size_t n = strspn(domain, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.");

        return *extension && strspn(extension, "0123456789") == strlen(extension) && *domain &&
               domain[0] != '.' && !domain[n] && strlen(domain) < 200 && strlen(extension) < 16;
}

bool fs_voicebox_file_commands(const char *domain, const char *extension, int i,
                               char exists[FS_COMMAND_MAX], char move[FS_COMMAND_MAX])
{
        char name[32], path[300];

        if (i < 0 || i >= FS_VOICEBOX_FILES || !box_ok(domain, extension))
                return false;
        if (i == 0)
                snprintf(name, sizeof(name), "recorded_name.wav");
        else
                snprintf(name, sizeof(name), "greeting_%d.wav", i);
        snprintf(path, sizeof(path), "${storage_dir}/voicemail/" FSXML_VM_PROFILE "/%s/%s/%s", domain,
                 extension, name);
        snprintf(exists, FS_COMMAND_MAX, "expand file_exists %s", path);
        snprintf(move, FS_COMMAND_MAX,
                 "expand vm_fsdb_pref_greeting_set " FSXML_VM_PROFILE " %s " FS_VOICEBOX_TRASH " 1 %s",
                 domain, path);
        return true;
}

bool fs_voicebox_count_command(const char *domain, const char *extension,
                               char cmd[FS_COMMAND_MAX])
{
        if (!box_ok(domain, extension))
                return false;
        snprintf(cmd, FS_COMMAND_MAX, "vm_boxcount " FSXML_VM_PROFILE "/%s@%s|all", extension,
                 domain);
        return true;
}

bool fs_voicebox_count_parse(const char *body, int64_t *ret_new, int64_t *ret_saved)
{
        long long n[4];
        int end = 0;

        if (!body || sscanf(body, "%lld:%lld:%lld:%lld%n", &n[0], &n[1], &n[2], &n[3], &end) != 4 ||
            (body[end] && body[end] != '\n') || n[0] < 0 || n[1] < 0)
                return false;
        *ret_new = n[0];
        *ret_saved = n[1];
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
                if (steps[i] == STEP_VM_DELETE && !box_ok(domain, extension))
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
                case STEP_VM_DELETE:
                        len = snprintf(cmds[n], FS_COMMAND_MAX, "vm_delete %s@%s/" FSXML_VM_PROFILE,
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
