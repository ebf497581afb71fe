/* api_log.c - the record as others check it: the log, page by page and
 * filtered by sight (access.h); the log's public key; the latest signed
 * checkpoint; inclusion and consistency proofs (docs/MERKLE.md). */
#include <stdlib.h>
#include <string.h>

#include "../app/export.h"
#include "../core/timeutil.h"
#include "access.h"
#include "handlers.h"
#include "request.h"

struct log_page {
	struct ctx *x;
	json_t *events;
	json_t *sights; /* proposal id -> enum sight, kept for the page */
	int64_t limit, next; /* next: first event not returned, 0 at the end */
};

#define STOP_PAGE 1

/* Whether the principal sees event ev: a registry event, everyone; a
 * proposal's, as the principal's sight of that proposal shows it. */
static int page_shows(struct log_page *pg, const struct cn_event *ev,
		      int *shows, struct cn_err *err)
{
	const char *kind;
	char key[64];
	enum sight s;
	json_t *c;
	int rc;

	*shows = 1;
	if (cn_event_entity(ev, &kind, key) || strcmp(kind, "proposal"))
		return 0;
	if ((c = json_object_get(pg->sights, key)))
		s = (enum sight)json_integer_value(c);
	else {
		if ((rc = sight_of_proposal(pg->x, atoll(key), &s, err)))
			return rc;
		json_object_set_new(pg->sights, key, json_integer(s));
	}
	*shows = sight_shows_event(s, ev);
	return 0;
}

static int log_event(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct log_page *pg = ctx;
	char t[CN_TIME_BUF], hex[CN_HEX_LEN];
	int shows, rc;

	if ((int64_t)json_array_size(pg->events) >= pg->limit) {
		pg->next = ev->seq;
		return STOP_PAGE;
	}
	if ((rc = page_shows(pg, ev, &shows, err)))
		return rc;
	if (!shows)
		return 0; /* filtered events still advance the page */
	json_t *e = json_pack("{s:I, s:s, s:s, s:s, s:O, s:s}", "seq",
			      (json_int_t)ev->seq, "time", cn_time_format(ev->time, t),
			      "actor", ev->actor, "type", ev->type, "payload",
			      ev->payload, "hash", "");
	cn_hex(ev->hash, CN_HASH_LEN, hex);
	json_object_set_new(e, "hash", json_string(hex));
	json_object_set_new(e, "bytes", json_stringn(ev->bytes, ev->len));
	cn_hex(ev->prev, CN_HASH_LEN, hex);
	json_object_set_new(e, "prev", json_string(hex));
	if (!e || json_array_append_new(pg->events, e))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

void h_log(struct ctx *x)
{
	struct log_page pg = {x, json_array(), json_object(), 0, 0};
	struct cn_err err = {0};
	int64_t from;
	int rc;

	if (arg_int(x, "from", 1, 1, INT64_MAX / 2, &from) ||
	    arg_int(x, "limit", 100, 1, API_LOG_PAGE_MAX, &pg.limit)) {
		json_decref(pg.events);
		json_decref(pg.sights);
		return;
	}
	rc = cn_reader_scan(x->rd, from, log_event, &pg, &err);
	json_decref(pg.sights);
	if (rc && rc != STOP_PAGE) {
		json_decref(pg.events);
		reply_err(x, &err);
		return;
	}
	json_t *out = json_pack("{s:o}", "events", pg.events);
	if (rc == STOP_PAGE)
		json_object_set_new(out, "next", json_integer(pg.next));
	else
		json_object_set_new(out, "next", json_null());
	reply_json(x, 200, out);
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
	if (cn_reader_checkpoint(x->rd, &note, &size, root, &err)) {
		reply_err(x, &err);
		return;
	}
	cn_merkle_hash_b64(root, b64);
	reply_json(x, 200, json_pack("{s:I, s:s, s:s}", "size", (json_int_t)size,
				     "root", b64, "note", note));
	free(note);
}

/* The two proofs: their query arguments (a required; b defaulting to
 * the tree's size, never beyond it), the order they must be in, and where
 * the proof comes from. */
struct proof_kind {
	const char *a, *b;
	int64_t a_min;
	int a_below_b;    /* a < b, else a <= b */
	const char *order; /* the answer when they are not in order */
	int (*prove)(struct cn_reader *rd, uint64_t a, uint64_t b,
		     struct cn_merkle_proof *proof, struct cn_err *err);
};

static const struct proof_kind inclusion = {
	"index", "size", 0, 1, "'index' must be below 'size'",
	cn_reader_inclusion,
};
static const struct proof_kind consistency = {
	"from", "to", 1, 0, "need 1 <= 'from' <= 'to'", cn_reader_consistency,
};

static void reply_proof(struct ctx *x, const struct proof_kind *k)
{
	struct cn_merkle_proof proof;
	struct cn_err err = {0};
	int64_t a, b;
	uint64_t size;

	if (cn_reader_tree_size(x->rd, &size, &err)) {
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
	if (a < k->a_min || a > b || (k->a_below_b && a == b)) {
		reply_error(x, 400, "invalid", "%s", k->order);
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
