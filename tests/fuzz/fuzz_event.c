/* fuzz_event.c - libFuzzer target for the stored-event decoder: any bytes
 * either fail with CN_ECORRUPT or decode to an event whose canonical
 * re-encoding is the input itself; a decoded event is then folded into a
 * small world, which must refuse or accept it without crashing.  Any
 * bytes that parse as JSON: cn_canon_same (the decoder's canonical check,
 * which builds no text) must agree with jansson's canonical text compared,
 * and cn_canon_dump must write that text. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cn_event ev;
	struct cn_err err;
	struct cn_world w;
	json_error_t je;
	json_t *v = json_loadb((const char *)data, size,
			       JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);

	if (v) {
		char *text = NULL;
		size_t len = 0;
		int same = 0, dumped;

		char *mine = NULL;
		size_t mlen = 0;
		int mdumped;

		dumped = cn_canon_dump_jansson(v, &text, &len, &err);
		if (cn_canon_same(v, data, size, &same) == 0 && dumped != CN_ENOMEM &&
		    same != (dumped == 0 && len == size && !memcmp(text, data, size)))
			abort();
		/* our encoder writes what jansson's writes */
		mdumped = cn_canon_dump(v, &mine, &mlen, &err);
		if (mdumped != CN_ENOMEM && dumped != CN_ENOMEM &&
		    (mdumped != dumped ||
		     (!dumped && (mlen != len || memcmp(mine, text, len)))))
			abort();
		free(mine);
		free(text);
		json_decref(v);
	}
	if (cn_event_decode((const char *)data, size, &ev, &err)) {
		if (err.code != CN_ECORRUPT && err.code != CN_ENOMEM)
			abort();
		return 0;
	}
	if (ev.len != size || memcmp(ev.bytes, data, size))
		abort();
	cn_world_init(&w);
	/* the decoder refuses a seq below 1, so seq - 1 cannot overflow */
	assert(ev.seq >= 1);
	w.last_seq = ev.seq - 1;
	/* an event refused by the world says why */
	err = (struct cn_err){0};
	if (cn_world_apply(&w, &ev, &err) && err.code == CN_OK)
		abort();
	cn_world_release(&w);
	cn_event_release(&ev);
	return 0;
}
