/*
 * vote.c - the answers of a roll-call or written vote, and their count;
 * see vote.h.
 */
#include "vote.h"

#include <assert.h>
#include <string.h>

#include "buf.h"

/* One row per answer: its name, the rule's position, the key it is
 * counted under. */
static const struct {
	const char *name;
	enum cn_pos pos;
	const char *key;
} answers[CN_VOTE_COUNT] = {
	[CN_VOTE_YES] = {"yes", CN_POS_CONCUR, "yes"},
	[CN_VOTE_NO] = {"no", CN_POS_OBJECT, "no"},
	[CN_VOTE_ABSTAIN] = {"abstain", CN_POS_ABSTAIN, "abstain"},
	[CN_VOTE_NOT_PARTICIPATING] = {"not-participating", CN_POS_NONE,
				       "not_participating"},
};

const char *cn_vote_name(enum cn_vote v)
{
	assert((unsigned)v < CN_VOTE_COUNT);
	return answers[v].name;
}

int cn_vote_parse(const char *s, enum cn_vote *out)
{
	for (size_t i = 0; s && i < CN_VOTE_COUNT; i++)
		if (!strcmp(s, answers[i].name)) {
			*out = (enum cn_vote)i;
			return 0;
		}
	return CN_EINVAL;
}

enum cn_pos cn_vote_pos(enum cn_vote v)
{
	assert((unsigned)v < CN_VOTE_COUNT);
	return answers[v].pos;
}

int cn_proc_votes(enum cn_proc p)
{
	return p == CN_PROC_VOTE || p == CN_PROC_WRITTEN;
}

const char *cn_ballot_vote(const struct cn_ballot *b)
{
	return cn_jstr(b->extra, "vote");
}

/* The key a ballot is counted under. */
static const char *key_of(const struct cn_ballot *b, int closed)
{
	enum cn_vote v;

	if (cn_vote_parse(cn_ballot_vote(b), &v) == 0)
		return answers[v].key;
	return closed ? answers[CN_VOTE_NOT_PARTICIPATING].key : "not_voted";
}

/* counts: each key with an integer (0 for none), or with an array of
 * codes. */
static json_t *count(const struct cn_proposal *p, int closed, int lists)
{
	json_t *o = json_object();
	int bad = !o;

	for (size_t i = 0; o && i < CN_VOTE_COUNT + 1; i++) {
		const char *k = i < CN_VOTE_COUNT ? answers[i].key : "not_voted";
		if (i == CN_VOTE_COUNT && closed)
			break;
		if (json_object_set_new(o, k, lists ? json_array() : json_integer(0)))
			bad = 1;
	}
	for (size_t i = 0; !bad && i < p->nballots; i++) {
		const char *k = key_of(&p->ballots[i], closed);
		json_t *slot = json_object_get(o, k);
		if (lists)
			bad = json_array_append_new(slot,
						    json_string(p->ballots[i].code));
		else
			bad = json_integer_set(slot, json_integer_value(slot) + 1);
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *cn_vote_tally(const struct cn_proposal *p, int closed)
{
	return count(p, closed, 0);
}

json_t *cn_vote_roll(const struct cn_proposal *p, int closed)
{
	return count(p, closed, 1);
}
