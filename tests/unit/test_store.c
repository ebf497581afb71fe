/*
 * test_store.c - the SQLite event log and its projections (src/store) as
 * driven by the app layer (src/app): create, seed from data/nato.json,
 * run commands, reopen, verify, and detect tampering done with sqlite3
 * directly on the file.
 *
 * Each test works in its own mkdtemp directory under /tmp, removed at the
 * end.  Time is always an input.  Counts: the seed is one alliance.founded
 * event plus one event per member, body, partner and office record of the
 * dataset (src/app/dataset.c); NATO has 32 members (data/nato.json, with
 * its sources), and the other counts are read from the dataset file by
 * the test itself.
 * The NAC in July 2023 had 31 members (Sweden joined 2024-03-07).
 *
 * The same tests run on the PostgreSQL store when COUNCIL_TEST_PG holds
 * the connection string of a database (tests/cli/test_pg.sh starts a
 * throwaway cluster and sets it): each test then gets a schema of its
 * own, named in the store's connection string (search_path), and its key
 * file in its directory ($COUNCIL_KEY).  Tampering is done with SQL of
 * the backend's own dialect (Q()), on a connection of the test's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/lists.h"
#include "app/people.h"
#include "app/projection.h"
#include "app/sight.h"
#include "app/verify.h"
#include "core/checkpoint.h"
#include "core/procedure_step.h"
#include "core/timeutil.h"
#include "server/writer.h"
#include "store/pagesql.h"
#include "store/sqlite.h"
#include "store/store.h"

#define DATASET CN_DATADIR "/nato.json"

struct fx {
	char dir[64];
	char path[1024];
	char schema[32]; /* PostgreSQL: the test's schema */
	struct cn_app *app;
	int64_t seeded;   /* events after the seed */
};

/* COUNCIL_TEST_PG: the database the tests make their schemas in; NULL:
 * the tests run on SQLite files. */
static const char *pg_base;

/* The SQL of a change, in SQLite's dialect or PostgreSQL's. */
static const char *Q(const char *sqlite, const char *pg)
{
	return pg_base ? pg : sqlite;
}

/* Run SQL on a PostgreSQL database with a connection of the test's:
 * 0, or 1 with PostgreSQL's message in msg. */
static int pg_sql(const char *conninfo, const char *text, char *msg, size_t n)
{
	PGconn *c = PQconnectdb(conninfo);
	PGresult *r = NULL;
	int rc = 1;

	if (PQstatus(c) == CONNECTION_OK) {
		PQclear(PQexec(c, "SET client_min_messages = warning"));
		r = PQexec(c, text);
		rc = PQresultStatus(r) != PGRES_COMMAND_OK &&
		     PQresultStatus(r) != PGRES_TUPLES_OK;
	}
	if (msg)
		snprintf(msg, n, "%s", rc ? (r ? PQresultErrorMessage(r)
					      : PQerrorMessage(c)) : "");
	PQclear(r);
	PQfinish(c);
	return rc;
}

static int64_t T(const char *iso)
{
	struct cn_err err = {0};
	int64_t t = 0;
	if (cn_time_parse(iso, "test", &t, &err)) {
		fprintf(stderr, "bad test time %s\n", iso);
		abort();
	}
	return t;
}

static void rm_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

/* A new empty place for a store: a directory, with the store's file in
 * it or (PostgreSQL) a schema of its own and the key file in it. */
static int fresh_store(struct fx *f)
{
	static int n;
	char ddl[160], key[128];

	strcpy(f->dir, "/tmp/council-test-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	if (!pg_base) {
		snprintf(f->path, sizeof(f->path), "%s/council.db", f->dir);
		return 0;
	}
	snprintf(f->schema, sizeof(f->schema), "t%ld_%d", (long)getpid(), ++n);
	snprintf(f->path, sizeof(f->path), "%s options='-csearch_path=%s'",
		 pg_base, f->schema);
	snprintf(key, sizeof(key), "%s/pg.key", f->dir);
	setenv("COUNCIL_KEY", key, 1);
	snprintf(ddl, sizeof(ddl), "DROP SCHEMA IF EXISTS %s CASCADE;"
		 " CREATE SCHEMA %s", f->schema, f->schema);
	return pg_sql(pg_base, ddl, NULL, 0) ? -1 : 0;
}

static void drop_store(struct fx *f)
{
	char ddl[80];

	rm_dir(f->dir);
	if (pg_base) {
		snprintf(ddl, sizeof(ddl), "DROP SCHEMA %s CASCADE", f->schema);
		pg_sql(pg_base, ddl, NULL, 0);
	}
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	if (fresh_store(f)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	cn_app_close(f->app);
	drop_store(f);
	free(f);
	return 0;
}

/* Records in the dataset file, counted independently of council. */
static int64_t dataset_events(void)
{
	json_error_t je;
	json_t *root = json_load_file(DATASET, 0, &je);
	int64_t n = 1;
	assert_non_null(root);
	assert_int_equal(json_array_size(json_object_get(root, "members")), 32);
	n += (int64_t)json_array_size(json_object_get(root, "members"));
	n += (int64_t)json_array_size(json_object_get(root, "bodies"));
	n += (int64_t)json_array_size(json_object_get(root, "partners"));
	n += (int64_t)json_array_size(json_object_get(root, "offices"));
	json_decref(root);
	return n;
}

/* The integers of a one-row query, read through a connection of the
 * test's own (NULL reads as 0). */
static void query_ints(const char *path, const char *q, int64_t *out, int n)
{
	if (pg_base) {
		PGconn *c = PQconnectdb(path);
		PGresult *r = PQexec(c, q);
		if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
			fail_msg("%s: %s", q, PQresultErrorMessage(r));
		for (int i = 0; i < n; i++)
			out[i] = strtoll(PQgetvalue(r, 0, i), NULL, 10);
		PQclear(r);
		PQfinish(c);
		return;
	}
	sqlite3 *db;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	for (int i = 0; i < n; i++)
		out[i] = sqlite3_column_int64(s, i);
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* Number of rows in events, read through a separate connection. */
static int64_t count_events(const char *path)
{
	int64_t n = -1;
	query_ints(path, "SELECT count(*) FROM events", &n, 1);
	return n;
}

/* Run SQL on the file with a connection of our own; returns the SQLite
 * code and copies the error message into msg (may be NULL). */
static int sql(const char *path, const char *text, char *msg, size_t n)
{
	sqlite3 *db;
	char *e = NULL;
	int rc;

	if (pg_base)
		return pg_sql(path, text, msg, n);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		snprintf(msg ? msg : (char[1]){0}, msg ? n : 1, "%s",
			 sqlite3_errmsg(db));
		sqlite3_close(db);
		return SQLITE_CANTOPEN;
	}
	rc = sqlite3_exec(db, text, NULL, NULL, &e);
	if (msg)
		snprintf(msg, n, "%s", e ? e : "");
	sqlite3_free(e);
	sqlite3_close(db);
	return rc;
}

static void sql_ok(const char *path, const char *text)
{
	char msg[256];
	if (sql(path, text, msg, sizeof(msg)) != SQLITE_OK)
		fail_msg("%s: %s", text, msg);
}

/* "event K" followed by something other than a digit. */
static int names_event(const char *msg, int64_t k)
{
	char pat[32];
	int n = snprintf(pat, sizeof(pat), "event %lld", (long long)k);
	for (const char *p = strstr(msg, pat); p; p = strstr(p + 1, pat))
		if (p[n] < '0' || p[n] > '9')
			return 1;
	return 0;
}

/* ---- a store with some history -------------------------------------------- */

static void open_app(struct fx *f, int flags)
{
	struct cn_err err = {0};
	if (cn_app_open(flags & CN_STORE_MEMORY ? NULL : f->path, flags, &f->app,
			&err))
		fail_msg("opening %s: %s", f->path, err.msg);
}

static void close_app(struct fx *f)
{
	cn_app_close(f->app);
	f->app = NULL;
}

static size_t run(struct fx *f, const char *at, cn_command_fn fn,
		  const void *args)
{
	struct cn_err err = {0};
	size_t n = 0;
	if (cn_app_run(f->app, T(at), "secretariat", fn, args, &n, &err))
		fail_msg("command at %s: %s", at, err.msg);
	return n;
}

static void seed(struct fx *f, int flags)
{
	struct cn_err err = {0};
	open_app(f, flags | CN_STORE_CREATE);
	if (cn_app_seed(f->app, DATASET, T("2023-01-01T00:00:00Z"), &err))
		fail_msg("seeding: %s", err.msg);
	f->seeded = dataset_events();
	assert_int_equal(cn_app_world(f->app)->last_seq, f->seeded);
}

#define P2_DEADLINE "2023-07-20T12:00:00Z"

/* The Tokyo office proposed in 2023 (scenarios/tokyo-2023.json) and a
 * silence procedure; 10 events. */
static void history(struct fx *f)
{
	json_t *tokyo = json_pack("[{s:s, s:s, s:s, s:s, s:s, s:s, s:s}]", "type",
				  "open-office", "id", "nlo-tokyo", "name",
				  "NATO Liaison Office Tokyo", "city", "Tokyo",
				  "country", "JP", "lat", "35.6762", "lon",
				  "139.6503");
	struct cn_propose_args p1 = {.body = "NAC", .title = "Liaison office in Tokyo",
				     .effects = tokyo};
	struct cn_propose_args p2 = {.body = "NAC", .title = "Routine statement",
				     .procedure = "silence", .deadline = P2_DEADLINE};
	struct cn_propose_args p3 = {.body = "NAC", .title = "Next item"};
	struct cn_respond_args fr = {.proposal = 1, .member = "FR",
				     .act = CN_ACT_POSITION, .pos = CN_POS_OBJECT,
				     .text = "geography is stubborn"};
	struct cn_respond_args de = {.proposal = 2, .member = "DE",
				     .act = CN_ACT_COMMENT, .text = "noted"};
	struct cn_respond_args tr = {.proposal = 2, .member = "TR",
				     .act = CN_ACT_POSITION, .pos = CN_POS_RESERVE,
				     .text = "instructions awaited"};
	struct cn_respond_args trl = {.proposal = 2, .member = "TR",
				      .act = CN_ACT_LIFT};
	struct cn_respond_args us = {.proposal = 3, .member = "US",
				     .act = CN_ACT_POSITION, .pos = CN_POS_FOOTNOTE,
				     .text = "on record"};
	struct cn_app_secretariat_args c1 = {.proposal = 1};

	assert_int_equal(run(f, "2023-07-07T09:00:00Z", cn_app_cmd_propose, &p1), 1);
	json_decref(tokyo);
	assert_int_equal(cn_world_proposal(cn_app_world(f->app), 1)->nballots, 31);
	assert_int_equal(run(f, "2023-07-11T10:00:00Z", cn_app_cmd_respond, &fr), 1);
	assert_int_equal(run(f, "2023-07-12T15:00:00Z", cn_app_cmd_conclude, &c1), 1);
	assert_int_equal(run(f, "2023-07-13T09:00:00Z", cn_app_cmd_propose, &p2), 1);
	assert_int_equal(run(f, "2023-07-14T09:00:00Z", cn_app_cmd_respond, &de), 1);
	assert_int_equal(run(f, "2023-07-15T09:00:00Z", cn_app_cmd_respond, &tr), 1);
	assert_int_equal(run(f, "2023-07-19T09:00:00Z", cn_app_cmd_respond, &trl), 1);
	/* The clock concludes P2 at its deadline before P3 is proposed. */
	assert_int_equal(run(f, "2023-07-21T09:00:00Z", cn_app_cmd_propose, &p3), 2);
	assert_int_equal(run(f, "2023-07-21T10:00:00Z", cn_app_cmd_respond, &us), 1);

	const struct cn_world *w = cn_app_world(f->app);
	assert_int_equal(w->last_seq, f->seeded + 10);
	assert_string_equal(cn_world_proposal(w, 1)->outcome, "blocked");
	assert_string_equal(cn_world_proposal(w, 1)->explanation, "blocked: FR objects");
	assert_null(cn_world_office(w, "nlo-tokyo"));
	assert_string_equal(cn_world_proposal(w, 2)->outcome, "adopted");
	assert_string_equal(cn_world_proposal(w, 2)->explanation,
			    "adopted: no objection among 31 members");
	assert_int_equal(cn_world_proposal(w, 2)->concluded_at, T(P2_DEADLINE));
	assert_false(cn_world_proposal(w, 3)->concluded);
}

/* A seeded file store with history, closed (for tampering). */
static void prepared_file(struct fx *f)
{
	seed(f, 0);
	history(f);
	close_app(f);
	assert_int_equal(count_events(f->path), f->seeded + 10);
}

/* ---- tests -------------------------------------------------------------------- */

static void test_create_seed_reopen(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_world before;
	json_t *docs[4] = {0};

	seed(f, 0);
	/* A dataset seeds only an empty store. */
	assert_int_equal(cn_app_seed(f->app, DATASET, T("2023-01-02"), &err),
			 CN_EREFUSED);
	history(f);
	const struct cn_world *w = cn_app_world(f->app);
	assert_int_equal(w->nmembers, 32);
	assert_non_null(cn_world_member(w, "SE"));
	assert_non_null(cn_world_partner(w, "JP"));
	assert_non_null(cn_world_body(w, "DPC"));
	before.last_seq = w->last_seq;
	memcpy(before.last_hash, w->last_hash, CN_HASH_LEN);
	before.nproposals = w->nproposals;
	before.nmembers = w->nmembers;
	before.npartners = w->npartners;
	before.nbodies = w->nbodies;
	before.noffices = w->noffices;
	for (size_t i = 0; i < w->nproposals; i++)
		docs[i] = cn_proposal_json(w, cn_world_proposal(w, (int64_t)i + 1));
	assert_int_equal(cn_verify_projections(cn_app_store(f->app), NULL, &err), 0);
	close_app(f);

	/* Reopen: the replayed world is the same world. */
	open_app(f, 0);
	w = cn_app_world(f->app);
	assert_int_equal(w->last_seq, before.last_seq);
	assert_memory_equal(w->last_hash, before.last_hash, CN_HASH_LEN);
	assert_int_equal(w->nproposals, before.nproposals);
	assert_int_equal(w->nmembers, before.nmembers);
	assert_int_equal(w->npartners, before.npartners);
	assert_int_equal(w->nbodies, before.nbodies);
	assert_int_equal(w->noffices, before.noffices);
	for (size_t i = 0; i < w->nproposals; i++) {
		json_t *now = cn_proposal_json(w, cn_world_proposal(w, (int64_t)i + 1));
		int same = json_equal(now, docs[i]);
		json_decref(now);
		if (!same)
			fail_msg("proposal %zu differs after reopening", i + 1);
	}
	/* And the store's own view of each proposal agrees with it. */
	for (size_t i = 0; i < w->nproposals; i++) {
		json_t *stored = NULL;
		assert_int_equal(cn_store_proposal_doc(cn_app_store(f->app),
						       (int64_t)i + 1, &stored, &err), 0);
		assert_true(json_equal(stored, docs[i]));
		json_decref(stored);
	}
	for (size_t i = 0; i < 4; i++)
		json_decref(docs[i]);
	/* Writing continues where it left off. */
	struct cn_respond_args be = {.proposal = 3, .member = "BE",
				     .act = CN_ACT_POSITION, .pos = CN_POS_CONCUR};
	assert_int_equal(run(f, "2023-07-22T09:00:00Z", cn_app_cmd_respond, &be), 1);
	assert_int_equal(cn_app_world(f->app)->last_seq, before.last_seq + 1);
	close_app(f);
	assert_int_equal(count_events(f->path), before.last_seq + 1);
}

static void test_projections_and_verify(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_world w;
	int64_t nev = 0, ncp = 0;

	seed(f, 0);
	assert_int_equal(cn_verify_projections(cn_app_store(f->app), NULL, &err), 0);
	history(f);
	struct cn_app_secretariat_args c3 = {.proposal = 3};
	assert_int_equal(run(f, "2023-07-22T09:00:00Z", cn_app_cmd_conclude, &c3), 1);
	if (cn_verify_projections(cn_app_store(f->app), &w, &err))
		fail_msg("projections: %s", err.msg);
	assert_int_equal(w.last_seq, f->seeded + 11);
	assert_string_equal(cn_world_proposal(&w, 3)->outcome, "adopted");
	cn_world_release(&w);
	if (cn_app_verify(f->app, NULL, &nev, &ncp, &err))
		fail_msg("verify: %s", err.msg);
	assert_int_equal(nev, f->seeded + 11);
}

static void test_memory_store(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};

	seed(f, CN_STORE_MEMORY);
	history(f);
	assert_int_equal(cn_verify_projections(cn_app_store(f->app), NULL, &err), 0);
	/* Nothing was written next to where a file would be. */
	DIR *d = opendir(f->dir);
	struct dirent *e;
	int files = 0;
	while ((e = readdir(d)))
		files += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(files, 0);
}

static void test_refused_command_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	size_t n = 99;

	seed(f, 0);
	history(f);
	const int64_t last = cn_app_world(f->app)->last_seq;
	uint8_t head[CN_HASH_LEN];
	memcpy(head, cn_app_world(f->app)->last_hash, CN_HASH_LEN);

	struct cn_respond_args xx = {.proposal = 3, .member = "XX",
				     .act = CN_ACT_POSITION, .pos = CN_POS_CONCUR};
	assert_int_equal(cn_app_run(f->app, T("2023-07-22T09:00:00Z"), "x",
				    cn_app_cmd_respond, &xx, &n, &err), CN_ENOTFOUND);
	struct cn_respond_args late = {.proposal = 1, .member = "DE",
				       .act = CN_ACT_POSITION, .pos = CN_POS_CONCUR};
	assert_int_equal(cn_app_run(f->app, T("2023-07-22T09:00:00Z"), "x",
				    cn_app_cmd_respond, &late, &n, &err), CN_ECONCLUDED);
	struct cn_respond_args jp = {.proposal = 3, .member = "JP",
				     .act = CN_ACT_POSITION, .pos = CN_POS_CONCUR};
	assert_int_equal(cn_app_run(f->app, T("2023-07-22T09:00:00Z"), "x",
				    cn_app_cmd_respond, &jp, &n, &err), CN_EREFUSED);
	assert_int_equal(cn_app_world(f->app)->last_seq, last);
	assert_memory_equal(cn_app_world(f->app)->last_hash, head, CN_HASH_LEN);
	assert_int_equal(count_events(f->path), last);
	assert_int_equal(cn_verify_projections(cn_app_store(f->app), NULL, &err), 0);
	/* The app still works. */
	struct cn_respond_args be = {.proposal = 3, .member = "BE",
				     .act = CN_ACT_POSITION, .pos = CN_POS_CONCUR};
	assert_int_equal(run(f, "2023-07-22T10:00:00Z", cn_app_cmd_respond, &be), 1);
	assert_int_equal(count_events(f->path), last + 1);
}

static void test_triggers_refuse_update_delete(void **state)
{
	struct fx *f = *state;
	char msg[256];

	prepared_file(f);
	assert_int_not_equal(sql(f->path, "UPDATE events SET bytes = bytes WHERE seq = 5",
				 msg, sizeof(msg)), SQLITE_OK);
	assert_non_null(strstr(msg, "append-only"));
	assert_int_not_equal(sql(f->path, "DELETE FROM events WHERE seq = 5", msg,
				 sizeof(msg)), SQLITE_OK);
	assert_non_null(strstr(msg, "append-only"));
	assert_int_not_equal(sql(f->path, "DELETE FROM events", msg, sizeof(msg)),
			     SQLITE_OK);
	if (pg_base) {
		/* And TRUNCATE, which no row trigger sees; and an event
		 * that does not follow the last one. */
		assert_int_not_equal(sql(f->path, "TRUNCATE events", msg,
					 sizeof(msg)), 0);
		assert_non_null(strstr(msg, "append-only"));
		assert_int_not_equal(sql(f->path, "INSERT INTO events VALUES(1000,"
					 " 'x', decode(repeat('00', 32), 'hex'),"
					 " decode(repeat('00', 32), 'hex'), 't', NULL)",
					 msg, sizeof(msg)), 0);
		assert_non_null(strstr(msg, "does not follow the log"));
	}
	assert_int_equal(count_events(f->path), f->seeded + 10);
	open_app(f, 0);
}

static void drop_triggers(const char *path)
{
	sql_ok(path, Q("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete",
		       "ALTER TABLE events DISABLE TRIGGER events_append_only"));
}

/* One byte of an event's stored text changed, in each dialect. */
#define CHANGE_ACTOR(seq)                                                    \
	Q("UPDATE events SET bytes = replace(bytes, '\"actor\":\"dataset\"',"   \
	  " '\"actor\":\"datasEt\"') WHERE seq = " #seq,                         \
	  "UPDATE events SET bytes = convert_to(replace(convert_from(bytes,"    \
	  " 'UTF8'), '\"actor\":\"dataset\"', '\"actor\":\"datasEt\"'), 'UTF8')" \
	  " WHERE seq = " #seq)
/* 32 zero bytes. */
#define ZEROS32 Q("zeroblob(32)", "decode(repeat('00', 32), 'hex')")

/* Opening the app and scanning the store both fail naming event k. */
static void assert_corrupt_at(struct fx *f, int64_t k, const char *what)
{
	struct cn_err err = {0};
	struct cn_store *st = NULL;
	struct cn_app *app = NULL;
	int rc;

	rc = cn_app_open(f->path, 0, &app, &err);
	if (rc == 0)
		cn_app_close(app);
	if (rc != CN_ECORRUPT || !names_event(err.msg, k))
		fail_msg("%s: cn_app_open gave %d '%s', want CN_ECORRUPT naming "
			 "event %lld", what, rc, err.msg, (long long)k);
	memset(&err, 0, sizeof(err));
	assert_int_equal(cn_store_open(f->path, CN_STORE_READONLY, &st, &err), 0);
	rc = cn_store_scan(st, 1, NULL, NULL, &err);
	cn_store_close(st);
	if (rc != CN_ECORRUPT || !names_event(err.msg, k))
		fail_msg("%s: cn_store_scan gave %d '%s', want CN_ECORRUPT naming "
			 "event %lld", what, rc, err.msg, (long long)k);
}

/* The prepared store changed by `text` (SQL, the events' triggers
 * dropped) fails naming event k. */
static void tampered(struct fx *f, const char *text, int64_t k,
		     const char *what)
{
	prepared_file(f);
	drop_triggers(f->path);
	sql_ok(f->path, text);
	assert_corrupt_at(f, k, what);
}

static void test_tamper_changed_byte(void **state)
{
	/* One byte of event 50 (a partner from the seed). */
	tampered(*state, CHANGE_ACTOR(50), 50, "changed byte");
}

static void test_tamper_changed_hash(void **state)
{
	char q[128];
	snprintf(q, sizeof(q), "UPDATE events SET hash = %s WHERE seq = 100",
		 ZEROS32);
	tampered(*state, q, 100, "changed recorded hash");
}

/* Store other bytes and hash for event seq, with a connection of the
 * test's (the events' triggers dropped). */
static void rewrite_event(struct fx *f, int64_t seq, const char *bytes,
			  const uint8_t h[CN_HASH_LEN])
{
	if (pg_base) {
		char hex[2 * CN_HASH_LEN + 1], num[24];
		const char *v[3] = {bytes, hex, num};
		for (int i = 0; i < CN_HASH_LEN; i++)
			snprintf(hex + 2 * i, 3, "%02x", h[i]);
		snprintf(num, sizeof(num), "%lld", (long long)seq);
		PGconn *c = PQconnectdb(f->path);
		PGresult *r = PQexecParams(c, "UPDATE events SET bytes ="
					   " convert_to($1, 'UTF8'), hash ="
					   " decode($2, 'hex') WHERE seq = $3::int8",
					   3, NULL, v, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fail_msg("rewriting event: %s", PQresultErrorMessage(r));
		PQclear(r);
		PQfinish(c);
		return;
	}
	sqlite3 *db;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE events SET bytes = ?, hash = ?"
					    " WHERE seq = ?", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_text(s, 1, bytes, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, h, CN_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, seq);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	sqlite3_close(db);
}

static void test_tamper_rewritten_event_breaks_chain(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_store *st = NULL;
	struct cn_event ev;
	char *bytes;
	uint8_t h[CN_HASH_LEN];

	prepared_file(f);
	drop_triggers(f->path);
	const int64_t objection = f->seeded + 2; /* France's, in history() */
	/* Change the objection's bytes and give it a matching hash (with its
	 * own salt, as whoever holds the store can): the next event no longer
	 * follows it. */
	assert_int_equal(cn_store_open(f->path, CN_STORE_READONLY, &st, &err), 0);
	assert_int_equal(cn_store_event(st, objection, &ev, &err), 0);
	cn_store_close(st);
	bytes = strndup(ev.bytes, ev.len);
	char *p = strstr(bytes, "geography is stubborn");
	assert_non_null(p);
	p[0] = 'G'; /* one letter of France's reason: still canonical */
	cn_event_hash(ev.salt, bytes, strlen(bytes), h); /* its leaf, event.h */
	cn_event_release(&ev);
	rewrite_event(f, objection, bytes, h);
	free(bytes);
	assert_corrupt_at(f, objection + 1, "rewritten objection");
}

static void test_tamper_deleted_event(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_app *app = NULL;
	prepared_file(f);
	drop_triggers(f->path);
	sql_ok(f->path, "DELETE FROM events WHERE seq = 60");
	assert_corrupt_at(f, 60, "deleted event");
	assert_int_equal(cn_app_open(f->path, 0, &app, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "missing"));
}

static void test_tamper_swapped_events(void **state)
{
	struct fx *f = *state;
	prepared_file(f);
	drop_triggers(f->path);
	sql_ok(f->path,
	       "CREATE TEMP TABLE s AS SELECT seq, bytes, hash FROM events"
	       " WHERE seq IN (70, 71);"
	       "UPDATE events SET bytes = (SELECT bytes FROM s WHERE seq = 71),"
	       " hash = (SELECT hash FROM s WHERE seq = 71) WHERE seq = 70;"
	       "UPDATE events SET bytes = (SELECT bytes FROM s WHERE seq = 70),"
	       " hash = (SELECT hash FROM s WHERE seq = 70) WHERE seq = 71;");
	assert_corrupt_at(f, 70, "swapped events 70 and 71");
}

static void test_tamper_projection(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	static const struct {
		const char *change, *undo, *table;
	} cases[] = {
		{"UPDATE members SET name = 'Gaul' WHERE code = 'FR'",
		 "UPDATE members SET name = 'France' WHERE code = 'FR'", "members"},
		{"UPDATE proposals SET outcome = 'adopted' WHERE id = 1",
		 "UPDATE proposals SET outcome = 'blocked' WHERE id = 1", "proposals"},
		{"DELETE FROM positions WHERE proposal = 1 AND member = 'FR'", NULL,
		 "positions"},
		{"INSERT INTO offices(id, name, country, record) VALUES"
		 "('nlo-tokyo', 'Tokyo', 'JP', '{}')", NULL, "offices"},
	};

	prepared_file(f);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[64];
		sql_ok(f->path, cases[i].change);
		/* Projections are not checked on open: the log is sound. */
		open_app(f, 0);
		int rc = cn_verify_projections(cn_app_store(f->app), NULL, &err);
		close_app(f);
		snprintf(want, sizeof(want), "projection %s", cases[i].table);
		if (rc != CN_ECORRUPT || !strstr(err.msg, want))
			fail_msg("%s: check gave %d '%s', want CN_ECORRUPT naming "
				 "'%s'", cases[i].change, rc, err.msg, want);
		if (cases[i].undo) {
			sql_ok(f->path, cases[i].undo);
			open_app(f, 0);
			rc = cn_verify_projections(cn_app_store(f->app), NULL, &err);
			close_app(f);
			if (rc)
				fail_msg("after undoing '%s': %s", cases[i].change,
					 err.msg);
		} else {
			/* Start again from a clean store. */
			drop_store(f);
			assert_int_equal(fresh_store(f), 0);
			prepared_file(f);
		}
	}
}

static void test_foreign_sqlite_refused(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_store *st = NULL;
	struct cn_app *app = NULL;
	char key[1100];
	struct stat sb;

	sql_ok(f->path, "CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES('mine')");
	assert_int_equal(cn_store_open(f->path, CN_STORE_CREATE, &st, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "not a council database"));
	assert_non_null(strstr(err.msg, "another application"));
	assert_int_equal(cn_app_open(f->path, CN_STORE_CREATE, &app, &err), CN_ECORRUPT);
	/* Nothing was written into it or beside it. */
	if (pg_base) {
		int64_t n[2];
		query_ints(f->path, "SELECT (SELECT count(*) FROM pg_tables WHERE"
			   " schemaname = current_schema()), (SELECT count(*)"
			   " FROM notes)", n, 2);
		assert_int_equal(n[0], 1);
		assert_int_equal(n[1], 1);
		assert_int_not_equal(stat(getenv("COUNCIL_KEY"), &sb), 0);
		return;
	}
	sqlite3 *db;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM sqlite_schema),"
					    " (SELECT count(*) FROM notes)", -1, &s,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 1);
	assert_int_equal(sqlite3_column_int(s, 1), 1);
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &s, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	snprintf(key, sizeof(key), "%s.key", f->path);
	assert_int_not_equal(stat(key, &sb), 0);
}

static void test_random_bytes_refused(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_store *st = NULL;
	struct cn_app *app = NULL;
	/* back has a byte more, so that a longer file would be seen. */
	unsigned char buf[8192], back[8192 + 1];
	uint32_t x = 2463534242u; /* xorshift32: deterministic noise */
	FILE *fp;

	if (pg_base)
		skip(); /* a file of noise: SQLite's case only */

	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (unsigned char)x;
	}
	fp = fopen(f->path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, sizeof(buf), fp), sizeof(buf));
	fclose(fp);
	assert_int_equal(cn_store_open(f->path, CN_STORE_CREATE, &st, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "not a council database"));
	assert_int_equal(cn_app_open(f->path, 0, &app, &err), CN_ECORRUPT);
	/* The file is as it was. */
	fp = fopen(f->path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(back, 1, sizeof(back), fp), sizeof(buf));
	fclose(fp);
	assert_memory_equal(buf, back, sizeof(buf));
}

/*
 * Two silence procedures carry the same open-office effect.  The first is
 * adopted at its deadline and opens the office; the second's effect no
 * longer fits when its own deadline passes.  That must not stop the app
 * (the clock runs before every command): the second lapses, saying why,
 * and unrelated commands go through.
 */
static void test_stale_effect_does_not_stop_the_app(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	json_t *eff = json_pack("[{s:s, s:s, s:s, s:s, s:s}]", "type", "open-office",
				"id", "nlo-x", "name", "Office X", "city", "Brussels",
				"country", "BE");
	struct cn_propose_args s1 = {.body = "NAC", .title = "Office X, first",
				     .procedure = "silence",
				     .deadline = "2023-07-10T12:00:00Z", .effects = eff};
	struct cn_propose_args s2 = {.body = "NAC", .title = "Office X, second",
				     .procedure = "silence",
				     .deadline = "2023-07-12T12:00:00Z", .effects = eff};
	struct cn_propose_args m = {.body = "NAC", .title = "Unrelated"};

	seed(f, CN_STORE_MEMORY);
	run(f, "2023-07-07T09:00:00Z", cn_app_cmd_propose, &s1);
	run(f, "2023-07-07T09:00:00Z", cn_app_cmd_propose, &s2);
	run(f, "2023-07-07T09:00:00Z", cn_app_cmd_propose, &m);
	json_decref(eff);
	/* Past the first deadline: the clock adopts proposal 1. */
	struct cn_respond_args be = {.proposal = 3, .member = "BE",
				     .act = CN_ACT_POSITION, .pos = CN_POS_CONCUR};
	run(f, "2023-07-11T09:00:00Z", cn_app_cmd_respond, &be);
	const struct cn_world *w = cn_app_world(f->app);
	assert_string_equal(cn_world_proposal(w, 1)->outcome, "adopted");
	assert_non_null(cn_world_office(w, "nlo-x"));

	/* Past the second deadline. */
	struct cn_respond_args de = {.proposal = 3, .member = "DE",
				     .act = CN_ACT_POSITION, .pos = CN_POS_CONCUR};
	int rc1 = cn_app_run(f->app, T("2023-07-13T09:00:00Z"), "delegation:DE",
			     cn_app_cmd_respond, &de, NULL, &err);
	if (rc1)
		fail_msg("after a stale effect fell due, a position on proposal 3 "
			 "gave %d (%s)", rc1, err.msg);
	/* The stale proposal lapsed at its deadline, saying why, and the
	 * registry was left as the first decision made it. */
	const struct cn_proposal *p2 = cn_world_proposal(cn_app_world(f->app), 2);
	assert_true(p2->concluded);
	assert_string_equal(p2->outcome, "lapsed");
	assert_non_null(strstr(p2->explanation, "office id 'nlo-x' is already in"));
	assert_int_equal(p2->concluded_at, T("2023-07-12T12:00:00Z"));
	size_t n = 0;
	for (size_t i = 0; i < cn_app_world(f->app)->noffices; i++)
		n += !strcmp(cn_app_world(f->app)->offices[i].id, "nlo-x");
	assert_int_equal(n, 1);
	assert_true(cn_world_proposal(cn_app_world(f->app), 2)->concluded);
}


/*
 * Issue 9: a proposal's view reads the registry (the treaty-area check
 * of an open-office effect, as of its date).  An office in XK adopted in
 * February 2025, then XK admitted "effective 2025-01-01" in March: the
 * registry now says XK was a member when the office was decided, so the
 * view of proposal 1 changes.  The stored view must change with it, or
 * verify reports a store nobody touched as tampered.
 */
static void test_registry_change_rewrites_views_that_read_it(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	json_t *office = json_pack("[{s:s, s:s, s:s, s:s, s:s}]", "type",
				   "open-office", "id", "nlo-pristina", "name",
				   "Office Pristina", "city", "Pristina",
				   "country", "XK");
	json_t *admit = json_pack("[{s:s, s:s, s:s, s:s}]", "type", "admit-member",
				  "code", "XK", "name", "Kosovo", "effective",
				  "2025-01-01");
	struct cn_propose_args p1 = {.body = "NAC", .title = "Office in XK",
				     .effects = office};
	struct cn_propose_args p2 = {.body = "NAC", .title = "Admit XK",
				     .effects = admit};
	struct cn_app_secretariat_args c1 = {.proposal = 1}, c2 = {.proposal = 2};
	json_t *stored = NULL, *now;

	seed(f, CN_STORE_MEMORY);
	run(f, "2025-02-01T09:00:00Z", cn_app_cmd_propose, &p1);
	run(f, "2025-02-02T09:00:00Z", cn_app_cmd_conclude, &c1);
	assert_int_equal(cn_store_proposal_doc(cn_app_store(f->app), 1, &stored,
					       &err), 0);
	assert_true(json_is_true(json_object_get(
		json_array_get(json_object_get(stored, "effects"), 0),
		"out_of_area")));
	json_decref(stored);
	run(f, "2025-03-01T09:00:00Z", cn_app_cmd_propose, &p2);
	run(f, "2025-03-02T09:00:00Z", cn_app_cmd_conclude, &c2);
	json_decref(office);
	json_decref(admit);
	assert_non_null(cn_world_member(cn_app_world(f->app), "XK"));
	if (cn_verify_projections(cn_app_store(f->app), NULL, &err))
		fail_msg("verify of an untouched store: %s", err.msg);
	/* The stored view is the world's: XK was a member on 2025-02-02. */
	now = cn_proposal_json(cn_app_world(f->app),
			       cn_world_proposal(cn_app_world(f->app), 1));
	assert_int_equal(cn_store_proposal_doc(cn_app_store(f->app), 1, &stored,
					       &err), 0);
	assert_true(json_equal(stored, now));
	assert_true(json_is_false(json_object_get(
		json_array_get(json_object_get(stored, "effects"), 0),
		"out_of_area")));
	json_decref(stored);
	json_decref(now);
}

/* A failed write whose reload fails too (the store was damaged under
 * the app) keeps the world it had, never an empty one; the next write
 * reloads first and fails, naming the damage.  (A refusal before any fold
 * needs no reload at all, and a write folds only the events after the
 * world's: the damage is met when the world must be rebuilt, here after
 * a group of commands was rolled back.) */
static void test_failed_reload_keeps_the_world(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_respond_args xx = {.proposal = 3, .member = "XX",
				     .act = CN_ACT_POSITION, .pos = CN_POS_CONCUR};
	struct cn_respond_args be = {.proposal = 3, .member = "BE",
				     .act = CN_ACT_POSITION, .pos = CN_POS_CONCUR};

	seed(f, 0);
	history(f);
	const int64_t last = cn_app_world(f->app)->last_seq;
	drop_triggers(f->path);
	sql_ok(f->path, CHANGE_ACTOR(5));
	/* Refused before anything was folded: the world is still the
	 * store's, and nothing is read again. */
	assert_int_equal(cn_app_run(f->app, T("2023-07-22T09:00:00Z"), "x",
				    cn_app_cmd_respond, &xx, NULL, &err),
			 CN_ENOTFOUND);
	assert_int_equal(cn_app_world(f->app)->last_seq, last);
	/* A group rolled back after a fold: the rebuild meets event 5. */
	assert_int_equal(cn_app_batch_begin(f->app, &err), 0);
	assert_int_equal(cn_app_run(f->app, T("2023-07-22T09:30:00Z"), "x",
				    cn_app_cmd_respond, &be, NULL, &err), 0);
	assert_int_equal(cn_app_batch_end(f->app, 0, &err), 0);
	const struct cn_world *w = cn_app_world(f->app);
	assert_true(w->last_seq >= last);
	assert_int_equal(w->nmembers, 32);
	assert_int_equal(w->nproposals, 3);
	int rc = cn_app_run(f->app, T("2023-07-22T10:00:00Z"), "x",
			    cn_app_cmd_respond, &be, NULL, &err);
	if (rc != CN_ECORRUPT || !names_event(err.msg, 5))
		fail_msg("the next write gave %d '%s', want CN_ECORRUPT naming "
			 "event 5", rc, err.msg);
	assert_int_equal(count_events(f->path), last);
}

/* A write beside another writer folds only the events that writer
 * appended: history the world already holds is not read again (here, an
 * event damaged under both apps would stop a re-read), and the world
 * caught up equals a replay of the whole log. */
static void test_catch_up_folds_only_the_new_events(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_app *other = NULL;
	struct cn_respond_args be = {.proposal = 3, .member = "BE",
				     .act = CN_ACT_POSITION, .pos = CN_POS_CONCUR};
	struct cn_respond_args dk = {.proposal = 3, .member = "DK",
				     .act = CN_ACT_POSITION, .pos = CN_POS_CONCUR};

	seed(f, 0);
	history(f);
	const int64_t last = cn_app_world(f->app)->last_seq;
	if (cn_app_open(f->path, 0, &other, &err))
		fail_msg("second app: %s", err.msg);
	drop_triggers(f->path);
	sql_ok(f->path, CHANGE_ACTOR(5));
	assert_int_equal(cn_app_run(other, T("2023-07-22T09:00:00Z"), "x",
				    cn_app_cmd_respond, &be, NULL, &err), 0);
	cn_app_close(other);
	if (cn_app_run(f->app, T("2023-07-22T10:00:00Z"), "x",
		       cn_app_cmd_respond, &dk, NULL, &err))
		fail_msg("the write beside another gave '%s'", err.msg);
	const struct cn_world *w = cn_app_world(f->app);
	assert_int_equal(w->last_seq, last + 2);
	const struct cn_proposal *p = cn_world_proposal(w, 3);
	int seen = 0;
	for (size_t i = 0; i < p->nballots; i++)
		if (!strcmp(p->ballots[i].code, "BE") || !strcmp(p->ballots[i].code, "DK"))
			seen += p->ballots[i].pos == CN_POS_CONCUR;
	assert_int_equal(seen, 2);
	assert_int_equal(count_events(f->path), last + 2);
}

/* The deadline index holds the open silence procedures by deadline: a
 * deadline extended moves its entry, a conclusion removes it, and the
 * clock finds the due ones without a look at every proposal. */
/* The ids cn_store_deadline_page gives, in order. */
struct ids_seen {
	int64_t id[8];
	int n;
};

static int keep_id(void *ctx, int64_t id, const char *doc, size_t len,
		   struct cn_err *err)
{
	struct ids_seen *is = ctx;
	(void)doc;
	(void)err;
	assert_true(is->n < 8 && len > 0);
	is->id[is->n++] = id;
	return 0;
}

static struct ids_seen deadline_page(struct cn_store *st, const char *after,
				     int64_t after_id, const char *upto,
				     int64_t limit)
{
	struct ids_seen is = {0};
	struct cn_err err = {0};

	assert_int_equal(cn_store_deadline_page(st, after, after_id, upto, limit,
						keep_id, &is, &err), 0);
	return is;
}

static void test_deadline_index(void **state)
{
	struct fx *f = *state;
	struct cn_propose_args a = {.body = "NAC", .title = "A", .procedure = "silence",
				    .deadline = "2023-08-10T12:00:00Z"};
	struct cn_propose_args b = {.body = "NAC", .title = "B", .procedure = "silence",
				    .deadline = "2023-08-05T12:00:00Z"};
	struct cn_propose_args m = {.body = "NAC", .title = "M"};
	struct cn_app_secretariat_args ext = {.proposal = 4,
					      .deadline = "2023-08-20T12:00:00Z"};

	seed(f, 0);
	history(f);
	const struct cn_world *w = cn_app_world(f->app);
	assert_int_equal(w->ndeadlines, 0);
	assert_int_equal(run(f, "2023-08-01T09:00:00Z", cn_app_cmd_propose, &a), 1);
	assert_int_equal(run(f, "2023-08-01T10:00:00Z", cn_app_cmd_propose, &b), 1);
	assert_int_equal(run(f, "2023-08-01T11:00:00Z", cn_app_cmd_propose, &m), 1);
	w = cn_app_world(f->app);
	assert_int_equal(w->ndeadlines, 2); /* a meeting has no deadline */
	assert_int_equal(w->deadlines[0].id, 5);
	assert_int_equal(w->deadlines[1].id, 4);
	assert_int_equal(cn_world_next_deadline(w, T("2023-08-01T12:00:00Z")),
			 T("2023-08-05T12:00:00Z"));
	assert_int_equal(cn_world_due(w, T("2023-08-05T12:00:00Z")), 1);
	assert_int_equal(cn_world_due(w, T("2023-08-05T11:59:59Z")), 0);
	assert_int_equal(run(f, "2023-08-02T09:00:00Z", cn_app_cmd_extend, &ext), 1);
	w = cn_app_world(f->app);
	assert_int_equal(w->deadlines[1].id, 4);
	assert_int_equal(w->deadlines[1].deadline, T("2023-08-20T12:00:00Z"));
	/* The store's range of open deadlines (reminders' look ahead): by
	 * deadline, after a time (and an id at it), up to a time, paged. */
	{
		struct cn_store *st = cn_app_store(f->app);
		struct ids_seen is = deadline_page(st, "2023-08-02T09:00:00Z", 0,
						   "2023-08-30T00:00:00Z", 10);
		assert_int_equal(is.n, 2);
		assert_int_equal(is.id[0], 5);
		assert_int_equal(is.id[1], 4);
		is = deadline_page(st, "2023-08-02T09:00:00Z", 0,
				   "2023-08-19T00:00:00Z", 10);
		assert_int_equal(is.n, 1);
		assert_int_equal(is.id[0], 5);
		is = deadline_page(st, "2023-08-02T09:00:00Z", 0,
				   "2023-08-30T00:00:00Z", 1);
		assert_int_equal(is.n, 1);
		assert_int_equal(is.id[0], 5);
		is = deadline_page(st, "2023-08-05T12:00:00Z", 5,
				   "2023-08-30T00:00:00Z", 1);
		assert_int_equal(is.n, 1);
		assert_int_equal(is.id[0], 4);
		/* (T, 0) comes before every proposal due at T; (T, its id)
		 * after it. */
		is = deadline_page(st, "2023-08-20T12:00:00Z", 0,
				   "2023-08-30T00:00:00Z", 10);
		assert_int_equal(is.n, 1);
		is = deadline_page(st, "2023-08-20T12:00:00Z", 4,
				   "2023-08-30T00:00:00Z", 10);
		assert_int_equal(is.n, 0);
	}
	/* The clock concludes B at its deadline; A stays, alone. */
	assert_int_equal(run(f, "2023-08-06T09:00:00Z", cn_app_cmd_tick, NULL), 1);
	w = cn_app_world(f->app);
	assert_true(cn_world_proposal(w, 5)->concluded);
	assert_int_equal(w->ndeadlines, 1);
	assert_int_equal(w->deadlines[0].id, 4);
	assert_int_equal(cn_world_next_deadline(w, T("2023-08-06T09:00:00Z")),
			 T("2023-08-20T12:00:00Z"));
	assert_int_equal(cn_world_next_deadline(w, T("2023-08-20T12:00:00Z")),
			 CN_TIME_NONE);
	/* Concluded: no longer in the store's range either. */
	{
		struct ids_seen is = deadline_page(cn_app_store(f->app),
						   "2023-08-01T00:00:00Z", 0,
						   "2023-08-30T00:00:00Z", 10);
		assert_int_equal(is.n, 1);
		assert_int_equal(is.id[0], 4);
	}
}

/* A checkpoint note that does not even parse: verify's return value and
 * err->code agree (both CN_ECORRUPT), and the checkpoint is named. */
static void test_verify_error_code_agrees(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	int64_t nev = 0, ncp = 0;

	prepared_file(f);
	sql_ok(f->path, Q("DROP TRIGGER checkpoints_no_update;",
			  "ALTER TABLE checkpoints DISABLE TRIGGER"
			  " checkpoints_append_only;"));
	sql_ok(f->path, "UPDATE checkpoints SET note = 'not a note'"
			" WHERE size = (SELECT min(size) FROM checkpoints)");
	open_app(f, 0);
	int rc = cn_app_verify(f->app, NULL, &nev, &ncp, &err);
	assert_int_equal(rc, CN_ECORRUPT);
	assert_int_equal(err.code, rc);
	assert_non_null(strstr(err.msg, "checkpoint at size"));
}

/* An auditor's copy: the database without its .key file, opened
 * read-only (the file itself read-only), verifies against the published
 * key. */
static void test_readonly_copy_verifies_without_key(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	char copy[160], *vkey = NULL;
	int64_t nev = 0, ncp = 0;

	prepared_file(f);
	open_app(f, CN_STORE_READONLY);
	assert_int_equal(cn_store_get_meta(cn_app_store(f->app), "log_vkey", &vkey,
					   &err), 0);
	close_app(f);
	if (pg_base) {
		/* A database has no file to copy: the auditor is a
		 * connection without the key file. */
		setenv("COUNCIL_KEY", "/nonexistent/council.key", 1);
		if (cn_app_open(f->path, CN_STORE_READONLY, &f->app, &err))
			fail_msg("opening read-only without the key: %s", err.msg);
		if (cn_app_verify(f->app, vkey, &nev, &ncp, &err))
			fail_msg("verify without the key: %s", err.msg);
		assert_int_equal(nev, f->seeded + 10);
		assert_true(ncp > 0);
		free(vkey);
		return;
	}
	snprintf(copy, sizeof(copy), "%s/copy.db", f->dir);
	sql_ok(f->path, "VACUUM");
	{
		char cmd[3500];
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && chmod 444 '%s'",
			 f->path, copy, copy);
		assert_int_equal(system(cmd), 0);
	}
	if (cn_app_open(copy, CN_STORE_READONLY, &f->app, &err))
		fail_msg("opening the copy read-only: %s", err.msg);
	if (cn_app_verify(f->app, vkey, &nev, &ncp, &err))
		fail_msg("verify of the copy: %s", err.msg);
	assert_int_equal(nev, f->seeded + 10);
	assert_true(ncp > 0);
	free(vkey);
}

/* The contract's guarantee 5: inside a read transaction a reader sees one
 * snapshot, whatever another connection commits meanwhile. */
static int count_rows(void *ctx, const struct cn_row *row, struct cn_err *err)
{
	(void)row;
	(void)err;
	(*(int *)ctx)++;
	return 0;
}

static void test_read_transaction_is_one_snapshot(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_store *rd = NULL;
	uint64_t before = 0, during = 0, after = 0;
	int npos = 0, npos_during = 0;
	struct cn_respond_args be = {.proposal = 3, .member = "BE",
				     .act = CN_ACT_POSITION, .pos = CN_POS_CONCUR};

	seed(f, 0);
	history(f);
	assert_int_equal(cn_store_open(f->path, CN_STORE_READONLY, &rd, &err), 0);
	assert_int_equal(cn_store_read_begin(rd, &err), 0);
	assert_int_equal(cn_store_tree_size(rd, &before, &err), 0);
	assert_int_equal(cn_store_rows(rd, CN_TAB_POSITIONS, CN_ORDER_KEY,
				       count_rows, &npos, &err), 0);
	run(f, "2023-07-22T09:00:00Z", cn_app_cmd_respond, &be);
	assert_int_equal(cn_store_tree_size(rd, &during, &err), 0);
	assert_int_equal(cn_store_rows(rd, CN_TAB_POSITIONS, CN_ORDER_KEY,
				       count_rows, &npos_during, &err), 0);
	/* A read begun inside joins the snapshot, and ending it keeps it. */
	assert_int_equal(cn_store_read_begin(rd, &err), 0);
	assert_int_equal(cn_store_tree_size(rd, &during, &err), 0);
	assert_int_equal(during, before);
	cn_store_read_end(rd);
	assert_int_equal(cn_store_scan(rd, 1, NULL, NULL, &err), 0);
	assert_int_equal(cn_store_tree_size(rd, &during, &err), 0);
	cn_store_read_end(rd);
	assert_int_equal(cn_store_tree_size(rd, &after, &err), 0);
	cn_store_close(rd);
	assert_int_equal(during, before);
	assert_int_equal(npos_during, npos);
	assert_int_equal(after, before + 1);
}

static int register_key(const struct cn_world *w, int64_t now, const void *a,
			struct cn_outbox *box, struct cn_err *err)
{
	return cn_cmd_register_key(w, now, w->members[0].code, a, box, err);
}

/* Readers fold the registry from rows in the order the fold met them, so
 * the API lists members and offices as the CLI does, even after a row
 * was rewritten (a delegation key registered, an office closed). */
static void test_readers_registry_keeps_the_fold_order(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_world reg;
	json_t *close = json_pack("[{s:s, s:s}]", "type", "close-office", "id",
				  "nlo-tokyo");

	seed(f, 0);
	json_t *tokyo = json_pack("[{s:s, s:s, s:s, s:s, s:s}]", "type",
				  "open-office", "id", "nlo-tokyo", "name",
				  "NATO Liaison Office Tokyo", "city", "Tokyo",
				  "country", "JP");
	struct cn_propose_args p1 = {.body = "NAC", .title = "Tokyo",
				     .effects = tokyo};
	struct cn_propose_args p2 = {.body = "NAC", .title = "Close Tokyo",
				     .effects = close};
	struct cn_app_secretariat_args c1 = {.proposal = 1}, c2 = {.proposal = 2};
	run(f, "2023-07-07T09:00:00Z", cn_app_cmd_propose, &p1);
	run(f, "2023-07-08T09:00:00Z", cn_app_cmd_conclude, &c1);
	run(f, "2023-07-09T09:00:00Z", cn_app_cmd_propose, &p2);
	run(f, "2023-07-10T09:00:00Z", cn_app_cmd_conclude, &c2);
	json_decref(tokyo);
	json_decref(close);
	/* A closed office's row was rewritten; so is a member's whose
	 * delegation registers a key (BE: the first member). */
	uint8_t pk[CN_NOTE_PUBKEY_LEN], sk[CN_NOTE_SECKEY_LEN];
	char *vkey = NULL;
	assert_int_equal(cn_note_keygen("BE-2023", pk, sk, &err), 0);
	assert_int_equal(cn_note_vkey_encode("BE-2023", pk, &vkey, &err), 0);
	run(f, "2023-07-11T09:00:00Z", register_key, vkey);
	free(vkey);
	struct cn_store *st = cn_app_store(f->app);
	cn_world_init(&reg);
	if (cn_projection_registry(st, &reg, &err))
		fail_msg("registry: %s", err.msg);
	const struct cn_world *w = cn_app_world(f->app);
	assert_int_equal(reg.nmembers, w->nmembers);
	assert_int_equal(reg.noffices, w->noffices);
	for (size_t i = 0; i < w->nmembers; i++)
		assert_string_equal(reg.members[i].code, w->members[i].code);
	for (size_t i = 0; i < w->noffices; i++)
		assert_string_equal(reg.offices[i].id, w->offices[i].id);
	cn_world_release(&reg);
}

/* ---- blinded leaves (issue 9) ----------------------------------------------- */

static void test_tamper_changed_salt(void **state)
{
	/* The bytes and the hash as written; only the salt changed. */
	char q[128];
	snprintf(q, sizeof(q), "UPDATE events SET salt = %s WHERE seq = 80",
		 ZEROS32);
	tampered(*state, q, 80, "changed salt");
}

/* Every event has a salt of its own, stored beside it; reading one event
 * gives it back with the leaf it makes; type and proposal are columns. */
static void test_salts_beside_events(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_store *st = NULL;
	struct cn_event ev;
	uint8_t h[CN_HASH_LEN], zero[CN_SALT_LEN] = {0};

	prepared_file(f);
	int64_t v[7];
	query_ints(f->path, Q(
		"SELECT count(DISTINCT salt), count(*),"
		" sum(length(salt) = 32),"
		" sum(type IS json_extract(bytes, '$.type')),"
		" (SELECT count(*) FROM events WHERE proposal = 1),"
		" (SELECT count(*) FROM events WHERE proposal IS NULL),"
		" sum(instr(bytes, lower(hex(salt))) > 0)"
		" FROM events",
		"SELECT count(DISTINCT salt), count(*),"
		" sum((length(salt) = 32)::int),"
		" sum((type = convert_from(bytes, 'UTF8')::json->>'type')::int),"
		" (SELECT count(*) FROM events WHERE proposal = 1),"
		" (SELECT count(*) FROM events WHERE proposal IS NULL),"
		" sum((position(encode(salt, 'hex') in convert_from(bytes, 'UTF8'))"
		" > 0)::int) FROM events"), v, 7);
	const int64_t n = f->seeded + 10;
	assert_int_equal(v[0], n); /* all different */
	assert_int_equal(v[1], n);
	assert_int_equal(v[2], n);
	assert_int_equal(v[3], n);
	assert_int_equal(v[4], 3); /* created, FR, concluded */
	assert_int_equal(v[5], f->seeded);
	assert_int_equal(v[6], 0); /* never inside the bytes */

	assert_int_equal(cn_store_open(f->path, CN_STORE_READONLY, &st, &err), 0);
	assert_int_equal(cn_store_event(st, f->seeded + 2, &ev, &err), 0);
	assert_string_equal(ev.type, "position.stated");
	assert_memory_not_equal(ev.salt, zero, CN_SALT_LEN);
	cn_event_hash(ev.salt, ev.bytes, ev.len, h);
	assert_memory_equal(h, ev.hash, CN_HASH_LEN);
	cn_event_release(&ev);
	assert_int_equal(cn_store_event(st, n + 1, &ev, &err), CN_ENOTFOUND);
	assert_null(ev.bytes);
	cn_store_close(st);
}

/* A store of the format before salts is refused, saying why. */
static void test_version_2_store_refused(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_store *st = NULL;
	struct cn_app *app = NULL;

	prepared_file(f);
	sql_ok(f->path, Q("PRAGMA user_version = 2",
			  "UPDATE council SET schema_version = 2"));
	assert_int_equal(cn_store_open(f->path, CN_STORE_READONLY, &st, &err),
			 CN_ECORRUPT);
	if (pg_base) {
		/* No PostgreSQL store was ever of version 2: only the
		 * version is named. */
		assert_non_null(strstr(err.msg, "schema version 2, this council reads 3"));
		assert_int_equal(cn_app_open(f->path, 0, &app, &err), CN_ECORRUPT);
		return;
	}
	assert_non_null(strstr(err.msg, "schema version 2: the record format changed"));
	assert_non_null(strstr(err.msg, "council init"));
	assert_int_equal(cn_app_open(f->path, 0, &app, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "the record format changed"));
}

/* Each checkpoint records when its write was made: a cadence shows the
 * one signed last by a given time. */
static void test_checkpoint_times(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_store *st = NULL;
	uint64_t size = 0;
	char *note = NULL;

	prepared_file(f);
	assert_int_equal(cn_store_open(f->path, CN_STORE_READONLY, &st, &err), 0);
	assert_int_equal(cn_store_checkpoint_until(st, T("2022-12-31T23:59:59Z"),
						   NULL, &size, NULL, &err),
			 CN_ENOTFOUND);
	assert_int_equal(cn_store_checkpoint_until(st, T("2023-01-01T00:00:00Z"),
						   NULL, &size, NULL, &err), 0);
	assert_int_equal(size, f->seeded);
	/* P1 proposed, FR objects, concluded on 07-12 at 15:00. */
	assert_int_equal(cn_store_checkpoint_until(st, T("2023-07-12T15:00:00Z"),
						   &note, &size, NULL, &err), 0);
	assert_int_equal(size, f->seeded + 3);
	assert_non_null(strstr(note, "\n"));
	free(note);
	assert_int_equal(cn_store_checkpoint_until(st, T("2023-07-12T14:59:59Z"),
						   NULL, &size, NULL, &err), 0);
	assert_int_equal(size, f->seeded + 2);
	assert_int_equal(cn_store_checkpoint_until(st, INT64_MAX, NULL, &size, NULL,
						   &err), 0);
	assert_int_equal(size, f->seeded + 10);
	cn_store_close(st);
}

static int no_lookup(void *ctx, int64_t id, enum cn_sight *out,
		     struct cn_err *err)
{
	(void)ctx;
	(void)id;
	(void)err;
	*out = CN_SIGHT_NONE;
	return 0;
}

static int lookup_redacted(void *ctx, int64_t id, enum cn_sight *out,
			   struct cn_err *err)
{
	(void)id;
	(void)err;
	++*(int *)ctx;
	*out = CN_SIGHT_REDACTED;
	return 0;
}

/* The one rule of sight (app/sight.h) on the seeded registry: who sees
 * which proposal, and which of its events. */
static void test_sight_rule(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	const struct cn_world *w;
	struct cn_store *st;
	struct cn_audience a;
	char name[32];
	int sees, lookups = 0;

	seed(f, 0);
	history(f);
	w = cn_app_world(f->app);
	const int64_t now = T("2024-06-01T00:00:00Z");
	const struct cn_proposal_sight npg = {"NPG", 0, 0}, npg_adopted = {"NPG", 0, 1},
		nac_shared = {"NAC", 1, 0}, none = {"", 0, 0};
	const struct {
		enum cn_role role;
		const char *code;
		const struct cn_proposal_sight *p;
		enum cn_sight want;
	} v[] = {
		{CN_ROLE_SECRETARIAT, "", &npg, CN_SIGHT_FULL},
		{CN_ROLE_MEMBER, "DE", &npg, CN_SIGHT_FULL},
		{CN_ROLE_MEMBER, "FR", &npg, CN_SIGHT_NONE}, /* not on the NPG */
		{CN_ROLE_MEMBER, "FR", &npg_adopted, CN_SIGHT_REDACTED},
		{CN_ROLE_MEMBER, "FR", &nac_shared, CN_SIGHT_FULL},
		{CN_ROLE_PARTNER, "JP", &npg, CN_SIGHT_NONE},
		{CN_ROLE_PARTNER, "JP", &nac_shared, CN_SIGHT_REDACTED},
		{CN_ROLE_PARTNER, "JP", &npg_adopted, CN_SIGHT_REDACTED},
		{CN_ROLE_PUBLIC, "", &nac_shared, CN_SIGHT_NONE},
		{CN_ROLE_PUBLIC, "", &npg_adopted, CN_SIGHT_REDACTED},
		{CN_ROLE_MEMBER, "DE", &none, CN_SIGHT_NONE},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const struct cn_viewer vw = {v[i].role, v[i].code, w, now};
		if (cn_sight_of(&vw, v[i].p) != v[i].want)
			fail_msg("case %zu: %s %s", i, v[i].code, v[i].p->body);
	}

	/* Events: the registry is everyone's, without asking; a redacted
	 * sight shows a proposal's opening, not a position. */
	const struct cn_viewer pub = {CN_ROLE_PUBLIC, "", w, now};
	struct cn_event ev;
	st = cn_app_store(f->app);
	assert_int_equal(cn_store_event(st, 1, &ev, &err), 0);
	assert_int_equal(cn_sight_sees_event(&pub, &ev, no_lookup, NULL, &sees, &err), 0);
	assert_true(sees);
	cn_event_release(&ev);
	assert_int_equal(cn_store_event(st, f->seeded + 1, &ev, &err), 0);
	assert_string_equal(ev.type, "proposal.created");
	assert_int_equal(cn_sight_sees_event(&pub, &ev, no_lookup, NULL, &sees, &err), 0);
	assert_false(sees);
	assert_int_equal(cn_sight_sees_event(&pub, &ev, lookup_redacted, &lookups,
					     &sees, &err), 0);
	assert_true(sees);
	cn_event_release(&ev);
	assert_int_equal(cn_store_event(st, f->seeded + 2, &ev, &err), 0);
	assert_string_equal(ev.type, "position.stated");
	assert_int_equal(cn_sight_sees_event(&pub, &ev, lookup_redacted, &lookups,
					     &sees, &err), 0);
	assert_false(sees);
	cn_event_release(&ev);
	assert_int_equal(lookups, 2);

	/* Audiences as `log export --for` names them. */
	static const char *const good[] = {"all", "public", "member:FR", "partner:JP"};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(cn_audience_parse(good[i], &a, &err), 0);
		assert_string_equal(cn_audience_name(&a, name, sizeof(name)), good[i]);
	}
	static const char *const bad[] = {"", "everyone", "member", "member:",
					  "public:XX", "partner:ABCDEFGHIJ", "all:x",
					  "secretariat"};
	for (size_t i = 0; i < 8; i++)
		if (cn_audience_parse(bad[i], &a, &err) != CN_EINVAL)
			fail_msg("audience '%s' accepted", bad[i]);
}

/* ---- the public record index (store/pagesql.h) ------------------------------ */

#define MAXSEQS 512

struct seq_list {
	int64_t v[MAXSEQS];
	size_t n;
};

static int keep_seq(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct seq_list *l = ctx;
	(void)err;
	assert_true(l->n < MAXSEQS);
	l->v[l->n++] = ev->seq;
	return 0;
}

/* Every seq v sees, through the store's log pages, `limit` at a time. */
static void paged_log(struct cn_store *st, const struct cn_viewer *v,
		      int64_t limit, struct seq_list *out)
{
	struct cn_err err = {0};
	int64_t from = 1, next = 0;

	out->n = 0;
	do {
		if (cn_lists_log(st, v, from, INT64_MAX, limit, keep_seq, out,
				 &next, &err))
			fail_msg("log from %lld: %s", (long long)from, err.msg);
		from = next;
	} while (next);
}

/* The sight rule itself, proposal by proposal from the world. */
static int world_sight(void *ctx, int64_t id, enum cn_sight *out,
		       struct cn_err *err)
{
	const struct cn_viewer *v = ctx;
	const struct cn_proposal *p = cn_world_proposal(v->reg, id);
	struct cn_proposal_sight ps = {"", 0, 0};

	(void)err;
	assert_non_null(p);
	snprintf(ps.body, sizeof(ps.body), "%s", p->body);
	ps.shared = p->shared;
	ps.adopted = p->concluded && p->outcome && !strcmp(p->outcome, "adopted");
	*out = cn_sight_of(v, &ps);
	return 0;
}

/* What v sees, event by event by the rule: the oracle of the pages. */
static void ruled_log(struct cn_store *st, const struct cn_viewer *v,
		      int64_t last, struct seq_list *out)
{
	struct cn_err err = {0};

	out->n = 0;
	for (int64_t seq = 1; seq <= last; seq++) {
		struct cn_event ev;
		int sees = 0;
		assert_int_equal(cn_store_event(st, seq, &ev, &err), 0);
		assert_int_equal(cn_sight_sees_event(v, &ev, world_sight,
						     (void *)v, &sees, &err), 0);
		cn_event_release(&ev);
		if (sees) {
			assert_true(out->n < MAXSEQS);
			out->v[out->n++] = seq;
		}
	}
}

static void same_seqs(const struct seq_list *got, const struct seq_list *want,
		      const char *who)
{
	for (size_t i = 0; i < got->n && i < want->n; i++)
		if (got->v[i] != want->v[i])
			fail_msg("%s: event %zu of the pages is %lld, the rule's %lld",
				 who, i, (long long)got->v[i], (long long)want->v[i]);
	if (got->n != want->n)
		fail_msg("%s: %zu events paged, %zu by the rule", who, got->n,
			 want->n);
}

/* The index's rows, summed: what a migration must give again. */
static void record_sums(const struct fx *f, int64_t out[4])
{
	query_ints(f->path, "SELECT count(*), coalesce(sum(seq * adopted), 0),"
		   " coalesce(sum(seq * shared), 0), coalesce(sum(seq *"
		   " proposal), 0) FROM public_record", out, 4);
}

/*
 * The public's, a partner's and members' log pages, read through the
 * index, are the rule's, page by page, as proposals' sight changes after
 * their record was written.  A store made before the index (its table and
 * triggers dropped here) answers the same when opened read-only, through
 * the type index; its first writable open fills it, row for row as the
 * triggers had kept it; and verify names an entry that disagrees.
 */
/* SQLite's plan for sql on the store at path, a line a step. */
static void query_plan(const char *path, const char *sql, char *plan,
		       size_t size)
{
	char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
	size_t used = 0;
	sqlite3 *db;
	sqlite3_stmt *stmt;

	assert_non_null(q);
	plan[0] = '\0';
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	if (sqlite3_prepare_v2(db, q, -1, &stmt, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	while (sqlite3_step(stmt) == SQLITE_ROW && used < size - 1)
		used += (size_t)snprintf(plan + used, size - used, "%s\n",
					 (const char *)sqlite3_column_text(stmt, 3));
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	sqlite3_free(q);
}

/* A member's log page walks the log from its cursor in seq order, testing
 * each event's proposal against the bodies the member sits on (a primary
 * key lookup), and stops at the page's end: it costs the page, not the
 * log.  Before, SQLite read the whole proposals table for the bodies'
 * ids, then every event of each in the page's range, and sorted them: a
 * page of FR's log cost 5-13 ms at 10,000 events and 75-120 ms at
 * 100,000.  The plan, as SQLite's planner makes it for the SQL the store
 * runs (a plan, not a time: what the page reads). */
static void test_member_log_plan(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_pagesql q;
	static const char *const bodies[] = {"NAC", "DPPC"};
	static const char *const open_types[] = {"member.joined"};
	static const char *const record_types[] = {"proposal.created"};
	const struct cn_log_query lq = {
		.sight = {0, bodies, 2, 0},
		.open_types = open_types, .nopen = 1,
		.record_types = record_types, .nrecord = 1,
		.from = 1, .upto = INT64_MAX, .limit = 50,
	};
	char plan[2048];

	if (pg_base)
		skip(); /* SQLite's planner; PostgreSQL plans the same SQL itself */
	seed(f, 0);
	history(f);
	assert_int_equal(cn_pagesql_log(&q, CN_PAGESQL_SQLITE, &lq, 1, &err), 0);
	query_plan(f->path, q.sql, plan, sizeof(plan));
	/* no pass over the proposals, none over a proposal's events */
	if (strstr(plan, "SCAN proposals") || strstr(plan, "events_proposal"))
		fail_msg("the member's branch reads beyond the page:\n%s", plan);
	/* each proposal tested by its key, as the walk meets its events */
	if (!strstr(plan, "USING INTEGER PRIMARY KEY (rowid=?)"))
		fail_msg("no lookup of an event's proposal:\n%s", plan);
}

/* A webhook read by its id (a delivery's, server/hooks.c) is a primary
 * key lookup, and a token's list goes through webhooks_owner: neither
 * walks the other webhooks.  One statement with (?2 = 0 OR w.id = ?2)
 * did, since SQLite plans before the parameters are bound: 18 ms for one
 * webhook among 200,000, against 0.06 ms by its key. */
static void test_webhooks_plan(void **state)
{
	struct fx *f = *state;
	char plan[2048];
	static const struct {
		int64_t owner, id;
		const char *want;
	} asks[] = {
		{0, 5, "SEARCH w USING INTEGER PRIMARY KEY (rowid=?)"},
		{3, 5, "SEARCH w USING INTEGER PRIMARY KEY (rowid=?)"},
		{3, 0, "SEARCH w USING INDEX webhooks_owner (owner=? AND id>?)"},
	};

	if (pg_base)
		skip(); /* SQLite's planner; PostgreSQL plans with the values */
	seed(f, 0);
	for (size_t i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		query_plan(f->path, cn_sq_webhooks_sql(asks[i].owner, asks[i].id),
			   plan, sizeof(plan));
		if (!strstr(plan, asks[i].want) || strstr(plan, "SCAN w"))
			fail_msg("owner %lld, id %lld: not %s:\n%s",
				 (long long)asks[i].owner, (long long)asks[i].id,
				 asks[i].want, plan);
	}
}

/* A page of proposals filtered by status or body, and each calendar
 * order, walks an index in its own order from its start (store.h,
 * cn_proposal_order): no pass over the proposals, no sort of what a
 * filter kept.  Before, "status = ? OR outcome = ?" made SQLite walk
 * every proposal for the three open among 100,000 (110 ms a page); a
 * body's filter, without an index, did the same for a body that decided
 * nothing (132 ms); and the calendar's concluded list read them all from
 * the oldest to find the last 30 days'. */
static void test_proposal_page_plans(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_pagesql q;
	char plan[2048];
	static const char *const nac[] = {"NAC"};
	const struct cn_sight_rows every = {1, NULL, 0, 0};
	const struct cn_sight_rows fr = {0, nac, 1, 0};
	const struct cn_sight_rows jp = {0, NULL, 0, 1};
	const struct {
		struct cn_proposal_query pq;
		const char *want;
	} asks[] = {
		{{.sight = every, .status = "open", .limit = 100},
		 "USING INDEX proposals_status (status=?)"},
		{{.sight = every, .status = "concluded", .limit = 100},
		 "USING INDEX proposals_status (status=?)"},
		{{.sight = fr, .status = "open", .before = 90, .limit = 100},
		 "USING INDEX proposals_status (status=? AND id<?)"},
		{{.sight = jp, .status = "concluded", .after = 7, .ascending = 1,
		  .limit = 100},
		 "USING INDEX proposals_status (status=? AND id>?)"},
		{{.sight = every, .status = "blocked", .limit = 100},
		 "USING INDEX proposals_outcome (status=? AND outcome=?)"},
		{{.sight = fr, .status = "withdrawn", .body = "NAC", .limit = 20},
		 "USING INDEX proposals_status_body (status=? AND body=?)"},
		{{.sight = every, .body = "npg", .limit = 100},
		 "USING INDEX proposals_body (body=?)"},
		{{.sight = jp, .body = "NAC", .after = 3, .ascending = 1, .limit = 100},
		 "USING INDEX proposals_body (body=? AND id>?)"},
		/* the page's open and concluded lists of a body */
		{{.sight = fr, .status = "open", .body = "NAC", .limit = 250},
		 "USING INDEX proposals_status_body (status=? AND body=?)"},
		{{.sight = every, .status = "concluded", .body = "nac",
		  .before = 50, .limit = 20},
		 "USING INDEX proposals_status_body (status=? AND body=? AND id<?)"},
		/* a range filters the walk in id order: not sorted */
		{{.sight = every, .status = "concluded",
		  .concluded_from = "2020-01-01T00:00:00Z", .limit = 100},
		 "USING INDEX proposals_status (status=?)"},
		{{.sight = fr, .status = "adopted",
		  .concluded_to = "2030-01-01T00:00:00Z", .limit = 20},
		 "USING INDEX proposals_outcome (status=? AND outcome=? AND rowid<?)"},
		/* a concluded range's end bounds the walk by id (time_ids) */
		{{.sight = every, .status = "concluded",
		  .concluded_to = "2001-01-01T00:00:00Z", .limit = 100},
		 "USING INDEX proposals_status (status=? AND id<?)"},
		/* an opened range bounds the walk by id, both bounds found
		 * through proposals_opened (time_ids) */
		{{.sight = every, .opened_to = "2001-01-01T00:00:00Z",
		  .limit = 100},
		 "USING INTEGER PRIMARY KEY (rowid<?)"},
		{{.sight = fr, .status = "open", .opened_from = "2023-07-01T00:00:00Z",
		  .opened_to = "2023-08-01T00:00:00Z", .limit = 100},
		 "USING INDEX proposals_status (status=? AND id>? AND id<?)"},
		{{.sight = every, .order = CN_ORDER_DEADLINE, .limit = 500},
		 "USING INDEX proposals_deadline (status=? AND deadline>?)"},
		{{.sight = jp, .order = CN_ORDER_DEADLINE, .limit = 500},
		 "USING INDEX proposals_deadline (status=? AND deadline>?)"},
		{{.sight = fr, .order = CN_ORDER_CONCLUDED,
		  .concluded_from = "2023-07-15T00:00:00Z", .limit = 500},
		 "USING INDEX proposals_concluded (status=? AND concluded>?)"},
		{{.sight = every, .order = CN_ORDER_CONCLUDED, .limit = 500},
		 "USING INDEX proposals_concluded (status=?)"},
	};

	if (pg_base)
		skip(); /* SQLite's planner; PostgreSQL plans with its statistics */
	seed(f, 0);
	history(f);
	for (size_t i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		assert_int_equal(cn_pagesql_proposals(&q, CN_PAGESQL_SQLITE,
						      &asks[i].pq, &err), 0);
		query_plan(f->path, q.sql, plan, sizeof(plan));
		if (!strstr(plan, asks[i].want) || strstr(plan, "SCAN proposals") ||
		    strstr(plan, "TEMP B-TREE"))
			fail_msg("case %zu: not only %s:\n%s\n%s", i, asks[i].want,
				 q.sql, plan);
		cn_pagesql_release(&q);
	}
}

/* The ids of a page of proposals, in its order. */
static int keep_row(void *ctx, const struct cn_proposal_row *r,
		    struct cn_err *err)
{
	return keep_id(ctx, r->id, r->doc, r->len, err);
}

static struct ids_seen proposal_page(struct cn_store *st,
				     const struct cn_proposal_query *q)
{
	struct ids_seen is = {0};
	struct cn_err err = {0};

	if (cn_store_proposal_page(st, q, keep_row, &is, &err))
		fail_msg("a page of proposals: %s", err.msg);
	return is;
}

#define ASSERT_IDS(is, ...)                                                   \
	do {                                                                  \
		const int64_t want_[] = {__VA_ARGS__};                        \
		const size_t n_ = sizeof(want_) / sizeof(want_[0]);           \
		assert_int_equal((is).n, n_);                                 \
		for (size_t i_ = 0; i_ < n_; i_++)                            \
			assert_int_equal((is).id[i_], want_[i_]);             \
	} while (0)

/* A calendar's two lists (server/api_calendar.c): the open proposals
 * whose deadlines come first, ties by id, and the latest conclusions
 * first, each through sight, on both backends. */
static void test_calendar_orders(void **state)
{
	struct fx *f = *state;
	struct cn_propose_args a = {.body = "NAC", .title = "A", .procedure = "silence",
				    .deadline = "2023-08-10T12:00:00Z"};
	struct cn_propose_args b = {.body = "NPG", .title = "B", .procedure = "silence",
				    .deadline = "2023-08-03T12:00:00Z"};
	struct cn_propose_args c = {.body = "NAC", .title = "C", .procedure = "silence",
				    .deadline = "2023-08-05T12:00:00Z"};
	struct cn_propose_args m = {.body = "NAC", .title = "M"};
	struct cn_respond_args fr8 = {.proposal = 8, .member = "FR",
				      .act = CN_ACT_POSITION, .pos = CN_POS_OBJECT,
				      .text = "not now"};
	struct cn_app_secretariat_args end8 = {.proposal = 8};
	static const char *const nac[] = {"NAC"};
	struct cn_proposal_query q = {.sight = {1, NULL, 0, 0},
				      .order = CN_ORDER_DEADLINE, .limit = 3};
	struct cn_store *st;

	seed(f, 0);
	history(f); /* 1 blocked on 07-12, 2 adopted on 07-20, 3 open, no deadline */
	assert_int_equal(run(f, "2023-08-01T09:00:00Z", cn_app_cmd_propose, &a), 1);
	assert_int_equal(run(f, "2023-08-01T10:00:00Z", cn_app_cmd_propose, &b), 1);
	assert_int_equal(run(f, "2023-08-01T11:00:00Z", cn_app_cmd_propose, &c), 1);
	assert_int_equal(run(f, "2023-08-01T12:00:00Z", cn_app_cmd_propose, &c), 1);
	assert_int_equal(run(f, "2023-08-01T13:00:00Z", cn_app_cmd_propose, &m), 1);
	assert_int_equal(run(f, "2023-08-01T14:00:00Z", cn_app_cmd_respond, &fr8), 1);
	assert_int_equal(run(f, "2023-08-02T09:00:00Z", cn_app_cmd_conclude, &end8), 1);
	st = cn_app_store(f->app);

	/* 5 (NPG) on 08-03, 6 and 7 on 08-05 (by id), 4 on 08-10; 3 and
	 * the concluded ones have no deadline to show. */
	ASSERT_IDS(proposal_page(st, &q), 5, 6, 7);
	q.limit = 10;
	ASSERT_IDS(proposal_page(st, &q), 5, 6, 7, 4);
	q.sight = (struct cn_sight_rows){0, nac, 1, 0}; /* FR: not the NPG's */
	ASSERT_IDS(proposal_page(st, &q), 6, 7, 4);
	q.limit = 1;
	ASSERT_IDS(proposal_page(st, &q), 6);

	/* 8 on 08-02 (blocked), 2 on 07-20, 1 on 07-12: latest first. */
	q = (struct cn_proposal_query){.sight = {1, NULL, 0, 0},
				       .order = CN_ORDER_CONCLUDED, .limit = 10};
	ASSERT_IDS(proposal_page(st, &q), 8, 2, 1);
	q.concluded_from = "2023-07-15T00:00:00Z";
	ASSERT_IDS(proposal_page(st, &q), 8, 2);
	q.limit = 1;
	ASSERT_IDS(proposal_page(st, &q), 8);
	/* The public: the adopted one alone, whatever came after it. */
	q = (struct cn_proposal_query){.sight = {0, NULL, 0, 0},
				       .order = CN_ORDER_CONCLUDED, .limit = 10};
	assert_string_equal(cn_world_proposal(cn_app_world(f->app), 2)->outcome,
			    "adopted");
	assert_string_equal(cn_world_proposal(cn_app_world(f->app), 8)->outcome,
			    "blocked");
	ASSERT_IDS(proposal_page(st, &q), 2);
}

/* Whether the store holds its proposals as opened in id order (the
 * meta row pagesql.c's bounds read; SQLite only): 1, 0, or -1 for no
 * row. */
static int64_t in_time_order(const char *path)
{
	int64_t v = -1;
	query_ints(path, "SELECT coalesce((SELECT value = '1' FROM meta WHERE"
		   " key = 'proposals_in_time_order'), -1)", &v, 1);
	return v;
}

/* The store as made before the opened bounds, then opened for writing
 * again: whether its proposals opened in order is learned from them. */
static void made_before_time_order(struct fx *f)
{
	close_app(f);
	sql_ok(f->path, "DELETE FROM meta WHERE key = 'proposals_in_time_order';"
	       " DROP TRIGGER proposals_order_insert;"
	       " DROP TRIGGER proposals_order_update;"
	       " DROP INDEX proposals_opened;");
	assert_int_equal(in_time_order(f->path), -1);
	open_app(f, 0);
}

/* A list by the time proposals opened, in id order: while they open in
 * id order, SQLite walks only the ids the range holds (pagesql.c,
 * time_ids); once one opens earlier than one before it, the whole
 * record, and the answer is the same as it would be. */
static void test_opened_ranges(void **state)
{
	struct fx *f = *state;
	struct cn_propose_args m = {.body = "NAC", .title = "M"};
	struct cn_proposal_query q = {.sight = {1, NULL, 0, 0}, .limit = 10,
				      .opened_from = "2023-08-01T00:00:00Z",
				      .opened_to = "2023-08-04T00:00:00Z"};
	struct cn_store *st;

	seed(f, 0);
	history(f); /* 1, 2 and 3, opened in July */
	assert_int_equal(run(f, "2023-08-01T09:00:00Z", cn_app_cmd_propose, &m), 1);
	assert_int_equal(run(f, "2023-08-03T09:00:00Z", cn_app_cmd_propose, &m), 1);
	assert_int_equal(run(f, "2023-08-05T09:00:00Z", cn_app_cmd_propose, &m), 1);
	if (!pg_base) {
		assert_int_equal(in_time_order(f->path), 1);
		made_before_time_order(f);
		assert_int_equal(in_time_order(f->path), 1);
	}
	st = cn_app_store(f->app);
	ASSERT_IDS(proposal_page(st, &q), 5, 4);
	q.ascending = 1;
	ASSERT_IDS(proposal_page(st, &q), 4, 5);
	q.opened_to = NULL;
	ASSERT_IDS(proposal_page(st, &q), 4, 5, 6);
	q.after = 4;
	ASSERT_IDS(proposal_page(st, &q), 5, 6);
	q = (struct cn_proposal_query){.sight = {1, NULL, 0, 0}, .limit = 10,
				       .opened_to = "2023-08-03T09:00:00Z"};
	ASSERT_IDS(proposal_page(st, &q), 4, 3, 2, 1);
	q.opened_from = "2023-08-06T00:00:00Z";
	assert_int_equal(proposal_page(st, &q).n, 0);
	q.opened_to = NULL;
	assert_int_equal(proposal_page(st, &q).n, 0);

	/* 7 opened on 08-02, before 5 and 6: both bounds of [08-01, 08-04)
	 * would now miss a proposal (the first opened in it is 4, and the
	 * last 7), so they are no longer used */
	assert_int_equal(run(f, "2023-08-02T09:00:00Z", cn_app_cmd_propose, &m), 1);
	if (!pg_base)
		assert_int_equal(in_time_order(f->path), 0);
	q = (struct cn_proposal_query){.sight = {1, NULL, 0, 0}, .limit = 10,
				       .opened_from = "2023-08-02T00:00:00Z",
				       .opened_to = "2023-08-04T00:00:00Z"};
	ASSERT_IDS(proposal_page(st, &q), 7, 5);
	q.opened_from = "2023-08-01T00:00:00Z";
	q.opened_to = "2023-08-02T12:00:00Z";
	ASSERT_IDS(proposal_page(st, &q), 7, 4);
	/* the same, learned by a store made before the bounds */
	if (!pg_base) {
		made_before_time_order(f);
		assert_int_equal(in_time_order(f->path), 0);
		ASSERT_IDS(proposal_page(cn_app_store(f->app), &q), 7, 4);
	}
}

static void test_public_record_index(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_store *ro;
	struct seq_list got, want;
	int64_t kept[4], filled[4], bad = 0, nev = 0, ncp = 0;
	struct cn_propose_args npg_shared = {.body = "NPG", .title = "Shared",
					     .shared = 1};
	struct cn_propose_args npg = {.body = "NPG", .title = "Closed"};
	struct cn_respond_args de = {.proposal = 5, .member = "DE",
				     .act = CN_ACT_COMMENT, .text = "noted"};
	struct cn_app_secretariat_args c3 = {.proposal = 3};
	const int64_t now = T("2024-06-01T00:00:00Z");
	static const struct {
		enum cn_role role;
		const char *code;
	} who[] = {
		{CN_ROLE_PUBLIC, ""},
		{CN_ROLE_PARTNER, "JP"},
		{CN_ROLE_MEMBER, "FR"}, /* not on the NPG */
		{CN_ROLE_MEMBER, "DE"}, /* on it */
	};
	const size_t nwho = sizeof(who) / sizeof(who[0]);

	seed(f, 0);
	history(f); /* NAC: 1 blocked, 2 adopted, 3 open */
	assert_int_equal(run(f, "2023-07-22T09:00:00Z", cn_app_cmd_propose,
			     &npg_shared), 1);
	assert_int_equal(run(f, "2023-07-22T10:00:00Z", cn_app_cmd_propose, &npg), 1);
	assert_int_equal(run(f, "2023-07-22T11:00:00Z", cn_app_cmd_respond, &de), 1);
	for (int round = 0; round < 2; round++) {
		const struct cn_world *w = cn_app_world(f->app);
		struct cn_store *st = cn_app_store(f->app);
		for (size_t i = 0; i < nwho; i++) {
			const struct cn_viewer v = {who[i].role, who[i].code, w, now};
			ruled_log(st, &v, w->last_seq, &want);
			for (int64_t limit = 1; limit <= 8; limit += 7) {
				paged_log(st, &v, limit, &got);
				same_seqs(&got, &want, who[i].code[0] ? who[i].code : "public");
			}
		}
		/* Then proposal 3, whose opening is on the record already,
		 * is adopted: the public sees that opening now. */
		if (round == 0)
			assert_int_equal(run(f, "2023-07-23T09:00:00Z",
					     cn_app_cmd_conclude, &c3), 1);
	}
	assert_string_equal(cn_world_proposal(cn_app_world(f->app), 3)->outcome,
			    "adopted");
	record_sums(f, kept);
	assert_int_equal(kept[0], 2 * 5 - 2); /* 5 opened, 3 concluded */

	/* A store from before the index. */
	close_app(f);
	sql_ok(f->path, Q("DROP TRIGGER public_record_event;"
			  " DROP TRIGGER public_record_new;"
			  " DROP TRIGGER public_record_change;"
			  " DROP TRIGGER public_record_gone;"
			  " DROP TABLE public_record;",
			  "DROP TRIGGER public_record_event ON events;"
			  " DROP TRIGGER public_record_new ON proposals;"
			  " DROP TRIGGER public_record_change ON proposals;"
			  " DROP FUNCTION council_public_record_event();"
			  " DROP FUNCTION council_public_record_sight();"
			  " DROP TABLE public_record;"));
	if (cn_store_open(f->path, CN_STORE_READONLY, &ro, &err))
		fail_msg("read-only open: %s", err.msg);
	open_app(f, CN_STORE_READONLY);
	{
		const struct cn_world *w = cn_app_world(f->app);
		for (size_t i = 0; i < nwho; i++) {
			const struct cn_viewer v = {who[i].role, who[i].code, w, now};
			ruled_log(ro, &v, w->last_seq, &want);
			paged_log(ro, &v, 3, &got);
			same_seqs(&got, &want, "read-only, without the index");
		}
	}
	assert_int_equal(cn_store_public_record_check(ro, &bad, &err), 0);
	assert_int_equal(bad, 0);
	cn_store_close(ro);
	close_app(f);
	query_ints(f->path, Q("SELECT count(*) FROM sqlite_schema WHERE name ="
			      " 'public_record'",
			      "SELECT (to_regclass('public_record') IS NOT NULL)"
			      "::int"), filled, 1);
	assert_int_equal(filled[0], 0); /* a read-only open made nothing */

	open_app(f, 0);
	record_sums(f, filled);
	for (int i = 0; i < 4; i++)
		assert_int_equal(filled[i], kept[i]);
	if (cn_app_verify(f->app, NULL, &nev, &ncp, &err))
		fail_msg("verify: %s", err.msg);
	close_app(f);

	/* One entry's sight turned: verify names its event. */
	query_ints(f->path, "SELECT min(seq) FROM public_record WHERE"
		   " adopted = 0", &bad, 1);
	sql_ok(f->path, "UPDATE public_record SET adopted = 1 WHERE seq IN"
	       " (SELECT min(seq) FROM public_record WHERE adopted = 0)");
	open_app(f, 0);
	assert_int_not_equal(cn_app_verify(f->app, NULL, &nev, &ncp, &err), 0);
	if (!strstr(err.msg, "public record index") || !names_event(err.msg, bad))
		fail_msg("verify said: %s", err.msg);
}

/* ---- what a second backend must give the same ------------------------------ */

static int copy_event(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	return cn_store_append(ctx, ev, err);
}

/* The log's secret key, from the file the app keeps it in. */
static void read_key(const char *path, char **name, uint8_t sk[CN_NOTE_SECKEY_LEN])
{
	struct cn_err err = {0};
	char line[512] = "";
	FILE *fp = fopen(path, "r");

	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof(line), fp));
	fclose(fp);
	line[strcspn(line, "\n")] = '\0';
	if (cn_note_skey_decode(line, name, sk, &err))
		fail_msg("%s: %s", path, err.msg);
}

/*
 * A log copied event by event (bytes and salts) from a SQLite store into
 * the store under test gives back the same bytes, the same Merkle root at
 * every size, and, signed with the same key, the same checkpoint text
 * but for the chain line: the copy's first checkpoint has no note before
 * it to name, the source's last one does.  Signed over the same text, it
 * would be byte-identical (Ed25519 signatures are deterministic): the
 * backends keep the same record, not merely similar ones.
 */
static void test_same_log_same_root(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_store *src = NULL, *dst = NULL;
	char srcpath[160], keypath[200], *name = NULL, *note1 = NULL, *note2 = NULL;
	uint8_t sk[CN_NOTE_SECKEY_LEN], r1[32], r2[32];
	uint64_t n = 0, size = 0;
	struct cn_app *app = NULL;

	/* The source: a SQLite file with history, whatever the backend
	 * under test. */
	snprintf(srcpath, sizeof(srcpath), "%s/source.db", f->dir);
	snprintf(keypath, sizeof(keypath), "%s.key", srcpath);
	{
		char save[1024];
		snprintf(save, sizeof(save), "%s", f->path);
		snprintf(f->path, sizeof(f->path), "%s", srcpath);
		seed(f, 0);
		history(f);
		close_app(f);
		snprintf(f->path, sizeof(f->path), "%s", save);
	}
	assert_int_equal(cn_store_open(srcpath, CN_STORE_READONLY, &src, &err), 0);
	if (cn_store_open(f->path, CN_STORE_CREATE, &dst, &err))
		fail_msg("creating the copy: %s", err.msg);
	assert_int_equal(cn_store_begin(dst, &err), 0);
	if (cn_store_scan(src, 1, copy_event, dst, &err))
		fail_msg("copying: %s", err.msg);
	assert_int_equal(cn_store_commit(dst, &err), 0);
	/* Every event back as written, checked against its hash and link. */
	assert_int_equal(cn_store_scan(dst, 1, NULL, NULL, &err), 0);
	assert_int_equal(cn_store_tree_size(src, &n, &err), 0);
	assert_int_equal(n, (uint64_t)(f->seeded + 10));
	for (int64_t seq = 1; seq <= (int64_t)n; seq++) {
		struct cn_event a, b;
		assert_int_equal(cn_store_event(src, seq, &a, &err), 0);
		assert_int_equal(cn_store_event(dst, seq, &b, &err), 0);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.bytes, b.bytes, a.len);
		assert_memory_equal(a.salt, b.salt, CN_SALT_LEN);
		cn_event_release(&a);
		cn_event_release(&b);
	}
	for (uint64_t k = 1; k <= n; k++) {
		assert_int_equal(cn_store_root_at(src, k, r1, &err), 0);
		assert_int_equal(cn_store_root_at(dst, k, r2, &err), 0);
		if (memcmp(r1, r2, 32))
			fail_msg("the roots differ at size %llu", (unsigned long long)k);
	}
	/* The checkpoint: the source's latest, signed again on the copy. */
	read_key(keypath, &name, sk);
	assert_int_equal(cn_store_set_signer(dst, name, sk, &err), 0);
	assert_int_equal(cn_store_checkpoint_latest(src, &note1, &size, NULL, &err), 0);
	assert_int_equal(size, n);
	assert_int_equal(cn_store_begin(dst, &err), 0);
	assert_int_equal(cn_store_checkpoint_sign(dst, T("2023-07-21T10:00:00Z"), &err), 0);
	assert_int_equal(cn_store_commit(dst, &err), 0);
	assert_int_equal(cn_store_checkpoint_latest(dst, &note2, &size, NULL, &err), 0);
	{
		struct cn_checkpoint c1, c2;
		assert_int_equal(cn_checkpoint_parse(note1, strlen(note1), &c1, &err), 0);
		assert_int_equal(cn_checkpoint_parse(note2, strlen(note2), &c2, &err), 0);
		assert_string_equal(c1.origin, c2.origin);
		assert_int_equal(c1.size, c2.size);
		assert_memory_equal(c1.root, c2.root, 32);
		assert_non_null(c1.extensions); /* after the source's others */
		assert_null(c2.extensions);     /* the copy's first */
		cn_checkpoint_release(&c1);
		cn_checkpoint_release(&c2);
	}
	free(note1);
	free(note2);
	free(name);
	cn_store_close(src);
	cn_store_close(dst);
	/* And the copy's projections are empty: verify says so, naming a
	 * table, rather than passing a store it did not check. */
	assert_int_equal(cn_app_open(f->path, CN_STORE_READONLY, &app, &err), 0);
	assert_int_equal(cn_verify_projections(cn_app_store(app), NULL, &err),
			 CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "projection"));
	cn_app_close(app);
}

/* The store holds n events, and the fixture's app, folding them all
 * again, verifies them: one log, whole, whoever wrote it. */
static void log_whole(struct fx *f, int64_t n)
{
	struct cn_err err = {0};
	int64_t nev = 0, ncp = 0;

	assert_int_equal(count_events(f->path), n);
	assert_int_equal(cn_app_reload(f->app, &err), 0);
	if (cn_app_verify(f->app, NULL, &nev, &ncp, &err))
		fail_msg("verify: %s", err.msg);
	assert_int_equal(nev, n);
}

/* Two apps on one store, each with its own connection, write in turn:
 * each folds the other's events before appending (guarantee 3), so the
 * log stays one gap-free chain that both see whole. */
static void test_two_writers_one_log(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_app *other = NULL;

	seed(f, 0);
	if (cn_app_open(f->path, 0, &other, &err))
		fail_msg("second app: %s", err.msg);
	for (int i = 0; i < 6; i++) {
		char title[32];
		snprintf(title, sizeof(title), "Item %d", i + 1);
		struct cn_propose_args p = {.body = "NAC", .title = title};
		struct cn_app *a = i % 2 ? other : f->app;
		if (cn_app_run(a, T("2023-07-07T09:00:00Z") + i, "secretariat",
			       cn_app_cmd_propose, &p, NULL, &err))
			fail_msg("write %d: %s", i, err.msg);
		assert_int_equal(cn_app_world(a)->last_seq, f->seeded + i + 1);
		assert_int_equal(cn_app_world(a)->nproposals, (size_t)i + 1);
	}
	cn_app_close(other);
	log_whole(f, f->seeded + 6);
}

/* The first checkpoint, copied (the note and root kept in cp_copy). */
struct cp_copy {
	struct cn_checkpoint_row cp;
	uint8_t root[CN_MERKLE_HASH_LEN];
	char note[4096];
	int n;
};

static int first_checkpoint(void *ctx, const struct cn_checkpoint_row *cp,
			    struct cn_err *err)
{
	struct cp_copy *c = ctx;
	(void)err;
	if (c->n++)
		return 0;
	assert_int_equal(cp->rootlen, CN_MERKLE_HASH_LEN);
	memcpy(c->root, cp->root, CN_MERKLE_HASH_LEN);
	snprintf(c->note, sizeof(c->note), "%s", cp->note);
	c->cp = *cp;
	c->cp.root = c->root;
	c->cp.note = c->note;
	return 0;
}

/* The first row, its text copied (the scan's is borrowed); free_row. */
static int first_row(void *ctx, const struct cn_row *row, struct cn_err *err)
{
	struct cn_row *out = ctx;
	(void)err;
	if (out->v[0].s || out->v[0].i)
		return 0;
	*out = *row;
	for (int i = 0; i < CN_ROW_MAX; i++)
		if (row->v[i].s) {
			char *copy = malloc(row->v[i].len + 1);
			assert_non_null(copy);
			memcpy(copy, row->v[i].s, row->v[i].len);
			copy[row->v[i].len] = '\0';
			out->v[i].s = copy;
		}
	return 0;
}

static void free_row(struct cn_row *row)
{
	for (int i = 0; i < CN_ROW_MAX; i++)
		free((char *)row->v[i].s);
}

/* A write that fails part way leaves its connection able to write.  On
 * PostgreSQL a write's statements are prepared in its pipeline as they
 * are first sent: those sent after the failing one never ran, and the
 * next write must prepare them again (a copied checkpoint of a size
 * stored fails; a row put after it, in the same pipeline, is not run). */
static void test_write_after_a_failed_one(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_app *other = NULL;
	struct cp_copy c = {0};
	struct cn_row row = {0};
	struct cn_propose_args p = {.body = "NAC", .title = "After"};
	int rc;

	seed(f, 0);
	/* A proposal's row to put, by another connection than the one whose
	 * writes fail: that one's next write (a proposal) puts such a row,
	 * by a statement its failed writes sent last. */
	run(f, "2023-07-07T08:00:00Z", cn_app_cmd_propose, &p);
	if (cn_app_open(f->path, 0, &other, &err))
		fail_msg("second app: %s", err.msg);
	struct cn_store *st = cn_app_store(other);
	assert_int_equal(cn_store_checkpoints(st, first_checkpoint, &c, &err), 0);
	assert_true(c.n > 0);
	assert_int_equal(cn_store_rows(st, CN_TAB_PROPOSALS, CN_ORDER_KEY,
				       first_row, &row, &err), 0);
	assert_int_equal(row.table, CN_TAB_PROPOSALS);
	/* Twice: the second time, on PostgreSQL, with the statements
	 * prepared by the first. */
	for (int round = 0; round < 2; round++) {
		assert_int_equal(cn_store_begin(st, &err), 0);
		rc = cn_store_checkpoint_copy(st, &c.cp, &err);
		if (rc == 0)
			rc = cn_store_put_row(st, &row, &err);
		if (rc == 0)
			rc = cn_store_commit(st, &err);
		assert_int_not_equal(rc, 0);
		cn_store_rollback(st); /* as the app does after a failed commit */
		if (cn_app_run(other, T("2023-07-07T09:00:00Z") + round,
			       "secretariat", cn_app_cmd_propose, &p, NULL, &err))
			fail_msg("write %d after a failed one: %s", round, err.msg);
	}
	free_row(&row);
	cn_app_close(other);
	log_whole(f, f->seeded + 3);
}

/* The pages the commits since the last call wrote: the WAL's frames,
 * counted (and the WAL emptied) by a checkpoint of a connection of the
 * test's own. */
static int wal_frames(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int frames;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
			 SQLITE_OK);
	/* A truncating checkpoint says 0 frames: it has emptied the WAL. */
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA wal_checkpoint(PASSIVE)",
					    -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 0); /* not busy */
	frames = sqlite3_column_int(s, 1);
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL,
				      NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	return frames;
}

/* One row put in a transaction of its own, then the pages it wrote. */
static int put_alone(struct fx *f, const struct cn_row *row)
{
	struct cn_store *st = cn_app_store(f->app);
	struct cn_err err = {0};

	assert_int_equal(cn_store_begin(st, &err), 0);
	if (cn_store_put_row(st, row, &err) || cn_store_commit(st, &err))
		fail_msg("putting a row: %s", err.msg);
	return wal_frames(f->path);
}

/* A proposal's row is rewritten at each position stated, with its doc
 * alone changed: that rewrite writes the row's page, not one page for
 * each of the indexes on proposals (SQLite rewrites an index's entry when
 * an UPDATE sets one of its columns, even to the value it had).  A row
 * with another column changed is written whole, indexes included. */
static void test_doc_alone_rewrites_no_index(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_row row = {0}, back = {0}, put;
	struct cn_propose_args p = {.body = "NAC", .title = "Doc alone"};
	const unsigned doc = cn_tables[CN_TAB_PROPOSALS].ncols - 1;
	const unsigned status = 4;
	char *text;
	int alone, whole;

	if (pg_base)
		skip(); /* SQLite's index writes (PostgreSQL's HOT decides its own) */
	assert_string_equal(cn_tables[CN_TAB_PROPOSALS].cols[status].name, "status");
	seed(f, 0);
	run(f, "2023-07-07T08:00:00Z", cn_app_cmd_propose, &p);
	assert_int_equal(cn_store_rows(cn_app_store(f->app), CN_TAB_PROPOSALS,
				       CN_ORDER_KEY, first_row, &row, &err), 0);
	assert_string_equal(row.v[status].s, "open");
	wal_frames(f->path);

	/* the doc alone: one page (the row's) */
	put = row;
	assert_true(asprintf(&text, "%s ", row.v[doc].s) > 0);
	put.v[doc].s = text;
	put.v[doc].len = strlen(text);
	alone = put_alone(f, &put);
	assert_int_equal(cn_store_rows(cn_app_store(f->app), CN_TAB_PROPOSALS,
				       CN_ORDER_KEY, first_row, &back, &err), 0);
	assert_string_equal(back.v[doc].s, text);
	assert_string_equal(back.v[status].s, "open");
	free_row(&back);
	memset(&back, 0, sizeof(back));

	/* the status too: the row and the indexes on it */
	put.v[status].s = "withdrawn";
	put.v[status].len = strlen("withdrawn");
	whole = put_alone(f, &put);
	assert_int_equal(cn_store_rows(cn_app_store(f->app), CN_TAB_PROPOSALS,
				       CN_ORDER_KEY, first_row, &back, &err), 0);
	assert_string_equal(back.v[status].s, "withdrawn");
	assert_string_equal(back.v[doc].s, text);
	free_row(&back);
	print_message("# pages written: doc alone %d, with the status %d\n",
		      alone, whole);
	assert_int_equal(alone, 1);
	assert_true(whole >= 4);

	put_alone(f, &row); /* as it was, for the fixture's checks */
	free(text);
	free_row(&row);
}

/* The doc written alone misses no change of a NULL column (NULL to a
 * value, a value to NULL); the opened order holds through a tie, and is
 * lost when a smaller id's opened moves after a larger id's (by the
 * upsert's UPDATE, not an INSERT). */
static void test_doc_alone_and_opened_order_edges(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_row row = {0}, back = {0}, put;
	const unsigned concluded = 9, opened = 7;
	struct cn_value key = {.type = CN_VAL_INT, .i = 50};

	if (pg_base)
		skip();
	seed(f, 0);
	history(f); /* 1, 2 and 3, opened in July, in id order */
	assert_int_equal(in_time_order(f->path), 1);
	assert_int_equal(cn_store_rows(cn_app_store(f->app), CN_TAB_PROPOSALS,
				       CN_ORDER_KEY, first_row, &row, &err), 0);
	assert_string_equal(cn_tables[CN_TAB_PROPOSALS].cols[concluded].name,
			    "concluded");
	put = row;

	/* NULL -> a value, and back: each must reach the row */
	put.v[concluded] = (struct cn_value){.type = CN_VAL_TEXT,
		.s = "2099-01-01T00:00:00Z", .len = 20};
	put_alone(f, &put);
	assert_int_equal(cn_store_rows(cn_app_store(f->app), CN_TAB_PROPOSALS,
				       CN_ORDER_KEY, first_row, &back, &err), 0);
	assert_string_equal(back.v[concluded].s, "2099-01-01T00:00:00Z");
	free_row(&back);
	memset(&back, 0, sizeof(back));
	put.v[concluded] = (struct cn_value){.type = CN_VAL_NULL};
	put_alone(f, &put);
	assert_int_equal(cn_store_rows(cn_app_store(f->app), CN_TAB_PROPOSALS,
				       CN_ORDER_KEY, first_row, &back, &err), 0);
	assert_null(back.v[concluded].s);
	free_row(&back);
	memset(&back, 0, sizeof(back));
	put = row;

	/* a tie: id 50 opened when 3 did keeps the order (not concluded:
	 * 1 was, before 07-21) */
	put.v[0].i = 50;
	put.v[opened] = (struct cn_value){.type = CN_VAL_TEXT,
		.s = "2023-07-21T09:00:00Z", .len = 20};
	put.v[concluded] = (struct cn_value){.type = CN_VAL_NULL};
	put_alone(f, &put);
	assert_int_equal(in_time_order(f->path), 1);
	assert_int_equal(cn_store_delete_row(cn_app_store(f->app),
					     CN_TAB_PROPOSALS, &key, &err), 0);

	/* 1 now opened after 3: out of order, through the upsert's UPDATE
	 * (its conclusion cleared, so that the order of openings alone
	 * says so) */
	put = row;
	put.v[opened] = (struct cn_value){.type = CN_VAL_TEXT,
		.s = "2023-12-31T00:00:00Z", .len = 20};
	put.v[concluded] = (struct cn_value){.type = CN_VAL_NULL};
	put_alone(f, &put);
	assert_int_equal(in_time_order(f->path), 0);
	put_alone(f, &row); /* as it was */
	made_before_time_order(f);
	assert_int_equal(in_time_order(f->path), 1);

	/* concluded before it opened: a concluded range's end no longer
	 * bounds the ids (a proposal concluded before a time would not all
	 * have opened before it); learned from the rows as well */
	put = row;
	put.v[concluded] = (struct cn_value){.type = CN_VAL_TEXT,
		.s = "2023-07-01T00:00:00Z", .len = 20};
	put_alone(f, &put);
	assert_int_equal(in_time_order(f->path), 0);
	made_before_time_order(f);
	assert_int_equal(in_time_order(f->path), 0);
	put_alone(f, &row); /* as it was */
	free_row(&row);
}

/* cn_store_versions gives what the three counters' own reads give (the
 * meta counters, where the backend reads them in the same query). */
static void same_versions(struct cn_store *rd)
{
	struct cn_err err = {0};
	int64_t v, reg, tok, v1, reg1, tok1;

	assert_int_equal(cn_store_versions(rd, &v, &reg, &tok, &err), 0);
	assert_int_equal(cn_store_data_version(rd, &v1, &err), 0);
	assert_int_equal(cn_store_registry_version(rd, &reg1, &tok1, &err), 0);
	assert_int_equal(v, v1);
	assert_true(reg == -1 ? tok == -1 : reg == reg1 && tok == tok1);
}

/* Guarantee 6: a reader's change signal moves when another connection
 * commits, and the tokens counter with a token issued or revoked. */
static void test_change_signal(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_store *rd = NULL;
	int64_t v0 = 0, v1 = 0, v2 = 0, reg = 0, tok0 = 0, tok1 = 0, id = 0;
	int64_t cv = 0;
	uint8_t h[CN_HASH_LEN] = {1, 2, 3};
	struct cn_propose_args p = {.body = "NAC", .title = "Signal"};

	seed(f, 0);
	assert_int_equal(cn_store_open(f->path, CN_STORE_READONLY, &rd, &err), 0);
	assert_int_equal(cn_store_data_version(rd, &v0, &err), 0);
	assert_int_equal(cn_store_registry_version(rd, &reg, &tok0, &err), 0);
	assert_int_equal(reg, f->seeded);
	same_versions(rd);
	run(f, "2023-07-07T09:00:00Z", cn_app_cmd_propose, &p);
	assert_int_equal(cn_store_data_version(rd, &v1, &err), 0);
	assert_int_not_equal(v1, v0);
	same_versions(rd);
	/* The writer knows the counter its commit left (PostgreSQL): the
	 * one every other connection now reads. */
	if (pg_base) {
		assert_int_equal(cn_store_commit_version(cn_app_store(f->app),
							 &cv), 0);
		assert_int_equal(cv, v1);
	} else {
		assert_int_equal(cn_store_commit_version(cn_app_store(f->app),
							 &cv), CN_ENOTFOUND);
	}
	assert_int_equal(cn_store_token_add(cn_app_store(f->app), h, "secretariat",
					    NULL, "test", T("2023-07-07T10:00:00Z"),
					    &id, &err), 0);
	assert_int_equal(cn_store_data_version(rd, &v2, &err), 0);
	assert_int_not_equal(v2, v1);
	assert_int_equal(cn_store_registry_version(rd, &reg, &tok1, &err), 0);
	assert_int_not_equal(tok1, tok0);
	same_versions(rd);
	assert_int_equal(cn_store_token_revoke(cn_app_store(f->app), id,
					       T("2023-07-07T11:00:00Z"), &err), 0);
	assert_int_equal(cn_store_token_revoke(cn_app_store(f->app), id,
					       T("2023-07-07T11:00:00Z"), &err),
			 CN_ENOTFOUND);
	assert_int_equal(cn_store_registry_version(rd, &reg, &tok0, &err), 0);
	assert_int_equal(tok0, tok1 + 1);
	same_versions(rd);
	cn_store_close(rd);
}

static int copy_one_person(void *ctx, const struct cn_person *p,
			   struct cn_err *err)
{
	(void)err;
	*(struct cn_person *)ctx = *p;
	return 0;
}
/* People and sessions (store/people.h), on either backend: a name is
 * taken for good; a person comes back as made, its Argon2id hash
 * checking its password; a session is found with its person until it
 * ends or its person is disabled, its last sight never moves back, and
 * the sessions past their end are swept by the next one made; the
 * changes readers cache move "tokens_seq". */
static int count_person(void *ctx, const struct cn_person *p,
			struct cn_err *err)
{
	struct cn_person *seen = ctx;
	(void)err;
	for (int i = 0; i < 4; i++)
		if (!seen[i].id) {
			seen[i] = *p;
			return 0;
		}
	return 0;
}

static int copy_passkey(void *ctx, const struct cn_passkey *k,
			struct cn_err *err)
{
	struct cn_passkey *out = ctx;
	(void)err;
	out[out[0].id ? 1 : 0] = *k;
	return 0;
}

/* Passkeys (store/passkeys.h), on either backend: one comes back as
 * stored, by person and by credential id; a credential id is stored
 * once; the signature counter only grows (0 after 0 allowed: an
 * authenticator without a counter), the refusal saying why; removal is
 * its person's only. */
static void test_passkeys(void **state)
{
	struct fx *f = *state;
	struct cn_store *st, *rd = NULL;
	struct cn_err err = {0};
	struct cn_person fr, us;
	struct cn_passkey k = {0}, two[2], got;
	int64_t frid = 0, usid = 0, id = 0, id2 = 0;
	static const char pw[] = "correct horse battery";

	seed(f, 0);
	st = cn_app_store(f->app);
	assert_int_equal(cn_store_open(f->path, CN_STORE_READONLY, &rd, &err), 0);
	assert_int_equal(cn_person_make(cn_app_world(f->app), "anne", "FR", pw,
					strlen(pw), &fr, &err), 0);
	assert_int_equal(cn_person_make(cn_app_world(f->app), "bob", "US", pw,
					strlen(pw), &us, &err), 0);
	assert_int_equal(cn_store_person_add(st, &fr, T("2023-07-07T10:00:00Z"),
					     &frid, &err), 0);
	assert_int_equal(cn_store_person_add(st, &us, T("2023-07-07T10:00:00Z"),
					     &usid, &err), 0);
	k.person = frid;
	k.cred_len = 300;  /* longer than any hash: bytes kept as they are */
	for (size_t i = 0; i < k.cred_len; i++)
		k.cred[i] = (uint8_t)(i * 7);
	k.pub[0] = 0x04;
	memset(k.pub + 1, 0xab, 64);
	memset(k.handle, 0xcd, sizeof(k.handle));
	snprintf(k.label, sizeof(k.label), "laptop");
	assert_int_equal(cn_store_passkey_add(st, &k, T("2023-07-08T09:00:00Z"),
					      &id, &err), 0);
	assert_int_equal(cn_store_passkey_add(st, &k, T("2023-07-08T09:00:00Z"),
					      &id2, &err), CN_EREFUSED);
	assert_non_null(strstr(err.msg, "registered already"));
	k.cred[0] ^= 1;
	k.sign_count = 0;
	assert_int_equal(cn_store_passkey_add(st, &k, T("2023-07-08T09:01:00Z"),
					      &id2, &err), 0);
	k.cred[0] ^= 1;
	/* Back as stored, through another connection. */
	assert_int_equal(cn_store_passkey_find(rd, k.cred, k.cred_len, &got,
					       &err), 0);
	assert_int_equal(got.id, id);
	assert_int_equal(got.person, frid);
	assert_int_equal(got.cred_len, 300);
	assert_memory_equal(got.cred, k.cred, 300);
	assert_memory_equal(got.pub, k.pub, CN_PASSKEY_PUB_LEN);
	assert_memory_equal(got.handle, k.handle, CN_PASSKEY_HANDLE_LEN);
	assert_string_equal(got.label, "laptop");
	assert_string_equal(got.created, "2023-07-08T09:00:00Z");
	assert_string_equal(got.used, "");
	assert_int_equal(cn_store_passkey_find(rd, k.cred, 299, &got, &err),
			 CN_ENOTFOUND);
	memset(two, 0, sizeof(two));
	assert_int_equal(cn_store_passkeys(rd, frid, copy_passkey, two, &err), 0);
	assert_int_equal(two[0].id, id);
	assert_int_equal(two[1].id, id2);
	memset(two, 0, sizeof(two));
	assert_int_equal(cn_store_passkeys(rd, usid, copy_passkey, two, &err), 0);
	assert_int_equal(two[0].id, 0);
	/* The counter: 0 after 0, then only up. */
	assert_int_equal(cn_store_passkey_used(st, id, 0, T("2023-07-09T00:00:00Z"),
					       &err), 0);
	assert_int_equal(cn_store_passkey_used(st, id, 5, T("2023-07-09T00:01:00Z"),
					       &err), 0);
	assert_int_equal(cn_store_passkey_used(st, id, 5, T("2023-07-09T00:02:00Z"),
					       &err), CN_EREFUSED);
	assert_non_null(strstr(err.msg, "cloned"));
	assert_int_equal(cn_store_passkey_used(st, id, 0, T("2023-07-09T00:02:00Z"),
					       &err), CN_EREFUSED);
	assert_int_equal(cn_store_passkey_find(rd, k.cred, k.cred_len, &got,
					       &err), 0);
	assert_int_equal(got.sign_count, 5);
	assert_string_equal(got.used, "2023-07-09T00:01:00Z");
	/* Removal: its person's only. */
	assert_int_equal(cn_store_passkey_remove(st, usid, id, &err),
			 CN_ENOTFOUND);
	assert_int_equal(cn_store_passkey_remove(st, frid, id, &err), 0);
	assert_int_equal(cn_store_passkey_remove(st, frid, id, &err),
			 CN_ENOTFOUND);
	assert_int_equal(cn_store_passkey_find(rd, k.cred, k.cred_len, &got,
					       &err), CN_ENOTFOUND);
	cn_store_close(rd);
}

static void test_people_and_sessions(void **state)
{
	struct fx *f = *state;
	struct cn_store *st, *rd = NULL;
	struct cn_err err = {0};
	struct cn_person fr, sec, dup, got, all[4] = {{0}};
	struct cn_session s = {0}, old = {0}, back;
	int64_t frid = 0, secid = 0, x = 0, reg = 0, tok0 = 0, tok1 = 0;
	static const char pw[] = "correct horse battery";

	seed(f, 0);
	st = cn_app_store(f->app);
	assert_int_equal(cn_store_open(f->path, CN_STORE_READONLY, &rd, &err), 0);
	assert_int_equal(cn_store_registry_version(rd, &reg, &tok0, &err), 0);
	assert_int_equal(cn_person_make(cn_app_world(f->app), "anne.martin",
					"FR", pw, strlen(pw), &fr, &err), 0);
	assert_string_equal(fr.role, "member");
	assert_int_equal(cn_person_make(cn_app_world(f->app), "sg", NULL, pw,
					strlen(pw), &sec, &err), 0);
	assert_string_equal(sec.role, "secretariat");
	/* The registry decides what a delegation is. */
	assert_int_equal(cn_person_make(cn_app_world(f->app), "x", "XX", pw,
					strlen(pw), &dup, &err), CN_EINVAL);
	assert_non_null(strstr(err.msg, "delegation"));
	assert_int_equal(cn_store_person_add(st, &fr, T("2023-07-07T10:00:00Z"),
					     &frid, &err), 0);
	assert_int_equal(cn_store_person_add(st, &sec, T("2023-07-07T10:01:00Z"),
					     &secid, &err), 0);
	assert_true(secid > frid);
	assert_int_equal(cn_store_registry_version(rd, &reg, &tok1, &err), 0);
	assert_int_equal(tok1, tok0 + 2);
	/* A name is taken, whoever asks. */
	assert_int_equal(cn_store_person_add(st, &fr, T("2023-07-07T10:02:00Z"),
					     &x, &err), CN_EREFUSED);
	assert_non_null(strstr(err.msg, "anne.martin"));
	/* Back as made, by name (through another connection) and by id. */
	assert_int_equal(cn_store_people(rd, "anne.martin", 0, count_person, all,
					 &err), 0);
	assert_int_equal(all[0].id, frid);
	assert_string_equal(all[0].principal, "FR");
	assert_string_equal(all[0].created, "2023-07-07T10:00:00Z");
	assert_string_equal(all[0].disabled, "");
	assert_true(cn_password_verify(all[0].pwhash, pw, strlen(pw)));
	assert_false(cn_password_verify(all[0].pwhash, "correct horse batterY",
					strlen(pw)));
	/* Today's limits need no rehash; a hash made with weaker ones does,
	 * and still checks its password; an unknown name matches nothing. */
	assert_false(cn_password_needs_rehash(all[0].pwhash));
	{
		char weak[CN_PWHASH_MAX];
		assert_int_equal(crypto_pwhash_str(weak, pw, strlen(pw),
						   crypto_pwhash_OPSLIMIT_MIN,
						   crypto_pwhash_MEMLIMIT_MIN), 0);
		assert_true(cn_password_needs_rehash(weak));
		assert_true(cn_password_verify(weak, pw, strlen(pw)));
	}
	assert_false(cn_password_verify(NULL, pw, strlen(pw)));
	assert_int_equal(cn_store_people(rd, "nobody", 0, NULL, NULL, &err),
			 CN_ENOTFOUND);
	assert_int_equal(cn_store_people(rd, NULL, 9999, NULL, NULL, &err),
			 CN_ENOTFOUND);
	memset(all, 0, sizeof(all));
	assert_int_equal(cn_store_people_list(rd, 0, INT64_MAX, count_person,
					      all, &err), 0);
	assert_int_equal(all[0].id, frid);
	assert_int_equal(all[1].id, secid);
	assert_string_equal(all[1].principal, "");
	assert_int_equal(all[2].id, 0);
	/* A page at a time: the first, the one above it, none past the last. */
	memset(all, 0, sizeof(all));
	assert_int_equal(cn_store_people_list(rd, 0, 1, count_person, all, &err),
			 0);
	assert_int_equal(all[0].id, frid);
	assert_int_equal(all[1].id, 0);
	memset(all, 0, sizeof(all));
	assert_int_equal(cn_store_people_list(rd, frid, 1, count_person, all,
					      &err), 0);
	assert_int_equal(all[0].id, secid);
	assert_int_equal(all[1].id, 0);
	memset(all, 0, sizeof(all));
	assert_int_equal(cn_store_people_list(rd, secid, 5, count_person, all,
					      &err), 0);
	assert_int_equal(all[0].id, 0);

	/* A session, found with its person. */
	memset(s.hash, 0x5a, sizeof(s.hash));
	s.person = frid;
	s.created = s.seen = 1000;
	s.expires = 5000;
	assert_int_equal(cn_store_session_add(st, &s, &err), 0);
	assert_int_equal(cn_store_session_find(rd, s.hash, &back, &got, &err), 0);
	assert_int_equal(back.person, frid);
	assert_int_equal(back.created, 1000);
	assert_int_equal(back.expires, 5000);
	assert_memory_equal(back.hash, s.hash, CN_HASH_LEN);
	assert_string_equal(got.name, "anne.martin");
	assert_string_equal(got.role, "member");
	/* Seen later, never earlier. */
	assert_int_equal(cn_store_session_seen(st, back.id, 2000, &err), 0);
	assert_int_equal(cn_store_session_seen(st, back.id, 1500, &err), 0);
	assert_int_equal(cn_store_session_find(rd, s.hash, &back, &got, &err), 0);
	assert_int_equal(back.seen, 2000);
	/* Ended: gone, and not twice. */
	assert_int_equal(cn_store_session_end(st, s.hash, 2100, &err), 0);
	assert_int_equal(cn_store_session_find(rd, s.hash, &back, &got, &err),
			 CN_ENOTFOUND);
	assert_int_equal(cn_store_session_end(st, s.hash, 2200, &err),
			 CN_ENOTFOUND);
	/* A session past its end is swept by the next one made. */
	old = s;
	memset(old.hash, 0x11, sizeof(old.hash));
	old.created = old.seen = 100;
	old.expires = 200;
	assert_int_equal(cn_store_session_add(st, &old, &err), 0);
	assert_int_equal(cn_store_session_find(rd, old.hash, &back, &got, &err),
			 0);
	memset(s.hash, 0x22, sizeof(s.hash));
	s.created = s.seen = 3000;
	assert_int_equal(cn_store_session_add(st, &s, &err), 0);
	assert_int_equal(cn_store_session_find(rd, old.hash, &back, &got, &err),
			 CN_ENOTFOUND);
	/* A new password replaces the old. */
	assert_int_equal(cn_password_hash("another long one", 16, fr.pwhash,
					  &err), 0);
	assert_int_equal(cn_store_person_password(st, frid, fr.pwhash, &err), 0);
	assert_int_equal(cn_store_people(rd, NULL, frid, copy_one_person, &got,
					 &err), 0);
	assert_true(cn_password_verify(got.pwhash, "another long one", 16));
	assert_false(cn_password_verify(got.pwhash, pw, strlen(pw)));
	/* Disabled: its sessions end with it, its name stays taken. */
	assert_int_equal(cn_store_session_find(rd, s.hash, &back, &got, &err), 0);
	assert_int_equal(cn_store_person_disable(st, frid,
						 T("2023-07-07T12:00:00Z"), &err),
			 0);
	assert_int_equal(cn_store_session_find(rd, s.hash, &back, &got, &err),
			 CN_ENOTFOUND);
	assert_int_equal(cn_store_person_disable(st, frid,
						 T("2023-07-07T12:01:00Z"), &err),
			 CN_ENOTFOUND);
	assert_int_equal(cn_store_people(rd, NULL, frid, copy_one_person, &got,
					 &err), 0);
	assert_string_equal(got.disabled, "2023-07-07T12:00:00Z");
	assert_int_equal(cn_store_person_add(st, &fr, T("2023-07-07T12:02:00Z"),
					     &x, &err), CN_EREFUSED);
	cn_store_close(rd);
}

/* Calendar feed keys (store.h): a feed reads as its owner token (role
 * and code copied), is no bearer token, is revoked alone or dies with
 * its owner, and cannot be made for a revoked token or for a feed. */
static void test_calendar_feed_keys(void **state)
{
	struct fx *f = *state;
	struct cn_store *st;
	struct cn_err err = {0};
	struct cn_token_info info, *all = NULL;
	uint8_t owner[CN_HASH_LEN] = {7}, feed[CN_HASH_LEN] = {8},
		feed2[CN_HASH_LEN] = {9}, other[CN_HASH_LEN] = {10};
	int64_t oid = 0, fid = 0, fid2 = 0, x = 0;
	size_t n = 0;

	seed(f, 0);
	st = cn_app_store(f->app);
	assert_int_equal(cn_store_token_add(st, owner, "member", "FR", "FR",
					    T("2023-07-07T10:00:00Z"), &oid,
					    &err), 0);
	assert_int_equal(cn_store_feed_add(st, feed, oid, "phone",
					   T("2023-07-07T10:01:00Z"), &fid,
					   &err), 0);
	assert_int_equal(cn_store_feed_add(st, feed2, oid, NULL,
					   T("2023-07-07T10:02:00Z"), &fid2,
					   &err), 0);
	assert_int_equal(cn_store_feed_find(st, feed, &info, &err), 0);
	assert_int_equal(info.id, fid);
	assert_string_equal(info.role, "member");
	assert_string_equal(info.principal, "FR");
	assert_int_equal(info.feed_of, oid);
	/* A feed key is not a bearer token, nor a token a feed key. */
	assert_int_equal(cn_store_token_find(st, feed, &info, &err), CN_ENOTFOUND);
	assert_int_equal(cn_store_feed_find(st, owner, &info, &err), CN_ENOTFOUND);
	/* No feed of a feed, nor of a token that does not exist. */
	assert_int_equal(cn_store_feed_add(st, other, fid, NULL,
					   T("2023-07-07T10:03:00Z"), &x, &err),
			 CN_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no valid token"));
	assert_int_equal(cn_store_feed_add(st, other, 9999, NULL,
					   T("2023-07-07T10:03:00Z"), &x, &err),
			 CN_ENOTFOUND);
	/* The owner's feeds a page at a time: the first, the one above it;
	 * none of a token that has none. */
	assert_int_equal(cn_store_feed_list(st, oid, 0, 1, &all, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(all[0].id, fid);
	assert_string_equal(all[0].label, "phone");
	free(all);
	assert_int_equal(cn_store_feed_list(st, oid, fid, 5, &all, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(all[0].id, fid2);
	assert_int_equal(all[0].feed_of, oid);
	free(all);
	assert_int_equal(cn_store_feed_list(st, fid, 0, 5, &all, &n, &err), 0);
	assert_int_equal(n, 0);
	free(all);
	/* Revoked alone: the other feed and the owner live on. */
	assert_int_equal(cn_store_token_revoke(st, fid, T("2023-07-07T11:00:00Z"),
					       &err), 0);
	assert_int_equal(cn_store_feed_find(st, feed, &info, &err), CN_ENOTFOUND);
	assert_int_equal(cn_store_feed_find(st, feed2, &info, &err), 0);
	assert_int_equal(cn_store_token_find(st, owner, &info, &err), 0);
	/* A revoked feed is not listed. */
	assert_int_equal(cn_store_feed_list(st, oid, 0, 5, &all, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(all[0].id, fid2);
	free(all);
	/* The owner revoked: its feeds die with it. */
	assert_int_equal(cn_store_token_revoke(st, oid, T("2023-07-07T12:00:00Z"),
					       &err), 0);
	assert_int_equal(cn_store_feed_find(st, feed2, &info, &err), CN_ENOTFOUND);
	assert_int_equal(cn_store_feed_add(st, other, oid, NULL,
					   T("2023-07-07T12:01:00Z"), &x, &err),
			 CN_ENOTFOUND);
	/* The list shows all three, feeds with their owner. */
	assert_int_equal(cn_store_token_list(st, 0, INT64_MAX, &all, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(all[0].feed_of, 0);
	assert_int_equal(all[1].feed_of, oid);
	assert_int_equal(all[2].feed_of, oid);
	assert_string_equal(all[1].label, "phone");
	/* A page: those above an id, at most so many, by id; past the last,
	 * none. */
	const int64_t ids[3] = {all[0].id, all[1].id, all[2].id};
	free(all);
	assert_int_equal(cn_store_token_list(st, ids[0], 1, &all, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(all[0].id, ids[1]);
	free(all);
	assert_int_equal(cn_store_token_list(st, ids[0], 5, &all, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(all[1].id, ids[2]);
	free(all);
	assert_int_equal(cn_store_token_list(st, 0, 2, &all, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(all[0].id, ids[0]);
	free(all);
	assert_int_equal(cn_store_token_list(st, ids[2], 5, &all, &n, &err), 0);
	assert_int_equal(n, 0);
	free(all);
}

/* Webhooks and the notification outbox (store.h): a webhook lives while
 * neither it nor its owner token is revoked, and only a bearer token owns
 * one; its cursor only moves forward; a notice is queued once per
 * (channel, target, ref), comes back byte for byte, is claimed by one
 * claimer until its claim ends, and each attempt is logged with the
 * state and next attempt it leaves. */
struct hook_seen {
	struct cn_webhook w[4];
	int n;
};

static int keep_hook(void *ctx, const struct cn_webhook *w, struct cn_err *err)
{
	struct hook_seen *hs = ctx;
	(void)err;
	assert_true(hs->n < 4);
	hs->w[hs->n++] = *w;
	return 0;
}

struct notice_seen {
	int64_t id[4], target[4], attempts[4];
	char body[4][64], ref[4][16], kind[4][32];
	size_t len[4];
	int n;
};

static int keep_notice(void *ctx, const struct cn_notice *it, struct cn_err *err)
{
	struct notice_seen *ns = ctx;
	(void)err;
	assert_true(ns->n < 4 && it->len < 64);
	ns->id[ns->n] = it->id;
	ns->target[ns->n] = it->target;
	ns->attempts[ns->n] = it->attempts;
	memcpy(ns->body[ns->n], it->body, it->len);
	ns->len[ns->n] = it->len;
	snprintf(ns->ref[ns->n], 16, "%s", it->ref);
	snprintf(ns->kind[ns->n], 32, "%s", it->kind);
	ns->n++;
	return 0;
}

struct attempt_seen {
	struct cn_attempt a[4];
	char error[4][64], state[4][16];
	int n;
};

static int keep_attempt(void *ctx, const struct cn_attempt *a, struct cn_err *err)
{
	struct attempt_seen *as = ctx;
	(void)err;
	assert_true(as->n < 4);
	as->a[as->n] = *a;
	snprintf(as->error[as->n], 64, "%s", a->error ? a->error : "(null)");
	snprintf(as->state[as->n], 16, "%s", a->state);
	as->n++;
	return 0;
}

static void in_tx(struct cn_store *st, int rc_want, int rc)
{
	struct cn_err err = {0};
	assert_int_equal(rc, rc_want);
	assert_int_equal(cn_store_commit(st, &err), 0);
}

static void test_webhooks_and_outbox(void **state)
{
	struct fx *f = *state;
	struct cn_store *st;
	struct cn_err err = {0};
	uint8_t owner[CN_HASH_LEN] = {21}, other[CN_HASH_LEN] = {22},
		feed[CN_HASH_LEN] = {23};
	int64_t oid = 0, xid = 0, fid = 0, hid = 0, x = 0, at = 0;
	static const char body[] = "{\"seq\":7,\"t\":\"caf\xc3\xa9\"}";
	struct cn_webhook w = {.cursor = 5};
	struct cn_notice it = {
		.channel = "webhook", .kind = "proposal.created", .ref = "7",
		.body = body, .len = sizeof(body) - 1, .created = 1000,
		.next_at = 1000,
	};
	struct hook_seen hs = {0};
	struct notice_seen ns = {0};
	struct attempt_seen as = {0};
	int added = -1;

	seed(f, 0);
	st = cn_app_store(f->app);
	assert_int_equal(cn_store_token_add(st, owner, "member", "FR", NULL,
					    1000, &oid, &err), 0);
	assert_int_equal(cn_store_token_add(st, other, "partner", "JP", NULL,
					    1000, &xid, &err), 0);
	assert_int_equal(cn_store_feed_add(st, feed, oid, NULL, 1000, &fid,
					   &err), 0);
	snprintf(w.url, sizeof(w.url), "https://example.org/hook");
	snprintf(w.secret, sizeof(w.secret), "whsec_test");
	snprintf(w.types, sizeof(w.types), "proposal.created");
	snprintf(w.remind, sizeof(w.remind), "86400,7200");
	snprintf(w.created, sizeof(w.created), "2023-07-07T10:00:00Z");
	/* Only a valid bearer token owns one. */
	for (int64_t bad = 0; bad < 2; bad++) {
		w.owner = bad ? fid : 9999;
		assert_int_equal(cn_store_begin(st, &err), 0);
		assert_int_equal(cn_store_webhook_add(st, &w, &hid, &err),
				 CN_ENOTFOUND);
		assert_non_null(strstr(err.msg, "no valid token"));
		cn_store_rollback(st);
	}
	w.owner = oid;
	assert_int_equal(cn_store_begin(st, &err), 0);
	in_tx(st, 0, cn_store_webhook_add(st, &w, &hid, &err));
	assert_int_equal(cn_store_webhooks(st, 0, 0, keep_hook, &hs, &err), 0);
	assert_int_equal(hs.n, 1);
	assert_int_equal(hs.w[0].id, hid);
	assert_int_equal(hs.w[0].owner, oid);
	assert_string_equal(hs.w[0].role, "member");
	assert_string_equal(hs.w[0].principal, "FR");
	assert_string_equal(hs.w[0].url, "https://example.org/hook");
	assert_string_equal(hs.w[0].secret, "whsec_test");
	assert_string_equal(hs.w[0].types, "proposal.created");
	assert_string_equal(hs.w[0].remind, "86400,7200");
	assert_string_equal(hs.w[0].revoked, "");
	assert_int_equal(hs.w[0].cursor, 5);
	/* By owner and by id: another token's is not there. */
	hs.n = 0;
	assert_int_equal(cn_store_webhooks(st, xid, 0, keep_hook, &hs, &err), 0);
	assert_int_equal(cn_store_webhooks(st, oid, hid + 1, keep_hook, &hs, &err), 0);
	assert_int_equal(hs.n, 0);
	/* The cursor moves forward only. */
	assert_int_equal(cn_store_begin(st, &err), 0);
	assert_int_equal(cn_store_webhook_advance(st, hid, 9, &err), 0);
	in_tx(st, 0, cn_store_webhook_advance(st, hid, 3, &err));
	assert_int_equal(cn_store_webhooks(st, oid, hid, keep_hook, &hs, &err), 0);
	assert_int_equal(hs.n, 1);
	assert_int_equal(hs.w[0].cursor, 9);
	/* A page at a time, by id: with a second of the same owner's, pages
	 * of one give the first, then the second, then none; another
	 * owner's page is empty.  (The second is revoked after.) */
	{
		int64_t hid2;
		assert_int_equal(cn_store_begin(st, &err), 0);
		in_tx(st, 0, cn_store_webhook_add(st, &w, &hid2, &err));
		assert_true(hid2 > hid);
		hs.n = 0;
		assert_int_equal(cn_store_webhook_page(st, oid, 0, 1, keep_hook,
						       &hs, &err), 0);
		assert_int_equal(cn_store_webhook_page(st, 0, hid, 1, keep_hook,
						       &hs, &err), 0);
		assert_int_equal(cn_store_webhook_page(st, oid, hid2, 1000,
						       keep_hook, &hs, &err), 0);
		assert_int_equal(cn_store_webhook_page(st, xid, 0, 1000,
						       keep_hook, &hs, &err), 0);
		assert_int_equal(hs.n, 2);
		assert_int_equal(hs.w[0].id, hid);
		assert_int_equal(hs.w[1].id, hid2);
		assert_int_equal(cn_store_begin(st, &err), 0);
		in_tx(st, 0, cn_store_webhook_revoke(st, hid2, 2000, &err));
	}

	/* Queued once. */
	it.target = hid;
	assert_int_equal(cn_store_notice_next(st, "webhook", &at, &err),
			 CN_ENOTFOUND);
	assert_int_equal(cn_store_begin(st, &err), 0);
	assert_int_equal(cn_store_notice_add(st, &it, &added, &err), 0);
	assert_int_equal(added, 1);
	in_tx(st, 0, cn_store_notice_add(st, &it, &added, &err));
	assert_int_equal(added, 0);
	assert_int_equal(cn_store_notice_next(st, "webhook", &at, &err), 0);
	assert_int_equal(at, 1000);
	assert_int_equal(cn_store_notice_next(st, "email", &at, &err), CN_ENOTFOUND);
	/* Claimed only when due, by one claimer until its claim ends. */
	assert_int_equal(cn_store_begin(st, &err), 0);
	in_tx(st, 0, cn_store_notice_claim(st, "webhook", 999, 1029, 8,
					   keep_notice, &ns, &err));
	assert_int_equal(ns.n, 0);
	assert_int_equal(cn_store_begin(st, &err), 0);
	in_tx(st, 0, cn_store_notice_claim(st, "webhook", 1000, 1030, 8,
					   keep_notice, &ns, &err));
	assert_int_equal(ns.n, 1);
	assert_int_equal(ns.target[0], hid);
	assert_int_equal(ns.attempts[0], 0);
	assert_int_equal(ns.len[0], sizeof(body) - 1);
	assert_memory_equal(ns.body[0], body, sizeof(body) - 1);
	assert_string_equal(ns.ref[0], "7");
	assert_string_equal(ns.kind[0], "proposal.created");
	assert_int_equal(cn_store_begin(st, &err), 0);
	in_tx(st, 0, cn_store_notice_claim(st, "webhook", 1010, 1040, 8,
					   keep_notice, &ns, &err));
	assert_int_equal(ns.n, 1);
	assert_int_equal(cn_store_notice_next(st, "webhook", &at, &err), 0);
	assert_int_equal(at, 1030);
	/* A failed attempt: its claim ends, the next attempt is set. */
	struct cn_attempt a = {.item = ns.id[0], .attempt = 1, .time = 1001,
			       .status = 500, .error = "the receiver did not answer 2xx",
			       .next_at = 1005, .state = "pending"};
	assert_int_equal(cn_store_begin(st, &err), 0);
	in_tx(st, 0, cn_store_notice_attempt(st, &a, &err));
	assert_int_equal(cn_store_notice_next(st, "webhook", &at, &err), 0);
	assert_int_equal(at, 1005);
	ns.n = 0;
	assert_int_equal(cn_store_begin(st, &err), 0);
	in_tx(st, 0, cn_store_notice_claim(st, "webhook", 1005, 1035, 8,
					   keep_notice, &ns, &err));
	assert_int_equal(ns.n, 1);
	assert_int_equal(ns.attempts[0], 1);
	a = (struct cn_attempt){.item = ns.id[0], .attempt = 2, .time = 1006,
				.status = 204, .state = "delivered"};
	assert_int_equal(cn_store_begin(st, &err), 0);
	in_tx(st, 0, cn_store_notice_attempt(st, &a, &err));
	assert_int_equal(cn_store_notice_next(st, "webhook", &at, &err),
			 CN_ENOTFOUND);
	a.state = "lost";
	assert_int_equal(cn_store_notice_attempt(st, &a, &err), CN_EINVAL);
	/* The delivery log, newest first. */
	assert_int_equal(cn_store_notice_log(st, "webhook", hid, 10, keep_attempt,
					     &as, &err), 0);
	assert_int_equal(as.n, 2);
	assert_int_equal(as.a[0].attempt, 2);
	assert_int_equal(as.a[0].status, 204);
	assert_string_equal(as.error[0], "(null)");
	assert_int_equal(as.a[0].next_at, 0);
	assert_string_equal(as.state[0], "delivered");
	assert_int_equal(as.a[1].attempt, 1);
	assert_int_equal(as.a[1].status, 500);
	assert_int_equal(as.a[1].time, 1001);
	assert_int_equal(as.a[1].next_at, 1005);
	assert_string_equal(as.error[1], "the receiver did not answer 2xx");
	as.n = 0;
	assert_int_equal(cn_store_notice_log(st, "webhook", hid, 1, keep_attempt,
					     &as, &err), 0);
	assert_int_equal(as.n, 1);

	/* Revoked: not live, and not revoked twice; a second webhook dies
	 * with its owner token. */
	assert_int_equal(cn_store_begin(st, &err), 0);
	assert_int_equal(cn_store_webhook_add(st, &w, &x, &err), 0);
	in_tx(st, 0, cn_store_webhook_revoke(st, hid, 2000, &err));
	assert_int_equal(cn_store_begin(st, &err), 0);
	in_tx(st, CN_ENOTFOUND, cn_store_webhook_revoke(st, hid, 2001, &err));
	hs.n = 0;
	assert_int_equal(cn_store_webhooks(st, 0, 0, keep_hook, &hs, &err), 0);
	assert_int_equal(hs.n, 1);
	assert_int_equal(hs.w[0].id, x);
	assert_int_equal(cn_store_token_revoke(st, oid, 2002, &err), 0);
	hs.n = 0;
	assert_int_equal(cn_store_webhooks(st, 0, 0, keep_hook, &hs, &err), 0);
	assert_int_equal(hs.n, 0);
}

/* Token rows copied from another store (council migrate) come back as
 * they were given, ids and NULLs included; a token issued afterwards
 * takes an id above them (PostgreSQL: the identity moved past them), and
 * an id copied twice is refused. */
struct token_rows {
	struct cn_token_row v[4];
	uint8_t hash[4][CN_HASH_LEN];
	char text[4][5][40];
	int n;
};

static int keep_token(void *ctx, const struct cn_token_row *t,
		      struct cn_err *err)
{
	struct token_rows *tr = ctx;
	const char *const *src = &t->role;
	const char **dst;

	(void)err;
	assert_true(tr->n < 4);
	assert_int_equal(t->hashlen, CN_HASH_LEN);
	tr->v[tr->n] = *t;
	memcpy(tr->hash[tr->n], t->hash, CN_HASH_LEN);
	tr->v[tr->n].hash = tr->hash[tr->n];
	dst = &tr->v[tr->n].role;
	for (int i = 0; i < 5; i++)
		if (src[i]) {
			snprintf(tr->text[tr->n][i], 40, "%s", src[i]);
			dst[i] = tr->text[tr->n][i];
		}
	tr->n++;
	return 0;
}

/* A person's holder (store.h, cn_store_person_holder): made once, on
 * demand, inside a write, for an enabled person only, with the person's
 * role and code; never a bearer token; it owns webhooks and feed keys as
 * a token does, apart from the token's; and while its person is
 * disabled, its webhooks are not live and its feed keys not found, as a
 * revoked token's. */
static void test_person_holders(void **state)
{
	struct fx *f = *state;
	struct cn_store *st;
	struct cn_err err = {0};
	struct cn_person anne = {0};
	struct cn_token_info info, *all = NULL;
	struct hook_seen hs = {0};
	struct token_rows rows = {0};
	struct cn_webhook w = {.cursor = 0};
	uint8_t tok[CN_HASH_LEN] = {31}, feed[CN_HASH_LEN] = {32},
		late[CN_HASH_LEN] = {33};
	int64_t pid = 0, hid = 0, again = 0, oid = 0, fid = 0, wid = 0, x = 0;
	size_t n = 0;

	seed(f, 0);
	st = cn_app_store(f->app);
	snprintf(anne.name, sizeof(anne.name), "anne");
	snprintf(anne.role, sizeof(anne.role), "member");
	snprintf(anne.principal, sizeof(anne.principal), "FR");
	snprintf(anne.pwhash, sizeof(anne.pwhash), "$argon2id$not-checked-here");
	assert_int_equal(cn_store_person_add(st, &anne, 1000, &pid, &err), 0);
	assert_int_equal(cn_store_token_add(st, tok, "member", "FR", NULL, 1000,
					    &oid, &err), 0);
	/* None until asked to make one; none for who is no person. */
	assert_int_equal(cn_store_person_holder(st, pid, 0, 0, &hid, &err),
			 CN_ENOTFOUND);
	assert_int_equal(cn_store_begin(st, &err), 0);
	assert_int_equal(cn_store_person_holder(st, 9999, 1, 1000, &x, &err),
			 CN_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no enabled person"));
	in_tx(st, 0, cn_store_person_holder(st, pid, 1, 1000, &hid, &err));
	assert_true(hid > oid);
	assert_int_equal(cn_store_begin(st, &err), 0);
	in_tx(st, 0, cn_store_person_holder(st, pid, 1, 1001, &again, &err));
	assert_int_equal(again, hid);
	assert_int_equal(cn_store_person_holder(st, pid, 0, 0, &again, &err), 0);
	assert_int_equal(again, hid);

	/* It owns a webhook and a feed key, reading as the person. */
	snprintf(w.url, sizeof(w.url), "https://example.org/anne");
	snprintf(w.secret, sizeof(w.secret), "whsec_anne");
	snprintf(w.created, sizeof(w.created), "2023-07-07T10:00:00Z");
	w.owner = hid;
	assert_int_equal(cn_store_begin(st, &err), 0);
	in_tx(st, 0, cn_store_webhook_add(st, &w, &wid, &err));
	assert_int_equal(cn_store_feed_add(st, feed, hid, "phone", 1000, &fid,
					   &err), 0);
	assert_int_equal(cn_store_webhooks(st, hid, 0, keep_hook, &hs, &err), 0);
	assert_int_equal(hs.n, 1);
	assert_int_equal(hs.w[0].id, wid);
	assert_string_equal(hs.w[0].role, "member");
	assert_string_equal(hs.w[0].principal, "FR");
	assert_int_equal(cn_store_feed_find(st, feed, &info, &err), 0);
	assert_int_equal(info.feed_of, hid);
	assert_string_equal(info.principal, "FR");
	/* The token of the same delegation owns none of them. */
	hs.n = 0;
	assert_int_equal(cn_store_webhooks(st, oid, 0, keep_hook, &hs, &err), 0);
	assert_int_equal(hs.n, 0);
	/* The list names the person; its hash is no bearer token's. */
	assert_int_equal(cn_store_token_list(st, 0, INT64_MAX, &all, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(all[1].id, hid);
	assert_string_equal(all[1].principal, "FR");
	assert_non_null(strstr(all[1].label, "person"));
	free(all);
	assert_int_equal(cn_store_tokens(st, keep_token, &rows, &err), 0);
	assert_int_equal(rows.n, 3);
	assert_int_equal(rows.v[1].person, pid);
	assert_int_equal(rows.v[0].person, 0);
	assert_int_equal(cn_store_token_find(st, rows.hash[1], &info, &err),
			 CN_ENOTFOUND);
	assert_int_equal(cn_store_token_find(st, tok, &info, &err), 0);

	/* The secretariat revokes the holder (token revoke): what it owned
	 * stops, and the person's next subscription gets a new holder. */
	assert_int_equal(cn_store_token_revoke(st, hid, 1500, &err), 0);
	hs.n = 0;
	assert_int_equal(cn_store_webhooks(st, hid, 0, keep_hook, &hs, &err), 0);
	assert_int_equal(hs.n, 0);
	assert_int_equal(cn_store_feed_find(st, feed, &info, &err), CN_ENOTFOUND);
	assert_int_equal(cn_store_person_holder(st, pid, 0, 0, &x, &err),
			 CN_ENOTFOUND);
	assert_int_equal(cn_store_begin(st, &err), 0);
	in_tx(st, 0, cn_store_person_holder(st, pid, 1, 1501, &again, &err));
	assert_true(again > hid);
	hid = again;

	/* Disabled: nothing of it lives, nothing new is made for it. */
	assert_int_equal(cn_store_person_disable(st, pid, 2000, &err), 0);
	hs.n = 0;
	assert_int_equal(cn_store_webhooks(st, 0, 0, keep_hook, &hs, &err), 0);
	assert_int_equal(hs.n, 0);
	assert_int_equal(cn_store_feed_find(st, feed, &info, &err), CN_ENOTFOUND);
	assert_int_equal(cn_store_feed_add(st, late, hid, NULL, 2001, &x, &err),
			 CN_ENOTFOUND);
	assert_int_equal(cn_store_begin(st, &err), 0);
	assert_int_equal(cn_store_webhook_add(st, &w, &x, &err), CN_ENOTFOUND);
	cn_store_rollback(st);
	assert_int_equal(cn_store_begin(st, &err), 0);
	assert_int_equal(cn_store_person_holder(st, 9999, 1, 2001, &x, &err),
			 CN_ENOTFOUND);
	cn_store_rollback(st);
}

static void test_token_copy_keeps_rows(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_store *st;
	struct token_rows got = {0};
	uint8_t h1[CN_HASH_LEN] = {1}, h2[CN_HASH_LEN] = {2}, h3[CN_HASH_LEN] = {3};
	const struct cn_token_row in[2] = {
		{.id = 5, .hash = h1, .hashlen = CN_HASH_LEN, .role = "member",
		 .principal = "FR", .created = "2023-07-07T10:00:00Z",
		 .revoked = "2023-07-08T10:00:00Z"},
		{.id = 9, .hash = h2, .hashlen = CN_HASH_LEN, .role = "secretariat",
		 .label = "the secretariat", .created = "2023-07-09T10:00:00Z",
		 .person = 4},
	};
	int64_t id = 0, reg = 0, tok0 = 0, tok1 = 0;

	seed(f, 0);
	st = cn_app_store(f->app);
	assert_int_equal(cn_store_registry_version(st, &reg, &tok0, &err), 0);
	assert_int_equal(cn_store_begin(st, &err), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(cn_store_token_copy(st, &in[i], &err), 0);
	assert_int_equal(cn_store_commit(st, &err), 0);
	assert_int_equal(cn_store_registry_version(st, &reg, &tok1, &err), 0);
	assert_int_equal(tok1, tok0 + 2);
	assert_int_equal(cn_store_tokens(st, keep_token, &got, &err), 0);
	assert_int_equal(got.n, 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(got.v[i].id, in[i].id);
		assert_memory_equal(got.v[i].hash, in[i].hash, CN_HASH_LEN);
		assert_string_equal(got.v[i].role, in[i].role);
		assert_string_equal(got.v[i].created, in[i].created);
	}
	assert_string_equal(got.v[0].principal, "FR");
	assert_null(got.v[0].label);
	assert_string_equal(got.v[0].revoked, "2023-07-08T10:00:00Z");
	assert_null(got.v[1].principal);
	assert_string_equal(got.v[1].label, "the secretariat");
	assert_null(got.v[1].revoked);
	/* A person's holder stays the person's. */
	assert_int_equal(got.v[0].person, 0);
	assert_int_equal(got.v[1].person, 4);
	assert_int_equal(cn_store_token_add(st, h3, "secretariat", NULL, NULL,
					    T("2023-07-10T10:00:00Z"), &id, &err), 0);
	assert_int_equal(id, 10);
	assert_int_equal(cn_store_begin(st, &err), 0);
	assert_int_not_equal(cn_store_token_copy(st, &in[0], &err), 0);
	cn_store_rollback(st);
}

static int count_events_cb(void *ctx, const struct cn_event *ev,
			   struct cn_err *err)
{
	(void)ev;
	(void)err;
	(*(int64_t *)ctx)++;
	return 0;
}

/* The server ends the store's connection (a restart, a failover, an
 * administrator): a scan half read, a lookup, a count all fail with
 * CN_EIO -- never a shorter log, never "not found" -- and the store
 * connects again at its next transaction.  PostgreSQL's case (SQLite's
 * failed reads are test_store_io.c's). */
static int end_connection(void *ctx, const struct cn_event *ev,
			  struct cn_err *err)
{
	struct fx *f = ctx;
	char q[160];
	(void)err;
	if (ev->seq == 2) {
		/* Waits until the backend is gone. */
		snprintf(q, sizeof(q), "SELECT pg_terminate_backend(pid, 60000)"
			 " FROM pg_stat_activity WHERE application_name = '%s'",
			 f->schema);
		sql_ok(pg_base, q);
	}
	return 0;
}

static void test_lost_connection_is_an_error(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_store *st = NULL;
	struct cn_respond_args de = {.proposal = 3, .member = "DE",
				     .act = CN_ACT_COMMENT, .text = "again"};
	char path[1100], *text = NULL;
	int64_t n = 0, v = 0;
	uint64_t size = 0;

	if (!pg_base)
		skip();
	seed(f, 0);
	history(f);
	/* More events than a scan's page, so the scan must fetch again. */
	assert_int_equal(cn_app_batch_begin(f->app, &err), 0);
	for (int i = 0; i < 300; i++)
		if (cn_app_run(f->app, T("2023-07-22T09:00:00Z"), "secretariat",
			       cn_app_cmd_respond, &de, NULL, &err))
			fail_msg("comment %d: %s", i, err.msg);
	assert_int_equal(cn_app_batch_end(f->app, 1, &err), 0);
	const int64_t total = f->seeded + 310;
	snprintf(path, sizeof(path), "%s application_name=%s", f->path, f->schema);
	assert_int_equal(cn_store_open(path, CN_STORE_READONLY, &st, &err), 0);
	int rc = cn_store_scan(st, 1, end_connection, f, &err);
	if (rc != CN_EIO)
		fail_msg("a scan whose connection ended gave %d (%s)", rc, err.msg);
	assert_int_equal(cn_store_tree_size(st, &size, &err), CN_EIO);
	assert_int_equal(cn_store_proposal_text(st, 1, &text, NULL, &err), CN_EIO);
	assert_null(text);
	/* The next transaction connects again and reads everything. */
	assert_int_equal(cn_store_data_version(st, &v, &err), 0);
	assert_int_equal(cn_store_read_begin(st, &err), 0);
	assert_int_equal(cn_store_scan(st, 1, count_events_cb, &n, &err), 0);
	cn_store_read_end(st);
	assert_int_equal(n, total);
	cn_store_close(st);
}

/* What every request asks (the change counters, a proposal's sight row)
 * is prepared once per session on PostgreSQL (pg_exec.c): asked again on
 * the same session, and again on the session made after the first was
 * lost (where nothing is prepared any more: prepared again), it gives
 * the same answers. */
static void test_prepared_reads_survive_a_lost_connection(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_store *st = NULL;
	char path[1100], q[160], body[16];
	int64_t v[3][3];
	int shared = -1, adopted = -1;

	if (!pg_base)
		skip();
	seed(f, 0);
	history(f);
	snprintf(path, sizeof(path), "%s application_name=%s", f->path, f->schema);
	assert_int_equal(cn_store_open(path, CN_STORE_READONLY, &st, &err), 0);
	for (int round = 0; round < 3; round++) {
		if (round == 2) {
			snprintf(q, sizeof(q), "SELECT pg_terminate_backend(pid,"
				 " 60000) FROM pg_stat_activity WHERE"
				 " application_name = '%s'", f->schema);
			sql_ok(pg_base, q);
			/* The first statement learns of the loss (an error,
			 * as any read on a lost connection: store.h); the
			 * next connects again. */
			int rc = cn_store_versions(st, &v[round][0],
						   &v[round][1], &v[round][2],
						   &err);
			assert_true(rc == 0 || rc == CN_EIO);
		}
		if (cn_store_versions(st, &v[round][0], &v[round][1],
				      &v[round][2], &err))
			fail_msg("round %d: the counters: %s", round, err.msg);
		if (cn_store_proposal_meta(st, 1, body, &shared, &adopted, &err))
			fail_msg("round %d: proposal 1's sight row: %s", round,
				 err.msg);
		assert_string_equal(body, "NAC");
		assert_int_equal(cn_store_proposal_meta(st, 999, body, &shared,
							&adopted, &err),
				 CN_ENOTFOUND);
	}
	assert_true(v[0][0] > 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(v[1][i], v[0][i]);
		assert_int_equal(v[2][i], v[0][i]);
	}
	cn_store_close(st);
}

/* Wait (bounded, 30 s) until the watch's descriptor is readable: 1, or 0
 * when it never was. */
static int readable(struct cn_store_watch *w, int ms)
{
	struct pollfd pf = {cn_store_watch_fd(w), POLLIN, 0};
	return pf.fd >= 0 && poll(&pf, 1, ms) == 1;
}

/* The watch (store.h): every commit of another connection is heard, a
 * rolled-back write is not; one watch holds the clock lead, another takes
 * it once the first's session ends; a lost connection is an error that
 * drops the lead, and the next poll connects again.  SQLite has none. */
static void test_watch(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_store *other = NULL;
	struct cn_store_watch *w1 = NULL, *w2 = NULL;
	struct cn_propose_args p = {.body = "NAC", .title = "Heard"};
	int changed = 0, leading = 0, rc;

	seed(f, 0);
	assert_int_equal(cn_store_watch_open(cn_app_store(f->app), &w1, &err), 0);
	if (!pg_base) {
		assert_null(w1);
		return;
	}
	assert_non_null(w1);
	assert_int_equal(cn_store_open(f->path, CN_STORE_READONLY, &other, &err), 0);
	assert_int_equal(cn_store_watch_open(other, &w2, &err), 0);
	cn_store_close(other); /* the watch borrows nothing from it */
	/* Not connected yet: the first poll connects (and reports a change:
	 * whatever came before is unknown to it). */
	assert_int_equal(cn_store_watch_fd(w1), -1);
	assert_int_equal(cn_store_watch_poll(w1, 1, &changed, &leading, &err), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(leading, 1);
	assert_int_equal(cn_store_watch_poll(w2, 1, &changed, &leading, &err), 0);
	assert_int_equal(leading, 0);
	assert_int_equal(cn_store_watch_poll(w1, 1, &changed, &leading, &err), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(leading, 1);

	/* A rolled-back write notifies nobody. */
	assert_int_equal(cn_store_begin(cn_app_store(f->app), &err), 0);
	cn_store_rollback(cn_app_store(f->app));
	assert_false(readable(w2, 300));
	/* A commit is heard. */
	run(f, "2023-07-07T09:00:00Z", cn_app_cmd_propose, &p);
	assert_true(readable(w2, 30000));
	assert_int_equal(cn_store_watch_poll(w2, 0, &changed, &leading, &err), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(leading, 0);

	/* The leader's session ends: the other takes the lead. */
	cn_store_watch_close(w1);
	for (int i = 0; i < 600 && !leading; i++) {
		assert_int_equal(cn_store_watch_poll(w2, 1, &changed, &leading,
						     &err), 0);
		if (!leading)
			usleep(50000);
	}
	assert_int_equal(leading, 1);

	/* Its connection ended by the server: an error, the lead gone; the
	 * next poll connects again and takes the lead again. */
	sql_ok(pg_base, "SELECT pg_terminate_backend(pid, 60000) FROM "
	       "pg_stat_activity WHERE application_name = 'council watch'");
	assert_true(readable(w2, 30000));
	rc = cn_store_watch_poll(w2, 1, &changed, &leading, &err);
	assert_int_equal(rc, CN_EIO);
	assert_int_equal(leading, 0);
	assert_int_equal(cn_store_watch_fd(w2), -1);
	assert_int_equal(cn_store_watch_poll(w2, 1, &changed, &leading, &err), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(leading, 1);
	cn_store_watch_close(w2);
}

/* Two stores in one database (two schemas): each has its own channel
 * and its own lead, so neither hears the other's commits and both lead. */
static void test_watch_stores_apart(void **state)
{
	struct fx *f = *state, *g = NULL;
	struct cn_err err = {0};
	struct cn_store_watch *wf = NULL, *wg = NULL;
	struct cn_propose_args p = {.body = "NAC", .title = "Elsewhere"};
	int changed = 0, leading = 0;

	if (!pg_base) {
		seed(f, 0);
		assert_int_equal(cn_store_watch_open(cn_app_store(f->app), &wf,
						     &err), 0);
		assert_null(wf);
		return;
	}
	assert_int_equal(setup((void **)&g), 0);
	seed(f, 0);
	seed(g, 0);
	assert_int_equal(cn_store_watch_open(cn_app_store(f->app), &wf, &err), 0);
	assert_int_equal(cn_store_watch_open(cn_app_store(g->app), &wg, &err), 0);
	assert_int_equal(cn_store_watch_poll(wf, 1, &changed, &leading, &err), 0);
	assert_int_equal(leading, 1);
	assert_int_equal(cn_store_watch_poll(wg, 1, &changed, &leading, &err), 0);
	assert_int_equal(leading, 1);
	run(g, "2023-07-07T09:00:00Z", cn_app_cmd_propose, &p);
	assert_true(readable(wg, 30000));
	assert_false(readable(wf, 300));
	assert_int_equal(cn_store_watch_poll(wf, 0, &changed, &leading, &err), 0);
	assert_int_equal(changed, 0);
	cn_store_watch_close(wf);
	cn_store_watch_close(wg);
	teardown((void **)&g);
}

/* ---- the writer: a store job fails alone ----------------------------------- */

/* A store job that holds the writer until the test lets it go, so the
 * jobs queued meanwhile make the next batch together. */
struct gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int entered, open, done;
};

static int gate_job(struct cn_store *st, int64_t now, void *args,
		    struct cn_err *err)
{
	struct gate *g = args;
	(void)st, (void)now, (void)err;
	pthread_mutex_lock(&g->mu);
	g->entered = 1;
	pthread_cond_broadcast(&g->cv);
	while (!g->open)
		pthread_cond_wait(&g->cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
	return 0;
}

static void gate_done(struct writer_job *job, void *ctx)
{
	struct gate *g = ctx;
	(void)job;
	pthread_mutex_lock(&g->mu);
	g->done++;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

/* Submit hold (a gate_job) and wait until the writer runs it: the writer
 * is then held inside a batch, and what is submitted meanwhile queues. */
static void gate_hold(struct writer *wr, struct writer_job *hold,
		      struct gate *g)
{
	writer_submit_async(wr, hold, gate_done, g);
	pthread_mutex_lock(&g->mu);
	while (!g->entered)
		pthread_cond_wait(&g->cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
}

static void gate_open(struct gate *g)
{
	pthread_mutex_lock(&g->mu);
	g->open = 1;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

/* Wait until n jobs are answered, then stop the writer (which closes the
 * fixture's app). */
static void gate_stop_writer(struct fx *f, struct gate *g, int n,
			     struct writer *wr)
{
	pthread_mutex_lock(&g->mu);
	while (g->done < n)
		pthread_cond_wait(&g->cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
	writer_stop(wr);
	writer_free(wr);
	f->app = NULL;
}

/* Records an attempt, then the same attempt again: the second breaks the
 * deliveries' primary key after the first was written. */
static int twice_job(struct cn_store *st, int64_t now, void *args,
		     struct cn_err *err)
{
	const struct cn_attempt *a = args;
	int rc;
	(void)now;
	if ((rc = cn_store_notice_attempt(st, a, err)))
		return rc;
	return cn_store_notice_attempt(st, a, err);
}

static void test_writer_store_job_fails_alone(void **state)
{
	struct fx *f = *state;
	struct cn_store *st;
	struct cn_err err = {0};
	uint8_t owner[CN_HASH_LEN] = {31};
	int64_t oid = 0, hid = 0, n[2];
	struct cn_webhook w = {.cursor = 0};
	static const char body[] = "{}";
	struct cn_notice it = {.channel = "webhook", .kind = "proposal.created",
			       .ref = "1", .body = body, .len = 2,
			       .created = 1000, .next_at = 1000};
	struct notice_seen ns = {0};
	struct writer *wr = NULL;
	struct gate g = {.mu = PTHREAD_MUTEX_INITIALIZER,
			 .cv = PTHREAD_COND_INITIALIZER};
	struct cn_propose_args p1 = {.body = "NAC", .title = "Before the job"},
			       p2 = {.body = "NAC", .title = "After the job"};
	struct writer_job hold = {.store_fn = gate_job, .store_args = &g,
				  .actor = "", .proposal = -1},
			  before = {.fn = cn_app_cmd_propose, .args = &p1,
				    .actor = "secretariat"},
			  bad = {.store_fn = twice_job, .actor = "",
				 .proposal = -1},
			  after = {.fn = cn_app_cmd_propose, .args = &p2,
				   .actor = "secretariat"};
	struct cn_attempt a = {.attempt = 1, .time = 1001, .status = 204,
			       .state = "delivered"};

	seed(f, 0);
	st = cn_app_store(f->app);
	snprintf(w.url, sizeof(w.url), "https://example.org/hook");
	snprintf(w.secret, sizeof(w.secret), "whsec_test");
	snprintf(w.created, sizeof(w.created), "2023-07-07T10:00:00Z");
	assert_int_equal(cn_store_token_add(st, owner, "secretariat", NULL,
					    NULL, 1000, &oid, &err), 0);
	w.owner = oid;
	assert_int_equal(cn_store_begin(st, &err), 0);
	assert_int_equal(cn_store_webhook_add(st, &w, &hid, &err), 0);
	it.target = hid;
	assert_int_equal(cn_store_notice_add(st, &it, NULL, &err), 0);
	in_tx(st, 0, cn_store_notice_claim(st, "webhook", 1000, 1030, 8,
					   keep_notice, &ns, &err));
	assert_int_equal(ns.n, 1);
	a.item = ns.id[0];
	bad.store_args = &a;

	assert_int_equal(writer_start(f->app, &wr, &err), 0);
	gate_hold(wr, &hold, &g);
	/* Queued while the writer is held: one batch. */
	writer_submit_async(wr, &before, gate_done, &g);
	writer_submit_async(wr, &bad, gate_done, &g);
	writer_submit_async(wr, &after, gate_done, &g);
	gate_open(&g);
	gate_stop_writer(f, &g, 4, wr);
	free(before.result);
	free(after.result);

	/* The job's error is its own, named; the writes beside it are
	 * committed; nothing of the job is (its first attempt neither). */
	assert_int_equal(hold.rc, 0);
	if (before.rc || after.rc)
		fail_msg("the writes beside a failed job were refused: %s",
			 (before.rc ? before.err : after.err).msg);
	assert_int_not_equal(bad.rc, 0);
	assert_non_null(strstr(bad.err.msg, "recording a delivery"));
	query_ints(f->path, "SELECT count(*) FROM events WHERE type ="
		   " 'proposal.created'", n, 1);
	assert_int_equal(n[0], 2);
	query_ints(f->path, "SELECT (SELECT count(*) FROM deliveries),"
		   " (SELECT attempts FROM notices)", n, 2);
	assert_int_equal(n[0], 0);
	assert_int_equal(n[1], 0);
}

/* Writes that arrive while the writer waits for the write lock (held by
 * another connection: another server, the CLI) join the batch it waits
 * with: they would otherwise wait a whole round more, and with several
 * servers on one database that wait is most of a round (bench/pg.sh).
 * The writes after the first are queued once the writer has taken the
 * first and waits with it; one transaction commits all three, one
 * checkpoint. */
static void test_writer_joins_jobs_queued_during_lock_wait(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_store *other = NULL;
	struct writer *wr = NULL;
	struct gate g = {.mu = PTHREAD_MUTEX_INITIALIZER,
			 .cv = PTHREAD_COND_INITIALIZER};
	struct cn_propose_args p0 = {.body = "NAC", .title = "First, alone"},
			       p[3] = {{.body = "NAC", .title = "Waits"},
				       {.body = "NAC", .title = "Joins"},
				       {.body = "NAC", .title = "Joins too"}};
	struct writer_job first = {.fn = cn_app_cmd_propose, .args = &p0,
				   .actor = "secretariat"},
			  jobs[3];
	int64_t cps[2], events[2];

	seed(f, 0);
	assert_int_equal(writer_start(f->app, &wr, &err), 0);
	/* The writer's first round (the clock) is over once a job is
	 * answered: it now sleeps until the next job. */
	writer_submit(wr, &first);
	assert_int_equal(first.rc, 0);
	free(first.result);
	query_ints(f->path, "SELECT count(*) FROM checkpoints", cps, 1);
	query_ints(f->path, "SELECT count(*) FROM events", events, 1);

	assert_int_equal(cn_store_open(f->path, 0, &other, &err), 0);
	assert_int_equal(cn_store_begin(other, &err), 0);
	for (int i = 0; i < 3; i++) {
		jobs[i] = (struct writer_job){.fn = cn_app_cmd_propose,
					      .args = &p[i],
					      .actor = "secretariat"};
		writer_submit_async(wr, &jobs[i], gate_done, &g);
		/* The first taken, its batch waiting for the lock (the
		 * writer takes jobs only to run them): a state, waited
		 * for, not a time. */
		while (i == 0 && writer_queued(wr))
			nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
	}
	cn_store_rollback(other);
	gate_stop_writer(f, &g, 3, wr);
	cn_store_close(other);
	for (int i = 0; i < 3; i++) {
		if (jobs[i].rc)
			fail_msg("write %d refused: %s", i, jobs[i].err.msg);
		free(jobs[i].result);
	}
	query_ints(f->path, "SELECT count(*) FROM checkpoints", cps + 1, 1);
	query_ints(f->path, "SELECT count(*) FROM events", events + 1, 1);
	assert_int_equal(events[1] - events[0], 3);
	if (cps[1] - cps[0] != 1)
		fail_msg("3 writes queued during one lock wait took %lld "
			 "commits, not 1", (long long)(cps[1] - cps[0]));
}

/* ---- a poisoned batch's rounds end (hostile requests) -------------------- */

/* A request that poisons its batch: a proposal recorded, then a comment on
 * a proposal that does not exist, which the fold refuses after the first
 * event was appended (CN_ECORRUPT, the log grew).  While it runs it queues
 * the next such request, as a hostile client sending one per round would:
 * a round takes a few milliseconds, a client's request a few tens of
 * microseconds. */
#define POISONERS 12
struct chain;
struct poison_link {
	struct chain *c;
	int i;
};
struct chain {
	struct writer *wr;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct cn_propose_args pa;
	struct poison_link links[POISONERS];
	struct writer_job jobs[POISONERS];
	int spawned[POISONERS];
	int answered;        /* poisoners answered */
	int before_good;     /* poisoners answered when the good job was */
	int good_done;
};

static void poison_done(struct writer_job *job, void *ctx)
{
	struct chain *c = ctx;
	free(job->result);
	job->result = NULL;
	pthread_mutex_lock(&c->mu);
	c->answered++;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

static int poison_cmd(const struct cn_world *w, int64_t now, const void *a,
		      struct cn_outbox *box, struct cn_err *err)
{
	const struct poison_link *l = a;
	struct chain *c = l->c;
	int rc;

	if (!c->spawned[l->i] && l->i + 1 < POISONERS) {
		c->spawned[l->i] = 1;
		writer_submit_async(c->wr, &c->jobs[l->i + 1], poison_done, c);
	}
	if ((rc = cn_app_cmd_propose(w, now, &c->pa, box, err)))
		return rc;
	return cn_outbox_emit(box, now, CN_EV_COMMENT_MADE,
			      json_pack("{s:I, s:s, s:s}", "proposal",
					(json_int_t)999999, "member", "XX",
					"text", "x"), err);
}

static void good_done(struct writer_job *job, void *ctx)
{
	struct chain *c = ctx;
	(void)job;
	pthread_mutex_lock(&c->mu);
	c->before_good = c->answered;
	c->good_done = 1;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

/* A good write in a batch with a poisoning one is committed once the
 * culprit is out: the rounds of its batch are bounded by the jobs it held
 * after its first round took the lock.  Jobs joined on every round made
 * them unbounded (a review of 81a8ce2): one more poisoning request per
 * round and the good write (and every other job of the batch, and the
 * clock) waited for as long as they kept coming. */
static void test_writer_poisoned_rounds_end(void **state)
{
	struct fx *f = *state;
	struct cn_err err = {0};
	struct writer *wr = NULL;
	struct gate g = {.mu = PTHREAD_MUTEX_INITIALIZER,
			 .cv = PTHREAD_COND_INITIALIZER};
	struct chain c = {.mu = PTHREAD_MUTEX_INITIALIZER,
			  .cv = PTHREAD_COND_INITIALIZER};
	struct cn_propose_args gp = {.body = "NAC", .title = "Good"};
	struct writer_job hold = {.store_fn = gate_job, .store_args = &g,
				  .actor = "", .proposal = -1},
			  good = {.fn = cn_app_cmd_propose, .args = &gp,
				  .actor = "secretariat"};

	seed(f, 0);
	c.pa = (struct cn_propose_args){.body = "NAC", .title = "Poison"};
	for (int i = 0; i < POISONERS; i++) {
		c.links[i] = (struct poison_link){&c, i};
		c.jobs[i] = (struct writer_job){.fn = poison_cmd,
						.args = &c.links[i],
						.actor = "secretariat"};
	}
	assert_int_equal(writer_start(f->app, &wr, &err), 0);
	c.wr = wr;
	gate_hold(wr, &hold, &g);
	/* One batch: the good write and the first poisoner. */
	writer_submit_async(wr, &good, good_done, &c);
	writer_submit_async(wr, &c.jobs[0], poison_done, &c);
	gate_open(&g);
	pthread_mutex_lock(&c.mu);
	while (!c.good_done || c.answered < POISONERS)
		pthread_cond_wait(&c.cv, &c.mu);
	pthread_mutex_unlock(&c.mu);
	gate_stop_writer(f, &g, 1, wr);
	free(good.result);
	for (int i = 0; i < POISONERS; i++)
		if (c.jobs[i].rc == 0)
			fail_msg("poisoner %d was recorded", i);
	if (good.rc)
		fail_msg("the good write was refused: %s", good.err.msg);
	if (c.before_good > 1)
		fail_msg("the good write waited for %d poisoning requests "
			 "(its batch held 1 when taken): rounds of a poisoned "
			 "batch no longer end", c.before_good);
}

/* A NULL where the schema forbids one (a file changed by another tool:
 * the schema edited, then the row) is a corrupt store naming the table
 * and column, not an empty text read as if it were the value. */
static void test_null_where_schema_forbids(void **state)
{
	static const uint8_t hash[CN_HASH_LEN] = {7};
	struct fx *f = *state;
	struct cn_err err = {0};
	struct cn_store *st = NULL;
	struct cn_token_info *tokens = NULL;
	size_t n = 0;
	int64_t id;

	if (pg_base)
		skip(); /* SQLite's writable_schema; PostgreSQL's own reader */
	assert_int_equal(cn_store_open(f->path, CN_STORE_CREATE, &st, &err), 0);
	assert_int_equal(cn_store_begin(st, &err), 0);
	assert_int_equal(cn_store_token_add(st, hash, "member", "FR", "a label",
					    1700000000, &id, &err), 0);
	assert_int_equal(cn_store_commit(st, &err), 0);
	cn_store_close(st);
	sql_ok(f->path, "PRAGMA writable_schema = ON;"
	       "UPDATE sqlite_schema SET sql = replace(sql,"
	       " 'created TEXT NOT NULL', 'created TEXT') WHERE name = 'tokens'");
	sql_ok(f->path, "UPDATE tokens SET created = NULL");

	assert_int_equal(cn_store_open(f->path, CN_STORE_READONLY, &st, &err), 0);
	assert_int_equal(cn_store_token_list(st, 0, INT64_MAX, &tokens, &n, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "tokens.created"));
	assert_null(tokens);
	cn_store_close(st);
}

int main(void)
{
	pg_base = getenv("COUNCIL_TEST_PG");
	if (pg_base && !*pg_base)
		pg_base = NULL;
#define S(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		S(test_create_seed_reopen),
		S(test_projections_and_verify),
		S(test_memory_store),
		S(test_refused_command_changes_nothing),
		S(test_triggers_refuse_update_delete),
		S(test_tamper_changed_byte),
		S(test_tamper_changed_hash),
		S(test_tamper_rewritten_event_breaks_chain),
		S(test_tamper_deleted_event),
		S(test_tamper_swapped_events),
		S(test_tamper_projection),
		S(test_foreign_sqlite_refused),
		S(test_random_bytes_refused),
		S(test_stale_effect_does_not_stop_the_app),
		S(test_registry_change_rewrites_views_that_read_it),
		S(test_failed_reload_keeps_the_world),
		S(test_catch_up_folds_only_the_new_events),
		S(test_deadline_index),
		S(test_verify_error_code_agrees),
		S(test_readonly_copy_verifies_without_key),
		S(test_read_transaction_is_one_snapshot),
		S(test_readers_registry_keeps_the_fold_order),
		S(test_tamper_changed_salt),
		S(test_salts_beside_events),
		S(test_version_2_store_refused),
		S(test_checkpoint_times),
		S(test_sight_rule),
		S(test_public_record_index),
		S(test_member_log_plan),
		S(test_webhooks_plan),
		S(test_proposal_page_plans),
		S(test_calendar_orders),
		S(test_opened_ranges),
		S(test_same_log_same_root),
		S(test_two_writers_one_log),
		S(test_write_after_a_failed_one),
		S(test_doc_alone_rewrites_no_index),
		S(test_doc_alone_and_opened_order_edges),
		S(test_change_signal),
		S(test_calendar_feed_keys),
		S(test_people_and_sessions),
		S(test_passkeys),
		S(test_webhooks_and_outbox),
		S(test_writer_store_job_fails_alone),
		S(test_writer_joins_jobs_queued_during_lock_wait),
		S(test_writer_poisoned_rounds_end),
		S(test_token_copy_keeps_rows),
		S(test_person_holders),
		S(test_lost_connection_is_an_error),
		S(test_prepared_reads_survive_a_lost_connection),
		S(test_watch),
		S(test_watch_stores_apart),
		S(test_null_where_schema_forbids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
