/*
 * The password policy (domain/identity/passwords.c): the passwords that
 * attackers try first are refused — the list's, one of them with digits
 * after it, one character repeated, a run of consecutive characters, the
 * email — and a passphrase of the same length is not.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "domain/identity/passwords.h"

int main(void)
{
        static const char *const refused[] = {
                "1234567890",            /* a run, digits wrapping */
                "          ",            /* one character repeated */
                "aaaaaaaaaaaa",
                "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
                "abcdefghijk",
                "ZYXWVUTSRQ",
                "0987654321",
                "7890123456",
                "qwertyuiop",            /* on the list */
                "QwErTyUiOp",            /* on the list, whatever the case */
                "password123",           /* a listed word and digits */
                "sunshine2024!",
                "ada@example.com",       /* the email */
                "ADA@Example.com",
                "short",                 /* too short */
                "\xff\xfe invalid utf-8",
        };
        static const char *const accepted[] = {
                "correct horse battery", "1357924680", "a1b2c3d4e5", "abcdefghiJ1",
                "sunshine and rain 2024", "\xc3\xa9t\xc3\xa9 \xc3\xa0 Paris !",
        };
        char longest[USER_PASSWORD_MAX + 2];

        CHECK(password_list_size() > 3000);
        for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
                bool ok = password_acceptable(refused[i], "ada@example.com");
                if (ok)
                        fprintf(stderr, "accepted: \"%s\"\n", refused[i]);
                CHECK(!ok);
        }
        for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
                bool ok = password_acceptable(accepted[i], "ada@example.com");
                if (!ok)
                        fprintf(stderr, "refused: \"%s\"\n", accepted[i]);
                CHECK(ok);
        }
        /* Without an email, only the email rule is left out. */
        CHECK(password_acceptable("ada@example.com", NULL));
        memset(longest, 'x', sizeof(longest));
        longest[0] = 'y';
        longest[USER_PASSWORD_MAX] = '\0';
        CHECK(password_acceptable(longest, NULL));
        longest[USER_PASSWORD_MAX] = 'x';
        longest[USER_PASSWORD_MAX + 1] = '\0';
        CHECK(!password_acceptable(longest, NULL));
        return CHECK_DONE();
}
