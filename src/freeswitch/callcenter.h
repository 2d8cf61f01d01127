/*
 * mod_callcenter as agentdesk speaks it (docs/freeswitch.md, "Queues"):
 * the names agentdesk gives its queues and agents, mod_callcenter's status
 * strings, and the `callcenter_config … list` tables it answers. Pure:
 * builds and parses text; the reconciler (domain/switches/) sends the
 * commands and the listener (domain/live/) reads the events.
 *
 * Names never contain a domain (a tenant's SIP domain or cluster can
 * change): queue "q<id>" (queues.id), agent "u<id>" (users.id).
 */
#ifndef AGENTDESK_FREESWITCH_CALLCENTER_H
#define AGENTDESK_FREESWITCH_CALLCENTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/vocab.h"   /* enum queue_status */
#include "util/result.h"

#define FS_CC_NAME_MAX 24                /* "q" or "u", an int64, NUL */

/* "q<id>" / "u<id>" into buf (FS_CC_NAME_MAX). */
void fs_cc_queue_name(int64_t queue_id, char buf[FS_CC_NAME_MAX]);
void fs_cc_agent_name(int64_t user_id, char buf[FS_CC_NAME_MAX]);

/* The id in a name agentdesk gave ("q12" → 12), or 0 for any other name
 * (one made by hand on FreeSWITCH, "support@default"). */
int64_t fs_cc_queue_id(const char *name);
int64_t fs_cc_agent_id(const char *name);

/* mod_callcenter's status for ours: "Logged Out", "Available", "On Break". */
const char *fs_cc_status_name(enum queue_status status);

/* Ours for a mod_callcenter status; "Available (On Demand)" is available
 * with *ret_on_demand set (may be NULL). False for anything else. */
bool fs_cc_status_parse(const char *s, enum queue_status *ret, bool *ret_on_demand);

/* A table `callcenter_config agent list`, `tier list`, `queue list
 * [members|agents|tiers] <q>` answers: a header line of column names and
 * one line per row, '|'-separated, then "+OK". */
struct fs_cc_table {
        size_t n_cols, n_rows;
        char **cols;                     /* n_cols names */
        char ***rows;                    /* n_rows rows of n_cols values */
};

/* RESULT_OK (also for no rows), RESULT_PROTOCOL for a body that is no
 * such table (an -ERR, a row with another number of columns). */
enum result fs_cc_table_parse(const char *body, struct fs_cc_table *ret);

/* Row r's value of column col, or NULL when there is no such column. */
const char *fs_cc_table_get(const struct fs_cc_table *t, size_t r, const char *col);

void fs_cc_table_free(struct fs_cc_table *t);

#endif
