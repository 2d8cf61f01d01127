/*
 * Push targets for files mode (docs/freeswitch.md §4): the FreeSWITCH conf
 * dir as seen from agentdesk. Writes are atomic: the content goes to a
 * hidden temp name in the same directory (".<name>.tmp", never matched by
 * FreeSWITCH's "*.xml" includes), is fsync'ed, then renamed over name.
 * Only a local directory for now; SFTP is the same three operations.
 */
#ifndef AGENTDESK_FREESWITCH_PUSH_H
#define AGENTDESK_FREESWITCH_PUSH_H

#include <stddef.h>

#include "util/result.h"

/* Writes content as dir/name (mode 0640: FreeSWITCH's group may read it),
 * atomically. On failure ret_error (may be NULL) says why in one line. */
enum result fs_push_write(const char *dir, const char *name, const char *content,
                          char *ret_error, size_t error_size);

/* Removes dir/name; an absent file is fine. */
enum result fs_push_remove(const char *dir, const char *name, char *ret_error, size_t error_size);

/* The names of the "*.xml" files in dir whose first line is marker: the
 * files agentdesk owns. *ret_names is a malloc'd array of malloc'd names
 * (free each, then it). */
enum result fs_push_list_owned(const char *dir, const char *marker, char ***ret_names,
                               size_t *ret_n, char *ret_error, size_t error_size);

#endif
