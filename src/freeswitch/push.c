/* The local push target; see push.h. */
#include "freeswitch/push.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static enum result fail(char *err, size_t size, const char *what, const char *dir,
                        const char *name)
{
        if (err)
                snprintf(err, size, "%s %.200s/%.60s: %s", what, dir, name, strerror(errno));
        return RESULT_IO;
}

enum result fs_push_write(const char *dir, const char *name, const char *content,
                          char *ret_error, size_t error_size)
{
        char tmp[4096], path[4096];
        size_t len = strlen(content), done = 0;
        int fd, dfd;

        if (snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name) >= (int)sizeof(tmp) ||
            snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) {
                errno = ENAMETOOLONG;
                return fail(ret_error, error_size, "cannot write", dir, name);
        }
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
        if (fd < 0)
                return fail(ret_error, error_size, "cannot write", dir, name);
        while (done < len) {
                ssize_t n = write(fd, content + done, len - done);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                done += (size_t)n;
        }
        if (done < len || fsync(fd) != 0) {
                int saved = errno;
                close(fd);
                unlink(tmp);
                errno = saved ? saved : EIO;
                return fail(ret_error, error_size, "cannot write", dir, name);
        }
        close(fd);
        if (rename(tmp, path) != 0) {
                int saved = errno;
                unlink(tmp);
                errno = saved;
                return fail(ret_error, error_size, "cannot rename into", dir, name);
        }
        /* The rename itself survives a crash once the directory is synced. */
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
                (void)fsync(dfd);
                close(dfd);
        }
        return RESULT_OK;
}

enum result fs_push_remove(const char *dir, const char *name, char *ret_error, size_t error_size)
{
        char path[4096];

        if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) {
                errno = ENAMETOOLONG;
                return fail(ret_error, error_size, "cannot remove", dir, name);
        }
        if (unlink(path) != 0 && errno != ENOENT)
                return fail(ret_error, error_size, "cannot remove", dir, name);
        return RESULT_OK;
}

/* Whether dir/name starts with the line marker. */
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

enum result fs_push_list_owned(const char *dir, const char *marker, char ***ret_names,
                               size_t *ret_n, char *ret_error, size_t error_size)
{
        DIR *d = opendir(dir);
        struct dirent *e;
        char **names = NULL;
        size_t n = 0, cap = 0;

        *ret_names = NULL;
        *ret_n = 0;
        if (!d)
                return fail(ret_error, error_size, "cannot list", dir, "");
        while ((e = readdir(d))) {
                size_t len = strlen(e->d_name);
                if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".xml") != 0 ||
                    !starts_with_marker(dirfd(d), e->d_name, marker))
                        continue;
                if (n == cap) {
                        char **grown = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));
                        if (!grown)
                                goto nomem;
                        names = grown;
                }
                if (!(names[n] = strdup(e->d_name)))
                        goto nomem;
                n++;
        }
        closedir(d);
        *ret_names = names;
        *ret_n = n;
        return RESULT_OK;
nomem:
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
        closedir(d);
        return RESULT_NOMEM;
}
