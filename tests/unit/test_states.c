/*
 * The vocabulary (model/vocab.h, and the settings' modes in util/config.h)
 * as enums with one string table each: every value has its name and
 * parses back from it; any other text, letter case and NULL included, is
 * refused and leaves the out-parameter as it was.
 */
#include <ctype.h>
#include <stdio.h>

#include "check.h"
#include "domain/provisioning/jobs.h"
#include "domain/provisioning/realm.h"
#include "model/modes.h"
#include "model/vocab.h"
#include "util/text.h"

/* Every value of enum type from first to last names itself and parses
 * back; other is refused (as are letter case, a trailing space and NULL)
 * and leaves the out-parameter at keep. */
#define CHECK_TABLE(type, prefix, first, last, keep, other)                                   \
        do {                                                                                  \
                enum type v = keep;                                                           \
                for (int k = first; k <= last; k++) {                                         \
                        enum type back;                                                       \
                        CHECK(prefix##_parse(prefix##_name((enum type)k), &back) &&           \
                              (int)back == k);                                                \
                }                                                                             \
                CHECK_STR_EQ(prefix##_name((enum type)(last + 1)), "?");                      \
                CHECK(!prefix##_parse(other, &v));                                            \
                /* The first name in capitals, and with a space after. */               \
                char near[64];                                                                \
                snprintf(near, sizeof(near), "%s", prefix##_name((enum type)first));          \
                for (char *c = near; *c; c++)                                                 \
                        *c = (char)toupper((unsigned char)*c);                                \
                CHECK(!prefix##_parse(near, &v));                                             \
                snprintf(near, sizeof(near), "%s ", prefix##_name((enum type)first));         \
                CHECK(!prefix##_parse(near, &v));                                             \
                CHECK(!prefix##_parse("", &v));                                               \
                CHECK(!prefix##_parse(NULL, &v));                                             \
                CHECK_INT_EQ(v, keep);                                                        \
        } while (0)

/* The statuses the API and the store spell out: the same words as ever. */
static void test_other_states(void)
{
        CHECK_TABLE(tenant_status, tenant_status, TENANT_STATUS_ACTIVE, TENANT_STATUS_SUSPENDED,
                    TENANT_STATUS_SUSPENDED, "disabled");
        CHECK_STR_EQ(tenant_status_name(TENANT_STATUS_ACTIVE), "active");
        CHECK_STR_EQ(tenant_status_name(TENANT_STATUS_SUSPENDED), "suspended");
        CHECK_TABLE(extension_status, extension_status, EXTENSION_STATUS_ACTIVE,
                    EXTENSION_STATUS_SUSPENDED, EXTENSION_STATUS_SUSPENDED, "deleted");
        CHECK_STR_EQ(extension_status_name(EXTENSION_STATUS_SUSPENDED), "suspended");
        CHECK_TABLE(cluster_status, cluster_status, CLUSTER_STATUS_ACTIVE, CLUSTER_STATUS_DISABLED,
                    CLUSTER_STATUS_DISABLED, "suspended");
        CHECK_STR_EQ(cluster_status_name(CLUSTER_STATUS_DISABLED), "disabled");
        CHECK_TABLE(jobs_status, jobs_status, JOBS_STATUS_PENDING, JOBS_STATUS_FAILED,
                    JOBS_STATUS_DONE, "provisioned");
        CHECK_STR_EQ(jobs_status_name(JOBS_STATUS_DONE), "done");
        CHECK_TABLE(fs_mode, fs_mode, FS_MODE_XML_CURL, FS_MODE_SSH, FS_MODE_FILES, "sftp");
        CHECK_STR_EQ(fs_mode_name(FS_MODE_XML_CURL), "xml_curl");
        CHECK_TABLE(smtp_tls, smtp_tls, SMTP_TLS_REQUIRED, SMTP_TLS_NONE, SMTP_TLS_NONE,
                    "optional");
        CHECK_STR_EQ(smtp_tls_name(SMTP_TLS_REQUIRED), "required");
        CHECK_STR_EQ(smtp_tls_name(SMTP_TLS_NONE), "none");
        CHECK_TABLE(mail_outbox_status, mail_outbox_status, MAIL_OUTBOX_STATUS_QUEUED,
                    MAIL_OUTBOX_STATUS_DROPPED, MAIL_OUTBOX_STATUS_SENT, "pending");
        CHECK_STR_EQ(mail_outbox_status_name(MAIL_OUTBOX_STATUS_QUEUED), "queued");
        CHECK_STR_EQ(mail_outbox_status_name(MAIL_OUTBOX_STATUS_SENT), "sent");
        CHECK_STR_EQ(mail_outbox_status_name(MAIL_OUTBOX_STATUS_FAILED), "failed");
        CHECK_STR_EQ(mail_outbox_status_name(MAIL_OUTBOX_STATUS_DROPPED), "dropped");

        CHECK_TABLE(fs_change, fs_change, FS_CHANGE_PROVISION, FS_CHANGE_VOICEBOX,
                    FS_CHANGE_UPDATE, "explode");
        CHECK_STR_EQ(fs_change_name(FS_CHANGE_QUEUE), "queue");
        CHECK_STR_EQ(fs_change_name(FS_CHANGE_QUEUE_AGENT), "queue_agent");
        CHECK_STR_EQ(fs_change_name(FS_CHANGE_VOICEBOX), "voicebox");
        CHECK_TABLE(queue_strategy, queue_strategy, QUEUE_STRATEGY_LONGEST_IDLE_AGENT,
                    QUEUE_STRATEGY_RANDOM, QUEUE_STRATEGY_RING_ALL, "fastest");
        CHECK_STR_EQ(queue_strategy_name(QUEUE_STRATEGY_SEQUENTIALLY_BY_AGENT_ORDER),
                     "sequentially-by-agent-order");
        CHECK_TABLE(queue_timeout_action, queue_timeout_action, QUEUE_TIMEOUT_HANGUP,
                    QUEUE_TIMEOUT_VOICEMAIL, QUEUE_TIMEOUT_QUEUE, "transfer");
        CHECK_STR_EQ(fs_change_name(FS_CHANGE_PROVISION), "provision");
        CHECK_STR_EQ(fs_change_name(FS_CHANGE_DEPROVISION), "deprovision");
        CHECK_STR_EQ(fs_change_name(FS_CHANGE_REKEY), "rekey");
        CHECK_STR_EQ(fs_change_name(FS_CHANGE_RESYNC), "resync");
        CHECK_TABLE(link_purpose, link_purpose, LINK_PURPOSE_INVITATION, LINK_PURPOSE_RESET,
                    LINK_PURPOSE_RESET, "password_reset");
        CHECK_STR_EQ(link_purpose_name(LINK_PURPOSE_INVITATION), "invitation");
        CHECK_STR_EQ(link_purpose_name(LINK_PURPOSE_RESET), "reset");
        CHECK_TABLE(actor_kind, actor_kind, ACTOR_KIND_USER, ACTOR_KIND_SCIM, ACTOR_KIND_CLI,
                    "admin");
        CHECK_STR_EQ(actor_kind_name(ACTOR_KIND_CLI), "cli");
        CHECK_STR_EQ(actor_kind_name(ACTOR_KIND_SCIM), "scim");
        CHECK_TABLE(queue_status, queue_status, QUEUE_STATUS_LOGGED_OUT, QUEUE_STATUS_ON_BREAK,
                    QUEUE_STATUS_AVAILABLE, "paused");
        CHECK_STR_EQ(queue_status_name(QUEUE_STATUS_ON_BREAK), "on_break");
        CHECK_TABLE(queue_actor, queue_actor, QUEUE_ACTOR_AGENT, QUEUE_ACTOR_SYSTEM,
                    QUEUE_ACTOR_FREESWITCH, "cli");
        CHECK_STR_EQ(queue_actor_name(QUEUE_ACTOR_FREESWITCH), "freeswitch");
        CHECK_STR_EQ(queue_actor_name(QUEUE_ACTOR_SYSTEM), "system");
}

static void test_user_and_job_states(void)
{
        struct app d = { .settings = { .fs_mode = FS_MODE_XML_CURL } };

        CHECK_TABLE(user_role, user_role, USER_ROLE_SUPERADMIN, USER_ROLE_AGENT, USER_ROLE_AGENT,
                    "owner");
        CHECK_STR_EQ(user_role_name(USER_ROLE_SUPERVISOR), "supervisor");
        CHECK_TABLE(user_status, user_status, USER_STATUS_ACTIVE, USER_STATUS_DELETED,
                    USER_STATUS_SUSPENDED, "disabled");
        CHECK_STR_EQ(user_status_name(USER_STATUS_ACTIVE), "active");
        CHECK_STR_EQ(user_status_name(USER_STATUS_DELETED), "deleted");
        CHECK_TABLE(jobs_state, jobs_state, JOBS_STATE_PENDING, JOBS_STATE_FAILED, JOBS_STATE_FAILED,
                    "done");
        CHECK_STR_EQ(jobs_state_name(JOBS_STATE_PROVISIONED), "provisioned");
        /* FreeSWITCH asks at once in xml_curl mode; pushes wait for reloadxml. */
        CHECK_INT_EQ(jobs_queued_state(&d), JOBS_STATE_PROVISIONED);
        d.settings.fs_mode = FS_MODE_FILES;
        CHECK_INT_EQ(jobs_queued_state(&d), JOBS_STATE_PENDING);
        d.settings.fs_mode = FS_MODE_SSH;
        CHECK_INT_EQ(jobs_queued_state(&d), JOBS_STATE_PENDING);
}

/* The realm rule (domain/provisioning/realm.h): the tenant's, else the
 * cluster's, else the setting. */
static void test_realm(void)
{
        struct app d = { .settings = { .sip_domain = "default.example" } };

        CHECK_STR_EQ(realm_effective(&d, "t.example", "c.example"), "t.example");
        CHECK_STR_EQ(realm_effective(&d, "", "c.example"), "c.example");
        CHECK_STR_EQ(realm_effective(&d, NULL, "c.example"), "c.example");
        CHECK_STR_EQ(realm_effective(&d, "", ""), "default.example");
        CHECK_STR_EQ(realm_effective(&d, NULL, NULL), "default.example");
}

static void test_text_index(void)
{
        static const char *const names[] = { "a", NULL, "c" };

        CHECK_INT_EQ(text_index(names, 3, "a"), 0);
        CHECK_INT_EQ(text_index(names, 3, "c"), 2);
        CHECK_INT_EQ(text_index(names, 2, "c"), -1);
        CHECK_INT_EQ(text_index(names, 3, ""), -1);
        CHECK_INT_EQ(text_index(names, 3, NULL), -1);
}

int main(void)
{
        test_user_and_job_states();
        test_other_states();
        test_realm();
        test_text_index();
        return CHECK_DONE();
}
