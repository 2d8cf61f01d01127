/* mod_callcenter as agentdesk speaks it: names, statuses, tables, command
 * lines and the agent's contact string; see callcenter.h. */
#include "freeswitch/callcenter.h"

#include "freeswitch/xml.h"      /* FSXML_QUEUE_EXIT_KEY */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void name(char buf[FS_CC_NAME_MAX], char prefix, int64_t id)
{
        snprintf(buf, FS_CC_NAME_MAX, "%c%" PRId64, prefix, id);
}

void fs_cc_queue_name(int64_t queue_id, char buf[FS_CC_NAME_MAX])
{
        name(buf, 'q', queue_id);
}

void fs_cc_agent_name(int64_t user_id, char buf[FS_CC_NAME_MAX])
{
        name(buf, 'u', user_id);
}

/* The id of "<prefix><digits>": digits only, no sign, no leading zero,
 * positive, fits an int64; else 0. */
static int64_t name_id(const char *s, char prefix)
{
        char *end;
        long long v;

        if (!s || s[0] != prefix || s[1] < '1' || s[1] > '9')
                return 0;
        for (const char *p = s + 1; *p; p++)
                if (*p < '0' || *p > '9')
                        return 0;
        errno = 0;
        v = strtoll(s + 1, &end, 10);
        if (errno || *end || v <= 0)
                return 0;
        return (int64_t)v;
}

int64_t fs_cc_queue_id(const char *name)
{
        return name_id(name, 'q');
}

int64_t fs_cc_agent_id(const char *name)
{
        return name_id(name, 'u');
}

/* mod_callcenter's strings (cc_agent_status2str), by enum queue_status. */
static const char *const status_names[] = {
        [QUEUE_STATUS_LOGGED_OUT] = "Logged Out",
        [QUEUE_STATUS_AVAILABLE] = "Available",
        [QUEUE_STATUS_ON_BREAK] = "On Break",
};

#define ON_DEMAND "Available (On Demand)"

const char *fs_cc_status_name(enum queue_status status)
{
        if ((unsigned)status >= sizeof(status_names) / sizeof(status_names[0]))
                return "Logged Out";
        return status_names[status];
}

bool fs_cc_status_parse(const char *s, enum queue_status *ret, bool *ret_on_demand)
{
        bool on_demand = false;
        size_t i;

        if (!s)
                return false;
        if (strcmp(s, ON_DEMAND) == 0) {
                on_demand = true;
                s = "Available";
        }
        for (i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++) {
                if (strcmp(s, status_names[i]) == 0) {
                        if (ret)
                                *ret = (enum queue_status)i;
                        if (ret_on_demand)
                                *ret_on_demand = on_demand;
                        return true;
                }
        }
        return false;
}

/* ---- tables */

void fs_cc_table_free(struct fs_cc_table *t)
{
        if (!t)
                return;
        if (t->cols) {
                free(t->cols[0]);        /* the header line's copy holds every name */
                free(t->cols);
        }
        for (size_t r = 0; r < t->n_rows; r++) {
                free(t->rows[r][0]);
                free(t->rows[r]);
        }
        free(t->rows);
        memset(t, 0, sizeof(*t));
}

/* Splits a copy of line (len bytes) at each '|' into a new array of n
 * fields (fields[0] owns the copy); NULL when out of memory. */
static char **split(const char *line, size_t len, size_t *ret_n)
{
        char *copy = malloc(len + 1), **fields;
        size_t n = 1, k = 0;

        if (!copy)
                return NULL;
        memcpy(copy, line, len);
        copy[len] = '\0';
        for (size_t i = 0; i < len; i++)
                n += copy[i] == '|';
        fields = calloc(n, sizeof(*fields));
        if (!fields) {
                free(copy);
                return NULL;
        }
        fields[k++] = copy;
        for (char *p = copy; *p; p++) {
                if (*p == '|') {
                        *p = '\0';
                        fields[k++] = p + 1;
                }
        }
        *ret_n = n;
        return fields;
}

enum result fs_cc_table_parse(const char *body, struct fs_cc_table *ret)
{
        struct fs_cc_table t = { 0 };
        const char *p = body, *line, *nl;
        bool ended = false;

        memset(ret, 0, sizeof(*ret));
        if (!body)
                return RESULT_PROTOCOL;
        while (*p) {
                size_t len, n;
                char **fields;

                line = p;
                nl = strchr(p, '\n');
                len = nl ? (size_t)(nl - p) : strlen(p);
                p = nl ? nl + 1 : p + len;
                if (len && line[len - 1] == '\r')
                        len--;
                if (ended) {             /* nothing but blank lines after "+OK" */
                        if (len)
                                goto bad;
                        continue;
                }
                if (len == 3 && memcmp(line, "+OK", 3) == 0) {
                        ended = true;
                        continue;
                }
                if (!len)
                        goto bad;
                if (!t.cols && (memchr(line, '|', len) == NULL ||
                                (len >= 4 && memcmp(line, "-ERR", 4) == 0)))
                        goto bad;        /* "-ERR …", "-USAGE …", any other text */
                fields = split(line, len, &n);
                if (!fields) {
                        fs_cc_table_free(&t);
                        return RESULT_NOMEM;
                }
                if (!t.cols) {
                        t.cols = fields;
                        t.n_cols = n;
                        continue;
                }
                if (n != t.n_cols) {
                        free(fields[0]);
                        free(fields);
                        goto bad;
                }
                if (t.n_rows % 16 == 0) {
                        char ***rows = realloc(t.rows, (t.n_rows + 16) * sizeof(*rows));

                        if (!rows) {
                                free(fields[0]);
                                free(fields);
                                fs_cc_table_free(&t);
                                return RESULT_NOMEM;
                        }
                        t.rows = rows;
                }
                t.rows[t.n_rows++] = fields;
        }
        if (!ended)
                goto bad;
        *ret = t;
        return RESULT_OK;
bad:
        fs_cc_table_free(&t);
        return RESULT_PROTOCOL;
}

const char *fs_cc_table_get(const struct fs_cc_table *t, size_t r, const char *col)
{
        if (!t || r >= t->n_rows || !col)
                return NULL;
        for (size_t c = 0; c < t->n_cols; c++)
                if (strcmp(t->cols[c], col) == 0)
                        return t->rows[r][c];
        return NULL;
}

/* ---- command lines */

void fs_cc_cmd_queue(char buf[FS_CC_COMMAND_MAX], enum fs_cc_queue_verb verb, int64_t queue_id)
{
        static const char *const verbs[] = {
                [FS_CC_QUEUE_LOAD] = "load",
                [FS_CC_QUEUE_RELOAD] = "reload",
                [FS_CC_QUEUE_UNLOAD] = "unload",
        };
        char q[FS_CC_NAME_MAX];

        fs_cc_queue_name(queue_id, q);
        snprintf(buf, FS_CC_COMMAND_MAX, "callcenter_config queue %s %s",
                 (unsigned)verb <= FS_CC_QUEUE_UNLOAD ? verbs[verb] : "load", q);
}

void fs_cc_cmd_agent_add(char buf[FS_CC_COMMAND_MAX], int64_t user_id)
{
        char u[FS_CC_NAME_MAX];

        fs_cc_agent_name(user_id, u);
        snprintf(buf, FS_CC_COMMAND_MAX, "callcenter_config agent add %s Callback", u);
}

void fs_cc_cmd_agent_del(char buf[FS_CC_COMMAND_MAX], int64_t user_id)
{
        char u[FS_CC_NAME_MAX];

        fs_cc_agent_name(user_id, u);
        snprintf(buf, FS_CC_COMMAND_MAX, "callcenter_config agent del %s", u);
}

/* A word of `agent set`: printable ASCII, no quote (the Event Socket's
 * argument splitter takes single quotes as grouping). */
static bool value_ok(const char *s)
{
        if (!s || !*s)
                return false;
        for (; *s; s++)
                if (*s < ' ' || *s >= 0x7f || *s == '\'' || *s == '"')
                        return false;
        return true;
}

enum result fs_cc_cmd_agent_set(char buf[FS_CC_COMMAND_MAX], int64_t user_id, const char *key,
                                const char *value)
{
        char u[FS_CC_NAME_MAX];
        int n;

        if (!value_ok(key) || strchr(key, ' ') || !value_ok(value))
                return RESULT_INVALID;
        fs_cc_agent_name(user_id, u);
        n = snprintf(buf, FS_CC_COMMAND_MAX,
                     strchr(value, ' ') ? "callcenter_config agent set %s %s '%s'"
                                        : "callcenter_config agent set %s %s %s",
                     key, u, value);
        if (n < 0 || n >= FS_CC_COMMAND_MAX) {
                buf[0] = '\0';
                return RESULT_TOO_BIG;
        }
        return RESULT_OK;
}

void fs_cc_cmd_agent_status(char buf[FS_CC_COMMAND_MAX], int64_t user_id,
                            enum queue_status status)
{
        /* every status string passes value_ok and fits */
        (void)fs_cc_cmd_agent_set(buf, user_id, "status", fs_cc_status_name(status));
}

void fs_cc_cmd_agent_get_status(char buf[FS_CC_COMMAND_MAX], int64_t user_id)
{
        char u[FS_CC_NAME_MAX];

        fs_cc_agent_name(user_id, u);
        snprintf(buf, FS_CC_COMMAND_MAX, "callcenter_config agent get status %s", u);
}

void fs_cc_cmd_tier_add(char buf[FS_CC_COMMAND_MAX], int64_t queue_id, int64_t user_id,
                        int64_t level, int64_t position)
{
        char q[FS_CC_NAME_MAX], u[FS_CC_NAME_MAX];

        fs_cc_queue_name(queue_id, q);
        fs_cc_agent_name(user_id, u);
        snprintf(buf, FS_CC_COMMAND_MAX, "callcenter_config tier add %s %s %" PRId64 " %" PRId64, q,
                 u, level, position);
}

void fs_cc_cmd_tier_set(char buf[FS_CC_COMMAND_MAX], const char *what, int64_t queue_id,
                        int64_t user_id, int64_t value)
{
        char q[FS_CC_NAME_MAX], u[FS_CC_NAME_MAX];

        fs_cc_queue_name(queue_id, q);
        fs_cc_agent_name(user_id, u);
        snprintf(buf, FS_CC_COMMAND_MAX, "callcenter_config tier set %s %s %s %" PRId64,
                 strcmp(what, "position") == 0 ? "position" : "level", q, u, value);
}

void fs_cc_cmd_tier_del(char buf[FS_CC_COMMAND_MAX], int64_t queue_id, int64_t user_id)
{
        char q[FS_CC_NAME_MAX], u[FS_CC_NAME_MAX];

        fs_cc_queue_name(queue_id, q);
        fs_cc_agent_name(user_id, u);
        snprintf(buf, FS_CC_COMMAND_MAX, "callcenter_config tier del %s %s", q, u);
}

/* ---- the contact */

/* The member's variables mod_callcenter expands, then the agent's leg's
 * own (callcenter.h: why force_transfer_context and domain_name). */
#define CONTACT_HEADERS                                                            \
        "{sip_h_X-AD-Queue-Id=${" FS_CC_QUEUE_ID_VAR "},"                          \
        "sip_h_X-AD-Queue-Waited=${expr(${strepoch()}-${cc_queue_joined_epoch})},"  \
        "force_transfer_context=tenant_%" PRId64 ",domain_name=%s}"

/* A word of a dial string: printable ASCII without the characters that
 * separate legs or variables, or quote. */
static bool dial_word(const char *s)
{
        if (!s || !*s)
                return false;
        for (; *s; s++)
                if (*s <= ' ' || *s >= 0x7f || strchr(",{}[]<>|'\"$;:^", *s))
                        return false;
        return true;
}

enum result fs_cc_contact_init(struct fs_cc_contact *c, int64_t tenant_id, const char *realm)
{
        int n;

        memset(c, 0, sizeof(*c));
        if (tenant_id <= 0 || !dial_word(realm) || strchr(realm, '/') || strchr(realm, '@') ||
            strlen(realm) >= sizeof(c->realm))
                return RESULT_INVALID;
        memcpy(c->realm, realm, strlen(realm) + 1);
        n = snprintf(c->text, sizeof(c->text), CONTACT_HEADERS, tenant_id, realm);
        if (n < 0 || (size_t)n >= sizeof(c->text)) {
                memset(c, 0, sizeof(*c));
                return RESULT_TOO_BIG;
        }
        c->len = (size_t)n;
        return RESULT_OK;
}

enum result fs_cc_contact_add(struct fs_cc_contact *c, const char *extension)
{
        int n;

        if (!c->realm[0] || !dial_word(extension) || strchr(extension, '@') ||
            strchr(extension, '/'))
                return RESULT_INVALID;
        n = snprintf(c->text + c->len, sizeof(c->text) - c->len, "%suser/%s@%s",
                     c->n ? "," : "", extension, c->realm);
        if (n < 0 || (size_t)n >= sizeof(c->text) - c->len) {
                c->text[c->len] = '\0';
                return RESULT_TOO_BIG;
        }
        c->len += (size_t)n;
        c->n++;
        return RESULT_OK;
}

const char *fs_cc_contact_text(struct fs_cc_contact *c)
{
        return c->n ? c->text : "error/USER_NOT_REGISTERED";
}

void fs_cc_cmd_list(char buf[FS_CC_COMMAND_MAX], enum fs_cc_list what, int64_t queue_id)
{
        char q[FS_CC_NAME_MAX];

        fs_cc_queue_name(queue_id, q);
        switch (what) {
        case FS_CC_LIST_QUEUES:
                snprintf(buf, FS_CC_COMMAND_MAX, "callcenter_config queue list");
                break;
        case FS_CC_LIST_AGENTS:
                snprintf(buf, FS_CC_COMMAND_MAX, "callcenter_config agent list");
                break;
        case FS_CC_LIST_ALL_TIERS:
                snprintf(buf, FS_CC_COMMAND_MAX, "callcenter_config tier list");
                break;
        case FS_CC_LIST_MEMBERS:
                snprintf(buf, FS_CC_COMMAND_MAX, "callcenter_config queue list members %s", q);
                break;
        case FS_CC_LIST_TIERS:
                snprintf(buf, FS_CC_COMMAND_MAX, "callcenter_config queue list tiers %s", q);
                break;
        }
}

void fs_cc_cmd_agent_hangup(char buf[FS_CC_COMMAND_MAX], int64_t user_id)
{
        char u[FS_CC_NAME_MAX];

        fs_cc_agent_name(user_id, u);
        snprintf(buf, FS_CC_COMMAND_MAX, "hupall NORMAL_CLEARING cc_agent %s cc_side agent", u);
}

enum result fs_cc_cmd_member_exit(char buf[FS_CC_COMMAND_MAX], const char *uuid)
{
        if (!*uuid || strlen(uuid) > 64)
                return RESULT_INVALID;
        for (const char *c = uuid; *c; c++)
                if (*c <= ' ' || *c >= 0x7f)
                        return RESULT_INVALID;
        snprintf(buf, FS_CC_COMMAND_MAX, "uuid_recv_dtmf %s %s", uuid, FSXML_QUEUE_EXIT_KEY);
        return RESULT_OK;
}
