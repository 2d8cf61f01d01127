/*
 * TLS checks at start (RFC 8446 through GnuTLS, which libmicrohttpd is
 * built with): the certificate and key are handed to MHD as PEM text;
 * http_tls_check() loads them first into GnuTLS itself, the same library
 * MHD will give them to, so that a bad file is named at start rather than
 * showing up as a failed handshake.
 */
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <string.h>

#include "http/internal.h"

bool http_tls_supported(void)
{
        return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES;
}

enum result http_tls_check(const char *cert_pem, const char *key_pem, const char **ret_reason)
{
        gnutls_certificate_credentials_t cred = NULL;
        gnutls_x509_crt_t *crts = NULL;
        gnutls_x509_privkey_t key = NULL;
        gnutls_datum_t cert_text = { (unsigned char *)cert_pem, (unsigned)strlen(cert_pem) };
        gnutls_datum_t key_text = { (unsigned char *)key_pem, (unsigned)strlen(key_pem) };
        unsigned n_crts = 0;
        int rc;

        /* Parsed step by step: gnutls_certificate_set_x509_key_mem() leaks
         * its certificate when the PEM does not decode (GnuTLS 3.7.9). */
        *ret_reason = NULL;
        rc = gnutls_x509_crt_list_import2(&crts, &n_crts, &cert_text, GNUTLS_X509_FMT_PEM, 0);
        if (rc >= 0)
                rc = gnutls_x509_privkey_init(&key);
        if (rc >= 0)
                rc = gnutls_x509_privkey_import2(key, &key_text, GNUTLS_X509_FMT_PEM, NULL, 0);
        if (rc >= 0)
                rc = gnutls_certificate_allocate_credentials(&cred);
        if (rc >= 0)
                /* Also checks that the key is the certificate's. */
                rc = gnutls_certificate_set_x509_key(cred, crts, n_crts, key);
        if (cred)
                gnutls_certificate_free_credentials(cred);
        if (key)
                gnutls_x509_privkey_deinit(key);
        for (unsigned i = 0; i < n_crts; i++)
                gnutls_x509_crt_deinit(crts[i]);
        gnutls_free(crts);
        if (rc < 0) {
                *ret_reason = gnutls_strerror(rc);
                return RESULT_INVALID;
        }
        return RESULT_OK;
}
