/*
 * sqlite_meta.c - the SQLite backend's meta values: a key/value table for the
 * few facts kept beside the log (the log's public key, the change
 * counters "registry_seq" and "tokens_seq").
 */
#include "sqlite.h"

#include <stdio.h>

int cn_sq_meta_get(struct cn_store_backend *b, const char *key, char **value,
		   struct cn_err *err)
{
	char notfound[96];
	sqlite3_stmt *s = cn_sq_stmt(b, "SELECT value FROM meta WHERE key = ?",
				     err);
	if (!s)
		return CN_EIO;
	snprintf(notfound, sizeof(notfound), "no meta '%.80s'", key);
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	struct cn_sq_text out = {value, NULL};
	return cn_sq_one(b, s, cn_sq_dup_text, &out, "reading meta", notfound,
			 err);
}

int cn_sq_meta_set(struct cn_store_backend *b, const char *key,
		   const char *value, struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "INSERT INTO meta(key, value) VALUES(?,?)"
				     " ON CONFLICT(key) DO UPDATE"
				     " SET value = excluded.value", err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	return cn_sq_done(b, s, "writing meta", err);
}
