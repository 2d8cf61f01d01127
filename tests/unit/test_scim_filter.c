/* Unit tests of the SCIM filter subset (util/scim_filter.c): what Entra ID
 * and Okta send is read, every other filter is refused. */
#include <string.h>

#include "check.h"
#include "util/scim_filter.h"

static bool parse(const char *s, struct scim_filter *f)
{
        return scim_filter_parse(s, strlen(s), f);
}

static void test_accepted(void)
{
        struct scim_filter f;

        CHECK(parse("userName eq \"Test_User_dfeef4c5@contoso.com\"", &f));
        CHECK_INT_EQ(f.attr, SCIM_FILTER_USER_NAME);
        CHECK_STR_EQ(f.value, "Test_User_dfeef4c5@contoso.com");
        CHECK(parse("externalId eq \"00ujl29u0le5T6Aj10h7\"", &f));
        CHECK_INT_EQ(f.attr, SCIM_FILTER_EXTERNAL_ID);
        CHECK_STR_EQ(f.value, "00ujl29u0le5T6Aj10h7");
        /* attribute names and operators are case-insensitive (RFC 7644 §3.4.2.2) */
        CHECK(parse("  USERNAME   EQ  \"a\"  ", &f));
        CHECK_INT_EQ(f.attr, SCIM_FILTER_USER_NAME);
        CHECK(parse("urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"x\"", &f));
        CHECK_STR_EQ(f.value, "x");
        CHECK(parse("externalid eq \"a\\\"b\\\\c\\/d\"", &f));
        CHECK_STR_EQ(f.value, "a\"b\\c/d");
        CHECK(parse("userName eq \"\"", &f));
        CHECK_STR_EQ(f.value, "");
}

static void test_refused(void)
{
        static const char *const bad[] = {
                "userName eq \"x\" or 1 eq 1",
                "userName eq \"x\" and externalId eq \"y\"",
                "userName co \"x\"", "userName sw \"x\"", "userName ew \"x\"",
                "userName pr", "userName ne \"x\"", "userName gt \"x\"",
                "not (userName eq \"x\")", "(userName eq \"x\")",
                "emails[type eq \"work\"]", "emails.value eq \"x\"", "title eq \"x\"",
                "displayName eq \"x\"", "userNameeq \"x\"", "userName eq\"x\"",
                "userName eq x", "userName eq \"x", "userName eq \"x\\\"", "userName eq \"\\n\"",
                "userName eq \"a\tb\"", "userName eq 'x'", "userName eq \"x\"\"", "", "   ",
                "userName", "userName eq", "1 eq 1", "urn:ietf:params:scim:schemas:core:2.0:User: eq \"x\"",
        };
        struct scim_filter f;
        char big[SCIM_FILTER_VALUE_MAX + 32];

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                memset(&f, 0x5a, sizeof(f));
                CHECK(!parse(bad[i], &f));
                CHECK_INT_EQ((unsigned char)f.value[0], 0x5a);
        }
        CHECK(!scim_filter_parse("userName eq \"a\"\0x", 17, &f));
        /* a value of the longest size, then one byte more */
        memcpy(big, "userName eq \"", 13);
        memset(big + 13, 'v', SCIM_FILTER_VALUE_MAX);
        memcpy(big + 13 + SCIM_FILTER_VALUE_MAX, "\"", 2);
        CHECK(parse(big, &f));
        CHECK_INT_EQ(strlen(f.value), SCIM_FILTER_VALUE_MAX);
        memset(big + 13, 'v', SCIM_FILTER_VALUE_MAX + 1);
        memcpy(big + 14 + SCIM_FILTER_VALUE_MAX, "\"", 2);
        CHECK(!parse(big, &f));
}

int main(void)
{
        test_accepted();
        test_refused();
        return CHECK_DONE();
}
