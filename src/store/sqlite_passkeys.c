/*
 * sqlite_passkeys.c - the SQLite backend's passkeys (store/passkeys.h):
 * table passkeys, made beside people (cn_sq_create_passkeys, called by
 * cn_sq_create_people).  Readers cache no passkey, so no change here
 * moves "tokens_seq".
 */
#include "sqlite.h"

#include <stdio.h>
#include <string.h>

int cn_sq_create_passkeys(struct cn_store_backend *b, struct cn_err *err)
{
	return cn_sq_exec(b,
		"CREATE TABLE IF NOT EXISTS passkeys("
		"  id INTEGER PRIMARY KEY,"
		"  person INTEGER NOT NULL REFERENCES people(id),"
		"  cred BLOB NOT NULL UNIQUE CHECK(length(cred) BETWEEN 1 AND 1023),"
		"  pub BLOB NOT NULL CHECK(length(pub) = 65),"
		"  handle BLOB NOT NULL CHECK(length(handle) = 32),"
		"  sign_count INTEGER NOT NULL,"
		"  label TEXT NOT NULL, created TEXT NOT NULL, used TEXT);"
		"CREATE INDEX IF NOT EXISTS passkeys_person ON passkeys(person)",
		err);
}

int cn_sq_passkey_add(struct cn_store_backend *b, const struct cn_passkey *k,
		      const char *created, int64_t *id, struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "INSERT INTO passkeys(person, cred, pub,"
				     " handle, sign_count, label, created)"
				     " VALUES(?,?,?,?,?,?,?)", err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, k->person);
	sqlite3_bind_blob(s, 2, k->cred, (int)k->cred_len, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, k->pub, CN_PASSKEY_PUB_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, k->handle, CN_PASSKEY_HANDLE_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, k->sign_count);
	sqlite3_bind_text(s, 6, k->label, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, created, -1, SQLITE_STATIC);
	if ((rc = cn_sq_done(b, s, "storing a passkey", err)) == 0)
		*id = sqlite3_last_insert_rowid(b->db);
	return rc;
}

#define PASSKEY_COLS "id, person, cred, pub, handle, sign_count, label," \
		     " created, used"

/* A blob column into buf: one longer than cap reads as empty (the
 * schema's checks keep them within). */
static int blob_col(sqlite3_stmt *s, int i, const char *col, uint8_t *buf,
		    size_t cap, size_t *len, struct cn_err *err)
{
	const void *v;
	size_t n;
	int rc = cn_sq_col_blob(s, i, col, CN_SQ_NOT_NULL, &v, &n, err);

	if (rc)
		return rc;
	if (n > cap)
		n = 0;
	if (n)
		memcpy(buf, v, n);
	if (len)
		*len = n;
	return 0;
}

struct passkey_scan {
	cn_passkey_fn fn;
	void *ctx;
	struct cn_passkey *out;
};

static int each_passkey(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct passkey_scan *ps = ctx;
	struct cn_passkey k, *p = ps->out ? ps->out : &k;
	int rc;

	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(s, 0);
	p->person = sqlite3_column_int64(s, 1);
	p->sign_count = sqlite3_column_int64(s, 5);
	if ((rc = blob_col(s, 2, "passkeys.cred", p->cred, sizeof(p->cred),
			   &p->cred_len, err)) ||
	    (rc = blob_col(s, 3, "passkeys.pub", p->pub, sizeof(p->pub), NULL,
			   err)) ||
	    (rc = blob_col(s, 4, "passkeys.handle", p->handle,
			   sizeof(p->handle), NULL, err)) ||
	    (rc = cn_sq_col_copy(s, 6, "passkeys.label", CN_SQ_NOT_NULL,
				 p->label, sizeof(p->label), err)) ||
	    (rc = cn_sq_col_copy(s, 7, "passkeys.created", CN_SQ_NOT_NULL,
				 p->created, sizeof(p->created), err)) ||
	    (rc = cn_sq_col_copy(s, 8, "passkeys.used", CN_SQ_NULLABLE, p->used,
				 sizeof(p->used), err)))
		return rc;
	return ps->fn ? ps->fn(ps->ctx, p, err) : 0;
}

int cn_sq_passkeys(struct cn_store_backend *b, int64_t person,
		   cn_passkey_fn fn, void *ctx, struct cn_err *err)
{
	struct passkey_scan ps = {fn, ctx, NULL};
	sqlite3_stmt *s = cn_sq_stmt(b, "SELECT " PASSKEY_COLS " FROM passkeys"
				     " WHERE person = ? ORDER BY id", err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, person);
	return cn_sq_each(b, s, each_passkey, &ps, "reading passkeys", err);
}

int cn_sq_passkey_find(struct cn_store_backend *b, const uint8_t *cred,
		       size_t len, struct cn_passkey *k, struct cn_err *err)
{
	struct passkey_scan ps = {NULL, NULL, k};
	sqlite3_stmt *s = cn_sq_stmt(b, "SELECT " PASSKEY_COLS " FROM passkeys"
				     " WHERE cred = ?", err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_blob(s, 1, cred, (int)len, SQLITE_STATIC);
	return cn_sq_one(b, s, each_passkey, &ps, "reading passkeys",
			 "no such passkey", err);
}

int cn_sq_passkey_used(struct cn_store_backend *b, int64_t id, int64_t count,
		       const char *used, struct cn_err *err)
{
	/* The counter must grow, unless the authenticator keeps none (0
	 * stored and 0 given): one that goes back is a copy's. */
	sqlite3_stmt *s = cn_sq_stmt(b, "UPDATE passkeys SET sign_count = ?,"
				     " used = ? WHERE id = ? AND (sign_count < ?"
				     " OR (sign_count = 0 AND ? = 0))", err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, count);
	sqlite3_bind_text(s, 2, used, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, id);
	sqlite3_bind_int64(s, 4, count);
	sqlite3_bind_int64(s, 5, count);
	rc = cn_sq_done(b, s, "marking a passkey used", err);
	if (rc == 0 && sqlite3_changes(b->db) == 0)
		rc = cn_err_set(err, CN_EREFUSED, "the passkey's signature"
				" counter did not grow: the authenticator may"
				" have been cloned; sign in otherwise and"
				" remove this passkey");
	return rc;
}

int cn_sq_passkey_remove(struct cn_store_backend *b, int64_t person,
			 int64_t id, struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "DELETE FROM passkeys WHERE id = ?"
				     " AND person = ?", err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, person);
	rc = cn_sq_done(b, s, "removing a passkey", err);
	if (rc == 0 && sqlite3_changes(b->db) == 0)
		rc = cn_err_set(err, CN_ENOTFOUND, "no passkey %lld of yours",
				(long long)id);
	return rc;
}
