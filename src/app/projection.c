/*
 * projection.c - rows from the world, and worlds from the store; see
 * projection.h.
 */
#include "projection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/canon_parse.h"
#include "../core/json_alloc.h"
#include "../core/proposal_view.h"
#include "../core/snapshot.h"
#include "../core/timeutil.h"

/* ---- values and rows --------------------------------------------------------- */

static struct cn_value text(const char *s)
{
	if (!s)
		return (struct cn_value){.type = CN_VAL_NULL};
	return (struct cn_value){.type = CN_VAL_TEXT, .s = s, .len = strlen(s)};
}

static struct cn_value integer(int64_t i)
{
	return (struct cn_value){.type = CN_VAL_INT, .i = i};
}

static const char *rs(const json_t *rec, const char *k)
{
	return json_string_value(json_object_get(rec, k));
}

/* A row being built, with the memory its values point into. */
struct rowbuf {
	struct cn_row row;
	char *record;  /* a registry record, canonical */
	json_t *doc;   /* a proposal's view */
	char *doctext; /* ... canonical */
	char at[CN_TIME_BUF];
};

static void rowbuf_release(struct rowbuf *rb)
{
	free(rb->record);
	free(rb->doctext);
	json_decref(rb->doc);
	memset(rb, 0, sizeof(*rb));
}

/* Set the last column, the record, to its canonical JSON. */
static int put_record(struct rowbuf *rb, unsigned col, const json_t *rec,
		      struct cn_err *err)
{
	size_t len;
	int rc = cn_canon_dump(rec, &rb->record, &len, err);
	if (rc == 0)
		rb->row.v[col] = (struct cn_value){.type = CN_VAL_TEXT,
						   .s = rb->record, .len = len};
	return rc;
}

static int alliance_row(const json_t *a, struct rowbuf *rb, struct cn_err *err)
{
	rb->row.table = CN_TAB_ALLIANCE;
	rb->row.v[0] = text(rs(a, "id"));
	return put_record(rb, 1, a, err);
}

static int member_row(const struct cn_member *m, struct rowbuf *rb,
		      struct cn_err *err)
{
	rb->row.table = CN_TAB_MEMBERS;
	rb->row.v[0] = text(m->code);
	rb->row.v[1] = text(m->name);
	rb->row.v[2] = text(rs(m->record, "accession"));
	rb->row.v[3] = text(rs(m->record, "exit"));
	return put_record(rb, 4, m->record, err);
}

static int partner_row(const struct cn_partner *p, struct rowbuf *rb,
		       struct cn_err *err)
{
	rb->row.table = CN_TAB_PARTNERS;
	rb->row.v[0] = text(p->code);
	rb->row.v[1] = text(p->name);
	rb->row.v[2] = text(p->framework);
	rb->row.v[3] = text(rs(p->record, "since"));
	rb->row.v[4] = text(rs(p->record, "until"));
	return put_record(rb, 5, p->record, err);
}

static int body_row(const struct cn_body *b, struct rowbuf *rb,
		    struct cn_err *err)
{
	rb->row.table = CN_TAB_BODIES;
	rb->row.v[0] = text(b->id);
	rb->row.v[1] = text(b->name);
	rb->row.v[2] = text(b->rule_src);
	rb->row.v[3] = text(b->procedure);
	rb->row.v[4] = text(rs(b->record, "established"));
	rb->row.v[5] = text(rs(b->record, "dissolved"));
	return put_record(rb, 6, b->record, err);
}

static int office_row(const struct cn_office *o, struct rowbuf *rb,
		      struct cn_err *err)
{
	rb->row.table = CN_TAB_OFFICES;
	rb->row.v[0] = text(o->id);
	rb->row.v[1] = text(o->name);
	rb->row.v[2] = text(o->country);
	rb->row.v[3] = text(rs(o->record, "lat"));
	rb->row.v[4] = text(rs(o->record, "lon"));
	rb->row.v[5] = text(rs(o->record, "opened"));
	rb->row.v[6] = text(rs(o->record, "closed"));
	rb->row.v[7] = integer(o->decision);
	return put_record(rb, 8, o->record, err);
}

/* The proposal's row: its whole view, and the columns queries use. */
static int proposal_row(const struct cn_world *w, const struct cn_proposal *p,
			struct rowbuf *rb, struct cn_err *err)
{
	size_t len;
	int rc;

	if (!(rb->doc = cn_proposal_json(w, p)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if ((rc = cn_canon_dump(rb->doc, &rb->doctext, &len, err)))
		return rc;
	rb->row.table = CN_TAB_PROPOSALS;
	rb->row.v[0] = integer(p->id);
	rb->row.v[1] = text(p->body);
	rb->row.v[2] = text(p->title);
	rb->row.v[3] = text(cn_proc_name(p->proc));
	rb->row.v[4] = text(p->concluded ? "concluded" : "open");
	rb->row.v[5] = text(p->outcome);
	rb->row.v[6] = text(rs(rb->doc, "explanation"));
	rb->row.v[7] = text(rs(rb->doc, "opened"));
	rb->row.v[8] = text(rs(rb->doc, "deadline"));
	rb->row.v[9] = text(rs(rb->doc, "concluded"));
	rb->row.v[10] = integer(p->revision);
	rb->row.v[11] = integer(p->shared);
	rb->row.v[12] = (struct cn_value){.type = CN_VAL_TEXT, .s = rb->doctext,
					  .len = len};
	return 0;
}

/* A ballot's row; only for a position stated (not CN_POS_NONE). */
static void position_row(const struct cn_proposal *p, const struct cn_ballot *b,
			 struct rowbuf *rb)
{
	rb->row.table = CN_TAB_POSITIONS;
	rb->row.v[0] = integer(p->id);
	rb->row.v[1] = text(b->code);
	rb->row.v[2] = text(cn_pos_name(b->pos));
	rb->row.v[3] = text(b->text);
	rb->row.v[4] = text(cn_time_format(b->at, rb->at));
}

/* ---- writing ------------------------------------------------------------------ */

static int put(struct cn_store *st, struct rowbuf *rb, int rc,
	       struct cn_err *err)
{
	if (rc == 0)
		rc = cn_store_put_row(st, &rb->row, err);
	rowbuf_release(rb);
	return rc;
}

/* The registry row of entity (e, key) as the world has it now. */
static int registry_row(const struct cn_world *w, enum cn_entity e,
			const char *key, struct rowbuf *rb, struct cn_err *err)
{
	const void *x = NULL;

	switch (e) {
	case CN_ENT_ALLIANCE:
		if ((x = w->alliance))
			return alliance_row(w->alliance, rb, err);
		break;
	case CN_ENT_MEMBER:
		if ((x = cn_world_member(w, key)))
			return member_row(x, rb, err);
		break;
	case CN_ENT_PARTNER:
		if ((x = cn_world_partner(w, key)))
			return partner_row(x, rb, err);
		break;
	case CN_ENT_BODY:
		if ((x = cn_world_body(w, key)))
			return body_row(x, rb, err);
		break;
	case CN_ENT_OFFICE:
		if ((x = cn_world_office(w, key)))
			return office_row(x, rb, err);
		break;
	case CN_ENT_PROPOSAL:
		break;
	}
	return cn_err_set(err, CN_ECORRUPT, "no %s %s", cn_entity_name(e), key);
}

/* The positions rows of p: all of them (member NULL) or one member's. */
static int project_positions(struct cn_store *st, const struct cn_proposal *p,
			     const char *member, struct cn_err *err)
{
	for (size_t i = 0; i < p->nballots; i++) {
		const struct cn_ballot *b = &p->ballots[i];
		struct rowbuf rb = {0};
		int rc;

		if (member && strcmp(member, b->code))
			continue;
		if (b->pos == CN_POS_NONE) {
			const struct cn_value key[2] = {integer(p->id),
							text(b->code)};
			rc = cn_store_delete_row(st, CN_TAB_POSITIONS, key, err);
		} else {
			position_row(p, b, &rb);
			rc = put(st, &rb, 0, err);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int mark(struct cn_projector *pj, int64_t id, struct cn_err *err)
{
	for (size_t i = 0; i < pj->ndirty; i++)
		if (pj->dirty[i] == id)
			return 0;
	if (pj->ndirty == pj->cap) {
		size_t cap = pj->cap ? 2 * pj->cap : 16;
		int64_t *d = realloc(pj->dirty, cap * sizeof(*d));
		if (!d)
			return cn_err_set(err, CN_ENOMEM, "out of memory");
		pj->dirty = d;
		pj->cap = cap;
	}
	pj->dirty[pj->ndirty++] = id;
	return 0;
}

/*
 * Whether proposal p's view reads registry entity (e, key), so that a
 * change to it must rewrite the view.  cn_proposal_json reads the body's
 * name, and, for each open-office effect, the host country's member
 * record (the treaty-area check, as of the opening or conclusion date).
 * Keep this in step with it.
 *
 * Why re-project rather than freeze: a member admitted with an accession
 * date before a proposal's date (an admit-member effect "effective
 * 2025-01-01" adopted in March 2025) changes what the registry says about
 * that earlier date, and every as-of query answers from the registry as
 * it now stands; the stored view must say the same as a replay, and as the
 * CLI and the API, or `council verify` cries wolf on an untouched store
 * (issue 9).  Freezing the flag into proposal.created instead would change
 * the log's format and still disagree with the as-of registry views.
 */
static int view_reads(const char *body, const json_t *effects,
		      enum cn_entity e, const char *key)
{
	const json_t *x;
	size_t i;

	if (e == CN_ENT_BODY)
		return !strcmp(body, key);
	if (e != CN_ENT_MEMBER)
		return 0;
	json_array_foreach(effects, i, x) {
		const char *type = rs(x, "type"), *country = rs(x, "country");
		if (type && country && !strcmp(type, "open-office") &&
		    !strcmp(country, key))
			return 1;
	}
	return 0;
}

/* view_reads of proposal id, which w's pager holds: marked when it
 * reads what changed. */
static int paged_view_reads(struct cn_projector *pj, const struct cn_world *w,
			    int64_t id, enum cn_entity e, const char *key,
			    struct cn_err *err)
{
	const uint8_t *b;
	size_t n;
	char body[16];
	json_t *effects = NULL;
	int rc;

	if ((rc = w->pager->bytes(w->pager->ctx, id, &b, &n)))
		return rc == CN_ENOTFOUND ? 0 /* a hole */
		       : cn_err_set(err, rc, "proposal %lld: its pager failed",
				    (long long)id);
	if ((rc = cn_snapshot_proposal_peek(b, n, id, body, &effects, err)))
		return rc;
	if (view_reads(body, effects, e, key))
		rc = mark(pj, id, err);
	json_decref(effects);
	return rc;
}

int cn_project_event(struct cn_projector *pj, struct cn_store *st,
		     const struct cn_world *w, const struct cn_event *ev,
		     struct cn_err *err)
{
	const struct cn_event_type *t = ev->et;
	const char *kind;
	char key[64];
	int rc = 0;

	/* A comment changes no state: nothing to project. */
	if (!t || (t->flags & CN_EVT_RECORD_ONLY) ||
	    cn_event_entity(ev, &kind, key))
		return 0;
	if (t->entity == CN_ENT_PROPOSAL) {
		const struct cn_proposal *p = cn_world_proposal(w, atoll(key));
		const char *member = NULL;
		if (!p)
			return cn_err_set(err, CN_ECORRUPT, "no proposal %s", key);
		if (t->flags & CN_EVT_BALLOT)
			member = rs(ev->payload, "member");
		if ((rc = project_positions(st, p, member, err)))
			return rc;
		return mark(pj, p->id, err);
	}
	struct rowbuf rb = {0};
	if ((rc = put(st, &rb, registry_row(w, t->entity, key, &rb, err), err)))
		return rc;
	/* Every proposal whose view reads what changed, those a pager holds
	 * too: for them the two fields the question needs are read from
	 * their bytes, not the whole proposal decoded (at 100k proposals a
	 * decode of each would cost seconds). */
	for (size_t i = 0; rc == 0 && i < w->nproposals &&
	     (t->entity == CN_ENT_BODY || t->entity == CN_ENT_MEMBER); i++) {
		const struct cn_proposal *p = w->proposals[i];
		if (p) {
			if (view_reads(p->body, p->effects, t->entity, key))
				rc = mark(pj, p->id, err);
		} else if (w->pager)
			rc = paged_view_reads(pj, w, (int64_t)i + 1, t->entity,
					      key, err);
	}
	/* Readers cache the registry; tell them it moved. */
	if (rc == 0 && (t->flags & CN_EVT_REGISTRY)) {
		char seq[24];
		snprintf(seq, sizeof(seq), "%lld", (long long)ev->seq);
		rc = cn_store_set_meta(st, "registry_seq", seq, err);
	}
	return rc;
}

int cn_projector_flush(struct cn_projector *pj, struct cn_store *st,
		       const struct cn_world *w, struct cn_err *err)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < pj->ndirty; i++) {
		int64_t id = pj->dirty[i];
		struct cn_proposal *tmp = NULL;
		/* One a pager holds is read back for its row alone, not
		 * brought back: a body's change marks all its proposals. */
		const struct cn_proposal *p =
			id >= 1 && (uint64_t)id <= w->nproposals
				? cn_world_proposal_at(w, (size_t)id - 1, &tmp)
				: NULL;
		struct rowbuf rb = {0};
		rc = p ? put(st, &rb, proposal_row(w, p, &rb, err), err)
		       : cn_err_set(err, CN_ECORRUPT, "no proposal %lld",
				    (long long)id);
		cn_proposal_free(tmp);
	}
	pj->ndirty = 0;
	return rc;
}

void cn_projector_reset(struct cn_projector *pj)
{
	pj->ndirty = 0;
}

void cn_projector_release(struct cn_projector *pj)
{
	free(pj->dirty);
	memset(pj, 0, sizeof(*pj));
}

/* ---- every row of a world -------------------------------------------------------- */

static int emit(struct rowbuf *rb, int rc, cn_row_fn fn, void *ctx,
		struct cn_err *err)
{
	if (rc == 0)
		rc = fn(ctx, &rb->row, err);
	rowbuf_release(rb);
	return rc;
}

static int code_order(const void *a, const void *b)
{
	return strcmp((*(const struct cn_ballot *const *)a)->code,
		      (*(const struct cn_ballot *const *)b)->code);
}

/* A proposal's positions in the table's key order: by member code, not by
 * the ballots' order (the electorate's), so a reader of the table in key
 * order meets them as the store gives them (projcheck.c). */
static int position_rows(const struct cn_proposal *p, struct rowbuf *rb,
			 cn_row_fn fn, void *ctx, struct cn_err *err)
{
	const struct cn_ballot *few[64], **v = few;
	size_t n = 0;
	int rc = 0;

	if (p->nballots > 64 && !(v = malloc(p->nballots * sizeof(*v))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	for (size_t j = 0; j < p->nballots; j++)
		if (p->ballots[j].pos != CN_POS_NONE)
			v[n++] = &p->ballots[j];
	qsort(v, n, sizeof(*v), code_order);
	for (size_t j = 0; rc == 0 && j < n; j++) {
		position_row(p, v[j], rb);
		rc = emit(rb, 0, fn, ctx, err);
	}
	if (v != few)
		free(v);
	return rc;
}

int cn_projection_proposal_rows(const struct cn_world *w, size_t lo, size_t hi,
				cn_row_fn prop, void *pctx, cn_row_fn pos,
				void *posctx, struct cn_err *err)
{
	struct rowbuf rb = {0};
	int rc = 0;

	if (hi > w->nproposals)
		hi = w->nproposals;
	/* A proposal a verifier's pager holds (world.h) is brought back
	 * for its rows alone. */
	for (size_t i = lo; rc == 0 && i < hi; i++) {
		struct cn_proposal *tmp;
		const struct cn_proposal *p = cn_world_proposal_at(w, i, &tmp);
		if (!p)
			rc = cn_err_set(err, CN_EINVAL, "proposal %zu is not in the "
					"world (a hole, or its pager failed)",
					i + 1);
		else if (prop)
			rc = emit(&rb, proposal_row(w, p, &rb, err), prop, pctx,
				  err);
		if (p && pos && rc == 0)
			rc = position_rows(p, &rb, pos, posctx, err);
		cn_proposal_free(tmp);
	}
	return rc;
}

int cn_projection_rows(const struct cn_world *w, enum cn_table t, cn_row_fn fn,
		       void *ctx, struct cn_err *err)
{
	struct rowbuf rb = {0};
	int rc = 0;

	switch (t) {
	case CN_TAB_ALLIANCE:
		if (w->alliance)
			rc = emit(&rb, alliance_row(w->alliance, &rb, err), fn,
				  ctx, err);
		break;
	case CN_TAB_MEMBERS:
		for (size_t i = 0; rc == 0 && i < w->nmembers; i++)
			rc = emit(&rb, member_row(&w->members[i], &rb, err), fn,
				  ctx, err);
		break;
	case CN_TAB_PARTNERS:
		for (size_t i = 0; rc == 0 && i < w->npartners; i++)
			rc = emit(&rb, partner_row(&w->partners[i], &rb, err), fn,
				  ctx, err);
		break;
	case CN_TAB_BODIES:
		for (size_t i = 0; rc == 0 && i < w->nbodies; i++)
			rc = emit(&rb, body_row(&w->bodies[i], &rb, err), fn, ctx,
				  err);
		break;
	case CN_TAB_OFFICES:
		for (size_t i = 0; rc == 0 && i < w->noffices; i++)
			rc = emit(&rb, office_row(&w->offices[i], &rb, err), fn,
				  ctx, err);
		break;
	case CN_TAB_PROPOSALS:
		rc = cn_projection_proposal_rows(w, 0, w->nproposals, fn, ctx,
						 NULL, NULL, err);
		break;
	case CN_TAB_POSITIONS:
		rc = cn_projection_proposal_rows(w, 0, w->nproposals, NULL, NULL,
						 fn, ctx, err);
		break;
	case CN_TAB_COUNT:
		break;
	}
	return rc;
}

/* ---- worlds from the store ----------------------------------------------------------- */

static int replay_one(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	return cn_world_apply(ctx, ev, err);
}

int cn_projection_replay(struct cn_store *st, struct cn_world *w,
			 struct cn_err *err)
{
	int rc;

	cn_world_init(w);
	if ((rc = cn_store_scan(st, 1, replay_one, w, err)))
		cn_world_release(w);
	return rc;
}

/* The registry tables in the order the registry is folded from them, and
 * the event each row stands for (its record under `wrap`).  Partners
 * before members: a partner that joins ends its partnership at its
 * accession (fold.c), which the partner's row does not record, so folded
 * after the member it would read as both at once; folded before, the
 * admission ends it, as the log did. */
static const struct {
	enum cn_table table;
	enum cn_ev type;
	const char *wrap;
} registry[] = {
	{CN_TAB_ALLIANCE, CN_EV_ALLIANCE_FOUNDED, "alliance"},
	{CN_TAB_PARTNERS, CN_EV_PARTNER_ADDED, "partner"},
	{CN_TAB_MEMBERS, CN_EV_MEMBER_ADMITTED, "member"},
	{CN_TAB_BODIES, CN_EV_BODY_ESTABLISHED, "body"},
	{CN_TAB_OFFICES, CN_EV_OFFICE_OPENED, "office"},
};

struct registry_load {
	struct cn_world *w;
	size_t i; /* in registry[] */
};

/* A record's JSON object: read by the canonical reader (core/
 * canon_parse.h), since the projector writes records canonical
 * (cn_canon_dump), else by jansson, which reads any spelling (a record
 * written otherwise reads as before); *oom when memory ran out.  jansson's
 * lexer on the registry's records (130 KB for NATO) was a third of a CLI
 * read such as `members --at`. */
static json_t *record_json(const char *s, size_t len, int *oom)
{
	struct cn_canon_reader r;
	json_error_t je;
	json_t *v = NULL;
	int ok;

	cn_canon_reader_init(&r, s, len, 0);
	ok = cn_canon_object(&r, &v) && cn_canon_end(&r);
	*oom = r.status == CN_ENOMEM;
	cn_canon_reader_release(&r);
	if (ok)
		return v;
	json_decref(v);
	return *oom ? NULL : cn_json_loadb(s, len, 0, &je, oom);
}

/* Fold a synthetic registry event built from a row: its record (the last
 * column) and, for an office, the decision that opened it. */
static int registry_fold(void *ctx, const struct cn_row *row,
			 struct cn_err *err)
{
	struct registry_load *rl = ctx;
	const unsigned ncols = cn_tables[row->table].ncols;
	const struct cn_value *rec = &row->v[ncols - 1];
	struct cn_event ev = {0};
	json_t *r = NULL, *pl;
	int rc, oom = 0;

	/* out of memory is not a bad record (core/json_alloc.h) */
	if (rec->type == CN_VAL_TEXT)
		r = record_json(rec->s, rec->len, &oom);
	if (!r)
		return oom ? cn_err_set(err, CN_ENOMEM, "projection %s: out of "
					"memory reading a record",
					cn_tables[row->table].name)
			   : cn_err_set(err, CN_ECORRUPT, "projection %s: bad "
					"record", cn_tables[row->table].name);
	if (!(pl = json_pack("{s:o}", registry[rl->i].wrap, r)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if (row->table == CN_TAB_OFFICES && row->v[7].type == CN_VAL_INT &&
	    row->v[7].i)
		json_object_set_new(pl, "decision", json_integer(row->v[7].i));
	ev.et = cn_event_type_get(registry[rl->i].type);
	ev.seq = rl->w->last_seq + 1;
	ev.type = (char *)ev.et->name;
	ev.actor = (char *)"projection";
	ev.payload = pl;
	rc = cn_world_apply(rl->w, &ev, err);
	json_decref(pl);
	return rc;
}

int cn_projection_registry(struct cn_store *st, struct cn_world *w,
			   struct cn_err *err)
{
	struct registry_load rl = {w, 0};
	int rc;

	if ((rc = cn_store_read_begin(st, err)))
		return rc;
	for (; rc == 0 && rl.i < sizeof(registry) / sizeof(registry[0]); rl.i++)
		rc = cn_store_rows(st, registry[rl.i].table, CN_ORDER_WRITTEN,
				   registry_fold, &rl, err);
	cn_store_read_end(st);
	return rc;
}
