/* person_name.c - who acted, for those who may know; see person_name.h. */
#include "person_name.h"

#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../store/store.h"

struct person_name_row {
	int64_t id;
	char name[CN_PERSON_NAME_MAX + 1];
};

static int keep_row(void *ctx, const struct cn_person *p, struct cn_err *err)
{
	struct person_names *pn = ctx;
	struct person_name_row *v = realloc(pn->v, (pn->n + 1) * sizeof(*v));

	if (!v)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	pn->v = v;
	v[pn->n].id = p->id;
	memcpy(v[pn->n].name, p->name, sizeof(v[pn->n].name));
	pn->n++;
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
	char *end;
	long long id;
	int rc;

	*name = NULL;
	if (!p || !may_know(x, actor))
		return 0;
	id = strtoll(p, &end, 10);
	if (*end || id <= 0)
		return 0; /* not an id this server wrote: names nobody */
	if (!pn->loaded) {
		if ((rc = cn_reader_people(x->rd, keep_row, pn, err)))
			return rc;
		pn->loaded = 1;
	}
	for (size_t i = 0; i < pn->n; i++)
		if (pn->v[i].id == id) {
			*name = pn->v[i].name;
			break;
		}
	return 0;
}

void person_names_free(struct person_names *pn)
{
	free(pn->v);
	pn->v = NULL;
	pn->n = 0;
	pn->loaded = 0;
}
