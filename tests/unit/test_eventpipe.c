/*
 * test_eventpipe.c - the log read on a second thread (app/eventpipe.h)
 * gives what cn_store_scan gives, in the same order, through a ring of
 * batches that turns over several times: every event once; a range from
 * a given hash; the first fault in log order, the function's or the
 * reading's (a changed event), with nothing given after it; a
 * function that halts the reader, uses the store, and is given the rest
 * all the same; parts of payloads the function keeps, which outlive
 * the scan; and parts it keeps a while and drops, freed once; and on
 * which thread each event is freed (payloads nested past the depth the
 * worker reads are left to the caller's).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "app/eventpipe.h"
#include "store/store.h"
#include "fixture.h"

#define START 1767225600 /* 2026-01-01 */
/* Proposals made on top of the seed: the ring holds CN_EP_BATCHES *
 * CN_EP_EVENTS events, and the log must go round it more than once. */
#define PROPOSALS (3 * CN_EP_BATCHES * CN_EP_EVENTS / 2)

struct fx {
	char dir[64], db[96];
	struct cn_app *app;
	int64_t n;                 /* events in the log */
	uint8_t (*hash)[CN_HASH_LEN]; /* each one's, from cn_store_scan */
};

static struct fx F;

static void must(int rc, const struct cn_err *err, const char *what)
{
	if (rc)
		fail_msg("%s: %d %s", what, rc, err->msg);
}

static int record(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct fx *f = ctx;
	uint8_t (*h)[CN_HASH_LEN] = realloc(f->hash, (size_t)ev->seq *
						     sizeof(*h));

	if (!h)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	f->hash = h;
	memcpy(f->hash[ev->seq - 1], ev->hash, CN_HASH_LEN);
	f->n = ev->seq;
	return 0;
}

static int setup(void **state)
{
	struct cn_err err = {0};
	int64_t now = START;

	(void)state;
	memset(&F, 0, sizeof(F));
	snprintf(F.dir, sizeof(F.dir), "/tmp/cn_eventpipe_XXXXXX");
	assert_non_null(mkdtemp(F.dir));
	snprintf(F.db, sizeof(F.db), "%s/council.db", F.dir);
	must(cn_app_open(F.db, CN_STORE_CREATE, &F.app, &err), &err, "create");
	must(cn_app_seed(F.app, CN_DATADIR "/nato.json", now, &err), &err,
	     "seed");
	for (int i = 0; i < PROPOSALS; i++) {
		char title[32];
		struct cn_propose_args p = {.body = "NAC", .title = title,
					    .text = "A text"};
		snprintf(title, sizeof(title), "Item %d", i);
		now += 60;
		must(cn_app_run(F.app, now, "secretariat", cn_app_cmd_propose,
				&p, NULL, &err), &err, title);
	}
	/* What the plain scan, on this thread, gives. */
	must(cn_store_scan(cn_app_store(F.app), 1, record, &F, &err), &err,
	     "scan");
	assert_true(F.n > CN_EP_BATCHES * CN_EP_EVENTS);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cn_app_close(F.app);
	fx_store_remove(F.db, F.dir);
	free(F.hash);
	return 0;
}

/* What a scan gave: events from `first` on, each checked against the
 * plain scan's; optionally a fault or a halt at one of them. */
struct seen {
	int64_t first, next;   /* the next seq expected */
	int64_t fail_at;       /* return an error at this one (0: never) */
	int64_t halt_at;       /* halt the pipe here, then read the store */
	struct cn_eventpipe *pipe;
	int out_of_order;
	int read_after_halt;
	/* keep parts of payloads (the fold keeps records by reference):
	 * every `keep`th event's payload, the next one's first value, each
	 * with its text when kept */
	int keep;
	json_t **kept;
	char **kept_text;
	size_t nkept;
	/* and drop each (its text checked first) some events after it was
	 * kept: within its batch, after the batch went back to the worker,
	 * after the worker took it again (keep_for) */
	int drop;
	int64_t *kept_at;
	size_t ndropped;
	size_t nnested;  /* of the kept, nodes two levels in (nested_part) */
	/* the pipe's count of events freed on each thread, after the scan */
	size_t by_worker, by_caller;
};

/* How many events a kept part is held: by turns, from the event after it
 * to nearly half the ring (CN_EP_BATCHES * CN_EP_EVENTS). */
static int64_t keep_for(size_t i)
{
	return 1 + (int64_t)(i % 4) * CN_EP_EVENTS / 2;
}

static void drop_due(struct seen *s, int64_t now)
{
	for (size_t i = 0; i < s->nkept; i++) {
		if (!s->kept[i] || now - s->kept_at[i] < keep_for(i))
			continue;
		char *text = json_dumps(s->kept[i], JSON_SORT_KEYS |
					JSON_ENCODE_ANY);
		assert_non_null(text);
		assert_string_equal(text, s->kept_text[i]);
		free(text);
		free(s->kept_text[i]);
		s->kept_text[i] = NULL;
		json_decref(s->kept[i]);
		s->kept[i] = NULL;
		s->ndropped++;
	}
}

/* A node two levels into a payload: the first element of its first
 * member that holds any; NULL when none does. */
static json_t *nested_part(json_t *payload)
{
	for (void *it = json_object_iter(payload); it;
	     it = json_object_iter_next(payload, it)) {
		json_t *v = json_object_iter_value(it);
		if (json_is_array(v) && json_array_size(v))
			return json_array_get(v, 0);
		if (json_is_object(v) && json_object_size(v))
			return json_object_iter_value(json_object_iter(v));
	}
	return NULL;
}

static void keep_part(struct seen *s, json_t *part)
{
	s->kept = realloc(s->kept, (s->nkept + 1) * sizeof(*s->kept));
	s->kept_text = realloc(s->kept_text,
			       (s->nkept + 1) * sizeof(*s->kept_text));
	s->kept_at = realloc(s->kept_at, (s->nkept + 1) * sizeof(*s->kept_at));
	assert_non_null(s->kept);
	assert_non_null(s->kept_text);
	assert_non_null(s->kept_at);
	s->kept_at[s->nkept] = s->next - 1;
	s->kept[s->nkept] = json_incref(part);
	assert_non_null(s->kept_text[s->nkept] =
			json_dumps(part, JSON_SORT_KEYS | JSON_ENCODE_ANY));
	s->nkept++;
}

static int see(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct seen *s = ctx;

	if (ev->seq != s->next ||
	    memcmp(ev->hash, F.hash[ev->seq - 1], CN_HASH_LEN))
		s->out_of_order = 1;
	s->next = ev->seq + 1;
	if (ev->seq == s->halt_at) {
		struct cn_event other;
		cn_eventpipe_halt(s->pipe);
		/* the store is this thread's now */
		if (cn_store_event(cn_app_store(F.app), 3, &other, err) == 0) {
			s->read_after_halt =
				!memcmp(other.hash, F.hash[2], CN_HASH_LEN);
			cn_event_release(&other);
		}
	}
	if (s->keep && ev->seq % s->keep == 0)
		keep_part(s, ev->payload);
	if (s->keep && ev->seq % s->keep == 1 && json_object_size(ev->payload)) {
		void *it = json_object_iter(ev->payload);
		keep_part(s, json_object_iter_value(it));
	}
	if (s->keep > 2 && ev->seq % s->keep == 2 && nested_part(ev->payload)) {
		keep_part(s, nested_part(ev->payload));
		s->nnested++;
	}
	if (s->drop)
		drop_due(s, ev->seq);
	if (ev->seq == s->fail_at)
		return cn_err_set(err, CN_EINVAL, "stopped at %lld",
				  (long long)ev->seq);
	return 0;
}

static int scan(struct seen *s, int64_t from, int64_t to, struct cn_err *err)
{
	static const uint8_t zero[CN_HASH_LEN];
	struct cn_eventpipe pipe;
	struct cn_store *st = cn_app_store(F.app);
	int rc;

	s->first = s->next = from;
	s->pipe = &pipe;
	assert_int_equal(cn_store_read_begin(st, err), 0);
	rc = cn_eventpipe_scan(&pipe, st, from, to,
			       from > 1 ? F.hash[from - 2] : zero, see, s, err);
	cn_store_read_end(st);
	s->by_worker = pipe.freed_by_worker;
	s->by_caller = pipe.freed_by_caller;
	return rc;
}

/* Events the caller's thread frees though no part of them is held: those
 * of the batches the worker never took back, at the end (the whole ring
 * at most). */
#define RING (CN_EP_BATCHES * CN_EP_EVENTS)

static void test_every_event_once_in_order(void **state)
{
	struct seen s = {0};
	struct cn_err err = {0};

	(void)state;
	assert_int_equal(scan(&s, 1, INT64_MAX, &err), 0);
	assert_false(s.out_of_order);
	assert_int_equal(s.next, F.n + 1);
	/* each freed once, on the worker but for the ring's last round */
	assert_int_equal(s.by_worker + s.by_caller, F.n);
	assert_true(s.by_caller <= RING);
	assert_true(s.by_worker >= (size_t)F.n - RING);
}

/* The pipe releases the events it gave, but not the parts of their
 * payloads the function kept (the fold keeps records by reference): those
 * outlive the scan, unchanged, and are the function's to release (under
 * ASan, a part freed while kept is a use after free). */
static void test_parts_kept_by_the_function_outlive_the_scan(void **state)
{
	struct seen s = {.keep = 5};
	struct cn_err err = {0};

	(void)state;
	assert_int_equal(scan(&s, 1, INT64_MAX, &err), 0);
	assert_false(s.out_of_order);
	assert_int_equal(s.next, F.n + 1);
	assert_true(s.nkept > 2 * (size_t)F.n / 5 - 2);
	/* an event whose part is still kept is left to this thread */
	assert_int_equal(s.by_worker + s.by_caller, F.n);
	assert_true(s.by_caller >= s.nkept);
	assert_true(s.by_worker > 0);
	for (size_t i = 0; i < s.nkept; i++) {
		char *now = json_dumps(s.kept[i], JSON_SORT_KEYS |
				       JSON_ENCODE_ANY);
		assert_non_null(now);
		assert_string_equal(now, s.kept_text[i]);
		free(now);
		free(s.kept_text[i]);
		json_decref(s.kept[i]);
	}
	free(s.kept);
	free(s.kept_text);
	free(s.kept_at);
}

/* What is still kept dropped (each checked as it was), and the lists
 * freed. */
static void drop_all(struct seen *s)
{
	drop_due(s, INT64_MAX);
	assert_int_equal(s->ndropped, s->nkept);
	free(s->kept);
	free(s->kept_text);
	free(s->kept_at);
}

/* Parts kept a while and dropped during the scan: the worker frees an
 * event whose payload nobody else holds any more, and leaves one still
 * held to this thread (eventpipe.c, payload_alone).  Each part is as it
 * was when dropped, and under ASan a part freed twice, or while held, is
 * named.  (That the worker's free of a part this thread dropped is ordered
 * after the drop is ThreadSanitizer's to see, over `council verify`: not
 * in make check.) */
static void test_parts_kept_then_dropped_are_freed_once(void **state)
{
	struct seen s = {.keep = 3, .drop = 1};
	struct cn_err err = {0};

	(void)state;
	assert_int_equal(scan(&s, 1, INT64_MAX, &err), 0);
	assert_false(s.out_of_order);
	assert_int_equal(s.next, F.n + 1);
	/* most were dropped during the scan, by each of the four delays;
	 * some were a node inside a payload's member */
	assert_true(s.ndropped > s.nkept / 2);
	assert_true(s.nnested > 0);
	/* both threads free some: the dropped ones on the worker */
	assert_int_equal(s.by_worker + s.by_caller, F.n);
	assert_true(s.by_worker > 0 && s.by_caller > 0);
	drop_all(&s);
}

/* {"a": {"a": ... {}}}, k objects around the empty one: its deepest
 * node k levels in. */
static json_t *nested(int k)
{
	json_t *v = json_object();

	for (int i = 0; i < k; i++) {
		json_t *o = json_object();
		assert_non_null(o);
		assert_int_equal(json_object_set_new(o, "a", v), 0);
		v = o;
	}
	return v;
}

static int count(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	(void)ev;
	(void)err;
	++*(int64_t *)ctx;
	return 0;
}

/* payload_alone reads a payload 64 levels deep (ALONE_DEPTH) and takes
 * anything deeper as held elsewhere: such an event is left to the
 * caller's thread, where freeing it is always safe.  By turns, events
 * whose deepest node is 64 levels in (freed on the worker) and 65 (left
 * to the caller), four rings of them, so that the ring's last round
 * (freed on the caller at the end) is fewer than either half.  Written
 * raw: no command nests a payload so deep, a store from elsewhere may. */
static void test_payloads_deeper_than_the_cutoff_are_left_to_the_caller(
	void **state)
{
	static const uint8_t zero[CN_HASH_LEN];
	const int64_t n = 4 * RING;
	json_t *deep[2] = {nested(64), nested(65)};
	char db[128];
	uint8_t prev[CN_HASH_LEN] = {0}, salt[CN_SALT_LEN] = {0};
	struct cn_eventpipe pipe;
	struct cn_store *st = NULL;
	struct cn_err err = {0};
	int64_t given = 0;

	(void)state;
	/* beside the fixture's store, in its directory */
	snprintf(db, sizeof(db), "%s/deep.db", F.dir);
	must(cn_store_open(db, CN_STORE_CREATE, &st, &err), &err, "create");
	must(cn_store_begin(st, &err), &err, "begin");
	for (int64_t seq = 1; seq <= n; seq++) {
		struct cn_event ev;
		memcpy(salt, &seq, sizeof(seq)); /* distinct; a test's */
		must(cn_event_init(&ev, START + seq, "secretariat", "nested",
				   deep[seq % 2], &err), &err, "event");
		must(cn_event_seal(&ev, seq, prev, salt, &err), &err, "seal");
		must(cn_store_append(st, &ev, &err), &err, "append");
		memcpy(prev, ev.hash, CN_HASH_LEN);
		cn_event_release(&ev);
	}
	must(cn_store_commit(st, &err), &err, "commit");
	json_decref(deep[0]);
	json_decref(deep[1]);

	must(cn_store_read_begin(st, &err), &err, "read");
	must(cn_eventpipe_scan(&pipe, st, 1, INT64_MAX, zero, count, &given,
			       &err), &err, "scan");
	cn_store_read_end(st);
	assert_int_equal(given, n);
	assert_int_equal(pipe.freed_by_worker + pipe.freed_by_caller, n);
	/* none 65 deep freed on the worker; of those 64 deep, all but the
	 * ring's last round */
	assert_true(pipe.freed_by_worker <= (size_t)n / 2);
	assert_true(pipe.freed_by_worker >= (size_t)n / 2 - RING);
	assert_true(pipe.freed_by_caller >= (size_t)n / 2);
	cn_store_close(st);
	fx_store_remove(db, NULL);
}

static void test_a_range_from_a_hash(void **state)
{
	struct seen s = {0};
	struct cn_err err = {0};

	(void)state;
	assert_int_equal(scan(&s, 300, 300 + CN_EP_EVENTS * 2 + 7, &err), 0);
	assert_false(s.out_of_order);
	assert_int_equal(s.next, 300 + CN_EP_EVENTS * 2 + 8);
}

static void test_the_functions_fault_stops_it(void **state)
{
	struct seen s = {.fail_at = CN_EP_EVENTS * 3 + 5, .keep = 3, .drop = 1};
	struct cn_err err = {0};
	char want[32];

	(void)state;
	assert_int_equal(scan(&s, 1, INT64_MAX, &err), CN_EINVAL);
	snprintf(want, sizeof(want), "stopped at %lld", (long long)s.fail_at);
	assert_string_equal(err.msg, want);
	assert_false(s.out_of_order);
	assert_int_equal(s.next, s.fail_at + 1); /* none given after it */
	drop_all(&s); /* and LeakSanitizer: none of the rest leaked */
}

static void test_halted_then_given_the_rest(void **state)
{
	struct seen s = {.halt_at = CN_EP_EVENTS + 3, .keep = 3, .drop = 1};
	struct cn_err err = {0};

	(void)state;
	assert_int_equal(scan(&s, 1, INT64_MAX, &err), 0);
	assert_true(s.read_after_halt);
	assert_false(s.out_of_order);
	assert_int_equal(s.next, F.n + 1);
	drop_all(&s);
}

/* A changed event: the reading's fault, after every event before it. */
static void test_a_changed_event_is_named_in_order(void **state)
{
	const int64_t bad = CN_EP_EVENTS * 2 + 10;
	struct seen s = {.keep = 3, .drop = 1};
	struct cn_err err = {0};
	char sql[256], want[64];
	sqlite3 *db;

	(void)state;
	assert_int_equal(sqlite3_open(F.db, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "DROP TRIGGER events_no_update; UPDATE events"
		 " SET bytes = replace(bytes, '\"seq\":', '\"seq\": ') WHERE"
		 " seq = %lld", (long long)bad);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(scan(&s, 1, INT64_MAX, &err), CN_ECORRUPT);
	snprintf(want, sizeof(want), "event %lld: ", (long long)bad);
	assert_non_null(strstr(err.msg, want));
	assert_false(s.out_of_order);
	assert_int_equal(s.next, bad); /* every event before it, no more */
	drop_all(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_event_once_in_order),
		cmocka_unit_test(test_parts_kept_by_the_function_outlive_the_scan),
		cmocka_unit_test(test_parts_kept_then_dropped_are_freed_once),
		cmocka_unit_test(test_a_range_from_a_hash),
		cmocka_unit_test(test_the_functions_fault_stops_it),
		cmocka_unit_test(test_halted_then_given_the_rest),
		cmocka_unit_test(
			test_payloads_deeper_than_the_cutoff_are_left_to_the_caller),
		/* last: it changes the log */
		cmocka_unit_test(test_a_changed_event_is_named_in_order),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
