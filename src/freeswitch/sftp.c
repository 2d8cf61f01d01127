/*
 * The SFTP push target (libssh; the only file that includes it): key
 * authentication, the host key checked against the known_hosts file and
 * nothing else, writes to a temp name flushed with fsync@openssh.com, then
 * renamed into place.
 *
 * SFTP v3's rename (what OpenSSH speaks) refuses to replace an existing
 * file, and libssh 0.10 does not expose posix-rename@openssh.com: a
 * rewrite is unlink + rename. The file is absent for that moment only,
 * and FreeSWITCH reads it at the batch's reloadxml, which comes after every
 * rename of the batch; a crash in between leaves the job pending, so the
 * next attempt writes it again.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include "freeswitch/push.h"
#include "util/config.h"
#include "util/text.h"

struct sftp_push {
        struct fs_push base;             /* first: the ops see a struct fs_push */
        ssh_session ssh;
        sftp_session sftp;
};

static enum result sftp_failure(struct sftp_push *s, char *err, size_t size)
{
        int code = sftp_get_error(s->sftp);

        snprintf(err, size, "%s",
                 code == SSH_FX_NO_SUCH_FILE      ? "No such file or directory" :
                 code == SSH_FX_PERMISSION_DENIED ? "Permission denied" :
                 code == SSH_FX_NO_CONNECTION ||
                 code == SSH_FX_CONNECTION_LOST   ? "connection lost" :
                                                    ssh_get_error(s->ssh));
        return RESULT_IO;
}

static enum result sftp_write_file(struct fs_push *p, const char *path, const char *tmp,
                                   const char *content, size_t len, char *err, size_t err_size)
{
        struct sftp_push *s = (struct sftp_push *)p;
        sftp_file f = sftp_open(s->sftp, tmp, O_WRONLY | O_CREAT | O_TRUNC, 0640);
        size_t done = 0;

        if (!f)
                return sftp_failure(s, err, err_size);
        while (done < len) {
                ssize_t n = sftp_write(f, content + done, len - done);
                if (n <= 0)
                        break;
                done += (size_t)n;
        }
        if (done < len || sftp_fsync(f) != 0) {
                enum result r = sftp_failure(s, err, err_size);
                sftp_close(f);
                sftp_unlink(s->sftp, tmp);
                return r;
        }
        if (sftp_close(f) != SSH_NO_ERROR) {
                enum result r = sftp_failure(s, err, err_size);
                sftp_unlink(s->sftp, tmp);
                return r;
        }
        if (sftp_rename(s->sftp, tmp, path) != 0 &&
            (sftp_unlink(s->sftp, path) != 0 || sftp_rename(s->sftp, tmp, path) != 0)) {
                enum result r = sftp_failure(s, err, err_size);
                sftp_unlink(s->sftp, tmp);
                return r;
        }
        return RESULT_OK;
}

static enum result sftp_remove_file(struct fs_push *p, const char *path, char *err,
                                    size_t err_size)
{
        struct sftp_push *s = (struct sftp_push *)p;

        if (sftp_unlink(s->sftp, path) != 0 && sftp_get_error(s->sftp) != SSH_FX_NO_SUCH_FILE)
                return sftp_failure(s, err, err_size);
        return RESULT_OK;
}

static int starts_with_marker(struct sftp_push *s, const char *path, const char *marker)
{
        size_t n = strlen(marker);
        char buf[256];
        ssize_t got;
        sftp_file f;

        if (n + 1 > sizeof(buf) || !(f = sftp_open(s->sftp, path, O_RDONLY, 0)))
                return 0;
        got = sftp_read(f, buf, n + 1);
        sftp_close(f);
        return got == (ssize_t)(n + 1) && memcmp(buf, marker, n) == 0 && buf[n] == '\n';
}

static enum result sftp_list_owned(struct fs_push *p, const char *dir, const char *marker,
                                   struct fs_push_names *ret, char *err, size_t err_size)
{
        struct sftp_push *s = (struct sftp_push *)p;
        sftp_dir d = sftp_opendir(s->sftp, dir);
        sftp_attributes a;
        enum result result = RESULT_OK;

        if (!d)
                return sftp_failure(s, err, err_size);
        while (!result && (a = sftp_readdir(s->sftp, d))) {
                char path[2300];
                if (a->type == SSH_FILEXFER_TYPE_REGULAR && fs_push_is_xml_name(a->name) &&
                    snprintf(path, sizeof(path), "%s/%s", dir, a->name) < (int)sizeof(path) &&
                    starts_with_marker(s, path, marker))
                        result = fs_push_names_add(ret, a->name);
                sftp_attributes_free(a);
        }
        if (!result && !sftp_dir_eof(d))
                result = sftp_failure(s, err, err_size);
        sftp_closedir(d);
        return result;
}

static enum result sftp_check_dir(struct fs_push *p, const char *dir, char *err, size_t err_size)
{
        struct sftp_push *s = (struct sftp_push *)p;
        sftp_attributes a = sftp_stat(s->sftp, dir);
        bool is_dir;

        if (!a)
                return sftp_failure(s, err, err_size);
        is_dir = a->type == SSH_FILEXFER_TYPE_DIRECTORY;
        sftp_attributes_free(a);
        if (!is_dir) {
                snprintf(err, err_size, "not a directory");
                return RESULT_IO;
        }
        return RESULT_OK;
}

static void sftp_push_close(struct fs_push *p)
{
        struct sftp_push *s = (struct sftp_push *)p;

        if (s->sftp)
                sftp_free(s->sftp);
        if (s->ssh) {
                ssh_disconnect(s->ssh);
                ssh_free(s->ssh);
        }
        free(s);
}

static const struct fs_push_ops sftp_ops = {
        .write = sftp_write_file,
        .remove = sftp_remove_file,
        .list_owned = sftp_list_owned,
        .check_dir = sftp_check_dir,
        .close = sftp_push_close,
};

/* Splits "user@host:port" (port optional, host may be [v6]). */
static bool parse_target(const char *target, char *user, size_t user_size, char *host,
                         size_t host_size, unsigned *port)
{
        const char *at = strchr(target, '@');
        char rest[300];

        if (!at || at == target || (size_t)(at - target) >= user_size)
                return false;
        memcpy(user, target, (size_t)(at - target));
        user[at - target] = '\0';
        snprintf(rest, sizeof(rest), "%s", at + 1);
        if (!strchr(rest, ':') || (rest[0] == '[' && !strstr(rest, "]:"))) {
                /* No port: the host alone. */
                size_t len = strlen(rest);
                if (rest[0] == '[' && len > 2 && rest[len - 1] == ']') {
                        rest[len - 1] = '\0';
                        text_copy(host, host_size, rest + 1);
                } else {
                        text_copy(host, host_size, rest);
                }
                *port = 22;
                return *host != '\0';
        }
        return config_split_host_port(rest, host, host_size, port) && *port > 0;
}

enum result fs_push_sftp(const char *target, const char *key_file, const char *known_hosts,
                         const char *dir, int timeout_ms, struct fs_push **ret, char *err,
                         size_t err_size)
{
        struct sftp_push *s = calloc(1, sizeof(*s));
        char user[128], host[256];
        unsigned port = 22;
        long timeout_s = timeout_ms < 1000 ? 1 : timeout_ms / 1000;
        ssh_key key = NULL;
        enum result result = RESULT_IO;
        int zero = 0;

        if (!s)
                return RESULT_NOMEM;
        s->base.ops = &sftp_ops;
        snprintf(s->base.dir, sizeof(s->base.dir), "%s", dir);
        snprintf(s->base.where, sizeof(s->base.where), "%.280s:", target);
        if (!parse_target(target, user, sizeof(user), host, sizeof(host), &port)) {
                snprintf(err, err_size, "%.100s: not user@host:port", target);
                result = RESULT_INVALID;
                goto fail;
        }
        s->ssh = ssh_new();
        if (!s->ssh) {
                result = RESULT_NOMEM;
                goto fail;
        }
        /* Only our known_hosts file: no ~/.ssh/config, no global file. */
        if (ssh_options_set(s->ssh, SSH_OPTIONS_HOST, host) < 0 ||
            ssh_options_set(s->ssh, SSH_OPTIONS_PORT, &port) < 0 ||
            ssh_options_set(s->ssh, SSH_OPTIONS_USER, user) < 0 ||
            ssh_options_set(s->ssh, SSH_OPTIONS_TIMEOUT, &timeout_s) < 0 ||
            ssh_options_set(s->ssh, SSH_OPTIONS_KNOWNHOSTS, known_hosts) < 0 ||
            ssh_options_set(s->ssh, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") < 0 ||
            ssh_options_set(s->ssh, SSH_OPTIONS_PROCESS_CONFIG, &zero) < 0) {
                snprintf(err, err_size, "%.100s: %s", target, ssh_get_error(s->ssh));
                goto fail;
        }
        if (ssh_connect(s->ssh) != SSH_OK) {
                snprintf(err, err_size, "%.100s: cannot connect: %.150s", target,
                         ssh_get_error(s->ssh));
                goto fail;
        }
        switch (ssh_session_is_known_server(s->ssh)) {
        case SSH_KNOWN_HOSTS_OK:
                break;
        case SSH_KNOWN_HOSTS_CHANGED:
        case SSH_KNOWN_HOSTS_OTHER:
                snprintf(err, err_size, "%.100s: host key CHANGED from the one in %.200s: refused "
                                        "(if the node was reinstalled, replace its line there)",
                         target, known_hosts);
                result = RESULT_FORBIDDEN;
                goto fail;
        default:
                snprintf(err, err_size, "%.100s: host key unknown: refused (add the node's key "
                                        "to %.200s)", target, known_hosts);
                result = RESULT_FORBIDDEN;
                goto fail;
        }
        if (ssh_pki_import_privkey_file(key_file, NULL, NULL, NULL, &key) != SSH_OK) {
                snprintf(err, err_size, "cannot read the private key %.200s", key_file);
                goto fail;
        }
        if (ssh_userauth_publickey(s->ssh, NULL, key) != SSH_AUTH_SUCCESS) {
                snprintf(err, err_size, "%.100s: the key %.150s is not accepted for %.60s", target,
                         key_file, user);
                result = RESULT_UNAUTHORIZED;
                goto fail;
        }
        s->sftp = sftp_new(s->ssh);
        if (!s->sftp || sftp_init(s->sftp) != SSH_OK) {
                snprintf(err, err_size, "%.100s: no SFTP: %.150s", target, ssh_get_error(s->ssh));
                goto fail;
        }
        ssh_key_free(key);
        *ret = &s->base;
        return RESULT_OK;
fail:
        ssh_key_free(key);
        sftp_push_close(&s->base);
        return result;
}
