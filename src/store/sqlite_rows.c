/*
 * sqlite_rows.c - the SQLite backend's projection tables: created from cn_tables
 * (store/tables.c), written by upsert (so a row keeps its rowid, which is
 * the order its key was first written), scanned in key or rowid order;
 * and the readers' queries on the proposals table.
 */
#include "sqlite.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SQL_PUT, SQL_DELETE, SQL_BY_KEY, SQL_WRITTEN, NSQL };

struct sqlbuf {
	char s[1024];
	size_t n;
};

static void add(struct sqlbuf *q, const char *fmt, ...) CN_PRINTF(2, 3);
static void add(struct sqlbuf *q, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(q->s + q->n, sizeof(q->s) - q->n, fmt, ap);
	va_end(ap);
	/* The tables are fixed and small: their SQL always fits. */
	assert(k >= 0 && (size_t)k < sizeof(q->s) - q->n);
	q->n += (size_t)k;
}

enum col_form { NAME, NAME_EQ_PARAM, NAME_EQ_EXCLUDED };

/* Columns [from, to), each as `form`, separated by sep. */
static void columns(struct sqlbuf *q, const struct cn_table_def *t,
		    unsigned from, unsigned to, enum col_form form,
		    const char *sep)
{
	for (unsigned i = from; i < to; i++) {
		const char *c = t->cols[i].name;
		if (i > from)
			add(q, "%s", sep);
		if (form == NAME)
			add(q, "%s", c);
		else if (form == NAME_EQ_PARAM)
			add(q, "%s = ?", c);
		else
			add(q, "%s = excluded.%s", c, c);
	}
}

static void build_sql(const struct cn_table_def *t, int which,
		      struct sqlbuf *q)
{
	q->n = 0;
	switch (which) {
	case SQL_PUT:
		add(q, "INSERT INTO %s(", t->name);
		columns(q, t, 0, t->ncols, NAME, ", ");
		add(q, ") VALUES(");
		for (unsigned i = 0; i < t->ncols; i++)
			add(q, "%s?", i ? "," : "");
		add(q, ") ON CONFLICT(");
		columns(q, t, 0, t->nkey, NAME, ", ");
		add(q, ") DO UPDATE SET ");
		columns(q, t, t->nkey, t->ncols, NAME_EQ_EXCLUDED, ", ");
		break;
	case SQL_DELETE:
		add(q, "DELETE FROM %s WHERE ", t->name);
		columns(q, t, 0, t->nkey, NAME_EQ_PARAM, " AND ");
		break;
	default:
		add(q, "SELECT ");
		columns(q, t, 0, t->ncols, NAME, ", ");
		add(q, " FROM %s ORDER BY ", t->name);
		if (which == SQL_BY_KEY)
			columns(q, t, 0, t->nkey, NAME, ", ");
		else
			add(q, "rowid");
	}
}

/* The SQL of table t's statement `which`, built on first use. */
static const char *row_sql(struct cn_store_backend *b, enum cn_table t,
			   int which, struct cn_err *err)
{
	struct sqlbuf q;

	assert((unsigned)t < CN_TAB_COUNT && which < NSQL);
	if (!b->row_sql[t][which]) {
		build_sql(&cn_tables[t], which, &q);
		if (!(b->row_sql[t][which] = strdup(q.s))) {
			cn_err_set(err, CN_ENOMEM, "out of memory");
			return NULL;
		}
	}
	return b->row_sql[t][which];
}

void cn_sq_rows_release(struct cn_store_backend *b)
{
	for (unsigned t = 0; t < CN_TAB_COUNT; t++)
		for (int k = 0; k < NSQL; k++)
			free(b->row_sql[t][k]);
}

int cn_sq_create_rows(struct cn_store_backend *b, struct cn_err *err)
{
	for (unsigned i = 0; i < CN_TAB_COUNT; i++) {
		const struct cn_table_def *t = &cn_tables[i];
		struct sqlbuf q = {.n = 0};

		add(&q, "CREATE TABLE %s(", t->name);
		for (unsigned c = 0; c < t->ncols; c++)
			add(&q, "%s %s%s, ", t->cols[c].name,
			    t->cols[c].type == CN_VAL_INT ? "INTEGER" : "TEXT",
			    t->cols[c].notnull ? " NOT NULL" : "");
		add(&q, "PRIMARY KEY(");
		columns(&q, t, 0, t->nkey, NAME, ", ");
		add(&q, "))");
		if (cn_sq_exec(b, q.s, err))
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

int cn_sq_row_put(struct cn_store_backend *b, const struct cn_row *row,
		  struct cn_err *err)
{
	const char *sql = row_sql(b, row->table, SQL_PUT, err);
	sqlite3_stmt *s = sql ? cn_sq_stmt(b, sql, err) : NULL;

	if (!s)
		return sql ? CN_EIO : CN_ENOMEM;
	bind_values(s, row->v, cn_tables[row->table].ncols);
	return cn_sq_done(b, s, "writing projection", err);
}

int cn_sq_row_delete(struct cn_store_backend *b, enum cn_table t,
		     const struct cn_value *key, struct cn_err *err)
{
	const char *sql = row_sql(b, t, SQL_DELETE, err);
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
			v->s = (const char *)sqlite3_column_text(s, (int)i);
			v->len = (size_t)sqlite3_column_bytes(s, (int)i);
			if (!v->s)
				return cn_err_set(err, CN_ENOMEM, "out of memory");
		}
	}
	return rs->fn(rs->ctx, &row, err);
}

int cn_sq_rows(struct cn_store_backend *b, enum cn_table t,
	       enum cn_row_order order, cn_row_fn fn, void *ctx,
	       struct cn_err *err)
{
	struct row_scan rs = {t, fn, ctx};
	const char *sql = row_sql(b, t, order == CN_ORDER_KEY ? SQL_BY_KEY
							      : SQL_WRITTEN, err);
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
	const char *t = (const char *)sqlite3_column_text(s, 0);
	return ds->fn(ds->ctx, t ? t : "", (size_t)sqlite3_column_bytes(s, 0),
		      err);
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
	const unsigned char *body = sqlite3_column_text(s, 0);

	snprintf(m->body, 16, "%s", body ? (const char *)body : "");
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
