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
#include "../core/event_type.h"

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

static const char ADOPTED[] = "(" CN_PAGESQL_IS_ADOPTED("") ")";

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

/* A time column as its index orders it: byte order, which is time order
 * for canonical times (timeutil.h); on PostgreSQL that is the "C"
 * collation, as the indexes on times are made (pg_query.c), so that a
 * range or an order by the column can walk its index. */
static const char *time_col(const struct cn_pagesql *q, const char *col)
{
	static const struct {
		const char *col, *pg;
	} cols[] = {
		{"opened", "opened COLLATE \"C\""},
		{"concluded", "concluded COLLATE \"C\""},
		{"deadline", "deadline COLLATE \"C\""},
	};

	if (q->dialect != CN_PAGESQL_PG)
		return col;
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if (!strcmp(cols[i].col, col))
			return cols[i].pg;
	assert(!"a time column of the proposals");
	return col;
}

/* A time range's bound, when given.  In id order it filters the walk:
 * on SQLite, + keeps the term from being read as a range of an index on
 * the time, which SQLite, without statistics, preferred and then sorted
 * by id (every proposal concluded since 2020, to show 100 of them: 0.5 s
 * at 100,000).  The calendar's orders walk that index itself. */
static void time_filter(struct cn_pagesql *q, const struct cn_proposal_query *pq,
			const char *col, const char *op, const char *v)
{
	if (!v)
		return;
	sql(q, " AND %s%s %s ",
	    q->dialect == CN_PAGESQL_SQLITE && pq->order == CN_ORDER_ID ? "+" : "",
	    time_col(q, col), op);
	text_param(q, v);
}

/* The id of the last proposal opened before `to`, in time order, as the
 * upper bound of a walk by id (the whole record's out of order). */
static void opened_before(struct cn_pagesql *q, const char *key,
			  const char *in_order, const char *to)
{
	sql(q, " AND %s <= %s(SELECT id FROM proposals WHERE opened < ", key,
	    in_order);
	text_param(q, to);
	sql(q, " ORDER BY opened DESC, id DESC LIMIT 1) ELSE %lld END",
	    (long long)INT64_MAX);
}

/* Time ranges as ranges of ids too, on SQLite, while the proposals are in
 * time order (CN_PAGESQL_ORDER_KEY): an opened range from the first id
 * opened at or after its start to the last opened before its end; a
 * concluded range up to the last opened before its end (a proposal
 * concludes no earlier than it opened).  Each is found through
 * proposals_opened.  The walk in id order then starts where the range
 * does; without the bounds, a range early in the record cost every
 * proposal walked past it (about 167 ms at 100,000).  The time filters
 * above stay: these bounds only narrow the walk.  A concluded range's
 * start bounds nothing (a proposal opened long before may conclude in
 * it), nor does anything out of time order: each bound is then the
 * whole record's. */
static void time_ids(struct cn_pagesql *q, const struct cn_proposal_query *pq,
		     const char *key)
{
	static const char in_order[] =
		"CASE WHEN " CN_PAGESQL_IN_TIME_ORDER " THEN ";

	if (q->dialect != CN_PAGESQL_SQLITE || pq->order != CN_ORDER_ID)
		return;
	if (pq->opened_from) {
		sql(q, " AND %s >= %s(SELECT id FROM proposals WHERE opened >= ",
		    key, in_order);
		text_param(q, pq->opened_from);
		sql(q, " ORDER BY opened, id LIMIT 1) ELSE 0 END");
	}
	if (pq->opened_to)
		opened_before(q, key, in_order, pq->opened_to);
	if (pq->concluded_to)
		opened_before(q, key, in_order, pq->concluded_to);
}

/* A body's sight word: 'b' and the hex of its code's bytes, ASCII in
 * capitals (CN_PAGESQL_SIGHT_WORDS spells it the same in SQL), so that
 * any code is one token and none is an operator. */
static void body_word(struct cn_buf *b, const char *code)
{
	static const char hex[] = "0123456789abcdef";

	cn_buf_puts(b, "b");
	for (const unsigned char *c = (const unsigned char *)code; *c; c++) {
		unsigned char u = *c >= 'a' && *c <= 'z' ? *c - 32 : *c;
		char h[2] = {hex[u >> 4], hex[u & 15]};
		cn_buf_add(b, h, 2);
	}
}

/* The words as an FTS5 query: each word a phrase in double quotes (a
 * quote inside it doubled), so that no input is an FTS5 operator or a
 * syntax error; the phrases side by side, so every one is required, in
 * the title or the text.  And, for a restricted sight, one of the sight
 * words of what it sees (the sight column, pagesql.h): the index gives
 * only the matches the sight may see, however many others it holds. */
static int fts5_phrase(struct cn_pagesql *q, const char *words,
		       const struct cn_sight_rows *sr, struct cn_err *err)
{
	struct cn_buf b = CN_BUF_INIT;
	const char *p = words;
	int first = 1;

	cn_buf_puts(&b, "{title text} : (");
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
	cn_buf_puts(&b, ")");
	if (!sr->every) {
		cn_buf_puts(&b, " AND sight : (adopted");
		if (sr->shared)
			cn_buf_puts(&b, " OR shared");
		for (size_t i = 0; i < sr->nbodies; i++) {
			cn_buf_puts(&b, " OR ");
			body_word(&b, sr->bodies[i]);
		}
		cn_buf_puts(&b, ")");
	}
	if (cn_buf_finish(&b, &q->phrase))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

static int words(struct cn_pagesql *q, const char *w,
		 const struct cn_sight_rows *sr, struct cn_err *err)
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
	if (fts5_phrase(q, w, sr, err))
		return CN_ENOMEM;
	sql(q, " AND w.proposal_words MATCH ");
	text_param(q, q->phrase);
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
	/* Words on SQLite: the search index joined, and walked in id order
	 * (its rowid) from the cursor, so that a page stops at its limit
	 * rather than first gathering every match. */
	const int fts = pq->match && d == CN_PAGESQL_SQLITE;
	const char *key = fts ? "w.rowid" : "id";

	start(q, d);
	assert(pq->limit > 0);
	assert(pq->order == CN_ORDER_ID ||
	       (!pq->status && !pq->match && !pq->after && !pq->before));
	/* The row's sight fields as cn_store_proposal_meta reads them. */
	sql(q, "SELECT proposals.id, doc, body, shared, %s, proposals.title,"
	    " procedure, status, outcome FROM proposals%s WHERE ",
	    d == CN_PAGESQL_PG ? "(" CN_PAGESQL_IS_ADOPTED("") ")::int::int8"
			       : CN_PAGESQL_IS_ADOPTED(""),
	    fts ? " JOIN proposal_words w ON w.rowid = proposals.id" : "");
	seen_rows(q, &pq->sight);
	if (pq->body) {
		sql(q, " AND ");
		body_is(q, "body", pq->body);
	}
	/* A status is the status column, an outcome a concluded proposal's
	 * outcome: equalities on the leading columns of proposals_status
	 * (status, id) and proposals_outcome (status, outcome), whose
	 * entries are then in id order.  "status = ? OR outcome = ?" made
	 * SQLite walk every proposal for the three open among 100,000. */
	if (pq->status && (!strcmp(pq->status, "open") ||
			   !strcmp(pq->status, "concluded"))) {
		sql(q, " AND status = ");
		text_param(q, pq->status);
	} else if (pq->status) {
		sql(q, " AND status = 'concluded' AND outcome = ");
		text_param(q, pq->status);
	}
	if (pq->order == CN_ORDER_DEADLINE)
		sql(q, " AND status = 'open' AND deadline IS NOT NULL");
	else if (pq->order == CN_ORDER_CONCLUDED)
		sql(q, " AND status = 'concluded'");
	if (pq->member) {
		if (d == CN_PAGESQL_PG)
			sql(q, " AND jsonb_exists((doc::jsonb)->'electorate', ");
		else
			sql(q, " AND EXISTS (SELECT 1 FROM json_each(doc,"
			    " '$.electorate') WHERE value = ");
		text_param(q, pq->member);
		sql(q, ")");
	}
	time_filter(q, pq, "opened", ">=", pq->opened_from);
	time_filter(q, pq, "opened", "<", pq->opened_to);
	time_ids(q, pq, key);
	time_filter(q, pq, "concluded", ">=", pq->concluded_from);
	time_filter(q, pq, "concluded", "<", pq->concluded_to);
	if (pq->match && words(q, pq->match, &pq->sight, err))
		return CN_ENOMEM;
	if (pq->after) {
		sql(q, " AND %s > ", key);
		int_param(q, pq->after);
	}
	if (pq->before) {
		sql(q, " AND %s < ", key);
		int_param(q, pq->before);
	}
	if (pq->order == CN_ORDER_DEADLINE)
		sql(q, " ORDER BY %s, id LIMIT ", time_col(q, "deadline"));
	else if (pq->order == CN_ORDER_CONCLUDED)
		sql(q, " ORDER BY %s DESC, id DESC LIMIT ",
		    time_col(q, "concluded"));
	else
		sql(q, " ORDER BY %s %s LIMIT ", key,
		    pq->ascending ? "ASC" : "DESC");
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

/* The record types as SQL literals, from the event type table: " IN
 * ('proposal.created', ...)".  Literals, not parameters, because a
 * trigger's text holds them too. */
static void record_types_in(struct cn_pagesql *q)
{
	int first = 1;

	sql(q, " IN (");
	for (int id = 0; id < CN_EV_COUNT; id++) {
		const struct cn_event_type *et = cn_event_type_get((enum cn_ev)id);
		if (!(et->flags & CN_EVT_PUBLIC_RECORD))
			continue;
		assert(!strchr(et->name, '\''));
		sql(q, "%s'%s'", first ? "" : ", ", et->name);
		first = 0;
	}
	sql(q, ")");
}

/* A public record branch: the indexed events whose proposal the column
 * (adopted or shared) puts on the sight's record, in seq order. */
static void record_branch(struct cn_pagesql *q, const struct cn_log_query *lq,
			  const char *col, int k)
{
	sql(q, " UNION SELECT seq FROM (SELECT seq FROM public_record WHERE"
	    " %s = 1 AND seq BETWEEN ", col);
	int_param(q, lq->from);
	sql(q, " AND ");
	int_param(q, lq->upto);
	branch_close(q, lq, k);
}

int cn_pagesql_log(struct cn_pagesql *q, enum cn_pagesql_dialect d,
		   const struct cn_log_query *lq, int indexed,
		   struct cn_err *err)
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
	if (indexed) {
		/* The public record of what the sight sees redacted, from
		 * the index of it: each branch reads only visible entries. */
		record_branch(q, lq, "adopted", k++);
		if (lq->sight.shared)
			record_branch(q, lq, "shared", k++);
	} else {
		/* A store opened read-only before it had the index: one type
		 * at a time, so each walks the type index in order, testing
		 * each event's proposal. */
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
	}
	/* Everything about the proposals it sees in full: the log walked in
	 * seq order from the cursor, each event's proposal looked up by its
	 * key, until the page is full.  A member sits on the bodies that
	 * decide most of what is proposed (every ally on the NAC), so the walk
	 * is short, whatever the log's length.  Not "proposal IN (SELECT id
	 * ...)": SQLite reads that as every id of those bodies, then every
	 * event of each in the range, sorted: the whole log's worth. */
	if (lq->sight.nbodies) {
		sql(q, " UNION ");
		branch_open(q, lq);
		sql(q, " AND EXISTS (SELECT 1 FROM proposals p"
		    " WHERE p.id = events.proposal AND ");
		body_in(q, "p.body", lq->sight.bodies, lq->sight.nbodies);
		sql(q, ")");
		branch_close(q, lq, k++);
	}
	sql(q, " ORDER BY seq LIMIT ");
	int_param(q, lq->limit);
	return finish(q, err);
}

/* ---- the public record index ------------------------------------------------ */

void cn_pagesql_record_types(struct cn_pagesql *q, enum cn_pagesql_dialect d)
{
	start(q, d);
	record_types_in(q);
	assert(!q->overflow);
}

/* What the index holds, derived from the log and the proposals table:
 * each event of a record type about a proposal, with that proposal's
 * sight fields (0 for a proposal without a row). */
#define DERIVED                                                               \
	" SELECT e.seq, e.proposal, " CN_PAGESQL_ADOPTED("p.") ", "             \
	CN_PAGESQL_SHARED("p.") " FROM events e LEFT JOIN proposals p"          \
	" ON p.id = e.proposal WHERE e.proposal IS NOT NULL AND e.type"

void cn_pagesql_record_fill(struct cn_pagesql *q, enum cn_pagesql_dialect d)
{
	start(q, d);
	sql(q, "INSERT INTO public_record(seq, proposal, adopted, shared)"
	    DERIVED);
	record_types_in(q);
	assert(!q->overflow);
}

/* " INDEXED BY name" on SQLite: the checks below read only indexes, which
 * its planner would pass over for the rowid (and read each event's row,
 * its bytes overflowing into pages of their own, to reach its type). */
static void indexed_by(struct cn_pagesql *q, const char *name)
{
	if (q->dialect == CN_PAGESQL_SQLITE)
		sql(q, " INDEXED BY %s", name);
}

void cn_pagesql_record_check(struct cn_pagesql *q, enum cn_pagesql_dialect d)
{
	start(q, d);
	/* An entry whose sight fields are not its proposal's (0 for a
	 * proposal without a row), or that names no record event about its
	 * proposal ... */
	sql(q, "SELECT coalesce((SELECT seq FROM (SELECT r.seq FROM"
	    " public_record r WHERE r.adopted <> CASE WHEN EXISTS (SELECT 1"
	    " FROM proposals p");
	indexed_by(q, "proposals_outcome");
	sql(q, " WHERE " CN_PAGESQL_IS_ADOPTED("p.") " AND"
	    " p.id = r.proposal) THEN 1 ELSE 0 END OR r.shared <> CASE WHEN"
	    " EXISTS (SELECT 1 FROM proposals p");
	indexed_by(q, "proposals_shared");
	sql(q, " WHERE " CN_PAGESQL_IS_SHARED("p.") " AND p.id = r.proposal)"
	    " THEN 1 ELSE 0 END"
	    " OR NOT EXISTS (SELECT 1 FROM events e");
	indexed_by(q, "events_type_seq");
	sql(q, " WHERE e.type");
	record_types_in(q);
	sql(q, " AND e.seq = r.seq AND e.proposal = r.proposal)");
	/* ... or a record event without its entry. */
	sql(q, " UNION ALL SELECT e.seq FROM events e WHERE e.proposal IS NOT"
	    " NULL AND NOT EXISTS (SELECT 1 FROM public_record r WHERE r.seq ="
	    " e.seq) AND e.type");
	record_types_in(q);
	sql(q, ") AS bad ORDER BY seq LIMIT 1), 0)");
	assert(!q->overflow);
}

void cn_pagesql_release(struct cn_pagesql *q)
{
	free(q->phrase);
	q->phrase = NULL;
}
