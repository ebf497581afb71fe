/*
 * effect.c - a proposal's registry effects: the table of kinds, their
 * checks, the dry run, and the registry event each becomes on adoption;
 * see effect.h.
 */
#include "effect.h"

#include <stddef.h>
#include <string.h>

#include "body_decision.h"
#include "buf.h"
#include "iso3166.h"
#include "json_alloc.h"
#include "registry_dates.h"
#include "timeutil.h"
#include "world.h"

/* ---- checks, one per kind ------------------------------------------------ *
 * Each runs after check_fields() (below) found the fields present, strings
 * and within bounds, and says what does not fit the registry, without
 * naming the effect; effect_check() puts "effect N (KIND): " in front. */

static int check_open_office(const struct cn_world *w, int64_t at,
			     const json_t *e, struct cn_err *err)
{
	const char *id = cn_jstr(e, "id");
	int64_t v;
	int rc;

	(void)at;
	if (cn_world_office(w, id))
		return cn_err_set(err, CN_EREFUSED,
				  "office id '%s' is already in the registry", id);
	if ((rc = cn_country_check(cn_jstr(e, "country"), "country", err)))
		return rc;
	if (cn_jstr(e, "opened") &&
	    (rc = cn_date_parse_partial(cn_jstr(e, "opened"), "opened", &v, NULL,
					err)))
		return rc;
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
	const struct cn_office *o = cn_world_office(w, id);

	if (!o)
		return cn_err_set(err, CN_ENOTFOUND, "no office '%s'", id);
	if (!cn_office_open(o, at))
		return cn_err_set(err, CN_EREFUSED, "office '%s' is not open",
				  o->id);
	return 0;
}

static int check_admit_member(const struct cn_world *w, int64_t at,
			      const json_t *e, struct cn_err *err)
{
	const char *code = cn_jstr(e, "code");
	int64_t v;
	int rc;

	(void)at;
	if ((rc = cn_country_check(code, "code", err)))
		return rc;
	if (cn_world_member(w, code))
		return cn_err_set(err, CN_EREFUSED, "%s is already a member",
				  code);
	if ((rc = cn_date_parse_partial(cn_jstr(e, "effective"), "effective",
					&v, NULL, err)))
		return rc;
	/* A partner's admission ends its partnership, but only one that has
	 * begun: admitted before it began, the state would be both from the
	 * partnership's first day, which the fold refuses.  Refused here,
	 * so that no proposal is left open that could never be adopted. */
	const struct cn_partner *p = cn_world_partner(w, code);
	struct cn_member m = {.accession = v, .exit = CN_TIME_NONE};
	snprintf(m.code, sizeof(m.code), "%s", code);
	return p ? cn_partner_member_check(p, &m, 1, err) : 0;
}

static int check_add_partner(const struct cn_world *w, int64_t at,
			     const json_t *e, struct cn_err *err)
{
	const char *code = cn_jstr(e, "code");
	int rc;

	(void)at;
	if ((rc = cn_country_check(code, "code", err)))
		return rc;
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

/* What a field holds, which sets its bound. */
enum field_kind {
	F_ID,    /* an office id: CN_EFFECT_ID_MAX */
	F_TEXT,  /* a name, city, framework, kind: CN_EFFECT_TEXT_MAX */
	F_CODE,  /* a country code (checked by the kind): CN_EFFECT_ID_MAX */
	F_DATE,  /* a date (checked by the kind or the dry run): CN_EFFECT_ID_MAX */
	F_COORD, /* a coordinate (checked by the kind): CN_EFFECT_ID_MAX */
	F_RULE,  /* a decision rule (parsed by the kind): CN_EFFECT_NOTE_MAX */
	F_JSON,  /* a list or an object, read by the kind (body_decision.h) */
};

struct field {
	const char *name;
	enum field_kind kind;
	int required;
};

#define FIELDS_MAX 9

static const struct effect_kind {
	const char *name;
	enum cn_effect_kind kind;
	enum cn_ev event;                /* what it becomes on adoption */
	/* Whether to dry-run the event: close-office only names an office,
	 * and check_close_office() already found it. */
	int dry_run;
	/* The fields it names (required first, in the order "needs" lists
	 * them), NULL-terminated; and whether the record it becomes keeps
	 * other fields too (a JSON effect may carry a note). */
	struct field fields[FIELDS_MAX];
	int keeps_others;
	int (*check)(const struct cn_world *w, int64_t at, const json_t *e,
		     struct cn_err *err);
	json_t *(*payload)(json_t *rec, const json_t *e, int64_t pid,
			   const char *date);
} kinds[] = {
	{"open-office", CN_EFFECT_OPEN_OFFICE, CN_EV_OFFICE_OPENED, 1,
	 {{"id", F_ID, 1}, {"name", F_TEXT, 1}, {"city", F_TEXT, 1},
	  {"country", F_CODE, 1}, {"lat", F_COORD, 0}, {"lon", F_COORD, 0},
	  {"kind", F_TEXT, 0}, {"opened", F_DATE, 0}, {NULL, F_ID, 0}}, 1,
	 check_open_office, open_office_payload},
	{"close-office", CN_EFFECT_CLOSE_OFFICE, CN_EV_OFFICE_CLOSED, 0,
	 {{"id", F_ID, 1}, {NULL, F_ID, 0}}, 0,
	 check_close_office, close_office_payload},
	{"admit-member", CN_EFFECT_ADMIT_MEMBER, CN_EV_MEMBER_ADMITTED, 1,
	 {{"code", F_CODE, 1}, {"name", F_TEXT, 1}, {"effective", F_DATE, 1},
	  {NULL, F_ID, 0}}, 1,
	 check_admit_member, admit_member_payload},
	{"add-partner", CN_EFFECT_ADD_PARTNER, CN_EV_PARTNER_ADDED, 1,
	 {{"code", F_CODE, 1}, {"name", F_TEXT, 1}, {"framework", F_TEXT, 1},
	  {"since", F_DATE, 0}, {NULL, F_ID, 0}}, 1,
	 check_add_partner, add_partner_payload},
	{"establish-body", CN_EFFECT_ESTABLISH_BODY, CN_EV_BODY_ESTABLISHED, 1,
	 {{"id", F_ID, 1}, {"name", F_TEXT, 1}, {"rule", F_RULE, 1},
	  {"procedure", F_ID, 0}, {"membership", F_JSON, 0},
	  {"established", F_DATE, 0}, {"silence_breaks", F_JSON, 0},
	  {NULL, F_ID, 0}}, 1,
	 cn_body_establish_check, cn_body_establish_payload},
	/* Its own dry run: an amendment needs the body it amends.  Its
	 * event keeps only the changes, so nothing else may come with it. */
	{"amend-body", CN_EFFECT_AMEND_BODY, CN_EV_BODY_AMENDED, 0,
	 {{"body", F_ID, 1}, {"effective", F_DATE, 0}, {"name", F_TEXT, 0},
	  {"rule", F_RULE, 0}, {"procedure", F_ID, 0},
	  {"silence_breaks", F_JSON, 0}, {"membership", F_JSON, 0},
	  {NULL, F_ID, 0}}, 0,
	 cn_body_amend_check, cn_body_amend_payload},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* Fields the adoption writes into the record (make_event, the payload
 * functions): never the proposer's to give. */
static const char *const adoption_fields[] = {"source", "decision", NULL};

static const struct effect_kind *kind_named(const char *name, size_t len)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (strlen(kinds[i].name) == len && !memcmp(kinds[i].name, name, len))
			return &kinds[i];
	return NULL;
}

static const struct field *field_named(const struct effect_kind *k,
				       const char *name, size_t len)
{
	for (const struct field *f = k->fields; f->name; f++)
		if (strlen(f->name) == len && !memcmp(f->name, name, len))
			return f;
	return NULL;
}

static const struct effect_kind *kind_of(const json_t *e)
{
	const char *type = cn_jstr(e, "type");

	return type ? kind_named(type, strlen(type)) : NULL;
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
	return cn_names_or(buf, n, kinds, NKINDS, sizeof(kinds[0]),
			   offsetof(struct effect_kind, name));
}

/* "id, name, city and country" (the required ones) or "id, name, city,
 * country, lat, lon, kind, opened" (all). */
static const char *field_names(const struct effect_kind *k, int required,
			       char *buf, size_t n)
{
	size_t len = 0, count = 0, i = 0;

	for (const struct field *f = k->fields; f->name; f++)
		count += !required || f->required;
	buf[0] = '\0';
	for (const struct field *f = k->fields; f->name && len < n; f++) {
		if (required && !f->required)
			continue;
		len += (size_t)snprintf(buf + len, n - len, "%s%s",
					i == 0 ? "" : !required || i + 1 < count ? ", "
					: " and ", f->name);
		i++;
	}
	return buf;
}

static int blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/* One value: a string (null when optional), not blank, within max bytes. */
static int check_value(const char *key, const json_t *v, int required,
		       size_t max, struct cn_err *err)
{
	if (json_is_null(v) && !required)
		return 0;
	if (!json_is_string(v))
		return cn_err_set(err, CN_EINVAL, "%s: must be a string", key);
	if (json_string_length(v) > max)
		return cn_err_set(err, CN_EINVAL, "%s: longer than %zu bytes",
				  key, max);
	if (blank(json_string_value(v)))
		return cn_err_set(err, CN_EINVAL, "%s: empty", key);
	return 0;
}

/* What every effect of kind k must be, whatever the registry says (see
 * effect.h): the required fields, strings within their bounds, nothing
 * the adoption writes, and no field the kind's record would not keep. */
static int check_fields(const struct effect_kind *k, const json_t *e,
			struct cn_err *err)
{
	const char *key;
	const json_t *v;
	char names[128];
	int rc;

	for (const struct field *f = k->fields; f->name; f++)
		if (f->required && (!(v = json_object_get(e, f->name)) ||
				    json_is_null(v)))
			return cn_err_set(err, CN_EINVAL, "needs %s",
					  field_names(k, 1, names, sizeof(names)));
	for (const struct field *f = k->fields; f->name; f++) {
		if (!(v = json_object_get(e, f->name)))
			continue;
		if (f->kind == F_JSON) {
			if (!json_is_array(v) && !json_is_object(v))
				return cn_err_set(err, CN_EINVAL,
						  "%s: must be a list or an object",
						  f->name);
			continue;
		}
		if ((rc = check_value(f->name, v, f->required,
				      f->kind == F_TEXT ? CN_EFFECT_TEXT_MAX
				      : f->kind == F_RULE ? CN_EFFECT_NOTE_MAX
							  : CN_EFFECT_ID_MAX, err)))
			return rc;
	}
	json_object_foreach((json_t *)e, key, v) {
		if (!strcmp(key, "type") || field_named(k, key, strlen(key)))
			continue;
		for (const char *const *a = adoption_fields; *a; a++)
			if (!strcmp(key, *a))
				return cn_err_set(err, CN_EINVAL,
						  "%s: set by the adoption, not by "
						  "the effect", key);
		if (!k->keeps_others)
			return cn_err_set(err, CN_EINVAL,
					  "%s has no field '%s' (its fields: %s)",
					  k->name, key,
					  field_names(k, 0, names, sizeof(names)));
		if ((rc = check_value(key, v, 0, CN_EFFECT_NOTE_MAX, err)))
			return rc;
	}
	return 0;
}

int cn_effect_parse(const char *spec, json_t **out, struct cn_err *err)
{
	const struct effect_kind *k;
	const char *colon = strchr(spec, ':'), *p;
	size_t tlen = colon ? (size_t)(colon - spec) : strlen(spec);
	char names[128];
	json_t *o;

	*out = NULL;
	if (spec[0] == '{') {
		json_error_t je;
		int oom = 0;
		o = cn_json_loadb(spec, strlen(spec), JSON_REJECT_DUPLICATES, &je,
				  &oom);
		if (oom)
			return cn_err_set(err, CN_ENOMEM, "effect: out of memory "
					  "reading the JSON object");
		if (!json_is_object(o)) {
			json_decref(o);
			return cn_err_set(err, CN_EINVAL,
					  "effect: not a JSON object%s%s",
					  o ? "" : ": ", o ? "" : je.text);
		}
		*out = o;
		return 0;
	}
	if (!(k = kind_named(spec, tlen)))
		return cn_err_set(err, CN_EINVAL,
				  "effect: unknown type '%.*s' (expected %s)",
				  (int)tlen, spec, kind_names(names, sizeof(names)));
	if (!(o = json_pack("{s:s}", "type", k->name)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	for (p = colon ? colon + 1 : NULL; p;) {
		const char *end = p + strcspn(p, ",");
		const char *eq = memchr(p, '=', (size_t)(end - p));
		const struct field *f = eq ? field_named(k, p, (size_t)(eq - p)) : NULL;
		json_t *v;
		int rc = 0;

		if (!eq || eq == p)
			rc = cn_err_set(err, CN_EINVAL,
					"effect %s: expected key=value at '%.*s'",
					k->name, (int)(end - p), p);
		else if (!f)
			rc = cn_err_set(err, CN_EINVAL,
					"effect %s: unknown key '%.*s' (its keys: %s)",
					k->name, (int)(eq - p), p,
					field_names(k, 0, names, sizeof(names)));
		else if (json_object_get(o, f->name))
			rc = cn_err_set(err, CN_EINVAL,
					"effect %s: duplicate key '%s'", k->name,
					f->name);
		else if (!(v = json_stringn(eq + 1, (size_t)(end - eq - 1))))
			rc = cn_err_set(err, CN_EINVAL,
					"effect %s: the value of '%s' is not UTF-8",
					k->name, f->name);
		else if (json_object_set_new(o, f->name, v))
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
		if (rc) {
			json_decref(o);
			return rc;
		}
		p = *end ? end + 1 : NULL;
	}
	*out = o;
	return 0;
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
	if ((rc = check_fields(k, e, err)) || (rc = k->check(w, at, e, err))) {
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
			if (!cn_jstr(e, key) || !cn_jstr(f, key) ||
			    strcmp(cn_jstr(e, key), cn_jstr(f, key)))
				continue;
			/* admit-member and add-partner of one state: it
			 * would be both at once. */
			if (!strcmp(key, "code") &&
			    strcmp(cn_jstr(e, "type"), cn_jstr(f, "type")))
				return cn_err_set(err, CN_EREFUSED,
						  "effects %zu and %zu: %s "
						  "cannot be both a member and a "
						  "partner", k + 1, i + 1,
						  cn_jstr(e, key));
			if (!strcmp(cn_jstr(e, "type"), cn_jstr(f, "type")))
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
