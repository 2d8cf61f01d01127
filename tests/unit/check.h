/*
 * The smallest test harness: CHECK macros that count failures and report
 * file:line, and CHECK_DONE() that prints the tally and gives the exit code.
 */
#ifndef AGENTDESK_TESTS_CHECK_H
#define AGENTDESK_TESTS_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int check_count, check_failures;

#define CHECK(cond)                                                                   \
        do {                                                                          \
                check_count++;                                                        \
                if (!(cond)) {                                                        \
                        check_failures++;                                             \
                        fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,        \
                                __LINE__, #cond);                                     \
                }                                                                     \
        } while (0)

#define CHECK_INT_EQ(a, b)                                                            \
        do {                                                                          \
                long long check_a_ = (long long)(a), check_b_ = (long long)(b);       \
                check_count++;                                                        \
                if (check_a_ != check_b_) {                                           \
                        check_failures++;                                             \
                        fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n",     \
                                __FILE__, __LINE__, #a, #b, check_a_, check_b_);      \
                }                                                                     \
        } while (0)

#define CHECK_STR_EQ(a, b)                                                            \
        do {                                                                          \
                const char *check_a_ = (a), *check_b_ = (b);                          \
                check_count++;                                                        \
                if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {     \
                        check_failures++;                                             \
                        fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", \
                                __FILE__, __LINE__, #a, #b,                           \
                                check_a_ ? check_a_ : "(null)",                       \
                                check_b_ ? check_b_ : "(null)");                      \
                }                                                                     \
        } while (0)

#define CHECK_DONE()                                                                  \
        (printf("%s: %d checks, %d failed\n", __FILE__, check_count, check_failures), \
         check_failures ? 1 : 0)

#endif
