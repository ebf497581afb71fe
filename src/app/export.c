/* export.c - see export.h. */
#include "export.h"

#include <stdlib.h>
#include <string.h>

#include "../core/checkpoint.h"
#include "../core/merkle.h"

static int put_event(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	FILE *out = ctx;
	if (fwrite(ev->bytes, 1, ev->len, out) != ev->len || fputc('\n', out) == EOF)
		return cn_err_set(err, CN_EIO, "writing the export failed");
	return 0;
}

static int put_checkpoint(void *ctx, uint64_t size, const char *note)
{
	json_t *o = json_pack("{s:s}", "checkpoint", note);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	int rc = s && fprintf(ctx, "%s\n", s) > 0 ? 0 : CN_EIO;
	(void)size;
	free(s);
	json_decref(o);
	return rc;
}

int cn_app_export(struct cn_app *app, FILE *out, struct cn_err *err)
{
	struct cn_store *st = cn_app_store(app);
	char *vkey = NULL;
	int rc;

	if (cn_store_get_meta(st, "log_vkey", &vkey, err))
		return cn_err_set(err, CN_ECORRUPT, "the store names no log key");
	json_t *h = json_pack("{s:i, s:s}", "council_log", 1, "vkey", vkey);
	char *hs = h ? json_dumps(h, JSON_COMPACT) : NULL;
	rc = hs && fprintf(out, "%s\n", hs) > 0 ? 0
		: cn_err_set(err, CN_EIO, "writing the export failed");
	free(hs);
	json_decref(h);
	free(vkey);
	if (rc == 0)
		rc = cn_store_scan(st, 1, put_event, out, err);
	if (rc == 0 && (rc = cn_store_checkpoints(st, put_checkpoint, out, err)))
		cn_err_set(err, CN_EIO, "writing the export failed");
	if (rc == 0 && fflush(out))
		rc = cn_err_set(err, CN_EIO, "writing the export failed");
	return rc;
}

struct cp_item {
	uint64_t size;
	char *note;
};

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
			if (!nc) {
				rc = cn_err_set(err, CN_ECORRUPT, "%s: line %ld: bad checkpoint line",
						path, lineno);
			} else {
				cps = nc;
				cps[ncps].note = strdup(note);
				cps[ncps++].size = 0;
			}
			json_decref(o);
			continue;
		}
		struct cn_event ev;
		uint8_t leaf[CN_HASH_LEN];
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
		else if ((rc = cn_world_apply(&w, &ev, err)) != 0)
			cn_err_prefix(err, "%s: line %ld: ", path, lineno);
		if (rc == 0) {
			memcpy(prev, ev.hash, CN_HASH_LEN);
			cn_merkle_leaf_hash(ev.bytes, ev.len, leaf);
			rc = cn_merkle_mem_append(&mem, leaf, err);
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
	uint64_t psize = 0;
	uint8_t proot[32];
	for (size_t i = 0; rc == 0 && i < ncps; i++) {
		struct cn_checkpoint cp;
		uint8_t root[32];
		struct cn_merkle_proof proof;
		if (cn_checkpoint_verify(cps[i].note, strlen(cps[i].note), name, pk,
					 &cp, err)) {
			rc = cn_err_prefix(err, "%s: checkpoint %zu: ", path, i + 1);
			break;
		}
		if (cp.size > mem.size)
			rc = cn_err_set(err, CN_ECORRUPT,
					"%s: checkpoint of size %llu, but only %llu "
					"events (truncated)", path,
					(unsigned long long)cp.size,
					(unsigned long long)mem.size);
		else if ((rc = cn_merkle_root(cn_merkle_mem_get, &mem, cp.size, root,
					      err)) == 0 && memcmp(root, cp.root, 32))
			rc = cn_err_set(err, CN_ECORRUPT,
					"%s: checkpoint of size %llu: root differs "
					"from the tree of the first %llu events", path,
					(unsigned long long)cp.size,
					(unsigned long long)cp.size);
		if (rc == 0 && psize &&
		    (cp.size < psize ||
		     cn_merkle_consistency_proof(cn_merkle_mem_get, &mem, psize,
						 cp.size, &proof, err) ||
		     cn_merkle_verify_consistency(psize, cp.size, proot, root,
						  proof.node, proof.len, err)))
			rc = cn_err_set(err, CN_ECORRUPT,
					"%s: checkpoints of sizes %llu and %llu are "
					"not consistent", path,
					(unsigned long long)psize,
					(unsigned long long)cp.size);
		psize = cp.size;
		memcpy(proot, root, 32);
		cn_checkpoint_release(&cp);
		stats->checkpoints++;
	}
	for (size_t i = 0; i < ncps; i++)
		free(cps[i].note);
	free(cps);
	free(name);
	free(hvkey);
	cn_merkle_mem_release(&mem);
	cn_world_release(&w);
	return rc;
}
