/*
 * silence.h - how silence is broken: the names of what breaks it (an
 * objection; where the procedure allows it, a proposed amendment), who
 * has broken it, and the outcome's words naming them all.
 *
 * As practised (docs/RULES.md, "Silence"): the first letter breaking
 * silence ends the procedure, not adopted; allies who write before the
 * deadline join the break, alone or in a joint letter, and the outcome
 * names every one of them.
 *
 * Ownership: cn_silence_breaks_json() returns a new reference;
 * cn_silence_explanation() writes into the caller's buffer.
 * Pure code: no I/O, no clock.
 */
#ifndef CN_SILENCE_H
#define CN_SILENCE_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"
#include "world.h"

/* ["object"] or ["object", "amend"] into CN_BREAK_* bits.  An objection
 * always breaks silence, so "object" must be named.  CN_EINVAL saying
 * what is allowed. */
int cn_silence_breaks_parse(const json_t *names, unsigned *bits,
			    struct cn_err *err) CN_NODISCARD;
/* The names of bits, as a new JSON array (NULL when out of memory). */
json_t *cn_silence_breaks_json(unsigned bits);

/* The break of silence by `code` on proposal p, or NULL: the entry of
 * p->breaks naming it. */
const json_t *cn_silence_break_of(const struct cn_proposal *p,
				  const char *code);

/* "blocked: FR, BE, DE broke silence" for the codes of a JSON array, in
 * its order, into buf (cut to n bytes). */
char *cn_silence_explanation(const json_t *codes, char *buf, size_t n);

#endif
