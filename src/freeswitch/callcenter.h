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

/* ---- the command lines agentdesk sends (the text after "api ") */

#define FS_CC_COMMAND_MAX 4096           /* a contact of many extensions */

/* What a queue command does to q<id>: load (a queue mod_callcenter does
 * not hold), reload (one it holds, from the binding's answer again),
 * unload. */
enum fs_cc_queue_verb { FS_CC_QUEUE_LOAD, FS_CC_QUEUE_RELOAD, FS_CC_QUEUE_UNLOAD };

/* "callcenter_config queue load|reload|unload q<id>". */
void fs_cc_cmd_queue(char buf[FS_CC_COMMAND_MAX], enum fs_cc_queue_verb verb, int64_t queue_id);

/* "callcenter_config agent add u<id> Callback" / "… agent del u<id>". */
void fs_cc_cmd_agent_add(char buf[FS_CC_COMMAND_MAX], int64_t user_id);
void fs_cc_cmd_agent_del(char buf[FS_CC_COMMAND_MAX], int64_t user_id);

/* "callcenter_config agent set <key> u<id> <value>": key one of contact,
 * status, max_no_answer, wrap_up_time (and the other settings of `agent
 * set`). A value holding a space is quoted ('On Break'). RESULT_INVALID
 * for a value that cannot go on one command line (a quote, a control
 * character, empty) or that does not fit. */
enum result fs_cc_cmd_agent_set(char buf[FS_CC_COMMAND_MAX], int64_t user_id, const char *key,
                                const char *value);

/* "callcenter_config agent set status u<id> 'On Break'" (the status
 * string of fs_cc_status_name). */
void fs_cc_cmd_agent_status(char buf[FS_CC_COMMAND_MAX], int64_t user_id,
                            enum queue_status status);

/* "callcenter_config agent get status u<id>". */
void fs_cc_cmd_agent_get_status(char buf[FS_CC_COMMAND_MAX], int64_t user_id);

/* "callcenter_config tier add q<q> u<u> <level> <position>",
 * "… tier set level|position q<q> u<u> <n>", "… tier del q<q> u<u>". */
void fs_cc_cmd_tier_add(char buf[FS_CC_COMMAND_MAX], int64_t queue_id, int64_t user_id,
                        int64_t level, int64_t position);
void fs_cc_cmd_tier_set(char buf[FS_CC_COMMAND_MAX], const char *what, int64_t queue_id,
                        int64_t user_id, int64_t value);
void fs_cc_cmd_tier_del(char buf[FS_CC_COMMAND_MAX], int64_t queue_id, int64_t user_id);

/* ---- the agent's contact string (docs/freeswitch.md, "Queues")
 *
 * mod_callcenter expands it with the member (caller) channel's variables
 * when it offers a call: the SIP headers X-AD-Queue-Id (the channel
 * variable FS_CC_QUEUE_ID_VAR that the queue's dialplan entry sets) and
 * X-AD-Queue-Waited (now minus cc_queue_joined_epoch, which mod_callcenter
 * sets on the member channel, through mod_expr), then every extension
 * comma-joined: "{…}user/1000@a.example,user/1001@a.example" (rings all
 * at once).
 *
 * The agent's leg keeps its transfers in the tenant: the contact sets
 * force_transfer_context=tenant_<id> and domain_name=<realm> on it.
 * mod_callcenter originates that leg with no a-leg
 * (outbound_agent_thread_run: switch_ivr_originate(NULL, …), only
 * cc_export_vars copied from the member), so what the tenant's dialplan
 * `export`s on the caller's channel never reaches it, and its caller
 * profile's context is FreeSWITCH's "default". A blind REFER from the
 * caller transfers the caller's bridged partner, this leg
 * (sofia_handle_sip_i_refer → switch_ivr_session_transfer(b_session, …)),
 * into its force_transfer_context, else its profile's context: without
 * the variable, into "default", outside the tenant. domain_name lets the
 * tenant's entries (bridge user/$1@${domain_name}) reach its extensions. */
#define FS_CC_QUEUE_ID_VAR "ad_queue_id"

struct fs_cc_contact {
        char text[FS_CC_COMMAND_MAX - 128];
        char realm[256];
        size_t len;
        size_t n;                        /* extensions added */
};

/* Starts an empty contact (no extension yet) for the extensions of
 * tenant_id in realm; RESULT_INVALID for a realm that cannot go into a
 * dial string (see fs_cc_contact_add) or a tenant id not positive. */
enum result fs_cc_contact_init(struct fs_cc_contact *c, int64_t tenant_id, const char *realm);

/* Adds user/<ext>@<the realm>; RESULT_INVALID for a word that cannot go
 * into a dial string (empty, a space, a comma, a brace, a control
 * character), RESULT_TOO_BIG when it does not fit. */
enum result fs_cc_contact_add(struct fs_cc_contact *c, const char *extension);

/* The contact's text: with no extension, "error/USER_NOT_REGISTERED" (an
 * agent with no extension is offered nothing: the offer fails at once). */
const char *fs_cc_contact_text(struct fs_cc_contact *c);

/* The listings agentdesk reads: `callcenter_config queue list`, `agent
 * list`, `tier list`, `queue list members q<id>`, `queue list tiers q<id>`
 * (queue_id only for the last two). */
enum fs_cc_list {
        FS_CC_LIST_QUEUES, FS_CC_LIST_AGENTS, FS_CC_LIST_ALL_TIERS, FS_CC_LIST_MEMBERS,
        FS_CC_LIST_TIERS,
};
void fs_cc_cmd_list(char buf[FS_CC_COMMAND_MAX], enum fs_cc_list what, int64_t queue_id);

/* `hupall` of u<user_id>'s queue legs (an offer ringing, a queue call). */
void fs_cc_cmd_agent_hangup(char buf[FS_CC_COMMAND_MAX], int64_t user_id);

/* The queue's exit key sent to a waiting member's channel (uuid), so it
 * leaves the queue for what the dialplan does next; RESULT_INVALID for a
 * uuid that is no word. */
enum result fs_cc_cmd_member_exit(char buf[FS_CC_COMMAND_MAX], const char *uuid);

#endif
