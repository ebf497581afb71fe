/*
 * sqlite_people.c - the SQLite backend's people and sessions
 * (store/people.h): tables people and sessions, made on the first
 * writable open of a store that has none (a store from before them gains
 * the tables, not a new schema version, as webhooks did).  A change that
 * readers cache moves "tokens_seq" in the same savepoint as the tokens'
 * changes do (sqlite_tokens.c).
 */
#include "sqlite.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

int cn_sq_create_people(struct cn_store_backend *b, struct cn_err *err)
{
	int rc = cn_sq_exec(b,
		"CREATE TABLE IF NOT EXISTS people("
		"  id INTEGER PRIMARY KEY,"
		"  name TEXT NOT NULL UNIQUE,"
		"  role TEXT NOT NULL CHECK(role IN ('secretariat', 'member',"
		"    'partner')),"
		"  principal TEXT,"
		"  pwhash TEXT NOT NULL,"
		"  created TEXT NOT NULL, disabled TEXT);"
		/* Only the SHA-256 of a session's cookie value is kept. */
		"CREATE TABLE IF NOT EXISTS sessions("
		"  id INTEGER PRIMARY KEY,"
		"  hash BLOB NOT NULL UNIQUE CHECK(length(hash) = 32),"
		"  person INTEGER NOT NULL REFERENCES people(id),"
		"  created INTEGER NOT NULL, seen INTEGER NOT NULL,"
		"  expires INTEGER NOT NULL, ended INTEGER);"
		"CREATE INDEX IF NOT EXISTS sessions_expires ON sessions(expires)",
		err);
	return rc ? rc : cn_sq_create_passkeys(b, err);
}

int cn_sq_person_add(struct cn_store_backend *b, const struct cn_person *p,
		     const char *created, int64_t *id, struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_change_begin(b, "INSERT INTO people(name, role,"
					     " principal, pwhash, created)"
					     " VALUES(?,?,nullif(?, ''),?,?)",
					     err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_text(s, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, p->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, p->principal, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, p->pwhash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, created, -1, SQLITE_STATIC);
	if ((rc = cn_sq_done(b, s, "storing a person", err)) == 0) {
		*id = sqlite3_last_insert_rowid(b->db);
		rc = cn_sq_bump_tokens(b, err);
	}
	return cn_sq_change_end(b, rc, err);
}

/* Columns 0..6 of PERSON_COLS into p. */
static int person_row(sqlite3_stmt *s, int at, struct cn_person *p,
		      struct cn_err *err)
{
	static const struct {
		size_t off, size;
		const char *col;
		enum cn_sq_null null;
	} texts[] = {
#define TEXT(f, null) {offsetof(struct cn_person, f),                    \
		       sizeof(((struct cn_person *)0)->f), "people." #f, null}
		TEXT(name, CN_SQ_NOT_NULL), TEXT(role, CN_SQ_NOT_NULL),
		TEXT(principal, CN_SQ_NULLABLE), TEXT(pwhash, CN_SQ_NOT_NULL),
		TEXT(created, CN_SQ_NOT_NULL), TEXT(disabled, CN_SQ_NULLABLE),
#undef TEXT
	};
	int rc;

	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(s, at);
	for (int i = 0; i < (int)(sizeof(texts) / sizeof(texts[0])); i++)
		if ((rc = cn_sq_col_copy(s, at + 1 + i, texts[i].col,
					 texts[i].null,
					 (char *)p + texts[i].off,
					 texts[i].size, err)))
			return rc;
	return 0;
}

#define PERSON_COLS "p.id, p.name, p.role, p.principal, p.pwhash, p.created," \
		    " p.disabled"

struct person_scan {
	cn_person_fn fn;
	void *ctx;
};

static int each_person(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct person_scan *ps = ctx;
	struct cn_person p;
	int rc = person_row(s, 0, &p, err);

	if (rc)
		return rc;
	return ps->fn ? ps->fn(ps->ctx, &p, err) : 0;
}

int cn_sq_person_put(struct cn_store_backend *b, const struct cn_person *p,
		     struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_change_begin(b, "INSERT INTO people(id, name, role,"
					     " principal, pwhash, created, disabled)"
					     " VALUES(?,?,?,nullif(?, ''),?,?,"
					     " nullif(?, ''))", err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, p->id);
	sqlite3_bind_text(s, 2, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, p->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, p->principal, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, p->pwhash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, p->created, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, p->disabled, -1, SQLITE_STATIC);
	if ((rc = cn_sq_done(b, s, "copying a person", err)) == 0)
		rc = cn_sq_bump_tokens(b, err);
	return cn_sq_change_end(b, rc, err);
}

int cn_sq_people(struct cn_store_backend *b, const char *name, int64_t id,
		 int64_t after, int64_t limit, cn_person_fn fn, void *ctx,
		 struct cn_err *err)
{
	struct person_scan ps = {fn, ctx};
	sqlite3_stmt *s;

	if (!name && !id) {
		/* A store from before people, opened read-only (council
		 * migrate's source), has no table for them: none. */
		int64_t n = 0;
		int rc;
		if (!(s = cn_sq_stmt(b, "SELECT count(*) FROM sqlite_master"
				     " WHERE type = 'table' AND name = 'people'",
				     err)))
			return CN_EIO;
		if ((rc = cn_sq_one(b, s, cn_sq_int64, &n, "reading the schema",
				    "no schema", err)))
			return rc;
		if (!n)
			return 0;
		if (!(s = cn_sq_stmt(b, "SELECT " PERSON_COLS " FROM people p"
				     " WHERE p.id > ? ORDER BY p.id LIMIT ?",
				     err)))
			return CN_EIO;
		sqlite3_bind_int64(s, 1, after);
		sqlite3_bind_int64(s, 2, limit);
		return cn_sq_each(b, s, each_person, &ps, "reading people",
				  err);
	}
	s = name ? cn_sq_stmt(b, "SELECT " PERSON_COLS " FROM people p"
			      " WHERE p.name = ?", err)
		 : cn_sq_stmt(b, "SELECT " PERSON_COLS " FROM people p"
			      " WHERE p.id = ?", err);
	if (!s)
		return CN_EIO;
	if (name)
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(s, 1, id);
	return cn_sq_one(b, s, each_person, &ps, "reading people",
			 "no such person", err);
}

int cn_sq_person_disable(struct cn_store_backend *b, int64_t id,
			 const char *disabled, int64_t now, struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_change_begin(b, "UPDATE people SET disabled = ?"
					     " WHERE id = ? AND disabled IS NULL",
					     err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_text(s, 1, disabled, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, id);
	rc = cn_sq_done(b, s, "disabling a person", err);
	if (rc == 0 && sqlite3_changes(b->db) == 0)
		rc = cn_err_set(err, CN_ENOTFOUND, "no enabled person with id %lld",
				(long long)id);
	/* Its sessions end with it: nothing it signed in to outlives it. */
	if (rc == 0 && !(s = cn_sq_stmt(b, "UPDATE sessions SET ended = ?"
					 " WHERE person = ? AND ended IS NULL",
					 err)))
		rc = CN_EIO;
	if (rc == 0) {
		sqlite3_bind_int64(s, 1, now);
		sqlite3_bind_int64(s, 2, id);
		rc = cn_sq_done(b, s, "ending sessions", err);
	}
	if (rc == 0)
		rc = cn_sq_bump_tokens(b, err);
	return cn_sq_change_end(b, rc, err);
}

int cn_sq_person_password(struct cn_store_backend *b, int64_t id,
			  const char *pwhash, struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "UPDATE people SET pwhash = ?"
				     " WHERE id = ?", err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_text(s, 1, pwhash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, id);
	rc = cn_sq_done(b, s, "storing a password", err);
	if (rc == 0 && sqlite3_changes(b->db) == 0)
		rc = cn_err_set(err, CN_ENOTFOUND, "no person with id %lld",
				(long long)id);
	return rc;
}

int cn_sq_session_add(struct cn_store_backend *b, const struct cn_session *se,
		      struct cn_err *err)
{
	/* Sessions past their absolute end are of no use to anyone: each
	 * new one sweeps them, so the table holds the living ones. */
	sqlite3_stmt *s = cn_sq_stmt(b, "DELETE FROM sessions WHERE expires < ?",
				     err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, se->created);
	if ((rc = cn_sq_done(b, s, "sweeping sessions", err)))
		return rc;
	if (!(s = cn_sq_stmt(b, "INSERT INTO sessions(hash, person, created,"
			     " seen, expires) VALUES(?,?,?,?,?)", err)))
		return CN_EIO;
	sqlite3_bind_blob(s, 1, se->hash, CN_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, se->person);
	sqlite3_bind_int64(s, 3, se->created);
	sqlite3_bind_int64(s, 4, se->seen);
	sqlite3_bind_int64(s, 5, se->expires);
	return cn_sq_done(b, s, "storing a session", err);
}

struct session_out {
	struct cn_session *s;
	struct cn_person *p;
};

static int one_session(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct session_out *o = ctx;
	const void *h;
	size_t n;
	int rc = cn_sq_col_blob(s, 1, "sessions.hash", CN_SQ_NOT_NULL, &h, &n,
				err);

	if (rc)
		return rc;
	o->s->id = sqlite3_column_int64(s, 0);
	if (n == CN_HASH_LEN)
		memcpy(o->s->hash, h, CN_HASH_LEN);
	o->s->person = sqlite3_column_int64(s, 2);
	o->s->created = sqlite3_column_int64(s, 3);
	o->s->seen = sqlite3_column_int64(s, 4);
	o->s->expires = sqlite3_column_int64(s, 5);
	return person_row(s, 6, o->p, err);
}

int cn_sq_session_find(struct cn_store_backend *b,
		       const uint8_t hash[CN_HASH_LEN], struct cn_session *se,
		       struct cn_person *p, struct cn_err *err)
{
	struct session_out o = {se, p};
	sqlite3_stmt *s = cn_sq_stmt(b, "SELECT s.id, s.hash, s.person,"
				     " s.created, s.seen, s.expires, "
				     PERSON_COLS " FROM sessions s JOIN people p"
				     " ON p.id = s.person WHERE s.hash = ?"
				     " AND s.ended IS NULL AND p.disabled IS NULL",
				     err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_blob(s, 1, hash, CN_HASH_LEN, SQLITE_STATIC);
	return cn_sq_one(b, s, one_session, &o, "reading sessions",
			 "no such session", err);
}

int cn_sq_session_seen(struct cn_store_backend *b, int64_t id, int64_t seen,
		       struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "UPDATE sessions SET seen = max(seen, ?)"
				     " WHERE id = ?", err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, seen);
	sqlite3_bind_int64(s, 2, id);
	return cn_sq_done(b, s, "marking a session seen", err);
}

int cn_sq_session_end(struct cn_store_backend *b,
		      const uint8_t hash[CN_HASH_LEN], int64_t now,
		      struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_change_begin(b, "UPDATE sessions SET ended = ?"
					     " WHERE hash = ? AND ended IS NULL",
					     err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_blob(s, 2, hash, CN_HASH_LEN, SQLITE_STATIC);
	rc = cn_sq_done(b, s, "ending a session", err);
	if (rc == 0 && sqlite3_changes(b->db) == 0)
		rc = cn_err_set(err, CN_ENOTFOUND, "no such session");
	if (rc == 0)
		rc = cn_sq_bump_tokens(b, err);
	return cn_sq_change_end(b, rc, err);
}
