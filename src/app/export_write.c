/*
 * export_write.c - what the store writes of its log for others (see
 * export.h): the export, one read snapshot as JSON Lines for everyone or
 * for one audience (the events it may not see as their leaf hashes), and
 * the receipt of one event with its inclusion proof.  Its reader is
 * export_verify.c, which shares nothing with it but the format export.h
 * describes.
 */
#include "export.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/checkpoint.h"
#include "../core/merkle.h"
#include "projection.h"

/* ---- proofs and receipts ------------------------------------------------------ */

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

	/* The checkpoint that the write of the event signed, when this
	 * store made it (no read), else the newest. */
	if (cn_store_checkpoint_signed(st, &note, &size, NULL) ||
	    size < (uint64_t)seq) {
		free(note);
		note = NULL;
		rc = cn_store_checkpoint_latest(st, &note, &size, NULL, err);
	} else
		rc = 0;
	if (rc == 0 &&
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
