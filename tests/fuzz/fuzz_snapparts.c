/* fuzz_snapparts.c - libFuzzer target for a snapshot stored in parts
 * (store/snapparts.h): the reading of a row's list of parts, and the
 * cutting of bytes into parts.
 *
 * Any bytes, read as a row: not a list (no "CNPARTS1"), a list that can
 * be followed (whose part lengths add up to the total it gives), or one
 * refused with a reason.  The same bytes, cut: the cuts rise to the end,
 * each part 1 to CN_SNAPPART_MAX bytes and at least CN_SNAPPART_MIN but
 * for the last, the same cuts a second time; and the list made of them
 * reads back as those parts, and is the list a maker makes of the same
 * bytes handed to it in pieces. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "store/snapparts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Not assert(): it must hold in any build. */
#define check(c) do { if (!(c)) abort(); } while (0)

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
	       p[3];
}

static void read_as_list(const uint8_t *data, size_t size)
{
	char why[128] = "";
	size_t n = 0, total = 0, sum = 0;
	int rc = cn_snapparts_list(data, size, &n, &total, why, sizeof(why));

	if (rc == 0) {
		check(size < CN_SNAPPARTS_MAGIC_LEN ||
		       memcmp(data, CN_SNAPPARTS_MAGIC, CN_SNAPPARTS_MAGIC_LEN));
		return;
	}
	if (rc < 0) {
		check(why[0]);
		return;
	}
	check(rc == 1 && size == CN_SNAPPARTS_MAGIC_LEN + n * CN_SNAPPART_ENTRY);
	for (size_t i = 0; i < n; i++) {
		uint32_t l = be32(data + CN_SNAPPARTS_MAGIC_LEN +
				  i * CN_SNAPPART_ENTRY + CN_HASH_LEN);
		check(l >= 1 && l <= CN_SNAPPART_MAX);
		sum += l;
	}
	check(sum == total);
}

/* The same bytes through a maker, in pieces whose sizes the bytes give
 * (1 to 64 KiB, or all that is left), told that the first part is
 * stored: the same list, and the bytes of every part but the first (and
 * of any other part equal to it) kept, in order. */
static void made_in_pieces(const uint8_t *data, size_t size,
			   const uint8_t *list, const size_t *cuts, size_t n)
{
	struct cn_snapshot_maker *mk;
	struct cn_snapshot_parts p;
	struct cn_err err = {0};
	size_t at = 0, total = 0, kept = 0;

	if (cn_snapparts_maker(n ? list + CN_SNAPPARTS_MAGIC_LEN : NULL,
			       n ? 1 : 0, 1, &mk, &err))
		return; /* out of memory */
	for (size_t i = 0; at < size; i++) {
		size_t piece = 1 + (size_t)data[i % size] * 257;

		if (piece > size - at)
			piece = size - at;
		if (cn_snapparts_maker_add(mk, data + at, piece))
			goto done;
		at += piece;
	}
	if (cn_snapparts_maker_end(mk, &p, &total, &err))
		goto done;
	check(total == size);
	check(p.listlen == CN_SNAPPARTS_MAGIC_LEN + n * CN_SNAPPART_ENTRY);
	check(!memcmp(p.list, list, p.listlen));
	for (size_t i = 0, start = 0; i < n; start = cuts[i++]) {
		const uint8_t *e = list + CN_SNAPPARTS_MAGIC_LEN +
				   i * CN_SNAPPART_ENTRY;
		int first = !memcmp(e, list + CN_SNAPPARTS_MAGIC_LEN, CN_HASH_LEN);

		check((p.at_hand[i] != 0) == !first);
		if (p.at_hand[i]) {
			check(!memcmp(p.bytes + kept, data + start,
				      cuts[i] - start));
			kept += cuts[i] - start;
		}
	}
done:
	cn_snapparts_maker_free(mk);
}

static void cut(const uint8_t *data, size_t size)
{
	size_t *cuts = NULL, *again = NULL, n = 0, m = 0, start = 0, total = 0;
	struct cn_err err = {0};
	uint8_t *list;
	char why[128];

	if (cn_snapparts_cut(data, size, &cuts, &n, &err))
		return; /* out of memory */
	check(size ? n >= 1 && cuts[n - 1] == size : n == 0);
	list = malloc(CN_SNAPPARTS_MAGIC_LEN + n * CN_SNAPPART_ENTRY);
	check(list);
	memcpy(list, CN_SNAPPARTS_MAGIC, CN_SNAPPARTS_MAGIC_LEN);
	for (size_t i = 0; i < n; start = cuts[i++]) {
		size_t len = cuts[i] - start;
		uint8_t *e = list + CN_SNAPPARTS_MAGIC_LEN + i * CN_SNAPPART_ENTRY;

		check(cuts[i] > start && len <= CN_SNAPPART_MAX);
		check(i + 1 == n || len >= CN_SNAPPART_MIN);
		cn_sha256(data + start, len, e);
		e[CN_HASH_LEN] = (uint8_t)(len >> 24);
		e[CN_HASH_LEN + 1] = (uint8_t)(len >> 16);
		e[CN_HASH_LEN + 2] = (uint8_t)(len >> 8);
		e[CN_HASH_LEN + 3] = (uint8_t)len;
	}
	if (!cn_snapparts_cut(data, size, &again, &m, &err)) {
		check(m == n && (!n || !memcmp(cuts, again, n * sizeof(*cuts))));
		free(again);
	}
	if (n) {
		check(cn_snapparts_list(list, CN_SNAPPARTS_MAGIC_LEN +
					 n * CN_SNAPPART_ENTRY, &m, &total, why,
					 sizeof(why)) == 1);
		check(m == n && total == size);
	}
	made_in_pieces(data, size, list, cuts, n);
	free(list);
	free(cuts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_as_list(data, size);
	cut(data, size);
	return 0;
}
