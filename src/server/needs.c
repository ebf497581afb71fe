/* needs.c - each token's need of a standby; see needs.h. */
#include "needs.h"

#include <string.h>

void needs_init(struct needs *n)
{
	memset(n, 0, sizeof(*n));
	pthread_mutex_init(&n->mu, NULL);
}

void needs_destroy(struct needs *n)
{
	pthread_mutex_destroy(&n->mu);
}

/* Token ids are sequential: a multiplicative hash spreads them. */
static unsigned slot_of(int64_t token)
{
	uint64_t h = (uint64_t)token * 0x9E3779B97F4A7C15u;
	return (unsigned)(h >> 32) % NEEDS_SLOTS;
}

int64_t needs_of(struct needs *n, int64_t token)
{
	unsigned i = slot_of(token);
	int64_t need;

	pthread_mutex_lock(&n->mu);
	need = n->slots[i].used && n->slots[i].token == token
		       ? n->slots[i].version
		       : n->evicted;
	pthread_mutex_unlock(&n->mu);
	return need;
}

void needs_raise(struct needs *n, int64_t token, int64_t version)
{
	unsigned i = slot_of(token);

	pthread_mutex_lock(&n->mu);
	if (n->slots[i].used && n->slots[i].token != token) {
		/* Pushed out: whoever is not in the table needs this too. */
		if (n->slots[i].version > n->evicted)
			n->evicted = n->slots[i].version;
		n->slots[i].used = 0;
	}
	if (!n->slots[i].used) {
		/* It may have been pushed out before: start from that. */
		n->slots[i].used = 1;
		n->slots[i].token = token;
		n->slots[i].version = n->evicted;
	}
	if (version > n->slots[i].version)
		n->slots[i].version = version;
	pthread_mutex_unlock(&n->mu);
}
