/* views.c - see views.h. */
#include "views.h"

#include <stdlib.h>
#include <string.h>

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

json_t *cn_view_partners(const struct cn_world *w, const char *framework,
			 int64_t at, struct cn_err *err)
{
	json_t *arr = json_array(), *o;
	char d[CN_TIME_BUF];

	for (size_t i = 0; arr && i < w->npartners; i++) {
		const struct cn_partner *p = &w->partners[i];
		if ((!framework || !strcmp(framework, p->framework)) &&
		    cn_partner_active(p, at))
			json_array_append(arr, p->record);
	}
	o = arr ? json_pack("{s:s, s:o}", "at", cn_date_format(at, d),
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
		 * judged on. */
		json_object_set_new(j, "open", json_boolean(cn_office_open(of, at)));
		json_array_append_new(arr, j);
	}
	o = arr ? json_pack("{s:s, s:I, s:o}", "at",
			    all ? "all" : cn_date_format(at, d), "count",
			    (json_int_t)json_array_size(arr), "offices", arr)
		: NULL;
	return o ? o : oom(err, NULL);
}
