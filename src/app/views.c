/* views.c - see views.h. */
#include "views.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/procedure.h"
#include "../core/timeutil.h"

static json_t *oom(struct cn_err *err, json_t *partial)
{
	json_decref(partial);
	cn_err_set(err, CN_ENOMEM, "out of memory");
	return NULL;
}

json_t *cn_view_members(const struct cn_world *w, const char *body, int64_t at,
			int all, struct cn_err *err)
{
	const struct cn_body *b = NULL;
	json_t *arr = json_array(), *o;
	char d[CN_TIME_BUF];

	if (body && !(b = cn_world_body(w, body))) {
		json_decref(arr);
		cn_err_set(err, CN_ENOTFOUND, "unknown body '%s'", body);
		return NULL;
	}
	for (size_t i = 0; arr && i < w->nmembers; i++) {
		const struct cn_member *m = &w->members[i];
		if (all || (b ? cn_body_has(w, b, m->code, at)
			      : cn_member_active(m, at)))
			json_array_append(arr, m->record);
	}
	if (!arr)
		return oom(err, NULL);
	o = json_pack("{s:s, s:s?, s:s?, s:I, s:o}", "at",
		      all ? "all" : cn_date_format(at, d), "body",
		      b ? b->id : NULL, "body_name", b ? b->name : NULL,
		      "count", (json_int_t)json_array_size(arr), "members", arr);
	return o ? o : oom(err, NULL);
}

json_t *cn_view_bodies(const struct cn_world *w, int64_t at,
		       struct cn_err *err)
{
	json_t *arr = json_array(), *o;
	char d[CN_TIME_BUF];

	for (size_t i = 0; arr && i < w->nbodies; i++) {
		const struct cn_body *b = &w->bodies[i];
		const struct cn_member **ms;
		size_t n = 0;
		json_t *x = json_deep_copy(b->record);
		if (!x || cn_body_members(w, b, at, &ms, &n))
			return oom(err, arr);
		free(ms);
		json_object_set_new(x, "members_on_date", json_integer((json_int_t)n));
		json_object_set_new(x, "exists_on_date",
				    json_boolean(cn_body_exists(b, at)));
		json_array_append_new(arr, x);
	}
	o = arr ? json_pack("{s:s, s:o}", "at", cn_date_format(at, d), "bodies",
			    arr) : NULL;
	return o ? o : oom(err, NULL);
}

/* j.date_unknown[field] = {"bound": the record key the unknown day is
 * counted from, or null when it is counted from nothing, "date": that
 * key's value}.  0, or -1 when out of memory. */
static int date_unknown(json_t *j, const json_t *rec, const char *field,
			const char *bound)
{
	json_t *all = json_object_get(j, "date_unknown");
	json_t *x = json_pack("{s:s?, s:O}", "bound", bound, "date",
			      bound ? json_object_get(rec, bound) : json_null());

	if (!x)
		return -1;
	if (!all) {
		if (json_object_set_new(j, "date_unknown", json_object())) {
			json_decref(x);
			return -1;
		}
		all = json_object_get(j, "date_unknown");
	}
	return json_object_set_new(all, field, x) ? -1 : 0;
}

/* The period a record without periods stands for: active from since. */
static json_t *implied_period(const json_t *rec)
{
	const json_t *since = json_object_get(rec, "since");
	const json_t *until = json_object_get(rec, "until");
	return json_pack("{s:s, s:O, s:O}", "status", "active", "from",
			 since ? since : json_null(), "to",
			 until ? until : json_null());
}

/* A partner's record as of `at`: its status that day and the period
 * that gives it, and how an unknown start is counted. */
static json_t *partner_json(const struct cn_partner *p, int64_t at)
{
	const struct cn_partner_period *per;
	enum cn_partner_status st = cn_partner_status_at(p, at, &per);
	json_t *j = json_deep_copy(p->record);
	json_t *pj = per && per->record ? json_deep_copy(per->record)
					: implied_period(p->record);
	int bad = !j || !pj;

	if (!bad && (json_object_set_new(j, "status",
					 json_string(cn_partner_status_name(st))) ||
		     json_object_set(j, "status_period", pj)))
		bad = 1;
	/* The page names the day a suspension began. */
	if (!bad && st == CN_PARTNER_SUSPENDED &&
	    json_object_set(j, "suspended_since", json_object_get(pj, "from")))
		bad = 1;
	if (!bad && !json_is_string(json_object_get(p->record, "since")) &&
	    date_unknown(j, p->record, "since", p->since_bound))
		bad = 1;
	json_decref(pj);
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

json_t *cn_view_partners(const struct cn_world *w, const char *framework,
			 int64_t at, struct cn_err *err)
{
	json_t *arr = json_array(), *o;
	char d[CN_TIME_BUF];

	for (size_t i = 0; arr && i < w->npartners; i++) {
		const struct cn_partner *p = &w->partners[i];
		json_t *j;
		if ((framework && strcmp(framework, p->framework)) ||
		    !cn_partner_on(p, at))
			continue;
		if (!(j = partner_json(p, at)) || json_array_append_new(arr, j))
			return oom(err, arr);
	}
	o = arr ? json_pack("{s:s, s:I, s:o}", "at", cn_date_format(at, d),
			    "count", (json_int_t)json_array_size(arr),
			    "partners", arr) : NULL;
	return o ? o : oom(err, NULL);
}

json_t *cn_view_offices(const struct cn_world *w, int64_t at, int all,
			struct cn_err *err)
{
	json_t *arr = json_array(), *o;
	char d[CN_TIME_BUF];

	for (size_t i = 0; arr && i < w->noffices; i++) {
		const struct cn_office *of = &w->offices[i];
		if (!all && !cn_office_open(of, at))
			continue;
		/* A closed office is judged as it stood while open. */
		int64_t when = all && of->closed != CN_TIME_NONE ? of->closed - 1 : at;
		json_t *j = cn_office_json(w, of, when);
		if (!j)
			return oom(err, arr);
		/* Open or not on the date asked, whatever date the area was
		 * judged on; and how an unknown day is counted. */
		if (json_object_set_new(j, "open",
					json_boolean(cn_office_open(of, at))) ||
		    json_object_set_new(j, "status",
					json_string(cn_office_state_name(
						cn_office_state_at(of, at)))) ||
		    (!json_is_string(json_object_get(of->record, "opened")) &&
		     date_unknown(j, of->record, "opened", of->opened_bound)) ||
		    (of->closed_bound &&
		     date_unknown(j, of->record, "closed", of->closed_bound))) {
			json_decref(j);
			return oom(err, arr);
		}
		if (json_array_append_new(arr, j))
			return oom(err, arr);
	}
	o = arr ? json_pack("{s:s, s:I, s:o}", "at",
			    all ? "all" : cn_date_format(at, d), "count",
			    (json_int_t)json_array_size(arr), "offices", arr)
		: NULL;
	return o ? o : oom(err, NULL);
}

json_t *cn_view_cut_by_id(json_t *items, int64_t limit)
{
	assert(limit >= 1);
	if (json_array_size(items) <= (size_t)limit)
		return json_null();
	while (json_array_size(items) > (size_t)limit)
		json_array_remove(items, (size_t)limit);
	return json_incref(json_object_get(
		json_array_get(items, (size_t)limit - 1), "id"));
}

int cn_view_page(json_t *view, const char *list, const char *key,
		 const char *after, int64_t limit, const char **next,
		 struct cn_err *err)
{
	json_t *all = json_object_get(view, list), *page, *last = NULL;
	size_t start = 0, end;
	const size_t n = json_array_size(all);

	assert(limit >= 1 && limit <= CN_VIEW_PAGE_MAX);
	*next = NULL;
	if (after) {
		const char *k;
		while (start < n &&
		       (!(k = cn_jstr(json_array_get(all, start), key)) ||
			strcmp(after, k)))
			start++;
		if (start == n)
			return cn_err_set(err, CN_EINVAL, "no item '%s' in this "
					  "list", after);
		start++;
	}
	end = n - start > (size_t)limit ? start + (size_t)limit : n;
	if (!(page = json_array()))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	for (size_t i = start; i < end; i++)
		if (json_array_append(page, json_array_get(all, i))) {
			json_decref(page);
			return cn_err_set(err, CN_ENOMEM, "out of memory");
		}
	if (end < n && end > start &&
	    !(last = json_string(cn_jstr(json_array_get(all, end - 1), key)))) {
		json_decref(page);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	if (json_object_set_new(view, "count",
				json_integer((json_int_t)(end - start))) ||
	    json_object_set_new(view, "next", last ? last : json_null()) ||
	    json_object_set_new(view, list, page))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	*next = last ? json_string_value(last) : NULL;
	return 0;
}
