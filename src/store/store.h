/*
 * store.h - the store contract: the durable home of an alliance's record
 * (the event log, its Merkle tree and signed checkpoints), the projection
 * rows derived from it, the API's tokens and a few meta values; and the
 * table of operations a storage backend implements to hold them.
 *
 * The store stores; it does not think.  It never folds events or builds a
 * view: the app computes every projection row from its world and hands it
 * over finished (app/projection.h), and builds the worlds it needs from
 * the events and rows the store gives back.  What the store does above its
 * backends is what every backend must do the same way, so it is written
 * once here: checking the hash chain of every event read back, storing
 * the Merkle nodes each append completes, signing checkpoints.
 *
 * The layout follows SQLite's VFS and libuv's platform layer: the
 * cn_store_* functions are the one interface the rest of the program
 * calls; struct cn_store_ops (at the end) is what a backend provides.
 * SQLite is the first backend (store/sqlite_*.c), PostgreSQL the second
 * (store/pg_*.c).
 *
 * What every backend guarantees (a second one, such as PostgreSQL, must
 * keep all of these; the tests of the first one rely on them):
 *
 *  1. Atomic batch.  Everything written between cn_store_begin and
 *     cn_store_commit (events, Merkle nodes, the checkpoint, projection
 *     rows, meta) becomes visible together or not at all; a rollback, a
 *     failed commit or a crash leaves nothing of it.
 *  2. Durable on return.  When cn_store_commit returns 0 the transaction
 *     survives a crash or power loss (SQLite: WAL with synchronous=FULL;
 *     PostgreSQL: synchronous_commit=on, whatever the server's default).
 *  3. One writer at a time.  cn_store_begin takes the write lock, waiting
 *     for another writer to finish, so appends are serialised; a writer
 *     that finds the log longer than it thought re-reads it first (app.c).
 *  4. Monotonic, gap-free seq.  Event n + 1 follows event n; a seq is
 *     stored once (appending it again fails); events, Merkle nodes and
 *     checkpoints are never changed or removed once committed.
 *  5. Readers see committed state only, and between cn_store_read_begin
 *     and cn_store_read_end one snapshot of it: every read in between sees
 *     the same committed state, whatever other connections commit
 *     meanwhile (so `council verify` and `log export` of a store being
 *     written see one consistent record).
 *  6. A change signal.  cn_store_data_version changes whenever another
 *     connection commits; the meta value "registry_seq" (set by the app)
 *     moves when the registry changes, and "tokens_seq" when a token is
 *     issued or revoked: readers rebuild what they cache when these move.
 *  7. Rows come back as written: the same types and values.  In key order
 *     (integers numerically, text bytewise, shorter first on a tie), or in
 *     the order their keys were first written (the registry's order,
 *     which is the order the fold met them).
 *
 * A council database is marked as such (SQLite: PRAGMA application_id
 * 'CNCL'; PostgreSQL: the one row of table "council"); anything else is
 * refused rather than written to.
 *
 * Ownership: struct cn_store is opaque, created by cn_store_open and freed
 * by cn_store_close.  Everything passed to a callback (events, rows,
 * checkpoints) is borrowed for the call.  Strings returned through char **
 * are malloc'd for the caller.  Not thread-safe: one store per thread.
 */
#ifndef CN_STORE_H
#define CN_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/checkpoint.h"
#include "../core/err.h"
#include "../core/event.h"
#include "../core/frontier.h"
#include "../core/merkle.h"

struct cn_store;

enum {
	CN_STORE_CREATE = 1,   /* create the file and schema if missing */
	CN_STORE_READONLY = 2, /* no writes; needs no signing key (app.h) */
	CN_STORE_MEMORY = 4,   /* a private in-memory store (path ignored) */
	/* Reads the whole record once, in order (`council verify`): no page
	 * is read twice, so the backend keeps few in memory (SQLite: a page
	 * cache of 256 KiB, not 2 MiB).  A hint; reads are the same. */
	CN_STORE_SCAN = 8,
};

/* path names the store: a SQLite file, or a PostgreSQL database when it
 * is a connection string (cn_store_is_database). */
int cn_store_open(const char *path, int flags, struct cn_store **out,
		  struct cn_err *err) CN_NODISCARD;
void cn_store_close(struct cn_store *st);

/* Nonzero when path is a PostgreSQL connection string rather than a
 * file: it starts with "postgresql://" or "postgres://", or it is a
 * libpq keyword string, which starts with a keyword (lower-case letters
 * and '_') and '=' ("host=/run/pg dbname=council").  A file whose name
 * looks like one is named with a directory: ./dbname=x. */
int cn_store_is_database(const char *path);

/* Where the log's signing key of the store opened from `path` lives
 * (written into out, n bytes): FILE.key beside a SQLite file; for a
 * PostgreSQL store the file $COUNCIL_KEY, or else
 * ${XDG_CONFIG_HOME:-$HOME/.config}/council/STORE_ID.key, its directory
 * made (0700) when the store is writable. */
int cn_store_key_path(struct cn_store *st, const char *path, char *out,
		      size_t n, struct cn_err *err) CN_NODISCARD;

/* *empty: 1 when the store holds no event yet, else 0.  A store that
 * cannot be read (SQLite out of memory included) is an error, with the
 * read's own code, never an answer: "not empty" would refuse for the wrong reason, and
 * "empty" would let a seed write into a store it could not read. */
int cn_store_empty(struct cn_store *st, int *empty,
		   struct cn_err *err) CN_NODISCARD;

/* A write transaction (guarantees 1-3). */
int cn_store_begin(struct cn_store *st, struct cn_err *err) CN_NODISCARD;
int cn_store_commit(struct cn_store *st, struct cn_err *err) CN_NODISCARD;
void cn_store_rollback(struct cn_store *st);

/* A part of the write transaction that fails alone: what is written
 * between cn_store_savepoint and cn_store_savepoint_end(st, 0) is undone
 * and the transaction goes on as it was (on PostgreSQL a transaction in
 * which a statement failed is usable again only this way); end with keep
 * = 1 to keep it.  One at a time, inside cn_store_begin.  An error from
 * either means the transaction itself is lost: roll it back. */
enum cn_savepoint { CN_SAVEPOINT_OPEN, CN_SAVEPOINT_KEEP, CN_SAVEPOINT_UNDO };
int cn_store_savepoint(struct cn_store *st, struct cn_err *err) CN_NODISCARD;
int cn_store_savepoint_end(struct cn_store *st, int keep, struct cn_err *err)
	CN_NODISCARD;

/* A read transaction: one snapshot until cn_store_read_end (guarantee 5).
 * Not inside a write transaction.  A read begun inside another joins its
 * snapshot (and ends with it): a function that reads in one snapshot can
 * be called by one that reads more in the same. */
int cn_store_read_begin(struct cn_store *st, struct cn_err *err)
	CN_NODISCARD;
void cn_store_read_end(struct cn_store *st);

/* ---- the log ------------------------------------------------------------ */

/* Append one sealed event (inside a transaction), with the Merkle nodes
 * it completes. */
int cn_store_append(struct cn_store *st, const struct cn_event *ev,
		    struct cn_err *err) CN_NODISCARD;

/* Read events from seq `from` on, in order, checking the hash chain as it
 * goes: each event's bytes must decode canonically, hash with its stored
 * salt to the stored hash (event.h), and name the previous event's hash.  The first event that fails
 * stops the scan with CN_ECORRUPT and a message naming its sequence
 * number; a read that fails stops it with CN_EIO (a scan is never
 * silently shortened).  fn may stop the scan by returning nonzero (that
 * value is returned).  When from > 1 the chain is checked from event
 * from - 1. */
typedef int (*cn_event_fn)(void *ctx, const struct cn_event *ev,
			   struct cn_err *err);
int cn_store_scan(struct cn_store *st, int64_t from, cn_event_fn fn,
		  void *ctx, struct cn_err *err) CN_NODISCARD;
/* Events from..to (1 <= from <= to) as cn_store_scan checks them, event
 * `from` required to name `prev`: the hash of event from - 1, which the
 * caller has already checked (zeros when from is 1).  A long log is read
 * a range at a time without reading any event twice; the scan stops at
 * the last stored event (the caller counts what it was given).  A range
 * may be scanned while another scan (of checkpoints) is open. */
int cn_store_scan_range(struct cn_store *st, int64_t from, int64_t to,
			const uint8_t prev[CN_HASH_LEN], cn_event_fn fn,
			void *ctx, struct cn_err *err) CN_NODISCARD;
/* The same for a caller that keeps the events (app/eventpipe.c hands
 * them to another thread): take may move *ev out, leaving it zeroed. */
typedef int (*cn_event_take_fn)(void *ctx, struct cn_event *ev,
				struct cn_err *err);
int cn_store_scan_range_take(struct cn_store *st, int64_t from, int64_t to,
			     const uint8_t prev[CN_HASH_LEN],
			     cn_event_take_fn take, void *ctx,
			     struct cn_err *err) CN_NODISCARD;

/* Events of one proposal, in order (not chain-checked: for display). */
int cn_store_proposal_events(struct cn_store *st, int64_t proposal,
			     cn_event_fn fn, void *ctx, struct cn_err *err)
	CN_NODISCARD;

/* Event `seq`, decoded into *ev (the caller releases it) with its salt,
 * its hash checked against the stored one (CN_ECORRUPT naming the event);
 * CN_ENOTFOUND when there is no such event. */
int cn_store_event(struct cn_store *st, int64_t seq, struct cn_event *ev,
		   struct cn_err *err) CN_NODISCARD;

/* ---- the Merkle tree and signed checkpoints (docs/MERKLE.md) -------------
 *
 * Every appended event is a leaf of an RFC 9162 tree whose perfect nodes
 * are stored in the same transaction.  With a signer set, the app signs a
 * checkpoint (C2SP tlog-checkpoint note, Ed25519) before each commit. */

/* The log's signing key: `name` is the note key name and origin. */
int cn_store_set_signer(struct cn_store *st, const char *name,
			const uint8_t sk[CN_NOTE_SECKEY_LEN], struct cn_err *err)
	CN_NODISCARD;
/* Sign and store a checkpoint of the current tree, if it grew since the
 * last one (inside the caller's transaction), recording `now` (the time of
 * the write, seconds since the epoch) beside it.  Refuses (CN_ECORRUPT) to
 * sign a tree that no longer gives the last signed root. */
int cn_store_checkpoint_sign(struct cn_store *st, int64_t now,
			     struct cn_err *err) CN_NODISCARD;
/* The newest checkpoint: note (malloc'd, may pass NULL), size, root (may
 * pass NULL).  CN_ENOTFOUND when none was signed. */
int cn_store_checkpoint_latest(struct cn_store *st, char **note,
			       uint64_t *size, uint8_t root[32],
			       struct cn_err *err) CN_NODISCARD;
/* The checkpoint this store signed in its last committed write
 * transaction (note malloc'd, size): what the receipts of that write
 * name.  CN_ENOTFOUND when that write signed none (or failed). */
int cn_store_checkpoint_signed(struct cn_store *st, char **note,
			       uint64_t *size, struct cn_err *err)
	CN_NODISCARD;
/* The checkpoint signed last at or before time `until` (the same outputs;
 * CN_ENOTFOUND when none was): what a principal who may see checkpoints
 * only at a cadence is shown (docs/MERKLE.md, "Metadata"). */
int cn_store_checkpoint_until(struct cn_store *st, int64_t until, char **note,
			      uint64_t *size, uint8_t root[32],
			      struct cn_err *err) CN_NODISCARD;
/* The number of events, which is the tree's size. */
int cn_store_tree_size(struct cn_store *st, uint64_t *size, struct cn_err *err)
	CN_NODISCARD;
/* The root of the first `size` events, from the stored nodes. */
int cn_store_root_at(struct cn_store *st, uint64_t size, uint8_t root[32],
		     struct cn_err *err) CN_NODISCARD;
int cn_store_inclusion(struct cn_store *st, uint64_t index, uint64_t size,
		       struct cn_merkle_proof *proof, struct cn_err *err)
	CN_NODISCARD;
int cn_store_consistency(struct cn_store *st, uint64_t size1, uint64_t size2,
			 struct cn_merkle_proof *proof, struct cn_err *err)
	CN_NODISCARD;

/* A stored checkpoint: the size and root kept beside its note, as stored
 * (a verifier compares them with the note's own), and when it was signed
 * (not part of the signed note). */
struct cn_checkpoint_row {
	uint64_t size;
	const uint8_t *root;
	size_t rootlen;
	const char *note;
	int64_t time;
};
typedef int (*cn_checkpoint_fn)(void *ctx, const struct cn_checkpoint_row *cp,
				struct cn_err *err);
/* Store a checkpoint row as it is, signed elsewhere (inside a
 * transaction): a copy of another store's record (council migrate), which
 * the copier checks against this store's tree.  Fails when one of that
 * size is stored. */
int cn_store_checkpoint_copy(struct cn_store *st,
			     const struct cn_checkpoint_row *cp,
			     struct cn_err *err) CN_NODISCARD;
/* Every checkpoint row, by size, whatever its size (verify names a bad one). */
int cn_store_checkpoints(struct cn_store *st, cn_checkpoint_fn fn, void *ctx,
			 struct cn_err *err) CN_NODISCARD;
/* The checkpoints of size >= from, by size (what `verify --since` reads:
 * only those signed after the one the auditor trusts). */
int cn_store_checkpoints_from(struct cn_store *st, uint64_t from,
			      cn_checkpoint_fn fn, void *ctx,
			      struct cn_err *err) CN_NODISCARD;
/* Stored perfect node (level, index) into out; CN_ECORRUPT when the store
 * lacks it (every caller asks for a node its tree has). */
int cn_store_node(struct cn_store *st, unsigned level, uint64_t index,
		  uint8_t out[CN_MERKLE_HASH_LEN], struct cn_err *err)
	CN_NODISCARD;
/* The Merkle frontier (core/frontier.h) of the first `size` events, from
 * the stored nodes: one lookup per one bit of size.  CN_ECORRUPT when
 * the store lacks a node the tree of that size has. */
int cn_store_frontier(struct cn_store *st, uint64_t size,
		      struct cn_merkle_frontier *f, struct cn_err *err)
	CN_NODISCARD;

/* A stored perfect node, as stored. */
struct cn_node_row {
	unsigned level;
	uint64_t index;
	const uint8_t *hash;
	size_t hashlen;
};
typedef int (*cn_node_fn)(void *ctx, const struct cn_node_row *n,
			  struct cn_err *err);
/* Every stored Merkle node, by (level, index). */
int cn_store_nodes(struct cn_store *st, cn_node_fn fn, void *ctx,
		   struct cn_err *err) CN_NODISCARD;

/* ---- projection rows -------------------------------------------------------
 *
 * Current-state tables derived from the log, written in the same
 * transaction as the events that change them.  The store keeps the rows
 * the app computes (app/projection.c) and returns them as written; it
 * knows their columns and keys, not what they mean.  Registry tables end
 * with the whole record (canonical JSON) their other columns are taken
 * from. */

enum cn_table {
	CN_TAB_ALLIANCE,
	CN_TAB_MEMBERS,
	CN_TAB_PARTNERS,
	CN_TAB_BODIES,
	CN_TAB_OFFICES,
	CN_TAB_PROPOSALS,
	CN_TAB_POSITIONS,
	CN_TAB_COUNT
};

enum cn_value_type {
	CN_VAL_NULL,
	CN_VAL_INT,
	CN_VAL_TEXT,
	/* Read back only: a value of a type no row is written with (a
	 * changed database); s holds its text form. */
	CN_VAL_OTHER,
};

struct cn_value {
	enum cn_value_type type;
	int64_t i;         /* CN_VAL_INT */
	const char *s;     /* CN_VAL_TEXT, CN_VAL_OTHER: borrowed */
	size_t len;
};

struct cn_column {
	const char *name;
	enum cn_value_type type; /* CN_VAL_INT or CN_VAL_TEXT */
	int notnull;
};

struct cn_table_def {
	const char *name;
	const struct cn_column *cols;
	unsigned ncols;
	unsigned nkey; /* the first nkey columns are the primary key */
	/* The last column is most often the only one a put changes (a
	 * proposal's doc, at each position stated), so SQLite's backend
	 * first tries to write it alone (rowsql.h, CN_ROWSQL_PUT_LAST). */
	int last_alone;
};

/* The tables, by enum cn_table (store/tables.c). */
extern const struct cn_table_def cn_tables[CN_TAB_COUNT];

#define CN_ROW_MAX 13 /* the widest table's columns */

struct cn_row {
	enum cn_table table;
	struct cn_value v[CN_ROW_MAX]; /* cn_tables[table].ncols of them */
};

enum cn_row_order {
	CN_ORDER_KEY,     /* by primary key (guarantee 7) */
	CN_ORDER_WRITTEN, /* in the order each key was first written */
};

typedef int (*cn_row_fn)(void *ctx, const struct cn_row *row,
			 struct cn_err *err);

/* Write a row, replacing the row with the same key (inside a
 * transaction).  A proposals row's doc is also kept for
 * cn_store_last_doc. */
int cn_store_put_row(struct cn_store *st, const struct cn_row *row,
		     struct cn_err *err) CN_NODISCARD;
/* Remove the row whose key is key[0 .. nkey) (none: not an error). */
int cn_store_delete_row(struct cn_store *st, enum cn_table t,
			const struct cn_value *key, struct cn_err *err)
	CN_NODISCARD;
/* Every row of a table, in the order asked. */
int cn_store_rows(struct cn_store *st, enum cn_table t,
		  enum cn_row_order order, cn_row_fn fn, void *ctx,
		  struct cn_err *err) CN_NODISCARD;

/* A copy (malloc'd) of the doc of proposal `id` this store wrote since
 * the last cn_store_docs_reset(), or CN_ENOTFOUND: the server answers a
 * write with the view its batch wrote, without building it again. */
int cn_store_last_doc(struct cn_store *st, int64_t id, char **text,
		      struct cn_err *err) CN_NODISCARD;
void cn_store_docs_reset(struct cn_store *st);

/* ---- reading proposals, for readers ------------------------------------- */

/* The stored JSON view of proposal `id` (new reference), or CN_ENOTFOUND. */
int cn_store_proposal_doc(struct cn_store *st, int64_t id, json_t **out,
			  struct cn_err *err) CN_NODISCARD;

/* The stored JSON text of proposal `id` (canonical, as written); *text is
 * malloc'd.  CN_ENOTFOUND when there is no such proposal. */
int cn_store_proposal_text(struct cn_store *st, int64_t id, char **text,
			   size_t *len, struct cn_err *err) CN_NODISCARD;

/* Every proposal view, in id order (new reference: an array). */
int cn_store_proposal_docs(struct cn_store *st, json_t **out,
			   struct cn_err *err) CN_NODISCARD;

/* What decides who may see proposal `id`: its body, whether it is shared
 * with partners, whether it was adopted.  CN_ENOTFOUND if none. */
int cn_store_proposal_meta(struct cn_store *st, int64_t id, char body[16],
			   int *shared, int *adopted, struct cn_err *err)
	CN_NODISCARD;

/* ---- the change signal (guarantee 6) -------------------------------------- */

/* Changes whenever another connection commits: a cheap way for a reader
 * to know whether its caches are stale. */
int cn_store_data_version(struct cn_store *st, int64_t *out,
			  struct cn_err *err) CN_NODISCARD;

/* The meta values "registry_seq" (the last registry event) and
 * "tokens_seq" (moves with every token issued or revoked); 0 when unset. */
int cn_store_registry_version(struct cn_store *st, int64_t *out,
			      int64_t *tokens, struct cn_err *err) CN_NODISCARD;

/* The change counter and, where the backend reads them in the same query
 * (PostgreSQL: one round trip where three were), the two meta counters
 * of cn_store_registry_version, all of one moment.  Where it does not
 * (SQLite: the counter costs no query, meta does), *registry and *tokens
 * are -1: the caller reads them when the counter moved. */
int cn_store_versions(struct cn_store *st, int64_t *data, int64_t *registry,
		      int64_t *tokens, struct cn_err *err) CN_NODISCARD;

/* Right after a commit: the change counter as that commit left it, where
 * the backend knows it without a query (PostgreSQL: the write lock's
 * UPDATE returned it, and nobody else moves it under the lock); else
 * CN_ENOTFOUND (SQLite; no commit, or a failed one, since the last
 * write began).  cn_store_data_version would give that value or a later
 * one, another connection's. */
int cn_store_commit_version(struct cn_store *st, int64_t *out) CN_NODISCARD;

/* ---- replication: where a database stands in the WAL ---------------------
 *
 * A PostgreSQL store may have hot standbys (streaming replication) that
 * serve reads (`serve --read-db`).  cn_store_wal tells, on one query,
 * which store this is, whether the database is a standby, and its
 * position in the write-ahead log: on a primary the current write
 * position (pg_current_wal_lsn), on a standby the last position replayed
 * (pg_last_wal_replay_lsn), so a primary's lsn minus a standby's is the
 * bytes the standby has still to replay.  A backend without replication
 * (SQLite) gives CN_EINVAL. */
struct cn_store_wal {
	char store_id[40];
	int standby;        /* in recovery: a standby */
	int paused;         /* a standby whose replay is paused */
	uint64_t lsn;
};
int cn_store_wal(struct cn_store *st, struct cn_store_wal *out,
		 struct cn_err *err) CN_NODISCARD;

/* ---- tokens ---------------------------------------------------------------- */

struct cn_token_info {
	int64_t id;
	char role[16];       /* secretariat | member | partner */
	char principal[16];  /* member or partner code; "" for secretariat */
	char label[128];
	char created[32];
	char revoked[32];    /* "" while valid */
	int64_t feed_of;     /* a calendar feed key: its owner token's id;
			      * 0 for a bearer token */
};

/* Store the hash of a new token; *id gets its row id. */
int cn_store_token_add(struct cn_store *st, const uint8_t hash[CN_HASH_LEN],
		       const char *role, const char *principal,
		       const char *label, int64_t now, int64_t *id,
		       struct cn_err *err) CN_NODISCARD;
/* Look up a token by hash: 0 and *info when it exists and is not revoked;
 * CN_ENOTFOUND otherwise. */
int cn_store_token_find(struct cn_store *st, const uint8_t hash[CN_HASH_LEN],
			struct cn_token_info *info, struct cn_err *err)
	CN_NODISCARD;
/* Calendar feed keys (server/api_calendar.c): a row of the tokens table
 * with feed_of naming the bearer token it reads for, its role and code
 * copied from it.  A feed key is no bearer token (cn_store_token_find
 * never returns one) and is revoked like one (cn_store_token_revoke, by
 * its id); revoking its owner kills it too, and so does disabling the
 * person whose holder owns it, while disabled.  feed_add: CN_ENOTFOUND
 * when `owner` is no valid bearer token or live holder. */
int cn_store_feed_add(struct cn_store *st, const uint8_t hash[CN_HASH_LEN],
		      int64_t owner, const char *label, int64_t now,
		      int64_t *id, struct cn_err *err) CN_NODISCARD;
/* A feed key by hash: 0 and *info when neither it nor its owner is
 * revoked; CN_ENOTFOUND otherwise. */
int cn_store_feed_find(struct cn_store *st, const uint8_t hash[CN_HASH_LEN],
		       struct cn_token_info *info, struct cn_err *err)
	CN_NODISCARD;
/* A person's subscriptions (server/api_webhooks.c, api_feeds.c) belong to
 * a row of the tokens table that stands for that person, its holder:
 * person naming it, role and code copied from the person, a random hash
 * that no bearer token has (cn_store_token_find never returns it, as it
 * never returns a feed key).  Webhooks and feed keys name the holder as
 * they name a bearer token, so the person's subscriptions read what the
 * person may see.  While the person is disabled, the holder counts as
 * revoked: its webhooks are not live (cn_store_webhooks) and its feed
 * keys are not found (cn_store_feed_find).  Revoking the holder
 * (cn_store_token_revoke) ends them for good; the person's next
 * subscription gets a new holder.
 * person_holder: the id of person `person`'s live holder; with `create`
 * (inside a write transaction) one is made when there is none.
 * CN_ENOTFOUND when there is none (and create is 0) or when the person
 * is not an enabled one. */
int cn_store_person_holder(struct cn_store *st, int64_t person, int create,
			   int64_t now, int64_t *id, struct cn_err *err)
	CN_NODISCARD;
/* Tokens, feed keys too, by id: those above id `after` (0: from the
 * first), at most `limit` (INT64_MAX: all); *out is malloc'd. */
int cn_store_token_list(struct cn_store *st, int64_t after, int64_t limit,
			struct cn_token_info **out, size_t *n,
			struct cn_err *err) CN_NODISCARD;
/* The valid (not revoked) calendar feed keys of token `owner`, by id, as
 * cn_store_token_list pages them; through an index on the owner, so a
 * page costs its feeds, not the tokens table. */
int cn_store_feed_list(struct cn_store *st, int64_t owner, int64_t after,
		       int64_t limit, struct cn_token_info **out, size_t *n,
		       struct cn_err *err) CN_NODISCARD;
/* CN_ENOTFOUND when there is no valid token with that id. */
int cn_store_token_revoke(struct cn_store *st, int64_t id, int64_t now,
			  struct cn_err *err) CN_NODISCARD;

/* A token row as stored, every column whole (NULL for SQL NULL), for
 * copying a store to another (council migrate); borrowed for the call. */
struct cn_token_row {
	int64_t id;
	const uint8_t *hash;
	size_t hashlen;
	const char *role, *principal, *label, *created, *revoked;
	/* A calendar feed key: the token it reads for; 0 (SQL NULL) for a
	 * bearer token.  Dropping it would make a feed key a bearer token. */
	int64_t feed_of;
	/* A person's holder (cn_store_person_holder): the person; 0 (SQL
	 * NULL) for any other row. */
	int64_t person;
};
typedef int (*cn_token_fn)(void *ctx, const struct cn_token_row *t,
			   struct cn_err *err);
/* Every token row, by id. */
int cn_store_tokens(struct cn_store *st, cn_token_fn fn, void *ctx,
		    struct cn_err *err) CN_NODISCARD;
/* Store a token row as it is, id included (inside a transaction), moving
 * "tokens_seq"; fails when its id or hash is stored already. */
int cn_store_token_copy(struct cn_store *st, const struct cn_token_row *t,
			struct cn_err *err) CN_NODISCARD;

/* ---- webhooks and the notification outbox: store/notice.h ---------------- */

#include "notice.h"

/* ---- people and sessions: store/people.h ---------------------------------- */

#include "people.h"
#include "passkeys.h"

/* ---- meta ------------------------------------------------------------------ */

/* A meta value (malloc'd), or CN_ENOTFOUND. */
int cn_store_get_meta(struct cn_store *st, const char *key, char **value,
		      struct cn_err *err) CN_NODISCARD;

/* Set a meta value (inside the caller's transaction). */
int cn_store_set_meta(struct cn_store *st, const char *key, const char *value,
		      struct cn_err *err) CN_NODISCARD;

/* ---- paged queries: lists that grow ---------------------------------------
 *
 * Lists of proposals and of the log's events a page at a time, with the
 * principal's sight applied inside the query, so that a page costs what
 * it shows, not what the record holds, and a hidden item is, to a page,
 * exactly an item that does not exist.  The store does not decide sight:
 * the app describes it (app/sight.c) and the store selects by it. */

/* Which proposals a principal sees: every one; or those of `bodies`
 * (compared without case), those made shared (when `shared`), and the
 * adopted ones (always: the public's floor). */
struct cn_sight_rows {
	int every;
	const char *const *bodies;
	size_t nbodies;
	int shared;
};

/* A page of proposals: the sight, then every filter given (NULL or 0:
 * none), in `order`, at most `limit`.  Times are canonical ISO 8601
 * (timeutil.h), ranges [from, to).  `status` is open, concluded or an
 * outcome (adopted, ...: a concluded proposal's); `member`, a member of
 * the electorate; `match`, words one space apart (cn_lists_match), every
 * one required in the title or current text, without case or
 * diacritics, none read as an operator.
 *
 * Each order walks an index of the proposals in that order from its
 * start (a status's or a body's in id order; the open ones by deadline;
 * the concluded ones by conclusion), so a page costs the rows it passes
 * to fill itself: a status filter no longer passes every concluded
 * proposal to find the few open ones.  An opened range, and a concluded
 * range's end, bound the walk in id order while the proposals are in
 * time order (SQLite: pagesql.c, time_ids).  Otherwise a date range and
 * `member` filter that walk: a range far from its start costs the rows
 * before it. */
enum cn_proposal_order {
	CN_ORDER_ID,        /* by id, from the cursors (after, before) */
	/* For a calendar (server/api_calendar.c), the first `limit` of
	 * each; no cursor, no status, no words: */
	CN_ORDER_DEADLINE,  /* the open ones with a deadline, soonest first */
	CN_ORDER_CONCLUDED, /* the concluded ones, the latest conclusion first */
};
struct cn_proposal_query {
	struct cn_sight_rows sight;
	const char *body, *status, *member, *match;
	const char *opened_from, *opened_to, *concluded_from, *concluded_to;
	int64_t after, before; /* ids strictly above / below (0: no bound) */
	int ascending;         /* by id up from `after`; else down */
	enum cn_proposal_order order;
	int64_t limit;
};
/* A proposal's stored view, borrowed for the call. */
typedef int (*cn_doc_fn)(void *ctx, int64_t id, const char *doc, size_t len,
			 struct cn_err *err);
/* A proposal's row in a page: its stored view, the stored fields sight
 * reads (those of cn_store_proposal_meta) and those a list's line shows,
 * so that a caller who may show the view whole can pass its text on, and
 * one who shows a line can show it, without parsing the view.  Borrowed
 * for the call. */
struct cn_proposal_row {
	int64_t id;
	const char *doc;
	size_t len;
	char body[16];
	int shared;
	int adopted; /* concluded with the outcome adopted */
	/* and what a list's line shows (outcome NULL while there is none) */
	const char *title, *procedure, *status, *outcome;
};
typedef int (*cn_proposal_fn)(void *ctx, const struct cn_proposal_row *r,
			      struct cn_err *err);
int cn_store_proposal_page(struct cn_store *st, const struct cn_proposal_query *q,
			   cn_proposal_fn fn, void *ctx, struct cn_err *err)
	CN_NODISCARD;
/* The open proposals after (after, after_id) by (deadline, id) whose
 * deadline is at or before `upto` (times as cn_time_format writes them;
 * after_id 0 to start at a time), in that order, at most `limit`, through fn (id, view): what the reminders look ahead at
 * (server/remind.c).  Through an index on (status, deadline), so it costs
 * the open proposals due in that window, not the record.  No sight: the
 * caller applies it. */
int cn_store_deadline_page(struct cn_store *st, const char *after,
			   int64_t after_id, const char *upto, int64_t limit, cn_doc_fn fn,
			   void *ctx, struct cn_err *err) CN_NODISCARD;

/* The events a restricted sight sees, from `from` to `upto`, by seq: the
 * events about no proposal whose type is one of `open_types`; the events
 * of type `record_types` about a proposal the sight sees (its public
 * record); and every event about a proposal of sight.bodies.  The
 * secretariat's log needs no query (every event).  At most `limit` seqs
 * into seqs[]; *n how many. */
struct cn_log_query {
	struct cn_sight_rows sight;
	const char *const *open_types;
	size_t nopen;
	const char *const *record_types;
	size_t nrecord;
	int64_t from, upto, limit;
};
int cn_store_log_page(struct cn_store *st, const struct cn_log_query *q,
		      int64_t *seqs, size_t *n, struct cn_err *err) CN_NODISCARD;
/* The index the restricted log pages find the public record through
 * (each proposal's opening and conclusion once it is adopted or shared)
 * against what the log and the proposals table derive: *seq the first
 * event where they differ, 0 when they agree (or when the store, opened
 * read-only, predates the index and its pages do without it).  Inside
 * the caller's read transaction. */
int cn_store_public_record_check(struct cn_store *st, int64_t *seq,
				 struct cn_err *err) CN_NODISCARD;

/* ---- snapshots of the writer's world (core/snapshot.h) ------------------
 *
 * A snapshot is the world folded to event `seq` as canonical bytes, kept
 * with that event's hash so that an opener can check it names an event of
 * this log before trusting it.  Written inside the write transaction that
 * appends the events up to seq (guarantee 1), so a snapshot never names an
 * event that is not durable.  Not part of the record: nothing signs or
 * proves them, `council verify` compares each with the replay, and a
 * store without any (or a backend without them) folds the whole log. */
struct cn_snapshot_row {
	int64_t seq;
	const uint8_t *hash;
	size_t hashlen;
	const uint8_t *bytes;
	size_t len;
	/* Read back: NULL, or why the store could not put the snapshot's
	 * parts together (a part not stored, or of another length); bytes
	 * are then empty.  Ignored by a put. */
	const char *why;
};
typedef int (*cn_snapshot_fn)(void *ctx, const struct cn_snapshot_row *s,
			      struct cn_err *err);

/* Nonzero when this store keeps snapshots. */
int cn_store_has_snapshots(struct cn_store *st);
/* Store a snapshot (inside a write transaction; one already at that seq
 * is replaced), then drop all but the newest `keep`.  It is stored in
 * parts cut by content (snapparts.h), each part once, so a snapshot that
 * shares most of its bytes with the one before writes only the rest.
 * flags: CN_SNAPSHOT_REWRITE writes every part again, even one already
 * stored (after a stored snapshot failed to decode: a part it shares may
 * be what was wrong). */
#define CN_SNAPSHOT_REWRITE 1u
int cn_store_snapshot_put(struct cn_store *st, const struct cn_snapshot_row *s,
			  unsigned keep, unsigned flags, struct cn_err *err)
	CN_NODISCARD;
/* The same in two steps, so that the cost of a put (cutting the bytes
 * and hashing each part: tens of milliseconds for tens of megabytes) can
 * be paid on another thread, outside the transaction.
 *
 * First, without the store, a snapshot's parts: its list (snapparts.h:
 * each part's SHA-256 and length) and the bytes of those a put may have
 * to store.  cn_store_snapshot_list makes the list of bytes[0..len) held
 * whole (*list malloc'd, *listlen its length; CN_ENOMEM); those bytes
 * are then the parts' (at_hand NULL).  A maker makes it as the bytes
 * come, a piece at a time (cn_store_snapshot_maker_add is a
 * cn_snapshot_sink, core/snapshot.h; nonzero is CN_ENOMEM), and keeps
 * the bytes of the parts not among `known` (nknown sorted hashes, read
 * with cn_store_snapshot_stored before: the parts the store holds),
 * so that a snapshot of tens of megabytes is never held whole, only its
 * new parts.  Its end hands the parts (valid until the maker is freed)
 * and the snapshot's length.
 *
 * Then the put, inside a write transaction, of s (s->len the snapshot's
 * length; CN_EINVAL when the list's lengths do not add up to it; s->bytes
 * unused) with its parts, with a budget: of the parts not stored yet, the
 * first and then only while they add up to at most `budget` bytes are
 * stored (SIZE_MAX: all of them; every part, whatever the budget, with
 * CN_SNAPSHOT_REWRITE).  *left is the bytes of those still not stored;
 * the row is stored (and the older snapshots dropped) only when none is
 * left.  So a snapshot with many new parts spreads their writes over
 * several commits, each as short as the budget allows, the last one with
 * its row.  Parts stored ahead are named by no snapshot yet: a put or
 * drop of another snapshot in between drops them, and a later put stores
 * them again (snapparts.h).  A part to store whose bytes the maker did
 * not keep (it was stored then, and dropped since by another writer's
 * put or drop; or CN_SNAPSHOT_REWRITE) is CN_ENOTFOUND, and nothing
 * is stored. */
struct cn_snapshot_parts {
	const uint8_t *list;
	size_t listlen;
	/* The parts at hand, end to end in the list's order: every part's
	 * (at_hand NULL: the snapshot's bytes), or, at_hand[i] nonzero, part
	 * i's. */
	const uint8_t *bytes;
	const uint8_t *at_hand;
};
int cn_store_snapshot_list(const uint8_t *bytes, size_t len, uint8_t **list,
			   size_t *listlen, struct cn_err *err) CN_NODISCARD;
struct cn_snapshot_maker;
int cn_store_snapshot_stored(struct cn_store *st, uint8_t **hashes,
			     size_t *nhashes, struct cn_err *err) CN_NODISCARD;
int cn_store_snapshot_maker(const uint8_t *known, size_t nknown,
			    struct cn_snapshot_maker **m, struct cn_err *err)
	CN_NODISCARD;
int cn_store_snapshot_maker_add(void *m, const uint8_t *bytes, size_t n)
	CN_NODISCARD;
int cn_store_snapshot_maker_end(struct cn_snapshot_maker *m,
				struct cn_snapshot_parts *p, size_t *len,
				struct cn_err *err) CN_NODISCARD;
void cn_store_snapshot_maker_free(struct cn_snapshot_maker *m);
int cn_store_snapshot_put_listed(struct cn_store *st,
				 const struct cn_snapshot_row *s,
				 const struct cn_snapshot_parts *p,
				 unsigned keep, unsigned flags, size_t budget,
				 size_t *left, struct cn_err *err) CN_NODISCARD;
/* Drop the snapshot at seq (none there is no error). */
int cn_store_snapshot_drop(struct cn_store *st, int64_t seq,
			   struct cn_err *err) CN_NODISCARD;
/* Every stored snapshot, newest (highest seq) first; fn may stop the walk
 * by returning nonzero.  None stored (or a backend without them) calls fn
 * never. */
int cn_store_snapshots(struct cn_store *st, cn_snapshot_fn fn, void *ctx,
		       struct cn_err *err) CN_NODISCARD;
/* The same, each snapshot's bytes handed on a piece at a time (a stored
 * part each, at most CN_SNAPPART_MAX bytes), never all held: for a check
 * that needs only their digest (`council verify`; a snapshot of a large
 * world is tens of megabytes).  head gets the row with bytes NULL and len
 * the whole length (0 and `why` set when its list of parts cannot be
 * read), then piece gets the bytes in order.  A part found missing on the
 * way is CN_ECORRUPT.  A snapshot stored whole, before parts, is one
 * piece. */
typedef int (*cn_snapshot_piece_fn)(void *ctx, const uint8_t *bytes, size_t n,
				    struct cn_err *err);
int cn_store_snapshot_pieces(struct cn_store *st, cn_snapshot_fn head,
			     cn_snapshot_piece_fn piece, void *ctx,
			     struct cn_err *err) CN_NODISCARD;

/* ---- watching the store: other servers' commits and the clock lead -------
 *
 * Several servers may write one store (PostgreSQL).  A watch is a
 * connection of its own that hears of every write transaction any
 * connection commits to the store, this process's own included, and that
 * can hold the store's clock lead: at most one watch holds it at a time,
 * and it is released when the watch's connection ends, however it ends
 * (a kill -9 of its process too).  PostgreSQL: LISTEN on a channel named
 * for the store, which every write transaction NOTIFYs (delivered only on
 * commit), and a session-level advisory lock keyed by the store id.
 *
 * A backend without watches (SQLite: its writer is the only server of its
 * file) gives none: cn_store_watch_open sets *out to NULL and returns 0.
 * The watch keeps what it needs to connect again; its connection is made
 * again by cn_store_watch_poll whenever it was lost.  Call
 * cn_store_watch_open before another thread uses st; the watch is then
 * used by one thread of its own, independent of st. */
struct cn_store_watch;
int cn_store_watch_open(struct cn_store *st, struct cn_store_watch **out,
			struct cn_err *err) CN_NODISCARD;
/* A descriptor that becomes readable when something may have arrived, or
 * -1 while the watch is not connected. */
int cn_store_watch_fd(const struct cn_store_watch *w);
/* Take what arrived, connecting first when the connection was lost, and,
 * when try_lead, try to take the lead, or, if held, check that its
 * session is still there.  *changed is
 * nonzero when a commit was heard (or may have been missed: after the
 * watch connected again); *leading when this watch holds the lead.  A
 * lost connection gives CN_EIO with *leading 0: the lead is gone with it. */
int cn_store_watch_poll(struct cn_store_watch *w, int try_lead, int *changed,
			int *leading, struct cn_err *err) CN_NODISCARD;
void cn_store_watch_close(struct cn_store_watch *w);

/* ---- the backend's side: the table of operations --------------------------
 *
 * A backend implements these over its own state (struct cn_store_backend,
 * opaque here) and keeps guarantees 1-7.  Each returns 0 or a negative
 * CN_E* code with err set: CN_ENOTFOUND where said, CN_EIO for a failure
 * of the storage itself (never a shortened answer), CN_ECORRUPT for a
 * store that is not a council store.  Callbacks' nonzero returns stop a
 * scan and are returned unchanged.  Nothing here checks or computes
 * anything about events: the layer above does. */

struct cn_store_backend;
struct cn_watch_backend;

/* An event as stored: its seq, bytes, salt and recorded hash (any length:
 * the layer above checks them), and the two columns readers select on,
 * which the layer above fills at append from the decoded event: its type
 * and the proposal it is about (0: none).  Reads need not fill those two. */
struct cn_raw_event {
	int64_t seq;
	const char *bytes;
	size_t len;
	const uint8_t *salt;
	size_t saltlen;
	const uint8_t *hash;
	size_t hashlen;
	const char *type;
	int64_t proposal;
};
typedef int (*cn_raw_event_fn)(void *ctx, const struct cn_raw_event *ev,
			       struct cn_err *err);

struct cn_store_ops {
	const char *name;
	/* Open (or, with CN_STORE_CREATE / CN_STORE_MEMORY, create) a
	 * store; refuse one that is not a council store (CN_ECORRUPT). */
	int (*open)(const char *path, int flags, struct cn_store_backend **out,
		    struct cn_err *err);
	void (*close)(struct cn_store_backend *b);

	int (*begin)(struct cn_store_backend *b, struct cn_err *err);
	int (*commit)(struct cn_store_backend *b, struct cn_err *err);
	void (*rollback)(struct cn_store_backend *b);
	/* cn_store_savepoint (OPEN) and cn_store_savepoint_end (KEEP,
	 * UNDO): UNDO leaves the transaction as OPEN found it, and usable. */
	int (*savepoint)(struct cn_store_backend *b, enum cn_savepoint op,
			 struct cn_err *err);
	int (*read_begin)(struct cn_store_backend *b, struct cn_err *err);
	void (*read_end)(struct cn_store_backend *b);
	int (*data_version)(struct cn_store_backend *b, int64_t *out,
			    struct cn_err *err);
	/* cn_store_versions in one query; NULL: data_version alone. */
	int (*versions)(struct cn_store_backend *b, int64_t *data,
			int64_t *registry, int64_t *tokens, struct cn_err *err);
	/* cn_store_commit_version; NULL: never known. */
	int (*commit_version)(struct cn_store_backend *b, int64_t *out);
	/* cn_store_wal; NULL in a backend without replication. */
	int (*wal)(struct cn_store_backend *b, struct cn_store_wal *out,
		   struct cn_err *err);

	/* The log: append fails when ev->seq is already stored. */
	int (*append)(struct cn_store_backend *b, const struct cn_raw_event *ev,
		      struct cn_err *err);
	/* Events with from <= seq <= to, by seq (to = INT64_MAX: every
	 * one from `from` on).  A scan may run while another is open on
	 * the same connection (verify reads the events between two
	 * checkpoints inside the scan of the checkpoints). */
	int (*events)(struct cn_store_backend *b, int64_t from, int64_t to,
		      cn_raw_event_fn fn, void *ctx, struct cn_err *err);
	/* Events about proposal `id` (proposal.created's payload.id, or
	 * payload.proposal), by seq. */
	int (*proposal_events)(struct cn_store_backend *b, int64_t id,
			       cn_raw_event_fn fn, void *ctx,
			       struct cn_err *err);
	/* The highest seq stored (0 when none). */
	int (*last_seq)(struct cn_store_backend *b, int64_t *out,
			struct cn_err *err);
	/* Event seq (fn called once), or CN_ENOTFOUND. */
	int (*event)(struct cn_store_backend *b, int64_t seq,
		     cn_raw_event_fn fn, void *ctx, struct cn_err *err);

	/* Merkle nodes: node_get gives CN_ENOTFOUND for a node that is not
	 * stored or is not 32 bytes long. */
	int (*node_get)(struct cn_store_backend *b, unsigned level,
			uint64_t index, uint8_t out[CN_MERKLE_HASH_LEN],
			struct cn_err *err);
	int (*node_put)(struct cn_store_backend *b,
			const struct cn_merkle_node *n, struct cn_err *err);
	int (*nodes)(struct cn_store_backend *b, cn_node_fn fn, void *ctx,
		     struct cn_err *err);
	/* Checkpoints: put fails when one of that size is stored; latest
	 * gives the largest (until = INT64_MAX), or the last signed at or
	 * before `until`, or CN_ENOTFOUND when there is none. */
	int (*checkpoint_put)(struct cn_store_backend *b,
			      const struct cn_checkpoint_row *cp,
			      struct cn_err *err);
	int (*checkpoint_latest)(struct cn_store_backend *b, int64_t until,
				 cn_checkpoint_fn fn, void *ctx,
				 struct cn_err *err);
	/* Checkpoints of size >= from, by size. */
	int (*checkpoints)(struct cn_store_backend *b, int64_t from,
			   cn_checkpoint_fn fn, void *ctx, struct cn_err *err);

	/* Projection rows (see cn_store_put_row and friends). */
	int (*row_put)(struct cn_store_backend *b, const struct cn_row *row,
		       struct cn_err *err);
	int (*row_delete)(struct cn_store_backend *b, enum cn_table t,
			  const struct cn_value *key, struct cn_err *err);
	int (*rows)(struct cn_store_backend *b, enum cn_table t,
		    enum cn_row_order order, cn_row_fn fn, void *ctx,
		    struct cn_err *err);
	/* The readers' queries on the proposals table: one doc (malloc'd;
	 * CN_ENOTFOUND), every doc by id, and the fields sight is decided
	 * on (adopted: status 'concluded' and outcome 'adopted'). */
	int (*proposal_doc)(struct cn_store_backend *b, int64_t id, char **text,
			    size_t *len, struct cn_err *err);
	int (*proposal_docs)(struct cn_store_backend *b,
			     int (*fn)(void *ctx, const char *text, size_t len,
				       struct cn_err *err),
			     void *ctx, struct cn_err *err);
	int (*proposal_meta)(struct cn_store_backend *b, int64_t id,
			     char body[16], int *shared, int *adopted,
			     struct cn_err *err);

	/* Tokens: add and revoke also move "tokens_seq", atomically with
	 * the change; revoke gives CN_ENOTFOUND when no valid token has
	 * that id. */
	int (*token_add)(struct cn_store_backend *b,
			 const uint8_t hash[CN_HASH_LEN], const char *role,
			 const char *principal, const char *label,
			 const char *created, int64_t *id, struct cn_err *err);
	int (*token_find)(struct cn_store_backend *b,
			  const uint8_t hash[CN_HASH_LEN],
			  struct cn_token_info *info, struct cn_err *err);
	int (*feed_add)(struct cn_store_backend *b,
			const uint8_t hash[CN_HASH_LEN], int64_t owner,
			const char *label, const char *created, int64_t *id,
			struct cn_err *err);
	int (*holder_find)(struct cn_store_backend *b, int64_t person,
			   int64_t *id, struct cn_err *err);
	int (*holder_add)(struct cn_store_backend *b,
			  const uint8_t hash[CN_HASH_LEN], int64_t person,
			  const char *created, int64_t *id, struct cn_err *err);
	int (*feed_find)(struct cn_store_backend *b,
			 const uint8_t hash[CN_HASH_LEN],
			 struct cn_token_info *info, struct cn_err *err);
	/* every token (feeds_of 0), or token feeds_of's valid feeds */
	int (*token_list)(struct cn_store_backend *b, int64_t feeds_of,
			  int64_t after, int64_t limit,
			  struct cn_token_info **out, size_t *n,
			  struct cn_err *err);
	int (*token_revoke)(struct cn_store_backend *b, int64_t id,
			    const char *revoked, struct cn_err *err);
	/* Every token row as stored, by id; and one stored as given, id
	 * included (later token_adds then take higher ids), moving
	 * "tokens_seq" as token_add does. */
	int (*tokens)(struct cn_store_backend *b, cn_token_fn fn, void *ctx,
		      struct cn_err *err);
	int (*token_put)(struct cn_store_backend *b,
			 const struct cn_token_row *t, struct cn_err *err);

	/* Webhooks and the outbox (see cn_store_webhook_add and friends). */
	int (*webhook_add)(struct cn_store_backend *b,
			   const struct cn_webhook *w, int64_t *id,
			   struct cn_err *err);
	/* those of owner (0: all), of id (0: any), above after, at most
	 * limit, by id */
	int (*webhooks)(struct cn_store_backend *b, int64_t owner, int64_t id,
			int64_t after, int64_t limit, cn_webhook_fn fn,
			void *ctx, struct cn_err *err);
	int (*webhook_revoke)(struct cn_store_backend *b, int64_t id,
			      const char *revoked, struct cn_err *err);
	int (*webhook_advance)(struct cn_store_backend *b, int64_t id,
			       int64_t cursor, struct cn_err *err);
	int (*notice_add)(struct cn_store_backend *b,
			  const struct cn_notice *it, int *added,
			  struct cn_err *err);
	int (*notice_next)(struct cn_store_backend *b, const char *channel,
			   int64_t *at, struct cn_err *err);
	int (*notice_claim)(struct cn_store_backend *b, const char *channel,
			    int64_t now, int64_t until, int limit,
			    cn_notice_fn fn, void *ctx, struct cn_err *err);
	int (*notice_attempt)(struct cn_store_backend *b,
			      const struct cn_attempt *a, struct cn_err *err);
	int (*notice_log)(struct cn_store_backend *b, const char *channel,
			  int64_t target, int64_t limit, cn_attempt_fn fn,
			  void *ctx, struct cn_err *err);
	/* council migrate's copy (cn_store_webhook_rows and friends):
	 * every row as stored, by id (attempts by item and attempt), and
	 * one stored as given, id included (later adds take higher ids).
	 * webhook_rows gives CN_ENOTFOUND when the store has no tables for
	 * them (made before webhooks, opened read-only). */
	int (*webhook_rows)(struct cn_store_backend *b, cn_webhook_fn fn,
			    void *ctx, struct cn_err *err);
	int (*notice_rows)(struct cn_store_backend *b, cn_notice_fn fn,
			   void *ctx, struct cn_err *err);
	int (*attempt_rows)(struct cn_store_backend *b, cn_attempt_fn fn,
			    void *ctx, struct cn_err *err);
	int (*webhook_put)(struct cn_store_backend *b,
			   const struct cn_webhook *w, struct cn_err *err);
	int (*notice_put)(struct cn_store_backend *b,
			  const struct cn_notice *it, struct cn_err *err);
	int (*attempt_put)(struct cn_store_backend *b,
			   const struct cn_attempt *a, struct cn_err *err);

	/* People and sessions (see cn_store_person_add and friends); the
	 * times of people are formatted, a session's are Unix seconds. */
	int (*person_add)(struct cn_store_backend *b, const struct cn_person *p,
			  const char *created, int64_t *id, struct cn_err *err);
	/* one by name, or by id; or (name NULL, id 0) a page by id */
	int (*people)(struct cn_store_backend *b, const char *name, int64_t id,
		      int64_t after, int64_t limit, cn_person_fn fn, void *ctx,
		      struct cn_err *err);
	int (*person_disable)(struct cn_store_backend *b, int64_t id,
			      const char *disabled, int64_t now,
			      struct cn_err *err);
	int (*person_password)(struct cn_store_backend *b, int64_t id,
			       const char *pwhash, struct cn_err *err);
	int (*person_put)(struct cn_store_backend *b, const struct cn_person *p,
			  struct cn_err *err);
	int (*session_add)(struct cn_store_backend *b,
			   const struct cn_session *s, struct cn_err *err);
	int (*session_find)(struct cn_store_backend *b,
			    const uint8_t hash[CN_HASH_LEN],
			    struct cn_session *s, struct cn_person *p,
			    struct cn_err *err);
	int (*session_seen)(struct cn_store_backend *b, int64_t id,
			    int64_t seen, struct cn_err *err);
	int (*session_end)(struct cn_store_backend *b,
			   const uint8_t hash[CN_HASH_LEN], int64_t now,
			   struct cn_err *err);
	/* Passkeys (see cn_store_passkey_add and friends); their dates
	 * formatted. */
	int (*passkey_add)(struct cn_store_backend *b,
			   const struct cn_passkey *k, const char *created,
			   int64_t *id, struct cn_err *err);
	int (*passkeys)(struct cn_store_backend *b, int64_t person,
			cn_passkey_fn fn, void *ctx, struct cn_err *err);
	int (*passkey_find)(struct cn_store_backend *b, const uint8_t *cred,
			    size_t len, struct cn_passkey *k,
			    struct cn_err *err);
	int (*passkey_used)(struct cn_store_backend *b, int64_t id,
			    int64_t count, const char *used,
			    struct cn_err *err);
	int (*passkey_remove)(struct cn_store_backend *b, int64_t person,
			      int64_t id, struct cn_err *err);

	/* Meta: get gives CN_ENOTFOUND for an unset key. */
	int (*meta_get)(struct cn_store_backend *b, const char *key,
			char **value, struct cn_err *err);
	int (*meta_set)(struct cn_store_backend *b, const char *key,
			const char *value, struct cn_err *err);

	/* Where the log's signing key lives (cn_store_key_path); NULL:
	 * beside the store, in path + ".key". */
	int (*key_path)(struct cn_store_backend *b, const char *path,
			char *out, size_t n, struct cn_err *err);

	/* Snapshots (see cn_store_snapshot_put and friends); all NULL in a
	 * backend that keeps none.  snapshot_put replaces the row at the
	 * same seq and keeps the newest `keep`; its bytes are what the
	 * store hands it (a list of parts, snapparts.h), and snapshots hands
	 * them back as stored. */
	int (*snapshot_put)(struct cn_store_backend *b,
			    const struct cn_snapshot_row *s, unsigned keep,
			    struct cn_err *err);
	int (*snapshot_drop)(struct cn_store_backend *b, int64_t seq,
			     struct cn_err *err);
	int (*snapshots)(struct cn_store_backend *b, cn_snapshot_fn fn,
			 void *ctx, struct cn_err *err);
	/* The parts snapshots are stored in, each under its SHA-256:
	 * part_put stores one (replace: over one stored under that hash,
	 * else one stored is kept), part_get hands one's bytes to fn
	 * (CN_ENOTFOUND: none), part_hashes each stored one's hash to fn,
	 * part_drop drops one (none there is no error). */
	int (*part_put)(struct cn_store_backend *b, const uint8_t *hash,
			const uint8_t *bytes, size_t len, int replace,
			struct cn_err *err);
	int (*part_get)(struct cn_store_backend *b, const uint8_t *hash,
			cn_snapshot_piece_fn fn, void *ctx, struct cn_err *err);
	int (*part_hashes)(struct cn_store_backend *b, cn_snapshot_piece_fn fn,
			   void *ctx, struct cn_err *err);
	int (*part_drop)(struct cn_store_backend *b, const uint8_t *hash,
			 struct cn_err *err);

	/* Paged queries (see cn_store_proposal_page, cn_store_log_page,
	 * cn_store_deadline_page). */
	int (*deadline_page)(struct cn_store_backend *b, const char *after,
			     int64_t after_id, const char *upto, int64_t limit, cn_doc_fn fn,
			     void *ctx, struct cn_err *err);
	int (*proposal_page)(struct cn_store_backend *b,
			     const struct cn_proposal_query *q, cn_proposal_fn fn,
			     void *ctx, struct cn_err *err);
	int (*log_page)(struct cn_store_backend *b, const struct cn_log_query *q,
			int64_t *seqs, size_t *n, struct cn_err *err);
	int (*record_check)(struct cn_store_backend *b, int64_t *seq,
			    struct cn_err *err);

	/* Watches (see cn_store_watch_open and friends); all NULL in a
	 * backend that has none.  watch_open may return a watch that is not
	 * connected yet (watch_poll connects it). */
	int (*watch_open)(struct cn_store_backend *b,
			  struct cn_watch_backend **out, struct cn_err *err);
	int (*watch_fd)(const struct cn_watch_backend *w);
	int (*watch_poll)(struct cn_watch_backend *w, int try_lead,
			  int *changed, int *leading, struct cn_err *err);
	void (*watch_close)(struct cn_watch_backend *w);
};

/* The SQLite backend (store/sqlite_*.c). */
extern const struct cn_store_ops cn_store_sqlite;
/* The PostgreSQL backend (store/pg_*.c), on libpq. */
extern const struct cn_store_ops cn_store_pg;

#endif
