/*
 * sqlite_rows.c - the SQLite backend's projection tables: created from cn_tables
 * (store/tables.c), written by upsert (so a row keeps its rowid, which is
 * the order its key was first written), scanned in key or rowid order;
 * and the readers' queries on the proposals table.
 */
#include "sqlite.h"
#include "rowsql.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A row keeps its rowid through an upsert: the order its key was first
 * written. */
static const struct cn_sql_dialect sqlite_sql = {
	.numbered = 0,
	.int_type = "INTEGER",
	.text_type = "TEXT",
	.order_col = "rowid",
	.order_def = "",
};

static const char *row_sql(struct cn_store_backend *b, enum cn_table t,
			   enum cn_rowsql_stmt which, struct cn_err *err)
{
	return cn_rowsql(&b->row_sql[t][which], &sqlite_sql, t, which, err);
}

void cn_sq_rows_release(struct cn_store_backend *b)
{
	cn_rowsql_release(b->row_sql);
}

int cn_sq_create_rows(struct cn_store_backend *b, struct cn_err *err)
{
	for (unsigned t = 0; t < CN_TAB_COUNT; t++) {
		const char *sql = row_sql(b, t, CN_ROWSQL_CREATE, err);
		if (!sql)
			return CN_ENOMEM;
		if (cn_sq_exec(b, sql, err))
			return CN_EIO;
	}
	return 0;
}

static void bind_values(sqlite3_stmt *s, const struct cn_value *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (v[i].type == CN_VAL_INT)
			sqlite3_bind_int64(s, (int)i + 1, v[i].i);
		else if (v[i].type != CN_VAL_NULL)
			sqlite3_bind_text(s, (int)i + 1, v[i].s, (int)v[i].len,
					  SQLITE_STATIC);
	}
}

/* Statement `which` on row's table, with the row's values bound. */
static sqlite3_stmt *row_stmt(struct cn_store_backend *b,
			      const struct cn_row *row,
			      enum cn_rowsql_stmt which, int *rc,
			      struct cn_err *err)
{
	const char *sql = row_sql(b, row->table, which, err);
	sqlite3_stmt *s = sql ? cn_sq_stmt(b, sql, err) : NULL;

	if (!s)
		*rc = sql ? CN_EIO : CN_ENOMEM;
	else
		bind_values(s, row->v, cn_tables[row->table].ncols);
	return s;
}

/* SQLite rewrites a row's entry in every index on a column an UPDATE
 * sets, changed or not: the upsert, which sets them all, rewrote a
 * proposal's seven index entries at each position stated, when only its
 * doc had changed.  A table whose last column most often changes alone
 * tries that first (CN_ROWSQL_PUT_LAST, which changes no row unless
 * every other column is the same), and upserts only when it changed
 * nothing. */
int cn_sq_row_put(struct cn_store_backend *b, const struct cn_row *row,
		  struct cn_err *err)
{
	sqlite3_stmt *s;
	int rc = 0;

	if (cn_tables[row->table].last_alone) {
		if (!(s = row_stmt(b, row, CN_ROWSQL_PUT_LAST, &rc, err)))
			return rc;
		if ((rc = cn_sq_done(b, s, "writing projection", err)))
			return rc;
		if (sqlite3_changes(b->db) == 1)
			return 0;
	}
	if (!(s = row_stmt(b, row, CN_ROWSQL_PUT, &rc, err)))
		return rc;
	return cn_sq_done(b, s, "writing projection", err);
}

int cn_sq_row_delete(struct cn_store_backend *b, enum cn_table t,
		     const struct cn_value *key, struct cn_err *err)
{
	const char *sql = row_sql(b, t, CN_ROWSQL_DELETE, err);
	sqlite3_stmt *s = sql ? cn_sq_stmt(b, sql, err) : NULL;

	if (!s)
		return sql ? CN_EIO : CN_ENOMEM;
	bind_values(s, key, cn_tables[t].nkey);
	return cn_sq_done(b, s, "writing projection", err);
}

struct row_scan {
	enum cn_table t;
	cn_row_fn fn;
	void *ctx;
};

static int row_of(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct row_scan *rs = ctx;
	struct cn_row row = {.table = rs->t};

	for (unsigned i = 0; i < cn_tables[rs->t].ncols; i++) {
		struct cn_value *v = &row.v[i];
		switch (sqlite3_column_type(s, (int)i)) {
		case SQLITE_NULL:
			v->type = CN_VAL_NULL;
			break;
		case SQLITE_INTEGER:
			v->type = CN_VAL_INT;
			v->i = sqlite3_column_int64(s, (int)i);
			break;
		default:
			v->type = sqlite3_column_type(s, (int)i) == SQLITE_TEXT
					  ? CN_VAL_TEXT : CN_VAL_OTHER;
			/* Not NULL (the case above): a failure is out of
			 * memory, named here rather than for every column. */
			if (cn_sq_col_text(s, (int)i, "", CN_SQ_NOT_NULL, &v->s,
					   &v->len, NULL))
				return cn_err_set(err, CN_ENOMEM, "out of memory "
						  "reading %s.%s",
						  cn_tables[rs->t].name,
						  cn_tables[rs->t].cols[i].name);
		}
	}
	return rs->fn(rs->ctx, &row, err);
}

int cn_sq_rows(struct cn_store_backend *b, enum cn_table t,
	       enum cn_row_order order, cn_row_fn fn, void *ctx,
	       struct cn_err *err)
{
	struct row_scan rs = {t, fn, ctx};
	const char *sql = row_sql(b, t, order == CN_ORDER_KEY ? CN_ROWSQL_BY_KEY
							      : CN_ROWSQL_WRITTEN, err);
	sqlite3_stmt *s = sql ? cn_sq_fresh(b, sql, err) : NULL;

	if (!s)
		return sql ? CN_EIO : CN_ENOMEM;
	return cn_sq_each(b, s, row_of, &rs, "reading projection", err);
}

/* ---- the readers' queries ------------------------------------------------ */

int cn_sq_proposal_doc(struct cn_store_backend *b, int64_t id, char **text,
		       size_t *len, struct cn_err *err)
{
	struct cn_sq_text out = {text, len};
	return cn_sq_by_id(b, "SELECT doc FROM proposals WHERE id = ?", id,
			   "proposal", cn_sq_dup_text, &out, err);
}

struct docs_scan {
	int (*fn)(void *ctx, const char *text, size_t len, struct cn_err *err);
	void *ctx;
};

static int doc_row(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct docs_scan *ds = ctx;
	const char *t;
	size_t n;
	int rc = cn_sq_col_text(s, 0, "proposals.doc", CN_SQ_NOT_NULL, &t, &n,
				err);

	return rc ? rc : ds->fn(ds->ctx, t, n, err);
}

int cn_sq_proposal_docs(struct cn_store_backend *b,
			int (*fn)(void *ctx, const char *text, size_t len,
				  struct cn_err *err),
			void *ctx, struct cn_err *err)
{
	struct docs_scan ds = {fn, ctx};
	sqlite3_stmt *s = cn_sq_fresh(b, "SELECT doc FROM proposals ORDER BY id",
				      err);
	return s ? cn_sq_each(b, s, doc_row, &ds, "reading proposals", err)
		 : CN_EIO;
}

struct meta_out {
	char *body;
	int *shared, *adopted;
};

static int meta_row(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct meta_out *m = ctx;
	const char *body;
	/* NULL: no such proposal (the query's LEFT JOIN) */
	int rc = cn_sq_col_text(s, 0, "proposals.body", CN_SQ_NULLABLE, &body,
				NULL, err);

	if (rc)
		return rc;
	snprintf(m->body, 16, "%s", body ? body : "");
	*m->shared = sqlite3_column_int(s, 1);
	*m->adopted = sqlite3_column_int(s, 2);
	return body ? 0 : cn_err_set(err, CN_ENOTFOUND, "no proposal");
}

/* Who may see a proposal is asked of ids that exist and of ids that do
 * not, and the two must cost the same (an answer's time must not tell a
 * hidden proposal from none: docs/ARCHITECTURE.md, "Access").  So the
 * query always yields one row, the proposal's or NULLs, through the same
 * seek and the same step. */
int cn_sq_proposal_meta(struct cn_store_backend *b, int64_t id, char body[16],
			int *shared, int *adopted, struct cn_err *err)
{
	struct meta_out m = {body, shared, adopted};
	int rc = cn_sq_by_id(b, "SELECT p.body, p.shared,"
			     " p.status = 'concluded' AND p.outcome = 'adopted'"
			     " FROM (SELECT ? AS k) LEFT JOIN proposals p"
			     " ON p.id = k", id, "proposal", meta_row, &m, err);

	if (rc == CN_ENOTFOUND)
		cn_err_set(err, CN_ENOTFOUND, "no proposal %lld", (long long)id);
	return rc;
}
