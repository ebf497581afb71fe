/* person_name.c - who acted, for those who may know; see person_name.h. */
#include "person_name.h"

#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../store/store.h"

struct person_name_row {
	int64_t id;
	char name[CN_PERSON_NAME_MAX + 1]; /* "" when no person has the id */
};

/* The row of person id, read from the store the first time. */
static int person_row(struct ctx *x, struct person_names *pn, int64_t id,
		      const struct person_name_row **out, struct cn_err *err)
{
	struct person_name_row *v;
	struct cn_person p;
	int rc;

	for (size_t i = 0; i < pn->n; i++)
		if (pn->v[i].id == id) {
			*out = &pn->v[i];
			return 0;
		}
	rc = cn_reader_person_id(x->rd, id, &p, err);
	if (rc && rc != CN_ENOTFOUND)
		return rc;
	if (!(v = realloc(pn->v, (pn->n + 1) * sizeof(*v))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	pn->v = v;
	v[pn->n].id = id;
	memcpy(v[pn->n].name, rc ? "" : p.name, rc ? 1 : sizeof(v[pn->n].name));
	*out = &v[pn->n++];
	return 0;
}

/* Whether x->who may know who acted as `actor`: the secretariat always; a
 * member for its own delegation's people ("delegation:FR person:"). */
static int may_know(const struct ctx *x, const char *actor)
{
	static const char deleg[] = "delegation:";
	size_t n;

	if (x->who.role == CN_ROLE_SECRETARIAT)
		return 1;
	if (x->who.role != CN_ROLE_MEMBER ||
	    strncmp(actor, deleg, sizeof(deleg) - 1))
		return 0;
	actor += sizeof(deleg) - 1;
	n = strlen(x->who.code);
	return n && !strncmp(actor, x->who.code, n) &&
	       !strncmp(actor + n, CN_ACTOR_PERSON, sizeof(CN_ACTOR_PERSON) - 1);
}

int person_name(struct ctx *x, struct person_names *pn, const char *actor,
		const char **name, struct cn_err *err)
{
	const char *p = cn_actor_person(actor);
	const struct person_name_row *row;
	char *end;
	long long id;
	int rc;

	*name = NULL;
	if (!p || !may_know(x, actor))
		return 0;
	id = strtoll(p, &end, 10);
	if (*end || id <= 0)
		return 0; /* not an id this server wrote: names nobody */
	if ((rc = person_row(x, pn, id, &row, err)))
		return rc;
	if (row->name[0])
		*name = row->name;
	return 0;
}

void person_names_free(struct person_names *pn)
{
	free(pn->v);
	pn->v = NULL;
	pn->n = 0;
}
