/*
 * pg_rows.c - the PostgreSQL backend's projection tables: created from
 * cn_tables (store/tables.c), with text keys in bytewise order and a
 * row_order identity column that an upsert never changes (so it is the
 * order the row's key was first written); written by upsert, scanned in
 * key or row_order order; and the readers' queries on the proposals
 * table.
 */
#include "pg.h"
#include "rowsql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytewise text (guarantee 7, whatever the database's locale), and an
 * identity column for the order keys were first written. */
static const struct cn_sql_dialect pg_sql = {
	.numbered = 1,
	.int_type = "bigint",
	.text_type = "text COLLATE \"C\"",
	.order_col = "row_order",
	.order_def = "bigint GENERATED ALWAYS AS IDENTITY",
};

static const char *row_sql(struct cn_store_backend *b, enum cn_table t,
			   enum cn_rowsql_stmt which, struct cn_err *err)
{
	return cn_rowsql(&b->row_sql[t][which], &pg_sql, t, which, err);
}

void cn_pg_rows_release(struct cn_store_backend *b)
{
	cn_rowsql_release(b->row_sql);
}

int cn_pg_create_rows(struct cn_store_backend *b, struct cn_err *err)
{
	for (unsigned t = 0; t < CN_TAB_COUNT; t++) {
		const char *sql = row_sql(b, t, CN_ROWSQL_CREATE, err);
		if (!sql)
			return CN_ENOMEM;
		if (cn_pg_script(b, sql, "creating the projection tables", err))
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
	const char *sql = row_sql(b, row->table, CN_ROWSQL_PUT, err);
	struct cn_pg_params p = {0};

	if (!sql)
		return CN_ENOMEM;
	bind_values(&p, t, row->v, t->ncols);
	return cn_pg_send(b, sql, &p, "writing projection", err);
}

int cn_pg_row_delete(struct cn_store_backend *b, enum cn_table t,
		     const struct cn_value *key, struct cn_err *err)
{
	const char *sql = row_sql(b, t, CN_ROWSQL_DELETE, err);
	struct cn_pg_params p = {0};

	if (!sql)
		return CN_ENOMEM;
	bind_values(&p, &cn_tables[t], key, cn_tables[t].nkey);
	return cn_pg_send(b, sql, &p, "writing projection", err);
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
	const char *sql = row_sql(b, t, order == CN_ORDER_KEY ? CN_ROWSQL_BY_KEY
							      : CN_ROWSQL_WRITTEN, err);
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
	struct cn_pg_params p = {.prepare = 1};
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
