/* api_log.c - the record as others check it: the log, page by page and
 * filtered by sight (access.h), each event shown with its salt so its leaf
 * can be recomputed; the log's public key; the latest signed checkpoint;
 * inclusion proofs (of the events the caller may see) and consistency
 * proofs (docs/MERKLE.md).  The public and partners see all of it only up
 * to the checkpoint they are shown (record_size). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/export.h"
#include "../app/lists.h"
#include "../core/timeutil.h"
#include "access.h"
#include "cache.h"
#include "handlers.h"
#include "paging.h"
#include "person_name.h"
#include "request.h"

struct log_page {
	struct ctx *x;
	json_t *events;
	json_t *sights; /* proposal id -> enum sight, kept for the page */
	struct person_names names; /* who acted, read on first need */
};

static int log_event(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct log_page *pg = ctx;
	char t[CN_TIME_BUF], hex[CN_HEX_LEN], salt[CN_SALT_B64_LEN];
	int shows, rc;

	/* The page's query already applied sight (app/lists.h); the rule
	 * itself has the last word on each event shown. */
	if ((rc = sees_event(pg->x, ev, pg->sights, &shows, err)))
		return rc;
	if (!shows)
		return 0;
	json_t *e = json_pack("{s:I, s:s, s:s, s:s, s:O}", "seq",
			      (json_int_t)ev->seq, "time", cn_time_format(ev->time, t),
			      "actor", ev->actor, "type", ev->type, "payload",
			      ev->payload);
	if (!e)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	const char *name;
	if (person_name(pg->x, &pg->names, ev->actor, &name, err)) {
		json_decref(e);
		return err->code;
	}
	if (name)
		json_object_set_new(e, "person", json_string(name));
	cn_hex(ev->hash, CN_HASH_LEN, hex);
	json_object_set_new(e, "hash", json_string(hex));
	json_object_set_new(e, "bytes", json_stringn(ev->bytes, ev->len));
	/* Whoever is shown the bytes gets the salt with them: with both it
	 * recomputes the leaf (event.h) and checks it against the tree. */
	cn_merkle_hash_b64(ev->salt, salt);
	json_object_set_new(e, "salt", json_string(salt));
	cn_hex(ev->prev, CN_HASH_LEN, hex);
	json_object_set_new(e, "prev", json_string(hex));
	if (json_array_append_new(pg->events, e))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

int log_page(struct ctx *x, struct cn_store *st, int64_t from, int64_t upto,
	     int64_t limit, json_t *events, int64_t *next, struct cn_err *err)
{
	const struct cn_viewer v = {x->who.role, x->who.code, x->reg, x->now};
	struct log_page pg = {.x = x, .events = events};
	int rc;

	if (!(pg.sights = json_object()))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	rc = cn_lists_log(st, &v, from, upto, limit, log_event, &pg, next, err);
	json_decref(pg.sights);
	person_names_free(&pg.names);
	return rc;
}

/* A page of the events x->who sees, from ?from= on: found through the
 * store's indexes (app/lists.h), so the events it may not see cost
 * nothing, and `next` is the next one it sees (null: none yet). */
void h_log(struct ctx *x)
{
	static const char *const args[] = {"limit", "from", NULL};
	struct cn_err err = {0};
	struct cn_store *st;
	json_t *events;
	int64_t from, limit, next = 0;
	uint64_t upto;
	char cursor[24];

	if (arg_int(x, "from", 1, 1, INT64_MAX / 2, &from) ||
	    page_limit(x, PAGE_DEFAULT, API_LOG_PAGE_MAX, &limit))
		return;
	if (record_size(x, &upto, &err)) {
		reply_err(x, &err);
		return;
	}
	if (!(st = cache_lists(x->cache, x->api, &err))) {
		reply_error(x, 503, "unavailable", "%s", err.msg);
		return;
	}
	events = json_array();
	if (log_page(x, st, from, (int64_t)upto, limit, events, &next, &err)) {
		json_decref(events);
		reply_err(x, &err);
		return;
	}
	snprintf(cursor, sizeof(cursor), "%lld", (long long)next);
	reply_json(x, 200, json_pack("{s:o, s:o, s:o}", "events", events,
				     "next", next ? json_integer(next) : json_null(),
				     "next_href", next_href(x, args, "from",
							    next ? cursor : NULL,
							    NULL)));
}

void h_log_key(struct ctx *x)
{
	struct cn_err err = {0};
	char *vkey = NULL;
	if (cn_reader_log_key(x->rd, &vkey, &err)) {
		reply_err(x, &err);
		return;
	}
	reply_json(x, 200, json_pack("{s:s}", "vkey", vkey));
	free(vkey);
}

void h_log_checkpoint(struct ctx *x)
{
	struct cn_err err = {0};
	char *note = NULL, b64[CN_MERKLE_B64_LEN];
	uint8_t root[CN_MERKLE_HASH_LEN];
	uint64_t size;
	if (record_checkpoint(x, &note, &size, root, &err)) {
		reply_err(x, &err);
		return;
	}
	cn_merkle_hash_b64(root, b64);
	reply_json(x, 200, json_pack("{s:I, s:s, s:s}", "size", (json_int_t)size,
				     "root", b64, "note", note));
	free(note);
}

/* The two proofs: their query arguments (a required; b defaulting to
 * the size of the record the caller may see, never beyond it), the order
 * they must be in, whether the caller must see leaf a, and where the proof
 * comes from. */
struct proof_kind {
	const char *a, *b;
	int64_t a_min;
	int a_below_b;    /* a < b, else a <= b */
	const char *order; /* the answer when they are not in order */
	int of_event;      /* a is the index of a leaf the caller must see */
	int (*prove)(struct cn_reader *rd, uint64_t a, uint64_t b,
		     struct cn_merkle_proof *proof, struct cn_err *err);
};

static const struct proof_kind inclusion = {
	"index", "size", 0, 1, "'index' must be below 'size'", 1,
	cn_reader_inclusion,
};
static const struct proof_kind consistency = {
	"from", "to", 1, 0, "need 1 <= 'from' <= 'to'", 0, cn_reader_consistency,
};

/* Whether the caller may see event seq in full: an inclusion proof of a
 * leaf is for those who may check what the leaf commits to.  A hidden
 * event answers 404, as an index beyond the tree does. */
static int may_prove(struct ctx *x, int64_t seq, struct cn_err *err)
{
	struct cn_event ev;
	int sees = 0, rc;

	if ((rc = cn_reader_event(x->rd, seq, &ev, err)))
		return rc;
	rc = sees_event(x, &ev, NULL, &sees, err);
	cn_event_release(&ev);
	if (rc == 0 && !sees)
		rc = cn_err_set(err, CN_ENOTFOUND, "no such event");
	return rc;
}

static void reply_proof(struct ctx *x, const struct proof_kind *k)
{
	struct cn_merkle_proof proof;
	struct cn_err err = {0};
	int64_t a, b;
	uint64_t size;

	if (record_size(x, &size, &err)) {
		reply_err(x, &err);
		return;
	}
	if (arg_int(x, k->a, -1, 0, INT64_MAX / 2, &a) ||
	    arg_int(x, k->b, (int64_t)size, 1, INT64_MAX / 2, &b))
		return;
	if (a < 0) {
		reply_error(x, 400, "invalid", "query argument '%s' is required",
			    k->a);
		return;
	}
	if ((uint64_t)b > size) {
		reply_error(x, 400, "invalid", "'%s' is beyond the log's %llu events",
			    k->b, (unsigned long long)size);
		return;
	}
	if (k->of_event && a >= b && !x->req->arg(x->req, k->b)) {
		not_found(x); /* a leaf beyond the tree */
		return;
	}
	if (a < k->a_min || a > b || (k->a_below_b && a == b)) {
		reply_error(x, 400, "invalid", "%s", k->order);
		return;
	}
	if (k->of_event && may_prove(x, a + 1, &err)) {
		if (err.code == CN_ENOTFOUND)
			not_found(x);
		else
			reply_err(x, &err);
		return;
	}
	if (k->prove(x->rd, (uint64_t)a, (uint64_t)b, &proof, &err)) {
		reply_err(x, &err);
		return;
	}
	reply_json(x, 200, json_pack("{s:I, s:I, s:o}", k->a, (json_int_t)a, k->b,
				     (json_int_t)b, "proof", cn_proof_json(&proof)));
}

void h_proof_inclusion(struct ctx *x)
{
	reply_proof(x, &inclusion);
}

void h_proof_consistency(struct ctx *x)
{
	reply_proof(x, &consistency);
}
