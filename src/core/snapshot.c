/*
 * snapshot.c - a snapshot's bytes read back into a world, checked as they
 * are read; see snapshot.h.  Writing them: snapshot_write.c.
 */
#include "snapshot.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "buf.h"
#include "event.h"
#include "event_type.h"
#include "fold.h"
#include "json_alloc.h"
#include "registry_dates.h"

/* ---- reading -------------------------------------------------------------- */

/* The reader stops at the first failure: every later read gives zeros and
 * NULLs, so a decoder reads a whole entity and checks once. */
struct reader {
	const uint8_t *p, *end;
	int rc;
	struct cn_err *err;
	char where[48]; /* the entity being read, for messages */
	/* Or, when where is empty, its kind and number, formatted only for a
	 * message (a snprintf a proposal was 6% of a start-up). */
	const char *where_what;
	long long where_n;
};

static int bad(struct reader *r, const char *field, const char *what)
{
	if (!r->rc && !r->where[0] && r->where_what)
		snprintf(r->where, sizeof(r->where), "%s %lld", r->where_what,
			 r->where_n);
	if (!r->rc)
		r->rc = cn_err_set(r->err, CN_ECORRUPT, "snapshot: %s%s'%s': %s",
				   r->where, r->where[0] ? ": " : "", field, what);
	return r->rc;
}

static int oom(struct reader *r)
{
	if (!r->rc)
		r->rc = cn_err_set(r->err, CN_ENOMEM, "out of memory");
	return r->rc;
}

static uint64_t get_u(struct reader *r, const char *field)
{
	uint64_t v = 0;

	for (unsigned shift = 0; !r->rc; shift += 7) {
		uint8_t x;
		if (r->p == r->end) {
			bad(r, field, "cut short");
			break;
		}
		x = *r->p++;
		if (shift == 63 && x > 1) {
			bad(r, field, "integer too large");
			break;
		}
		v |= (uint64_t)(x & 0x7f) << shift;
		if (!(x & 0x80)) {
			/* The shortest form only: one value, one spelling. */
			if (x == 0 && shift)
				bad(r, field, "integer not in its shortest form");
			return r->rc ? 0 : v;
		}
	}
	return 0;
}

static int64_t get_i(struct reader *r, const char *field)
{
	uint64_t u = get_u(r, field);
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* A count of things that each take at least one byte: never more than
 * the bytes left, so a forged count cannot ask for a huge allocation. */
static size_t get_count(struct reader *r, const char *field)
{
	uint64_t n = get_u(r, field);
	if (!r->rc && n > (uint64_t)(r->end - r->p))
		bad(r, field, "count larger than the bytes left");
	return r->rc ? 0 : (size_t)n;
}

static unsigned get_enum(struct reader *r, const char *field, unsigned count)
{
	uint64_t v = get_u(r, field);
	if (!r->rc && v >= count)
		bad(r, field, "value out of range");
	return r->rc ? 0 : (unsigned)v;
}

/* Whether s[0..n) is UTF-8 (RFC 3629: shortest forms, no surrogates),
 * as every string the world holds came from JSON. */
static int utf8_ok(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = s[i];
		size_t k = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1
			 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3
			 : 4;
		uint32_t cp;
		if (k == 4 || n - i <= k)
			return 0;
		cp = k ? c & (0x3f >> k) : c;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* n bytes of text: a view into the input, or NULL after a failure. */
static const char *get_bytes(struct reader *r, const char *field, uint64_t n)
{
	const char *s = (const char *)r->p;
	if (r->rc)
		return NULL;
	if (n > (uint64_t)(r->end - r->p)) {
		bad(r, field, "cut short");
		return NULL;
	}
	if (memchr(s, '\0', n) || !utf8_ok(r->p, n)) {
		bad(r, field, "text holds a NUL byte or is not UTF-8");
		return NULL;
	}
	r->p += n;
	return s;
}

/* A malloc'd string; *present says whether it was there (NULL stored). */
static char *get_text(struct reader *r, const char *field, int nullable)
{
	uint64_t n = get_u(r, field);
	const char *s;
	char *out;

	if (r->rc || (nullable && n == 0))
		return NULL;
	if (nullable)
		n--;
	if (!(s = get_bytes(r, field, n)))
		return NULL;
	if (!(out = malloc(n + 1))) {
		oom(r);
		return NULL;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

/* A fixed-size code (member code, body id): 1 .. size - 1 bytes. */
static void get_code(struct reader *r, const char *field, char *dst,
		     size_t size)
{
	uint64_t n = get_u(r, field);
	const char *s;

	dst[0] = '\0';
	if (!r->rc && (n == 0 || n >= size)) {
		bad(r, field, "empty or too long");
		return;
	}
	if ((s = get_bytes(r, field, n))) {
		memcpy(dst, s, n);
		dst[n] = '\0';
	}
}

/* A canonical JSON value (new reference; NULL when stored as NULL, which
 * only a nullable field may be). */
static json_t *get_json(struct reader *r, const char *field, int nullable)
{
	uint64_t n = get_u(r, field);
	const char *s;
	json_error_t je;
	json_t *v;
	int parse_oom = 0;

	if (r->rc)
		return NULL;
	if (n == 0) {
		if (!nullable)
			bad(r, field, "missing");
		return NULL;
	}
	if (!(s = get_bytes(r, field, n - 1)))
		return NULL;
	/* Most proposals' effects, blocking and holding are empty: no parse
	 * needed for what has one spelling. */
	if (n - 1 == 2 && (!memcmp(s, "[]", 2) || !memcmp(s, "{}", 2))) {
		if (!(v = s[0] == '[' ? json_array() : json_object()))
			oom(r);
		return v;
	}
	/* out of memory is not "not JSON" (json_alloc.h) */
	v = cn_json_loadb(s, n - 1, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je,
			  &parse_oom);
	if (!v) {
		if (parse_oom)
			oom(r);
		else
			bad(r, field, "not JSON");
		return NULL;
	}
	/* Only the canonical spelling, so that decoding and encoding again
	 * gives the same bytes. */
	int same = 0;
	if (cn_canon_same(v, s, n - 1, &same))
		oom(r);
	else if (!same)
		bad(r, field, "JSON not in its canonical form");
	if (r->rc) {
		json_decref(v);
		return NULL;
	}
	return v;
}

/* Check a decoded JSON value's type (any of the json_is_* given). */
static int want(struct reader *r, const char *field, const json_t *v,
		int ok)
{
	if (r->rc || !v)
		return r->rc;
	return ok ? 0 : bad(r, field, "JSON of the wrong type");
}

/* Fold a registry event made from a stored record, as the projection
 * readers do (app/projection.c): the fold checks the record exactly as it
 * checked the log's event. */
static int refold(struct reader *r, struct cn_world *w, enum cn_ev type,
		  json_t *payload)
{
	struct cn_event ev = {0};
	struct cn_err why = {0};
	int rc;

	if (!payload)
		return oom(r);
	ev.seq = w->last_seq + 1;
	ev.et = cn_event_type_get(type);
	ev.type = (char *)ev.et->name;
	ev.actor = (char *)"snapshot";
	ev.payload = payload;
	rc = cn_world_apply(w, &ev, &why);
	json_decref(payload);
	if (rc == CN_ENOMEM)
		return oom(r);
	if (rc)
		return bad(r, "record", why.msg);
	return 0;
}

static int get_member(struct reader *r, struct cn_world *w)
{
	json_t *rec = get_json(r, "record", 0);
	char *vkey = get_text(r, "key", 1);
	struct cn_member *m;

	if (!want(r, "record", rec, json_is_object(rec)))
		refold(r, w, CN_EV_MEMBER_ADMITTED, json_pack("{s:O}", "member", rec));
	json_decref(rec);
	m = r->rc ? NULL : &w->members[w->nmembers - 1];
	if (m && vkey)
		refold(r, w, CN_EV_KEY_REGISTERED,
		       json_pack("{s:s, s:s}", "member", m->code, "vkey", vkey));
	free(vkey);
	return r->rc;
}

/* A partner from its record, ended where the snapshot says an accession
 * ended it (fold.c), and then exactly as stored. */
static int get_partner(struct reader *r, struct cn_world *w)
{
	json_t *rec = get_json(r, "record", 0);
	struct cn_partner p = {0}, *v = NULL;
	struct cn_err why = {0};
	int64_t since = get_i(r, "since"), until = get_i(r, "until");
	size_t n = get_count(r, "periods");
	int same;

	if (want(r, "record", rec, json_is_object(rec) && cn_jstr(rec, "code") &&
				   cn_jstr(rec, "name") && cn_jstr(rec, "framework") &&
				   strlen(cn_jstr(rec, "code")) < CN_CODE_MAX)) {
		json_decref(rec);
		return r->rc;
	}
	if (cn_partner_dates(rec, &p, &why)) {
		json_decref(rec);
		return bad(r, "record", why.msg);
	}
	snprintf(r->where, sizeof(r->where), "partner %s", cn_jstr(rec, "code"));
	if (cn_world_partner(w, cn_jstr(rec, "code")))
		bad(r, "code", "partner twice");
	if (until < p.until)
		cn_partner_end_at(&p, until);
	same = p.since == since && p.until == until && p.nperiods == n;
	for (size_t i = 0; i < n; i++) {
		unsigned st = get_enum(r, "periods.status", CN_PARTNER_ENDED + 1);
		int64_t from = get_i(r, "periods.from"), to = get_i(r, "periods.to");
		same = same && p.periods[i].status == (enum cn_partner_status)st &&
		       p.periods[i].from == from && p.periods[i].to == to;
	}
	if (!r->rc && !same)
		bad(r, "periods", "not what its record and the accessions give");
	if (!r->rc && !(v = realloc(w->partners, (w->npartners + 1) * sizeof(*v))))
		oom(r);
	if (r->rc) {
		free(p.periods);
		json_decref(rec);
		return r->rc;
	}
	w->partners = v;
	strcpy(p.code, cn_jstr(rec, "code"));
	p.record = rec;
	p.name = cn_jstr(rec, "name");
	p.framework = cn_jstr(rec, "framework");
	w->partners[w->npartners++] = p;
	return 0;
}

static int get_office(struct reader *r, struct cn_world *w)
{
	json_t *rec = get_json(r, "record", 0), *pl;
	int64_t decision = get_i(r, "decision"), opened = get_i(r, "opened"),
		closed = get_i(r, "closed");
	unsigned end = get_enum(r, "end", CN_OFFICE_UNKNOWN + 1);
	char *bound = get_text(r, "closed_bound", 1);
	struct cn_office *o;

	if (!want(r, "record", rec, json_is_object(rec))) {
		pl = json_pack("{s:O}", "office", rec);
		if (pl && decision &&
		    json_object_set_new(pl, "decision", json_integer(decision))) {
			json_decref(pl);
			pl = NULL;
		}
		refold(r, w, CN_EV_OFFICE_OPENED, pl);
	}
	json_decref(rec);
	o = r->rc ? NULL : &w->offices[w->noffices - 1];
	if (o) {
		snprintf(r->where, sizeof(r->where), "office %s", o->id);
		/* office.closed: closed on its payload's date (which it also
		 * wrote into the record), with no bound (fold.c). */
		if (end == CN_OFFICE_CLOSED && !bound &&
		    json_object_get(o->record, "closed")) {
			o->closed = closed;
			o->closed_bound = NULL;
			o->end = CN_OFFICE_CLOSED;
		}
		if (o->decision != decision || o->opened != opened ||
		    o->closed != closed || o->end != (enum cn_office_state)end ||
		    (!bound != !o->closed_bound) ||
		    (bound && strcmp(bound, o->closed_bound)))
			bad(r, "closed", "not what its record and closure give");
	}
	free(bound);
	return r->rc;
}

static int get_ballot(struct reader *r, struct cn_ballot *b)
{
	get_code(r, "ballot.code", b->code, sizeof(b->code));
	b->pos = get_enum(r, "ballot.pos", CN_POS_COUNT);
	b->declared = (int)get_enum(r, "ballot.declared", 2);
	b->text = get_text(r, "ballot.text", 1);
	b->at = get_i(r, "ballot.at");
	b->extra = get_json(r, "ballot.extra", 1);
	return want(r, "ballot.extra", b->extra,
		    json_is_object(b->extra) && json_object_size(b->extra));
}

/* The fields no fold leaves NULL, with the types the fold gives them. */
static int proposal_ok(struct reader *r, const struct cn_proposal *p)
{
	if (r->rc)
		return r->rc;
	if (!p->title || !p->text || !p->proposer || !p->rule_src)
		return bad(r, "title", "missing");
	if (p->revision < 1)
		return bad(r, "revision", "below 1");
	if (!json_is_array(p->effects) || !json_is_array(p->revisions) ||
	    !json_is_array(p->blocking) || !json_is_array(p->holding))
		return bad(r, "effects", "effects, revisions, blocking and "
			   "holding must be arrays");
	if ((p->weights && !json_is_object(p->weights)) ||
	    (p->breaks && !json_is_array(p->breaks)) ||
	    (p->extra && !json_is_object(p->extra)))
		return bad(r, "weights", "weights, breaks or extra of the wrong "
			   "type");
	if (p->concluded ? !p->outcome || !p->explanation : p->outcome != NULL)
		return bad(r, "outcome", "an outcome exactly when concluded");
	if (p->supersedes < 0 || p->supersedes >= p->id ||
	    p->superseded_by < 0 || (p->superseded_by && p->superseded_by <= p->id))
		return bad(r, "supersedes", "names no earlier (or later) proposal");
	return 0;
}

static int code_order(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* No member twice in the electorate: the codes sorted, neighbours
 * compared (a pairwise check cost 12% of a start-up at 100k proposals). */
static int electorate_ok(struct reader *r, const struct cn_proposal *p)
{
	const char *stack[64], **codes = stack;

	if (r->rc || p->nballots < 2)
		return r->rc;
	if (p->nballots > sizeof(stack) / sizeof(stack[0]) &&
	    !(codes = malloc(p->nballots * sizeof(*codes))))
		return oom(r);
	for (size_t i = 0; i < p->nballots; i++)
		codes[i] = p->ballots[i].code;
	qsort(codes, p->nballots, sizeof(*codes), code_order);
	for (size_t i = 1; i < p->nballots && !r->rc; i++)
		if (!strcmp(codes[i - 1], codes[i]))
			bad(r, "ballot.code", "a member twice in the electorate");
	if (codes != stack)
		free(codes);
	return r->rc;
}

/* Proposal `id` into *out (NULL on failure), checked against w's
 * registry. */
static int read_proposal(struct reader *r, const struct cn_world *w,
			 int64_t id, struct cn_proposal **out)
{
	struct cn_proposal *p = calloc(1, sizeof(*p));
	struct cn_err why = {0};
	size_t n;
	int rc;

	*out = NULL;
	if (!p)
		return oom(r);
	p->id = get_i(r, "id");
	if (!r->rc && p->id != id)
		bad(r, "id", "out of sequence");
	r->where_what = "proposal";
	r->where_n = (long long)p->id;
	get_code(r, "body", p->body, sizeof(p->body));
	if (!r->rc && !cn_world_body(w, p->body))
		bad(r, "body", "no such body");
	p->title = get_text(r, "title", 0);
	p->text = get_text(r, "text", 0);
	p->proposer = get_text(r, "proposer", 0);
	p->level = get_text(r, "level", 1);
	p->place = get_text(r, "place", 1);
	p->proc = get_enum(r, "procedure", CN_PROC_WRITTEN + 1);
	p->rule_src = get_text(r, "rule", 0);
	p->shared = (int)get_enum(r, "shared", 2);
	p->revision = (int)get_i(r, "revision");
	p->opened = get_i(r, "opened");
	p->deadline = get_i(r, "deadline");
	p->concluded = (int)get_enum(r, "concluded", 2);
	p->concluded_at = get_i(r, "concluded_at");
	p->outcome = get_text(r, "outcome", 1);
	p->explanation = get_text(r, "explanation", 1);
	p->silence_breaks = get_enum(r, "silence_breaks",
				     (CN_BREAK_OBJECT | CN_BREAK_AMEND) + 1);
	p->supersedes = get_i(r, "supersedes");
	p->superseded_by = get_i(r, "superseded_by");
	p->last_at = get_i(r, "last_at");
	p->effects = get_json(r, "effects", 0);
	p->revisions = get_json(r, "revisions", 0);
	p->blocking = get_json(r, "blocking", 0);
	p->holding = get_json(r, "holding", 0);
	p->weights = get_json(r, "weights", 1);
	p->breaks = get_json(r, "breaks", 1);
	p->extra = get_json(r, "extra", 1);
	n = get_count(r, "ballots");
	if (!r->rc && !(p->ballots = calloc(n + 1, sizeof(*p->ballots))))
		oom(r);
	for (size_t i = 0; i < n && !r->rc; i++) {
		get_ballot(r, &p->ballots[i]);
		p->nballots++;
	}
	electorate_ok(r, p);
	proposal_ok(r, p);
	if (!r->rc && (rc = cn_rule_parse(p->rule_src, &p->rule, &why)))
		rc == CN_ENOMEM ? oom(r) : bad(r, "rule", why.msg);
	if (r->rc) {
		cn_proposal_free(p);
		return r->rc;
	}
	*out = p;
	return 0;
}

/* ---- skimming a proposal (a paged decode) ---------------------------------
 * Where a proposal's bytes end and whether it is concluded, read without
 * decoding it: varints and lengths only, the fields in read_proposal's
 * order.  A length-prefixed field is skipped: `plus1` when stored as its
 * length + 1 (0 for NULL: nullable texts, and every JSON value). */
static void skip(struct reader *r, const char *field, int plus1)
{
	uint64_t n = get_u(r, field);

	if (r->rc || (plus1 && n-- == 0))
		return;
	if (n > (uint64_t)(r->end - r->p))
		bad(r, field, "cut short");
	else
		r->p += n;
}

/* Where two fields' bytes are, for a peek (cn_snapshot_proposal_peek). */
struct peek {
	const uint8_t *body, *effects;
	size_t nbody, neffects;
};

/* One field of a skim: a varint, or a length-prefixed field skipped. */
struct skim_field {
	const char *name;
	int kind; /* 0 varint, 1 text, 2 nullable text or JSON */
};

/* The fields f[0..n) skimmed in order; the bytes of f[want] in *at, *len
 * (want == n: none). */
static void skim_fields(struct reader *r, const struct skim_field *f, size_t n,
			size_t want, const uint8_t **at, size_t *len)
{
	for (size_t i = 0; i < n; i++) {
		const uint8_t *from = r->p;
		f[i].kind ? skip(r, f[i].name, f[i].kind == 2)
			  : (void)get_u(r, f[i].name);
		if (i == want && !r->rc)
			*at = from, *len = (size_t)(r->p - from);
	}
}

#define NFIELDS(a) (sizeof(a) / sizeof(*(a)))

static int skim_proposal(struct reader *r, int64_t id, int *concluded,
			 struct peek *pk)
{
	static const struct skim_field head[] = {
		{"id", 0}, {"body", 1}, {"title", 1}, {"text", 1},
		{"proposer", 1}, {"level", 2}, {"place", 2}, {"procedure", 0},
		{"rule", 1}, {"shared", 0}, {"revision", 0}, {"opened", 0},
		{"deadline", 0},
	}, tail[] = {
		{"concluded_at", 0}, {"outcome", 2}, {"explanation", 2},
		{"silence_breaks", 0}, {"supersedes", 0}, {"superseded_by", 0},
		{"last_at", 0}, {"effects", 2}, {"revisions", 2},
		{"blocking", 2}, {"holding", 2}, {"weights", 2}, {"breaks", 2},
		{"extra", 2},
	}, ballot[] = {
		{"ballot.code", 1}, {"ballot.pos", 0}, {"ballot.declared", 0},
		{"ballot.text", 2}, {"ballot.at", 0}, {"ballot.extra", 2},
	};
	enum { BODY = 1, EFFECTS = 7 }; /* head[BODY], tail[EFFECTS] */
	struct peek unused;
	const uint8_t *at = r->p;
	size_t n;

	assert(!strcmp(head[BODY].name, "body") &&
	       !strcmp(tail[EFFECTS].name, "effects"));
	if (!pk)
		pk = &unused;
	skim_fields(r, head, NFIELDS(head), BODY, &pk->body, &pk->nbody);
	*concluded = get_enum(r, "concluded", 2) == 1;
	skim_fields(r, tail, NFIELDS(tail), EFFECTS, &pk->effects, &pk->neffects);
	n = get_count(r, "ballots");
	for (size_t k = 0; k < n && !r->rc; k++)
		skim_fields(r, ballot, NFIELDS(ballot), NFIELDS(ballot), NULL,
			    NULL);
	/* The id, again from its bytes: the first field. */
	if (!r->rc) {
		struct reader idr = {at, r->p, 0, r->err, "", NULL, 0};
		if (get_i(&idr, "id") != id)
			bad(r, "id", "out of sequence");
	}
	return r->rc;
}

static int add_slot(struct reader *r, struct cn_world *w,
		    struct cn_proposal *p)
{
	if (cn_world_room(w, w->nproposals + 1)) {
		cn_proposal_free(p);
		return oom(r);
	}
	w->proposals[w->nproposals++] = p;
	return 0;
}

/* A concluded proposal's bytes to the pager, skimmed, not decoded: 1 when
 * it took them (the input then moves past them), 0 to decode it whole.
 * Concluded, it is in no deadline index, and nothing else in the world
 * is built from it; its bytes are checked whole when it is brought back
 * (cn_snapshot_proposal_decode, by the pager), and meanwhile by the
 * snapshot's digest and seal.  Anything odd in them is left to the full
 * decode to name. */
static int kept(struct reader *r, struct cn_world *w)
{
	struct cn_err scratch = {0};
	struct reader s = *r;
	int64_t id = (int64_t)w->nproposals + 1;
	int concluded = 0;

	s.err = &scratch;
	s.where[0] = '\0';
	if (skim_proposal(&s, id, &concluded, NULL) || !concluded ||
	    w->pager->keep(w->pager->ctx, id, r->p, (size_t)(s.p - r->p)))
		return 0;
	if (add_slot(r, w, NULL))
		return 0;
	r->p = s.p;
	return 1;
}

static int get_proposal(struct reader *r, struct cn_world *w)
{
	struct cn_proposal *p;
	struct cn_err why = {0};
	int rc;

	/* A pager that cannot take them (its file) leaves them in memory. */
	if (w->pager && w->pager->keep && kept(r, w))
		return 0;
	if (r->rc || read_proposal(r, w, (int64_t)w->nproposals + 1, &p) ||
	    add_slot(r, w, p))
		return r->rc;
	/* The deadline index, as the fold keeps it. */
	if ((rc = cn_deadlines_track(w, p, &why)))
		return oom(r);
	return 0;
}

static void get_header(struct reader *r, int64_t *seq, uint8_t hash[CN_HASH_LEN])
{
	uint64_t format;

	if ((size_t)(r->end - r->p) < CN_SNAPSHOT_MAGIC_LEN ||
	    memcmp(r->p, CN_SNAPSHOT_MAGIC, CN_SNAPSHOT_MAGIC_LEN)) {
		bad(r, "magic", "not a council snapshot");
		return;
	}
	r->p += CN_SNAPSHOT_MAGIC_LEN;
	format = get_u(r, "format");
	if (!r->rc && format != CN_SNAPSHOT_FORMAT) {
		snprintf(r->where, sizeof(r->where), "format %llu",
			 (unsigned long long)format);
		bad(r, "format", "this council reads only format 1");
		return;
	}
	*seq = get_i(r, "seq");
	if (!r->rc && *seq < 0)
		bad(r, "seq", "negative");
	if (!r->rc && (size_t)(r->end - r->p) < CN_HASH_LEN)
		bad(r, "hash", "cut short");
	if (!r->rc) {
		memcpy(hash, r->p, CN_HASH_LEN);
		r->p += CN_HASH_LEN;
	}
}

int cn_snapshot_position(const uint8_t *data, size_t len, int64_t *seq,
			 uint8_t hash[CN_HASH_LEN], struct cn_err *err)
{
	struct reader r = {data, data + len, 0, err, "", NULL, 0};

	get_header(&r, seq, hash);
	return r.rc;
}

/* Each entity's list: its count, then each, named for messages. */
static void get_list(struct reader *r, struct cn_world *w, const char *what,
		     int (*get)(struct reader *, struct cn_world *))
{
	size_t n = get_count(r, what);

	for (size_t i = 0; i < n && !r->rc; i++) {
		r->where[0] = '\0';
		r->where_what = what;
		r->where_n = (long long)i + 1;
		get(r, w);
	}
	r->where[0] = '\0';
	r->where_what = NULL;
}

static int get_body(struct reader *r, struct cn_world *w)
{
	json_t *rec = get_json(r, "record", 0);

	if (!want(r, "record", rec, json_is_object(rec)))
		refold(r, w, CN_EV_BODY_ESTABLISHED, json_pack("{s:O}", "body", rec));
	json_decref(rec);
	return r->rc;
}

int cn_snapshot_decode(const uint8_t *data, size_t len, struct cn_world *w,
		       struct cn_err *err)
{
	return cn_snapshot_decode_paged(data, len, NULL, w, err);
}

int cn_snapshot_decode_paged(const uint8_t *data, size_t len,
			     const struct cn_world_pager *pager,
			     struct cn_world *w, struct cn_err *err)
{
	struct reader r = {data, data + len, 0, err, "", NULL, 0};
	uint8_t hash[CN_HASH_LEN], digest[CN_HASH_LEN];
	int64_t seq = 0;
	json_t *alliance;

	cn_world_init(w);
	w->pager = pager;
	/* The digest at the end first: a snapshot changed by accident (or
	 * by hand) is refused before anything is read from it. */
	if (len < CN_SNAPSHOT_MAGIC_LEN + CN_HASH_LEN)
		return bad(&r, "digest", "cut short");
	cn_sha256(data, len - CN_HASH_LEN, digest);
	if (memcmp(digest, data + len - CN_HASH_LEN, CN_HASH_LEN))
		return bad(&r, "digest", "not the SHA-256 of the bytes before it");
	r.end -= CN_HASH_LEN;
	get_header(&r, &seq, hash);
	alliance = get_json(&r, "alliance", 1);
	if (!want(&r, "alliance", alliance, json_is_object(alliance)) && alliance)
		refold(&r, w, CN_EV_ALLIANCE_FOUNDED,
		       json_pack("{s:O}", "alliance", alliance));
	json_decref(alliance);
	/* Members before partners: the partners are stored as the
	 * accessions left them, and a member folded after its partner
	 * would end the partnership again. */
	get_list(&r, w, "member", get_member);
	get_list(&r, w, "partner", get_partner);
	get_list(&r, w, "body", get_body);
	get_list(&r, w, "office", get_office);
	get_list(&r, w, "proposal", get_proposal);
	if (!r.rc && r.p != r.end)
		bad(&r, "end", "bytes after the last proposal");
	if (r.rc) {
		cn_world_release(w);
		return r.rc;
	}
	w->last_seq = seq;
	memcpy(w->last_hash, hash, CN_HASH_LEN);
	return 0;
}

int cn_snapshot_proposal_decode(const uint8_t *data, size_t len,
				const struct cn_world *w, int64_t id,
				struct cn_proposal **out, struct cn_err *err)
{
	struct reader r = {data, data + len, 0, err, "", "proposal", (long long)id};

	if (read_proposal(&r, w, id, out) == 0 && r.p != r.end) {
		bad(&r, "end", "bytes after the proposal");
		cn_proposal_free(*out);
		*out = NULL;
	}
	return r.rc;
}

int cn_snapshot_proposal_peek(const uint8_t *data, size_t len, int64_t id,
			      char body[16], json_t **effects,
			      struct cn_err *err)
{
	struct reader r = {data, data + len, 0, err, "", "proposal", (long long)id};
	struct peek pk = {0};
	int concluded;

	*effects = NULL;
	body[0] = '\0';
	if (skim_proposal(&r, id, &concluded, &pk) == 0 && r.p != r.end)
		bad(&r, "end", "bytes after the proposal");
	if (r.rc)
		return r.rc;
	/* Each field read again, whole, from its own bytes. */
	struct reader f = {pk.body, pk.body + pk.nbody, 0, err, "", "proposal",
			   (long long)id};
	get_code(&f, "body", body, 16);
	if (!f.rc) {
		f.p = pk.effects;
		f.end = pk.effects + pk.neffects;
		*effects = get_json(&f, "effects", 0);
		want(&f, "effects", *effects, json_is_array(*effects));
	}
	if (f.rc) {
		json_decref(*effects);
		*effects = NULL;
	}
	return f.rc;
}
