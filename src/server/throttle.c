/* throttle.c - see throttle.h. */
#include "throttle.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define KEYLEN 16

struct entry {
	uint8_t key[KEYLEN];
	uint32_t fails;    /* 0: a free entry */
	int64_t start;     /* the window's first failure */
};

struct throttle {
	pthread_mutex_t lock;
	unsigned limit;
	int64_t window;
	uint8_t salt[crypto_generichash_KEYBYTES];
	struct entry e[THROTTLE_SETS][THROTTLE_WAYS];
};

struct throttle *throttle_new(unsigned limit, int64_t window)
{
	struct throttle *t;

	if (sodium_init() < 0 || !(t = calloc(1, sizeof(*t))))
		return NULL;
	pthread_mutex_init(&t->lock, NULL);
	t->limit = limit ? limit : 1;
	t->window = window > 0 ? window : 1;
	randombytes_buf(t->salt, sizeof(t->salt));
	return t;
}

void throttle_free(struct throttle *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* key's hash and its set. */
static struct entry *set_of(struct throttle *t, const char *key,
			    uint8_t h[KEYLEN])
{
	uint8_t full[KEYLEN + 4];

	crypto_generichash(full, sizeof(full), (const unsigned char *)key,
			   strlen(key), t->salt, sizeof(t->salt));
	memcpy(h, full, KEYLEN);
	return t->e[(((uint32_t)full[KEYLEN] << 8) | full[KEYLEN + 1]) %
		    THROTTLE_SETS];
}

static int live(const struct throttle *t, const struct entry *e, int64_t now)
{
	return e->fails && now - e->start < t->window;
}

/* key's live entry in set s, or NULL. */
static struct entry *find(struct throttle *t, struct entry *s,
			  const uint8_t h[KEYLEN], int64_t now)
{
	for (int i = 0; i < THROTTLE_WAYS; i++)
		if (live(t, &s[i], now) && !memcmp(s[i].key, h, KEYLEN))
			return &s[i];
	return NULL;
}

int64_t throttle_wait(struct throttle *t, const char *key, int64_t now)
{
	uint8_t h[KEYLEN];
	struct entry *e;
	int64_t wait = 0;

	pthread_mutex_lock(&t->lock);
	e = find(t, set_of(t, key, h), h, now);
	if (e && e->fails >= t->limit)
		wait = e->start + t->window - now;
	pthread_mutex_unlock(&t->lock);
	return wait > 0 ? wait : 0;
}

void throttle_fail(struct throttle *t, const char *key, int64_t now)
{
	uint8_t h[KEYLEN];
	struct entry *s, *e;

	pthread_mutex_lock(&t->lock);
	s = set_of(t, key, h);
	if (!(e = find(t, s, h, now))) {
		/* A free or expired entry, else the fewest failures. */
		e = &s[0];
		for (int i = 0; i < THROTTLE_WAYS; i++) {
			if (!live(t, &s[i], now)) {
				e = &s[i];
				break;
			}
			if (s[i].fails < e->fails)
				e = &s[i];
		}
		memcpy(e->key, h, KEYLEN);
		e->fails = 0;
		e->start = now;
	}
	if (e->fails < UINT32_MAX)
		e->fails++;
	pthread_mutex_unlock(&t->lock);
}

void throttle_clear(struct throttle *t, const char *key)
{
	uint8_t h[KEYLEN];
	struct entry *s;

	pthread_mutex_lock(&t->lock);
	s = set_of(t, key, h);
	for (int i = 0; i < THROTTLE_WAYS; i++)
		if (!memcmp(s[i].key, h, KEYLEN))
			memset(&s[i], 0, sizeof(s[i]));
	pthread_mutex_unlock(&t->lock);
}
