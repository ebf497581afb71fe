/* export.c - see export.h. */
#include "export.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/checkpoint.h"
#include "../core/merkle.h"
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

int cn_receipt_json(struct cn_store *st, int64_t seq, json_t **out,
		    struct cn_err *err)
{
	struct cn_merkle_proof proof;
	char *note = NULL, *vkey = NULL, *bytes = NULL;
	uint64_t size;
	int rc;

	if ((rc = cn_store_checkpoint_latest(st, &note, &size, NULL, err)) == 0 &&
	    (rc = cn_store_inclusion(st, (uint64_t)seq - 1, size, &proof, err)) == 0 &&
	    (rc = cn_store_get_meta(st, "log_vkey", &vkey, err)) == 0 &&
	    (rc = cn_store_event_bytes(st, seq, &bytes, err)) == 0) {
		*out = json_pack("{s:i, s:s, s:I, s:s, s:s, s:o}", "council_receipt", 1,
				 "log_key", vkey, "index", (json_int_t)(seq - 1),
				 "event", bytes, "checkpoint", note, "proof",
				 cn_proof_json(&proof));
		if (!*out)
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	free(note);
	free(vkey);
	free(bytes);
	return rc;
}

static int put_event(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	FILE *out = ctx;
	if (fwrite(ev->bytes, 1, ev->len, out) != ev->len || fputc('\n', out) == EOF)
		return cn_err_set(err, CN_EIO, "writing the export failed");
	return 0;
}

static int put_checkpoint(void *ctx, const struct cn_checkpoint_row *cp,
			  struct cn_err *err)
{
	json_t *o = json_pack("{s:s}", "checkpoint", cp->note);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	int rc = s && fprintf(ctx, "%s\n", s) > 0
		? 0 : cn_err_set(err, CN_EIO, "writing the export failed");
	free(s);
	json_decref(o);
	return rc;
}

/* The export is one snapshot of the store (one read transaction): the
 * events and checkpoints of a store being written agree. */
static int export_snapshot(struct cn_store *st, FILE *out, struct cn_err *err)
{
	char *vkey = NULL;
	int rc;

	if ((rc = cn_store_get_meta(st, "log_vkey", &vkey, err)))
		return rc == CN_ENOTFOUND
			? cn_err_set(err, CN_ECORRUPT, "the store names no log key")
			: rc;
	json_t *h = json_pack("{s:i, s:s}", "council_log", 1, "vkey", vkey);
	char *hs = h ? json_dumps(h, JSON_COMPACT) : NULL;
	rc = hs && fprintf(out, "%s\n", hs) > 0 ? 0
		: cn_err_set(err, CN_EIO, "writing the export failed");
	free(hs);
	json_decref(h);
	free(vkey);
	if (rc == 0)
		rc = cn_store_scan(st, 1, put_event, out, err);
	if (rc == 0)
		rc = cn_store_checkpoints(st, put_checkpoint, out, err);
	return rc;
}

int cn_app_export(struct cn_app *app, FILE *out, struct cn_err *err)
{
	struct cn_store *st = cn_app_store(app);
	int rc = cn_store_read_begin(st, err);

	if (rc)
		return rc;
	rc = export_snapshot(st, out, err);
	cn_store_read_end(st);
	if (rc == 0 && fflush(out))
		rc = cn_err_set(err, CN_EIO, "writing the export failed");
	return rc;
}

/* The tail of an event's canonical bytes is fixed by the key order:
 * ...,"prev":"<64 hex>","seq":N,"time":"...","type":"T"}.  Read prev, seq
 * and the type without parsing the JSON.  Returns 0, or -1 when the line
 * does not have that shape (the caller then decodes it fully, which
 * reports what is wrong). */
static int raw_tail(const char *line, size_t n, uint8_t prev[CN_HASH_LEN],
		    int64_t *seq, const char **type, size_t *typelen)
{
	static const char kp[] = ",\"prev\":\"";
	const char *p = NULL, *q, *end = line + n;
	char hex[CN_HEX_LEN];

	for (q = end - (sizeof(kp) - 1); q >= line; q--)
		if (!memcmp(q, kp, sizeof(kp) - 1)) {
			p = q + sizeof(kp) - 1;
			break;
		}
	if (!p || end - p < 64 + 8)
		return -1;
	memcpy(hex, p, 64);
	hex[64] = '\0';
	if (cn_unhex(hex, prev, CN_HASH_LEN))
		return -1;
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

/* ---- verifying an export ---------------------------------------------------- *
 * One pass reads every line: the leaves of the tree (each event line's
 * hash over its exact bytes), the hash each event line says the one before
 * it has, and the checkpoints.  A line that is wrong by itself (it does not
 * read, is out of place, its signature does not verify) is noted where it
 * is; after it, only the chain is read on.  Then the links of the chain
 * are checked, and a broken link is blamed on the event that was changed:
 * the one before it when the event after the break still records the
 * hash of the one at the break, else the one at it.  The earliest fault
 * in the file is reported, so a change is named where it was made rather
 * than where it shows first. */

struct cp_item {
	char *note;
	long line;
};

/* What the verifier keeps of an event line beside its leaf hash. */
struct ev_link {
	uint8_t prev[CN_HASH_LEN]; /* the hash it says the event before has */
	long line;
	int known;                 /* prev could be read */
};

struct xv {
	const char *path;
	struct cn_export_stats *stats;
	struct cn_merkle_mem mem;  /* leaf k - 1 is event k's hash */
	struct cn_world w;         /* what signatures are checked against */
	struct ev_link *ev;
	size_t nev, evcap;
	struct cp_item *cps;
	size_t ncps;
	char *name;                /* the log key */
	uint8_t pk[32];
	struct cn_err fault;       /* the first line wrong by itself */
	long fault_line;           /* 0: none */
};

/* Note the first line that is wrong by itself: "line L (event k): why",
 * without repeating the event when `why` already names it first. */
static void fault(struct xv *x, long line, int64_t k, const struct cn_err *why)
{
	char ev[32];
	int n;

	if (x->fault_line)
		return;
	x->fault_line = line;
	n = snprintf(ev, sizeof(ev), "event %lld", (long long)k);
	/* A changed event line is a damaged record, whatever the parser
	 * that noticed it calls it. */
	const int code = k && why->code != CN_ENOMEM ? CN_ECORRUPT : why->code;
	if (k == 0 || (!strncmp(why->msg, ev, (size_t)n) &&
		       (why->msg[n] == ' ' || why->msg[n] == ':')))
		cn_err_set(&x->fault, code, "%s: line %ld: %s", x->path, line,
			   why->msg);
	else
		cn_err_set(&x->fault, code, "%s: line %ld (event %lld): %s",
			   x->path, line, (long long)k, why->msg);
}

static void fault_msg(struct xv *x, long line, int64_t k, int code,
		      const char *msg)
{
	struct cn_err why;
	cn_err_set(&why, code, "%s", msg);
	fault(x, line, k, &why);
}

/* The JSON value of a header or checkpoint line, which must be written
 * exactly as the exporter writes it (compact): JSON would take other
 * spellings of the same value (a space, another escape), and a verified
 * file is the file that was written, byte for byte.  NULL when it does not
 * read; *same says whether it is in that form. */
static json_t *line_json(const char *line, int *same, int *oom)
{
	json_t *o = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
	char *again = o ? json_dumps(o, JSON_COMPACT) : NULL;

	*oom = o && !again;
	*same = again && !strcmp(again, line);
	free(again);
	return o;
}

static int header_line(struct xv *x, const char *line, const char *vkey,
		       struct cn_err *err)
{
	int same, oom;
	json_t *h = line_json(line, &same, &oom);
	const char *v = json_string_value(json_object_get(h, "vkey"));
	struct cn_err why = {0};
	char *gname = NULL;
	uint8_t gpk[32];
	int rc = 0;

	if (oom) {
		json_decref(h);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	if (!h || json_integer_value(json_object_get(h, "council_log")) != 1 || !v)
		fault_msg(x, 1, 0, CN_EINVAL, "not a council log export");
	else if (!same)
		fault_msg(x, 1, 0, CN_ECORRUPT, "not written as council writes it");
	else if (cn_note_vkey_decode(v, &x->name, x->pk, &why)) {
		cn_err_prefix(&why, "the log key it names: ");
		cn_err_recode(&why, CN_ECORRUPT);
		fault(x, 1, 0, &why);
	}
	json_decref(h);
	/* The key given is the published one; the file must name it. */
	if (vkey && (rc = cn_note_vkey_decode(vkey, &gname, gpk, err)) == 0) {
		if (x->name && (strcmp(gname, x->name) || memcmp(gpk, x->pk, 32)))
			fault_msg(x, 1, 0, CN_ECORRUPT, "the file names another log "
				  "key than the published one");
		free(x->name);
		x->name = gname;
		memcpy(x->pk, gpk, 32);
	} else if (vkey)
		cn_err_prefix(err, "the log key given: ");
	return rc;
}

static int checkpoint_line(struct xv *x, const char *line, long lineno,
			   struct cn_err *err)
{
	int same, oom;
	json_t *o = line_json(line, &same, &oom);
	const char *note = json_string_value(json_object_get(o, "checkpoint"));
	struct cp_item *nc;
	int rc = 0;

	if (oom)
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	else if (!note || json_object_size(o) != 1 || !same)
		fault_msg(x, lineno, 0, CN_ECORRUPT, "bad checkpoint line");
	else if (!(nc = realloc(x->cps, (x->ncps + 1) * sizeof(*nc))))
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	else if (x->cps = nc, !(nc[x->ncps].note = strdup(note)))
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	else
		nc[x->ncps++].line = lineno;
	json_decref(o);
	return rc;
}

/* Decode an event line and check what only its content can show: its
 * place, and the registry, keys and signatures (folded, or checked). */
static int event_content(struct xv *x, const char *line, size_t n,
			 struct ev_link *e, int64_t k, struct cn_err *err)
{
	struct cn_event ev;
	struct cn_err why = {0};
	int rc = cn_event_decode(line, n, &ev, &why);

	if (rc == 0) {
		memcpy(e->prev, ev.prev, CN_HASH_LEN);
		e->known = 1;
		if (ev.seq != k)
			rc = cn_err_set(&why, CN_ECORRUPT, "its bytes say it is event "
					"%lld (an event removed, added or reordered)",
					(long long)ev.seq);
		else if (ev.et && (ev.et->flags & CN_EVT_STATEMENT))
			/* A signed statement is checked, not folded, since
			 * the statements before it were skipped. */
			rc = cn_event_check_signature(&x->w, &ev, &why);
		else {
			struct cn_event before = {.seq = ev.seq - 1};
			cn_world_skip_to(&x->w, &before);
			rc = cn_world_apply(&x->w, &ev, &why);
		}
		cn_event_release(&ev);
	}
	if (rc == CN_ENOMEM)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if (rc)
		fault(x, e->line, k, &why);
	return 0;
}

static int event_line(struct xv *x, const char *line, size_t n, long lineno,
		      struct cn_err *err)
{
	uint8_t hash[CN_HASH_LEN];
	struct ev_link *e;
	int64_t rseq, k;
	const char *type;
	size_t tl;
	int rc;

	if (x->nev == x->evcap) {
		size_t cap = x->evcap ? 2 * x->evcap : 256;
		struct ev_link *v = realloc(x->ev, cap * sizeof(*v));
		if (!v)
			return cn_err_set(err, CN_ENOMEM, "out of memory");
		x->ev = v;
		x->evcap = cap;
	}
	e = &x->ev[x->nev++];
	memset(e, 0, sizeof(*e));
	e->line = lineno;
	k = (int64_t)x->nev;
	cn_event_hash(line, n, hash);
	if ((rc = cn_merkle_mem_append(&x->mem, hash, err)))
		return rc;
	x->stats->events++;
	x->stats->bytes += (uint64_t)n;
	/* Fast path: the chain and the tree need only the raw bytes. */
	if (raw_tail(line, n, e->prev, &rseq, &type, &tl) == 0) {
		e->known = 1;
		if (x->fault_line)
			return 0;
		if (rseq != k) {
			struct cn_err why;
			cn_err_set(&why, CN_ECORRUPT, "its bytes say it is event %lld "
				   "(an event removed, added or reordered)",
				   (long long)rseq);
			fault(x, lineno, k, &why);
			return 0;
		}
		if (!must_decode(line, n, type, tl))
			return 0;
	} else if (x->fault_line)
		return 0;
	return event_content(x, line, n, e, k, err);
}

/* The hash of event k as the file has it (event 0: zeros). */
static void leaf(const struct xv *x, int64_t k, uint8_t out[CN_HASH_LEN])
{
	memset(out, 0, CN_HASH_LEN);
	if (k > 0)
		(void)cn_merkle_mem_get((void *)&x->mem, 0, (uint64_t)k - 1, out);
}

static int links(const struct xv *x, int64_t k)
{
	uint8_t h[CN_HASH_LEN];
	leaf(x, k - 1, h);
	return !x->ev[k - 1].known || !memcmp(x->ev[k - 1].prev, h, CN_HASH_LEN);
}

/* Whether a signed checkpoint covering event k gives its root when event
 * k's hash is `h`: the test of "event k was changed, and h is what it
 * hashed to before", for the last event, which no later one records. */
static int signed_root_with(const struct xv *x, int64_t k,
			    const uint8_t h[CN_HASH_LEN])
{
	struct cn_checkpoint cp;
	int found = 0;

	for (size_t i = 0; !found && x->name && i < x->ncps; i++) {
		const char *note = x->cps[i].note;
		if (cn_checkpoint_verify(note, strlen(note), x->name, x->pk, &cp,
					 NULL))
			continue;
		if (cp.size >= (uint64_t)k && cp.size <= x->mem.size) {
			struct cn_merkle_mem m;
			uint8_t l[CN_HASH_LEN], root[CN_MERKLE_HASH_LEN];
			int rc = 0;
			cn_merkle_mem_init(&m);
			for (uint64_t i2 = 0; rc == 0 && i2 < cp.size; i2++) {
				leaf(x, (int64_t)i2 + 1, l);
				rc = cn_merkle_mem_append(&m, (int64_t)i2 + 1 == k
							  ? h : l, NULL);
			}
			found = rc == 0 &&
				cn_merkle_root(cn_merkle_mem_get, &m, cp.size, root,
					       NULL) == 0 &&
				!memcmp(root, cp.root, CN_MERKLE_HASH_LEN) ? 1 : -1;
			cn_merkle_mem_release(&m);
		}
		cn_checkpoint_release(&cp);
	}
	return found == 1;
}

/* The first broken link of the chain, blamed on the event changed:
 * 0 when the chain holds, else the line of that event, with *msg. */
static long chain_fault(const struct xv *x, struct cn_err *msg)
{
	const int64_t n = (int64_t)x->nev;
	int64_t j = 1;

	while (j <= n && links(x, j))
		j++;
	if (j > n)
		return 0;
	const struct ev_link *e = &x->ev[j - 1];
	if (j == 1) {
		cn_err_set(msg, CN_ECORRUPT, "%s: line %ld (event 1): changed: its "
			   "prev hash is not zero", x->path, e->line);
		return e->line;
	}
	/* The event after the break still records the hash of the one at
	 * it (or, for the last, a signed root says what the one before
	 * hashed to): the one before was changed. */
	if (j < n ? x->ev[j].known && links(x, j + 1)
		  : signed_root_with(x, j - 1, e->prev)) {
		const struct ev_link *b = &x->ev[j - 2];
		cn_err_set(msg, CN_ECORRUPT, "%s: line %ld (event %lld): changed: "
			   "its hash is not the one event %lld records (line %ld)",
			   x->path, b->line, (long long)j - 1, (long long)j, e->line);
		return b->line;
	}
	cn_err_set(msg, CN_ECORRUPT, "%s: line %ld (event %lld): changed: it does "
		   "not follow event %lld (its prev hash differs)", x->path,
		   e->line, (long long)j, (long long)j - 1);
	return e->line;
}

/* Whether checkpoint c is signed by the log key, covers the whole log and
 * yet its root is not the events': when the chain holds, only a change to
 * the last event, which no later one records, does that. */
static int last_event_changed(const struct xv *x, const struct cp_item *c)
{
	struct cn_checkpoint cp;
	int whole;

	if (!x->nev || cn_checkpoint_verify(c->note, strlen(c->note), x->name,
					    x->pk, &cp, NULL))
		return 0;
	whole = cp.size == x->mem.size;
	cn_checkpoint_release(&cp);
	return whole;
}

/* The checkpoints, against the tree of the events. */
static int check_checkpoints(struct xv *x, struct cn_err *err)
{
	struct cn_cp_check check;
	int rc = 0;

	cn_cp_check_init(&check, &x->mem, x->name, x->pk);
	for (size_t i = 0; rc == 0 && i < x->ncps; i++) {
		const struct cp_item *c = &x->cps[i];

		if ((rc = cn_cp_check_next(&check, c->note, NULL, err)) == 0)
			continue;
		if (last_event_changed(x, c))
			rc = cn_err_set(err, CN_ECORRUPT, "%s: line %ld (event %llu): "
					"changed: the signed checkpoint of the whole "
					"log (line %ld) gives another root", x->path,
					x->ev[x->nev - 1].line,
					(unsigned long long)x->nev, c->line);
		else
			cn_err_prefix(err, "%s: line %ld: ", x->path, c->line);
	}
	x->stats->checkpoints = check.count;
	/* Every event must be under a signature: lines after the last
	 * checkpoint could be anything, appended by anyone. */
	if (rc == 0 && check.size != x->mem.size)
		rc = cn_err_set(err, CN_ECORRUPT,
				"%s: %llu events are not covered by any signed "
				"checkpoint (the last covers %llu)", x->path,
				(unsigned long long)(x->mem.size - check.size),
				(unsigned long long)check.size);
	return rc;
}

static int read_lines(struct xv *x, FILE *f, const char *vkey,
		      struct cn_err *err)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int rc = 0;

	while (rc == 0 && (n = getline(&line, &cap, f)) > 0) {
		const int ended = line[n - 1] == '\n';
		lineno++;
		if (ended)
			line[--n] = '\0';
		if (lineno == 1)
			rc = header_line(x, line, vkey, err);
		else if (!strncmp(line, "{\"checkpoint\":", 14))
			rc = checkpoint_line(x, line, lineno, err);
		else
			rc = event_line(x, line, (size_t)n, lineno, err);
		/* Every line ends with one, the last too: the file was
		 * written whole. */
		if (!ended)
			fault_msg(x, lineno, lineno == 1 || !strncmp(line,
				  "{\"checkpoint\":", 14) ? 0 : (int64_t)x->nev,
				  CN_ECORRUPT, "the line does not end with a newline");
	}
	free(line);
	if (rc == 0 && ferror(f))
		rc = cn_err_set(err, CN_EIO, "%s: reading failed", x->path);
	if (rc == 0 && lineno == 0)
		rc = cn_err_set(err, CN_EINVAL, "%s: empty file", x->path);
	return rc;
}

int cn_verify_export(const char *path, const char *vkey,
		     struct cn_export_stats *stats, struct cn_err *err)
{
	FILE *f = fopen(path, "r");
	struct xv x = {.path = path, .stats = stats};
	struct cn_err chain = {0};
	long chain_line;
	int rc;

	memset(stats, 0, sizeof(*stats));
	if (!f)
		return cn_err_set(err, CN_EIO, "%s: cannot open", path);
	cn_merkle_mem_init(&x.mem);
	cn_world_init(&x.w);
	rc = read_lines(&x, f, vkey, err);
	fclose(f);
	/* The earliest fault in the file; a line wrong by itself first. */
	if (rc == 0 && (chain_line = chain_fault(&x, &chain)) &&
	    (!x.fault_line || chain_line < x.fault_line))
		rc = cn_err_set(err, chain.code, "%s", chain.msg);
	else if (rc == 0 && x.fault_line)
		rc = cn_err_set(err, x.fault.code, "%s", x.fault.msg);
	if (rc == 0)
		rc = check_checkpoints(&x, err);
	for (size_t i = 0; i < x.ncps; i++)
		free(x.cps[i].note);
	free(x.cps);
	free(x.ev);
	free(x.name);
	cn_merkle_mem_release(&x.mem);
	cn_world_release(&x.w);
	return rc;
}
