/* Credentials; see credentials.h. */
#include "domain/core/credentials.h"
#include "util/wipe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * The keys, as the key file lists them: keys[0] the current one (it seals
 * and keys every new hash), the others older ones that still open what
 * they sealed and verify what they keyed. Replaced whole when the file
 * changes (refresh()), under keys_lock; readers copy what they need.
 */
struct key {
        int id;
        unsigned char bytes[crypto_secretbox_KEYBYTES];
};

static struct key keys[CREDENTIALS_MAX_KEYS];
static size_t n_keys;
static pthread_rwlock_t keys_lock = PTHREAD_RWLOCK_INITIALIZER;
static char key_path[PATH_MAX];
static struct stat key_stat;            /* of the file keys[] came from */
static atomic_int_fast64_t next_check_ms; /* refresh(false) stats the file at most this often */

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

/* The keys of a key file's text: lines "ID HEX", or one bare "HEX" (a
 * file from before key ids: its key is id 1); blank and '#' lines
 * skipped. RESULT_INVALID unless it holds 1..CREDENTIALS_MAX_KEYS keys
 * of distinct ids. */
static enum result parse_keys(char *text, struct key ret[CREDENTIALS_MAX_KEYS], size_t *ret_n)
{
        size_t n = 0, bin_len;
        char *save = NULL;

        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *hex = line, *end;
                long id = 1;

                line += strspn(line, " \t\r");
                if (!*line || *line == '#')
                        continue;
                if (n == CREDENTIALS_MAX_KEYS)
                        return RESULT_INVALID;
                if (strchr(line, ' ')) {
                        errno = 0;
                        id = strtol(line, &end, 10);
                        if (errno || end == line || *end != ' ' || id < 1 || id > 1000000)
                                return RESULT_INVALID;
                        hex = end + strspn(end, " ");
                } else {
                        hex = line;
                }
                for (size_t i = 0; i < n; i++)
                        if (ret[i].id == id)
                                return RESULT_INVALID;
                if (sodium_hex2bin(ret[n].bytes, sizeof(ret[n].bytes), hex, strlen(hex), " \r\t",
                                   &bin_len, NULL) != 0 ||
                    bin_len != sizeof(ret[n].bytes))
                        return RESULT_INVALID;
                ret[n++].id = (int)id;
        }
        if (!n)
                return RESULT_INVALID;
        *ret_n = n;
        return RESULT_OK;
}

/* Reads the key file into keys[]. */
static enum result load_keys(const char *path)
{
        struct key fresh[CREDENTIALS_MAX_KEYS];
        char buf[4096];
        size_t n, n_fresh = 0;
        struct stat st;
        enum result result;
        FILE *f;

        f = fopen(path, "re");
        if (!f)
                return RESULT_IO;
        if (fstat(fileno(f), &st) != 0) {
                fclose(f);
                return RESULT_IO;
        }
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        result = parse_keys(buf, fresh, &n_fresh);
        if (!result) {
                pthread_rwlock_wrlock(&keys_lock);
                memcpy(keys, fresh, sizeof(fresh[0]) * n_fresh);
                n_keys = n_fresh;
                key_stat = st;
                pthread_rwlock_unlock(&keys_lock);
        }
        wipe_memory(buf, sizeof(buf));
        wipe_memory(fresh, sizeof(fresh));
        return result;
}

static int64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads the key file again when it changed (another process ran `key
 * rotate`): at most once a second unless forced (a sealed value names a
 * key not loaded). A file that cannot be read keeps the keys loaded. */
static void refresh(bool force)
{
        struct stat st;
        bool changed;
        int64_t now = now_ms();

        if (!key_path[0] || (!force && now < atomic_load(&next_check_ms)))
                return;
        atomic_store(&next_check_ms, now + 1000);
        if (stat(key_path, &st) != 0)
                return;
        pthread_rwlock_rdlock(&keys_lock);
        changed = st.st_ino != key_stat.st_ino || st.st_size != key_stat.st_size ||
                  st.st_mtim.tv_sec != key_stat.st_mtim.tv_sec ||
                  st.st_mtim.tv_nsec != key_stat.st_mtim.tv_nsec;
        pthread_rwlock_unlock(&keys_lock);
        if (changed)
                (void)load_keys(key_path);
}

enum result credentials_init(const char *path, bool create)
{
        enum result result;

        if (sodium_init() < 0)
                return RESULT_NOMEM;
        if (access(path, F_OK) != 0) {
                if (!create)
                        return RESULT_IO;
                result = write_new_key(path);
                if (result)
                        return result;
        }
        result = load_keys(path);
        if (!result && strlen(path) < sizeof(key_path))
                memcpy(key_path, path, strlen(path) + 1);
        return result;
}

bool credentials_key_loaded(void)
{
        bool loaded;

        pthread_rwlock_rdlock(&keys_lock);
        loaded = n_keys > 0;
        pthread_rwlock_unlock(&keys_lock);
        return loaded;
}

int credentials_key_id(void)
{
        int id;

        refresh(false);
        pthread_rwlock_rdlock(&keys_lock);
        id = n_keys ? keys[0].id : 0;
        pthread_rwlock_unlock(&keys_lock);
        return id;
}

/* A copy of key #index of keys[] (0: the current one) into *ret, or of the
 * key of id when index < 0; false when there is none. */
static bool key_copy(int index, int id, struct key *ret)
{
        bool found = false;

        pthread_rwlock_rdlock(&keys_lock);
        for (size_t i = 0; i < n_keys && !found; i++)
                if ((index >= 0 && (size_t)index == i) || (index < 0 && keys[i].id == id)) {
                        *ret = keys[i];
                        found = true;
                }
        pthread_rwlock_unlock(&keys_lock);
        return found;
}

enum result credentials_key_rotate(int *ret_id)
{
        struct key old[CREDENTIALS_MAX_KEYS], fresh;
        char text[CREDENTIALS_MAX_KEYS * 80 + 256], tmp[PATH_MAX + 16], hex[65];
        size_t n = 0, len;
        enum result result = RESULT_OK;
        int fd;

        if (!key_path[0])
                return RESULT_INVALID;
        result = load_keys(key_path);       /* what the file holds now */
        if (result)
                return result;
        pthread_rwlock_rdlock(&keys_lock);
        n = n_keys < CREDENTIALS_MAX_KEYS ? n_keys : CREDENTIALS_MAX_KEYS - 1;
        memcpy(old, keys, sizeof(old[0]) * n);
        pthread_rwlock_unlock(&keys_lock);
        fresh.id = 0;
        for (size_t i = 0; i < n; i++)
                if (old[i].id > fresh.id)
                        fresh.id = old[i].id;
        fresh.id++;
        crypto_secretbox_keygen(fresh.bytes);
        len = (size_t)snprintf(text, sizeof(text),
                               "# agentdesk key file: the first key seals and keys all that is new;\n"
                               "# the others still open and verify what they made (drop a line once\n"
                               "# nothing of its key is left: agentdesk doctor says)\n");
        for (size_t i = 0; i <= n; i++) {
                const struct key *k = i == 0 ? &fresh : &old[i - 1];
                sodium_bin2hex(hex, sizeof(hex), k->bytes, sizeof(k->bytes));
                len += (size_t)snprintf(text + len, sizeof(text) - len, "%d %s\n", k->id, hex);
        }
        snprintf(tmp, sizeof(tmp), "%s.XXXXXX", key_path);
        fd = mkstemp(tmp);                  /* mode 0600 */
        if (fd < 0) {
                result = RESULT_IO;
                goto out;
        }
        if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0 || rename(tmp, key_path) != 0) {
                result = RESULT_IO;
                unlink(tmp);
        }
        close(fd);
        if (!result)
                result = load_keys(key_path);
        if (!result)
                *ret_id = fresh.id;
out:
        wipe_memory(old, sizeof(old));
        wipe_memory(&fresh, sizeof(fresh));
        wipe_memory(text, sizeof(text));
        wipe_memory(hex, sizeof(hex));
        return result;
}

/* The text head of a value sealed under key id ("v1:" or "v2:ID:") into
 * ret (24 bytes); returns its length. */
static size_t sealed_head(int id, char ret[24])
{
        return id == 1 ? (size_t)snprintf(ret, 24, "v1:") : (size_t)snprintf(ret, 24, "v2:%d:", id);
}

enum result credentials_seal(const char *plain, char ret[STORE_TEXT_MAX])
{
        unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 128];
        size_t len = strlen(plain), head;
        enum result result = RESULT_OK;
        struct key k;

        refresh(true);            /* a stat: seals are few, and must use the newest key */
        if (!key_copy(0, 0, &k))
                return RESULT_INVALID;
        if (len > 128) {
                result = RESULT_TOO_BIG;
                goto out;
        }
        randombytes_buf(box, crypto_secretbox_NONCEBYTES);
        crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, len,
                              box, k.bytes);
        /* Key 1 (a file from before key ids) keeps the old form, which
         * older binaries read. */
        head = sealed_head(k.id, ret);
        if (!sodium_bin2base64(ret + head, STORE_TEXT_MAX - head, box,
                               crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len,
                               sodium_base64_VARIANT_URLSAFE_NO_PADDING))
                result = RESULT_TOO_BIG;
out:
        wipe_memory(box, sizeof(box));
        wipe_memory(&k, sizeof(k));
        return result;
}

enum result credentials_seal_text(const char *plain, char **ret)
{
        size_t len = strlen(plain), box_len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
        size_t b64_len = sodium_base64_encoded_len(box_len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        unsigned char *box = malloc(box_len);
        char head[24], *out = NULL;
        enum result result = RESULT_OK;
        size_t n;
        struct key k;

        refresh(true);
        if (!key_copy(0, 0, &k)) {
                free(box);
                return RESULT_INVALID;
        }
        n = sealed_head(k.id, head);
        out = malloc(n + b64_len);
        if (!box || !out) {
                result = RESULT_NOMEM;
                goto out;
        }
        randombytes_buf(box, crypto_secretbox_NONCEBYTES);
        crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, len,
                              box, k.bytes);
        memcpy(out, head, n);
        sodium_bin2base64(out + n, b64_len, box, box_len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        *ret = out;
        out = NULL;
out:
        if (box)
                wipe_memory(box, box_len);
        free(box);
        free(out);
        wipe_memory(&k, sizeof(k));
        return result;
}

enum result credentials_unseal_text(const char *sealed, char **ret)
{
        int id = credentials_sealed_key_id(sealed);
        const char *b64 = id == 1 ? sealed + 3 : id ? strchr(sealed + 3, ':') + 1 : NULL;
        size_t cap, len = 0;
        unsigned char *box;
        char *plain = NULL;
        enum result result = RESULT_INVALID;
        struct key k;

        if (!b64)
                return RESULT_INVALID;
        cap = strlen(b64) * 3 / 4 + 3;
        box = malloc(cap);
        if (!box)
                return RESULT_NOMEM;
        if (sodium_base642bin(box, cap, b64, strlen(b64), NULL, &len, NULL,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
            len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
                goto out;
        if (!key_copy(-1, id, &k)) {
                refresh(true);
                if (!key_copy(-1, id, &k))
                        goto out;
        }
        plain = malloc(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES + 1);
        if (!plain) {
                result = RESULT_NOMEM;
        } else if (crypto_secretbox_open_easy((unsigned char *)plain,
                                              box + crypto_secretbox_NONCEBYTES,
                                              len - crypto_secretbox_NONCEBYTES, box, k.bytes) == 0) {
                plain[len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES] = '\0';
                *ret = plain;
                plain = NULL;
                result = RESULT_OK;
        }
        wipe_memory(&k, sizeof(k));
out:
        free(plain);
        wipe_memory(box, cap);
        free(box);
        return result;
}


_Static_assert(CREDENTIALS_BOX_MAX == crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 128,
               "a box holds what credentials_seal() seals");

enum result credentials_box_of(const char *sealed, struct credentials_box *ret)
{
        size_t len = 0;
        const char *b64;
        int id = credentials_sealed_key_id(sealed);

        b64 = id ? strchr(sealed + 3, ':') : NULL;
        b64 = id == 1 ? sealed + 3 : b64 ? b64 + 1 : NULL;
        if (!b64 ||
            sodium_base642bin(ret->bytes, sizeof(ret->bytes), b64, strlen(b64), NULL, &len, NULL,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
            len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
                ret->len = 0;
                return RESULT_INVALID;
        }
        ret->len = len;
        ret->key_id = id;
        return RESULT_OK;
}

enum result credentials_box_open(const struct credentials_box *box, char *ret_plain, size_t size)
{
        size_t len;
        struct key k;
        bool opened;

        if (box->len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
                return RESULT_INVALID;
        len = box->len - crypto_secretbox_NONCEBYTES;
        if (len - crypto_secretbox_MACBYTES >= size)
                return RESULT_INVALID;
        if (!key_copy(-1, box->key_id, &k)) {
                refresh(true);            /* sealed under a key rotated in since */
                if (!key_copy(-1, box->key_id, &k))
                        return RESULT_INVALID;
        }
        opened = crypto_secretbox_open_easy((unsigned char *)ret_plain,
                                            box->bytes + crypto_secretbox_NONCEBYTES, len,
                                            box->bytes, k.bytes) == 0;
        wipe_memory(&k, sizeof(k));
        if (!opened)
                return RESULT_INVALID;
        ret_plain[len - crypto_secretbox_MACBYTES] = '\0';
        return RESULT_OK;
}

enum result credentials_unseal(const char *sealed, char *ret_plain, size_t size)
{
        struct credentials_box box;
        enum result result;

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

void credentials_pkce_challenge(const char *verifier, char ret[CREDENTIALS_LINK_TOKEN_LEN + 1])
{
        unsigned char digest[crypto_hash_sha256_BYTES];

        crypto_hash_sha256(digest, (const unsigned char *)verifier, strlen(verifier));
        sodium_bin2base64(ret, CREDENTIALS_LINK_TOKEN_LEN + 1, digest, sizeof(digest),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void credentials_new_webhook_secret(char ret[CREDENTIALS_WEBHOOK_SECRET_LEN + 1])
{
        memcpy(ret, "whsec_", 6);
        credentials_new_link_token(ret + 6);
}

void credentials_hmac_sha256_hex(const char *key, const char *msg, size_t len, char ret[65])
{
        crypto_auth_hmacsha256_state st;
        unsigned char mac[crypto_auth_hmacsha256_BYTES];

        crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
        crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, len);
        crypto_auth_hmacsha256_final(&st, mac);
        sodium_bin2hex(ret, 65, mac, sizeof(mac));
        sodium_memzero(&st, sizeof(st));
}

int credentials_sealed_key_id(const char *sealed)
{
        char *end;
        long id;

        if (!strncmp(sealed, "v1:", 3))
                return 1;
        if (strncmp(sealed, "v2:", 3) != 0)
                return 0;
        errno = 0;
        id = strtol(sealed + 3, &end, 10);
        return errno || end == sealed + 3 || *end != ':' || id < 1 || id > 1000000 ? 0 : (int)id;
}

bool credentials_keyed_hash_at(const char *secret, int index, char ret[65])
{
        unsigned char mac[crypto_auth_hmacsha256_BYTES];
        struct key k;

        _Static_assert(crypto_auth_hmacsha256_KEYBYTES == sizeof(k.bytes), "key size");
        if (index == 0)
                refresh(false);
        if (!key_copy(index, 0, &k))
                return false;
        crypto_auth_hmacsha256(mac, (const unsigned char *)secret, strlen(secret), k.bytes);
        sodium_bin2hex(ret, 65, mac, sizeof(mac));
        wipe_memory(&k, sizeof(k));
        return true;
}

void credentials_keyed_hash(const char *secret, char ret[65])
{
        /* No key loaded is a programmer's mistake (every command that
         * hashes opens the key first): the hash of nothing matches none. */
        if (!credentials_keyed_hash_at(secret, 0, ret))
                memset(ret, '0', 64), ret[64] = '\0';
}

#define TEMP_PREFIX "hmac$"

enum result credentials_new_temporary_password(char ret[CREDENTIALS_TEMP_PASSWORD_LEN + 1],
                                               char ret_hash[STORE_TEXT_MAX])
{
        if (!credentials_key_id())
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
                bool same = false;
                if (strlen(hash + plen) != 64)
                        return false;
                /* Under the current key, or an older one until it is dropped. */
                for (int i = 0; !same && credentials_keyed_hash_at(password, i, mine); i++)
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

void credentials_digest_hex(const char *data, size_t len, char ret[65])
{
        unsigned char d[crypto_generichash_BYTES];

        crypto_generichash(d, sizeof(d), (const unsigned char *)data, len, NULL, 0);
        sodium_bin2hex(ret, 65, d, sizeof(d));
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
