/*
 * analysis_view.h - the analyses of analysis.h as the CLI prints them and
 * the API serves them: a body's rule on its electorate on a date (with a
 * what-if beside it), and an open proposal (docs/ANALYSIS.md).
 *
 * A body's analysis takes what the engine takes when a procedure opens:
 * the body's members on the date (cn_body_members), its rule in force on
 * the date (or one of its named rules), and for weight() the members'
 * figures in force on the date (cn_attribute_at), so a question about
 * 2024 counts 2024's figures.  A proposal's analysis takes what the
 * proposal froze: its electorate, rule and figures.
 *
 * Exact values are strings (counts pass 2^53; fractions "num/den"), each
 * beside a double within a relative 2^-51 of it.
 *
 * Ownership: the functions return a new JSON document in *out (the
 * caller's to release).  Pure code: no I/O, no clock.
 */
#ifndef CN_ANALYSIS_VIEW_H
#define CN_ANALYSIS_VIEW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "world.h"

/* Members a what-if may add or remove. */
#define CN_AN_MAX_CHANGES 16

struct cn_analysis_ask {
	const char *body;               /* body id */
	int64_t at;                     /* the date */
	/* What-if (any given: a second analysis beside today's): one of
	 * the body's named rules, or a rule's text; members added (a code,
	 * or CODE=FIGURE for the figure a weight() rule counts, else the
	 * registry's on the date) and members left out. */
	const char *rule;
	const char *with[CN_AN_MAX_CHANGES];
	size_t nwith;
	const char *without[CN_AN_MAX_CHANGES];
	size_t nwithout;
	size_t max_nodes;               /* 0: the default */
};

/* {body, name, at, today: {...}, what_if?: {...}}.  CN_ENOTFOUND: no such
 * body; CN_EINVAL: a member, rule or figure that does not fit, named;
 * CN_EREFUSED: too large to analyse; CN_ENOMEM. */
int cn_analysis_body_json(const struct cn_world *w,
			  const struct cn_analysis_ask *a, json_t **out,
			  struct cn_err *err) CN_NODISCARD;

/* A proposal's analysis from its view (cn_proposal_json: the frozen
 * electorate, positions, rule and figures): {proposal, body, procedure,
 * rule, status, outcome, silence_is_consent, now, at_conclusion,
 * if_silent_concur, if_silent_object, silent, can_block, pivotal,
 * smallest_flip, power}. */
int cn_analysis_proposal_json(const json_t *view, size_t max_nodes,
			      json_t **out, struct cn_err *err) CN_NODISCARD;

/* Drop what a redacted sight of the proposal does not show (every field
 * that tells positions), keeping the power of its rule and electorate,
 * and mark it "redacted": true. */
void cn_analysis_redact(json_t *analysis);

#endif
