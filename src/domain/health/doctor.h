/*
 * The checks of `agentdesk doctor`, as rows for the command line to print:
 * the store (migrations, provisioning jobs), the mail relay and outbox,
 * and every FreeSWITCH cluster (conf dirs in the push modes, then each
 * node's Event Socket login, status and sofia profile). They change
 * nothing.
 */
#ifndef AGENTDESK_DOMAIN_DOCTOR_H
#define AGENTDESK_DOMAIN_DOCTOR_H

#include <stdbool.h>

#include "domain/core/app.h"

struct doctor_row {
        bool ok;
        char check[256];                 /* what was checked: "store", "node 10.0.0.5:8021" */
        char detail[512];                /* how it went, or why not */
};

/* Rows appended by the checks below; free with doctor_rows_free(). */
struct doctor_rows {
        struct doctor_row *rows;
        size_t n, cap;
};

/* Appends one row (printf-style detail). RESULT_NOMEM. */
enum result doctor_add(struct doctor_rows *rows, bool ok, const char *check, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* The store answers and is migrated (*ret_up then), and no provisioning
 * job failed for good. */
enum result doctor_store(struct app *app, struct doctor_rows *rows, bool *ret_up);

/* Mail: off, or the relay really answers EHLO (with STARTTLS and AUTH as
 * set); with store_up, how many messages the outbox holds and how old
 * the oldest is (more than an hour fails). */
enum result doctor_mail(struct app *app, bool store_up, struct doctor_rows *rows);

/* The default cluster and, with stored_too (the store is up and the key
 * loaded: their Event Socket passwords are sealed), every stored one. */
enum result doctor_clusters(struct app *app, bool stored_too, struct doctor_rows *rows);

void doctor_rows_free(struct doctor_rows *rows);

#endif
