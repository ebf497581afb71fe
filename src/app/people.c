/* people.c - see people.h. */
#include "people.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* Interactive limits: about 64 MiB and a fraction of a second a hash,
 * what libsodium advises for an online sign-in. */
#define OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

_Static_assert(crypto_pwhash_STRBYTES <= CN_PWHASH_MAX,
	       "a password hash fits its column");

int cn_person_name_check(const char *name, struct cn_err *err)
{
	size_t n = name ? strlen(name) : 0;

	if (!n || n > CN_PERSON_NAME_MAX)
		return cn_err_set(err, CN_EINVAL, "name: 1 to %d bytes",
				  CN_PERSON_NAME_MAX);
	if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		   "0123456789._-@") != n)
		return cn_err_set(err, CN_EINVAL, "name: only letters, digits and"
				  " . _ - @");
	return 0;
}

int cn_password_check(const char *pw, size_t len, struct cn_err *err)
{
	if (len < CN_PASSWORD_MIN || len > CN_PASSWORD_MAX)
		return cn_err_set(err, CN_EINVAL, "password: %d to %d bytes",
				  CN_PASSWORD_MIN, CN_PASSWORD_MAX);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f)
			return cn_err_set(err, CN_EINVAL, "password: no control"
					  " characters (a newline included)");
	return 0;
}

int cn_password_hash(const char *pw, size_t len, char out[CN_PWHASH_MAX],
		     struct cn_err *err)
{
	if (sodium_init() < 0 ||
	    crypto_pwhash_str(out, pw, len, OPS, MEM) != 0)
		return cn_err_set(err, CN_ENOMEM, "password: hashing needs %zu"
				  " MiB of memory", (size_t)(MEM >> 20));
	return 0;
}

/* The hash an unknown name is checked against (made once). */
static char dummy[crypto_pwhash_STRBYTES];
static int dummy_ok;

static void make_dummy(void)
{
	unsigned char pw[16];

	randombytes_buf(pw, sizeof(pw));
	dummy_ok = sodium_init() >= 0 &&
		   crypto_pwhash_str(dummy, (const char *)pw, sizeof(pw), OPS,
				     MEM) == 0;
}

int cn_password_verify(const char *hash, const char *pw, size_t len)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	if (!hash) {
		pthread_once(&once, make_dummy);
		/* The work a real check does, its answer thrown away. */
		if (dummy_ok && crypto_pwhash_str_verify(dummy, pw, len) == 0)
			return 0;
		return 0;
	}
	if (!memchr(hash, '\0', CN_PWHASH_MAX))
		return 0;
	return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

int cn_password_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, OPS, MEM) != 0;
}

int cn_person_make(const struct cn_world *w, const char *name,
		   const char *delegation, const char *pw, size_t len,
		   struct cn_person *out, struct cn_err *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cn_person_name_check(name, err)))
		return rc;
	snprintf(out->name, sizeof(out->name), "%s", name);
	if (!delegation)
		snprintf(out->role, sizeof(out->role), "secretariat");
	else if (cn_world_member(w, delegation))
		snprintf(out->role, sizeof(out->role), "member");
	else if (cn_world_partner(w, delegation))
		snprintf(out->role, sizeof(out->role), "partner");
	else
		return cn_err_set(err, CN_EINVAL, "delegation: '%.16s' is no"
				  " member's or partner's code", delegation);
	if (delegation)
		snprintf(out->principal, sizeof(out->principal), "%s",
			 delegation);
	if ((rc = cn_password_check(pw, len, err)))
		return rc;
	return cn_password_hash(pw, len, out->pwhash, err);
}
