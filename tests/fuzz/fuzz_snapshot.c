/* fuzz_snapshot.c - libFuzzer target for the snapshot decoder
 * (core/snapshot.h): any bytes either fail with CN_ECORRUPT (or
 * CN_ENOMEM) or decode to a world whose snapshot is the input itself.
 * The digest at the end would hide everything behind it from the fuzzer,
 * so each input is taken with its digest made to fit first.
 *
 * The paged decode too (cn_snapshot_decode_paged, with a pager in memory
 * here): it skims concluded proposals to hand their bytes over, so it may
 * accept what the whole decode refuses (checked when brought back), but
 * never the reverse; every proposal it handed over is decoded back (no
 * crash, whatever the bytes), and when the whole decode accepts the
 * input, each comes back and the paged world encodes to the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/snapshot.h"
#include "core/world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct mem_pager {
	const uint8_t *at[64];
	size_t len[64];
	const struct cn_world *w;
};

static int mem_keep(void *ctx, int64_t id, const uint8_t *b, size_t n)
{
	struct mem_pager *m = ctx;

	if (id < 1 || id > 64)
		return 1; /* kept in memory instead */
	m->at[id - 1] = b; /* the input outlives the world */
	m->len[id - 1] = n;
	return 0;
}

static int mem_bytes(void *ctx, int64_t id, const uint8_t **b, size_t *n)
{
	struct mem_pager *m = ctx;

	if (id < 1 || id > 64 || !m->at[id - 1])
		return CN_ENOTFOUND;
	*b = m->at[id - 1];
	*n = m->len[id - 1];
	return 0;
}

static int mem_load(void *ctx, int64_t id, struct cn_proposal **out)
{
	struct mem_pager *m = ctx;
	struct cn_err err;
	const uint8_t *b;
	size_t n;

	*out = NULL;
	if (mem_bytes(ctx, id, &b, &n))
		return CN_ENOTFOUND;
	return cn_snapshot_proposal_decode(b, n, m->w, id, out, &err);
}

/* The paged decode of in[0..len); whole: whether the whole decode took
 * it. */
static void paged(const uint8_t *in, size_t len, int whole)
{
	struct mem_pager m = {0};
	struct cn_world_pager hook = {mem_load, mem_bytes, mem_keep, &m, NULL};
	struct cn_err err;
	struct cn_world w;
	uint8_t *out = NULL;
	size_t n;

	if (cn_snapshot_decode_paged(in, len, &hook, &w, &err)) {
		if (whole || (err.code != CN_ECORRUPT && err.code != CN_ENOMEM))
			abort();
		return;
	}
	m.w = &w;
	for (size_t i = 0; i < w.nproposals; i++) {
		struct cn_proposal *tmp;
		const struct cn_proposal *p;
		json_t *effects = NULL;
		char body[16];
		/* The peek a registry change makes (projection.c) first. */
		if (i < 64 && !w.proposals[i] && m.at[i] &&
		    cn_snapshot_proposal_peek(m.at[i], m.len[i], (int64_t)i + 1,
					      body, &effects, &err) && whole)
			abort();
		json_decref(effects);
		p = cn_world_proposal_at(&w, i, &tmp);
		if (whole && !p)
			abort();
		cn_proposal_free(tmp);
	}
	if (whole && (cn_snapshot_encode(&w, &out, &n, &err) ||
		      n != len || memcmp(out, in, len)))
		abort();
	free(out);
	cn_world_release(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cn_err err;
	struct cn_world w;
	uint8_t *in = malloc(size + CN_HASH_LEN), *out = NULL;
	size_t len;

	if (!in)
		return 0;
	memcpy(in, data, size);
	cn_sha256(in, size, in + size);
	if (cn_snapshot_decode(in, size + CN_HASH_LEN, &w, &err)) {
		if (err.code != CN_ECORRUPT && err.code != CN_ENOMEM)
			abort();
		paged(in, size + CN_HASH_LEN, 0);
		free(in);
		return 0;
	}
	paged(in, size + CN_HASH_LEN, 1);
	if (cn_snapshot_encode(&w, &out, &len, &err) == 0 &&
	    (len != size + CN_HASH_LEN || memcmp(out, in, len)))
		abort();
	free(out);
	cn_world_release(&w);
	free(in);
	return 0;
}
