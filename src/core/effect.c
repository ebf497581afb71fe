/*
 * effect.c - a proposal's registry effects: the table of kinds, their
 * checks, the dry run, and the registry event each becomes on adoption;
 * see effect.h.
 */
#include "effect.h"

#include <string.h>

#include "body_decision.h"
#include "buf.h"
#include "timeutil.h"
#include "world.h"

/* ---- checks, one per kind ------------------------------------------------ *
 * Each says what is wrong without naming the effect; effect_check() puts
 * "effect N (KIND): " in front. */

static int check_open_office(const struct cn_world *w, int64_t at,
			     const json_t *e, struct cn_err *err)
{
	const char *id = cn_jstr(e, "id"), *c = cn_jstr(e, "country");
	int64_t v;
	int rc;

	(void)at;
	if (!id || !cn_jstr(e, "name") || !cn_jstr(e, "city") || !c)
		return cn_err_set(err, CN_EINVAL,
				  "needs id, name, city and country");
	if (cn_world_office(w, id))
		return cn_err_set(err, CN_EREFUSED,
				  "office id '%s' is already in the registry", id);
	if (strlen(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' ||
	    c[1] > 'Z')
		return cn_err_set(err, CN_EINVAL,
				  "country '%s' is not an ISO 3166 alpha-2 code",
				  c);
	if (json_object_get(e, "opened")) {
		if (!cn_jstr(e, "opened"))
			return cn_err_set(err, CN_EINVAL,
					  "opened must be a date");
		if ((rc = cn_date_parse_partial(cn_jstr(e, "opened"), "opened",
						&v, NULL, err)))
			return rc;
	}
	if ((cn_jstr(e, "lat") != NULL) != (cn_jstr(e, "lon") != NULL))
		return cn_err_set(err, CN_EINVAL,
				  "give both lat and lon, or neither");
	if (cn_jstr(e, "lat") &&
	    ((rc = cn_coord_parse(cn_jstr(e, "lat"), 90, &v, err)) ||
	     (rc = cn_coord_parse(cn_jstr(e, "lon"), 180, &v, err))))
		return rc;
	return 0;
}

static int check_close_office(const struct cn_world *w, int64_t at,
			      const json_t *e, struct cn_err *err)
{
	const char *id = cn_jstr(e, "id");
	const struct cn_office *o = id ? cn_world_office(w, id) : NULL;

	if (!o)
		return cn_err_set(err, CN_ENOTFOUND, "no office '%s'",
				  id ? id : "");
	if (!cn_office_open(o, at))
		return cn_err_set(err, CN_EREFUSED, "office '%s' is not open",
				  o->id);
	return 0;
}

static int check_admit_member(const struct cn_world *w, int64_t at,
			      const json_t *e, struct cn_err *err)
{
	const char *code = cn_jstr(e, "code"), *eff = cn_jstr(e, "effective");
	int64_t v;

	(void)at;
	if (!code || !cn_jstr(e, "name") || !eff)
		return cn_err_set(err, CN_EINVAL,
				  "needs code, name and effective (date)");
	if (strlen(code) != 2)
		return cn_err_set(err, CN_EINVAL,
				  "'%s' is not an ISO 3166 alpha-2 code", code);
	if (cn_world_member(w, code))
		return cn_err_set(err, CN_EREFUSED, "%s is already a member",
				  code);
	return cn_date_parse_partial(eff, "effective", &v, NULL, err);
}

static int check_add_partner(const struct cn_world *w, int64_t at,
			     const json_t *e, struct cn_err *err)
{
	const char *code = cn_jstr(e, "code");

	(void)at;
	if (!code || !cn_jstr(e, "name") || !cn_jstr(e, "framework"))
		return cn_err_set(err, CN_EINVAL,
				  "needs code, name and framework");
	if (cn_world_partner(w, code))
		return cn_err_set(err, CN_EREFUSED, "%s is already a partner",
				  code);
	if (cn_world_member(w, code))
		return cn_err_set(err, CN_EREFUSED, "%s is a member", code);
	return 0;
}

/* ---- payloads, one per kind ---------------------------------------------- *
 * rec is the effect without its "type", with its source (taken); date is
 * the adoption's.  NULL when out of memory. */

static json_t *open_office_payload(json_t *rec, const json_t *e, int64_t pid,
				   const char *date)
{
	(void)e;
	if (!json_object_get(rec, "opened") &&
	    json_object_set_new(rec, "opened", json_string(date))) {
		json_decref(rec);
		return NULL;
	}
	return json_pack("{s:o, s:I}", "office", rec, "decision",
			 (json_int_t)pid);
}

static json_t *close_office_payload(json_t *rec, const json_t *e, int64_t pid,
				    const char *date)
{
	json_decref(rec); /* the office keeps its record; it only closes */
	return json_pack("{s:s, s:s, s:I}", "office", cn_jstr(e, "id"),
			 "closed", date, "decision", (json_int_t)pid);
}

static json_t *admit_member_payload(json_t *rec, const json_t *e, int64_t pid,
				    const char *date)
{
	(void)e;
	(void)date;
	if (json_object_set(rec, "accession", json_object_get(rec, "effective")) ||
	    json_object_del(rec, "effective") ||
	    json_object_set_new(rec, "decision", json_integer(pid))) {
		json_decref(rec);
		return NULL;
	}
	return json_pack("{s:o}", "member", rec);
}

static json_t *add_partner_payload(json_t *rec, const json_t *e, int64_t pid,
				   const char *date)
{
	(void)e;
	if ((!json_object_get(rec, "since") &&
	     json_object_set_new(rec, "since", json_string(date))) ||
	    json_object_set_new(rec, "decision", json_integer(pid))) {
		json_decref(rec);
		return NULL;
	}
	return json_pack("{s:o}", "partner", rec);
}

/* ---- the table ------------------------------------------------------------ */

static const struct effect_kind {
	const char *name;
	enum cn_effect_kind kind;
	enum cn_ev event;                /* what it becomes on adoption */
	/* Whether to dry-run the event: close-office only names an office,
	 * and check_close_office() already found it. */
	int dry_run;
	int (*check)(const struct cn_world *w, int64_t at, const json_t *e,
		     struct cn_err *err);
	json_t *(*payload)(json_t *rec, const json_t *e, int64_t pid,
			   const char *date);
} kinds[] = {
	{"open-office", CN_EFFECT_OPEN_OFFICE, CN_EV_OFFICE_OPENED, 1,
	 check_open_office, open_office_payload},
	{"close-office", CN_EFFECT_CLOSE_OFFICE, CN_EV_OFFICE_CLOSED, 0,
	 check_close_office, close_office_payload},
	{"admit-member", CN_EFFECT_ADMIT_MEMBER, CN_EV_MEMBER_ADMITTED, 1,
	 check_admit_member, admit_member_payload},
	{"add-partner", CN_EFFECT_ADD_PARTNER, CN_EV_PARTNER_ADDED, 1,
	 check_add_partner, add_partner_payload},
	{"establish-body", CN_EFFECT_ESTABLISH_BODY, CN_EV_BODY_ESTABLISHED, 1,
	 cn_body_establish_check, cn_body_establish_payload},
	/* Its own dry run: an amendment needs the body it amends. */
	{"amend-body", CN_EFFECT_AMEND_BODY, CN_EV_BODY_AMENDED, 0,
	 cn_body_amend_check, cn_body_amend_payload},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static const struct effect_kind *kind_of(const json_t *e)
{
	const char *type = cn_jstr(e, "type");

	for (size_t i = 0; type && i < NKINDS; i++)
		if (!strcmp(kinds[i].name, type))
			return &kinds[i];
	return NULL;
}

int cn_effect_kind_of(const json_t *e, enum cn_effect_kind *out)
{
	const struct effect_kind *k = kind_of(e);

	if (!k)
		return CN_EINVAL;
	*out = k->kind;
	return 0;
}

/* "open-office, close-office, admit-member or add-partner" */
static const char *kind_names(char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NKINDS && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s",
					i == 0 ? "" : i + 1 < NKINDS ? ", " : " or ",
					kinds[i].name);
	return buf;
}

/* ---- checking, dry run, events -------------------------------------------- */

static int make_event(const struct effect_kind *k, int64_t pid,
		      const char *body, const json_t *e, int64_t at,
		      json_t **payload, struct cn_err *err)
{
	char date[CN_TIME_BUF];
	json_t *rec = json_deep_copy(e);

	*payload = NULL;
	if (!rec || json_object_del(rec, "type") ||
	    json_object_set_new(rec, "source",
				json_sprintf("decision %lld of the %s",
					     (long long)pid, body))) {
		json_decref(rec);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	*payload = k->payload(rec, e, pid, cn_date_format(at, date));
	return *payload ? 0 : cn_err_set(err, CN_ENOMEM, "out of memory");
}

/* Fold the event an effect would produce into an empty world: every
 * field the registry will parse (dates, codes, coordinates) is parsed
 * now, so an adoption can never fail on a field nobody checked. */
static int dry_run(const struct effect_kind *k, const json_t *e, size_t idx,
		   int64_t at, struct cn_err *err)
{
	struct cn_world scratch;
	struct cn_event ev = {0};
	struct cn_err why = {0};
	json_t *pl;
	int rc;

	if ((rc = make_event(k, 0, "body", e, at, &pl, err)))
		return rc;
	cn_world_init(&scratch);
	ev.seq = 1;
	ev.time = at;
	ev.actor = (char *)"dry-run";
	ev.et = cn_event_type_get(k->event);
	ev.type = (char *)ev.et->name;
	ev.payload = pl;
	rc = cn_world_apply(&scratch, &ev, &why);
	cn_world_release(&scratch);
	json_decref(pl);
	if (rc == CN_ENOMEM)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if (rc)
		return cn_err_set(err, CN_EINVAL, "effect %zu (%s): %s", idx + 1,
				  k->name, why.msg);
	return 0;
}

int cn_effect_check(const struct cn_world *w, int64_t at, size_t idx,
		    const json_t *e, struct cn_err *err)
{
	const struct effect_kind *k = kind_of(e);
	char names[160];
	int rc;

	if (!json_is_object(e) || !cn_jstr(e, "type"))
		return cn_err_set(err, CN_EINVAL, "effect %zu: needs a type (%s)",
				  idx + 1, kind_names(names, sizeof(names)));
	if (!k)
		return cn_err_set(err, CN_EINVAL,
				  "effect %zu: unknown type '%s' (expected %s)",
				  idx + 1, cn_jstr(e, "type"),
				  kind_names(names, sizeof(names)));
	if ((rc = k->check(w, at, e, err))) {
		cn_err_prefix(err, "effect %zu (%s): ", idx + 1, k->name);
		return rc;
	}
	return k->dry_run ? dry_run(k, e, idx, at, err) : 0;
}

int cn_effects_check(const struct cn_world *w, int64_t at,
		     const json_t *effects, struct cn_err *err)
{
	const json_t *e, *f;
	size_t i;
	int rc;

	if (!json_is_array(effects))
		return cn_err_set(err, CN_EINVAL, "effects must be a list");
	json_array_foreach(effects, i, e) {
		if ((rc = cn_effect_check(w, at, i, e, err)))
			return rc;
		/* Two effects on one office or one state could never both
		 * apply. */
		const char *key = cn_jstr(e, "id") ? "id" : "code";
		for (size_t k = 0; k < i; k++) {
			f = json_array_get(effects, k);
			if (cn_jstr(e, key) && cn_jstr(f, key) &&
			    !strcmp(cn_jstr(e, key), cn_jstr(f, key)) &&
			    !strcmp(cn_jstr(e, "type"), cn_jstr(f, "type")))
				return cn_err_set(err, CN_EREFUSED,
						  "effects %zu and %zu both %s '%s'",
						  k + 1, i + 1, cn_jstr(e, "type"),
						  cn_jstr(e, key));
		}
	}
	return 0;
}

int cn_effect_event(int64_t pid, const char *body, const json_t *e,
		    int64_t at, enum cn_ev *type, json_t **payload,
		    struct cn_err *err)
{
	const struct effect_kind *k = kind_of(e);

	if (!k)
		return cn_err_set(err, CN_EINVAL, "unknown effect type '%s'",
				  cn_jstr(e, "type") ? cn_jstr(e, "type") : "");
	*type = k->event;
	return make_event(k, pid, body, e, at, payload, err);
}
