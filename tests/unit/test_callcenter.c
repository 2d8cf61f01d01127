/*
 * mod_callcenter as agentdesk speaks it (freeswitch/callcenter.c): names,
 * status strings, the command lines, the agent's contact string, and the
 * `callcenter_config … list` tables as a real FreeSWITCH 1.11.1 answered
 * them (tests/fixtures/freeswitch-1.11/esl/callcenter-config.txt, the
 * folder given as argv[1]; record_callcenter.py re-records it): every
 * answer of the recording is paired with the command that asked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "freeswitch/callcenter.h"
#include "freeswitch/esl.h"
#include "recorded.h"

static const char *fixtures;

#define MAX_PAIRS 64

struct pairs {
        char **cmds, **bodies;
        int n;
};

static void pair(char d, const char *bytes, size_t m, void *ctx)
{
        struct pairs *p = ctx;

        if (d == 'C' && p->n < MAX_PAIRS) {
                p->cmds[p->n] = strndup(bytes + 4, m - 6); /* "api " … "\n\n" */
        } else if (d == 'S' && p->n < MAX_PAIRS) {
                struct esl_frame fr = { 0 };
                size_t used = 0;

                CHECK_INT_EQ(esl_frame_parse(bytes, m, &fr, &used), RESULT_OK);
                CHECK_INT_EQ(esl_frame_kind(&fr), ESL_FRAME_API_RESPONSE);
                p->bodies[p->n++] = strdup(fr.body ? fr.body : "");
                esl_frame_clear(&fr);
        }
}

/* The recording's commands (without "api ") and the bodies answering
 * them, in order. */
static int pairs(const char *name, char **cmds, char **bodies)
{
        struct pairs p = { cmds, bodies, 0 };

        recorded_blocks(fixtures, name, pair, &p);
        return p.n;
}

static const char *answer(char **cmds, char **bodies, int n, const char *cmd, int nth)
{
        for (int i = 0; i < n; i++)
                if (strcmp(cmds[i], cmd) == 0 && nth-- == 0)
                        return bodies[i];
        fprintf(stderr, "no answer to %s in the recording\n", cmd);
        return NULL;
}

static void test_names(void)
{
        char b[FS_CC_NAME_MAX];

        fs_cc_queue_name(12, b);
        CHECK_STR_EQ(b, "q12");
        fs_cc_agent_name(INT64_MAX, b);
        CHECK_STR_EQ(b, "u9223372036854775807");
        CHECK_INT_EQ(fs_cc_queue_id("q12"), 12);
        CHECK_INT_EQ(fs_cc_agent_id("u7"), 7);
        CHECK_INT_EQ(fs_cc_agent_id("u9223372036854775807"), INT64_MAX);
        /* whatever agentdesk did not name is 0 */
        CHECK_INT_EQ(fs_cc_queue_id("u12"), 0);
        CHECK_INT_EQ(fs_cc_agent_id("q7"), 0);
        CHECK_INT_EQ(fs_cc_queue_id("support@default"), 0);
        CHECK_INT_EQ(fs_cc_queue_id("q"), 0);
        CHECK_INT_EQ(fs_cc_queue_id("q0"), 0);
        CHECK_INT_EQ(fs_cc_queue_id("q012"), 0);
        CHECK_INT_EQ(fs_cc_queue_id("q-1"), 0);
        CHECK_INT_EQ(fs_cc_queue_id("q+1"), 0);
        CHECK_INT_EQ(fs_cc_queue_id("q12@default"), 0);
        CHECK_INT_EQ(fs_cc_queue_id("q12 "), 0);
        CHECK_INT_EQ(fs_cc_agent_id("u9223372036854775808"), 0);
        CHECK_INT_EQ(fs_cc_agent_id(NULL), 0);
        CHECK_INT_EQ(fs_cc_agent_id(""), 0);
}

static void test_statuses(void)
{
        enum queue_status s = QUEUE_STATUS_AVAILABLE;
        bool on_demand = true;

        CHECK_STR_EQ(fs_cc_status_name(QUEUE_STATUS_LOGGED_OUT), "Logged Out");
        CHECK_STR_EQ(fs_cc_status_name(QUEUE_STATUS_AVAILABLE), "Available");
        CHECK_STR_EQ(fs_cc_status_name(QUEUE_STATUS_ON_BREAK), "On Break");
        CHECK(fs_cc_status_parse("On Break", &s, &on_demand));
        CHECK_INT_EQ(s, QUEUE_STATUS_ON_BREAK);
        CHECK(!on_demand);
        CHECK(fs_cc_status_parse("Available (On Demand)", &s, &on_demand));
        CHECK_INT_EQ(s, QUEUE_STATUS_AVAILABLE);
        CHECK(on_demand);
        CHECK(fs_cc_status_parse("Logged Out", &s, NULL));
        CHECK_INT_EQ(s, QUEUE_STATUS_LOGGED_OUT);
        CHECK(!fs_cc_status_parse("available", &s, NULL));
        CHECK(!fs_cc_status_parse("'On Break'", &s, NULL));
        CHECK(!fs_cc_status_parse("", &s, NULL));
        CHECK(!fs_cc_status_parse(NULL, &s, NULL));
}

/* Every command line agentdesk builds is one the recording sent, so each
 * is known to be understood by mod_callcenter as written. */
static void test_commands(char **cmds, char **bodies, int n)
{
        char b[FS_CC_COMMAND_MAX];

        fs_cc_cmd_queue(b, FS_CC_QUEUE_LOAD, 3);
        CHECK_STR_EQ(answer(cmds, bodies, n, b, 0), "+OK\n");
        fs_cc_cmd_queue(b, FS_CC_QUEUE_UNLOAD, 3);
        CHECK_STR_EQ(answer(cmds, bodies, n, b, 0), "+OK\n");
        fs_cc_cmd_queue(b, FS_CC_QUEUE_RELOAD, 3);
        CHECK_STR_EQ(b, "callcenter_config queue reload q3");
        fs_cc_cmd_queue(b, FS_CC_QUEUE_LOAD, 404);
        CHECK_STR_EQ(answer(cmds, bodies, n, b, 0), "-ERR Invalid Queue not found!\n");
        fs_cc_cmd_agent_add(b, 7);
        CHECK_STR_EQ(answer(cmds, bodies, n, b, 0), "+OK\n");
        CHECK_INT_EQ(fs_cc_cmd_agent_set(b, 7, "max_no_answer", "3"), RESULT_OK);
        CHECK_STR_EQ(answer(cmds, bodies, n, b, 0), "+OK\n");
        CHECK_INT_EQ(fs_cc_cmd_agent_set(b, 7, "wrap_up_time", "10"), RESULT_OK);
        CHECK_STR_EQ(answer(cmds, bodies, n, b, 0), "+OK\n");
        CHECK_INT_EQ(fs_cc_cmd_agent_set(b, 7, "contact", "{sip_h_X-AD-Queue-Id=3}user/1000@a.example"),
                     RESULT_OK);
        CHECK_STR_EQ(answer(cmds, bodies, n, b, 0), "+OK\n");
        fs_cc_cmd_agent_status(b, 7, QUEUE_STATUS_ON_BREAK);
        CHECK_STR_EQ(b, "callcenter_config agent set status u7 'On Break'");
        CHECK_STR_EQ(answer(cmds, bodies, n, b, 0), "+OK\n");
        fs_cc_cmd_agent_get_status(b, 7);
        /* the quoted status was taken whole */
        CHECK_STR_EQ(answer(cmds, bodies, n, b, 0), "On Break");
        fs_cc_cmd_agent_status(b, 7, QUEUE_STATUS_AVAILABLE);
        CHECK_STR_EQ(answer(cmds, bodies, n, b, 0), "+OK\n");
        fs_cc_cmd_agent_status(b, 99, QUEUE_STATUS_AVAILABLE);
        CHECK_STR_EQ(answer(cmds, bodies, n, b, 0), "-ERR Agent not found!\n");
        fs_cc_cmd_agent_get_status(b, 99);
        CHECK_STR_EQ(answer(cmds, bodies, n, b, 0), "-ERR Agent not found!\n");
        fs_cc_cmd_tier_add(b, 3, 7, 1, 2);
        CHECK_STR_EQ(answer(cmds, bodies, n, b, 0), "+OK\n");
        fs_cc_cmd_tier_add(b, 3, 99, 1, 1);
        CHECK_STR_EQ(answer(cmds, bodies, n, b, 0), "-ERR Agent not found!\n");
        fs_cc_cmd_tier_del(b, 3, 7);
        CHECK_STR_EQ(answer(cmds, bodies, n, b, 0), "+OK\n");
        fs_cc_cmd_agent_del(b, 7);
        CHECK_STR_EQ(answer(cmds, bodies, n, b, 0), "+OK\n");
        fs_cc_cmd_tier_set(b, "position", 3, 7, 4);
        CHECK_STR_EQ(b, "callcenter_config tier set position q3 u7 4");
        fs_cc_cmd_tier_set(b, "level", 3, 7, 2);
        CHECK_STR_EQ(b, "callcenter_config tier set level q3 u7 2");
        fs_cc_cmd_list(b, FS_CC_LIST_QUEUES, 0);
        CHECK_STR_EQ(b, "callcenter_config queue list");
        fs_cc_cmd_list(b, FS_CC_LIST_AGENTS, 0);
        CHECK_STR_EQ(b, "callcenter_config agent list");
        fs_cc_cmd_list(b, FS_CC_LIST_ALL_TIERS, 0);
        CHECK_STR_EQ(b, "callcenter_config tier list");
        fs_cc_cmd_list(b, FS_CC_LIST_MEMBERS, 3);
        CHECK_STR_EQ(b, "callcenter_config queue list members q3");
        fs_cc_cmd_list(b, FS_CC_LIST_TIERS, 3);
        CHECK_STR_EQ(b, "callcenter_config queue list tiers q3");
        fs_cc_cmd_agent_hangup(b, 7);
        CHECK_STR_EQ(b, "hupall NORMAL_CLEARING cc_agent u7 cc_side agent");
        CHECK_INT_EQ(fs_cc_cmd_member_exit(b, "0f6c2a9e-1b2c-4d5e-8f90-123456789abc"), RESULT_OK);
        CHECK_STR_EQ(b, "uuid_recv_dtmf 0f6c2a9e-1b2c-4d5e-8f90-123456789abc D");
        CHECK_INT_EQ(fs_cc_cmd_member_exit(b, "x y"), RESULT_INVALID);
        CHECK_INT_EQ(fs_cc_cmd_member_exit(b, ""), RESULT_INVALID);

        /* what cannot go on one command line */
        CHECK_INT_EQ(fs_cc_cmd_agent_set(b, 7, "contact", "a'b"), RESULT_INVALID);
        CHECK_INT_EQ(fs_cc_cmd_agent_set(b, 7, "contact", "a\nb"), RESULT_INVALID);
        CHECK_INT_EQ(fs_cc_cmd_agent_set(b, 7, "contact", ""), RESULT_INVALID);
        CHECK_INT_EQ(fs_cc_cmd_agent_set(b, 7, "two words", "1"), RESULT_INVALID);
        {
                char big[FS_CC_COMMAND_MAX + 8];

                memset(big, 'x', sizeof(big) - 1);
                big[sizeof(big) - 1] = '\0';
                CHECK_INT_EQ(fs_cc_cmd_agent_set(b, 7, "contact", big), RESULT_TOO_BIG);
        }
}

static void test_tables(char **cmds, char **bodies, int n)
{
        struct fs_cc_table t;
        const char *body;

        body = answer(cmds, bodies, n, "callcenter_config agent list", 0);
        CHECK_INT_EQ(fs_cc_table_parse(body, &t), RESULT_OK);
        CHECK_INT_EQ(t.n_rows, 1);
        CHECK_INT_EQ(t.n_cols, 21);
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "name"), "u7");
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "type"), "Callback");
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "status"), "Available");
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "contact"), "{sip_h_X-AD-Queue-Id=3}user/1000@a.example");
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "max_no_answer"), "3");
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "wrap_up_time"), "10");
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "uuid"), "");
        CHECK(fs_cc_table_get(&t, 0, "nosuch") == NULL);
        CHECK(fs_cc_table_get(&t, 1, "name") == NULL);
        fs_cc_table_free(&t);

        body = answer(cmds, bodies, n, "callcenter_config tier list", 0);
        CHECK_INT_EQ(fs_cc_table_parse(body, &t), RESULT_OK);
        CHECK_INT_EQ(t.n_rows, 1);
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "queue"), "q3");
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "agent"), "u7");
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "level"), "1");
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "position"), "2");
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "state"), "Ready");
        fs_cc_table_free(&t);

        /* queue list: q3 from the binding, and the node's own sample queue */
        body = answer(cmds, bodies, n, "callcenter_config queue list", 0);
        CHECK_INT_EQ(fs_cc_table_parse(body, &t), RESULT_OK);
        CHECK_INT_EQ(t.n_rows, 2);
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "name"), "q3");
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "strategy"), "longest-idle-agent");
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "moh_sound"), "tone_stream://%(1000,1000,440);loops=-1");
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "agent_no_answer_status"), "On Break");
        CHECK_STR_EQ(fs_cc_table_get(&t, 1, "name"), "support@default");
        CHECK_INT_EQ(fs_cc_queue_id(fs_cc_table_get(&t, 1, "name")), 0);
        fs_cc_table_free(&t);

        body = answer(cmds, bodies, n, "callcenter_config queue list agents q3", 0);
        CHECK_INT_EQ(fs_cc_table_parse(body, &t), RESULT_OK);
        CHECK_INT_EQ(t.n_rows, 1);
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "state"), "Waiting");
        fs_cc_table_free(&t);

        /* an empty table is "+OK" alone: no header */
        body = answer(cmds, bodies, n, "callcenter_config queue list members q3", 0);
        CHECK_INT_EQ(fs_cc_table_parse(body, &t), RESULT_OK);
        CHECK_INT_EQ(t.n_rows, 0);
        CHECK_INT_EQ(t.n_cols, 0);
        CHECK(fs_cc_table_get(&t, 0, "name") == NULL);
        fs_cc_table_free(&t);
        body = answer(cmds, bodies, n, "callcenter_config agent list", 1);
        CHECK_INT_EQ(fs_cc_table_parse(body, &t), RESULT_OK);
        CHECK_INT_EQ(t.n_rows, 0);
        fs_cc_table_free(&t);
        body = answer(cmds, bodies, n, "callcenter_config tier list", 1);
        CHECK_INT_EQ(fs_cc_table_parse(body, &t), RESULT_OK);
        CHECK_INT_EQ(t.n_rows, 0);
        fs_cc_table_free(&t);

        /* what is no table */
        body = answer(cmds, bodies, n, "callcenter_config agent get status u99", 0);
        CHECK_INT_EQ(fs_cc_table_parse(body, &t), RESULT_PROTOCOL);
        CHECK_INT_EQ(t.n_rows, 0);
        CHECK_INT_EQ(fs_cc_table_parse("-USAGE: callcenter_config ...\n", &t), RESULT_PROTOCOL);
        CHECK_INT_EQ(fs_cc_table_parse("", &t), RESULT_PROTOCOL);
        CHECK_INT_EQ(fs_cc_table_parse(NULL, &t), RESULT_PROTOCOL);
        CHECK_INT_EQ(fs_cc_table_parse("a|b\n1|2\n", &t), RESULT_PROTOCOL);       /* no +OK */
        CHECK_INT_EQ(fs_cc_table_parse("a|b\n1|2|3\n+OK\n", &t), RESULT_PROTOCOL); /* widths */
        CHECK_INT_EQ(fs_cc_table_parse("a|b\n\n1|2\n+OK\n", &t), RESULT_PROTOCOL);
        CHECK_INT_EQ(fs_cc_table_parse("a|b\n+OK\nmore\n", &t), RESULT_PROTOCOL);
        CHECK_INT_EQ(fs_cc_table_parse("On Break", &t), RESULT_PROTOCOL);
        CHECK_INT_EQ(fs_cc_table_parse("a|b\r\n1|2\r\n+OK\r\n", &t), RESULT_OK);
        CHECK_STR_EQ(fs_cc_table_get(&t, 0, "b"), "2");
        fs_cc_table_free(&t);
        /* many rows */
        {
                char big[64 * 1024];
                size_t o = (size_t)snprintf(big, sizeof(big), "queue|agent\n");

                for (int i = 1; i <= 1000; i++)
                        o += (size_t)snprintf(big + o, sizeof(big) - o, "q1|u%d\n", i);
                snprintf(big + o, sizeof(big) - o, "+OK\n");
                CHECK_INT_EQ(fs_cc_table_parse(big, &t), RESULT_OK);
                CHECK_INT_EQ(t.n_rows, 1000);
                CHECK_STR_EQ(fs_cc_table_get(&t, 999, "agent"), "u1000");
                fs_cc_table_free(&t);
        }
}

static void test_contact(void)
{
        struct fs_cc_contact c;

        CHECK_INT_EQ(fs_cc_contact_init(&c, 3, "a.example"), RESULT_OK);
        CHECK_STR_EQ(fs_cc_contact_text(&c), "error/USER_NOT_REGISTERED");
        CHECK_INT_EQ(fs_cc_contact_add(&c, "1000"), RESULT_OK);
        /* the member's variables, then the agent's leg's own: its blind
         * transfers run in its tenant's context, never in "default" */
        CHECK_STR_EQ(fs_cc_contact_text(&c),
                     "{sip_h_X-AD-Queue-Id=${ad_queue_id},"
                     "sip_h_X-AD-Queue-Waited=${expr(${strepoch()}-${cc_queue_joined_epoch})},"
                     "force_transfer_context=tenant_3,domain_name=a.example}"
                     "user/1000@a.example");
        CHECK_INT_EQ(fs_cc_contact_add(&c, "1001"), RESULT_OK);
        CHECK(strstr(fs_cc_contact_text(&c), "}user/1000@a.example,user/1001@a.example") != NULL);
        CHECK(strchr(fs_cc_contact_text(&c), ' ') == NULL);
        CHECK_INT_EQ(fs_cc_contact_add(&c, "10,00"), RESULT_INVALID);
        CHECK_INT_EQ(fs_cc_contact_add(&c, "10}00"), RESULT_INVALID);
        CHECK_INT_EQ(fs_cc_contact_add(&c, "1000@b"), RESULT_INVALID);
        CHECK_INT_EQ(fs_cc_contact_add(&c, ""), RESULT_INVALID);
        CHECK_INT_EQ(c.n, 2);
        /* a realm or tenant that cannot be written: no contact */
        CHECK_INT_EQ(fs_cc_contact_init(&c, 3, "a.example}x"), RESULT_INVALID);
        CHECK_INT_EQ(fs_cc_contact_add(&c, "1000"), RESULT_INVALID);
        CHECK_INT_EQ(fs_cc_contact_init(&c, 3, "${x}"), RESULT_INVALID);
        CHECK_INT_EQ(fs_cc_contact_init(&c, 3, "a.example,user/9@b.example"), RESULT_INVALID);
        CHECK_INT_EQ(fs_cc_contact_init(&c, 3, ""), RESULT_INVALID);
        CHECK_INT_EQ(fs_cc_contact_init(&c, 0, "a.example"), RESULT_INVALID);
        CHECK_INT_EQ(fs_cc_contact_init(&c, -3, "a.example"), RESULT_INVALID);
        CHECK_INT_EQ(fs_cc_contact_init(&c, INT64_MAX, "a.example"), RESULT_OK);
        CHECK(strstr(c.text, ",force_transfer_context=tenant_9223372036854775807,") != NULL);
        /* the contact fits the command line it goes on */
        {
                char b[FS_CC_COMMAND_MAX];
                int n = 0;

                CHECK_INT_EQ(fs_cc_contact_init(&c, INT64_MAX, "tenant.example.com"), RESULT_OK);
                while (fs_cc_contact_add(&c, "12345678") == RESULT_OK)
                        n++;
                CHECK(n > 50);
                CHECK_INT_EQ(fs_cc_cmd_agent_set(b, INT64_MAX, "contact", fs_cc_contact_text(&c)),
                             RESULT_OK);
        }
}

int main(int argc, char **argv)
{
        char *cmds[MAX_PAIRS] = { 0 }, *bodies[MAX_PAIRS] = { 0 };
        int n;

        if (argc < 2) {
                fprintf(stderr, "usage: test_callcenter FIXTURES_DIR\n");
                return 2;
        }
        fixtures = argv[1];
        n = pairs("callcenter-config.txt", cmds, bodies);
        CHECK(n >= 20);
        test_names();
        test_statuses();
        test_commands(cmds, bodies, n);
        test_tables(cmds, bodies, n);
        test_contact();
        for (int i = 0; i < MAX_PAIRS; i++) {
                free(cmds[i]);
                free(bodies[i]);
        }
        return CHECK_DONE();
}
