/*
 * migrate.c - copying a store's record into a new store and checking the
 * copy before it is committed; see migrate.h.
 */
#include "migrate.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

/* ---- the copy ------------------------------------------------------------- */

struct copy {
	struct cn_app *dst;
	cn_migrate_progress_fn progress;
	void *ctx;
	int64_t total, done;
	int dst_failed; /* the destination refused an event, not the source */
};

static int copy_event(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct copy *c = ctx;
	int rc = cn_app_import_event(c->dst, ev, err);

	if (rc)
		c->dst_failed = 1;
	if (rc == 0 && ++c->done % CN_MIGRATE_STEP == 0 && c->progress)
		c->progress(c->ctx, c->done, c->total);
	return rc;
}

static int copy_checkpoint(void *ctx, const struct cn_checkpoint_row *cp,
			   struct cn_err *err)
{
	struct copy *c = ctx;
	c->done++;
	return cn_store_checkpoint_copy(cn_app_store(c->dst), cp, err);
}

static int copy_token(void *ctx, const struct cn_token_row *t,
		      struct cn_err *err)
{
	struct copy *c = ctx;

	if (t->hashlen != CN_HASH_LEN || !t->role || !t->created)
		return cn_err_set(err, CN_ECORRUPT, "token %lld: its stored hash, "
				  "role or date is malformed", (long long)t->id);
	c->done++;
	return cn_store_token_copy(cn_app_store(c->dst), t, err);
}

/* ---- people (store/people.h): copied as stored, compared field by field --- */

static int copy_person(void *ctx, const struct cn_person *p, struct cn_err *err)
{
	struct copy *c = ctx;
	c->done++;
	return cn_store_person_copy(cn_app_store(c->dst), p, err);
}

struct people_vec {
	struct cn_person *v;
	size_t n;
};

static int add_person(void *ctx, const struct cn_person *p, struct cn_err *err)
{
	struct people_vec *pv = ctx;
	struct cn_person *nv = realloc(pv->v, (pv->n + 1) * sizeof(*nv));

	if (!nv)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	pv->v = nv;
	pv->v[pv->n++] = *p;
	return 0;
}

/* People are few: both lists in memory, compared in id order. */
static int compare_people(struct cn_store *src, struct cn_store *dst,
			  struct cn_err *err)
{
	struct people_vec a = {0}, b = {0};
	int rc = cn_store_people_list(src, 0, INT64_MAX, add_person, &a, err);

	if (rc == 0)
		rc = cn_store_people_list(dst, 0, INT64_MAX, add_person, &b,
					  err);
	if (rc == 0 && a.n != b.n)
		rc = cn_err_set(err, CN_ECORRUPT, "people: the destination holds "
				"%zu, the source %zu", b.n, a.n);
	for (size_t i = 0; rc == 0 && i < a.n; i++) {
		const struct cn_person *x = &a.v[i], *y = &b.v[i];
		if (x->id != y->id || strcmp(x->name, y->name) ||
		    strcmp(x->role, y->role) || strcmp(x->principal, y->principal) ||
		    strcmp(x->pwhash, y->pwhash) || strcmp(x->created, y->created) ||
		    strcmp(x->disabled, y->disabled))
			rc = cn_err_set(err, CN_ECORRUPT, "people: person %lld "
					"differs in the destination",
					(long long)x->id);
	}
	free(a.v);
	free(b.v);
	return rc;
}

/* ---- comparing rows through a file ------------------------------------------ *
 * The source's rows are written to a temporary file as typed values (a
 * type byte, then an int64 or a length and the bytes), then the
 * destination's rows, read in the same order, are compared with them one
 * by one.  The first that differs is named by its key. */

struct rows {
	FILE *f;
	const char *what;    /* "projection members", "tokens" */
	unsigned ncols, nkey;
	int keyed;           /* rows come in key order */
	int64_t written, read;
	char bad[256];       /* what differs first */
};

/* A sentinel a row callback returns to stop the scan at a difference. */
#define ROWS_DIFFER 1

static int put_values(struct rows *r, const struct cn_value *v,
		      struct cn_err *err)
{
	for (unsigned i = 0; i < r->ncols; i++) {
		const uint64_t len = v[i].len;
		int ok = fputc((int)v[i].type, r->f) != EOF;

		if (v[i].type == CN_VAL_INT)
			ok = ok && fwrite(&v[i].i, sizeof(v[i].i), 1, r->f) == 1;
		else if (v[i].type != CN_VAL_NULL)
			ok = ok && fwrite(&len, sizeof(len), 1, r->f) == 1 &&
			     (len == 0 || fwrite(v[i].s, len, 1, r->f) == 1);
		if (!ok)
			return cn_err_set(err, CN_EIO, "%s: cannot write the "
					  "temporary file", r->what);
	}
	r->written++;
	return 0;
}

/* A row's key for a message ("FR"; "12, FR"), cut to fit. */
static void key_name(const struct cn_value *v, unsigned nkey, char *out,
		     size_t n)
{
	size_t at = 0;

	out[0] = '\0';
	for (unsigned k = 0; k < nkey && at + 1 < n; k++, at = strlen(out)) {
		const char *sep = k ? ", " : "";
		if (v[k].type == CN_VAL_INT)
			snprintf(out + at, n - at, "%s%lld", sep, (long long)v[k].i);
		else if (v[k].type == CN_VAL_NULL)
			snprintf(out + at, n - at, "%sNULL", sep);
		else
			snprintf(out + at, n - at, "%s%.*s", sep,
				 (int)(v[k].len < 60 ? v[k].len : 60), v[k].s);
	}
}

/* Read the next stored value; text is compared with `want` (NULL: only
 * read) as it is read, in pieces, and the first 60 bytes kept in name.
 * *same is cleared on a difference.  0, or CN_EIO at a short file. */
static int next_value(struct rows *r, const struct cn_value *want, int *same,
		      struct cn_value *name, char namebuf[64])
{
	char buf[4096];
	uint64_t len = 0, at = 0;
	int type = fgetc(r->f);

	if (type == EOF)
		return CN_EIO;
	memset(name, 0, sizeof(*name));
	name->type = (enum cn_value_type)type;
	if (want && want->type != (enum cn_value_type)type)
		*same = 0;
	if (type == CN_VAL_NULL)
		return 0;
	if (type == CN_VAL_INT) {
		if (fread(&name->i, sizeof(name->i), 1, r->f) != 1)
			return CN_EIO;
		if (want && want->type == CN_VAL_INT && want->i != name->i)
			*same = 0;
		return 0;
	}
	if (fread(&len, sizeof(len), 1, r->f) != 1)
		return CN_EIO;
	if (want && (want->type != (enum cn_value_type)type || want->len != len))
		*same = 0;
	while (at < len) {
		size_t k = len - at < sizeof(buf) ? (size_t)(len - at) : sizeof(buf);
		if (fread(buf, k, 1, r->f) != 1)
			return CN_EIO;
		if (at == 0) {
			memcpy(namebuf, buf, k < 64 ? k : 64);
			name->s = namebuf;
			name->len = k < 64 ? k : 64;
		}
		if (want && *same && memcmp(want->s + at, buf, k))
			*same = 0;
		at += k;
	}
	if (!name->s)
		name->s = "";
	return 0;
}

/* Key order, as the stores give rows (store.h, guarantee 7): NULL,
 * integers, text bytewise, shorter first on a tie. */
static int key_cmp(const struct cn_value *a, const struct cn_value *b,
		   unsigned nkey)
{
	for (unsigned k = 0; k < nkey; k++) {
		size_t n = a[k].len < b[k].len ? a[k].len : b[k].len;
		int d = 0;

		if (a[k].type != b[k].type)
			return a[k].type < b[k].type ? -1 : 1;
		if (a[k].type == CN_VAL_INT && a[k].i != b[k].i)
			return a[k].i < b[k].i ? -1 : 1;
		if (a[k].type == CN_VAL_INT || a[k].type == CN_VAL_NULL)
			continue;
		if ((n && (d = memcmp(a[k].s, b[k].s, n))) || a[k].len != b[k].len)
			return d ? d : a[k].len < b[k].len ? -1 : 1;
	}
	return 0;
}

/* The source's next row against v (NULL: the source's next row is named
 * in r->bad as missing from the destination).  Both come in key order,
 * so where the keys differ the smaller one is missing on the other side. */
static int check_next(struct rows *r, const struct cn_value *v,
		      struct cn_err *err)
{
	struct cn_value src[CN_ROW_MAX];
	char names[CN_ROW_MAX][64], key[96];
	int same = 1, d;

	assert(r->ncols <= CN_ROW_MAX);
	for (unsigned i = 0; i < r->ncols; i++)
		if (next_value(r, v ? &v[i] : NULL, &same, &src[i], names[i]))
			return cn_err_set(err, CN_EIO, "%s: the temporary file "
					  "ended early", r->what);
	r->read++;
	if (v && same)
		return 0;
	d = v ? key_cmp(src, v, r->nkey) : -1;
	if (d && v && !r->keyed) {
		/* In the order written, a key elsewhere is an order that
		 * differs, not a row missing. */
		char other[96];
		key_name(src, r->nkey, key, sizeof(key));
		key_name(v, r->nkey, other, sizeof(other));
		snprintf(r->bad, sizeof(r->bad), "the source has row '%s' where "
			 "the destination has row '%s'", key, other);
		return ROWS_DIFFER;
	}
	key_name(d > 0 ? v : src, r->nkey, key, sizeof(key));
	snprintf(r->bad, sizeof(r->bad), d < 0
		 ? "row '%s' of the source is missing in the destination"
		 : d > 0 ? "row '%s' of the destination is not in the source"
		 : "row '%s' differs", key);
	return ROWS_DIFFER;
}

static int rows_start(struct rows *r, const char *what, unsigned ncols,
		      unsigned nkey, int keyed, struct cn_err *err)
{
	memset(r, 0, sizeof(*r));
	r->keyed = keyed;
	r->what = what;
	r->ncols = ncols;
	r->nkey = nkey;
	if (!(r->f = tmpfile()))
		return cn_err_set(err, CN_EIO, "%s: cannot make a temporary file",
				  what);
	return 0;
}

static int rows_rewind(struct rows *r, struct cn_err *err)
{
	if (fflush(r->f) || fseek(r->f, 0, SEEK_SET))
		return cn_err_set(err, CN_EIO, "%s: cannot read the temporary "
				  "file back", r->what);
	return 0;
}

/* The end of a comparison: rc from the destination's scan. */
static int rows_end(struct rows *r, int rc, struct cn_err *err)
{
	if (rc == 0 && r->read < r->written)
		rc = check_next(r, NULL, err);
	if (rc == ROWS_DIFFER)
		rc = cn_err_set(err, CN_ECORRUPT, "%s: %s", r->what, r->bad);
	fclose(r->f);
	return rc;
}

static int put_row(void *ctx, const struct cn_row *row, struct cn_err *err)
{
	return put_values(ctx, row->v, err);
}

static int check_row(void *ctx, const struct cn_row *row, struct cn_err *err)
{
	struct rows *r = ctx;

	if (r->read == r->written) {
		char key[96];
		key_name(row->v, r->nkey, key, sizeof(key));
		snprintf(r->bad, sizeof(r->bad), "row '%s' of the destination is "
			 "not in the source", key);
		return ROWS_DIFFER;
	}
	return check_next(r, row->v, err);
}

static int compare_table(struct cn_store *src, struct cn_store *dst,
			 enum cn_table t, enum cn_row_order order,
			 struct cn_err *err)
{
	const struct cn_table_def *def = &cn_tables[t];
	char what[64];
	struct rows r;
	int rc;

	snprintf(what, sizeof(what), "projection %s%s", def->name,
		 order == CN_ORDER_WRITTEN ? " (in the order written)" : "");
	if ((rc = rows_start(&r, what, def->ncols, def->nkey,
			     order == CN_ORDER_KEY, err)))
		return rc;
	if ((rc = cn_store_rows(src, t, order, put_row, &r, err)) == 0 &&
	    (rc = rows_rewind(&r, err)) == 0)
		rc = cn_store_rows(dst, t, order, check_row, &r, err);
	return rows_end(&r, rc, err);
}

/* A token row as values: its 9 columns, the hash as bytes, feed_of NULL
 * for a bearer token, person NULL but for a person's holder. */
#define TOKEN_COLS 9
static void token_values(const struct cn_token_row *t,
			 struct cn_value v[TOKEN_COLS])
{
	const char *text[] = {t->role, t->principal, t->label, t->created,
			      t->revoked};

	memset(v, 0, TOKEN_COLS * sizeof(*v));
	v[0].type = CN_VAL_INT;
	v[0].i = t->id;
	v[1].type = CN_VAL_TEXT;
	v[1].s = (const char *)t->hash;
	v[1].len = t->hashlen;
	for (int i = 0; i < 5; i++)
		if (text[i]) {
			v[2 + i].type = CN_VAL_TEXT;
			v[2 + i].s = text[i];
			v[2 + i].len = strlen(text[i]);
		}
	if (t->feed_of) {
		v[7].type = CN_VAL_INT;
		v[7].i = t->feed_of;
	}
	if (t->person) {
		v[8].type = CN_VAL_INT;
		v[8].i = t->person;
	}
}

static int put_token(void *ctx, const struct cn_token_row *t,
		     struct cn_err *err)
{
	struct cn_value v[TOKEN_COLS];
	token_values(t, v);
	return put_values(ctx, v, err);
}

static int check_token(void *ctx, const struct cn_token_row *t,
		       struct cn_err *err)
{
	struct cn_row row = {0};

	token_values(t, row.v);
	return check_row(ctx, &row, err);
}

static int compare_tokens(struct cn_store *src, struct cn_store *dst,
			  struct cn_err *err)
{
	struct rows r;
	int rc = rows_start(&r, "tokens", TOKEN_COLS, 1, 1, err);

	if (rc)
		return rc;
	if ((rc = cn_store_tokens(src, put_token, &r, err)) == 0 &&
	    (rc = rows_rewind(&r, err)) == 0)
		rc = cn_store_tokens(dst, check_token, &r, err);
	return rows_end(&r, rc, err);
}

/* ---- webhooks and the outbox ------------------------------------------------------ */

static int copy_webhook(void *ctx, const struct cn_webhook *w,
			struct cn_err *err)
{
	struct copy *c = ctx;
	c->done++;
	return cn_store_webhook_put(cn_app_store(c->dst), w, err);
}

static int copy_notice(void *ctx, const struct cn_notice *it,
		       struct cn_err *err)
{
	struct copy *c = ctx;
	c->done++;
	return cn_store_notice_put(cn_app_store(c->dst), it, err);
}

static int copy_attempt(void *ctx, const struct cn_attempt *a,
			struct cn_err *err)
{
	struct copy *c = ctx;
	c->done++;
	return cn_store_attempt_put(cn_app_store(c->dst), a, err);
}

/* Webhooks (secrets and cursors), the outbox and the delivery log, rows
 * as they are, so the copy delivers from where the source stopped.  A
 * source made before webhooks and opened read-only has no tables: none. */
static int copy_hooks(struct cn_store *src, struct copy *c,
		      struct cn_migrate_report *out, struct cn_err *err)
{
	int rc;

	c->done = 0;
	rc = cn_store_webhook_rows(src, copy_webhook, c, err);
	out->webhooks = c->done;
	if (rc == CN_ENOTFOUND && c->done == 0)
		return 0;
	c->done = 0;
	if (rc == 0)
		rc = cn_store_notice_rows(src, copy_notice, c, err);
	out->notices = c->done;
	c->done = 0;
	if (rc == 0)
		rc = cn_store_attempt_rows(src, copy_attempt, c, err);
	out->deliveries = c->done;
	return rc;
}

static void v_int(struct cn_value *v, int64_t i)
{
	v->type = CN_VAL_INT;
	v->i = i;
}

/* Text of len bytes; NULL is SQL NULL, and "" (a webhook not revoked)
 * stays "": both stores read it back the same way. */
static void v_text(struct cn_value *v, const char *s, size_t len)
{
	v->type = s ? CN_VAL_TEXT : CN_VAL_NULL;
	v->s = s;
	v->len = s ? len : 0;
}

static void v_str(struct cn_value *v, const char *s)
{
	v_text(v, s, s ? strlen(s) : 0);
}

/* One side of a comparison: the source's rows into the file, or the
 * destination's checked against it. */
struct hook_side {
	struct rows r;
	int dst;
};

static int hook_values(struct hook_side *h, const struct cn_value *v,
		       struct cn_err *err)
{
	struct cn_row row = {0};

	if (!h->dst)
		return put_values(&h->r, v, err);
	memcpy(row.v, v, h->r.ncols * sizeof(*v));
	return check_row(&h->r, &row, err);
}

static int webhook_side(void *ctx, const struct cn_webhook *w,
			struct cn_err *err)
{
	struct cn_value v[9] = {0};

	v_int(&v[0], w->id);
	v_int(&v[1], w->owner);
	v_str(&v[2], w->url);
	v_str(&v[3], w->secret);
	v_str(&v[4], w->types);
	v_str(&v[5], w->created);
	v_str(&v[6], w->revoked);
	v_int(&v[7], w->cursor);
	v_str(&v[8], w->remind);
	return hook_values(ctx, v, err);
}

static int notice_side(void *ctx, const struct cn_notice *it,
		       struct cn_err *err)
{
	struct cn_value v[10] = {0};

	v_int(&v[0], it->id);
	v_str(&v[1], it->channel);
	v_str(&v[2], it->kind);
	v_int(&v[3], it->target);
	v_str(&v[4], it->ref);
	v_text(&v[5], it->body, it->len);
	v_int(&v[6], it->created);
	v_str(&v[7], it->state);
	v_int(&v[8], it->attempts);
	v_int(&v[9], it->next_at);
	return hook_values(ctx, v, err);
}

static int attempt_side(void *ctx, const struct cn_attempt *a,
			struct cn_err *err)
{
	struct cn_value v[6] = {0};

	v_int(&v[0], a->item);
	v_int(&v[1], a->attempt);
	v_int(&v[2], a->time);
	v_int(&v[3], a->status);
	v_str(&v[4], a->error);
	v_int(&v[5], a->next_at);
	return hook_values(ctx, v, err);
}

/* The three tables in key order: (what, columns, key columns). */
static const struct {
	const char *what;
	unsigned ncols, nkey;
} hook_tables[] = {
	{"webhooks", 9, 1}, {"notices", 10, 1}, {"deliveries", 6, 2},
};

static int hook_scan(struct cn_store *st, unsigned t, struct hook_side *h,
		     struct cn_err *err)
{
	int rc = t == 0   ? cn_store_webhook_rows(st, webhook_side, h, err)
		 : t == 1 ? cn_store_notice_rows(st, notice_side, h, err)
			  : cn_store_attempt_rows(st, attempt_side, h, err);
	/* No tables (the source, from before webhooks): no rows. */
	return rc == CN_ENOTFOUND && t == 0 && !h->dst ? 0 : rc;
}

static int compare_hooks(struct cn_store *src, struct cn_store *dst,
			 struct cn_err *err)
{
	int rc = 0;

	for (unsigned t = 0; rc == 0 && t < 3; t++) {
		struct hook_side h = {.dst = 0};

		if ((rc = rows_start(&h.r, hook_tables[t].what,
				     hook_tables[t].ncols, hook_tables[t].nkey,
				     1, err)))
			break;
		rc = hook_scan(src, t, &h, err);
		if (rc == 0 && (rc = rows_rewind(&h.r, err)) == 0) {
			h.dst = 1;
			rc = hook_scan(dst, t, &h, err);
		}
		rc = rows_end(&h.r, rc, err);
	}
	return rc;
}

/* ---- the checks ----------------------------------------------------------------- */

/* The destination's tree as the checkpoint checker's root function. */
static int dst_root(void *ctx, uint64_t size, uint8_t root[CN_MERKLE_HASH_LEN],
		    uint64_t *have)
{
	struct cn_store *st = ctx;

	if (cn_store_tree_size(st, have, NULL))
		return CN_EIO;
	if (size > *have)
		return CN_ENOTFOUND;
	return cn_store_root_at(st, size, root, NULL);
}

static int check_cp(void *ctx, const struct cn_checkpoint_row *cp,
		    struct cn_err *err)
{
	return cn_cp_check_next(ctx, cp->note, cp, err);
}

/* Every checkpoint of the destination verifies with the log key against
 * the destination's own tree; there are as many as were copied. */
static int check_checkpoints(struct cn_store *dst, int64_t copied,
			     struct cn_err *err)
{
	struct cn_cp_check c;
	uint8_t pk[CN_NOTE_PUBKEY_LEN];
	char *name = NULL;
	int rc = cn_verify_log_key(dst, NULL, &name, pk, err);

	if (rc)
		return rc;
	cn_cp_check_init(&c, dst_root, dst, name, pk);
	rc = cn_store_checkpoints(dst, check_cp, &c, err);
	if (rc == 0 && c.count != copied)
		rc = cn_err_set(err, CN_ECORRUPT, "the destination holds %lld "
				"checkpoints, not the %lld copied",
				(long long)c.count, (long long)copied);
	free(name);
	if (rc)
		cn_err_prefix(err, "the checkpoints copied, on the destination: ");
	return rc;
}

/* A meta value both stores must hold alike ("" when unset). */
static int same_meta(struct cn_store *src, struct cn_store *dst,
		     const char *key, struct cn_err *err)
{
	char *a = NULL, *b = NULL;
	int ra = cn_store_get_meta(src, key, &a, err), rb = 0, rc = 0;

	if (ra && ra != CN_ENOTFOUND)
		return ra;
	if ((rb = cn_store_get_meta(dst, key, &b, err)) && rb != CN_ENOTFOUND)
		rc = rb;
	else if (strcmp(a ? a : "", b ? b : ""))
		rc = cn_err_set(err, CN_ECORRUPT, "meta %s: '%s' in the source, "
				"'%s' in the destination", key, a ? a : "",
				b ? b : "");
	free(a);
	free(b);
	return rc;
}

static int check_copy(struct cn_store *src, struct cn_store *dst,
		      struct cn_migrate_report *out, struct cn_err *err)
{
	uint8_t sroot[CN_MERKLE_HASH_LEN];
	uint64_t n = 0;
	int rc;

	if ((rc = cn_store_tree_size(dst, &n, err)))
		return rc;
	if ((int64_t)n != out->events)
		return cn_err_set(err, CN_ECORRUPT, "the destination holds %llu "
				  "events, the source %lld", (unsigned long long)n,
				  (long long)out->events);
	if ((rc = cn_store_root_at(src, n, sroot, err)) ||
	    (rc = cn_store_root_at(dst, n, out->root, err)))
		return rc;
	if (memcmp(sroot, out->root, sizeof(sroot)))
		return cn_err_set(err, CN_ECORRUPT, "the Merkle root of the "
				  "destination's %llu events is not the source's "
				  "(the source's stored tree does not match its "
				  "events)", (unsigned long long)n);
	if ((rc = check_checkpoints(dst, out->checkpoints, err)))
		return rc;
	for (unsigned t = 0; rc == 0 && t < CN_TAB_COUNT; t++)
		rc = compare_table(src, dst, (enum cn_table)t, CN_ORDER_KEY, err);
	/* Readers fold the registry in the order its rows were first written. */
	for (unsigned t = CN_TAB_ALLIANCE; rc == 0 && t <= CN_TAB_OFFICES; t++)
		rc = compare_table(src, dst, (enum cn_table)t, CN_ORDER_WRITTEN,
				   err);
	if (rc == 0)
		rc = compare_tokens(src, dst, err);
	if (rc == 0)
		rc = compare_people(src, dst, err);
	if (rc == 0)
		rc = compare_hooks(src, dst, err);
	if (rc == 0)
		rc = same_meta(src, dst, "log_vkey", err);
	if (rc == 0)
		rc = same_meta(src, dst, "registry_seq", err);
	return rc;
}

/* ---- the whole migration ------------------------------------------------------------ */

static int migrate_in(struct cn_store *src, struct cn_app *dst,
		      struct copy *c, struct cn_migrate_report *out,
		      struct cn_err *err)
{
	struct cn_store *dst_st = cn_app_store(dst);
	char *vkey = NULL;
	uint64_t n = 0;
	int rc;

	if ((rc = cn_store_tree_size(src, &n, err)))
		return rc;
	if (n == 0)
		return cn_err_set(err, CN_EINVAL, "the source holds no events");
	if ((rc = cn_store_get_meta(src, "log_vkey", &vkey, err)))
		return rc == CN_ENOTFOUND
			? cn_err_set(err, CN_ECORRUPT, "the source names no log "
				     "key (meta log_vkey)") : rc;
	c->total = (int64_t)n;
	if ((rc = cn_app_import_begin(dst, err))) {
		free(vkey);
		return rc;
	}
	rc = cn_store_scan(src, 1, copy_event, c, err);
	if (rc && rc != CN_ENOMEM)
		cn_err_prefix(err, c->dst_failed ? "the destination: "
			      : "the source: ");
	if (rc == 0 && c->done != c->total)
		rc = cn_err_set(err, CN_ECORRUPT, "the source gave %lld of its %lld "
				"events", (long long)c->done, (long long)c->total);
	if (rc == 0 && c->progress && c->done % CN_MIGRATE_STEP)
		c->progress(c->ctx, c->done, c->total);
	out->events = c->done;
	if (rc == 0) {
		c->done = 0;
		rc = cn_store_checkpoints(src, copy_checkpoint, c, err);
		out->checkpoints = c->done;
	}
	if (rc == 0) {
		c->done = 0;
		rc = cn_store_tokens(src, copy_token, c, err);
		out->tokens = c->done;
	}
	/* People, not their sessions: a session is one browser's, and
	 * signing in again on the new store costs nothing. */
	if (rc == 0) {
		c->done = 0;
		rc = cn_store_people_list(src, 0, INT64_MAX, copy_person, c,
					  err);
		out->people = c->done;
	}
	if (rc == 0)
		rc = copy_hooks(src, c, out, err);
	if (rc == 0)
		rc = cn_store_set_meta(dst_st, "log_vkey", vkey, err);
	free(vkey);
	if (rc == 0)
		rc = cn_app_import_flush(dst, err);
	if (rc == 0)
		rc = check_copy(src, dst_st, out, err);
	int rc2 = cn_app_import_end(dst, rc == 0, err);
	return rc ? rc : rc2;
}

int cn_migrate(struct cn_store *src, struct cn_app *dst,
	       cn_migrate_progress_fn progress, void *ctx,
	       struct cn_migrate_report *out, struct cn_err *err)
{
	struct copy c = {.dst = dst, .progress = progress, .ctx = ctx};
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cn_store_read_begin(src, err)))
		return rc;
	rc = migrate_in(src, dst, &c, out, err);
	cn_store_read_end(src);
	return rc;
}
