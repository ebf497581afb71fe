/*
 * api_people.c - the secretariat's people over the API: list them a page
 * at a time, by id (GET /api/v1/people?limit=&after=), make one (POST), disable one (POST
 * /api/v1/people/{id}/disable), as `council person` does from the
 * command line.  Only the secretariat: the public 401, anyone else 403.
 * The password of a new person is checked and hashed here (app/people.h),
 * on the HTTP thread; only its hash goes to the writer.  Neither is ever
 * in an answer.
 */
#include <stdio.h>
#include <string.h>

#include "../app/people.h"
#include "access.h"
#include "handlers.h"
#include "paging.h"
#include "request.h"
#include "submit.h"

#define NEEDS "people are the secretariat's: send its token"
#define ONLY "only the secretariat manages people"

static json_t *person_json(const struct cn_person *p)
{
	return json_pack("{s:I, s:s, s:s, s:s?, s:s, s:s?}", "id",
			 (json_int_t)p->id, "name", p->name, "role", p->role,
			 "code", p->principal[0] ? p->principal : NULL,
			 "created", p->created, "disabled",
			 p->disabled[0] ? p->disabled : NULL);
}

static int add_person(void *ctx, const struct cn_person *p, struct cn_err *err)
{
	json_t *o = person_json(p);

	if (!o || json_array_append_new(ctx, o))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

void h_people(struct ctx *x)
{
	struct cn_err err = {0};
	int64_t limit, after;
	json_t *arr;

	if (may_write(x, CN_ROLE_SECRETARIAT, 0, NEEDS, ONLY) ||
	    page_by_id_args(x, &limit, &after))
		return;
	if ((arr = json_array()) &&
	    cn_reader_people(x->rd, after, limit + 1, add_person, arr, &err)) {
		json_decref(arr);
		reply_err(x, &err);
		return;
	}
	reply_page_by_id(x, arr, limit, "people");
}

static int make_person(struct cn_store *st, int64_t now, void *args,
		       struct cn_err *err)
{
	struct people_args *a = args;

	cn_time_format(now, a->person.created);
	return cn_store_person_add(st, &a->person, now, &a->person.id, err);
}

static void result_person(struct ctx *x, const struct pending *p)
{
	reply_json(x, 201, person_json(&p->a.people.person));
}

void h_person_new(struct ctx *x)
{
	static const char *const fields[] = {"name", "delegation", "password",
					     NULL};
	const char *name, *delegation, *pw;
	struct cn_err err = {0};
	struct cn_person pe;
	struct pending *p;
	json_t *o;

	if (may_write(x, CN_ROLE_SECRETARIAT, 0, NEEDS, ONLY) ||
	    !(o = body_object(x)))
		return;
	if (known_fields(x, o, fields) || field_str(x, o, "name", 1, &name) ||
	    field_str(x, o, "delegation", 0, &delegation) ||
	    field_str(x, o, "password", 1, &pw)) {
		json_decref(o);
		return;
	}
	if (cn_person_make(x->reg, name, delegation, pw,
			   json_string_length(json_object_get(o, "password")),
			   &pe, &err)) {
		json_decref(o);
		reply_err(x, &err);
		return;
	}
	json_decref(o);
	if (!(p = pending_new(x, NULL)))
		return;
	p->a.people.person = pe;
	pending_submit_store(x, p, make_person, result_person);
}

static int disable_person(struct cn_store *st, int64_t now, void *args,
			  struct cn_err *err)
{
	struct people_args *a = args;

	cn_time_format(now, a->when);
	return cn_store_person_disable(st, a->id, now, err);
}

static void result_disabled(struct ctx *x, const struct pending *p)
{
	reply_json(x, 200, json_pack("{s:I, s:s}", "id",
				     (json_int_t)p->a.people.id, "disabled",
				     p->a.people.when));
}

void h_person_disable(struct ctx *x)
{
	struct pending *p;

	if (may_write(x, CN_ROLE_SECRETARIAT, 0, NEEDS, ONLY) ||
	    !(p = pending_new(x, NULL)))
		return;
	p->a.people.id = x->id;
	pending_submit_store(x, p, disable_person, result_disabled);
}
