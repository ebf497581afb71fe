/* challenge.c - see challenge.h. */
#include "challenge.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct challenges {
	pthread_mutex_t lock;
	struct challenge slot[CHALLENGES];  /* kind 0: free */
};

struct challenges *challenges_new(void)
{
	struct challenges *t = calloc(1, sizeof(*t));

	if (t && pthread_mutex_init(&t->lock, NULL)) {
		free(t);
		return NULL;
	}
	return t;
}

void challenges_free(struct challenges *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	sodium_memzero(t->slot, sizeof(t->slot));
	free(t);
}

void challenge_put(struct challenges *t, struct challenge *c)
{
	size_t best = 0;

	randombytes_buf(c->bytes, sizeof(c->bytes));
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < CHALLENGES; i++) {
		const struct challenge *s = &t->slot[i];
		if (!s->kind || s->expires <= c->made) {
			best = i;
			break;
		}
		if (s->made < t->slot[best].made)
			best = i;
	}
	t->slot[best] = *c;
	pthread_mutex_unlock(&t->lock);
}

int challenge_take(struct challenges *t, const uint8_t bytes[WA_CHALLENGE_LEN],
		   enum challenge_kind kind, int64_t session, int64_t now,
		   struct challenge *out)
{
	int rc = -1;

	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < CHALLENGES; i++) {
		struct challenge *s = &t->slot[i];
		if (s->kind != kind || s->session != session ||
		    sodium_memcmp(s->bytes, bytes, WA_CHALLENGE_LEN))
			continue;
		*out = *s;
		rc = now < s->expires ? 0 : -2;
		memset(s, 0, sizeof(*s));
		break;
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}
