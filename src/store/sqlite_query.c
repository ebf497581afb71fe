/*
 * sqlite_query.c - the SQLite backend's paged queries (store.h, "paged
 * queries"): a page of proposals by sight, filters, full-text match and
 * cursor; the seqs of the log's events a restricted sight sees, found
 * through indexes rather than by decoding the events it does not see.
 *
 * And what those queries need beside the tables: the search index (an
 * FTS5 table over each proposal's title, text and sight words, keyed by
 * its id: pagesql.h, CN_PAGESQL_SIGHT_WORDS) and the public record index
 * (pagesql.h), with the triggers that keep them in step with the log and
 * the proposals table inside the same transaction as the append and the
 * projection write, an index on event types, and indexes on the
 * proposals' sight fields.  The queries' SQL is
 * pagesql.c's, shared with the PostgreSQL backend.
 * They are created with a store, or added (and the index filled) the
 * first time an older store of the same schema version is opened for
 * writing.
 */
#include "sqlite.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "../core/buf.h"
#include "pagesql.h"

/* What a proposal is found by: its title and its current text (a
 * recirculated text replaces the old one, and raises the revision), and
 * its sight words (pagesql.h, CN_PAGESQL_SIGHT_WORDS). */
#define SEARCH_ROW                                                            \
	"INSERT INTO proposal_words(rowid, title, text, sight) VALUES(new.id," \
	" new.title, coalesce(json_extract(new.doc, '$.text'), ''), "          \
	CN_PAGESQL_SIGHT_WORDS("new.") ");"

/* Whether proposals are in time order (CN_PAGESQL_ORDER_KEY, read as
 * CN_PAGESQL_IN_TIME_ORDER): a new or changed row's test, concluded
 * before it opened, or against the others, a smaller id opened later
 * (walked through proposals_opened from the row's time; the + keeps
 * SQLite from walking the ids instead) or a larger id opened earlier
 * (walked by id from the row's). */
#define OUT_OF_TIME_ORDER                                                     \
	"(new.concluded < new.opened OR EXISTS (SELECT 1 FROM proposals p"     \
	" WHERE p.opened > new.opened AND +p.id < new.id) OR EXISTS (SELECT 1" \
	" FROM proposals p WHERE p.id > new.id AND +p.opened < new.opened))"
#define NOW_OUT_OF_TIME_ORDER                                                 \
	"UPDATE meta SET value = '0' WHERE key = '" CN_PAGESQL_ORDER_KEY "';"
/* Whether an older store's proposals are in time order, when it first
 * opens with the triggers above: each row against the latest opened
 * before it (one walk in id order), and its own conclusion. */
#define TIME_ORDER_FILL                                                       \
	"INSERT INTO meta(key, value) SELECT '" CN_PAGESQL_ORDER_KEY "',"     \
	" CASE WHEN EXISTS (SELECT 1 FROM (SELECT opened, concluded,"          \
	" max(opened) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND"  \
	" 1 PRECEDING) AS latest FROM proposals) WHERE opened < latest OR"     \
	" concluded < opened) THEN '0' ELSE '1' END"

static const char query_schema[] =
	/* A restricted log's branches (pagesql.c) walk one type's events in
	 * seq order and test each one's proposal: with both in the index the
	 * walk never reads an event's row (its bytes) to find it hidden.
	 * It replaces an older store's index on type alone. */
	"CREATE INDEX IF NOT EXISTS events_type_seq ON events(type, seq, proposal);"
	"DROP INDEX IF EXISTS events_type;"
	/* What sight selects proposals by besides their body: the adopted
	 * ones (everyone's) and the shared ones (partners'), each in id
	 * order (the rowid ends every index), so that a principal who sees
	 * few of many finds them without reading the others. */
	"CREATE INDEX IF NOT EXISTS proposals_outcome ON proposals(status, outcome);"
	"CREATE INDEX IF NOT EXISTS proposals_shared ON proposals(shared);"
	/* The open proposals by deadline: what reminders look ahead at
	 * (cn_store_deadline_page). */
	"CREATE INDEX IF NOT EXISTS proposals_deadline"
	"  ON proposals(status, deadline);"
	/* A status's proposals in id order (a list filtered by status):
	 * pagesql.c walks each of these from its start, never the other
	 * rows. */
	"CREATE INDEX IF NOT EXISTS proposals_status ON proposals(status, id);"
	/* A body's proposals in id order (a list filtered by body), compared
	 * as pagesql.c compares a body: without case. */
	"CREATE INDEX IF NOT EXISTS proposals_body ON proposals(body COLLATE NOCASE, id);"
	/* Both, as the page asks for a body's open and concluded lists: with
	 * only the two above, SQLite walked the body's (every proposal of
	 * the NAC) to find its few open ones. */
	"CREATE INDEX IF NOT EXISTS proposals_status_body"
	"  ON proposals(status, body COLLATE NOCASE, id);"
	/* The concluded ones by their conclusion (a calendar's latest). */
	"CREATE INDEX IF NOT EXISTS proposals_concluded"
	"  ON proposals(status, concluded);"
	/* A token's calendar feeds (cn_store_feed_list), in id order. */
	"CREATE INDEX IF NOT EXISTS tokens_feeds ON tokens(feed_of, id)"
	"  WHERE feed_of IS NOT NULL;"
	/* An older store's search, without the sight words: replaced. */
	"DROP TRIGGER IF EXISTS proposal_search_insert;"
	"DROP TRIGGER IF EXISTS proposal_search_update;"
	"DROP TRIGGER IF EXISTS proposal_search_delete;"
	"DROP TABLE IF EXISTS proposal_search;"
	"CREATE VIRTUAL TABLE IF NOT EXISTS proposal_words USING fts5(title,"
	"  text, sight, tokenize = 'unicode61 remove_diacritics 2');"
	"CREATE TRIGGER IF NOT EXISTS proposal_words_insert AFTER INSERT ON"
	"  proposals BEGIN " SEARCH_ROW " END;"
	/* Most writes change a proposal's positions, not its words or its
	 * sight: only a new title or revision, or a conclusion, re-indexes
	 * it. */
	"CREATE TRIGGER IF NOT EXISTS proposal_words_update AFTER UPDATE ON"
	"  proposals WHEN old.title IS NOT new.title"
	"  OR old.revision IS NOT new.revision OR old.status IS NOT new.status"
	"  OR old.outcome IS NOT new.outcome OR old.shared IS NOT new.shared"
	"  BEGIN DELETE FROM proposal_words WHERE rowid = old.id; " SEARCH_ROW
	"  END;"
	"CREATE TRIGGER IF NOT EXISTS proposal_words_delete AFTER DELETE ON"
	"  proposals BEGIN DELETE FROM proposal_words WHERE rowid = old.id; END;"
	/* The public record index (pagesql.h): its table, and the triggers
	 * that move a proposal's entries with its sight fields (only when
	 * one changes: most writes change positions).  The trigger on the
	 * events, which names the record types, is record_trigger's. */
	"CREATE TABLE IF NOT EXISTS public_record(seq INTEGER PRIMARY KEY,"
	"  proposal INTEGER NOT NULL, adopted INTEGER NOT NULL,"
	"  shared INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS public_record_adopted"
	"  ON public_record(adopted, seq);"
	"CREATE INDEX IF NOT EXISTS public_record_shared"
	"  ON public_record(shared, seq);"
	"CREATE INDEX IF NOT EXISTS public_record_proposal"
	"  ON public_record(proposal);"
	"CREATE TRIGGER IF NOT EXISTS public_record_new AFTER INSERT ON"
	"  proposals BEGIN " CN_PAGESQL_RECORD_SIGHT("new.") " END;"
	"CREATE TRIGGER IF NOT EXISTS public_record_change AFTER UPDATE ON"
	"  proposals WHEN old.status IS NOT new.status OR old.outcome IS NOT"
	"  new.outcome OR old.shared IS NOT new.shared BEGIN "
	CN_PAGESQL_RECORD_SIGHT("new.") " END;"
	"CREATE TRIGGER IF NOT EXISTS public_record_gone AFTER DELETE ON"
	"  proposals BEGIN UPDATE public_record SET adopted = 0, shared = 0"
	"  WHERE proposal = old.id; END;";

/* The first and the last proposal opened before or after a time, which
 * bound a list's walk in id order while proposals are in time order
 * (pagesql.c, time_ids); and the triggers that say when they no longer
 * are: a row opened before one of a smaller id, or after one of a
 * larger, or concluded before it opened (each EXISTS walks an index from
 * the row's place, and finds nothing while in order).  Once out of
 * order, a store stays so: the bounds are then the whole record's.
 * Apart from query_schema, which would be longer than C lets a string
 * be. */
static const char order_schema[] =
	"CREATE INDEX IF NOT EXISTS proposals_opened ON proposals(opened);"
	"CREATE TRIGGER IF NOT EXISTS proposals_order_insert AFTER INSERT ON"
	"  proposals WHEN " CN_PAGESQL_IN_TIME_ORDER " AND " OUT_OF_TIME_ORDER
	"  BEGIN " NOW_OUT_OF_TIME_ORDER " END;"
	"CREATE TRIGGER IF NOT EXISTS proposals_order_update AFTER UPDATE OF"
	"  opened, concluded ON proposals WHEN (old.opened IS NOT new.opened OR"
	"  old.concluded IS NOT new.concluded) AND " CN_PAGESQL_IN_TIME_ORDER
	" AND " OUT_OF_TIME_ORDER " BEGIN " NOW_OUT_OF_TIME_ORDER " END;";

/* A new record event's entry (CN_PAGESQL_RECORD_ENTRY), on an event of
 * a record type. */
static int record_trigger(struct cn_store_backend *b, struct cn_err *err)
{
	struct cn_pagesql types;
	struct cn_buf ddl = CN_BUF_INIT;
	char *text;
	int rc;

	cn_pagesql_record_types(&types, CN_PAGESQL_SQLITE);
	cn_buf_printf(&ddl, "CREATE TRIGGER IF NOT EXISTS public_record_event"
		      " AFTER INSERT ON events WHEN new.proposal IS NOT NULL AND"
		      " new.type%s BEGIN " CN_PAGESQL_RECORD_ENTRY("new.")
		      " END;", types.sql);
	if (cn_buf_finish(&ddl, &text))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	rc = cn_sq_exec(b, text, err);
	free(text);
	return rc;
}

int cn_sq_create_query(struct cn_store_backend *b, struct cn_err *err)
{
	int64_t had = 0, feeds = 0, holders = 0, indexed = 0, ordered = 0;
	struct cn_pagesql fill;
	sqlite3_stmt *s;

	if (cn_sq_exec(b, "BEGIN IMMEDIATE", err))
		return CN_EIO;
	s = cn_sq_fresh(b, "SELECT count(*) FROM sqlite_schema WHERE"
			" name = 'proposal_words'", err);
	if (!s || cn_sq_one(b, s, cn_sq_int64, &had, "reading the schema",
			    "no schema", err) ||
	    !(s = cn_sq_fresh(b, "SELECT count(*) FROM sqlite_schema WHERE"
			      " name = 'public_record'", err)) ||
	    cn_sq_one(b, s, cn_sq_int64, &indexed, "reading the schema",
		      "no schema", err) ||
	    /* Calendar feed keys (sqlite_tokens.c), in a store made before
	     * them. */
	    !(s = cn_sq_fresh(b, "SELECT count(*) FROM pragma_table_info("
			      "'tokens') WHERE name = 'feed_of'", err)) ||
	    cn_sq_one(b, s, cn_sq_int64, &feeds, "reading the schema",
		      "no schema", err) ||
	    (!feeds && cn_sq_exec(b, "ALTER TABLE tokens ADD COLUMN feed_of"
				  " INTEGER REFERENCES tokens(id)", err)) ||
	    /* A person's holder (cn_store_person_holder), in a store made
	     * before them: every row there names no person. */
	    !(s = cn_sq_fresh(b, "SELECT count(*) FROM pragma_table_info("
			      "'tokens') WHERE name = 'person'", err)) ||
	    cn_sq_one(b, s, cn_sq_int64, &holders, "reading the schema",
		      "no schema", err) ||
	    (!holders && cn_sq_exec(b, "ALTER TABLE tokens ADD COLUMN person"
				    " INTEGER", err)) ||
	    /* Whether proposals are in time order: known once, then kept
	     * by the triggers in order_schema. */
	    !(s = cn_sq_fresh(b, "SELECT count(*) FROM meta WHERE key = '"
			      CN_PAGESQL_ORDER_KEY "'", err)) ||
	    cn_sq_one(b, s, cn_sq_int64, &ordered, "reading the schema",
		      "no schema", err) ||
	    (!ordered && cn_sq_exec(b, TIME_ORDER_FILL, err)) ||
	    cn_sq_exec(b, query_schema, err) ||
	    cn_sq_exec(b, order_schema, err) || record_trigger(b, err) ||
	    /* A store made before the index: filled from the log once. */
	    (!indexed && (cn_pagesql_record_fill(&fill, CN_PAGESQL_SQLITE),
			  cn_sq_exec(b, fill.sql, err))) ||
	    (!had && cn_sq_exec(b, "INSERT INTO proposal_words(rowid, title,"
				" text, sight) SELECT id, title, coalesce("
				"json_extract(doc, '$.text'), ''), "
				CN_PAGESQL_SIGHT_WORDS("") " FROM"
				" proposals", err)) ||
	    cn_sq_exec(b, "COMMIT", err)) {
		sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
		return err && err->code ? err->code : CN_EIO; /* or CN_ENOMEM */
	}
	b->record_index = 1;
	return 0;
}

/* ---- running a built query ------------------------------------------------ */

static sqlite3_stmt *prepare(struct cn_store_backend *b,
			     const struct cn_pagesql *q, struct cn_err *err)
{
	sqlite3_stmt *s;

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
	const char *t;
	size_t n;
	int rc = cn_sq_col_text(s, 1, "proposals.doc", CN_SQ_NOT_NULL, &t, &n,
				err);

	return rc ? rc : d->fn(d->ctx, sqlite3_column_int64(s, 0), t, n, err);
}

struct row_page {
	cn_proposal_fn fn;
	void *ctx;
};

/* id, doc, body, shared, adopted, title, procedure, status, outcome
 * (cn_pagesql_proposals) */
static int proposal_row(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct row_page *d = ctx;
	struct cn_proposal_row r = {.id = sqlite3_column_int64(s, 0)};
	const char *body;
	int rc;

	if ((rc = cn_sq_col_text(s, 1, "proposals.doc", CN_SQ_NOT_NULL, &r.doc,
				 &r.len, err)) ||
	    (rc = cn_sq_col_text(s, 2, "proposals.body", CN_SQ_NOT_NULL, &body,
				 NULL, err)) ||
	    (rc = cn_sq_col_text(s, 5, "proposals.title", CN_SQ_NOT_NULL,
				 &r.title, NULL, err)) ||
	    (rc = cn_sq_col_text(s, 6, "proposals.procedure", CN_SQ_NOT_NULL,
				 &r.procedure, NULL, err)) ||
	    (rc = cn_sq_col_text(s, 7, "proposals.status", CN_SQ_NOT_NULL,
				 &r.status, NULL, err)) ||
	    (rc = cn_sq_col_text(s, 8, "proposals.outcome", CN_SQ_NULLABLE,
				 &r.outcome, NULL, err)))
		return rc;
	snprintf(r.body, sizeof(r.body), "%s", body);
	r.shared = sqlite3_column_int(s, 3);
	r.adopted = sqlite3_column_int(s, 4);
	return d->fn(d->ctx, &r, err);
}

int cn_sq_proposal_page(struct cn_store_backend *b,
			const struct cn_proposal_query *pq, cn_proposal_fn fn,
			void *ctx, struct cn_err *err)
{
	struct row_page d = {fn, ctx};
	struct cn_pagesql q;
	sqlite3_stmt *s;
	int rc;

	if ((rc = cn_pagesql_proposals(&q, CN_PAGESQL_SQLITE, pq, err)))
		goto out;
	if (!(s = prepare(b, &q, err))) {
		rc = CN_EIO;
		goto out;
	}
	rc = cn_sq_each(b, s, proposal_row, &d, "reading proposals", err);
out:
	cn_pagesql_release(&q);
	return rc;
}

int cn_sq_deadline_page(struct cn_store_backend *b, const char *after,
			int64_t after_id, const char *upto, int64_t limit, cn_doc_fn fn,
			void *ctx, struct cn_err *err)
{
	struct doc_page d = {fn, ctx};
	sqlite3_stmt *s = cn_sq_fresh(b, "SELECT id, doc FROM proposals"
				      " WHERE status = 'open' AND deadline >= ?1"
				      " AND (deadline > ?1 OR id > ?2) AND"
				      " deadline <= ?3 ORDER BY deadline, id"
				      " LIMIT ?4", err);

	if (!s)
		return CN_EIO;
	sqlite3_bind_text(s, 1, after, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, after_id);
	sqlite3_bind_text(s, 3, upto, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, limit);
	return cn_sq_each(b, s, doc_row, &d, "reading deadlines", err);
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

/* Whether the store has the public record index: a store opened
 * read-only may predate it (a writable open makes it). */
static int record_indexed(struct cn_store_backend *b, struct cn_err *err)
{
	int64_t have = 0;
	sqlite3_stmt *s;

	if (b->record_index)
		return 0;
	s = cn_sq_fresh(b, "SELECT count(*) FROM sqlite_schema WHERE"
			" name = 'public_record'", err);
	if (!s || cn_sq_one(b, s, cn_sq_int64, &have, "reading the schema",
			    "no schema", err))
		return CN_EIO;
	b->record_index = have ? 1 : -1;
	return 0;
}

int cn_sq_log_page(struct cn_store_backend *b, const struct cn_log_query *lq,
		   int64_t *seqs, size_t *n, struct cn_err *err)
{
	struct seq_page p = {seqs, 0, (size_t)lq->limit};
	struct cn_pagesql q;
	sqlite3_stmt *s;
	int rc;

	*n = 0;
	if ((rc = record_indexed(b, err)) ||
	    (rc = cn_pagesql_log(&q, CN_PAGESQL_SQLITE, lq, b->record_index > 0,
				 err)))
		goto out;
	if (!(s = prepare(b, &q, err))) {
		rc = CN_EIO;
		goto out;
	}
	rc = cn_sq_each(b, s, seq_row, &p, "reading the log", err);
	*n = p.n;
out:
	cn_pagesql_release(&q);
	return rc;
}

int cn_sq_record_check(struct cn_store_backend *b, int64_t *seq,
		       struct cn_err *err)
{
	struct cn_pagesql q;
	sqlite3_stmt *s;
	int rc;

	*seq = 0;
	if ((rc = record_indexed(b, err)) || b->record_index < 0)
		return rc;
	cn_pagesql_record_check(&q, CN_PAGESQL_SQLITE);
	if (!(s = cn_sq_fresh(b, q.sql, err)))
		return CN_EIO;
	return cn_sq_one(b, s, cn_sq_int64, seq, "checking the public record"
			 " index", "no answer", err);
}
