/*
 * sqlite_tokens.c - the SQLite backend's bearer tokens: only a hash of each is
 * kept.  Issuing or revoking one moves the meta counter "tokens_seq" in
 * the same savepoint, so a reader that sees the change sees the counter
 * move (guarantee 6).
 */
#include "sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Readers cache resolved tokens until this counter moves. */
int cn_sq_bump_tokens(struct cn_store_backend *b, struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "INSERT INTO meta(key, value)"
				     " VALUES('tokens_seq', 1) ON CONFLICT(key)"
				     " DO UPDATE SET value = value + 1", err);
	return s ? cn_sq_done(b, s, "writing meta", err) : CN_EIO;
}

/* A change and the counter's move are one unit, inside a transaction or
 * outside one: cn_sq_change_begin() ... cn_sq_change_end(). */
int cn_sq_change_end(struct cn_store_backend *b, int rc,
			 struct cn_err *err)
{
	if (rc == 0 && (rc = cn_sq_exec(b, "RELEASE tokens", err)) == 0)
		return 0;
	sqlite3_exec(b->db, "ROLLBACK TO tokens; RELEASE tokens", NULL, NULL,
		     NULL);
	return rc;
}

/* Open the savepoint and prepare the change's statement (NULL, with the
 * savepoint closed, on failure). */
sqlite3_stmt *cn_sq_change_begin(struct cn_store_backend *b, const char *sql,
				  struct cn_err *err)
{
	sqlite3_stmt *s;

	if (cn_sq_exec(b, "SAVEPOINT tokens", err))
		return NULL;
	if (!(s = cn_sq_stmt(b, sql, err)))
		cn_sq_change_end(b, CN_EIO, err);
	return s;
}

int cn_sq_token_add(struct cn_store_backend *b, const uint8_t hash[CN_HASH_LEN],
		    const char *role, const char *principal, const char *label,
		    const char *created, int64_t *id, struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_change_begin(b, "INSERT INTO tokens(hash, role,"
				       " principal, label, created)"
				       " VALUES(?,?,?,?,?)", err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_blob(s, 1, hash, CN_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, role, -1, SQLITE_STATIC);
	if (principal)
		sqlite3_bind_text(s, 3, principal, -1, SQLITE_STATIC);
	if (label)
		sqlite3_bind_text(s, 4, label, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, created, -1, SQLITE_STATIC);
	if ((rc = cn_sq_done(b, s, "storing a token", err)) == 0) {
		*id = sqlite3_last_insert_rowid(b->db);
		rc = cn_sq_bump_tokens(b, err);
	}
	return cn_sq_change_end(b, rc, err);
}

static int token_row(sqlite3_stmt *s, struct cn_token_info *t,
		     struct cn_err *err)
{
	int rc;

	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(s, 0);
	t->feed_of = sqlite3_column_int64(s, 6); /* NULL reads 0 */
	if ((rc = cn_sq_col_copy(s, 1, "tokens.role", CN_SQ_NOT_NULL, t->role,
				 sizeof(t->role), err)) ||
	    (rc = cn_sq_col_copy(s, 2, "tokens.principal", CN_SQ_NULLABLE,
				 t->principal, sizeof(t->principal), err)) ||
	    (rc = cn_sq_col_copy(s, 3, "tokens.label", CN_SQ_NULLABLE, t->label,
				 sizeof(t->label), err)) ||
	    (rc = cn_sq_col_copy(s, 4, "tokens.created", CN_SQ_NOT_NULL,
				 t->created, sizeof(t->created), err)) ||
	    (rc = cn_sq_col_copy(s, 5, "tokens.revoked", CN_SQ_NULLABLE,
				 t->revoked, sizeof(t->revoked), err)))
		return rc;
	return 0;
}

static int one_token(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	return token_row(s, ctx, err);
}

int cn_sq_token_find(struct cn_store_backend *b,
		     const uint8_t hash[CN_HASH_LEN], struct cn_token_info *info,
		     struct cn_err *err)
{
	/* A feed key is no bearer token, nor a person's holder. */
	sqlite3_stmt *s = cn_sq_stmt(b, "SELECT id, role, principal, label,"
				     " created, revoked, feed_of FROM tokens"
				     " WHERE hash = ? AND revoked IS NULL"
				     " AND feed_of IS NULL AND person IS NULL",
				     err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_blob(s, 1, hash, CN_HASH_LEN, SQLITE_STATIC);
	return cn_sq_one(b, s, one_token, info, "reading tokens",
			 "unknown or revoked token", err);
}

int cn_sq_feed_add(struct cn_store_backend *b, const uint8_t hash[CN_HASH_LEN],
		   int64_t owner, const char *label, const char *created,
		   int64_t *id, struct cn_err *err)
{
	/* The owner's role and code, copied: a feed reads as its owner. */
	sqlite3_stmt *s = cn_sq_change_begin(b, "INSERT INTO tokens(hash, role,"
				       " principal, label, created, feed_of)"
				       " SELECT ?, role, principal, ?, ?, id"
				       " FROM tokens t WHERE id = ? AND revoked"
				       " IS NULL AND feed_of IS NULL AND"
				       CN_SQL_HOLDER_LIVE("t"), err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_blob(s, 1, hash, CN_HASH_LEN, SQLITE_STATIC);
	if (label)
		sqlite3_bind_text(s, 2, label, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, created, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, owner);
	rc = cn_sq_done(b, s, "storing a feed key", err);
	if (rc == 0 && sqlite3_changes(b->db) == 0)
		rc = cn_err_set(err, CN_ENOTFOUND, "no valid token with id %lld",
				(long long)owner);
	if (rc == 0) {
		*id = sqlite3_last_insert_rowid(b->db);
		rc = cn_sq_bump_tokens(b, err);
	}
	return cn_sq_change_end(b, rc, err);
}

int cn_sq_feed_find(struct cn_store_backend *b,
		    const uint8_t hash[CN_HASH_LEN], struct cn_token_info *info,
		    struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "SELECT f.id, f.role, f.principal,"
				     " f.label, f.created, f.revoked, f.feed_of"
				     " FROM tokens f JOIN tokens o"
				     " ON o.id = f.feed_of WHERE f.hash = ?"
				     " AND f.revoked IS NULL"
				     " AND o.revoked IS NULL AND"
				     CN_SQL_HOLDER_LIVE("o"), err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_blob(s, 1, hash, CN_HASH_LEN, SQLITE_STATIC);
	return cn_sq_one(b, s, one_token, info, "reading tokens",
			 "unknown or revoked feed key", err);
}

int cn_sq_holder_find(struct cn_store_backend *b, int64_t person, int64_t *id,
		      struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "SELECT id FROM tokens WHERE person = ?"
				     " AND revoked IS NULL ORDER BY id LIMIT 1",
				     err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, person);
	return cn_sq_one(b, s, cn_sq_int64, id, "reading tokens",
			 "no holder for that person", err);
}

int cn_sq_holder_add(struct cn_store_backend *b,
		     const uint8_t hash[CN_HASH_LEN], int64_t person,
		     const char *created, int64_t *id, struct cn_err *err)
{
	/* The person's role and code, copied: its subscriptions read as
	 * the person does. */
	sqlite3_stmt *s = cn_sq_change_begin(b, "INSERT INTO tokens(hash, role,"
				       " principal, label, created, person)"
				       " SELECT ?1, role, nullif(principal, ''),"
				       " 'subscriptions of person ' || id, ?2, id"
				       " FROM people WHERE id = ?3"
				       " AND disabled IS NULL", err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_blob(s, 1, hash, CN_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, created, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, person);
	rc = cn_sq_done(b, s, "storing a person's holder", err);
	if (rc == 0 && sqlite3_changes(b->db) == 0)
		rc = cn_err_set(err, CN_ENOTFOUND, "no enabled person with id %lld",
				(long long)person);
	if (rc == 0) {
		*id = sqlite3_last_insert_rowid(b->db);
		rc = cn_sq_bump_tokens(b, err);
	}
	return cn_sq_change_end(b, rc, err);
}

struct token_vec {
	struct cn_token_info *v;
	size_t n;
};

static int add_token(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct token_vec *tv = ctx;
	struct cn_token_info *nv = realloc(tv->v, (tv->n + 1) * sizeof(*nv));
	if (!nv)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	tv->v = nv;
	return token_row(s, &tv->v[tv->n++], err);
}

int cn_sq_token_list(struct cn_store_backend *b, int64_t feeds_of,
		     int64_t after, int64_t limit, struct cn_token_info **out,
		     size_t *n, struct cn_err *err)
{
	struct token_vec tv = {NULL, 0};
	/* Two statements, not one with "?3 = 0 OR": SQLite plans before
	 * it binds, and would not walk the feeds' index for the second. */
	sqlite3_stmt *s = cn_sq_fresh(b, feeds_of ?
		"SELECT id, role, principal, label, created, revoked, feed_of"
		" FROM tokens WHERE feed_of = ?3 AND revoked IS NULL AND id > ?1"
		" ORDER BY id LIMIT ?2" :
		"SELECT id, role, principal, label, created, revoked, feed_of"
		" FROM tokens WHERE id > ?1 ORDER BY id LIMIT ?2", err);
	int rc;

	if (s) {
		sqlite3_bind_int64(s, 1, after);
		sqlite3_bind_int64(s, 2, limit);
		if (feeds_of)
			sqlite3_bind_int64(s, 3, feeds_of);
	}
	rc = s ? cn_sq_each(b, s, add_token, &tv, "reading tokens", err) : CN_EIO;
	if (rc) {
		free(tv.v);
		return rc;
	}
	*out = tv.v;
	*n = tv.n;
	return 0;
}

int cn_sq_token_revoke(struct cn_store_backend *b, int64_t id,
		       const char *revoked, struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_change_begin(b, "UPDATE tokens SET revoked = ?"
				       " WHERE id = ? AND revoked IS NULL", err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_text(s, 1, revoked, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, id);
	rc = cn_sq_done(b, s, "revoking a token", err);
	if (rc == 0 && sqlite3_changes(b->db) == 0)
		rc = cn_err_set(err, CN_ENOTFOUND, "no valid token with id %lld",
				(long long)id);
	if (rc == 0)
		rc = cn_sq_bump_tokens(b, err);
	return cn_sq_change_end(b, rc, err);
}

/* ---- copying a store (council migrate) -------------------------------------- */

struct token_scan {
	cn_token_fn fn;
	void *ctx;
};

static int whole_token(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct token_scan *ts = ctx;
	struct cn_token_row t = {
		.id = sqlite3_column_int64(s, 0),
		.feed_of = sqlite3_column_int64(s, 7), /* NULL reads 0 */
		.person = sqlite3_column_int64(s, 8),
	};
	const void *hash;
	int rc;

	if ((rc = cn_sq_col_blob(s, 1, "tokens.hash", CN_SQ_NOT_NULL, &hash,
				 &t.hashlen, err)) ||
	    (rc = cn_sq_col_text(s, 2, "tokens.role", CN_SQ_NOT_NULL, &t.role,
				 NULL, err)) ||
	    (rc = cn_sq_col_text(s, 3, "tokens.principal", CN_SQ_NULLABLE,
				 &t.principal, NULL, err)) ||
	    (rc = cn_sq_col_text(s, 4, "tokens.label", CN_SQ_NULLABLE, &t.label,
				 NULL, err)) ||
	    (rc = cn_sq_col_text(s, 5, "tokens.created", CN_SQ_NOT_NULL,
				 &t.created, NULL, err)) ||
	    (rc = cn_sq_col_text(s, 6, "tokens.revoked", CN_SQ_NULLABLE,
				 &t.revoked, NULL, err)))
		return rc;
	t.hash = hash;
	return ts->fn(ts->ctx, &t, err);
}

int cn_sq_tokens(struct cn_store_backend *b, cn_token_fn fn, void *ctx,
		 struct cn_err *err)
{
	struct token_scan ts = {fn, ctx};
	sqlite3_stmt *s = cn_sq_fresh(b, "SELECT id, hash, role, principal,"
				      " label, created, revoked, feed_of,"
				      " person FROM tokens ORDER BY id", err);
	return s ? cn_sq_each(b, s, whole_token, &ts, "reading tokens", err)
		 : CN_EIO;
}

int cn_sq_token_put(struct cn_store_backend *b, const struct cn_token_row *t,
		    struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_change_begin(b, "INSERT INTO tokens(id, hash, role,"
				       " principal, label, created, revoked,"
				       " feed_of, person) VALUES(?,?,?,?,?,?,?,"
				       " nullif(?8, 0), nullif(?9, 0))", err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_blob(s, 2, t->hash, (int)t->hashlen, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, t->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, t->principal, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, t->label, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, t->created, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, t->revoked, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, t->feed_of);
	sqlite3_bind_int64(s, 9, t->person);
	if ((rc = cn_sq_done(b, s, "copying a token", err)) == 0)
		rc = cn_sq_bump_tokens(b, err);
	return cn_sq_change_end(b, rc, err);
}
