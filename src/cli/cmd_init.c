/*
 * cmd_init.c - `council init`: a new store, seeded with a dataset, whole or
 * not at all.  A SQLite store is built aside and renamed into place; a
 * PostgreSQL one is created in its database, which must hold no events.
 * init refuses a store that exists and never overwrites one.  main.c
 * opens no store for it: init creates its own.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* Give the app the real time: a seed event dated after it is refused
 * (core/timeline.h). */
static struct cn_app *with_clock(struct cn_app *app)
{
	cn_app_set_clock(app, (int64_t)time(NULL));
	return app;
}

enum { INIT_DATASET, INIT_AT };
const struct cli_opt cli_opts_init[] = {
	[INIT_DATASET] = OPT_VAL("dataset", "FILE", "dataset to load"),
	[INIT_AT] = OPT_AT("at", "TIME", "time recorded for the seed events (default now)"),
	OPT_END};

/* ---- init: a whole store or none --------------------------------------------- *
 * init builds the store in a temporary file beside the target, in the same
 * directory so that a rename moves it into place at once: ".NAME.init-PID"
 * with its key in ".NAME.init-PID.key".  Seeded and closed (SQLite folds
 * its WAL into the file on the last close), the file is synced; then the
 * key and, last, the store are renamed into place and the directory is
 * synced.  A kill at any moment leaves either no store (at most a key
 * without one, which the next init replaces, and temporary files, which
 * the next init removes) or a whole one.  Inits in one directory take a
 * lock on it, so two cannot race for one name. */

struct init_paths {
	char dir[PATH_MAX];     /* the target's directory ("." if none) */
	char prefix[PATH_MAX];  /* ".NAME.init-": temporary files start so */
	char tmp[PATH_MAX];     /* the store being built */
	char tmp_key[PATH_MAX + 8];
	char key[PATH_MAX + 8]; /* the target's key */
};

static int init_paths(const char *db, struct init_paths *p, struct cn_err *err)
{
	const char *slash = strrchr(db, '/'), *base = slash ? slash + 1 : db;

	if (!*base)
		return cn_err_set(err, CN_EINVAL, "%s: names a directory, not a store",
				  db);
	if ((size_t)snprintf(p->dir, sizeof(p->dir), "%.*s",
			     !slash ? 1 : slash == db ? 1 : (int)(slash - db),
			     !slash ? "." : slash == db ? "/" : db) >= sizeof(p->dir) ||
	    (size_t)snprintf(p->prefix, sizeof(p->prefix), ".%s.init-", base) >=
		    sizeof(p->prefix) ||
	    (size_t)snprintf(p->tmp, sizeof(p->tmp), "%s/%s%ld", p->dir, p->prefix,
			     (long)getpid()) >= sizeof(p->tmp))
		return cn_err_set(err, CN_EINVAL, "%s: path too long", db);
	snprintf(p->tmp_key, sizeof(p->tmp_key), "%s.key", p->tmp);
	snprintf(p->key, sizeof(p->key), "%s.key", db);
	return 0;
}

/* Remove what an init killed earlier left in the directory: files named
 * PREFIX + PID (+ "-wal", "-shm", "-journal", ".key") of a process that
 * no longer runs, or of this one (a former holder of its pid). */
static void init_remove_leftovers(int dfd, const struct init_paths *p)
{
	size_t plen = strlen(p->prefix);
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d))) {
		char *end;
		if (strncmp(e->d_name, p->prefix, plen))
			continue;
		long pid = strtol(e->d_name + plen, &end, 10);
		if (end == e->d_name + plen || pid <= 0 ||
		    (*end && *end != '-' && *end != '.'))
			continue;
		if (pid == (long)getpid() || (kill((pid_t)pid, 0) && errno == ESRCH))
			unlinkat(dfd, e->d_name, 0);
	}
	closedir(d);
}

static void init_remove_tmp(const struct init_paths *p)
{
	static const char *const side[] = {"-wal", "-shm", "-journal", ".key"};
	char path[PATH_MAX + 16];

	unlink(p->tmp);
	for (size_t i = 0; i < sizeof(side) / sizeof(side[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", p->tmp, side[i]);
		unlink(path);
	}
}

static int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* What init prints of the store it seeded. */
static void init_summary(struct cn_app *app, char *summary, size_t n)
{
	const struct cn_world *w = cn_app_world(app);
	snprintf(summary, n, "%s, %zu members, %zu bodies, %zu partners, "
		 "%zu offices (%lld events)",
		 json_string_value(json_object_get(w->alliance, "name")),
		 w->nmembers, w->nbodies, w->npartners, w->noffices,
		 (long long)w->last_seq);
}

/* Build, seed and close the store at p->tmp; *summary gets what to print. */
static int init_build(struct cli *c, const char *dataset,
		      const struct init_paths *p, char *summary, size_t n,
		      struct cn_err *err)
{
	struct cn_app *app;
	char wal[PATH_MAX + 8];
	int rc;

	if ((rc = cn_app_open(p->tmp, CN_STORE_CREATE, &app, err)))
		return rc;
	if ((rc = cn_app_seed(with_clock(app), dataset, c->now, err)) == 0)
		init_summary(app, summary, n);
	cn_app_close(app);
	if (rc)
		return rc;
	/* The last close folds the WAL into the file and removes it: the
	 * file alone is then the whole store. */
	snprintf(wal, sizeof(wal), "%s-wal", p->tmp);
	if (access(wal, F_OK) == 0)
		return cn_err_set(err, CN_EIO, "%s: the new store kept a WAL file; "
				  "it is not complete on its own", p->tmp);
	if (fsync_path(p->tmp))
		return cn_err_set(err, CN_EIO, "%s: cannot sync: %s", p->tmp,
				  strerror(errno));
	return 0;
}

/* ---- init of a PostgreSQL store ---------------------------------------------------
 * A database has no directory to build a store aside in: the schema is
 * created in one transaction, the log key made (cn_store_key_path says
 * where), and the seed committed in another.  A database that already
 * holds events is never written to.  A kill in between leaves the schema
 * without events, which the next init seeds.  A key file found for a
 * store that has no log key yet belongs to another log (or to an init
 * killed before it recorded the key): init refuses rather than sign a new
 * log with it. */
static int init_database(struct cli *c, const char *dataset)
{
	struct cn_store *st = NULL;
	struct cn_app *app = NULL;
	struct cn_err err = {0};
	char key[600], summary[512] = "", *vkey = NULL;
	int rc, empty, keyed;

	if (cn_store_open(c->db, CN_STORE_CREATE, &st, &err))
		return cli_fail(c, &err);
	empty = cn_store_empty(st);
	keyed = cn_store_get_meta(st, "log_vkey", &vkey, NULL) == 0;
	free(vkey);
	rc = cn_store_key_path(st, c->db, key, sizeof(key), &err);
	cn_store_close(st);
	if (rc)
		return cli_fail(c, &err);
	if (!empty) {
		fprintf(stderr, "council: %s already holds a council store; init "
			"creates a new store and never overwrites one\n", c->db);
		return EXIT_REFUSED;
	}
	if (!keyed && access(key, F_OK) == 0) {
		fprintf(stderr, "council: %s: a key file is there already, and the "
			"new store has no key yet: it belongs to another log; "
			"move it away or set COUNCIL_KEY to another file\n", key);
		return EXIT_REFUSED;
	}
	if (cn_app_open(c->db, CN_STORE_CREATE, &app, &err))
		return cli_fail(c, &err);
	if ((rc = cn_app_seed(with_clock(app), dataset, c->now, &err)) == 0)
		init_summary(app, summary, sizeof(summary));
	cn_app_close(app);
	if (rc)
		return cli_fail(c, &err);
	printf("created %s: %s; log key in %s\n", c->db, summary, key);
	return 0;
}

int cmd_init(struct cli *c, const struct cli_args *a, struct cn_app *unused)
{
	const char *dataset = a->val[INIT_DATASET];
	struct init_paths p;
	struct cn_err err = {0};
	char summary[512] = "";
	int dfd, rc;
	(void)unused;

	dataset = cli_dataset(dataset);
	if (cn_store_is_database(c->db))
		return init_database(c, dataset);
	if (init_paths(c->db, &p, &err))
		return cli_fail(c, &err);
	dfd = open(p.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || flock(dfd, LOCK_EX)) {
		cn_err_set(&err, CN_EIO, "%s: cannot open the directory: %s", p.dir,
			   strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return cli_fail(c, &err);
	}
	if (access(c->db, F_OK) == 0) {
		close(dfd);
		fprintf(stderr, "council: %s already exists; init creates a new "
				"store and never overwrites one\n", c->db);
		return EXIT_REFUSED;
	}
	init_remove_leftovers(dfd, &p);
	rc = init_build(c, dataset, &p, summary, sizeof(summary), &err);
	/* The key first: a store is never in place without its key. */
	if (!rc && (rename(p.tmp_key, p.key) || rename(p.tmp, c->db) || fsync(dfd)))
		rc = cn_err_set(&err, CN_EIO, "%s: cannot move the new store into "
				"place: %s", c->db, strerror(errno));
	if (rc)
		init_remove_tmp(&p);
	close(dfd);
	if (rc)
		return cli_fail(c, &err);
	printf("created %s: %s; log key in %s\n", c->db, summary, p.key);
	return 0;
}
