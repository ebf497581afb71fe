/*
 * passkeys.c - people's passkeys above the backends (store/passkeys.h):
 * the checks every backend would otherwise repeat, then the backend's
 * operation.  What a credential proves is decided above the store
 * (server/webauthn.c, server/api_passkeys.c).
 */
#include "internal.h"

#include <assert.h>
#include <string.h>

#include "../core/timeutil.h"

int cn_store_passkey_add(struct cn_store *st, const struct cn_passkey *k,
			 int64_t now, int64_t *id, struct cn_err *err)
{
	char t[CN_TIME_BUF];
	struct cn_passkey old;
	int rc;

	assert(k->person > 0 && k->cred_len > 0 &&
	       k->cred_len <= CN_PASSKEY_CRED_MAX && k->pub[0] == 0x04);
	rc = st->ops->passkey_find(st->b, k->cred, k->cred_len, &old, err);
	if (rc == 0)
		return cn_err_set(err, CN_EREFUSED, "this passkey is registered"
				  " already");
	if (rc != CN_ENOTFOUND)
		return rc;
	return st->ops->passkey_add(st->b, k, cn_time_format(now, t), id, err);
}

int cn_store_passkeys(struct cn_store *st, int64_t person, cn_passkey_fn fn,
		      void *ctx, struct cn_err *err)
{
	assert(person > 0);
	return st->ops->passkeys(st->b, person, fn, ctx, err);
}

int cn_store_passkey_find(struct cn_store *st, const uint8_t *cred,
			  size_t len, struct cn_passkey *k, struct cn_err *err)
{
	memset(k, 0, sizeof(*k));
	if (len == 0 || len > CN_PASSKEY_CRED_MAX)
		return cn_err_set(err, CN_ENOTFOUND, "no such passkey");
	return st->ops->passkey_find(st->b, cred, len, k, err);
}

int cn_store_passkey_used(struct cn_store *st, int64_t id, int64_t count,
			  int64_t now, struct cn_err *err)
{
	char t[CN_TIME_BUF];

	assert(count >= 0 && count <= UINT32_MAX);
	return st->ops->passkey_used(st->b, id, count, cn_time_format(now, t),
				     err);
}

int cn_store_passkey_remove(struct cn_store *st, int64_t person, int64_t id,
			    struct cn_err *err)
{
	return st->ops->passkey_remove(st->b, person, id, err);
}
