/*
 * sqlite_col.c - the SQLite backend: a row's text and blob columns read
 * so that SQLite's out of memory is told from SQL NULL.
 *
 * sqlite3_column_text and sqlite3_column_blob return NULL for SQL NULL,
 * and also when the value had to be converted (an integer made into
 * text, a blob given a terminating NUL) and the allocation failed.  The
 * column's type, taken before the conversion (it is only meaningful
 * then: sqlite3_column_type's documentation), tells them apart.  SQLite
 * then fails the statement's next step too (SQLITE_NOMEM), but a row's
 * reader has by then handed its caller the NULL as if it were the value:
 * these helpers make it CN_ENOMEM at once.
 */
#include "sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Column i's text, NULL for SQL NULL and for out of memory (*nomem). */
static const char *col_text(sqlite3_stmt *s, int i, size_t *len, int *nomem)
{
	int type = sqlite3_column_type(s, i);
	const char *t = (const char *)sqlite3_column_text(s, i);

	*nomem = !t && type != SQLITE_NULL;
	*len = t ? (size_t)sqlite3_column_bytes(s, i) : 0;
	return t;
}

char *cn_sq_text(sqlite3_stmt *s, int i, size_t *len)
{
	int nomem;
	size_t n;
	const char *t = col_text(s, i, &n, &nomem);
	char *out;

	if (nomem || !(out = malloc(n + 1)))
		return NULL;
	if (n)
		memcpy(out, t, n);
	out[n] = '\0';
	if (len)
		*len = n;
	return out;
}

/* A NULL value: allowed, or a row the schema says cannot be. */
static int null_value(const char *col, enum cn_sq_null null,
		      struct cn_err *err)
{
	return null == CN_SQ_NULLABLE
		       ? 0
		       : cn_err_set(err, CN_ECORRUPT,
				    "%s is NULL, which its schema forbids", col);
}

int cn_sq_col_text(sqlite3_stmt *s, int i, const char *col,
		   enum cn_sq_null null, const char **out, size_t *len,
		   struct cn_err *err)
{
	int nomem;
	size_t n;

	*out = col_text(s, i, &n, &nomem);
	if (len)
		*len = n;
	if (nomem)
		return cn_err_set(err, CN_ENOMEM, "out of memory reading %s", col);
	return *out ? 0 : null_value(col, null, err);
}

int cn_sq_col_blob(sqlite3_stmt *s, int i, const char *col,
		   enum cn_sq_null null, const void **out, size_t *len,
		   struct cn_err *err)
{
	/* Not NULL for an empty value: NULL means only what it does for
	 * text, and a caller may pass it on as bytes. */
	static const unsigned char empty[1];
	int type = sqlite3_column_type(s, i);
	const void *p = sqlite3_column_blob(s, i);

	*out = p;
	*len = p ? (size_t)sqlite3_column_bytes(s, i) : 0;
	if (p)
		return 0;
	if (type == SQLITE_NULL)
		return null_value(col, null, err);
	/* An empty blob or text is NULL too; a blob or text is not
	 * converted (in a UTF-8 database), so its length is there to ask
	 * without an allocation; any other value was made into text */
	if ((type == SQLITE_BLOB || type == SQLITE_TEXT) &&
	    sqlite3_column_bytes(s, i) == 0) {
		*out = empty;
		return 0;
	}
	return cn_err_set(err, CN_ENOMEM, "out of memory reading %s", col);
}

int cn_sq_col_copy(sqlite3_stmt *s, int i, const char *col,
		   enum cn_sq_null null, char *buf, size_t n,
		   struct cn_err *err)
{
	const char *t;
	int rc = cn_sq_col_text(s, i, col, null, &t, NULL, err);

	if (rc == 0)
		snprintf(buf, n, "%s", t ? t : "");
	return rc;
}
