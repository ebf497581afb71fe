/*
 * aside.c - a new SQLite store built aside and renamed into place; see
 * aside.h.
 */
#include "aside.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static int paths(struct aside *a, const char *db, const char *verb,
		 struct cn_err *err)
{
	const char *slash = strrchr(db, '/'), *base = slash ? slash + 1 : db;

	if (!*base)
		return cn_err_set(err, CN_EINVAL, "%s: names a directory, not a store",
				  db);
	if ((size_t)snprintf(a->dir, sizeof(a->dir), "%.*s",
			     !slash ? 1 : slash == db ? 1 : (int)(slash - db),
			     !slash ? "." : slash == db ? "/" : db) >= sizeof(a->dir) ||
	    (size_t)snprintf(a->prefix, sizeof(a->prefix), ".%s.%s-", base,
			     verb) >= sizeof(a->prefix) ||
	    (size_t)snprintf(a->tmp, sizeof(a->tmp), "%s/%s%ld", a->dir, a->prefix,
			     (long)getpid()) >= sizeof(a->tmp))
		return cn_err_set(err, CN_EINVAL, "%s: path too long", db);
	snprintf(a->tmp_key, sizeof(a->tmp_key), "%s.key", a->tmp);
	snprintf(a->key, sizeof(a->key), "%s.key", db);
	return 0;
}

/* Remove what a run killed earlier left in the directory: files named
 * PREFIX + PID (+ "-wal", "-shm", "-journal", ".key") of a process that
 * no longer runs, or of this one (a former holder of its pid). */
static void remove_leftovers(const struct aside *a)
{
	size_t plen = strlen(a->prefix);
	int fd = dup(a->dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d))) {
		char *end;
		if (strncmp(e->d_name, a->prefix, plen))
			continue;
		long pid = strtol(e->d_name + plen, &end, 10);
		if (end == e->d_name + plen || pid <= 0 ||
		    (*end && *end != '-' && *end != '.'))
			continue;
		if (pid == (long)getpid() || (kill((pid_t)pid, 0) && errno == ESRCH))
			unlinkat(a->dfd, e->d_name, 0);
	}
	closedir(d);
}

int aside_start(struct aside *a, const char *db, const char *verb,
		struct cn_err *err)
{
	int rc;

	a->dfd = -1;
	if ((rc = paths(a, db, verb, err)))
		return rc;
	a->dfd = open(a->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (a->dfd < 0 || flock(a->dfd, LOCK_EX)) {
		rc = cn_err_set(err, CN_EIO, "%s: cannot open the directory: %s",
				a->dir, strerror(errno));
		aside_end(a);
		return rc;
	}
	if (access(db, F_OK) == 0) {
		aside_end(a);
		return cn_err_set(err, CN_EREFUSED, "%s already exists; %s creates "
				  "a new store and never overwrites one", db, verb);
	}
	remove_leftovers(a);
	return 0;
}

int aside_sealed(const struct aside *a, struct cn_err *err)
{
	char wal[PATH_MAX + 8];
	int fd, rc = 0;

	/* The last close folds the WAL into the file and removes it: the
	 * file alone is then the whole store. */
	snprintf(wal, sizeof(wal), "%s-wal", a->tmp);
	if (access(wal, F_OK) == 0)
		return cn_err_set(err, CN_EIO, "%s: the new store kept a WAL file; "
				  "it is not complete on its own", a->tmp);
	fd = open(a->tmp, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fsync(fd))
		rc = cn_err_set(err, CN_EIO, "%s: cannot sync: %s", a->tmp,
				strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

int aside_finish(const struct aside *a, const char *db, struct cn_err *err)
{
	/* The key first: a store is never in place without its key. */
	if (rename(a->tmp_key, a->key) || rename(a->tmp, db) || fsync(a->dfd))
		return cn_err_set(err, CN_EIO, "%s: cannot move the new store into "
				  "place: %s", db, strerror(errno));
	return 0;
}

void aside_abandon(struct aside *a)
{
	static const char *const side[] = {"-wal", "-shm", "-journal", ".key"};
	char path[PATH_MAX + 16];

	unlink(a->tmp);
	for (size_t i = 0; i < sizeof(side) / sizeof(side[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", a->tmp, side[i]);
		unlink(path);
	}
	aside_end(a);
}

void aside_end(struct aside *a)
{
	if (a->dfd >= 0)
		close(a->dfd);
	a->dfd = -1;
}
