/*
 * Push targets for the push modes (docs/freeswitch.md §4): a FreeSWITCH
 * conf dir as agentdesk reaches it — a local directory (files mode) or a
 * directory on the node over SFTP (ssh mode). The same three operations
 * behind both (kamailio-style table of functions in push.c).
 *
 * Writes go to a hidden temp name in the same directory (".<name>.tmp",
 * never matched by FreeSWITCH's "*.xml" includes), are flushed to disk,
 * then renamed over name: atomic locally; over SFTP see sftp.c.
 */
#ifndef AGENTDESK_FREESWITCH_PUSH_H
#define AGENTDESK_FREESWITCH_PUSH_H

#include <stddef.h>

#include "util/result.h"

struct fs_push;

/* A conf dir on this machine. */
enum result fs_push_local(const char *dir, struct fs_push **ret);

/*
 * The conf dir dir on target ("user@host:port", port 22 when absent) over
 * SFTP, logging in with the private key file key_file. The host key must
 * be in the known_hosts file: an unknown or changed key is refused, never
 * accepted or learnt. Everything within timeout_ms per network step.
 * RESULT_IO unreachable, RESULT_FORBIDDEN host key refused,
 * RESULT_UNAUTHORIZED key not accepted; ret_error says which in one line.
 */
enum result fs_push_sftp(const char *target, const char *key_file, const char *known_hosts,
                         const char *dir, int timeout_ms, struct fs_push **ret, char *ret_error,
                         size_t error_size);

/* Writes content as subdir/name (mode 0640: FreeSWITCH's group may read
 * it), atomically. On failure ret_error (may be NULL) says why. */
enum result fs_push_write(struct fs_push *p, const char *subdir, const char *name,
                          const char *content, char *ret_error, size_t error_size);

/* Removes subdir/name; an absent file is fine. */
enum result fs_push_remove(struct fs_push *p, const char *subdir, const char *name,
                           char *ret_error, size_t error_size);

/* The names of the "*.xml" files in subdir whose first line is marker: the
 * files agentdesk owns. *ret_names is a malloc'd array of malloc'd names
 * (fs_push_names_free()). */
enum result fs_push_list_owned(struct fs_push *p, const char *subdir, const char *marker,
                               char ***ret_names, size_t *ret_n, char *ret_error,
                               size_t error_size);

void fs_push_names_free(char **names, size_t n);

/* Whether subdir exists and is a directory. */
enum result fs_push_check_dir(struct fs_push *p, const char *subdir, char *ret_error,
                              size_t error_size);

/* Closes the session and frees. Accepts NULL. */
void fs_push_close(struct fs_push *p);

/* ---- for the implementations (push.c, sftp.c) ---- */
struct fs_push_names {
        char **names;
        size_t n, cap;
};

/* Appends a copy of name; RESULT_NOMEM when out of memory. */
enum result fs_push_names_add(struct fs_push_names *l, const char *name);

/* Whether name is a visible "*.xml" file name. */
int fs_push_is_xml_name(const char *name);

struct fs_push_ops {
        enum result (*write)(struct fs_push *p, const char *path, const char *tmp,
                             const char *content, size_t len, char *err, size_t err_size);
        enum result (*remove)(struct fs_push *p, const char *path, char *err, size_t err_size);
        /* The owned files of dir, as fs_push_list_owned() says. */
        enum result (*list_owned)(struct fs_push *p, const char *dir, const char *marker,
                                  struct fs_push_names *ret, char *err, size_t err_size);
        enum result (*check_dir)(struct fs_push *p, const char *dir, char *err, size_t err_size);
        void (*close)(struct fs_push *p);
};

struct fs_push {
        const struct fs_push_ops *ops;
        char dir[1024];                  /* the conf dir, no trailing slash */
        char where[300];                 /* "" locally, "user@host:port " over SFTP */
};

#endif
