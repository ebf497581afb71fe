/*
 * analysis_bdd.c - ROBDDs of games: the unique table, apply, threshold
 * constraints by intervals, minimal sets, duals; see analysis_bdd.h.
 */
#include "analysis_bdd.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define NEG_INF INT64_MIN
#define POS_INF INT64_MAX

static uint64_t mix(uint64_t h)
{
	/* The finaliser of MurmurHash3: spreads nearby keys apart. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

static uint64_t node_hash(uint32_t var, uint32_t lo, uint32_t hi)
{
	return mix((uint64_t)var << 48 ^ (uint64_t)lo << 24 ^ hi ^
		   (uint64_t)hi << 40);
}

static uint32_t fail(struct cn_bdd *b, int code)
{
	if (!b->failure)
		b->failure = code;
	return CN_BDD_NONE;
}

static int table_grow(struct cn_bdd *b)
{
	size_t cap = b->tcap ? 2 * b->tcap : 1024;
	uint32_t *t = malloc(cap * sizeof(*t));

	if (!t)
		return -1;
	memset(t, 0xff, cap * sizeof(*t));
	for (size_t k = 2; k < b->nnodes; k++) {
		const struct cn_bdd_node *n = &b->nodes[k];
		size_t i = node_hash(n->var, n->lo, n->hi) & (cap - 1);
		while (t[i] != CN_BDD_NONE)
			i = (i + 1) & (cap - 1);
		t[i] = (uint32_t)k;
	}
	free(b->table);
	b->table = t;
	b->tcap = cap;
	return 0;
}

int cn_bdd_init(struct cn_bdd *b, size_t nvars, size_t max_nodes)
{
	memset(b, 0, sizeof(*b));
	b->nvars = nvars;
	b->max_nodes = max_nodes < 2 ? 2 : max_nodes;
	/* Ids below 2^31 keep the apply cache's keys unique. */
	if (b->max_nodes > ((size_t)1 << 31))
		b->max_nodes = (size_t)1 << 31;
	b->cap = 1024;
	b->nodes = malloc(b->cap * sizeof(*b->nodes));
	if (!b->nodes)
		return CN_ENOMEM;
	b->nodes[CN_BDD_FALSE] = (struct cn_bdd_node){(uint32_t)nvars, 0, 0};
	b->nodes[CN_BDD_TRUE] = (struct cn_bdd_node){(uint32_t)nvars, 1, 1};
	b->nnodes = 2;
	if (table_grow(b)) {
		cn_bdd_release(b);
		return CN_ENOMEM;
	}
	return 0;
}

void cn_bdd_release(struct cn_bdd *b)
{
	free(b->nodes);
	free(b->table);
	free(b->ckey);
	free(b->cval);
	memset(b, 0, sizeof(*b));
}

uint32_t cn_bdd_mk(struct cn_bdd *b, uint32_t var, uint32_t lo, uint32_t hi)
{
	size_t i;

	if (lo == CN_BDD_NONE || hi == CN_BDD_NONE || b->failure)
		return fail(b, b->failure ? b->failure : CN_ENOMEM);
	if (lo == hi)
		return lo;
	assert(var < b->nodes[lo].var && var < b->nodes[hi].var);
	for (i = node_hash(var, lo, hi) & (b->tcap - 1);
	     b->table[i] != CN_BDD_NONE; i = (i + 1) & (b->tcap - 1)) {
		const struct cn_bdd_node *n = &b->nodes[b->table[i]];
		if (n->var == var && n->lo == lo && n->hi == hi)
			return b->table[i];
	}
	if (b->nnodes >= b->max_nodes)
		return fail(b, CN_EREFUSED);
	if (b->nnodes == b->cap) {
		struct cn_bdd_node *nn =
			realloc(b->nodes, 2 * b->cap * sizeof(*nn));
		if (!nn)
			return fail(b, CN_ENOMEM);
		b->nodes = nn;
		b->cap *= 2;
	}
	uint32_t k = (uint32_t)b->nnodes++;
	b->nodes[k] = (struct cn_bdd_node){var, lo, hi};
	/* Keep the table at most half full. */
	if (2 * b->nnodes > b->tcap) {
		if (table_grow(b))
			return fail(b, CN_ENOMEM);
	} else {
		b->table[i] = k;
	}
	return k;
}

/* ---- apply ------------------------------------------------------------- */

/* The apply cache: open addressing on (op, u, v), at most half full. */
static uint32_t cache_get(const struct cn_bdd *b, uint64_t key)
{
	if (!b->ccap)
		return CN_BDD_NONE;
	for (size_t i = mix(key) & (b->ccap - 1); b->ckey[i] != UINT64_MAX;
	     i = (i + 1) & (b->ccap - 1))
		if (b->ckey[i] == key)
			return b->cval[i];
	return CN_BDD_NONE;
}

static void cache_insert(uint64_t *keys, uint32_t *vals, size_t cap,
			 uint64_t key, uint32_t val)
{
	size_t i = mix(key) & (cap - 1);

	while (keys[i] != UINT64_MAX)
		i = (i + 1) & (cap - 1);
	keys[i] = key;
	vals[i] = val;
}

static int cache_put(struct cn_bdd *b, uint64_t key, uint32_t val)
{
	if (2 * (b->cused + 1) > b->ccap) {
		size_t cap = b->ccap ? 2 * b->ccap : 4096;
		uint64_t *k = malloc(cap * sizeof(*k));
		uint32_t *v = malloc(cap * sizeof(*v));
		if (!k || !v) {
			free(k);
			free(v);
			return -1;
		}
		memset(k, 0xff, cap * sizeof(*k));
		for (size_t i = 0; i < b->ccap; i++)
			if (b->ckey[i] != UINT64_MAX)
				cache_insert(k, v, cap, b->ckey[i], b->cval[i]);
		free(b->ckey);
		free(b->cval);
		b->ckey = k;
		b->cval = v;
		b->ccap = cap;
	}
	cache_insert(b->ckey, b->cval, b->ccap, key, val);
	b->cused++;
	return 0;
}

static int is_terminal(uint32_t u)
{
	return u <= CN_BDD_TRUE;
}

static uint32_t apply_rec(struct cn_bdd *b, enum cn_bdd_op op, uint32_t u,
			  uint32_t v)
{
	switch (op) {
	case CN_BDD_AND:
		if (u == CN_BDD_FALSE || v == CN_BDD_FALSE)
			return CN_BDD_FALSE;
		if (u == CN_BDD_TRUE || u == v)
			return v;
		if (v == CN_BDD_TRUE)
			return u;
		break;
	case CN_BDD_OR:
		if (u == CN_BDD_TRUE || v == CN_BDD_TRUE)
			return CN_BDD_TRUE;
		if (u == CN_BDD_FALSE || u == v)
			return v;
		if (v == CN_BDD_FALSE)
			return u;
		break;
	case CN_BDD_ANDNOT:
		if (u == CN_BDD_FALSE || v == CN_BDD_TRUE || u == v)
			return CN_BDD_FALSE;
		if (v == CN_BDD_FALSE)
			return u;
		if (is_terminal(u) && is_terminal(v))
			return (uint32_t)(u == CN_BDD_TRUE && v == CN_BDD_FALSE);
		break;
	}
	/* Node ids stay below 2^31 (cn_bdd_init), so the key is unique. */
	uint64_t key = (uint64_t)op << 62 | (uint64_t)u << 31 | v;
	uint32_t r = cache_get(b, key);
	if (r != CN_BDD_NONE)
		return r;
	const struct cn_bdd_node nu = b->nodes[u], nv = b->nodes[v];
	uint32_t var = nu.var < nv.var ? nu.var : nv.var;
	uint32_t u0 = nu.var == var ? nu.lo : u, u1 = nu.var == var ? nu.hi : u;
	uint32_t v0 = nv.var == var ? nv.lo : v, v1 = nv.var == var ? nv.hi : v;
	uint32_t lo = apply_rec(b, op, u0, v0);
	uint32_t hi = lo == CN_BDD_NONE ? CN_BDD_NONE : apply_rec(b, op, u1, v1);
	r = cn_bdd_mk(b, var, lo, hi);
	if (r != CN_BDD_NONE && cache_put(b, key, r))
		return fail(b, CN_ENOMEM);
	return r;
}

uint32_t cn_bdd_apply(struct cn_bdd *b, enum cn_bdd_op op, uint32_t u,
		      uint32_t v)
{
	if (u == CN_BDD_NONE || v == CN_BDD_NONE || b->failure)
		return fail(b, b->failure ? b->failure : CN_ENOMEM);
	return apply_rec(b, op, u, v);
}

/* ---- implication, without building ------------------------------------ */

/* The cache's fourth operation: (u <= v) as 0 or 1, under the key of op 3,
 * which no enum cn_bdd_op uses. */
#define LEQ_OP 3u

static int leq_rec(struct cn_bdd *b, uint32_t u, uint32_t v)
{
	if (u == CN_BDD_FALSE || v == CN_BDD_TRUE || u == v)
		return 1;
	/* A reduced non-terminal is neither constant. */
	if (u == CN_BDD_TRUE || v == CN_BDD_FALSE)
		return 0;
	uint64_t key = (uint64_t)LEQ_OP << 62 | (uint64_t)u << 31 | v;
	uint32_t r = cache_get(b, key);
	if (r != CN_BDD_NONE)
		return (int)r;
	const struct cn_bdd_node nu = b->nodes[u], nv = b->nodes[v];
	uint32_t var = nu.var < nv.var ? nu.var : nv.var;
	uint32_t u0 = nu.var == var ? nu.lo : u, u1 = nu.var == var ? nu.hi : u;
	uint32_t v0 = nv.var == var ? nv.lo : v, v1 = nv.var == var ? nv.hi : v;
	int lo = leq_rec(b, u0, v0);
	int res = lo < 0 ? lo : lo ? leq_rec(b, u1, v1) : 0;
	if (res >= 0 && cache_put(b, key, (uint32_t)res)) {
		fail(b, CN_ENOMEM);
		return -1;
	}
	return res;
}

int cn_bdd_leq(struct cn_bdd *b, uint32_t u, uint32_t v)
{
	if (u == CN_BDD_NONE || v == CN_BDD_NONE || b->failure) {
		fail(b, b->failure ? b->failure : CN_ENOMEM);
		return -1;
	}
	return leq_rec(b, u, v);
}

/* ---- threshold constraints by intervals -------------------------------- */

/* One interval [a, b] of remaining thresholds at a level that all give
 * the same subfunction, `node`; a treap node (key a, heap on prio). */
struct iv {
	int64_t a, b;
	uint32_t node;
	uint32_t left, right;   /* 0: none (slot 0 is never used) */
	uint32_t prio;
};

struct thresh {
	struct cn_bdd *b;
	const int64_t *d;
	int64_t *minrest, *maxrest; /* sums of the negative / positive d_k, k >= l */
	uint32_t *root;             /* per level */
	struct iv *iv;
	size_t niv, cap;
};

struct built {
	uint32_t node;
	int64_t a, b;
};

static int64_t shift(int64_t bound, int64_t d)
{
	return bound == NEG_INF || bound == POS_INF ? bound : bound + d;
}

static uint32_t rot_right(struct iv *v, uint32_t t)
{
	uint32_t l = v[t].left;

	v[t].left = v[l].right;
	v[l].right = t;
	return l;
}

static uint32_t rot_left(struct iv *v, uint32_t t)
{
	uint32_t r = v[t].right;

	v[t].right = v[r].left;
	v[r].left = t;
	return r;
}

static uint32_t treap_insert(struct iv *v, uint32_t t, uint32_t k)
{
	if (!t)
		return k;
	if (v[k].a < v[t].a) {
		v[t].left = treap_insert(v, v[t].left, k);
		if (v[v[t].left].prio > v[t].prio)
			t = rot_right(v, t);
	} else {
		v[t].right = treap_insert(v, v[t].right, k);
		if (v[v[t].right].prio > v[t].prio)
			t = rot_left(v, t);
	}
	return t;
}

static int remember(struct thresh *th, size_t level, struct built x)
{
	if (th->niv == th->cap) {
		size_t cap = th->cap ? 2 * th->cap : 1024;
		struct iv *v = realloc(th->iv, cap * sizeof(*v));
		if (!v)
			return -1;
		th->iv = v;
		th->cap = cap;
	}
	uint32_t k = (uint32_t)th->niv++;
	th->iv[k] = (struct iv){x.a, x.b, x.node, 0, 0,
				(uint32_t)mix(k)};
	th->root[level] = treap_insert(th->iv, th->root[level], k);
	return 0;
}

static struct built build(struct thresh *th, size_t level, int64_t r)
{
	struct built lo, hi, x;

	if (r <= th->minrest[level])
		return (struct built){CN_BDD_TRUE, NEG_INF, th->minrest[level]};
	if (r > th->maxrest[level])
		return (struct built){CN_BDD_FALSE, th->maxrest[level] + 1,
				      POS_INF};
	for (uint32_t t = th->root[level]; t;) {
		const struct iv *v = &th->iv[t];
		if (r < v->a)
			t = v->left;
		else if (r > v->b)
			t = v->right;
		else
			return (struct built){v->node, v->a, v->b};
	}
	int64_t d = th->d[level];
	lo = build(th, level + 1, r);
	if (lo.node == CN_BDD_NONE)
		return lo;
	hi = build(th, level + 1, r - d);
	if (hi.node == CN_BDD_NONE)
		return hi;
	/* The thresholds r' that give both the same 0-branch (r' in [lo.a,
	 * lo.b]) and the same 1-branch (r' - d in [hi.a, hi.b]). */
	x.a = lo.a > shift(hi.a, d) ? lo.a : shift(hi.a, d);
	x.b = lo.b < shift(hi.b, d) ? lo.b : shift(hi.b, d);
	assert(x.a <= r && r <= x.b);
	x.node = cn_bdd_mk(th->b, (uint32_t)level, lo.node, hi.node);
	if (x.node != CN_BDD_NONE && remember(th, level, x))
		x.node = fail(th->b, CN_ENOMEM);
	return x;
}

uint32_t cn_bdd_threshold(struct cn_bdd *b, const int64_t *d, int64_t t)
{
	size_t n = b->nvars;
	struct thresh th = {.b = b, .d = d};
	uint32_t r = CN_BDD_NONE;

	if (b->failure)
		return CN_BDD_NONE;
	th.minrest = calloc(n + 1, sizeof(*th.minrest));
	th.maxrest = calloc(n + 1, sizeof(*th.maxrest));
	th.root = calloc(n + 1, sizeof(*th.root));
	/* Slot 0 of the treap pool stands for "no child". */
	th.cap = 1024;
	th.iv = calloc(th.cap, sizeof(*th.iv));
	th.niv = 1;
	if (!th.minrest || !th.maxrest || !th.root || !th.iv) {
		r = fail(b, CN_ENOMEM);
		goto done;
	}
	for (size_t l = n; l-- > 0;) {
		th.minrest[l] = th.minrest[l + 1] + (d[l] < 0 ? d[l] : 0);
		th.maxrest[l] = th.maxrest[l + 1] + (d[l] > 0 ? d[l] : 0);
	}
	r = build(&th, 0, t).node;
done:
	free(th.minrest);
	free(th.maxrest);
	free(th.root);
	free(th.iv);
	return r;
}

/* ---- games ------------------------------------------------------------- */

static uint32_t game_node(struct cn_bdd *b, const struct cn_game *g,
			  const size_t *order, int64_t *dl, size_t k)
{
	const struct cn_game_node *node = &g->nodes[k];
	uint32_t r;

	switch (node->kind) {
	case CN_GAME_FALSE:
		return CN_BDD_FALSE;
	case CN_GAME_TRUE:
		return CN_BDD_TRUE;
	case CN_GAME_ATOM:
		for (size_t l = 0; l < g->n; l++)
			dl[l] = g->atoms[node->atom].d[order[l]];
		return cn_bdd_threshold(b, dl, g->atoms[node->atom].t);
	case CN_GAME_AND:
	case CN_GAME_OR:
		r = game_node(b, g, order, dl, node->kids[0]);
		for (size_t i = 1; i < node->nkids && r != CN_BDD_NONE; i++)
			r = cn_bdd_apply(b, node->kind == CN_GAME_AND ? CN_BDD_AND
								       : CN_BDD_OR,
					 r, game_node(b, g, order, dl,
						      node->kids[i]));
		return r;
	}
	return fail(b, CN_ENOMEM);
}

uint32_t cn_bdd_game(struct cn_bdd *b, const struct cn_game *g,
		     const size_t *order)
{
	int64_t *dl = malloc((g->n ? g->n : 1) * sizeof(*dl));
	uint32_t r;

	assert(g->n == b->nvars);
	if (!dl)
		return fail(b, CN_ENOMEM);
	r = game_node(b, g, order, dl, g->root);
	free(dl);
	return r;
}

/* ---- unary operations, memoised by node ------------------------------- */

struct unary {
	struct cn_bdd *b;
	uint32_t *memo;             /* by node id, for the nodes that existed */
	size_t nmemo;
};

static int unary_init(struct unary *un, struct cn_bdd *b)
{
	un->b = b;
	un->nmemo = b->nnodes;
	un->memo = malloc(un->nmemo * sizeof(*un->memo));
	if (!un->memo)
		return -1;
	memset(un->memo, 0xff, un->nmemo * sizeof(*un->memo));
	return 0;
}

static uint32_t dual_rec(struct unary *un, uint32_t u)
{
	if (is_terminal(u))
		return u == CN_BDD_TRUE ? CN_BDD_FALSE : CN_BDD_TRUE;
	if (un->memo[u] != CN_BDD_NONE)
		return un->memo[u];
	const struct cn_bdd_node n = un->b->nodes[u];
	uint32_t lo = dual_rec(un, n.hi);
	uint32_t hi = dual_rec(un, n.lo);
	return un->memo[u] = cn_bdd_mk(un->b, n.var, lo, hi);
}


static uint32_t upward_rec(struct unary *un, uint32_t u)
{
	if (is_terminal(u))
		return u;
	if (un->memo[u] != CN_BDD_NONE)
		return un->memo[u];
	const struct cn_bdd_node n = un->b->nodes[u];
	uint32_t lo = upward_rec(un, n.lo);
	uint32_t hi = cn_bdd_apply(un->b, CN_BDD_OR, lo, upward_rec(un, n.hi));
	return un->memo[u] = cn_bdd_mk(un->b, n.var, lo, hi);
}

/* Run one memoised unary operation from u. */
static uint32_t unary(struct cn_bdd *b, uint32_t u,
		      uint32_t (*rec)(struct unary *, uint32_t))
{
	struct unary un;
	uint32_t r;

	if (u == CN_BDD_NONE || b->failure)
		return fail(b, b->failure ? b->failure : CN_ENOMEM);
	if (unary_init(&un, b))
		return fail(b, CN_ENOMEM);
	r = rec(&un, u);
	free(un.memo);
	return r;
}

uint32_t cn_bdd_dual(struct cn_bdd *b, uint32_t u)
{
	return unary(b, u, dual_rec);
}

uint32_t cn_bdd_upward(struct cn_bdd *b, uint32_t u)
{
	return unary(b, u, upward_rec);
}

int cn_bdd_eval(const struct cn_bdd *b, uint32_t u, const unsigned char *x)
{
	while (!is_terminal(u))
		u = x[b->nodes[u].var] ? b->nodes[u].hi : b->nodes[u].lo;
	return u == CN_BDD_TRUE;
}
