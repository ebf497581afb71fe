/* owner.c - see owner.h. */
#include "owner.h"

int owner_read(struct ctx *x, struct cn_store *st, const char *why,
	       int64_t *owner)
{
	struct cn_err err = {0};
	int rc;

	if (x->who.role == CN_ROLE_PUBLIC) {
		reply_error(x, 401, "unauthorized", "%s", why);
		return -1;
	}
	if (!x->who.person) {
		*owner = x->who.token_id;
		return 0;
	}
	rc = cn_store_person_holder(st, x->who.person, 0, 0, owner, &err);
	if (rc == CN_ENOTFOUND)
		return 1;
	if (rc) {
		reply_err(x, &err);
		return -1;
	}
	return 0;
}

int owner_job(struct cn_store *st, int64_t person, int64_t now,
	      int64_t *owner, struct cn_err *err)
{
	if (!person)
		return 0;
	return cn_store_person_holder(st, person, 1, now, owner, err);
}
