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

/* Token ids are sequential: Fibonacci hashing (the top bits of the
 * product) spreads them evenly. */
static unsigned slot_of(int64_t token)
{
	uint64_t h = (uint64_t)token * 0x9E3779B97F4A7C15u;
	return (unsigned)(h >> (64 - NEEDS_BITS));
}

/* token's slot among the NEEDS_WAYS from its own, or -1. */
static int find(const struct needs *n, int64_t token)
{
	unsigned i = slot_of(token);
	for (int k = 0; k < NEEDS_WAYS; k++) {
		unsigned j = (i + (unsigned)k) % NEEDS_SLOTS;
		if (n->slots[j].used && n->slots[j].token == token)
			return (int)j;
	}
	return -1;
}

int64_t needs_of(struct needs *n, int64_t token)
{
	int64_t need;
	int i;

	pthread_mutex_lock(&n->mu);
	i = find(n, token);
	need = i >= 0 ? n->slots[i].version : n->evicted;
	pthread_mutex_unlock(&n->mu);
	return need;
}

void needs_raise(struct needs *n, int64_t token, int64_t version)
{
	int i;

	pthread_mutex_lock(&n->mu);
	if ((i = find(n, token)) < 0) {
		/* A free slot among its ways, else the one that needs least,
		 * pushed out: whoever is not in the table needs that too (so
		 * pushing out the least raises the floor the least). */
		unsigned base = slot_of(token);
		for (int k = 0; k < NEEDS_WAYS; k++) {
			unsigned j = (base + (unsigned)k) % NEEDS_SLOTS;
			if (!n->slots[j].used) {
				i = (int)j;
				break;
			}
			if (i < 0 || n->slots[j].version < n->slots[i].version)
				i = (int)j;
		}
		if (n->slots[i].used && n->slots[i].version > n->evicted)
			n->evicted = n->slots[i].version;
		/* It may have been pushed out before: start from that. */
		n->slots[i].used = 1;
		n->slots[i].token = token;
		n->slots[i].version = n->evicted;
	}
	if (version > n->slots[i].version)
		n->slots[i].version = version;
	pthread_mutex_unlock(&n->mu);
}
