/* fuzz_snapshot.c - libFuzzer target for the snapshot decoder
 * (core/snapshot.h): any bytes either fail with CN_ECORRUPT (or
 * CN_ENOMEM) or decode to a world whose snapshot is the input itself.
 * The digest at the end would hide everything behind it from the fuzzer,
 * so each input is taken with its digest made to fit first. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/snapshot.h"
#include "core/world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
		free(in);
		return 0;
	}
	if (cn_snapshot_encode(&w, &out, &len, &err) == 0 &&
	    (len != size + CN_HASH_LEN || memcmp(out, in, len)))
		abort();
	free(out);
	cn_world_release(&w);
	free(in);
	return 0;
}
