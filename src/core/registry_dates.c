/*
 * registry_dates.c - the dates of registry records: bounds for unknown
 * days, partners' status periods, offices' ends, and no state a member
 * and a partner at once; see registry_dates.h.
 */
#include "registry_dates.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "timeutil.h"

#define ONE_DAY 86400

int cn_record_date(const json_t *rec, const char *key, int64_t dflt,
		   int64_t *out, struct cn_err *err)
{
	const json_t *v = json_object_get(rec, key);

	if (!v || json_is_null(v)) {
		*out = dflt;
		return 0;
	}
	if (!json_is_string(v))
		return cn_err_set(err, CN_EINVAL, "%s: expected a date string",
				  key);
	return cn_date_parse_partial(json_string_value(v), key, out, NULL, err);
}

/* The first of `keys` (NULL-terminated) that rec gives a date for: the
 * record's own day first, then its bounds, most trusted first.  *used is
 * the key that gave it, or NULL when none did (*out is then
 * CN_TIME_NONE: the record is not counted). */
static int first_date(const json_t *rec, const char *const *keys,
		      int64_t *out, const char **used, struct cn_err *err)
{
	*used = NULL;
	*out = CN_TIME_NONE;
	for (const char *const *k = keys; *k; k++) {
		const json_t *v = json_object_get(rec, *k);
		if (!v || json_is_null(v))
			continue;
		*used = *k;
		return cn_record_date(rec, *k, CN_TIME_NONE, out, err);
	}
	return 0;
}

/* A day that is not known is counted from the day it is first attested
 * (known_*_by) and, without that, from the day it cannot precede
 * (*_not_before): never earlier than a source allows. */
static const char *const partner_start[] = {"since", "known_partner_by",
					    "since_not_before", NULL};
static const char *const office_start[] = {"opened", "known_open_by",
					   "opened_not_before", NULL};

static const struct {
	const char *name;
	enum cn_partner_status status;
} period_statuses[] = {
	{"active", CN_PARTNER_ACTIVE},
	{"suspended", CN_PARTNER_SUSPENDED},
	{"ended", CN_PARTNER_ENDED},
};

static int period_status(const json_t *per, size_t i,
			 enum cn_partner_status *out, struct cn_err *err)
{
	const char *s = cn_jstr(per, "status");

	for (size_t k = 0; s && k < sizeof(period_statuses) /
				    sizeof(period_statuses[0]); k++)
		if (!strcmp(s, period_statuses[k].name)) {
			*out = period_statuses[k].status;
			return 0;
		}
	return cn_err_set(err, CN_EINVAL,
			  "periods[%zu].status: '%s' is not active, suspended "
			  "or ended", i, s ? s : "");
}

/* Period i of the record's list; p->since and, for i > 0, period i - 1
 * are already set. */
static int read_period(const json_t *rec, const json_t *per, size_t i,
		       size_t n, struct cn_partner *p, struct cn_err *err)
{
	struct cn_partner_period *x = &p->periods[i];
	char key[48];

	if (!json_is_object(per))
		return cn_err_set(err, CN_EINVAL, "periods[%zu]: not an object",
				  i);
	if (period_status(per, i, &x->status, err))
		return CN_EINVAL;
	x->record = per;
	if (i == 0) {
		/* The first period starts the partnership: the same day as
		 * since, or unknown like it. */
		const json_t *from = json_object_get(per, "from");
		const json_t *since = json_object_get(rec, "since");
		if (!json_equal(from ? from : json_null(),
				since ? since : json_null()))
			return cn_err_set(err, CN_EINVAL,
					  "periods[0].from must be since");
		if (x->status == CN_PARTNER_ENDED)
			return cn_err_set(err, CN_EINVAL,
					  "periods[0]: a partnership cannot "
					  "begin ended");
		x->from = p->since;
	} else {
		snprintf(key, sizeof(key), "periods[%zu].from", i);
		if (!cn_jstr(per, "from"))
			return cn_err_set(err, CN_EINVAL, "%s: expected a date",
					  key);
		if (cn_date_parse_partial(cn_jstr(per, "from"), key, &x->from,
					  NULL, err))
			return CN_EINVAL;
		if (x->from != p->periods[i - 1].to)
			return cn_err_set(err, CN_EINVAL,
					  "%s must be periods[%zu].to: periods "
					  "follow one another", key, i - 1);
	}
	snprintf(key, sizeof(key), "periods[%zu].to", i);
	if (cn_record_date(per, "to", CN_TIME_NONE, &x->to, err))
		return cn_err_prefix(err, "periods[%zu]: ", i);
	if (x->to == CN_TIME_NONE && i + 1 < n)
		return cn_err_set(err, CN_EINVAL,
				  "%s: only the last period is open-ended", key);
	if (x->to != CN_TIME_NONE && x->from != CN_TIME_NONE && x->to <= x->from)
		return cn_err_set(err, CN_EINVAL, "%s is not after its from",
				  key);
	if (x->status == CN_PARTNER_ENDED && i + 1 == n &&
	    x->to != CN_TIME_NONE)
		return cn_err_set(err, CN_EINVAL,
				  "%s: the last period, ended, has no end", key);
	return 0;
}

int cn_partner_dates(const json_t *rec, struct cn_partner *p,
		     struct cn_err *err)
{
	const json_t *list = json_object_get(rec, "periods"), *per;
	size_t i, n;

	p->periods = NULL;
	p->nperiods = 0;
	if (first_date(rec, partner_start, &p->since, &p->since_bound, err))
		return CN_EINVAL;
	if (p->since_bound && !strcmp(p->since_bound, "since"))
		p->since_bound = NULL;
	if (!list || json_is_null(list)) {
		/* A record without periods (an add-partner decision): one
		 * active period, to `until` if it left. */
		if (cn_record_date(rec, "until", CN_TIME_NONE, &p->until, err))
			return CN_EINVAL;
		if (!(p->periods = calloc(1, sizeof(*p->periods))))
			return CN_ENOMEM;
		p->periods[0] = (struct cn_partner_period){
			CN_PARTNER_ACTIVE, p->since, p->until, NULL};
		p->nperiods = 1;
		return 0;
	}
	n = json_is_array(list) ? json_array_size(list) : 0;
	if (!n)
		return cn_err_set(err, CN_EINVAL,
				  "periods: expected a non-empty list");
	if (json_object_get(rec, "until") &&
	    !json_is_null(json_object_get(rec, "until")))
		return cn_err_set(err, CN_EINVAL,
				  "until: with periods, the end is an ended "
				  "period");
	/* Set, not only returned: the fold returns err's code. */
	if (!(p->periods = calloc(n, sizeof(*p->periods))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	json_array_foreach(list, i, per)
		if (read_period(rec, per, i, n, p, err)) {
			free(p->periods);
			p->periods = NULL;
			return CN_EINVAL;
		}
	p->nperiods = n;
	/* Ended for good from the start of a last, ended period; an ended
	 * period between others is a gap (left, then came back). */
	if (p->periods[n - 1].status == CN_PARTNER_ENDED)
		p->until = p->periods[n - 1].from;
	else
		p->until = p->periods[n - 1].to;
	return 0;
}

/* How an office ends, the first the record gives: its closing day, the
 * day its host suspended it, and when neither is known, the opening of
 * its successor (an inference, stated as such in the record) or the last
 * day a source saw it open, after which its state is unknown. */
static const struct {
	const char *key;
	enum cn_office_state end;
	int bound;                  /* a bound, not the day itself */
	int64_t after;              /* added: a last open day ends the next */
} office_ends[] = {
	{"closed", CN_OFFICE_CLOSED, 0, 0},
	{"suspended_from", CN_OFFICE_SUSPENDED, 0, 0},
	{"closed_by_succession", CN_OFFICE_CLOSED, 1, 0},
	{"known_open_until", CN_OFFICE_UNKNOWN, 1, ONE_DAY},
};

int cn_office_dates(const json_t *rec, struct cn_office *o,
		    struct cn_err *err)
{
	int64_t t;

	if (first_date(rec, office_start, &o->opened, &o->opened_bound, err))
		return CN_EINVAL;
	if (o->opened_bound && !strcmp(o->opened_bound, "opened"))
		o->opened_bound = NULL;
	o->closed = CN_TIME_NONE;
	o->closed_bound = NULL;
	o->end = CN_OFFICE_OPEN;
	for (size_t i = 0; i < sizeof(office_ends) / sizeof(office_ends[0]); i++) {
		if (cn_record_date(rec, office_ends[i].key, CN_TIME_NONE, &t, err))
			return CN_EINVAL;
		if (t == CN_TIME_NONE)
			continue;
		o->closed = t + office_ends[i].after;
		o->closed_bound = office_ends[i].bound ? office_ends[i].key : NULL;
		o->end = office_ends[i].end;
		return 0;
	}
	return 0;
}

int cn_partner_member_check(const struct cn_partner *p,
			    const struct cn_member *m, int admitting,
			    struct cn_err *err)
{
	int64_t both = p->since > m->accession ? p->since : m->accession;
	char d[CN_TIME_BUF];

	/* [since, until) and [accession, exit) overlap? */
	if (p->since >= p->until || both >= p->until || both >= m->exit)
		return 0;
	if (admitting && p->since < m->accession)
		return 0;
	return cn_err_set(err, CN_EREFUSED,
			  "%s cannot be both a member and a partner: it "
			  "would be both on %s", m->code,
			  cn_date_format(both, d));
}

void cn_partner_end_at(struct cn_partner *p, int64_t at)
{
	size_t n = 0;

	if (at >= p->until)
		return;
	for (; n < p->nperiods && p->periods[n].from < at; n++)
		if (p->periods[n].to > at)
			p->periods[n].to = at;
	p->nperiods = n;
	p->until = at;
}
