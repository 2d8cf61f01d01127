/*
 * Credentials: the secret key, sealed SIP secrets, generated passwords and
 * PINs, and password hashes. The only part of agentdesk that includes
 * sodium.h.
 *
 * The keys (32 bytes each, kept as 64 hex characters in
 * AGENTDESK_SECRET_KEY_FILE) carry an id: the file holds lines "ID HEX",
 * the first the current key, the others older ones (`agentdesk key
 * rotate` puts a new one first); a file of one bare "HEX" line, as made
 * before key ids, holds key 1. credentials_init() loads it; every process
 * reads it again within a second of a change (and at once when a sealed
 * value names a key it lacks), so a rotation reaches running servers.
 *
 * SIP secrets, voicemail PINs, node passwords and mail link tokens are
 * stored sealed: "v1:" (key 1) or "v2:ID:" + base64url of nonce ||
 * XSalsa20-Poly1305 box, so a copy of the database alone reveals none of
 * them. Keyed hashes (session tokens, link tokens, event tickets,
 * temporary passwords) are made under the current key and verified under
 * every key of the file, so they outlive a rotation until they expire.
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

/* Whether credentials_init() has loaded a key (for /readyz). */
bool credentials_key_loaded(void);

/* How many keys a key file may hold. */
#define CREDENTIALS_MAX_KEYS 8

/* The current key's id; 0 when no key is loaded. */
int credentials_key_id(void);

/* The id of the key a sealed value names ("v1:…" 1, "v2:ID:…" ID); 0 when
 * it is not a sealed value. */
int credentials_sealed_key_id(const char *sealed);

/* Writes a new key, id one above the highest, first in the key file
 * (atomically: a 0600 file renamed over it), keeping the others after it
 * (the oldest dropped when the file would hold more than
 * CREDENTIALS_MAX_KEYS), and loads it. *ret_id gets its id. RESULT_IO
 * when the file cannot be written. */
enum result credentials_key_rotate(int *ret_id);

/* Seals plain into ret (STORE_TEXT_MAX bytes), under the current key. */
enum result credentials_seal(const char *plain, char ret[STORE_TEXT_MAX]);

/* Seals plain of any length into *ret (malloc'd, the caller frees), as
 * credentials_seal() does. RESULT_INVALID without a key. */
enum result credentials_seal_text(const char *plain, char **ret);

/* Opens what credentials_seal_text() (or credentials_seal()) made into
 * *ret (malloc'd: the caller wipes and frees it); RESULT_INVALID when no
 * key of the file opens it. */
enum result credentials_unseal_text(const char *sealed, char **ret);

/* Opens a sealed value into ret_plain (size bytes). RESULT_INVALID when it
 * was not sealed with this key. */
enum result credentials_unseal(const char *sealed, char *ret_plain, size_t size);

/* A sealed value decoded from its stored text, still sealed (nonce ||
 * box): what a cache may keep, opened for each use at the cost of the
 * cipher alone. */
#define CREDENTIALS_BOX_MAX (24 + 16 + 128)
struct credentials_box {
        size_t len;                      /* 0: not a sealed value */
        int key_id;                      /* the key it was sealed with */
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

/* The PKCE S256 challenge of verifier (RFC 7636 §4.2): base64url of
 * SHA-256, without padding (43 characters). */
void credentials_pkce_challenge(const char *verifier, char ret[CREDENTIALS_LINK_TOKEN_LEN + 1]);

/* Keyed hash (HMAC-SHA256 under the current key) of a high-entropy
 * secret, as 64 hex characters: how tokens are looked up without being
 * stored. */
void credentials_keyed_hash(const char *secret, char ret[65]);

/* The same under key number index of the file (0: the current one, then
 * the older ones); false, ret untouched, past the last. A lookup by hash
 * tries each in turn, so what an older key made verifies until it
 * expires. */
bool credentials_keyed_hash_at(const char *secret, int index, char ret[65]);

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

/* The digest of len bytes of data as 64 hex characters (not keyed: for
 * telling requests apart, not secrets). */
void credentials_digest_hex(const char *data, size_t len, char ret[65]);

/* credentials_equal(a, b) where digest is credentials_digest(b): for a
 * value compared again and again, hashed once. */
bool credentials_equal_digest(const char *a, const unsigned char digest[CREDENTIALS_DIGEST_BYTES]);

/* A webhook endpoint's signing secret: "whsec_" + 43 base64url
 * characters (32 random bytes). */
#define CREDENTIALS_WEBHOOK_SECRET_LEN 49
void credentials_new_webhook_secret(char ret[CREDENTIALS_WEBHOOK_SECRET_LEN + 1]);

/* HMAC-SHA256 of msg[0..len) under key (its text's bytes), as 64 lower-case
 * hex characters: the webhook signature (domain/webhooks/sender.h). */
void credentials_hmac_sha256_hex(const char *key, const char *msg, size_t len, char ret[65]);

#define CREDENTIALS_SIP_SECRET_LEN 24
#define CREDENTIALS_PIN_DIGITS 6

#endif
