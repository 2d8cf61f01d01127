/*
 * What agentdesk sends to a FreeSWITCH node for each change: a table with
 * one row per kind of change and one column per way of provisioning (see
 * docs/ARCHITECTURE.md, Provisioning). Pure: builds the command lines; the
 * reconciler (domain/switches/reconciler.c) sends them. The kinds of change and
 * the modes are enums with one string table each (model/vocab.h,
 * model/modes.h), parsed once where text comes in (the store, the
 * settings, the API).
 */
#ifndef AGENTDESK_FREESWITCH_PROVISION_H
#define AGENTDESK_FREESWITCH_PROVISION_H

#include <stdbool.h>
#include <stdint.h>

#include "model/modes.h"   /* enum fs_mode */
#include "model/vocab.h"   /* enum fs_change */

#define FS_COMMAND_MAX 384
#define FS_COMMANDS_PER_CHANGE 3

/* Whether mode writes files (files, ssh). */
bool fs_provision_mode_pushes(enum fs_mode mode);

/*
 * The Event Socket `api` commands (without "api ") that apply one change to
 * extension@domain on a node of a cluster in mode whose sofia profile is
 * profile. In xml_curl mode:
 *   provision             nothing (FreeSWITCH asks when it needs the user)
 *   update                xml_flush_cache id <ext> <domain>
 *   rekey, deprovision    that, and sofia profile <p> flush_inbound_reg <ext>@<domain> reboot
 *   resync                xml_flush_cache (every cached user; extension and domain unused)
 *   voicebox              vm_delete <ext>@<domain>/agentdesk (its messages and their files)
 * In the push modes, sent after the batch's files are written:
 *   provision, update, resync   reloadxml
 *   rekey                       reloadxml; xml_flush_cache id …; sofia profile <p> flush_inbound_reg … reboot
 *   deprovision                 reloadxml; sofia profile <p> flush_inbound_reg … reboot
 *   voicebox                    vm_delete … (as in xml_curl mode)
 * (reloadxml comes first in every list: sent once per node and batch, it
 * answers for all of them.) Returns how many were written to cmds, or -1
 * for a value that cannot be sent (an extension that is not digits, a
 * domain or profile with spaces or control characters).
 */
int fs_provision_commands(enum fs_mode mode, enum fs_change change, const char *extension,
                          const char *domain, const char *profile,
                          char cmds[FS_COMMANDS_PER_CHANGE][FS_COMMAND_MAX]);

/*
 * The voicebox's greeting and recorded name, which vm_delete keeps: for
 * each of its FS_VOICEBOX_FILES files (i: recorded_name.wav, then
 * greeting_1..9.wav in the box's folder under the node's storage_dir),
 * `exists` asks whether it is there (mod_commands' file_exists, "true"),
 * and `move` takes it out of the box (mod_voicemail's
 * vm_fsdb_pref_greeting_set renames it into the box FS_VOICEBOX_TRASH of
 * the same domain, which no user has and each move overwrites; no
 * `system`). Both through `expand` for the node's ${storage_dir}. False
 * for a domain that is not a host name or an extension that is not
 * digits.
 */
#define FS_VOICEBOX_FILES 10
#define FS_VOICEBOX_TRASH "agentdesk-trash"
bool fs_voicebox_file_commands(const char *domain, const char *extension, int i,
                               char exists[FS_COMMAND_MAX], char move[FS_COMMAND_MAX]);

/* `vm_boxcount agentdesk/<ext>@<domain>|all` (false as above), and its
 * answer "new:saved:new-urgent:saved-urgent" read (false when it is not
 * that). */
bool fs_voicebox_count_command(const char *domain, const char *extension,
                               char cmd[FS_COMMAND_MAX]);
bool fs_voicebox_count_parse(const char *body, int64_t *ret_new, int64_t *ret_saved);

#endif
