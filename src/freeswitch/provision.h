/*
 * What agentdesk sends to a FreeSWITCH node for each change, as the table
 * in docs/design.md ("Provisioning model") says. Pure: builds the command
 * lines; the reconciler (domain/reconciler.c) sends them.
 */
#ifndef AGENTDESK_FREESWITCH_PROVISION_H
#define AGENTDESK_FREESWITCH_PROVISION_H

#define FS_COMMAND_MAX 384
#define FS_COMMANDS_PER_CHANGE 3

/*
 * The Event Socket `api` commands (without "api ") that apply one change of
 * kind to extension@domain in xml_curl mode, on a node whose sofia profile
 * is profile:
 *   provision             nothing (FreeSWITCH asks when it needs the user)
 *   update                xml_flush_cache id <ext> <domain>
 *   rekey, deprovision    that, and sofia profile <p> flush_inbound_reg <ext>@<domain> reboot
 *   resync                xml_flush_cache (every cached user; extension and domain unused)
 * Returns how many were written to cmds, or -1 for an unknown kind or a
 * value that cannot be sent (an extension that is not digits, a domain or
 * profile with spaces or control characters).
 */
int fs_xmlcurl_commands(const char *kind, const char *extension, const char *domain,
                        const char *profile, char cmds[FS_COMMANDS_PER_CHANGE][FS_COMMAND_MAX]);

/*
 * The same for the push modes (files, ssh), sent after the batch's files are written:
 *   provision, update, resync   reloadxml
 *   rekey                       reloadxml; xml_flush_cache id …; sofia profile <p> flush_inbound_reg … reboot
 *   deprovision                 reloadxml; sofia profile <p> flush_inbound_reg … reboot
 * reloadxml comes first in every list: sent once per node and batch, it
 * answers for all of them.
 */
int fs_files_commands(const char *kind, const char *extension, const char *domain,
                      const char *profile, char cmds[FS_COMMANDS_PER_CHANGE][FS_COMMAND_MAX]);

#endif
