/*
 * sqlite_query.c - the SQLite backend's paged queries (store.h, "paged
 * queries"): a page of proposals by sight, filters, full-text match and
 * cursor; the seqs of the log's events a restricted sight sees, found
 * through indexes rather than by decoding the events it does not see.
 *
 * And what those queries need beside the tables: the search index (an
 * FTS5 table over each proposal's title and text, keyed by its id) with
 * the triggers that keep it in step with the proposals table inside the
 * same transaction as the projection write, an index on event types,
 * and indexes on the proposals' sight fields.
 * They are created with a store, or added (and the index filled) the
 * first time an older store of the same schema version is opened for
 * writing.
 */
#include "sqlite.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The text a proposal is found by: its title and its current text (a
 * recirculated text replaces the old one, and raises the revision). */
#define SEARCH_ROW                                                            \
	"INSERT INTO proposal_search(rowid, title, text) VALUES(new.id,"       \
	" new.title, coalesce(json_extract(new.doc, '$.text'), ''));"

static const char query_schema[] =
	"CREATE INDEX IF NOT EXISTS events_type ON events(type);"
	/* What sight selects proposals by besides their body: the adopted
	 * ones (everyone's) and the shared ones (partners'), each in id
	 * order (the rowid ends every index), so that a principal who sees
	 * few of many finds them without reading the others. */
	"CREATE INDEX IF NOT EXISTS proposals_outcome ON proposals(status, outcome);"
	"CREATE INDEX IF NOT EXISTS proposals_shared ON proposals(shared);"
	"CREATE VIRTUAL TABLE IF NOT EXISTS proposal_search USING"
	"  fts5(title, text, tokenize = 'unicode61 remove_diacritics 2');"
	"CREATE TRIGGER IF NOT EXISTS proposal_search_insert AFTER INSERT ON"
	"  proposals BEGIN " SEARCH_ROW " END;"
	/* Most writes change a proposal's positions, not its words: only a
	 * new title or revision re-indexes it. */
	"CREATE TRIGGER IF NOT EXISTS proposal_search_update AFTER UPDATE ON"
	"  proposals WHEN old.title IS NOT new.title"
	"  OR old.revision IS NOT new.revision BEGIN"
	"  DELETE FROM proposal_search WHERE rowid = old.id; " SEARCH_ROW " END;"
	"CREATE TRIGGER IF NOT EXISTS proposal_search_delete AFTER DELETE ON"
	"  proposals BEGIN DELETE FROM proposal_search WHERE rowid = old.id; END;";

int cn_sq_create_query(struct cn_store_backend *b, struct cn_err *err)
{
	int64_t had = 0;
	sqlite3_stmt *s;

	if (cn_sq_exec(b, "BEGIN IMMEDIATE", err))
		return CN_EIO;
	s = cn_sq_fresh(b, "SELECT count(*) FROM sqlite_schema WHERE"
			" name = 'proposal_search'", err);
	if (!s || cn_sq_one(b, s, cn_sq_int64, &had, "reading the schema",
			    "no schema", err) ||
	    cn_sq_exec(b, query_schema, err) ||
	    (!had && cn_sq_exec(b, "INSERT INTO proposal_search(rowid, title,"
				" text) SELECT id, title, coalesce(json_extract("
				"doc, '$.text'), '') FROM proposals", err)) ||
	    cn_sq_exec(b, "COMMIT", err)) {
		sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
		return CN_EIO;
	}
	return 0;
}

/* ---- building a query ---------------------------------------------------- */

#define MAX_PARAMS 128

/* SQL text and its parameters, bound in order once it is prepared. */
struct query {
	char sql[4096];
	size_t n;
	int overflow;
	struct {
		const char *s; /* NULL: the integer i */
		int64_t i;
	} p[MAX_PARAMS];
	int np;
};

static void sql(struct query *q, const char *fmt, ...) CN_PRINTF(2, 3);
static void sql(struct query *q, const char *fmt, ...)
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

static void text_param(struct query *q, const char *s)
{
	if (q->np == MAX_PARAMS) {
		q->overflow = 1;
		return;
	}
	q->p[q->np].s = s;
	q->p[q->np++].i = 0;
}

static void int_param(struct query *q, int64_t i)
{
	if (q->np == MAX_PARAMS) {
		q->overflow = 1;
		return;
	}
	q->p[q->np].s = NULL;
	q->p[q->np++].i = i;
}

/* " IN (?, ?, ...)" over a list of texts. */
static void in_list(struct query *q, const char *const *v, size_t n)
{
	sql(q, " IN (");
	for (size_t i = 0; i < n; i++) {
		sql(q, "%s?", i ? ", " : "");
		text_param(q, v[i]);
	}
	sql(q, ")");
}

static const char ADOPTED[] = "(status = 'concluded' AND outcome = 'adopted')";

/* The proposals rows a sight sees at all (full or redacted). */
static void seen_rows(struct query *q, const struct cn_sight_rows *sr)
{
	if (sr->every) {
		sql(q, "1");
		return;
	}
	sql(q, "(%s", ADOPTED);
	if (sr->shared)
		sql(q, " OR shared = 1");
	if (sr->nbodies) {
		sql(q, " OR body COLLATE NOCASE");
		in_list(q, sr->bodies, sr->nbodies);
	}
	sql(q, ")");
}

static sqlite3_stmt *prepare(struct cn_store_backend *b, struct query *q,
			     struct cn_err *err)
{
	sqlite3_stmt *s;

	if (q->overflow) {
		cn_err_set(err, CN_EINVAL, "the query has too many terms");
		return NULL;
	}
	if (!(s = cn_sq_fresh(b, q->sql, err)))
		return NULL;
	for (int i = 0; i < q->np; i++) {
		if (q->p[i].s)
			sqlite3_bind_text(s, i + 1, q->p[i].s, -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(s, i + 1, q->p[i].i);
	}
	return s;
}

/* ---- proposals ------------------------------------------------------------ */

struct doc_page {
	cn_doc_fn fn;
	void *ctx;
};

static int doc_row(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct doc_page *d = ctx;
	const char *t = (const char *)sqlite3_column_text(s, 1);
	return d->fn(d->ctx, sqlite3_column_int64(s, 0), t ? t : "",
		     (size_t)sqlite3_column_bytes(s, 1), err);
}

/* A filter on one text column: "AND <col> <op> ?" when given. */
static void filter(struct query *q, const char *col, const char *op,
		   const char *v)
{
	if (!v)
		return;
	sql(q, " AND %s %s ?", col, op);
	text_param(q, v);
}

int cn_sq_proposal_page(struct cn_store_backend *b,
			const struct cn_proposal_query *pq, cn_doc_fn fn,
			void *ctx, struct cn_err *err)
{
	struct doc_page d = {fn, ctx};
	struct query q = {.n = 0};
	sqlite3_stmt *s;

	assert(pq->limit > 0);
	sql(&q, "SELECT id, doc FROM proposals WHERE ");
	seen_rows(&q, &pq->sight);
	if (pq->body) {
		sql(&q, " AND body = ? COLLATE NOCASE");
		text_param(&q, pq->body);
	}
	if (pq->status) {
		sql(&q, " AND (status = ? OR outcome = ?)");
		text_param(&q, pq->status);
		text_param(&q, pq->status);
	}
	if (pq->member) {
		sql(&q, " AND EXISTS (SELECT 1 FROM json_each(doc,"
		    " '$.electorate') WHERE value = ?)");
		text_param(&q, pq->member);
	}
	filter(&q, "opened", ">=", pq->opened_from);
	filter(&q, "opened", "<", pq->opened_to);
	filter(&q, "concluded", ">=", pq->concluded_from);
	filter(&q, "concluded", "<", pq->concluded_to);
	if (pq->match) {
		sql(&q, " AND id IN (SELECT rowid FROM proposal_search WHERE"
		    " proposal_search MATCH ?)");
		text_param(&q, pq->match);
	}
	if (pq->after) {
		sql(&q, " AND id > ?");
		int_param(&q, pq->after);
	}
	if (pq->before) {
		sql(&q, " AND id < ?");
		int_param(&q, pq->before);
	}
	sql(&q, " ORDER BY id %s LIMIT ?", pq->ascending ? "ASC" : "DESC");
	int_param(&q, pq->limit);
	if (!(s = prepare(b, &q, err)))
		return q.overflow ? CN_EINVAL : CN_EIO;
	return cn_sq_each(b, s, doc_row, &d, "reading proposals", err);
}

/* ---- the log ---------------------------------------------------------------- */

struct seq_page {
	int64_t *seqs;
	size_t n, max;
};

static int seq_row(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct seq_page *p = ctx;
	(void)err;
	assert(p->n < p->max);
	p->seqs[p->n++] = sqlite3_column_int64(s, 0);
	return 0;
}

/* One branch of the union: seqs in [from, upto] matching `where`, in
 * order, at most limit: each branch walks an index in seq order and
 * stops at the page's end. */
static void branch_open(struct query *q, const struct cn_log_query *lq)
{
	sql(q, "SELECT seq FROM (SELECT seq FROM events WHERE seq BETWEEN ? AND ?");
	int_param(q, lq->from);
	int_param(q, lq->upto);
}

static void branch_close(struct query *q, const struct cn_log_query *lq)
{
	sql(q, " ORDER BY seq LIMIT ?)");
	int_param(q, lq->limit);
}

int cn_sq_log_page(struct cn_store_backend *b, const struct cn_log_query *lq,
		   int64_t *seqs, size_t *n, struct cn_err *err)
{
	struct seq_page p = {seqs, 0, (size_t)lq->limit};
	struct query q = {.n = 0};
	const struct cn_sight_rows redacted = {0, NULL, 0, lq->sight.shared};
	sqlite3_stmt *s;
	int rc;

	assert(lq->limit > 0 && !lq->sight.every);
	*n = 0;
	/* The registry: events about no proposal, of a type sight knows. */
	branch_open(&q, lq);
	sql(&q, " AND proposal IS NULL AND type");
	in_list(&q, lq->open_types, lq->nopen);
	branch_close(&q, lq);
	/* The public record of what the sight sees redacted, one type at a
	 * time so each walks the type index in order. */
	for (size_t i = 0; i < lq->nrecord; i++) {
		sql(&q, " UNION ");
		branch_open(&q, lq);
		sql(&q, " AND type = ? AND proposal IN (SELECT id FROM"
		    " proposals WHERE ");
		text_param(&q, lq->record_types[i]);
		seen_rows(&q, &redacted);
		sql(&q, ")");
		branch_close(&q, lq);
	}
	/* Everything about the proposals it sees in full. */
	if (lq->sight.nbodies) {
		sql(&q, " UNION ");
		branch_open(&q, lq);
		sql(&q, " AND proposal IN (SELECT id FROM proposals WHERE body"
		    " COLLATE NOCASE");
		in_list(&q, lq->sight.bodies, lq->sight.nbodies);
		sql(&q, ")");
		branch_close(&q, lq);
	}
	sql(&q, " ORDER BY seq LIMIT ?");
	int_param(&q, lq->limit);
	if (!(s = prepare(b, &q, err)))
		return q.overflow ? CN_EINVAL : CN_EIO;
	rc = cn_sq_each(b, s, seq_row, &p, "reading the log", err);
	*n = p.n;
	return rc;
}
