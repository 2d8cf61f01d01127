/* Credentials; see credentials.h. */
#include "domain/core/credentials.h"
#include "util/wipe.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned char secret_key[crypto_secretbox_KEYBYTES];
static bool have_key;

static const char alphabet[] = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

static enum result write_new_key(const char *path)
{
        unsigned char key[crypto_secretbox_KEYBYTES];
        char hex[crypto_secretbox_KEYBYTES * 2 + 2];
        enum result result = RESULT_OK;
        int fd;

        crypto_secretbox_keygen(key);
        sodium_bin2hex(hex, sizeof(hex) - 1, key, sizeof(key));
        strcat(hex, "\n");
        /* O_EXCL: two processes starting at once never overwrite each
         * other's key; the loser reads the winner's. */
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
                result = errno == EEXIST ? RESULT_OK : RESULT_IO;
                goto out;
        }
        if (write(fd, hex, strlen(hex)) != (ssize_t)strlen(hex) || fsync(fd) != 0) {
                result = RESULT_IO;
                unlink(path);
        }
        close(fd);
out:
        wipe_memory(key, sizeof(key));
        wipe_memory(hex, sizeof(hex));
        return result;
}

enum result credentials_init(const char *path, bool create)
{
        char buf[256];
        size_t n, bin_len = 0;
        enum result result = RESULT_OK;
        FILE *f;

        if (sodium_init() < 0)
                return RESULT_NOMEM;
        if (access(path, F_OK) != 0) {
                if (!create)
                        return RESULT_IO;
                result = write_new_key(path);
                if (result)
                        return result;
        }
        f = fopen(path, "re");
        if (!f)
                return RESULT_IO;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        if (sodium_hex2bin(secret_key, sizeof(secret_key), buf, n, " \r\n", &bin_len, NULL) != 0 ||
            bin_len != sizeof(secret_key))
                result = RESULT_INVALID;
        else
                have_key = true;
        wipe_memory(buf, sizeof(buf));
        return result;
}

enum result credentials_seal(const char *plain, char ret[STORE_TEXT_MAX])
{
        unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 128];
        size_t len = strlen(plain);
        enum result result = RESULT_OK;

        if (!have_key)
                return RESULT_INVALID;
        if (len > 128)
                return RESULT_TOO_BIG;
        randombytes_buf(box, crypto_secretbox_NONCEBYTES);
        crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, len,
                              box, secret_key);
        memcpy(ret, "v1:", 3);
        if (!sodium_bin2base64(ret + 3, STORE_TEXT_MAX - 3, box,
                               crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len,
                               sodium_base64_VARIANT_URLSAFE_NO_PADDING))
                result = RESULT_TOO_BIG;
        wipe_memory(box, sizeof(box));
        return result;
}

enum result credentials_seal_blob(const char *plain, size_t len, char **ret_sealed)
{
        size_t n = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
        size_t text = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        unsigned char *box;
        char *out;

        if (!have_key)
                return RESULT_INVALID;
        box = malloc(n);
        out = malloc(3 + text);
        if (!box || !out) {
                free(box);
                free(out);
                return RESULT_NOMEM;
        }
        randombytes_buf(box, crypto_secretbox_NONCEBYTES);
        crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, len,
                              box, secret_key);
        memcpy(out, "v1:", 3);
        sodium_bin2base64(out + 3, text, box, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        free(box);                       /* only ciphertext: nothing to wipe */
        *ret_sealed = out;
        return RESULT_OK;
}

enum result credentials_unseal_blob(const char *sealed, char **ret_plain, size_t *ret_len)
{
        size_t text, n = 0, len;
        unsigned char *box;
        char *plain;

        if (!have_key || strncmp(sealed, "v1:", 3) != 0)
                return RESULT_INVALID;
        text = strlen(sealed + 3);
        box = malloc(text + 1);
        if (!box)
                return RESULT_NOMEM;
        if (sodium_base642bin(box, text + 1, sealed + 3, text, NULL, &n, NULL,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
            n < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
                free(box);
                return RESULT_INVALID;
        }
        len = n - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
        plain = malloc(len + 1);
        if (!plain || crypto_secretbox_open_easy((unsigned char *)plain,
                                                 box + crypto_secretbox_NONCEBYTES,
                                                 n - crypto_secretbox_NONCEBYTES, box,
                                                 secret_key) != 0) {
                free(box);
                free(plain);
                return plain ? RESULT_INVALID : RESULT_NOMEM;
        }
        free(box);
        plain[len] = '\0';
        *ret_plain = plain;
        *ret_len = len;
        return RESULT_OK;
}

_Static_assert(CREDENTIALS_BOX_MAX == crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 128,
               "a box holds what credentials_seal() seals");

enum result credentials_box_of(const char *sealed, struct credentials_box *ret)
{
        size_t len = 0;

        if (strncmp(sealed, "v1:", 3) != 0 ||
            sodium_base642bin(ret->bytes, sizeof(ret->bytes), sealed + 3, strlen(sealed + 3), NULL,
                              &len, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
            len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
                ret->len = 0;
                return RESULT_INVALID;
        }
        ret->len = len;
        return RESULT_OK;
}

enum result credentials_box_open(const struct credentials_box *box, char *ret_plain, size_t size)
{
        size_t len;

        if (!have_key || box->len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
                return RESULT_INVALID;
        len = box->len - crypto_secretbox_NONCEBYTES;
        if (len - crypto_secretbox_MACBYTES >= size)
                return RESULT_INVALID;
        if (crypto_secretbox_open_easy((unsigned char *)ret_plain,
                                       box->bytes + crypto_secretbox_NONCEBYTES, len, box->bytes,
                                       secret_key) != 0)
                return RESULT_INVALID;
        ret_plain[len - crypto_secretbox_MACBYTES] = '\0';
        return RESULT_OK;
}

enum result credentials_unseal(const char *sealed, char *ret_plain, size_t size)
{
        struct credentials_box box;
        enum result result;

        if (!have_key)
                return RESULT_INVALID;
        result = credentials_box_of(sealed, &box);
        if (!result)
                result = credentials_box_open(&box, ret_plain, size);
        return result;
}

void credentials_random_password(char *ret, size_t len)
{
        for (size_t i = 0; i < len; i++)
                ret[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
        ret[len] = '\0';
}

void credentials_random_digits(char *ret, size_t digits)
{
        for (size_t i = 0; i < digits; i++)
                ret[i] = (char)('0' + randombytes_uniform(10));
        ret[digits] = '\0';
}

enum result credentials_hash_password(const char *password, char ret[STORE_TEXT_MAX])
{
        _Static_assert(crypto_pwhash_STRBYTES <= STORE_TEXT_MAX, "hash fits the store");
        if (crypto_pwhash_str_alg(ret, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                  crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
                return RESULT_NOMEM;
        return RESULT_OK;
}

void credentials_new_token(char ret[CREDENTIALS_TOKEN_LEN + 1])
{
        unsigned char raw[32];

        randombytes_buf(raw, sizeof(raw));
        memcpy(ret, "ad_", 3);
        sodium_bin2base64(ret + 3, CREDENTIALS_TOKEN_LEN - 2, raw, sizeof(raw),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        wipe_memory(raw, sizeof(raw));
}

void credentials_new_link_token(char ret[CREDENTIALS_LINK_TOKEN_LEN + 1])
{
        unsigned char raw[32];

        randombytes_buf(raw, sizeof(raw));
        sodium_bin2base64(ret, CREDENTIALS_LINK_TOKEN_LEN + 1, raw, sizeof(raw),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        sodium_memzero(raw, sizeof(raw));
}

void credentials_keyed_hash(const char *secret, char ret[65])
{
        unsigned char mac[crypto_auth_hmacsha256_BYTES];

        _Static_assert(crypto_auth_hmacsha256_KEYBYTES == sizeof(secret_key), "key size");
        crypto_auth_hmacsha256(mac, (const unsigned char *)secret, strlen(secret), secret_key);
        sodium_bin2hex(ret, 65, mac, sizeof(mac));
}

#define TEMP_PREFIX "hmac$"

enum result credentials_new_temporary_password(char ret[CREDENTIALS_TEMP_PASSWORD_LEN + 1],
                                               char ret_hash[STORE_TEXT_MAX])
{
        if (!have_key)
                return RESULT_INVALID;
        credentials_random_password(ret, CREDENTIALS_TEMP_PASSWORD_LEN);
        memcpy(ret_hash, TEMP_PREFIX, sizeof(TEMP_PREFIX) - 1);
        credentials_keyed_hash(ret, ret_hash + sizeof(TEMP_PREFIX) - 1);
        return RESULT_OK;
}

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static atomic_uint_fast64_t argon2id_checks;   /* credentials_argon2id_checks */

uint64_t credentials_argon2id_checks(void)
{
        return atomic_load(&argon2id_checks);
}

static void make_dummy_hash(void)
{
        char pw[24];

        credentials_random_password(pw, sizeof(pw) - 1);
        if (crypto_pwhash_str_alg(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                  crypto_pwhash_MEMLIMIT_INTERACTIVE,
                                  crypto_pwhash_ALG_ARGON2ID13) != 0)
                dummy_hash[0] = '\0';
}

bool credentials_check_password(const char *hash, const char *password)
{
        size_t plen = strlen(TEMP_PREFIX);

        if (!hash) {
                pthread_once(&dummy_once, make_dummy_hash);
                atomic_fetch_add(&argon2id_checks, 1);
                if (crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
                        return false; /* cannot happen: nobody knows the dummy */
                return false;
        }
        if (strncmp(hash, TEMP_PREFIX, plen) == 0) {
                char mine[65];
                bool same;
                if (strlen(hash + plen) != 64)
                        return false;
                credentials_keyed_hash(password, mine);
                same = sodium_memcmp(mine, hash + plen, 64) == 0;
                wipe_memory(mine, sizeof(mine));
                return same;
        }
        atomic_fetch_add(&argon2id_checks, 1);
        return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

enum result credentials_new_extension_secret(void *userdata, const char *extension,
                                             char ret_secret[STORE_TEXT_MAX],
                                             char ret_pin[STORE_TEXT_MAX])
{
        char secret[CREDENTIALS_SIP_SECRET_LEN + 1], pin[CREDENTIALS_PIN_DIGITS + 1];
        enum result result;

        (void)userdata;
        (void)extension;
        credentials_random_password(secret, CREDENTIALS_SIP_SECRET_LEN);
        credentials_random_digits(pin, CREDENTIALS_PIN_DIGITS);
        result = credentials_seal(secret, ret_secret);
        if (!result)
                result = credentials_seal(pin, ret_pin);
        wipe_memory(secret, sizeof(secret));
        wipe_memory(pin, sizeof(pin));
        return result;
}

_Static_assert(CREDENTIALS_DIGEST_BYTES == crypto_generichash_BYTES, "digest size");

void credentials_digest(const char *s, unsigned char ret[CREDENTIALS_DIGEST_BYTES])
{
        crypto_generichash(ret, CREDENTIALS_DIGEST_BYTES, (const unsigned char *)s, strlen(s), NULL, 0);
}

bool credentials_equal_digest(const char *a, const unsigned char digest[CREDENTIALS_DIGEST_BYTES])
{
        unsigned char ha[CREDENTIALS_DIGEST_BYTES];
        bool equal;

        credentials_digest(a, ha);
        equal = sodium_memcmp(ha, digest, sizeof(ha)) == 0;
        wipe_memory(ha, sizeof(ha));
        return equal;
}

bool credentials_equal(const char *a, const char *b)
{
        unsigned char hb[CREDENTIALS_DIGEST_BYTES];
        bool equal;

        credentials_digest(b, hb);
        equal = credentials_equal_digest(a, hb);
        wipe_memory(hb, sizeof(hb));
        return equal;
}
