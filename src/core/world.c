/*
 * world.c - the world's lifetime, lookups, as-of queries and body
 * membership; see world.h.  The fold that changes it is fold.c.
 */
#include "world.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fold.h"
#include "timeutil.h"

const char *cn_proc_name(enum cn_proc p)
{
	switch (p) {
	case CN_PROC_MEETING: return "meeting";
	case CN_PROC_SILENCE: return "silence";
	case CN_PROC_RATIFICATION: return "ratification";
	case CN_PROC_VOTE: return "vote";
	case CN_PROC_WRITTEN: return "written";
	}
	return "?";
}

int cn_proc_parse(const char *s, enum cn_proc *out)
{
	if (!strcmp(s, "meeting"))
		*out = CN_PROC_MEETING;
	else if (!strcmp(s, "silence"))
		*out = CN_PROC_SILENCE;
	else if (!strcmp(s, "ratification"))
		*out = CN_PROC_RATIFICATION;
	else if (!strcmp(s, "vote"))
		*out = CN_PROC_VOTE;
	else if (!strcmp(s, "written"))
		*out = CN_PROC_WRITTEN;
	else
		return CN_EINVAL;
	return 0;
}

void cn_world_init(struct cn_world *w)
{
	memset(w, 0, sizeof(*w));
}

void cn_proposal_free(struct cn_proposal *p)
{
	if (!p)
		return;
	free(p->title);
	free(p->text);
	free(p->proposer);
	free(p->level);
	free(p->place);
	free(p->rule_src);
	cn_rule_free(p->rule);
	for (size_t i = 0; i < p->nballots; i++) {
		free(p->ballots[i].text);
		json_decref(p->ballots[i].extra);
	}
	free(p->ballots);
	json_decref(p->weights);
	json_decref(p->extra);
	json_decref(p->breaks);
	json_decref(p->effects);
	json_decref(p->revisions);
	free(p->outcome);
	free(p->explanation);
	json_decref(p->blocking);
	json_decref(p->holding);
	free(p);
}

void cn_world_release(struct cn_world *w)
{
	json_decref(w->alliance);
	for (size_t i = 0; i < w->nmembers; i++) {
		json_decref(w->members[i].record);
		free(w->members[i].key_vkey);
		free(w->members[i].key_name);
	}
	for (size_t i = 0; i < w->npartners; i++) {
		free(w->partners[i].periods);
		json_decref(w->partners[i].record);
	}
	for (size_t i = 0; i < w->nbodies; i++) {
		struct cn_body *b = &w->bodies[i];
		for (size_t j = 0; j < b->nclauses; j++)
			free(b->clauses[j].codes);
		free(b->clauses);
		cn_rule_free(b->rule);
		json_decref(b->record);
	}
	for (size_t i = 0; i < w->noffices; i++)
		json_decref(w->offices[i].record);
	for (size_t i = 0; i < w->nproposals; i++)
		cn_proposal_free(w->proposals[i]);
	free(w->members);
	free(w->partners);
	free(w->bodies);
	free(w->offices);
	free(w->proposals);
	free(w->deadlines);
	memset(w, 0, sizeof(*w));
}

int cn_world_room(struct cn_world *w, size_t n)
{
	struct cn_proposal **v;
	size_t cap = w->cap_proposals ? w->cap_proposals : 16;

	if (n <= w->cap_proposals)
		return 0;
	while (cap < n) {
		if (cap > SIZE_MAX / 2 / sizeof(*v))
			return CN_ENOMEM;
		cap *= 2;
	}
	if (!(v = realloc(w->proposals, cap * sizeof(*v))))
		return CN_ENOMEM;
	w->proposals = v;
	w->cap_proposals = cap;
	return 0;
}

/* ---- lookups and as-of queries ---------------------------------------- */

const struct cn_member *cn_world_member(const struct cn_world *w,
					const char *code)
{
	for (size_t i = 0; i < w->nmembers; i++)
		if (!strcmp(w->members[i].code, code))
			return &w->members[i];
	return NULL;
}

const struct cn_partner *cn_world_partner(const struct cn_world *w,
					  const char *code)
{
	for (size_t i = 0; i < w->npartners; i++)
		if (!strcmp(w->partners[i].code, code))
			return &w->partners[i];
	return NULL;
}

const struct cn_body *cn_world_body(const struct cn_world *w, const char *id)
{
	for (size_t i = 0; i < w->nbodies; i++)
		if (!strcasecmp(w->bodies[i].id, id))
			return &w->bodies[i];
	return NULL;
}

const struct cn_office *cn_world_office(const struct cn_world *w,
					const char *id)
{
	for (size_t i = 0; i < w->noffices; i++)
		if (!strcmp(w->offices[i].id, id))
			return &w->offices[i];
	return NULL;
}

struct cn_proposal *cn_world_proposal(const struct cn_world *w, int64_t id)
{
	struct cn_proposal *p;

	if (id < 1 || (uint64_t)id > w->nproposals)
		return NULL;
	if (!w->proposals[id - 1] && w->pager &&
	    w->pager->load(w->pager->ctx, id, &p) == 0)
		w->proposals[id - 1] = p; /* the array is the world's own */
	return w->proposals[id - 1];
}

const struct cn_proposal *cn_world_proposal_at(const struct cn_world *w,
					       size_t i, struct cn_proposal **tmp)
{
	*tmp = NULL;
	assert(i < w->nproposals);
	if (!w->proposals[i] && w->pager &&
	    w->pager->load(w->pager->ctx, (int64_t)i + 1, tmp) == 0)
		return *tmp;
	return w->proposals[i];
}

int cn_member_active(const struct cn_member *m, int64_t at)
{
	return m->accession <= at && at < m->exit;
}

const char *cn_partner_status_name(enum cn_partner_status s)
{
	switch (s) {
	case CN_PARTNER_NONE: return "none";
	case CN_PARTNER_ACTIVE: return "active";
	case CN_PARTNER_SUSPENDED: return "suspended";
	case CN_PARTNER_ENDED: return "ended";
	}
	return "?";
}

enum cn_partner_status cn_partner_status_at(const struct cn_partner *p,
					    int64_t at,
					    const struct cn_partner_period **period)
{
	if (period)
		*period = NULL;
	if (at < p->since)
		return CN_PARTNER_NONE;
	if (at >= p->until)
		return CN_PARTNER_ENDED;
	/* The periods are contiguous from since (the fold checks it), so
	 * one holds every day of the partnership. */
	for (size_t i = 0; i < p->nperiods; i++)
		if (p->periods[i].from <= at && at < p->periods[i].to) {
			if (period)
				*period = &p->periods[i];
			return p->periods[i].status;
		}
	return CN_PARTNER_NONE;
}

int cn_partner_active(const struct cn_partner *p, int64_t at)
{
	return cn_partner_status_at(p, at, NULL) == CN_PARTNER_ACTIVE;
}

int cn_partner_on(const struct cn_partner *p, int64_t at)
{
	enum cn_partner_status s = cn_partner_status_at(p, at, NULL);
	return s == CN_PARTNER_ACTIVE || s == CN_PARTNER_SUSPENDED;
}

int cn_body_exists(const struct cn_body *b, int64_t at)
{
	return b->established <= at && at < b->dissolved;
}

int cn_office_open(const struct cn_office *o, int64_t at)
{
	return o->opened <= at && at < o->closed;
}

const char *cn_office_state_name(enum cn_office_state s)
{
	switch (s) {
	case CN_OFFICE_NOT_YET: return "not-yet-open";
	case CN_OFFICE_OPEN: return "open";
	case CN_OFFICE_CLOSED: return "closed";
	case CN_OFFICE_SUSPENDED: return "suspended";
	case CN_OFFICE_UNKNOWN: return "unknown";
	}
	return "?";
}

enum cn_office_state cn_office_state_at(const struct cn_office *o, int64_t at)
{
	if (o->opened == CN_TIME_NONE)
		return CN_OFFICE_UNKNOWN;
	if (at < o->opened)
		return CN_OFFICE_NOT_YET;
	return at < o->closed ? CN_OFFICE_OPEN : o->end;
}

static int clause_has(const struct cn_clause *c, const char *code)
{
	for (size_t i = 0; i < c->ncodes; i++)
		if (!strcmp(c->codes[i], code))
			return 1;
	return 0;
}

/* The clause in force on `at`, or NULL. */
static const struct cn_clause *clause_at(const struct cn_body *b, int64_t at)
{
	for (size_t i = 0; i < b->nclauses; i++)
		if (b->clauses[i].from <= at && at < b->clauses[i].to)
			return &b->clauses[i];
	return NULL;
}

int cn_body_has(const struct cn_world *w, const struct cn_body *b,
		const char *code, int64_t at)
{
	const struct cn_member *m = cn_world_member(w, code);
	const struct cn_clause *c;

	if (!m || !cn_member_active(m, at) || !cn_body_exists(b, at))
		return 0;
	if (!(c = clause_at(b, at)))
		return 0;
	switch (c->kind) {
	case CN_CLAUSE_ALL: return 1;
	case CN_CLAUSE_ALL_EXCEPT: return !clause_has(c, code);
	case CN_CLAUSE_LIST: return clause_has(c, code);
	}
	return 0;
}

int cn_body_members(const struct cn_world *w, const struct cn_body *b,
		    int64_t at, const struct cn_member ***out, size_t *n)
{
	const struct cn_member **v = malloc((w->nmembers + 1) * sizeof(*v));
	size_t k = 0;

	if (!v)
		return CN_ENOMEM;
	for (size_t i = 0; i < w->nmembers; i++)
		if (cn_body_has(w, b, w->members[i].code, at))
			v[k++] = &w->members[i];
	*out = v;
	*n = k;
	return 0;
}

int cn_explain_not_member(const struct cn_world *w, const struct cn_body *b,
			  const char *code, int64_t at, struct cn_err *err)
{
	const struct cn_member *m = cn_world_member(w, code);
	const struct cn_partner *p = cn_world_partner(w, code);
	char d1[CN_TIME_BUF], d2[CN_TIME_BUF];

	if (!m && p)
		return cn_err_set(err, CN_EREFUSED,
				  "%s (%s) is a partner (%s), not a member: "
				  "partners never take decisions in the %s",
				  code, p->name, p->framework, b->name);
	if (!m)
		return cn_err_set(err, CN_ENOTFOUND,
				  "unknown member code '%s'", code);
	cn_date_format(at, d1);
	if (at < m->accession && p && cn_partner_on(p, at))
		return cn_err_set(err, CN_EREFUSED,
				  "%s (%s) was a partner (%s), not yet a "
				  "member, on %s (accession %s)", code, m->name,
				  p->framework, d1,
				  cn_date_format(m->accession, d2));
	if (at < m->accession)
		return cn_err_set(err, CN_EREFUSED,
				  "%s (%s) was not yet a member on %s "
				  "(accession %s)", code, m->name, d1,
				  cn_date_format(m->accession, d2));
	if (at >= m->exit)
		return cn_err_set(err, CN_EREFUSED,
				  "%s (%s) was no longer a member on %s "
				  "(exit %s)", code, m->name, d1,
				  cn_date_format(m->exit, d2));
	return cn_err_set(err, CN_EREFUSED,
			  "%s (%s) is not a member of the %s on %s", code,
			  m->name, b->name, d1);
}
