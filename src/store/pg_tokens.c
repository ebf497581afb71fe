/*
 * pg_tokens.c - the PostgreSQL backend's bearer tokens: only a hash of
 * each is kept.  Issuing or revoking one moves the meta counter
 * "tokens_seq" in the same transaction (one of its own, which also moves
 * the change counter, or a savepoint of the caller's), so a reader that
 * sees the change sees the counter move (guarantee 6).
 */
#include "pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Readers cache resolved tokens until this counter moves. */
int cn_pg_bump_tokens(struct cn_store_backend *b, struct cn_err *err)
{
	return cn_pg_cmd(b, "INSERT INTO meta(key, value) VALUES('tokens_seq', '1')"
			 " ON CONFLICT(key) DO UPDATE"
			 " SET value = (meta.value::bigint + 1)::text", NULL, NULL,
			 "writing meta", err);
}

int cn_pg_token_add(struct cn_store_backend *b, const uint8_t hash[CN_HASH_LEN],
		    const char *role, const char *principal, const char *label,
		    const char *created, int64_t *id, struct cn_err *err)
{
	struct cn_pg_params p = {0};
	int own, rc;

	cn_pg_bytes(&p, hash, CN_HASH_LEN);
	cn_pg_str(&p, role);
	cn_pg_str(&p, principal);
	cn_pg_str(&p, label);
	cn_pg_str(&p, created);
	if ((rc = cn_pg_change_begin(b, &own, err)))
		return rc;
	rc = cn_pg_one(b, "INSERT INTO tokens(hash, role, principal, label,"
		       " created) VALUES($1, $2, $3, $4, $5) RETURNING id", &p,
		       cn_pg_get_int64, id, "storing a token", "no token id", err);
	if (rc == 0)
		rc = cn_pg_bump_tokens(b, err);
	return cn_pg_change_end(b, own, rc, err);
}

#define TOKEN_COLS "SELECT id, role, principal, label, created, revoked," \
		   " feed_of FROM tokens"

static void token_row(const struct cn_pg_row *r, struct cn_token_info *t)
{
	memset(t, 0, sizeof(*t));
	t->id = cn_pg_int64(r, 0);
	cn_pg_copy(r, 1, t->role, sizeof(t->role));
	cn_pg_copy(r, 2, t->principal, sizeof(t->principal));
	cn_pg_copy(r, 3, t->label, sizeof(t->label));
	cn_pg_copy(r, 4, t->created, sizeof(t->created));
	cn_pg_copy(r, 5, t->revoked, sizeof(t->revoked));
	t->feed_of = cn_pg_int64(r, 6);
}

static int one_token(void *ctx, const struct cn_pg_row *r, struct cn_err *err)
{
	(void)err;
	token_row(r, ctx);
	return 0;
}

int cn_pg_token_find(struct cn_store_backend *b,
		     const uint8_t hash[CN_HASH_LEN], struct cn_token_info *info,
		     struct cn_err *err)
{
	struct cn_pg_params p = {0};

	cn_pg_bytes(&p, hash, CN_HASH_LEN);
	/* A feed key is no bearer token, nor a person's holder. */
	return cn_pg_one(b, TOKEN_COLS " WHERE hash = $1 AND revoked IS NULL"
			 " AND feed_of IS NULL AND person IS NULL",
			 &p, one_token, info, "reading tokens",
			 "unknown or revoked token", err);
}

int cn_pg_feed_add(struct cn_store_backend *b, const uint8_t hash[CN_HASH_LEN],
		   int64_t owner, const char *label, const char *created,
		   int64_t *id, struct cn_err *err)
{
	struct cn_pg_params p = {0};
	int own, rc;

	cn_pg_bytes(&p, hash, CN_HASH_LEN);
	cn_pg_str(&p, label);
	cn_pg_str(&p, created);
	cn_pg_int(&p, owner);
	if ((rc = cn_pg_change_begin(b, &own, err)))
		return rc;
	/* The owner's role and code, copied: a feed reads as its owner. */
	rc = cn_pg_one(b, "INSERT INTO tokens(hash, role, principal, label,"
		       " created, feed_of) SELECT $1, role, principal, $2, $3, id"
		       " FROM tokens t WHERE id = $4 AND revoked IS NULL"
		       " AND feed_of IS NULL AND" CN_SQL_HOLDER_LIVE("t")
		       " RETURNING id", &p, cn_pg_get_int64,
		       id, "storing a feed key", "no valid token", err);
	if (rc == CN_ENOTFOUND)
		rc = cn_err_set(err, CN_ENOTFOUND, "no valid token with id %lld",
				(long long)owner);
	if (rc == 0)
		rc = cn_pg_bump_tokens(b, err);
	return cn_pg_change_end(b, own, rc, err);
}

int cn_pg_feed_find(struct cn_store_backend *b,
		    const uint8_t hash[CN_HASH_LEN], struct cn_token_info *info,
		    struct cn_err *err)
{
	struct cn_pg_params p = {0};

	cn_pg_bytes(&p, hash, CN_HASH_LEN);
	return cn_pg_one(b, "SELECT f.id, f.role, f.principal, f.label,"
			 " f.created, f.revoked, f.feed_of FROM tokens f"
			 " JOIN tokens o ON o.id = f.feed_of WHERE f.hash = $1"
			 " AND f.revoked IS NULL AND o.revoked IS NULL AND"
			 CN_SQL_HOLDER_LIVE("o"), &p,
			 one_token, info, "reading tokens",
			 "unknown or revoked feed key", err);
}

int cn_pg_holder_find(struct cn_store_backend *b, int64_t person, int64_t *id,
		      struct cn_err *err)
{
	struct cn_pg_params p = {0};

	cn_pg_int(&p, person);
	return cn_pg_one(b, "SELECT id FROM tokens WHERE person = $1 AND"
			 " revoked IS NULL ORDER BY id LIMIT 1", &p,
			 cn_pg_get_int64, id, "reading tokens",
			 "no holder for that person", err);
}

int cn_pg_holder_add(struct cn_store_backend *b,
		     const uint8_t hash[CN_HASH_LEN], int64_t person,
		     const char *created, int64_t *id, struct cn_err *err)
{
	struct cn_pg_params p = {0};
	int own, rc;

	cn_pg_bytes(&p, hash, CN_HASH_LEN);
	cn_pg_str(&p, created);
	cn_pg_int(&p, person);
	if ((rc = cn_pg_change_begin(b, &own, err)))
		return rc;
	/* The person's role and code, copied: its subscriptions read as
	 * the person does. */
	rc = cn_pg_one(b, "INSERT INTO tokens(hash, role, principal, label,"
		       " created, person) SELECT $1, role, NULLIF(principal, ''),"
		       " 'subscriptions of person ' || id, $2, id FROM people"
		       " WHERE id = $3 AND disabled IS NULL RETURNING id", &p,
		       cn_pg_get_int64, id, "storing a person's holder",
		       "no enabled person", err);
	if (rc == CN_ENOTFOUND)
		rc = cn_err_set(err, CN_ENOTFOUND, "no enabled person with id %lld",
				(long long)person);
	if (rc == 0)
		rc = cn_pg_bump_tokens(b, err);
	return cn_pg_change_end(b, own, rc, err);
}

struct token_vec {
	struct cn_token_info *v;
	size_t n;
};

static int add_token(void *ctx, const struct cn_pg_row *r, struct cn_err *err)
{
	struct token_vec *tv = ctx;
	struct cn_token_info *nv = realloc(tv->v, (tv->n + 1) * sizeof(*nv));
	if (!nv)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	tv->v = nv;
	token_row(r, &tv->v[tv->n++]);
	return 0;
}

int cn_pg_token_list(struct cn_store_backend *b, int64_t feeds_of,
		     int64_t after, int64_t limit, struct cn_token_info **out,
		     size_t *n, struct cn_err *err)
{
	struct token_vec tv = {NULL, 0};
	struct cn_pg_params p = {0};
	int rc;

	cn_pg_int(&p, after);
	cn_pg_int(&p, limit);
	if (feeds_of)
		cn_pg_int(&p, feeds_of);
	rc = cn_pg_each(b, feeds_of ? TOKEN_COLS " WHERE feed_of = $3 AND"
			" revoked IS NULL AND id > $1 ORDER BY id LIMIT $2"
			: TOKEN_COLS " WHERE id > $1 ORDER BY id LIMIT $2", &p,
			add_token, &tv, "reading tokens", err);
	if (rc) {
		free(tv.v);
		return rc;
	}
	*out = tv.v;
	*n = tv.n;
	return 0;
}

int cn_pg_token_revoke(struct cn_store_backend *b, int64_t id,
		       const char *revoked, struct cn_err *err)
{
	struct cn_pg_params p = {0};
	int64_t changed = 0;
	int own, rc;

	cn_pg_str(&p, revoked);
	cn_pg_int(&p, id);
	if ((rc = cn_pg_change_begin(b, &own, err)))
		return rc;
	rc = cn_pg_cmd(b, "UPDATE tokens SET revoked = $1 WHERE id = $2"
		       " AND revoked IS NULL", &p, &changed, "revoking a token",
		       err);
	if (rc == 0 && changed == 0)
		rc = cn_err_set(err, CN_ENOTFOUND, "no valid token with id %lld",
				(long long)id);
	if (rc == 0)
		rc = cn_pg_bump_tokens(b, err);
	return cn_pg_change_end(b, own, rc, err);
}

/* ---- copying a store (council migrate) -------------------------------------- */

struct token_scan {
	cn_token_fn fn;
	void *ctx;
};

/* A text column, NULL for SQL NULL (libpq ends every value with a NUL). */
static const char *col_text(const struct cn_pg_row *r, int col)
{
	size_t len;
	return cn_pg_isnull(r, col) ? NULL : cn_pg_value(r, col, &len);
}

static int whole_token(void *ctx, const struct cn_pg_row *r,
		       struct cn_err *err)
{
	struct token_scan *ts = ctx;
	struct cn_token_row t = {
		.id = cn_pg_int64(r, 0),
		.role = col_text(r, 2), .principal = col_text(r, 3),
		.label = col_text(r, 4), .created = col_text(r, 5),
		.revoked = col_text(r, 6),
		.feed_of = cn_pg_int64(r, 7), /* NULL reads 0 */
		.person = cn_pg_int64(r, 8),
	};
	t.hash = (const uint8_t *)cn_pg_value(r, 1, &t.hashlen);
	return ts->fn(ts->ctx, &t, err);
}

int cn_pg_tokens(struct cn_store_backend *b, cn_token_fn fn, void *ctx,
		 struct cn_err *err)
{
	struct token_scan ts = {fn, ctx};
	return cn_pg_each(b, "SELECT id, hash, role, principal, label, created,"
			  " revoked, feed_of, person FROM tokens ORDER BY id", NULL,
			  whole_token,
			  &ts, "reading tokens", err);
}

int cn_pg_token_put(struct cn_store_backend *b, const struct cn_token_row *t,
		    struct cn_err *err)
{
	struct cn_pg_params p = {0};
	int own, rc;

	cn_pg_int(&p, t->id);
	cn_pg_bytes(&p, t->hash, t->hashlen);
	cn_pg_str(&p, t->role);
	cn_pg_str(&p, t->principal);
	cn_pg_str(&p, t->label);
	cn_pg_str(&p, t->created);
	cn_pg_str(&p, t->revoked);
	cn_pg_int(&p, t->feed_of);
	cn_pg_int(&p, t->person);
	if ((rc = cn_pg_change_begin(b, &own, err)))
		return rc;
	rc = cn_pg_cmd(b, "INSERT INTO tokens(id, hash, role, principal, label,"
		       " created, revoked, feed_of, person) VALUES($1, $2, $3, $4,"
		       " $5, $6, $7, NULLIF($8::bigint, 0), NULLIF($9::bigint, 0))",
		       &p, NULL, "copying a token", err);
	/* An id given is not drawn from the identity's sequence: move it
	 * past every stored id, or the next token issued would take one. */
	if (rc == 0)
		rc = cn_pg_one(b, "SELECT setval(pg_get_serial_sequence("
			       "'tokens', 'id'), (SELECT max(id) FROM tokens))",
			       NULL, NULL, NULL, "moving the token id sequence",
			       "no token id", err);
	if (rc == 0)
		rc = cn_pg_bump_tokens(b, err);
	return cn_pg_change_end(b, own, rc, err);
}
