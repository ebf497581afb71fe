/*
 * pg_rows.c - the PostgreSQL backend's projection tables: created from
 * cn_tables (store/tables.c), with text keys in bytewise order and a
 * row_order identity column that an upsert never changes (so it is the
 * order the row's key was first written); written by upsert, scanned in
 * key or row_order order; and the readers' queries on the proposals
 * table.
 */
#include "pg.h"

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

enum col_form { NAME, PARAM, NAME_EQ_PARAM, NAME_EQ_EXCLUDED };

/* Columns [from, to), each as `form`, separated by sep; parameters are
 * numbered from 1 at column `from`. */
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
		else if (form == PARAM)
			add(q, "$%u", i + 1 - from);
		else if (form == NAME_EQ_PARAM)
			add(q, "%s = $%u", c, i + 1 - from);
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
		columns(q, t, 0, t->ncols, PARAM, ", ");
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
			add(q, "row_order");
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

void cn_pg_rows_release(struct cn_store_backend *b)
{
	for (unsigned t = 0; t < CN_TAB_COUNT; t++)
		for (int k = 0; k < NSQL; k++)
			free(b->row_sql[t][k]);
}

int cn_pg_create_rows(struct cn_store_backend *b, struct cn_err *err)
{
	for (unsigned i = 0; i < CN_TAB_COUNT; i++) {
		const struct cn_table_def *t = &cn_tables[i];
		struct sqlbuf q = {.n = 0};

		add(&q, "CREATE TABLE %s(", t->name);
		for (unsigned c = 0; c < t->ncols; c++)
			add(&q, "%s %s%s, ", t->cols[c].name,
			    t->cols[c].type == CN_VAL_INT ? "bigint"
							   : "text COLLATE \"C\"",
			    t->cols[c].notnull ? " NOT NULL" : "");
		add(&q, "row_order bigint GENERATED ALWAYS AS IDENTITY, "
		    "PRIMARY KEY(");
		columns(&q, t, 0, t->nkey, NAME, ", ");
		add(&q, "))");
		if (cn_pg_script(b, q.s, "creating the projection tables", err))
			return CN_EIO;
	}
	return 0;
}

static void bind_values(struct cn_pg_params *p, const struct cn_table_def *t,
			const struct cn_value *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (v[i].type == CN_VAL_INT)
			cn_pg_int(p, v[i].i);
		else if (v[i].type != CN_VAL_NULL)
			cn_pg_text(p, v[i].s, v[i].len);
		else
			cn_pg_null(p, t->cols[i].type == CN_VAL_INT ? CN_PG_INT8
								    : CN_PG_TEXT);
	}
}

int cn_pg_row_put(struct cn_store_backend *b, const struct cn_row *row,
		  struct cn_err *err)
{
	const struct cn_table_def *t = &cn_tables[row->table];
	const char *sql = row_sql(b, row->table, SQL_PUT, err);
	struct cn_pg_params p = {0};

	if (!sql)
		return CN_ENOMEM;
	bind_values(&p, t, row->v, t->ncols);
	return cn_pg_cmd(b, sql, &p, NULL, "writing projection", err);
}

int cn_pg_row_delete(struct cn_store_backend *b, enum cn_table t,
		     const struct cn_value *key, struct cn_err *err)
{
	const char *sql = row_sql(b, t, SQL_DELETE, err);
	struct cn_pg_params p = {0};

	if (!sql)
		return CN_ENOMEM;
	bind_values(&p, &cn_tables[t], key, cn_tables[t].nkey);
	return cn_pg_cmd(b, sql, &p, NULL, "writing projection", err);
}

struct row_scan {
	enum cn_table t;
	cn_row_fn fn;
	void *ctx;
};

static int row_of(void *ctx, const struct cn_pg_row *r, struct cn_err *err)
{
	struct row_scan *rs = ctx;
	struct cn_row row = {.table = rs->t};

	for (unsigned i = 0; i < cn_tables[rs->t].ncols; i++) {
		struct cn_value *v = &row.v[i];
		if (cn_pg_isnull(r, (int)i))
			v->type = CN_VAL_NULL;
		else if (cn_pg_type(r, (int)i) == CN_PG_INT8) {
			v->type = CN_VAL_INT;
			v->i = cn_pg_int64(r, (int)i);
		} else {
			v->type = cn_pg_type(r, (int)i) == CN_PG_TEXT ? CN_VAL_TEXT
								  : CN_VAL_OTHER;
			v->s = cn_pg_value(r, (int)i, &v->len);
		}
	}
	return rs->fn(rs->ctx, &row, err);
}

int cn_pg_rows(struct cn_store_backend *b, enum cn_table t,
	       enum cn_row_order order, cn_row_fn fn, void *ctx,
	       struct cn_err *err)
{
	struct row_scan rs = {t, fn, ctx};
	const char *sql = row_sql(b, t, order == CN_ORDER_KEY ? SQL_BY_KEY
							      : SQL_WRITTEN, err);
	return sql ? cn_pg_each(b, sql, NULL, row_of, &rs, "reading projection",
				err)
		   : CN_ENOMEM;
}

/* ---- the readers' queries ------------------------------------------------------- */

int cn_pg_proposal_doc(struct cn_store_backend *b, int64_t id, char **text,
		       size_t *len, struct cn_err *err)
{
	struct cn_pg_textout out = {text, len};
	struct cn_pg_params p = {0};
	char notfound[48];

	cn_pg_int(&p, id);
	snprintf(notfound, sizeof(notfound), "no proposal %lld", (long long)id);
	return cn_pg_one(b, "SELECT doc FROM proposals WHERE id = $1", &p,
			 cn_pg_get_text, &out, "reading proposals", notfound, err);
}

struct docs_scan {
	int (*fn)(void *ctx, const char *text, size_t len, struct cn_err *err);
	void *ctx;
};

static int doc_row(void *ctx, const struct cn_pg_row *r, struct cn_err *err)
{
	struct docs_scan *ds = ctx;
	size_t len;
	const char *t = cn_pg_value(r, 0, &len);
	return ds->fn(ds->ctx, t, len, err);
}

int cn_pg_proposal_docs(struct cn_store_backend *b,
			int (*fn)(void *ctx, const char *text, size_t len,
				  struct cn_err *err),
			void *ctx, struct cn_err *err)
{
	struct docs_scan ds = {fn, ctx};
	return cn_pg_each(b, "SELECT doc FROM proposals ORDER BY id", NULL,
			  doc_row, &ds, "reading proposals", err);
}

struct meta_out {
	char *body;
	int *shared, *adopted;
};

static int meta_row(void *ctx, const struct cn_pg_row *r, struct cn_err *err)
{
	struct meta_out *m = ctx;

	cn_pg_copy(r, 0, m->body, 16);
	*m->shared = (int)cn_pg_int64(r, 1);
	*m->adopted = (int)cn_pg_int64(r, 2);
	return cn_pg_isnull(r, 0) ? cn_err_set(err, CN_ENOTFOUND, "no proposal")
				  : 0;
}

/* Who may see a proposal is asked of ids that exist and of ids that do
 * not, and the two must cost the same (an answer's time must not tell a
 * hidden proposal from none: docs/ARCHITECTURE.md, "Access").  So the
 * query always yields one row, the proposal's or NULLs, through the same
 * index probe. */
int cn_pg_proposal_meta(struct cn_store_backend *b, int64_t id, char body[16],
			int *shared, int *adopted, struct cn_err *err)
{
	struct meta_out m = {body, shared, adopted};
	struct cn_pg_params p = {0};
	int rc;

	cn_pg_int(&p, id);
	rc = cn_pg_one(b, "SELECT p.body, p.shared, (p.status = 'concluded'"
		       " AND p.outcome = 'adopted')::int::int8"
		       " FROM (SELECT $1::int8 AS k) q LEFT JOIN proposals p"
		       " ON p.id = q.k", &p, meta_row, &m, "reading proposals",
		       "no proposal", err);
	if (rc == CN_ENOTFOUND)
		cn_err_set(err, CN_ENOTFOUND, "no proposal %lld", (long long)id);
	return rc;
}
