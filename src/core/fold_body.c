/*
 * fold_body.c - body.amended: a decision changes a body's name, rule,
 * default procedure, silence breaks or membership from a date (see
 * body_decision.h and fold.h).
 *
 * The body's record is rewritten whole, as readers rebuild the registry
 * from records (projection.h): the changed fields take their new values,
 * the membership clause in force on the effective day ends there and the
 * new one starts, and `amendments` keeps each change with what the fields
 * were before, so the record says what was in force on any date
 * (cn_body_field_at).  The body is then parsed again from the new record
 * by the same fold that established it.
 */
#include "fold.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "timeutil.h"

static int corrupt(struct cn_err *err, const struct cn_event *ev,
		   const char *what)
{
	return cn_err_set(err, CN_ECORRUPT, "event %lld (%s): %s",
			  (long long)ev->seq, ev->type, what);
}

/* A clause's bound: absent or null gives dflt. */
static int bound(const json_t *c, const char *key, int64_t dflt, int64_t *out)
{
	const json_t *v = json_object_get(c, key);

	*out = dflt;
	return v && !json_is_null(v)
		       ? cn_date_parse_partial(json_string_value(v) ? json_string_value(v)
								     : "",
					       key, out, NULL, NULL)
		       : 0;
}

/* The membership clauses with the one in force on `eff` closed there and
 * `clause` in force from it, into *out (new reference): 0, CN_EINVAL for
 * a clause whose dates cannot be read, or CN_ENOMEM. */
static int membership_from(const json_t *old, const json_t *clause,
			   int64_t eff, const char *effective, json_t **out)
{
	json_t *a = json_array(), *c, *next;
	const json_t *x;
	size_t i;
	int rc = CN_ENOMEM;

	json_array_foreach(old, i, x) {
		int64_t from, to;
		if (!a)
			break;
		if (bound(x, "from", INT64_MIN, &from) ||
		    bound(x, "to", CN_TIME_NONE, &to)) {
			rc = CN_EINVAL;
			goto fail;
		}
		if (from >= eff)
			continue; /* superseded before it began */
		if (!(c = json_deep_copy(x)))
			goto fail;
		if (to > eff &&
		    json_object_set_new(c, "to", json_string(effective))) {
			json_decref(c);
			goto fail;
		}
		if (json_array_append_new(a, c))
			goto fail;
	}
	if (!a || !(next = json_deep_copy(clause)))
		goto fail;
	json_object_del(next, "to"); /* open: in force until amended again */
	if (json_object_set_new(next, "from", json_string(effective))) {
		json_decref(next);
		goto fail;
	}
	if (json_array_append_new(a, next))
		goto fail;
	*out = a;
	return 0;
fail:
	json_decref(a);
	return rc;
}

/* The amended record into *out (new reference): 0, or an error. */
static int amended_record(const struct cn_body *b, const struct cn_event *ev,
			  json_t **out, struct cn_err *err)
{
	const json_t *pl = ev->payload, *changes = json_object_get(pl, "changes");
	const char *effective = cn_jstr(pl, "effective"), *key;
	const json_t *v, *amends = json_object_get(b->record, "amendments"), *a;
	json_t *rec = json_deep_copy(b->record), *before = json_object(), *entry;
	enum cn_date_precision prec;
	int64_t eff, prev;
	size_t i;
	int rc = CN_ECORRUPT;

	if (!rec || !before)
		goto oom;
	if (!effective ||
	    cn_date_parse_partial(effective, "effective", &eff, &prec, NULL) ||
	    prec != CN_PREC_DAY ||
	    !json_is_object(changes) || json_object_size(changes) == 0) {
		corrupt(err, ev, "needs an effective date and changes");
		goto fail;
	}
	json_array_foreach(amends, i, a)
		if (cn_date_parse_partial(cn_jstr(a, "effective")
						  ? cn_jstr(a, "effective") : "",
					  "effective", &prev, NULL, NULL) ||
		    prev > eff) {
			corrupt(err, ev, "takes effect before an earlier amendment");
			goto fail;
		}
	json_object_foreach((json_t *)changes, key, v) {
		json_t *old = json_object_get(rec, key), *now;
		if (!strcmp(key, "membership")) {
			int mrc = json_is_object(v)
					  ? membership_from(json_object_get(rec, key),
							    v, eff, effective, &now)
					  : CN_EINVAL;
			if (mrc == CN_ENOMEM)
				goto oom;
			if (mrc) {
				corrupt(err, ev, "bad membership clause");
				goto fail;
			}
		} else if (!strcmp(key, "name") || !strcmp(key, "rule") ||
			   !strcmp(key, "procedure") || !strcmp(key, "silence_breaks"))
			now = json_incref((json_t *)v);
		else {
			corrupt(err, ev, "changes a field no amendment changes");
			goto fail;
		}
		if (json_object_set(before, key, old ? old : json_null())) {
			json_decref(now);
			goto oom;
		}
		if (json_object_set_new(rec, key, now))
			goto oom;
	}
	entry = json_pack("{s:s, s:O, s:O, s:O, s:o}", "effective", effective,
			  "decision",
			  json_object_get(pl, "decision") ? json_object_get(pl, "decision")
							 : json_null(),
			  "source",
			  json_object_get(pl, "source") ? json_object_get(pl, "source")
						       : json_null(),
			  "changes", changes, "before", before);
	before = NULL;
	if (!entry)
		goto oom;
	if (!json_object_get(rec, "amendments") &&
	    json_object_set_new(rec, "amendments", json_array())) {
		json_decref(entry);
		goto oom;
	}
	if (json_array_append_new(json_object_get(rec, "amendments"), entry))
		goto oom;
	*out = rec;
	return 0;
oom:
	rc = cn_err_set(err, CN_ENOMEM, "out of memory");
fail:
	json_decref(before);
	json_decref(rec);
	return rc;
}

static void body_free(struct cn_body *b)
{
	cn_rule_free(b->rule);
	for (size_t i = 0; i < b->nclauses; i++)
		free(b->clauses[i].codes);
	free(b->clauses);
	json_decref(b->record);
}

int cn_fold_body_amended(struct cn_world *w, const struct cn_event *ev,
			 struct cn_err *err)
{
	const char *id = cn_jstr(ev->payload, "body");
	struct cn_body *b = id ? (struct cn_body *)cn_world_body(w, id) : NULL;
	struct cn_world scratch;
	struct cn_event est = {0};
	json_t *rec = NULL;
	int rc;

	if (!b)
		return corrupt(err, ev, "no such body");
	if ((rc = amended_record(b, ev, &rec, err)))
		return rc;
	/* Parse the new record as the body's establishment is parsed. */
	cn_world_init(&scratch);
	est.seq = 1;
	est.time = ev->time;
	est.actor = ev->actor;
	est.et = cn_event_type_get(CN_EV_BODY_ESTABLISHED);
	est.type = (char *)est.et->name;
	est.payload = json_pack("{s:o}", "body", rec);
	rc = est.payload ? cn_fold_body(&scratch, &est, err)
			 : cn_err_set(err, CN_ENOMEM, "out of memory");
	if (rc == 0) {
		body_free(b);
		*b = scratch.bodies[0];
		scratch.nbodies = 0; /* moved into the world */
	} else if (rc != CN_ENOMEM)
		rc = cn_err_prefix(err, "event %lld (%s): ", (long long)ev->seq,
				   ev->type);
	json_decref(est.payload);
	cn_world_release(&scratch);
	return rc;
}
