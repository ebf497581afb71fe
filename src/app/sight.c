/* sight.c - what a principal may see of the record; see sight.h. */
#include "sight.h"

#include <stdio.h>
#include <string.h>

enum cn_sight cn_sight_of(const struct cn_viewer *v,
			  const struct cn_proposal_sight *p)
{
	/* The public's sight, the floor of everyone's. */
	enum cn_sight floor = p->adopted ? CN_SIGHT_REDACTED : CN_SIGHT_NONE;
	const struct cn_body *b;

	switch (v->role) {
	case CN_ROLE_SECRETARIAT:
		return CN_SIGHT_FULL;
	case CN_ROLE_MEMBER:
		b = p->body[0] ? cn_world_body(v->reg, p->body) : NULL;
		return b && cn_body_has(v->reg, b, v->code, v->now)
			? CN_SIGHT_FULL : floor;
	case CN_ROLE_PARTNER:
		return p->shared ? CN_SIGHT_REDACTED : floor;
	case CN_ROLE_PUBLIC:
		return floor;
	}
	return CN_SIGHT_NONE;
}

int cn_sight_shows_event(enum cn_sight s, const struct cn_event *ev)
{
	switch (s) {
	case CN_SIGHT_FULL:
		return 1;
	case CN_SIGHT_REDACTED:
		/* Without sight of the deliberations, only the opening and
		 * the conclusion are on a principal's record. */
		return ev->et && (ev->et->flags & CN_EVT_PUBLIC_RECORD);
	case CN_SIGHT_NONE:
		break;
	}
	return 0;
}

int cn_sight_sees_event(const struct cn_viewer *v, const struct cn_event *ev,
			cn_sight_lookup_fn lookup, void *ctx, int *sees,
			struct cn_err *err)
{
	const int64_t id = cn_event_proposal(ev);
	enum cn_sight s;
	int rc;

	*sees = 0;
	if (id < 0) {
		*sees = v->role == CN_ROLE_SECRETARIAT;
		return 0;
	}
	if (id == 0) {
		*sees = 1; /* the registry is everyone's */
		return 0;
	}
	if ((rc = lookup(ctx, id, &s, err)))
		return rc;
	*sees = cn_sight_shows_event(s, ev);
	return 0;
}

/* The audiences by name: the role, and whether a code follows a ':'. */
static const struct {
	const char *name;
	enum cn_role role;
	int coded;
} audiences[] = {
	{"all", CN_ROLE_SECRETARIAT, 0},
	{"public", CN_ROLE_PUBLIC, 0},
	{"member", CN_ROLE_MEMBER, 1},
	{"partner", CN_ROLE_PARTNER, 1},
};

int cn_audience_parse(const char *text, struct cn_audience *out,
		      struct cn_err *err)
{
	const char *colon = strchr(text, ':');
	size_t n = colon ? (size_t)(colon - text) : strlen(text);

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(audiences) / sizeof(audiences[0]); i++) {
		if (strlen(audiences[i].name) != n ||
		    strncmp(audiences[i].name, text, n))
			continue;
		if (!audiences[i].coded != !colon)
			break;
		if (colon) {
			size_t cl = strlen(colon + 1);
			if (cl == 0 || cl >= sizeof(out->code))
				break;
			memcpy(out->code, colon + 1, cl + 1);
		}
		out->role = audiences[i].role;
		return 0;
	}
	return cn_err_set(err, CN_EINVAL, "audience '%s': want all, public, "
			  "member:CODE or partner:CODE", text);
}

const char *cn_audience_name(const struct cn_audience *a, char *buf, size_t n)
{
	for (size_t i = 0; i < sizeof(audiences) / sizeof(audiences[0]); i++)
		if (audiences[i].role == a->role) {
			if (audiences[i].coded)
				snprintf(buf, n, "%s:%s", audiences[i].name, a->code);
			else
				snprintf(buf, n, "%s", audiences[i].name);
			return buf;
		}
	snprintf(buf, n, "?");
	return buf;
}
