/*
 * sqlite.h - internal to the SQLite backend of the store (store.h): its
 * state and the helpers its files share.  Not for use outside
 * src/store/sqlite_*.c.
 *
 * One database file in WAL mode with synchronous=FULL (guarantee 2).
 * Files, one concept each:
 *   sqlite_open.c    open, schema, transactions, the change signal, the
 *                    statement cache and step helpers, the table of
 *                    operations
 *   sqlite_col.c     a row's text and blob columns, out of memory told
 *                    from SQL NULL
 *   sqlite_log.c     events: append, scans, one event
 *   sqlite_tree.c    Merkle nodes and checkpoints
 *   sqlite_rows.c    projection rows and the readers' proposal queries
 *   sqlite_tokens.c  the API's bearer tokens
 *   sqlite_meta.c    meta values
 *   sqlite_query.c   paged queries, the search index
 *
 * Every statement that returns rows is stepped by cn_sq_each() or
 * cn_sq_one(), which check SQLITE_DONE, so a read that fails half way is
 * an error (CN_EIO), never a shorter answer.
 */
#ifndef CN_STORE_SQLITE_H
#define CN_STORE_SQLITE_H

#include <sqlite3.h>

#include "rowsql.h"
#include "store.h"

#define CN_SQ_CACHE 48

struct cn_store_backend {
	sqlite3 *db;
	char path[512];
	/* Statements by SQL text: projection writes run the same few
	 * statements for every event, and preparing them each time cost more
	 * than running them. */
	struct {
		char *sql;
		sqlite3_stmt *stmt;
	} cache[CN_SQ_CACHE];
	int ncache;
	/* The SQL of each projection table's upsert, delete and scans, built
	 * once from cn_tables. */
	char *row_sql[CN_TAB_COUNT][CN_ROWSQL_COUNT];
	/* Whether the store has the public record index (pagesql.h):
	 * 0 not known yet, 1 yes, -1 no (a store opened read-only that
	 * predates it). */
	int record_index;
	/* Set when a write transaction ended without its ROLLBACK, as
	 * SQLite ends one itself when it runs out of memory: SQLite's FTS5
	 * (3.40.1, Debian 12) then keeps per-connection state from the
	 * failed write (its index's totals), and the connection's next
	 * write that deletes from proposal_words fails as "database disk
	 * image is malformed" (the file is sound: a new connection writes
	 * it, and FTS5's integrity-check passes).  sq_begin clears it by a
	 * write to the index that it undoes (test_oom: store-search-write). */
	int search_stale;
};

/* CN_EIO naming the file, what was being done, and SQLite's message. */
int cn_sq_err(struct cn_store_backend *b, struct cn_err *err,
	      const char *what);
/* Run SQL without results. */
int cn_sq_exec(struct cn_store_backend *b, const char *sql,
	       struct cn_err *err);

/* A prepared statement for sql, reset and unbound, owned by the cache
 * (give it back with cn_sq_release); NULL with err set when it does not
 * prepare. */
sqlite3_stmt *cn_sq_stmt(struct cn_store_backend *b, const char *sql,
			 struct cn_err *err);
void cn_sq_release(struct cn_store_backend *b, sqlite3_stmt *s);
/* A statement of its own, not cached (finalized by cn_sq_release): for
 * scans, whose callbacks may run other queries, even the same one. */
sqlite3_stmt *cn_sq_fresh(struct cn_store_backend *b, const char *sql,
			  struct cn_err *err);

/* Step s through every row, calling fn on each (fn may be NULL); then give
 * s back.  Returns 0 after SQLITE_DONE, fn's nonzero value, or CN_EIO
 * (naming `what`) when a step fails. */
typedef int (*cn_sq_row_fn)(void *ctx, sqlite3_stmt *s, struct cn_err *err);
int cn_sq_each(struct cn_store_backend *b, sqlite3_stmt *s, cn_sq_row_fn fn,
	       void *ctx, const char *what, struct cn_err *err);
/* Like cn_sq_each for a query of at most one row: CN_ENOTFOUND (with
 * `notfound` as the message) when there is none. */
int cn_sq_one(struct cn_store_backend *b, sqlite3_stmt *s, cn_sq_row_fn fn,
	      void *ctx, const char *what, const char *notfound,
	      struct cn_err *err);
/* Step a statement that returns no rows; then give it back. */
int cn_sq_done(struct cn_store_backend *b, sqlite3_stmt *s, const char *what,
	       struct cn_err *err);

/* Run a one-row query whose one parameter is the id of a `thing`
 * ("event", "proposal"): CN_ENOTFOUND "no <thing> <id>" without a row. */
int cn_sq_by_id(struct cn_store_backend *b, const char *sql, int64_t id,
		const char *thing, cn_sq_row_fn fn, void *ctx,
		struct cn_err *err);

/* Row callbacks for one-value queries: column 0 into *(int64_t *)ctx,
 * or a malloc'd copy of its text into a struct cn_sq_text. */
struct cn_sq_text {
	char **text;
	size_t *len; /* may be NULL */
};
int cn_sq_int64(void *ctx, sqlite3_stmt *s, struct cn_err *err);
int cn_sq_dup_text(void *ctx, sqlite3_stmt *s, struct cn_err *err);

/* A malloc'd copy of column i's text (NUL-terminated; *len may be NULL;
 * SQL NULL is the empty text), or NULL when out of memory, SQLite's
 * making the value into text included. */
char *cn_sq_text(sqlite3_stmt *s, int i, size_t *len);

/* Column i of the row s is on, as SQLite holds it (good until the row's
 * next step or reset): its text (NUL-terminated), its bytes (an empty
 * value is not NULL), or its text copied into buf (cut to n - 1 bytes;
 * SQL NULL there is the empty text).  `col` names it, "table.column",
 * for the messages.  SQL NULL is *out NULL (*len 0) where the schema
 * allows one, and CN_ECORRUPT where it does not; CN_ENOMEM when SQLite
 * could not make the value into text or bytes (sqlite3_column_text and
 * _blob give NULL then too).  len may be NULL for text. */
enum cn_sq_null { CN_SQ_NOT_NULL, CN_SQ_NULLABLE };
int cn_sq_col_text(sqlite3_stmt *s, int i, const char *col,
		   enum cn_sq_null null, const char **out, size_t *len,
		   struct cn_err *err);
int cn_sq_col_blob(sqlite3_stmt *s, int i, const char *col,
		   enum cn_sq_null null, const void **out, size_t *len,
		   struct cn_err *err);
int cn_sq_col_copy(sqlite3_stmt *s, int i, const char *col,
		   enum cn_sq_null null, char *buf, size_t n,
		   struct cn_err *err);

/* Create the projection tables (sqlite_open.c, when creating a store). */
int cn_sq_create_rows(struct cn_store_backend *b, struct cn_err *err);
void cn_sq_rows_release(struct cn_store_backend *b);

/* The operations, by file. */
int cn_sq_append(struct cn_store_backend *b, const struct cn_raw_event *ev,
		 struct cn_err *err);
int cn_sq_events(struct cn_store_backend *b, int64_t from, int64_t to,
		 cn_raw_event_fn fn, void *ctx, struct cn_err *err);
int cn_sq_proposal_events(struct cn_store_backend *b, int64_t id,
			  cn_raw_event_fn fn, void *ctx, struct cn_err *err);
int cn_sq_last_seq(struct cn_store_backend *b, int64_t *out,
		   struct cn_err *err);
int cn_sq_event(struct cn_store_backend *b, int64_t seq, cn_raw_event_fn fn,
		void *ctx, struct cn_err *err);

int cn_sq_node_get(struct cn_store_backend *b, unsigned level, uint64_t index,
		   uint8_t out[CN_MERKLE_HASH_LEN], struct cn_err *err);
int cn_sq_node_put(struct cn_store_backend *b, const struct cn_merkle_node *n,
		   struct cn_err *err);
int cn_sq_nodes(struct cn_store_backend *b, cn_node_fn fn, void *ctx,
		struct cn_err *err);
int cn_sq_checkpoint_put(struct cn_store_backend *b,
			 const struct cn_checkpoint_row *cp, struct cn_err *err);
int cn_sq_checkpoint_latest(struct cn_store_backend *b, int64_t until,
			    cn_checkpoint_fn fn, void *ctx, struct cn_err *err);
int cn_sq_checkpoints(struct cn_store_backend *b, int64_t from,
		      cn_checkpoint_fn fn, void *ctx, struct cn_err *err);

int cn_sq_row_put(struct cn_store_backend *b, const struct cn_row *row,
		  struct cn_err *err);
int cn_sq_row_delete(struct cn_store_backend *b, enum cn_table t,
		     const struct cn_value *key, struct cn_err *err);
int cn_sq_rows(struct cn_store_backend *b, enum cn_table t,
	       enum cn_row_order order, cn_row_fn fn, void *ctx,
	       struct cn_err *err);
int cn_sq_proposal_doc(struct cn_store_backend *b, int64_t id, char **text,
		       size_t *len, struct cn_err *err);
int cn_sq_proposal_docs(struct cn_store_backend *b,
			int (*fn)(void *ctx, const char *text, size_t len,
				  struct cn_err *err),
			void *ctx, struct cn_err *err);
int cn_sq_proposal_meta(struct cn_store_backend *b, int64_t id, char body[16],
			int *shared, int *adopted, struct cn_err *err);

int cn_sq_token_add(struct cn_store_backend *b, const uint8_t hash[CN_HASH_LEN],
		    const char *role, const char *principal, const char *label,
		    const char *created, int64_t *id, struct cn_err *err);
int cn_sq_token_find(struct cn_store_backend *b,
		     const uint8_t hash[CN_HASH_LEN], struct cn_token_info *info,
		     struct cn_err *err);
int cn_sq_feed_add(struct cn_store_backend *b, const uint8_t hash[CN_HASH_LEN],
		   int64_t owner, const char *label, const char *created,
		   int64_t *id, struct cn_err *err);
int cn_sq_holder_find(struct cn_store_backend *b, int64_t person, int64_t *id,
		      struct cn_err *err);
int cn_sq_holder_add(struct cn_store_backend *b,
		     const uint8_t hash[CN_HASH_LEN], int64_t person,
		     const char *created, int64_t *id, struct cn_err *err);
int cn_sq_feed_find(struct cn_store_backend *b,
		    const uint8_t hash[CN_HASH_LEN], struct cn_token_info *info,
		    struct cn_err *err);
int cn_sq_token_list(struct cn_store_backend *b, int64_t feeds_of,
		     int64_t after, int64_t limit, struct cn_token_info **out,
		     size_t *n, struct cn_err *err);
int cn_sq_token_revoke(struct cn_store_backend *b, int64_t id,
		       const char *revoked, struct cn_err *err);
int cn_sq_tokens(struct cn_store_backend *b, cn_token_fn fn, void *ctx,
		 struct cn_err *err);
int cn_sq_token_put(struct cn_store_backend *b, const struct cn_token_row *t,
		    struct cn_err *err);

int cn_sq_meta_get(struct cn_store_backend *b, const char *key, char **value,
		   struct cn_err *err);
int cn_sq_meta_set(struct cn_store_backend *b, const char *key,
		   const char *value, struct cn_err *err);

/* Paged queries and what they need beside the tables (sqlite_query.c):
 * create_query adds the search index, its triggers and the type index
 * when missing (opening for writing). */
/* sqlite_snapshot.c: the snapshots and their parts' tables (made on a
 * writable open) and their operations. */
int cn_sq_create_snapshots(struct cn_store_backend *b, struct cn_err *err);
int cn_sq_snapshot_put(struct cn_store_backend *b,
		       const struct cn_snapshot_row *s, unsigned keep,
		       struct cn_err *err);
int cn_sq_snapshot_drop(struct cn_store_backend *b, int64_t seq,
			struct cn_err *err);
int cn_sq_part_put(struct cn_store_backend *b, const uint8_t *hash,
		   const uint8_t *bytes, size_t len, int replace,
		   struct cn_err *err);
int cn_sq_part_get(struct cn_store_backend *b, const uint8_t *hash,
		   cn_snapshot_piece_fn fn, void *ctx, struct cn_err *err);
int cn_sq_part_hashes(struct cn_store_backend *b, cn_snapshot_piece_fn fn,
		      void *ctx, struct cn_err *err);
int cn_sq_part_drop(struct cn_store_backend *b, const uint8_t *hash,
		    struct cn_err *err);
int cn_sq_snapshots(struct cn_store_backend *b, cn_snapshot_fn fn, void *ctx,
		    struct cn_err *err);
/* sqlite_tokens.c: the savepoint a credential's change and the move of
 * "tokens_seq" share (cn_sq_change_begin prepares the change's first
 * statement, NULL with the savepoint closed on failure). */
int cn_sq_bump_tokens(struct cn_store_backend *b, struct cn_err *err);
sqlite3_stmt *cn_sq_change_begin(struct cn_store_backend *b, const char *sql,
				 struct cn_err *err);
int cn_sq_change_end(struct cn_store_backend *b, int rc, struct cn_err *err);
/* sqlite_passkeys.c: passkeys. */
int cn_sq_create_passkeys(struct cn_store_backend *b, struct cn_err *err);
int cn_sq_passkey_add(struct cn_store_backend *b, const struct cn_passkey *k,
		      const char *created, int64_t *id, struct cn_err *err);
int cn_sq_passkeys(struct cn_store_backend *b, int64_t person,
		   cn_passkey_fn fn, void *ctx, struct cn_err *err);
int cn_sq_passkey_find(struct cn_store_backend *b, const uint8_t *cred,
		       size_t len, struct cn_passkey *k, struct cn_err *err);
int cn_sq_passkey_used(struct cn_store_backend *b, int64_t id, int64_t count,
		       const char *used, struct cn_err *err);
int cn_sq_passkey_remove(struct cn_store_backend *b, int64_t person,
			 int64_t id, struct cn_err *err);
/* sqlite_people.c: people and sessions. */
int cn_sq_create_people(struct cn_store_backend *b, struct cn_err *err);
int cn_sq_person_add(struct cn_store_backend *b, const struct cn_person *p,
		     const char *created, int64_t *id, struct cn_err *err);
int cn_sq_people(struct cn_store_backend *b, const char *name, int64_t id,
		 int64_t after, int64_t limit, cn_person_fn fn, void *ctx,
		 struct cn_err *err);
int cn_sq_person_disable(struct cn_store_backend *b, int64_t id,
			 const char *disabled, int64_t now, struct cn_err *err);
int cn_sq_person_put(struct cn_store_backend *b, const struct cn_person *p,
		     struct cn_err *err);
int cn_sq_person_password(struct cn_store_backend *b, int64_t id,
			  const char *pwhash, struct cn_err *err);
int cn_sq_session_add(struct cn_store_backend *b, const struct cn_session *se,
		      struct cn_err *err);
int cn_sq_session_find(struct cn_store_backend *b,
		       const uint8_t hash[CN_HASH_LEN], struct cn_session *se,
		       struct cn_person *p, struct cn_err *err);
int cn_sq_session_seen(struct cn_store_backend *b, int64_t id, int64_t seen,
		       struct cn_err *err);
int cn_sq_session_end(struct cn_store_backend *b,
		      const uint8_t hash[CN_HASH_LEN], int64_t now,
		      struct cn_err *err);
/* sqlite_hooks.c: webhooks and the notification outbox. */
int cn_sq_create_hooks(struct cn_store_backend *b, struct cn_err *err);
int cn_sq_webhook_add(struct cn_store_backend *b, const struct cn_webhook *w,
		      int64_t *id, struct cn_err *err);
/* The SQL cn_sq_webhooks runs for owner and id (0: any): test_store
 * checks its plans. */
const char *cn_sq_webhooks_sql(int64_t owner, int64_t id);
int cn_sq_webhooks(struct cn_store_backend *b, int64_t owner, int64_t id,
		   int64_t after, int64_t limit, cn_webhook_fn fn, void *ctx,
		   struct cn_err *err);
int cn_sq_webhook_revoke(struct cn_store_backend *b, int64_t id,
			 const char *revoked, struct cn_err *err);
int cn_sq_webhook_advance(struct cn_store_backend *b, int64_t id,
			  int64_t cursor, struct cn_err *err);
int cn_sq_notice_add(struct cn_store_backend *b,
		     const struct cn_notice *it, int *added,
		     struct cn_err *err);
int cn_sq_notice_next(struct cn_store_backend *b, const char *channel,
		      int64_t *at, struct cn_err *err);
int cn_sq_notice_claim(struct cn_store_backend *b, const char *channel,
		       int64_t now, int64_t until, int limit, cn_notice_fn fn,
		       void *ctx, struct cn_err *err);
int cn_sq_notice_attempt(struct cn_store_backend *b, const struct cn_attempt *a,
			 struct cn_err *err);
int cn_sq_notice_log(struct cn_store_backend *b, const char *channel,
		     int64_t target, int64_t limit, cn_attempt_fn fn, void *ctx,
		     struct cn_err *err);
int cn_sq_webhook_rows(struct cn_store_backend *b, cn_webhook_fn fn, void *ctx,
		      struct cn_err *err);
int cn_sq_notice_rows(struct cn_store_backend *b, cn_notice_fn fn, void *ctx,
		     struct cn_err *err);
int cn_sq_attempt_rows(struct cn_store_backend *b, cn_attempt_fn fn, void *ctx,
		      struct cn_err *err);
int cn_sq_webhook_put(struct cn_store_backend *b, const struct cn_webhook *w,
		     struct cn_err *err);
int cn_sq_notice_put(struct cn_store_backend *b, const struct cn_notice *it,
		    struct cn_err *err);
int cn_sq_attempt_put(struct cn_store_backend *b, const struct cn_attempt *a,
		     struct cn_err *err);
int cn_sq_create_query(struct cn_store_backend *b, struct cn_err *err);
int cn_sq_deadline_page(struct cn_store_backend *b, const char *after,
			int64_t after_id, const char *upto, int64_t limit, cn_doc_fn fn,
			void *ctx, struct cn_err *err);
int cn_sq_proposal_page(struct cn_store_backend *b,
			const struct cn_proposal_query *q, cn_proposal_fn fn,
			void *ctx, struct cn_err *err);
int cn_sq_log_page(struct cn_store_backend *b, const struct cn_log_query *q,
		   int64_t *seqs, size_t *n, struct cn_err *err);
int cn_sq_record_check(struct cn_store_backend *b, int64_t *seq,
		       struct cn_err *err);

#endif
