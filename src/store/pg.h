/*
 * pg.h - internal to the PostgreSQL backend of the store (store.h): its
 * state and the helpers its files share.  Not for use outside
 * src/store/pg_*.c.
 *
 * One database (or one schema of it: the connection's search_path names
 * where the tables are) per store, reached through libpq.  Files, one
 * concept each:
 *   pg_open.c    connecting, the schema, the council marker row,
 *                transactions and the change signal, where the signing
 *                key lives, the table of operations
 *   pg_exec.c    parameters, running statements, reading results,
 *                scans through cursors, and a write's pipeline (its
 *                statements sent ahead, one wait for all)
 *   pg_log.c     events: append, scans (by keyset pages), one event
 *   pg_tree.c    Merkle nodes and checkpoints
 *   pg_rows.c    projection rows and the readers' proposal queries
 *   pg_query.c   the paged queries (pagesql.c's SQL) and their indexes
 *   pg_tokens.c  the API's bearer tokens
 *   pg_meta.c    meta values
 *   pg_watch.c   the watch: LISTEN for other connections' commits, and
 *                the clock lead (a session-level advisory lock)
 *
 * Every value crosses the wire in binary: parameters with their types
 * (bigint, text, bytea) and results as stored, so bytes come back exactly
 * as written whatever the client's or server's settings.  Every query's
 * status is checked and a scan reads every page its cursor (or its
 * keyset, for events) gives, so a read that fails half way is an error
 * (CN_EIO), never a shorter answer.
 */
#ifndef CN_STORE_PG_H
#define CN_STORE_PG_H

#include "pg_lib.h"
#include <stdint.h>

#include "rowsql.h"
#include "store.h"

/* Type OIDs of the values exchanged (pg_type.h, not installed with
 * libpq-dev). */
#define CN_PG_BYTEA 17
#define CN_PG_INT8 20
#define CN_PG_TEXT 25

/* As many as the paged queries bind (pagesql.h). */
#define CN_PG_MAXP 128

/* Statements a write sends ahead before it reads their results: the
 * results of this many are a few kilobytes, which the server's socket
 * buffer holds while it waits for us to read (libpq's pipeline mode
 * deadlocks when neither side reads). */
#define CN_PG_PIPE 256

/* Statements prepared per session: the write path has about a dozen. */
#define CN_PG_PREPS 32

/* Merkle nodes a write holds before it sends them, in one INSERT
 * (pg_tree.c): a batch of a few dozen events makes about twice as many. */
#define CN_PG_NODES 256

struct cn_pg_row;

struct cn_store_backend {
	PGconn *conn;
	/* The connection string, for the watch's own connection (it may
	 * hold a password: never printed). */
	char *conninfo;
	/* "postgresql database NAME": what messages call the store, never
	 * the connection string (which may hold a password). */
	char label[160];
	int readonly;
	int reading; /* inside read_begin .. read_end */
	/* Whether the store has the public record index (pagesql.h):
	 * 0 not known yet, 1 yes, -1 no (opened read-only, it predates it). */
	int record_index;
	/* Nesting of open cursors: each scan names its own. */
	int cursors;
	/* The SQL of each projection table's upsert, delete and scans, built
	 * once from cn_tables. */
	char *row_sql[CN_TAB_COUNT][CN_ROWSQL_COUNT];
	/* Inside a write transaction (pg_begin .. commit or rollback), and
	 * the log's size in it: read with the lock, moved by each append
	 * (-1: unknown). */
	int writing;
	int64_t wseq;
	/* The change counter as the write lock's UPDATE set it, and as this
	 * connection's last commit left it (-1: unknown): under the lock
	 * nobody else moves it, so the commit publishes exactly that. */
	int64_t wversion, cversion;
	/* The newest checkpoint, read with the lock too and replaced by the
	 * one the write stores: what signing asks for (pg_tree.c).  wcp: 0
	 * not known, 1 none stored, 2 held. */
	int wcp;
	int64_t wcp_size, wcp_time;
	uint8_t wcp_root[CN_MERKLE_HASH_LEN];
	char *wcp_note;
	/* The Merkle nodes the write stored and has not sent yet: sent
	 * together, one INSERT, before the next statement that waits (or
	 * reads), the COMMIT, or when full (cn_pg_nodes_flush). */
	size_t nnodes;
	struct cn_merkle_node nodes[CN_PG_NODES];
	/* Statements sent in pipeline mode whose results are still to be
	 * read (pg_exec.c): what each was, for its error message, and the
	 * callback of one that returns rows. */
	int piped;
	struct cn_pg_pending {
		const char *what;
		int rows;      /* expects rows (PGRES_TUPLES_OK) */
		int commit;    /* COMMIT: its status must say COMMIT */
		int (*fn)(void *ctx, const struct cn_pg_row *r,
			  struct cn_err *err);
		void *ctx;
		int prep;      /* preparing statement prep - 1 (0: not) */
	} pending[CN_PG_PIPE];
	/* The statements a write sends ahead, prepared once per session
	 * (pg_exec.c), by their SQL's address (static, or row_sql's: fixed
	 * for the backend's life).  state: 0 to prepare, 1 sent, 2 done;
	 * gen names a new one when a prepare's fate was not learnt. */
	int nprep;
	struct cn_pg_prep {
		const char *sql;
		uint64_t hash; /* of the text (pg_exec.c, prep_slot) */
		int state;
		unsigned gen;
	} prep[CN_PG_PREPS];
};

/* The parameters of one statement, every one binary and typed. */
struct cn_pg_params {
	/* Run outside a write too as a statement prepared once per session
	 * (pg_exec.c): for what every request asks (the change counter, a
	 * proposal's sight row).  Only for SQL at a fixed address, a static
	 * string, as the write path's statements are. */
	int prepare;
	int n;
	Oid types[CN_PG_MAXP];
	const char *values[CN_PG_MAXP];
	int lengths[CN_PG_MAXP];
	int formats[CN_PG_MAXP];
	unsigned char ints[CN_PG_MAXP][8];
};
void cn_pg_int(struct cn_pg_params *p, int64_t v);
/* v as n bytes, most significant first (PostgreSQL's binary integers):
 * at p, returning p + n. */
unsigned char *cn_pg_put_be(unsigned char *p, uint64_t v, int n);
/* Text of len bytes (need not be NUL-terminated); s NULL: SQL NULL. */
void cn_pg_text(struct cn_pg_params *p, const char *s, size_t len);
/* A NUL-terminated string, or NULL for SQL NULL. */
void cn_pg_str(struct cn_pg_params *p, const char *s);
void cn_pg_bytes(struct cn_pg_params *p, const void *b, size_t len);
/* SQL NULL of a type (CN_PG_INT8, CN_PG_TEXT, CN_PG_BYTEA). */
void cn_pg_null(struct cn_pg_params *p, Oid type);

/* SQL for a relation of this store's schema, by name, for to_regclass():
 * a bare name would find another store's anywhere on the search path. */
#define CN_PG_HERE(name) "quote_ident(current_schema()) || '." name "'"

/* The prefix of the channel every write transaction notifies; the
 * store id follows (pg_open.c, pg_watch.c). */
#define CN_PG_CHANNEL "council_"

/* A connection with TCP keepalives on (pg_open.c). */
PGconn *cn_pg_connect(const char *conninfo);

/* pg_watch.c: other connections' commits and the clock lead (store.h). */
int cn_pg_watch_open(struct cn_store_backend *b, struct cn_watch_backend **out,
		     struct cn_err *err);
int cn_pg_watch_fd(const struct cn_watch_backend *w);
int cn_pg_watch_poll(struct cn_watch_backend *w, int try_lead, int *changed,
		     int *leading, struct cn_err *err);
void cn_pg_watch_close(struct cn_watch_backend *w);

/* CN_EIO naming the store, what was being done, and PostgreSQL's
 * message. */
int cn_pg_err(struct cn_store_backend *b, struct cn_err *err,
	      const char *what);

/* Run a statement that returns no rows (p may be NULL); *changed (may be
 * NULL) gets the number of rows it changed. */
int cn_pg_cmd(struct cn_store_backend *b, const char *sql,
	      const struct cn_pg_params *p, int64_t *changed, const char *what,
	      struct cn_err *err);

/* Run SQL of several statements without parameters or results (the
 * schema, session settings). */
int cn_pg_script(struct cn_store_backend *b, const char *sql, const char *what,
		 struct cn_err *err);

/* A row of a result, for row callbacks. */
struct cn_pg_row {
	PGresult *res;
	int i;
};
typedef int (*cn_pg_row_fn)(void *ctx, const struct cn_pg_row *r,
			    struct cn_err *err);

/* Pipelining (libpq's pipeline mode).  Inside a write transaction a
 * statement whose result the caller does not need at once is sent
 * without waiting: cn_pg_send (no rows; outside a write it runs at once
 * as cn_pg_cmd does) and cn_pg_send_rows (fn on each row when the
 * results are read).  Every other statement first reads the results of
 * those sent (cn_pg_sync), so a write's statements travel together and
 * wait once.  A failure among them is reported by the next statement
 * that waits (or the commit), naming what failed; the transaction is
 * then aborted, as it would be had it been reported at once, and the
 * caller rolls back.  cn_pg_sync(b, NULL) discards the results (before
 * a rollback). */
int cn_pg_send(struct cn_store_backend *b, const char *sql,
	       const struct cn_pg_params *p, const char *what,
	       struct cn_err *err);
int cn_pg_send_rows(struct cn_store_backend *b, const char *sql,
		    const struct cn_pg_params *p, cn_pg_row_fn fn, void *ctx,
		    const char *what, struct cn_err *err);
/* COMMIT, sent after the statements waiting in the pipeline: one round
 * trip for all of them. */
int cn_pg_send_commit(struct cn_store_backend *b, struct cn_err *err);
int cn_pg_sync(struct cn_store_backend *b, struct cn_err *err);

/* A query of at most one row: fn on it (fn may be NULL), or CN_ENOTFOUND
 * with `notfound` as the message when there is none. */
int cn_pg_one(struct cn_store_backend *b, const char *sql,
	      const struct cn_pg_params *p, cn_pg_row_fn fn, void *ctx,
	      const char *what, const char *notfound, struct cn_err *err);
/* Every row of a query whose rows are few (a LIMIT bounds them), at once,
 * without a cursor: what a data-modifying statement with RETURNING needs,
 * which a cursor cannot hold. */
int cn_pg_few(struct cn_store_backend *b, const char *sql,
	      const struct cn_pg_params *p, cn_pg_row_fn fn, void *ctx,
	      const char *what, struct cn_err *err);
/* Every row of a query, in pages through a cursor, so a scan of any size
 * holds one page in memory and its callback may run other queries.
 * Outside a transaction the scan takes a read transaction of its own, so
 * its pages are one snapshot. */
int cn_pg_each(struct cn_store_backend *b, const char *sql,
	       const struct cn_pg_params *p, cn_pg_row_fn fn, void *ctx,
	       const char *what, struct cn_err *err);

/* Column values of a row (binary results).  cn_pg_int64 of a NULL or of a
 * value that is not a bigint is 0. */
int cn_pg_isnull(const struct cn_pg_row *r, int col);
int64_t cn_pg_int64(const struct cn_pg_row *r, int col);
const char *cn_pg_value(const struct cn_pg_row *r, int col, size_t *len);
Oid cn_pg_type(const struct cn_pg_row *r, int col);
/* Row callbacks for one-value queries: column 0 into *(int64_t *)ctx, or
 * a malloc'd NUL-terminated copy into a struct cn_pg_textout. */
struct cn_pg_textout {
	char **text;
	size_t *len; /* may be NULL */
};
int cn_pg_get_int64(void *ctx, const struct cn_pg_row *r, struct cn_err *err);
int cn_pg_get_text(void *ctx, const struct cn_pg_row *r, struct cn_err *err);
/* Copy column col's text into buf (cut to n - 1 bytes; "" for NULL). */
void cn_pg_copy(const struct cn_pg_row *r, int col, char *buf, size_t n);

/* The transaction helpers: run fn's change as one transaction of its own
 * when none is open, or inside a savepoint of the caller's (so a failure
 * leaves the caller's transaction usable). */
int cn_pg_change_begin(struct cn_store_backend *b, int *own,
		       struct cn_err *err);
int cn_pg_change_end(struct cn_store_backend *b, int own, int rc,
		     struct cn_err *err);

/* Create the projection tables (pg_open.c, when creating a store). */
int cn_pg_create_rows(struct cn_store_backend *b, struct cn_err *err);
void cn_pg_rows_release(struct cn_store_backend *b);

/* The operations, by file. */
int cn_pg_append(struct cn_store_backend *b, const struct cn_raw_event *ev,
		 struct cn_err *err);
int cn_pg_events(struct cn_store_backend *b, int64_t from, int64_t to,
		 cn_raw_event_fn fn, void *ctx, struct cn_err *err);
int cn_pg_proposal_events(struct cn_store_backend *b, int64_t id,
			  cn_raw_event_fn fn, void *ctx, struct cn_err *err);
int cn_pg_last_seq(struct cn_store_backend *b, int64_t *out,
		   struct cn_err *err);
/* The statement that reads the log's size (pg_log.c). */
extern const char cn_pg_last_seq_sql[];
int cn_pg_event(struct cn_store_backend *b, int64_t seq, cn_raw_event_fn fn,
		void *ctx, struct cn_err *err);

int cn_pg_node_get(struct cn_store_backend *b, unsigned level, uint64_t index,
		   uint8_t out[CN_MERKLE_HASH_LEN], struct cn_err *err);
int cn_pg_node_put(struct cn_store_backend *b, const struct cn_merkle_node *n,
		   struct cn_err *err);
int cn_pg_nodes(struct cn_store_backend *b, cn_node_fn fn, void *ctx,
		struct cn_err *err);
/* Send the nodes cn_pg_node_put holds (one statement, in the pipeline
 * inside a write): pg_exec.c calls it before every statement that waits
 * or returns rows, and before COMMIT, so no statement of the transaction
 * can miss a node stored before it.  cn_pg_nodes_drop forgets them (a
 * rollback). */
int cn_pg_nodes_flush(struct cn_store_backend *b, struct cn_err *err);
void cn_pg_nodes_drop(struct cn_store_backend *b);
/* The newest checkpoint's query, and the row callback (ctx: b) that
 * keeps it for the write (pg_begin); cn_pg_checkpoint_forget drops it. */
extern const char cn_pg_latest_sql[];
int cn_pg_checkpoint_keep(void *ctx, const struct cn_pg_row *r,
			  struct cn_err *err);
void cn_pg_checkpoint_forget(struct cn_store_backend *b);
int cn_pg_checkpoint_put(struct cn_store_backend *b,
			 const struct cn_checkpoint_row *cp, struct cn_err *err);
int cn_pg_checkpoint_latest(struct cn_store_backend *b, int64_t until,
			    cn_checkpoint_fn fn, void *ctx, struct cn_err *err);
int cn_pg_checkpoints(struct cn_store_backend *b, int64_t from,
		      cn_checkpoint_fn fn, void *ctx, struct cn_err *err);

int cn_pg_row_put(struct cn_store_backend *b, const struct cn_row *row,
		  struct cn_err *err);
int cn_pg_row_delete(struct cn_store_backend *b, enum cn_table t,
		     const struct cn_value *key, struct cn_err *err);
int cn_pg_rows(struct cn_store_backend *b, enum cn_table t,
	       enum cn_row_order order, cn_row_fn fn, void *ctx,
	       struct cn_err *err);
int cn_pg_proposal_doc(struct cn_store_backend *b, int64_t id, char **text,
		       size_t *len, struct cn_err *err);
int cn_pg_proposal_docs(struct cn_store_backend *b,
			int (*fn)(void *ctx, const char *text, size_t len,
				  struct cn_err *err),
			void *ctx, struct cn_err *err);
int cn_pg_proposal_meta(struct cn_store_backend *b, int64_t id, char body[16],
			int *shared, int *adopted, struct cn_err *err);

int cn_pg_token_add(struct cn_store_backend *b, const uint8_t hash[CN_HASH_LEN],
		    const char *role, const char *principal, const char *label,
		    const char *created, int64_t *id, struct cn_err *err);
int cn_pg_token_find(struct cn_store_backend *b,
		     const uint8_t hash[CN_HASH_LEN], struct cn_token_info *info,
		     struct cn_err *err);
int cn_pg_feed_add(struct cn_store_backend *b, const uint8_t hash[CN_HASH_LEN],
		   int64_t owner, const char *label, const char *created,
		   int64_t *id, struct cn_err *err);
int cn_pg_holder_find(struct cn_store_backend *b, int64_t person, int64_t *id,
		      struct cn_err *err);
int cn_pg_holder_add(struct cn_store_backend *b,
		     const uint8_t hash[CN_HASH_LEN], int64_t person,
		     const char *created, int64_t *id, struct cn_err *err);
int cn_pg_feed_find(struct cn_store_backend *b,
		    const uint8_t hash[CN_HASH_LEN], struct cn_token_info *info,
		    struct cn_err *err);
int cn_pg_token_list(struct cn_store_backend *b, int64_t feeds_of,
		     int64_t after, int64_t limit, struct cn_token_info **out,
		     size_t *n, struct cn_err *err);
int cn_pg_token_revoke(struct cn_store_backend *b, int64_t id,
		       const char *revoked, struct cn_err *err);
int cn_pg_tokens(struct cn_store_backend *b, cn_token_fn fn, void *ctx,
		 struct cn_err *err);
int cn_pg_token_put(struct cn_store_backend *b, const struct cn_token_row *t,
		    struct cn_err *err);

/* pg_query.c: the paged queries' indexes and search configuration
 * (made on a writable open of a store that has none) and the queries. */
int cn_pg_create_query(struct cn_store_backend *b, struct cn_err *err);
int cn_pg_deadline_page(struct cn_store_backend *b, const char *after,
			int64_t after_id, const char *upto, int64_t limit, cn_doc_fn fn,
			void *ctx, struct cn_err *err);
int cn_pg_proposal_page(struct cn_store_backend *b,
			const struct cn_proposal_query *pq, cn_proposal_fn fn,
			void *ctx, struct cn_err *err);
int cn_pg_log_page(struct cn_store_backend *b, const struct cn_log_query *lq,
		   int64_t *seqs, size_t *n, struct cn_err *err);
int cn_pg_record_check(struct cn_store_backend *b, int64_t *seq,
		       struct cn_err *err);

/* pg_snapshot.c: the snapshots and their parts' tables (made on a
 * writable open) and their operations (declared below). */
/* pg_tokens.c: move "tokens_seq" (inside a change). */
int cn_pg_bump_tokens(struct cn_store_backend *b, struct cn_err *err);
/* pg_passkeys.c: passkeys. */
int cn_pg_create_passkeys(struct cn_store_backend *b, struct cn_err *err);
int cn_pg_passkey_add(struct cn_store_backend *b, const struct cn_passkey *k,
		      const char *created, int64_t *id, struct cn_err *err);
int cn_pg_passkeys(struct cn_store_backend *b, int64_t person,
		   cn_passkey_fn fn, void *ctx, struct cn_err *err);
int cn_pg_passkey_find(struct cn_store_backend *b, const uint8_t *cred,
		       size_t len, struct cn_passkey *k, struct cn_err *err);
int cn_pg_passkey_used(struct cn_store_backend *b, int64_t id, int64_t count,
		       const char *used, struct cn_err *err);
int cn_pg_passkey_remove(struct cn_store_backend *b, int64_t person,
			 int64_t id, struct cn_err *err);
/* pg_people.c: people and sessions. */
int cn_pg_create_people(struct cn_store_backend *b, struct cn_err *err);
int cn_pg_person_add(struct cn_store_backend *b, const struct cn_person *p,
		     const char *created, int64_t *id, struct cn_err *err);
int cn_pg_people(struct cn_store_backend *b, const char *name, int64_t id,
		 int64_t after, int64_t limit, cn_person_fn fn, void *ctx,
		 struct cn_err *err);
int cn_pg_person_disable(struct cn_store_backend *b, int64_t id,
			 const char *disabled, int64_t now, struct cn_err *err);
int cn_pg_person_put(struct cn_store_backend *b, const struct cn_person *p,
		     struct cn_err *err);
int cn_pg_person_password(struct cn_store_backend *b, int64_t id,
			  const char *pwhash, struct cn_err *err);
int cn_pg_session_add(struct cn_store_backend *b, const struct cn_session *se,
		      struct cn_err *err);
int cn_pg_session_find(struct cn_store_backend *b,
		       const uint8_t hash[CN_HASH_LEN], struct cn_session *se,
		       struct cn_person *p, struct cn_err *err);
int cn_pg_session_seen(struct cn_store_backend *b, int64_t id, int64_t seen,
		       struct cn_err *err);
int cn_pg_session_end(struct cn_store_backend *b,
		      const uint8_t hash[CN_HASH_LEN], int64_t now,
		      struct cn_err *err);
/* pg_hooks.c: webhooks and the notification outbox. */
int cn_pg_create_hooks(struct cn_store_backend *b, struct cn_err *err);
int cn_pg_webhook_add(struct cn_store_backend *b, const struct cn_webhook *w,
		      int64_t *id, struct cn_err *err);
int cn_pg_webhooks(struct cn_store_backend *b, int64_t owner, int64_t id,
		   int64_t after, int64_t limit, cn_webhook_fn fn, void *ctx,
		   struct cn_err *err);
int cn_pg_webhook_revoke(struct cn_store_backend *b, int64_t id,
			 const char *revoked, struct cn_err *err);
int cn_pg_webhook_advance(struct cn_store_backend *b, int64_t id,
			  int64_t cursor, struct cn_err *err);
int cn_pg_notice_add(struct cn_store_backend *b,
		     const struct cn_notice *it, int *added,
		     struct cn_err *err);
int cn_pg_notice_next(struct cn_store_backend *b, const char *channel,
		      int64_t *at, struct cn_err *err);
int cn_pg_notice_claim(struct cn_store_backend *b, const char *channel,
		       int64_t now, int64_t until, int limit, cn_notice_fn fn,
		       void *ctx, struct cn_err *err);
int cn_pg_notice_attempt(struct cn_store_backend *b, const struct cn_attempt *a,
			 struct cn_err *err);
int cn_pg_notice_log(struct cn_store_backend *b, const char *channel,
		     int64_t target, int64_t limit, cn_attempt_fn fn, void *ctx,
		     struct cn_err *err);
int cn_pg_webhook_rows(struct cn_store_backend *b, cn_webhook_fn fn, void *ctx,
		      struct cn_err *err);
int cn_pg_notice_rows(struct cn_store_backend *b, cn_notice_fn fn, void *ctx,
		     struct cn_err *err);
int cn_pg_attempt_rows(struct cn_store_backend *b, cn_attempt_fn fn, void *ctx,
		      struct cn_err *err);
int cn_pg_webhook_put(struct cn_store_backend *b, const struct cn_webhook *w,
		     struct cn_err *err);
int cn_pg_notice_put(struct cn_store_backend *b, const struct cn_notice *it,
		    struct cn_err *err);
int cn_pg_attempt_put(struct cn_store_backend *b, const struct cn_attempt *a,
		     struct cn_err *err);
int cn_pg_create_snapshots(struct cn_store_backend *b, struct cn_err *err);
int cn_pg_snapshot_put(struct cn_store_backend *b,
		       const struct cn_snapshot_row *s, unsigned keep,
		       struct cn_err *err);
int cn_pg_snapshot_drop(struct cn_store_backend *b, int64_t seq,
			struct cn_err *err);
int cn_pg_snapshots(struct cn_store_backend *b, cn_snapshot_fn fn, void *ctx,
		    struct cn_err *err);
int cn_pg_part_put(struct cn_store_backend *b, const uint8_t *hash,
		   const uint8_t *bytes, size_t len, int replace,
		   struct cn_err *err);
int cn_pg_part_get(struct cn_store_backend *b, const uint8_t *hash,
		   cn_snapshot_piece_fn fn, void *ctx, struct cn_err *err);
int cn_pg_part_hashes(struct cn_store_backend *b, cn_snapshot_piece_fn fn,
		      void *ctx, struct cn_err *err);
int cn_pg_part_drop(struct cn_store_backend *b, const uint8_t *hash,
		    struct cn_err *err);
int cn_pg_meta_get(struct cn_store_backend *b, const char *key, char **value,
		   struct cn_err *err);
int cn_pg_meta_set(struct cn_store_backend *b, const char *key,
		   const char *value, struct cn_err *err);

#endif
