/*
 * test_store_io.c - a store that cannot be read must say so: every read
 * of the SQLite backend is checked, so an I/O error half way through a
 * scan, an export, a list or a verification fails loudly (CN_EIO) and
 * never gives a shorter answer as if it were the whole one.
 *
 * The errors are real SQLite I/O errors: a VFS of our own, registered as
 * the default, passes everything to the system's VFS but fails every read
 * from the k-th on (SQLITE_IOERR_READ).  Each operation runs on a fresh
 * connection for k = 1, 2, ... until it completes without reaching its
 * k-th read: every run before that must fail with CN_EIO, and that last
 * run must give exactly the answer of a run without faults.  (SQLite's
 * own test_malloc.c / test_vfs.c fault injection is the model.)
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
#include "app/export.h"
#include "app/projection.h"
#include "core/timeutil.h"
#include "store/store.h"

#define DATASET CN_DATADIR "/nato.json"

/* ---- the faulty VFS -------------------------------------------------------- */

static sqlite3_vfs *sys_vfs;
static sqlite3_vfs faulty_vfs;
static long reads_left = -1; /* -1: never fail; 0: fail every read now */
static long faults;          /* reads failed so far */

struct ffile {
	sqlite3_file base;
	sqlite3_file *real; /* the system VFS's file, right after this struct */
};

#define REAL(f) (((struct ffile *)(f))->real)

static int f_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	if (reads_left == 0) {
		faults++;
		return SQLITE_IOERR_READ;
	}
	if (reads_left > 0)
		reads_left--;
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int f_sync(sqlite3_file *f, int flags)
{
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int f_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int f_lock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int f_unlock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int f_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int f_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int f_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int f_device(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int f_shm_map(sqlite3_file *f, int region, int size, int extend,
		     void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), region, size, extend, pp);
}

static int f_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void f_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int f_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

/* Never map the file: every page then comes through f_read. */
static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	(void)f;
	(void)off;
	(void)n;
	*pp = NULL;
	return SQLITE_OK;
}

static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	(void)f;
	(void)off;
	(void)p;
	return SQLITE_OK;
}

static const sqlite3_io_methods faulty_io = {
	3, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock,
	f_unlock, f_reserved, f_control, f_sector, f_device, f_shm_map,
	f_shm_lock, f_shm_barrier, f_shm_unmap, f_fetch, f_unfetch,
};

static int v_open(sqlite3_vfs *v, const char *name, sqlite3_file *f,
		  int flags, int *out)
{
	struct ffile *ff = (struct ffile *)f;
	int rc;

	(void)v;
	ff->real = (sqlite3_file *)(ff + 1);
	rc = sys_vfs->xOpen(sys_vfs, name, ff->real, flags, out);
	f->pMethods = rc == SQLITE_OK ? &faulty_io : NULL;
	return rc;
}

static void install_vfs(void)
{
	if (sys_vfs)
		return; /* installed already */
	sys_vfs = sqlite3_vfs_find(NULL);
	assert_non_null(sys_vfs);
	faulty_vfs = *sys_vfs;
	faulty_vfs.pNext = NULL;
	faulty_vfs.zName = "faulty";
	faulty_vfs.szOsFile = (int)sizeof(struct ffile) + sys_vfs->szOsFile;
	faulty_vfs.xOpen = v_open;
	assert_int_equal(sqlite3_vfs_register(&faulty_vfs, 1), SQLITE_OK);
}

/* ---- a store to read ----------------------------------------------------------- */

static char dir[64], path[128];

static int64_t at(const char *iso)
{
	int64_t t = 0;
	if (cn_time_parse(iso, "test", &t, NULL))
		abort();
	return t;
}

static void must(int rc, const struct cn_err *err, const char *what)
{
	if (rc)
		fail_msg("%s: %s", what, err->msg);
}

/* A seeded store with proposals, positions, checkpoints and tokens. */
static int make_store(void **state)
{
	struct cn_err err = {0};
	struct cn_app *app;
	struct cn_propose_args p = {.body = "NAC", .title = "An item"};
	uint8_t hash[CN_HASH_LEN];

	(void)state;
	install_vfs();
	strcpy(dir, "/tmp/council-io-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/council.db", dir);
	must(cn_app_open(path, CN_STORE_CREATE, &app, &err), &err, "open");
	must(cn_app_seed(app, DATASET, at("2023-01-01"), &err), &err, "seed");
	for (int i = 0; i < 12; i++) {
		struct cn_respond_args r = {.proposal = i + 1, .member = "FR",
					    .act = CN_ACT_POSITION,
					    .pos = CN_POS_CONCUR};
		must(cn_app_run(app, at("2023-02-01") + i, "secretariat",
				cn_app_cmd_propose, &p, NULL, &err), &err,
		     "propose");
		must(cn_app_run(app, at("2023-02-02") + i, "delegation:FR",
				cn_app_cmd_respond, &r, NULL, &err), &err,
		     "respond");
	}
	for (int i = 0; i < 5; i++) {
		int64_t id;
		memset(hash, i + 1, sizeof(hash));
		must(cn_store_token_add(cn_app_store(app), hash, "member", "FR",
					"test", at("2023-03-01"), &id, &err),
		     &err, "token");
	}
	cn_app_close(app);
	return 0;
}

static int remove_store(void **state)
{
	static const char *const files[] = {"council.db", "council.db-wal",
					    "council.db-shm", "council.db.key"};
	char p[192];

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
	return 0;
}

/* ---- the operations, each giving its answer as text ------------------------------ */

/* An answer being built: a growing string. */
struct answer {
	char *s;
	size_t len;
	FILE *f;
};

static int line(void *ctx, const char *fmt, ...) CN_PRINTF(2, 3);
static int line(void *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(((struct answer *)ctx)->f, fmt, ap);
	va_end(ap);
	fputc('\n', ((struct answer *)ctx)->f);
	return 0;
}

static int on_event(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	(void)err;
	return line(ctx, "%lld %s", (long long)ev->seq, ev->type);
}

static int on_checkpoint(void *ctx, const struct cn_checkpoint_row *cp,
			 struct cn_err *err)
{
	(void)err;
	return line(ctx, "%llu %s", (unsigned long long)cp->size, cp->note);
}

static int on_node(void *ctx, const struct cn_node_row *n, struct cn_err *err)
{
	(void)err;
	return line(ctx, "%u %llu", n->level, (unsigned long long)n->index);
}

static int on_row(void *ctx, const struct cn_row *row, struct cn_err *err)
{
	(void)err;
	return line(ctx, "%lld %.*s", (long long)row->v[0].i,
		    (int)row->v[1].len, row->v[1].s);
}

enum op { SCAN, CHECKPOINTS, NODES, ROWS, TOKENS, DOCS, REGISTRY, EXPORT,
	  VERIFY, NOPS };
static const char *const op_name[NOPS] = {
	"scan", "checkpoints", "nodes", "positions rows", "token list",
	"proposal docs", "readers' registry", "log export", "verify",
};

/* Run op on st (and app, opened read-only on the same file). */
static int run_op(enum op op, struct cn_app *app, struct cn_store *st,
		  struct answer *a, struct cn_err *err)
{
	int rc = 0;

	switch (op) {
	case SCAN:
		return cn_store_scan(st, 1, on_event, a, err);
	case CHECKPOINTS:
		return cn_store_checkpoints(st, on_checkpoint, a, err);
	case NODES:
		return cn_store_nodes(st, on_node, a, err);
	case ROWS:
		return cn_store_rows(st, CN_TAB_POSITIONS, CN_ORDER_KEY, on_row, a,
				     err);
	case TOKENS: {
		struct cn_token_info *v = NULL;
		size_t n = 0;
		if ((rc = cn_store_token_list(st, 0, INT64_MAX, &v, &n, err)) == 0)
			for (size_t i = 0; i < n; i++)
				line(a, "%lld %s", (long long)v[i].id, v[i].role);
		free(v);
		return rc;
	}
	case DOCS: {
		json_t *docs = NULL;
		if ((rc = cn_store_proposal_docs(st, &docs, err)) == 0)
			line(a, "%zu", json_array_size(docs));
		json_decref(docs);
		return rc;
	}
	case REGISTRY: {
		struct cn_world w;
		cn_world_init(&w);
		if ((rc = cn_projection_registry(st, &w, err)) == 0)
			line(a, "%zu %zu %zu %zu", w.nmembers, w.nbodies,
			     w.npartners, w.noffices);
		cn_world_release(&w);
		return rc;
	}
	case EXPORT:
		return cn_app_export(app, a->f, NULL, 0, err);
	case VERIFY: {
		int64_t n = 0, ncp = 0;
		if ((rc = cn_app_verify(app, NULL, &n, &ncp, err)) == 0)
			line(a, "%lld %lld", (long long)n, (long long)ncp);
		return rc;
	}
	case NOPS:
		break;
	}
	return rc;
}

/* Run op once on fresh connections, with the k-th read after opening
 * failing (k = 0: none).  *out gets the answer (malloc'd). */
static int run_once(enum op op, long k, char **out, long *nfaults,
		    struct cn_err *err)
{
	struct cn_store *st = NULL;
	struct cn_app *app = NULL;
	struct answer a = {0};
	int rc;

	must(cn_store_open(path, CN_STORE_READONLY, &st, err), err, "open");
	must(cn_app_open(path, CN_STORE_READONLY, &app, err), err, "open app");
	assert_non_null(a.f = open_memstream(&a.s, &a.len));
	faults = 0;
	reads_left = k > 0 ? k - 1 : -1;
	rc = run_op(op, op == EXPORT || op == VERIFY ? app : NULL,
		    op == EXPORT || op == VERIFY ? cn_app_store(app) : st, &a, err);
	reads_left = -1;
	*nfaults = faults;
	fclose(a.f);
	cn_app_close(app);
	cn_store_close(st);
	*out = a.s;
	return rc;
}

static void test_read_errors_fail_loudly(void **state)
{
	(void)state;
	for (int op = 0; op < NOPS; op++) {
		struct cn_err err = {0};
		char *want = NULL;
		long nf, k;

		if (run_once(op, 0, &want, &nf, &err))
			fail_msg("%s without faults: %s", op_name[op], err.msg);
		assert_true(strlen(want) > 0);
		for (k = 1; k < 100000; k++) {
			char *got = NULL;
			int rc = run_once(op, k, &got, &nf, &err);
			if (nf == 0) {
				/* The op never reached its k-th read: done,
				 * and with the whole answer. */
				if (rc || strcmp(got, want))
					fail_msg("%s: rc %d '%s'", op_name[op], rc,
						 rc ? err.msg : "a different answer");
				free(got);
				break;
			}
			if (rc != CN_EIO)
				fail_msg("%s with read %ld failing: gave %d (%s), "
					 "want CN_EIO", op_name[op], k, rc,
					 rc ? err.msg : "a shortened answer");
			free(got);
		}
		assert_true(k > 1); /* it read something */
		free(want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_errors_fail_loudly,
						make_store, remove_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
