/*
 * world.c - the fold of events into an alliance's state; see world.h.
 *
 * Each apply_* function reads one event type.  Registry records are kept
 * whole (as the dataset or the effect gave them, source included) and only
 * the fields the engine reasons about are parsed out next to them.
 */
#include "world.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "checkpoint.h"
#include "fold.h"
#include "timeutil.h"

#define GROW(arr, n)                                                           \
	((arr) = realloc((arr), ((n) + 1) * sizeof(*(arr))))

const char *cn_proc_name(enum cn_proc p)
{
	switch (p) {
	case CN_PROC_MEETING: return "meeting";
	case CN_PROC_SILENCE: return "silence";
	case CN_PROC_RATIFICATION: return "ratification";
	}
	return "?";
}

int cn_proc_parse(const char *s, enum cn_proc *out)
{
	if (!strcmp(s, "meeting"))
		*out = CN_PROC_MEETING;
	else if (!strcmp(s, "silence"))
		*out = CN_PROC_SILENCE;
	else if (!strcmp(s, "ratification"))
		*out = CN_PROC_RATIFICATION;
	else
		return CN_EINVAL;
	return 0;
}

void cn_world_init(struct cn_world *w)
{
	memset(w, 0, sizeof(*w));
}

static void proposal_free(struct cn_proposal *p)
{
	if (!p)
		return;
	free(p->title);
	free(p->text);
	free(p->proposer);
	free(p->level);
	free(p->place);
	free(p->rule_src);
	cn_rule_free(p->rule);
	for (size_t i = 0; i < p->nballots; i++)
		free(p->ballots[i].text);
	free(p->ballots);
	json_decref(p->effects);
	json_decref(p->revisions);
	free(p->outcome);
	free(p->explanation);
	json_decref(p->blocking);
	json_decref(p->holding);
	free(p);
}

void cn_world_release(struct cn_world *w)
{
	json_decref(w->alliance);
	for (size_t i = 0; i < w->nmembers; i++) {
		json_decref(w->members[i].record);
		free(w->members[i].key_vkey);
		free(w->members[i].key_name);
	}
	for (size_t i = 0; i < w->npartners; i++)
		json_decref(w->partners[i].record);
	for (size_t i = 0; i < w->nbodies; i++) {
		struct cn_body *b = &w->bodies[i];
		for (size_t j = 0; j < b->nclauses; j++)
			free(b->clauses[j].codes);
		free(b->clauses);
		cn_rule_free(b->rule);
		json_decref(b->record);
	}
	for (size_t i = 0; i < w->noffices; i++)
		json_decref(w->offices[i].record);
	for (size_t i = 0; i < w->nproposals; i++)
		proposal_free(w->proposals[i]);
	free(w->members);
	free(w->partners);
	free(w->bodies);
	free(w->offices);
	free(w->proposals);
	memset(w, 0, sizeof(*w));
}

/* ---- lookups and as-of queries ---------------------------------------- */

const struct cn_member *cn_world_member(const struct cn_world *w,
					const char *code)
{
	for (size_t i = 0; i < w->nmembers; i++)
		if (!strcmp(w->members[i].code, code))
			return &w->members[i];
	return NULL;
}

const struct cn_partner *cn_world_partner(const struct cn_world *w,
					  const char *code)
{
	for (size_t i = 0; i < w->npartners; i++)
		if (!strcmp(w->partners[i].code, code))
			return &w->partners[i];
	return NULL;
}

const struct cn_body *cn_world_body(const struct cn_world *w, const char *id)
{
	for (size_t i = 0; i < w->nbodies; i++)
		if (!strcasecmp(w->bodies[i].id, id))
			return &w->bodies[i];
	return NULL;
}

const struct cn_office *cn_world_office(const struct cn_world *w,
					const char *id)
{
	for (size_t i = 0; i < w->noffices; i++)
		if (!strcmp(w->offices[i].id, id))
			return &w->offices[i];
	return NULL;
}

struct cn_proposal *cn_world_proposal(const struct cn_world *w, int64_t id)
{
	if (id < 1 || (uint64_t)id > w->nproposals)
		return NULL;
	return w->proposals[id - 1];
}

int cn_member_active(const struct cn_member *m, int64_t at)
{
	return m->accession <= at && at < m->exit;
}

int cn_partner_active(const struct cn_partner *p, int64_t at)
{
	return p->since <= at && at < p->until;
}

int cn_body_exists(const struct cn_body *b, int64_t at)
{
	return b->established <= at && at < b->dissolved;
}

int cn_office_open(const struct cn_office *o, int64_t at)
{
	return o->opened <= at && at < o->closed;
}

static int clause_has(const struct cn_clause *c, const char *code)
{
	for (size_t i = 0; i < c->ncodes; i++)
		if (!strcmp(c->codes[i], code))
			return 1;
	return 0;
}

/* The clause in force on `at`, or NULL. */
static const struct cn_clause *clause_at(const struct cn_body *b, int64_t at)
{
	for (size_t i = 0; i < b->nclauses; i++)
		if (b->clauses[i].from <= at && at < b->clauses[i].to)
			return &b->clauses[i];
	return NULL;
}

int cn_body_has(const struct cn_world *w, const struct cn_body *b,
		const char *code, int64_t at)
{
	const struct cn_member *m = cn_world_member(w, code);
	const struct cn_clause *c;

	if (!m || !cn_member_active(m, at) || !cn_body_exists(b, at))
		return 0;
	if (!(c = clause_at(b, at)))
		return 0;
	switch (c->kind) {
	case CN_CLAUSE_ALL: return 1;
	case CN_CLAUSE_ALL_EXCEPT: return !clause_has(c, code);
	case CN_CLAUSE_LIST: return clause_has(c, code);
	}
	return 0;
}

int cn_body_members(const struct cn_world *w, const struct cn_body *b,
		    int64_t at, const struct cn_member ***out, size_t *n)
{
	const struct cn_member **v = malloc((w->nmembers + 1) * sizeof(*v));
	size_t k = 0;

	if (!v)
		return CN_ENOMEM;
	for (size_t i = 0; i < w->nmembers; i++)
		if (cn_body_has(w, b, w->members[i].code, at))
			v[k++] = &w->members[i];
	*out = v;
	*n = k;
	return 0;
}

int cn_explain_not_member(const struct cn_world *w, const struct cn_body *b,
			  const char *code, int64_t at, struct cn_err *err)
{
	const struct cn_member *m = cn_world_member(w, code);
	const struct cn_partner *p = cn_world_partner(w, code);
	char d1[CN_TIME_BUF], d2[CN_TIME_BUF];

	if (!m && p)
		return cn_err_set(err, CN_EREFUSED,
				  "%s (%s) is a partner (%s), not a member: "
				  "partners never take decisions in the %s",
				  code, p->name, p->framework, b->name);
	if (!m)
		return cn_err_set(err, CN_ENOTFOUND,
				  "unknown member code '%s'", code);
	cn_date_format(at, d1);
	if (at < m->accession)
		return cn_err_set(err, CN_EREFUSED,
				  "%s (%s) was not yet a member on %s "
				  "(accession %s)", code, m->name, d1,
				  cn_date_format(m->accession, d2));
	if (at >= m->exit)
		return cn_err_set(err, CN_EREFUSED,
				  "%s (%s) was no longer a member on %s "
				  "(exit %s)", code, m->name, d1,
				  cn_date_format(m->exit, d2));
	return cn_err_set(err, CN_EREFUSED,
			  "%s (%s) is not a member of the %s on %s", code,
			  m->name, b->name, d1);
}

/* ---- coordinates and the treaty area ---------------------------------- */

int cn_coord_parse(const char *s, int limit, int64_t *out_e6,
		   struct cn_err *err)
{
	const char *p = s;
	int neg = 0, ndig = 0, nfrac = 0;
	int64_t whole = 0, frac = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	while (*p >= '0' && *p <= '9' && ndig < 4) {
		whole = whole * 10 + (*p++ - '0');
		ndig++;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9' && nfrac < 6) {
			frac = frac * 10 + (*p++ - '0');
			nfrac++;
		}
		if (nfrac == 0)
			ndig = 0;
	}
	if (ndig == 0 || *p != '\0')
		return cn_err_set(err, CN_EINVAL,
				  "'%s' is not a decimal coordinate "
				  "(e.g. 35.68, at most 6 decimals)", s);
	for (int i = nfrac; i < 6; i++)
		frac *= 10;
	int64_t v = whole * 1000000 + frac;
	if (v > (int64_t)limit * 1000000)
		return cn_err_set(err, CN_EINVAL,
				  "coordinate '%s' is outside -%d..%d", s,
				  limit, limit);
	*out_e6 = neg ? -v : v;
	return 0;
}

char *cn_coord_format(int64_t e6, char buf[24])
{
	int64_t a = e6 < 0 ? -e6 : e6;
	int n = snprintf(buf, 24, "%s%lld.%06lld", e6 < 0 ? "-" : "",
			 (long long)(a / 1000000), (long long)(a % 1000000));
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	return buf;
}

/* The Tropic of Cancer, 23 deg 26' N (about 23.436 N in 2023; it drifts by
 * less than 0.001 deg a decade, far below the precision that matters here). */
#define TROPIC_OF_CANCER_E6 23436000

int cn_treaty_in_area(const struct cn_world *w, const char *country,
		      int has_coords, int64_t lat_e6, int64_t at, char *why,
		      size_t whylen)
{
	const struct cn_member *m = cn_world_member(w, country);
	char d[CN_TIME_BUF];

	if (!m || !cn_member_active(m, at)) {
		if (why)
			snprintf(why, whylen,
				 "out of area: %s is not a member state on %s; "
				 "Article 6 covers the territory of the "
				 "Parties in Europe and North America and the "
				 "North Atlantic north of the Tropic of Cancer",
				 country, cn_date_format(at, d));
		return 0;
	}
	if (has_coords && lat_e6 < TROPIC_OF_CANCER_E6) {
		if (why)
			snprintf(why, whylen,
				 "out of area: south of the Tropic of Cancer "
				 "(Article 6)");
		return 0;
	}
	if (why)
		snprintf(why, whylen,
			 "in area: territory of %s, a member state", m->name);
	return 1;
}

/* ---- delegation signatures ------------------------------------------------ */

int cn_position_message(int64_t proposal, int revision, const char *member,
			const char *position, const char *text, int declared,
			char **out, size_t *len, struct cn_err *err)
{
	static const char prefix[] = "council/v1/position\n";
	json_t *o = json_pack("{s:b, s:s, s:s, s:I, s:i, s:s?}", "declared",
			      declared, "member", member, "position", position,
			      "proposal", (json_int_t)proposal, "revision",
			      revision, "text", text);
	char *body = NULL, *msg;
	size_t n;
	int rc;

	if (!o)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if (!text)
		json_object_set_new(o, "text", json_null());
	rc = cn_canon_dump(o, &body, &n, err);
	json_decref(o);
	if (rc)
		return rc;
	if (!(msg = malloc(sizeof(prefix) - 1 + n + 1))) {
		free(body);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	memcpy(msg, prefix, sizeof(prefix) - 1);
	memcpy(msg + sizeof(prefix) - 1, body, n + 1);
	free(body);
	*out = msg;
	*len = sizeof(prefix) - 1 + n;
	return 0;
}

int cn_position_verify(const struct cn_member *m, int64_t proposal,
		       int revision, const char *position, const char *text,
		       int declared, const char *sig_b64, struct cn_err *err)
{
	unsigned char sig[crypto_sign_BYTES];
	size_t siglen = 0;
	char *msg;
	size_t len;
	int rc;

	if (!m->key_vkey)
		return cn_err_set(err, CN_EREFUSED,
				  "%s has no registered key to check its "
				  "signature against", m->code);
	if (cn_base64_decode(sig_b64, strlen(sig_b64), sig, sizeof(sig), &siglen) ||
	    siglen != sizeof(sig))
		return cn_err_set(err, CN_EREFUSED,
				  "the signature is not 64 bytes of base64");
	if ((rc = cn_position_message(proposal, revision, m->code, position, text,
				      declared, &msg, &len, err)))
		return rc;
	rc = crypto_sign_verify_detached(sig, (const unsigned char *)msg, len,
					 m->key_pk);
	free(msg);
	if (rc)
		return cn_err_set(err, CN_EREFUSED,
				  "the signature of %s does not verify with its "
				  "registered key %s", m->code, m->key_name);
	return 0;
}

int cn_fold_key(struct cn_world *w, const struct cn_event *ev,
		struct cn_err *err)
{
	const char *code = json_string_value(json_object_get(ev->payload, "member"));
	const char *vkey = json_string_value(json_object_get(ev->payload, "vkey"));
	struct cn_member *m = code ? (struct cn_member *)cn_world_member(w, code) : NULL;
	char *name = NULL, *copy;
	uint8_t pk[32];

	if (!m || !vkey)
		return cn_err_set(err, CN_ECORRUPT,
				  "event %lld (key.registered): needs a member "
				  "and a vkey", (long long)ev->seq);
	if (cn_note_vkey_decode(vkey, &name, pk, err))
		return cn_err_prefix(err, "event %lld (key.registered): ",
				     (long long)ev->seq);
	if (!(copy = strdup(vkey))) {
		free(name);
		return CN_ENOMEM;
	}
	free(m->key_vkey);
	free(m->key_name);
	m->key_vkey = copy;
	m->key_name = name;
	memcpy(m->key_pk, pk, 32);
	return 0;
}

/* ---- the fold ---------------------------------------------------------- */

static int corrupt(struct cn_err *err, const struct cn_event *ev,
		   const char *what)
{
	return cn_err_set(err, CN_ECORRUPT, "event %lld (%s): %s",
			  (long long)ev->seq, ev->type, what);
}

static int copy_code(char dst[CN_CODE_MAX], const char *src)
{
	size_t n = strlen(src);
	if (n == 0 || n >= CN_CODE_MAX)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

/* A date field of a record: absent or null gives `dflt`. */
static int record_date(const json_t *rec, const char *key, int64_t dflt,
		       int64_t *out, struct cn_err *err)
{
	const json_t *v = json_object_get(rec, key);
	if (!v || json_is_null(v)) {
		*out = dflt;
		return 0;
	}
	if (!json_is_string(v))
		return cn_err_set(err, CN_EINVAL, "%s: expected a date string",
				  key);
	return cn_date_parse_partial(json_string_value(v), key, out, NULL, err);
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int cn_fold_member(struct cn_world *w, const struct cn_event *ev,
		struct cn_err *err)
{
	json_t *rec = json_object_get(ev->payload, "member");
	struct cn_member m = {0};

	if (!json_is_object(rec) || !str(rec, "name") || !str(rec, "code") ||
	    copy_code(m.code, str(rec, "code")))
		return corrupt(err, ev, "member needs code and name");
	if (cn_world_member(w, m.code))
		return corrupt(err, ev, "member already admitted");
	if (record_date(rec, "accession", INT64_MIN, &m.accession, err) ||
	    m.accession == INT64_MIN ||
	    record_date(rec, "exit", CN_TIME_NONE, &m.exit, err))
		return corrupt(err, ev, "member needs a valid accession date");
	m.record = json_incref(rec);
	m.name = str(rec, "name");
	if (!GROW(w->members, w->nmembers))
		return CN_ENOMEM;
	w->members[w->nmembers++] = m;
	return 0;
}

int cn_fold_partner(struct cn_world *w, const struct cn_event *ev,
		struct cn_err *err)
{
	json_t *rec = json_object_get(ev->payload, "partner");
	struct cn_partner p = {0};

	if (!json_is_object(rec) || !str(rec, "name") ||
	    !str(rec, "framework") || !str(rec, "code") ||
	    copy_code(p.code, str(rec, "code")))
		return corrupt(err, ev, "partner needs code, name, framework");
	if (cn_world_partner(w, p.code))
		return corrupt(err, ev, "partner already added");
	if (record_date(rec, "since", INT64_MIN, &p.since, err) ||
	    record_date(rec, "until", CN_TIME_NONE, &p.until, err))
		return cn_err_prefix(err, "event %lld (%s): ", (long long)ev->seq,
				     ev->type);
	p.record = json_incref(rec);
	p.name = str(rec, "name");
	p.framework = str(rec, "framework");
	if (!GROW(w->partners, w->npartners))
		return CN_ENOMEM;
	w->partners[w->npartners++] = p;
	return 0;
}

static int parse_clause(const json_t *c, struct cn_clause *out,
			struct cn_err *err)
{
	const char *kind = str(c, "kind");
	const json_t *list = NULL;
	const json_t *x;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!kind)
		return cn_err_set(err, CN_EINVAL, "membership clause needs kind");
	if (!strcmp(kind, "all"))
		out->kind = CN_CLAUSE_ALL;
	else if (!strcmp(kind, "all-except")) {
		out->kind = CN_CLAUSE_ALL_EXCEPT;
		list = json_object_get(c, "except");
	} else if (!strcmp(kind, "list")) {
		out->kind = CN_CLAUSE_LIST;
		list = json_object_get(c, "members");
	} else
		return cn_err_set(err, CN_EINVAL,
				  "membership clause kind '%s' is not one of "
				  "all, all-except, list", kind);
	if (out->kind != CN_CLAUSE_ALL && !json_is_array(list))
		return cn_err_set(err, CN_EINVAL,
				  "membership clause '%s' needs a list", kind);
	if (list && json_array_size(list)) {
		out->codes = calloc(json_array_size(list), CN_CODE_MAX);
		if (!out->codes)
			return CN_ENOMEM;
		json_array_foreach(list, i, x)
			if (!json_is_string(x) ||
			    copy_code(out->codes[i], json_string_value(x))) {
				free(out->codes);
				out->codes = NULL;
				return cn_err_set(err, CN_EINVAL,
						  "bad member code in clause");
			}
		out->ncodes = json_array_size(list);
	}
	if (record_date(c, "from", INT64_MIN, &out->from, err) ||
	    record_date(c, "to", CN_TIME_NONE, &out->to, err)) {
		free(out->codes);
		out->codes = NULL;
		return CN_EINVAL;
	}
	return 0;
}

int cn_fold_body(struct cn_world *w, const struct cn_event *ev,
		struct cn_err *err)
{
	json_t *rec = json_object_get(ev->payload, "body");
	json_t *ms = json_object_get(rec, "membership"), *c;
	struct cn_body b = {0};
	enum cn_proc proc;
	size_t i;
	int rc = 0;

	if (!json_is_object(rec) || !str(rec, "id") || !str(rec, "name") ||
	    !str(rec, "rule") || !str(rec, "procedure") ||
	    strlen(str(rec, "id")) >= sizeof(b.id) || !json_is_array(ms))
		return corrupt(err, ev,
			       "body needs id, name, rule, procedure, membership");
	if (cn_world_body(w, str(rec, "id")))
		return corrupt(err, ev, "body already established");
	if (cn_proc_parse(str(rec, "procedure"), &proc))
		return corrupt(err, ev, "unknown default procedure");
	strcpy(b.id, str(rec, "id"));
	if (cn_rule_parse(str(rec, "rule"), &b.rule, err))
		return cn_err_prefix(err, "event %lld: body %s: ",
				     (long long)ev->seq, b.id);
	if (record_date(rec, "established", INT64_MIN, &b.established, err) ||
	    record_date(rec, "dissolved", CN_TIME_NONE, &b.dissolved, err)) {
		cn_rule_free(b.rule);
		return cn_err_prefix(err, "event %lld: body %s: ",
				     (long long)ev->seq, b.id);
	}
	b.clauses = calloc(json_array_size(ms) + 1, sizeof(*b.clauses));
	if (!b.clauses) {
		cn_rule_free(b.rule);
		return CN_ENOMEM;
	}
	json_array_foreach(ms, i, c) {
		if ((rc = parse_clause(c, &b.clauses[i], err)) != 0)
			break;
		b.nclauses++;
	}
	if (rc) {
		for (i = 0; i < b.nclauses; i++)
			free(b.clauses[i].codes);
		free(b.clauses);
		cn_rule_free(b.rule);
		return cn_err_prefix(err, "event %lld: body %s: ",
				     (long long)ev->seq, b.id);
	}
	b.record = json_incref(rec);
	b.name = str(rec, "name");
	b.rule_src = str(rec, "rule");
	b.procedure = str(rec, "procedure");
	if (!GROW(w->bodies, w->nbodies))
		return CN_ENOMEM;
	w->bodies[w->nbodies++] = b;
	return 0;
}

int cn_fold_office_opened(struct cn_world *w, const struct cn_event *ev,
		struct cn_err *err)
{
	json_t *rec = json_object_get(ev->payload, "office");
	struct cn_office o = {0};
	const char *lat, *lon;

	if (!json_is_object(rec) || !str(rec, "id") || !str(rec, "name") ||
	    !str(rec, "country"))
		return corrupt(err, ev, "office needs id, name, country");
	if (cn_world_office(w, str(rec, "id")))
		return corrupt(err, ev, "office id already used");
	lat = str(rec, "lat");
	lon = str(rec, "lon");
	if (lat && lon) {
		if (cn_coord_parse(lat, 90, &o.lat_e6, err) ||
		    cn_coord_parse(lon, 180, &o.lon_e6, err))
			return cn_err_prefix(err, "event %lld: office %s: ",
					     (long long)ev->seq, str(rec, "id"));
		o.has_coords = 1;
	}
	/* An unknown opening day falls back to a sourced bound, and an
	 * unknown closing to the opening of a successor (data/README.md). */
	if (record_date(rec, "opened", INT64_MIN, &o.opened, err) ||
	    (o.opened == INT64_MIN &&
	     record_date(rec, "opened_not_before", INT64_MIN, &o.opened, err)) ||
	    (o.opened == INT64_MIN &&
	     record_date(rec, "known_open_by", INT64_MIN, &o.opened, err)) ||
	    record_date(rec, "closed", CN_TIME_NONE, &o.closed, err) ||
	    (o.closed == CN_TIME_NONE &&
	     record_date(rec, "closed_by_succession", CN_TIME_NONE, &o.closed,
			 err)))
		return cn_err_prefix(err, "event %lld: office %s: ",
				     (long long)ev->seq, str(rec, "id"));
	o.decision = json_integer_value(json_object_get(ev->payload, "decision"));
	o.record = json_incref(rec);
	o.id = str(rec, "id");
	o.name = str(rec, "name");
	o.country = str(rec, "country");
	if (!GROW(w->offices, w->noffices)) {
		json_decref(rec);
		return CN_ENOMEM;
	}
	w->offices[w->noffices++] = o;
	return 0;
}

int cn_fold_office_closed(struct cn_world *w, const struct cn_event *ev,
		struct cn_err *err)
{
	const char *id = str(ev->payload, "office");
	struct cn_office *o = id ? (struct cn_office *)cn_world_office(w, id) : NULL;
	int64_t closed;
	json_t *rec;

	if (!o)
		return corrupt(err, ev, "no such office");
	if (record_date(ev->payload, "closed", INT64_MIN, &closed, err) ||
	    closed == INT64_MIN)
		return corrupt(err, ev, "office.closed needs a closed date");
	/* Records are shared with events; copy before changing. */
	rec = json_deep_copy(o->record);
	if (!rec)
		return CN_ENOMEM;
	json_object_set(rec, "closed", json_object_get(ev->payload, "closed"));
	if (json_object_get(ev->payload, "decision"))
		json_object_set(rec, "closed_by_decision",
				json_object_get(ev->payload, "decision"));
	json_decref(o->record);
	o->record = rec;
	o->id = str(rec, "id");
	o->name = str(rec, "name");
	o->country = str(rec, "country");
	o->closed = closed;
	return 0;
}

static char *dupstr(const char *s)
{
	return s ? strdup(s) : NULL;
}

int cn_fold_proposal_created(struct cn_world *w, const struct cn_event *ev,
		struct cn_err *err)
{
	const json_t *pl = ev->payload, *el = json_object_get(pl, "electorate");
	struct cn_proposal *p;
	json_int_t id = json_integer_value(json_object_get(pl, "id"));
	const char *body = str(pl, "body"), *proc = str(pl, "procedure");
	const json_t *x;
	size_t i;

	if ((uint64_t)id != w->nproposals + 1)
		return corrupt(err, ev, "proposal id out of sequence");
	if (!body || !cn_world_body(w, body) || !str(pl, "title") || !proc ||
	    !str(pl, "rule") || !json_is_array(el))
		return corrupt(err, ev,
			       "proposal needs body, title, procedure, rule, "
			       "electorate");
	if (!(p = calloc(1, sizeof(*p))))
		return CN_ENOMEM;
	p->id = id;
	snprintf(p->body, sizeof(p->body), "%s", cn_world_body(w, body)->id);
	if (cn_proc_parse(proc, &p->proc)) {
		free(p);
		return corrupt(err, ev, "unknown procedure");
	}
	p->title = dupstr(str(pl, "title"));
	p->text = dupstr(str(pl, "text") ? str(pl, "text") : "");
	p->proposer = dupstr(str(pl, "proposer") ? str(pl, "proposer")
						 : ev->actor);
	p->level = dupstr(str(pl, "level"));
	p->place = dupstr(str(pl, "place"));
	p->rule_src = dupstr(str(pl, "rule"));
	p->shared = json_is_true(json_object_get(pl, "shared"));
	p->revision = 1;
	p->opened = ev->time;
	p->deadline = CN_TIME_NONE;
	if (str(pl, "deadline") &&
	    cn_time_parse(str(pl, "deadline"), "deadline", &p->deadline, err)) {
		proposal_free(p);
		return cn_err_prefix(err, "event %lld: ", (long long)ev->seq);
	}
	p->effects = json_incref(json_object_get(pl, "effects"));
	if (!p->effects)
		p->effects = json_array();
	{
		char t[CN_TIME_BUF];
		json_t *dl = json_object_get(pl, "deadline");
		p->revisions = json_pack("[{s:i, s:s, s:s, s:O}]", "revision", 1,
					 "text", p->text ? p->text : "", "at",
					 cn_time_format(ev->time, t), "deadline",
					 dl ? dl : json_null());
	}
	p->blocking = json_array();
	p->holding = json_array();
	p->ballots = calloc(json_array_size(el) + 1, sizeof(*p->ballots));
	if (!p->title || !p->text || !p->proposer || !p->rule_src ||
	    !p->revisions || !p->ballots || !p->blocking || !p->holding) {
		proposal_free(p);
		return CN_ENOMEM;
	}
	json_array_foreach(el, i, x) {
		if (!json_is_string(x) ||
		    copy_code(p->ballots[i].code, json_string_value(x))) {
			proposal_free(p);
			return corrupt(err, ev, "bad electorate code");
		}
		p->nballots++;
	}
	if (cn_rule_parse(p->rule_src, &p->rule, err)) {
		proposal_free(p);
		return cn_err_prefix(err, "event %lld: ", (long long)ev->seq);
	}
	if (!GROW(w->proposals, w->nproposals)) {
		proposal_free(p);
		return CN_ENOMEM;
	}
	w->proposals[w->nproposals++] = p;
	return 0;
}

static struct cn_ballot *ballot_of(struct cn_proposal *p, const char *code)
{
	for (size_t i = 0; i < p->nballots; i++)
		if (code && !strcmp(p->ballots[i].code, code))
			return &p->ballots[i];
	return NULL;
}

static int set_ballot(struct cn_ballot *b, enum cn_pos pos, const char *text,
		      int declared, int64_t at)
{
	char *t = NULL;
	if (text && !(t = strdup(text)))
		return CN_ENOMEM;
	free(b->text);
	b->text = t;
	b->pos = pos;
	b->declared = declared;
	b->at = at;
	return 0;
}

static int replace_str(char **dst, const char *src)
{
	char *s = src ? strdup(src) : NULL;
	if (src && !s)
		return CN_ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

int cn_event_check_signature(const struct cn_world *w,
			     const struct cn_event *ev, struct cn_err *err)
{
	const json_t *pl = ev->payload;
	const struct cn_event_type *t = ev->et;
	const struct cn_proposal *p;
	const struct cn_member *m;
	struct cn_err why = {0};
	const char *ppos;

	if (!json_object_get(pl, "signature"))
		return 0;
	if (!t || !(t->flags & CN_EVT_STATEMENT))
		return cn_err_set(err, CN_ECORRUPT,
				  "event %lld (%s): only a delegation's "
				  "statement can carry a signature",
				  (long long)ev->seq, ev->type);
	p = cn_world_proposal(w, json_integer_value(json_object_get(pl, "proposal")));
	m = cn_world_member(w, str(pl, "member") ? str(pl, "member") : "");
	ppos = t->signed_position ? t->signed_position : str(pl, "position");
	if (!p || !m || !ppos || !str(pl, "signature") ||
	    cn_position_verify(m, p->id, p->revision, ppos,
			       str(pl, t->signed_text),
			       json_is_true(json_object_get(pl, "declared")),
			       str(pl, "signature"), &why))
		return cn_err_set(err, CN_ECORRUPT,
				  "event %lld (%s): delegation signature does not "
				  "verify (%s)", (long long)ev->seq, ev->type,
				  !p ? "no such proposal" : !m ? "no such member"
				  : !ppos ? "no position"
				  : why.msg[0] ? why.msg : "no signature text");
	return 0;
}

/* Events about an existing proposal. */
int cn_fold_proposal_event(struct cn_world *w, const struct cn_event *ev,
		struct cn_err *err)
{
	const json_t *pl = ev->payload;
	struct cn_proposal *p =
		cn_world_proposal(w, json_integer_value(json_object_get(pl, "proposal")));
	struct cn_ballot *b;
	enum cn_pos pos;

	if (!p)
		return corrupt(err, ev, "no such proposal");
	if (p->concluded && !(ev->et->flags & CN_EVT_AFTER_CONCLUSION))
		return corrupt(err, ev, "proposal already concluded");
	/* A signed statement must still verify: the log cannot be rewritten
	 * in a delegation's name. */
	if (cn_event_check_signature(w, ev, err))
		return CN_ECORRUPT;
	switch (ev->et->id) {
	case CN_EV_COMMENT_MADE:
		return 0; /* on the record, changes no state */
	case CN_EV_POSITION_STATED:
		if (!(b = ballot_of(p, str(pl, "member"))) ||
		    !str(pl, "position") || cn_pos_parse(str(pl, "position"), &pos))
			return corrupt(err, ev, "bad member or position");
		return set_ballot(b, pos, str(pl, "text"),
				  json_is_true(json_object_get(pl, "declared")),
				  ev->time);
	case CN_EV_SILENCE_BROKEN:
		if (!(b = ballot_of(p, str(pl, "member"))))
			return corrupt(err, ev, "bad member");
		return set_ballot(b, CN_POS_OBJECT, str(pl, "reason"), 0,
				  ev->time);
	case CN_EV_RESERVATION_LIFTED:
		if (!(b = ballot_of(p, str(pl, "member"))) ||
		    b->pos != CN_POS_RESERVE)
			return corrupt(err, ev, "no reservation to lift");
		return set_ballot(b, CN_POS_NONE, NULL, 0, ev->time);
	case CN_EV_DEADLINE_EXTENDED: {
		if (!str(pl, "deadline") ||
		    cn_time_parse(str(pl, "deadline"), "deadline", &p->deadline, err))
			return corrupt(err, ev, "bad deadline");
		json_t *last = json_array_get(p->revisions,
					      json_array_size(p->revisions) - 1);
		json_object_set(last, "deadline", json_object_get(pl, "deadline"));
		return 0;
	}
	case CN_EV_TEXT_RECIRCULATED: {
		char t[CN_TIME_BUF];
		if (!str(pl, "text") || !str(pl, "deadline") ||
		    cn_time_parse(str(pl, "deadline"), "deadline", &p->deadline, err))
			return corrupt(err, ev, "recirculation needs text, deadline");
		if (replace_str(&p->text, str(pl, "text")))
			return CN_ENOMEM;
		p->revision++;
		/* A revised text is a new question: earlier positions were
		 * given on the old text and do not carry over. */
		for (size_t i = 0; i < p->nballots; i++)
			if (set_ballot(&p->ballots[i], CN_POS_NONE, NULL, 0, ev->time))
				return CN_ENOMEM;
		json_array_append_new(p->revisions,
			json_pack("{s:i, s:s, s:s, s:O}", "revision", p->revision,
				  "text", p->text, "at", cn_time_format(ev->time, t),
				  "deadline", json_object_get(pl, "deadline")));
		return 0;
	}
	case CN_EV_PROCEDURE_CONCLUDED: {
		const char *outcome = str(pl, "outcome");
		if (!outcome || !str(pl, "explanation"))
			return corrupt(err, ev, "conclusion needs outcome");
		if (replace_str(&p->outcome, outcome) ||
		    replace_str(&p->explanation, str(pl, "explanation")))
			return CN_ENOMEM;
		json_decref(p->blocking);
		json_decref(p->holding);
		p->blocking = json_incref(json_object_get(pl, "blocking"));
		p->holding = json_incref(json_object_get(pl, "holding"));
		if (!p->blocking)
			p->blocking = json_array();
		if (!p->holding)
			p->holding = json_array();
		p->concluded = 1;
		p->concluded_at = ev->time;
		return 0;
	}
	default:
		return corrupt(err, ev, "not an event about a proposal");
	}
}

int cn_fold_alliance(struct cn_world *w, const struct cn_event *ev,
		struct cn_err *err)
{
	json_t *a = json_object_get(ev->payload, "alliance");
	if (w->alliance || !json_is_object(a))
		return corrupt(err, ev, "alliance already founded");
	w->alliance = json_incref(a);
	return 0;
}

int cn_world_apply(struct cn_world *w, const struct cn_event *ev,
		   struct cn_err *err)
{
	const struct cn_event_type *t = ev->et;
	int rc = 0;

	if (ev->seq != w->last_seq + 1)
		return cn_err_set(err, CN_ECORRUPT,
				  "event %lld out of sequence (expected %lld)",
				  (long long)ev->seq, (long long)w->last_seq + 1);
	if (!t)
		return corrupt(err, ev, "unknown event type");
	for (const char *const *f = t->required; *f; f++)
		if (!json_object_get(ev->payload, *f)) {
			char what[96];
			snprintf(what, sizeof(what), "payload has no '%s'", *f);
			return corrupt(err, ev, what);
		}
	rc = t->apply(w, ev, err);
	if (rc == CN_ENOMEM)
		cn_err_set(err, CN_ENOMEM, "out of memory applying event %lld",
			   (long long)ev->seq);
	/* A payload that does not fit its type is a corrupt log, whatever the
	 * parser that noticed it calls it. */
	if (rc && rc != CN_ENOMEM) {
		rc = CN_ECORRUPT;
		if (err)
			err->code = CN_ECORRUPT;
	}
	if (rc == 0) {
		w->last_seq = ev->seq;
		memcpy(w->last_hash, ev->hash, CN_HASH_LEN);
	}
	return rc;
}

void cn_world_skip_to(struct cn_world *w, const struct cn_event *ev)
{
	w->last_seq = ev->seq;
	memcpy(w->last_hash, ev->hash, CN_HASH_LEN);
}

int cn_event_entity(const struct cn_event *ev, const char **kind,
		    char key[64])
{
	const struct cn_event_type *t = ev->et;
	const json_t *v;

	key[0] = '\0';
	if (!t)
		return CN_ENOTFOUND;
	v = json_object_get(ev->payload, t->key[0]);
	if (t->key[1])
		v = json_object_get(v, t->key[1]);
	*kind = cn_entity_name(t->entity);
	if (t->entity == CN_ENT_PROPOSAL) {
		json_int_t id = json_integer_value(v);
		if (id <= 0)
			return CN_ENOTFOUND;
		snprintf(key, 64, "%lld", (long long)id);
		return 0;
	}
	if (!json_is_string(v))
		return CN_ENOTFOUND;
	snprintf(key, 64, "%s", json_string_value(v));
	return 0;
}
