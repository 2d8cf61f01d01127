/*
 * The password policy: the one check of a password that a person chooses
 * (change-password, set-password, `agentdesk user create`), after NIST SP 800-63B §5.1.1.2 — a length, and none of the
 * passwords attackers try first: the commonly used and breached ones of a
 * public list (common-passwords.txt, compiled in; its header names its
 * source and licence), one of them followed by digits or symbols, one
 * character repeated, a run of consecutive characters, or the email.
 * Random passwords (temporary, SIP) are not people's choices and are not
 * checked here.
 */
#ifndef AGENTDESK_DOMAIN_IDENTITY_PASSWORDS_H
#define AGENTDESK_DOMAIN_IDENTITY_PASSWORDS_H

#include <stdbool.h>

#define USER_PASSWORD_MIN 10
#define USER_PASSWORD_MAX 256

/*
 * Whether password is acceptable: USER_PASSWORD_MIN to USER_PASSWORD_MAX
 * bytes of UTF-8; not, ignoring case, the email
 * (may be NULL), an entry of the list, or an entry of at least 4
 * characters followed by digits and symbols only ("password123!"); not one
 * character repeated ("          "); not a run whose characters each step
 * one up or one down ("abcdefghij", "1234567890", "9876543210": digits
 * wrap around).
 */
bool password_acceptable(const char *password, const char *email);

/* Entries of the list (for tests and doctor-like reports). */
unsigned password_list_size(void);

#endif
