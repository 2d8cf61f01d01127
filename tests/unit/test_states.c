/*
 * The domain's states as enums with one string table each: every value
 * has its name and parses back from it; any other text, letter case and
 * NULL included, is refused and leaves the out-parameter as it was.
 */
#include "check.h"
#include "domain/jobs.h"
#include "domain/users.h"
#include "util/text.h"

static void test_roles(void)
{
        enum user_role role = USER_ROLE_AGENT;

        for (int k = USER_ROLE_SUPERADMIN; k <= USER_ROLE_AGENT; k++) {
                enum user_role back;
                CHECK(user_role_parse(user_role_name((enum user_role)k), &back) && (int)back == k);
        }
        CHECK_STR_EQ(user_role_name(USER_ROLE_SUPERVISOR), "supervisor");
        CHECK(!user_role_parse("Admin", &role));
        CHECK(!user_role_parse("", &role));
        CHECK(!user_role_parse(NULL, &role));
        CHECK_INT_EQ(role, USER_ROLE_AGENT);
}

static void test_user_statuses(void)
{
        enum user_status status = USER_STATUS_SUSPENDED;

        for (int k = USER_STATUS_ACTIVE; k <= USER_STATUS_DELETED; k++) {
                enum user_status back;
                CHECK(user_status_parse(user_status_name((enum user_status)k), &back) &&
                      (int)back == k);
        }
        CHECK_STR_EQ(user_status_name(USER_STATUS_ACTIVE), "active");
        CHECK_STR_EQ(user_status_name(USER_STATUS_DELETED), "deleted");
        CHECK_STR_EQ(user_status_name((enum user_status)42), "?");
        CHECK(!user_status_parse("Active", &status));
        CHECK(!user_status_parse("disabled", &status));
        CHECK(!user_status_parse("active ", &status));
        CHECK(!user_status_parse(NULL, &status));
        CHECK_INT_EQ(status, USER_STATUS_SUSPENDED);
}

static void test_jobs_states(void)
{
        enum jobs_state state = JOBS_STATE_FAILED;
        struct app d = { .settings = { .fs_mode = FS_MODE_XML_CURL } };

        for (int k = JOBS_STATE_PENDING; k <= JOBS_STATE_FAILED; k++) {
                enum jobs_state back;
                CHECK(jobs_state_parse(jobs_state_name((enum jobs_state)k), &back) && (int)back == k);
        }
        CHECK_STR_EQ(jobs_state_name(JOBS_STATE_PROVISIONED), "provisioned");
        CHECK(!jobs_state_parse("done", &state));
        CHECK(!jobs_state_parse(NULL, &state));
        CHECK_INT_EQ(state, JOBS_STATE_FAILED);
        /* FreeSWITCH asks at once in xml_curl mode; pushes wait for reloadxml. */
        CHECK_INT_EQ(jobs_queued_state(&d), JOBS_STATE_PROVISIONED);
        d.settings.fs_mode = FS_MODE_FILES;
        CHECK_INT_EQ(jobs_queued_state(&d), JOBS_STATE_PENDING);
        d.settings.fs_mode = FS_MODE_SSH;
        CHECK_INT_EQ(jobs_queued_state(&d), JOBS_STATE_PENDING);
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
        test_jobs_states();
        test_text_index();
        test_roles();
        test_user_statuses();
        return CHECK_DONE();
}
