/*
 * pg_query.c - the PostgreSQL backend's paged queries (store.h, "paged
 * queries"): a page of proposals by sight, filters, words and cursor;
 * the seqs of the log's events a restricted sight sees, through indexes
 * rather than by decoding the events it does not see.  The SQL is
 * pagesql.c's, the same questions as the SQLite backend asks.
 *
 * And what they need beside the tables, made on a writable open of a
 * store that lacks them (as sqlite_query.c does):
 *   - indexes on event types and on the proposals' sight fields;
 *   - the text search configuration `council_search`: PostgreSQL's
 *     `simple` parser and dictionary (words as written, lower-cased, no
 *     stemming: as SQLite's unicode61 tokenizer) after the `unaccent`
 *     dictionary, so that words match without diacritics as they do on
 *     SQLite (remove_diacritics);
 *   - a GIN index on each proposal's words (CN_PAGESQL_PG_WORDS), which
 *     PostgreSQL keeps in step with the proposals table in the same
 *     transaction as the projection write.
 * `unaccent` is a contrib extension that Debian's postgresql package
 * ships and that a database owner may create (it is marked trusted); it
 * is made once per database, in schema council_unaccent.
 */
#include "pg.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "../core/buf.h"
#include "pagesql.h"

static const char query_schema[] =
	"SELECT pg_advisory_xact_lock(hashtext('council query schema'));"
	/* A restricted log's branches (pagesql.c) walk one type's events in
	 * seq order and test each one's proposal: with both in the index the
	 * walk never reads an event's row (its bytes) to find it hidden.
	 * It replaces an older store's index on type alone. */
	"CREATE INDEX IF NOT EXISTS events_type_seq ON events(type, seq, proposal);"
	"DROP INDEX IF EXISTS events_type;"
	"CREATE INDEX IF NOT EXISTS proposals_outcome ON proposals(status, outcome);"
	"CREATE INDEX IF NOT EXISTS proposals_shared ON proposals(shared);"
	/* The open proposals by deadline: what reminders look ahead at
	 * (cn_store_deadline_page); byte order, as the times compare. */
	"CREATE INDEX IF NOT EXISTS proposals_deadline"
	"  ON proposals(status, deadline COLLATE \"C\");"
	/* A status's proposals in id order (a list filtered by status):
	 * pagesql.c walks each of these from its start, never the other
	 * rows. */
	"CREATE INDEX IF NOT EXISTS proposals_status ON proposals(status, id);"
	/* A body's proposals in id order (a list filtered by body), compared
	 * as pagesql.c compares a body: without case. */
	"CREATE INDEX IF NOT EXISTS proposals_body ON proposals(lower(body), id);"
	/* Both, as the page asks for a body's open and concluded lists: with
	 * only the two above, SQLite walked the body's (every proposal of
	 * the NAC) to find its few open ones. */
	"CREATE INDEX IF NOT EXISTS proposals_status_body"
	"  ON proposals(status, lower(body), id);"
	/* The concluded ones by their conclusion (a calendar's latest). */
	"CREATE INDEX IF NOT EXISTS proposals_concluded"
	"  ON proposals(status, concluded COLLATE \"C\");"
	/* The proposals opened in a range of times, for the planner to
	 * choose when a range holds few (SQLite bounds its walk by id
	 * instead: pagesql.c, time_ids). */
	"CREATE INDEX IF NOT EXISTS proposals_opened"
	"  ON proposals(opened COLLATE \"C\");"
	/* The extension is one per database: made in a schema of its own,
	 * not in this store's, so that dropping one store's schema never
	 * takes another's search with it; where an administrator made it
	 * already, it is used where it is, its dictionary named with that
	 * schema. */
	"DO $$ BEGIN"
	"  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent')"
	"  THEN"
	"    CREATE SCHEMA IF NOT EXISTS council_unaccent;"
	"    CREATE EXTENSION unaccent SCHEMA council_unaccent;"
	"  END IF; END $$;"
	"DO $$ DECLARE s text; BEGIN"
	"  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname ="
	"    'council_search' AND cfgnamespace = current_schema()::regnamespace)"
	"  THEN"
	"    SELECT n.nspname INTO s FROM pg_extension e JOIN pg_namespace n"
	"      ON n.oid = e.extnamespace WHERE e.extname = 'unaccent';"
	"    CREATE TEXT SEARCH CONFIGURATION council_search"
	"      (COPY = pg_catalog.simple);"
	"    EXECUTE format('ALTER TEXT SEARCH CONFIGURATION council_search"
	"      ALTER MAPPING FOR asciiword, word, numword, asciihword, hword,"
	"      numhword, hword_asciipart, hword_part, hword_numpart"
	"      WITH %I.unaccent, simple', s);"
	"  END IF; END $$;"
	"CREATE INDEX IF NOT EXISTS proposals_words ON proposals USING gin("
	CN_PAGESQL_PG_WORDS ");"
	/* Calendar feed keys (pg_tokens.c), in a store made before them. */
	"ALTER TABLE tokens ADD COLUMN IF NOT EXISTS feed_of bigint"
	"  REFERENCES tokens(id);"
	/* A person's holder (cn_store_person_holder), in a store made before
	 * them: every row there names no person. */
	"ALTER TABLE tokens ADD COLUMN IF NOT EXISTS person bigint;"
	/* A token's calendar feeds (cn_store_feed_list), in id order. */
	"CREATE INDEX IF NOT EXISTS tokens_feeds ON tokens(feed_of, id)"
	"  WHERE feed_of IS NOT NULL;";

/* The public record index (pagesql.h): made and filled from the log
 * once, under the script's lock (a second opener waiting on it then finds
 * the table); the triggers that keep it in step, the one on the events
 * naming the record types. */
static int record_index(struct cn_store_backend *b, struct cn_err *err)
{
	struct cn_pagesql types, fill;
	struct cn_buf ddl = CN_BUF_INIT;
	char *text;
	int rc;

	cn_pagesql_record_types(&types, CN_PAGESQL_PG);
	cn_pagesql_record_fill(&fill, CN_PAGESQL_PG);
	cn_buf_printf(&ddl,
		"DO $$ BEGIN IF to_regclass(" CN_PG_HERE("public_record") ") IS NULL"
		"  THEN"
		"  CREATE TABLE public_record(seq bigint PRIMARY KEY,"
		"    proposal bigint NOT NULL, adopted bigint NOT NULL,"
		"    shared bigint NOT NULL);"
		"  CREATE INDEX public_record_adopted ON public_record(adopted, seq);"
		"  CREATE INDEX public_record_shared ON public_record(shared, seq);"
		"  CREATE INDEX public_record_proposal ON public_record(proposal);"
		"  %s;"
		"END IF; END $$;"
		"CREATE OR REPLACE FUNCTION council_public_record_event()"
		"  RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
		CN_PAGESQL_RECORD_ENTRY("NEW.") " RETURN NULL; END $f$;"
		"CREATE OR REPLACE TRIGGER public_record_event AFTER INSERT ON"
		"  events FOR EACH ROW WHEN (NEW.proposal IS NOT NULL AND"
		"  NEW.type%s) EXECUTE FUNCTION council_public_record_event();"
		"CREATE OR REPLACE FUNCTION council_public_record_sight()"
		"  RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN"
		"  IF TG_OP = 'DELETE' THEN UPDATE public_record SET adopted = 0,"
		"    shared = 0 WHERE proposal = OLD.id;"
		"  ELSE " CN_PAGESQL_RECORD_SIGHT("NEW.")
		"  END IF; RETURN NULL; END $f$;"
		"CREATE OR REPLACE TRIGGER public_record_new AFTER INSERT OR"
		"  DELETE ON proposals FOR EACH ROW"
		"  EXECUTE FUNCTION council_public_record_sight();"
		/* only when a sight field changes: most writes change positions */
		"CREATE OR REPLACE TRIGGER public_record_change AFTER UPDATE ON"
		"  proposals FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM"
		"  NEW.status OR OLD.outcome IS DISTINCT FROM NEW.outcome OR"
		"  OLD.shared IS DISTINCT FROM NEW.shared)"
		"  EXECUTE FUNCTION council_public_record_sight();",
		fill.sql, types.sql);
	if (cn_buf_finish(&ddl, &text))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	rc = cn_pg_script(b, text, "creating the public record index", err);
	free(text);
	return rc;
}

int cn_pg_create_query(struct cn_store_backend *b, struct cn_err *err)
{
	int64_t have = 0;
	int rc;

	/* Made once: later opens find everything the script makes and
	 * change nothing, so writers opening at once take no lock.  Each
	 * thing is looked for, not only the newest: a store may have been
	 * made by any version between them. */
	if ((rc = cn_pg_one(b, "SELECT (to_regclass(" CN_PG_HERE("proposals_words")
			    ") IS NOT NULL AND (SELECT count(*) FROM"
			    " information_schema.columns WHERE table_schema ="
			    " current_schema() AND table_name = 'tokens' AND"
			    " column_name IN ('feed_of', 'person')) = 2 AND"
			    " to_regclass(" CN_PG_HERE("public_record") ") IS NOT"
			    " NULL AND to_regclass(" CN_PG_HERE("tokens_feeds")
			    ") IS NOT NULL AND to_regclass("
			    CN_PG_HERE("proposals_status") ") IS NOT NULL AND"
			    " to_regclass(" CN_PG_HERE("proposals_body") ") IS NOT"
			    " NULL AND to_regclass(" CN_PG_HERE("proposals_concluded")
			    ") IS NOT NULL AND to_regclass("
			    CN_PG_HERE("proposals_status_body") ") IS NOT"
			    " NULL AND to_regclass(" CN_PG_HERE("proposals_opened")
			    ") IS NOT NULL)::int::bigint", NULL,
			    cn_pg_get_int64,
			    &have, "reading the schema", "no schema", err)))
		return rc;
	if (have)
		return 0;
	if ((rc = cn_pg_cmd(b, "BEGIN", NULL, NULL, "creating the search", err)))
		return rc;
	rc = cn_pg_script(b, query_schema, "creating the search (it needs the "
			  "unaccent extension, which Debian's postgresql "
			  "package ships)", err);
	if (rc == 0)
		rc = record_index(b, err);
	if (rc == 0)
		rc = cn_pg_cmd(b, "COMMIT", NULL, NULL, "creating the search", err);
	if (rc)
		PQclear(PQexec(b->conn, "ROLLBACK"));
	return rc;
}

/* A built query's parameters, typed for the wire. */
static int bind(const struct cn_pagesql *q, struct cn_pg_params *p,
		struct cn_err *err)
{
	if (q->np > CN_PG_MAXP)
		return cn_err_set(err, CN_EINVAL, "the query has too many terms");
	for (int i = 0; i < q->np; i++) {
		if (q->p[i].s)
			cn_pg_str(p, q->p[i].s);
		else
			cn_pg_int(p, q->p[i].i);
	}
	return 0;
}

struct doc_page {
	cn_doc_fn fn;
	void *ctx;
};

static int doc_row(void *ctx, const struct cn_pg_row *r, struct cn_err *err)
{
	struct doc_page *d = ctx;
	size_t len;
	const char *t = cn_pg_value(r, 1, &len);
	return d->fn(d->ctx, cn_pg_int64(r, 0), t ? t : "", t ? len : 0, err);
}

struct row_page {
	cn_proposal_fn fn;
	void *ctx;
};

/* Column col's text, or `none` when it is NULL. */
static const char *text_or(const struct cn_pg_row *r, int col,
			   const char *none)
{
	size_t len;

	return cn_pg_isnull(r, col) ? none : cn_pg_value(r, col, &len);
}

/* id, doc, body, shared, adopted, title, procedure, status, outcome
 * (cn_pagesql_proposals) */
static int proposal_row(void *ctx, const struct cn_pg_row *r,
			struct cn_err *err)
{
	struct row_page *d = ctx;
	struct cn_proposal_row row = {.id = cn_pg_int64(r, 0)};
	const char *t = cn_pg_value(r, 1, &row.len);

	row.doc = t ? t : "";
	if (!t)
		row.len = 0;
	cn_pg_copy(r, 2, row.body, sizeof(row.body));
	row.shared = (int)cn_pg_int64(r, 3);
	row.adopted = (int)cn_pg_int64(r, 4);
	row.title = text_or(r, 5, "");
	row.procedure = text_or(r, 6, "");
	row.status = text_or(r, 7, "");
	row.outcome = text_or(r, 8, NULL);
	return d->fn(d->ctx, &row, err);
}

int cn_pg_proposal_page(struct cn_store_backend *b,
			const struct cn_proposal_query *pq, cn_proposal_fn fn,
			void *ctx, struct cn_err *err)
{
	struct row_page d = {fn, ctx};
	struct cn_pg_params p = {0};
	struct cn_pagesql q;
	int rc;

	if (!(rc = cn_pagesql_proposals(&q, CN_PAGESQL_PG, pq, err)) &&
	    !(rc = bind(&q, &p, err)))
		rc = cn_pg_each(b, q.sql, &p, proposal_row, &d,
				"reading proposals", err);
	cn_pagesql_release(&q);
	return rc;
}

int cn_pg_deadline_page(struct cn_store_backend *b, const char *after,
			int64_t after_id, const char *upto, int64_t limit, cn_doc_fn fn,
			void *ctx, struct cn_err *err)
{
	struct doc_page d = {fn, ctx};
	struct cn_pg_params p = {0};

	cn_pg_str(&p, after);
	cn_pg_int(&p, after_id);
	cn_pg_str(&p, upto);
	cn_pg_int(&p, limit);
	return cn_pg_each(b, "SELECT id, doc FROM proposals WHERE status ="
			  " 'open' AND deadline COLLATE \"C\" >= $1 AND"
			  " (deadline COLLATE \"C\" > $1 OR id > $2) AND"
			  " deadline COLLATE \"C\" <= $3 ORDER BY deadline"
			  " COLLATE \"C\", id LIMIT $4", &p, doc_row, &d,
			  "reading deadlines", err);
}

struct seq_page {
	int64_t *seqs;
	size_t n, max;
};

static int seq_row(void *ctx, const struct cn_pg_row *r, struct cn_err *err)
{
	struct seq_page *s = ctx;
	(void)err;
	assert(s->n < s->max);
	s->seqs[s->n++] = cn_pg_int64(r, 0);
	return 0;
}

/* Whether the store has the public record index: a store opened
 * read-only may predate it (a writable open makes it). */
static int record_indexed(struct cn_store_backend *b, struct cn_err *err)
{
	int64_t have = 0;
	int rc;

	if (b->record_index)
		return 0;
	if ((rc = cn_pg_one(b, "SELECT (to_regclass('public_record') IS NOT"
			    " NULL)::int::bigint", NULL, cn_pg_get_int64, &have,
			    "reading the schema", "no schema", err)))
		return rc;
	b->record_index = have ? 1 : -1;
	return 0;
}

int cn_pg_log_page(struct cn_store_backend *b, const struct cn_log_query *lq,
		   int64_t *seqs, size_t *n, struct cn_err *err)
{
	struct seq_page s = {seqs, 0, (size_t)lq->limit};
	struct cn_pg_params p = {0};
	struct cn_pagesql q;
	int rc;

	if (!(rc = record_indexed(b, err)) &&
	    !(rc = cn_pagesql_log(&q, CN_PAGESQL_PG, lq, b->record_index > 0,
				  err)) &&
	    !(rc = bind(&q, &p, err)))
		rc = cn_pg_each(b, q.sql, &p, seq_row, &s, "reading the log", err);
	*n = s.n;
	cn_pagesql_release(&q);
	return rc;
}

int cn_pg_record_check(struct cn_store_backend *b, int64_t *seq,
		       struct cn_err *err)
{
	struct cn_pagesql q;
	int rc;

	*seq = 0;
	if ((rc = record_indexed(b, err)) || b->record_index < 0)
		return rc;
	cn_pagesql_record_check(&q, CN_PAGESQL_PG);
	return cn_pg_one(b, q.sql, NULL, cn_pg_get_int64, seq,
			 "checking the public record index", "no answer", err);
}
