/*
 * vote.h - roll-call and written votes: the four answers a member of the
 * electorate gives (yes, no, abstain, not participating), the position
 * each is for the decision rule, and the count a conclusion records.
 *
 * A vote is a ballot like any other (world.h): yes is concur, no is
 * object, abstain is abstain (a formal declaration makes it declared, the
 * EU's constructive abstention), and not participating leaves the member
 * silent, so a rule counts it as it counts a member who gave no answer
 * (the UN Security Council's practice treats absence like abstention: it
 * is no veto).  What the member said is kept in the ballot's extra facts
 * as "vote", so the record tells a member who declared it does not take
 * part from one who has not voted yet.  When the vote closes, a member
 * who has not voted is counted as not participating.
 *
 * Ownership: the names are static; cn_vote_tally() and cn_vote_roll()
 * return new JSON the caller releases.  Pure code: no I/O, no clock.
 */
#ifndef CN_VOTE_H
#define CN_VOTE_H

#include <jansson.h>

#include "err.h"
#include "world.h"

enum cn_vote {
	CN_VOTE_YES,
	CN_VOTE_NO,
	CN_VOTE_ABSTAIN,
	CN_VOTE_NOT_PARTICIPATING,
	CN_VOTE_COUNT
};

/* "yes", "no", "abstain", "not-participating". */
const char *cn_vote_name(enum cn_vote v);
/* CN_EINVAL for any other word. */
int cn_vote_parse(const char *s, enum cn_vote *out) CN_NODISCARD;
/* The position the rule sees: concur, object, abstain, or none. */
enum cn_pos cn_vote_pos(enum cn_vote v);

/* A procedure in which members vote (vote, written) rather than state
 * positions. */
int cn_proc_votes(enum cn_proc p);

/* The vote a ballot records (its name), or NULL when the member has not
 * voted. */
const char *cn_ballot_vote(const struct cn_ballot *b);

/* {"yes": n, "no": n, "abstain": n, "not_participating": n} over p's
 * electorate; with `closed`, a member who has not voted counts as not
 * participating, otherwise as "not_voted" (a fifth key, present while
 * the vote is open).  NULL when out of memory. */
json_t *cn_vote_tally(const struct cn_proposal *p, int closed);
/* The same as lists of codes, in electorate order. */
json_t *cn_vote_roll(const struct cn_proposal *p, int closed);

#endif
