/*
 * fold.c - the fold: each event type's apply function (the rows of
 * event_type.c point at them), cn_world_apply() that checks an event and
 * dispatches it, and the entity an event changed; see world.h and fold.h.
 *
 * Registry records are kept whole (as the dataset or the effect gave
 * them, source included) and only the fields the engine reasons about are
 * parsed out next to them.  Every function takes its references and
 * allocates before it changes the world, so a failure leaves the registry
 * as it was.
 */
#include "fold.h"

#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "buf.h"
#include "checkpoint.h"
#include "registry_dates.h"
#include "timeutil.h"

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

/* A date field of a record: absent or null gives `dflt`
 * (registry_dates.h). */
static int record_date(const json_t *rec, const char *key, int64_t dflt,
		       int64_t *out, struct cn_err *err)
{
	return cn_record_date(rec, key, dflt, out, err);
}

/* Room for one more element after the n of an array of `size`-byte
 * elements: the new block, or NULL when out of memory.  realloc keeps the
 * old block on failure and callers store the new one only on success, so
 * the world never loses an array; each caller grows before it takes any
 * reference, so a failure leaks nothing either. */
static void *grow(void *arr, size_t n, size_t size)
{
	if (n >= SIZE_MAX / size - 1)
		return NULL;
	return realloc(arr, (n + 1) * size);
}

int cn_fold_member(struct cn_world *w, const struct cn_event *ev,
		struct cn_err *err)
{
	json_t *rec = json_object_get(ev->payload, "member");
	struct cn_member m = {0}, *v;
	struct cn_partner *p;

	if (!json_is_object(rec) || !cn_jstr(rec, "name") || !cn_jstr(rec, "code") ||
	    copy_code(m.code, cn_jstr(rec, "code")))
		return corrupt(err, ev, "member needs code and name");
	if (cn_world_member(w, m.code))
		return corrupt(err, ev, "member already admitted");
	if (record_date(rec, "accession", INT64_MIN, &m.accession, err) ||
	    m.accession == INT64_MIN ||
	    record_date(rec, "exit", CN_TIME_NONE, &m.exit, err))
		return corrupt(err, ev, "member needs a valid accession date");
	/* Dated attributes (attribute.h), which weight() rules sum. */
	if (cn_attributes_check(json_object_get(rec, "attributes"), err))
		return cn_err_prefix(err, "event %lld (%s): member %s: ",
				     (long long)ev->seq, ev->type, m.code);
	p = (struct cn_partner *)cn_world_partner(w, m.code);
	if (p && cn_partner_member_check(p, &m, 1, err))
		return cn_err_prefix(err, "event %lld (%s): ", (long long)ev->seq,
				     ev->type);
	if (!(v = grow(w->members, w->nmembers, sizeof(*v))))
		return CN_ENOMEM;
	w->members = v;
	m.record = json_incref(rec);
	m.name = cn_jstr(rec, "name");
	w->members[w->nmembers++] = m;
	/* A partner that joins is a partner no longer. */
	if (p)
		cn_partner_end_at(p, m.accession);
	return 0;
}

int cn_fold_partner(struct cn_world *w, const struct cn_event *ev,
		struct cn_err *err)
{
	json_t *rec = json_object_get(ev->payload, "partner");
	struct cn_partner p = {0}, *v;
	const struct cn_member *m;

	if (!json_is_object(rec) || !cn_jstr(rec, "name") ||
	    !cn_jstr(rec, "framework") || !cn_jstr(rec, "code") ||
	    copy_code(p.code, cn_jstr(rec, "code")))
		return corrupt(err, ev, "partner needs code, name, framework");
	if (cn_world_partner(w, p.code))
		return corrupt(err, ev, "partner already added");
	m = cn_world_member(w, p.code);
	if (cn_partner_dates(rec, &p, err) ||
	    (m && cn_partner_member_check(&p, m, 0, err))) {
		free(p.periods);
		return cn_err_prefix(err, "event %lld (%s): ", (long long)ev->seq,
				     ev->type);
	}
	if (!(v = grow(w->partners, w->npartners, sizeof(*v)))) {
		free(p.periods);
		return CN_ENOMEM;
	}
	w->partners = v;
	p.record = json_incref(rec);
	p.name = cn_jstr(rec, "name");
	p.framework = cn_jstr(rec, "framework");
	w->partners[w->npartners++] = p;
	return 0;
}

static int parse_clause(const json_t *c, struct cn_clause *out,
			struct cn_err *err)
{
	const char *kind = cn_jstr(c, "kind");
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
			return cn_err_set(err, CN_ENOMEM, "out of memory");
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
	struct cn_body b = {0}, *v;
	enum cn_proc proc;
	size_t i;
	int rc = 0;

	if (!json_is_object(rec) || !cn_jstr(rec, "id") || !cn_jstr(rec, "name") ||
	    !cn_jstr(rec, "rule") || !cn_jstr(rec, "procedure") ||
	    strlen(cn_jstr(rec, "id")) >= sizeof(b.id) || !json_is_array(ms))
		return corrupt(err, ev,
			       "body needs id, name, rule, procedure, membership");
	if (cn_world_body(w, cn_jstr(rec, "id")))
		return corrupt(err, ev, "body already established");
	if (cn_proc_parse(cn_jstr(rec, "procedure"), &proc))
		return corrupt(err, ev, "unknown default procedure");
	if (!(v = grow(w->bodies, w->nbodies, sizeof(*v))))
		return CN_ENOMEM;
	w->bodies = v;
	strcpy(b.id, cn_jstr(rec, "id"));
	/* Each failure below returns the code it met, not err->code after
	 * the prefix: a callee that failed without setting err (out of
	 * memory, once) must not read as success with the body left out. */
	if ((rc = cn_rule_parse(cn_jstr(rec, "rule"), &b.rule, err))) {
		cn_err_prefix(err, "event %lld: body %s: ", (long long)ev->seq,
			      b.id);
		return rc;
	}
	if ((rc = record_date(rec, "established", INT64_MIN, &b.established,
			      err)) ||
	    (rc = record_date(rec, "dissolved", CN_TIME_NONE, &b.dissolved,
			      err))) {
		cn_rule_free(b.rule);
		cn_err_prefix(err, "event %lld: body %s: ", (long long)ev->seq,
			      b.id);
		return rc;
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
		cn_err_prefix(err, "event %lld: body %s: ", (long long)ev->seq,
			      b.id);
		return rc;
	}
	b.record = json_incref(rec);
	b.name = cn_jstr(rec, "name");
	b.rule_src = cn_jstr(rec, "rule");
	b.procedure = cn_jstr(rec, "procedure");
	w->bodies[w->nbodies++] = b;
	return 0;
}

int cn_fold_office_opened(struct cn_world *w, const struct cn_event *ev,
		struct cn_err *err)
{
	json_t *rec = json_object_get(ev->payload, "office");
	struct cn_office o = {0}, *v;
	const char *lat, *lon;

	if (!json_is_object(rec) || !cn_jstr(rec, "id") || !cn_jstr(rec, "name") ||
	    !cn_jstr(rec, "country"))
		return corrupt(err, ev, "office needs id, name, country");
	if (cn_world_office(w, cn_jstr(rec, "id")))
		return corrupt(err, ev, "office id already used");
	lat = cn_jstr(rec, "lat");
	lon = cn_jstr(rec, "lon");
	if (lat && lon) {
		if (cn_coord_parse(lat, 90, &o.lat_e6, err) ||
		    cn_coord_parse(lon, 180, &o.lon_e6, err))
			return cn_err_prefix(err, "event %lld: office %s: ",
					     (long long)ev->seq, cn_jstr(rec, "id"));
		o.has_coords = 1;
	}
	/* An unknown day is counted from a sourced bound, or not at all
	 * (registry_dates.h, data/README.md). */
	if (cn_office_dates(rec, &o, err))
		return cn_err_prefix(err, "event %lld: office %s: ",
				     (long long)ev->seq, cn_jstr(rec, "id"));
	if (!(v = grow(w->offices, w->noffices, sizeof(*v))))
		return CN_ENOMEM;
	w->offices = v;
	o.decision = json_integer_value(json_object_get(ev->payload, "decision"));
	o.record = json_incref(rec);
	o.id = cn_jstr(rec, "id");
	o.name = cn_jstr(rec, "name");
	o.country = cn_jstr(rec, "country");
	w->offices[w->noffices++] = o;
	return 0;
}

int cn_fold_office_closed(struct cn_world *w, const struct cn_event *ev,
		struct cn_err *err)
{
	const char *id = cn_jstr(ev->payload, "office");
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
	if (!rec ||
	    json_object_set(rec, "closed", json_object_get(ev->payload, "closed")) ||
	    (json_object_get(ev->payload, "decision") &&
	     json_object_set(rec, "closed_by_decision",
			     json_object_get(ev->payload, "decision")))) {
		json_decref(rec);
		return CN_ENOMEM;
	}
	json_decref(o->record);
	o->record = rec;
	o->id = cn_jstr(rec, "id");
	o->name = cn_jstr(rec, "name");
	o->country = cn_jstr(rec, "country");
	o->closed = closed;
	o->closed_bound = NULL;
	o->end = CN_OFFICE_CLOSED;
	return 0;
}

static char *dupstr(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A revision's entry in a proposal's "revisions": its number, text, time
 * and deadline (borrowed; NULL for null), or NULL when out of memory.
 * Key by key, not by json_pack, which parsed its format and checked the
 * text's UTF-8 again for each (4,800 instructions a proposal): the text
 * is already a JSON string's, whose UTF-8 jansson or the canonical reader
 * checked. */
static json_t *revision_entry(json_int_t n, const char *text, int64_t at,
			      const json_t *deadline)
{
	char t[CN_TIME_BUF];
	json_t *o = json_object();

	if (!o ||
	    json_object_set_new_nocheck(o, "revision", json_integer(n)) ||
	    json_object_set_new_nocheck(o, "text", json_string_nocheck(text)) ||
	    json_object_set_new_nocheck(o, "at", json_string_nocheck(
					cn_time_format(at, t))) ||
	    json_object_set_nocheck(o, "deadline", deadline ? (json_t *)deadline
							     : json_null())) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int cn_fold_proposal_created(struct cn_world *w, const struct cn_event *ev,
		struct cn_err *err)
{
	const json_t *pl = ev->payload, *el = json_object_get(pl, "electorate");
	struct cn_proposal *p;
	json_int_t id = json_integer_value(json_object_get(pl, "id"));
	const char *body = cn_jstr(pl, "body"), *proc = cn_jstr(pl, "procedure");
	const char *level = cn_jstr(pl, "level"), *place = cn_jstr(pl, "place");
	const json_t *x, *dl = json_object_get(pl, "deadline");
	size_t i;
	int rc;

	if ((uint64_t)id != w->nproposals + 1)
		return corrupt(err, ev, "proposal id out of sequence");
	if (!body || !cn_world_body(w, body) || !cn_jstr(pl, "title") || !proc ||
	    !cn_jstr(pl, "rule") || !json_is_array(el))
		return corrupt(err, ev,
			       "proposal needs body, title, procedure, rule, "
			       "electorate");
	if (cn_world_room(w, w->nproposals + 1))
		return CN_ENOMEM;
	if (!(p = calloc(1, sizeof(*p))))
		return CN_ENOMEM;
	p->id = id;
	snprintf(p->body, sizeof(p->body), "%s", cn_world_body(w, body)->id);
	if (cn_proc_parse(proc, &p->proc)) {
		free(p);
		return corrupt(err, ev, "unknown procedure");
	}
	p->title = dupstr(cn_jstr(pl, "title"));
	p->text = dupstr(cn_jstr(pl, "text") ? cn_jstr(pl, "text") : "");
	p->proposer = dupstr(cn_jstr(pl, "proposer") ? cn_jstr(pl, "proposer")
						    : ev->actor);
	p->level = dupstr(level);
	p->place = dupstr(place);
	p->rule_src = dupstr(cn_jstr(pl, "rule"));
	p->shared = json_is_true(json_object_get(pl, "shared"));
	p->revision = 1;
	p->opened = ev->time;
	p->deadline = CN_TIME_NONE;
	if (cn_jstr(pl, "deadline") &&
	    (rc = cn_time_parse(cn_jstr(pl, "deadline"), "deadline",
				&p->deadline, err))) {
		cn_proposal_free(p);
		cn_err_prefix(err, "event %lld: ", (long long)ev->seq);
		return rc;
	}
	p->effects = json_incref(json_object_get(pl, "effects"));
	if (!p->effects)
		p->effects = json_array();
	if ((p->revisions = json_array()) && p->text &&
	    json_array_append_new(p->revisions,
				  revision_entry(1, p->text, ev->time, dl))) {
		json_decref(p->revisions);
		p->revisions = NULL;
	}
	p->blocking = json_array();
	p->holding = json_array();
	p->ballots = calloc(json_array_size(el) + 1, sizeof(*p->ballots));
	if (!p->title || !p->text || !p->proposer || !p->rule_src ||
	    (level && !p->level) || (place && !p->place) || !p->effects ||
	    !p->revisions || !p->ballots || !p->blocking || !p->holding) {
		cn_proposal_free(p);
		return CN_ENOMEM;
	}
	json_array_foreach(el, i, x) {
		if (!json_is_string(x) ||
		    copy_code(p->ballots[i].code, json_string_value(x))) {
			cn_proposal_free(p);
			return corrupt(err, ev, "bad electorate code");
		}
		p->nballots++;
	}
	if ((rc = cn_rule_parse(p->rule_src, &p->rule, err))) {
		cn_proposal_free(p);
		cn_err_prefix(err, "event %lld: ", (long long)ev->seq);
		return rc;
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

int cn_fold_key(struct cn_world *w, const struct cn_event *ev,
		struct cn_err *err)
{
	const char *code = cn_jstr(ev->payload, "member");
	const char *vkey = cn_jstr(ev->payload, "vkey");
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

int cn_fold_proposal_event(struct cn_world *w, const struct cn_event *ev,
		struct cn_err *err)
{
	const json_t *pl = ev->payload;
	struct cn_proposal *p =
		cn_world_proposal(w, json_integer_value(json_object_get(pl, "proposal")));
	struct cn_ballot *b;
	enum cn_pos pos;
	int64_t deadline;
	json_t *rev, *blocking, *holding;
	int rc;

	if (!p)
		return corrupt(err, ev, "no such proposal");
	if (p->concluded && !(ev->et->flags & CN_EVT_AFTER_CONCLUSION))
		return corrupt(err, ev, "proposal already concluded");
	/* A signed statement must still verify: the log cannot be rewritten
	 * in a delegation's name. */
	if ((rc = cn_event_check_signature(w, ev, err)))
		return rc;
	switch (ev->et->id) {
	case CN_EV_COMMENT_MADE:
		return 0; /* on the record, changes no state */
	case CN_EV_POSITION_STATED:
		if (!(b = ballot_of(p, cn_jstr(pl, "member"))) ||
		    !cn_jstr(pl, "position") || cn_pos_parse(cn_jstr(pl, "position"), &pos))
			return corrupt(err, ev, "bad member or position");
		return set_ballot(b, pos, cn_jstr(pl, "text"),
				  json_is_true(json_object_get(pl, "declared")),
				  ev->time);
	case CN_EV_SILENCE_BROKEN:
		if (!(b = ballot_of(p, cn_jstr(pl, "member"))))
			return corrupt(err, ev, "bad member");
		return set_ballot(b, CN_POS_OBJECT, cn_jstr(pl, "reason"), 0,
				  ev->time);
	case CN_EV_RESERVATION_LIFTED:
		if (!(b = ballot_of(p, cn_jstr(pl, "member"))) ||
		    b->pos != CN_POS_RESERVE)
			return corrupt(err, ev, "no reservation to lift");
		return set_ballot(b, CN_POS_NONE, NULL, 0, ev->time);
	case CN_EV_DEADLINE_EXTENDED:
		if (!cn_jstr(pl, "deadline") ||
		    cn_time_parse(cn_jstr(pl, "deadline"), "deadline", &deadline, err))
			return corrupt(err, ev, "bad deadline");
		/* The current revision's entry already has a "deadline" key,
		 * so setting it replaces a value and allocates nothing. */
		if (json_object_set(json_array_get(p->revisions,
						   json_array_size(p->revisions) - 1),
				    "deadline", json_object_get(pl, "deadline")))
			return CN_ENOMEM;
		p->deadline = deadline;
		return 0;
	case CN_EV_TEXT_RECIRCULATED:
		if (!cn_jstr(pl, "text") || !cn_jstr(pl, "deadline") ||
		    cn_time_parse(cn_jstr(pl, "deadline"), "deadline", &deadline, err))
			return corrupt(err, ev, "recirculation needs text, deadline");
		rev = revision_entry(p->revision + 1, cn_jstr(pl, "text"),
				     ev->time, json_object_get(pl, "deadline"));
		if (!rev || json_array_append_new(p->revisions, rev) ||
		    replace_str(&p->text, cn_jstr(pl, "text")))
			return CN_ENOMEM;
		p->revision++;
		p->deadline = deadline;
		/* A revised text is a new question: earlier positions were
		 * given on the old text and do not carry over. */
		for (size_t i = 0; i < p->nballots; i++)
			if (set_ballot(&p->ballots[i], CN_POS_NONE, NULL, 0, ev->time))
				return CN_ENOMEM;
		return 0;
	case CN_EV_PROCEDURE_CONCLUDED:
		if (!cn_jstr(pl, "outcome") || !cn_jstr(pl, "explanation"))
			return corrupt(err, ev, "conclusion needs outcome");
		blocking = json_incref(json_object_get(pl, "blocking"));
		holding = json_incref(json_object_get(pl, "holding"));
		if (!blocking)
			blocking = json_array();
		if (!holding)
			holding = json_array();
		if (!blocking || !holding ||
		    replace_str(&p->outcome, cn_jstr(pl, "outcome")) ||
		    replace_str(&p->explanation, cn_jstr(pl, "explanation"))) {
			json_decref(blocking);
			json_decref(holding);
			return CN_ENOMEM;
		}
		json_decref(p->blocking);
		json_decref(p->holding);
		p->blocking = blocking;
		p->holding = holding;
		p->concluded = 1;
		p->concluded_at = ev->time;
		return 0;
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
	else if (rc)
		rc = cn_err_recode(err, CN_ECORRUPT);
	/* The deadline index follows the proposal the event changed. */
	if (rc == 0 && t->entity == CN_ENT_PROPOSAL) {
		const int64_t id = cn_event_proposal(ev);
		struct cn_proposal *p = id > 0 ? cn_world_proposal(w, id) : NULL;
		if (p)
			rc = cn_deadlines_track(w, p, err);
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

int cn_world_skip_proposals(struct cn_world *w, int64_t id,
			    struct cn_err *err)
{
	if (id < 1 || (uint64_t)id <= w->nproposals + 1)
		return 0;
	if (cn_world_room(w, (size_t)(id - 1)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	while (w->nproposals < (uint64_t)id - 1)
		w->proposals[w->nproposals++] = NULL;
	return 0;
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
