/*
 * store.c - SQLite event log and projections; see store.h.
 */
#include "store.h"

#include <assert.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/checkpoint.h"
#include "../core/merkle.h"
#include "../core/procedure.h"
#include "../core/timeutil.h"

#define APP_ID 0x434E434C /* 'CNCL' */
#define SCHEMA_VERSION 2 /* 2: Merkle tree, checkpoints, tokens */

#define STMT_CACHE 48

struct cn_store {
	sqlite3 *db;
	char path[512];
	sqlite3_stmt *append;
	/* Statements by SQL text: projection writes run the same few
	 * statements for every event, and preparing them each time cost more
	 * than running them. */
	struct {
		char *sql;
		sqlite3_stmt *stmt;
	} cache[STMT_CACHE];
	int ncache;
	/* The last proposal view written to the main projection, so the
	 * server can answer a write without building it again. */
	struct {
		int64_t id;
		char *text;
	} docs[64];
	int ndocs;
	/* The log's signing key (Ed25519), set by the app; without one no
	 * checkpoint is signed. */
	char *signer_name;
	uint8_t signer_sk[CN_NOTE_SECKEY_LEN];
	struct cn_err node_err; /* detail of a failed node lookup */
};

/* A prepared statement for sql, reset and unbound; owned by the cache. */
static sqlite3_stmt *cached(struct cn_store *st, const char *sql)
{
	sqlite3_stmt *s;

	for (int i = 0; i < st->ncache; i++)
		if (!strcmp(st->cache[i].sql, sql)) {
			sqlite3_reset(st->cache[i].stmt);
			sqlite3_clear_bindings(st->cache[i].stmt);
			return st->cache[i].stmt;
		}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
			       NULL) != SQLITE_OK)
		return NULL;
	if (st->ncache < STMT_CACHE) {
		char *copy = strdup(sql);
		if (copy) {
			st->cache[st->ncache].sql = copy;
			st->cache[st->ncache++].stmt = s;
		}
	}
	return s;
}

/* Give back a statement from cached(): finalize it if it did not fit. */
static void release(struct cn_store *st, sqlite3_stmt *s)
{
	for (int i = 0; i < st->ncache; i++)
		if (st->cache[i].stmt == s) {
			sqlite3_reset(s);
			return;
		}
	sqlite3_finalize(s);
}

static const char log_schema[] =
	"CREATE TABLE events("
	"  seq INTEGER PRIMARY KEY,"
	"  bytes TEXT NOT NULL,"
	"  hash BLOB NOT NULL CHECK(length(hash) = 32),"
	"  type TEXT GENERATED ALWAYS AS (json_extract(bytes, '$.type')) VIRTUAL,"
	"  proposal INTEGER GENERATED ALWAYS AS (CASE"
	"    WHEN json_extract(bytes, '$.type') = 'proposal.created'"
	"    THEN json_extract(bytes, '$.payload.id')"
	"    ELSE json_extract(bytes, '$.payload.proposal') END) VIRTUAL);"
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
	"  root BLOB NOT NULL CHECK(length(root) = 32), note TEXT NOT NULL);"
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
	"  revoked TEXT);";

/* Projection tables; created in "main" and, for checks, in "replay". */
static const char *const proj_tables[] = {
	"alliance(id TEXT PRIMARY KEY, record TEXT NOT NULL)",
	"members(code TEXT PRIMARY KEY, name TEXT NOT NULL, accession TEXT"
	" NOT NULL, exit TEXT, record TEXT NOT NULL)",
	"partners(code TEXT PRIMARY KEY, name TEXT NOT NULL, framework TEXT"
	" NOT NULL, since TEXT, until TEXT, record TEXT NOT NULL)",
	"bodies(id TEXT PRIMARY KEY, name TEXT NOT NULL, rule TEXT NOT NULL,"
	" procedure TEXT NOT NULL, established TEXT, dissolved TEXT,"
	" record TEXT NOT NULL)",
	"offices(id TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL,"
	" lat TEXT, lon TEXT, opened TEXT, closed TEXT, decision INTEGER,"
	" record TEXT NOT NULL)",
	"proposals(id INTEGER PRIMARY KEY, body TEXT NOT NULL, title TEXT NOT"
	" NULL, procedure TEXT NOT NULL, status TEXT NOT NULL, outcome TEXT,"
	" explanation TEXT, opened TEXT NOT NULL, deadline TEXT, concluded TEXT,"
	" revision INTEGER NOT NULL, shared INTEGER NOT NULL, doc TEXT NOT NULL)",
	"positions(proposal INTEGER NOT NULL, member TEXT NOT NULL, position"
	" TEXT NOT NULL, text TEXT, at TEXT, PRIMARY KEY(proposal, member))",
};
#define NPROJ (sizeof(proj_tables) / sizeof(proj_tables[0]))

static int sqlerr(struct cn_store *st, struct cn_err *err, const char *what)
{
	return cn_err_set(err, CN_EIO, "%s: %s: %s", st->path, what,
			  sqlite3_errmsg(st->db));
}

static int exec(struct cn_store *st, const char *sql, struct cn_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = cn_err_set(err, CN_EIO, "%s: %s", st->path,
				    msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

static int create_proj(struct cn_store *st, const char *schema,
		       struct cn_err *err)
{
	char sql[512];
	for (size_t i = 0; i < NPROJ; i++) {
		snprintf(sql, sizeof(sql), "CREATE TABLE %s.%s;", schema,
			 proj_tables[i]);
		if (exec(st, sql, err))
			return CN_EIO;
	}
	return 0;
}

static int pragma_int(struct cn_store *st, const char *sql, int *out)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

int cn_store_open(const char *path, int flags, struct cn_store **out,
		  struct cn_err *err)
{
	struct cn_store *st = calloc(1, sizeof(*st));
	int oflags, appid = 0, ntables = 0, ver = 0, rc;

	if (!st)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	snprintf(st->path, sizeof(st->path), "%s",
		 flags & CN_STORE_MEMORY ? ":memory:" : path);
	oflags = flags & CN_STORE_READONLY
			 ? SQLITE_OPEN_READONLY
			 : SQLITE_OPEN_READWRITE |
				   (flags & (CN_STORE_CREATE | CN_STORE_MEMORY)
					    ? SQLITE_OPEN_CREATE : 0);
	oflags |= SQLITE_OPEN_NOMUTEX;
	rc = sqlite3_open_v2(st->path, &st->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		rc = cn_err_set(err, CN_EIO, "%s: cannot open: %s%s", st->path,
				st->db ? sqlite3_errmsg(st->db) : "out of memory",
				flags & CN_STORE_CREATE ? ""
				: " (create it with 'council init')");
		cn_store_close(st);
		return rc;
	}
	sqlite3_busy_timeout(st->db, 5000);
	sqlite3_extended_result_codes(st->db, 1);
	/* Reading the schema is the first touch of the file: a file that is
	 * not SQLite fails here with "file is not a database". */
	if (pragma_int(st, "PRAGMA application_id", &appid) != SQLITE_OK ||
	    pragma_int(st, "SELECT count(*) FROM sqlite_schema", &ntables) !=
		    SQLITE_OK ||
	    pragma_int(st, "PRAGMA user_version", &ver) != SQLITE_OK) {
		rc = cn_err_set(err, CN_ECORRUPT,
				"%s: not a council database: %s", st->path,
				sqlite3_errmsg(st->db));
		cn_store_close(st);
		return rc;
	}
	if (appid == 0 && ntables == 0 && !(flags & CN_STORE_READONLY) &&
	    (flags & (CN_STORE_CREATE | CN_STORE_MEMORY))) {
		char sql[128];
		if (exec(st, "PRAGMA journal_mode=WAL", err) ||
		    exec(st, "BEGIN IMMEDIATE", err) ||
		    exec(st, log_schema, err) || create_proj(st, "main", err)) {
			cn_store_close(st);
			return CN_EIO;
		}
		snprintf(sql, sizeof(sql),
			 "PRAGMA application_id=%d; PRAGMA user_version=%d; COMMIT",
			 APP_ID, SCHEMA_VERSION);
		if (exec(st, sql, err)) {
			cn_store_close(st);
			return CN_EIO;
		}
	} else if (appid != APP_ID) {
		rc = cn_err_set(err, CN_ECORRUPT,
				"%s: not a council database (%s)", st->path,
				ntables ? "it holds another application's tables"
					: "it is empty; create it with 'council init'");
		cn_store_close(st);
		return rc;
	} else if (ver != SCHEMA_VERSION) {
		rc = cn_err_set(err, CN_ECORRUPT,
				"%s: schema version %d, this council reads %d",
				st->path, ver, SCHEMA_VERSION);
		cn_store_close(st);
		return rc;
	}
	if (!(flags & CN_STORE_READONLY) &&
	    exec(st, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", err)) {
		cn_store_close(st);
		return CN_EIO;
	}
	if (sqlite3_prepare_v3(st->db,
			       "INSERT INTO events(seq, bytes, hash) VALUES(?,?,?)",
			       -1, SQLITE_PREPARE_PERSISTENT, &st->append, NULL) !=
	    SQLITE_OK) {
		rc = sqlerr(st, err, "preparing append");
		cn_store_close(st);
		return rc;
	}
	*out = st;
	return 0;
}

void cn_store_close(struct cn_store *st)
{
	if (!st)
		return;
	for (int i = 0; i < st->ncache; i++) {
		sqlite3_finalize(st->cache[i].stmt);
		free(st->cache[i].sql);
	}
	sqlite3_finalize(st->append);
	cn_store_docs_reset(st);
	free(st->signer_name);
	sodium_memzero(st->signer_sk, sizeof(st->signer_sk));
	sqlite3_close(st->db);
	free(st);
}

int cn_store_empty(struct cn_store *st)
{
	int n = 0;
	return pragma_int(st, "SELECT count(*) FROM events", &n) == SQLITE_OK &&
	       n == 0;
}

int cn_store_begin(struct cn_store *st, struct cn_err *err)
{
	/* IMMEDIATE: take the write lock now, so a second writer waits at
	 * the start instead of failing at commit. */
	return exec(st, "BEGIN IMMEDIATE", err);
}

int cn_store_commit(struct cn_store *st, struct cn_err *err)
{
	return exec(st, "COMMIT", err);
}

void cn_store_rollback(struct cn_store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

static int tree_append(struct cn_store *st, const struct cn_event *ev,
		       struct cn_err *err);

int cn_store_append(struct cn_store *st, const struct cn_event *ev,
		    struct cn_err *err)
{
	sqlite3_stmt *s = st->append;
	int rc;

	assert(ev->bytes && ev->seq >= 1);
	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, ev->seq);
	sqlite3_bind_text(s, 2, ev->bytes, (int)ev->len, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, ev->hash, CN_HASH_LEN, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE)
		return sqlerr(st, err, "appending event");
	return tree_append(st, ev, err);
}

/* ---- projections ---------------------------------------------------------- */

/* Bind a list of values described by fmt: s = string (NULL -> NULL),
 * i = int64, j = JSON value dumped canonically (takes the reference). */
static int run(struct cn_store *st, struct cn_err *err, const char *sql,
	       const char *fmt, ...)
{
	sqlite3_stmt *s;
	va_list ap;
	char *dumps[16] = {0};
	int nd = 0, rc, i = 1;

	if (!(s = cached(st, sql)))
		return sqlerr(st, err, sql);
	va_start(ap, fmt);
	for (const char *f = fmt; *f; f++, i++) {
		if (*f == 's') {
			const char *v = va_arg(ap, const char *);
			if (v)
				sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
		} else if (*f == 'i') {
			sqlite3_bind_int64(s, i, va_arg(ap, int64_t));
		} else {
			json_t *v = va_arg(ap, json_t *);
			size_t len;
			char *d = NULL;
			assert(nd < 16);
			if (v && cn_canon_dump(v, &d, &len, NULL) == 0) {
				dumps[nd++] = d;
				sqlite3_bind_text(s, i, d, (int)len, SQLITE_STATIC);
			}
			json_decref(v);
		}
	}
	va_end(ap);
	rc = sqlite3_step(s);
	release(st, s);
	for (int k = 0; k < nd; k++)
		free(dumps[k]);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sqlerr(st, err, "writing projection");
	return 0;
}

static const char *rs(const json_t *rec, const char *k)
{
	return json_string_value(json_object_get(rec, k));
}

/* Remember the view just written, for the server's answers. */
static void remember_doc(struct cn_store *st, int64_t id, char *text)
{
	for (int i = 0; i < st->ndocs; i++)
		if (st->docs[i].id == id) {
			free(st->docs[i].text);
			st->docs[i].text = text;
			return;
		}
	if (st->ndocs == 64) {
		free(text);
		return;
	}
	st->docs[st->ndocs].id = id;
	st->docs[st->ndocs++].text = text;
}

void cn_store_docs_reset(struct cn_store *st)
{
	for (int i = 0; i < st->ndocs; i++)
		free(st->docs[i].text);
	st->ndocs = 0;
}

static int project_proposal_doc(struct cn_store *st, const char *db,
				const struct cn_world *w,
				const struct cn_proposal *p, struct cn_err *err)
{
	char sql[256], *text = NULL;
	json_t *doc;
	size_t len;
	int rc;

	if (!(doc = cn_proposal_json(w, p)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if ((rc = cn_canon_dump(doc, &text, &len, err))) {
		json_decref(doc);
		return rc;
	}
	snprintf(sql, sizeof(sql),
		 "INSERT OR REPLACE INTO %s.proposals VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
		 db);
	rc = run(st, err, sql, "isssssssssiis", p->id, p->body, p->title,
		 cn_proc_name(p->proc), p->concluded ? "concluded" : "open",
		 p->outcome, rs(doc, "explanation"), rs(doc, "opened"),
		 rs(doc, "deadline"), rs(doc, "concluded"), (int64_t)p->revision,
		 (int64_t)p->shared, text);
	json_decref(doc);
	if (rc == 0 && !strcmp(db, "main"))
		remember_doc(st, p->id, text);
	else
		free(text);
	return rc;
}

/* The positions rows of p: all of them (member NULL), one member's, or
 * none (member ""). */
static int project_positions(struct cn_store *st, const char *db,
			     const struct cn_proposal *p, const char *member,
			     struct cn_err *err)
{
	char sql[256];
	int rc;

	if (member && !*member)
		return 0;
	for (size_t i = 0; i < p->nballots; i++) {
		const struct cn_ballot *b = &p->ballots[i];
		char t[CN_TIME_BUF];
		if (member && strcmp(member, b->code))
			continue;
		snprintf(sql, sizeof(sql),
			 "DELETE FROM %s.positions WHERE proposal = ? AND member = ?", db);
		if ((rc = run(st, err, sql, "is", p->id, b->code)))
			return rc;
		if (b->pos == CN_POS_NONE)
			continue;
		snprintf(sql, sizeof(sql), "INSERT INTO %s.positions VALUES(?,?,?,?,?)",
			 db);
		if ((rc = run(st, err, sql, "issss", p->id, b->code,
			      cn_pos_name(b->pos), b->text, cn_time_format(b->at, t))))
			return rc;
	}
	return 0;
}

int cn_store_project_proposal(struct cn_store *st, const struct cn_world *w,
			      int64_t id, int doc, const char *member,
			      struct cn_err *err)
{
	const struct cn_proposal *p = cn_world_proposal(w, id);
	int rc = 0;
	if (!p)
		return cn_err_set(err, CN_ECORRUPT, "no proposal %lld", (long long)id);
	if (doc)
		rc = project_proposal_doc(st, "main", w, p, err);
	return rc ? rc : project_positions(st, "main", p, member, err);
}

static int project_one(struct cn_store *st, const char *db,
		       const struct cn_world *w, const char *kind,
		       const char *key, const char *member, struct cn_err *err)
{
	char sql[512];

	if (!strcmp(kind, "alliance")) {
		snprintf(sql, sizeof(sql),
			 "INSERT OR REPLACE INTO %s.alliance VALUES(?,?)", db);
		return run(st, err, sql, "sj", key, json_incref(w->alliance));
	}
	if (!strcmp(kind, "member")) {
		const struct cn_member *m = cn_world_member(w, key);
		if (!m)
			return cn_err_set(err, CN_ECORRUPT, "no member %s", key);
		snprintf(sql, sizeof(sql),
			 "INSERT OR REPLACE INTO %s.members VALUES(?,?,?,?,?)", db);
		return run(st, err, sql, "ssssj", m->code, m->name,
			   rs(m->record, "accession"), rs(m->record, "exit"),
			   json_incref(m->record));
	}
	if (!strcmp(kind, "partner")) {
		const struct cn_partner *p = cn_world_partner(w, key);
		if (!p)
			return cn_err_set(err, CN_ECORRUPT, "no partner %s", key);
		snprintf(sql, sizeof(sql),
			 "INSERT OR REPLACE INTO %s.partners VALUES(?,?,?,?,?,?)", db);
		return run(st, err, sql, "sssssj", p->code, p->name, p->framework,
			   rs(p->record, "since"), rs(p->record, "until"),
			   json_incref(p->record));
	}
	if (!strcmp(kind, "body")) {
		const struct cn_body *b = cn_world_body(w, key);
		if (!b)
			return cn_err_set(err, CN_ECORRUPT, "no body %s", key);
		snprintf(sql, sizeof(sql),
			 "INSERT OR REPLACE INTO %s.bodies VALUES(?,?,?,?,?,?,?)", db);
		return run(st, err, sql, "ssssssj", b->id, b->name, b->rule_src,
			   b->procedure, rs(b->record, "established"),
			   rs(b->record, "dissolved"), json_incref(b->record));
	}
	if (!strcmp(kind, "office")) {
		const struct cn_office *o = cn_world_office(w, key);
		if (!o)
			return cn_err_set(err, CN_ECORRUPT, "no office %s", key);
		snprintf(sql, sizeof(sql),
			 "INSERT OR REPLACE INTO %s.offices VALUES(?,?,?,?,?,?,?,?,?)",
			 db);
		return run(st, err, sql, "sssssssij", o->id, o->name, o->country,
			   rs(o->record, "lat"), rs(o->record, "lon"),
			   rs(o->record, "opened"), rs(o->record, "closed"),
			   o->decision, json_incref(o->record));
	}
	if (!strcmp(kind, "proposal")) {
		const struct cn_proposal *p = cn_world_proposal(w, atoll(key));
		if (!p)
			return cn_err_set(err, CN_ECORRUPT, "no proposal %s", key);
		int rc = project_proposal_doc(st, db, w, p, err);
		return rc ? rc : project_positions(st, db, p, member, err);
	}
	return cn_err_set(err, CN_ECORRUPT, "unknown entity kind %s", kind);
}

int cn_store_project(struct cn_store *st, const struct cn_world *w,
		     const char *kind, const char *key, const char *member,
		     struct cn_err *err)
{
	return project_one(st, "main", w, kind, key, member, err);
}

int cn_store_last_doc(struct cn_store *st, int64_t id, char **text,
		      struct cn_err *err)
{
	for (int i = 0; i < st->ndocs; i++)
		if (st->docs[i].id == id) {
			if (!(*text = strdup(st->docs[i].text)))
				return cn_err_set(err, CN_ENOMEM, "out of memory");
			return 0;
		}
	return cn_err_set(err, CN_ENOTFOUND, "no recent view of %lld",
			  (long long)id);
}

/* ---- reading the log ----------------------------------------------------- */

int cn_store_scan(struct cn_store *st, int64_t from, cn_event_fn fn,
		  void *ctx, struct cn_err *err)
{
	sqlite3_stmt *s;
	uint8_t prev[CN_HASH_LEN] = {0};
	const int64_t start = from > 1 ? from - 1 : 1;
	int64_t expect = start;
	int rc = 0, step;

	if (sqlite3_prepare_v2(st->db,
			       "SELECT seq, bytes, hash FROM events WHERE seq >= ?"
			       " ORDER BY seq", -1, &s, NULL) != SQLITE_OK)
		return sqlerr(st, err, "reading the log");
	sqlite3_bind_int64(s, 1, expect);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(s, 0);
		const char *bytes = (const char *)sqlite3_column_text(s, 1);
		int len = sqlite3_column_bytes(s, 1);
		const void *hash = sqlite3_column_blob(s, 2);
		struct cn_event ev;

		if (seq != expect) {
			rc = cn_err_set(err, CN_ECORRUPT,
					"event %lld is missing from the log "
					"(next stored is %lld)", (long long)expect,
					(long long)seq);
			break;
		}
		if (!bytes || cn_event_decode(bytes, (size_t)len, &ev, err)) {
			rc = cn_err_prefix(err, "event %lld: ", (long long)seq);
			if (err)
				err->code = CN_ECORRUPT;
			rc = CN_ECORRUPT;
			break;
		}
		if (ev.seq != seq)
			rc = cn_err_set(err, CN_ECORRUPT,
					"event %lld: its bytes say it is event %lld",
					(long long)seq, (long long)ev.seq);
		else if (sqlite3_column_bytes(s, 2) != CN_HASH_LEN ||
			 memcmp(hash, ev.hash, CN_HASH_LEN))
			rc = cn_err_set(err, CN_ECORRUPT,
					"event %lld: its bytes do not match its "
					"recorded hash (changed after it was "
					"written)", (long long)seq);
		else if ((seq == 1 || seq != start) &&
			 memcmp(ev.prev, prev, CN_HASH_LEN))
			rc = seq == 1
				? cn_err_set(err, CN_ECORRUPT,
					     "event 1: prev hash is not zero")
				: cn_err_set(err, CN_ECORRUPT,
					     "event %lld: does not follow event "
					     "%lld (its prev hash differs: an "
					     "event was changed, removed or "
					     "reordered)", (long long)seq,
					     (long long)seq - 1);
		memcpy(prev, ev.hash, CN_HASH_LEN);
		if (rc == 0 && seq >= from && fn)
			rc = fn(ctx, &ev, err);
		cn_event_release(&ev);
		if (rc)
			break;
		expect++;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = sqlerr(st, err, "reading the log");
	sqlite3_finalize(s);
	return rc;
}

int cn_store_proposal_events(struct cn_store *st, int64_t proposal,
			     cn_event_fn fn, void *ctx, struct cn_err *err)
{
	sqlite3_stmt *s;
	int rc = 0, step;

	if (sqlite3_prepare_v2(st->db,
			       "SELECT bytes FROM events WHERE proposal = ? "
			       "ORDER BY seq", -1, &s, NULL) != SQLITE_OK)
		return sqlerr(st, err, "reading the log");
	sqlite3_bind_int64(s, 1, proposal);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct cn_event ev;
		if (cn_event_decode((const char *)sqlite3_column_text(s, 0),
				    (size_t)sqlite3_column_bytes(s, 0), &ev, err)) {
			rc = CN_ECORRUPT;
			break;
		}
		rc = fn(ctx, &ev, err);
		cn_event_release(&ev);
		if (rc)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = sqlerr(st, err, "reading the log");
	sqlite3_finalize(s);
	return rc;
}

static int load_one(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	return cn_world_apply(ctx, ev, err);
}

int cn_store_load(struct cn_store *st, struct cn_world *w, struct cn_err *err)
{
	cn_world_init(w);
	int rc = cn_store_scan(st, 1, load_one, w, err);
	if (rc)
		cn_world_release(w);
	return rc;
}

/* Compare main.T with replay.T both ways; name the first differing row. */
static int compare_table(struct cn_store *st, const char *table,
			 struct cn_err *err)
{
	char sql[512];
	sqlite3_stmt *s;
	int rc = 0;
	static const char *const dirs[2][2] = {{"main", "replay"},
					       {"replay", "main"}};

	for (int d = 0; d < 2 && rc == 0; d++) {
		snprintf(sql, sizeof(sql),
			 "SELECT * FROM %s.%s EXCEPT SELECT * FROM %s.%s LIMIT 1",
			 dirs[d][0], table, dirs[d][1], table);
		if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
			return sqlerr(st, err, "comparing projections");
		if (sqlite3_step(s) == SQLITE_ROW)
			rc = cn_err_set(err, CN_ECORRUPT,
					"projection %s: row '%s' %s", table,
					(const char *)sqlite3_column_text(s, 0),
					d == 0 ? "differs from (or is absent in) "
						 "the replay of the log"
					       : "is missing or differs in the store");
		sqlite3_finalize(s);
	}
	return rc;
}

int cn_store_check_projections(struct cn_store *st, struct cn_world *wout,
			       struct cn_err *err)
{
	struct cn_world w;
	char key[64];
	int rc;

	if ((rc = cn_store_load(st, &w, err)))
		return rc;
	if ((rc = exec(st, "ATTACH ':memory:' AS replay", err)) == 0 &&
	    (rc = create_proj(st, "replay", err)) == 0) {
		if (w.alliance)
			rc = project_one(st, "replay", &w, "alliance",
					 json_string_value(json_object_get(w.alliance, "id")),
					 NULL, err);
		for (size_t i = 0; rc == 0 && i < w.nmembers; i++)
			rc = project_one(st, "replay", &w, "member",
					 w.members[i].code, NULL, err);
		for (size_t i = 0; rc == 0 && i < w.npartners; i++)
			rc = project_one(st, "replay", &w, "partner",
					 w.partners[i].code, NULL, err);
		for (size_t i = 0; rc == 0 && i < w.nbodies; i++)
			rc = project_one(st, "replay", &w, "body", w.bodies[i].id,
					 NULL, err);
		for (size_t i = 0; rc == 0 && i < w.noffices; i++)
			rc = project_one(st, "replay", &w, "office",
					 w.offices[i].id, NULL, err);
		for (size_t i = 0; rc == 0 && i < w.nproposals; i++) {
			snprintf(key, sizeof(key), "%zu", i + 1);
			rc = project_one(st, "replay", &w, "proposal", key, NULL, err);
		}
		for (size_t i = 0; rc == 0 && i < NPROJ; i++) {
			char name[32];
			size_t n = strcspn(proj_tables[i], "(");
			snprintf(name, sizeof(name), "%.*s", (int)n, proj_tables[i]);
			rc = compare_table(st, name, err);
		}
	}
	sqlite3_exec(st->db, "DETACH replay", NULL, NULL, NULL);
	if (wout && rc == 0)
		*wout = w;
	else
		cn_world_release(&w);
	return rc;
}

/* ---- meta, registry snapshot, proposal views ------------------------------ */

int cn_store_set_meta(struct cn_store *st, const char *key, const char *value,
		      struct cn_err *err)
{
	return run(st, err, "INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)",
		   "ss", key, value);
}

int cn_store_registry_version(struct cn_store *st, int64_t *out,
			      int64_t *tokens, struct cn_err *err)
{
	sqlite3_stmt *s;
	if (!(s = cached(st, "SELECT (SELECT value FROM meta WHERE key = 'registry_seq'),"
			 " (SELECT value FROM meta WHERE key = 'tokens_seq')")))
		return sqlerr(st, err, "reading meta");
	*out = *tokens = 0;
	if (sqlite3_step(s) == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		*tokens = sqlite3_column_int64(s, 1);
	}
	release(st, s);
	return 0;
}

/* Fold a synthetic registry event built from a projection row. */
static int add_record(struct cn_world *w, const char *type, const char *wrap,
		      const char *recjson, int64_t decision, struct cn_err *err)
{
	struct cn_event ev = {0};
	json_error_t je;
	json_t *rec = json_loads(recjson, 0, &je), *pl;
	int rc;

	if (!rec)
		return cn_err_set(err, CN_ECORRUPT, "projection %s: bad JSON: %s",
				  wrap, je.text);
	pl = json_pack("{s:o}", wrap, rec);
	if (pl && decision)
		json_object_set_new(pl, "decision", json_integer(decision));
	ev.seq = w->last_seq + 1;
	ev.type = (char *)type;
	ev.et = cn_event_type_find(type);
	ev.actor = (char *)"projection";
	ev.payload = pl;
	rc = pl ? cn_world_apply(w, &ev, err) : CN_ENOMEM;
	json_decref(pl);
	return rc;
}

int cn_store_load_registry(struct cn_store *st, struct cn_world *w,
			   struct cn_err *err)
{
	static const struct {
		const char *sql, *type, *wrap;
	} q[] = {
		{"SELECT record, 0 FROM alliance", "alliance.founded", "alliance"},
		{"SELECT record, 0 FROM members ORDER BY rowid", "member.admitted", "member"},
		{"SELECT record, 0 FROM bodies ORDER BY rowid", "body.established", "body"},
		{"SELECT record, 0 FROM partners ORDER BY rowid", "partner.added", "partner"},
		{"SELECT record, coalesce(decision, 0) FROM offices ORDER BY rowid",
		 "office.opened", "office"},
	};
	int rc = 0;

	if ((rc = exec(st, "BEGIN", err)))
		return rc;
	for (size_t i = 0; rc == 0 && i < sizeof(q) / sizeof(q[0]); i++) {
		sqlite3_stmt *s;
		if (sqlite3_prepare_v2(st->db, q[i].sql, -1, &s, NULL) != SQLITE_OK) {
			rc = sqlerr(st, err, "reading the registry");
			break;
		}
		while (rc == 0 && sqlite3_step(s) == SQLITE_ROW)
			rc = add_record(w, q[i].type, q[i].wrap,
					(const char *)sqlite3_column_text(s, 0),
					sqlite3_column_int64(s, 1), err);
		sqlite3_finalize(s);
	}
	sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

static int docs_query(struct cn_store *st, const char *sql, int64_t id,
		      json_t *arr, struct cn_err *err)
{
	sqlite3_stmt *s;
	int rc = 0, step;

	if (!(s = cached(st, sql)))
		return sqlerr(st, err, "reading proposals");
	if (id)
		sqlite3_bind_int64(s, 1, id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		json_error_t je;
		json_t *doc = json_loadb((const char *)sqlite3_column_text(s, 0),
					 (size_t)sqlite3_column_bytes(s, 0), 0, &je);
		if (!doc) {
			rc = cn_err_set(err, CN_ECORRUPT,
					"projection proposals: bad JSON: %s", je.text);
			break;
		}
		json_array_append_new(arr, doc);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = sqlerr(st, err, "reading proposals");
	release(st, s);
	return rc;
}

int cn_store_proposal_doc(struct cn_store *st, int64_t id, json_t **out,
			  struct cn_err *err)
{
	json_t *arr = json_array();
	int rc = docs_query(st, "SELECT doc FROM proposals WHERE id = ?", id, arr,
			    err);
	if (rc == 0 && json_array_size(arr) == 0)
		rc = cn_err_set(err, CN_ENOTFOUND, "no proposal %lld", (long long)id);
	if (rc == 0)
		*out = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	return rc;
}

int cn_store_proposal_docs(struct cn_store *st, json_t **out,
			   struct cn_err *err)
{
	json_t *arr = json_array();
	int rc = docs_query(st, "SELECT doc FROM proposals ORDER BY id", 0, arr, err);
	if (rc)
		json_decref(arr);
	else
		*out = arr;
	return rc;
}

/* ---- tokens ------------------------------------------------------------------ */

/* Readers cache resolved tokens until this counter moves. */
static int bump_tokens(struct cn_store *st, struct cn_err *err)
{
	return run(st, err, "INSERT INTO meta(key, value) VALUES('tokens_seq', 1)"
		   " ON CONFLICT(key) DO UPDATE SET value = value + 1", "");
}

int cn_store_token_add(struct cn_store *st, const uint8_t hash[CN_HASH_LEN],
		       const char *role, const char *principal,
		       const char *label, int64_t now, int64_t *id,
		       struct cn_err *err)
{
	sqlite3_stmt *s;
	char t[CN_TIME_BUF];
	int rc;

	if (sqlite3_prepare_v2(st->db,
			       "INSERT INTO tokens(hash, role, principal, label, created)"
			       " VALUES(?,?,?,?,?)", -1, &s, NULL) != SQLITE_OK)
		return sqlerr(st, err, "storing a token");
	sqlite3_bind_blob(s, 1, hash, CN_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, role, -1, SQLITE_STATIC);
	if (principal)
		sqlite3_bind_text(s, 3, principal, -1, SQLITE_STATIC);
	if (label)
		sqlite3_bind_text(s, 4, label, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, cn_time_format(now, t), -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return sqlerr(st, err, "storing a token");
	*id = sqlite3_last_insert_rowid(st->db);
	return bump_tokens(st, err);
}

static void token_row(sqlite3_stmt *s, struct cn_token_info *t)
{
	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(s, 0);
	snprintf(t->role, sizeof(t->role), "%s", sqlite3_column_text(s, 1));
	if (sqlite3_column_type(s, 2) != SQLITE_NULL)
		snprintf(t->principal, sizeof(t->principal), "%s",
			 sqlite3_column_text(s, 2));
	if (sqlite3_column_type(s, 3) != SQLITE_NULL)
		snprintf(t->label, sizeof(t->label), "%s", sqlite3_column_text(s, 3));
	snprintf(t->created, sizeof(t->created), "%s", sqlite3_column_text(s, 4));
	if (sqlite3_column_type(s, 5) != SQLITE_NULL)
		snprintf(t->revoked, sizeof(t->revoked), "%s",
			 sqlite3_column_text(s, 5));
}

int cn_store_token_find(struct cn_store *st, const uint8_t hash[CN_HASH_LEN],
			struct cn_token_info *info, struct cn_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if (!(s = cached(st, "SELECT id, role, principal, label, created, revoked"
			 " FROM tokens WHERE hash = ? AND revoked IS NULL")))
		return sqlerr(st, err, "reading tokens");
	sqlite3_bind_blob(s, 1, hash, CN_HASH_LEN, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		token_row(s, info);
	release(st, s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return cn_err_set(err, CN_ENOTFOUND, "unknown or revoked token");
	return sqlerr(st, err, "reading tokens");
}

int cn_store_token_list(struct cn_store *st, struct cn_token_info **out,
			size_t *n, struct cn_err *err)
{
	sqlite3_stmt *s;
	struct cn_token_info *v = NULL;
	size_t k = 0;
	int step;

	if (sqlite3_prepare_v2(st->db,
			       "SELECT id, role, principal, label, created, revoked"
			       " FROM tokens ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		return sqlerr(st, err, "reading tokens");
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct cn_token_info *nv = realloc(v, (k + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			sqlite3_finalize(s);
			return cn_err_set(err, CN_ENOMEM, "out of memory");
		}
		v = nv;
		token_row(s, &v[k++]);
	}
	sqlite3_finalize(s);
	if (step != SQLITE_DONE) {
		free(v);
		return sqlerr(st, err, "reading tokens");
	}
	*out = v;
	*n = k;
	return 0;
}

int cn_store_token_revoke(struct cn_store *st, int64_t id, int64_t now,
			  struct cn_err *err)
{
	char t[CN_TIME_BUF];
	int rc = run(st, err,
		     "UPDATE tokens SET revoked = ? WHERE id = ? AND revoked IS NULL",
		     "si", cn_time_format(now, t), id);
	if (rc)
		return rc;
	if (sqlite3_changes(st->db) == 0)
		return cn_err_set(err, CN_ENOTFOUND,
				  "no valid token with id %lld", (long long)id);
	return bump_tokens(st, err);
}

/* The text in the single column of `sql`'s row for `id` (malloc'd). */
static int fetch_text(struct cn_store *st, const char *sql, int64_t id,
		      const char *what, char **text, size_t *len,
		      struct cn_err *err)
{
	sqlite3_stmt *s = cached(st, sql);
	int rc;

	if (!s)
		return sqlerr(st, err, "reading the store");
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(s, 0);
		char *t = malloc(n + 1);
		if (t) {
			memcpy(t, sqlite3_column_text(s, 0), n);
			t[n] = '\0';
			*text = t;
			if (len)
				*len = n;
		}
		release(st, s);
		return t ? 0 : cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	release(st, s);
	if (rc == SQLITE_DONE)
		return cn_err_set(err, CN_ENOTFOUND, "no %s %lld", what, (long long)id);
	return sqlerr(st, err, "reading the store");
}

int cn_store_proposal_text(struct cn_store *st, int64_t id, char **text,
			   size_t *len, struct cn_err *err)
{
	return fetch_text(st, "SELECT doc FROM proposals WHERE id = ?", id,
			  "proposal", text, len, err);
}

int cn_store_data_version(struct cn_store *st, int64_t *out, struct cn_err *err)
{
	sqlite3_stmt *s = cached(st, "PRAGMA data_version");
	if (!s || sqlite3_step(s) != SQLITE_ROW) {
		if (s)
			release(st, s);
		return sqlerr(st, err, "reading data_version");
	}
	*out = sqlite3_column_int64(s, 0);
	release(st, s);
	return 0;
}

int cn_store_proposal_meta(struct cn_store *st, int64_t id, char body[16],
			   int *shared, int *adopted, struct cn_err *err)
{
	sqlite3_stmt *s = cached(st,
		"SELECT body, shared,"
		" status = 'concluded' AND outcome = 'adopted'"
		" FROM proposals WHERE id = ?");
	int rc;

	if (!s)
		return sqlerr(st, err, "reading proposals");
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		snprintf(body, 16, "%s", (const char *)sqlite3_column_text(s, 0));
		*shared = sqlite3_column_int(s, 1);
		*adopted = sqlite3_column_int(s, 2);
	}
	release(st, s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return cn_err_set(err, CN_ENOTFOUND, "no proposal %lld", (long long)id);
	return sqlerr(st, err, "reading proposals");
}

/* ---- the Merkle tree and checkpoints ------------------------------------- */

static int node_get(void *ctx, unsigned level, uint64_t index,
		    uint8_t out[CN_MERKLE_HASH_LEN])
{
	struct cn_store *st = ctx;
	sqlite3_stmt *s = cached(st, "SELECT hash FROM merkle_nodes"
				     " WHERE level = ? AND idx = ?");
	int rc;

	if (!s)
		return sqlerr(st, &st->node_err, "reading the Merkle tree");
	sqlite3_bind_int(s, 1, (int)level);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)index);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(s, 0) == CN_MERKLE_HASH_LEN) {
		memcpy(out, sqlite3_column_blob(s, 0), CN_MERKLE_HASH_LEN);
		release(st, s);
		return 0;
	}
	release(st, s);
	return cn_err_set(&st->node_err, CN_ECORRUPT,
			  "Merkle node (%u, %llu) is missing or malformed", level,
			  (unsigned long long)index);
}

static int tree_append(struct cn_store *st, const struct cn_event *ev,
		       struct cn_err *err)
{
	struct cn_merkle_node nodes[CN_MERKLE_LEVELS];
	uint8_t leaf[CN_MERKLE_HASH_LEN];
	size_t n = 0;
	int rc;

	/* The event's hash is its leaf hash (event.h). */
	memcpy(leaf, ev->hash, CN_HASH_LEN);
	/* Leaf i is event i+1: the tree's size before it is seq - 1. */
	if ((rc = cn_merkle_append(node_get, st, (uint64_t)ev->seq - 1, leaf,
				   nodes, &n, err)))
		return rc == CN_ECORRUPT || rc == CN_EIO
			? cn_err_set(err, rc, "%s", st->node_err.msg) : rc;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *s = cached(st, "INSERT INTO merkle_nodes VALUES(?,?,?)");
		if (!s)
			return sqlerr(st, err, "writing the Merkle tree");
		sqlite3_bind_int(s, 1, (int)nodes[i].level);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)nodes[i].index);
		sqlite3_bind_blob(s, 3, nodes[i].hash, CN_MERKLE_HASH_LEN,
				  SQLITE_STATIC);
		rc = sqlite3_step(s);
		release(st, s);
		if (rc != SQLITE_DONE)
			return sqlerr(st, err, "writing the Merkle tree");
	}
	return 0;
}

int cn_store_set_signer(struct cn_store *st, const char *name,
			const uint8_t sk[CN_NOTE_SECKEY_LEN], struct cn_err *err)
{
	char *copy = strdup(name);
	if (!copy)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	free(st->signer_name);
	st->signer_name = copy;
	memcpy(st->signer_sk, sk, CN_NOTE_SECKEY_LEN);
	return 0;
}

static int64_t count_events(struct cn_store *st)
{
	sqlite3_stmt *s = cached(st, "SELECT coalesce(max(seq), 0) FROM events");
	int64_t n = -1;
	if (s && sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	if (s)
		release(st, s);
	return n;
}

int cn_store_checkpoint_latest(struct cn_store *st, char **note,
			       uint64_t *size, uint8_t root[32],
			       struct cn_err *err)
{
	sqlite3_stmt *s = cached(st, "SELECT size, root, note FROM checkpoints"
				     " ORDER BY size DESC LIMIT 1");
	int rc;

	if (!s)
		return sqlerr(st, err, "reading checkpoints");
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*size = (uint64_t)sqlite3_column_int64(s, 0);
		if (root)
			memcpy(root, sqlite3_column_blob(s, 1), CN_MERKLE_HASH_LEN);
		if (note && !(*note = strdup((const char *)sqlite3_column_text(s, 2)))) {
			release(st, s);
			return cn_err_set(err, CN_ENOMEM, "out of memory");
		}
	}
	release(st, s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return cn_err_set(err, CN_ENOTFOUND, "no checkpoint yet");
	return sqlerr(st, err, "reading checkpoints");
}

int cn_store_checkpoint_sign(struct cn_store *st, struct cn_err *err)
{
	uint8_t root[CN_MERKLE_HASH_LEN], prev_root[CN_MERKLE_HASH_LEN],
		again[CN_MERKLE_HASH_LEN];
	uint64_t prev = 0;
	int64_t n = count_events(st);
	char *note = NULL;
	int rc;

	if (!st->signer_name || n <= 0)
		return 0;
	rc = cn_store_checkpoint_latest(st, NULL, &prev, prev_root, err);
	if (rc && rc != CN_ENOTFOUND)
		return rc;
	if (rc == 0 && prev == (uint64_t)n)
		return 0; /* nothing new since the last checkpoint */
	/* Never sign a tree inconsistent with what was signed before: the
	 * stored tree must still give the old root at the old size. */
	if (rc == 0 && (cn_merkle_root(node_get, st, prev, again, err) ||
			memcmp(again, prev_root, CN_MERKLE_HASH_LEN)))
		return cn_err_set(err, CN_ECORRUPT,
				  "refusing to sign: the tree no longer gives "
				  "the root signed at size %llu",
				  (unsigned long long)prev);
	if ((rc = cn_merkle_root(node_get, st, (uint64_t)n, root, err)) ||
	    (rc = cn_checkpoint_sign(st->signer_name, (uint64_t)n, root,
				     st->signer_name, st->signer_sk, &note, err)))
		return rc;
	sqlite3_stmt *s = cached(st, "INSERT INTO checkpoints VALUES(?,?,?)");
	if (!s) {
		free(note);
		return sqlerr(st, err, "writing a checkpoint");
	}
	sqlite3_bind_int64(s, 1, n);
	sqlite3_bind_blob(s, 2, root, CN_MERKLE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, note, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	release(st, s);
	free(note);
	return rc == SQLITE_DONE ? 0 : sqlerr(st, err, "writing a checkpoint");
}

int cn_store_inclusion(struct cn_store *st, uint64_t index, uint64_t size,
		       struct cn_merkle_proof *proof, struct cn_err *err)
{
	int rc = cn_merkle_inclusion_proof(node_get, st, index, size, proof, err);
	if (rc == CN_EIO || (rc == CN_ECORRUPT && st->node_err.code))
		return cn_err_set(err, rc, "%s", st->node_err.msg);
	return rc;
}

int cn_store_consistency(struct cn_store *st, uint64_t size1, uint64_t size2,
			 struct cn_merkle_proof *proof, struct cn_err *err)
{
	int rc = cn_merkle_consistency_proof(node_get, st, size1, size2, proof,
					     err);
	if (rc == CN_EIO || (rc == CN_ECORRUPT && st->node_err.code))
		return cn_err_set(err, rc, "%s", st->node_err.msg);
	return rc;
}

int cn_store_tree_size(struct cn_store *st, uint64_t *size, struct cn_err *err)
{
	int64_t n = count_events(st);
	if (n < 0)
		return sqlerr(st, err, "reading the log");
	*size = (uint64_t)n;
	return 0;
}

/* Recompute the tree from the events and check it against the stored
 * nodes and every checkpoint: root, signature, and consistency with the
 * checkpoint before it. */
struct tree_check {
	struct cn_merkle_mem mem;
};

static int tree_leaf(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct tree_check *tc = ctx;
	return cn_merkle_mem_append(&tc->mem, ev->hash, err);
}

int cn_store_check_log(struct cn_store *st, const char *key_name,
		       const uint8_t pk[32], int64_t *ncheckpoints,
		       struct cn_err *err)
{
	struct tree_check tc;
	sqlite3_stmt *s;
	uint64_t prev_size = 0;
	uint8_t prev_root[CN_MERKLE_HASH_LEN];
	int rc, step;

	cn_merkle_mem_init(&tc.mem);
	if ((rc = cn_store_scan(st, 1, tree_leaf, &tc, err))) {
		cn_merkle_mem_release(&tc.mem);
		return rc;
	}
	/* Stored nodes must be exactly the recomputed ones. */
	if (sqlite3_prepare_v2(st->db, "SELECT level, idx, hash FROM merkle_nodes"
			       " ORDER BY level, idx", -1, &s, NULL) != SQLITE_OK) {
		cn_merkle_mem_release(&tc.mem);
		return sqlerr(st, err, "reading the Merkle tree");
	}
	uint64_t stored = 0;
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		unsigned level = (unsigned)sqlite3_column_int(s, 0);
		uint64_t idx = (uint64_t)sqlite3_column_int64(s, 1);
		uint8_t h[CN_MERKLE_HASH_LEN];
		stored++;
		if (cn_merkle_mem_get(&tc.mem, level, idx, h) ||
		    sqlite3_column_bytes(s, 2) != CN_MERKLE_HASH_LEN ||
		    memcmp(h, sqlite3_column_blob(s, 2), CN_MERKLE_HASH_LEN))
			rc = cn_err_set(err, CN_ECORRUPT,
					"Merkle node (%u, %llu) differs from the "
					"tree of the events", level,
					(unsigned long long)idx);
	}
	sqlite3_finalize(s);
	uint64_t expected = 0;
	for (unsigned l = 0; l < CN_MERKLE_LEVELS; l++)
		expected += tc.mem.len[l];
	if (rc == 0 && stored != expected)
		rc = cn_err_set(err, CN_ECORRUPT,
				"the stored Merkle tree has %llu nodes, the events "
				"give %llu", (unsigned long long)stored,
				(unsigned long long)expected);
	*ncheckpoints = 0;
	if (rc == 0 && sqlite3_prepare_v2(st->db, "SELECT size, root, note FROM"
					  " checkpoints ORDER BY size", -1, &s,
					  NULL) != SQLITE_OK)
		rc = sqlerr(st, err, "reading checkpoints");
	else if (rc == 0) {
		while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
			uint64_t size = (uint64_t)sqlite3_column_int64(s, 0);
			const char *note = (const char *)sqlite3_column_text(s, 2);
			struct cn_checkpoint cp;
			uint8_t root[CN_MERKLE_HASH_LEN];
			struct cn_merkle_proof proof;

			(*ncheckpoints)++;
			if (size > tc.mem.size) {
				rc = cn_err_set(err, CN_ECORRUPT,
						"checkpoint at size %llu: the log has "
						"only %llu events (truncated or rolled "
						"back)", (unsigned long long)size,
						(unsigned long long)tc.mem.size);
				break;
			}
			if (cn_checkpoint_verify(note, strlen(note), key_name, pk,
						 &cp, err)) {
				rc = cn_err_prefix(err, "checkpoint at size %llu: ",
						   (unsigned long long)size);
				rc = CN_ECORRUPT;
				break;
			}
			if (cn_merkle_root(cn_merkle_mem_get, &tc.mem, size, root,
					   err) == 0 &&
			    (cp.size != size || memcmp(cp.root, root, 32) ||
			     sqlite3_column_bytes(s, 1) != 32 ||
			     memcmp(sqlite3_column_blob(s, 1), root, 32)))
				rc = cn_err_set(err, CN_ECORRUPT,
						"checkpoint at size %llu: its root is "
						"not the root of the first %llu events",
						(unsigned long long)size,
						(unsigned long long)size);
			if (rc == 0 && prev_size &&
			    (cn_merkle_consistency_proof(cn_merkle_mem_get, &tc.mem,
							 prev_size, size, &proof, err) ||
			     cn_merkle_verify_consistency(prev_size, size, prev_root,
							  root, proof.node,
							  proof.len, err)))
				rc = cn_err_set(err, CN_ECORRUPT,
						"checkpoints at sizes %llu and %llu are "
						"not consistent",
						(unsigned long long)prev_size,
						(unsigned long long)size);
			cn_checkpoint_release(&cp);
			prev_size = size;
			memcpy(prev_root, root, 32);
		}
		sqlite3_finalize(s);
	}
	cn_merkle_mem_release(&tc.mem);
	return rc;
}

int cn_store_get_meta(struct cn_store *st, const char *key, char **value,
		      struct cn_err *err)
{
	sqlite3_stmt *s = cached(st, "SELECT value FROM meta WHERE key = ?");
	int rc;
	if (!s)
		return sqlerr(st, err, "reading meta");
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*value = strdup((const char *)sqlite3_column_text(s, 0));
	release(st, s);
	if (rc == SQLITE_ROW)
		return *value ? 0 : cn_err_set(err, CN_ENOMEM, "out of memory");
	if (rc == SQLITE_DONE)
		return cn_err_set(err, CN_ENOTFOUND, "no meta '%s'", key);
	return sqlerr(st, err, "reading meta");
}

int cn_store_root_at(struct cn_store *st, uint64_t size, uint8_t root[32],
		     struct cn_err *err)
{
	int rc = cn_merkle_root(node_get, st, size, root, err);
	if (rc == CN_EIO || (rc == CN_ECORRUPT && st->node_err.code))
		return cn_err_set(err, rc, "%s", st->node_err.msg);
	return rc;
}

int cn_store_checkpoints(struct cn_store *st, int (*fn)(void *ctx,
			 uint64_t size, const char *note), void *ctx,
			 struct cn_err *err)
{
	sqlite3_stmt *s;
	int rc = 0, step;

	if (sqlite3_prepare_v2(st->db, "SELECT size, note FROM checkpoints"
			       " ORDER BY size", -1, &s, NULL) != SQLITE_OK)
		return sqlerr(st, err, "reading checkpoints");
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW)
		rc = fn(ctx, (uint64_t)sqlite3_column_int64(s, 0),
			(const char *)sqlite3_column_text(s, 1));
	sqlite3_finalize(s);
	return rc;
}

int cn_store_event_bytes(struct cn_store *st, int64_t seq, char **bytes,
			 struct cn_err *err)
{
	return fetch_text(st, "SELECT bytes FROM events WHERE seq = ?", seq,
			  "event", bytes, NULL, err);
}
