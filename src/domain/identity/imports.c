/* Agent imports from CSV; see imports.h. */
#define LOG_MODULE "import"
#include "domain/identity/imports.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/core/audit.h"
#include "domain/core/credentials.h"
#include "domain/identity/agents.h"
#include "domain/mail/outbox.h"
#include "domain/provisioning/jobs.h"
#include "util/csv.h"
#include "util/log.h"
#include "util/text.h"
#include "util/wipe.h"

enum column { COL_FIRST, COL_LAST, COL_EMAIL, COL_ROLE, COL_COUNT, COL_VOICEMAIL, COL_INVITE,
              N_COLUMNS };

static const char *const column_names[N_COLUMNS] = {
        "first_name", "last_name", "email", "role", "extensions_count", "voicemail_enabled",
        "send_invite",
};

/* The file read: its rows and where each column is (-1: absent). */
struct sheet {
        struct csv_parsed csv;
        int at[N_COLUMNS];
};

static const char *cell(const struct sheet *s, size_t r, enum column c)
{
        return s->at[c] < 0 ? "" : csv_parse_cell(&s->csv, r, (size_t)s->at[c]);
}

/* ---- progress of the imports running on this process's threads ---- */

#define MAX_RUNNING 64
static pthread_mutex_t running_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t running_ended = PTHREAD_COND_INITIALIZER;
static struct { int64_t id, done; } running[MAX_RUNNING];
static size_t n_running;

static void progress_set(int64_t id, int64_t done)
{
        pthread_mutex_lock(&running_lock);
        for (size_t i = 0; i < n_running; i++)
                if (running[i].id == id)
                        running[i].done = done;
        pthread_mutex_unlock(&running_lock);
}

static bool progress_get(int64_t id, int64_t *ret_done)
{
        bool found = false;

        pthread_mutex_lock(&running_lock);
        for (size_t i = 0; i < n_running && !found; i++)
                if (running[i].id == id) {
                        *ret_done = running[i].done;
                        found = true;
                }
        pthread_mutex_unlock(&running_lock);
        return found;
}

/* ---- reading and checking ---- */

static void add_error(json_t *errors, size_t line, const char *field, const char *code,
                      const char *message)
{
        json_array_append_new(errors, json_pack("{sIssssss}", "row", (json_int_t)line, "field",
                                                field, "code", code, "message", message));
}

/* The header's columns into s->at; false with the outcome's header error. */
static bool read_header(struct sheet *s, struct import_outcome *o)
{
        for (int c = 0; c < N_COLUMNS; c++)
                s->at[c] = -1;
        for (size_t i = 0; i < s->csv.n_cols; i++) {
                const char *name = csv_parse_cell(&s->csv, 0, i);
                int c = 0;

                while (c < N_COLUMNS && strcmp(name, column_names[c]))
                        c++;
                text_copy(o->header_field, sizeof(o->header_field), name);
                if (c == N_COLUMNS) {
                        o->header_code = "unknown_column";
                        return false;
                }
                if (s->at[c] >= 0) {
                        o->header_code = "duplicate_column";
                        return false;
                }
                s->at[c] = (int)i;
        }
        for (int c = COL_FIRST; c <= COL_EMAIL; c++)
                if (s->at[c] < 0) {
                        o->header_code = "missing_column";
                        text_copy(o->header_field, sizeof(o->header_field), column_names[c]);
                        return false;
                }
        return true;
}

/* "true"/"false" (and 1/0, yes/no, any case); empty: fallback. */
static bool parse_bool(const char *s, bool fallback, bool *ret)
{
        static const char *const yes[] = { "true", "1", "yes" }, *const no[] = { "false", "0", "no" };

        if (!*s) {
                *ret = fallback;
                return true;
        }
        for (size_t i = 0; i < 3; i++) {
                if (!strcasecmp(s, yes[i]) || !strcasecmp(s, no[i])) {
                        *ret = !strcasecmp(s, yes[i]);
                        return true;
                }
        }
        return false;
}

/* Row r as agent_create's input; false with the row's error added. */
static bool row_input(struct app *app, const struct sheet *s, size_t r, json_t *errors,
                      struct agent_create_input *ret)
{
        const char *count = cell(s, r, COL_COUNT), *role = cell(s, r, COL_ROLE);
        size_t line = s->csv.lines[r];
        char *end;

        *ret = (struct agent_create_input){
                .first_name = cell(s, r, COL_FIRST), .last_name = cell(s, r, COL_LAST),
                .email = cell(s, r, COL_EMAIL), .role = *role ? role : NULL,
                .extensions_count = -1,
        };
        if (*count) {
                ret->extensions_count = strtoll(count, &end, 10);
                if (*end || ret->extensions_count < 0 || count[0] == '-' || count[0] == '+') {
                        add_error(errors, line, "extensions_count", "invalid",
                                  "extensions_count must be a whole number from 0");
                        return false;
                }
        }
        if (!parse_bool(cell(s, r, COL_VOICEMAIL), false, &ret->voicemail_enabled)) {
                add_error(errors, line, "voicemail_enabled", "invalid",
                          "voicemail_enabled must be true or false");
                return false;
        }
        /* As the single create: with mail on, an invitation unless told not. */
        if (!parse_bool(cell(s, r, COL_INVITE), app->settings.mail_on, &ret->send_invite)) {
                add_error(errors, line, "send_invite", "invalid", "send_invite must be true or false");
                return false;
        }
        return true;
}

/* A failed check or create of a row as its error. */
static void add_result_error(json_t *errors, size_t line, enum result result, const char *field)
{
        const char *f = field ? field : "row";

        if (result == RESULT_EMAIL_TAKEN)
                add_error(errors, line, "email", "email_taken", "a user already has this email");
        else if (result == RESULT_ROLE_NOT_ALLOWED)
                add_error(errors, line, f, "role_not_allowed", "that role cannot be given");
        else if (result == RESULT_POOL_EXHAUSTED)
                add_error(errors, line, "extensions_count", "pool_exhausted",
                          "the tenant's extension pool has no free extension left");
        else if (result == RESULT_INVALID && field && !strcmp(field, "send_invite"))
                add_error(errors, line, f, "mail_off", "invitations need mail, which is off");
        else if (result == RESULT_INVALID)
                add_error(errors, line, f, "invalid", "this value is not valid");
        else
                add_error(errors, line, f, result_info(result)->code, result_info(result)->message);
}

/* Index of the row with the same email before r, in a table of size
 * (a power of two) holding row numbers + 1; 0 when none (r is put in). */
static size_t seen_email(size_t *table, size_t size, const struct sheet *s, size_t r,
                         const char *lower)
{
        size_t h = 14695981039346656037u;

        for (const char *p = lower; *p; p++)
                h = (h ^ (unsigned char)*p) * 1099511628211u;
        for (size_t i = h & (size - 1);; i = (i + 1) & (size - 1)) {
                char other[STORE_EMAIL_MAX];
                if (!table[i]) {
                        table[i] = r + 1;
                        return 0;
                }
                text_lower(other, sizeof(other), cell(s, table[i] - 1, COL_EMAIL));
                if (!strcmp(other, lower))
                        return table[i] - 1;
        }
}

/* Every row's errors into errors (those the store can tell too: emails
 * taken, and the first row the tenant's free extensions do not cover). */
static enum result check_rows(struct app *app, struct store_conn *conn, int64_t tenant_id,
                              const struct sheet *s, json_t *errors)
{
        size_t size = 16, *table, n = s->csv.n_rows;
        struct store_pool_stats pool;
        int64_t wanted = 0;
        /* Every row's email (lower-case) asked of the store at once: row
         * r's is lowers[r - 1], taken[r - 1] whether a user has it. */
        char (*lowers)[STORE_EMAIL_MAX] = calloc(n ? n : 1, sizeof(*lowers));
        const char **emails = calloc(n ? n : 1, sizeof(*emails));
        bool *taken = calloc(n ? n : 1, sizeof(*taken));
        enum result result = lowers && emails && taken ? RESULT_OK : RESULT_NOMEM;

        for (size_t r = 1; r <= n && !result; r++) {
                text_lower(lowers[r - 1], sizeof(lowers[r - 1]), cell(s, r, COL_EMAIL));
                emails[r - 1] = lowers[r - 1];
        }
        if (!result)
                result = store_user_emails_taken(conn, emails, n, taken);
        if (!result)
                result = store_pool_stats(conn, tenant_id, &pool);
        while (size < 2 * n)
                size *= 2;
        table = result ? NULL : calloc(size, sizeof(*table));
        if (!table) {
                free(lowers);
                free(emails);
                free(taken);
                return result ? result : RESULT_NOMEM;
        }
        for (size_t r = 1; r <= s->csv.n_rows && !result; r++) {
                struct agent_create_input in;
                const char *field = NULL;
                const char *lower = lowers[r - 1];
                enum result check;
                size_t first;

                if (!row_input(app, s, r, errors, &in))
                        continue;
                check = agent_create_check(app, &in, &field);
                if (check) {
                        add_result_error(errors, s->csv.lines[r], check, field);
                        continue;
                }
                first = seen_email(table, size, s, r, lower);
                if (first) {
                        char message[96];
                        snprintf(message, sizeof(message), "the file has this email on line %zu too",
                                 s->csv.lines[first]);
                        add_error(errors, s->csv.lines[r], "email", "duplicate_in_file", message);
                        continue;
                }
                if (taken[r - 1])
                        add_result_error(errors, s->csv.lines[r], RESULT_EMAIL_TAKEN, "email");
                else if (wanted <= pool.free &&
                         (wanted += in.extensions_count < 0 ? 1 : in.extensions_count) > pool.free)
                        add_result_error(errors, s->csv.lines[r], RESULT_POOL_EXHAUSTED, NULL);
        }
        free(table);
        free(lowers);
        free(emails);
        free(taken);
        return result;
}

/* ---- the real run ---- */

struct run {
        struct app *app;
        struct actor actor;
        char client_ip[64], request_id[40];
        int64_t tenant_id, import_id;
        struct sheet sheet;
};

static json_t *agent_summary(size_t line, const struct agent *a, bool invited)
{
        json_t *exts = json_array();

        for (size_t i = 0; i < a->n_extensions; i++)
                json_array_append_new(exts, json_string(a->extensions[i].extension));
        return json_pack("{sIsIssssssssso}", "row", (json_int_t)line, "id", (json_int_t)a->user.id,
                         "email", a->user.email, "first_name", a->user.first_name, "last_name",
                         a->user.last_name, "role", user_role_name(a->user.role), "extensions", exts,
                         "invitation",
                         invited ? json_string(mail_outbox_status_name(MAIL_OUTBOX_STATUS_QUEUED))
                                 : json_null());
}

/* Creates every row in one transaction and records the end of the
 * import (done with its answer, or failed with the row that failed). */
/* The import object as recorded: done with agents (and whether a
 * result.csv waits), or failed with errors (agents NULL). */
static json_t *result_json_new(const struct run *run, json_t *agents, bool result_csv,
                               json_t *errors)
{
        size_t total = run->sheet.csv.n_rows;
        json_t *o = json_pack("{sIsssIsI}", "id", (json_int_t)run->import_id, "status",
                              agents ? "done" : "failed", "total", (json_int_t)total, "done",
                              (json_int_t)(agents ? total : 0));

        if (o && agents) {
                json_object_set(o, "agents", agents);
                json_object_set_new(o, "result_csv", json_boolean(result_csv));
        }
        if (o && errors)
                json_object_set(o, "errors", errors);
        return o;
}

static enum result run_import(struct run *run, json_t *errors, json_t **ret_result)
{
        struct app *app = run->app;
        const struct sheet *s = &run->sheet;
        json_t *agents = json_array(), *result_json = NULL; /* agents: NULL out of memory */
        struct store_conn *conn = NULL;
        size_t invited = 0, with_password = 0;
        bool began;
        char *sealed = NULL, *text = NULL;
        struct buf passwords;
        struct agent_batch *batch = calloc(1, sizeof(*batch));
        struct csv csv;
        char count[24];
        char last[sizeof(((struct store_extension *)0)->extension)] = ""; /* the last number taken */
        enum result result;

        buf_init(&passwords, (size_t)IMPORT_MAX_ROWS * 512);
        csv_init(&csv, &passwords);
        csv_text(&csv, "email");
        csv_text(&csv, "first_name");
        csv_text(&csv, "last_name");
        csv_text(&csv, "temporary_password");
        csv_end_row(&csv);
        result = batch ? store_conn_get(app->store, &conn) : RESULT_NOMEM;
        if (!result)
                result = store_begin(conn);
        began = !result;
        if (batch)
                batch->tenant_id = run->tenant_id;
        for (size_t r = 1; r <= s->csv.n_rows && !result; r++) {
                char temporary[CREDENTIALS_TEMP_PASSWORD_LEN + 1];
                struct agent_create_input in;
                const char *field = NULL;
                struct agent a;

                if (!row_input(app, s, r, errors, &in)) {
                        result = RESULT_INVALID;
                        break;
                }
                in.pool_after = last[0] ? last : NULL;
                in.batch = batch;
                result = agent_create_in(app, conn, &run->actor, run->tenant_id, &in, 0, &a,
                                         temporary, &field);
                if (!result && a.n_extensions)
                        text_copy(last, sizeof(last), a.extensions[a.n_extensions - 1].extension);
                if (result) {
                        if (result != RESULT_STORE && result != RESULT_BUSY && result != RESULT_NOMEM)
                                add_result_error(errors, s->csv.lines[r], result, field);
                        break;
                }
                json_array_append_new(agents, agent_summary(s->csv.lines[r], &a, in.send_invite));
                if (in.send_invite) {
                        invited++;
                } else {
                        csv_text(&csv, a.user.email);
                        csv_text(&csv, a.user.first_name);
                        csv_text(&csv, a.user.last_name);
                        csv_text(&csv, temporary);
                        csv_end_row(&csv);
                        with_password++;
                }
                wipe_memory(temporary, sizeof(temporary));
                if (r % 100 == 0)
                        progress_set(run->import_id, (int64_t)r);
        }
        if (!result)   /* the jobs and invitations of the rows not written yet */
                result = agent_batch_flush(app, conn, batch);
        free(batch);
        if (!result)
                result = csv_result(&csv);
        if (!result) {
                snprintf(count, sizeof(count), "%zu", s->csv.n_rows);
                result = audit_record(conn, &run->actor, run->tenant_id, "agent.import", "tenant",
                                      run->tenant_id, "count", count, NULL);
        }
        if (!result && with_password)
                result = credentials_seal_text(passwords.data, &sealed);   /* CSV text: no NUL inside */
        wipe_memory(passwords.data, passwords.len);
        buf_free(&passwords);
        /* The import's end is written in its own transaction: the agents
         * and "done" commit together, or neither. */
        if (!result) {
                result_json = result_json_new(run, agents, sealed != NULL, NULL);
                text = result_json ? json_dumps(result_json, JSON_COMPACT) : NULL;
                result = text ? store_import_finish(conn, run->import_id, true,
                                                    (int64_t)s->csv.n_rows, text, sealed)
                              : RESULT_NOMEM;
        }
        if (began)
                result = jobs_finish(app, conn, result);
        if (result) {
                json_decref(result_json);
                free(text);
                result_json = result_json_new(run, NULL, false, errors);
                text = result_json ? json_dumps(result_json, JSON_COMPACT) : NULL;
                if (!conn || store_import_finish(conn, run->import_id, false, 0,
                                                 text ? text : "{}", NULL))
                        LOG_WARN("import %lld of tenant %lld: failed (%s) and not recorded so: "
                                 "it stays running until it is stale",
                                 (long long)run->import_id, (long long)run->tenant_id,
                                 result_name(result));
        }
        if (!result && invited)
                mail_outbox_kick(app);
        free(text);
        free(sealed);
        json_decref(agents);
        *ret_result = result_json;
        return result;
}

static void run_free(struct run *run)
{
        csv_parse_free(&run->sheet.csv);
        free(run);
}

static void *run_thread(void *arg)
{
        struct run *run = arg;
        json_t *errors = json_array(), *result_json = NULL;

        (void)run_import(run, errors, &result_json);
        store_conn_release(run->app->store);     /* this thread ends */
        json_decref(result_json);
        json_decref(errors);
        pthread_mutex_lock(&running_lock);
        for (size_t i = 0; i < n_running; i++)
                if (running[i].id == run->import_id)
                        running[i] = running[--n_running];
        pthread_cond_broadcast(&running_ended);
        pthread_mutex_unlock(&running_lock);
        run_free(run);
        return NULL;
}

/* Runs run (taken) on a thread of its own. */
static enum result start_thread(struct run *run)
{
        pthread_attr_t attr;
        pthread_t thread;
        bool started;

        pthread_mutex_lock(&running_lock);
        if (n_running == MAX_RUNNING) {
                pthread_mutex_unlock(&running_lock);
                return RESULT_BUSY;
        }
        running[n_running].id = run->import_id;
        running[n_running].done = 0;
        n_running++;
        pthread_mutex_unlock(&running_lock);
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        started = pthread_create(&thread, &attr, run_thread, run) == 0;
        pthread_attr_destroy(&attr);
        if (started)
                return RESULT_OK;
        pthread_mutex_lock(&running_lock);
        n_running--;
        pthread_mutex_unlock(&running_lock);
        return RESULT_NOMEM;
}

void import_drain(void)
{
        pthread_mutex_lock(&running_lock);
        while (n_running)
                pthread_cond_wait(&running_ended, &running_lock);
        pthread_mutex_unlock(&running_lock);
}

enum result import_agents(struct app *app, const struct actor *actor, int64_t tenant_id,
                          const char *data, size_t len, bool dry_run, struct import_outcome *ret)
{
        struct run *run = calloc(1, sizeof(*run));
        struct csv_parse_failure failure = { 0 };
        struct store_conn *conn = NULL;
        enum result result;

        memset(ret, 0, sizeof(*ret));
        ret->errors = json_array();
        if (!run || !ret->errors) {
                free(run);
                return RESULT_NOMEM;
        }
        result = csv_parse(data, len, IMPORT_MAX_ROWS, IMPORT_MAX_COLUMNS, &run->sheet.csv,
                           &failure);
        if (result == RESULT_INVALID) {
                ret->csv_error = failure.error;
                ret->csv_line = failure.line;
        }
        if (result) {
                free(run);
                return result;
        }
        ret->rows = run->sheet.csv.n_rows;
        if (!read_header(&run->sheet, ret)) {
                result = RESULT_INVALID;
                goto out;
        }
        result = store_conn_get(app->store, &conn);
        if (!result)
                result = check_rows(app, conn, tenant_id, &run->sheet, ret->errors);
        if (result || dry_run)
                goto out;
        if (json_array_size(ret->errors) || ret->rows == 0) {
                if (ret->rows == 0)
                        ret->header_code = "no_rows";
                result = RESULT_INVALID;
                goto out;
        }
        run->app = app;
        run->tenant_id = tenant_id;
        run->actor = *actor;
        text_copy(run->client_ip, sizeof(run->client_ip), actor->client_ip ? actor->client_ip : "");
        text_copy(run->request_id, sizeof(run->request_id),
                  actor->request_id ? actor->request_id : "");
        run->actor.client_ip = run->client_ip;
        run->actor.request_id = run->request_id;
        result = store_import_fail_stale(conn, tenant_id, store_now() - IMPORT_STALE_S);
        if (!result)
                result = store_import_start(conn, tenant_id, actor->user_id,
                                            (int64_t)ret->rows, &run->import_id);
        if (result)
                goto out;
        if (ret->rows > IMPORT_SYNC_MAX_ROWS) {
                result = start_thread(run);
                if (result) {
                        (void)store_import_finish(conn, run->import_id, false, 0, "{}", NULL);
                        goto out;
                }
                ret->running = true;
                ret->import = json_pack("{sIsssIsI}", "id", (json_int_t)run->import_id, "status",
                                        "running", "total", (json_int_t)ret->rows, "done",
                                        (json_int_t)0);
                return RESULT_OK;
        }
        result = run_import(run, ret->errors, &ret->import);
        if (result && json_array_size(ret->errors))
                result = RESULT_INVALID;
out:
        run_free(run);
        return result;
}

void import_outcome_free(struct import_outcome *o)
{
        json_decref(o->errors);
        json_decref(o->import);
        memset(o, 0, sizeof(*o));
}

enum result import_get(struct app *app, int64_t tenant_id, int64_t id, json_t **ret)
{
        struct store_import im = { 0 };
        struct store_conn *conn;
        json_t *o;
        int64_t done;
        enum result result;

        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_import_get(conn, tenant_id, id, &im);
        if (result)
                return result;
        o = im.result ? json_loads(im.result, 0, NULL) : NULL;
        if (!o)
                o = json_object();
        if (!strcmp(im.status, "running") && progress_get(id, &done))
                im.done = done;
        json_object_set_new(o, "id", json_integer(im.id));
        json_object_set_new(o, "status", json_string(im.status));
        json_object_set_new(o, "total", json_integer(im.total));
        json_object_set_new(o, "done", json_integer(im.done));
        json_object_set_new(o, "result_csv", json_boolean(im.has_passwords));
        store_import_free(&im);
        *ret = o;
        return RESULT_OK;
}

enum result import_take_passwords(struct app *app, int64_t tenant_id, int64_t id, char **ret_csv,
                                  size_t *ret_len)
{
        struct store_conn *conn;
        char *sealed = NULL;
        enum result result;

        result = store_conn_get(app->store, &conn);
        if (!result)
                result = store_import_take_passwords(conn, tenant_id, id, &sealed);
        if (!result)
                result = credentials_unseal_text(sealed, ret_csv);
        if (!result)
                *ret_len = strlen(*ret_csv);
        free(sealed);
        return result;
}
