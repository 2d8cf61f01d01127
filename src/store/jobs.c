/*
 * Provisioning jobs: the outbox the API writes in the same transaction as
 * each change, and the reconciler drains (domain/switches/reconciler.c).
 * next_attempt_at is in epoch seconds like every timestamp.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/driver.h"
#include "store/store.h"
#include "util/text.h"

static enum result id_row(const struct store_rows *rows, int r, void *out)
{
        *(int64_t *)out = store_int(store_rows_get(rows, r, 0));
        return RESULT_OK;
}

enum result store_job_insert(struct store_conn *conn, int64_t tenant_id, enum fs_change kind,
                             int64_t extension_id, enum jobs_state state)
{
        int64_t now = store_now();
        struct store_param p[] = { SP_INT(tenant_id), SP_INT(tenant_id), SP_TEXT(fs_change_name(kind)),
                                   SP_INT(extension_id), SP_INT(now), SP_INT(now) };
        struct store_param q[] = { SP_TEXT(jobs_state_name(state)), SP_INT(now), SP_INT(extension_id) };
        enum result result;

        result = store_exec(conn,
                            "INSERT INTO provisioning_jobs (tenant_id, cluster_id, kind, extension_id, "
                            "created_at, updated_at) VALUES (?, "
                            "(SELECT cluster_id FROM tenants WHERE id = ?), ?, ?, ?, ?)",
                            p, STORE_NPARAMS(p), NULL, NULL);
        if (!result)
                result = store_exec(conn,
                                    "UPDATE agent_extensions SET provisioning = " STORE_QUEUED_STATE ", "
                                    "provisioning_attempts = 0, provisioning_error = '', "
                                    "updated_at = ? WHERE id = ?",
                                    q, STORE_NPARAMS(q), NULL, NULL);
        return result;
}

/* Rows a statement of store_job_insert_many (6 parameters each). */
#define JOBS_PER_INSERT 100

enum result store_job_insert_many(struct store_conn *conn, int64_t tenant_id, enum fs_change kind,
                                  const int64_t *extension_ids, size_t n, enum jobs_state state)
{
        int64_t now = store_now();
        enum result result = RESULT_OK;

        for (size_t i = 0; i < n && !result; i += JOBS_PER_INSERT) {
                size_t k = n - i < JOBS_PER_INSERT ? n - i : JOBS_PER_INSERT, len, qlen;
                struct store_param p[6 * JOBS_PER_INSERT], q[2 + JOBS_PER_INSERT];
                char sql[256 + JOBS_PER_INSERT * 64], qsql[512 + JOBS_PER_INSERT * 4];

                len = (size_t)snprintf(sql, sizeof(sql),
                                       "INSERT INTO provisioning_jobs (tenant_id, cluster_id, kind, "
                                       "extension_id, created_at, updated_at) VALUES ");
                qlen = (size_t)snprintf(qsql, sizeof(qsql),
                                        "UPDATE agent_extensions SET provisioning = " STORE_QUEUED_STATE
                                        ", provisioning_attempts = 0, provisioning_error = '', "
                                        "updated_at = ? WHERE id IN (");
                q[0] = SP_TEXT(jobs_state_name(state));
                q[1] = SP_INT(now);
                for (size_t j = 0; j < k; j++) {
                        p[6 * j] = SP_INT(tenant_id);
                        p[6 * j + 1] = SP_INT(tenant_id);
                        p[6 * j + 2] = SP_TEXT(fs_change_name(kind));
                        p[6 * j + 3] = SP_INT(extension_ids[i + j]);
                        p[6 * j + 4] = SP_INT(now);
                        p[6 * j + 5] = SP_INT(now);
                        q[2 + j] = SP_INT(extension_ids[i + j]);
                        len += (size_t)snprintf(sql + len, sizeof(sql) - len,
                                                "%s(?, (SELECT cluster_id FROM tenants WHERE id = ?), "
                                                "?, ?, ?, ?)", j ? ", " : "");
                        qlen += (size_t)snprintf(qsql + qlen, sizeof(qsql) - qlen, "%s?",
                                                 j ? ", " : "");
                }
                snprintf(qsql + qlen, sizeof(qsql) - qlen, ")");
                result = store_exec(conn, sql, p, 6 * k, NULL, NULL);
                if (!result)
                        result = store_exec(conn, qsql, q, 2 + k, NULL, NULL);
        }
        return result;
}

enum result store_job_insert_tenant(struct store_conn *conn, int64_t tenant_id,
                                    enum fs_change kind, enum jobs_state state)
{
        int64_t now = store_now();
        struct store_param p[] = { SP_TEXT(fs_change_name(kind)), SP_INT(now), SP_INT(now), SP_INT(tenant_id) };
        struct store_param q[] = { SP_TEXT(jobs_state_name(state)), SP_INT(now), SP_INT(tenant_id) };
        enum result result;

        result = store_exec(conn,
                            "INSERT INTO provisioning_jobs (tenant_id, cluster_id, kind, extension_id, "
                            "created_at, updated_at) SELECT e.tenant_id, t.cluster_id, ?, e.id, ?, ? "
                            "FROM agent_extensions e JOIN tenants t ON t.id = e.tenant_id "
                            "WHERE e.tenant_id = ? AND e.user_id IS NOT NULL",
                            p, STORE_NPARAMS(p), NULL, NULL);
        if (!result)
                result = store_exec(conn,
                                    "UPDATE agent_extensions SET provisioning = " STORE_QUEUED_STATE ", "
                                    "provisioning_attempts = 0, provisioning_error = '', "
                                    "updated_at = ? WHERE tenant_id = ? AND user_id IS NOT NULL",
                                    q, STORE_NPARAMS(q), NULL, NULL);
        return result;
}

enum result store_job_insert_queue(struct store_conn *conn, int64_t tenant_id, enum fs_change kind,
                                   int64_t id, enum jobs_state state)
{
        int64_t now = store_now();
        bool queue = kind == FS_CHANGE_QUEUE;
        struct store_param p[] = { SP_INT(tenant_id), SP_INT(tenant_id), SP_TEXT(fs_change_name(kind)),
                                   queue ? SP_INT(id) : SP_NULL, queue ? SP_NULL : SP_INT(id),
                                   SP_INT(now), SP_INT(now) };
        struct store_param q[] = { SP_TEXT(jobs_state_name(state)), SP_INT(now), SP_INT(id) };
        enum result result;

        if (kind != FS_CHANGE_QUEUE && kind != FS_CHANGE_QUEUE_AGENT)
                return RESULT_INVALID;
        result = store_exec(conn,
                            "INSERT INTO provisioning_jobs (tenant_id, cluster_id, kind, queue_id, user_id, "
                            "created_at, updated_at) VALUES (?, "
                            "(SELECT cluster_id FROM tenants WHERE id = ?), ?, ?, ?, ?, ?)",
                            p, STORE_NPARAMS(p), NULL, NULL);
        /* the row may be gone (a deleted queue; an agent without a status
         * row): then nothing shows the state */
        if (!result)
                result = store_exec(conn,
                                    queue ? "UPDATE queues SET provisioning = ?, provisioning_attempts = 0, "
                                            "provisioning_error = '', updated_at = ? WHERE id = ?"
                                          : "UPDATE queue_agents SET provisioning = ?, "
                                            "provisioning_attempts = 0, provisioning_error = '', "
                                            "updated_at = ? WHERE user_id = ?",
                                    q, STORE_NPARAMS(q), NULL, NULL);
        return result;
}

enum result store_job_insert_resync(struct store_conn *conn, int64_t cluster_id, int64_t *ret_id)
{
        int64_t now = store_now();
        struct store_param p[] = { cluster_id ? SP_INT(cluster_id) : SP_NULL, SP_INT(now),
                                   SP_INT(now) };

        return store_exec_one(conn,
                              "INSERT INTO provisioning_jobs (cluster_id, kind, created_at, updated_at) "
                              "VALUES (?, 'resync', ?, ?) RETURNING id",
                              p, STORE_NPARAMS(p), id_row, ret_id);
}

static enum result state_row(const struct store_rows *rows, int r, void *out)
{
        struct store_job_state *st = out;

        st->attempts = store_int(store_rows_get(rows, r, 1));
        text_copy(st->last_error, sizeof(st->last_error), store_rows_get(rows, r, 2));
        return store_decoded(jobs_status_parse(store_rows_get(rows, r, 0), &st->status),
                             "provisioning_jobs");
}

enum result store_job_state(struct store_conn *conn, int64_t id, struct store_job_state *ret)
{
        struct store_param p[] = { SP_INT(id) };

        return store_exec_one(conn,
                              "SELECT status, attempts, last_error FROM provisioning_jobs WHERE id = ?",
                              p, STORE_NPARAMS(p), state_row, ret);
}

struct job_counts {
        int64_t pending, failed;
};

static enum result counts_row(const struct store_rows *rows, int r, void *out)
{
        struct job_counts *c = out;

        c->pending = store_int(store_rows_get(rows, r, 0));
        c->failed = store_int(store_rows_get(rows, r, 1));
        return RESULT_OK;
}

enum result store_job_counts(struct store_conn *conn, int64_t tenant_id, int64_t cluster_id,
                             int64_t *ret_pending, int64_t *ret_failed)
{
        struct store_param p[] = { SP_INT(tenant_id), SP_INT(tenant_id), SP_INT(cluster_id),
                                   SP_INT(cluster_id) };
        struct job_counts c = { 0, 0 };
        enum result result;

        result = store_exec_one(conn,
                                "SELECT COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0), "
                                "COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) "
                                "FROM provisioning_jobs WHERE (? = 0 OR tenant_id = ?) "
                                "AND (? < 0 OR COALESCE(cluster_id, 0) = ?)",
                                p, STORE_NPARAMS(p), counts_row, &c);
        *ret_pending = c.pending;
        *ret_failed = c.failed;
        return result;
}

enum result store_job_stats(struct store_conn *conn,
                            void (*fn)(void *userdata, enum jobs_status status, int64_t count,
                                       int64_t oldest),
                            void *userdata)
{
        enum jobs_status status;
        struct store_rows rows = { 0 };
        enum result result;

        result = store_exec(conn,
                            "SELECT status, COUNT(*), MIN(created_at) FROM provisioning_jobs "
                            "GROUP BY status ORDER BY status",
                            NULL, 0, &rows, NULL);
        if (result)
                return result;
        for (int r = 0; !result && r < rows.nrows; r++) {
                result = store_decoded(jobs_status_parse(store_rows_get(&rows, r, 0), &status),
                                       "provisioning_jobs");
                if (!result)
                        fn(userdata, status, store_int(store_rows_get(&rows, r, 1)),
                           store_int(store_rows_get(&rows, r, 2)));
        }
        store_rows_free(&rows);
        return result;
}

static enum result job_row(const struct store_rows *rows, int r, struct store_job *j)
{
        j->id = store_int(store_rows_get(rows, r, 0));
        j->tenant_id = store_int(store_rows_get(rows, r, 1));
        j->extension_id = store_int(store_rows_get(rows, r, 3));
        j->attempts = store_int(store_rows_get(rows, r, 4));
        text_copy(j->extension, sizeof(j->extension), store_rows_get(rows, r, 5));
        text_copy(j->tenant_domain, sizeof(j->tenant_domain), store_rows_get(rows, r, 6));
        j->cluster_id = store_int(store_rows_get(rows, r, 7));
        text_copy(j->cluster_domain, sizeof(j->cluster_domain), store_rows_get(rows, r, 8));
        j->queue_id = store_int(store_rows_get(rows, r, 9));
        j->user_id = store_int(store_rows_get(rows, r, 10));
        return store_decoded(fs_change_parse(store_rows_get(rows, r, 2), &j->kind),
                             "provisioning_jobs");
}

enum result store_jobs_due(struct store_conn *conn, int64_t now, struct store_job *ret, int max,
                           int *ret_n)
{
        struct store_param p[] = { SP_INT(now), SP_INT(max) };
        struct store_rows rows = { 0 };
        enum result result;

        *ret_n = 0;
        result = store_exec(conn,
                            "SELECT j.id, COALESCE(j.tenant_id, 0), j.kind, "
                            "COALESCE(j.extension_id, 0), j.attempts, COALESCE(e.extension, ''), "
                            "COALESCE(t.sip_domain, ''), COALESCE(j.cluster_id, 0), "
                            "COALESCE(c.sip_domain, ''), COALESCE(j.queue_id, 0), "
                            "COALESCE(j.user_id, 0) FROM provisioning_jobs j "
                            "LEFT JOIN agent_extensions e ON e.id = j.extension_id "
                            "LEFT JOIN tenants t ON t.id = j.tenant_id "
                            "LEFT JOIN freeswitch_clusters c ON c.id = j.cluster_id "
                            "WHERE j.status = 'pending' AND j.next_attempt_at <= ? "
                            "AND (j.cluster_id IS NULL OR c.status = 'active') "
                            "ORDER BY j.id LIMIT ?",
                            p, STORE_NPARAMS(p), &rows, NULL);
        if (result)
                return result;
        for (int r = 0; !result && r < rows.nrows && r < max; r++)
                result = job_row(&rows, r, &ret[r]);
        if (!result)
                *ret_n = rows.nrows < max ? rows.nrows : max;
        store_rows_free(&rows);
        return result;
}

/* The extension (or the queue, or the agent's queue_agents row) shows the
 * outcome of its newest job: skipped while a later one for it is still
 * pending. */
static enum result extension_outcome(struct store_conn *conn, const struct store_job *job,
                                     enum jobs_state state, const char *error)
{
        int64_t now = store_now();
        struct store_param p[] = { SP_TEXT(jobs_state_name(state)), SP_INT(job->attempts + 1), SP_TEXT(error),
                                   SP_INT(now), SP_INT(job->extension_id), SP_INT(job->extension_id),
                                   SP_INT(job->id) };

        /* a queue's or an agent's job: shown on its row the same way, but
         * for the error of an attempt that will be retried (FreeSWITCH
         * down): the desk shows "pending" until applied, and the job keeps
         * the error (the status route, /metrics); updated_at stays the
         * last change of the row itself */
        if (!job->extension_id && (job->queue_id || job->user_id)) {
                struct store_param q[] = { SP_TEXT(jobs_state_name(state)), SP_INT(job->attempts + 1),
                                           SP_TEXT(state == JOBS_STATE_PENDING ? "" : error),
                                           SP_INT(job->queue_id ? job->queue_id : job->user_id),
                                           SP_INT(job->queue_id ? job->queue_id : job->user_id),
                                           SP_INT(job->id) };

                return store_exec(conn,
                                  job->queue_id
                                          ? "UPDATE queues SET provisioning = ?, provisioning_attempts = ?, "
                                            "provisioning_error = ? WHERE id = ? AND NOT EXISTS "
                                            "(SELECT 1 FROM provisioning_jobs WHERE queue_id = ? "
                                            "AND status = 'pending' AND id > ?)"
                                          : "UPDATE queue_agents SET provisioning = ?, provisioning_attempts = ?, "
                                            "provisioning_error = ? WHERE user_id = ? AND NOT EXISTS "
                                            "(SELECT 1 FROM provisioning_jobs WHERE user_id = ? "
                                            "AND kind = 'queue_agent' AND status = 'pending' AND id > ?)",
                                  q, STORE_NPARAMS(q), NULL, NULL);
        }
        if (!job->extension_id)
                return RESULT_OK;
        return store_exec(conn,
                          "UPDATE agent_extensions SET provisioning = ?, provisioning_attempts = ?, "
                          "provisioning_error = ?, updated_at = ? WHERE id = ? AND NOT EXISTS "
                          "(SELECT 1 FROM provisioning_jobs WHERE extension_id = ? "
                          "AND status = 'pending' AND id > ?)",
                          p, STORE_NPARAMS(p), NULL, NULL);
}

enum result store_job_done(struct store_conn *conn, const struct store_job *job,
                           enum jobs_status status, enum jobs_state extension_state)
{
        int64_t now = store_now();
        struct store_param p[] = { SP_TEXT(jobs_status_name(status)), SP_INT(now), SP_INT(job->id) };
        enum result result;

        result = store_exec(conn,
                            "UPDATE provisioning_jobs SET status = ?, attempts = attempts + 1, "
                            "last_error = '', updated_at = ? WHERE id = ?",
                            p, STORE_NPARAMS(p), NULL, NULL);
        if (!result)
                result = extension_outcome(conn, job, extension_state, "");
        return result;
}

enum result store_job_retry(struct store_conn *conn, const struct store_job *job,
                            enum jobs_status status, const char *error, int64_t next_attempt_at,
                            enum jobs_state extension_state)
{
        int64_t now = store_now();
        struct store_param p[] = { SP_TEXT(jobs_status_name(status)), SP_TEXT(error), SP_INT(next_attempt_at),
                                   SP_INT(now), SP_INT(job->id) };
        enum result result;

        result = store_exec(conn,
                            "UPDATE provisioning_jobs SET status = ?, attempts = attempts + 1, "
                            "last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?",
                            p, STORE_NPARAMS(p), NULL, NULL);
        if (!result)
                result = extension_outcome(conn, job, extension_state, error);
        return result;
}

static enum result bool_row(const struct store_rows *rows, int r, void *out)
{
        const char *v = store_rows_get(rows, r, 0);

        *(bool *)out = v && (v[0] == 't' || v[0] == '1');
        return RESULT_OK;
}

enum result store_singleton_try(struct store_conn *conn, int64_t key, bool *ret_held)
{
        struct store_param p[] = { SP_INT(key) };

        *ret_held = false;
        if (!(conn->driver->caps & STORE_CAP_ADVISORY_LOCK)) {
                *ret_held = true;   /* SQLite: one process owns the file */
                return RESULT_OK;
        }
        return store_exec_one(conn, "SELECT pg_try_advisory_lock(CAST(? AS BIGINT))", p,
                              STORE_NPARAMS(p), bool_row, ret_held);
}

enum result store_singleton_held(struct store_conn *conn, int64_t key, bool *ret_held)
{
        /* A bigint advisory key shows in pg_locks as its high 32 bits in
         * classid, its low ones in objid, objsubid 1. pg_backend_pid() is
         * this session's: a connection the driver reset has a new one. */
        struct store_param p[] = { SP_INT((int64_t)((uint64_t)key >> 32)),
                                   SP_INT((int64_t)((uint64_t)key & 0xffffffffu)) };

        *ret_held = false;
        if (!(conn->driver->caps & STORE_CAP_ADVISORY_LOCK)) {
                *ret_held = true;
                return RESULT_OK;
        }
        return store_exec_one(conn,
                              "SELECT COUNT(*) > 0 FROM pg_locks WHERE locktype = 'advisory' "
                              "AND pid = pg_backend_pid() AND granted AND objsubid = 1 "
                              "AND CAST(classid AS BIGINT) = CAST(? AS BIGINT) "
                              "AND CAST(objid AS BIGINT) = CAST(? AS BIGINT)",
                              p, STORE_NPARAMS(p), bool_row, ret_held);
}
