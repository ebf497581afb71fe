/* crypto_lib.c - libcrypto, loaded when first needed; see crypto_lib.h. */
#define CN_LIBCRYPTO_TABLE
#include "crypto_lib.h"

#include <pthread.h>

#include "../store/dl.h"

/* The table's own load; cn_libcrypto_load adds the set-up. */
static int load_table(struct cn_err *err);
CN_DL_DEFINE(cn_libcrypto, cn_libcrypto, CN_LIBCRYPTO_FUNCS, load_table,
	     "libcrypto.so.3", "libssl3")

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int setup_ok; /* written once, under `once` */

static void setup(void)
{
	/* OpenSSL runs its set-up once, with the flags of the first call. */
	setup_ok = cn_libcrypto.OPENSSL_init_crypto(
			   OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT,
			   NULL) == 1;
}

int cn_libcrypto_load(struct cn_err *err)
{
	int rc = load_table(err);

	if (rc)
		return rc;
	pthread_once(&once, setup);
	return setup_ok ? 0
			: cn_err_set(err, CN_EIO, "libcrypto.so.3: OpenSSL "
				     "would not initialise");
}
