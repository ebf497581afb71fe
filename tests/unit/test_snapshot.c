/*
 * test_snapshot.c - the writer's world from a snapshot (core/snapshot.h,
 * issue 14 item 1).
 *
 * The codec: a world's snapshot decodes to a world that encodes to the
 * same bytes; every prefix is refused; every single byte changed is
 * refused by the digest, and, with the digest made to fit, is either
 * refused by the decoder naming what it read or decodes to exactly the
 * changed bytes (one world, one spelling).  The store: a writer stores
 * snapshots in its commits and opens from the newest, folding only the
 * events after it, to the same world as the whole log gives; a snapshot
 * changed in a byte, moved to another seq, or given another event's hash
 * is not trusted: the world is folded from the log, a warning says why,
 * `verify` names the snapshot, and the next write replaces it.  Verify's
 * replay with its concluded proposals in a file (app/pager.c): the
 * same snapshot bytes and projection rows as the whole world, a later
 * event naming such a proposal folded (or refused) as the whole world
 * does, and a changed row or snapshot still named.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <fcntl.h>
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "app/app_snapshot.h"
#include "app/pager.h"
#include "app/projcheck.h"
#include "app/projection.h"
#include "app/verify.h"
#include "core/snapshot.h"
#include "core/timeutil.h"
#include "store/snapparts.h"
#include "store/store.h"

#ifndef CN_DATADIR
#define CN_DATADIR "data"
#endif
#define DAY INT64_C(86400)
#define START INT64_C(1688688000) /* 2023-07-07T00:00:00Z */

struct fx {
	char dir[64], db[128];
	struct cn_app *app;
	int64_t now;
};

static void must(int rc, const struct cn_err *err, const char *what)
{
	if (rc)
		fail_msg("%s: %d %s", what, rc, err->msg);
}

static int run(struct fx *f, const char *actor, cn_command_fn fn,
	       const void *args)
{
	struct cn_err err = {0};
	f->now += 3600;
	return cn_app_run(f->app, f->now, actor, fn, args, NULL, &err);
}

static void propose(struct fx *f, const char *body, const char *proc,
		    const char *title, json_t *effects)
{
	char deadline[CN_TIME_BUF];
	struct cn_propose_args p = {.body = body, .title = title,
				    .procedure = proc, .effects = effects,
				    .text = "A text"};
	struct cn_err err = {0};

	if (proc && !strcmp(proc, "silence")) {
		cn_time_format(f->now + 2 * DAY, deadline);
		p.deadline = deadline;
	}
	f->now += 3600;
	must(cn_app_run(f->app, f->now, "secretariat", cn_app_cmd_propose, &p,
			NULL, &err), &err, title);
	json_decref(effects);
}

/* A history with something of everything the world keeps: proposals
 * under several procedures with positions, footnotes and objections, a
 * recirculated text, an admission and a new partner adopted, an office
 * opened and closed, silence procedures left open (the deadline index). */
static void history(struct fx *f)
{
	const struct cn_world *w = cn_app_world(f->app);
	struct cn_respond_args r = {.act = CN_ACT_POSITION};
	struct cn_app_secretariat_args s = {0};
	char deadline[CN_TIME_BUF];

	propose(f, "NAC", "meeting", "Admit and open",
		json_pack("[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s}, "
			  "{s:s, s:s, s:s, s:s}]",
			  "type", "admit-member", "code", "MD", "name", "Moldova",
			  "effective", "2023-09-01",
			  "type", "open-office", "id", "office-x", "name", "X",
			  "city", "Somewhere", "country", "BE",
			  "type", "add-partner", "code", "BR", "name", "Brazil",
			  "framework", "partners across the globe"));
	s.proposal = (int64_t)w->nproposals;
	assert_int_equal(run(f, "secretariat", cn_app_cmd_conclude, &s), 0);
	propose(f, "NAC", "meeting", "Close it",
		json_pack("[{s:s, s:s}]", "type", "close-office", "id", "office-x"));
	s.proposal = (int64_t)w->nproposals;
	assert_int_equal(run(f, "secretariat", cn_app_cmd_conclude, &s), 0);
	for (int i = 0; i < 6; i++) {
		propose(f, i % 3 == 2 ? "MC" : "NAC", i % 2 ? "silence" : "meeting",
			"A matter", NULL);
		r.proposal = (int64_t)w->nproposals;
		r.member = "FR";
		r.pos = i % 2 ? CN_POS_OBJECT : CN_POS_FOOTNOTE;
		r.text = "For the record";
		assert_int_equal(run(f, "delegation:FR", cn_app_cmd_respond, &r), 0);
		r.member = "DE";
		r.pos = CN_POS_CONCUR;
		r.text = NULL;
		if (i % 2 == 0)
			assert_int_equal(run(f, "delegation:DE", cn_app_cmd_respond,
					     &r), 0);
		if (i == 3) {
			s.proposal = r.proposal;
			s.text = "A revised text";
			cn_time_format(f->now + 5 * DAY, deadline);
			s.deadline = deadline;
			(void)run(f, "secretariat", cn_app_cmd_recirculate, &s);
			s.text = s.deadline = NULL;
		}
		if (i == 4) {
			s.proposal = r.proposal;
			assert_int_equal(run(f, "secretariat", cn_app_cmd_conclude,
					     &s), 0);
		}
	}
	propose(f, "NAC", "silence", "Left open", NULL);
}

static void fx_open(struct fx *f)
{
	struct cn_err err = {0};
	must(cn_app_open(f->db, 0, &f->app, &err), &err, "open");
}

static void fx_make(struct fx *f, const char *every)
{
	struct cn_err err = {0};

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/cn_snapshot_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/council.db", f->dir);
	if (every)
		setenv("COUNCIL_SNAPSHOT_EVERY", every, 1);
	else
		unsetenv("COUNCIL_SNAPSHOT_EVERY");
	f->now = START;
	must(cn_app_open(f->db, CN_STORE_CREATE, &f->app, &err), &err, "create");
	must(cn_app_seed(f->app, CN_DATADIR "/nato.json", f->now, &err), &err,
	     "seed");
}

static void fx_done(struct fx *f)
{
	char path[160];

	cn_app_close(f->app);
	f->app = NULL;
	for (const char *const *x = (const char *const[]){"", ".key", "-wal", "-shm",
							   NULL};
	     *x; x++) {
		snprintf(path, sizeof(path), "%s%s", f->db, *x);
		unlink(path);
	}
	rmdir(f->dir);
	unsetenv("COUNCIL_SNAPSHOT_EVERY");
}

static uint8_t *encode(const struct cn_world *w, size_t *len)
{
	struct cn_err err = {0};
	uint8_t *b = NULL;
	must(cn_snapshot_encode(w, &b, len, &err), &err, "encode");
	return b;
}

/* The world of the whole log, encoded. */
static uint8_t *replayed(struct fx *f, size_t *len)
{
	struct cn_err err = {0};
	struct cn_world w;
	uint8_t *b;

	must(cn_projection_replay(cn_app_store(f->app), &w, &err), &err, "replay");
	b = encode(&w, len);
	cn_world_release(&w);
	return b;
}

static void assert_same(const uint8_t *a, size_t alen, const uint8_t *b,
			size_t blen)
{
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
}

/* ---- the codec ------------------------------------------------------------ */

/* The offsets tried: every one of the first 256, then steps that reach
 * every residue of the step over the run (a prime step). */
static size_t next(size_t i, size_t len)
{
	size_t step = len / 2000 | 1;
	while (step > 2 && (step % 3 == 0 || step % 5 == 0 || step % 7 == 0))
		step += 2;
	return i < 256 ? i + 1 : i + step;
}

static void test_round_trip_and_every_byte(void **state)
{
	struct fx f;
	struct cn_err err = {0};
	struct cn_world w;
	uint8_t *b, *again, *m;
	size_t len, len2;
	unsigned refused = 0, decoded = 0;

	(void)state;
	fx_make(&f, NULL);
	history(&f);
	b = encode(cn_app_world(f.app), &len);
	must(cn_snapshot_decode(b, len, &w, &err), &err, "decode");
	assert_int_equal(w.last_seq, cn_app_world(f.app)->last_seq);
	assert_int_equal(w.ndeadlines, cn_app_world(f.app)->ndeadlines);
	assert_true(w.ndeadlines > 0);
	again = encode(&w, &len2);
	assert_same(b, len, again, len2);
	free(again);
	cn_world_release(&w);
	print_message("a snapshot of %zu bytes\n", len);

	/* Every prefix is refused, naming what was cut (the first bytes one
	 * by one, then a spread of about 2,000 more: each decode folds the
	 * whole registry again). */
	for (size_t n = 0; n < len; n = next(n, len)) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(cn_snapshot_decode(b, n, &w, &err), CN_ECORRUPT);
		assert_non_null(strstr(err.msg, "snapshot: "));
	}
	/* Every byte changed: the digest refuses it; with the digest made to
	 * fit, the decoder refuses it or it is one world's only spelling. */
	m = malloc(len);
	assert_non_null(m);
	for (size_t i = 0; i + CN_HASH_LEN < len; i = next(i, len)) {
		memcpy(m, b, len);
		m[i] ^= (uint8_t)(1u << (i % 8));
		memset(&err, 0, sizeof(err));
		assert_int_equal(cn_snapshot_decode(m, len, &w, &err), CN_ECORRUPT);
		assert_non_null(strstr(err.msg, "'digest'"));
		cn_sha256(m, len - CN_HASH_LEN, m + len - CN_HASH_LEN);
		memset(&err, 0, sizeof(err));
		int rc = cn_snapshot_decode(m, len, &w, &err);
		if (rc) {
			assert_int_equal(rc, CN_ECORRUPT);
			assert_non_null(strstr(err.msg, "snapshot: "));
			refused++;
			continue;
		}
		again = encode(&w, &len2);
		if (len2 != len || memcmp(again, m, len))
			fail_msg("byte %zu changed: decodes, but encodes otherwise", i);
		free(again);
		cn_world_release(&w);
		decoded++;
	}
	/* Both kinds happen: texts take any byte, structure does not. */
	assert_true(refused > 0 && decoded > 0);
	free(m);
	free(b);
	fx_done(&f);
}

/* Streamed, the same bytes come in pieces none of which holds them all. */
struct pieces {
	uint8_t *all;
	size_t len, n, largest;
};

static int piece(void *ctx, const uint8_t *bytes, size_t n)
{
	struct pieces *p = ctx;
	uint8_t *all = realloc(p->all, p->len + n);

	if (!all)
		return -1;
	memcpy(all + p->len, bytes, n);
	p->all = all;
	p->len += n;
	p->n++;
	if (n > p->largest)
		p->largest = n;
	return 0;
}

static int cmp_hash(const void *a, const void *b)
{
	return memcmp(a, b, CN_HASH_LEN);
}

/* A cn_snapshot_fn: the newest snapshot's bytes into the pieces ctx. */
static int newest_bytes(void *ctx, const struct cn_snapshot_row *r,
			struct cn_err *err)
{
	(void)err;
	assert_null(r->why);
	if (!((struct pieces *)ctx)->n)
		assert_int_equal(piece(ctx, r->bytes, r->len), 0);
	return 0;
}

static int refuse(void *ctx, const uint8_t *bytes, size_t n)
{
	(void)ctx;
	(void)bytes;
	(void)n;
	return -1;
}

static void test_streamed_encode(void **state)
{
	struct fx f;
	struct cn_err err = {0};
	struct pieces p = {0};
	uint8_t *b;
	size_t len;

	(void)state;
	fx_make(&f, NULL);
	history(&f);
	b = encode(cn_app_world(f.app), &len);
	must(cn_snapshot_encode_to(cn_app_world(f.app), piece, &p, &err), &err,
	     "encode_to");
	assert_same(b, len, p.all, p.len);
	assert_true(p.n >= 3);          /* two of the body, then the digest */
	assert_true(p.largest < len);
	assert_int_equal(cn_snapshot_encode_to(cn_app_world(f.app), refuse, NULL,
					       &err), CN_ENOMEM);
	free(p.all);
	free(b);
	fx_done(&f);
}

/* A member twice in a proposal's electorate, first and last or side by
 * side, is refused by name (distinct codes decode: the round trip above). */
static void test_member_twice_in_electorate(void **state)
{
	struct fx f;
	struct cn_err err = {0};
	struct cn_world w;
	struct cn_proposal *p = NULL;
	uint8_t *b;
	size_t len;
	char saved[CN_CODE_MAX], want[96];

	(void)state;
	fx_make(&f, NULL);
	history(&f);
	b = encode(cn_app_world(f.app), &len);
	must(cn_snapshot_decode(b, len, &w, &err), &err, "decode");
	free(b);
	for (size_t i = 0; i < w.nproposals && !p; i++)
		if (w.proposals[i]->nballots >= 3)
			p = w.proposals[i];
	assert_non_null(p);
	memcpy(saved, p->ballots[p->nballots - 1].code, sizeof(saved));
	for (int side_by_side = 0; side_by_side < 2; side_by_side++) {
		size_t twin = side_by_side ? 1 : p->nballots - 1;
		struct cn_world again;

		memcpy(p->ballots[p->nballots - 1].code, saved, sizeof(saved));
		memcpy(p->ballots[twin].code, p->ballots[0].code, CN_CODE_MAX);
		b = encode(&w, &len);
		memset(&err, 0, sizeof(err));
		assert_int_equal(cn_snapshot_decode(b, len, &again, &err),
				 CN_ECORRUPT);
		assert_non_null(strstr(err.msg, "a member twice in the electorate"));
		/* Named by the proposal's id, formatted only for the message. */
		snprintf(want, sizeof(want), "snapshot: proposal %lld: "
			 "'ballot.code'", (long long)p->id);
		assert_non_null(strstr(err.msg, want));
		free(b);
	}
	cn_world_release(&w);
	fx_done(&f);
}

/* ---- the store and the app ------------------------------------------------- */

struct seen {
	int64_t seq[8];
	size_t n;
};

static int note_seq(void *ctx, const struct cn_snapshot_row *s,
		    struct cn_err *err)
{
	struct seen *v = ctx;
	(void)err;
	if (v->n < 8)
		v->seq[v->n++] = s->seq;
	return 0;
}

static struct seen stored(struct fx *f)
{
	struct seen v = {{0}, 0};
	struct cn_err err = {0};
	must(cn_store_snapshots(cn_app_store(f->app), note_seq, &v, &err), &err,
	     "snapshots");
	return v;
}

static void sql(struct fx *f, const char *q)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	if (sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", q, msg);
	sqlite3_close(db);
}

/* The hash of the newest snapshot's part `which` (its list of parts,
 * store/snapparts.h: "CNPARTS1", then per part a SHA-256 and a 4-byte
 * length); which < 0 counts from its last part. */
static void newest_part(struct fx *f, int which, uint8_t hash[32])
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int n, parts;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT bytes FROM snapshots "
					    "ORDER BY seq DESC LIMIT 1", -1, &s,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	n = sqlite3_column_bytes(s, 0);
	assert_true(n > 8 && (n - 8) % 36 == 0);
	assert_memory_equal(sqlite3_column_blob(s, 0), "CNPARTS1", 8);
	parts = (n - 8) / 36;
	if (which < 0)
		which += parts;
	assert_true(which >= 0 && which < parts);
	memcpy(hash, (const uint8_t *)sqlite3_column_blob(s, 0) + 8 + 36 * which,
	       32);
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* One byte in the middle of the newest snapshot's last part (which holds
 * its digest, so no older snapshot shares it), changed. */
static void flip_middle_byte(struct fx *f)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	uint8_t *b, hash[32];
	int n;

	newest_part(f, -1, hash);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT bytes FROM snapshot_parts"
					    " WHERE hash = ?", -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	n = sqlite3_column_bytes(s, 0);
	b = malloc((size_t)n);
	assert_non_null(b);
	memcpy(b, sqlite3_column_blob(s, 0), (size_t)n);
	sqlite3_finalize(s);
	b[n / 2] ^= 0x20;
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE snapshot_parts SET bytes"
					    " = ? WHERE hash = ?", -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_blob(s, 1, b, n, SQLITE_TRANSIENT);
	sqlite3_bind_blob(s, 2, hash, 32, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_finalize(s);
	sqlite3_close(db);
	free(b);
}

/* The world opened from the store is the whole log's. */
static void same_as_replay(struct fx *f)
{
	size_t alen, blen;
	uint8_t *a = encode(cn_app_world(f->app), &alen), *b = replayed(f, &blen);
	assert_same(a, alen, b, blen);
	free(a);
	free(b);
}

/* A JSON value whose length takes two and three bytes (a revision's
 * text of 200 and of 20,000 bytes): written in place and moved along
 * for its length (snapshot_write.c, put_json), read back the same. */
static void test_long_values_round_trip(void **state)
{
	static const size_t sizes[] = {200, 20000};
	struct fx f;
	struct cn_err err = {0};
	struct cn_world w;
	uint8_t *b, *again;
	size_t len, len2;

	(void)state;
	fx_make(&f, NULL);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		char *text = malloc(sizes[i] + 1);
		assert_non_null(text);
		for (size_t k = 0; k < sizes[i]; k++)
			text[k] = (char)('a' + k % 26);
		text[sizes[i]] = '\0';
		struct cn_propose_args p = {.body = "NAC", .title = "Long",
					    .procedure = "meeting",
					    .text = text};
		f.now += 3600;
		must(cn_app_run(f.app, f.now, "secretariat", cn_app_cmd_propose,
				&p, NULL, &err), &err, "propose");
		free(text);
	}
	b = encode(cn_app_world(f.app), &len);
	must(cn_snapshot_decode(b, len, &w, &err), &err, "decode");
	assert_int_equal(w.nproposals, cn_app_world(f.app)->nproposals);
	assert_true(strlen(w.proposals[w.nproposals - 1]->text) == 20000);
	again = encode(&w, &len2);
	assert_same(b, len, again, len2);
	free(again);
	free(b);
	cn_world_release(&w);
	same_as_replay(&f);
	fx_done(&f);
}

static void test_writer_opens_from_snapshot(void **state)
{
	struct fx f;
	struct cn_err err = {0};
	int64_t n, ncp;

	(void)state;
	fx_make(&f, "10");
	history(&f);
	struct seen v = stored(&f);
	/* Taken as the log grew, the newest two kept. */
	assert_int_equal(v.n, CN_APP_SNAPSHOTS_KEPT);
	assert_true(v.seq[0] > v.seq[1]);
	assert_int_equal(cn_app_snapshot_seq(f.app), v.seq[0]);
	cn_app_close(f.app);
	fx_open(&f);
	assert_int_equal(cn_app_snapshot_seq(f.app), v.seq[0]);
	assert_null(cn_app_warning(f.app));
	same_as_replay(&f);
	must(cn_app_verify(f.app, NULL, &n, &ncp, &err), &err, "verify");
	/* And a write on it goes on as on the folded world. */
	propose(&f, "NAC", "meeting", "After the open", NULL);
	same_as_replay(&f);
	fx_done(&f);
}

/* The next write stores a good snapshot: verify passes, and an open
 * starts from it without a warning. */
static void replaced_by_next_write(struct fx *f)
{
	struct cn_err err = {0};
	int64_t n, ncp;

	propose(f, "NAC", "meeting", "After the change", NULL);
	must(cn_app_verify(f->app, NULL, &n, &ncp, &err), &err,
	     "verify after the write");
	cn_app_close(f->app);
	fx_open(f);
	assert_null(cn_app_warning(f->app));
	assert_int_equal(cn_app_snapshot_seq(f->app), n);
	same_as_replay(f);
}

/* Each way a snapshot can disagree with the log: the world is folded
 * from the log, the warning says why, verify names the snapshot, and the
 * next write replaces it. */
static void test_untrusted_snapshot(void **state)
{
	static const struct {
		const char *change, *warning, *verify;
	} cases[] = {
		{NULL, "not the SHA-256", "differs from the world replayed to it"},
		{"UPDATE snapshots SET seq = seq - 1"
		 " WHERE seq = (SELECT max(seq) FROM snapshots)",
		 "its bytes say event", "its hash is not the event's"},
		{"UPDATE snapshots SET hash = (SELECT hash FROM events WHERE"
		 " seq = 3) WHERE seq = (SELECT max(seq) FROM snapshots)",
		 "another hash", "its hash is not the event's"},
		{"UPDATE snapshots SET seq = 1000000"
		 " WHERE seq = (SELECT max(seq) FROM snapshots)",
		 "its bytes say event", "the log holds no such event"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fx f;
		struct cn_err err = {0};
		int64_t n, ncp;
		char want[64];

		fx_make(&f, "10");
		history(&f);
		struct seen before = stored(&f);
		cn_app_close(f.app);
		if (cases[i].change)
			sql(&f, cases[i].change);
		else
			flip_middle_byte(&f);
		fx_open(&f);
		struct seen now = stored(&f);
		const char *warn = cn_app_warning(f.app);
		if (!warn || !strstr(warn, cases[i].warning) ||
		    !strstr(warn, "not trusted"))
			fail_msg("case %zu: warning '%s'", i, warn ? warn : "(none)");
		/* The older snapshot, still good, is where the world starts. */
		assert_int_equal(cn_app_snapshot_seq(f.app), before.seq[1]);
		same_as_replay(&f);
		snprintf(want, sizeof(want), "snapshot at event %lld: ",
			 (long long)now.seq[0]);
		if (cn_app_verify(f.app, NULL, &n, &ncp, &err) != CN_ECORRUPT ||
		    !strstr(err.msg, want) || !strstr(err.msg, cases[i].verify))
			fail_msg("case %zu: verify said '%s', want '%s...%s'", i,
				 err.msg, want, cases[i].verify);
		/* The next write replaces it: verify passes again. */
		replaced_by_next_write(&f);
		fx_done(&f);
	}
}

/* Every snapshot bad: the whole log is folded. */
static void test_no_snapshot_trusted(void **state)
{
	struct fx f;

	(void)state;
	fx_make(&f, "10");
	history(&f);
	cn_app_close(f.app);
	sql(&f, "UPDATE snapshots SET bytes = CAST('CNSNAP' AS BLOB)");
	fx_open(&f);
	assert_int_equal(cn_app_snapshot_seq(f.app), 0);
	assert_non_null(strstr(cn_app_warning(f.app), "folded from the whole log"));
	same_as_replay(&f);
	fx_done(&f);
}

/* ---- stored in parts (store/snapparts.h) --------------------------------- */

static int64_t sql_int(struct fx *f, const char *q)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t v;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* Every part each stored snapshot names, as rows (seq, hash); the newest
 * snapshot's row. */
#define NEWEST " WHERE seq = (SELECT max(seq) FROM snapshots)"
#define NAMED "WITH RECURSIVE e(seq, b, i) AS (SELECT seq, bytes, 0 FROM " \
	"snapshots UNION ALL SELECT seq, b, i + 1 FROM e WHERE 8 + 36 * (i + 2)" \
	" <= length(b)), named(seq, hash) AS (SELECT seq, substr(b, 9 + 36 * i," \
	" 32) FROM e) "

/* The cut: parts within their bounds, and a change moves only the cuts
 * near it, so bytes with one byte inserted share all their parts but
 * those around it (what makes the next snapshot write only what
 * changed). */
static void test_cut_finds_its_parts_again(void **state)
{
	const size_t len = 1 << 20, at = 300000;
	uint8_t *a = malloc(len), *b = malloc(len + 1);
	size_t *ca, *cb, na, nb, shared = 0;
	struct cn_err err = {0};
	uint64_t x = 14;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (size_t i = 0; i < len; i++) { /* xorshift: fixed bytes */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		a[i] = (uint8_t)x;
	}
	memcpy(b, a, at);
	b[at] = 0x5a;
	memcpy(b + at + 1, a + at, len - at);
	must(cn_snapparts_cut(a, len, &ca, &na, &err), &err, "cut");
	must(cn_snapparts_cut(b, len + 1, &cb, &nb, &err), &err, "cut again");
	assert_true(na >= len / CN_SNAPPART_MAX && na <= len / CN_SNAPPART_MIN);
	assert_int_equal(ca[na - 1], len);
	for (size_t i = 0; i < na; i++) {
		size_t start = i ? ca[i - 1] : 0, n = ca[i] - start;
		assert_true(n <= CN_SNAPPART_MAX &&
			    (n >= CN_SNAPPART_MIN || i == na - 1));
	}
	/* A part of a is found again in b when b has a part of the same
	 * bytes, before the insertion or after it (shifted by one). */
	for (size_t i = 0, j = 0; i < na; i++) {
		size_t s = i ? ca[i - 1] : 0, e = ca[i];
		size_t bs = s < at ? s : s + 1, be = e <= at ? e : e + 1;
		while (j < nb && cb[j] < be)
			j++;
		if (j < nb && cb[j] == be && (j ? cb[j - 1] : 0) == bs &&
		    !memcmp(a + s, b + bs, e - s))
			shared++;
	}
	if (shared + 2 < na)
		fail_msg("%zu of %zu parts found again after one byte inserted",
			 shared, na);
	free(ca);
	free(cb);
	free(a);
	free(b);
}

/* The cut as snapparts.h states it, written out plainly: a part ends at
 * the first place at least CN_SNAPPART_MIN bytes in where the gear hash
 * (the table: splitmix64 of byte + 1) of the 64 bytes before it has its
 * top 16 bits zero, else after CN_SNAPPART_MAX bytes, or where the bytes
 * end.  How many parts; their ends in cuts. */
static size_t cuts_by_definition(const uint8_t *b, size_t len, size_t *cuts)
{
	uint64_t g[256];
	size_t n = 0, start = 0;

	for (uint64_t i = 0; i < 256; i++) {
		uint64_t z = (i + 1) * 0x9e3779b97f4a7c15ULL;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		g[i] = z ^ (z >> 31);
	}
	while (start < len) {
		size_t end = start;

		for (;;) {
			uint64_t h = 0;

			end++;
			if (end == len || end - start == CN_SNAPPART_MAX)
				break;
			if (end - start < CN_SNAPPART_MIN)
				continue;
			for (size_t i = end - 64; i < end; i++)
				h = (h << 1) + g[b[i]];
			if (!(h >> 48))
				break;
		}
		cuts[n++] = start = end;
	}
	return n;
}

/* Fixed bytes to cut: xorshift, with a long run of zeros (where no cut
 * is found before CN_SNAPPART_MAX) and a short tail. */
static uint8_t *cut_fixture(size_t *len)
{
	uint8_t *b;
	uint64_t x = 99;

	*len = (3 << 20) + 12345;
	b = malloc(*len);
	assert_non_null(b);
	for (size_t i = 0; i < *len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		b[i] = (uint8_t)x;
	}
	memset(b + (1 << 20), 0, 700 * 1024);
	return b;
}

/* A maker (store.h) fed the bytes in pieces of any size, from 1 byte to
 * several parts, lists the parts the definition cuts, each part's
 * SHA-256 and length; it keeps the bytes of exactly the parts not among
 * those it is told are stored; cn_snapparts_cut cuts the same. */
static void test_maker_cuts_as_whole(void **state)
{
	size_t len, *want = malloc(((3 << 20) / CN_SNAPPART_MIN + 2) *
				   sizeof(*want)),
		    *got, n, ngot, nmax = 0;
	uint8_t *b = cut_fixture(&len);
	struct cn_err err = {0};

	(void)state;
	assert_non_null(want);
	n = cuts_by_definition(b, len, want);
	must(cn_snapparts_cut(b, len, &got, &ngot, &err), &err, "cut");
	assert_int_equal(ngot, n);
	assert_memory_equal(got, want, n * sizeof(*want));
	free(got);
	for (size_t i = 0; i < n; i++)
		nmax += want[i] - (i ? want[i - 1] : 0) == CN_SNAPPART_MAX;
	assert_true(nmax >= 2); /* the run of zeros */
	assert_true(n > 20);

	/* Told that every other part (even ones) is stored; then nothing. */
	for (int told = 1; told >= 0; told--) {
		struct cn_snapshot_maker *m;
		struct cn_snapshot_parts p;
		uint8_t *known = malloc(n * CN_HASH_LEN), *kept = malloc(len);
		size_t nknown = 0, nkept = 0, total = 0, at = 0, piece = 1;
		uint64_t x = 7;

		assert_non_null(known);
		assert_non_null(kept);
		for (size_t i = 0; told && i < n; i += 2) {
			size_t s = i ? want[i - 1] : 0;
			cn_sha256(b + s, want[i] - s, known + nknown++ * CN_HASH_LEN);
		}
		qsort(known, nknown, CN_HASH_LEN, cmp_hash);
		must(cn_store_snapshot_maker(told ? known : NULL, nknown, &m,
					     &err), &err, "maker");
		/* Pieces of 1 byte across the first cut, then of random
		 * sizes up to 600 KiB. */
		while (at < len) {
			if (at > want[0] + 100) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				piece = 1 + x % (600 * 1024);
			} else if (at + 1 >= want[0] - 100) {
				piece = 1;
			} else {
				piece = want[0] - 100 - at;
			}
			if (piece > len - at)
				piece = len - at;
			assert_int_equal(cn_store_snapshot_maker_add(m, b + at,
								     piece), 0);
			at += piece;
		}
		must(cn_store_snapshot_maker_end(m, &p, &total, &err), &err,
		     "maker's end");
		assert_int_equal(total, len);
		assert_int_equal(p.listlen,
				 CN_SNAPPARTS_MAGIC_LEN + n * CN_SNAPPART_ENTRY);
		assert_memory_equal(p.list, CN_SNAPPARTS_MAGIC,
				    CN_SNAPPARTS_MAGIC_LEN);
		assert_non_null(p.at_hand);
		for (size_t i = 0; i < n; i++) {
			const uint8_t *e = p.list + CN_SNAPPARTS_MAGIC_LEN +
					   i * CN_SNAPPART_ENTRY;
			size_t s = i ? want[i - 1] : 0, l = want[i] - s;
			uint8_t h[CN_HASH_LEN];

			cn_sha256(b + s, l, h);
			assert_memory_equal(e, h, CN_HASH_LEN);
			assert_int_equal((size_t)e[32] << 24 | (size_t)e[33] << 16 |
					 (size_t)e[34] << 8 | e[35], l);
			assert_int_equal(p.at_hand[i] != 0, !told || i % 2);
			if (p.at_hand[i]) {
				memcpy(kept + nkept, b + s, l);
				nkept += l;
			}
		}
		assert_true(nkept < len || !told);
		assert_memory_equal(p.bytes, kept, nkept);
		cn_store_snapshot_maker_free(m);
		free(known);
		free(kept);
	}
	free(want);
	free(b);
}

/* A put of a maker's parts when one it took for stored was dropped
 * since (another writer's put or drop collected it) is refused, naming
 * the part, and stores nothing; the same put before the drop stores the
 * snapshot, whose bytes read back whole. */
static void test_put_of_parts_not_at_hand(void **state)
{
	size_t len, nknown, left;
	uint8_t *b = cut_fixture(&len), *known, hash[CN_HASH_LEN] = {1};
	struct cn_snapshot_row one = {1, hash, CN_HASH_LEN, b, len, NULL},
			       two = {2, hash, CN_HASH_LEN, NULL, 0, NULL};
	struct cn_snapshot_maker *m;
	struct cn_snapshot_parts p;
	struct cn_store *st;
	struct cn_err err = {0};

	(void)state;
	must(cn_store_open(NULL, CN_STORE_MEMORY, &st, &err), &err, "open");
	must(cn_store_begin(st, &err), &err, "begin");
	must(cn_store_snapshot_put(st, &one, 2, 0, &err), &err, "put one");
	must(cn_store_commit(st, &err), &err, "commit");
	/* The next snapshot: the same bytes but its first. */
	b[0] ^= 1;
	must(cn_store_snapshot_stored(st, &known, &nknown, &err), &err, "stored");
	assert_true(nknown > 20);
	must(cn_store_snapshot_maker(known, nknown, &m, &err), &err, "maker");
	assert_int_equal(cn_store_snapshot_maker_add(m, b, len), 0);
	must(cn_store_snapshot_maker_end(m, &p, &two.len, &err), &err, "end");
	assert_true(p.at_hand[0] && !p.at_hand[1]);

	must(cn_store_begin(st, &err), &err, "begin");
	must(cn_store_snapshot_drop(st, 1, &err), &err, "drop one");
	assert_int_equal(cn_store_snapshot_put_listed(st, &two, &p, 2, 0,
						      SIZE_MAX, &left, &err),
			 CN_ENOTFOUND);
	assert_non_null(strstr(err.msg, "snapshot 2: its part 2 of "));
	assert_non_null(strstr(err.msg, "neither stored nor at hand"));
	cn_store_rollback(st);

	must(cn_store_begin(st, &err), &err, "begin");
	must(cn_store_snapshot_put_listed(st, &two, &p, 2, 0, SIZE_MAX, &left,
					  &err), &err, "put two");
	assert_int_equal(left, 0);
	must(cn_store_commit(st, &err), &err, "commit");
	{
		struct pieces got = {0};
		must(cn_store_snapshots(st, newest_bytes, &got, &err), &err,
		     "read back");
		assert_same(b, len, got.all, got.len);
		free(got.all);
	}
	cn_store_snapshot_maker_free(m);
	free(known);
	cn_store_close(st);
	free(b);
}

/* What two snapshots share is stored once; every part named is stored,
 * and none is kept that no snapshot names, after each write. */
static void test_parts_shared_and_collected(void **state)
{
	struct fx f;
	int64_t parts, named;

	(void)state;
	fx_make(&f, "10");
	history(&f);
	for (int round = 0; round < 2; round++) {
		cn_app_close(f.app);
		assert_int_equal(sql_int(&f, "SELECT count(*) FROM snapshots"), 2);
		parts = sql_int(&f, "SELECT count(*) FROM snapshot_parts");
		named = sql_int(&f, NAMED "SELECT count(*) FROM named");
		assert_true(parts >= 4);
		/* Most of the older snapshot's bytes are the newer's too. */
		if (parts >= named)
			fail_msg("round %d: %lld parts stored for %lld named: "
				 "none shared", round, (long long)parts,
				 (long long)named);
		assert_int_equal(sql_int(&f, NAMED "SELECT count(DISTINCT hash) "
					 "FROM named"), parts);
		assert_int_equal(sql_int(&f, NAMED "SELECT count(*) FROM "
					 "snapshot_parts WHERE hash NOT IN "
					 "(SELECT hash FROM named)"), 0);
		assert_int_equal(sql_int(&f, NAMED "SELECT count(*) FROM named "
					 "WHERE hash NOT IN (SELECT hash FROM "
					 "snapshot_parts)"), 0);
		fx_open(&f);
		assert_null(cn_app_warning(f.app));
		same_as_replay(&f);
		/* Enough events for the next snapshot, which drops the
		 * oldest: its own parts must go with it. */
		for (int i = 0; i < 4; i++)
			propose(&f, "NAC", "meeting", "One more", NULL);
	}
	fx_done(&f);
}

/* A part both kept snapshots share, damaged: neither is trusted, the
 * world is folded from the log, and the next snapshot writes its parts
 * again instead of naming the damaged one as already stored. */
static void test_damaged_shared_part(void **state)
{
	struct fx f;
	struct cn_err err = {0};
	int64_t n, ncp;

	(void)state;
	fx_make(&f, "10");
	history(&f);
	cn_app_close(f.app);
	assert_int_equal(sql_int(&f, NAMED "SELECT count(*) FROM (SELECT hash "
				 "FROM named GROUP BY hash HAVING count(*) = 2)") > 0,
			 1);
	sql(&f, NAMED "UPDATE snapshot_parts SET bytes = substr(bytes, 1, 100) "
	    "|| x'00' || substr(bytes, 102) WHERE hash = (SELECT hash FROM named "
	    "GROUP BY hash HAVING count(*) = 2 ORDER BY hash LIMIT 1)");
	fx_open(&f);
	assert_int_equal(cn_app_snapshot_seq(f.app), 0);
	assert_non_null(strstr(cn_app_warning(f.app), "folded from the whole log"));
	same_as_replay(&f);
	assert_int_equal(cn_app_verify(f.app, NULL, &n, &ncp, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "differs from the world replayed"));
	replaced_by_next_write(&f);
	fx_done(&f);
}

/* A list of parts that cannot be followed, or a part it names gone: the
 * newest snapshot is not trusted (the warning says what is wrong), the
 * older one is, and verify names it. */
static void test_bad_list_of_parts(void **state)
{
	static const struct {
		const char *change, *why;
	} cases[] = {
		{"UPDATE snapshots SET bytes = substr(bytes, 1, length(bytes) - 1)"
		 NEWEST, "its list of parts is cut short"},
		{"UPDATE snapshots SET bytes = substr(bytes, 1, 40) || x'00000000'"
		 " || substr(bytes, 45)" NEWEST, "its part 1 of"},
		{"UPDATE snapshots SET bytes = substr(bytes, 1, 40) || x'00100000'"
		 " || substr(bytes, 45)" NEWEST, "claims 1048576 bytes"},
		{"UPDATE snapshots SET bytes = substr(bytes, 1, 40) || x'00000010'"
		 " || substr(bytes, 45)" NEWEST, "its part 1 of"},
		{NAMED "DELETE FROM snapshot_parts WHERE hash IN (SELECT hash "
		 "FROM named GROUP BY hash HAVING count(*) = 1 AND max(seq) = "
		 "(SELECT max(seq) FROM snapshots))", "is not stored"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fx f;
		struct cn_err err = {0};
		int64_t n, ncp;

		fx_make(&f, "10");
		history(&f);
		struct seen before = stored(&f);
		cn_app_close(f.app);
		sql(&f, cases[i].change);
		fx_open(&f);
		const char *warn = cn_app_warning(f.app);
		if (!warn || !strstr(warn, cases[i].why) ||
		    !strstr(warn, "not trusted"))
			fail_msg("case %zu: warning '%s'", i, warn ? warn : "(none)");
		assert_int_equal(cn_app_snapshot_seq(f.app), before.seq[1]);
		same_as_replay(&f);
		if (cn_app_verify(f.app, NULL, &n, &ncp, &err) != CN_ECORRUPT ||
		    !strstr(err.msg, cases[i].why))
			fail_msg("case %zu: verify said '%s'", i, err.msg);
		fx_done(&f);
	}
}

/* ---- verify with its concluded proposals out of memory ------------------- *
 * (app/pager.c, issue 14 item 5.)  Swept after every event, a
 * proposal leaves memory as soon as it concludes; a later event that
 * names it (proposal.superseded) must bring it back whole, and the
 * snapshots and projections of a world that holds almost none of its
 * proposals must check as the whole world's do. */

/* A concluded proposal not adopted, taken up again by a new one: the
 * log's proposal.superseded changes a concluded proposal. */
static void supersede_one(struct fx *f)
{
	const struct cn_world *w = cn_app_world(f->app);
	struct cn_propose_args p = {.title = "Taken up again"};
	struct cn_err err = {0};

	for (size_t i = 0; i < w->nproposals && !p.supersedes; i++) {
		const struct cn_proposal *q = cn_world_proposal(w, (int64_t)i + 1);
		if (q->concluded && strcmp(q->outcome, "adopted"))
			p.supersedes = q->id;
	}
	assert_true(p.supersedes > 0);
	f->now += 3600;
	must(cn_app_run(f->app, f->now, "secretariat", cn_app_cmd_propose, &p,
			NULL, &err), &err, "supersede");
	assert_int_equal(cn_world_proposal(w, p.supersedes)->superseded_by,
			 (int64_t)w->nproposals);
}

struct paged {
	struct cn_world w;
	struct cn_pager pg;
	json_t *position; /* a position.stated payload, copied */
};

static int paged_one(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct paged *r = ctx;
	int rc = cn_world_apply(&r->w, ev, err);

	if (!r->position && !strcmp(ev->type, "position.stated"))
		r->position = json_deep_copy(ev->payload);
	return rc ? rc : cn_pager_maybe(&r->pg, err);
}

/* A position on concluded proposal id, folded next into both worlds: the
 * one out of memory must refuse it as the whole world does. */
static void refused_alike(struct cn_world *whole, struct paged *r, int64_t id,
			  int64_t at)
{
	struct cn_event ev;
	struct cn_err e1 = {0}, e2 = {0};
	int rc1, rc2;

	assert_non_null(r->position);
	assert_null(r->w.proposals[id - 1]);
	json_object_set_new(r->position, "proposal", json_integer(id));
	must(cn_event_init(&ev, at, "secretariat", "position.stated", r->position,
			   &e1), &e1, "event");
	ev.seq = whole->last_seq + 1;
	rc1 = cn_world_apply(whole, &ev, &e1);
	rc2 = cn_world_apply(&r->w, &ev, &e2);
	assert_int_not_equal(rc1, 0);
	assert_int_equal(rc1, rc2);
	assert_string_equal(e1.msg, e2.msg);
	assert_non_null(strstr(e1.msg, "conclude"));
	cn_event_release(&ev);
	json_decref(r->position);
}

/* A write of the pager's file that failed (the disk full; here the
 * process's file size limit) may have taken earlier proposals' bytes with
 * it: stdio drops its buffer, which held bytes the index already names.
 * The pager is then lost, and refuses to hand its file to a snapshot's
 * worker, rather than let it read a file shorter than its index. */
static void test_pager_write_failure_loses(void **state)
{
	struct fx f;
	struct paged r;
	struct cn_err err = {0};
	struct rlimit old, lim;
	void (*was)(int);
	int fd, rc;

	(void)state;
	fx_make(&f, "1000");
	/* More concluded proposals than the pager's buffer holds (4 KiB
	 * here: COUNCIL_PAGER_BUFFER), and none read back while they are
	 * written out. */
	for (int i = 0; i < 40; i++) {
		struct cn_app_secretariat_args s = {0};
		propose(&f, "NAC", "meeting", "A matter concluded at once", NULL);
		s.proposal = (int64_t)cn_app_world(f.app)->nproposals;
		assert_int_equal(run(&f, "secretariat", cn_app_cmd_conclude, &s), 0);
	}
	setenv("COUNCIL_PAGER_SWEEP", "1", 1);
	setenv("COUNCIL_PAGER_BUFFER", "4096", 1);
	cn_world_init(&r.w);
	cn_pager_init(&r.pg);
	cn_pager_attach(&r.pg, &r.w);
	r.position = NULL;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 512; /* less than one proposal's bytes and stdio's buffer */
	was = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc = cn_store_scan(cn_app_store(f.app), 1, paged_one, &r, &err);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, was);
	unsetenv("COUNCIL_PAGER_SWEEP");
	unsetenv("COUNCIL_PAGER_BUFFER");
	assert_int_equal(rc, CN_EIO);
	assert_non_null(strstr(err.msg, "temporary file of concluded proposals"));
	assert_true(r.pg.failed);
	assert_true(r.pg.lost);
	fd = cn_pager_share(&r.pg, &err);
	assert_true(fd < 0);
	assert_int_not_equal(fd, CN_ENOTFOUND);
	json_decref(r.position);
	cn_world_release(&r.w);
	cn_pager_release(&r.pg);
	fx_done(&f);
}

static void test_verify_pages_out_concluded(void **state)
{
	struct fx f;
	struct paged r;
	struct cn_world whole;
	struct cn_err err = {0};
	struct cn_store *st;
	size_t alen, blen, concluded = 0;
	uint8_t *a, *b;
	int64_t n, ncp;

	(void)state;
	fx_make(&f, "3"); /* snapshots after most concluded proposals left */
	history(&f);
	supersede_one(&f);
	propose(&f, "NAC", "meeting", "Opened after", NULL);
	setenv("COUNCIL_PAGER_SWEEP", "1", 1);
	st = cn_app_store(f.app);

	/* The replay, swept after every event, against the whole world. */
	must(cn_projection_replay(st, &whole, &err), &err, "replay");
	cn_world_init(&r.w);
	cn_pager_init(&r.pg);
	cn_pager_attach(&r.pg, &r.w);
	r.position = NULL;
	must(cn_store_scan(st, 1, paged_one, &r, &err), &err, "paged replay");
	for (size_t i = 0; i < whole.nproposals; i++) {
		concluded += whole.proposals[i]->concluded != 0;
		/* Out of memory exactly when concluded. */
		assert_int_equal(r.w.proposals[i] == NULL,
				 whole.proposals[i]->concluded != 0);
	}
	assert_true(concluded >= 4 && concluded < whole.nproposals);
	/* The superseded one was brought back and written out again. */
	assert_true(r.pg.out > concluded);
	a = encode(&whole, &alen);
	b = encode(&r.w, &blen);
	assert_same(a, alen, b, blen);
	free(a);
	free(b);
	must(cn_store_read_begin(st, &err), &err, "read");
	must(cn_projcheck_all(st, &r.w, &err), &err, "projections");
	cn_store_read_end(st);
	/* Still out of memory: the check brought each back for itself. */
	assert_null(r.w.proposals[0]);
	/* Brought back and swept out unchanged: the file does not grow. */
	{
		uint64_t end = r.pg.end, out = r.pg.out;
		assert_non_null(cn_world_proposal(&r.w, 1));
		must(cn_pager_sweep(&r.pg, &err), &err, "sweep");
		assert_null(r.w.proposals[0]);
		assert_int_equal(r.pg.end, end);
		assert_int_equal(r.pg.out, out);
	}
	refused_alike(&whole, &r, 1, f.now + DAY);
	cn_world_release(&r.w);
	cn_pager_release(&r.pg);
	cn_world_release(&whole);

	/* Verify, whole, then with a row of the first proposal (concluded
	 * early, out of memory since) changed, then one of its positions. */
	assert_true(stored(&f).n >= 2);
	must(cn_app_verify(f.app, NULL, &n, &ncp, &err), &err, "verify");
	cn_app_close(f.app);
	sql(&f, "UPDATE proposals SET explanation = explanation || '.' "
	    "WHERE id = 1");
	fx_open(&f);
	assert_int_equal(cn_app_verify(f.app, NULL, &n, &ncp, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "projection proposals: row '1'"));
	cn_app_close(f.app);
	sql(&f, "UPDATE proposals SET explanation = substr(explanation, 1, "
	    "length(explanation) - 1) WHERE id = 1");
	sql(&f, "UPDATE positions SET text = 'Tampered' WHERE proposal = 3 AND "
	    "member = 'FR'");
	fx_open(&f);
	assert_int_equal(cn_app_verify(f.app, NULL, &n, &ncp, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "projection positions: row '3, FR'"));
	cn_app_close(f.app);
	sql(&f, "UPDATE positions SET text = 'For the record' WHERE proposal = 3 "
	    "AND member = 'FR'");
	fx_open(&f);
	must(cn_app_verify(f.app, NULL, &n, &ncp, &err), &err, "verify again");
	/* A snapshot that disagrees, met while most proposals are out. */
	cn_app_close(f.app);
	flip_middle_byte(&f);
	fx_open(&f);
	assert_int_equal(cn_app_verify(f.app, NULL, &n, &ncp, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "snapshot"));

	/* No temporary file to be had: said so, not read as a bad log. */
	setenv("TMPDIR", "/nonexistent-council-tmp", 1);
	assert_int_equal(cn_app_verify(f.app, NULL, &n, &ncp, &err), CN_EIO);
	assert_non_null(strstr(err.msg, "temporary file of concluded proposals "
			       "(in /nonexistent-council-tmp)"));
	unsetenv("TMPDIR");
	unsetenv("COUNCIL_PAGER_SWEEP");
	fx_done(&f);
}

/* ---- the writer's world with its concluded proposals out of memory ------- *
 * (app/pager.c, issue 14: server RSS at 100k proposals.)  Swept after
 * every commit, and handed over by the snapshot's decode at open, a
 * concluded proposal is out of the writer's memory; the world must still
 * be the whole log's (same snapshot bytes, same views), commands on a
 * proposal out of memory must work, and a registry change that rewrites
 * the views of proposals out of memory must rewrite them right without
 * bringing them back. */

/* Each slot empty exactly when its proposal is concluded (so a commit
 * must just have swept: one read since is back in memory); the world
 * encodes to the bytes of the whole log's; each view is the whole's. */
static void paged_as_whole(struct fx *f)
{
	const struct cn_world *w = cn_app_world(f->app);
	struct cn_world whole;
	struct cn_err err = {0};
	size_t alen, blen, out = 0;
	uint8_t *a, *b;

	must(cn_projection_replay(cn_app_store(f->app), &whole, &err), &err,
	     "replay");
	assert_int_equal(w->nproposals, whole.nproposals);
	for (size_t i = 0; i < whole.nproposals; i++) {
		struct cn_proposal *tmp;
		const struct cn_proposal *p = cn_world_proposal_at(w, i, &tmp);
		json_t *x = cn_proposal_json(&whole, whole.proposals[i]),
		       *y = cn_proposal_json(w, p);
		assert_int_equal(w->proposals[i] == NULL,
				 whole.proposals[i]->concluded != 0);
		out += w->proposals[i] == NULL;
		assert_true(json_equal(x, y));
		if (!w->proposals[i]) {
			/* What a registry change asks of it, from its bytes
			 * (projection.c): the body and the effects. */
			const uint8_t *bytes;
			size_t n;
			char body[16];
			json_t *eff;
			must(w->pager->bytes(w->pager->ctx, (int64_t)i + 1, &bytes,
					     &n), &err, "bytes");
			must(cn_snapshot_proposal_peek(bytes, n, (int64_t)i + 1, body,
						       &eff, &err), &err, "peek");
			assert_string_equal(body, whole.proposals[i]->body);
			assert_true(json_equal(eff, whole.proposals[i]->effects));
			json_decref(eff);
		}
		json_decref(x);
		json_decref(y);
		cn_proposal_free(tmp);
	}
	assert_true(out >= 4);
	a = encode(&whole, &alen);
	b = encode(w, &blen);
	assert_same(a, alen, b, blen);
	free(a);
	free(b);
	cn_world_release(&whole);
}

/* Zeros over what fd's file holds on disk (not what stdio still
 * buffers for it, which a flush writes after them). */
static int zero_file(int fd)
{
	static const char zeros[4096];
	struct stat st;

	if (fstat(fd, &st))
		return -1;
	for (off_t at = 0; at < st.st_size; at += (off_t)sizeof(zeros))
		if (pwrite(fd, zeros, sizeof(zeros), at) < 0)
			return -1;
	return st.st_size > 0 ? 0 : -1;
}

/* The pager's file spoiled behind its back (what a disk that lost its
 * blocks would give): every file descriptor of this process open on an
 * unlinked file in dir, holding bytes.  How many. */
static int cut_pager_files(const char *dir)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char link[300], to[4096];
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		ssize_t len;
		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		if ((len = readlink(link, to, sizeof(to) - 1)) <= 0)
			continue;
		to[len] = '\0';
		if (!strncmp(to, dir, strlen(dir)) && strstr(to, "(deleted)") &&
		    zero_file(atoi(e->d_name)) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* A position on proposal 1 (concluded, so refused either way): the
 * failure's message. */
static void respond_one(struct fx *f, char *msg, size_t n)
{
	struct cn_respond_args r = {.proposal = 1, .member = "FR",
				    .act = CN_ACT_POSITION, .pos = CN_POS_CONCUR};
	struct cn_err err = {0};

	f->now += 3600;
	assert_int_not_equal(cn_app_run(f->app, f->now, "delegation:FR",
					 cn_app_cmd_respond, &r, NULL, &err), 0);
	snprintf(msg, n, "%s", err.msg);
}

/* A pager that loses what it held (its file cut short) fails the
 * command that needed it, and the next write rebuilds the world with a
 * new pager; lost a second time, the world is rebuilt with every
 * proposal in memory, rather than rebuilt again at every write while
 * the file's disk stays bad. */
static void test_pager_lost_twice(void **state)
{
	struct fx f;
	char msg[CN_ERR_MSG_MAX];
	const struct cn_world *w;

	(void)state;
	setenv("COUNCIL_PAGER_SWEEP", "1", 1);
	setenv("COUNCIL_PAGER_BUFFER", "4096", 1);
	fx_make(&f, "1000");
	/* opened again with its pager's file in the store's own directory,
	 * where the test finds it */
	setenv("TMPDIR", f.dir, 1);
	cn_app_close(f.app);
	fx_open(&f);
	history(&f);
	/* more than the pager's buffer (4 KiB here) of concluded
	 * proposals, so that proposal 1's bytes are on disk, not only
	 * buffered */
	for (int i = 0; i < 20; i++) {
		struct cn_app_secretariat_args c = {0};
		propose(&f, "NAC", "meeting", "A matter concluded at once", NULL);
		c.proposal = (int64_t)cn_app_world(f.app)->nproposals;
		assert_int_equal(run(&f, "secretariat", cn_app_cmd_conclude, &c), 0);
	}
	w = cn_app_world(f.app);
	assert_null(w->proposals[0]); /* concluded, in the pager's file */
	for (int round = 1; round <= 2; round++) {
		assert_true(cut_pager_files(f.dir) >= 1);
		respond_one(&f, msg, sizeof(msg));
		assert_non_null(strstr(msg, "temporary file of concluded proposals"));
		/* the next write rebuilds the world (and sweeps at its commit) */
		propose(&f, "NAC", "meeting", "After a lost pager", NULL);
		w = cn_app_world(f.app);
		if (round == 1)
			assert_null(w->proposals[0]); /* a new pager holds it */
	}
	/* After the second loss, no pager: the concluded proposals stay. */
	assert_non_null(w->proposals[0]);
	assert_int_equal(cut_pager_files(f.dir), 0);
	respond_one(&f, msg, sizeof(msg));
	assert_null(strstr(msg, "temporary file"));
	assert_non_null(strstr(msg, "conclude"));
	fx_done(&f);
	unsetenv("TMPDIR");
	unsetenv("COUNCIL_PAGER_SWEEP");
	unsetenv("COUNCIL_PAGER_BUFFER");
}

static void test_writer_pages_out_concluded(void **state)
{
	struct fx f;
	struct cn_app_secretariat_args s = {0};
	char eff[CN_TIME_BUF];
	int64_t n, ncp;
	struct cn_err err = {0};

	(void)state;
	setenv("COUNCIL_PAGER_SWEEP", "1", 1);
	fx_make(&f, "3");
	history(&f);
	/* Swept at each commit. */
	paged_as_whole(&f);
	/* Opened again: from the snapshot, whose concluded proposals went
	 * to the pager as they were decoded. */
	cn_app_close(f.app);
	fx_open(&f);
	assert_true(cn_app_snapshot_seq(f.app) > 0);
	paged_as_whole(&f);
	/* A command that changes a proposal out of memory (taken up again):
	 * brought back, changed (and read by the test after), out again at
	 * the next commit, the amendment's below. */
	supersede_one(&f);
	/* A body's change rewrites the views of its proposals, those out of
	 * memory too (the MC's concluded ones); they stay out. */
	cn_time_format(f.now + 2 * DAY, eff);
	eff[10] = '\0';
	propose(&f, "NAC", "meeting", "Amend the MC",
		json_pack("[{s:s, s:s, s:s, s:s, s:s, s:{s:s}}]", "type",
			  "amend-body", "body", "MC", "effective", eff, "name",
			  "The Renamed Committee", "rule", "unanimity",
			  "membership", "kind", "all"));
	s.proposal = (int64_t)cn_app_world(f.app)->nproposals;
	assert_int_equal(run(&f, "secretariat", cn_app_cmd_conclude, &s), 0);
	paged_as_whole(&f);
	assert_string_equal(cn_world_proposal(cn_app_world(f.app),
					      s.proposal)->outcome, "adopted");
	{
		/* The view of an MC proposal concluded long before: its row
		 * has the body's new name. */
		const struct cn_world *w = cn_app_world(f.app);
		json_t *doc = NULL;
		int64_t mc = 0;
		for (size_t i = 0; i < w->nproposals && !mc; i++) {
			struct cn_proposal *tmp;
			const struct cn_proposal *p = cn_world_proposal_at(w, i, &tmp);
			if (!w->proposals[i] && !strcmp(p->body, "MC"))
				mc = p->id;
			cn_proposal_free(tmp);
		}
		assert_true(mc > 0);
		must(cn_store_proposal_doc(cn_app_store(f.app), mc, &doc, &err),
		     &err, "row");
		assert_string_equal(json_string_value(json_object_get(doc,
			"body_name")), "The Renamed Committee");
		json_decref(doc);
	}
	/* The projections (rows rewritten from the pager's bytes) are the
	 * replay's. */
	must(cn_app_verify(f.app, NULL, &n, &ncp, &err), &err, "verify");

	/* A second app on the store that only follows (another server):
	 * what the first one concludes leaves its memory at its reload. */
	{
		struct cn_app *b = NULL;
		must(cn_app_open(f.db, 0, &b, &err), &err, "open the follower");
		propose(&f, "NAC", "meeting", "Concluded elsewhere", NULL);
		s.proposal = (int64_t)cn_app_world(f.app)->nproposals;
		assert_int_equal(run(&f, "secretariat", cn_app_cmd_conclude, &s), 0);
		must(cn_app_reload(b, &err), &err, "follow");
		assert_int_equal(cn_app_world(b)->nproposals, (size_t)s.proposal);
		assert_null(cn_app_world(b)->proposals[s.proposal - 1]);
		assert_string_equal(cn_world_proposal(cn_app_world(b),
						      s.proposal)->title,
				    "Concluded elsewhere");
		cn_app_close(b);
	}

	/* No temporary file to be had: a warning, and the proposals stay
	 * in memory; nothing is refused. */
	cn_app_close(f.app);
	setenv("TMPDIR", "/nonexistent-council-tmp", 1);
	fx_open(&f);
	for (size_t i = 0; i < cn_app_world(f.app)->nproposals; i++)
		assert_non_null(cn_app_world(f.app)->proposals[i]);
	propose(&f, "NAC", "meeting", "Kept in memory", NULL);
	s.proposal = (int64_t)cn_app_world(f.app)->nproposals;
	assert_int_equal(run(&f, "secretariat", cn_app_cmd_conclude, &s), 0);
	assert_non_null(cn_app_world(f.app)->proposals[s.proposal - 1]);
	unsetenv("TMPDIR");
	unsetenv("COUNCIL_PAGER_SWEEP");
	must(cn_app_verify(f.app, NULL, &n, &ncp, &err), &err, "verify");
	fx_done(&f);
}

/* ---- snapshots planned now, put together later (a server's worker) ---- */

static int read_fd(void *ctx, uint64_t off, size_t len, uint8_t *dst,
		   struct cn_err *err)
{
	ssize_t n = pread(*(int *)ctx, dst, len, (off_t)off);
	return n == (ssize_t)len ? 0 : cn_err_set(err, CN_EIO, "short read");
}

/* A paged world's plan, put together from the pager's file after the
 * pager and the world are gone, is byte for byte its snapshot. */
static void test_planned_snapshot(void **state)
{
	struct fx f;
	struct cn_err err = {0};
	struct cn_snapshot_plan plan;
	struct cn_pager pg;
	struct cn_world w;
	struct pieces got = {0};
	uint8_t *whole, digest[CN_HASH_LEN];
	size_t len, npaged = 0;
	int fd;

	(void)state;
	setenv("COUNCIL_PAGER_SWEEP", "1", 1);
	fx_make(&f, NULL);
	history(&f);
	cn_pager_init(&pg);
	must(cn_projection_replay(cn_app_store(f.app), &w, &err), &err, "replay");
	cn_pager_attach(&pg, &w);
	must(cn_pager_sweep(&pg, &err), &err, "sweep");
	whole = encode(&w, &len);
	must(cn_snapshot_plan(&w, &plan, &err), &err, "plan");
	for (size_t i = 0; i < plan.nseg; i++)
		npaged += plan.seg[i].paged;
	assert_true(npaged > 0);
	/* Swept in id order: neighbours are one segment. */
	assert_true(plan.nseg < 2 * npaged + 2);
	assert_true(plan.lit.len < len);
	fd = cn_pager_share(&pg, &err);
	assert_true(fd >= 0);
	{
		/* A pager that never wrote has no file: a status, never a
		 * descriptor. */
		struct cn_pager none;
		cn_pager_init(&none);
		assert_int_equal(cn_pager_share(&none, &err), CN_ENOTFOUND);
		cn_pager_release(&none);
	}
	/* The world changes, the pager starts a new file: the plan's stands. */
	cn_pager_clear(&pg);
	cn_world_release(&w);
	cn_pager_release(&pg);
	must(cn_snapshot_plan_to(&plan, read_fd, &fd, piece, &got, digest,
				 &err), &err, "plan bytes");
	assert_same(whole, len, got.all, got.len);
	/* The digest handed on last is the one given back, for a seal. */
	assert_memory_equal(digest, whole + len - CN_HASH_LEN, CN_HASH_LEN);
	free(got.all);
	/* A sink that fails fails the whole. */
	assert_int_equal(cn_snapshot_plan_to(&plan, read_fd, &fd, refuse, NULL,
					     digest, &err), CN_ENOMEM);
	/* A read that fails fails the whole, before the digest. */
	close(fd);
	memset(&got, 0, sizeof(got));
	assert_int_equal(cn_snapshot_plan_to(&plan, read_fd, &fd, piece, &got,
					     digest, &err), CN_EIO);
	assert_true(got.len < len);
	free(got.all);
	cn_snapshot_plan_release(&plan);
	free(whole);
	unsetenv("COUNCIL_PAGER_SWEEP");
	fx_done(&f);
}

/* The interval between snapshots grows with the newest one's size, one
 * event per CN_APP_SNAPSHOT_BYTES_PER_EVENT bytes, never below
 * CN_APP_SNAPSHOT_EVERY; COUNCIL_SNAPSHOT_EVERY fixes it.  The size is
 * the snapshot restored, then each one stored. */
static void test_interval_follows_snapshot_size(void **state)
{
	const uint64_t per = CN_APP_SNAPSHOT_BYTES_PER_EVENT;
	struct cn_app_snaps s;
	struct fx f;
	struct cn_err err = {0};
	struct cn_world w;
	uint8_t *whole;
	size_t len;
	int64_t seq = 0;

	(void)state;
	unsetenv("COUNCIL_SNAPSHOT_EVERY");
	cn_app_snaps_init(&s);
	assert_int_equal(cn_app_snaps_interval(&s), CN_APP_SNAPSHOT_EVERY);
	s.len = CN_APP_SNAPSHOT_EVERY * per + per - 1;
	assert_int_equal(cn_app_snaps_interval(&s), CN_APP_SNAPSHOT_EVERY);
	s.len = (CN_APP_SNAPSHOT_EVERY + 1) * per;
	assert_int_equal(cn_app_snaps_interval(&s), CN_APP_SNAPSHOT_EVERY + 1);
	s.len = 22500000; /* 1M events' world */
	assert_int_equal(cn_app_snaps_interval(&s), 22500000 / per);
	s.len = UINT64_MAX;
	assert_int_equal(cn_app_snaps_interval(&s), (int64_t)(UINT64_MAX / per));
	cn_app_snaps_release(&s);
	setenv("COUNCIL_SNAPSHOT_EVERY", "5", 1);
	cn_app_snaps_init(&s);
	s.len = 22500000;
	assert_int_equal(cn_app_snaps_interval(&s), 5);
	cn_app_snaps_release(&s);

	/* A writer's, with snapshots every 10 events, then reopened. */
	fx_make(&f, "10");
	history(&f);
	assert_int_equal(cn_app_snapshot_interval(f.app), 10);
	cn_app_close(f.app);
	unsetenv("COUNCIL_SNAPSHOT_EVERY");
	fx_open(&f);
	assert_true(cn_app_opened(f.app)->seq > 0);
	assert_int_equal(cn_app_snapshot_interval(f.app), CN_APP_SNAPSHOT_EVERY);

	/* Restored: the size is the snapshot's. */
	cn_app_snaps_init(&s);
	must(cn_app_snaps_restore(&s, cn_app_store(f.app), NULL, &w, &seq, &err),
	     &err, "restore");
	assert_int_equal(seq, cn_app_opened(f.app)->seq);
	assert_true(s.len > 0);
	assert_int_equal(s.len, s.opened.bytes);
	/* Stored: the size becomes the new one's (no seal: the whole). */
	propose(&f, "NAC", "meeting", "Grown", NULL);
	cn_world_release(&w);
	must(cn_projection_replay(cn_app_store(f.app), &w, &err), &err, "replay");
	whole = encode(&w, &len);
	s.every = 1;
	must(cn_store_begin(cn_app_store(f.app), &err), &err, "begin");
	must(cn_app_snaps_take(&s, cn_app_store(f.app), &w, &err), &err, "take");
	must(cn_store_commit(cn_app_store(f.app), &err), &err, "commit");
	cn_app_snaps_committed(&s, cn_app_store(f.app), &w, NULL);
	assert_int_equal(s.seq, w.last_seq);
	assert_int_equal(s.len, len);
	free(whole);
	cn_world_release(&w);
	cn_app_snaps_release(&s);
	fx_done(&f);
}

/* The log verifies, and the next open starts from the snapshot at `at`
 * without a warning, to the same world as the replay. */
static void reopens_from(struct fx *f, int64_t at)
{
	struct cn_err err = {0};
	int64_t n, ncp;

	must(cn_app_verify(f->app, NULL, &n, &ncp, &err), &err, "verify");
	cn_app_close(f->app);
	fx_open(f);
	assert_null(cn_app_warning(f->app));
	assert_int_equal(cn_app_snapshot_seq(f->app), at);
	same_as_replay(f);
}

/* A writer whose snapshots a worker makes: each one is planned at a
 * commit, stored by a later one, trusted at the next open, and the same
 * as the log's replay. */
static void test_background_snapshots(void **state)
{
	struct fx f;
	struct cn_err err = {0};
	int64_t n, ncp, at;

	(void)state;
	setenv("COUNCIL_PAGER_SWEEP", "1", 1);
	fx_make(&f, "4");
	must(cn_app_background_snapshots(f.app, &err), &err, "background");
	history(&f);
	/* Whatever was on the way is stored by the next commit. */
	cn_app_snapshot_settle(f.app);
	propose(&f, "NAC", "meeting", "Stores what the worker made", NULL);
	at = cn_app_snapshot_seq(f.app);
	assert_true(at > 0);
	/* It names an event before the commit that stored it. */
	assert_true(at < cn_app_world(f.app)->last_seq);
	struct seen v = stored(&f);
	assert_int_equal(v.n, CN_APP_SNAPSHOTS_KEPT);
	assert_int_equal(v.seq[0], at);
	reopens_from(&f, at);

	/* A pager whose file cannot be made (it keeps every proposal in
	 * memory): snapshots are still made, of the world in memory. */
	cn_app_close(f.app);
	setenv("TMPDIR", "/nonexistent-council-tmp", 1);
	fx_open(&f);
	must(cn_app_background_snapshots(f.app, &err), &err, "background");
	for (int i = 0; i < 6; i++) {
		cn_app_snapshot_settle(f.app);
		propose(&f, "NAC", "meeting", "Without a pager's file", NULL);
	}
	assert_true(cn_app_snapshot_seq(f.app) > at);
	/* And no descriptor but the pager's was handed to the worker, which
	 * closes it: once a pager with no file said "none" as a positive
	 * number, and the worker closed stderr (fd 2), then the servers'
	 * next descriptors took its place. */
	assert_true(fcntl(STDERR_FILENO, F_GETFD) != -1);
	unsetenv("TMPDIR");
	must(cn_app_verify(f.app, NULL, &n, &ncp, &err), &err, "verify");
	unsetenv("COUNCIL_PAGER_SWEEP");
	fx_done(&f);
}

/* Proposals with long texts of letters that do not repeat (xorshift):
 * a world of several parts, cut where its content says. */
static void long_texts(struct fx *f, int n, size_t size)
{
	struct cn_err err = {0};
	uint64_t x = 88172645463325252ULL;
	char *text = malloc(size + 1);

	assert_non_null(text);
	for (int i = 0; i < n; i++) {
		for (size_t k = 0; k < size; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			text[k] = (char)('a' + x % 26);
		}
		text[size] = '\0';
		struct cn_propose_args p = {.body = "NAC", .title = "Long",
					    .procedure = "meeting",
					    .text = text};
		f->now += 3600;
		must(cn_app_run(f->app, f->now, "secretariat", cn_app_cmd_propose,
				&p, NULL, &err), &err, "propose");
	}
	free(text);
}

/* A worker's snapshot with more new parts than a commit may store
 * (COUNCIL_SNAPSHOT_AHEAD=1: one part a commit) is stored over several
 * commits, its parts first and its row last; each commit's writes stand.
 * A part the store refuses on the way is the snapshot's failure, said,
 * not the write's.  Stored, it is trusted at the next open and the same
 * as the replay, and no part is kept that no snapshot names. */
static void test_background_snapshot_stored_ahead(void **state)
{
	struct fx f;
	struct cn_err err = {0};
	int64_t parts, last, at, commits = 0;

	(void)state;
	setenv("COUNCIL_SNAPSHOT_AHEAD", "1", 1);
	fx_make(&f, "1000000"); /* the history without a snapshot */
	history(&f);
	long_texts(&f, 8, 40000);
	cn_app_close(f.app);
	setenv("COUNCIL_SNAPSHOT_EVERY", "1", 1);
	fx_open(&f);
	must(cn_app_background_snapshots(f.app, &err), &err, "background");
	propose(&f, "NAC", "meeting", "Plans the first snapshot", NULL);
	cn_app_snapshot_settle(f.app);

	/* Refused: the write stands, nothing of the snapshot is kept. */
	sql(&f, "CREATE TRIGGER no_room BEFORE INSERT ON snapshot_parts "
		"BEGIN SELECT RAISE(ABORT, 'no room'); END");
	last = cn_app_world(f.app)->last_seq;
	propose(&f, "NAC", "meeting", "Its parts refused", NULL);
	assert_int_equal(cn_app_world(f.app)->last_seq, last + 1);
	assert_int_equal(sql_int(&f, "SELECT count(*) FROM events"), last + 1);
	assert_int_equal(sql_int(&f, "SELECT count(*) FROM snapshot_parts"), 0);
	assert_int_equal(cn_app_snapshot_seq(f.app), 0);
	sql(&f, "DROP TRIGGER no_room");

	/* That commit planned the next: stored a part a commit. */
	cn_app_snapshot_settle(f.app);
	while (cn_app_snapshot_seq(f.app) == 0) {
		parts = sql_int(&f, "SELECT count(*) FROM snapshot_parts");
		assert_int_equal(sql_int(&f, "SELECT count(*) FROM snapshots"), 0);
		propose(&f, "NAC", "meeting", "Stores a part", NULL);
		commits++;
		if (cn_app_snapshot_seq(f.app) == 0)
			assert_int_equal(sql_int(&f, "SELECT count(*) FROM "
						 "snapshot_parts"), parts + 1);
		assert_true(commits < 100);
	}
	at = cn_app_snapshot_seq(f.app);
	/* Several parts, so several commits: the last one stored the row
	 * (and its own last part). */
	parts = sql_int(&f, NAMED "SELECT count(DISTINCT hash) FROM named");
	if (parts < 3 || commits != parts)
		fail_msg("%lld commits for a snapshot of %lld parts",
			 (long long)commits, (long long)parts);
	assert_int_equal(sql_int(&f, "SELECT count(*) FROM snapshots"), 1);
	assert_true(at < cn_app_world(f.app)->last_seq - commits + 1);
	assert_int_equal(sql_int(&f, NAMED "SELECT count(*) FROM snapshot_parts "
				 "WHERE hash NOT IN (SELECT hash FROM named)"), 0);
	reopens_from(&f, at);
	unsetenv("COUNCIL_SNAPSHOT_AHEAD");
	fx_done(&f);
}

/* A writer with background snapshots every 5 events, over the history:
 * its first snapshot stored, and the next one, planned an interval later
 * and sharing its parts, made and ready to store.  Returns the first's
 * event; *ready the event the ready one names. */
static int64_t ready_after_first(struct fx *f, int64_t *ready)
{
	struct cn_err err = {0};
	int64_t first;

	fx_make(f, "1000000"); /* the history without a snapshot */
	history(f);
	cn_app_close(f->app);
	setenv("COUNCIL_SNAPSHOT_EVERY", "5", 1);
	fx_open(f);
	must(cn_app_background_snapshots(f->app, &err), &err, "background");
	/* The first: planned, then stored. */
	propose(f, "NAC", "meeting", "Plans the first", NULL);
	first = cn_app_world(f->app)->last_seq;
	cn_app_snapshot_settle(f->app);
	propose(f, "NAC", "meeting", "Stores the first", NULL);
	assert_int_equal(cn_app_snapshot_seq(f->app), first);
	while (cn_app_world(f->app)->last_seq < first + 5)
		propose(f, "NAC", "meeting", "Writes until the next", NULL);
	*ready = cn_app_world(f->app)->last_seq;
	cn_app_snapshot_settle(f->app);
	return first;
}

/* A snapshot the worker made while a part it shares was stored, whose
 * part another writer's put or drop collected before it could be
 * stored: not stored, with no warning, and the commit that found it so
 * plans the next at once (not an interval later), which keeps that
 * part's bytes and is stored by the commit after. */
static void test_background_snapshot_part_dropped_since(void **state)
{
	struct fx f;
	int64_t ready, at;
	const int64_t first = ready_after_first(&f, &ready);

	(void)state;
	/* Another writer drops the first, and its parts with it. */
	sql(&f, "DELETE FROM snapshots; DELETE FROM snapshot_parts");
	propose(&f, "NAC", "meeting", "Finds a part gone", NULL);
	at = cn_app_world(f.app)->last_seq;
	assert_int_equal(sql_int(&f, "SELECT count(*) FROM snapshots"), 0);
	assert_int_equal(sql_int(&f, "SELECT count(*) FROM snapshot_parts"), 0);
	assert_int_equal(cn_app_snapshot_seq(f.app), first);
	/* That commit planned the next: the one after stores it. */
	cn_app_snapshot_settle(f.app);
	propose(&f, "NAC", "meeting", "Stores the next", NULL);
	assert_int_equal(cn_app_snapshot_seq(f.app), at);
	assert_int_equal(sql_int(&f, "SELECT count(*) FROM snapshots"), 1);
	assert_int_equal(sql_int(&f, NAMED "SELECT count(*) FROM named WHERE "
				 "hash NOT IN (SELECT hash FROM snapshot_parts)"),
			 0);
	reopens_from(&f, at);
	unsetenv("COUNCIL_SNAPSHOT_EVERY");
	fx_done(&f);
}

/* A snapshot found damaged by a rebuild (here, a batch rolled back)
 * while the worker's job is ready: that job kept only the parts not
 * stored when it was planned, and some of those it takes for stored are
 * the damaged ones.  It is dropped; the next is planned keeping every
 * part, and its put writes them all again, the damaged one included, so
 * that the next open trusts it and verify passes. */
static void test_background_snapshot_distrusted_while_ready(void **state)
{
	struct fx f;
	struct cn_err err = {0};
	int64_t ready, at;
	const int64_t first = ready_after_first(&f, &ready);

	(void)state;
	/* Every stored part is damaged; the first is no longer trusted. */
	sql(&f, "UPDATE snapshot_parts SET bytes = zeroblob(length(bytes))");
	assert_int_equal(cn_app_batch_begin(f.app, &err), 0);
	propose(&f, "NAC", "meeting", "Rolled back", NULL);
	must(cn_app_batch_end(f.app, 0, &err), &err, "roll back");
	assert_non_null(cn_app_warning(f.app));
	assert_non_null(strstr(cn_app_warning(f.app), "folded from the whole log"));
	assert_int_equal(cn_app_snapshot_seq(f.app), 0);
	/* The ready job is not stored: this commit plans another. */
	propose(&f, "NAC", "meeting", "Drops the ready one", NULL);
	at = cn_app_world(f.app)->last_seq;
	assert_true(at > ready);
	assert_int_equal(sql_int(&f, "SELECT count(*) FROM snapshots"), 1);
	assert_int_equal(sql_int(&f, "SELECT max(seq) FROM snapshots"), first);
	cn_app_snapshot_settle(f.app);
	propose(&f, "NAC", "meeting", "Stores the next", NULL);
	assert_int_equal(cn_app_snapshot_seq(f.app), at);
	assert_int_equal(sql_int(&f, "SELECT count(*) FROM snapshots"), 1);
	assert_int_equal(sql_int(&f, "SELECT count(*) FROM snapshot_parts "
				 "WHERE bytes = zeroblob(length(bytes))"), 0);
	reopens_from(&f, at);
	unsetenv("COUNCIL_SNAPSHOT_EVERY");
	fx_done(&f);
}

/* Copy database `from` into `to` with SQLite's backup API (what the
 * sqlite3 shell's .restore does): a store set back under an open app. */
static void restore_db(const char *from, const char *to)
{
	sqlite3 *src, *dst;
	sqlite3_backup *bk;

	assert_int_equal(sqlite3_open(from, &src), SQLITE_OK);
	assert_int_equal(sqlite3_open(to, &dst), SQLITE_OK);
	assert_non_null(bk = sqlite3_backup_init(dst, "main", src, "main"));
	assert_int_equal(sqlite3_backup_step(bk, -1), SQLITE_DONE);
	assert_int_equal(sqlite3_backup_finish(bk), SQLITE_OK);
	sqlite3_close(src);
	sqlite3_close(dst);
}

/* A snapshot the worker made of an event the log then lost (a store set
 * back from a backup, a database failed over to a replica that missed
 * the last commits) is not stored: the event at its seq is now another
 * one.  Before, it was stored, and verify found a snapshot of no event of
 * this log. */
static void test_background_snapshot_of_a_lost_event(void **state)
{
	struct fx f;
	struct cn_err err = {0};
	char back[160];
	int64_t n, ncp;

	(void)state;
	fx_make(&f, "1"); /* a snapshot due at every commit */
	must(cn_app_background_snapshots(f.app, &err), &err, "background");
	history(&f);
	snprintf(back, sizeof(back), "%s/back.db", f.dir);
	restore_db(f.db, back);
	/* The next commit plans a snapshot at its last event; it is made. */
	cn_app_snapshot_settle(f.app);
	propose(&f, "NAC", "meeting", "Lost with the restore", NULL);
	cn_app_snapshot_settle(f.app);
	/* The store goes back; the next write folds it again and appends
	 * another event at the same seq, with the worker's snapshot ready. */
	restore_db(back, f.db);
	propose(&f, "NAC", "meeting", "Written after the restore", NULL);
	must(cn_app_verify(f.app, NULL, &n, &ncp, &err), &err,
	     "verify after the restore");
	cn_app_close(f.app);
	fx_open(&f);
	assert_null(cn_app_warning(f.app));
	same_as_replay(&f);
	unlink(back);
	fx_done(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_and_every_byte),
		cmocka_unit_test(test_member_twice_in_electorate),
		cmocka_unit_test(test_streamed_encode),
		cmocka_unit_test(test_long_values_round_trip),
		cmocka_unit_test(test_writer_opens_from_snapshot),
		cmocka_unit_test(test_untrusted_snapshot),
		cmocka_unit_test(test_no_snapshot_trusted),
		cmocka_unit_test(test_cut_finds_its_parts_again),
		cmocka_unit_test(test_maker_cuts_as_whole),
		cmocka_unit_test(test_put_of_parts_not_at_hand),
		cmocka_unit_test(test_parts_shared_and_collected),
		cmocka_unit_test(test_damaged_shared_part),
		cmocka_unit_test(test_bad_list_of_parts),
		cmocka_unit_test(test_verify_pages_out_concluded),
		cmocka_unit_test(test_pager_write_failure_loses),
		cmocka_unit_test(test_planned_snapshot),
		cmocka_unit_test(test_background_snapshots),
		cmocka_unit_test(test_interval_follows_snapshot_size),
		cmocka_unit_test(test_background_snapshot_of_a_lost_event),
		cmocka_unit_test(test_background_snapshot_stored_ahead),
		cmocka_unit_test(test_background_snapshot_part_dropped_since),
		cmocka_unit_test(test_background_snapshot_distrusted_while_ready),
		cmocka_unit_test(test_writer_pages_out_concluded),
		cmocka_unit_test(test_pager_lost_twice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
