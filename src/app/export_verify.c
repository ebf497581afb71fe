/*
 * export_verify.c - `council verify --export`: an exported log checked
 * with nothing but the log's public key (cn_verify_export, export.h).  It
 * reads the file in one pass (export_file.h: mapped, or through stdio),
 * then checks the chain's links and the checkpoints against the tree, and
 * names the line that was changed.  It shares nothing with the writer
 * (export_write.c) but the format.
 */
#include "export.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/checkpoint.h"
#include "../core/merkle.h"
#include "export_file.h"
#include "export_lines.h"
#include "leafpipe.h"
#include "pager.h"
#include "verify.h"

/* ---- verifying an export ------------------------------------------------------ *
 * One pass reads every line: each entry's leaf (a full entry's computed
 * from its bytes and salt, a commitment's as written), the leaf a full
 * entry says the one before it has, and the checkpoints.  A line that is
 * wrong by itself (it does not read, is out of place, its signature does
 * not verify) is noted where it is; after it, only the chain is read on.
 * Then the links of the chain are checked, and a broken link is blamed on
 * the entry that was changed: the one before it when that one's leaf, as
 * the entry at the break records it, is what the rest of the file vouches
 * for (the next full entry still links, or a signed root comes out), else
 * the one at it.  Last the checkpoints, against the tree: a signed root
 * the leaves do not give is blamed on the entries under it that no later
 * entry records.  The earliest fault in the file is reported, so a change
 * is named where it was made rather than where it shows first. */

struct cp_item {
	char *note;
	long line;
};

/* What the verifier keeps of an entry beside its leaf (in the tree). */
struct ev_link {
	uint8_t prev[CN_HASH_LEN]; /* the leaf it says the entry before has */
	long line;
	int known;                 /* a full entry whose prev could be read */
};

struct xv {
	const char *path;
	struct cn_export_stats *stats;
	struct cn_merkle_mem mem;  /* leaf k - 1 is entry k's */
	struct cn_leafpipe pipe;   /* the leaves on their way to mem */
	struct cn_world w;         /* what signatures are checked against */
	struct cn_pager pg;        /* w's concluded proposals, on disk */
	struct ev_link *ev;
	size_t nev, evcap;
	struct cp_item *cps;
	size_t ncps;
	char *name;                /* the log key */
	uint8_t pk[CN_NOTE_PUBKEY_LEN];
	struct cn_audience audience;
	struct cn_err fault;       /* the first line wrong by itself */
	long fault_line;           /* 0: none */
	int lend;                  /* events' bytes stay put: lent to the pipe */
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
	/* A changed entry is a damaged record, whatever the parser that
	 * noticed it calls it. */
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

static int header_line(struct xv *x, const char *line, const char *vkey,
		       struct cn_err *err)
{
	int same, oom;
	json_t *h = cn_export_line_json(line, &same, &oom);
	const json_int_t format = json_integer_value(json_object_get(h, "council_log"));
	const char *v = json_string_value(json_object_get(h, "vkey"));
	const char *a = json_string_value(json_object_get(h, "audience"));
	struct cn_err why = {0};
	char *gname = NULL;
	uint8_t gpk[CN_NOTE_PUBKEY_LEN];
	int rc = 0, key = 0;

	if (oom) {
		json_decref(h);
		return cn_err_set(err, CN_ENOMEM, "%s: out of memory reading its "
				  "header", x->path);
	}
	if (h && format == 1) {
		cn_err_set(&why, CN_EINVAL, "an export of format 1 (leaves over the "
			   "bare event bytes, before blinded leaves); this council "
			   "verifies format %d", CN_EXPORT_FORMAT);
		fault(x, 1, 0, &why);
	} else if (!h || format != CN_EXPORT_FORMAT || !v || !a ||
		   json_object_size(h) != 3)
		fault_msg(x, 1, 0, CN_EINVAL, "not a council log export");
	else if (!same)
		fault_msg(x, 1, 0, CN_ECORRUPT, "not written as council writes it");
	else if (cn_audience_parse(a, &x->audience, &why)) {
		cn_err_recode(&why, CN_ECORRUPT);
		fault(x, 1, 0, &why);
	} else if ((key = cn_note_vkey_decode(v, &x->name, x->pk, &why)) &&
		   key != CN_ENOMEM) {
		cn_err_prefix(&why, "the log key it names: ");
		cn_err_recode(&why, CN_ECORRUPT);
		fault(x, 1, 0, &why);
	} else if (!key)
		snprintf(x->stats->audience, sizeof(x->stats->audience), "%s", a);
	json_decref(h);
	/* Out of memory copying the key's name says nothing of the file. */
	if (key == CN_ENOMEM)
		return cn_err_set(err, CN_ENOMEM, "%s: out of memory reading its "
				  "header", x->path);
	/* The key given is the published one; the file must name it. */
	if (vkey && (rc = cn_note_vkey_decode(vkey, &gname, gpk, err)) == 0) {
		if (x->name && (strcmp(gname, x->name) || memcmp(gpk, x->pk, sizeof(gpk))))
			fault_msg(x, 1, 0, CN_ECORRUPT, "the file names another log "
				  "key than the published one");
		free(x->name);
		x->name = gname;
		memcpy(x->pk, gpk, sizeof(gpk));
	} else if (vkey)
		cn_err_prefix(err, "the log key given: ");
	return rc;
}

static int checkpoint_line(struct xv *x, const char *line, size_t n,
			   long lineno, struct cn_err *err)
{
	int same = 1, oom;
	json_t *o = NULL;
	char *note = cn_export_checkpoint_note(line, n, &oom);
	struct cp_item *nc;
	int rc = 0;

	if (!note && !oom) {
		const char *v;
		o = cn_export_line_json(line, &same, &oom);
		v = json_string_value(json_object_get(o, "checkpoint"));
		if (v && json_object_size(o) == 1 && same && !oom &&
		    !(note = strdup(v)))
			oom = 1;
	}
	if (oom)
		rc = cn_err_set(err, CN_ENOMEM, "%s: line %ld: out of memory "
				"reading a checkpoint", x->path, lineno);
	else if (!note)
		fault_msg(x, lineno, 0, CN_ECORRUPT, "bad checkpoint line");
	else if (!(nc = realloc(x->cps, (x->ncps + 1) * sizeof(*nc))))
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	else {
		x->cps = nc;
		nc[x->ncps].note = note;
		nc[x->ncps++].line = lineno;
		note = NULL;
	}
	free(note);
	json_decref(o);
	return rc;
}

/* The leaves reach the tree in entry order, from the pipe, with the
 * nodes each completes. */
static int to_tree(void *ctx, const struct cn_merkle_node *nodes, size_t n,
		   struct cn_err *err)
{
	struct xv *x = ctx;
	return cn_merkle_mem_append_nodes(&x->mem, nodes, n, err);
}

/* The next entry, on line `lineno`, its leaf still to be given to the
 * pipe; NULL when out of memory (err set). */
static struct ev_link *entry_at(struct xv *x, long lineno, struct cn_err *err)
{
	struct ev_link *e;

	if (x->nev == x->evcap) {
		size_t cap = x->evcap ? 2 * x->evcap : 256;
		struct ev_link *v = realloc(x->ev, cap * sizeof(*v));
		if (!v) {
			cn_err_set(err, CN_ENOMEM, "out of memory");
			return NULL;
		}
		x->ev = v;
		x->evcap = cap;
	}
	e = &x->ev[x->nev++];
	memset(e, 0, sizeof(*e));
	e->line = lineno;
	x->stats->events++;
	return e;
}

/* The next entry, whose leaf is `leaf`. */
static struct ev_link *entry(struct xv *x, long lineno,
			     const uint8_t leaf[CN_HASH_LEN], struct cn_err *err)
{
	struct ev_link *e = entry_at(x, lineno, err);

	return e && cn_leafpipe_leaf(&x->pipe, leaf, err) == 0 ? e : NULL;
}

static void out_of_place(struct xv *x, long lineno, int64_t k, int64_t seq)
{
	struct cn_err why;
	cn_err_set(&why, CN_ECORRUPT, "it says it is event %lld (an event "
		   "removed, added or reordered)", (long long)seq);
	fault(x, lineno, k, &why);
}

/* Decode a full entry's event and check what only its content can show:
 * its place, and the registry, keys and signatures (folded, or checked). */
static int event_content(struct xv *x, const char *bytes, size_t len,
			 const uint8_t salt[CN_SALT_LEN], struct ev_link *e,
			 int64_t k, struct cn_err *err)
{
	struct cn_event ev;
	struct cn_err why = {0};
	/* Decoded, not opened: its hash is the leaf the pipe computes, and
	 * the fold would keep it only as its world's last hash, which this
	 * world is never asked for (the chain is checked from the leaves). */
	int rc = cn_event_decode(bytes, len, &ev, &why);

	if (rc == 0) {
		memcpy(ev.salt, salt, CN_SALT_LEN);
		memcpy(e->prev, ev.prev, CN_HASH_LEN);
		e->known = 1;
		if (ev.seq != k) {
			out_of_place(x, e->line, k, ev.seq);
			cn_event_release(&ev);
			return 0;
		}
		if (ev.et && (ev.et->flags & CN_EVT_STATEMENT))
			/* A signed statement is checked, not folded, since
			 * the statements before it were skipped. */
			rc = cn_event_check_signature(&x->w, &ev, &why);
		else {
			/* Folded in order, though not every event before it
			 * was: statements and hidden events were skipped. */
			struct cn_event before = {.seq = ev.seq - 1};
			cn_world_skip_to(&x->w, &before);
			/* And the proposals an export per audience hides
			 * leave holes before the next one it shows. */
			if (ev.et && ev.et->id == CN_EV_PROPOSAL_CREATED &&
			    x->stats->commitments)
				rc = cn_world_skip_proposals(&x->w,
					json_integer_value(json_object_get(ev.payload, "id")),
					&why);
			if (rc == 0)
				rc = cn_world_apply(&x->w, &ev, &why);
			if (rc == 0)
				rc = cn_pager_maybe(&x->pg, &why);
		}
		cn_event_release(&ev);
	}
	/* The pager's file failed (a proposal it could not give back reads
	 * as none to the fold): no fault of the export's. */
	if (rc && x->pg.failed)
		return cn_pager_failed(&x->pg, err);
	if (rc == CN_ENOMEM)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if (rc)
		fault(x, e->line, k, &why);
	return 0;
}

/* {"salt":"<44>","event":<bytes>}: an event in full; its leaf is computed
 * here from its exact bytes and salt. */
static int event_entry(struct xv *x, const char *line, size_t n, long lineno,
		       struct cn_err *err)
{
	static const char head[] = "{\"salt\":\"", mid[] = "\",\"event\":";
	const size_t at = sizeof(head) - 1 + 44, off = at + sizeof(mid) - 1;
	uint8_t salt[CN_SALT_LEN];
	const uint8_t leaf[CN_HASH_LEN] = {0};
	const char *bytes = line + off, *type, *prevhex;
	struct ev_link *e;
	size_t len, tl;
	int64_t k = (int64_t)x->nev + 1, rseq;

	if (n < off + 3 || memcmp(line, head, sizeof(head) - 1) ||
	    memcmp(line + at, mid, sizeof(mid) - 1) || line[n - 1] != '}' ||
	    cn_base64_decode32(line + sizeof(head) - 1, salt)) {
		fault_msg(x, lineno, k, CN_ECORRUPT, "malformed event entry");
		return entry(x, lineno, leaf, err) ? 0 : err->code;
	}
	len = n - off - 1;
	/* its leaf hashed on the pipe's thread */
	if (!(e = entry_at(x, lineno, err)) ||
	    (x->lend ? cn_leafpipe_event_ref(&x->pipe, salt, bytes, len, err)
		     : cn_leafpipe_event(&x->pipe, salt, bytes, len, err)))
		return err->code;
	x->stats->bytes += len;
	/* Fast path: the chain and the tree need only the raw bytes. */
	if (cn_export_event_tail(bytes, len, &prevhex, &rseq, &type, &tl) == 0 &&
	    cn_hex_decode(prevhex, 64, e->prev, CN_HASH_LEN, 0) == 0) {
		e->known = 1;
		if (x->fault_line)
			return 0;
		if (rseq != k) {
			out_of_place(x, lineno, k, rseq);
			return 0;
		}
		if (!cn_export_must_decode(bytes, len, type, tl))
			return 0;
	} else if (x->fault_line)
		return 0;
	return event_content(x, bytes, len, salt, e, k, err);
}

/* {"leaf":"<44>","seq":N}: the leaf hash alone, taken as it is (the
 * signed root binds it to its place, nothing binds it to a content). */
static int commitment_entry(struct xv *x, const char *line, size_t n,
			    long lineno, struct cn_err *err)
{
	static const char head[] = "{\"leaf\":\"", mid[] = "\",\"seq\":";
	const size_t at = sizeof(head) - 1 + 44;
	const int64_t k = (int64_t)x->nev + 1;
	uint8_t leaf[CN_HASH_LEN] = {0};
	size_t i = at + sizeof(mid) - 1;
	int64_t seq = 0;
	int ok = n >= i + 2 && !memcmp(line, head, sizeof(head) - 1) &&
		 !memcmp(line + at, mid, sizeof(mid) - 1) &&
		 line[n - 1] == '}' && line[i] >= '1' && line[i] <= '9' &&
		 !cn_base64_decode32(line + sizeof(head) - 1, leaf);

	/* Digits only, and no more than an int64 holds: checked before the
	 * multiplication, which must never overflow (fuzz_export found it). */
	for (; ok && i < n - 1; i++) {
		const int d = line[i] - '0';
		ok = d >= 0 && d <= 9 && seq <= (INT64_MAX - d) / 10;
		if (ok)
			seq = seq * 10 + d;
	}
	if (!ok) {
		memset(leaf, 0, sizeof(leaf));
		fault_msg(x, lineno, k, CN_ECORRUPT, "malformed commitment entry");
	} else if (seq != k)
		out_of_place(x, lineno, k, seq);
	x->stats->commitments++;
	return entry(x, lineno, leaf, err) ? 0 : err->code;
}

/* The hash of entry k as the file has it (entry 0: zeros). */
static void leaf(const struct xv *x, int64_t k, uint8_t out[CN_HASH_LEN])
{
	memset(out, 0, CN_HASH_LEN);
	if (k > 0)
		(void)cn_merkle_mem_get((void *)&x->mem, 0, (uint64_t)k - 1, out);
}

/* Entry k names entry k - 1's leaf (a commitment names nothing). */
static int links(const struct xv *x, int64_t k)
{
	uint8_t h[CN_HASH_LEN];
	leaf(x, k - 1, h);
	return !x->ev[k - 1].known || !memcmp(x->ev[k - 1].prev, h, CN_HASH_LEN);
}

/* Whether the first signed checkpoint covering entry k gives its root
 * when entry k's leaf is `h`: the test of "entry k was changed, and h is
 * what it hashed to before", where no later full entry records it. */
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

/* The first broken link of the chain, blamed on the entry changed:
 * 0 when the chain holds, else the line of that entry, with *msg. */
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
	/* The full entry after the break still links to the one at it (or,
	 * with none, a signed root says what the one before hashed to): the
	 * one before was changed. */
	if (j < n && x->ev[j].known ? links(x, j + 1)
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

/* Checkpoint c failed after the ones before it held up to `from` entries.
 * When it is signed by the log key and covers no more than the file, yet
 * its root is not the leaves', some entry in (from, its size] was changed
 * that no later entry records (the chain holds): a commitment followed by
 * a commitment, or the last.  Names it, or the few it may be; 0 when the
 * failure is another. */
static int changed_leaf(const struct xv *x, const struct cp_item *c,
			uint64_t from, struct cn_err *err)
{
	uint8_t root[CN_MERKLE_HASH_LEN];
	struct cn_checkpoint cp;
	int64_t first = 0, last = 0, count = 0, size;
	int rc = 0;

	if (!x->name || cn_checkpoint_verify(c->note, strlen(c->note), x->name,
					     x->pk, &cp, NULL))
		return 0;
	size = (int64_t)cp.size;
	if (cp.size > from && cp.size <= x->mem.size &&
	    cn_merkle_root(cn_merkle_mem_get, (void *)&x->mem, cp.size, root,
			   NULL) == 0 &&
	    memcmp(root, cp.root, CN_MERKLE_HASH_LEN))
		for (int64_t k = (int64_t)from + 1; k <= size; k++)
			if (k == (int64_t)x->nev || !x->ev[k].known) {
				first = first ? first : k;
				last = k;
				count++;
			}
	cn_checkpoint_release(&cp);
	if (count == 1)
		rc = cn_err_set(err, CN_ECORRUPT, "%s: line %ld (event %lld): "
				"changed: the signed checkpoint of size %lld "
				"(line %ld) gives another root", x->path,
				x->ev[first - 1].line, (long long)first,
				(long long)size, c->line);
	else if (count)
		rc = cn_err_set(err, CN_ECORRUPT, "%s: events %lld to %lld (lines "
				"%ld to %ld): one of the %lld entries there that no "
				"later entry records was changed: the signed "
				"checkpoint of size %lld (line %ld) gives another "
				"root", x->path, (long long)first, (long long)last,
				x->ev[first - 1].line, x->ev[last - 1].line,
				(long long)count, (long long)size, c->line);
	return rc;
}

/* Checkpoints whose signatures are checked together. */
#define CP_BATCH 1024

/* The checkpoints, against the tree of the entries. */
static int check_checkpoints(struct xv *x, struct cn_err *err)
{
	struct cn_cp_check check;
	struct cn_sigs sigs;
	struct cn_sig_item *batch = NULL;
	int rc = 0;

	cn_cp_check_init(&check, cn_cp_root_mem, &x->mem, x->name, x->pk);
	/* A batch at a time, its signatures checked by two threads
	 * (verify_sigs.c); a few, or without the memory for a batch, one at
	 * a time (the same checks and messages). */
	if (x->ncps >= 8)
		batch = calloc(x->ncps < CP_BATCH ? x->ncps : CP_BATCH,
			       sizeof(*batch));
	for (size_t i = 0; rc == 0 && i < x->ncps; i++) {
		const struct cp_item *c = &x->cps[i];

		if (batch && i % CP_BATCH == 0) {
			const size_t n = x->ncps - i < CP_BATCH ? x->ncps - i
				: CP_BATCH;
			for (size_t k = 0; k < n; k++)
				batch[k].note = x->cps[i + k].note;
			cn_sigs_start(&sigs, batch, n, x->name, x->pk);
		}
		rc = batch ? cn_sigs_judge(&sigs, i % CP_BATCH, &check, NULL, err)
			   : cn_cp_check_next(&check, c->note, NULL, err);
		if (batch && (rc || i % CP_BATCH == CP_BATCH - 1 ||
			      i + 1 == x->ncps))
			cn_sigs_stop(&sigs);
		if (rc == 0 || rc == CN_ENOMEM)
			continue;
		if (!changed_leaf(x, c, check.size, err))
			cn_err_prefix(err, "%s: line %ld: ", x->path, c->line);
	}
	free(batch);
	x->stats->checkpoints = check.count;
	x->stats->chained = check.chained;
	/* Every entry must be under a signature: lines after the last
	 * checkpoint could be anything, appended by anyone. */
	if (rc == 0 && check.size != x->mem.size)
		rc = cn_err_set(err, CN_ECORRUPT,
				"%s: %llu events are not covered by any signed "
				"checkpoint (the last covers %llu)", x->path,
				(unsigned long long)(x->mem.size - check.size),
				(unsigned long long)check.size);
	return rc;
}

/* The audience the header names must be one the file can be: the
 * secretariat's export holds every event in full, and a member or partner
 * is one the log's registry (always in full) knows.  Which events a
 * principal may see depends on the registry as of the export's time,
 * which the file does not record: the entries shown are not checked
 * against the audience, and the audience, which no signature covers, is
 * a label. */
static int header_audience(const struct xv *x, struct cn_err *err)
{
	const struct cn_audience *a = &x->audience;

	if (a->role == CN_ROLE_SECRETARIAT && x->stats->commitments)
		return cn_err_set(err, CN_ECORRUPT, "%s: line 1: the audience is "
				  "all, yet %lld entries are commitments only",
				  x->path, (long long)x->stats->commitments);
	if ((a->role == CN_ROLE_MEMBER && !cn_world_member(&x->w, a->code)) ||
	    (a->role == CN_ROLE_PARTNER && !cn_world_partner(&x->w, a->code)))
		return cn_err_set(err, CN_ECORRUPT, "%s: line 1: the audience names "
				  "%s %s, whom the log's registry does not know",
				  x->path, a->role == CN_ROLE_MEMBER ? "member"
				  : "partner", a->code);
	return 0;
}

/* Whether the line starts as `kind` does, but for at most one byte. */
static int near(const char *line, size_t n, const char *kind)
{
	size_t k = strlen(kind), off = 0;

	if (n < k)
		return 0;
	for (size_t i = 0; i < k; i++)
		off += line[i] != kind[i];
	return off <= 1;
}

/* Whether the line's n bytes start with `head` (a mapped line has no NUL
 * to stop strncmp at its end). */
static int starts(const char *line, size_t n, const char *head)
{
	const size_t k = strlen(head);

	return n >= k && !memcmp(line, head, k);
}

static int read_lines(struct xv *x, struct cn_export_file *r, const char *vkey,
		      struct cn_err *err)
{
	const char *line, *str;
	size_t n;
	long lineno = 0;
	int rc = 0, cps = 0, got, ended;

	while (rc == 0 && (got = cn_export_file_next(r, &line, &n, &ended)) > 0) {
		const int salt = starts(line, n, "{\"salt\":"),
			  leaf = !salt && starts(line, n, "{\"leaf\":");
		int64_t k = 0;
		lineno++;
		/* The entries, then the checkpoints: a line that is neither
		 * is taken for the kind it is nearest. */
		if (lineno > 1 && !cps && (salt || leaf ||
					   !near(line, n, "{\"checkpoint\":\"")))
			k = (int64_t)x->nev + 1;
		else
			cps = lineno > 1;
		/* An export is text: a NUL would end the line for the C
		 * string parsers below, and what follows it go unread. */
		if (memchr(line, '\0', n)) {
			const uint8_t none[CN_HASH_LEN] = {0};
			fault_msg(x, lineno, k, lineno == 1 ? CN_EINVAL : CN_ECORRUPT,
				  "a NUL byte: an export is text");
			if (k && !entry(x, lineno, none, err))
				rc = err->code;
		} else if (lineno == 1 || cps) {
			if (!(str = cn_export_file_str(r, line, n)))
				rc = cn_err_set(err, CN_ENOMEM, "%s: line %ld: out "
						"of memory reading it", x->path,
						lineno);
			else if (lineno == 1)
				rc = header_line(x, str, vkey, err);
			else
				rc = checkpoint_line(x, str, n, lineno, err);
		} else if (salt)
			rc = event_entry(x, line, n, lineno, err);
		else if (leaf)
			rc = commitment_entry(x, line, n, lineno, err);
		else {
			const uint8_t none[CN_HASH_LEN] = {0};
			fault_msg(x, lineno, k, CN_ECORRUPT,
				  "not an entry of a council log export");
			if (!entry(x, lineno, none, err))
				rc = err->code;
		}
		/* Every line ends with one, the last too: the file was
		 * written whole. */
		if (!ended)
			fault_msg(x, lineno, k, CN_ECORRUPT,
				  "the line does not end with a newline");
	}
	/* getline's -1 is the end of the file only when feof says so: it is
	 * also a line it could not allocate room for (ENOMEM, the stream's
	 * error flag left clear) or a read that failed. */
	if (rc == 0 && got < 0)
		rc = errno == ENOMEM && !ferror(r->f)
			? cn_err_set(err, CN_ENOMEM, "%s: line %ld: out of memory "
				     "reading it", x->path, lineno + 1)
			: cn_err_set(err, CN_EIO, "%s: reading failed%s%s",
				     x->path, errno ? ": " : "",
				     errno ? strerror(errno) : "");
	if (rc == 0 && lineno == 0)
		rc = cn_err_set(err, CN_EINVAL, "%s: empty file", x->path);
	return rc;
}

/* The check itself, over the lines of r, which it closes. */
static int verify_lines(struct cn_export_file *r, const char *path,
			const char *vkey, struct cn_export_stats *stats,
			struct cn_err *err)
{
	struct xv x = {.path = path, .stats = stats,
		       .lend = cn_export_file_in_place(r)};
	struct cn_err chain = {0};
	long chain_line;
	int rc;

	cn_merkle_mem_init(&x.mem);
	cn_leafpipe_init(&x.pipe, to_tree, &x);
	cn_world_init(&x.w);
	/* The world holds the registry, the open proposals and those
	 * concluded in the last 1,024 events: an export of 100,000
	 * proposals was half a gigabyte of them. */
	cn_pager_init(&x.pg);
	cn_pager_attach(&x.pg, &x.w);
	rc = read_lines(&x, r, vkey, err);
	if (rc == 0)
		rc = cn_leafpipe_flush(&x.pipe, err);
	cn_leafpipe_release(&x.pipe);
	cn_export_file_close(r); /* no bytes lent any more */
	/* The earliest fault in the file; a line wrong by itself first. */
	if (rc == 0 && (chain_line = chain_fault(&x, &chain)) &&
	    (!x.fault_line || chain_line < x.fault_line))
		rc = cn_err_set(err, chain.code, "%s", chain.msg);
	else if (rc == 0 && x.fault_line)
		rc = cn_err_set(err, x.fault.code, "%s", x.fault.msg);
	if (rc == 0)
		rc = check_checkpoints(&x, err);
	if (rc == 0)
		rc = header_audience(&x, err);
	for (size_t i = 0; i < x.ncps; i++)
		free(x.cps[i].note);
	free(x.cps);
	free(x.ev);
	free(x.name);
	cn_merkle_mem_release(&x.mem);
	cn_world_release(&x.w);
	cn_pager_release(&x.pg); /* after its world */
	return rc;
}

int cn_verify_export(const char *path, const char *vkey,
		     struct cn_export_stats *stats, struct cn_err *err)
{
	struct cn_export_file r;
	int rc;

	memset(stats, 0, sizeof(*stats));
	if ((rc = cn_export_file_open(&r, path, err)))
		return rc;
	return verify_lines(&r, path, vkey, stats, err);
}

int cn_verify_export_bytes(const char *name, const char *bytes, size_t len,
			   const char *vkey, struct cn_export_stats *stats,
			   struct cn_err *err)
{
	struct cn_export_file r;

	memset(stats, 0, sizeof(*stats));
	cn_export_file_mem(&r, bytes, len);
	return verify_lines(&r, name, vkey, stats, err);
}
