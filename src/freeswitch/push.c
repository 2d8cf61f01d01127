/* Push targets: the dispatch, and the local directory; see push.h. SFTP is
 * in sftp.c. */
#include "freeswitch/push.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- dispatch ---- */

static enum result path_of(const struct fs_push *p, const char *subdir, const char *name,
                           const char *prefix, const char *suffix, char *out, size_t size)
{
        if (snprintf(out, size, "%s/%s%s%s%s%s", p->dir, subdir, *name ? "/" : "", prefix, name,
                     suffix) >= (int)size)
                return RESULT_TOO_BIG;
        return RESULT_OK;
}

enum result fs_push_write(struct fs_push *p, const char *subdir, const char *name,
                          const char *content, char *ret_error, size_t error_size)
{
        char path[2048], tmp[2048], err[200] = "";
        enum result result;

        result = path_of(p, subdir, name, "", "", path, sizeof(path));
        if (!result)
                result = path_of(p, subdir, name, ".", ".tmp", tmp, sizeof(tmp));
        if (!result)
                result = p->ops->write(p, path, tmp, content, strlen(content), err, sizeof(err));
        if (result && ret_error)
                snprintf(ret_error, error_size, "cannot write %.200s%.600s: %.200s", p->where, path,
                         err[0] ? err : result_name(result));
        return result;
}

enum result fs_push_remove(struct fs_push *p, const char *subdir, const char *name,
                           char *ret_error, size_t error_size)
{
        char path[2048], err[200] = "";
        enum result result;

        result = path_of(p, subdir, name, "", "", path, sizeof(path));
        if (!result)
                result = p->ops->remove(p, path, err, sizeof(err));
        if (result && ret_error)
                snprintf(ret_error, error_size, "cannot remove %.200s%.600s: %.200s", p->where, path,
                         err[0] ? err : result_name(result));
        return result;
}

enum result fs_push_list_owned(struct fs_push *p, const char *subdir, const char *marker,
                               char ***ret_names, size_t *ret_n, char *ret_error,
                               size_t error_size)
{
        struct fs_push_names l = { NULL, 0, 0 };
        char dir[2048], err[200] = "";
        enum result result;

        *ret_names = NULL;
        *ret_n = 0;
        result = path_of(p, subdir, "", "", "", dir, sizeof(dir));
        if (!result)
                result = p->ops->list_owned(p, dir, marker, &l, err, sizeof(err));
        if (result) {
                fs_push_names_free(l.names, l.n);
                if (ret_error)
                        snprintf(ret_error, error_size, "cannot list %.200s%.600s: %.200s", p->where,
                                 dir, err[0] ? err : result_name(result));
                return result;
        }
        *ret_names = l.names;
        *ret_n = l.n;
        return RESULT_OK;
}

enum result fs_push_check_dir(struct fs_push *p, const char *subdir, char *ret_error,
                              size_t error_size)
{
        char dir[2048], err[200] = "";
        enum result result;

        result = path_of(p, subdir, "", "", "", dir, sizeof(dir));
        if (!result)
                result = p->ops->check_dir(p, dir, err, sizeof(err));
        if (ret_error)
                snprintf(ret_error, error_size, "%.200s%.600s%s%.200s", p->where, dir,
                         result ? ": " : " is a directory we can write to",
                         result ? (err[0] ? err : result_name(result)) : "");
        return result;
}

void fs_push_close(struct fs_push *p)
{
        if (p)
                p->ops->close(p);
}

enum result fs_push_names_add(struct fs_push_names *l, const char *name)
{
        if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 64;
                char **grown = realloc(l->names, cap * sizeof(*grown));
                if (!grown)
                        return RESULT_NOMEM;
                l->names = grown;
                l->cap = cap;
        }
        if (!(l->names[l->n] = strdup(name)))
                return RESULT_NOMEM;
        l->n++;
        return RESULT_OK;
}

void fs_push_names_free(char **names, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
}

int fs_push_is_xml_name(const char *name)
{
        size_t len = strlen(name);

        return name[0] != '.' && len > 4 && strcmp(name + len - 4, ".xml") == 0;
}

/* ---- a local directory ---- */

static enum result errno_error(char *err, size_t size)
{
        snprintf(err, size, "%s", strerror(errno));
        return RESULT_IO;
}

static enum result local_write(struct fs_push *p, const char *path, const char *tmp,
                               const char *content, size_t len, char *err, size_t err_size)
{
        size_t done = 0;
        int fd, dfd;
        char *slash;

        (void)p;
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
        if (fd < 0)
                return errno_error(err, err_size);
        while (done < len) {
                ssize_t n = write(fd, content + done, len - done);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                done += (size_t)n;
        }
        if (done < len || fsync(fd) != 0) {
                int saved = errno ? errno : EIO;
                close(fd);
                unlink(tmp);
                errno = saved;
                return errno_error(err, err_size);
        }
        close(fd);
        if (rename(tmp, path) != 0) {
                int saved = errno;
                unlink(tmp);
                errno = saved;
                return errno_error(err, err_size);
        }
        /* The rename itself survives a crash once the directory is synced. */
        char dir[2048];
        snprintf(dir, sizeof(dir), "%s", path);
        if ((slash = strrchr(dir, '/')))
                *slash = '\0';
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
                (void)fsync(dfd);
                close(dfd);
        }
        return RESULT_OK;
}

static enum result local_remove(struct fs_push *p, const char *path, char *err, size_t err_size)
{
        (void)p;
        if (unlink(path) != 0 && errno != ENOENT)
                return errno_error(err, err_size);
        return RESULT_OK;
}

/* Whether the file name in dfd starts with the line marker. */
static int starts_with_marker(int dfd, const char *name, const char *marker)
{
        size_t n = strlen(marker);
        char buf[256];
        ssize_t got;
        int fd;

        if (n + 1 > sizeof(buf))
                return 0;
        fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return 0;
        got = read(fd, buf, n + 1);
        close(fd);
        return got == (ssize_t)(n + 1) && memcmp(buf, marker, n) == 0 && buf[n] == '\n';
}

static enum result local_list_owned(struct fs_push *p, const char *dir, const char *marker,
                                    struct fs_push_names *ret, char *err, size_t err_size)
{
        DIR *d = opendir(dir);
        struct dirent *e;
        enum result result = RESULT_OK;

        (void)p;
        if (!d)
                return errno_error(err, err_size);
        while (!result && (e = readdir(d)))
                if (fs_push_is_xml_name(e->d_name) && starts_with_marker(dirfd(d), e->d_name, marker))
                        result = fs_push_names_add(ret, e->d_name);
        closedir(d);
        return result;
}

static enum result local_check_dir(struct fs_push *p, const char *dir, char *err, size_t err_size)
{
        struct stat st;

        (void)p;
        if (stat(dir, &st) != 0 || access(dir, W_OK | X_OK) != 0)
                return errno_error(err, err_size);
        if (!S_ISDIR(st.st_mode)) {
                snprintf(err, err_size, "not a directory");
                return RESULT_IO;
        }
        return RESULT_OK;
}

static void local_close(struct fs_push *p)
{
        free(p);
}

static const struct fs_push_ops local_ops = {
        .write = local_write,
        .remove = local_remove,
        .list_owned = local_list_owned,
        .check_dir = local_check_dir,
        .close = local_close,
};

enum result fs_push_local(const char *dir, struct fs_push **ret)
{
        struct fs_push *p = calloc(1, sizeof(*p));

        if (!p)
                return RESULT_NOMEM;
        p->ops = &local_ops;
        snprintf(p->dir, sizeof(p->dir), "%s", dir);
        *ret = p;
        return RESULT_OK;
}
