/*
 * Agent imports: a CSV file of agents (POST /v1/admin/agents/import) read
 * with util/csv_parse.h, checked row by row with agent_create's own checks
 * (agents.h), and created all or nothing in one transaction with
 * agent_create_in, so the pool, the sealed SIP secrets, the provisioning
 * jobs and the invitations follow the single create's rules. The import is
 * audited once, with its count.
 *
 * States of an import (the agent_imports row, store/imports.c):
 *   (dry run: no row, nothing written)
 *   running --all rows created, committed--> done
 *   running --a row failed, or the store--> failed (nothing of it written)
 *   running --its node died (no update for IMPORT_STALE_S)--> failed at the
 *           tenant's next import
 * A tenant has at most one running import (a second is RESULT_CONFLICT).
 * Up to IMPORT_SYNC_MAX_ROWS rows the import runs in the request; above, on
 * a thread of its own (the request gets the running import) whose progress
 * import_get reports while it runs.
 *
 * Temporary passwords (rows without send_invite) are never in the answer:
 * they are sealed (credentials_seal_text) into the row and downloadable
 * once as CSV (import_take_passwords), then erased.
 */
#ifndef AGENTDESK_DOMAIN_IMPORTS_H
#define AGENTDESK_DOMAIN_IMPORTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "domain/core/app.h"
#include "util/csv_parse.h"

#define IMPORT_MAX_ROWS 10000
#define IMPORT_MAX_COLUMNS 64
#define IMPORT_SYNC_MAX_ROWS 500
#define IMPORT_STALE_S 600

/* What an import answers besides its result. */
struct import_outcome {
        /* RESULT_INVALID for the file as a whole: a CSV error (csv_error,
         * csv_line), or a header error (header_code: "unknown_column",
         * "duplicate_column", "missing_column"; header_field the column). */
        enum csv_parse_error csv_error;
        size_t csv_line;
        const char *header_code;
        char header_field[64];
        size_t rows;                     /* data rows of the file */
        /* Each failing row's errors: [{row, field, code, message}], row
         * being the file's line (the header is line 1). Owned. */
        json_t *errors;
        /* A real run: the import object (id, status, total, done, agents,
         * result_csv) as import_get shows it. Owned. */
        json_t *import;
        bool running;                    /* it goes on in the background */
};

/* Checks (dry_run) or imports the CSV data of len bytes for tenant_id.
 * RESULT_OK: a dry run's report is in ret->errors (empty when all rows
 * are good) and nothing is written; a real run created every row
 * (ret->import), or started doing so (ret->running). RESULT_INVALID: the
 * file (see struct import_outcome) or some rows (ret->errors) are wrong
 * and nothing was written; RESULT_CONFLICT: an import of the tenant runs.
 * Free ret with import_outcome_free() whatever the result. */
enum result import_agents(struct app *app, const struct actor *actor, int64_t tenant_id,
                          const char *data, size_t len, bool dry_run,
                          struct import_outcome *ret);

void import_outcome_free(struct import_outcome *o);

/* The import object of id (tenant_id's; else RESULT_NOT_FOUND), with the
 * progress of one running in this process. *ret owned by the caller. */
enum result import_get(struct app *app, int64_t tenant_id, int64_t id, json_t **ret);

/* The temporary passwords of import id as CSV (email, first_name,
 * last_name, temporary_password), erased from the store as they are
 * read: *ret_csv malloc'd (*ret_len bytes); the caller wipes and frees
 * it. RESULT_NOT_FOUND (absent, another tenant's, unfinished),
 * RESULT_CONFLICT (downloaded already, or the import has none). */
enum result import_take_passwords(struct app *app, int64_t tenant_id, int64_t id, char **ret_csv,
                                  size_t *ret_len);

/* Waits for the imports running on threads of this process to end (at
 * shutdown, before the store closes). */
void import_drain(void);

#endif
