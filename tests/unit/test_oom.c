/*
 * test_oom.c - out-of-memory injection, after SQLite's test_malloc.c
 * (sqlite3_memdebug_fail): for each operation of a realistic sequence
 * through the public APIs, fail the Nth allocation, for every N from 1
 * until the operation runs without meeting the failure, and expect:
 *
 *   - a clean error: CN_ENOMEM (or CN_EIO, which the store documents for
 *     any SQLite failure, out of memory included), err->code equal to the
 *     return value and a message;
 *   - no crash (no signal, no sanitizer report);
 *   - no leak: once the operation's outputs and the whole fixture are
 *     released, every allocation made since the fixture was built is freed;
 *   - still usable: run again without a failure, the operation succeeds
 *     and gives exactly the result of a clean run (for the app: the same
 *     events, proposals and verification); and an operation that met a
 *     failure yet reports success must also give exactly that result
 *     (otherwise it dropped something silently).
 *
 * How allocations fail.  The test is linked with -Wl,--wrap=malloc,
 * --wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup,--wrap=free,
 * --wrap=getline (meson.build, this test only), so every allocation in
 * libcouncil.a (and here) goes through __wrap_*; jansson's go through
 * the library's own allocator (core/json_alloc.h, whose malloc and free
 * are wrapped too: it is what tells a failed parse's out of memory from
 * bad input) and SQLite's through SQLITE_CONFIG_MALLOC (a shim
 * over its own allocator), all to one counter.  OpenSSL's are not failed: sha256.c falls back to
 * libsodium when EVP fails, and OpenSSL's own start-up is not ours to
 * test.  The counter also tracks live allocations, which is how leaks are
 * seen per failure point (LeakSanitizer only looks at process exit).
 *
 * Each failure point runs in a forked child, so a crash is recorded with
 * its operation and N instead of ending the test, and the child starts
 * from the parent's fixture as it was (the parent builds it once, without
 * failures, and advances it operation by operation).  Operations with
 * more allocations than their budget (seeding the NATO dataset makes
 * about 13,000) are sampled: every N of the first and last `edge` allocations and
 * evenly spaced ones between, from an offset drawn afresh each run (printed
 * first; COUNCIL_OOM_OFFSET=K repeats a run's points), so that runs after
 * runs reach different ones; COUNCIL_OOM_ALL=1 tries every N of every
 * operation (slow), COUNCIL_OOM_BUDGET=N about N of every sampled one
 * (`make oom`: 600).
 * COUNCIL_OOM_EACH=1 prints every finding at every
 * point, not only the first of each kind.
 *
 * Open bugs this test finds are listed in `known_bugs` (operation, kind,
 * file and function, what happens), ours (src/store, src/app, src/core)
 * and jansson's alike: the test reports each one it sees and passes; an
 * entry it does not see is reported (fixed, or missed by the sampled
 * points): remove it when the fix lands.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/export.h"
#include "app/reader.h"
#include "app/verify.h"
#include "core/checkpoint.h"
#include "core/effect.h"
#include "core/json_alloc.h"
#include "core/procedure.h"
#include "core/rule.h"
#include "core/snapshot.h"
#include "core/timeutil.h"
#include "store/sqlite.h"
#include "store/store.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define LEAK_REPORT() __lsan_do_recoverable_leak_check()
#define TRACE() __sanitizer_print_stack_trace()
#else
#define LEAK_REPORT() 0
#define TRACE() (void)0
#endif

#define DATASET CN_DATADIR "/nato.json"
#define SCENARIO CN_DATADIR "/../scenarios/tokyo-2023.json"

/* ---- the failing allocator ------------------------------------------------ */

static struct {
	long count;   /* allocations seen since armed */
	long fail_at; /* fail the allocation with this number; 0: disarmed */
	int hit;      /* the failure was injected */
	long live;    /* allocations not yet freed, armed or not */
	int trace;    /* COUNCIL_OOM_POINT: print where the failure lands */
} oom;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
void __wrap_free(void *p);

/* The counts are atomic: verify's projection check renders the replay's
 * rows on a second thread (app/projcheck.c) while this one reads the
 * store's, and both allocate.  Which allocation is the Nth then depends
 * on the two threads' interleaving, so a failure point may land in
 * either; what each point must give (a clean error, no leak, or the
 * clean run's result) holds wherever it lands. */
static int oom_fails(void)
{
	if (oom.fail_at &&
	    __atomic_add_fetch(&oom.count, 1, __ATOMIC_RELAXED) == oom.fail_at) {
		__atomic_store_n(&oom.hit, 1, __ATOMIC_RELAXED);
		if (oom.trace)
			TRACE();
		return 1;
	}
	return 0;
}

static void live_add(long n)
{
	__atomic_add_fetch(&oom.live, n, __ATOMIC_RELAXED);
}

static void *counted(void *p)
{
	live_add(p != NULL);
	return p;
}

void *__wrap_malloc(size_t n)
{
	return oom_fails() ? NULL : counted(__real_malloc(n));
}

void *__wrap_calloc(size_t n, size_t size)
{
	return oom_fails() ? NULL : counted(__real_calloc(n, size));
}

void *__wrap_realloc(void *p, size_t n)
{
	void *q;

	if (oom_fails())
		return NULL;
	q = __real_realloc(p, n);
	if (!p)
		live_add(q != NULL);
	return q;
}

char *__wrap_strdup(const char *s)
{
	return oom_fails() ? NULL : counted(__real_strdup(s));
}

char *__wrap_strndup(const char *s, size_t n)
{
	return oom_fails() ? NULL : counted(__real_strndup(s, n));
}

void __wrap_free(void *p)
{
	live_add(-(long)(p != NULL));
	__real_free(p);
}

static sqlite3_mem_methods sqlite_mem;

/* getline's buffer comes from libc's own malloc: counted here, failed
 * here (export_verify.c reads exported logs with it). */
ssize_t __real_getline(char **line, size_t *cap, FILE *f);
ssize_t __wrap_getline(char **line, size_t *cap, FILE *f);
ssize_t __wrap_getline(char **line, size_t *cap, FILE *f)
{
	char *before = *line;
	ssize_t n;

	if (oom_fails()) {
		errno = ENOMEM;
		return -1;
	}
	n = __real_getline(line, cap, f);
	live_add(!before && *line);
	return n;
}

static void *sq_malloc(int n)
{
	return oom_fails() ? NULL : counted(sqlite_mem.xMalloc(n));
}

static void *sq_realloc(void *p, int n)
{
	return oom_fails() ? NULL : sqlite_mem.xRealloc(p, n);
}

static void sq_free(void *p)
{
	live_add(-(long)(p != NULL));
	sqlite_mem.xFree(p);
}

/* Random bytes from a counter, restarted before each run of an operation:
 * the app salts every event (core/event.h), and a run, the run again and
 * the clean run must draw the same salts to give the same events. */
static uint64_t rb_counter;

static void rb_buf(void *buf, size_t n)
{
	unsigned char seed[randombytes_SEEDBYTES] = {0};
	memcpy(seed, &rb_counter, sizeof(rb_counter));
	rb_counter++;
	randombytes_buf_deterministic(buf, n, seed);
}

static uint32_t rb_random(void)
{
	uint32_t x;
	rb_buf(&x, sizeof(x));
	return x;
}

static const char *rb_name(void)
{
	return "test_oom counter";
}

static void rb_stir(void)
{
}

static int rb_close(void)
{
	return 0;
}

static randombytes_implementation rb_counter_impl = {
	rb_name, rb_random, rb_stir, NULL, rb_buf, rb_close};

/* Before anything allocates: jansson and SQLite use the counter too. */
static void oom_install(void)
{
	sqlite3_mem_methods m;

	if (randombytes_set_implementation(&rb_counter_impl))
		abort();
	/* the library's recording allocator (core/json_alloc.h), which
	 * calls malloc and free: --wrap makes them the counter's */
	cn_json_alloc_install();
	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_mem) != SQLITE_OK)
		abort();
	m = sqlite_mem;
	m.xMalloc = sq_malloc;
	m.xRealloc = sq_realloc;
	m.xFree = sq_free;
	if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK ||
	    sqlite3_initialize() != SQLITE_OK || sodium_init() < 0)
		abort();
}

static void oom_arm(long n)
{
	oom.count = 0;
	oom.hit = 0;
	oom.fail_at = n;
}

static void oom_disarm(void)
{
	oom.fail_at = 0;
}

/* ---- the fixture ------------------------------------------------------------ */

static int64_t T(const char *iso)
{
	struct cn_err err = {0};
	int64_t t = 0;

	if (cn_time_parse(iso, "test", &t, &err))
		abort();
	return t;
}

#define NRULES 6
static const char *const rule_srcs[NRULES] = {
	"consensus",
	"unanimity",
	"count(concur) >= 2/3 of electorate",
	"count(concur) >= 2 and none(object in {FR HU})",
	"count(concur) >= 55% of electorate and weight(concur, population) "
	">= 65% of electorate",
	"count(concur|footnote in {FR DE}) > 1 or (count(abstain|declared) >= 3 and none(reserve))",
};

#define NVOTERS 6
static const struct cn_voter voters[NVOTERS] = {
	{"FR", CN_POS_CONCUR, 0}, {"DE", CN_POS_FOOTNOTE, 0},
	{"HU", CN_POS_RESERVE, 0}, {"TR", CN_POS_ABSTAIN, 1},
	{"US", CN_POS_OBJECT, 0}, {"PL", CN_POS_NONE, 0},
};

static int population(void *ctx, const char *member, const char *name,
		      double *out)
{
	(void)ctx;
	(void)name;
	*out = (double)(member[0] + member[1]);
	return 0;
}

#define MAX_DOCS 64

/* Everything the operations read (built once by the parent, without
 * failures) and everything they produce (released by out_release). */
static struct {
	/* inputs */
	struct cn_app *app;        /* in memory, advanced operation by operation */
	char dir[64], db[96], exported[96];
	json_t *payload;           /* an event's payload */
	json_t *effects;           /* an open-office and an admit-member effect */
	json_t *office_fx;         /* the open-office effect alone */
	struct cn_event sealed;    /* an event as stored */
	struct cn_event *log;      /* the app's whole log, for the fold */
	size_t nlog;
	struct cn_event *osce;     /* an OSCE log: a proposal under a named rule */
	size_t nosce;
	struct cn_world w;         /* the fold of log */
	struct cn_rule *rules[NRULES];
	char *vkey;                /* FR's delegation key */
	char *log_name;            /* the log key verify reads, */
	uint8_t log_pk[CN_NOTE_PUBKEY_LEN]; /* and its public half */
	uint8_t sk[CN_NOTE_SECKEY_LEN];
	char *signature;           /* FR's signed concurrence on the ratification */
	int64_t p_meeting, p_silence, p_ratify; /* proposals open in w */
	char *texts[MAX_DOCS];     /* the app's stored views, by id - 1 */
	size_t ntexts[MAX_DOCS];
	sqlite3 *sq;               /* a row of an integer, a NULL and a text, */
	sqlite3_stmt *sq_row;      /* stepped, its columns not yet read */
	char odd_db[96];           /* a store whose text columns hold blobs */
	struct cn_store *odd;      /* it, open read-only */
	struct cn_store *search;   /* a store whose proposal is searched */
	struct cn_store *snaps;    /* a store with a snapshot stored */
	uint8_t *snap, *snaplist;  /* the next one's bytes and list of parts */
	size_t nsnap, nsnaplist;
	/* outputs */
	struct cn_event ev;
	struct cn_world w2;
	int w2_init;
	struct cn_outbox box;
	struct cn_rule *rules2[NRULES];
	struct cn_rule_result res[2 * NRULES + 8];
	json_t *docs[MAX_DOCS];
	struct cn_app *app2;
	int64_t n1, n2;
	struct cn_export_stats stats;
	char *sq_cols[3];
	size_t sq_lens[3];
	struct cn_token_info *odd_tokens;
	size_t n_odd_tokens;
	char odd_seen[1024];       /* what the odd store's other readers gave */
	size_t n_odd_seen;
	char refusal[CN_ERR_MSG_MAX]; /* why the app refused a command */
	/* run */
	unsigned long offset;      /* where the sampled points start (main) */
} S;

static void out_release(void)
{
	cn_event_release(&S.ev);
	if (S.w2_init)
		cn_world_release(&S.w2);
	S.w2_init = 0;
	cn_outbox_release(&S.box);
	memset(&S.box, 0, sizeof(S.box));
	for (size_t i = 0; i < NRULES; i++) {
		cn_rule_free(S.rules2[i]);
		S.rules2[i] = NULL;
	}
	for (size_t i = 0; i < sizeof(S.res) / sizeof(S.res[0]); i++) {
		cn_rule_result_release(&S.res[i]);
		memset(&S.res[i], 0, sizeof(S.res[i]));
	}
	for (size_t i = 0; i < MAX_DOCS; i++) {
		json_decref(S.docs[i]);
		S.docs[i] = NULL;
	}
	cn_app_close(S.app2);
	S.app2 = NULL;
	free(S.log_name);
	S.log_name = NULL;
	memset(S.log_pk, 0, sizeof(S.log_pk));
	S.n1 = S.n2 = 0;
	memset(&S.stats, 0, sizeof(S.stats));
	for (size_t i = 0; i < 3; i++) {
		free(S.sq_cols[i]);
		S.sq_cols[i] = NULL;
		S.sq_lens[i] = 0;
	}
	/* the row again, its columns unread: what SQLite made of them
	 * (the integer's text) is freed with the reset, which repeats a
	 * failed allocation's SQLITE_NOMEM: only the step must work */
	if (S.sq_row) {
		sqlite3_reset(S.sq_row);
		if (sqlite3_step(S.sq_row) != SQLITE_ROW)
			abort();
	}
	free(S.odd_tokens);
	S.odd_tokens = NULL;
	S.n_odd_tokens = 0;
	S.odd_seen[0] = '\0';
	S.n_odd_seen = 0;
	S.refusal[0] = '\0';
}

static void state_release(void)
{
	out_release();
	cn_app_close(S.app);
	S.app = NULL;
	json_decref(S.payload);
	json_decref(S.effects);
	json_decref(S.office_fx);
	S.payload = S.effects = S.office_fx = NULL;
	cn_event_release(&S.sealed);
	for (size_t i = 0; i < S.nlog; i++)
		cn_event_release(&S.log[i]);
	free(S.log);
	S.log = NULL;
	S.nlog = 0;
	for (size_t i = 0; i < S.nosce; i++)
		cn_event_release(&S.osce[i]);
	free(S.osce);
	S.osce = NULL;
	S.nosce = 0;
	cn_world_release(&S.w);
	cn_world_init(&S.w);
	for (size_t i = 0; i < NRULES; i++) {
		cn_rule_free(S.rules[i]);
		S.rules[i] = NULL;
	}
	free(S.vkey);
	free(S.signature);
	S.vkey = S.signature = NULL;
	for (size_t i = 0; i < MAX_DOCS; i++) {
		free(S.texts[i]);
		S.texts[i] = NULL;
	}
	sqlite3_finalize(S.sq_row);
	sqlite3_close(S.sq);
	S.sq_row = NULL;
	S.sq = NULL;
	cn_store_close(S.odd);
	S.odd = NULL;
	cn_store_close(S.search);
	S.search = NULL;
	cn_store_close(S.snaps);
	S.snaps = NULL;
	free(S.snap);
	free(S.snaplist);
	S.snap = S.snaplist = NULL;
}

/* ---- fingerprints: what a clean run gives ---------------------------------- */

struct fp {
	crypto_hash_sha256_state st;
	int deep;   /* also verify a store (slow: a replay of its whole log) */
	FILE *dump; /* COUNCIL_OOM_POINT: the text hashed, for a diff */
};

static void fp_bytes(struct fp *f, const void *p, size_t n)
{
	uint64_t len = n;
	crypto_hash_sha256_update(&f->st, (const void *)&len, sizeof(len));
	crypto_hash_sha256_update(&f->st, p, n);
	if (f->dump) {
		fwrite(p, 1, n, f->dump);
		fputc('\n', f->dump);
	}
}

static void fp_str(struct fp *f, const char *s)
{
	fp_bytes(f, s ? s : "(null)", s ? strlen(s) : 6);
}

static void fp_int(struct fp *f, int64_t v)
{
	fp_bytes(f, &v, sizeof(v));
}

static void fp_json(struct fp *f, const json_t *v)
{
	char *s = v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS |
					    JSON_ENCODE_ANY)
		    : NULL;
	fp_str(f, s);
	free(s);
}

static void fp_event(struct fp *f, const struct cn_event *ev)
{
	fp_int(f, ev->seq);
	fp_int(f, ev->time);
	fp_str(f, ev->actor);
	fp_str(f, ev->type);
	fp_json(f, ev->payload);
	fp_bytes(f, ev->prev, sizeof(ev->prev));
	fp_bytes(f, ev->hash, sizeof(ev->hash));
	fp_bytes(f, ev->bytes ? ev->bytes : "", ev->len);
}

static void fp_world(struct fp *f, const struct cn_world *w)
{
	fp_int(f, w->last_seq);
	fp_bytes(f, w->last_hash, sizeof(w->last_hash));
	fp_json(f, w->alliance);
	fp_int(f, (int64_t)w->nmembers);
	fp_int(f, (int64_t)w->npartners);
	fp_int(f, (int64_t)w->nbodies);
	for (size_t i = 0; i < w->nmembers; i++) {
		fp_json(f, w->members[i].record);
		fp_str(f, w->members[i].key_vkey);
	}
	for (size_t i = 0; i < w->noffices; i++) {
		json_t *o = cn_office_json(w, &w->offices[i], T("2024-06-01"));
		fp_json(f, o);
		json_decref(o);
	}
	for (size_t i = 0; i < w->nproposals; i++) {
		json_t *p = cn_proposal_json(w, cn_world_proposal(w, (int64_t)i + 1));
		fp_json(f, p);
		json_decref(p);
	}
}

/* An outbox: each item's time and payload (its type is a constant the
 * command names, which no failed allocation can change). */
static void fp_box(struct fp *f, const struct cn_outbox *b)
{
	fp_int(f, (int64_t)b->n);
	for (size_t i = 0; i < b->n; i++) {
		fp_int(f, b->items[i].time);
		fp_json(f, b->items[i].payload);
	}
}

static void fp_result(struct fp *f, const struct cn_rule_result *r)
{
	fp_int(f, r->verdict);
	fp_str(f, r->explanation);
	for (size_t i = 0; i < r->nblocking; i++)
		fp_str(f, r->blocking[i]);
	fp_int(f, -1);
	for (size_t i = 0; i < r->nholding; i++)
		fp_str(f, r->holding[i]);
}

/* An app: its world, its tree and latest checkpoint, and when deep a
 * full verification (chain, projections against a replay, tree,
 * checkpoints), which a silently dropped projection row would fail. */
static void fp_app(struct fp *f, struct cn_app *app)
{
	struct cn_err err = {0};
	int64_t n = 0, ncp = 0;
	uint64_t size = 0, cpsize = 0;
	uint8_t root[32] = {0};
	int rc;

	fp_world(f, cn_app_world(app));
	fp_int(f, cn_store_tree_size(cn_app_store(app), &size, &err));
	fp_int(f, (int64_t)size);
	fp_int(f, cn_store_checkpoint_latest(cn_app_store(app), NULL, &cpsize,
					     root, &err));
	fp_int(f, (int64_t)cpsize);
	fp_bytes(f, root, sizeof(root));
	if (!f->deep)
		return;
	rc = cn_app_verify(app, NULL, &n, &ncp, &err);
	fp_int(f, rc);
	fp_str(f, rc ? err.msg : "verified");
	fp_int(f, n);
	fp_int(f, ncp);
}

/* ---- the operations ---------------------------------------------------------- */

/* PURE: core code, or a file read; only out of memory (CN_ENOMEM) may
 * fail it, and what it allocates beyond its outputs must be freed when it
 * returns.  STORE: it uses the app's store, whose SQLite failures,
 * out of memory included, are CN_EIO (store.h). */
enum kind { PURE, STORE };

struct op {
	const char *name;
	int (*run)(struct cn_err *err); /* the operation; clears its outputs first */
	void (*fp)(struct fp *f);       /* its result */
	enum kind kind;
	long edge, budget;              /* sampling; budget 0: every N */
	int inject;                     /* 0: only advance the fixture */
};

/* -- core: events -- */

static int op_event_seal(struct cn_err *err)
{
	int rc;

	out_release();
	rc = cn_event_init(&S.ev, T("2024-01-10T09:30:00Z"), "secretariat",
			   "proposal.created", S.payload, err);
	if (!rc)
		rc = cn_event_seal(&S.ev, 7, S.sealed.prev, S.sealed.salt, err);
	return rc;
}

static int op_event_decode(struct cn_err *err)
{
	out_release();
	return cn_event_decode(S.sealed.bytes, S.sealed.len, &S.ev, err);
}

static void fp_ev(struct fp *f)
{
	fp_event(f, &S.ev);
}

/* -- core: rules -- */

static int op_rule_parse(struct cn_err *err)
{
	out_release();
	for (size_t i = 0; i < NRULES; i++) {
		int rc = cn_rule_parse(rule_srcs[i], &S.rules2[i], err);
		if (rc)
			return rc;
	}
	return 0;
}

static void fp_rules2(struct fp *f)
{
	for (size_t i = 0; i < NRULES; i++) {
		struct cn_rule_input in = {voters, NVOTERS, 1, population, NULL};
		struct cn_rule_result r = {0};
		struct cn_err err = {0};

		if (!S.rules2[i] || cn_rule_eval(S.rules2[i], &in, &r, &err)) {
			fp_str(f, "unparsed");
			continue;
		}
		fp_result(f, &r);
		cn_rule_result_release(&r);
	}
}

static int op_rule_eval(struct cn_err *err)
{
	out_release();
	for (size_t i = 0; i < 2 * NRULES; i++) {
		struct cn_rule_input in = {voters, NVOTERS, (int)(i & 1),
					   population, NULL};
		int rc = cn_rule_eval(S.rules[i / 2], &in, &S.res[i], err);
		if (rc)
			return rc;
	}
	return 0;
}

static void fp_res(struct fp *f)
{
	for (size_t i = 0; i < sizeof(S.res) / sizeof(S.res[0]); i++)
		fp_result(f, &S.res[i]);
}

/* -- store: a column's text (store/sqlite.h, cn_sq_text); an integer's
 * is made by SQLite when asked, an allocation that can fail -- */

static int prep_sq_row(struct cn_err *err)
{
	if (sqlite3_open(":memory:", &S.sq) != SQLITE_OK ||
	    sqlite3_prepare_v2(S.sq, "SELECT 1234567890123, NULL, 'a text'",
			       -1, &S.sq_row, NULL) != SQLITE_OK ||
	    sqlite3_step(S.sq_row) != SQLITE_ROW)
		return cn_err_set(err, CN_EIO, "sqlite: %s", sqlite3_errmsg(S.sq));
	return 0;
}

static int op_sq_text(struct cn_err *err)
{
	out_release();
	for (int i = 0; i < 3; i++)
		if (!(S.sq_cols[i] = cn_sq_text(S.sq_row, i, &S.sq_lens[i])))
			return cn_err_set(err, CN_ENOMEM, "cn_sq_text: NULL");
	return 0;
}

static void fp_sq_cols(struct fp *f)
{
	for (int i = 0; i < 3; i++) {
		fp_str(f, S.sq_cols[i]);
		fp_int(f, (int64_t)S.sq_lens[i]);
	}
}

/* -- store: the readers of rows whose values SQLite must convert to give
 * them as text or bytes (a blob in a TEXT column, an integer in a BLOB
 * one): the conversion allocates, and sqlite3_column_text/blob give NULL
 * when it fails, as for SQL NULL -- */

static void odd_seen(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(S.odd_seen + S.n_odd_seen,
		      sizeof(S.odd_seen) - S.n_odd_seen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(S.odd_seen) - S.n_odd_seen)
		abort();
	S.n_odd_seen += (size_t)n;
}

/* A reader's callback acts on what it is given (a notice's body is sent
 * as it is): a value that is not the row's is a defect even when the
 * scan fails at its next step, as SQLite makes it do after a column's
 * failed allocation.  So each value is checked here, when given. */
static int odd_value(const char *what, const char *got, const char *want,
		     struct cn_err *err)
{
	if (got && !strcmp(got, want))
		return 0;
	return cn_err_set(err, CN_EINVAL, "given %s '%s', not the row's '%s'",
			  what, got ? got : "(NULL)", want);
}

#define ODD_CREATED "2023-11-14T22:13:20Z"

static int odd_notice(void *ctx, const struct cn_notice *it,
		      struct cn_err *err)
{
	(void)ctx;
	if (odd_value("a notice's kind", it->kind, "create", err) ||
	    odd_value("a notice's ref", it->ref, "123456", err))
		return err->code;
	if (!it->body || it->len != 13 || memcmp(it->body, "1234567890123", 13))
		return cn_err_set(err, CN_EINVAL, "given a notice's body of %zu "
				  "bytes, not the row's", it->len);
	odd_seen("notice %s/%s/%s/%s [%.*s]\n", it->channel, it->kind, it->ref,
		 it->state, (int)it->len, it->body);
	return 0;
}

static int odd_person(void *ctx, const struct cn_person *p,
		      struct cn_err *err)
{
	(void)ctx;
	if (odd_value("a person's name", p->name, "alices", err) ||
	    odd_value("a person's principal", p->principal, "FR", err) ||
	    odd_value("a person's pwhash", p->pwhash, "$argon", err) ||
	    odd_value("a person's created", p->created, ODD_CREATED, err))
		return err->code;
	odd_seen("person %s/%s/%s/%s/%s\n", p->name, p->role, p->principal,
		 p->pwhash, p->created);
	return 0;
}

static int odd_token(void *ctx, const struct cn_token_row *t,
		     struct cn_err *err)
{
	(void)ctx;
	if (odd_value("a token's principal", t->principal, "FR", err) ||
	    odd_value("a token's label", t->label, "labels", err) ||
	    odd_value("a token's created", t->created, ODD_CREATED, err))
		return err->code;
	odd_seen("token %s/%s/%s/%s/%s\n", t->role, t->principal, t->label,
		 t->created, t->revoked ? t->revoked : "-");
	return 0;
}

static int op_odd_reads(struct cn_err *err)
{
	int rc;

	out_release();
	if ((rc = cn_store_token_list(S.odd, 0, INT64_MAX, &S.odd_tokens,
				      &S.n_odd_tokens, err)) ||
	    (rc = cn_store_tokens(S.odd, odd_token, NULL, err)) ||
	    (rc = cn_store_people_list(S.odd, 0, INT64_MAX, odd_person, NULL,
					err)) ||
	    (rc = cn_store_notice_rows(S.odd, odd_notice, NULL, err)))
		return rc;
	return 0;
}

static void fp_odd_reads(struct fp *f)
{
	for (size_t i = 0; i < S.n_odd_tokens; i++) {
		const struct cn_token_info *t = &S.odd_tokens[i];
		fp_int(f, t->id);
		fp_str(f, t->role);
		fp_str(f, t->principal);
		fp_str(f, t->label);
		fp_str(f, t->created);
		fp_str(f, t->revoked);
	}
	fp_str(f, S.odd_seen);
}

/* Made through the store, then changed behind its back (the store never
 * writes such values; a file from elsewhere may hold them), then opened
 * read-only and read once, so that what the reads keep (statements, the
 * page cache) is the fixture's. */
static int prep_odd_store(struct cn_err *err)
{
	static const uint8_t hash[CN_HASH_LEN] = {1};
	static const char body[] = "{\"type\":\"created\"}";
	/* Texts of 6 bytes: SQLite keeps a column's value in 8 (its
	 * length, 2 NULs, rounded), so making a blob of 6 into text needs
	 * a larger allocation (a third NUL, for UTF-16), one that can fail. */
	struct cn_person p = {.name = "alices", .role = "member",
			      .principal = "FR", .pwhash = "$argon"};
	struct cn_notice it = {.channel = "1", .kind = "create", .ref = "123456",
			       .target = 1, .body = body, .len = sizeof(body) - 1,
			       .created = 1700000000, .next_at = 1700000000};
	struct cn_store *st = NULL;
	sqlite3 *db = NULL;
	int64_t id;
	int rc;

	snprintf(S.odd_db, sizeof(S.odd_db), "%s/odd.db", S.dir);
	if ((rc = cn_store_open(S.odd_db, CN_STORE_CREATE, &st, err)) ||
	    (rc = cn_store_begin(st, err)) ||
	    (rc = cn_store_token_add(st, hash, "member", "FR", "labels",
				     1700000000, &id, err)) ||
	    (rc = cn_store_person_add(st, &p, 1700000000, &id, err)) ||
	    (rc = cn_store_notice_add(st, &it, NULL, err)) ||
	    (rc = cn_store_commit(st, err))) {
		cn_store_close(st);
		return rc;
	}
	cn_store_close(st);
	if (sqlite3_open(S.odd_db, &db) != SQLITE_OK ||
	    sqlite3_exec(db,
			 "UPDATE tokens SET principal = CAST(principal AS BLOB),"
			 " label = CAST(label AS BLOB),"
			 " created = CAST(created AS BLOB);"
			 "UPDATE people SET name = CAST(name AS BLOB),"
			 " principal = CAST(principal AS BLOB),"
			 " pwhash = CAST(pwhash AS BLOB),"
			 " created = CAST(created AS BLOB);"
			 "UPDATE notices SET kind = CAST(kind AS BLOB),"
			 " ref = CAST(ref AS BLOB), body = 1234567890123",
			 NULL, NULL, NULL) != SQLITE_OK) {
		rc = cn_err_set(err, CN_EIO, "%s: %s", S.odd_db,
				sqlite3_errmsg(db));
		sqlite3_close(db);
		return rc;
	}
	sqlite3_close(db);
	if ((rc = cn_store_open(S.odd_db, CN_STORE_READONLY, &S.odd, err)) ||
	    (rc = op_odd_reads(err)))
		return rc;
	out_release();
	return 0;
}

/* -- store: a write that re-indexes a proposal's words (SQLite's FTS5,
 * through proposal_words' update trigger), then the same write again:
 * an allocation failing inside FTS5 must leave the connection able to
 * write the next time.  SQLite 3.40.1's did not (found by `make oom`
 * at 06af413, app-conclude, app-tick and app-withdraw): the next write
 * failed as "database disk image is malformed".  The store now resets
 * FTS5 after a write SQLite rolled back itself (sqlite.h, search_stale);
 * without that, this fails at N=103..104 -- */

/* Column `name` of a proposals row, by the table's own list. */
static struct cn_value *search_col(struct cn_row *r, const char *name)
{
	const struct cn_table_def *t = &cn_tables[CN_TAB_PROPOSALS];

	for (unsigned i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i].name, name))
			return &r->v[i];
	fail_msg("proposals has no column %s", name);
	return NULL;
}

/* A proposal's row as the projection writes it, in `status`; the
 * columns not named here NULL. */
static void search_row(struct cn_row *r, const char *status)
{
	static const char doc[] = "{\"text\":\"The liaison office in Tokyo.\"}";
	static const struct {
		const char *col, *text;
		int64_t i;
	} cols[] = {
		{"id", NULL, 1},
		{"body", "NAC", 0},
		{"title", "Open a liaison office", 0},
		{"procedure", "meeting", 0},
		{"opened", "2023-06-01T09:00:00Z", 0},
		{"revision", NULL, 1},
		{"shared", NULL, 0},
		{"doc", doc, 0},
	};

	memset(r, 0, sizeof(*r));
	r->table = CN_TAB_PROPOSALS;
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		*search_col(r, cols[i].col) =
			cols[i].text ? (struct cn_value){CN_VAL_TEXT, 0,
							 cols[i].text,
							 strlen(cols[i].text)}
				     : (struct cn_value){CN_VAL_INT, cols[i].i,
							 NULL, 0};
	*search_col(r, "status") =
		(struct cn_value){CN_VAL_TEXT, 0, status, strlen(status)};
}

static int search_put(const char *status, struct cn_err *err)
{
	struct cn_row r;
	int rc;

	search_row(&r, status);
	if ((rc = cn_store_begin(S.search, err)))
		return rc;
	if ((rc = cn_store_put_row(S.search, &r, err)) ||
	    (rc = cn_store_commit(S.search, err)))
		cn_store_rollback(S.search); /* as the app does */
	return rc;
}

static int search_found(void *ctx, const struct cn_proposal_row *r,
			struct cn_err *err)
{
	(void)err;
	snprintf(ctx, 64, "%lld %s", (long long)r->id, r->status);
	return 0;
}

/* What a search for the proposal's words finds (its id and status), or
 * "none": the index as the store reads it. */
static int search_find(char found[64], struct cn_err *err)
{
	struct cn_proposal_query q = {.sight = {.every = 1},
				      .match = "liaison tokyo", .limit = 10};

	strcpy(found, "none");
	return cn_store_proposal_page(S.search, &q, search_found, found, err);
}

static int op_search_write(struct cn_err *err)
{
	out_release();
	return search_put("concluded", err);
}

static void fp_search(struct fp *f)
{
	struct cn_err err = {0};
	char found[64];

	fp_str(f, search_find(found, &err) ? err.msg : found);
}

/* A store holding the proposal, open; the write the operation makes and
 * the search made once, so that the statements and pages they keep are
 * the fixture's.  In memory: each failure point's child then writes to
 * its own copy (children writing to one file would each find the last
 * one's proposal). */
static int prep_search(struct cn_err *err)
{
	char found[64];
	int rc;

	if ((rc = cn_store_open(NULL, CN_STORE_MEMORY, &S.search, err)) ||
	    (rc = search_put("open", err)) || (rc = search_put("voting", err)) ||
	    (rc = search_find(found, err)))
		return rc;
	if (strcmp(found, "1 voting"))
		return cn_err_set(err, CN_EINVAL, "search found '%s', not the "
				  "proposal voting", found);
	return 0;
}

/* -- store: a snapshot's new parts stored a commit at a time, then its
 * row (what a server's snapshot worker has its writer do) -- */

#define SNAP_LEN (512 * 1024)
static const uint8_t snap_hash[CN_HASH_LEN] = {2};

/* Bytes of a world's snapshot as far as the store can tell: 512 KiB that
 * do not repeat (xorshift), so they cut into several parts; variant 1
 * differs from 0 in its first and last bytes, so the two share the parts
 * between and variant 1 has two new ones. */
static uint8_t *snap_bytes(int variant)
{
	uint8_t *b = malloc(SNAP_LEN);
	uint64_t x = 2463534242u;

	if (!b)
		return NULL;
	for (size_t i = 0; i < SNAP_LEN; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		b[i] = (uint8_t)x;
	}
	b[0] ^= (uint8_t)variant;
	b[SNAP_LEN - 1] ^= (uint8_t)variant;
	return b;
}

/* As a server's worker and writer do: the snapshot's parts made as its
 * bytes come (in pieces of 4 KiB), keeping the bytes of those the store
 * does not hold; then, until none is left, a commit storing one more of
 * its new parts (a budget of 1 byte: a part a commit), the last one its
 * row. */
static int op_snapshot_ahead(struct cn_err *err)
{
	struct cn_snapshot_row row = {2, snap_hash, CN_HASH_LEN, NULL, 0, NULL};
	struct cn_snapshot_maker *m = NULL;
	struct cn_snapshot_parts parts;
	uint8_t *known = NULL;
	size_t nknown = 0, left = 1;
	int rc;

	out_release();
	if ((rc = cn_store_snapshot_stored(S.snaps, &known, &nknown, err)) ||
	    (rc = cn_store_snapshot_maker(known, nknown, &m, err)))
		goto done;
	for (size_t at = 0; rc == 0 && at < S.nsnap; at += 4096)
		if (cn_store_snapshot_maker_add(m, S.snap + at,
						S.nsnap - at < 4096 ? S.nsnap - at
								     : 4096))
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	if (rc || (rc = cn_store_snapshot_maker_end(m, &parts, &row.len, err)))
		goto done;
	while (rc == 0 && left) {
		if ((rc = cn_store_begin(S.snaps, err)))
			break;
		rc = cn_store_snapshot_put_listed(S.snaps, &row, &parts, 2, 0, 1,
						  &left, err);
		if (rc == 0)
			rc = cn_store_commit(S.snaps, err);
		if (rc)
			cn_store_rollback(S.snaps);
	}
done:
	cn_store_snapshot_maker_free(m);
	free(known);
	return rc;
}

static int snap_seen(void *ctx, const struct cn_snapshot_row *r,
		     struct cn_err *err)
{
	struct fp *f = ctx;

	(void)err;
	fp_int(f, r->seq);
	if (r->why)
		fp_str(f, r->why);
	else
		fp_bytes(f, r->bytes, r->len);
	return 0;
}

/* Each stored snapshot, its bytes put together from its parts. */
static void fp_snapshots(struct fp *f)
{
	struct cn_err err = {0};

	if (cn_store_snapshots(S.snaps, snap_seen, f, &err))
		fp_str(f, err.msg);
}

/* The next snapshot has at least two parts that the first has not (a
 * list: "CNPARTS1", then per part a SHA-256 and a 4-byte length), or
 * the operation would store them in one commit. */
static int new_parts(const uint8_t *first, struct cn_err *err)
{
	uint8_t *old = NULL;
	size_t nold = 0, fresh = 0, entry = CN_HASH_LEN + 4;
	int rc = cn_store_snapshot_list(first, SNAP_LEN, &old, &nold, err);

	for (size_t i = 8; rc == 0 && i + entry <= S.nsnaplist; i += entry) {
		int known = 0;
		for (size_t j = 8; j + entry <= nold; j += entry)
			known |= !memcmp(S.snaplist + i, old + j, CN_HASH_LEN);
		fresh += !known;
	}
	free(old);
	if (rc == 0 && (fresh < 2 || fresh == (S.nsnaplist - 8) / entry))
		rc = cn_err_set(err, CN_EINVAL, "the next snapshot has %zu new "
				"parts of %zu: not a test of storing ahead",
				fresh, (S.nsnaplist - 8) / entry);
	return rc;
}

/* A memory store (each child its own copy) with the snapshot at 1 stored
 * whole (one commit); the next one's bytes and list made. */
static int prep_snapshot_ahead(struct cn_err *err)
{
	uint8_t *first = snap_bytes(0);
	struct cn_snapshot_row row = {1, snap_hash, CN_HASH_LEN, first,
				      SNAP_LEN, NULL};
	int rc;

	if (!first || !(S.snap = snap_bytes(1)))
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	else if ((rc = cn_store_open(NULL, CN_STORE_MEMORY, &S.snaps, err)) ==
			 0 &&
		 (rc = cn_store_begin(S.snaps, err)) == 0) {
		rc = cn_store_snapshot_put(S.snaps, &row, 2, 0, err);
		rc = rc ? rc : cn_store_commit(S.snaps, err);
		if (rc)
			cn_store_rollback(S.snaps);
	}
	S.nsnap = SNAP_LEN;
	if (rc == 0)
		rc = cn_store_snapshot_list(S.snap, S.nsnap, &S.snaplist,
					    &S.nsnaplist, err);
	if (rc == 0)
		rc = new_parts(first, err);
	free(first);
	return rc;
}

/* -- core: an effect as a command line writes it, in its JSON form -- */

static int op_effect_parse(struct cn_err *err)
{
	out_release();
	return cn_effect_parse("{\"type\": \"open-office\", \"id\": \"nlo-tokyo\", "
			       "\"name\": \"NATO Liaison Office Tokyo\", "
			       "\"city\": \"Tokyo\", \"country\": \"JP\"}",
			       &S.docs[0], err);
}

/* -- core: the fold of the app's whole log (NATO registry, the Tokyo case,
 * meetings, silence, ratification, a key and a signed position) -- */

/* The fold of n events into S.w2. */
static int fold_into_w2(const struct cn_event *log, size_t n,
			struct cn_err *err)
{
	out_release();
	cn_world_init(&S.w2);
	S.w2_init = 1;
	for (size_t i = 0; i < n; i++) {
		int rc = cn_world_apply(&S.w2, &log[i], err);
		if (rc)
			return rc;
	}
	return 0;
}

static int op_world_fold(struct cn_err *err)
{
	return fold_into_w2(S.log, S.nlog, err);
}

static void fp_w2(struct fp *f)
{
	fp_world(f, &S.w2);
}

/* -- core: the folded world's snapshot, streamed (snapshot.h) -- */

/* What the sink was given: its length and digest. */
static struct {
	crypto_hash_sha256_state st;
	uint64_t len;
	uint8_t digest[crypto_hash_sha256_BYTES];
} snap;

static int snap_sink(void *ctx, const uint8_t *bytes, size_t n)
{
	(void)ctx;
	snap.len += n;
	crypto_hash_sha256_update(&snap.st, bytes, n);
	return 0;
}

/* As verify and the writer stream it: the whole snapshot, or CN_ENOMEM.
 * A failure in the first append once gave an empty snapshot as whole,
 * and verify called the store corrupt (its snapshot "differs from the
 * world replayed to it"). */
static int op_snapshot_encode(struct cn_err *err)
{
	int rc;

	crypto_hash_sha256_init(&snap.st);
	snap.len = 0;
	memset(snap.digest, 0, sizeof(snap.digest));
	if (!(rc = cn_snapshot_encode_to(&S.w, snap_sink, NULL, err)))
		crypto_hash_sha256_final(&snap.st, snap.digest);
	return rc;
}

static void fp_snapshot(struct fp *f)
{
	fp_int(f, (int64_t)snap.len);
	fp_bytes(f, snap.digest, sizeof(snap.digest));
}

/* -- core: commands (procedure.h) on the folded world -- */

#define NOW "2024-06-01T12:00:00Z"

static int op_cmd_propose(struct cn_err *err)
{
	const struct cn_propose_args a[] = {
		{.body = "NAC", .title = "An office", .text = "Text",
		 .procedure = "meeting", .level = "foreign-ministers",
		 .place = "Brussels", .effects = S.effects},
		{.body = "NAC", .title = "Silence", .procedure = "silence",
		 .deadline = "2024-07-01T12:00:00Z", .shared = 1},
		{.body = "NPG", .title = "Accession", .procedure = "ratification",
		 .proposer = "delegation:US", .effects = S.effects},
	};
	int64_t id;
	int rc = 0;

	out_release();
	for (size_t i = 0; !rc && i < sizeof(a) / sizeof(a[0]); i++)
		rc = cn_cmd_propose(&S.w, T(NOW), &a[i], &S.box, &id, err);
	return rc;
}

static int op_cmd_respond(struct cn_err *err)
{
#define POS(id, m, p, t) \
	{.proposal = (id), .member = (m), .act = CN_ACT_POSITION, .pos = (p), \
	 .text = (t)}
	const struct cn_respond_args a[] = {
		POS(S.p_meeting, "DE", CN_POS_CONCUR, NULL),
		POS(S.p_meeting, "BE", CN_POS_RESERVE, "instructions"),
		{.proposal = S.p_meeting, .member = "TR", .act = CN_ACT_POSITION,
		 .pos = CN_POS_ABSTAIN, .text = "declaration", .declared = 1},
		POS(S.p_meeting, "PL", CN_POS_FOOTNOTE, "a footnote"),
		{.proposal = S.p_meeting, .member = "IT", .act = CN_ACT_COMMENT,
		 .text = "a comment"},
		{.proposal = S.p_meeting, .member = "FR", .act = CN_ACT_POSITION,
		 .pos = CN_POS_CONCUR, .signature = S.signature},
		{.proposal = S.p_silence, .member = "HU", .act = CN_ACT_LIFT},
		POS(S.p_silence, "GB", CN_POS_OBJECT, "a letter"),
		POS(S.p_ratify, "US", CN_POS_CONCUR, NULL),
	};
#undef POS
	int rc = 0;

	out_release();
	for (size_t i = 0; !rc && i < sizeof(a) / sizeof(a[0]); i++)
		rc = cn_cmd_respond(&S.w, T(NOW), &a[i], &S.box, err);
	return rc;
}

static int op_cmd_secretariat(struct cn_err *err)
{
	int64_t now = T(NOW);
	int rc;

	out_release();
	if ((rc = cn_cmd_extend(&S.w, now, S.p_silence, "2031-01-01T00:00:00Z",
				&S.box, err)) ||
	    (rc = cn_cmd_recirculate(&S.w, now, S.p_silence, "Revised text",
				     "2031-01-01T00:00:00Z", &S.box, err)) ||
	    (rc = cn_cmd_conclude(&S.w, now, S.p_meeting, &S.box, err)) ||
	    (rc = cn_cmd_withdraw(&S.w, now, S.p_ratify, "overtaken", &S.box,
				  err)) ||
	    (rc = cn_cmd_tick(&S.w, now, &S.box, err)) ||
	    (rc = cn_cmd_register_key(&S.w, now, "DE", S.vkey, &S.box, err)))
		return rc;
	return 0;
}

static void fp_outbox(struct fp *f)
{
	fp_box(f, &S.box);
}

static int op_evaluate(struct cn_err *err)
{
	size_t k = 0;

	out_release();
	for (size_t i = 0; i < S.w.nproposals; i++)
		for (int final = 0; final < 2; final++) {
			int rc;
			if (k == sizeof(S.res) / sizeof(S.res[0]))
				abort(); /* the fixture grew: make res larger */
			rc = cn_proposal_evaluate(&S.w, S.w.proposals[i], final,
						  &S.res[k++], err);
			if (rc)
				return rc;
		}
	return 0;
}

/* The JSON views: NULL is their only way to say "out of memory". */
static int op_views(struct cn_err *err)
{
	size_t k = 0;

	out_release();
	for (size_t i = 0; i < S.w.nproposals; i++)
		if (!(S.docs[k++] = cn_proposal_json(&S.w, S.w.proposals[i])))
			return cn_err_set(err, CN_ENOMEM, "cn_proposal_json: NULL");
	for (size_t i = 0; i < S.w.noffices && k < MAX_DOCS; i++)
		if (!(S.docs[k++] = cn_office_json(&S.w, &S.w.offices[i],
						   T(NOW))))
			return cn_err_set(err, CN_ENOMEM, "cn_office_json: NULL");
	return 0;
}

static void fp_docs(struct fp *f)
{
	for (size_t i = 0; i < MAX_DOCS; i++)
		fp_json(f, S.docs[i]);
}

/* -- app: the stored views' texts parsed back, as the server and the CLI
 * read them (a view that fails for lack of memory is not corrupt) -- */

static int prep_stored_texts(struct cn_err *err)
{
	for (size_t i = 0; i < S.w.nproposals && i < MAX_DOCS; i++) {
		int rc = cn_store_proposal_text(cn_app_store(S.app),
						(int64_t)i + 1, &S.texts[i],
						&S.ntexts[i], err);
		if (rc)
			return rc;
	}
	return 0;
}

static int op_stored_views(struct cn_err *err)
{
	out_release();
	for (size_t i = 0; i < MAX_DOCS && S.texts[i]; i++) {
		int rc = cn_proposal_view_parse((int64_t)i + 1, S.texts[i],
						S.ntexts[i], &S.docs[i], err);
		if (rc)
			return rc;
	}
	return 0;
}

/* -- the app: an in-memory store, seeded, the Tokyo case, commands -- */

static int app_run(const char *at, const char *actor, cn_command_fn fn,
		   const void *args, struct cn_err *err)
{
	out_release();
	return cn_app_run(S.app, T(at), actor, fn, args, NULL, err);
}

static int respond(int64_t id, const char *member, enum cn_act act,
		   enum cn_pos pos, const char *text, const char *signature,
		   const char *at, struct cn_err *err)
{
	struct cn_respond_args a = {.proposal = id, .member = member, .act = act,
				    .pos = pos, .text = text,
				    .signature = signature};
	char actor[32];

	snprintf(actor, sizeof(actor), "delegation:%s", member);
	return app_run(at, actor, cn_app_cmd_respond, &a, err);
}

static int propose(const char *title, const char *procedure,
		   const char *deadline, const json_t *effects, const char *at,
		   struct cn_err *err)
{
	struct cn_propose_args a = {.body = "NAC", .title = title,
				    .text = "The text.", .procedure = procedure,
				    .deadline = deadline, .effects = effects};
	if (!strcmp(procedure, "meeting")) {
		a.level = "permanent-representatives";
		a.place = "NATO Headquarters, Brussels";
	}
	return app_run(at, "secretariat", cn_app_cmd_propose, &a, err);
}

static int secretariat(cn_command_fn fn, int64_t id, const char *reason,
		       const char *at, struct cn_err *err)
{
	struct cn_app_secretariat_args a = {.proposal = id, .reason = reason};
	return app_run(at, "secretariat", fn, &a, err);
}

static int register_fr(const struct cn_world *w, int64_t now, const void *a,
		       struct cn_outbox *box, struct cn_err *err)
{
	return cn_cmd_register_key(w, now, "FR", a, box, err);
}

/* FR's signature over its concurrence on proposal id (revision 1). */
static char *sign_concur(int64_t id)
{
	struct cn_err err = {0};
	uint8_t sig[crypto_sign_BYTES];
	char *msg = NULL, *b64;
	size_t len, n = sodium_base64_ENCODED_LEN(sizeof(sig),
						  sodium_base64_VARIANT_ORIGINAL);

	if (cn_position_message(id, 1, "FR", "concur", NULL, 0, &msg, &len, &err) ||
	    crypto_sign_detached(sig, NULL, (const uint8_t *)msg, len, S.sk) ||
	    !(b64 = malloc(n)))
		abort();
	sodium_bin2base64(b64, n, sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	free(msg);
	return b64;
}

static int op_app_open(struct cn_err *err)
{
	out_release();
	return cn_app_open(NULL, CN_STORE_MEMORY, &S.app2, err);
}

static void fp_app2(struct fp *f)
{
	if (S.app2)
		fp_app(f, S.app2);
}

static int op_app_seed(struct cn_err *err)
{
	out_release();
	return cn_app_seed(S.app, DATASET, T("2023-01-01T00:00:00Z"), err);
}

static int op_app_replay(struct cn_err *err)
{
	out_release();
	return cn_app_replay(S.app, SCENARIO, &S.docs[0], err);
}

static void fp_app1(struct fp *f)
{
	fp_app(f, S.app);
}

/* Proposal ids: 1 is Tokyo (the scenario), then in this order. */
enum { P_OFFICE = 2, P_SILENCE_DUE, P_MEETING, P_SILENCE, P_RATIFY, P_DUE,
       P_WITHDRAWN };

static int op_propose_meeting(struct cn_err *err)
{
	return propose("An office", "meeting", NULL, S.office_fx,
		       "2024-01-10T10:00:00Z", err);
}

static int op_respond_fr(struct cn_err *err)
{
	return respond(P_OFFICE, "FR", CN_ACT_POSITION, CN_POS_CONCUR, NULL,
		       NULL, "2024-01-11T10:00:00Z", err);
}

static int prep_reserve_hu(struct cn_err *err)
{
	return respond(P_OFFICE, "HU", CN_ACT_POSITION, CN_POS_RESERVE,
		       "instructions awaited", NULL, "2024-01-12T10:00:00Z", err);
}

static int op_lift_hu(struct cn_err *err)
{
	return respond(P_OFFICE, "HU", CN_ACT_LIFT, CN_POS_NONE, NULL, NULL,
		       "2024-01-13T10:00:00Z", err);
}

static int prep_footnote_de(struct cn_err *err)
{
	return respond(P_OFFICE, "DE", CN_ACT_POSITION, CN_POS_FOOTNOTE,
		       "a footnote", NULL, "2024-01-14T10:00:00Z", err);
}

static int op_conclude(struct cn_err *err)
{
	return secretariat(cn_app_cmd_conclude, P_OFFICE, NULL,
			   "2024-01-15T10:00:00Z", err);
}

static int prep_propose_silence_due(struct cn_err *err)
{
	return propose("Under silence", "silence", "2024-02-01T12:00:00Z", NULL,
		       "2024-01-20T10:00:00Z", err);
}

static int prep_comment_tr(struct cn_err *err)
{
	return respond(P_SILENCE_DUE, "TR", CN_ACT_COMMENT, CN_POS_NONE,
		       "a comment", NULL, "2024-01-21T10:00:00Z", err);
}

static int op_tick(struct cn_err *err)
{
	return app_run("2024-02-02T10:00:00Z", "clock", cn_app_cmd_tick, NULL,
		       err);
}

static int op_register_key(struct cn_err *err)
{
	return app_run("2024-02-03T10:00:00Z", "delegation:FR", register_fr,
		       S.vkey, err);
}

static int prep_open_proposals(struct cn_err *err)
{
	int rc;

	if ((rc = propose("A meeting", "meeting", NULL, NULL,
			  "2024-03-01T10:00:00Z", err)) ||
	    (rc = respond(P_MEETING, "FR", CN_ACT_POSITION, CN_POS_OBJECT,
			  "no", NULL, "2024-03-02T10:00:00Z", err)) ||
	    (rc = propose("A long silence", "silence", "2030-01-01T00:00:00Z",
			  NULL, "2024-03-03T10:00:00Z", err)) ||
	    (rc = respond(P_SILENCE, "HU", CN_ACT_POSITION, CN_POS_RESERVE,
			  "instructions awaited", NULL, "2024-03-04T10:00:00Z",
			  err)) ||
	    (rc = propose("An accession", "ratification", NULL, S.effects,
			  "2024-03-05T10:00:00Z", err)))
		return rc;
	free(S.signature);
	S.signature = sign_concur(P_RATIFY);
	return 0;
}

static int op_respond_signed(struct cn_err *err)
{
	return respond(P_RATIFY, "FR", CN_ACT_POSITION, CN_POS_CONCUR, NULL,
		       S.signature, "2024-03-06T10:00:00Z", err);
}

static int prep_due_and_withdrawn(struct cn_err *err)
{
	int rc;

	if ((rc = propose("Due in May", "silence", "2024-05-01T00:00:00Z", NULL,
			  "2024-04-01T10:00:00Z", err)) ||
	    (rc = propose("To be withdrawn", "meeting", NULL, NULL,
			  "2024-04-02T10:00:00Z", err)))
		return rc;
	return 0;
}

static int op_withdraw(struct cn_err *err)
{
	return secretariat(cn_app_cmd_withdraw, P_WITHDRAWN, "overtaken",
			   "2024-04-03T10:00:00Z", err);
}

/* A partner whose name holds a NUL: encoded as \u0000, which the
 * decoder refuses, so the app's read back fails and it looks for the
 * field to name (app.c, unreadable_field), parsing each one again.  A
 * field before it reads back: out of memory checking that one must not
 * name it instead. */
static int unreadable_cmd(const struct cn_world *w, int64_t now,
			  const void *a, struct cn_outbox *box,
			  struct cn_err *err)
{
	json_t *pl = json_pack("{s:s, s:{s:s, s:s%, s:s, s:s}}", "note",
			       "a note", "partner", "code", "MX", "name",
			       "Mex\0ico", (size_t)7, "framework",
			       "partners-across-the-globe", "source", "test");
	(void)w;
	(void)a;
	if (!pl || !(box->items = calloc(1, sizeof(*box->items)))) {
		json_decref(pl);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	box->items[0].time = now;
	box->items[0].type = CN_EV_PARTNER_ADDED;
	box->items[0].payload = pl;
	box->n = 1;
	return 0;
}

/* Refused (CN_EINVAL) as a clean run refuses it: its message is the
 * result; out of memory is an error as ever. */
static int op_unreadable(struct cn_err *err)
{
	int rc = app_run("2024-04-04T10:00:00Z", "secretariat", unreadable_cmd,
			 NULL, err);

	if (rc != CN_EINVAL)
		return rc ? rc : cn_err_set(err, CN_EINVAL, "not refused");
	snprintf(S.refusal, sizeof(S.refusal), "%s", err->msg);
	memset(err, 0, sizeof(*err));
	return 0;
}

static void fp_refusal(struct fp *f)
{
	fp_str(f, S.refusal);
}

static int op_app_verify(struct cn_err *err)
{
	out_release();
	return cn_app_verify(S.app, NULL, &S.n1, &S.n2, err);
}

/* What verify does first: the log key the store names, read and
 * decoded, then checked against itself as a published key would be. */
static int op_verify_log_key(struct cn_err *err)
{
	struct cn_store *st = cn_app_store(S.app);
	int rc;

	out_release();
	rc = cn_verify_log_key(st, NULL, &S.log_name, S.log_pk, err);
	return rc ? rc
		  : cn_verify_named_key_is(st, S.log_name, S.log_pk, err);
}

static void fp_log_key(struct fp *f)
{
	fp_str(f, S.log_name ? S.log_name : "");
	fp_bytes(f, S.log_pk, sizeof(S.log_pk));
}

static void fp_counts(struct fp *f)
{
	fp_int(f, S.n1);
	fp_int(f, S.n2);
}

static int op_app_export(struct cn_err *err)
{
	FILE *f;
	int rc;

	out_release();
	if (!(f = fopen(S.exported, "w")))
		return cn_err_set(err, CN_EIO, "%s: cannot write", S.exported);
	rc = cn_app_export(S.app, f, NULL, 0, err);
	if (fclose(f) && !rc)
		rc = cn_err_set(err, CN_EIO, "%s: cannot write", S.exported);
	return rc;
}

static void fp_exported(struct fp *f)
{
	char buf[4096];
	size_t n;
	FILE *in = fopen(S.exported, "r");

	if (!in) {
		fp_str(f, "no file");
		return;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fp_bytes(f, buf, n);
	fclose(in);
}

static int op_verify_export(struct cn_err *err)
{
	out_release();
	return cn_verify_export(S.exported, NULL, &S.stats, err);
}

static void fp_stats(struct fp *f)
{
	fp_int(f, S.stats.events);
	fp_int(f, S.stats.checkpoints);
	fp_int(f, (int64_t)S.stats.bytes);
}

/* Reopening a store on disk replays and checks its whole log. */
static int op_app_open_file(struct cn_err *err)
{
	out_release();
	return cn_app_open(S.db, 0, &S.app2, err);
}

/* A log the parent collects: S.log, or S.osce. */
struct evlog {
	struct cn_event **v;
	size_t *n;
};

static int collect(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	const struct evlog *l = ctx;
	struct cn_event *log = realloc(*l->v, (*l->n + 1) * sizeof(*log));

	if (!log)
		abort();
	*l->v = log;
	return cn_event_decode(ev->bytes, ev->len, &log[(*l->n)++], err);
}

/* The core operations' input: the app's log, folded, with proposals open
 * under each procedure, and one stored event to decode. */
static int prep_fold(struct cn_err *err)
{
	int rc;

	struct evlog l = {&S.log, &S.nlog};

	if ((rc = cn_store_scan(cn_app_store(S.app), 1, collect, &l, err)))
		return rc;
	cn_world_init(&S.w);
	for (size_t i = 0; i < S.nlog; i++) {
		if ((rc = cn_world_apply(&S.w, &S.log[i], err)))
			return rc;
		if (!strcmp(S.log[i].type, "proposal.created") &&
		    json_integer_value(json_object_get(S.log[i].payload, "id")) ==
			    P_MEETING &&
		    (rc = cn_event_decode(S.log[i].bytes, S.log[i].len, &S.sealed,
					  err)))
			return rc;
	}
	S.payload = json_incref(S.sealed.payload);
	S.p_meeting = P_MEETING;
	S.p_silence = P_SILENCE;
	S.p_ratify = P_RATIFY;
	free(S.signature);
	S.signature = sign_concur(P_MEETING);
	return 0;
}

/* An OSCE log (issue 13): the Permanent Council, and a proposal under
 * its named rule consensus-minus-one, which names the State concerned. */
static int prep_osce(struct cn_err *err)
{
	struct cn_app *app = NULL;
	struct evlog l = {&S.osce, &S.nosce};
	struct cn_propose_args a = {.body = "PC", .title = "Suspension",
				    .text = "The text.",
				    .rule = "consensus-minus-one",
				    .concerned = "RU"};
	int rc = cn_app_open(NULL, CN_STORE_MEMORY, &app, err);

	if (rc == 0)
		rc = cn_app_seed(app, CN_DATADIR "/osce.json",
				 T("2023-01-01T00:00:00Z"), err);
	if (rc == 0)
		rc = cn_app_run(app, T("2024-03-01T09:00:00Z"), "secretariat",
				cn_app_cmd_propose, &a, NULL, err);
	if (rc == 0)
		rc = cn_store_scan(cn_app_store(app), 1, collect, &l, err);
	cn_app_close(app);
	return rc;
}

/* -- core: the fold of that log -- */
static int op_osce_fold(struct cn_err *err)
{
	return fold_into_w2(S.osce, S.nosce, err);
}

static void fp_none(struct fp *f)
{
	(void)f;
}

#define INJECT(name, run, fp, kind, edge, budget) \
	{name, run, fp, kind, edge, budget, 1}
/* Through the app: sampled (each point costs a store's work): the first
 * and last 6, and 12 between.  At 40 points each (edges of 10) they took
 * 74 s of test_oom's 127 s of CPU on a 2-CPU VM (2026-12-06); the
 * offset drawn each run (S.offset) moves the 12 from run to run. */
#define APP(name, run, fp) INJECT(name, run, fp, STORE, 6, 24)
/* Hundreds of allocations, each point a small one: every one of the
 * first and last 15, and 30 between.  Each point is a forked child, and on a
 * 2-CPU VM the fork, not the operation, is most of its cost (about 40 ms
 * a point): these five took 76 s of the check's CPU at every N (the views
 * at 300 points), 31 s at 120 points.  `make oom` tries up to 600 of each
 * (COUNCIL_OOM_BUDGET): every N but the views'. */
#define MANY(name, run, fp, kind) INJECT(name, run, fp, kind, 15, 60)
#define PREP(name, run) {name, run, fp_none, 0, 0, 0, 0}

static const struct op ops[] = {
	APP("app-open", op_app_open, fp_app2),
	APP("app-seed", op_app_seed, fp_app1),
	APP("app-replay", op_app_replay, fp_app1),
	APP("app-propose", op_propose_meeting, fp_app1),
	APP("app-respond", op_respond_fr, fp_app1),
	PREP("reserve", prep_reserve_hu),
	APP("app-lift", op_lift_hu, fp_app1),
	PREP("footnote", prep_footnote_de),
	APP("app-conclude", op_conclude, fp_app1),
	PREP("silence", prep_propose_silence_due),
	PREP("comment", prep_comment_tr),
	APP("app-tick", op_tick, fp_app1),
	APP("app-register-key", op_register_key, fp_app1),
	PREP("open-proposals", prep_open_proposals),
	APP("app-respond-signed", op_respond_signed, fp_app1),
	PREP("due-and-withdrawn", prep_due_and_withdrawn),
	APP("app-withdraw", op_withdraw, fp_app1),
	INJECT("app-unreadable", op_unreadable, fp_refusal, STORE, 0, 0),
	APP("app-verify", op_app_verify, fp_counts),
	/* Every point: N=258 of app-verify (of 14,233) called out of memory
	 * reading the key's name "malformed" (found at every N, by a run of
	 * COUNCIL_OOM_ALL=1). */
	INJECT("verify-log-key", op_verify_log_key, fp_log_key, STORE, 0, 0),
	APP("app-export", op_app_export, fp_exported),
	/* Every one of the first 64 (and last 64, and 40 between): the
	 * header and the first lines, where a failure was once called
	 * corruption (N=26, the log key's name: found by the sampled points
	 * of one run only). */
	INJECT("verify-export", op_verify_export, fp_stats, PURE, 64, 168),
	APP("app-open-file", op_app_open_file, fp_app2),
	PREP("fold", prep_fold),
	INJECT("snapshot-encode", op_snapshot_encode, fp_snapshot, PURE, 0, 0),
	INJECT("event-seal", op_event_seal, fp_ev, PURE, 0, 0),
	INJECT("event-decode", op_event_decode, fp_ev, PURE, 0, 0),
	INJECT("rule-parse", op_rule_parse, fp_rules2, PURE, 0, 0),
	INJECT("rule-eval", op_rule_eval, fp_res, PURE, 0, 0),
	INJECT("effect-parse", op_effect_parse, fp_docs, PURE, 0, 0),
	PREP("sq-row", prep_sq_row),
	INJECT("sq-text", op_sq_text, fp_sq_cols, PURE, 0, 0),
	PREP("odd-store", prep_odd_store),
	MANY("odd-reads", op_odd_reads, fp_odd_reads, STORE),
	PREP("search-store", prep_search),
	INJECT("store-search-write", op_search_write, fp_search, STORE, 0, 0),
	PREP("snapshot-store", prep_snapshot_ahead),
	MANY("store-snapshot-ahead", op_snapshot_ahead, fp_snapshots, STORE),
	MANY("world-fold", op_world_fold, fp_w2, PURE),
	PREP("osce", prep_osce),
	INJECT("osce-fold", op_osce_fold, fp_w2, PURE, 0, 0),
	MANY("cmd-propose", op_cmd_propose, fp_outbox, PURE),
	INJECT("cmd-respond", op_cmd_respond, fp_outbox, PURE, 0, 0),
	INJECT("cmd-secretariat", op_cmd_secretariat, fp_outbox, PURE, 0, 0),
	INJECT("proposal-evaluate", op_evaluate, fp_res, PURE, 0, 0),
	MANY("proposal-views", op_views, fp_docs, PURE),
	PREP("stored-texts", prep_stored_texts),
	MANY("stored-views", op_stored_views, fp_docs, PURE),
};
#define NOPS (sizeof(ops) / sizeof(ops[0]))

/* ---- open bugs ---------------------------------------------------------------- */

enum verdict {
	V_CRASH,    /* the child died: a signal or a sanitizer report */
	V_CODE,     /* an error code that is not "out of memory" */
	V_ERRCODE,  /* err->code differs from the return value, or no message */
	V_SILENT,   /* reported success, but the result is not the clean run's */
	V_UNUSABLE, /* run again without a failure, it fails or differs */
	V_LEAK,     /* allocations not freed once everything is released */
	V_CLEAN,    /* fails or differs without any injected failure */
	NVERDICTS
};

static const char *const verdict_names[NVERDICTS] = {
	"crash", "wrong code", "err mismatch", "silent loss", "unusable after",
	"leak", "fails unprovoked",
};

/* Known open bugs found by this test, in our code (the store, the app,
 * the core) or in a library's (jansson, SQLite): the test names each one
 * it sees and passes.
 * Remove an entry when its fix lands.
 * An entry not seen in a run is reported but does not fail the test: the
 * sampled points move whenever the code's allocations change, and from
 * run to run (S.offset). */
static const struct known_bug {
	const char *op;
	enum verdict kind;
	const char *where;
} known_bugs[] = {
	{NULL, 0, NULL},
};

/* ---- running one failure point in a child ------------------------------------ */

#define FP_LEN crypto_hash_sha256_BYTES

struct outcome {
	unsigned verdicts; /* 1 << enum verdict */
	int hit, rc;
	long count, leaked;
	uint8_t fp[FP_LEN], deep[FP_LEN]; /* of the clean run */
	char msg[NVERDICTS][160];
};

/* What the clean run of the current operation gave, for the children. */
static struct {
	long baseline;  /* live allocations once the app is closed (STORE) */
	uint8_t fp[FP_LEN], deep[FP_LEN];
	int report_leaks;
	const char *dump; /* COUNCIL_OOM_POINT: write the hashed text here */
} ref;

static void fingerprint(const struct op *op, int deep, uint8_t out[FP_LEN])
{
	struct fp f = {.deep = deep};

	if (ref.dump && !(f.dump = fopen(ref.dump, deep ? "a" : "w")))
		abort();
	crypto_hash_sha256_init(&f.st);
	op->fp(&f);
	crypto_hash_sha256_final(&f.st, out);
	if (f.dump)
		fclose(f.dump);
}

/* Same result as the clean run: the quick fingerprint, and if deep and
 * it matches, the deep one (which verifies a store: slow). */
static int same_result(const struct op *op, int deep)
{
	uint8_t fp[FP_LEN];

	fingerprint(op, 0, fp);
	if (memcmp(fp, ref.fp, FP_LEN))
		return 0;
	if (!deep)
		return 1;
	fingerprint(op, 1, fp);
	return !memcmp(fp, ref.deep, FP_LEN);
}

static void complain(struct outcome *o, enum verdict v, const char *fmt, ...)
	CN_PRINTF(3, 4);
static void complain(struct outcome *o, enum verdict v, const char *fmt, ...)
{
	va_list ap;

	if (o->verdicts & (1u << v))
		return;
	o->verdicts |= 1u << v;
	va_start(ap, fmt);
	vsnprintf(o->msg[v], sizeof(o->msg[v]), fmt, ap);
	va_end(ap);
}

static int code_ok(const struct op *op, int rc)
{
	return rc == CN_ENOMEM || (op->kind == STORE && rc == CN_EIO);
}

/* Release the outputs, and for a STORE operation the stores (the app's
 * and the searched one), whose caches differ from run to run (SQLite
 * keeps a memory store's pages, as many as a rolled-back write left);
 * then count what is still allocated. */
static long live_after(const struct op *op)
{
	out_release();
	if (op->kind == STORE) {
		cn_app_close(S.app);
		S.app = NULL;
		cn_store_close(S.search);
		S.search = NULL;
		cn_store_close(S.snaps);
		S.snaps = NULL;
	}
	return oom.live;
}

/* In the child: fail allocation n (LONG_MAX: none, just count), judge. */
static void try_point(const struct op *op, long n, struct outcome *o)
{
	struct cn_err err = {0};
	long before = oom.live;
	int rc;

	oom_arm(n);
	rb_counter = 0;
	rc = op->run(&err);
	o->hit = oom.hit;
	o->count = oom.count;
	o->rc = rc;
	oom_disarm();
	if (n == LONG_MAX) {
		/* the clean run */
		fingerprint(op, 0, o->fp);
		fingerprint(op, 1, o->deep);
		if (rc)
			complain(o, V_CLEAN, "fails without an injected failure: "
				 "%d %s", rc, err.msg);
	} else if (!o->hit) {
		if (rc)
			complain(o, V_CLEAN, "fails without an injected failure: "
				 "%d %s", rc, err.msg);
		else if (!same_result(op, 0))
			complain(o, V_CLEAN, "the clean run differs from itself");
	} else if (rc == 0) {
		if (!same_result(op, 1))
			complain(o, V_SILENT, "returns 0 but its result differs "
				 "from the clean run's");
	} else {
		if (!code_ok(op, rc))
			complain(o, V_CODE, "returns %d (%s): %s", rc,
				 cn_err_name(rc), err.msg);
		if (err.code != rc || !err.msg[0])
			complain(o, V_ERRCODE, "returns %d, err.code %d, '%s'",
				 rc, err.code, err.msg);
		memset(&err, 0, sizeof(err));
		rb_counter = 0;
		rc = op->run(&err);
		if (rc)
			complain(o, V_UNUSABLE, "run again: %d %s", rc, err.msg);
		else if (!same_result(op, 0))
			complain(o, V_UNUSABLE, "run again: a result that "
				 "differs from the clean run's");
	}
	o->leaked = live_after(op) - (op->kind == STORE ? ref.baseline : before);
	if (o->leaked > 0) {
		complain(o, V_LEAK, "%ld allocations not freed", o->leaked);
		if (ref.report_leaks)
			(void)LEAK_REPORT();
	} else if (o->leaked < 0)
		complain(o, V_LEAK, "%ld more frees than counted allocations "
			 "(an allocator this test does not see)", -o->leaked);
}

static void baseline_point(const struct op *op, long n, struct outcome *o)
{
	(void)n;
	o->leaked = live_after(op);
}

/* Set in a child: it must never return into cmocka (which an assertion's
 * longjmp would do), or it would go on running the tests itself. */
static int in_a_child;

/* Fork; the child runs fn and sends back its outcome.  A child that dies
 * before that, or runs for more than a minute (a loop that never ends),
 * is a crash. */
static void in_child(void (*fn)(const struct op *, long, struct outcome *),
		     const struct op *op, long n, struct outcome *o)
{
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
	int fd[2], status = 0;
	ssize_t got = 0, r;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	fflush(stdout);
	fflush(stderr);
	if (pipe(fd) || (pid = fork()) < 0)
		abort();
	if (pid == 0) {
		in_a_child = 1;
		/* cmocka's handlers would resume the test run in the child */
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			signal(sigs[i], SIG_DFL);
		alarm(60);
		close(fd[0]);
		fn(op, n, o);
		if (write(fd[1], o, sizeof(*o)) != (ssize_t)sizeof(*o))
			_exit(3);
		_exit(0);
	}
	close(fd[1]);
	while (got < (ssize_t)sizeof(*o) &&
	       ((r = read(fd[0], (char *)o + got, sizeof(*o) - got)) > 0 ||
		(r < 0 && errno == EINTR)))
		got += r > 0 ? r : 0;
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got != (ssize_t)sizeof(*o) || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		memset(o, 0, sizeof(*o));
		o->hit = 1;
		complain(o, V_CRASH, "%s %d", WIFSIGNALED(status) ? "signal"
				   : "exit status (a sanitizer report above?)",
			 WIFSIGNALED(status) ? WTERMSIG(status)
					     : WEXITSTATUS(status));
	}
}

/* ---- one operation: every failure point, then advance the fixture ------------- */

struct tally {
	long points, first, last;
	char msg[160];
};

static const char *env(const char *name)
{
	const char *e = getenv(name);
	return e && *e ? e : NULL;
}

static long next_point(const struct op *op, long n, long total)
{
	/* COUNCIL_OOM_BUDGET=N: N points for a sampled operation */
	long budget = op->budget && env("COUNCIL_OOM_BUDGET")
			      ? atol(env("COUNCIL_OOM_BUDGET")) : op->budget;
	long stride;

	if ((env("COUNCIL_OOM_ALL") && strcmp(env("COUNCIL_OOM_ALL"), "0")) ||
	    budget <= 2 * op->edge || total <= budget || n < op->edge ||
	    n >= total - op->edge)
		return n + 1;
	stride = (total - 2 * op->edge) / (budget - 2 * op->edge);
	if (stride < 1)
		stride = 1;
	/* after the edge, the run's offset into a stride, then strides */
	n += n == op->edge ? 1 + (long)(S.offset % (unsigned long)stride) : stride;
	return n > total - op->edge ? total - op->edge : n;
}

/* COUNCIL_OOM_ONLY=NAME,NAME...: inject into these operations only (the
 * others only advance the fixture). */
static int selected(const struct op *op)
{
	const char *only = env("COUNCIL_OOM_ONLY");
	size_t n = strlen(op->name);

	for (const char *p = only; p && *p; p += strcspn(p, ",")) {
		p += *p == ',';
		if (strcspn(p, ",") == n && !strncmp(p, op->name, n))
			return 1;
	}
	return !only;
}

/* CPU seconds of the children so far: what the points cost, whatever
 * else the machine runs. */
static double seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static const struct known_bug *known(const char *name, enum verdict v)
{
	for (size_t i = 0; i < sizeof(known_bugs) / sizeof(known_bugs[0]); i++)
		if (known_bugs[i].op && !strcmp(known_bugs[i].op, name) &&
		    known_bugs[i].kind == v)
			return &known_bugs[i];
	return NULL;
}

/* COUNCIL_OOM_ONLY=NAME COUNCIL_OOM_POINT=N: that one point, with the
 * fingerprinted text of the clean and the failing run written to
 * /tmp/oom-clean.txt and /tmp/oom-N.txt. */
static void debug_point(const struct op *op, long n)
{
	static char path[64];
	struct outcome o;

	in_child(baseline_point, op, 0, &o);
	ref.baseline = o.leaked;
	ref.dump = "/tmp/oom-clean.txt";
	ref.report_leaks = 1;
	in_child(try_point, op, LONG_MAX, &o);
	memcpy(ref.fp, o.fp, FP_LEN);
	memcpy(ref.deep, o.deep, FP_LEN);
	snprintf(path, sizeof(path), "/tmp/oom-%ld.txt", n);
	ref.dump = path;
	oom.trace = 1;
	in_child(try_point, op, n, &o);
	oom.trace = 0;
	ref.dump = NULL;
	print_message("%s N=%ld: hit %d, rc %d\n", op->name, n, o.hit, o.rc);
	for (int v = 0; v < NVERDICTS; v++)
		if (o.verdicts & (1u << v))
			print_message("  %s: %s\n", verdict_names[v], o.msg[v]);
}

/* Every failure point of op; returns how many findings are not known. */
static int inject(const struct op *op)
{
	struct tally t[NVERDICTS] = {{0}};
	struct outcome o;
	long total = 0, n, tried = 0;
	double t0 = seconds();
	int failures = 0;

	in_child(baseline_point, op, 0, &o);
	assert_false(o.verdicts & (1u << V_CRASH));
	ref.baseline = o.leaked;
	/* n = 0: the clean run, its allocations and its result */
	for (n = 0;; n = next_point(op, n, total)) {
		in_child(try_point, op, n ? n : LONG_MAX, &o);
		if (n == 0) {
			total = o.count;
			memcpy(ref.fp, o.fp, FP_LEN);
			memcpy(ref.deep, o.deep, FP_LEN);
			ref.report_leaks = 1;
		}
		tried += n > 0;
		for (int v = 0; v < NVERDICTS; v++) {
			if (!(o.verdicts & (1u << v)))
				continue;
			if (!t[v].points++) {
				t[v].first = n;
				/* Same size, NUL-terminated by vsnprintf; a
				 * copy, not snprintf, which GCC's release build
				 * misreads as reading two rows. */
				_Static_assert(sizeof(t[v].msg) == sizeof(o.msg[v]),
					       "verdict messages differ in size");
				memcpy(t[v].msg, o.msg[v], sizeof(t[v].msg));
			}
			t[v].last = n;
			ref.report_leaks &= v != V_LEAK;
			/* COUNCIL_OOM_EACH=1: every finding, not only the
			 * first of its kind (a kind may have several causes) */
			if (env("COUNCIL_OOM_EACH"))
				print_message("    N=%ld %s: %s\n", n,
					      verdict_names[v], o.msg[v]);
		}
		if (n > 0 && !o.hit)
			break;
	}
	print_message("%-20s %6ld allocations, %5ld points, %5.1f s CPU\n",
		      op->name, total, tried, seconds() - t0);
	for (int v = 0; v < NVERDICTS; v++) {
		const struct known_bug *k = known(op->name, v);
		if (!t[v].points && !k)
			continue;
		if (!t[v].points) {
			print_message("  known bug, %s: not seen at these points "
				      "(fixed? then remove its entry)\n",
				      verdict_names[v]);
			continue;
		}
		print_message("  %s %s at %ld point(s), N=%ld..%ld: %s\n",
			      k ? "known bug," : "BUG:", verdict_names[v],
			      t[v].points, t[v].first, t[v].last, t[v].msg);
		if (k)
			print_message("    (%s)\n", k->where);
		else
			failures++;
	}
	return failures;
}

static void run_op(void **state)
{
	const struct op *op = *state;
	struct cn_err err = {0};
	int failures = 0;

	if (in_a_child)
		_exit(4);
	if (op->inject && selected(op)) {
		if (env("COUNCIL_OOM_POINT"))
			debug_point(op, atol(env("COUNCIL_OOM_POINT")));
		else
			failures = inject(op);
	}
	/* advance the fixture to the operation's result */
	rb_counter = 0;
	if (op->run(&err))
		fail_msg("%s, without a failure: %s", op->name, err.msg);
	out_release();
	if (failures)
		fail_msg("%s: %d unexpected finding(s), see above (sampled "
			 "from COUNCIL_OOM_OFFSET=%lu)", op->name, failures,
			 S.offset);
}

static int setup_failed(const struct cn_err *err)
{
	fprintf(stderr, "setup: %s\n", err->msg[0] ? err->msg : "out of memory");
	return -1;
}

static int group_setup(void **state)
{
	struct cn_err err = {0};
	struct cn_app *a = NULL;
	json_t *report = NULL;
	uint8_t pk[CN_NOTE_PUBKEY_LEN];

	(void)state;
	cn_world_init(&S.w);
	strcpy(S.dir, "/tmp/council-oom-XXXXXX");
	if (!mkdtemp(S.dir))
		return -1;
	snprintf(S.db, sizeof(S.db), "%s/council.db", S.dir);
	snprintf(S.exported, sizeof(S.exported), "%s/log.jsonl", S.dir);
	S.office_fx = json_pack("[{s:s, s:s, s:s, s:s, s:s, s:s, s:s}]", "type",
				"open-office", "id", "oom-office", "name",
				"An office", "city", "Ottawa", "country", "CA",
				"lat", "45.42", "lon", "-75.69");
	S.effects = json_pack("[{s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]",
			      "type", "open-office", "id", "oom-office-2",
			      "name", "Another office", "city", "Oslo",
			      "country", "NO", "type", "admit-member", "code",
			      "XK", "name", "Kosovo", "effective", "2031-01-01");
	for (size_t i = 0; i < NRULES; i++)
		if (cn_rule_parse(rule_srcs[i], &S.rules[i], &err))
			return setup_failed(&err);
	if (!S.office_fx || !S.effects ||
	    cn_note_keygen("delegation-FR", pk, S.sk, &err) ||
	    cn_note_vkey_encode("delegation-FR", pk, &S.vkey, &err) ||
	    cn_app_open(NULL, CN_STORE_MEMORY, &S.app, &err) ||
	    /* a store on disk for app-open-file: the seed and the Tokyo case */
	    cn_app_open(S.db, CN_STORE_CREATE, &a, &err) ||
	    cn_app_seed(a, DATASET, T("2023-01-01T00:00:00Z"), &err) ||
	    cn_app_replay(a, SCENARIO, &report, &err))
		return setup_failed(&err);
	json_decref(report);
	cn_app_close(a);
	return 0;
}

static int group_teardown(void **state)
{
	char p[160];

	(void)state;
	if (in_a_child)
		_exit(4);
	state_release();
	for (size_t i = 0; i < 4; i++) {
		static const char *const sfx[] = {"", "-wal", "-shm", ".key"};
		snprintf(p, sizeof(p), "%s%s", S.db, sfx[i]);
		unlink(p);
		snprintf(p, sizeof(p), "%s%s", S.odd_db, sfx[i]);
		unlink(p);
	}
	unlink(S.exported);
	rmdir(S.dir);
	return 0;
}

int main(void)
{
	struct CMUnitTest tests[NOPS];

	/* A snapshot every other event, so that the app's writes put them
	 * (in parts, store/snapparts.h) and its opens restore from them,
	 * failures and all. */
	setenv("COUNCIL_SNAPSHOT_EVERY", "2", 0);
	/* the sampled points' offset: drawn afresh (pid and clock), or the
	 * one a run printed */
	if (env("COUNCIL_OOM_OFFSET")) {
		char *end;
		errno = 0;
		S.offset = strtoul(env("COUNCIL_OOM_OFFSET"), &end, 10);
		if (errno || *end || !isdigit((unsigned char)*env("COUNCIL_OOM_OFFSET"))) {
			fprintf(stderr, "COUNCIL_OOM_OFFSET: '%s' is not a "
				"number of points\n", env("COUNCIL_OOM_OFFSET"));
			return 2;
		}
	} else {
		S.offset = (unsigned long)getpid() * 2654435761u ^
			   (unsigned long)time(NULL);
		S.offset %= 1000000;
	}
	printf("sampled points from offset %lu (COUNCIL_OOM_OFFSET=%lu repeats them)\n",
	       S.offset, S.offset);
	fflush(stdout);
	oom_install();
	for (size_t i = 0; i < NOPS; i++)
		tests[i] = (struct CMUnitTest){ops[i].name, run_op, NULL, NULL,
					       (void *)&ops[i]};
	return _cmocka_run_group_tests("oom", tests, NOPS, group_setup,
				       group_teardown);
}
