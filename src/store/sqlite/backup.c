/*
 * The SQLite backup, restore and in-use lock (backup.h). The copy is
 * sqlite3_backup_step(-1): every page in one read transaction of the
 * source, so on a WAL database it is the snapshot of one moment and never
 * blocks the writers (https://sqlite.org/c3ref/backup_finish.html).
 */
#include "store/sqlite/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "store/driver.h"

#define BUSY_TRIES 500        /* x 20 ms: how long a copy waits for a lock */

/* Whether path names a file of its own (not ":memory:", "" or a URI). */
static bool plain_file(const char *path)
{
        return *path && *path != ':' && strncmp(path, "file:", 5) != 0;
}

static enum result fsync_path(const char *path, int flags)
{
        int fd = open(path, flags | O_CLOEXEC);
        enum result result = RESULT_OK;

        if (fd < 0 || fsync(fd) != 0) {
                store_set_error("sqlite: cannot sync %s: %s", path, strerror(errno));
                result = RESULT_IO;
        }
        if (fd >= 0)
                close(fd);
        return result;
}

/* Syncs the directory holding path, so that a rename into it lasts. */
static enum result fsync_dir_of(const char *path)
{
        char copy[PATH_MAX];

        snprintf(copy, sizeof(copy), "%s", path);
        return fsync_path(dirname(copy), O_RDONLY | O_DIRECTORY);
}

/* Copies src into the new empty file tmp and leaves it a single file. */
static enum result copy_into(sqlite3 *src, const char *tmp)
{
        sqlite3 *dst = NULL;
        sqlite3_backup *b;
        enum result result = RESULT_OK;
        int rc, tries = 0;

        rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc != SQLITE_OK) {
                store_set_error("sqlite: cannot open %s: %s", tmp,
                                dst ? sqlite3_errmsg(dst) : "out of memory");
                result = RESULT_IO;
                goto out;
        }
        b = sqlite3_backup_init(dst, "main", src, "main");
        if (!b) {
                store_set_error("sqlite: backup: %s", sqlite3_errmsg(dst));
                result = RESULT_STORE;
                goto out;
        }
        do {
                rc = sqlite3_backup_step(b, -1);
                if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                        nanosleep(&(struct timespec){ .tv_nsec = 20000000L }, NULL);
        } while ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++tries < BUSY_TRIES);
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE) {
                store_set_error("sqlite: backup: %s", sqlite3_errstr(rc));
                result = rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? RESULT_BUSY : RESULT_IO;
                goto out;
        }
        /* The pages say WAL when the source was: the copy is one file. */
        rc = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
                store_set_error("sqlite: backup: %s", sqlite3_errmsg(dst));
                result = RESULT_IO;
        }
out:
        sqlite3_close(dst);
        return result;
}

/* Copies src into a 0600 temporary file beside path, then renames it over
 * path. */
static enum result copy_and_rename(sqlite3 *src, const char *path, const char *unlink_first[])
{
        char tmp[PATH_MAX];
        enum result result;
        int fd;

        if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= sizeof(tmp)) {
                store_set_error("sqlite: path too long");
                return RESULT_INVALID;
        }
        fd = mkstemp(tmp);       /* mode 0600 */
        if (fd < 0) {
                store_set_error("sqlite: cannot create a file beside %s: %s", path, strerror(errno));
                return RESULT_IO;
        }
        close(fd);
        result = copy_into(src, tmp);
        if (!result)
                result = fsync_path(tmp, O_RDONLY);
        for (size_t i = 0; !result && unlink_first && unlink_first[i]; i++)
                if (unlink(unlink_first[i]) != 0 && errno != ENOENT) {
                        store_set_error("sqlite: cannot remove %s: %s", unlink_first[i],
                                        strerror(errno));
                        result = RESULT_IO;
                }
        if (!result && rename(tmp, path) != 0) {
                store_set_error("sqlite: cannot write %s: %s", path, strerror(errno));
                result = RESULT_IO;
        }
        if (result) {
                char journal[PATH_MAX + 16];
                snprintf(journal, sizeof(journal), "%s-journal", tmp);
                unlink(tmp);
                unlink(journal);
                return result;
        }
        return fsync_dir_of(path);
}

enum result sqlite_backup_to(sqlite3 *src, const char *path)
{
        return copy_and_rename(src, path, NULL);
}

enum result sqlite_hold(const char *path, int *ret_fd)
{
        int fd;

        *ret_fd = -1;
        if (!plain_file(path))
                return RESULT_OK;
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return RESULT_OK;
        if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
                store_set_error("sqlite: %s is being restored (agentdesk restore)", path);
                close(fd);
                return RESULT_BUSY;
        }
        *ret_fd = fd;
        return RESULT_OK;
}

/* The one integer sql answers on db, into *ret; false when it fails. */
static bool read_int(sqlite3 *db, const char *sql, int64_t *ret)
{
        sqlite3_stmt *stmt = NULL;
        bool ok = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
                  sqlite3_step(stmt) == SQLITE_ROW;

        if (ok)
                *ret = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        return ok;
}

/* Whether db is an agentdesk database, and its schema version. */
static enum result check_source(sqlite3 *db, const char *file, int newest, int *ret_version)
{
        sqlite3_stmt *stmt = NULL;
        int64_t tables = 0, version = 0;
        bool ok;

        ok = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &stmt, NULL) == SQLITE_OK &&
             sqlite3_step(stmt) == SQLITE_ROW &&
             !strcmp((const char *)sqlite3_column_text(stmt, 0), "ok");
        sqlite3_finalize(stmt);
        if (!ok || !read_int(db,
                             "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' "
                             "AND name IN ('schema_migrations', 'tenants')",
                             &tables) ||
            tables != 2 ||
            !read_int(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &version) ||
            version < 1) {
                store_set_error("%s is not an agentdesk database (or it is damaged)", file);
                return RESULT_INVALID;
        }
        if (version > newest) {
                store_set_error("%s holds schema version %lld, newer than this agentdesk's %d: "
                                "restore it with a newer agentdesk",
                                file, (long long)version, newest);
                return RESULT_UNSUPPORTED;
        }
        *ret_version = (int)version;
        return RESULT_OK;
}

enum result sqlite_restore(const char *db, const char *file, int newest, int *ret_version)
{
        char wal[PATH_MAX + 8], shm[PATH_MAX + 8];
        const char *stale[] = { wal, shm, NULL };
        sqlite3 *src = NULL;
        enum result result;
        int fd, rc, version = 0;

        if (!plain_file(db)) {
                store_set_error("sqlite: restore needs a database file, not %s", db);
                return RESULT_INVALID;
        }
        snprintf(wal, sizeof(wal), "%s-wal", db);
        snprintf(shm, sizeof(shm), "%s-shm", db);
        fd = open(db, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
                store_set_error("sqlite: cannot open %s: %s", db, strerror(errno));
                return RESULT_IO;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
                store_set_error("%s is in use by a running agentdesk (stop the service first)", db);
                close(fd);
                return RESULT_CONFLICT;
        }
        rc = sqlite3_open_v2(file, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc != SQLITE_OK) {
                store_set_error("cannot open %s: %s", file, src ? sqlite3_errmsg(src) : "out of memory");
                result = RESULT_INVALID;
                goto out;
        }
        result = check_source(src, file, newest, &version);
        if (!result)
                result = copy_and_rename(src, db, stale);
        if (!result)
                *ret_version = version;
out:
        sqlite3_close(src);
        close(fd);                /* after the rename: the lock covered it */
        return result;
}
