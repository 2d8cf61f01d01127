/*
 * agentdesk backup FILE and agentdesk restore FILE (docs/operations.md).
 *
 * backup: SQLite's online backup of the database into FILE (0600, written
 * whole or not at all) while the server keeps serving. The key file is
 * not in it: it is backed up apart (without it the SIP secrets of the copy
 * cannot be opened). PostgreSQL: refused, with the advice to use pg_dump.
 *
 * restore: puts FILE in place of the SQLite database of a stopped service;
 * refuses while any agentdesk process has the database open, and a FILE
 * that is not an agentdesk database or is newer than this binary.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char *const file_word[] = { "FILE", NULL };

static const char PG_ADVICE[] =
        "agentdesk: backup works on SQLite only; with PostgreSQL back up the database with\n"
        "  pg_dump --format=custom --file=agentdesk.dump DBNAME\n"
        "and copy the key file (AGENTDESK_SECRET_KEY_FILE) beside it: the SIP secrets in the\n"
        "dump open only with that key (docs/operations.md)\n";

static int backup(const struct cli_args *args, const struct settings *cfg)
{
        struct store *store;
        enum result result;

        if (strncmp(cfg->db, "sqlite:", 7) != 0) {
                fputs(PG_ADVICE, stderr);
                return 1;
        }
        if (cli_open_store(cfg, false, &store) < 0)
                return 1;
        result = store_backup(store, cli_opt(args, "FILE"));
        store_close(store);
        if (result) {
                cli_fail_line("backup", result, NULL);
                return 1;
        }
        printf("backed up %s to %s (the key file is not in it: back it up too)\n", cfg->db + 7,
               cli_opt(args, "FILE"));
        return 0;
}

static int restore(const struct cli_args *args, const struct settings *cfg)
{
        enum result result;
        int version = 0;

        if (strncmp(cfg->db, "sqlite:", 7) != 0) {
                fprintf(stderr, "agentdesk: restore works on SQLite only; with PostgreSQL use "
                                "pg_restore (docs/operations.md)\n");
                return 1;
        }
        result = store_restore(cfg->db, cli_opt(args, "FILE"), &version);
        if (result) {
                fprintf(stderr, "agentdesk: restore: %s\n", store_last_error());
                return 1;
        }
        printf("restored %s from %s (schema version %d; the next start migrates it if older)\n",
               cfg->db + 7, cli_opt(args, "FILE"), version);
        return 0;
}

const struct cli_command cli_backup = {
        "backup",
        "backup FILE [--db URL]\n"
        "    Write a consistent copy of the SQLite database to FILE (mode 0600) while the\n"
        "    server runs. The key file is not in it: back it up too. PostgreSQL: use\n"
        "    pg_dump (docs/operations.md).",
        file_word, backup, false,
};

const struct cli_command cli_restore = {
        "restore",
        "restore FILE [--db URL]\n"
        "    Replace the SQLite database with the backup FILE. The service must be\n"
        "    stopped; FILE must be an agentdesk database no newer than this binary.",
        file_word, restore, false,
};
