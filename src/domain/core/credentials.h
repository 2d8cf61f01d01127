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

/* Seals len bytes of plain of any size into *ret_sealed ("v1:" +
 * base64url, malloc'd, caller frees): for what is too large for
 * credentials_seal (an import's temporary passwords). */
enum result credentials_seal_blob(const char *plain, size_t len, char **ret_sealed);

/* Opens what credentials_seal_blob made into *ret_plain (malloc'd,
 * NUL-terminated, *ret_len bytes; the caller wipes and frees it).
 * RESULT_INVALID when it was not sealed with this key. */
enum result credentials_unseal_blob(const char *sealed, char **ret_plain, size_t *ret_len);

/* Opens a sealed value into ret_plain (size bytes). RESULT_INVALID when it
 * was not sealed with this key. */
enum result credentials_unseal(const char *sealed, char *ret_plain, size_t size);

/* A sealed value decoded from its stored text, still sealed (nonce ||
 * box): what a cache may keep, opened for each use at the cost of the
 * cipher alone. */
#define CREDENTIALS_BOX_MAX (24 + 16 + 128)
struct credentials_box {
        size_t len;                      /* 0: not a sealed value */
        unsigned char bytes[CREDENTIALS_BOX_MAX];
};

/* Decodes sealed ("v1:..." as credentials_seal() makes it) into *ret;
 * RESULT_INVALID (ret->len 0) when it is not such a value. */
enum result credentials_box_of(const char *sealed, struct credentials_box *ret);

/* credentials_unseal() of a decoded box. */
enum result credentials_box_open(const struct credentials_box *box, char *ret_plain, size_t size);

/* len random characters from an alphabet without look-alikes (no 0/O,
 * 1/l/I), NUL-terminated: ret must hold len + 1 bytes. */
void credentials_random_password(char *ret, size_t len);

/* digits random decimal digits, NUL-terminated. */
void credentials_random_digits(char *ret, size_t digits);

/* argon2id hash of a password chosen by a person, in libsodium's string
 * format, into ret (STORE_TEXT_MAX bytes). */
enum result credentials_hash_password(const char *password, char ret[STORE_TEXT_MAX]);

/* A fresh sealed SIP secret (24 characters) and sealed 6-digit voicemail
 * PIN for one extension; fits store_secret_fn. */
enum result credentials_new_extension_secret(void *userdata, const char *extension,
                                             char ret_secret[STORE_TEXT_MAX],
                                             char ret_pin[STORE_TEXT_MAX]);

/* A bearer token: "ad_" + 43 base64url characters (32 random bytes). */
#define CREDENTIALS_TOKEN_LEN 46
void credentials_new_token(char ret[CREDENTIALS_TOKEN_LEN + 1]);

/* A link token (set-password and reset links): 43 base64url characters
 * of 32 random bytes, no prefix (it travels in a URL fragment). */
#define CREDENTIALS_LINK_TOKEN_LEN 43
void credentials_new_link_token(char ret[CREDENTIALS_LINK_TOKEN_LEN + 1]);

/* Keyed hash (HMAC-SHA256 under the key) of a high-entropy secret, as 64
 * hex characters: how tokens are looked up without being stored. */
void credentials_keyed_hash(const char *secret, char ret[65]);

/* A random temporary password (CREDENTIALS_TEMP_PASSWORD_LEN characters)
 * into ret, and its stored form ("hmac$" + keyed hash) into ret_hash: it
 * is random, so a fast keyed hash suffices where a person's password needs
 * argon2id. */
#define CREDENTIALS_TEMP_PASSWORD_LEN 16
enum result credentials_new_temporary_password(char ret[CREDENTIALS_TEMP_PASSWORD_LEN + 1],
                                               char ret_hash[STORE_TEXT_MAX]);

/* Checks password against a stored hash of either form. With hash NULL
 * (no such user) it spends the time of an argon2id check and fails, so
 * that unknown and known emails take about as long. */
bool credentials_check_password(const char *hash, const char *password);

/* The argon2id checks credentials_check_password has made in this process
 * (the dummy one for an unknown email included): /metrics shows them, so a
 * test sees that an unknown email costs the same work as a wrong password
 * without timing either. */
uint64_t credentials_argon2id_checks(void);

/* Whether a and b are equal, in time independent of where they differ
 * (compared as keyed hashes, so lengths leak nothing either). */
bool credentials_equal(const char *a, const char *b);

/* What credentials_equal() compares: a hash of s. */
#define CREDENTIALS_DIGEST_BYTES 32
void credentials_digest(const char *s, unsigned char ret[CREDENTIALS_DIGEST_BYTES]);

/* credentials_equal(a, b) where digest is credentials_digest(b): for a
 * value compared again and again, hashed once. */
bool credentials_equal_digest(const char *a, const unsigned char digest[CREDENTIALS_DIGEST_BYTES]);

#define CREDENTIALS_SIP_SECRET_LEN 24
#define CREDENTIALS_PIN_DIGITS 6

#endif
