/*
 * crypto_lib.h - OpenSSL's libcrypto, loaded when first needed (store/dl.h).
 *
 * Include this instead of <openssl/evp.h>: it declares libcrypto's types
 * and turns each of its functions that webauthn.c calls (a passkey's
 * P-256 key and its ES256 signature) into a call through the table
 * cn_libcrypto, filled by cn_libcrypto_load.  Nothing else in council
 * uses OpenSSL (SHA-256 is nettle's: core/sha256.h), and linked, its
 * relocations were 0.6 ms of every command's start.  `council serve`
 * loads it before anything starts, so that a libcrypto missing stops the
 * server at once, naming it; wa_key_check and wa_verify load it too (the
 * fuzz target calls them).  A function webauthn.c starts to use goes in
 * CN_LIBCRYPTO_FUNCS and gets its #define (until then the link fails).
 *
 * The load also sets OpenSSL up as council uses it, once a process:
 * without reading the system's openssl.cnf, since council asks for
 * nothing but the default provider's P-256 and SHA-256, and without its
 * clean-up at exit, since a process's memory goes with it.  libcurl
 * (webhooks, e-mail) uses the same libcrypto: whichever initialises it
 * first sets it up, and either way serves council.
 */
#ifndef CN_SERVER_CRYPTO_LIB_H
#define CN_SERVER_CRYPTO_LIB_H

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "../core/err.h"

#define CN_LIBCRYPTO_FUNCS(X)                                              \
	X(EVP_DigestVerifyFinal) X(EVP_DigestVerifyInit)                   \
	X(EVP_DigestVerifyUpdate) X(EVP_MD_CTX_free) X(EVP_MD_CTX_new)     \
	X(EVP_PKEY_CTX_free) X(EVP_PKEY_CTX_new_from_name)                 \
	X(EVP_PKEY_CTX_new_from_pkey) X(EVP_PKEY_free) X(EVP_PKEY_fromdata) \
	X(EVP_PKEY_fromdata_init) X(EVP_PKEY_public_check) X(EVP_sha256)   \
	X(OPENSSL_init_crypto) X(OSSL_PARAM_construct_end)                 \
	X(OSSL_PARAM_construct_octet_string)                               \
	X(OSSL_PARAM_construct_utf8_string)

struct cn_libcrypto {
#define CN_LIBCRYPTO_SLOT(f) __typeof__(f) *f;
	CN_LIBCRYPTO_FUNCS(CN_LIBCRYPTO_SLOT)
#undef CN_LIBCRYPTO_SLOT
};

extern struct cn_libcrypto cn_libcrypto;

/* Load libcrypto and set OpenSSL up, once per process (later calls
 * return the first outcome).  0, or CN_EIO saying which library or
 * function is missing, or that OpenSSL would not initialise. */
int cn_libcrypto_load(struct cn_err *err);

#ifndef CN_LIBCRYPTO_TABLE /* crypto_lib.c names the real functions */
#define EVP_DigestVerifyFinal (cn_libcrypto.EVP_DigestVerifyFinal)
#define EVP_DigestVerifyInit (cn_libcrypto.EVP_DigestVerifyInit)
#define EVP_DigestVerifyUpdate (cn_libcrypto.EVP_DigestVerifyUpdate)
#define EVP_MD_CTX_free (cn_libcrypto.EVP_MD_CTX_free)
#define EVP_MD_CTX_new (cn_libcrypto.EVP_MD_CTX_new)
#define EVP_PKEY_CTX_free (cn_libcrypto.EVP_PKEY_CTX_free)
#define EVP_PKEY_CTX_new_from_name (cn_libcrypto.EVP_PKEY_CTX_new_from_name)
#define EVP_PKEY_CTX_new_from_pkey (cn_libcrypto.EVP_PKEY_CTX_new_from_pkey)
#define EVP_PKEY_free (cn_libcrypto.EVP_PKEY_free)
#define EVP_PKEY_fromdata (cn_libcrypto.EVP_PKEY_fromdata)
#define EVP_PKEY_fromdata_init (cn_libcrypto.EVP_PKEY_fromdata_init)
#define EVP_PKEY_public_check (cn_libcrypto.EVP_PKEY_public_check)
#define EVP_sha256 (cn_libcrypto.EVP_sha256)
#define OPENSSL_init_crypto (cn_libcrypto.OPENSSL_init_crypto)
#define OSSL_PARAM_construct_end (cn_libcrypto.OSSL_PARAM_construct_end)
#define OSSL_PARAM_construct_octet_string (cn_libcrypto.OSSL_PARAM_construct_octet_string)
#define OSSL_PARAM_construct_utf8_string (cn_libcrypto.OSSL_PARAM_construct_utf8_string)
#endif

#endif
