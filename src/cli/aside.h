/*
 * aside.h - a new SQLite store built aside and renamed into place, whole
 * or not at all: what `council init` and `council migrate` share.
 *
 * The store is built in ".NAME.VERB-PID" beside the target, in the same
 * directory so that a rename moves it into place at once, with its key in
 * ".NAME.VERB-PID.key".  Built and closed (SQLite folds its WAL into the
 * file on the last close), the file is synced; then the key and, last,
 * the store are renamed into place and the directory is synced.  A kill
 * at any moment leaves either no store (at most a key without one, and
 * temporary files, which the next run removes once their process is
 * gone) or a whole one.  Runs in one directory take a lock on it, so two
 * cannot race for one name.
 */
#ifndef CN_CLI_ASIDE_H
#define CN_CLI_ASIDE_H

#include <limits.h>

#include "../core/err.h"

struct aside {
	char dir[PATH_MAX];     /* the target's directory ("." if none) */
	char prefix[PATH_MAX];  /* ".NAME.VERB-": temporary files start so */
	char tmp[PATH_MAX];     /* the store being built */
	char tmp_key[PATH_MAX + 8];
	char key[PATH_MAX + 8]; /* the target's key */
	int dfd;                /* the directory, locked; -1 when not open */
};

/* The paths for target `db` built by `verb` ("init", "migrate"), the
 * directory opened and locked, and what a run killed earlier left there
 * removed.  CN_EEXIST (nothing changed) when db exists: a store is
 * never overwritten. */
int aside_start(struct aside *a, const char *db, const char *verb,
		struct cn_err *err) CN_NODISCARD;
/* The built store closed: it kept no WAL file, and it is synced. */
int aside_sealed(const struct aside *a, struct cn_err *err) CN_NODISCARD;
/* The key, then the store, renamed into place; the directory synced. */
int aside_finish(const struct aside *a, const char *db, struct cn_err *err)
	CN_NODISCARD;
/* Remove the temporary files (after a failure) and unlock. */
void aside_abandon(struct aside *a);
/* Unlock (after aside_finish). */
void aside_end(struct aside *a);

#endif
