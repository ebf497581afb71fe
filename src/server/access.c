/* access.c - who sees what; see access.h. */
#include "access.h"

#include <stdio.h>
#include <string.h>

enum sight sight_of(const struct ctx *x, const struct cn_proposal_sight *p)
{
	const struct cn_viewer v = {x->who.role, x->who.code, x->reg, x->now};
	return (enum sight)cn_sight_of(&v, p);
}

int sight_of_proposal(struct ctx *x, int64_t id, enum sight *out,
		      struct cn_err *err)
{
	struct cn_proposal_sight p;
	int rc;

	*out = SEE_NONE;
	if ((rc = cn_reader_proposal_sight(x->rd, id, &p, err))) {
		if (rc != CN_ENOTFOUND)
			return rc;
		/* None: the rule is still asked, of a decoy in a body of the
		 * registry, so that a hidden proposal and none cost the same
		 * (the decoy's answer is dropped). */
		memset(&p, 0, sizeof(p));
		if (x->reg->nbodies)
			snprintf(p.body, sizeof(p.body), "%s", x->reg->bodies[0].id);
		volatile enum sight decoy = sight_of(x, &p);
		(void)decoy;
		return 0;
	}
	*out = sight_of(x, &p);
	return 0;
}

int sight_shows_event(enum sight s, const struct cn_event *ev)
{
	return cn_sight_shows_event((enum cn_sight)s, ev);
}

struct lookup {
	struct ctx *x;
	json_t *sights;
};

/* cn_sight_lookup_fn over the reader, through the answer's cache. */
static int lookup_sight(void *ctx, int64_t id, enum cn_sight *out,
			struct cn_err *err)
{
	struct lookup *l = ctx;
	char key[24];
	json_t *c;
	enum sight s;
	int rc;

	snprintf(key, sizeof(key), "%lld", (long long)id);
	if (l->sights && (c = json_object_get(l->sights, key))) {
		*out = (enum cn_sight)json_integer_value(c);
		return 0;
	}
	if ((rc = sight_of_proposal(l->x, id, &s, err)))
		return rc;
	if (l->sights)
		json_object_set_new(l->sights, key, json_integer(s));
	*out = (enum cn_sight)s;
	return 0;
}

int sees_event(struct ctx *x, const struct cn_event *ev, json_t *sights,
	       int *sees, struct cn_err *err)
{
	const struct cn_viewer v = {x->who.role, x->who.code, x->reg, x->now};
	struct lookup l = {x, sights};
	return cn_sight_sees_event(&v, ev, lookup_sight, &l, sees, err);
}

/* Until when x->who is shown checkpoints: all of them, or (the public and
 * partners, at a cadence) those signed by the cadence's last multiple, so
 * that they learn when the log grew only to that resolution. */
static int64_t shown_until(const struct ctx *x)
{
	const int64_t every = x->api->public_checkpoint_every;
	const int restricted = x->who.role == CN_ROLE_PUBLIC ||
			       x->who.role == CN_ROLE_PARTNER;

	if (!restricted || every <= 0)
		return INT64_MAX;
	return x->now - (x->now % every + every) % every;
}

int record_checkpoint(struct ctx *x, char **note, uint64_t *size,
		      uint8_t root[32], struct cn_err *err)
{
	return cn_reader_checkpoint(x->rd, shown_until(x), note, size, root, err);
}

int record_size(struct ctx *x, uint64_t *size, struct cn_err *err)
{
	uint8_t root[32];
	int rc;

	if (shown_until(x) == INT64_MAX)
		return cn_reader_tree_size(x->rd, size, err);
	rc = record_checkpoint(x, NULL, size, root, err);
	if (rc == CN_ENOTFOUND) {
		*size = 0;
		return 0;
	}
	return rc;
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

int visible_view(struct ctx *x, int64_t id, const char *doc, size_t len,
		 json_t **out, struct cn_err *err)
{
	struct cn_proposal_sight p;
	enum sight s;
	int rc;

	if ((rc = cn_proposal_view_parse(id, doc, len, out, err)))
		return rc;
	cn_proposal_sight_of(*out, &p);
	if ((s = sight_of(x, &p)) == SEE_REDACTED)
		redact(*out);
	if (s == SEE_NONE) {
		json_decref(*out);
		*out = NULL;
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
