/*
 * SQLite's online backup (https://sqlite.org/backup.html) and its
 * inverse, the restore into a stopped service; and the lock that tells
 * the restore whether a process still uses the database.
 *
 * The lock: every process that opens the store on a database file holds
 * a shared flock(2) on the file for as long as the store is open
 * (store_open .. store_close); the restore takes it exclusive without
 * waiting, so it refuses while a server (or any agentdesk command) has the
 * database open. flock locks are separate from the POSIX locks SQLite
 * takes on the same file (Linux keeps them apart), so the two never
 * interfere; the descriptor is closed only after every SQLite connection
 * of the process is, so closing it releases none of SQLite's locks.
 */
#ifndef AGENTDESK_STORE_SQLITE_BACKUP_H
#define AGENTDESK_STORE_SQLITE_BACKUP_H

#include <sqlite3.h>

#include "util/result.h"

/* Copies the database src (a connection of the caller's, read in one read
 * transaction: a consistent snapshot while other connections write) into
 * the file path, written 0600 into a temporary file beside it and renamed
 * over path once whole and synced. The copy is a single file (rollback
 * journal mode). RESULT_IO when the file cannot be written. */
enum result sqlite_backup_to(sqlite3 *src, const char *path);

/* Takes the shared lock on the database file path (absent: nothing to
 * lock, *ret_fd -1) into *ret_fd, which the caller closes after its last
 * SQLite connection; "" and ":memory:"-style names get -1 too. */
enum result sqlite_hold(const char *path, int *ret_fd);

/* Replaces the database file db with a copy of file, after checking that
 * file is an agentdesk database (its integrity check passes, it has the
 * schema_migrations and tenants tables) of a schema version <= newest,
 * and that no process holds db (sqlite_hold). The copy is written 0600
 * beside db and renamed over it; db's old -wal and -shm are removed first.
 * *ret_version gets file's schema version. RESULT_CONFLICT when db is in
 * use, RESULT_INVALID when file is not an agentdesk database,
 * RESULT_UNSUPPORTED when its schema is newer than newest; the reason is
 * in store_last_error(). */
enum result sqlite_restore(const char *db, const char *file, int newest, int *ret_version);

#endif
