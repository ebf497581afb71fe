/* hook.c - see hook.h. */
#include "hook.h"

#include <assert.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "event_type.h"

void cn_hook_signature(const char *secret, int64_t t, const void *body,
		       size_t len, char out[CN_HOOK_SIG_LEN])
{
	crypto_auth_hmacsha256_state st;
	uint8_t mac[crypto_auth_hmacsha256_BYTES];
	char ts[24], hex[2 * sizeof(mac) + 1];
	int n = snprintf(ts, sizeof(ts), "%" PRId64, t);

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret,
				    strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (size_t)n);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	snprintf(out, CN_HOOK_SIG_LEN, "t=%s,v1=%s", ts, hex);
}

int64_t cn_hook_backoff(int64_t attempts, int64_t limit, uint32_t jitter)
{
	int64_t step = CN_HOOK_BACKOFF_BASE;

	assert(limit >= 1 && limit <= CN_HOOK_ATTEMPTS_MAX);
	if (attempts < 1 || attempts >= limit)
		return 0;
	for (int64_t i = 1; i < attempts && step < CN_HOOK_BACKOFF_CAP; i++)
		step *= 2;
	if (step > CN_HOOK_BACKOFF_CAP)
		step = CN_HOOK_BACKOFF_CAP;
	/* Half fixed, half jittered; at least one second. */
	int64_t wait = step / 2 + (int64_t)(((uint64_t)(step - step / 2) *
					     jitter) >> 32);
	return wait > 0 ? wait : 1;
}

static const char *local4(const uint8_t *a)
{
	if (a[0] == 127)
		return "a loopback address";
	if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
	    (a[0] == 192 && a[1] == 168))
		return "a private address";
	if (a[0] == 169 && a[1] == 254)
		return "a link-local address";
	if (a[0] == 0)
		return "an unspecified address";
	if (a[0] == 100 && (a[1] & 0xc0) == 64)
		return "a carrier-grade NAT address";
	if (a[0] >= 224)
		return "a multicast or reserved address";
	return NULL;
}

const char *cn_hook_addr_local(int family, const uint8_t *addr)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					   0xff, 0xff};
	static const uint8_t zero[16];

	if (family == 4)
		return local4(addr);
	if (!memcmp(addr, mapped, 12))
		return local4(addr + 12);
	if (!memcmp(addr, zero, 15))
		return addr[15] == 1 ? "a loopback address"
				     : "an unspecified address";
	if ((addr[0] & 0xfe) == 0xfc)
		return "a unique-local address";
	if (addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80)
		return "a link-local address";
	if (addr[0] == 0xff)
		return "a multicast address";
	return NULL;
}

/* The next name of a filter at *p: its length, *p moved past it and its
 * comma. */
static size_t next_type(const char **p, const char **name)
{
	size_t n = strcspn(*p, ",");

	*name = *p;
	*p += n + ((*p)[n] == ',');
	return n;
}

int cn_hook_types_check(const char *types, struct cn_err *err)
{
	const char *p = types, *name, *q, *other;
	char buf[64];
	size_t n;

	while (*p) {
		if (!(n = next_type(&p, &name)) || n >= sizeof(buf))
			return cn_err_set(err, CN_EINVAL, "an event type is "
					  "empty or too long");
		memcpy(buf, name, n);
		buf[n] = '\0';
		if (!cn_event_type_find(buf))
			return cn_err_set(err, CN_EINVAL, "'%s' is no event type",
					  buf);
		for (q = types; q < name;)
			if (next_type(&q, &other) == n && !memcmp(other, buf, n))
				return cn_err_set(err, CN_EINVAL,
						  "'%s' is given twice", buf);
		if (!*p && p[-1] == ',')
			return cn_err_set(err, CN_EINVAL, "an event type is "
					  "empty or too long");
	}
	return 0;
}

int cn_hook_types_match(const char *types, const char *type)
{
	const char *p = types, *name;
	size_t len = strlen(type), n;

	if (!*types)
		return 1;
	while (*p)
		if ((n = next_type(&p, &name)) == len && !memcmp(name, type, n))
			return 1;
	return 0;
}
