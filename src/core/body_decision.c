/*
 * body_decision.c - bodies established and amended by decision; see
 * body_decision.h.
 */
#include "body_decision.h"

#include <string.h>

#include "buf.h"
#include "silence.h"
#include "timeutil.h"
#include "world.h"

/* The fields an amendment may change, and the dataset's spelling of them. */
static const char *const amendable[] = {"name", "rule", "procedure",
					"silence_breaks", "membership", NULL};

/* A body id: 1 to 15 of A-Z, a-z, 0-9, '-' (struct cn_body's id). */
static int id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

/* The checks both effects share: each field given has its type. */
static int fields_check(const json_t *e, struct cn_err *err)
{
	const json_t *v;
	enum cn_proc proc;
	unsigned bits;
	struct cn_rule *r;

	if ((v = json_object_get(e, "name")) &&
	    (!json_is_string(v) || !*json_string_value(v)))
		return cn_err_set(err, CN_EINVAL, "name must be a non-empty string");
	if ((v = json_object_get(e, "rule"))) {
		if (!json_is_string(v))
			return cn_err_set(err, CN_EINVAL, "rule must be a string");
		if (cn_rule_parse(json_string_value(v), &r, err))
			return CN_EINVAL;
		cn_rule_free(r);
	}
	if ((v = json_object_get(e, "procedure")) &&
	    (!json_is_string(v) || cn_proc_parse(json_string_value(v), &proc)))
		return cn_err_set(err, CN_EINVAL,
				  "procedure must be meeting, silence or "
				  "ratification");
	if ((v = json_object_get(e, "silence_breaks")) &&
	    cn_silence_breaks_parse(v, &bits, err))
		return CN_EINVAL;
	return 0;
}

/* ---- establish-body ----------------------------------------------------- */

int cn_body_establish_check(const struct cn_world *w, int64_t at,
			    const json_t *e, struct cn_err *err)
{
	const char *id = cn_jstr(e, "id");
	const json_t *ms = json_object_get(e, "membership");

	(void)at;
	if (!id || !cn_jstr(e, "name") || !cn_jstr(e, "rule"))
		return cn_err_set(err, CN_EINVAL, "needs id, name and rule");
	if (!id_ok(id))
		return cn_err_set(err, CN_EINVAL,
				  "id '%s' must be 1 to 15 letters, digits or '-'",
				  id);
	if (cn_world_body(w, id))
		return cn_err_set(err, CN_EREFUSED,
				  "a body '%s' is already in the registry", id);
	if (ms && (!json_is_array(ms) || json_array_size(ms) == 0))
		return cn_err_set(err, CN_EINVAL,
				  "membership must be a list of clauses");
	return fields_check(e, err);
}

json_t *cn_body_establish_payload(json_t *rec, const json_t *e, int64_t pid,
				  const char *date)
{
	(void)e;
	if ((!json_object_get(rec, "procedure") &&
	     json_object_set_new(rec, "procedure", json_string("meeting"))) ||
	    (!json_object_get(rec, "membership") &&
	     json_object_set_new(rec, "membership",
				 json_pack("[{s:s}]", "kind", "all"))) ||
	    (!json_object_get(rec, "established") &&
	     json_object_set_new(rec, "established", json_string(date))) ||
	    json_object_set_new(rec, "decision", json_integer(pid))) {
		json_decref(rec);
		return NULL;
	}
	return json_pack("{s:o}", "body", rec);
}

/* ---- amend-body ----------------------------------------------------------- */

/* The day `at` falls on, at midnight UTC. */
static int64_t day_of(int64_t at)
{
	int64_t d = at % 86400;
	return at - (d < 0 ? d + 86400 : d);
}

/* Fold the body as it stands and the amendment the effect becomes into a
 * scratch world: every field is then read as the registry will read it. */
static int amend_dry_run(const struct cn_body *b, const json_t *e, int64_t at,
			 struct cn_err *err)
{
	struct cn_world scratch;
	struct cn_event ev = {0};
	char date[CN_TIME_BUF];
	json_t *rec = json_deep_copy(e), *pl[2];
	int rc = 0;

	if (!rec || json_object_del(rec, "type") ||
	    json_object_set_new(rec, "source", json_string("dry run"))) {
		json_decref(rec);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	pl[0] = json_pack("{s:O}", "body", b->record);
	pl[1] = cn_body_amend_payload(rec, e, 0, cn_date_format(at, date));
	cn_world_init(&scratch);
	for (int i = 0; i < 2 && rc == 0; i++) {
		if (!pl[i]) {
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
			break;
		}
		ev.seq = i + 1;
		ev.time = at;
		ev.actor = (char *)"dry-run";
		ev.et = cn_event_type_get(i ? CN_EV_BODY_AMENDED
					    : CN_EV_BODY_ESTABLISHED);
		ev.type = (char *)ev.et->name;
		ev.payload = pl[i];
		rc = cn_world_apply(&scratch, &ev, err);
	}
	cn_world_release(&scratch);
	json_decref(pl[0]);
	json_decref(pl[1]);
	return rc == CN_ENOMEM || rc == 0 ? rc : cn_err_recode(err, CN_EINVAL);
}

int cn_body_amend_check(const struct cn_world *w, int64_t at, const json_t *e,
			struct cn_err *err)
{
	const char *id = cn_jstr(e, "body"), *eff = cn_jstr(e, "effective");
	const struct cn_body *b = id ? cn_world_body(w, id) : NULL;
	char d[CN_TIME_BUF];
	int64_t t;
	int changes = 0, rc;

	if (!b)
		return cn_err_set(err, CN_ENOTFOUND, "no body '%s'", id ? id : "");
	if (!cn_body_exists(b, at))
		return cn_err_set(err, CN_EREFUSED, "the %s does not exist on %s",
				  b->name, cn_date_format(at, d));
	for (int i = 0; amendable[i]; i++)
		changes += json_object_get(e, amendable[i]) != NULL;
	if (!changes)
		return cn_err_set(err, CN_EINVAL,
				  "changes nothing: give name, rule, procedure, "
				  "silence_breaks or membership");
	if (json_object_get(e, "effective")) {
		enum cn_date_precision prec;
		if (!eff || cn_date_parse_partial(eff, "effective", &t, &prec, NULL) ||
		    prec != CN_PREC_DAY)
			return cn_err_set(err, CN_EINVAL,
					  "effective must be a day (YYYY-MM-DD)");
		if (t < day_of(at))
			return cn_err_set(err, CN_EREFUSED,
					  "effective %s is before the decision "
					  "(%s): a body's rules change from its "
					  "decision on, never before", eff,
					  cn_date_format(at, d));
	}
	if ((rc = fields_check(e, err)))
		return rc;
	if (json_object_get(e, "membership") &&
	    !json_is_object(json_object_get(e, "membership")))
		return cn_err_set(err, CN_EINVAL,
				  "membership must be one clause {kind, except "
				  "or members}, in force from the amendment");
	return amend_dry_run(b, e, at, err);
}

json_t *cn_body_amend_payload(json_t *rec, const json_t *e, int64_t pid,
			      const char *date)
{
	json_t *changes = json_object(), *pl;

	(void)e;
	for (int i = 0; changes && amendable[i]; i++) {
		json_t *v = json_object_get(rec, amendable[i]);
		if (v && json_object_set(changes, amendable[i], v)) {
			json_decref(changes);
			changes = NULL;
		}
	}
	pl = changes ? json_pack("{s:O, s:s, s:o, s:I, s:O}", "body",
				 json_object_get(rec, "body"), "effective",
				 cn_jstr(rec, "effective") ? cn_jstr(rec, "effective")
							   : date,
				 "changes", changes, "decision", (json_int_t)pid,
				 "source", json_object_get(rec, "source"))
		     : NULL;
	json_decref(rec);
	return pl;
}

/* ---- the record on a date ------------------------------------------------ */

const json_t *cn_body_field_at(const struct cn_body *b, const char *field,
			       int64_t at)
{
	const json_t *amends = json_object_get(b->record, "amendments");
	const json_t *v = json_object_get(b->record, field);

	/* From the latest amendment back: each that had not taken effect on
	 * `at` gives back what the field was before it. */
	for (size_t i = json_array_size(amends); i-- > 0;) {
		const json_t *a = json_array_get(amends, i), *before;
		int64_t eff;
		if (cn_date_parse_partial(cn_jstr(a, "effective")
						  ? cn_jstr(a, "effective") : "",
					  "effective", &eff, NULL, NULL) ||
		    at >= eff)
			break;
		before = json_object_get(a, "before");
		if (json_object_get(before, field))
			v = json_object_get(before, field);
	}
	return v && !json_is_null(v) ? v : NULL;
}
