/* fuzz_canon.c - libFuzzer target holding canon_parse.h's reader to
 * jansson's path, on any bytes:
 *   - cn_canon_parse accepts a text exactly when jansson reads it and it
 *     is canonical (cn_canon_same of jansson's tree), and then builds the
 *     same tree (json_equal), its keys held in the text's order;
 *   - cn_event_decode (the reader first) and cn_event_decode_jansson give
 *     the same status, the same message and the same event.
 * Seeds: tests/fuzz/seeds/fuzz_canon (events as the log holds them, with
 * escapes and nesting). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon_parse.h"
#include "core/event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_event(const struct cn_event *a, const struct cn_event *b)
{
	if (a->seq != b->seq || a->time != b->time || a->et != b->et ||
	    strcmp(a->actor, b->actor) || strcmp(a->type, b->type) ||
	    memcmp(a->prev, b->prev, sizeof(a->prev)) || a->len != b->len ||
	    memcmp(a->bytes, b->bytes, a->len) ||
	    !json_equal(a->payload, b->payload))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct cn_event fast, slow;
	struct cn_err ferr, serr;
	json_error_t je;
	json_t *mine = NULL, *theirs;
	int got, frc, src, same = 0;

	theirs = json_loadb(text, size, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
			    &je);
	got = cn_canon_parse(text, size, &mine);
	if (got == CN_ENOMEM)
		abort(); /* libFuzzer's malloc limit is far above an input */
	if (theirs && cn_canon_same(theirs, data, size, &same))
		abort();
	if (got != (theirs && same))
		abort();
	if (got) {
		int mine_same = 0;
		if (!json_equal(mine, theirs) ||
		    cn_canon_same(mine, data, size, &mine_same) || !mine_same)
			abort();
	}
	json_decref(mine);
	json_decref(theirs);

	frc = cn_event_decode(text, size, &fast, &ferr);
	src = cn_event_decode_jansson(text, size, &slow, &serr);
	if (frc != src)
		abort();
	if (frc) {
		if (ferr.code != serr.code || strcmp(ferr.msg, serr.msg))
			abort();
		return 0;
	}
	same_event(&fast, &slow);
	cn_event_release(&fast);
	cn_event_release(&slow);
	return 0;
}
