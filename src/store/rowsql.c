/*
 * rowsql.c - the projection tables' SQL, from cn_tables, in a dialect
 * (rowsql.h).
 */
#include "rowsql.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

enum col_form { NAME, PARAM, NAME_EQ_PARAM, NAME_EQ_EXCLUDED, NAME_IS_PARAM_N };

/* Parameter n (from 1) in the dialect's form; numbered when `numbered`
 * even in a dialect whose parameters are ? (SQLite's ?NNN), for a
 * statement that does not name them in order. */
static void param(struct sqlbuf *q, const struct cn_sql_dialect *d, unsigned n,
		  int numbered)
{
	if (d->numbered)
		add(q, "$%u", n);
	else if (numbered)
		add(q, "?%u", n);
	else
		add(q, "?");
}

/* Columns [from, to), each as `form`, separated by sep; parameters are
 * numbered from 1 at column `from`, but NAME_IS_PARAM_N's by the
 * column's place in the row (from 1 at column 0). */
static void columns(struct sqlbuf *q, const struct cn_sql_dialect *d,
		    const struct cn_table_def *t, unsigned from, unsigned to,
		    enum col_form form, const char *sep)
{
	for (unsigned i = from; i < to; i++) {
		const char *c = t->cols[i].name;
		if (i > from)
			add(q, "%s", sep);
		if (form == NAME || form == NAME_EQ_PARAM)
			add(q, "%s", c);
		if (form == NAME_EQ_PARAM)
			add(q, " = ");
		if (form == PARAM || form == NAME_EQ_PARAM)
			param(q, d, i + 1 - from, 0);
		else if (form == NAME_IS_PARAM_N) {
			add(q, "%s IS ", c);
			param(q, d, i + 1, 1);
		} else if (form == NAME_EQ_EXCLUDED)
			add(q, "%s = excluded.%s", c, c);
	}
}

static void build(const struct cn_sql_dialect *d, const struct cn_table_def *t,
		  enum cn_rowsql_stmt which, struct sqlbuf *q)
{
	q->n = 0;
	switch (which) {
	case CN_ROWSQL_PUT:
		add(q, "INSERT INTO %s(", t->name);
		columns(q, d, t, 0, t->ncols, NAME, ", ");
		add(q, ") VALUES(");
		columns(q, d, t, 0, t->ncols, PARAM, ", ");
		add(q, ") ON CONFLICT(");
		columns(q, d, t, 0, t->nkey, NAME, ", ");
		add(q, ") DO UPDATE SET ");
		columns(q, d, t, t->nkey, t->ncols, NAME_EQ_EXCLUDED, ", ");
		break;
	case CN_ROWSQL_PUT_LAST:
		/* SQLite's IS (PostgreSQL would need IS NOT DISTINCT FROM) */
		assert(!d->numbered && t->ncols > t->nkey);
		add(q, "UPDATE %s SET %s = ", t->name, t->cols[t->ncols - 1].name);
		param(q, d, t->ncols, 1);
		add(q, " WHERE ");
		columns(q, d, t, 0, t->ncols - 1, NAME_IS_PARAM_N, " AND ");
		break;
	case CN_ROWSQL_DELETE:
		add(q, "DELETE FROM %s WHERE ", t->name);
		columns(q, d, t, 0, t->nkey, NAME_EQ_PARAM, " AND ");
		break;
	case CN_ROWSQL_CREATE:
		add(q, "CREATE TABLE %s(", t->name);
		for (unsigned c = 0; c < t->ncols; c++)
			add(q, "%s %s%s, ", t->cols[c].name,
			    t->cols[c].type == CN_VAL_INT ? d->int_type
							   : d->text_type,
			    t->cols[c].notnull ? " NOT NULL" : "");
		if (*d->order_def)
			add(q, "%s %s, ", d->order_col, d->order_def);
		add(q, "PRIMARY KEY(");
		columns(q, d, t, 0, t->nkey, NAME, ", ");
		add(q, "))");
		break;
	default:
		add(q, "SELECT ");
		columns(q, d, t, 0, t->ncols, NAME, ", ");
		add(q, " FROM %s ORDER BY ", t->name);
		if (which == CN_ROWSQL_BY_KEY)
			columns(q, d, t, 0, t->nkey, NAME, ", ");
		else
			add(q, "%s", d->order_col);
	}
}

const char *cn_rowsql(char **slot, const struct cn_sql_dialect *d,
		      enum cn_table t, enum cn_rowsql_stmt which,
		      struct cn_err *err)
{
	struct sqlbuf q;

	assert((unsigned)t < CN_TAB_COUNT && which < CN_ROWSQL_COUNT);
	if (!*slot) {
		build(d, &cn_tables[t], which, &q);
		if (!(*slot = strdup(q.s)))
			cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	return *slot;
}

void cn_rowsql_release(char *slots[CN_TAB_COUNT][CN_ROWSQL_COUNT])
{
	for (unsigned t = 0; t < CN_TAB_COUNT; t++)
		for (int k = 0; k < CN_ROWSQL_COUNT; k++) {
			free(slots[t][k]);
			slots[t][k] = NULL;
		}
}
