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

struct cp_item {
	char *note;
};

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

int cn_verify_export(const char *path, const char *vkey,
		     struct cn_export_stats *stats, struct cn_err *err)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *name = NULL, *hvkey = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	uint8_t prev[CN_HASH_LEN] = {0}, pk[32];
	struct cn_merkle_mem mem;
	struct cn_world w;
	struct cp_item *cps = NULL;
	size_t ncps = 0;
	int rc = 0;

	memset(stats, 0, sizeof(*stats));
	if (!f)
		return cn_err_set(err, CN_EIO, "%s: cannot open", path);
	cn_merkle_mem_init(&mem);
	cn_world_init(&w);
	while (rc == 0 && (n = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (lineno == 1) {
			json_t *h = json_loads(line, 0, NULL);
			const char *v = json_string_value(json_object_get(h, "vkey"));
			if (!h || json_integer_value(json_object_get(h, "council_log")) != 1 || !v)
				rc = cn_err_set(err, CN_EINVAL,
						"%s: line 1: not a council log export", path);
			else
				hvkey = strdup(v);
			json_decref(h);
			continue;
		}
		if (!strncmp(line, "{\"checkpoint\":", 14)) {
			json_t *o = json_loads(line, 0, NULL);
			const char *note = json_string_value(json_object_get(o, "checkpoint"));
			struct cp_item *nc = note ? realloc(cps, (ncps + 1) * sizeof(*cps)) : NULL;
			if (!nc)
				rc = cn_err_set(err, CN_ECORRUPT, "%s: line %ld: bad checkpoint line",
						path, lineno);
			else if (cps = nc, !(cps[ncps].note = strdup(note)))
				rc = cn_err_set(err, CN_ENOMEM, "out of memory");
			else
				ncps++;
			json_decref(o);
			continue;
		}
		struct cn_event ev;
		uint8_t rprev[CN_HASH_LEN], hash[CN_HASH_LEN];
		int64_t rseq;
		const char *type;
		size_t tl;

		/* Fast path: chain and tree on the raw bytes. */
		if (raw_tail(line, (size_t)n, rprev, &rseq, &type, &tl) == 0 &&
		    !must_decode(line, (size_t)n, type, tl)) {
			if (rseq != stats->events + 1)
				rc = cn_err_set(err, CN_ECORRUPT,
						"%s: line %ld: event %lld where event "
						"%lld was due (removed or reordered)",
						path, lineno, (long long)rseq,
						(long long)stats->events + 1);
			else if (memcmp(rprev, prev, CN_HASH_LEN))
				rc = cn_err_set(err, CN_ECORRUPT,
						"%s: line %ld: event %lld does not follow "
						"event %lld (changed, removed or "
						"reordered)", path, lineno,
						(long long)rseq, (long long)rseq - 1);
			if (rc == 0) {
				cn_event_hash(line, (size_t)n, hash);
				memcpy(prev, hash, CN_HASH_LEN);
				rc = cn_merkle_mem_append(&mem, hash, err);
				stats->events++;
				stats->bytes += (uint64_t)n;
			}
			continue;
		}
		if (cn_event_decode(line, (size_t)n, &ev, err)) {
			rc = cn_err_prefix(err, "%s: line %ld (event %lld): ", path,
					   lineno, (long long)stats->events + 1);
			break;
		}
		if (ev.seq != stats->events + 1)
			rc = cn_err_set(err, CN_ECORRUPT,
					"%s: line %ld: event %lld where event %lld "
					"was due (removed or reordered)", path, lineno,
					(long long)ev.seq, (long long)stats->events + 1);
		else if (memcmp(ev.prev, prev, CN_HASH_LEN))
			rc = cn_err_set(err, CN_ECORRUPT,
					"%s: line %ld: event %lld does not follow "
					"event %lld (changed, removed or reordered)",
					path, lineno, (long long)ev.seq,
					(long long)ev.seq - 1);
		if (rc == 0) {
			/* The world holds only what signatures are checked
			 * against (keys, proposals, revisions); a signed
			 * statement is checked, not folded, since the
			 * statements before it were skipped. */
			int stmt = ev.et && (ev.et->flags & CN_EVT_STATEMENT);
			if (stmt)
				rc = cn_event_check_signature(&w, &ev, err);
			else {
				/* Folded in order, though not every event before
				 * it was: the statements were skipped. */
				struct cn_event before = {.seq = ev.seq - 1};
				cn_world_skip_to(&w, &before);
				rc = cn_world_apply(&w, &ev, err);
			}
			if (rc)
				cn_err_prefix(err, "%s: line %ld: ", path, lineno);
		}
		if (rc == 0) {
			memcpy(prev, ev.hash, CN_HASH_LEN);
			rc = cn_merkle_mem_append(&mem, ev.hash, err);
			stats->events++;
			stats->bytes += ev.len;
		}
		cn_event_release(&ev);
	}
	free(line);
	fclose(f);
	if (rc == 0 && lineno == 0)
		rc = cn_err_set(err, CN_EINVAL, "%s: empty file", path);
	if (rc == 0)
		rc = cn_note_vkey_decode(vkey ? vkey : hvkey, &name, pk, err);
	struct cn_cp_check check;
	cn_cp_check_init(&check, &mem, name, pk);
	for (size_t i = 0; rc == 0 && i < ncps; i++)
		if ((rc = cn_cp_check_next(&check, cps[i].note, NULL, err)))
			cn_err_prefix(err, "%s: ", path);
	stats->checkpoints = check.count;
	/* Every event must be under a signature: lines after the last
	 * checkpoint could be anything, appended by anyone. */
	if (rc == 0 && check.size != mem.size)
		rc = cn_err_set(err, CN_ECORRUPT,
				"%s: %llu events are not covered by any signed "
				"checkpoint (the last covers %llu)", path,
				(unsigned long long)(mem.size - check.size),
				(unsigned long long)check.size);
	for (size_t i = 0; i < ncps; i++)
		free(cps[i].note);
	free(cps);
	free(name);
	free(hvkey);
	cn_merkle_mem_release(&mem);
	cn_world_release(&w);
	return rc;
}
