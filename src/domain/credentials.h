/*
 * Credentials: the secret key, sealed SIP secrets, generated passwords and
 * PINs, and password hashes. The only part of agentdesk that includes
 * sodium.h.
 *
 * The key (32 bytes, kept as 64 hex characters in AGENTDESK_SECRET_KEY_FILE)
 * is loaded once at start by credentials_init() and is read-only after.
 * SIP secrets and voicemail PINs are stored sealed: "v1:" + base64url of
 * nonce || XSalsa20-Poly1305 box, so a copy of the database alone reveals
 * none of them.
 */
#ifndef AGENTDESK_DOMAIN_CREDENTIALS_H
#define AGENTDESK_DOMAIN_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"
#include "util/result.h"

/* Loads the key from path, creating it (mode 0600, in a new file only) when
 * absent and create is true. RESULT_IO when it cannot be read or written,
 * RESULT_INVALID when the file does not hold a key. */
enum result credentials_init(const char *path, bool create);

/* Seals plain into ret (STORE_TEXT_MAX bytes). */
enum result credentials_seal(const char *plain, char ret[STORE_TEXT_MAX]);

/* Opens a sealed value into ret_plain (size bytes). RESULT_INVALID when it
 * was not sealed with this key. */
enum result credentials_unseal(const char *sealed, char *ret_plain, size_t size);

/* len random characters from an alphabet without look-alikes (no 0/O,
 * 1/l/I), NUL-terminated: ret must hold len + 1 bytes. */
void credentials_random_password(char *ret, size_t len);

/* digits random decimal digits, NUL-terminated. */
void credentials_random_digits(char *ret, size_t digits);

/* argon2id hash of a password chosen by a person, in libsodium's string
 * format, into ret (STORE_TEXT_MAX bytes). */
enum result credentials_hash_password(const char *password, char ret[STORE_TEXT_MAX]);

/* Whether password matches the argon2id hash. */
bool credentials_verify_password(const char *hash, const char *password);

/* A fresh sealed SIP secret (24 characters) and sealed 6-digit voicemail
 * PIN for one extension; fits store_secret_fn. */
enum result credentials_new_extension_secret(void *userdata, const char *extension,
                                             char ret_secret[STORE_TEXT_MAX],
                                             char ret_pin[STORE_TEXT_MAX]);

/* Wipes a secret buffer (sodium_memzero). */
void credentials_wipe(void *buf, size_t len);

#define CREDENTIALS_SIP_SECRET_LEN 24
#define CREDENTIALS_PIN_DIGITS 6

#endif
