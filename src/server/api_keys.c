/* api_keys.c - POST /api/v1/keys {"vkey"}: a member delegation registers
 * (or rotates) the key it signs its positions with, as a key.registered
 * event written like every other write (submit.h). */
#include "access.h"
#include "handlers.h"
#include "request.h"
#include "submit.h"

static int register_key_fn(const struct cn_world *w, int64_t now,
			   const void *a, struct cn_outbox *box,
			   struct cn_err *err)
{
	const struct key_args *k = a;
	return cn_cmd_register_key(w, now, k->member, k->vkey, box, err);
}

/* 201 {"member", "vkey"}: what was registered. */
static void result_key(struct ctx *x, const struct pending *p)
{
	reply_json(x, 201, json_pack("{s:s, s:s}", "member", p->a.key.member,
				     "vkey", p->a.key.vkey));
}

void h_keys(struct ctx *x)
{
	static const char *const fields[] = {"vkey", NULL};
	const char *vkey;
	struct pending *p;
	json_t *o;

	if (may_write(x, CN_ROLE_MEMBER, 0,
		      "registering a key needs a delegation's token",
		      "only a member delegation registers its signing key") ||
	    !(o = body_object(x)))
		return;
	if (known_fields(x, o, fields) || field_str(x, o, "vkey", 1, &vkey)) {
		json_decref(o);
		return;
	}
	if (!(p = pending_new(x, o)))
		return;
	p->a.key.member = p->member;
	p->a.key.vkey = vkey;
	pending_submit(x, p, register_key_fn, -1, result_key);
}
