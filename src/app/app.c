/*
 * app.c - the service layer; see app.h.
 */
#include "app.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include "../core/checkpoint.h"
#include "../core/json_alloc.h"
#include "../core/readback.h"
#include "../core/timeline.h"
#include "app_snapshot.h"
#include "pager.h"
#include "projection.h"

struct cn_app {
	struct cn_store *st;
	struct cn_world w;
	int batch; /* inside cn_app_batch_begin/end */
	int importing; /* inside cn_app_import_begin/end (a batch too) */
	/* Opened by cn_app_open_registry: the world is the registry read
	 * from the projection rows, and no command may run on it. */
	int registry_only;
	/* The world is not even the registry: an open for the commands
	 * that read the store alone (cn_app_open_store). */
	int store_only;
	/* The world may hold events the store does not (a failed write whose
	 * reload failed too): the next write reloads first. */
	int stale;
	/* The world has folded events this transaction has not committed:
	 * a rollback must rebuild it.  Without them (a refusal before any
	 * fold) the world is still the store's. */
	int dirty;
	int64_t command_seq; /* first event of the last command run */
	/* The time of the write being made (the latest `now` a command of
	 * this transaction ran at): recorded beside its checkpoint. */
	int64_t now;
	/* The real time, when the face gave it: no event is recorded after
	 * it (cn_app_set_clock). */
	int has_clock;
	int64_t wall;
	/* Read again once the write lock is held (cn_app_follow_clock). */
	int64_t (*clock)(void);
	/* The proposal views this transaction has yet to rewrite. */
	struct cn_projector pj;
	/* Snapshots of the world (app_snapshot.h). */
	struct cn_app_snaps snaps;
	/* Where the world's concluded proposals are kept (pager.h); NULL
	 * for a registry-only app.  Each rebuild makes a new one, so that
	 * the world it replaces stays whole should the rebuild fail. */
	struct cn_pager *pg;
	/* Pagers lost so far (a read or a write of the file failed): after
	 * CN_PAGERS_LOST, rebuilds keep every proposal in memory, rather than
	 * rebuild at every write when the file's disk stays full. */
	int pagers_lost;
	/* Each rebuild's pager has a number: one loss counted once, however
	 * many commands of a batch meet it. */
	unsigned pager_gen, counted_gen;
};
#define CN_PAGERS_LOST 2

/* The log's signing key lives outside the store (mode 0600), never inside
 * it: a copy of the database cannot sign.  Beside a SQLite file, in
 * FILE.key; for a database, where cn_store_key_path says.  Its public
 * half is kept in the store's meta ("log_vkey") for verifiers. */

int cn_app_key_read(const char *path, char **name,
		    uint8_t sk[CN_NOTE_SECKEY_LEN], struct cn_err *err)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int rc;

	if (!f)
		return errno == ENOENT
			? cn_err_set(err, CN_ENOTFOUND, "%s: no such file", path)
			: cn_err_set(err, CN_EIO, "%s: cannot read: %s", path,
				     strerror(errno));
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	rc = cn_note_skey_decode(line, name, sk, err);
	sodium_memzero(line, sizeof(line));
	return rc ? cn_err_prefix(err, "%s: ", path) : 0;
}

int cn_app_key_write(const char *path, const char *name,
		     const uint8_t sk[CN_NOTE_SECKEY_LEN], struct cn_err *err)
{
	char *skey = NULL;
	int fd, rc = cn_note_skey_encode(name, sk, &skey, err);

	if (rc)
		return rc;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || (size_t)write(fd, skey, strlen(skey)) != strlen(skey) ||
	    write(fd, "\n", 1) != 1 || fsync(fd))
		rc = cn_err_set(err, CN_EIO, "%s: cannot write the log key: %s",
				path, strerror(errno));
	if (fd >= 0)
		close(fd);
	sodium_memzero(skey, strlen(skey));
	free(skey);
	return rc;
}

static int load_or_make_key(struct cn_app *app, const char *db, int flags,
			    struct cn_err *err)
{
	char path[600], *vkey = NULL, *name = NULL;
	uint8_t pk[CN_NOTE_PUBKEY_LEN], sk[CN_NOTE_SECKEY_LEN];
	int rc = 0, have_vkey;

	if (flags & CN_STORE_READONLY)
		return 0;
	have_vkey = cn_store_get_meta(app->st, "log_vkey", &vkey, NULL) == 0;
	if (!(flags & CN_STORE_MEMORY)) {
		if ((rc = cn_store_key_path(app->st, db, path, sizeof(path), err)))
			return rc;
		rc = cn_app_key_read(path, &name, sk, err);
		if (rc && rc != CN_ENOTFOUND) {
			free(vkey);
			return rc;
		}
		if (rc == 0) {
			rc = cn_store_set_signer(app->st, name, sk, err);
			cn_app_snaps_seal_with(&app->snaps, sk);
			free(name);
			free(vkey);
			sodium_memzero(sk, sizeof(sk));
			return rc;
		}
		if (have_vkey) {
			free(vkey);
			return cn_err_set(err, CN_ECORRUPT,
					  "%s: the log's signing key is missing; "
					  "without it no checkpoint can be signed",
					  path);
		}
	}
	free(vkey);
	/* A new log: a new key. */
	uint8_t rnd[4];
	char keyname[64];
	randombytes_buf(rnd, sizeof(rnd));
	snprintf(keyname, sizeof(keyname), "council-log-%02x%02x%02x%02x", rnd[0],
		 rnd[1], rnd[2], rnd[3]);
	if ((rc = cn_note_keygen(keyname, pk, sk, err)) ||
	    (rc = cn_note_vkey_encode(keyname, pk, &vkey, err)))
		return rc;
	if (!(flags & CN_STORE_MEMORY) &&
	    (rc = cn_app_key_write(path, keyname, sk, err)))
		goto out;
	if ((rc = cn_store_begin(app->st, err)) == 0) {
		rc = cn_store_set_meta(app->st, "log_vkey", vkey, err);
		if (rc == 0)
			rc = cn_store_commit(app->st, err);
		else
			cn_store_rollback(app->st);
	}
	if (rc == 0)
		rc = cn_store_set_signer(app->st, keyname, sk, err);
	if (rc == 0)
		cn_app_snaps_seal_with(&app->snaps, sk);
out:
	sodium_memzero(sk, sizeof(sk));
	free(vkey);
	return rc;
}

static void pager_warning(const struct cn_err *why)
{
	fprintf(stderr, "council: warning: %s; concluded proposals stay in "
		"memory\n", why->msg);
}

static void free_pager(struct cn_pager *pg)
{
	if (pg) {
		cn_pager_release(pg);
		free(pg);
	}
}

static int rebuild(struct cn_app *app, struct cn_err *err);
/* The one way an app is made: the store, the key, then the world built
 * from the store (from a sealed snapshot and the events after it, or the
 * whole log replayed, or the registry from its rows). */
enum open_mode { OPEN_WRITER, OPEN_REGISTRY, OPEN_STORE };

static int open_app(const char *path, int flags, enum open_mode mode,
		    struct cn_app **out, struct cn_err *err)
{
	struct cn_app *app = calloc(1, sizeof(*app));
	int rc;

	if (!app)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if ((rc = cn_store_open(path, flags, &app->st, err))) {
		free(app);
		return rc;
	}
	const int registry_only = mode != OPEN_WRITER;
	app->registry_only = registry_only;
	app->store_only = mode == OPEN_STORE;
	cn_app_snaps_init(&app->snaps);
	/* The key first: a writer trusts only the snapshots it sealed. */
	if ((!registry_only && (rc = load_or_make_key(app, path, flags, err))) ||
	    (rc = rebuild(app, err))) {
		cn_err_prefix(err, "%s: ", path ? path : ":memory:");
		cn_app_snaps_release(&app->snaps);
		cn_world_release(&app->w);
		free_pager(app->pg);
		cn_store_close(app->st);
		free(app);
		return rc;
	}
	*out = app;
	return 0;
}

int cn_app_open(const char *path, int flags, struct cn_app **out,
		struct cn_err *err)
{
	return open_app(path, flags, OPEN_WRITER, out, err);
}

int cn_app_open_registry(const char *path, int flags, struct cn_app **out,
			 struct cn_err *err)
{
	return open_app(path, flags & ~CN_STORE_CREATE, OPEN_REGISTRY, out, err);
}

int cn_app_open_store(const char *path, int flags, struct cn_app **out,
		      struct cn_err *err)
{
	return open_app(path, flags & ~CN_STORE_CREATE, OPEN_STORE, out, err);
}

void cn_app_close(struct cn_app *app)
{
	if (!app)
		return;
	if (app->batch)
		cn_store_rollback(app->st);
	cn_projector_release(&app->pj);
	cn_app_snaps_release(&app->snaps);
	cn_world_release(&app->w);
	free_pager(app->pg);
	cn_store_close(app->st);
	free(app);
}

const struct cn_world *cn_app_world(const struct cn_app *app)
{
	return &app->w;
}

struct cn_store *cn_app_store(struct cn_app *app)
{
	return app->st;
}

const char *cn_app_warning(const struct cn_app *app)
{
	return app->snaps.warning[0] ? app->snaps.warning : NULL;
}

const struct cn_app_opened *cn_app_opened(const struct cn_app *app)
{
	return &app->snaps.opened;
}

int64_t cn_app_snapshot_seq(const struct cn_app *app)
{
	return app->snaps.seq;
}

int64_t cn_app_snapshot_interval(const struct cn_app *app)
{
	return cn_app_snaps_interval(&app->snaps);
}

int cn_app_background_snapshots(struct cn_app *app, struct cn_err *err)
{
	return app->registry_only ? 0 : cn_app_snaps_background(&app->snaps, err);
}

void cn_app_snapshot_settle(struct cn_app *app)
{
	cn_app_snaps_settle(&app->snaps);
}

/* The world again, from nothing but the store.  A writer's world comes
 * with a new pager, and its concluded proposals are out of memory from
 * the start (those of a whole log's replay at the sweep here). */
static int rebuild(struct cn_app *app, struct cn_err *err)
{
	struct cn_pager *pg = NULL;
	struct cn_world w;
	int64_t seq = 0;
	int rc;

	if (app->registry_only) {
		cn_world_init(&w);
		rc = app->store_only ? 0 : cn_projection_registry(app->st, &w, err);
		if (rc)
			cn_world_release(&w);
	} else if (app->pagers_lost >= CN_PAGERS_LOST)
		rc = cn_app_snaps_restore(&app->snaps, app->st, NULL, &w, &seq, err);
	else if (!(pg = malloc(sizeof(*pg))))
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	else {
		cn_pager_init(pg);
		rc = cn_app_snaps_restore(&app->snaps, app->st, pg, &w, &seq, err);
	}
	if (rc) {
		free_pager(pg);
		return rc;
	}
	cn_world_release(&app->w);
	free_pager(app->pg);
	app->w = w;
	app->pg = pg;
	app->pager_gen++;
	app->snaps.seq = seq;
	app->stale = 0;
	app->dirty = 0;
	if (pg) {
		struct cn_err why;
		cn_pager_attach(pg, &app->w);
		if (cn_pager_sweep(pg, &why))
			pager_warning(&why);
	}
	return 0;
}

/* After a commit: the proposals concluded since the last sweep leave
 * memory (every CN_PAGER_EVERY events).  A pager that cannot write (its
 * temporary file) loses nothing: the proposals stay in memory, and a
 * warning says so once. */
static void page_out(struct cn_app *app)
{
	struct cn_err why;

	if (app->pg && !app->pg->failed && cn_pager_maybe(app->pg, &why))
		pager_warning(&why);
}

/* The pager lost a proposal: the next write rebuilds the world, with a
 * new pager, or (the second time) with every proposal in memory. */
static void rebuild_without(struct cn_app *app)
{
	app->stale = 1;
	if (app->counted_gen == app->pager_gen)
		return;
	app->counted_gen = app->pager_gen;
	if (++app->pagers_lost == CN_PAGERS_LOST)
		fprintf(stderr, "council: warning: the temporary file of concluded "
			"proposals failed %d times; from the next write on, "
			"concluded proposals stay in memory\n", CN_PAGERS_LOST);
}

/* A command that failed because a proposal the pager held could not be
 * given back (world.h: it reads as no proposal) fails for that reason,
 * and the next write rebuilds the world (rebuild_without). */
static int pager_lost(struct cn_app *app, int rc, struct cn_err *err)
{
	if (!rc || !app->pg || !app->pg->lost)
		return rc;
	rebuild_without(app);
	return cn_pager_failed(app->pg, err);
}

/* After a commit: the snapshot due planned or taken, concluded proposals
 * paged out.  A pager that lost a proposal meanwhile (a read of its file
 * failed for the snapshot's plan, or a write failed after buffering)
 * makes the next write rebuild the world with a new one, rather than
 * leave snapshots stopped until the process ends. */
static void committed(struct cn_app *app)
{
	app->dirty = 0;
	cn_app_snaps_committed(&app->snaps, app->st, &app->w, app->pg);
	page_out(app);
	if (app->pg && app->pg->lost)
		rebuild_without(app);
}

/* Only the events another process appended are folded, when the store
 * continues the world (the scan checks the chain from the world's last
 * event, and each event must link to the one before); anything else, a
 * store that is not a continuation or a fold that failed half-way,
 * rebuilds the world from the store. */
int cn_app_reload(struct cn_app *app, struct cn_err *err)
{
	struct cn_err why;
	uint64_t n;

	if (!app->stale && !app->dirty && !app->registry_only &&
	    cn_store_tree_size(app->st, &n, &why) == 0 &&
	    (int64_t)n >= app->w.last_seq) {
		if ((int64_t)n == app->w.last_seq)
			return 0;
		/* Another server's events: what they concluded leaves memory
		 * too, or a server that only follows would keep it all. */
		if (cn_store_scan(app->st, app->w.last_seq + 1, cn_app_fold_next,
				  &app->w, &why) == 0) {
			page_out(app);
			return 0;
		}
	}
	return rebuild(app, err);
}

void cn_app_set_clock(struct cn_app *app, int64_t wall)
{
	app->has_clock = 1;
	app->wall = wall;
}

void cn_app_follow_clock(struct cn_app *app, int64_t (*clock)(void))
{
	assert(app->has_clock);
	app->clock = clock;
}

int64_t cn_app_command_seq(const struct cn_app *app)
{
	return app->command_seq;
}

/* After a failure the in-memory world may hold events that were rolled
 * back; rebuild it from what is durably stored.  If that fails too, keep
 * the world as it is -- never an empty one, which would answer as if the
 * alliance had no members and no proposals -- and mark it stale: the next
 * write reloads first, and fails while the store cannot be read. */
static void reload(struct cn_app *app)
{
	struct cn_err e;
	cn_projector_reset(&app->pj);
	if (app->dirty)
		app->stale = rebuild(app, &e) != 0;
}

static void release_events(struct cn_event *evs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cn_event_release(&evs[i]);
	free(evs);
}

/* Append, fold and project each event of the outbox, in two phases.
 * First every event is sealed (each linked to the one before it) and read
 * back: a refusal there changes nothing.  Then each is folded, appended
 * and projected; the fold is the reader's last check, so the first event
 * is folded before it is appended and its refusal changes nothing either.
 * A failure after that has changed the world or the store: it is never
 * reported as a refusal (CN_ECORRUPT unless I/O or memory), so a caller
 * that groups commands (the server's batch) knows the group must fail. */
static int emit_box(struct cn_app *app, const char *actor,
		    struct cn_outbox *box, size_t *count, struct cn_err *err)
{
	struct cn_event *evs = box->n ? calloc(box->n, sizeof(*evs)) : NULL;
	size_t n = 0;
	int rc = 0;

	if (box->n && !evs)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	for (; n < box->n && rc == 0; n++) {
		struct cn_outbox_item *it = &box->items[n];
		uint8_t salt[CN_SALT_LEN];

		/* A decision's events are its body's (procedure.h). */
		if ((rc = cn_event_init(&evs[n], it->time,
					it->actor[0] ? it->actor : actor,
					cn_event_type_get(it->type)->name,
					it->payload, err)))
			break;
		/* A fresh salt per event blinds its leaf (event.h): from the
		 * operating system's generator, never derived from anything
		 * an outsider could know. */
		randombytes_buf(salt, sizeof(salt));
		rc = cn_event_seal(&evs[n], app->w.last_seq + 1 + (int64_t)n,
				   n ? evs[n - 1].hash : app->w.last_hash, salt, err);
		sodium_memzero(salt, sizeof(salt));
		if (!rc)
			rc = cn_event_read_back(&evs[n], err);
	}
	for (size_t i = 0; rc == 0 && i < box->n; i++) {
		app->dirty = 1;
		if ((rc = cn_world_apply(&app->w, &evs[i], err)) && i == 0 &&
		    rc != CN_ENOMEM) {
			rc = cn_err_recode(err, CN_EINVAL);
			break;
		}
		if (!rc)
			rc = cn_store_append(app->st, &evs[i], err);
		if (!rc)
			rc = cn_project_event(&app->pj, app->st, &app->w, &evs[i], err);
		if (rc && rc != CN_ENOMEM && rc != CN_EIO)
			rc = cn_err_recode(err, CN_ECORRUPT);
		if (!rc && count)
			(*count)++;
	}
	release_events(evs, n);
	return rc;
}

/* Inside a write transaction: if another process appended since the world
 * was folded (the server, or the CLI beside it), fold again first, or our
 * events would take sequence numbers that are already used. */
static int sync_world(struct cn_app *app, struct cn_err *err)
{
	uint64_t n;
	int rc = cn_store_tree_size(app->st, &n, err);
	if (rc || (!app->stale && (int64_t)n == app->w.last_seq))
		return rc;
	return cn_app_reload(app, err);
}

/* Ends a write outside a batch: each touched proposal's view once, then
 * one signed checkpoint per committed write.  On failure, nothing of it
 * is kept and the world is folded again from the store. */
static int commit_write(struct cn_app *app, struct cn_err *err)
{
	int rc = cn_projector_flush(&app->pj, app->st, &app->w, err);

	if (!rc)
		rc = cn_store_checkpoint_sign(app->st, app->now, err);
	if (!rc)
		rc = cn_app_snaps_take(&app->snaps, app->st, &app->w, err);
	if (!rc)
		rc = cn_store_commit(app->st, err);
	if (rc) {
		cn_store_rollback(app->st);
		reload(app);
	} else
		committed(app);
	return rc;
}

int cn_app_run(struct cn_app *app, int64_t now, const char *actor,
	       cn_command_fn fn, const void *args, size_t *nevents,
	       struct cn_err *err)
{
	struct cn_outbox box = {0};
	size_t count = 0;
	int rc;

	if (app->registry_only)
		return cn_err_set(err, CN_EINVAL, "a store opened for reading "
				  "its registry runs no command");
	if (app->has_clock && (rc = cn_timeline_not_future(now, app->wall, err)))
		return rc;
	if (!app->batch) {
		if ((rc = cn_store_begin(app->st, err)))
			return rc;
		if ((rc = sync_world(app, err))) {
			cn_store_rollback(app->st);
			return rc;
		}
		/* The lock is held: the time moves on to the clock's, which
		 * follows every event committed before (on this host). */
		if (app->clock) {
			int64_t t = app->clock();
			if (t > app->wall)
				app->wall = t;
			if (t > now)
				now = t;
		}
		app->now = now;
	} else if (now > app->now)
		app->now = now;
	/* Due deadlines first, recorded by the clock, not by the caller. */
	rc = cn_cmd_tick(&app->w, now, &box, err);
	if (!rc)
		rc = emit_box(app, "clock", &box, &count, err);
	cn_outbox_release(&box);
	/* Alone, what the clock concluded is committed before the command
	 * runs: it is due whatever the caller asks, and a command the engine
	 * refuses (a position on the proposal the clock just concluded) must
	 * not take it back, or its refusal would name a conclusion that the
	 * record does not hold. */
	if (!rc && !app->batch && count && fn != cn_app_cmd_tick) {
		if ((rc = commit_write(app, err)) == 0 &&
		    (rc = cn_store_begin(app->st, err)) == 0 &&
		    (rc = sync_world(app, err)) != 0)
			cn_store_rollback(app->st);
		if (rc)
			return rc;
	}
	if (!rc && fn != cn_app_cmd_tick) {
		app->command_seq = app->w.last_seq + 1;
		rc = fn(&app->w, now, args, &box, err);
		if (!rc)
			rc = emit_box(app, actor, &box, &count, err);
		cn_outbox_release(&box);
		/* And after: lifting the reservation that held a silence
		 * procedure past its deadline lets it conclude now. */
		if (!rc)
			rc = cn_cmd_tick(&app->w, now, &box, err);
		if (!rc)
			rc = emit_box(app, "clock", &box, &count, err);
		cn_outbox_release(&box);
	}
	rc = pager_lost(app, rc, err);
	if (!app->batch) {
		if (rc) {
			cn_store_rollback(app->st);
			reload(app);
		} else
			rc = commit_write(app, err);
	}
	if (!rc && nevents)
		*nevents = count;
	return rc;
}

int cn_app_batch_begin(struct cn_app *app, struct cn_err *err)
{
	int rc;
	assert(!app->batch);
	if (app->registry_only)
		return cn_err_set(err, CN_EINVAL, "a store opened for reading "
				  "its registry runs no command");
	if ((rc = cn_store_begin(app->st, err)))
		return rc;
	if ((rc = sync_world(app, err))) {
		cn_store_rollback(app->st);
		return rc;
	}
	app->batch = 1;
	app->now = INT64_MIN;
	cn_projector_reset(&app->pj);
	cn_store_docs_reset(app->st);
	return 0;
}

/* The end of a batch's transaction: committed when `commit`, else (or
 * when the commit fails) rolled back and the world folded again.  `rc`:
 * the failure that stopped the batch before its end, returned as it is. */
static int batch_close(struct cn_app *app, int commit, int rc,
		       struct cn_err *err)
{
	if (commit && (rc = cn_store_commit(app->st, err)) == 0) {
		committed(app);
		return 0;
	}
	cn_store_rollback(app->st);
	reload(app);
	return rc;
}

int cn_app_batch_end(struct cn_app *app, int commit, struct cn_err *err)
{
	int rc = 0;
	assert(app->batch);
	app->batch = 0;
	/* Group commit: each proposal the batch touched gets its view
	 * written once, from the world as the batch left it. */
	if (commit)
		rc = cn_projector_flush(&app->pj, app->st, &app->w, err);
	if (commit && rc == 0 &&
	    (rc = cn_store_checkpoint_sign(app->st, app->now, err)) == 0)
		rc = cn_app_snaps_take(&app->snaps, app->st, &app->w, err);
	return batch_close(app, commit && rc == 0, rc, err);
}

/* ---- importing another store's log (app.h) --------------------------------- */

int cn_app_import_begin(struct cn_app *app, struct cn_err *err)
{
	int rc, empty = 0;

	if (app->w.last_seq == 0 &&
	    (rc = cn_store_empty(app->st, &empty, err)))
		return rc;
	if (app->w.last_seq != 0 || !empty)
		return cn_err_set(err, CN_EINVAL, "a log is imported only into "
				  "an empty store");
	if ((rc = cn_app_batch_begin(app, err)) == 0)
		app->importing = 1;
	return rc;
}

int cn_app_import_event(struct cn_app *app, const struct cn_event *ev,
			struct cn_err *err)
{
	int rc;

	assert(app->batch && app->importing);
	/* The source's scan checked its chain; this checks that it
	 * continues what was imported, whatever the caller did between. */
	if (ev->seq != app->w.last_seq + 1 ||
	    memcmp(ev->prev, app->w.last_hash, CN_HASH_LEN))
		return cn_err_set(err, CN_ECORRUPT, "event %lld does not follow "
				  "event %lld of the import", (long long)ev->seq,
				  (long long)app->w.last_seq);
	app->dirty = 1;
	if ((rc = cn_world_apply(&app->w, ev, err)) == 0 &&
	    (rc = cn_store_append(app->st, ev, err)) == 0)
		rc = cn_project_event(&app->pj, app->st, &app->w, ev, err);
	if (rc)
		cn_err_prefix(err, "event %lld: ", (long long)ev->seq);
	return rc;
}

int cn_app_import_flush(struct cn_app *app, struct cn_err *err)
{
	int rc;

	assert(app->batch && app->importing);
	if ((rc = cn_projector_flush(&app->pj, app->st, &app->w, err)) == 0)
		rc = cn_app_snaps_take(&app->snaps, app->st, &app->w, err);
	if (rc == 0)
		page_out(app); /* a long import holds no more than a writer */
	return rc;
}

int cn_app_import_end(struct cn_app *app, int commit, struct cn_err *err)
{
	assert(app->batch && app->importing);
	app->batch = app->importing = 0;
	return batch_close(app, commit, 0, err);
}

/* ---- command adapters ------------------------------------------------------ */

int cn_app_cmd_propose(const struct cn_world *w, int64_t now, const void *a,
		       struct cn_outbox *box, struct cn_err *err)
{
	int64_t id;
	return cn_cmd_propose(w, now, a, box, &id, err);
}

int cn_app_cmd_respond(const struct cn_world *w, int64_t now, const void *a,
		       struct cn_outbox *box, struct cn_err *err)
{
	return cn_cmd_respond(w, now, a, box, err);
}

int cn_app_cmd_extend(const struct cn_world *w, int64_t now, const void *a,
		      struct cn_outbox *box, struct cn_err *err)
{
	const struct cn_app_secretariat_args *s = a;
	return cn_cmd_extend(w, now, s->proposal, s->deadline, box, err);
}

int cn_app_cmd_recirculate(const struct cn_world *w, int64_t now,
			   const void *a, struct cn_outbox *box,
			   struct cn_err *err)
{
	const struct cn_app_secretariat_args *s = a;
	return cn_cmd_recirculate(w, now, s->proposal, s->text, s->deadline, box,
				  err);
}

int cn_app_cmd_conclude(const struct cn_world *w, int64_t now, const void *a,
			struct cn_outbox *box, struct cn_err *err)
{
	const struct cn_app_secretariat_args *s = a;
	return cn_cmd_conclude(w, now, s->proposal, box, err);
}

int cn_app_cmd_withdraw(const struct cn_world *w, int64_t now, const void *a,
			struct cn_outbox *box, struct cn_err *err)
{
	const struct cn_app_secretariat_args *s = a;
	return cn_cmd_withdraw(w, now, s->proposal, s->reason, box, err);
}

int cn_app_cmd_tick(const struct cn_world *w, int64_t now, const void *a,
		    struct cn_outbox *box, struct cn_err *err)
{
	(void)a;
	return cn_cmd_tick(w, now, box, err);
}
