/*
 * sqlite_open.c - the SQLite backend: opening and creating a store, its schema,
 * transactions and the change signal, the statement cache and the step
 * helpers every file uses, and the table of operations (store.h).
 */
#include "sqlite.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APP_ID 0x434E434C /* 'CNCL' */
/* 2: Merkle tree, checkpoints, tokens; 3: blinded leaves (each event's
 * salt beside its bytes), type and proposal written at append, the time
 * of each checkpoint. */
#define SCHEMA_VERSION 3

/* The log and what lives beside it; the projection tables come from
 * cn_tables (sqlite_rows.c). */
static const char log_schema[] =
	/* The salt is the key of the event's commitment (core/event.h):
	 * beside the bytes, never inside them. */
	"CREATE TABLE events("
	"  seq INTEGER PRIMARY KEY,"
	"  bytes TEXT NOT NULL,"
	"  salt BLOB NOT NULL CHECK(length(salt) = 32),"
	"  hash BLOB NOT NULL CHECK(length(hash) = 32),"
	"  type TEXT NOT NULL,"
	"  proposal INTEGER);"
	"CREATE INDEX events_proposal ON events(proposal);"
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN"
	"  SELECT RAISE(ABORT, 'the event log is append-only'); END;"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN"
	"  SELECT RAISE(ABORT, 'the event log is append-only'); END;"
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	/* The Merkle tree over the events (RFC 9162): every perfect node once,
	 * so any proof is O(log n) lookups; and the signed checkpoints.  Both
	 * append-only, like the events. */
	"CREATE TABLE merkle_nodes(level INTEGER NOT NULL, idx INTEGER NOT NULL,"
	"  hash BLOB NOT NULL CHECK(length(hash) = 32),"
	"  PRIMARY KEY(level, idx)) WITHOUT ROWID;"
	"CREATE TABLE checkpoints(size INTEGER PRIMARY KEY,"
	"  root BLOB NOT NULL CHECK(length(root) = 32), note TEXT NOT NULL,"
	"  time INTEGER NOT NULL);"
	"CREATE INDEX checkpoints_time ON checkpoints(time, size);"
	"CREATE TRIGGER nodes_no_update BEFORE UPDATE ON merkle_nodes BEGIN"
	"  SELECT RAISE(ABORT, 'the Merkle tree is append-only'); END;"
	"CREATE TRIGGER nodes_no_delete BEFORE DELETE ON merkle_nodes BEGIN"
	"  SELECT RAISE(ABORT, 'the Merkle tree is append-only'); END;"
	"CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints BEGIN"
	"  SELECT RAISE(ABORT, 'checkpoints are append-only'); END;"
	"CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints BEGIN"
	"  SELECT RAISE(ABORT, 'checkpoints are append-only'); END;"
	/* Bearer tokens: credentials, not decisions, so they live beside the
	 * log rather than in it.  Only a hash of each token is kept. */
	"CREATE TABLE tokens("
	"  id INTEGER PRIMARY KEY,"
	"  hash BLOB NOT NULL UNIQUE CHECK(length(hash) = 32),"
	"  role TEXT NOT NULL CHECK(role IN ('secretariat', 'member', 'partner')),"
	"  principal TEXT,"
	"  label TEXT,"
	"  created TEXT NOT NULL,"
	"  revoked TEXT,"
	/* A calendar feed key reads for the bearer token it names. */
	"  feed_of INTEGER REFERENCES tokens(id));";

/* ---- helpers ------------------------------------------------------------ */

int cn_sq_err(struct cn_store_backend *b, struct cn_err *err, const char *what)
{
	return cn_err_set(err, CN_EIO, "%s: %s: %s", b->path, what,
			  sqlite3_errmsg(b->db));
}

int cn_sq_exec(struct cn_store_backend *b, const char *sql, struct cn_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(b->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = cn_err_set(err, CN_EIO, "%s: %s", b->path,
				    msg ? msg : sqlite3_errmsg(b->db));
		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

sqlite3_stmt *cn_sq_stmt(struct cn_store_backend *b, const char *sql,
			 struct cn_err *err)
{
	sqlite3_stmt *s;

	for (int i = 0; i < b->ncache; i++)
		if (!strcmp(b->cache[i].sql, sql)) {
			sqlite3_reset(b->cache[i].stmt);
			sqlite3_clear_bindings(b->cache[i].stmt);
			return b->cache[i].stmt;
		}
	if (sqlite3_prepare_v3(b->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
			       NULL) != SQLITE_OK) {
		cn_sq_err(b, err, "preparing a statement");
		return NULL;
	}
	if (b->ncache < CN_SQ_CACHE) {
		char *copy = strdup(sql);
		if (copy) {
			b->cache[b->ncache].sql = copy;
			b->cache[b->ncache++].stmt = s;
		}
	}
	return s;
}

sqlite3_stmt *cn_sq_fresh(struct cn_store_backend *b, const char *sql,
			  struct cn_err *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(b->db, sql, -1, &s, NULL) != SQLITE_OK) {
		cn_sq_err(b, err, "preparing a statement");
		return NULL;
	}
	return s;
}

/* Reset a cached statement (which also ends the read it holds), or
 * finalize one that did not fit in the cache. */
void cn_sq_release(struct cn_store_backend *b, sqlite3_stmt *s)
{
	for (int i = 0; i < b->ncache; i++)
		if (b->cache[i].stmt == s) {
			sqlite3_reset(s);
			return;
		}
	sqlite3_finalize(s);
}

int cn_sq_each(struct cn_store_backend *b, sqlite3_stmt *s, cn_sq_row_fn fn,
	       void *ctx, const char *what, struct cn_err *err)
{
	int rc = 0, step;

	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if (fn && (rc = fn(ctx, s, err)))
			break;
	if (rc == 0 && step != SQLITE_DONE)
		rc = cn_sq_err(b, err, what);
	cn_sq_release(b, s);
	return rc;
}

struct one {
	cn_sq_row_fn fn;
	void *ctx;
	int rows;
};

static int one_row(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct one *o = ctx;
	o->rows++;
	return o->fn ? o->fn(o->ctx, s, err) : 0;
}

int cn_sq_one(struct cn_store_backend *b, sqlite3_stmt *s, cn_sq_row_fn fn,
	      void *ctx, const char *what, const char *notfound,
	      struct cn_err *err)
{
	struct one o = {fn, ctx, 0};
	int rc = cn_sq_each(b, s, one_row, &o, what, err);
	if (rc == 0 && o.rows == 0)
		rc = cn_err_set(err, CN_ENOTFOUND, "%s", notfound);
	return rc;
}

int cn_sq_done(struct cn_store_backend *b, sqlite3_stmt *s, const char *what,
	       struct cn_err *err)
{
	int step = sqlite3_step(s);
	cn_sq_release(b, s);
	return step == SQLITE_DONE ? 0 : cn_sq_err(b, err, what);
}

int cn_sq_int64(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	(void)err;
	*(int64_t *)ctx = sqlite3_column_int64(s, 0);
	return 0;
}

int cn_sq_dup_text(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct cn_sq_text *out = ctx;
	if (!(*out->text = cn_sq_text(s, 0, out->len)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

int cn_sq_by_id(struct cn_store_backend *b, const char *sql, int64_t id,
		const char *thing, cn_sq_row_fn fn, void *ctx,
		struct cn_err *err)
{
	char notfound[64], what[64];
	sqlite3_stmt *s = cn_sq_stmt(b, sql, err);

	if (!s)
		return CN_EIO;
	snprintf(notfound, sizeof(notfound), "no %s %lld", thing, (long long)id);
	snprintf(what, sizeof(what), "reading %s %lld", thing, (long long)id);
	sqlite3_bind_int64(s, 1, id);
	return cn_sq_one(b, s, fn, ctx, what, notfound, err);
}

/* ---- opening -------------------------------------------------------------- */

static int get_int(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	(void)err;
	*(int *)ctx = sqlite3_column_int(s, 0);
	return 0;
}

/* One integer from a one-row query, prepared afresh (the schema may not
 * be readable yet). */
static int query_int(struct cn_store_backend *b, const char *sql, int *out)
{
	sqlite3_stmt *s = cn_sq_fresh(b, sql, NULL);
	if (!s)
		return CN_EIO;
	return cn_sq_one(b, s, get_int, out, sql, sql, NULL);
}

static void sq_close(struct cn_store_backend *b)
{
	if (!b)
		return;
	for (int i = 0; i < b->ncache; i++) {
		sqlite3_finalize(b->cache[i].stmt);
		free(b->cache[i].sql);
	}
	cn_sq_rows_release(b);
	sqlite3_close(b->db);
	free(b);
}

/* The failing step's own code: out of memory building a table's SQL is
 * CN_ENOMEM, as err says, not an I/O error. */
static int create_schema(struct cn_store_backend *b, struct cn_err *err)
{
	char sql[128];
	int rc;

	snprintf(sql, sizeof(sql),
		 "PRAGMA application_id=%d; PRAGMA user_version=%d; COMMIT",
		 APP_ID, SCHEMA_VERSION);
	if ((rc = cn_sq_exec(b, "PRAGMA journal_mode=WAL", err)) ||
	    (rc = cn_sq_exec(b, "BEGIN IMMEDIATE", err)) ||
	    (rc = cn_sq_exec(b, log_schema, err)) ||
	    (rc = cn_sq_create_rows(b, err)) || (rc = cn_sq_exec(b, sql, err)))
		return rc;
	return 0;
}

static int sq_open(const char *path, int flags, struct cn_store_backend **out,
		   struct cn_err *err)
{
	struct cn_store_backend *b = calloc(1, sizeof(*b));
	int oflags, appid = 0, ntables = 0, ver = 0, rc;

	if (!b)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	snprintf(b->path, sizeof(b->path), "%s",
		 flags & CN_STORE_MEMORY ? ":memory:" : path);
	oflags = flags & CN_STORE_READONLY
			 ? SQLITE_OPEN_READONLY
			 : SQLITE_OPEN_READWRITE |
				   (flags & (CN_STORE_CREATE | CN_STORE_MEMORY)
					    ? SQLITE_OPEN_CREATE : 0);
	oflags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(b->path, &b->db, oflags, NULL) != SQLITE_OK) {
		rc = cn_err_set(err, CN_EIO, "%s: cannot open: %s%s", b->path,
				b->db ? sqlite3_errmsg(b->db) : "out of memory",
				flags & CN_STORE_CREATE ? ""
				: " (create it with 'council init')");
		sq_close(b);
		return rc;
	}
	sqlite3_busy_timeout(b->db, 5000);
	/* A scan's pages, once read, are not read again: the default cache
	 * (2 MiB) is memory the process touches for nothing, and on this
	 * project's VMs a page's first touch (a fault) costs more than its
	 * read.  256 KiB: a fifth fewer page faults in a 10,000- or
	 * 100,000-event store's verify, and no slower (docs/PERFORMANCE.md).
	 * Failing, it changes only the speed. */
	if (flags & CN_STORE_SCAN)
		(void)sqlite3_exec(b->db, "PRAGMA cache_size=-256", NULL, NULL,
				   NULL);
	sqlite3_extended_result_codes(b->db, 1);
	/* Reading the schema is the first touch of the file: a file that is
	 * not SQLite fails here with "file is not a database".  SQLite running
	 * out of memory fails here too, and says nothing about the file. */
	if (query_int(b, "PRAGMA application_id", &appid) ||
	    query_int(b, "SELECT count(*) FROM sqlite_schema", &ntables) ||
	    query_int(b, "PRAGMA user_version", &ver)) {
		rc = (sqlite3_errcode(b->db) & 0xff) == SQLITE_NOMEM
			? cn_err_set(err, CN_ENOMEM, "%s: out of memory while "
				     "reading its header", b->path)
			: cn_err_set(err, CN_ECORRUPT, "%s: not a council "
				     "database: %s", b->path,
				     sqlite3_errmsg(b->db));
		sq_close(b);
		return rc;
	}
	if (appid == 0 && ntables == 0 && !(flags & CN_STORE_READONLY) &&
	    (flags & (CN_STORE_CREATE | CN_STORE_MEMORY))) {
		if ((rc = create_schema(b, err))) {
			sq_close(b);
			return rc;
		}
	} else if (appid != APP_ID) {
		rc = cn_err_set(err, CN_ECORRUPT,
				"%s: not a council database (%s)", b->path,
				ntables ? "it holds another application's tables"
					: "it is empty; create it with 'council init'");
		sq_close(b);
		return rc;
	} else if (ver == 2) {
		/* Pre-release: no migration.  Its leaves are unblinded, and
		 * salting them now would change every hash it ever signed. */
		rc = cn_err_set(err, CN_ECORRUPT,
				"%s: schema version 2: the record format changed "
				"(version 3 blinds every event's leaf with a salt "
				"stored beside it), and this council reads only "
				"version %d; there is no migration: create a new "
				"store with 'council init'", b->path, SCHEMA_VERSION);
		sq_close(b);
		return rc;
	} else if (ver != SCHEMA_VERSION) {
		rc = cn_err_set(err, CN_ECORRUPT,
				"%s: schema version %d, this council reads %d",
				b->path, ver, SCHEMA_VERSION);
		sq_close(b);
		return rc;
	}
	/* Each step's own code: building a trigger's SQL can run out of
	 * memory (CN_ENOMEM), which is not the store's failure. */
	if (!(flags & CN_STORE_READONLY) &&
	    ((rc = cn_sq_exec(b, "PRAGMA synchronous=FULL; PRAGMA "
			      "foreign_keys=ON", err)) ||
	     (rc = cn_sq_create_query(b, err)) ||
	     (rc = cn_sq_create_snapshots(b, err)) ||
	     (rc = cn_sq_create_hooks(b, err)) ||
	     (rc = cn_sq_create_people(b, err)))) {
		sq_close(b);
		return rc;
	}
	*out = b;
	return 0;
}

/* ---- transactions and the change signal ---------------------------------- */

/* A write to the search index (proposal_words) that is undone: what
 * makes SQLite's FTS5 drop the state it keeps per connection (see
 * search_stale).  WHERE 0 deletes nothing, but the table still joins the
 * transaction, and ROLLBACK TO is what FTS5 resets on. */
static const char search_reset[] =
	"SAVEPOINT cn_search; DELETE FROM proposal_words WHERE 0;"
	" ROLLBACK TO cn_search; RELEASE cn_search";

static int sq_begin(struct cn_store_backend *b, struct cn_err *err)
{
	int rc;

	/* IMMEDIATE: take the write lock now, so a second writer waits at
	 * the start instead of failing at commit. */
	if ((rc = cn_sq_exec(b, "BEGIN IMMEDIATE", err)))
		return rc;
	if (b->search_stale) {
		if ((rc = cn_sq_exec(b, search_reset, err))) {
			if (!sqlite3_get_autocommit(b->db))
				sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
		b->search_stale = 0;
	}
	return 0;
}

static int sq_commit(struct cn_store_backend *b, struct cn_err *err)
{
	return cn_sq_exec(b, "COMMIT", err);
}

static void sq_rollback(struct cn_store_backend *b)
{
	if (!sqlite3_get_autocommit(b->db))
		sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
	else
		/* No transaction left to undo: SQLite ended it itself (out
		 * of memory, I/O), or it never began. */
		b->search_stale = 1;
}

/* cn_store_savepoint's SQL, by operation.  A statement that failed in
 * SQLite undoes its own changes only (or, for some errors, the whole
 * transaction: then the savepoint is gone and UNDO fails, as it must). */
static int sq_savepoint(struct cn_store_backend *b, enum cn_savepoint op,
			struct cn_err *err)
{
	static const char *const sql[] = {
		[CN_SAVEPOINT_OPEN] = "SAVEPOINT cn_part",
		[CN_SAVEPOINT_KEEP] = "RELEASE cn_part",
		[CN_SAVEPOINT_UNDO] = "ROLLBACK TO cn_part; RELEASE cn_part",
	};
	assert(!sqlite3_get_autocommit(b->db) || op != CN_SAVEPOINT_OPEN);
	return cn_sq_exec(b, sql[op], err);
}

static int sq_read_begin(struct cn_store_backend *b, struct cn_err *err)
{
	int v;
	sqlite3_stmt *s;

	assert(sqlite3_get_autocommit(b->db));
	/* A deferred transaction takes its WAL snapshot at its first read:
	 * read once now, so the snapshot is the state at read_begin. */
	if (cn_sq_exec(b, "BEGIN", err))
		return CN_EIO;
	if (!(s = cn_sq_stmt(b, "PRAGMA schema_version", err)) ||
	    cn_sq_one(b, s, get_int, &v, "starting a read", "no schema", err)) {
		sq_rollback(b);
		return CN_EIO;
	}
	return 0;
}

static void sq_read_end(struct cn_store_backend *b)
{
	sq_rollback(b); /* nothing was written: ending it is all */
}

static int sq_data_version(struct cn_store_backend *b, int64_t *out,
			   struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "PRAGMA data_version", err);
	return s ? cn_sq_one(b, s, cn_sq_int64, out, "reading data_version",
			     "no data_version", err)
		 : CN_EIO;
}

const struct cn_store_ops cn_store_sqlite = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.savepoint = sq_savepoint,
	.read_begin = sq_read_begin,
	.read_end = sq_read_end,
	.data_version = sq_data_version,
	.append = cn_sq_append,
	.events = cn_sq_events,
	.proposal_events = cn_sq_proposal_events,
	.last_seq = cn_sq_last_seq,
	.event = cn_sq_event,
	.node_get = cn_sq_node_get,
	.node_put = cn_sq_node_put,
	.nodes = cn_sq_nodes,
	.checkpoint_put = cn_sq_checkpoint_put,
	.checkpoint_latest = cn_sq_checkpoint_latest,
	.checkpoints = cn_sq_checkpoints,
	.row_put = cn_sq_row_put,
	.row_delete = cn_sq_row_delete,
	.rows = cn_sq_rows,
	.proposal_doc = cn_sq_proposal_doc,
	.proposal_docs = cn_sq_proposal_docs,
	.proposal_meta = cn_sq_proposal_meta,
	.token_add = cn_sq_token_add,
	.token_find = cn_sq_token_find,
	.feed_add = cn_sq_feed_add,
	.feed_find = cn_sq_feed_find,
	.holder_find = cn_sq_holder_find,
	.holder_add = cn_sq_holder_add,
	.token_list = cn_sq_token_list,
	.token_revoke = cn_sq_token_revoke,
	.tokens = cn_sq_tokens,
	.token_put = cn_sq_token_put,
	.meta_get = cn_sq_meta_get,
	.meta_set = cn_sq_meta_set,
	.proposal_page = cn_sq_proposal_page,
	.deadline_page = cn_sq_deadline_page,
	.log_page = cn_sq_log_page,
	.record_check = cn_sq_record_check,
	.snapshot_put = cn_sq_snapshot_put,
	.snapshot_drop = cn_sq_snapshot_drop,
	.snapshots = cn_sq_snapshots,
	.part_put = cn_sq_part_put,
	.part_get = cn_sq_part_get,
	.part_hashes = cn_sq_part_hashes,
	.part_drop = cn_sq_part_drop,
	.webhook_add = cn_sq_webhook_add,
	.webhooks = cn_sq_webhooks,
	.person_add = cn_sq_person_add,
	.people = cn_sq_people,
	.person_disable = cn_sq_person_disable,
	.person_password = cn_sq_person_password,
	.person_put = cn_sq_person_put,
	.session_add = cn_sq_session_add,
	.session_find = cn_sq_session_find,
	.session_seen = cn_sq_session_seen,
	.session_end = cn_sq_session_end,
	.passkey_add = cn_sq_passkey_add,
	.passkeys = cn_sq_passkeys,
	.passkey_find = cn_sq_passkey_find,
	.passkey_used = cn_sq_passkey_used,
	.passkey_remove = cn_sq_passkey_remove,
	.webhook_revoke = cn_sq_webhook_revoke,
	.webhook_advance = cn_sq_webhook_advance,
	.notice_add = cn_sq_notice_add,
	.notice_next = cn_sq_notice_next,
	.notice_claim = cn_sq_notice_claim,
	.notice_attempt = cn_sq_notice_attempt,
	.notice_log = cn_sq_notice_log,
	.webhook_rows = cn_sq_webhook_rows,
	.notice_rows = cn_sq_notice_rows,
	.attempt_rows = cn_sq_attempt_rows,
	.webhook_put = cn_sq_webhook_put,
	.notice_put = cn_sq_notice_put,
	.attempt_put = cn_sq_attempt_put,
};
