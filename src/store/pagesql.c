/*
 * pagesql.c - the paged queries' SQL for each backend (pagesql.h).
 */
#include "pagesql.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"

static void sql(struct cn_pagesql *q, const char *fmt, ...) CN_PRINTF(2, 3);
static void sql(struct cn_pagesql *q, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(q->sql + q->n, sizeof(q->sql) - q->n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= sizeof(q->sql) - q->n)
		q->overflow = 1;
	else
		q->n += (size_t)k;
}

/* The next parameter's place in the text: ? on SQLite (bound in order),
 * $n on PostgreSQL. */
static void place(struct cn_pagesql *q)
{
	if (q->dialect == CN_PAGESQL_PG)
		sql(q, "$%d", q->np + 1);
	else
		sql(q, "?");
}

static int slot(struct cn_pagesql *q)
{
	if (q->np == CN_PAGESQL_MAXP) {
		q->overflow = 1;
		return 0;
	}
	place(q);
	return 1;
}

static void text_param(struct cn_pagesql *q, const char *s)
{
	if (!slot(q))
		return;
	q->p[q->np].s = s;
	q->p[q->np++].i = 0;
}

static void int_param(struct cn_pagesql *q, int64_t i)
{
	if (!slot(q))
		return;
	q->p[q->np].s = NULL;
	q->p[q->np++].i = i;
}

/* A body compared without case (ASCII, as SQLite's NOCASE): `col` against
 * one parameter or a list of them. */
static void body_is(struct cn_pagesql *q, const char *col, const char *v)
{
	if (q->dialect == CN_PAGESQL_PG) {
		sql(q, "lower(%s) = lower(", col);
		text_param(q, v);
		sql(q, ")");
	} else {
		sql(q, "%s = ", col);
		text_param(q, v);
		sql(q, " COLLATE NOCASE");
	}
}

static void body_in(struct cn_pagesql *q, const char *col,
		    const char *const *v, size_t n)
{
	int pg = q->dialect == CN_PAGESQL_PG;
	sql(q, pg ? "lower(%s) IN (" : "%s COLLATE NOCASE IN (", col);
	for (size_t i = 0; i < n; i++) {
		sql(q, pg ? "%slower(" : "%s", i ? ", " : "");
		text_param(q, v[i]);
		if (pg)
			sql(q, ")");
	}
	sql(q, ")");
}

static void text_in(struct cn_pagesql *q, const char *const *v, size_t n)
{
	sql(q, " IN (");
	for (size_t i = 0; i < n; i++) {
		sql(q, "%s", i ? ", " : "");
		text_param(q, v[i]);
	}
	sql(q, ")");
}

static const char ADOPTED[] = "(status = 'concluded' AND outcome = 'adopted')";

/* The proposals rows a sight sees at all (full or redacted). */
static void seen_rows(struct cn_pagesql *q, const struct cn_sight_rows *sr)
{
	if (sr->every) {
		sql(q, "1 = 1");
		return;
	}
	sql(q, "(%s", ADOPTED);
	if (sr->shared)
		sql(q, " OR shared = 1");
	if (sr->nbodies) {
		sql(q, " OR ");
		body_in(q, "body", sr->bodies, sr->nbodies);
	}
	sql(q, ")");
}

/* A filter on one text column: "AND <col> <op> ?" when given. */
static void filter(struct cn_pagesql *q, const char *col, const char *op,
		   const char *v)
{
	if (!v)
		return;
	sql(q, " AND %s %s ", col, op);
	text_param(q, v);
}

/* The words as an FTS5 query: each word a phrase in double quotes (a
 * quote inside it doubled), so that no input is an FTS5 operator or a
 * syntax error; the phrases side by side, so every one is required. */
static int fts5_phrase(struct cn_pagesql *q, const char *words,
		       struct cn_err *err)
{
	struct cn_buf b = CN_BUF_INIT;
	const char *p = words;
	int first = 1;

	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		cn_buf_puts(&b, first ? "\"" : " \"");
		first = 0;
		for (; *p && *p != ' '; p++)
			cn_buf_add(&b, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
		cn_buf_puts(&b, "\"");
	}
	if (cn_buf_finish(&b, &q->phrase))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

static int words(struct cn_pagesql *q, const char *w, struct cn_err *err)
{
	if (q->dialect == CN_PAGESQL_PG) {
		/* plainto_tsquery: the words' lexemes, all required, and no
		 * operator whatever the words hold. */
		sql(q, " AND " CN_PAGESQL_PG_WORDS
		    " @@ plainto_tsquery('council_search', ");
		text_param(q, w);
		sql(q, ")");
		return 0;
	}
	if (fts5_phrase(q, w, err))
		return CN_ENOMEM;
	sql(q, " AND id IN (SELECT rowid FROM proposal_search WHERE"
	    " proposal_search MATCH ");
	text_param(q, q->phrase);
	sql(q, ")");
	return 0;
}

static int finish(struct cn_pagesql *q, struct cn_err *err)
{
	if (q->overflow)
		return cn_err_set(err, CN_EINVAL, "the query has too many terms");
	return 0;
}

static void start(struct cn_pagesql *q, enum cn_pagesql_dialect d)
{
	memset(q, 0, sizeof(*q));
	q->dialect = d;
}

int cn_pagesql_proposals(struct cn_pagesql *q, enum cn_pagesql_dialect d,
			 const struct cn_proposal_query *pq, struct cn_err *err)
{
	start(q, d);
	assert(pq->limit > 0);
	/* The row's sight fields as cn_store_proposal_meta reads them. */
	sql(q, "SELECT id, doc, body, shared, %s, title, procedure, status,"
	    " outcome FROM proposals WHERE ",
	    d == CN_PAGESQL_PG ? "(status = 'concluded' AND outcome ="
				 " 'adopted')::int::int8"
			       : "status = 'concluded' AND outcome = 'adopted'");
	seen_rows(q, &pq->sight);
	if (pq->body) {
		sql(q, " AND ");
		body_is(q, "body", pq->body);
	}
	if (pq->status) {
		sql(q, " AND (status = ");
		text_param(q, pq->status);
		sql(q, " OR outcome = ");
		text_param(q, pq->status);
		sql(q, ")");
	}
	if (pq->member) {
		if (d == CN_PAGESQL_PG)
			sql(q, " AND jsonb_exists((doc::jsonb)->'electorate', ");
		else
			sql(q, " AND EXISTS (SELECT 1 FROM json_each(doc,"
			    " '$.electorate') WHERE value = ");
		text_param(q, pq->member);
		sql(q, ")");
	}
	filter(q, "opened", ">=", pq->opened_from);
	filter(q, "opened", "<", pq->opened_to);
	filter(q, "concluded", ">=", pq->concluded_from);
	filter(q, "concluded", "<", pq->concluded_to);
	if (pq->match && words(q, pq->match, err))
		return CN_ENOMEM;
	if (pq->after) {
		sql(q, " AND id > ");
		int_param(q, pq->after);
	}
	if (pq->before) {
		sql(q, " AND id < ");
		int_param(q, pq->before);
	}
	sql(q, " ORDER BY id %s LIMIT ", pq->ascending ? "ASC" : "DESC");
	int_param(q, pq->limit);
	return finish(q, err);
}

/* One branch of the union: seqs in [from, upto] matching what follows,
 * in order, at most limit: each branch walks an index in seq order and
 * stops at the page's end. */
static void branch_open(struct cn_pagesql *q, const struct cn_log_query *lq)
{
	sql(q, "SELECT seq FROM (SELECT seq FROM events WHERE seq BETWEEN ");
	int_param(q, lq->from);
	sql(q, " AND ");
	int_param(q, lq->upto);
}

static void branch_close(struct cn_pagesql *q, const struct cn_log_query *lq,
			 int k)
{
	sql(q, " ORDER BY seq LIMIT ");
	int_param(q, lq->limit);
	sql(q, ") AS b%d", k);
}

int cn_pagesql_log(struct cn_pagesql *q, enum cn_pagesql_dialect d,
		   const struct cn_log_query *lq, struct cn_err *err)
{
	const struct cn_sight_rows redacted = {0, NULL, 0, lq->sight.shared};
	int k = 0;

	start(q, d);
	assert(lq->limit > 0 && !lq->sight.every);
	/* The registry: events about no proposal, of a type sight knows. */
	branch_open(q, lq);
	sql(q, " AND proposal IS NULL AND type");
	text_in(q, lq->open_types, lq->nopen);
	branch_close(q, lq, k++);
	/* The public record of what the sight sees redacted, one type at a
	 * time so each walks the type index in order. */
	for (size_t i = 0; i < lq->nrecord; i++) {
		sql(q, " UNION ");
		branch_open(q, lq);
		sql(q, " AND type = ");
		text_param(q, lq->record_types[i]);
		sql(q, " AND proposal IN (SELECT id FROM proposals WHERE ");
		seen_rows(q, &redacted);
		sql(q, ")");
		branch_close(q, lq, k++);
	}
	/* Everything about the proposals it sees in full. */
	if (lq->sight.nbodies) {
		sql(q, " UNION ");
		branch_open(q, lq);
		sql(q, " AND proposal IN (SELECT id FROM proposals WHERE ");
		body_in(q, "body", lq->sight.bodies, lq->sight.nbodies);
		sql(q, ")");
		branch_close(q, lq, k++);
	}
	sql(q, " ORDER BY seq LIMIT ");
	int_param(q, lq->limit);
	return finish(q, err);
}

void cn_pagesql_release(struct cn_pagesql *q)
{
	free(q->phrase);
	q->phrase = NULL;
}
