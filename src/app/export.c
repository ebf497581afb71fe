/* export.c - the log outside the database; see export.h. */
#include "export.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/checkpoint.h"
#include "../core/merkle.h"
#include "projection.h"
#include "verify.h"

json_t *cn_proof_json(const struct cn_merkle_proof *p)
{
	json_t *a = json_array();
	char b64[CN_MERKLE_B64_LEN];
	for (size_t i = 0; a && i < p->len; i++) {
		cn_merkle_hash_b64(p->node[i].b, b64);
		json_array_append_new(a, json_string(b64));
	}
	return a;
}

_Static_assert(CN_SALT_LEN == CN_MERKLE_HASH_LEN && CN_SALT_B64_LEN ==
	       CN_MERKLE_B64_LEN, "a salt is written as a hash is");

int cn_receipt_json(struct cn_store *st, int64_t seq, json_t **out,
		    struct cn_err *err)
{
	struct cn_merkle_proof proof;
	struct cn_event ev;
	char *note = NULL, *vkey = NULL, salt[CN_SALT_B64_LEN];
	uint64_t size;
	int rc;

	if ((rc = cn_store_checkpoint_latest(st, &note, &size, NULL, err)) == 0 &&
	    (rc = cn_store_inclusion(st, (uint64_t)seq - 1, size, &proof, err)) == 0 &&
	    (rc = cn_store_get_meta(st, "log_vkey", &vkey, err)) == 0 &&
	    (rc = cn_store_event(st, seq, &ev, err)) == 0) {
		cn_merkle_hash_b64(ev.salt, salt);
		*out = json_pack("{s:i, s:s, s:I, s:s%, s:s, s:s, s:o}",
				 "council_receipt", CN_RECEIPT_FORMAT, "log_key",
				 vkey, "index", (json_int_t)(seq - 1), "event",
				 ev.bytes, ev.len, "salt", salt, "checkpoint", note,
				 "proof", cn_proof_json(&proof));
		cn_event_release(&ev);
		if (!*out)
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	free(note);
	free(vkey);
	return rc;
}

/* ---- writing an export ------------------------------------------------------ */

struct exporter {
	FILE *out;
	struct cn_store *st;
	const struct cn_viewer *viewer; /* NULL: everything, in full */
	json_t *sights;                 /* proposal id -> enum cn_sight */
};

static int write_failed(struct cn_err *err)
{
	return cn_err_set(err, CN_EIO, "writing the export failed");
}

/* cn_sight_lookup_fn over the snapshot's proposals, cached. */
static int lookup_sight(void *ctx, int64_t id, enum cn_sight *out,
			struct cn_err *err)
{
	struct exporter *x = ctx;
	struct cn_proposal_sight p = {0};
	char key[24];
	json_t *c;
	int rc;

	snprintf(key, sizeof(key), "%lld", (long long)id);
	if ((c = json_object_get(x->sights, key))) {
		*out = (enum cn_sight)json_integer_value(c);
		return 0;
	}
	rc = cn_store_proposal_meta(x->st, id, p.body, &p.shared, &p.adopted, err);
	if (rc && rc != CN_ENOTFOUND)
		return rc;
	*out = rc ? CN_SIGHT_NONE : cn_sight_of(x->viewer, &p);
	if (json_object_set_new(x->sights, key, json_integer(*out)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

/* One entry: the event in full with its salt, or its leaf hash alone. */
static int put_entry(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct exporter *x = ctx;
	char b64[CN_MERKLE_B64_LEN];
	int sees = 1, rc, ok;

	if (x->viewer &&
	    (rc = cn_sight_sees_event(x->viewer, ev, lookup_sight, x, &sees, err)))
		return rc;
	if (sees) {
		cn_merkle_hash_b64(ev->salt, b64);
		ok = fprintf(x->out, "{\"salt\":\"%s\",\"event\":", b64) > 0 &&
		     fwrite(ev->bytes, 1, ev->len, x->out) == ev->len &&
		     fputs("}\n", x->out) != EOF;
	} else {
		cn_merkle_hash_b64(ev->hash, b64);
		ok = fprintf(x->out, "{\"leaf\":\"%s\",\"seq\":%lld}\n", b64,
			     (long long)ev->seq) > 0;
	}
	return ok ? 0 : write_failed(err);
}

static int put_checkpoint(void *ctx, const struct cn_checkpoint_row *cp,
			  struct cn_err *err)
{
	json_t *o = json_pack("{s:s}", "checkpoint", cp->note);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	int rc = s && fprintf(ctx, "%s\n", s) > 0 ? 0 : write_failed(err);
	free(s);
	json_decref(o);
	return rc;
}

static int put_header(FILE *out, const char *vkey, const char *audience,
		      struct cn_err *err)
{
	json_t *k = json_string(vkey), *a = json_string(audience);
	char *ks = k ? json_dumps(k, JSON_ENCODE_ANY) : NULL;
	char *as = a ? json_dumps(a, JSON_ENCODE_ANY) : NULL;
	int rc = ks && as && fprintf(out, "{\"council_log\":%d,\"vkey\":%s,"
				     "\"audience\":%s}\n", CN_EXPORT_FORMAT, ks,
				     as) > 0 ? 0 : write_failed(err);
	free(ks);
	free(as);
	json_decref(k);
	json_decref(a);
	return rc;
}

/* The audience's principal must exist: an export for "member:XX" that
 * nobody is would silently hold the public's sight. */
static int check_audience(const struct cn_world *reg,
			  const struct cn_audience *a, struct cn_err *err)
{
	if (a->role == CN_ROLE_MEMBER && !cn_world_member(reg, a->code))
		return cn_err_set(err, CN_EINVAL, "audience: unknown member code "
				  "'%s'", a->code);
	if (a->role == CN_ROLE_PARTNER && !cn_world_partner(reg, a->code))
		return cn_err_set(err, CN_EINVAL, "audience: unknown partner code "
				  "'%s'", a->code);
	return 0;
}

/* The export is one snapshot of the store (one read transaction): the
 * events, the proposals their sight is decided on and the checkpoints of
 * a store being written agree. */
static int export_snapshot(struct cn_store *st, FILE *out,
			   const struct cn_audience *audience, int64_t now,
			   struct cn_err *err)
{
	struct exporter x = {out, st, NULL, NULL};
	struct cn_world reg;
	struct cn_viewer viewer;
	char *vkey = NULL, name[32] = "all";
	int rc;

	cn_world_init(&reg);
	if ((rc = cn_store_get_meta(st, "log_vkey", &vkey, err))) {
		cn_world_release(&reg);
		return rc == CN_ENOTFOUND
			? cn_err_set(err, CN_ECORRUPT, "the store names no log key")
			: rc;
	}
	if (audience && audience->role != CN_ROLE_SECRETARIAT) {
		cn_audience_name(audience, name, sizeof(name));
		viewer = (struct cn_viewer){audience->role, audience->code, &reg, now};
		x.viewer = &viewer;
		if (!(x.sights = json_object()))
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
		if (rc == 0)
			rc = cn_projection_registry(st, &reg, err);
		if (rc == 0)
			rc = check_audience(&reg, audience, err);
	}
	if (rc == 0)
		rc = put_header(out, vkey, name, err);
	if (rc == 0)
		rc = cn_store_scan(st, 1, put_entry, &x, err);
	if (rc == 0)
		rc = cn_store_checkpoints(st, put_checkpoint, out, err);
	json_decref(x.sights);
	cn_world_release(&reg);
	free(vkey);
	return rc;
}

int cn_app_export(struct cn_app *app, FILE *out,
		  const struct cn_audience *audience, int64_t now,
		  struct cn_err *err)
{
	struct cn_store *st = cn_app_store(app);
	int rc = cn_store_read_begin(st, err);

	if (rc)
		return rc;
	rc = export_snapshot(st, out, audience, now, err);
	cn_store_read_end(st);
	if (rc == 0 && fflush(out))
		rc = write_failed(err);
	return rc;
}

/* ---- verifying an export ------------------------------------------------------ */

/* The tail of an event's canonical bytes is fixed by the key order:
 * ...,"prev":"<64 hex>","seq":N,"time":"...","type":"T"}.  Find prev (its
 * 64 characters, compared as text with the expected lowercase hex), seq
 * and the type without parsing the JSON.  Returns 0, or -1 when the line
 * does not have that shape (the caller then decodes it fully, which
 * reports what is wrong). */
static int raw_tail(const char *line, size_t n, const char **prevhex,
		    int64_t *seq, const char **type, size_t *typelen)
{
	static const char kp[] = ",\"prev\":\"";
	const char *p = NULL, *q, *end = line + n;

	for (q = end - (sizeof(kp) - 1); q >= line; q--)
		if (!memcmp(q, kp, sizeof(kp) - 1)) {
			p = q + sizeof(kp) - 1;
			break;
		}
	if (!p || end - p < 64 + 8)
		return -1;
	*prevhex = p;
	p += 64;
	if (strncmp(p, "\",\"seq\":", 8))
		return -1;
	p += 8;
	int64_t v = 0;
	if (*p < '1' || *p > '9')
		return -1;
	while (p < end && *p >= '0' && *p <= '9' && v < INT64_MAX / 10)
		v = v * 10 + (*p++ - '0');
	if (end - p < 12 || strncmp(p, ",\"time\":\"", 9))
		return -1;
	p += 9;
	while (p < end && *p != '"')
		p++;
	if (end - p < 11 || strncmp(p, "\",\"type\":\"", 10))
		return -1;
	p += 10;
	if (end[-1] != '}' || end[-2] != '"' || end - 2 <= p)
		return -1;
	*seq = v;
	*type = p;
	*typelen = (size_t)(end - 2 - p);
	return 0;
}

/* Events whose content the verifier must read: the registry and the
 * proposals' structure (to know the keys, electorates and revisions that
 * delegation signatures are checked against), and any signed statement.
 * The rest is checked by the chain and the tree alone. */
static int must_decode(const char *line, size_t n, const char *type,
		       size_t tl)
{
	char name[48];
	const struct cn_event_type *t;

	if (tl >= sizeof(name))
		return 1; /* no such type: decoding names the problem */
	memcpy(name, type, tl);
	name[tl] = '\0';
	if (!(t = cn_event_type_find(name)) || (t->flags & CN_EVT_STRUCTURE))
		return 1;
	return memmem(line, n, "\"signature\":", 12) != NULL;
}

/* Standard base64 digits by byte; -1 for every other byte. */
static const int8_t b64_digit[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

/* The 44 characters of a 32-byte value's canonical base64 (43 digits and
 * one '=', the last digit's two low bits zero) into out; -1 otherwise.
 * The rule of cn_base64_decode, written out for this one size: a large
 * export has a salt per event, and the general decoder cost more than
 * hashing the event. */
static int b64_32(const char *s, uint8_t out[32])
{
	uint32_t acc = 0;
	int bad = 0;

	for (int i = 0; i < 43; i++) {
		const int d = b64_digit[(unsigned char)s[i]];
		bad |= d < 0;
		acc = acc << 6 | (uint32_t)(d & 63);
		if (i % 4 == 3) {
			out[i / 4 * 3] = (uint8_t)(acc >> 16);
			out[i / 4 * 3 + 1] = (uint8_t)(acc >> 8);
			out[i / 4 * 3 + 2] = (uint8_t)acc;
			acc = 0;
		}
	}
	/* 40 digits made 30 bytes; 3 digits (18 bits) make the last 2. */
	out[30] = (uint8_t)(acc >> 10);
	out[31] = (uint8_t)(acc >> 2);
	return bad || (acc & 3) || s[43] != '=' ? -1 : 0;
}

/* What the verifier carries from line to line. */
struct vx {
	const char *path;
	long lineno;
	uint8_t prev[CN_HASH_LEN]; /* the last entry's leaf */
	char prev_hex[CN_HEX_LEN]; /* the same, as an event's prev spells it */
	struct cn_merkle_mem tree;
	struct cn_world w;         /* what signatures are checked against */
	char **notes;
	size_t nnotes;
	char *vkey;                /* the header's */
	struct cn_export_stats *stats;
};

static int bad_line(struct vx *v, struct cn_err *err, const char *what)
{
	return cn_err_set(err, CN_ECORRUPT, "%s: line %ld: %s", v->path,
			  v->lineno, what);
}

static int vx_header(struct vx *v, const char *line, struct cn_err *err)
{
	json_t *h = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
	json_int_t format = json_integer_value(json_object_get(h, "council_log"));
	const char *k = json_string_value(json_object_get(h, "vkey"));
	const char *a = json_string_value(json_object_get(h, "audience"));
	int rc = 0;

	if (format == 1)
		rc = cn_err_set(err, CN_EINVAL, "%s: line 1: an export of format 1 "
				"(leaves over the bare event bytes, before blinded "
				"leaves); this council verifies format %d", v->path,
				CN_EXPORT_FORMAT);
	else if (!h || format != CN_EXPORT_FORMAT || !k || !a)
		rc = cn_err_set(err, CN_EINVAL,
				"%s: line 1: not a council log export", v->path);
	else if (!(v->vkey = strdup(k)))
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	else
		snprintf(v->stats->audience, sizeof(v->stats->audience), "%s", a);
	json_decref(h);
	return rc;
}

static int vx_checkpoint(struct vx *v, const char *line, struct cn_err *err)
{
	json_t *o = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
	const char *note = json_string_value(json_object_get(o, "checkpoint"));
	char **nn = note ? realloc(v->notes, (v->nnotes + 1) * sizeof(*nn)) : NULL;
	int rc = 0;

	if (!nn)
		rc = bad_line(v, err, "bad checkpoint line");
	else if (v->notes = nn, !(v->notes[v->nnotes] = strdup(note)))
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	else
		v->nnotes++;
	json_decref(o);
	return rc;
}

/* The entry for event `seq` must come next, and name the entry before it
 * as its prev (`follows`; a commitment names nothing: 1). */
static int vx_order(struct vx *v, int64_t seq, int follows, struct cn_err *err)
{
	const int64_t due = v->stats->events + 1;

	if (seq != due)
		return cn_err_set(err, CN_ECORRUPT, "%s: line %ld: event %lld where "
				  "event %lld was due (removed or reordered)",
				  v->path, v->lineno, (long long)seq,
				  (long long)due);
	if (!follows)
		return cn_err_set(err, CN_ECORRUPT, "%s: line %ld: event %lld does "
				  "not follow event %lld (changed, removed or "
				  "reordered)", v->path, v->lineno, (long long)seq,
				  (long long)seq - 1);
	return 0;
}

/* The entry's leaf joins the chain and the tree. */
static int vx_leaf(struct vx *v, const uint8_t leaf[CN_HASH_LEN],
		   struct cn_err *err)
{
	memcpy(v->prev, leaf, CN_HASH_LEN);
	cn_hex(leaf, CN_HASH_LEN, v->prev_hex);
	v->stats->events++;
	return cn_merkle_mem_append(&v->tree, leaf, err);
}

/* {"leaf":"<44>","seq":N}: the leaf hash alone, taken as it is (the
 * signed root binds it to its place, nothing binds it to a content). */
static int vx_commitment(struct vx *v, const char *line, size_t n,
			 struct cn_err *err)
{
	static const char head[] = "{\"leaf\":\"", mid[] = "\",\"seq\":";
	const size_t at = sizeof(head) - 1 + 44;
	uint8_t leaf[CN_HASH_LEN];
	size_t i = at + sizeof(mid) - 1;
	int64_t seq = 0;
	int rc;

	if (n < i + 2 || memcmp(line + at, mid, sizeof(mid) - 1) ||
	    line[n - 1] != '}' || line[i] < '1' || line[i] > '9' ||
	    b64_32(line + sizeof(head) - 1, leaf))
		return bad_line(v, err, "malformed commitment entry");
	for (; i < n - 1; i++) {
		if (line[i] < '0' || line[i] > '9' || seq > INT64_MAX / 10 - 1)
			return bad_line(v, err, "malformed commitment entry");
		seq = seq * 10 + (line[i] - '0');
	}
	if ((rc = vx_order(v, seq, 1, err)))
		return rc;
	v->stats->commitments++;
	return vx_leaf(v, leaf, err);
}

/* An event that must be read: decoded, folded (the structure signatures
 * are checked against) or its signature checked. */
static int vx_decoded(struct vx *v, const char *bytes, size_t len,
		      const uint8_t salt[CN_SALT_LEN], struct cn_err *err)
{
	struct cn_event ev;
	int rc;

	if (cn_event_open(bytes, len, salt, &ev, err))
		return cn_err_prefix(err, "%s: line %ld (event %lld): ", v->path,
				     v->lineno, (long long)v->stats->events + 1);
	if ((rc = vx_order(v, ev.seq, !memcmp(ev.prev, v->prev, CN_HASH_LEN),
			   err)) == 0) {
		/* The world holds only what signatures are checked against
		 * (keys, proposals, revisions); a signed statement is checked,
		 * not folded, since the statements before it were skipped. */
		if (ev.et && (ev.et->flags & CN_EVT_STATEMENT))
			rc = cn_event_check_signature(&v->w, &ev, err);
		else {
			/* Folded in order, though not every event before it
			 * was: statements and hidden events were skipped. */
			struct cn_event before = {.seq = ev.seq - 1};
			cn_world_skip_to(&v->w, &before);
			/* And the proposals an export per audience hides
			 * leave holes before the next one it shows. */
			if (ev.et && ev.et->id == CN_EV_PROPOSAL_CREATED &&
			    v->stats->commitments)
				rc = cn_world_skip_proposals(&v->w,
					json_integer_value(json_object_get(ev.payload, "id")), err);
			if (rc == 0)
				rc = cn_world_apply(&v->w, &ev, err);
		}
		if (rc)
			cn_err_prefix(err, "%s: line %ld: ", v->path, v->lineno);
	}
	if (rc == 0)
		rc = vx_leaf(v, ev.hash, err);
	cn_event_release(&ev);
	return rc;
}

/* {"salt":"<44>","event":<bytes>}: the event in full; its leaf is
 * computed here from its exact bytes and salt. */
static int vx_event(struct vx *v, const char *line, size_t n,
		    struct cn_err *err)
{
	static const char head[] = "{\"salt\":\"", mid[] = "\",\"event\":";
	const size_t at = sizeof(head) - 1 + 44, off = at + sizeof(mid) - 1;
	uint8_t salt[CN_SALT_LEN], leaf[CN_HASH_LEN];
	const char *bytes = line + off, *type, *prevhex;
	size_t len, tl;
	int64_t rseq;
	int rc;

	if (n < off + 3 || memcmp(line + at, mid, sizeof(mid) - 1) ||
	    line[n - 1] != '}' || b64_32(line + sizeof(head) - 1, salt))
		return bad_line(v, err, "malformed event entry");
	len = n - off - 1;
	v->stats->bytes += len;
	/* Fast path: chain and tree on the raw bytes. */
	if (raw_tail(bytes, len, &prevhex, &rseq, &type, &tl) == 0 &&
	    !must_decode(bytes, len, type, tl)) {
		if ((rc = vx_order(v, rseq, !memcmp(prevhex, v->prev_hex, 64), err)))
			return rc;
		cn_event_hash(salt, bytes, len, leaf);
		return vx_leaf(v, leaf, err);
	}
	return vx_decoded(v, bytes, len, salt, err);
}

static int vx_line(struct vx *v, const char *line, size_t n,
		   struct cn_err *err)
{
	if (v->lineno == 1)
		return vx_header(v, line, err);
	if (!strncmp(line, "{\"salt\":", 8))
		return vx_event(v, line, n, err);
	if (!strncmp(line, "{\"leaf\":", 8))
		return vx_commitment(v, line, n, err);
	if (!strncmp(line, "{\"checkpoint\":", 14))
		return vx_checkpoint(v, line, err);
	return bad_line(v, err, "not an entry of a council log export");
}

/* After the last line: every checkpoint, in order, against the tree. */
static int vx_checkpoints(struct vx *v, const char *vkey, struct cn_err *err)
{
	struct cn_cp_check check;
	uint8_t pk[CN_NOTE_PUBKEY_LEN];
	char *name = NULL;
	int rc;

	if ((rc = cn_note_vkey_decode(vkey ? vkey : v->vkey, &name, pk, err)))
		return rc;
	cn_cp_check_init(&check, &v->tree, name, pk);
	for (size_t i = 0; rc == 0 && i < v->nnotes; i++)
		if ((rc = cn_cp_check_next(&check, v->notes[i], NULL, err)))
			cn_err_prefix(err, "%s: ", v->path);
	v->stats->checkpoints = check.count;
	/* Every entry must be under a signature: lines after the last
	 * checkpoint could be anything, appended by anyone. */
	if (rc == 0 && check.size != v->tree.size)
		rc = cn_err_set(err, CN_ECORRUPT,
				"%s: %llu events are not covered by any signed "
				"checkpoint (the last covers %llu)", v->path,
				(unsigned long long)(v->tree.size - check.size),
				(unsigned long long)check.size);
	free(name);
	return rc;
}

int cn_verify_export(const char *path, const char *vkey,
		     struct cn_export_stats *stats, struct cn_err *err)
{
	FILE *f = fopen(path, "r");
	struct vx v = {.path = path, .stats = stats};

	cn_hex(v.prev, CN_HASH_LEN, v.prev_hex); /* event 1 names 64 zeros */
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	memset(stats, 0, sizeof(*stats));
	if (!f)
		return cn_err_set(err, CN_EIO, "%s: cannot open", path);
	cn_merkle_mem_init(&v.tree);
	cn_world_init(&v.w);
	while (rc == 0 && (n = getline(&line, &cap, f)) > 0) {
		v.lineno++;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		rc = vx_line(&v, line, (size_t)n, err);
	}
	if (rc == 0 && ferror(f))
		rc = cn_err_set(err, CN_EIO, "%s: read failed", path);
	free(line);
	fclose(f);
	if (rc == 0 && v.lineno == 0)
		rc = cn_err_set(err, CN_EINVAL, "%s: empty file", path);
	if (rc == 0)
		rc = vx_checkpoints(&v, vkey, err);
	for (size_t i = 0; i < v.nnotes; i++)
		free(v.notes[i]);
	free(v.notes);
	free(v.vkey);
	cn_merkle_mem_release(&v.tree);
	cn_world_release(&v.w);
	return rc;
}
