/*
 * body_decision.h - bodies defined by decisions: the establish-body and
 * amend-body effects (their checks and the registry events they become,
 * for effect.c's table), and what a body's record says on a date once
 * amendments have changed it.
 *
 * A body is established or amended the way every registry change is made:
 * by a proposal carrying the effect, put to the body that decides (at
 * NATO, the North Atlantic Council, which the Treaty empowers to set up
 * subsidiary bodies, Art. 9), and applied only on adoption.
 *
 *   {"type": "establish-body", "id": "EPC", "name": "...", "rule": "...",
 *    "procedure": "meeting", "membership": [clauses], "established": date,
 *    "silence_breaks": ["object", "amend"]}
 *   {"type": "amend-body", "body": "NPG", "effective": date, and any of
 *    "name", "rule", "procedure", "silence_breaks", "membership": clause}
 *
 * An amendment takes effect on `effective` (default: the day of
 * adoption), never before the adoption: it keeps in the body's record
 * what each changed field was before, and a new membership clause closes
 * the clause in force on that day.  Procedures opened earlier keep the
 * rule they froze.
 *
 * Ownership: payload functions take rec and return a new payload (NULL
 * when out of memory); cn_body_field_at() returns a value borrowed from
 * the body's record.  Pure code: no I/O, no clock.
 */
#ifndef CN_BODY_DECISION_H
#define CN_BODY_DECISION_H

#include <jansson.h>
#include <stdint.h>

#include "err.h"

struct cn_world;
struct cn_body;

int cn_body_establish_check(const struct cn_world *w, int64_t at,
			    const json_t *e, struct cn_err *err) CN_NODISCARD;
json_t *cn_body_establish_payload(json_t *rec, const json_t *e, int64_t pid,
				  const char *date);

int cn_body_amend_check(const struct cn_world *w, int64_t at, const json_t *e,
			struct cn_err *err) CN_NODISCARD;
json_t *cn_body_amend_payload(json_t *rec, const json_t *e, int64_t pid,
			      const char *date);

/* The value of a field of b's record (rule, procedure, name,
 * silence_breaks) in force on `at`: the record's, unless an amendment
 * taking effect after `at` changed it (then what it was before); NULL
 * when the record has no such field. */
const json_t *cn_body_field_at(const struct cn_body *b, const char *field,
			       int64_t at);

#endif
