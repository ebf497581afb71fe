/* api_registry.c - the routes everyone reads alike: health, whoami and
 * the registry as of a date (views.h builds the documents). */
#include "../app/views.h"
#include "handlers.h"
#include "paging.h"
#include "request.h"
#include "standby.h"
#include "writer.h"

static void reply_view(struct ctx *x, json_t *v, struct cn_err *err)
{
	if (!v)
		reply_err(x, err);
	else
		reply_json(x, 200, v);
}

/* A registry list a page at a time (paging.h), keyed by `key`. */
static void reply_list(struct ctx *x, json_t *v, const char *list,
		       const char *key, const char *const *names,
		       struct cn_err *err)
{
	if (!v)
		reply_err(x, err);
	else if ((v = page_registry(x, v, list, key, names)))
		reply_json(x, 200, v);
}

void h_health(struct ctx *x)
{
	/* clock_leader: whether this server's clock concludes deadlines
	 * (writer.h); with several servers on one database, one does. */
	json_t *h = json_pack("{s:b, s:b}", "ok", 1, "clock_leader",
			      writer_leads(x->api->writer));
	/* --read-db: the standby's state, lag, and where reads go. */
	if (h && x->api->standby)
		json_object_set_new(h, "read_db", standby_health(x->api->standby));
	reply_json(x, 200, h);
}

/* The principal (with its member's or partner's name in the registry),
 * and the alliance the store records (its id and name, for the page's
 * header; null before alliance.founded). */
void h_whoami(struct ctx *x)
{
	const json_t *a = x->reg->alliance;
	const struct cn_member *m = NULL;
	const struct cn_partner *p = NULL;
	json_t *alliance = a ? json_pack("{s:O?, s:O?}", "id", json_object_get(a, "id"),
					 "name", json_object_get(a, "name"))
			     : NULL;

	if (x->who.role == CN_ROLE_MEMBER)
		m = cn_world_member(x->reg, x->who.code);
	else if (x->who.role == CN_ROLE_PARTNER)
		p = cn_world_partner(x->reg, x->who.code);
	json_t *who = json_pack("{s:s, s:s?, s:s?, s:o?}", "role",
				cn_role_name(x->who.role), "code",
				x->who.code[0] ? x->who.code : NULL, "name",
				m ? m->name : p ? p->name : NULL, "alliance",
				alliance);
	/* A person's session: who, and the CSRF token its writes need, so
	 * the page learns both in the one read it makes at load. */
	if (who && x->who.person) {
		json_object_set_new(who, "person", json_pack(
			"{s:I, s:s}", "id", (json_int_t)x->who.person, "name",
			x->who.person_name));
		json_object_set_new(who, "csrf", json_string(x->who.csrf));
	}
	reply_json(x, 200, who);
}

void h_members(struct ctx *x)
{
	static const char *const names[] = {"at", "body", "all", "limit", NULL};
	struct cn_err err = {0};
	int64_t at;
	int all;
	const char *body = x->req->arg(x->req, "body");
	if (arg_at(x, &at) || arg_switch(x, "all", 0, &all))
		return;
	reply_list(x, cn_view_members(x->reg, body, at, all, &err), "members",
		   "code", names, &err);
}

void h_bodies(struct ctx *x)
{
	struct cn_err err = {0};
	int64_t at;
	if (arg_at(x, &at))
		return;
	reply_view(x, cn_view_bodies(x->reg, at, &err), &err);
}

void h_partners(struct ctx *x)
{
	struct cn_err err = {0};
	int64_t at;
	if (arg_at(x, &at))
		return;
	static const char *const names[] = {"at", "framework", "limit", NULL};
	reply_list(x, cn_view_partners(x->reg, x->req->arg(x->req, "framework"),
				       at, &err), "partners", "code", names, &err);
}

void h_offices(struct ctx *x)
{
	static const char *const names[] = {"at", "all", "limit", NULL};
	struct cn_err err = {0};
	int64_t at;
	int all;
	if (arg_at(x, &at) || arg_switch(x, "all", 0, &all))
		return;
	reply_list(x, cn_view_offices(x->reg, at, all, &err), "offices", "id",
		   names, &err);
}
