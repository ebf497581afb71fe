/*
 * proposal_view.h - how a proposal and an office read from outside: the
 * JSON documents the store projects, the API serves and the CLI prints,
 * and the evaluation of a proposal's rule they show.
 *
 * A module that shows proposals includes this header, not procedure.h:
 * showing a proposal needs no command.
 *
 * Ownership: the JSON functions return new references (NULL when out of
 * memory); cn_proposal_evaluate() fills a result the caller releases with
 * cn_rule_result_release().  Pure code: no I/O, no clock.
 */
#ifndef CN_PROPOSAL_VIEW_H
#define CN_PROPOSAL_VIEW_H

#include <jansson.h>
#include <stdint.h>

#include "err.h"
#include "rule.h"
#include "world.h"

/* Evaluate the proposal's rule on its current positions.  `final` as in
 * struct cn_rule_input.  Silence procedures count silence as concurrence
 * when final. */
int cn_proposal_evaluate(const struct cn_world *w, const struct cn_proposal *p,
			 int final, struct cn_rule_result *res,
			 struct cn_err *err) CN_NODISCARD;

/* The whole proposal: text and revisions, electorate with positions,
 * current verdict or outcome, who blocks, who holds it, who is
 * outstanding, effects with their treaty-area check. */
json_t *cn_proposal_json(const struct cn_world *w, const struct cn_proposal *p);

/* An office's record as of `at`, with whether it is open and its
 * treaty-area check. */
json_t *cn_office_json(const struct cn_world *w, const struct cn_office *o,
		       int64_t at);

#endif
