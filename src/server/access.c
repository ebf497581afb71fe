/* access.c - who sees what; see access.h. */
#include "access.h"

#include <string.h>

enum sight sight_of(const struct ctx *x, const struct cn_proposal_sight *p)
{
	/* The public's sight, the floor of everyone's. */
	enum sight floor = p->adopted ? SEE_REDACTED : SEE_NONE;
	const struct cn_body *b;

	switch (x->who.role) {
	case CN_ROLE_SECRETARIAT:
		return SEE_FULL;
	case CN_ROLE_MEMBER:
		b = p->body[0] ? cn_world_body(x->reg, p->body) : NULL;
		return b && cn_body_has(x->reg, b, x->who.code, x->now) ? SEE_FULL
									: floor;
	case CN_ROLE_PARTNER:
		return p->shared ? SEE_REDACTED : floor;
	case CN_ROLE_PUBLIC:
		return floor;
	}
	return SEE_NONE;
}

int sight_of_proposal(struct ctx *x, int64_t id, enum sight *out,
		      struct cn_err *err)
{
	struct cn_proposal_sight p;
	int rc;

	*out = SEE_NONE;
	if ((rc = cn_reader_proposal_sight(x->rd, id, &p, err)))
		return rc == CN_ENOTFOUND ? 0 : rc;
	*out = sight_of(x, &p);
	return 0;
}

int may_write(struct ctx *x, enum cn_role role, int on_proposal,
	      const char *needs, const char *only)
{
	struct cn_err err = {0};
	enum sight s;

	if (x->who.role == CN_ROLE_PUBLIC) {
		reply_error(x, 401, "unauthorized", "%s", needs);
		return -1;
	}
	if (on_proposal) {
		if (sight_of_proposal(x, x->id, &s, &err)) {
			reply_err(x, &err);
			return -1;
		}
		if (s == SEE_NONE) {
			not_found(x);
			return -1;
		}
	}
	if (x->who.role != role) {
		reply_error(x, 403, "forbidden", "%s", only);
		return -1;
	}
	return 0;
}

void redact(json_t *view)
{
	/* votes: who voted which way is the members' deliberation; the
	 * count (tally) is announced with the outcome. */
	static const char *const drop[] = {"positions", "outstanding", "holding",
					   "verdict", "votes", NULL};
	for (int i = 0; drop[i]; i++)
		json_object_del(view, drop[i]);
	const char *status = json_string_value(json_object_get(view, "status"));
	if (!status || strcmp(status, "concluded")) {
		json_object_del(view, "explanation");
		json_object_del(view, "blocked_by");
		json_object_del(view, "tally");
	}
}

int sight_shows_event(enum sight s, const struct cn_event *ev)
{
	switch (s) {
	case SEE_FULL:
		return 1;
	case SEE_REDACTED:
		/* Without sight of the deliberations, only the opening and
		 * the conclusion are on a principal's record. */
		return ev->et && (ev->et->flags & CN_EVT_PUBLIC_RECORD);
	case SEE_NONE:
		break;
	}
	return 0;
}
