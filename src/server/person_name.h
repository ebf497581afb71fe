/*
 * person_name.h - who acted, for those who may know: the name of the
 * person in an event's actor ("delegation:FR person:7", auth.h), for the
 * `person` field of /api/v1/log and a proposal's events.
 *
 * The record carries a person's id, never its name: a name is personal
 * data, and the log is append-only, public in part, and copied by anyone
 * who verifies it; the people table beside the log (store/people.h) maps
 * the id to the name, and can be corrected or erased.  The name is told
 * to the secretariat, and to a member delegation for its own people;
 * other delegations, partners and the public see the event with the id
 * alone (where they see the event at all: access.h decides that).
 *
 * One struct person_names per request: each person the caller may know
 * is read once, by id, on the first event that names it (through the
 * request's reader), and kept until the request's answer is made; a page
 * of events costs the people it names, not every person in the store.
 */
#ifndef CN_PERSON_NAME_H
#define CN_PERSON_NAME_H

#include "ctx.h"

struct person_names {
	struct person_name_row *v; /* those read, found or not */
	size_t n;
};

/* The name of the person acting in `actor` if x->who may know it, else
 * NULL (no person, someone else's, or an id no longer in the table);
 * borrowed from pn until person_names_free.  -1 with err when the people
 * cannot be read. */
int person_name(struct ctx *x, struct person_names *pn, const char *actor,
		const char **name, struct cn_err *err) CN_NODISCARD;
void person_names_free(struct person_names *pn);

#endif
